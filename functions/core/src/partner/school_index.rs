//! The warm school lists (#14): each process keeps the rows of every list
//! view it has shown, and per request reads only what changed since.
//!
//! A view is read whole once (its GSI1 partition, as `schools` did on every
//! click before), then kept in the process's [`Warm`](crate::base::warm::Warm).
//! Every write of a link also writes the link as it left it under
//! `APP#<app>#VIEWCHG`, ordered by when it was made (`links::link_writes`,
//! in the same transaction). Before each use, the cache reads the changes
//! made since it last looked, less [`LATE_WRITE_MARGIN`] for a write stamped
//! just before it looked that committed just after, and applies each school's
//! newest version it has not seen. In steady state a page costs that one
//! Query, usually empty, instead of the whole partition.
//!
//! What the cache can get wrong, it corrects by itself: a change stamped
//! more than the margin before it committed (no request runs that long: the
//! API's limit is 29 s) is read at the next full reload, every
//! [`RELOAD_AFTER`]; a clock that goes back reloads at once.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use gatehouse_model::SchoolView;

use crate::base::keys::{school_view_partition, view_changes_partition};
use crate::base::ports::{Cursor, Index, Item, Query, query_all};
use crate::store::records::{SchoolLinkRecord, from_item};
use crate::{AppId, Gatehouse, Result};

/// How long a cached view is trusted before it is read whole again.
pub const RELOAD_AFTER: Duration = Duration::minutes(10);
/// How far before its last look a cache reads changes again.
pub const LATE_WRITE_MARGIN: Duration = Duration::seconds(30);
/// Most rows a process keeps, over all views (a few KB each): past it, the
/// views used longest ago are dropped, so an instance that serves many
/// partners stays within its memory (`list_partner_schools` has 512 MB).
pub const KEPT_ROWS: usize = 40_000;

/// A row a view keeps: made from a link, with the view's natural order (the
/// lists': by name, then school id).
pub trait ViewRow: From<SchoolLinkRecord> + Send + 'static {
    fn natural_order(&self, other: &Self) -> Ordering;
}

/// The process's cached views, by app and view, of rows `R` made from links
/// (the lists' rows: `schools::ListRow`).
pub struct SchoolIndex<R> {
    views: Mutex<HashMap<(String, SchoolView), Slot<R>>>,
}

/// One view's cache, locked on its own so views and apps do not wait on each other.
type Slot<R> = Arc<Mutex<CachedView<R>>>;

impl<R> Default for SchoolIndex<R> {
    fn default() -> Self {
        SchoolIndex { views: Mutex::default() }
    }
}

/// One view of one app's schools, as far as its changes were read.
pub struct CachedView<R> {
    loaded_at: Option<DateTime<Utc>>,
    /// Changes were read up to here.
    read_to: Option<DateTime<Utc>>,
    /// The view's rows, in no order; `positions` finds a school's.
    rows: Vec<R>,
    positions: HashMap<String, usize>,
    /// Positions of `rows` in their natural order, worked out again after a change.
    ordered: Option<Vec<usize>>,
    /// The newest version seen of every school's link, in this view or
    /// not, so an older change read again never undoes a newer one.
    versions: HashMap<String, u64>,
}

impl<R> Default for CachedView<R> {
    fn default() -> Self {
        CachedView {
            loaded_at: None,
            read_to: None,
            rows: Vec::new(),
            positions: HashMap::new(),
            ordered: None,
            versions: HashMap::new(),
        }
    }
}

