//! `/ops/partners` (O1): every partner organisation, and the form that creates one with its
//! first admin (emailed a welcome with the sign-in page) and its first app.

use gatehouse_model::{EmailAddress, NewPartner, NoBody, NoQuery, PartnerCreated, PartnerSummary, endpoint};
use leptos::prelude::*;

use crate::api;
use crate::app::set_title;
use crate::components::{
    ActionMessage, ActionStatus, CheckedField, CheckedForm, EmailBounceNote, Loading, Missing, OpsFrame, RecordTable,
};
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
    let admin_email = EmailAddress::parse(&admin_email)
        .map_err(|_| ("admin_email", "Enter the admin's work email address, like name@partner.example."))?;
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
    let list = LocalResource::new(|| api::call::<endpoint::ListPartners>(&[], &NoQuery, &NoBody));
    let create = Action::new_local(|partner: &NewPartner| api::call::<endpoint::CreatePartner>(&[], &NoQuery, partner));
    let message = ActionMessage::new();
    let values: [RwSignal<String>; 4] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let invalid = RwSignal::new(None as Missing);
    Effect::new(move || {
        if let Some(Ok(created)) = create.value().get() {
            message.announce(created_sentence(&created));
            values.iter().for_each(|value| value.set(String::new()));
            list.refetch();
        }
    });
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let failed = Signal::derive(move || list.get().and_then(Result::err).or_else(|| error.get()));
    let fields = FIELDS
        .into_iter()
        .zip(values)
        .map(|((name, label), value)| {
            let kind = if name == "admin_email" { "email" } else { "text" };
            view! { <CheckedField name id=format!("partner-{name}") label kind value invalid error /> }
        })
        .collect_view();
    let body =
        move || Suspend::new(async move { list.await.map(|list| view! { <PartnersTable partners=list.partners /> }) });
    view! {
        <OpsFrame failed>
            <h1>"Partners"</h1>
            <ActionStatus message />
            <section aria-labelledby="new-partner-heading">
                <h2 id="new-partner-heading">"Create a partner organisation"</h2>
                <CheckedForm
                    check=move || new_partner(values.map(|value| value.get_untracked()))
                    send=move |partner| {
                        create.dispatch(partner);
                    }
                    invalid
                    fields=FIELDS.iter().map(|(name, _)| *name).collect()
                    error
                    pending=create.pending()
                    submit="Create partner"
                    message
                >
                    <div class="form-row">{fields}</div>
                </CheckedForm>
            </section>
            <h2>"Organisations"</h2>
            <Loading text="Loading the partners…">{body}</Loading>
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
                    <td>
                        {partner.admin_name}<br /><span class="hint">{partner.admin_email}</span>
                        {partner.admin_email_bounce.map(|bounce| view! { " " <EmailBounceNote bounce /> })}
                    </td>
                    <td>{created}</td>
                    <td>{partner.erasure_overdue}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <RecordTable
            caption_id="partners-caption"
            caption="Partner organisations"
            columns=&["Organisation", "App", "First admin", "Created", "Erasure overdue (14+ days)"]
        >
            {rows}
        </RecordTable>
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
