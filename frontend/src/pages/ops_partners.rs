//! `/ops/partners` (O1): every partner organisation, and the form that creates one with its
//! first admin (emailed a welcome with the sign-in page) and its first app.

use gatehouse_model::{NewPartner, PartnerCreated, PartnerSummary};
use leptos::html::P;
use leptos::prelude::*;

use crate::api;
use crate::app::set_title;
use crate::components::{InputProblem, OpsFrame, ProblemAlert, problem_alerts, problem_for, problem_unclaimed};
use crate::dates::local_time;

/// The form's fields: the name the API reports problems under, and the label.
const FIELDS: [(&str, &str); 4] = [
    ("name", "Organisation name"),
    ("admin_name", "First admin's name"),
    ("admin_email", "First admin's email address"),
    ("app_name", "App name"),
];

/// The organisation as typed, or the first field missing.
fn new_partner(values: [String; 4]) -> Result<NewPartner, (&'static str, &'static str)> {
    let [name, admin_name, admin_email, app_name] = values.map(|value| value.trim().to_owned());
    if name.is_empty() {
        return Err(("name", "Enter the organisation's name."));
    }
    if admin_name.is_empty() {
        return Err(("admin_name", "Enter the first admin's name."));
    }
    if !admin_email.contains('@') {
        return Err(("admin_email", "Enter the admin's work email address, like name@partner.example."));
    }
    if app_name.is_empty() {
        return Err(("app_name", "Enter the name of the organisation's app."));
    }
    Ok(NewPartner { name, admin_name, admin_email, app_name })
}

fn created_sentence(created: &PartnerCreated) -> String {
    let partner = &created.partner;
    if created.created {
        format!(
            "{} was created with the app {}. {} ({}) was emailed a link to sign in as its admin.",
            partner.name, partner.app_name, partner.admin_name, partner.admin_email
        )
    } else {
        format!("{} already exists; nothing was changed and no email was sent.", partner.name)
    }
}

#[component]
pub fn OpsPartners() -> impl IntoView {
    set_title("Partners");
    let list = LocalResource::new(api::partners);
    let create = Action::new_local(|partner: &NewPartner| api::create_partner(partner.clone()));
    let message = RwSignal::new(None::<String>);
    let status = NodeRef::<P>::new();
    let values: [RwSignal<String>; 4] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let invalid = RwSignal::new(None::<(&'static str, &'static str)>);
    Effect::new(move || {
        if let Some(Ok(created)) = create.value().get() {
            message.set(Some(created_sentence(&created)));
            values.iter().for_each(|value| value.set(String::new()));
            list.refetch();
            request_animation_frame(move || {
                if let Some(status) = status.get_untracked() {
                    let _ = status.focus();
                }
            });
        }
    });
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let failed = Signal::derive(move || list.get().and_then(Result::err).or_else(|| error.get()));
    let names: Vec<&'static str> = FIELDS.iter().map(|(name, _)| *name).collect();
    let fields = FIELDS
        .into_iter()
        .zip(values)
        .map(|((name, label), value)| {
            let id = format!("partner-{name}");
            let problem = move || {
                let own = invalid.get().filter(|(field, _)| *field == name).map(|(_, text)| text);
                (
                    own.map(|text| view! { <InputProblem detail=text /> }),
                    problem_for(error.get(), &[name]).map(|error| view! { <ProblemAlert error /> }),
                )
            };
            let is_invalid = move || {
                (invalid.get().is_some_and(|(field, _)| field == name) || problem_for(error.get(), &[name]).is_some())
                    .then_some("true")
            };
            let kind = if name == "admin_email" { "email" } else { "text" };
            view! {
                <div class="field">
                    <label for=id.clone()>{label}</label>
                    <input
                        id=id
                        type=kind
                        autocomplete="off"
                        aria-invalid=is_invalid
                        prop:value=move || value.get()
                        on:input=move |event| {
                            value.set(event_target_value(&event));
                            invalid.set(None);
                        }
                    />
                    {problem}
                </div>
            }
        })
        .collect_view();
    let body =
        move || Suspend::new(async move { list.await.map(|list| view! { <PartnersTable partners=list.partners /> }) });
    view! {
        <OpsFrame failed>
            <h1>"Partners"</h1>
            <p class="action-message" role="status" tabindex="-1" node_ref=status hidden=move || message.read().is_none()>
                {move || message.get()}
            </p>
            <section aria-labelledby="new-partner-heading">
                <h2 id="new-partner-heading">"Create a partner organisation"</h2>
                <form
                    novalidate
                    on:submit=move |event| {
                        event.prevent_default();
                        message.set(None);
                        match new_partner(values.map(|value| value.get_untracked())) {
                            Ok(partner) => {
                                invalid.set(None);
                                create.dispatch(partner);
                            }
                            Err(problem) => invalid.set(Some(problem)),
                        }
                    }
                >
                    <div class="form-row">{fields}</div>
                    {move || problem_unclaimed(error.get(), &names).map(|error| view! { <ProblemAlert error /> })}
                    <div class="form-buttons">
                        <button type="submit" disabled=move || create.pending().get()>"Create partner"</button>
                    </div>
                </form>
            </section>
            <h2>"Organisations"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading the partners…"</p> }>
                <ErrorBoundary fallback=problem_alerts>{body}</ErrorBoundary>
            </Transition>
        </OpsFrame>
    }
}

#[component]
fn PartnersTable(partners: Vec<PartnerSummary>) -> impl IntoView {
    let rows = partners
        .into_iter()
        .map(|partner| {
            let created = partner
                .created_at
                .as_deref()
                .map(|at| format!("{} by {}", local_time(at), partner.created_by.clone().unwrap_or_default()))
                .unwrap_or_else(|| "Before the console".to_owned());
            view! {
                <tr>
                    <th scope="row">{partner.name}<br /><span class="hint">{partner.partner_id}</span></th>
                    <td>{partner.app_name}<br /><span class="hint">{partner.app_id}</span></td>
                    <td>{partner.admin_name}<br /><span class="hint">{partner.admin_email}</span></td>
                    <td>{created}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" role="region" aria-labelledby="partners-caption" tabindex="0">
            <table class="schools">
                <caption id="partners-caption" class="visually-hidden">"Partner organisations"</caption>
                <thead>
                    <tr>
                        <th scope="col" class="unsorted">"Organisation"</th>
                        <th scope="col" class="unsorted">"App"</th>
                        <th scope="col" class="unsorted">"First admin"</th>
                        <th scope="col" class="unsorted">"Created"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_missing_field_is_named() {
        let filled = || ["Acme".to_owned(), "Ada".to_owned(), "ada@acme.example".to_owned(), "Homework".to_owned()];
        assert!(new_partner(filled()).is_ok());
        for (index, field) in ["name", "admin_name", "admin_email", "app_name"].into_iter().enumerate() {
            let mut values = filled();
            values[index] = " ".to_owned();
            assert_eq!(new_partner(values).unwrap_err().0, field);
        }
    }
}