impl<R: ViewRow> CachedView<R> {
    /// Every row, to update in place.
    pub fn rows_mut(&mut self) -> &mut [R] {
        &mut self.rows
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Every row in its natural order: sorted once per change, not per request.
    pub fn in_order(&mut self) -> impl Iterator<Item = &R> {
        let rows = &self.rows;
        let ordered = self.ordered.get_or_insert_with(|| {
            let mut ordered: Vec<usize> = (0..rows.len()).collect();
            ordered.sort_unstable_by(|a, b| rows[*a].natural_order(&rows[*b]));
            ordered
        });
        ordered.iter().map(|position| &rows[*position])
    }

    fn insert(&mut self, school: &str, row: R) {
        match self.positions.get(school) {
            Some(position) => self.rows[*position] = row,
            None => {
                self.positions.insert(school.to_owned(), self.rows.len());
                self.rows.push(row);
            }
        }
        self.ordered = None;
    }

    fn remove(&mut self, school: &str) {
        let Some(position) = self.positions.remove(school) else { return };
        self.rows.swap_remove(position);
        // The last row moved into the gap: point its school at it.
        if let Some(moved) = self.positions.values_mut().find(|at| **at == self.rows.len()) {
            *moved = position;
        }
        self.ordered = None;
    }

    fn needs_reload(&self, now: DateTime<Utc>) -> bool {
        match (self.loaded_at, self.read_to) {
            (Some(loaded_at), Some(read_to)) => now - loaded_at >= RELOAD_AFTER || now < read_to,
            _ => true,
        }
    }

    fn reload(&mut self, view: SchoolView, items: &[Item], now: DateTime<Utc>) -> Result<()> {
        self.rows.clear();
        self.positions.clear();
        self.ordered = None;
        self.versions.clear();
        self.loaded_at = Some(now);
        self.apply(view, items)
    }

    /// Applies each school's newest change that is newer than what is kept.
    fn apply(&mut self, view: SchoolView, items: &[Item]) -> Result<()> {
        let mut newest: HashMap<&str, &Item> = HashMap::new();
        for item in items {
            let Some(school) = item.attributes.get("school_id").and_then(|id| id.as_str()) else { continue };
            let entry = newest.entry(school).or_insert(item);
            if item.version > entry.version {
                *entry = item;
            }
        }
        for (school, item) in newest {
            if self.versions.get(school).is_some_and(|seen| *seen >= item.version) {
                continue;
            }
            self.versions.insert(school.to_owned(), item.version);
            let link: SchoolLinkRecord = from_item(item)?;
            if link.view == view && link.cancelled_on.is_none() {
                self.insert(school, R::from(link));
            } else {
                self.remove(school);
            }
        }
        Ok(())
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while one request held the lock leaves rows a reload replaces.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs `use_rows` on the app's view, brought up to date: read whole when
/// the process has none or it is [`RELOAD_AFTER`] old, otherwise caught up
/// from the changes since it last looked.
pub async fn with_view<R, T>(
    gatehouse: &Gatehouse,
    app: &AppId,
    view: SchoolView,
    use_rows: impl FnOnce(&mut CachedView<R>) -> T,
) -> Result<T>
where
    R: ViewRow,
{
    let now = gatehouse.clock.now();
    let slot = {
        let index = gatehouse.warm.get::<SchoolIndex<R>>();
        let mut views = lock(&index.views);
        views.entry((app.to_string(), view)).or_default().clone()
    };
    let (reload, read_to) = {
        let cached = lock(&slot);
        (cached.needs_reload(now), cached.read_to)
    };
    let whole = if reload {
        let partition = school_view_partition(app, view);
        Some(query_all(gatehouse.table.as_ref(), Query::partition(Index::Gsi1, partition)).await?)
    } else {
        None
    };
    // After a reload too: the index lags the table a little.
    let since = if reload { now } else { read_to.unwrap_or(now) } - LATE_WRITE_MARGIN;
    let changes = changes_since(gatehouse, app, since).await?;

    let answer = {
        let mut cached = lock(&slot);
        if let Some(items) = whole {
            cached.reload(view, &items, now)?;
        }
        cached.apply(view, &changes)?;
        cached.read_to = Some(cached.read_to.map_or(now, |read_to| read_to.max(now)));
        use_rows(&mut cached)
    };
    gatehouse.warm.get::<SchoolIndex<R>>().keep_within(KEPT_ROWS, &(app.to_string(), view));
    Ok(answer)
}

impl<R> SchoolIndex<R> {
    /// Drops the views used longest ago (never `current`) until at most
    /// `budget` rows are kept. A view in use by another request is skipped.
    fn keep_within(&self, budget: usize, current: &(String, SchoolView)) {
        let mut views = lock(&self.views);
        let mut kept = 0;
        let mut droppable = Vec::new();
        for (key, slot) in views.iter() {
            let Ok(cached) = slot.try_lock() else { continue };
            kept += cached.rows.len();
            if key != current {
                droppable.push((cached.read_to, cached.rows.len(), key.clone()));
            }
        }
        droppable.sort_by_key(|(used, ..)| *used);
        for (_, rows, key) in droppable {
            if kept <= budget {
                break;
            }
            views.remove(&key);
            kept -= rows;
        }
    }
}

/// The app's link changes stamped after `since`: one Query, a page per MB.
async fn changes_since(gatehouse: &Gatehouse, app: &AppId, since: DateTime<Utc>) -> Result<Vec<Item>> {
    let partition = view_changes_partition(app);
    let mut query = Query::partition(Index::Primary, partition.clone());
    // Sort keys start with the stamp, so every change at or after `since`
    // sorts after the bare stamp.
    query.after = Some(Cursor { pk: partition, sk: since.to_rfc3339_opts(SecondsFormat::Micros, true), gsi1: None });
    Ok(query_all(gatehouse.table.as_ref(), query).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::base::keys::Key;
    use crate::base::ports::{Clock, Condition, TransactWrite};
    use crate::fixtures::demo::DEMO_APP;
    use crate::fixtures::memory::{MemoryGatehouse, demo_now, seeded};
    use crate::store::links::{Change, LoadedLink, link_item, link_writes};
    use crate::store::records::SchoolLinkRecord;

    /// Rows are the links themselves here: the mechanics, not the columns.
    struct Linked(SchoolLinkRecord);

    impl From<SchoolLinkRecord> for Linked {
        fn from(link: SchoolLinkRecord) -> Self {
            Linked(link)
        }
    }

    impl ViewRow for Linked {
        fn natural_order(&self, other: &Self) -> Ordering {
            self.0.school_id.cmp(&other.0.school_id)
        }
    }

    fn app() -> AppId {
        AppId::parse(DEMO_APP).unwrap()
    }

    async fn ids(gatehouse: &Gatehouse, view: SchoolView) -> Vec<String> {
        let ids = with_view(gatehouse, &app(), view, |cached: &mut CachedView<Linked>| {
            cached.in_order().map(|row| row.0.school_id.to_string()).collect::<Vec<_>>()
        })
        .await
        .unwrap();
        assert!(ids.is_sorted(), "in their natural order");
        ids
    }

    async fn load_link(gatehouse: &Gatehouse, school: &str) -> LoadedLink {
        let school = crate::SchoolId::parse(school).unwrap();
        let key = Key::SchoolLink(&app(), &school);
        let item = gatehouse.table.get(&key.pk(), &key.sk()).await.unwrap().unwrap();
        LoadedLink { link: from_item(&item).unwrap(), version: item.version }
    }

    /// A second warm process over the same table.
    fn other_process(memory: &MemoryGatehouse) -> Gatehouse {
        Gatehouse { warm: Default::default(), ..memory.gatehouse.clone() }
    }

    /// Moves one Active school to Revoked, through `links::commit` in `gatehouse`.
    async fn revoke(gatehouse: &Gatehouse, school: &str) {
        let loaded = load_link(gatehouse, school).await;
        let mut link = loaded.link.clone();
        link.view = SchoolView::Revoked;
        crate::store::links::commit(gatehouse, &loaded, Change::new(link), "test").await.unwrap();
    }

    #[tokio::test]
    async fn a_warm_view_sees_what_another_process_committed_in_either_view() {
        let memory = seeded(demo_now()).await.unwrap();
        let (this, other) = (memory.gatehouse.clone(), other_process(&memory));
        let active = ids(&this, SchoolView::Active).await;
        let revoked = ids(&this, SchoolView::Revoked).await;
        let school = active[0].clone();

        revoke(&other, &school).await;
        memory.clock.advance(Duration::seconds(5));
        assert!(!ids(&this, SchoolView::Active).await.contains(&school));
        assert!(ids(&this, SchoolView::Revoked).await.contains(&school));
        // Read again inside the margin: the change applies once.
        memory.clock.advance(Duration::seconds(5));
        assert_eq!(ids(&this, SchoolView::Active).await.len(), active.len() - 1);
        assert_eq!(ids(&this, SchoolView::Revoked).await.len(), revoked.len() + 1);
    }

    #[tokio::test]
    async fn past_its_budget_a_process_drops_the_views_used_longest_ago() {
        let memory = seeded(demo_now()).await.unwrap();
        let this = memory.gatehouse.clone();
        for view in [SchoolView::Revoked, SchoolView::Pending, SchoolView::Active] {
            ids(&this, view).await;
            memory.clock.advance(Duration::seconds(1));
        }
        let index = this.warm.get::<SchoolIndex<Linked>>();
        let kept = |view| lock(&index.views).contains_key(&(DEMO_APP.to_owned(), view));
        let active = (DEMO_APP.to_owned(), SchoolView::Active);
        let sizes: Vec<usize> = [SchoolView::Revoked, SchoolView::Pending, SchoolView::Active]
            .map(|view| lock(&lock(&index.views)[&(DEMO_APP.to_owned(), view)]).rows.len())
            .to_vec();
        // Room for Pending and Active only: Revoked, used first, goes.
        index.keep_within(sizes[1] + sizes[2], &active);
        assert!(!kept(SchoolView::Revoked) && kept(SchoolView::Pending) && kept(SchoolView::Active));
        // The view in use stays whatever the budget.
        index.keep_within(0, &active);
        assert!(!kept(SchoolView::Pending) && kept(SchoolView::Active));
        // A dropped view is read whole again when next shown.
        assert_eq!(ids(&this, SchoolView::Revoked).await.len(), sizes[0]);
    }

    #[tokio::test]
    async fn an_older_change_read_again_never_undoes_a_newer_one() {
        let memory = seeded(demo_now()).await.unwrap();
        let this = memory.gatehouse.clone();
        let school = ids(&this, SchoolView::Active).await[0].clone();
        let loaded = load_link(&this, &school).await;
        // Version n+1 (still Active) stamped after version n+2 (Revoked),
        // as two instances with clocks a little apart could write them.
        let mut revoked = loaded.link.clone();
        revoked.view = SchoolView::Revoked;
        let now = memory.clock.now();
        let mut writes = link_writes(&revoked, loaded.version + 2, Condition::Always, now).to_vec();
        writes.extend(
            link_writes(&loaded.link, loaded.version + 1, Condition::Always, now + Duration::seconds(1))
                .into_iter()
                .skip(1),
        );
        this.table.transact(writes).await.unwrap();
        memory.clock.advance(Duration::seconds(2));
        assert!(!ids(&this, SchoolView::Active).await.contains(&school));
    }

    #[tokio::test]
    async fn a_write_later_than_the_margin_shows_at_the_next_reload() {
        let memory = seeded(demo_now()).await.unwrap();
        let this = memory.gatehouse.clone();
        let active = ids(&this, SchoolView::Active).await;
        // A change stamped a minute before it commits: past the margin.
        let loaded = load_link(&this, &active[0]).await;
        let mut revoked = loaded.link.clone();
        revoked.view = SchoolView::Revoked;
        let stamped = memory.clock.now() - Duration::minutes(1);
        let writes: Vec<TransactWrite> = link_writes(&revoked, loaded.version + 1, Condition::Always, stamped).into();
        this.table.transact(writes).await.unwrap();
        assert_eq!(ids(&this, SchoolView::Active).await, active, "missed until the reload");
        memory.clock.advance(RELOAD_AFTER);
        assert_eq!(ids(&this, SchoolView::Active).await.len(), active.len() - 1);
        // A clock that goes back reloads at once.
        this.table.put(link_item(&loaded.link, loaded.version + 2), Condition::Always).await.unwrap();
        memory.clock.advance(-Duration::minutes(1));
        assert_eq!(ids(&this, SchoolView::Active).await, active);
    }
}
