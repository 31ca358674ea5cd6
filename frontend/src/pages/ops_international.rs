//! `/ops/international` (O1): requests for schools outside England and Wales, by state. Ops
//! accept one (the school joins the directory with an `INT` id, shown in the country or region
//! given) or decline it with a reason the partner user is emailed.

use gatehouse_model::{InternationalRequest, InternationalRequestQuery, InternationalRequestState, NoBody, endpoint};
use leptos::prelude::*;

use crate::api::{self, ApiError, Decision};
use crate::app::set_title;
use crate::components::{
    ActionMessage, ActionStatus, DecisionReason, Loading, OpsFrame, ProblemAlert, problem_for, problem_unclaimed,
};
use crate::dates::local_time;

#[component]
pub fn OpsInternational() -> impl IntoView {
    set_title("International schools");
    let state = RwSignal::new(InternationalRequestState::Pending);
    let list = LocalResource::new(move || {
        let state = state.get();
        async move {
            api::call::<endpoint::ListInternationalRequests>(&[], &InternationalRequestQuery { state }, &NoBody).await
        }
    });
    let decide = Action::new_local(|(id, decision): &(String, Decision)| {
        let (id, decision) = (id.clone(), decision.clone());
        async move { api::decide_international_request(&id, decision).await }
    });
    let message = ActionMessage::new();
    Effect::new(move || {
        if let Some(Ok(request)) = decide.value().get() {
            message.announce(match request.state {
                InternationalRequestState::Accepted => format!(
                    "{} was accepted as {}; {} was emailed and can invite it now.",
                    request.school_name,
                    request.urn.clone().unwrap_or_default(),
                    request.requested_by
                ),
                _ => format!("{} was declined; {} was emailed the reason.", request.school_name, request.requested_by),
            });
            list.refetch();
        }
    });
    let error = Signal::derive(move || decide.value().get().and_then(Result::err));
    let failed = Signal::derive(move || list.get().and_then(Result::err).or_else(|| error.get()));
    let options = InternationalRequestState::ALL
        .into_iter()
        .map(|choice| view! { <option value=choice.as_str() selected=move || state.get() == choice>{choice.label()}</option> })
        .collect_view();
    let body = move || {
        Suspend::new(async move {
            list.await.map(|list| {
                if list.items.is_empty() {
                    return view! { <p class="empty-note">"No requests here."</p> }.into_any();
                }
                list.items
                    .into_iter()
                    .map(|request| view! { <RequestCard request decide error /> })
                    .collect_view()
                    .into_any()
            })
        })
    };
    view! {
        <OpsFrame failed>
            <h1>"International schools"</h1>
            <p class="lead">"Partners ask for schools outside England and Wales here; the oldest request is first."</p>
            <ActionStatus message />
            <div class="field">
                <label for="request-state">"Show"</label>
                <select id="request-state" on:change=move |event| {
                    let value = event_target_value(&event);
                    if let Some(choice) = InternationalRequestState::ALL.into_iter().find(|s| s.as_str() == value) {
                        message.clear();
                        state.set(choice);
                    }
                }>
                    {options}
                </select>
            </div>
            <Loading text="Loading the requests…">{body}</Loading>
        </OpsFrame>
    }
}

#[component]
fn RequestCard(
    request: InternationalRequest,
    decide: Action<(String, Decision), Result<InternationalRequest, ApiError>>,
    error: Signal<Option<ApiError>>,
) -> impl IntoView {
    let id = request.request_id.clone();
    let heading_id = format!("request-{id}");
    let labelled_by = heading_id.clone();
    let region = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let missing_reason = RwSignal::new(false);
    // A problem belongs to this card only while this card's request is the one being decided.
    let mine = {
        let id = id.clone();
        move || decide.input().get().is_some_and(|(sent, _)| sent == id) || decide.value().get().is_some()
    };
    let card_error = {
        let mine = mine.clone();
        Signal::derive(move || error.get().filter(|_| mine()))
    };
    let facts = [
        ("Address", request.address.clone()),
        ("Contact", format!("{}, {}, {}", request.contact_name, request.contact_phone, request.contact_email)),
        (
            "Asked by",
            format!("{} at {}, {}", request.requested_by, request.partner_name, local_time(&request.created_at)),
        ),
    ];
    let mut facts: Vec<(&str, String)> = facts.to_vec();
    if let Some(by) = &request.decided_by {
        facts.push((
            "Decided by",
            format!("{by}, {}", request.decided_at.as_deref().map(local_time).unwrap_or_default()),
        ));
    }
    if let Some(urn) = &request.urn {
        facts.push(("Directory id", urn.clone()));
    }
    if let Some(reason) = &request.decline_reason {
        facts.push(("Reason", reason.clone()));
    }
    let facts = facts.into_iter().map(|(name, value)| view! { <dt>{name}</dt><dd>{value}</dd> }).collect_view();
    let pending = request.state == InternationalRequestState::Pending;
    let (accept_id, decline_id) = (id.clone(), id.clone());
    let region_id = format!("region-{id}");
    let reason_id = format!("reason-{id}");
    let actions = pending.then(|| {
        view! {
            <div class="form-row">
                <form novalidate on:submit=move |event| {
                    event.prevent_default();
                    decide.dispatch((accept_id.clone(), Decision::Accept { region: region.get_untracked() }));
                }>
                    <div class="field">
                        <label for=region_id.clone()>"Country or region (optional)"</label>
                        <input id=region_id.clone() type="text" prop:value=move || region.get() on:input=move |event| region.set(event_target_value(&event)) />
                        {move || problem_for(card_error.get(), &["region"]).map(|error| view! { <ProblemAlert error /> })}
                    </div>
                    <div class="form-buttons">
                        <button type="submit" disabled=move || decide.pending().get()>"Accept"</button>
                    </div>
                </form>
                <form novalidate on:submit=move |event| {
                    event.prevent_default();
                    let text = reason.get_untracked();
                    if text.trim().is_empty() {
                        missing_reason.set(true);
                        return;
                    }
                    decide.dispatch((decline_id.clone(), Decision::Decline { reason: text }));
                }>
                    <DecisionReason
                        id=reason_id.clone()
                        label="Reason for declining"
                        missing_text="Give the reason; the partner will read it."
                        value=reason
                        missing=missing_reason
                        problem=card_error
                    />
                    <div class="form-buttons">
                        <button type="submit" class="secondary danger" disabled=move || decide.pending().get()>"Decline"</button>
                    </div>
                </form>
            </div>
            {move || problem_unclaimed(card_error.get(), &["region", "reason"]).map(|error| view! { <ProblemAlert error /> })}
        }
    });
    view! {
        <article class="request-card" aria-labelledby=labelled_by>
            <h2 id=heading_id>{request.school_name.clone()}<span class="hint">{format!(" {} · {}", request.request_id, request.state.label())}</span></h2>
            <dl class="facts">{facts}</dl>
            {actions}
        </article>
    }
}
