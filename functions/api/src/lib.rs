//! The HTTP edge: one axum handler per operation in `ops/`, mounted from the
//! route table. A Lambda binary serves `router_for(op)`, the local server
//! serves `router()`: the same handlers and path matching in both places.

mod agent_auth;
mod csv_export;
pub mod edge;
mod extract;
mod openapi;
mod ops;
mod problem;
mod session;
mod telemetry;
mod webhook_sender;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodFilter, MethodRouter, on};
use gatehouse_core::Gatehouse;
use gatehouse_model::{Method, Op, ROUTES, Route};

pub use extract::ClientIp;
pub use openapi::openapi_document;
pub use problem::ApiError;
pub use session::{CookiePolicy, SESSION_COOKIE};
pub use webhook_sender::HttpWebhookSender;

/// The largest extract an agent may push in one request.
pub const EXTRACT_BYTES: usize = 6 * 1024 * 1024;

/// What every handler gets: the domain and the cookie policy.
#[derive(Clone)]
pub struct AppState {
    pub gatehouse: Gatehouse,
    pub cookies: CookiePolicy,
    /// Sends webhooks (A4: Redeliver).
    pub webhooks: std::sync::Arc<dyn gatehouse_core::ports::WebhookSender>,
}

impl AppState {
    fn new(gatehouse: Gatehouse) -> Self {
        let cookies = CookiePolicy::for_public_url(&gatehouse.settings.public_url);
        // Builds only a rustls client with bundled roots: failing here is a
        // broken build, better found at cold start than at first Redeliver.
        let webhooks = std::sync::Arc::new(
            HttpWebhookSender::for_settings(&gatehouse.settings).expect("the webhook HTTP client builds"),
        );
        AppState { gatehouse, cookies, webhooks }
    }
}

/// Every operation: the local server and the API tests.
pub fn router(gatehouse: Gatehouse) -> Router {
    let mut paths: Vec<&'static str> = ROUTES.iter().map(|route| route.path).collect();
    paths.dedup();
    let routes = paths.into_iter().fold(Router::new(), |router, path| {
        let at_path: Vec<&'static Route> = ROUTES.iter().filter(|route| route.path == path).collect();
        router.route(path, path_router(&at_path))
    });
    finish(routes, gatehouse)
}

/// One operation: what a Lambda function serves.
pub fn router_for(op: Op, gatehouse: Gatehouse) -> Router {
    let route = op.route();
    finish(Router::new().route(route.path, path_router(&[route])), gatehouse)
}

