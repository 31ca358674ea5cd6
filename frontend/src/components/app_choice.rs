//! Which of the partner's apps a per-app screen (the permission set, the API keys) shows, for a
//! partner with more than one. The choice goes in the address (`?app=`), so it survives a reload.

use gatehouse_model::AppSummary;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::params::ParamsMap;

/// A select of `apps` with `current` chosen; choosing another opens `page` for it. Nothing shows
/// for a partner with one app.
#[component]
pub fn AppChoice(apps: Vec<AppSummary>, current: String, page: &'static str) -> impl IntoView {
    let navigate = use_navigate();
    (apps.len() > 1).then(|| {
        let options = apps
            .into_iter()
            .map(|app| {
                let selected = app.app_id == current;
                view! { <option value=app.app_id selected=selected>{app.name}</option> }
            })
            .collect_view();
        view! {
            <div class="field app-choice">
                <label for="app">"App"</label>
                <select
                    id="app"
                    on:change=move |event| {
                        let search = ParamsMap::from_iter([("app", event_target_value(&event))]).to_query_string();
                        navigate(&format!("{page}{search}"), Default::default());
                    }
                >
                    {options}
                </select>
            </div>
        }
    })
}
