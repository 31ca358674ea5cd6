//! P9 `/cases/:case_id`: one case with its conversation, and what the partner can do to it.

use gatehouse_model::{CaseDetail, CaseState, endpoint};
use leptos::prelude::*;

use super::{CASES, StateBadge};
use crate::api::{self, ApiError, CaseCommand};
use crate::components::{
    CaseHeading, CasePage, CaseTextForm, Draft, Missing, PartnerFrame, ProblemAlert, case_facts, conversation,
    problem_unclaimed,
};
use crate::dates::local_time;

#[component]
pub fn CaseScreen() -> impl IntoView {
    let page = CasePage::new::<endpoint::GetPartnerCase, _>(
        |case_id| format!("Case {case_id}"),
        |id, command| async move { api::act_on_case(&id, command).await },
    );
    let comment = Draft::new();
    // The escalate form is open; `reason` is what it says.
    let escalating = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let invalid = RwSignal::<Missing>::new(None);
    page.when_done(done_sentence, move |command| {
        if matches!(command, CaseCommand::Comment { .. }) {
            comment.sent();
        }
        escalating.set(false);
        reason.set(String::new());
    });
    let (case, act, error) = (page.case, page.act, page.error());
    let body = move || {
        Suspend::new(async move {
            case.await.map(|detail| {
                view! { <CaseView detail act comment escalating reason invalid error /> }
            })
        })
    };
    view! {
        <PartnerFrame failed=Signal::derive(move || case.get().and_then(Result::err))>
            <CaseHeading page back=CASES back_text="Back to Active Cases">{body}</CaseHeading>
        </PartnerFrame>
    }
}

fn done_sentence(command: &CaseCommand) -> String {
    match command {
        CaseCommand::Comment { .. } => "Your comment was added; the support team will see it.",
        CaseCommand::Escalate(_) => "The case was escalated; the support team will look at it first.",
        CaseCommand::Close => "The case was closed. You can reopen it for 30 days.",
        CaseCommand::Reopen => "The case was reopened and is with the support team.",
    }
    .to_owned()
}

#[component]
fn CaseView(
    detail: CaseDetail,
    act: Action<CaseCommand, Result<(CaseCommand, CaseDetail), ApiError>>,
    comment: Draft,
    escalating: RwSignal<bool>,
    reason: RwSignal<String>,
    invalid: RwSignal<Missing>,
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
    let facts = case_facts(facts, &detail);
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
        conversation(&detail.comments, None).into_any()
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
                    aria-expanded=move || if escalating.get() { "true" } else { "false" }
                    on:click=move |_| {
                        escalating.update(|open| *open = !*open);
                        reason.set(String::new());
                    }
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
        <dl class="case-facts">{facts}{closing}</dl>
        <h2>"Description"</h2>
        <p class="case-description">{detail.description.clone()}</p>
        <div class="form-buttons">{actions}</div>
        {move || escalating.get().then(|| view! {
            <CaseTextForm
                class="escalate-form"
                id="escalate-reason"
                label="Why is this urgent?"
                rows="3"
                text=reason
                field="reason"
                missing="Say why this case is urgent."
                invalid
                error
                pending
                submit="Escalate case"
                on_send=Callback::new(move |text: String| {
                    act.dispatch(CaseCommand::Escalate(text.trim().to_owned()));
                })
            />
        })}
        <h2>"Conversation"</h2>
        {comments}
        {(!closed).then(|| view! {
            <CaseTextForm
                class="comment-form"
                id="case-comment"
                label="Add comment"
                rows="4"
                text=comment.text
                field="text"
                missing="Write a comment first."
                invalid
                error
                pending
                submit="Add comment"
                on_send=Callback::new(move |text: String| {
                    act.dispatch(CaseCommand::Comment { text: text.trim().to_owned(), key: comment.key.get_untracked() });
                })
            />
        })}
        {move || problem_unclaimed(error.get(), &["text", "reason"]).map(|error| view! { <ProblemAlert error /> })}
    }
}
