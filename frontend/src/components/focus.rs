//! Moving the keyboard focus: to an element as it appears, or to one that a rebuild or a closed
//! panel left behind, found by a CSS selector (callers run that after the DOM has settled,
//! `request_animation_frame`).

use leptos::html::ElementType;
use leptos::prelude::NodeRef;
use web_sys::wasm_bindgen::JsCast;

/// A reference for an element (with `tabindex="-1"`) that takes the keyboard focus once it is in
/// the page: the heading of what just appeared (a step, a confirmation, a secret), so a screen
/// reader announces it and the keyboard starts there.
pub fn focused_on_load<E>() -> NodeRef<E>
where
    E: ElementType + 'static,
    E::Output: JsCast + Clone + 'static,
{
    let element = NodeRef::new();
    element.on_load(|element: E::Output| {
        // Focus can only fail on a detached element, which this is not once loaded.
        let _ = element.unchecked_ref::<web_sys::HtmlElement>().focus();
    });
    element
}

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
