//! What sending did, and the way to the school's tile in its list.

use gatehouse_model::{ActionOutcome, SchoolView};
use leptos::html::H2;
use leptos::prelude::*;
use leptos_router::params::ParamsMap;

use crate::app::school_list_page;
use crate::components::focused_on_load;

/// What sending did, and the way to the school's tile.
#[component]
pub(super) fn InviteSent(outcome: ActionOutcome, app: Option<String>, on_again: Callback<()>) -> impl IntoView {
    let heading = focused_on_load::<H2>();
    let school = outcome.school;
    let (path, list) = school_list_page(school.view.unwrap_or(SchoolView::Pending));
    let mut params = vec![("school", school.row.school_id.clone())];
    params.extend(app.map(|app| ("app", app)));
    let href = format!("{path}{}", ParamsMap::from_iter(params).to_query_string());
    let name = school.row.name.clone();
    view! {
        <section class="wizard-done" aria-labelledby="invite-sent-heading">
            <h2 id="invite-sent-heading" class="step-heading" tabindex="-1" node_ref=heading>
                "Invitation sent"
            </h2>
            <p class="action-message">{outcome.message}</p>
            <p>
                <a href=href>{format!("Open {name} in {list}")}</a>
            </p>
            <div class="form-buttons">
                <button type="button" class="secondary" on:click=move |_| on_again.run(())>
                    "Invite another school"
                </button>
            </div>
        </section>
    }
}
