//! How the page ends once the link has done its work: forwarded to someone else, authorised (the
//! receipt, and the next step in the school portal), or waiting for verification or for the
//! school's admins (#12).

use gatehouse_model::{AuthorisationReceipt, ContactInput, InvitationState, InvitationSummary};
use leptos::prelude::*;

use super::{LinkProblem, person};
use crate::app::set_title;
use crate::components::fact_entries;
use crate::dates::local_time;

/// Sent on to the right person: this link is dead now.
#[component]
pub(super) fn Forwarded(to: ContactInput) -> impl IntoView {
    set_title("Invitation forwarded");
    let sentence =
        format!("We sent the invitation to {}; this link no longer works.", person(&to.name, Some(to.email.as_str())));
    view! {
        <LinkProblem title="Invitation forwarded">
            <p class="action-message" role="status">{sentence}</p>
            <p>"They get an email with their own Begin Authorisation link. You can close this page."</p>
        </LinkProblem>
    }
}

/// The receipt: who authorised what, when, with which settings. `fresh` when authorised just
/// now; otherwise the link was opened again after use.
#[component]
pub(super) fn ReceiptPage(summary: InvitationSummary, fresh: bool) -> impl IntoView {
    set_title(if fresh { "Sharing authorised" } else { "Invitation already used" });
    let (title, lead) = if fresh {
        (
            "Sharing authorised".to_owned(),
            format!(
                "Thank you. {} may now read {}'s data as set out below. A copy of this receipt has been emailed.",
                summary.app_name, summary.school_name
            ),
        )
    } else {
        (
            "This invitation was already used".to_owned(),
            "It was used to authorise sharing, as this receipt shows. The link cannot be used again.".to_owned(),
        )
    };
    let details = summary.receipt.map(|receipt| view! { <ReceiptDetails receipt /> });
    view! {
        <LinkProblem title>
            <p class="lead">{lead}</p>
            {details}
            <NextStep />
        </LinkProblem>
    }
}

/// What an authorisation that waits says (#12): nothing is shared yet, and who decides next:
/// Gatehouse operations verifying the authoriser's authority, or an admin of the school, who
/// has been emailed. `fresh` when authorised just now; otherwise the link was opened again.
#[component]
pub(super) fn WaitingPage(summary: InvitationSummary, fresh: bool) -> impl IntoView {
    let verifying = summary.state == InvitationState::AwaitingVerification;
    let title = if verifying { "Waiting for verification" } else { "Waiting for your school's approval" };
    set_title(title);
    let (school, app) = (&summary.school_name, &summary.app_name);
    let used = if fresh {
        "Thank you: your answers are recorded.".to_owned()
    } else {
        "This invitation was already used; the link cannot be used again.".to_owned()
    };
    let who_decides = if verifying {
        format!(
            "Gatehouse operations are verifying that you have authority to share {school}'s data. We will \
             email you once they have; {app} reads nothing until then."
        )
    } else {
        format!(
            "{school} already has admins in Gatehouse, and one of them must approve this. They have been \
             emailed, and approve or decline it in the school portal; {app} reads nothing until one approves."
        )
    };
    view! {
        <LinkProblem title>
            <p class="lead">{used}</p>
            <p class="notice" role="status"><strong>"Nothing is shared yet. "</strong>{who_decides}</p>
        </LinkProblem>
    }
}

/// S4: after authorising, the school contact (now a school portal user) chooses how the MIS
/// agent is installed, in the school portal.
#[component]
fn NextStep() -> impl IntoView {
    view! {
        <section class="next-step" aria-labelledby="next-step-heading">
            <h2 id="next-step-heading">"Next step: install the MIS agent"</h2>
            <p>
                "Data flows once the MIS agent is installed at your school. You can now sign in to the \
                 school portal with this email address to choose how: install it yourself, or book a \
                 slot with our support team. The portal is also where you change or revoke this sharing."
            </p>
            <p><a class="button" href="/school/signin">"Sign in to the school portal"</a></p>
        </section>
    }
}

#[component]
fn ReceiptDetails(receipt: AuthorisationReceipt) -> impl IntoView {
    let scopes = receipt
        .granted_scopes
        .iter()
        .map(|scope| {
            view! {
                <li>
                    <span class="scope-label">{scope.label()}</span>
                    " "
                    <span class="scope-description">{scope.description()}</span>
                </li>
            }
        })
        .collect_view();
    let facts = fact_entries([
        ("School", receipt.school_name.clone()),
        ("App", format!("{} from {}", receipt.app_name, receipt.partner_name)),
        ("Authorised by", person(&receipt.approver_name, Some(&receipt.approver_role))),
        ("Authorised at", local_time(&receipt.authorised_at)),
        ("GDPR mode", receipt.gdpr_mode.label().to_owned()),
        ("Feed status", receipt.feed_status.label().to_owned()),
    ]);
    view! {
        <section class="receipt" aria-labelledby="receipt-heading">
            <h2 id="receipt-heading">"Receipt"</h2>
            <dl class="facts wide">{facts}</dl>
            <h3>"Data areas shared"</h3>
            <ul class="receipt-scopes">{scopes}</ul>
        </section>
    }
}
