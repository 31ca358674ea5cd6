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

/// Is handed the handler of an operation by `with_handler`.
pub(crate) trait HandlerVisitor {
    type Output;
    fn visit<H, T, A>(self, handler: H) -> Self::Output
    where
        H: Handler<T, AppState> + DocumentedHandler<A>,
        T: 'static;
}

/// The one map from operation to handler: the OpenAPI document reads the
/// handler's arguments through it (`extract::Reads`), and the router can
/// mount what it hands over, so both see the same handler.
pub(crate) fn with_handler<V: HandlerVisitor>(op: Op, visitor: V) -> V::Output {
    match op {
        Op::Health => visitor.visit(health::handle),
        Op::OpenApi => visitor.visit(openapi::handle),
        Op::RequestMagicLink => visitor.visit(request_magic_link::handle::<crate::session::sign_in::Partner>),
        Op::CreateSession => visitor.visit(create_session::handle::<crate::session::sign_in::Partner>),
        Op::Logout => visitor.visit(logout::handle::<crate::session::sign_in::Partner>),
        Op::GetMe => visitor.visit(get_me::handle),
        Op::RequestSchoolMagicLink => visitor.visit(request_magic_link::handle::<crate::session::sign_in::School>),
        Op::CreateSchoolSession => visitor.visit(create_session::handle::<crate::session::sign_in::School>),
        Op::SchoolLogout => visitor.visit(logout::handle::<crate::session::sign_in::School>),
        Op::GetSchoolMe => visitor.visit(get_school_me::handle),
        Op::RequestOpsMagicLink => visitor.visit(request_magic_link::handle::<crate::session::sign_in::Ops>),
        Op::CreateOpsSession => visitor.visit(create_session::handle::<crate::session::sign_in::Ops>),
        Op::OpsLogout => visitor.visit(logout::handle::<crate::session::sign_in::Ops>),
        Op::GetOpsMe => visitor.visit(get_ops_me::handle),
        Op::IssueAgentKey => visitor.visit(issue_agent_key::handle),
        Op::ListPartnerSchools => visitor.visit(list_partner_schools::handle),
        Op::ExportPartnerSchools => visitor.visit(export_partner_schools::handle),
        Op::GetPartnerSchool => visitor.visit(get_partner_school::handle),
        Op::RevokeSchoolAccess => visitor.visit(revoke_school_access::handle),
        Op::CancelRevocation => visitor.visit(cancel_revocation::handle),
        Op::SetSchoolPriority => visitor.visit(set_school_priority::handle),
        Op::CancelInvitation => visitor.visit(cancel_invitation::handle),
        Op::ResendInvitation => visitor.visit(invite_again::handle::<invite_again::Resend>),
        Op::ReinviteSchool => visitor.visit(invite_again::handle::<invite_again::Reinvite>),
        Op::GetPermissionSet => visitor.visit(get_permission_set::handle),
        Op::UpdatePermissionSet => visitor.visit(update_permission_set::handle),
        Op::GetPartnerJob => visitor.visit(get_partner_job::handle),
        Op::ListTeam => visitor.visit(list_team::handle),
        Op::AddTeamMember => visitor.visit(add_team_member::handle),
        Op::RemoveTeamMember => visitor.visit(remove_team_member::handle),
        Op::OpenInvitation => visitor.visit(open_invitation::handle),
        Op::ForwardInvitation => visitor.visit(forward_invitation::handle),
        Op::AuthoriseInvitation => visitor.visit(authorise_invitation::handle),
        Op::SearchDirectory => visitor.visit(search_directory::handle),
        Op::InviteSchool => visitor.visit(invite_school::handle),
        Op::ListAppKeys => visitor.visit(list_app_keys::handle),
        Op::CreateAppKey => visitor.visit(create_app_key::handle),
        Op::IssueOAuthToken => visitor.visit(issue_oauth_token::handle),
        Op::RevokeAppKey => visitor.visit(revoke_app_key::handle),
        Op::InviteSchoolByApi => visitor.visit(invite_school_by_api::handle),
        Op::ListAppSchools => visitor.visit(list_app_schools::handle),
        Op::GetSchoolStatus => visitor.visit(get_school_status::handle),
        Op::ConfirmErasure => visitor.visit(confirm_erasure::handle),
        Op::ListStudents => visitor.visit(list_students::handle),
        Op::GetStudent => visitor.visit(get_student::handle),
        Op::ListStaff => visitor.visit(list_staff::handle),
        Op::ListContacts => visitor.visit(list_contacts::handle),
        Op::ListGroups => visitor.visit(list_groups::handle),
        Op::ExplainPerson => visitor.visit(explain_person::handle),
        Op::ListOneRoster => visitor.visit(oneroster::list),
        Op::GetOneRoster => visitor.visit(oneroster::get),
        Op::ListOneRosterNested => visitor.visit(oneroster::nested),
        Op::PushExtract => visitor.visit(push_extract::handle),
        Op::GetAgentJob => visitor.visit(get_agent_job::handle),
        Op::GetAgentStatus => visitor.visit(get_agent_status::handle),
        Op::GetWebhook => visitor.visit(get_webhook::handle),
        Op::SetWebhook => visitor.visit(set_webhook::handle),
        Op::RotateWebhookSecret => visitor.visit(rotate_webhook_secret::handle),
        Op::ListWebhookDeliveries => visitor.visit(list_webhook_deliveries::handle),
        Op::RedeliverWebhook => visitor.visit(redeliver_webhook::handle),
        Op::ListSchoolApps => visitor.visit(school_portal::list_apps),
        Op::GetSchoolApp => visitor.visit(school_portal::get_app),
        Op::UpdateSchoolAppSettings => visitor.visit(school_portal::update_settings),
        Op::SchoolRevokeAccess => visitor.visit(school_portal::revoke),
        Op::SchoolCancelRevocation => visitor.visit(school_portal::cancel_revocation),
        Op::SchoolAuthoriseApp => visitor.visit(school_portal::authorise),
        Op::SchoolDeclineRequest => visitor.visit(school_portal::decline),
        Op::SearchSchoolPeople => visitor.visit(school_portal::search_people),
        Op::SetPersonChoice => visitor.visit(school_portal::set_person_choice),
        Op::SearchSchoolPersons => visitor.visit(person_requests::search),
        Op::GetSchoolPerson => visitor.visit(person_requests::detail),
        Op::ExportSchoolPerson => visitor.visit(person_requests::export),
        Op::ExcludeSchoolPerson => visitor.visit(person_requests::exclude),
        Op::EraseSchoolPerson => visitor.visit(person_requests::erase),
        Op::DownloadSchoolReceipt => visitor.visit(school_portal::school_receipt),
        Op::DownloadPartnerReceipt => visitor.visit(school_portal::partner_receipt),
        Op::ListSchoolTeam => visitor.visit(school_portal::list_team),
        Op::AddSchoolColleague => visitor.visit(school_portal::add_colleague),
        Op::RemoveSchoolColleague => visitor.visit(school_portal::remove_colleague),
        Op::GetSchoolOnboarding => visitor.visit(school_portal::get_onboarding),
        Op::BookInstallSlot => visitor.visit(school_portal::book_slot),
        Op::StartSelfInstall => visitor.visit(school_portal::self_install),
        Op::ExplainSchoolPerson => visitor.visit(portal_data::explain_for_school),
        Op::ExplainPartnerSchoolPerson => visitor.visit(portal_data::explain_for_partner),
        Op::GetSchoolFeed => visitor.visit(portal_data::school_feed),
        Op::GetSchoolHeldExtract => visitor.visit(portal_data::school_held),
        Op::GetSchoolJob => visitor.visit(portal_data::school_job),
        Op::GetOpsJob => visitor.visit(portal_data::ops_job),
        Op::ReleaseSchoolHeldExtract => visitor.visit(portal_data::school_release),
        Op::RejectSchoolHeldExtract => visitor.visit(portal_data::school_reject),
        Op::GetOpsHeldExtract => visitor.visit(portal_data::ops_held),
        Op::ReleaseOpsHeldExtract => visitor.visit(portal_data::ops_release),
        Op::RejectOpsHeldExtract => visitor.visit(portal_data::ops_reject),
        Op::ListPartnerCases => visitor.visit(cases::list),
        Op::OpenCase => visitor.visit(cases::open),
        Op::GetPartnerCase => visitor.visit(cases::get),
        Op::CommentOnCase => visitor.visit(cases::comment),
        Op::EscalateCase => visitor.visit(cases::escalate),
        Op::ClosePartnerCase => visitor.visit(cases::close),
        Op::ReopenCase => visitor.visit(cases::reopen),
        Op::ListMisRetention => visitor.visit(ops_retention::list),
        Op::ListPartners => visitor.visit(ops_partners::list),
        Op::CreatePartner => visitor.visit(ops_partners::create),
        Op::AuditAuthorisationLogs => visitor.visit(audit_authorisation_logs::handle),
        Op::ImportDirectory => visitor.visit(ops_directory::import),
        Op::SearchOpsDirectory => visitor.visit(ops_directory::search),
        Op::UpdateDirectorySchool => visitor.visit(ops_directory::update),
        Op::RequestInternationalSchool => visitor.visit(international_requests::submit),
        Op::ListPartnerInternationalRequests => visitor.visit(international_requests::list_mine),
        Op::ListInternationalRequests => visitor.visit(international_requests::queue),
        Op::AcceptInternationalRequest => visitor.visit(international_requests::accept),
        Op::DeclineInternationalRequest => visitor.visit(international_requests::decline),
        Op::ListSupportQueue => visitor.visit(support_cases::queue),
        Op::GetSupportCase => visitor.visit(support_cases::get),
        Op::ReplyToCase => visitor.visit(support_cases::reply),
        Op::CloseSupportCase => visitor.visit(support_cases::close),
        Op::ReassignCase => visitor.visit(support_cases::reassign),
        Op::ListInstallSlots => visitor.visit(ops_bookings::list_slots),
        Op::OfferInstallSlots => visitor.visit(ops_bookings::offer_slots),
        Op::ListInstallBookings => visitor.visit(ops_bookings::list_bookings),
        Op::MarkInstalled => visitor.visit(ops_bookings::mark_installed),
        Op::ListAuthorityVerifications => visitor.visit(authority_verifications::list),
        Op::DecideAuthorityVerification => visitor.visit(authority_verifications::decide),
    }
}
