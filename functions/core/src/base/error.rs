//! The one domain error. Variants say what the caller can do about a failure,
//! not where it came from; `gatehouse-api::problem` maps each to HTTP once.

use gatehouse_model::ProblemCode;

use crate::base::ports::StoreError;
use crate::base::refusal::Refusal;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("sign-in required")]
    SignInRequired,
    /// An API call without a valid app key.
    #[error("send a valid API key as `Authorization: Bearer <key>`")]
    InvalidCredentials,
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Signed in, but this user's role does not allow it.
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0}")]
    Conflict(&'static str),
    /// The school already has a live invitation or authorisation for the app.
    #[error("{0}")]
    AlreadyLinked(&'static str),
    #[error("this sign-in link has expired or was already used")]
    LinkExpired,
    #[error(
        "this invitation link has expired or was replaced by a newer one; ask whoever invited your school to send it again"
    )]
    InvitationExpired,
    #[error(
        "this invitation was already used to authorise sharing; the school can change its choices in the school portal"
    )]
    InvitationUsed,
    /// The link was issued for a state of the school's access that has
    /// changed since (revoked, declined, resent, approved…): it can do
    /// nothing now (#12).
    #[error(
        "this link was replaced: the school's data sharing changed after it was sent; ask whoever invited your school for a new one, or sign in to the school portal"
    )]
    LinkSuperseded,
    /// A support case closed 30 or more days ago: it cannot be reopened.
    #[error(
        "this case was closed 30 or more days ago and is archived; raise a new case and quote this one's reference"
    )]
    CaseArchived,
    /// The data API or the agent API refuses, with a reason the caller can
    /// act on (A1, G1); never an empty answer hiding it.
    #[error("{}", .0.message())]
    Refused(super::refusal::Refusal),
    #[error("too many requests; try again in {retry_after_seconds} seconds")]
    RateLimited { retry_after_seconds: u64 },
    #[error("storage or provider failure")]
    Unavailable(#[source] anyhow::Error),
}

impl Error {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Error::Invalid { field, reason: reason.into() }
    }

    /// The stable code a caller branches on: in a problem answer (the API
    /// chooses its status from it) and in a failed job's status.
    pub fn problem_code(&self) -> ProblemCode {
        match self {
            Error::Invalid { .. } => ProblemCode::Invalid,
            Error::SignInRequired => ProblemCode::SignInRequired,
            Error::InvalidCredentials => ProblemCode::InvalidCredentials,
            Error::NotFound(_) => ProblemCode::NotFound,
            Error::Forbidden(_) => ProblemCode::Forbidden,
            Error::Conflict(_) => ProblemCode::Conflict,
            Error::AlreadyLinked(_) => ProblemCode::AlreadyInvited,
            Error::LinkExpired => ProblemCode::LinkExpired,
            Error::InvitationExpired => ProblemCode::InvitationExpired,
            Error::InvitationUsed => ProblemCode::InvitationUsed,
            Error::LinkSuperseded => ProblemCode::LinkSuperseded,
            Error::CaseArchived => ProblemCode::CaseArchived,
            Error::Refused(refusal) => refusal_code(*refusal),
            Error::RateLimited { .. } => ProblemCode::RateLimited,
            Error::Unavailable(_) => ProblemCode::Unavailable,
        }
    }
}

/// A message as a sentence for a person: capital first, full stop last.
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str().trim_end_matches('.')),
        None => String::new(),
    }
}

/// The code of a refusal of the data API or the deletion guard.
fn refusal_code(refusal: Refusal) -> ProblemCode {
    match refusal {
        Refusal::NotAuthorised => ProblemCode::NotAuthorised,
        Refusal::AwaitingVerification => ProblemCode::AwaitingVerification,
        Refusal::AwaitingSchoolApproval => ProblemCode::AwaitingSchoolApproval,
        Refusal::AuthorisationRevoked => ProblemCode::AuthorisationRevoked,
        Refusal::FeedPaused => ProblemCode::FeedPaused,
        Refusal::ScopeNotGranted(_) => ProblemCode::ScopeNotGranted,
        Refusal::NotInstalled => ProblemCode::NotInstalled,
        Refusal::ExtractInProgress => ProblemCode::ExtractInProgress,
        Refusal::InvalidCursor => ProblemCode::InvalidCursor,
        Refusal::SyncTokenExpired => ProblemCode::SyncTokenExpired,
        Refusal::NoHeldExtract => ProblemCode::NoHeldExtract,
        Refusal::NotRevoked => ProblemCode::NotRevoked,
        Refusal::ErasureAlreadyConfirmed => ProblemCode::ErasureAlreadyConfirmed,
        Refusal::NoAuthorisedApp => ProblemCode::NoAuthorisedApp,
    }
}

impl From<StoreError> for Error {
    /// A condition failure that reaches here unhandled is a lost race on a
    /// write the caller may retry; everything else is the store being down.
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::ConditionFailed { .. } => Error::Conflict("the record changed meanwhile; try again"),
            StoreError::Unavailable(source) => Error::Unavailable(source),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
