//! Moving the keyboard focus to an element that a rebuild or a closed panel left behind, found
//! by a CSS selector. Callers run it after the DOM has settled (`request_animation_frame`).

use web_sys::wasm_bindgen::JsCast;

/// Focuses the first element matching `selector`; nothing happens when there is none, as when
/// the list no longer shows the row a tile was opened from.
pub fn focus_first(selector: &str) {
    let element = leptos::prelude::document()
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        // Focus can only fail on a detached element, which a query never returns.
        let _ = element.focus();
    }
}
