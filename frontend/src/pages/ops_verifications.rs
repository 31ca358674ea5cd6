//! `/ops/verifications` (O1, #12): people who authorised a school's data sharing through an
//! emailed link when nothing vouched for their authority (no school admin yet, and an address
//! outside the directory's domains for the school). Oldest first, each with the evidence: who,
//! which school, which partner invited them, their email domain and the directory's. Ops verify
//! one (they become the school's first admin and the sharing starts) or reject one with a reason.

use gatehouse_model::{AuthorityVerification, DecideAuthorityVerification, NoQuery, VerificationDecision, endpoint};
use leptos::html::P;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::app::set_title;
use crate::components::{DecisionReason, OpsFrame, ProblemAlert, fact_entries, problem_unclaimed};
use crate::dates::local_time;

/// What a card needs to decide: the send, what was sent last and what went wrong with it.
#[derive(Clone, Copy)]
struct Decide {
    send: Callback<DecideAuthorityVerification>,
    /// The decision sent last: its card shows the problem, if any.
    last: RwSignal<Option<DecideAuthorityVerification>>,
    pending: Signal<bool>,
    error: Signal<Option<ApiError>>,
}

/// What the console says once `decision` is made about `who`.
fn decided_message(who: &AuthorityVerification, decision: VerificationDecision) -> String {
    match decision {
        VerificationDecision::Verify => format!(
            "{} is verified: they are now {}'s first admin and {} can read what they authorised.",
            who.authoriser_name, who.school_name, who.app_name
        ),
        VerificationDecision::Reject => format!(
            "{} was rejected: nothing is shared with {} for {}, and the reason is in the school's log.",
            who.authoriser_name, who.app_name, who.school_name
        ),
    }
}

/// "none listed", or the directory's domains joined.
fn domains(list: &[String]) -> String {
    if list.is_empty() { "None listed".to_owned() } else { list.join(", ") }
}

#[component]
pub fn OpsVerifications() -> impl IntoView {
    set_title("Verifications");
    let queue = api::load::<endpoint::ListAuthorityVerifications>();
    let action = Action::new_local(|decision: &DecideAuthorityVerification| {
        api::call::<endpoint::DecideAuthorityVerification>(&[], &NoQuery, decision)
    });
    let last = RwSignal::new(None::<DecideAuthorityVerification>);
    let message = RwSignal::new(None::<String>);
    let status = NodeRef::<P>::new();
    Effect::new(move || {
        let Some(Ok(list)) = action.value().get() else { return };
        let Some(sent) = last.get_untracked() else { return };
        let decided = queue.with_untracked(|queue| {
            let waiting = queue.as_ref().and_then(|queue| queue.as_ref().ok())?;
            waiting.waiting.iter().find(|who| who.app_id == sent.app_id && who.school_id == sent.school_id).cloned()
        });
        message.set(decided.map(|who| decided_message(&who, sent.decision)));
        queue.set(Some(Ok(list)));
        request_animation_frame(move || {
            if let Some(status) = status.get_untracked() {
                let _ = status.focus();
            }
        });
    });
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let decide = Decide {
        send: Callback::new(move |decision: DecideAuthorityVerification| {
            message.set(None);
            last.set(Some(decision.clone()));
            action.dispatch(decision);
        }),
        last,
        pending: action.pending().into(),
        error,
    };
    let failed = Signal::derive(move || queue.get().and_then(Result::err).or_else(|| error.get()));
    view! {
        <OpsFrame failed>
            <h1>"Verifications"</h1>
            <p class="lead">
                "People who authorised sharing for a school whose authority nothing vouched for: the school has \
                 no admin yet and their address is not at a domain the directory lists for it. Nothing is \
                 shared until you verify them. Oldest first."
            </p>
            <p class="action-message" role="status" tabindex="-1" node_ref=status hidden=move || message.read().is_none()>
                {move || message.get()}
            </p>
            {move || match queue.get() {
                None => view! { <p class="loading">"Loading the queue…"</p> }.into_any(),
                Some(Err(error)) if error.requires_sign_in() => ().into_any(),
                Some(Err(error)) => view! { <ProblemAlert error /> }.into_any(),
                Some(Ok(list)) if list.waiting.is_empty() => {
                    view! { <p class="empty-note">"Nobody is waiting for verification."</p> }.into_any()
                }
                Some(Ok(list)) => list
                    .waiting
                    .into_iter()
                    .map(|who| view! { <VerificationCard who decide /> })
                    .collect_view()
                    .into_any(),
            }}
        </OpsFrame>
    }
}

