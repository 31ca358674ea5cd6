//! What a warm process keeps between requests (#14): a Lambda instance or the
//! local server builds its `Gatehouse` once, and rooms above keep their
//! caches here, one value per type, without `base` knowing their types.
//! Nothing kept here is the truth: every cache says how it catches up with
//! the table and when it reads it whole again.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct Warm {
    kept: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl Warm {
    /// The process's one `T`, made with `Default` on first use.
    pub fn get<T: Any + Default + Send + Sync>(&self) -> Arc<T> {
        let mut kept = self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let value = kept.entry(TypeId::of::<T>()).or_insert_with(|| Arc::new(T::default())).clone();
        value.downcast::<T>().expect("kept under its own type id")
    }
}

impl std::fmt::Debug for Warm {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Warm")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Counter(Mutex<u32>);

    #[test]
    fn each_type_is_kept_once_per_process() {
        let warm = Warm::default();
        *warm.get::<Counter>().0.lock().unwrap() += 1;
        *warm.get::<Counter>().0.lock().unwrap() += 1;
        assert_eq!(*warm.get::<Counter>().0.lock().unwrap(), 2);
        assert_eq!(*Warm::default().get::<Counter>().0.lock().unwrap(), 0);
    }
}
