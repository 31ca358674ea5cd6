//! P9 support cases: the Active Cases tab (with the Archived filter), the New Case form and a
//! case's page with its conversation, Refresh, Add comment, Escalate, Close and Reopen.

use gatehouse_model::{
    CaseCategory, CaseDetail, CaseFilter, CasePage, CaseState, CaseSummary, CommentAuthor, ListSchoolsQuery, NewCase,
};
use leptos::html::P;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::api::{self, ApiError, CaseCommand};
use crate::app::{set_title, sign_in_when};
use crate::components::{Header, InputProblem, ProblemAlert, problem_alerts, problem_for, problem_unclaimed};
use crate::dates::local_time;

pub use crate::app::CASES;
pub const NEW_CASE: &str = "/cases/new";

/// A case page's address.
pub fn case_path(case_id: &str) -> String {
    format!("{CASES}/{case_id}")
}

fn state_class(case_state: CaseState) -> &'static str {
    match case_state {
        CaseState::Open | CaseState::AwaitingSupport => "case-state waiting-support",
        CaseState::AwaitingPartner => "case-state waiting-you",
        CaseState::Closed => "case-state closed",
    }
}

#[component]
fn StateBadge(state: CaseState, escalated: bool) -> impl IntoView {
    view! {
        <span class=state_class(state)>{state.label()}</span>
        {(escalated && state != CaseState::Closed).then(|| view! { <span class="case-escalated">" Escalated"</span> })}
    }
}

#[component]
pub fn CasesScreen() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        if query.read().get("filter").as_deref() == Some("archived") {
            CaseFilter::Archived
        } else {
            CaseFilter::Active
        }
    });
    Effect::new(move || {
        set_title(if filter.get() == CaseFilter::Archived { "Archived cases" } else { "Active Cases" })
    });
    let me = LocalResource::new(api::me);
    let first = LocalResource::new(move || api::cases(filter.get(), None));
    sign_in_when(move || first.get().and_then(Result::err).is_some_and(|error| error.requires_sign_in()));
    // Pages after the first, appended by "Show more".
    let more = RwSignal::new(Vec::<CaseSummary>::new());
    let next = RwSignal::new(None::<String>);
    Effect::new(move || {
        let page = first.get().and_then(Result::ok);
        more.set(Vec::new());
        next.set(page.and_then(|page| page.next_cursor));
    });
    let load_more = Action::new_local(move |cursor: &String| api::cases(filter.get_untracked(), Some(cursor.clone())));
    Effect::new(move || {
        if let Some(Ok(CasePage { items, next_cursor })) = load_more.value().get() {
            more.update(|more| more.extend(items));
            next.set(next_cursor);
        }
    });
    let tab = move |name: &'static str, href: &'static str, which: CaseFilter| {
        view! {
            <li>
                <a href=href aria-current=move || (filter.get() == which).then_some("page")>{name}</a>
            </li>
        }
    };
    let body = move || {
        Suspend::new(async move {
            first.await.map(|page| {
                let archived = filter.get_untracked() == CaseFilter::Archived;
                view! {
                    <CasesTable items=page.items more archived />
                    {move || next.get().map(|cursor| view! {
                        <p>
                            <button
                                type="button"
                                class="secondary"
                                disabled=move || load_more.pending().get()
                                on:click=move |_| { load_more.dispatch(cursor.clone()); }
                            >
                                "Show more cases"
                            </button>
                        </p>
                    })}
                    {move || load_more.value().get().and_then(Result::err).map(|error| view! { <ProblemAlert error /> })}
                }
            })
        })
    };
    view! {
        <Header me=Signal::derive(move || me.get().and_then(Result::ok)) />
        <main>
            <div class="page-heading">
                <h1>{move || if filter.get() == CaseFilter::Archived { "Archived cases" } else { "Active Cases" }}</h1>
                <a class="button" href=NEW_CASE>"New Case"</a>
            </div>
            <p class="lead">
                "Support cases raised for your apps. Active means not closed; a closed case stays here for 30 days, then moves to Archived."
            </p>
            <nav class="list-tabs" aria-label="Case lists">
                <ul>
                    {tab("Active Cases", CASES, CaseFilter::Active)}
                    {tab("Archived", "/cases?filter=archived", CaseFilter::Archived)}
                </ul>
            </nav>
            <Transition fallback=|| view! { <p class="loading">"Loading cases…"</p> }>
                <ErrorBoundary fallback=problem_alerts>{body}</ErrorBoundary>
            </Transition>
        </main>
    }
}