#[component]
fn VerificationCard(who: AuthorityVerification, decide: Decide) -> impl IntoView {
    let id = format!("{}-{}", who.app_id, who.school_id);
    let heading_id = format!("verification-{id}");
    let reason_id = format!("reason-{id}");
    let reason = RwSignal::new(String::new());
    let missing_reason = RwSignal::new(false);
    let (app_id, school_id) = (who.app_id.clone(), who.school_id.clone());
    // A problem belongs to this card only while this card's authoriser is the one decided last.
    let card_error = {
        let (app_id, school_id) = (app_id.clone(), school_id.clone());
        Signal::derive(move || {
            let mine =
                decide.last.read().as_ref().is_some_and(|sent| sent.app_id == app_id && sent.school_id == school_id);
            decide.error.get().filter(|_| mine)
        })
    };
    let school = match &who.urn {
        Some(urn) => format!("{} (URN {urn})", who.school_name),
        None => who.school_name.clone(),
    };
    let matches_directory = who.directory_domains.iter().any(|domain| domain.eq_ignore_ascii_case(&who.email_domain));
    let facts = fact_entries([
        ("School", school),
        ("Authoriser", format!("{}, {}", who.authoriser_name, who.authoriser_role)),
        ("Email", who.authoriser_email.clone()),
        (
            "Email domain",
            if matches_directory {
                format!("{} (listed in the directory)", who.email_domain)
            } else {
                format!("{} (not one the directory lists)", who.email_domain)
            },
        ),
        ("Directory's domains", domains(&who.directory_domains)),
        ("App", format!("{} from {}", who.app_name, who.partner_name)),
        ("Invited by", who.invited_by.clone().unwrap_or_else(|| "–".to_owned())),
        ("Authorised at", local_time(&who.requested_at)),
    ]);
    let decision = move |decision: VerificationDecision, reason: Option<String>| DecideAuthorityVerification {
        app_id: app_id.clone(),
        school_id: school_id.clone(),
        decision,
        reason,
    };
    let verify = {
        let decision = decision.clone();
        move |_| {
            decide.send.run(decision(VerificationDecision::Verify, None));
        }
    };
    let reject = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let text = reason.get_untracked();
        if text.trim().is_empty() {
            missing_reason.set(true);
            return;
        }
        decide.send.run(decision(VerificationDecision::Reject, Some(text)));
    };
    let name = who.authoriser_name.clone();
    let labelled_by = heading_id.clone();
    view! {
        <article class="request-card" aria-labelledby=labelled_by>
            <h2 id=heading_id>{who.authoriser_name.clone()}<span class="hint">{format!(" for {}", who.school_name)}</span></h2>
            <dl class="facts">{facts}</dl>
            <div class="form-row">
                <div class="form-buttons">
                    <button type="button" disabled=move || decide.pending.get() on:click=verify>
                        "Verify"<span class="visually-hidden">{format!(" {name}")}</span>
                    </button>
                </div>
                <form novalidate on:submit=reject>
                    <DecisionReason
                        id=reason_id
                        label="Reason for rejecting"
                        missing_text="Say why; it goes in the school's Authorisation Log."
                        value=reason
                        missing=missing_reason
                        problem=card_error
                    />
                    <div class="form-buttons">
                        <button type="submit" class="secondary danger" disabled=move || decide.pending.get()>"Reject"</button>
                    </div>
                </form>
            </div>
            {move || problem_unclaimed(card_error.get(), &["reason"]).map(|error| view! { <ProblemAlert error /> })}
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waiting() -> AuthorityVerification {
        AuthorityVerification {
            app_id: "app-1".to_owned(),
            school_id: "140007".to_owned(),
            urn: Some("140007".to_owned()),
            school_name: "Millbrook Academy".to_owned(),
            partner_name: "Demo Partner Ltd".to_owned(),
            app_name: "Demo Timetabler".to_owned(),
            authoriser_name: "Mo Manager".to_owned(),
            authoriser_role: "Business Manager".to_owned(),
            authoriser_email: "mo@millbrook.example".to_owned(),
            email_domain: "millbrook.example".to_owned(),
            directory_domains: Vec::new(),
            invited_by: Some("Dana Demo".to_owned()),
            requested_at: "2026-12-04T10:00:00Z".to_owned(),
        }
    }

    #[test]
    fn a_decision_says_what_follows_from_it() {
        let who = waiting();
        let verified = decided_message(&who, VerificationDecision::Verify);
        assert!(verified.starts_with("Mo Manager is verified") && verified.contains("Millbrook Academy's first admin"));
        let rejected = decided_message(&who, VerificationDecision::Reject);
        assert!(rejected.contains("nothing is shared") && rejected.contains("reason"), "{rejected}");
    }

    #[test]
    fn a_school_without_domains_says_so() {
        assert_eq!(domains(&[]), "None listed");
        assert_eq!(domains(&["a.example".to_owned(), "b.example".to_owned()]), "a.example, b.example");
    }
}
