//! One scope's checkbox, with its name and what sharing it means: the partner's permission set
//! and the school's authorisation both choose scopes this way.

use gatehouse_model::{Scope, ScopeSet};
use leptos::prelude::*;

#[component]
pub fn ScopeChoice(
    scope: Scope,
    chosen: RwSignal<ScopeSet>,
    /// For a reader who may not change the set.
    #[prop(optional)]
    disabled: bool,
    /// Runs after each tick or untick.
    #[prop(optional)]
    on_change: Option<Callback<()>>,
) -> impl IntoView {
    let id = format!("scope-{}", scope.as_str());
    let description_id = format!("{id}-description");
    view! {
        <div class="scope-choice">
            <input
                type="checkbox"
                id=id.clone()
                aria-describedby=description_id.clone()
                disabled=disabled
                prop:checked=move || chosen.read().contains(&scope)
                on:change=move |event| {
                    let ticked = event_target_checked(&event);
                    chosen.update(|set| {
                        if ticked {
                            set.insert(scope);
                        } else {
                            set.remove(&scope);
                        }
                    });
                    if let Some(on_change) = on_change {
                        on_change.run(());
                    }
                }
            />
            <div>
                <label for=id>{scope.label()}</label>
                <p class="hint" id=description_id>{scope.description()}</p>
            </div>
        </div>
    }
}