#[component]
fn CasesTable(items: Vec<CaseSummary>, more: RwSignal<Vec<CaseSummary>>, archived: bool) -> impl IntoView {
    if items.is_empty() {
        let text = if archived { "No archived cases." } else { "No active cases. Raise one with New Case." };
        return view! { <p class="empty-note">{text}</p> }.into_any();
    }
    let row = |case: CaseSummary| {
        let href = case_path(&case.case_id);
        view! {
            <tr>
                <th scope="row"><a href=href>{case.case_id.clone()}</a></th>
                <td>{case.summary.clone()}</td>
                <td>{case.school_name.clone().unwrap_or_else(|| "–".to_owned())}</td>
                <td>{case.category.label()}</td>
                <td><StateBadge state=case.state escalated=case.escalated /></td>
                <td>{local_time(&case.updated_at)}</td>
            </tr>
        }
    };
    let rows = items.into_iter().map(row).collect_view();
    view! {
        <div class="table-scroll" role="region" aria-labelledby="cases-caption" tabindex="0">
            <table class="schools cases">
                <caption id="cases-caption" class="visually-hidden">"Support cases, newest activity first"</caption>
                <thead>
                    <tr>
                        <th scope="col" class="unsorted">"Case"</th>
                        <th scope="col" class="unsorted">"Summary"</th>
                        <th scope="col" class="unsorted">"School"</th>
                        <th scope="col" class="unsorted">"Category"</th>
                        <th scope="col" class="unsorted">"Status"</th>
                        <th scope="col" class="unsorted">"Last update"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows}
                    {move || more.get().into_iter().map(row).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

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
    let me = LocalResource::new(api::me);
    let query = use_query_map();
    let schools = LocalResource::new(|| {
        api::list_schools(ListSchoolsQuery { page_size: Some(200), ..ListSchoolsQuery::default() })
    });
    sign_in_when(move || me.get().and_then(Result::err).is_some_and(|error| error.requires_sign_in()));
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
        if let Some(Ok(me)) = me.get() {
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
        async move { api::open_case(new, key).await }
    });
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(Ok(case)) = send.value().get() {
            navigate(&case_path(&case.case_id), NavigateOptions::default());
        }
    });
    let error = Signal::derive(move || send.value().get().and_then(Result::err));
    let invalid = RwSignal::new(None::<(&'static str, &'static str)>);
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
        <Header me=Signal::derive(move || me.get().and_then(Result::ok)) />
        <main>
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
                    match new_case_from(&form.get_untracked()) {
                        Ok(case) => {
                            invalid.set(None);
                            send.dispatch(case);
                        }
                        Err(problem) => invalid.set(Some(problem)),
                    }
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
                    <label for="case-description">"Description"</label>
                    <p class="hint" id="case-description-hint">
                        "What happens, since when, which records, and what has been tried. Add any other contact details here."
                    </p>
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
        </main>
    }
}

