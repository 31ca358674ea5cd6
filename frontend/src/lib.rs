//! The SPA, built as one bundle per audience so that a person downloads only the portal they
//! use (#14): `src/bin/<bundle>.rs` mounts one of the apps in `app`, and the wasm linker keeps
//! only the screens that app routes to. `xtask/src/spa.rs` lists the bundles and which paths
//! each serves; everything here is shared by them.

mod api;
pub mod app;
mod components;
mod dates;
mod pages;
mod school_query;

use std::sync::OnceLock;

use leptos::prelude::*;

/// The path the browser loaded this page at, before any client-side navigation.
static LOADED_AT: OnceLock<String> = OnceLock::new();

/// Mounts `app` on the page's body; each bundle's `main` does only this.
pub fn start<F, N>(app: F)
where
    F: FnOnce() -> N + 'static,
    N: IntoView,
{
    LOADED_AT.get_or_init(|| window().location().pathname().unwrap_or_default());
    leptos::mount::mount_to_body(app);
}

/// Whether the page was loaded at `path` rather than reached by a client-side navigation.
fn loaded_at(path: &str) -> bool {
    LOADED_AT.get().is_some_and(|loaded| loaded == path)
}
