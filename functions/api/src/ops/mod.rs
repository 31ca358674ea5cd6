//! One module per operation: parse, call the domain, map the result.

/// Writes the handlers that only hand what they extracted to one core
/// function and answer its result, which is what most operations do: the
/// handler an operation needs beside its declaration and its core function.
///
/// The core function gets the state's `Gatehouse`, then the caller's
/// credential (`_: SignedInOps` checks one without handing it over), then
/// each extractor's value by reference in the order written; a pair of path
/// ids (`(app_id, key_id): IdPath<(AppId, KeyId)>`) is handed as two
/// arguments, and an `IdempotencyKey` always comes last, as
/// `Option<&str>`. The answer is the response type, made `From` the core
/// function's result: `Json<T>`, or `Accepted` for work that runs as a job.
/// A handler that does anything else is written out.
///
/// ```text
/// pass_through! {
///     /// `POST /api/partner/cases/{case_id}/comments`.
///     pub async fn comment(SignedIn, case_id: IdPath<CaseId>, key: IdempotencyKey,
///         request: ApiJson<CaseCommentRequest>) -> Json<CaseDetail> = cases::comment_as_partner;
/// }
/// ```
macro_rules! pass_through {
    ($(
        $(#[$doc:meta])*
        pub async fn $name:ident($($params:tt)*) -> $answer:ty = $core:path;
    )+) => {$(
        pass_through!(@credential [$(#[$doc])* $name, $answer, $core] $($params)*);
    )+};

    // The credential: handed over, or only checked.
    (@credential $head:tt _: $credential:ident $($rest:tt)*) => {
        pass_through!(@params $head [$credential(_): $credential,] [] [] $($rest)*);
    };
    (@credential $head:tt $credential:ident $($rest:tt)*) => {
        pass_through!(@params $head [$credential(caller): $credential,] [&caller,] [] $($rest)*);
    };

    // The extractors, each into [what the handler extracts] [what the core
    // function is handed] [the idempotency key, handed last].
    (@params $head:tt [$($extract:tt)*] [$($hand:tt)*] [] , $key:ident: IdempotencyKey $($rest:tt)*) => {
        pass_through!(@params $head
            [$($extract)* crate::extract::IdempotencyKey($key): crate::extract::IdempotencyKey,]
            [$($hand)*] [$key.as_deref()] $($rest)*);
    };
    (@params $head:tt [$($extract:tt)*] [$($hand:tt)*] $key:tt
        , ($first:ident, $second:ident): $extractor:ident<$ty:ty> $($rest:tt)*) => {
        pass_through!(@params $head
            [$($extract)* $extractor(($first, $second)): $extractor<$ty>,]
            [$($hand)* &$first, &$second,] $key $($rest)*);
    };
    (@params $head:tt [$($extract:tt)*] [$($hand:tt)*] $key:tt , $arg:ident: $extractor:ident<$ty:ty> $($rest:tt)*) => {
        pass_through!(@params $head [$($extract)* $extractor($arg): $extractor<$ty>,] [$($hand)* &$arg,] $key $($rest)*);
    };
    (@params [$(#[$doc:meta])* $name:ident, $answer:ty, $core:path] [$($extract:tt)*] [$($hand:tt)*] [$($key:tt)*] $(,)?) => {
        $(#[$doc])*
        pub async fn $name(
            axum::extract::State(state): axum::extract::State<crate::AppState>,
            $($extract)*
        ) -> Result<$answer, crate::ApiError> {
            Ok(<$answer>::from($core(&state.gatehouse, $($hand)* $($key)*).await?))
        }
    };
}

/// The `202 Accepted` of an operation that runs as a job (#15): the job,
/// and its status path in `Location` too.
pub(crate) struct Accepted(gatehouse_model::JobAccepted);

impl From<gatehouse_model::JobAccepted> for Accepted {
    fn from(job: gatehouse_model::JobAccepted) -> Self {
        Accepted(job)
    }
}

impl axum::response::IntoResponse for Accepted {
    fn into_response(self) -> axum::response::Response {
        let location = [(axum::http::header::LOCATION, self.0.status_url.clone())];
        (axum::http::StatusCode::ACCEPTED, location, axum::Json(self.0)).into_response()
    }
}

pub mod add_team_member;
pub mod audit_authorisation_logs;
pub mod authorise_invitation;
pub mod authority_verifications;
pub mod cancel_invitation;
pub mod cancel_revocation;
pub mod cases;
pub mod confirm_erasure;
pub mod create_app_key;
pub mod create_session;
mod data_pages;
pub mod explain_person;
pub mod export_partner_schools;
pub mod forward_invitation;
pub mod get_agent_job;
pub mod get_agent_status;
pub mod get_me;
pub mod get_ops_me;
pub mod get_partner_job;
pub mod get_partner_school;
pub mod get_permission_set;
pub mod get_school_me;
pub mod get_school_status;
pub mod get_student;
pub mod get_webhook;
pub mod health;
pub mod international_requests;
pub mod invite_again;
pub mod invite_school;
pub mod invite_school_by_api;
pub mod issue_agent_key;
pub mod issue_oauth_token;
pub mod list_app_keys;
pub mod list_app_schools;
pub mod list_contacts;
pub mod list_groups;
pub mod list_partner_schools;
pub mod list_staff;
pub mod list_students;
pub mod list_team;
pub mod list_webhook_deliveries;
pub mod logout;
pub mod oneroster;
pub mod open_invitation;
pub mod openapi;
pub mod ops_bookings;
pub mod ops_directory;
pub mod ops_partners;
pub mod ops_retention;
mod partner_school;
pub mod person_requests;
pub mod portal_data;
pub mod push_extract;
pub mod redeliver_webhook;
pub mod remove_team_member;
pub mod request_magic_link;
pub mod revoke_app_key;
pub mod revoke_school_access;
pub mod rotate_webhook_secret;
pub mod school_portal;
pub mod search_directory;
pub mod set_school_priority;
pub mod set_webhook;
pub mod support_cases;
pub mod update_permission_set;

use axum::handler::Handler;
use gatehouse_model::Op;

use crate::AppState;
use crate::extract::DocumentedHandler;
// Declarations name the sign-in handlers per kind of account: `handle::<sign_in::School>`.
use crate::session::sign_in;

/// Is handed the handler of an operation by `with_handler`.
pub(crate) trait HandlerVisitor {
    type Output;
    fn visit<H, T, A>(self, handler: H) -> Self::Output
    where
        H: Handler<T, AppState> + DocumentedHandler<A>,
        T: 'static;
}

/// Writes `with_handler`, the one map from operation to handler, from the
/// handlers the operations' declarations name (`gatehouse_model::routes`):
/// the OpenAPI document reads the handler's arguments through it
/// (`extract::Reads`), and the router mounts what it hands over, so both see
/// the same handler. A declaration naming a handler that does not exist, or
/// one whose extractors are not documented, does not compile.
macro_rules! handler_map {
    ($($op:ident => $handler:path;)*) => {
        pub(crate) fn with_handler<V: HandlerVisitor>(op: Op, visitor: V) -> V::Output {
            match op {
                $(Op::$op => visitor.visit($handler),)*
            }
        }
    };
}

gatehouse_model::for_each_handler!(handler_map);
