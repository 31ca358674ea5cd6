//! The sentence saying what a change just did, in a status region that takes the focus when it
//! shows, so the keyboard and a screen reader start from the outcome.

use leptos::html::P;
use leptos::prelude::*;

/// The screen's last outcome, and the element that shows it.
#[derive(Clone, Copy)]
pub struct ActionMessage {
    text: RwSignal<Option<String>>,
    status: NodeRef<P>,
}

impl ActionMessage {
    pub fn new() -> Self {
        ActionMessage { text: RwSignal::new(None), status: NodeRef::new() }
    }

    /// Shows `text` and moves the focus to it.
    pub fn announce(self, text: impl Into<String>) {
        self.text.set(Some(text.into()));
        // Once shown: a hidden element cannot take the focus.
        request_animation_frame(move || {
            if let Some(status) = self.status.get_untracked() {
                let _ = status.focus();
            }
        });
    }

    /// Hides the last outcome, as when another change starts.
    pub fn clear(self) {
        self.text.set(None);
    }
}

impl Default for ActionMessage {
    fn default() -> Self {
        Self::new()
    }
}

/// Where `message` shows; hidden while there is none.
#[component]
pub fn ActionStatus(message: ActionMessage) -> impl IntoView {
    let text = message.text;
    view! {
        <p class="action-message" role="status" tabindex="-1" node_ref=message.status hidden=move || text.read().is_none()>
            {move || text.get()}
        </p>
    }
}
