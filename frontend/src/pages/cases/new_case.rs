//! P9 `/cases/new`: the New Case form. `?school=` preselects the school it is about; the
//! contact starts as the signed-in user.

use gatehouse_model::{CaseCategory, ListSchoolsQuery, NewCase, NoQuery, endpoint};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::{CASES, case_path};
use crate::api;
use crate::app::set_title;
use crate::components::{
    InputProblem, LabelAndHint, Missing, PartnerFrame, PartnerSession, ProblemAlert, problem_for, problem_unclaimed,
    when_valid,
};

/// The form as typed, or the first field left empty or malformed.
fn new_case_from(form: &NewCase) -> Result<NewCase, (&'static str, &'static str)> {
    let trimmed = |value: &str| value.trim().to_owned();
    let case = NewCase {
        summary: trimmed(&form.summary),
        description: trimmed(&form.description),
        contact_name: trimmed(&form.contact_name),
        contact_phone: trimmed(&form.contact_phone),
        contact_email: trimmed(&form.contact_email),
        school_id: form.school_id.clone().filter(|school| !school.is_empty()),
        ..form.clone()
    };
    if case.summary.is_empty() {
        return Err(("summary", "Enter a summary of the error and where you see it."));
    }
    if case.description.is_empty() {
        return Err(("description", "Describe the problem and what has been tried."));
    }
    if case.contact_name.is_empty() {
        return Err(("contact_name", "Enter the name of the person support should contact."));
    }
    if case.contact_phone.is_empty() {
        return Err(("contact_phone", "Enter a phone number for the contact."));
    }
    if !case.contact_email.contains('@') {
        return Err(("contact_email", "Enter the contact's email address, like name@partner.example."));
    }
    Ok(case)
}

const FIELDS: [&str; 7] =
    ["category", "summary", "description", "contact_name", "contact_phone", "contact_email", "school_id"];

