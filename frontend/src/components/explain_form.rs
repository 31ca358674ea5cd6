//! "Why can't the app see someone?" (A3): an MIS id in, the rule that hides
//! the person out. The same small form on the school's app page and on the
//! partner's school tile; the answer is a reason and a sentence, never the
//! person's details.

use gatehouse_model::{ExplainReason, Explanation};
use leptos::prelude::*;

use crate::api::{self, ApiError, ExplainAsker};
use crate::components::ProblemAlert;
use crate::dates::local_time;

/// The short headline of a reason.
pub fn reason_label(reason: ExplainReason) -> &'static str {
    match reason {
        ExplainReason::Shared => "Shared",
        ExplainReason::NotAuthorised => "Not authorised",
        ExplainReason::AwaitingVerification => "Awaiting verification",
        ExplainReason::AwaitingSchoolApproval => "Awaiting school approval",
        ExplainReason::AuthorisationRevoked => "Access revoked",
        ExplainReason::NotInstalled => "MIS agent not installed",
        ExplainReason::FeedPaused => "Feed paused",
        ExplainReason::NotInExtract => "Not in the MIS extract",
        ExplainReason::Deleted => "Deleted in the MIS",
        ExplainReason::Excluded => "Excluded",
        ExplainReason::NotSelected => "Not selected (Exclude All)",
        ExplainReason::ScopeNotGranted => "Data area not granted",
        ExplainReason::NoSharedPupil => "Contact of hidden pupils only",
        ExplainReason::NotShared => "Never shared with the app",
    }
}

#[component]
pub fn ExplainForm(
    /// Who asks: decides the route.
    asker: ExplainAsker,
    /// The app, as the heading names it.
    app_name: String,
    /// Unique per page, for the form's ids.
    id_prefix: &'static str,
    /// An `h3` (inside a panel such as the school tile) instead of an `h2`.
    #[prop(optional)]
    nested: bool,
) -> impl IntoView {
    let mis_id = RwSignal::new(String::new());
    let answer = RwSignal::new(None::<Result<Explanation, ApiError>>);
    let ask = Action::new_local(move |id: &String| {
        let (asker, id) = (asker.clone(), id.clone());
        async move { api::explain(&asker, id).await }
    });
    Effect::new(move || {
        if let Some(result) = ask.value().get() {
            answer.set(Some(result));
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        ask.dispatch(mis_id.get_untracked().trim().to_owned());
    };
    let heading = format!("{id_prefix}-explain-heading");
    let title = format!("Why can't {app_name} see someone?");
    let input = format!("{id_prefix}-explain-mis-id");
    view! {
        <section aria-labelledby=heading.clone() class="explain">
            {if nested {
                view! { <h3 id=heading.clone()>{title.clone()}</h3> }.into_any()
            } else {
                view! { <h2 id=heading.clone()>{title.clone()}</h2> }.into_any()
            }}
            <form on:submit=submit class="search">
                <label for=input.clone()>"MIS id"</label>
                <input id=input type="search" autocomplete="off" prop:value=move || mis_id.get()
                    on:input=move |event| mis_id.set(event_target_value(&event)) />
                <button type="submit" disabled=move || ask.pending().get()>"Explain"</button>
            </form>
            <div role="status" aria-live="polite">
                {move || match answer.get() {
                    None => ().into_any(),
                    Some(Err(error)) => view! { <ProblemAlert error /> }.into_any(),
                    Some(Ok(found)) => {
                        let extract = match &found.last_extract_at {
                            Some(at) if found.cache_stale => {
                                format!("The last MIS extract was {}: the data may be out of date.", local_time(at))
                            }
                            Some(at) => format!("Last MIS extract: {}.", local_time(at)),
                            None => "No MIS extract has arrived yet.".to_owned(),
                        };
                        view! {
                            <p class="explain-answer">
                                <strong>{format!("{}: {}", found.mis_id, reason_label(found.reason))}</strong>
                                " – "{found.detail.clone()}
                            </p>
                            <p class="explain-freshness">{extract}</p>
                        }.into_any()
                    }
                }}
            </div>
        </section>
    }
}
