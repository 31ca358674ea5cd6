//! What the partner's case page (P9) and the support console's (O1) share: the case named in the
//! address, loaded; a command run on it that answers with the case as it now is; the heading with
//! Refresh and the sentence saying what the command did; the conversation; and the forms of one
//! text box that comment, reply or escalate.

use std::future::Future;

use gatehouse_model::{CaseComment, CaseDetail, CommentAuthor, Endpoint, NoBody, NoQuery};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::app::set_title;
use crate::components::{ActionMessage, ActionStatus, CheckedField, Loading, Missing, when_valid};
use crate::dates::local_time;

/// One case page's state; `C` is what the reader can do to the case.
pub struct CasePage<C: 'static> {
    pub case_id: Memo<String>,
    pub case: LocalResource<Result<CaseDetail, ApiError>>,
    pub act: Action<C, Result<(C, CaseDetail), ApiError>>,
    pub message: ActionMessage,
}

impl<C: 'static> Clone for CasePage<C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C: 'static> Copy for CasePage<C> {}

impl<C: Clone + 'static> CasePage<C> {
    /// `E` fetches the case; `title` names the tab from the case id; `run` sends a command.
    pub fn new<E, Run>(title: fn(&str) -> String, run: fn(String, C) -> Run) -> Self
    where
        E: Endpoint<Query = NoQuery, Body = NoBody, Response = CaseDetail> + 'static,
        Run: Future<Output = Result<CaseDetail, ApiError>> + 'static,
    {
        let (case_id, case) = api::load_named::<E>("case_id");
        Effect::new(move || set_title(&title(&case_id.get())));
        let act = Action::new_local(move |command: &C| {
            let (id, command) = (case_id.get_untracked(), command.clone());
            async move { run(id, command.clone()).await.map(|detail| (command, detail)) }
        });
        CasePage { case_id, case, act, message: ActionMessage::new() }
    }

    /// Once a command succeeds: says what `said` makes of it, runs `then` (clearing a sent
    /// comment), and shows the case as the command left it.
    pub fn when_done(self, said: fn(&C) -> String, then: impl Fn(&C) + 'static) {
        Effect::new(move || {
            if let Some(Ok((command, detail))) = self.act.value().get() {
                self.message.announce(said(&command));
                then(&command);
                self.case.set(Some(Ok(detail)));
            }
        });
    }

    /// The last command's failure.
    pub fn error(self) -> Signal<Option<ApiError>> {
        Signal::derive(move || self.act.value().get().and_then(Result::err))
    }

    /// Loads the case again, forgetting the last command's outcome.
    pub fn refresh(self) -> Callback<()> {
        Callback::new(move |()| {
            self.message.clear();
            self.act.value().set(None);
            self.case.refetch();
        })
    }
}

/// The link back to the list, the case's heading with Refresh, the last command's outcome, then
/// `children` (the case, once loaded).
#[component]
pub fn CaseHeading<C: Clone + 'static>(
    page: CasePage<C>,
    back: &'static str,
    back_text: &'static str,
    children: Children,
) -> impl IntoView {
    let (case_id, message, on_refresh) = (page.case_id, page.message, page.refresh());
    view! {
        <p><a href=back>{back_text}</a></p>
        <div class="page-heading">
            <h1>{move || format!("Case {}", case_id.get())}</h1>
            <button type="button" class="secondary" on:click=move |_| on_refresh.run(())>"Refresh"</button>
        </div>
        <ActionStatus message />
        <Loading text="Loading the case…">{children()}</Loading>
    }
}

/// The case's facts as a definition list's entries, with why it was escalated when it was.
pub fn case_facts<Facts>(facts: Facts, detail: &CaseDetail) -> impl IntoView + use<Facts>
where
    Facts: IntoIterator<Item = (&'static str, String)>,
{
    let facts = facts.into_iter().map(|(name, value)| view! { <dt>{name}</dt><dd>{value}</dd> }).collect_view();
    let escalation = detail.escalated.then(|| {
        let why = detail.escalation_reason.clone().unwrap_or_default();
        view! { <dt>"Escalated"</dt><dd>{why}</dd> }
    });
    (facts, escalation)
}

/// The comments, oldest first. `partner_name`, when given, follows a partner's name (support
/// sees many partners; the partner knows its own).
pub fn conversation(comments: &[CaseComment], partner_name: Option<&str>) -> impl IntoView + use<> {
    let items = comments
        .iter()
        .map(|comment| {
            let (who, class) = match (comment.author_kind, partner_name) {
                (CommentAuthor::Support, _) => {
                    (format!("{} (Support team)", comment.author_name), "comment from-support")
                }
                (CommentAuthor::Partner, Some(partner)) => {
                    (format!("{} ({partner})", comment.author_name), "comment from-partner")
                }
                (CommentAuthor::Partner, None) => (comment.author_name.clone(), "comment from-partner"),
            };
            view! {
                <li class=class>
                    <p class="comment-meta"><strong>{who}</strong>" · "{local_time(&comment.at)}</p>
                    <p class="comment-text">{comment.text.clone()}</p>
                </li>
            }
        })
        .collect_view();
    view! { <ol class="conversation">{items}</ol> }
}

/// A comment or reply being written, and the `Idempotency-Key` its send takes, so a double
/// click or a retry adds it once.
#[derive(Clone, Copy)]
pub struct Draft {
    pub text: RwSignal<String>,
    pub key: RwSignal<String>,
}

impl Draft {
    pub fn new() -> Self {
        Draft { text: RwSignal::new(String::new()), key: RwSignal::new(api::idempotency_key()) }
    }

    /// It was added: the box empties, and the next one gets a key of its own.
    pub fn sent(self) {
        self.text.set(String::new());
        self.key.set(api::idempotency_key());
    }
}

impl Default for Draft {
    fn default() -> Self {
        Self::new()
    }
}

/// A case page's form of one text box (a comment, a reply, why the case is urgent): empty text
/// is refused beside the box, other text goes to `on_send` as typed.
#[component]
pub fn CaseTextForm(
    /// The form's class.
    class: &'static str,
    /// The text box's id and label, and how many lines it shows.
    id: &'static str,
    label: &'static str,
    rows: &'static str,
    text: RwSignal<String>,
    /// The request field the text answers for, and what to say when the box is empty.
    field: &'static str,
    missing: &'static str,
    invalid: RwSignal<Missing>,
    error: Signal<Option<ApiError>>,
    #[prop(into)] pending: Signal<bool>,
    /// The submit button's label; `children`, buttons after it.
    submit: &'static str,
    on_send: Callback<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let submitted = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let typed = text.get_untracked();
        let checked = if typed.trim().is_empty() { Err((field, missing)) } else { Ok(typed) };
        when_valid(invalid, checked, |typed| on_send.run(typed));
    };
    view! {
        <form class=class novalidate on:submit=submitted>
            <CheckedField name=field id label kind="textarea" rows value=text invalid error />
            <div class="form-buttons">
                <button type="submit" disabled=move || pending.get()>{submit}</button>
                {children.map(|children| children())}
            </div>
        </form>
    }
}
