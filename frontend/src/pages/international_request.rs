//! P7, `/schools/invite/international`: a partner asks operations to add a school outside England
//! and Wales (name, address, main contact's name, phone and email), and sees its requests and
//! their outcome. An accepted school is invited from the invite wizard like any other.

use gatehouse_model::{EmailAddress, InternationalRequestState, NewInternationalRequest, NoBody, NoQuery, endpoint};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::app::{INVITE_SCHOOL, set_title};
use crate::components::{
    ActionMessage, ActionStatus, CheckedField, CheckedForm, Loading, Missing, PartnerFrame, RecordTable,
};
use crate::dates::local_time;

/// The form's fields: the name the API reports problems under, the label, the input type.
const FIELDS: [(&str, &str, &str); 5] = [
    ("school_name", "School name", "text"),
    ("address", "Postal address, with the country", "textarea"),
    ("contact_name", "Main contact's name", "text"),
    ("contact_phone", "Main contact's phone number", "tel"),
    ("contact_email", "Main contact's email address", "email"),
];

/// The request as typed, or the first field missing.
fn new_request(values: [String; 5]) -> Result<NewInternationalRequest, (&'static str, &'static str)> {
    let [school_name, address, contact_name, contact_phone, contact_email] = values.map(|v| v.trim().to_owned());
    let missing = [
        (school_name.is_empty(), "school_name", "Enter the school's name."),
        (address.is_empty(), "address", "Enter the school's postal address and country."),
        (contact_name.is_empty(), "contact_name", "Enter the main contact's name."),
        (!contact_phone.chars().any(|c| c.is_ascii_digit()), "contact_phone", "Enter the main contact's phone number."),
    ];
    if let Some((_, field, text)) = missing.into_iter().find(|(missing, ..)| *missing) {
        return Err((field, text));
    }
    let contact_email = EmailAddress::parse(&contact_email)
        .map_err(|_| ("contact_email", "Enter the main contact's email address, like name@school.org."))?;
    Ok(NewInternationalRequest { school_name, address, contact_name, contact_phone, contact_email })
}

#[component]
pub fn InternationalRequestScreen() -> impl IntoView {
    set_title("Request an international school");
    let mine = LocalResource::new(|| api::call::<endpoint::ListPartnerInternationalRequests>(&[], &NoQuery, &NoBody));
    let key = RwSignal::new(api::idempotency_key());
    let send = Action::new_local(move |request: &NewInternationalRequest| {
        let (request, key) = (request.clone(), key.get_untracked());
        async move { api::call_with_key::<endpoint::RequestInternationalSchool>(&key, &[], &NoQuery, &request).await }
    });
    let error = Signal::derive(move || send.value().get().and_then(Result::err));
    // Either call may be the one to find the session over.
    let failed = Signal::derive(move || {
        [mine.get().and_then(Result::err), error.get()].into_iter().flatten().find(ApiError::requires_sign_in)
    });
    let values: [RwSignal<String>; 5] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let invalid = RwSignal::new(None as Missing);
    let message = ActionMessage::new();
    Effect::new(move || {
        if let Some(Ok(request)) = send.value().get() {
            message.announce(format!(
                "Your request for {} was sent (reference {}). We emailed you a copy; operations will email you \
                 when it is accepted or declined.",
                request.school_name, request.request_id
            ));
            values.iter().for_each(|value| value.set(String::new()));
            key.set(api::idempotency_key());
            mine.refetch();
        }
    });
    let fields = FIELDS
        .into_iter()
        .zip(values)
        .map(|((name, label, kind), value)| {
            view! { <CheckedField name id=format!("intl-{name}") label kind value invalid error /> }
        })
        .collect_view();
    let list = move || {
        Suspend::new(async move {
            mine.await.map(|list| {
                if list.items.is_empty() {
                    return view! { <p class="empty-note">"You have not asked for any international school yet."</p> }
                        .into_any();
                }
                let rows = list
                    .items
                    .into_iter()
                    .map(|request| {
                        let outcome = match request.state {
                            InternationalRequestState::Accepted => {
                                format!("Invite it with the id {}", request.urn.clone().unwrap_or_default())
                            }
                            InternationalRequestState::Declined => request.decline_reason.clone().unwrap_or_default(),
                            InternationalRequestState::Pending => "–".to_owned(),
                        };
                        view! {
                            <tr>
                                <th scope="row">{request.school_name.clone()}</th>
                                <td>{request.request_id.clone()}</td>
                                <td>{local_time(&request.created_at)}</td>
                                <td>{request.state.label()}</td>
                                <td>{outcome}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <RecordTable
                        caption_id="requests-caption"
                        caption="Your international school requests"
                        columns=&["School", "Reference", "Asked on", "Status", "Outcome"]
                    >
                        {rows}
                    </RecordTable>
                }
                .into_any()
            })
        })
    };
    view! {
        <PartnerFrame failed>
            <p class="back-link"><a href=INVITE_SCHOOL>"Back to Invite a school"</a></p>
            <h1>"Request an international school"</h1>
            <p class="lead">
                "Gatehouse's directory holds the schools of England and Wales. For a school anywhere else, send us \
                 its details: the operations team checks it and adds it, and you then invite it as usual."
            </p>
            <ActionStatus message />
            <CheckedForm
                check=move || new_request(values.map(|value| value.get_untracked()))
                send=move |request| {
                    send.dispatch(request);
                }
                invalid
                fields=FIELDS.iter().map(|(name, ..)| *name).collect()
                error
                pending=send.pending()
                submit="Send request"
                message
            >
                {fields}
            </CheckedForm>
            <h2>"Your requests"</h2>
            <Loading text="Loading your requests…">{list}</Loading>
        </PartnerFrame>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_missing_field_is_named() {
        let filled = || {
            [
                "École".to_owned(),
                "Paris, France".to_owned(),
                "Claire".to_owned(),
                "+33 1 23".to_owned(),
                "c@e.example".to_owned(),
            ]
        };
        assert!(new_request(filled()).is_ok());
        for (index, field) in
            ["school_name", "address", "contact_name", "contact_phone", "contact_email"].into_iter().enumerate()
        {
            let mut values = filled();
            values[index] = " ".to_owned();
            assert_eq!(new_request(values).unwrap_err().0, field);
        }
    }
}
