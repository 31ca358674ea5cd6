//! What the page says when a Begin Authorisation link cannot be opened, or stops working while
//! the wizard is open: expired or replaced, replaced after the school's sharing changed, too
//! many attempts, not a link Gatehouse sent, or Gatehouse out of reach.

use leptos::prelude::*;

use super::{LINK_SUPERSEDED, LinkProblem};
use crate::api::ApiError;
use crate::app::set_title;
use crate::components::{ProblemAlert, names_field};

#[component]
pub(super) fn Expired() -> impl IntoView {
    set_title("Invitation link expired");
    view! {
        <LinkProblem title="This invitation link no longer works">
            <p role="alert">"This invitation link has expired or was replaced by a newer one."</p>
            <p>
                "If the invitation was forwarded or sent again, only the link in the newest email works. \
                 Otherwise ask whoever invited your school to send it again."
            </p>
        </LinkProblem>
    }
}

/// A link that was replaced because the school's sharing changed after it was sent (410
/// `link_superseded`): the problem's detail says what to do.
#[component]
pub(super) fn Superseded(error: ApiError) -> impl IntoView {
    set_title("Invitation link replaced");
    view! {
        <LinkProblem title="This invitation link no longer works">
            <ProblemAlert error />
            <p>
                "Nothing was changed with this link. If someone at your school already decides about \
                 sharing, they can do it in the school portal."
            </p>
            <p><a href="/school/signin">"Sign in to the school portal"</a></p>
        </LinkProblem>
    }
}

/// Why a link could not be opened, as the page explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OpenFailure {
    /// 410: expired, or replaced by a newer invitation.
    Expired,
    /// 410 `link_superseded`: the school's sharing changed after the link was sent.
    Superseded,
    /// 429: too many requests from this network; try again later.
    TooManyAttempts,
    /// The token is not one Gatehouse issued: a link copied in part, say.
    NotALink,
    /// Gatehouse out of reach or failing: trying again may work.
    Other,
}

fn open_failure(error: &ApiError) -> OpenFailure {
    if error.code() == Some("invitation_expired") {
        OpenFailure::Expired
    } else if error.code() == Some(LINK_SUPERSEDED) {
        OpenFailure::Superseded
    } else if error.status() == Some(429) {
        OpenFailure::TooManyAttempts
    } else if error.field().is_some_and(|field| names_field(field, "token")) {
        OpenFailure::NotALink
    } else {
        OpenFailure::Other
    }
}

/// Why the link could not be opened: expired, too many tries, not a link Gatehouse sent, or
/// Gatehouse out of reach.
#[component]
pub(super) fn OpenProblem(error: ApiError, on_retry: Callback<()>) -> impl IntoView {
    let failure = open_failure(&error);
    if failure == OpenFailure::Expired {
        return view! { <Expired /> }.into_any();
    }
    if failure == OpenFailure::Superseded {
        return view! { <Superseded error /> }.into_any();
    }
    let retry = move || {
        view! {
            <div class="form-buttons">
                <button type="button" on:click=move |_| on_retry.run(())>"Try again"</button>
            </div>
        }
    };
    if failure == OpenFailure::TooManyAttempts {
        return view! {
            <LinkProblem title="Too many attempts">
                <p>"Gatehouse had too many requests from your network in a short time. Please try again later."</p>
                <ProblemAlert error />
                {retry()}
            </LinkProblem>
        }
        .into_any();
    }
    if failure == OpenFailure::NotALink {
        return view! {
            <LinkProblem title="This invitation link can't be used">
                <ProblemAlert error />
                <p>"Open the Begin Authorisation link from the email in full, or ask whoever invited your school to send it again."</p>
            </LinkProblem>
        }
        .into_any();
    }
    view! {
        <LinkProblem title="Your invitation could not be opened">
            <ProblemAlert error />
            {retry()}
        </LinkProblem>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_model::Problem;

    fn problem(status: u16, code: &str, field: Option<&str>) -> ApiError {
        ApiError::Problem(Box::new(Problem {
            problem_type: format!("/problems/{code}"),
            title: "Problem".to_owned(),
            status,
            detail: "Something is wrong.".to_owned(),
            code: code.to_owned(),
            field: field.map(str::to_owned),
            request_id: None,
        }))
    }

    #[test]
    fn a_link_that_cannot_be_opened_says_why() {
        assert_eq!(open_failure(&problem(410, "invitation_expired", None)), OpenFailure::Expired);
        assert_eq!(open_failure(&problem(410, "link_superseded", None)), OpenFailure::Superseded);
        assert_eq!(open_failure(&problem(429, "rate_limited", None)), OpenFailure::TooManyAttempts);
        assert_eq!(open_failure(&problem(400, "invalid", Some("token"))), OpenFailure::NotALink);
        assert_eq!(open_failure(&problem(503, "unavailable", None)), OpenFailure::Other);
        assert_eq!(open_failure(&ApiError::Unreachable), OpenFailure::Other);
    }
}