#[component]
pub fn NewCaseScreen() -> impl IntoView {
    set_title("New Case");
    let me = PartnerSession::of_page().me();
    let query = use_query_map();
    let schools = LocalResource::new(|| {
        api::list_schools(ListSchoolsQuery { page_size: Some(200), ..ListSchoolsQuery::default() })
    });
    let form = RwSignal::new(NewCase {
        category: CaseCategory::MissingOrIncorrectData,
        summary: String::new(),
        contact_name: String::new(),
        contact_phone: String::new(),
        contact_email: String::new(),
        description: String::new(),
        school_id: query.read_untracked().get("school").filter(|school| !school.is_empty()),
        app: None,
    });
    // The contact defaults to the signed-in user.
    Effect::new(move || {
        if let Some(me) = me.get() {
            form.update(|form| {
                if form.contact_name.is_empty() && form.contact_email.is_empty() {
                    form.contact_name = me.display_name.clone();
                    form.contact_email = me.email.clone();
                }
            });
        }
    });
    let key = api::idempotency_key();
    let send = Action::new_local(move |new: &NewCase| {
        let (new, key) = (new.clone(), key.clone());
        async move { api::call_with_key::<endpoint::OpenCase>(&key, &[], &NoQuery, &new).await }
    });
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(Ok(case)) = send.value().get() {
            navigate(&case_path(&case.case_id), NavigateOptions::default());
        }
    });
    let error = Signal::derive(move || send.value().get().and_then(Result::err));
    let invalid = RwSignal::new(None as Missing);
    let problem = move |field: &'static str| {
        let own = invalid.get().filter(|(name, _)| *name == field).map(|(_, text)| text);
        let server = problem_for(error.get(), &[field]);
        view! {
            {own.map(|text| view! { <InputProblem detail=text /> })}
            {server.map(|error| view! { <ProblemAlert error /> })}
        }
    };
    let invalid_attr = move |field: &'static str| {
        (invalid.get().is_some_and(|(name, _)| name == field) || problem_for(error.get(), &[field]).is_some())
            .then_some("true")
    };
    let text_field = move |id: &'static str,
                           label: &'static str,
                           kind: &'static str,
                           autocomplete: &'static str,
                           get: fn(&NewCase) -> String,
                           set: fn(&mut NewCase, String)| {
        view! {
            <div class="field">
                <label for=format!("case-{id}")>{label}</label>
                <input
                    id=format!("case-{id}")
                    type=kind
                    autocomplete=autocomplete
                    aria-invalid=move || invalid_attr(id)
                    prop:value=move || form.with(get)
                    on:input=move |event| {
                        let value = event_target_value(&event);
                        form.update(|form| set(form, value));
                        invalid.set(None);
                    }
                />
                {move || problem(id)}
            </div>
        }
    };
    let categories = CaseCategory::ALL
        .into_iter()
        .map(|category| {
            view! {
                <option value=category.as_str() selected=move || form.with(|form| form.category == category)>
                    {category.label()}
                </option>
            }
        })
        .collect_view();
    let school_options = move || {
        Suspend::new(async move {
            let rows = schools.await.map(|page| page.items).unwrap_or_default();
            rows.into_iter()
                .map(|row| {
                    let id = row.school_id.clone();
                    let chosen = id.clone();
                    view! {
                        <option
                            value=id
                            selected=move || form.with(|form| form.school_id.as_deref() == Some(chosen.as_str()))
                        >
                            {row.name.clone()}
                        </option>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <PartnerFrame>
            <p><a href=CASES>"Back to Active Cases"</a></p>
            <h1>"New Case"</h1>
            <p class="lead">
                "Tell the support team what is wrong and where you see it. Check your own integration first, and let the school know, so nobody raises the same case twice."
            </p>
            <form
                class="case-form"
                novalidate
                on:submit=move |event| {
                    event.prevent_default();
                    when_valid(invalid, new_case_from(&form.get_untracked()), |case| {
                        send.dispatch(case);
                    });
                }
            >
                <div class="field">
                    <label for="case-category">"Category"</label>
                    <select
                        id="case-category"
                        on:change=move |event| {
                            let value = event_target_value(&event);
                            if let Some(category) = CaseCategory::ALL.into_iter().find(|c| c.as_str() == value) {
                                form.update(|form| form.category = category);
                            }
                        }
                    >
                        {categories}
                    </select>
                    {move || problem("category")}
                </div>
                <div class="field">
                    <label for="case-school_id">"School (optional)"</label>
                    <select
                        id="case-school_id"
                        aria-invalid=move || invalid_attr("school_id")
                        on:change=move |event| {
                            let value = event_target_value(&event);
                            form.update(|form| form.school_id = (!value.is_empty()).then_some(value));
                        }
                    >
                        <option value="">"Not about one school"</option>
                        <Suspense fallback=|| ()>{school_options}</Suspense>
                    </select>
                    {move || problem("school_id")}
                </div>
                {text_field("summary", "Summary of the error and where you see it", "text", "off", |f| f.summary.clone(), |f, v| f.summary = v)}
                <div class="field">
                    <LabelAndHint
                        id="case-description"
                        label="Description"
                        hint="What happens, since when, which records, and what has been tried. Add any other contact details here."
                    />
                    <textarea
                        id="case-description"
                        rows="6"
                        aria-describedby="case-description-hint"
                        aria-invalid=move || invalid_attr("description")
                        prop:value=move || form.with(|form| form.description.clone())
                        on:input=move |event| {
                            let value = event_target_value(&event);
                            form.update(|form| form.description = value);
                            invalid.set(None);
                        }
                    ></textarea>
                    {move || problem("description")}
                </div>
                <fieldset>
                    <legend>"Who support should contact"</legend>
                    {text_field("contact_name", "Contact name", "text", "name", |f| f.contact_name.clone(), |f, v| f.contact_name = v)}
                    {text_field("contact_phone", "Phone", "tel", "tel", |f| f.contact_phone.clone(), |f, v| f.contact_phone = v)}
                    {text_field("contact_email", "Email", "email", "email", |f| f.contact_email.clone(), |f, v| f.contact_email = v)}
                </fieldset>
                {move || problem_unclaimed(error.get(), &FIELDS).map(|error| view! { <ProblemAlert error /> })}
                <div class="form-buttons">
                    <button type="submit" disabled=move || send.pending().get()>"Raise case"</button>
                    <a class="button secondary" href=CASES>"Cancel"</a>
                </div>
            </form>
        </PartnerFrame>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> NewCase {
        NewCase {
            category: CaseCategory::Other,
            summary: " Year 7 missing ".into(),
            contact_name: "Dev".into(),
            contact_phone: "0161 496 0000".into(),
            contact_email: "dev@partner.example".into(),
            description: "Since Monday".into(),
            school_id: Some(String::new()),
            app: None,
        }
    }

    #[test]
    fn the_new_case_form_names_the_first_missing_field() {
        let ok = new_case_from(&form()).unwrap();
        assert_eq!((ok.summary.as_str(), ok.school_id), ("Year 7 missing", None));
        let blank = NewCase { summary: "  ".into(), ..form() };
        assert_eq!(new_case_from(&blank).unwrap_err().0, "summary");
        let no_email = NewCase { contact_email: "dev".into(), ..form() };
        assert_eq!(new_case_from(&no_email).unwrap_err().0, "contact_email");
    }
}