#[component]
pub fn CaseScreen() -> impl IntoView {
    let params = use_params_map();
    let case_id = Memo::new(move |_| params.read().get("case_id").unwrap_or_default());
    Effect::new(move || set_title(&format!("Case {}", case_id.get())));
    let me = LocalResource::new(api::me);
    let case = LocalResource::new(move || {
        let id = case_id.get();
        async move { api::case(&id).await }
    });
    sign_in_when(move || case.get().and_then(Result::err).is_some_and(|error| error.requires_sign_in()));
    let act = Action::new_local(move |command: &CaseCommand| {
        let (id, command) = (case_id.get_untracked(), command.clone());
        async move { api::act_on_case(&id, command.clone()).await.map(|detail| (command, detail)) }
    });
    let message = RwSignal::new(None::<String>);
    let status = NodeRef::<P>::new();
    let comment = RwSignal::new(String::new());
    let comment_key = RwSignal::new(api::idempotency_key());
    let reason = RwSignal::new(None::<String>);
    let invalid = RwSignal::new(None::<(&'static str, &'static str)>);
    Effect::new(move || {
        if let Some(Ok((command, detail))) = act.value().get() {
            message.set(Some(
                match command {
                    CaseCommand::Comment { .. } => "Your comment was added; the support team will see it.",
                    CaseCommand::Escalate(_) => "The case was escalated; the support team will look at it first.",
                    CaseCommand::Close => "The case was closed. You can reopen it for 30 days.",
                    CaseCommand::Reopen => "The case was reopened and is with the support team.",
                }
                .to_owned(),
            ));
            if matches!(command, CaseCommand::Comment { .. }) {
                comment.set(String::new());
                comment_key.set(api::idempotency_key());
            }
            reason.set(None);
            case.set(Some(Ok(detail)));
            request_animation_frame(move || {
                if let Some(status) = status.get_untracked() {
                    let _ = status.focus();
                }
            });
        }
    });
    let error = Signal::derive(move || act.value().get().and_then(Result::err));
    let refresh = move |_| {
        message.set(None);
        act.value().set(None);
        case.refetch();
    };
    let body = move || {
        Suspend::new(async move {
            case.await.map(|detail| {
                view! { <CaseView detail act comment comment_key reason invalid error /> }
            })
        })
    };
    view! {
        <Header me=Signal::derive(move || me.get().and_then(Result::ok)) />
        <main>
            <p><a href=CASES>"Back to Active Cases"</a></p>
            <div class="page-heading">
                <h1>{move || format!("Case {}", case_id.get())}</h1>
                <button type="button" class="secondary" on:click=refresh>"Refresh"</button>
            </div>
            <p
                class="action-message"
                role="status"
                tabindex="-1"
                node_ref=status
                hidden=move || message.read().is_none()
            >
                {move || message.get()}
            </p>
            <Transition fallback=|| view! { <p class="loading">"Loading the case…"</p> }>
                <ErrorBoundary fallback=problem_alerts>{body}</ErrorBoundary>
            </Transition>
        </main>
    }
}

