//! The support queue (O1): `/ops/cases`, one state's cases (escalated first, then the longest
//! waiting, a page at a time), and `/ops/cases/:case_id`, a case with its conversation where ops
//! reply, close it or give it to someone.

use gatehouse_model::{CaseDetail, CaseState, NoBody, QueueFilter, SupportQueueQuery, endpoint};
use leptos::prelude::*;

use crate::api::{self, ApiError, SupportCommand};
use crate::app::set_title;
use crate::components::{
    CaseHeading, CasePage, CaseTextForm, Draft, Loading, Missing, OpsFrame, OpsSession, ProblemAlert, RecordTable,
    case_facts, conversation, problem_for, problem_unclaimed,
};
use crate::dates::local_time;

const QUEUE: &str = "/ops/cases";

fn filter_label(filter: QueueFilter) -> &'static str {
    match filter {
        QueueFilter::Open => "New",
        QueueFilter::AwaitingSupport => "Awaiting support",
        QueueFilter::AwaitingPartner => "Awaiting partner",
        QueueFilter::Closed => "Closed (last 30 days)",
        QueueFilter::Archived => "Archived",
    }
}

#[component]
pub fn OpsCases() -> impl IntoView {
    set_title("Support cases");
    let filter = RwSignal::new(QueueFilter::Open);
    // The cursors of the pages before this one, so "Previous page" can go back.
    let cursors = RwSignal::new(Vec::<Option<String>>::new());
    let cursor = RwSignal::new(None::<String>);
    let page = LocalResource::new(move || {
        let (filter, cursor) = (filter.get(), cursor.get());
        async move {
            api::call::<endpoint::ListSupportQueue>(
                &[],
                &SupportQueueQuery { filter: Some(filter), cursor, limit: None },
                &NoBody,
            )
            .await
        }
    });
    let failed = Signal::derive(move || page.get().and_then(Result::err));
    let options = QueueFilter::ALL
        .into_iter()
        .map(|choice| view! { <option value=choice.as_str() selected=move || filter.get() == choice>{filter_label(choice)}</option> })
        .collect_view();
    let body = move || {
        Suspend::new(async move {
            page.await.map(|page| {
                let next = page.next_cursor.clone();
                let rows = page
                    .items
                    .iter()
                    .map(|case| {
                        let href = format!("{QUEUE}/{}", case.case_id);
                        view! {
                            <tr class:escalated=case.escalated>
                                <th scope="row"><a href=href>{case.case_id.clone()}</a></th>
                                <td>{case.summary.clone()}</td>
                                <td>{case.partner_name.clone()}</td>
                                <td>{case.school_name.clone().unwrap_or_else(|| "–".to_owned())}</td>
                                <td>{case.state.label()}</td>
                                <td>{if case.escalated { "Escalated" } else { "–" }}</td>
                                <td>{local_time(&case.updated_at)}</td>
                                <td>{case.assignee.clone().unwrap_or_else(|| "Nobody".to_owned())}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                let empty = page.items.is_empty();
                view! {
                    {empty.then(|| view! { <p class="empty-note">"No cases in this queue."</p> })}
                    {(!empty).then(|| view! {
                        <RecordTable
                            caption_id="queue-caption"
                            caption="Support cases"
                            columns=&["Case", "Summary", "Partner", "School", "State", "Escalated", "Last activity", "Assigned to"]
                        >
                            {rows}
                        </RecordTable>
                    })}
                    <div class="form-buttons">
                        {move || (!cursors.read().is_empty()).then(|| view! {
                            <button type="button" class="secondary" on:click=move |_| {
                                let previous = cursors.write().pop().flatten();
                                cursor.set(previous);
                            }>"Previous page"</button>
                        })}
                        {next.map(|next| view! {
                            <button type="button" class="secondary" on:click=move |_| {
                                cursors.write().push(cursor.get_untracked());
                                cursor.set(Some(next.clone()));
                            }>"Next page"</button>
                        })}
                    </div>
                }
            })
        })
    };
    view! {
        <OpsFrame failed>
            <div class="page-heading">
                <h1>"Support cases"</h1>
                <button type="button" class="secondary" on:click=move |_| page.refetch()>"Refresh"</button>
            </div>
            <p class="lead">"Escalated cases come first, then the ones waiting longest."</p>
            <div class="field">
                <label for="queue-filter">"Queue"</label>
                <select
                    id="queue-filter"
                    on:change=move |event| {
                        let value = event_target_value(&event);
                        if let Some(choice) = QueueFilter::ALL.into_iter().find(|f| f.as_str() == value) {
                            cursors.set(Vec::new());
                            cursor.set(None);
                            filter.set(choice);
                        }
                    }
                >
                    {options}
                </select>
            </div>
            <Loading text="Loading the queue…">{body}</Loading>
        </OpsFrame>
    }
}

#[component]
pub fn OpsCase() -> impl IntoView {
    let page = CasePage::new::<endpoint::GetSupportCase, _>(
        |case_id| format!("Case {case_id} – support"),
        |id, command| async move { api::act_as_support(&id, command).await },
    );
    let me = OpsSession::of_page().user();
    let reply = Draft::new();
    let invalid = RwSignal::<Missing>::new(None);
    page.when_done(done_sentence, move |command| {
        if matches!(command, SupportCommand::Reply { .. }) {
            reply.sent();
        }
    });
    let (case, act, error) = (page.case, page.act, page.error());
    let failed = Signal::derive(move || case.get().and_then(Result::err).or_else(|| error.get()));
    let my_name = Signal::derive(move || me.get().map(|me| me.display_name));
    let body = move || {
        Suspend::new(async move {
            case.await.map(|detail| view! { <SupportCaseView detail act reply invalid error my_name /> })
        })
    };
    view! {
        <OpsFrame failed>
            <CaseHeading page back=QUEUE back_text="Back to the support queue">{body}</CaseHeading>
        </OpsFrame>
    }
}

fn done_sentence(command: &SupportCommand) -> String {
    match command {
        SupportCommand::Reply { .. } => "Your reply was added; the partner's contact was emailed.".to_owned(),
        SupportCommand::Close => "The case was closed; the partner's contact was emailed.".to_owned(),
        SupportCommand::Reassign(Some(name)) => format!("The case is now with {name}."),
        SupportCommand::Reassign(None) => "The case is now with nobody.".to_owned(),
    }
}

#[component]
fn SupportCaseView(
    detail: CaseDetail,
    act: Action<SupportCommand, Result<(SupportCommand, CaseDetail), ApiError>>,
    reply: Draft,
    invalid: RwSignal<Missing>,
    error: Signal<Option<ApiError>>,
    my_name: Signal<Option<String>>,
) -> impl IntoView {
    let closed = detail.state == CaseState::Closed;
    let facts = [
        ("Summary", detail.summary.clone()),
        ("State", detail.state.label().to_owned()),
        ("Category", detail.category.label().to_owned()),
        ("Partner", format!("{} (raised by {})", detail.partner_name, detail.raised_by)),
        ("School", detail.school_name.clone().unwrap_or_else(|| "Not about one school".to_owned())),
        ("Contact", format!("{}, {}, {}", detail.contact_name, detail.contact_phone, detail.contact_email)),
        ("Opened", local_time(&detail.created_at)),
        ("Assigned to", detail.assignee.clone().unwrap_or_else(|| "Nobody".to_owned())),
    ];
    let facts = case_facts(facts, &detail);
    let description = detail.description.clone();
    let comments = conversation(&detail.comments, Some(&detail.partner_name));
    let pending = act.pending();
    let assignee = RwSignal::new(detail.assignee.clone().unwrap_or_default());
    let reply_form = (!closed).then(|| {
        view! {
            <CaseTextForm
                class="case-reply"
                id="support-reply"
                label="Reply to the partner"
                rows="5"
                text=reply.text
                field="text"
                missing="Write the reply first."
                invalid
                error
                pending
                submit="Send reply"
                on_send=Callback::new(move |text| {
                    act.dispatch(SupportCommand::Reply { text, key: reply.key.get_untracked() });
                })
            >
                <button type="button" class="secondary" disabled=move || pending.get() on:click=move |_| {
                    act.dispatch(SupportCommand::Close);
                }>"Close case"</button>
            </CaseTextForm>
        }
    });
    view! {
        <dl class="facts">{facts}</dl>
        <h2>"Description"</h2>
        <p class="comment-text">{description}</p>
        <h2>"Conversation"</h2>
        {comments}
        {closed.then(|| view! { <p class="hint">"This case is closed. The partner can reopen it for 30 days."</p> })}
        {reply_form}
        <form
            class="case-assign"
            novalidate
            on:submit=move |event| {
                event.prevent_default();
                let name = assignee.get_untracked();
                let name = Some(name.trim().to_owned()).filter(|name| !name.is_empty());
                act.dispatch(SupportCommand::Reassign(name));
            }
        >
            <div class="field">
                <label for="case-assignee">"Assigned to"</label>
                <input
                    id="case-assignee"
                    type="text"
                    aria-describedby="case-assignee-hint"
                    prop:value=move || assignee.get()
                    on:input=move |event| assignee.set(event_target_value(&event))
                />
                <p class="hint" id="case-assignee-hint">"A support agent's name; leave empty for nobody."</p>
                {move || problem_for(error.get(), &["assignee"]).map(|error| view! { <ProblemAlert error /> })}
            </div>
            <div class="form-buttons">
                <button type="submit" class="secondary" disabled=move || pending.get()>"Reassign"</button>
                {move || my_name.get().map(|name| view! {
                    <button type="button" class="secondary" disabled=move || pending.get() on:click=move |_| {
                        assignee.set(name.clone());
                        act.dispatch(SupportCommand::Reassign(Some(name.clone())));
                    }>"Assign to me"</button>
                })}
            </div>
        </form>
        {move || problem_unclaimed(error.get(), &["text", "assignee"]).map(|error| view! { <ProblemAlert error /> })}
    }
}
