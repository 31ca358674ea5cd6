//! The partner portal SPA's entry point: it only mounts the app; routes live in `app.rs`.

mod api;
mod app;
mod components;
mod dates;
mod pages;
mod school_query;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