/// Every method at one path, each in its own span; another method gets a
/// 405 problem (inside the first route's span, so it carries a request id).
fn path_router(routes: &[&'static Route]) -> MethodRouter<AppState> {
    let not_allowed = telemetry::named(MethodRouter::new().fallback(problem::method_not_allowed), routes[0]);
    routes.iter().fold(not_allowed, |router, route| router.merge(method_router(route)))
}

/// Unknown paths under `/api` get a problem, not the SPA's `index.html`; a
/// catch-all route rather than a fallback, so the local server can still put
/// the SPA behind everything else.
fn finish(routes: Router<AppState>, gatehouse: Gatehouse) -> Router {
    let routes = routes.route("/api/{*unknown}", axum::routing::any(problem::no_such_route));
    let origin = edge::OriginSecret::new(gatehouse.settings.origin_secret.as_deref());
    let routes = routes
        .with_state(AppState::new(gatehouse.clone()))
        .layer(axum::middleware::from_fn_with_state(gatehouse, deliver_outbox))
        .layer(axum::middleware::from_fn(extract::check_path))
        .layer(axum::middleware::from_fn_with_state(origin, edge::require_origin))
        .layer(axum::middleware::from_fn(edge::security_headers));
    telemetry::layer(routes)
}

/// After every write, sends what an earlier attempt committed and could not
/// send (issue 18, `gatehouse_core::outbox`): the retry of a done change
/// changes nothing, so this is how its receipt or event still goes out,
/// once. Never changes the answer; what fails to go waits for the next write.
async fn deliver_outbox(
    axum::extract::State(gatehouse): axum::extract::State<Gatehouse>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let write = request.method() == axum::http::Method::POST;
    let response = next.run(request).await;
    if write {
        gatehouse_core::outbox::deliver_or_log(&gatehouse).await;
    }
    response
}

/// The handler of a route, behind its method and its span.
fn method_router(route: &'static Route) -> MethodRouter<AppState> {
    let filter = match route.method {
        Method::Get => MethodFilter::GET,
        Method::Post => MethodFilter::POST,
    };
    let handler = match route.op {
        Op::Health => on(filter, ops::health::handle),
        Op::OpenApi => on(filter, ops::openapi::handle),
        Op::RequestMagicLink => on(filter, ops::request_magic_link::handle),
        Op::CreateSession => on(filter, ops::create_session::handle),
        Op::Logout => on(filter, ops::logout::handle),
        Op::GetMe => on(filter, ops::get_me::handle),
        Op::RequestSchoolMagicLink => on(filter, ops::request_school_magic_link::handle),
        Op::CreateSchoolSession => on(filter, ops::create_school_session::handle),
        Op::SchoolLogout => on(filter, ops::school_logout::handle),
        Op::GetSchoolMe => on(filter, ops::get_school_me::handle),
        Op::RequestOpsMagicLink => on(filter, ops::request_ops_magic_link::handle),
        Op::CreateOpsSession => on(filter, ops::create_ops_session::handle),
        Op::OpsLogout => on(filter, ops::ops_logout::handle),
        Op::GetOpsMe => on(filter, ops::get_ops_me::handle),
        Op::IssueAgentKey => on(filter, ops::issue_agent_key::handle),
        Op::ListPartnerSchools => on(filter, ops::list_partner_schools::handle),
        Op::ExportPartnerSchools => on(filter, ops::export_partner_schools::handle),
        Op::GetPartnerSchool => on(filter, ops::get_partner_school::handle),
        Op::RevokeSchoolAccess => on(filter, ops::revoke_school_access::handle),
        Op::CancelRevocation => on(filter, ops::cancel_revocation::handle),
        Op::SetSchoolPriority => on(filter, ops::set_school_priority::handle),
        Op::CancelInvitation => on(filter, ops::cancel_invitation::handle),
        Op::ResendInvitation => on(filter, ops::resend_invitation::handle),
        Op::ReinviteSchool => on(filter, ops::reinvite_school::handle),
        Op::GetPermissionSet => on(filter, ops::get_permission_set::handle),
        Op::UpdatePermissionSet => on(filter, ops::update_permission_set::handle),
        Op::ListTeam => on(filter, ops::list_team::handle),
        Op::AddTeamMember => on(filter, ops::add_team_member::handle),
        Op::RemoveTeamMember => on(filter, ops::remove_team_member::handle),
        Op::OpenInvitation => on(filter, ops::open_invitation::handle),
        Op::ForwardInvitation => on(filter, ops::forward_invitation::handle),
        Op::AuthoriseInvitation => on(filter, ops::authorise_invitation::handle),
        Op::SearchDirectory => on(filter, ops::search_directory::handle),
        Op::InviteSchool => on(filter, ops::invite_school::handle),
        Op::ListAppKeys => on(filter, ops::list_app_keys::handle),
        Op::CreateAppKey => on(filter, ops::create_app_key::handle),
        Op::RevokeAppKey => on(filter, ops::revoke_app_key::handle),
        Op::InviteSchoolByApi => on(filter, ops::invite_school_by_api::handle),
        Op::ListAppSchools => on(filter, ops::list_app_schools::handle),
        Op::GetSchoolStatus => on(filter, ops::get_school_status::handle),
        Op::ListStudents => on(filter, ops::list_students::handle),
        Op::GetStudent => on(filter, ops::get_student::handle),
        Op::ListStaff => on(filter, ops::list_staff::handle),
        Op::ListContacts => on(filter, ops::list_contacts::handle),
        Op::ListGroups => on(filter, ops::list_groups::handle),
        Op::ExplainPerson => on(filter, ops::explain_person::handle),
        // An extract is a few MB of JSON, more than axum's 2 MB default
        // (API Gateway's own limit for a Lambda is 6 MB).
        Op::PushExtract => on(filter, ops::push_extract::handle).layer(DefaultBodyLimit::max(EXTRACT_BYTES)),
        Op::GetAgentStatus => on(filter, ops::get_agent_status::handle),
        Op::GetWebhook => on(filter, ops::get_webhook::handle),
        Op::SetWebhook => on(filter, ops::set_webhook::handle),
        Op::RotateWebhookSecret => on(filter, ops::rotate_webhook_secret::handle),
        Op::ListWebhookDeliveries => on(filter, ops::list_webhook_deliveries::handle),
        Op::RedeliverWebhook => on(filter, ops::redeliver_webhook::handle),
        Op::ListSchoolApps => on(filter, ops::school_portal::list_apps),
        Op::GetSchoolApp => on(filter, ops::school_portal::get_app),
        Op::UpdateSchoolAppSettings => on(filter, ops::school_portal::update_settings),
        Op::SchoolRevokeAccess => on(filter, ops::school_portal::revoke),
        Op::SchoolCancelRevocation => on(filter, ops::school_portal::cancel_revocation),
        Op::SchoolAuthoriseApp => on(filter, ops::school_portal::authorise),
        Op::SchoolDeclineRequest => on(filter, ops::school_portal::decline),
        Op::SearchSchoolPeople => on(filter, ops::school_portal::search_people),
        Op::SetPersonChoice => on(filter, ops::school_portal::set_person_choice),
        Op::DownloadSchoolReceipt => on(filter, ops::school_portal::school_receipt),
        Op::DownloadPartnerReceipt => on(filter, ops::school_portal::partner_receipt),
        Op::ListSchoolTeam => on(filter, ops::school_portal::list_team),
        Op::AddSchoolColleague => on(filter, ops::school_portal::add_colleague),
        Op::RemoveSchoolColleague => on(filter, ops::school_portal::remove_colleague),
        Op::GetSchoolOnboarding => on(filter, ops::school_portal::get_onboarding),
        Op::BookInstallSlot => on(filter, ops::school_portal::book_slot),
        Op::StartSelfInstall => on(filter, ops::school_portal::self_install),
        Op::ExplainSchoolPerson => on(filter, ops::portal_data::explain_for_school),
        Op::ExplainPartnerSchoolPerson => on(filter, ops::portal_data::explain_for_partner),
        Op::GetSchoolFeed => on(filter, ops::portal_data::school_feed),
        Op::GetSchoolHeldExtract => on(filter, ops::portal_data::school_held),
        Op::ReleaseSchoolHeldExtract => on(filter, ops::portal_data::school_release),
        Op::RejectSchoolHeldExtract => on(filter, ops::portal_data::school_reject),
        Op::GetOpsHeldExtract => on(filter, ops::portal_data::ops_held),
        Op::ReleaseOpsHeldExtract => on(filter, ops::portal_data::ops_release),
        Op::RejectOpsHeldExtract => on(filter, ops::portal_data::ops_reject),
        Op::ListPartnerCases => on(filter, ops::cases::list),
        Op::OpenCase => on(filter, ops::cases::open),
        Op::GetPartnerCase => on(filter, ops::cases::get),
        Op::CommentOnCase => on(filter, ops::cases::comment),
        Op::EscalateCase => on(filter, ops::cases::escalate),
        Op::ClosePartnerCase => on(filter, ops::cases::close),
        Op::ReopenCase => on(filter, ops::cases::reopen),
        Op::ListPartners => on(filter, ops::ops_partners::list),
        Op::CreatePartner => on(filter, ops::ops_partners::create),
        Op::ImportDirectory => on(filter, ops::ops_directory::import),
        Op::SearchOpsDirectory => on(filter, ops::ops_directory::search),
        Op::UpdateDirectorySchool => on(filter, ops::ops_directory::update),
        Op::RequestInternationalSchool => on(filter, ops::international_requests::submit),
        Op::ListPartnerInternationalRequests => on(filter, ops::international_requests::list_mine),
        Op::ListInternationalRequests => on(filter, ops::international_requests::queue),
        Op::AcceptInternationalRequest => on(filter, ops::international_requests::accept),
        Op::DeclineInternationalRequest => on(filter, ops::international_requests::decline),
        Op::ListSupportQueue => on(filter, ops::support_cases::queue),
        Op::GetSupportCase => on(filter, ops::support_cases::get),
        Op::ReplyToCase => on(filter, ops::support_cases::reply),
        Op::CloseSupportCase => on(filter, ops::support_cases::close),
        Op::ReassignCase => on(filter, ops::support_cases::reassign),
        Op::ListInstallSlots => on(filter, ops::ops_bookings::list_slots),
        Op::OfferInstallSlots => on(filter, ops::ops_bookings::offer_slots),
        Op::ListInstallBookings => on(filter, ops::ops_bookings::list_bookings),
        Op::MarkInstalled => on(filter, ops::ops_bookings::mark_installed),
        Op::ListAuthorityVerifications => on(filter, ops::authority_verifications::list),
        Op::DecideAuthorityVerification => on(filter, ops::authority_verifications::decide),
    };
    telemetry::named(handler, route)
}