#[component]
fn CaseView(
    detail: CaseDetail,
    act: Action<CaseCommand, Result<(CaseCommand, CaseDetail), ApiError>>,
    comment: RwSignal<String>,
    comment_key: RwSignal<String>,
    reason: RwSignal<Option<String>>,
    invalid: RwSignal<Option<(&'static str, &'static str)>>,
    error: Signal<Option<ApiError>>,
) -> impl IntoView {
    let closed = detail.state == CaseState::Closed;
    let facts = [
        ("Summary", detail.summary.clone()),
        ("Category", detail.category.label().to_owned()),
        ("School", detail.school_name.clone().unwrap_or_else(|| "Not about one school".to_owned())),
        ("Raised by", format!("{} on {}", detail.raised_by, local_time(&detail.created_at))),
        ("Contact", format!("{}, {}, {}", detail.contact_name, detail.contact_phone, detail.contact_email)),
        ("Last update", local_time(&detail.updated_at)),
    ];
    let facts = facts.into_iter().map(|(name, value)| view! { <dt>{name}</dt><dd>{value}</dd> }).collect_view();
    let escalation = detail.escalated.then(|| {
        let why = detail.escalation_reason.clone().unwrap_or_default();
        view! { <dt>"Escalated"</dt><dd>{why}</dd> }
    });
    let closing = detail.closed_at.clone().map(|closed_at| {
        let until =
            detail.reopen_until.as_deref().map(|until| format!("; can be reopened until {}", local_time(until)));
        let text = if detail.archived {
            format!("{}; archived", local_time(&closed_at))
        } else {
            format!("{}{}", local_time(&closed_at), until.unwrap_or_default())
        };
        view! { <dt>"Closed"</dt><dd>{text}</dd> }
    });
    let comments = if detail.comments.is_empty() {
        view! { <p class="empty-note">"No comments yet."</p> }.into_any()
    } else {
        let items = detail
            .comments
            .iter()
            .map(|c| {
                let who = match c.author_kind {
                    CommentAuthor::Support => format!("{} (Support team)", c.author_name),
                    CommentAuthor::Partner => c.author_name.clone(),
                };
                let class = match c.author_kind {
                    CommentAuthor::Support => "comment from-support",
                    CommentAuthor::Partner => "comment from-partner",
                };
                view! {
                    <li class=class>
                        <p class="comment-meta"><strong>{who}</strong>" · "{local_time(&c.at)}</p>
                        <p class="comment-text">{c.text.clone()}</p>
                    </li>
                }
            })
            .collect_view();
        view! { <ol class="conversation">{items}</ol> }.into_any()
    };
    let problem = move |field: &'static str| {
        let own = invalid.get().filter(|(name, _)| *name == field).map(|(_, text)| text);
        view! {
            {own.map(|text| view! { <InputProblem detail=text /> })}
            {problem_for(error.get(), &[field]).map(|error| view! { <ProblemAlert error /> })}
        }
    };
    let pending = act.pending();
    let actions = if closed {
        let reopenable = !detail.archived && detail.reopen_until.is_some();
        view! {
            {reopenable.then(|| view! {
                <button type="button" disabled=move || pending.get() on:click=move |_| { act.dispatch(CaseCommand::Reopen); }>
                    "Reopen case"
                </button>
            })}
            {(!reopenable).then(|| view! {
                <p class="hint">"This case is archived. If the problem is back, raise a New Case and quote this reference."</p>
            })}
        }
        .into_any()
    } else {
        view! {
            {(!detail.escalated).then(|| view! {
                <button
                    type="button"
                    class="secondary"
                    aria-expanded=move || if reason.read().is_some() { "true" } else { "false" }
                    on:click=move |_| reason.update(|reason| *reason = if reason.is_some() { None } else { Some(String::new()) })
                >
                    "Escalate"
                </button>
            })}
            <button type="button" class="secondary" disabled=move || pending.get() on:click=move |_| { act.dispatch(CaseCommand::Close); }>
                "Close case"
            </button>
        }
        .into_any()
    };
    view! {
        <p><StateBadge state=detail.state escalated=detail.escalated /></p>
        <dl class="case-facts">{facts}{escalation}{closing}</dl>
        <h2>"Description"</h2>
        <p class="case-description">{detail.description.clone()}</p>
        <div class="form-buttons">{actions}</div>
        {move || reason.get().is_some().then(|| view! {
            <form
                class="escalate-form"
                novalidate
                on:submit=move |event| {
                    event.prevent_default();
                    let text = reason.get_untracked().unwrap_or_default();
                    if text.trim().is_empty() {
                        invalid.set(Some(("reason", "Say why this case is urgent.")));
                    } else {
                        invalid.set(None);
                        act.dispatch(CaseCommand::Escalate(text.trim().to_owned()));
                    }
                }
            >
                <div class="field">
                    <label for="escalate-reason">"Why is this urgent?"</label>
                    <textarea
                        id="escalate-reason"
                        rows="3"
                        aria-invalid=move || invalid.get().is_some_and(|(f, _)| f == "reason").then_some("true")
                        prop:value=move || reason.get().unwrap_or_default()
                        on:input=move |event| reason.set(Some(event_target_value(&event)))
                    ></textarea>
                    {move || problem("reason")}
                </div>
                <div class="form-buttons">
                    <button type="submit" disabled=move || pending.get()>"Escalate case"</button>
                </div>
            </form>
        })}
        <h2>"Conversation"</h2>
        {comments}
        {(!closed).then(|| view! {
            <form
                class="comment-form"
                novalidate
                on:submit=move |event| {
                    event.prevent_default();
                    let text = comment.get_untracked();
                    if text.trim().is_empty() {
                        invalid.set(Some(("text", "Write a comment first.")));
                    } else {
                        invalid.set(None);
                        act.dispatch(CaseCommand::Comment { text: text.trim().to_owned(), key: comment_key.get_untracked() });
                    }
                }
            >
                <div class="field">
                    <label for="case-comment">"Add comment"</label>
                    <textarea
                        id="case-comment"
                        rows="4"
                        aria-invalid=move || invalid.get().is_some_and(|(f, _)| f == "text").then_some("true")
                        prop:value=move || comment.get()
                        on:input=move |event| comment.set(event_target_value(&event))
                    ></textarea>
                    {move || problem("text")}
                </div>
                <div class="form-buttons">
                    <button type="submit" disabled=move || pending.get()>"Add comment"</button>
                </div>
            </form>
        })}
        {move || problem_unclaimed(error.get(), &["text", "reason"]).map(|error| view! { <ProblemAlert error /> })}
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
