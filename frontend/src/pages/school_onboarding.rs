//! `/school/onboarding` (S4): install the MIS agent yourself (set-up steps and an agent key,
//! shown once) or book a slot with the support team. Shows where the install stands.

use gatehouse_model::{BookSlotRequest, NoBody, NoQuery, SelfInstallKey, endpoint};
use leptos::prelude::*;

use crate::api;
use crate::app::set_title;
use crate::components::{AdminOnlyNote, ProblemAlert, SchoolFrame, SchoolSession, problem_for};

#[component]
pub fn SchoolOnboardingScreen() -> impl IntoView {
    set_title("Install the MIS agent");
    let admin = SchoolSession::of_page().is_admin();
    let status = api::load::<endpoint::GetSchoolOnboarding>();
    let slot = RwSignal::new(String::new());
    let key = RwSignal::new(None::<SelfInstallKey>);
    let book = Action::new_local(|slot: &String| {
        api::call::<endpoint::BookInstallSlot>(&[], &NoQuery, &BookSlotRequest { slot: slot.clone() })
    });
    let self_install = Action::new_local(|_: &()| api::call::<endpoint::StartSelfInstall>(&[], &NoQuery, &NoBody));
    Effect::new(move || {
        if let Some(Ok(done)) = book.value().get() {
            status.set(Some(Ok(done)));
        }
    });
    Effect::new(move || {
        if let Some(Ok(issued)) = self_install.value().get() {
            status.set(Some(Ok(issued.onboarding.clone())));
            key.set(Some(issued));
        }
    });
    let book_error = Signal::derive(move || book.value().get().and_then(Result::err));
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        book.dispatch(slot.get_untracked());
    };
    view! {
        <SchoolFrame>
            <h1>"Install the MIS agent"</h1>
            <p class="lead">"The agent reads your MIS and sends only what you authorised. Install it yourself, or book a slot and our support team does it with you."</p>
            <AdminOnlyNote />
            {move || match status.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(error)) if error.requires_sign_in() => ().into_any(),
                Some(Err(error)) => view! { <ProblemAlert error /> }.into_any(),
                Some(Ok(onboarding)) => {
                    let options = onboarding.slots.iter().map(|choice| {
                        let value = choice.clone();
                        view! { <option value=value.clone()>{value.replace('T', " ")}</option> }
                    }).collect_view();
                    let none_offered = onboarding.slots.is_empty();
                    view! {
                        <p role="status"><strong>"Install status: "</strong>{onboarding.install_status.label()}</p>
                        <section aria-labelledby="self-install-heading">
                            <h2 id="self-install-heading">"Self-install"</h2>
                            <p>"Get an agent key and follow the steps. The key is shown once; asking again makes a new one and the old one stops working."</p>
                            <button type="button" hidden=move || !admin.get() disabled=move || self_install.pending().get()
                                on:click=move |_| { self_install.dispatch(()); }>
                                {if onboarding.agent_key_issued { "Issue a new agent key" } else { "Get an agent key" }}
                            </button>
                        </section>
                        <section aria-labelledby="book-heading">
                            <h2 id="book-heading">"Book a slot with support"</h2>
                            {if none_offered {
                                view! { <p class="empty-note">"No slots are offered right now; check again soon."</p> }.into_any()
                            } else {
                                view! {
                                    <form on:submit=submit hidden=move || !admin.get()>
                                        <label for="install-slot">"Slot (UK time)"</label>
                                        <select id="install-slot" on:change=move |event| slot.set(event_target_value(&event))
                                            aria-invalid=move || problem_for(book_error.get(), &["slot"]).map(|_| "true")>
                                            <option value="">"Choose a slot…"</option>
                                            {options}
                                        </select>
                                        <button type="submit" disabled=move || book.pending().get()>"Book slot"</button>
                                    </form>
                                }.into_any()
                            }}
                        </section>
                    }.into_any()
                }
            }}
            {move || book_error.get().map(|error| view! { <ProblemAlert error /> })}
            {move || self_install.value().get().and_then(Result::err).map(|error| view! { <ProblemAlert error /> })}
            {move || key.get().map(|issued| {
                let steps = issued.steps.iter().map(|step| view! { <li>{step.clone()}</li> }).collect_view();
                view! {
                    <section aria-labelledby="key-heading" class="secret">
                        <h2 id="key-heading">"Your agent key"</h2>
                        <p>"Copy it now: it is not shown again."</p>
                        <dl>
                            <dt>"School id"</dt><dd><code>{issued.school_id.clone()}</code></dd>
                            <dt>"Agent key"</dt><dd><code class="secret-value">{issued.secret.clone()}</code></dd>
                            <dt>"Sends to"</dt><dd><code>{issued.push_url.clone()}</code></dd>
                        </dl>
                        <ol>{steps}</ol>
                    </section>
                }
            })}
        </SchoolFrame>
    }
}
