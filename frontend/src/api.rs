//! The only module that calls the API, through one generic [`call`]: each operation's marker in
//! `gatehouse_model::endpoint` names its path, method, body, query and answer, so a path or a type
//! changes in one place, and every failure becomes an `ApiError` whose text is the problem's
//! `detail`, ready to show to a person. The functions left here do more than call: pick the
//! operation for a portal or a command, or build a link the browser follows itself.

use std::fmt;

use gatehouse_model::{
    AccountKind, ActionOutcome, AppQuery, EmailAddress, Endpoint, InvalidValue, InviteRequest, ListSchoolsQuery,
    MagicLinkAccepted, MagicLinkRequest, Method, NoBody, NoQuery, Op, PriorityRequest, Problem, ProblemCode, ROUTES,
    RevokeRequest, SchoolPage, SessionRequest, endpoint,
};
use gloo_net::http::{Method as HttpMethod, Request, RequestBuilder};
use leptos::prelude::{Get, LocalResource, Memo, RwSignal, Set};
use serde::de::DeserializeOwned;

use crate::app::path_param;
use crate::school_query;

mod apps;
pub use apps::*;
mod cases;
pub use cases::*;
mod console;
pub use console::*;
mod jobs;
pub use jobs::*;
mod school;
pub use school::*;
mod portal_data;
pub use portal_data::*;

/// Why a call failed, in terms a screen can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The API answered with an `application/problem+json` body (boxed: a
    /// result carries its error inline, and a problem is several strings).
    Problem(Box<Problem>),
    /// The request never got an answer: offline, or the server is down.
    Unreachable,
    /// Something answered, but not with what the API sends (a proxy's error page, say).
    Unexpected { status: u16 },
}

impl ApiError {
    /// The session is missing or over: the screen should send the user to sign in.
    pub fn requires_sign_in(&self) -> bool {
        matches!(self, ApiError::Problem(problem) if problem.status == 401)
    }

    /// The request field the problem is about (`note`, `new_contact.email`), when it names one.
    pub fn field(&self) -> Option<&str> {
        match self {
            ApiError::Problem(problem) => problem.field.as_deref(),
            ApiError::Unreachable | ApiError::Unexpected { .. } => None,
        }
    }

    /// The problem's stable `code` (`already_invited`, `invitation_expired`), when the API sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Problem(problem) => Some(problem.code.as_str()),
            ApiError::Unreachable | ApiError::Unexpected { .. } => None,
        }
    }

    /// The HTTP status of a problem or an unexpected answer; `None` when nothing answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Problem(problem) => Some(problem.status),
            ApiError::Unexpected { status } => Some(*status),
            ApiError::Unreachable => None,
        }
    }

    /// The id support uses to find the request's log lines, when the API gave one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            ApiError::Problem(problem) => problem.request_id.as_deref(),
            ApiError::Unreachable | ApiError::Unexpected { .. } => None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Problem(problem) => f.write_str(&problem.detail),
            ApiError::Unreachable => {
                f.write_str("Gatehouse could not be reached. Check your connection and try again.")
            }
            ApiError::Unexpected { status } => {
                write!(f, "Gatehouse gave an unexpected answer (HTTP {status}). Please try again in a moment.")
            }
        }
    }
}

impl std::error::Error for ApiError {}

/// Calls `E`: its path's `{name}` parameters filled from `path` (escaped), `query` as its query
/// string, and for a POST `body` as JSON. The answer is `E`'s own type, or an `ApiError`. Built at
/// once, so the future borrows nothing; operations that take an `Idempotency-Key` go through
/// [`call_with_key`] instead, so no send of theirs goes without one.
pub fn call<E: Endpoint>(
    path: &[(&str, &str)],
    query: &E::Query,
    body: &E::Body,
) -> impl Future<Output = Result<E::Response, ApiError>> + use<E> {
    const { assert!(!E::IDEMPOTENCY_KEY, "this operation takes an Idempotency-Key: use call_with_key") };
    fetch::<E>(url::<E>(path, query), body, None)
}

/// Calls `E`, which takes no parameters, into a signal: `None` while it loads, then the answer.
/// The screen may set the signal itself, as when a change answers with the new state.
pub fn load<E>() -> RwSignal<Option<Result<E::Response, ApiError>>>
where
    E: Endpoint<Query = NoQuery, Body = NoBody>,
    E::Response: Send + Sync + 'static,
{
    let answer = RwSignal::new(None);
    leptos::task::spawn_local(async move { answer.set(Some(call::<E>(&[], &NoQuery, &NoBody).await)) });
    answer
}

/// Calls `E` for the record the page's address names, again whenever the address changes: `E`'s
/// path parameter `param` is the route's parameter of the same name (`/school/apps/:app_id`).
/// Returns that parameter too, for the screen's commands on the record.
pub fn load_named<E>(param: &'static str) -> (Memo<String>, LocalResource<Result<E::Response, ApiError>>)
where
    E: Endpoint<Query = NoQuery, Body = NoBody> + 'static,
    E::Response: 'static,
{
    let id = path_param(param);
    (id, LocalResource::new(move || call::<E>(&[(param, &id.get())], &NoQuery, &NoBody)))
}

/// As [`call`], for an operation that takes an `Idempotency-Key`: `key` is made when the form
/// opens, so a double click or a retry of the same send does its work once.
pub fn call_with_key<E: Endpoint>(
    key: &str,
    path: &[(&str, &str)],
    query: &E::Query,
    body: &E::Body,
) -> impl Future<Output = Result<E::Response, ApiError>> + use<E> {
    const { assert!(E::IDEMPOTENCY_KEY, "this operation takes no Idempotency-Key: use call") };
    fetch::<E>(url::<E>(path, query), body, Some(key))
}

/// Where `E` answers: its path with the parameters filled in, then `query`. For the links the
/// browser follows itself (a receipt file), and for every call.
pub fn url<E: Endpoint>(path: &[(&str, &str)], query: &E::Query) -> String {
    address::<E>(path, school_query::encode(query))
}

/// `E`'s path with its parameters filled in, then `query` when there is one.
fn address<E: Endpoint>(path: &[(&str, &str)], query: String) -> String {
    let path = path_of(const { route_of(E::OP) }.1, path);
    if query.is_empty() { path } else { format!("{path}?{query}") }
}

/// A value refused before it is sent, as the API would refuse it (the same
/// rule, from `model`), so the page shows it the same way.
pub fn refused_here(invalid: InvalidValue) -> ApiError {
    let code = ProblemCode::Invalid;
    ApiError::Problem(Box::new(Problem {
        problem_type: format!("/problems/{}", code.as_str()),
        title: code.title().to_owned(),
        status: code.status(),
        detail: invalid.sentence(),
        code: code.as_str().to_owned(),
        field: Some(invalid.field.to_owned()),
        request_id: None,
    }))
}

/// `POST` the address; the answer is the same whether or not it has an account.
pub async fn request_magic_link(kind: AccountKind, email: String) -> Result<MagicLinkAccepted, ApiError> {
    let body = MagicLinkRequest { email: EmailAddress::parse(&email).map_err(refused_here)? };
    match kind {
        AccountKind::Partner => call::<endpoint::RequestMagicLink>(&[], &NoQuery, &body).await,
        AccountKind::School => call::<endpoint::RequestSchoolMagicLink>(&[], &NoQuery, &body).await,
        AccountKind::Ops => call::<endpoint::RequestOpsMagicLink>(&[], &NoQuery, &body).await,
    }
}

/// Trades a sign-in token (from the link) for a session cookie of `kind` (set by the server,
/// HttpOnly); the pages only need to know it worked.
pub async fn start_session(kind: AccountKind, token: String) -> Result<(), ApiError> {
    let body = SessionRequest { token };
    match kind {
        AccountKind::Partner => call::<endpoint::CreateSession>(&[], &NoQuery, &body).await.map(drop),
        AccountKind::School => call::<endpoint::CreateSchoolSession>(&[], &NoQuery, &body).await.map(drop),
        AccountKind::Ops => call::<endpoint::CreateOpsSession>(&[], &NoQuery, &body).await.map(drop),
    }
}

/// Ends the session of `kind` (each portal signs out on its own).
pub async fn logout_as(kind: AccountKind) -> Result<(), ApiError> {
    let signed_out = match kind {
        AccountKind::Partner => call::<endpoint::Logout>(&[], &NoQuery, &NoBody).await,
        AccountKind::School => call::<endpoint::SchoolLogout>(&[], &NoQuery, &NoBody).await,
        AccountKind::Ops => call::<endpoint::OpsLogout>(&[], &NoQuery, &NoBody).await,
    };
    signed_out.map(drop)
}

/// One page of a school list, asked for as its address spells it: search text trimmed, blank
/// and unreadable values left out (`school_query`).
pub async fn list_schools(query: ListSchoolsQuery) -> Result<SchoolPage, ApiError> {
    type E = endpoint::ListPartnerSchools;
    fetch::<E>(address::<E>(&[], school_query::api_query_string(&query)), &NoBody, None).await
}

/// `?app=` on a school's routes: the school's link in `app` (the partner's first app when `None`
/// or blank).
pub fn app_query(app: Option<&str>) -> AppQuery {
    AppQuery { app: app.filter(|app| !app.is_empty()).map(str::to_owned) }
}

/// Something done to a school from its tile (P6), with the body its route takes.
#[derive(Debug, Clone, PartialEq)]
pub enum SchoolCommand {
    Revoke(RevokeRequest),
    CancelRevocation,
    Priority(bool),
    CancelInvite,
    /// `key` is the `Idempotency-Key`: made when the form opens, so a double click or a retry
    /// of the same send emails the school once.
    ResendInvite {
        request: InviteRequest,
        key: String,
    },
    Reinvite {
        request: InviteRequest,
        key: String,
    },
}

/// Runs `command` on a school; the answer says what happened and carries the tile afterwards.
pub async fn act_on_school(
    school_id: &str,
    app: Option<&str>,
    command: SchoolCommand,
) -> Result<ActionOutcome, ApiError> {
    let path = [("school_id", school_id)];
    let query = app_query(app);
    match &command {
        SchoolCommand::Revoke(body) => call::<endpoint::RevokeSchoolAccess>(&path, &query, body).await,
        SchoolCommand::CancelRevocation => call::<endpoint::CancelRevocation>(&path, &query, &NoBody).await,
        SchoolCommand::Priority(priority) => {
            call::<endpoint::SetSchoolPriority>(&path, &query, &PriorityRequest { priority: *priority }).await
        }
        SchoolCommand::CancelInvite => call::<endpoint::CancelInvitation>(&path, &query, &NoBody).await,
        SchoolCommand::ResendInvite { request, key } => {
            call_with_key::<endpoint::ResendInvitation>(key, &path, &query, request).await
        }
        SchoolCommand::Reinvite { request, key } => {
            call_with_key::<endpoint::ReinviteSchool>(key, &path, &query, request).await
        }
    }
}

/// A fresh `Idempotency-Key`: a random UUID (version 4) from the browser's CSPRNG.
/// `getRandomValues` rather than `randomUUID`, which only exists on HTTPS pages and localhost.
pub fn idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|window| window.crypto().ok())
        .and_then(|crypto| crypto.get_random_values_with_u8_array(&mut bytes).ok());
    if filled.is_none() {
        // Without a CSPRNG the key is still unique enough to tell two sends apart.
        let now = web_sys::js_sys::Date::now().to_bits().to_be_bytes();
        let noise = web_sys::js_sys::Math::random().to_bits().to_be_bytes();
        bytes[..8].copy_from_slice(&now);
        bytes[8..].copy_from_slice(&noise);
    }
    uuid_v4(bytes)
}

fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// Where "Export CSV" points: the export route with the list's view, search, filters and sort,
/// so the file holds exactly the rows on screen, over every page. A plain link rather than a
/// fetch, so the browser saves the file itself under the name the server gives it.
pub fn export_url(query: &ListSchoolsQuery) -> String {
    address::<endpoint::ExportPartnerSchools>(&[], school_query::export_query_string(query))
}

/// Where the school downloads the receipt of log entry `seq` (a plain link: the browser saves it).
pub fn school_receipt_url(app_id: &str, seq: u32) -> String {
    url::<endpoint::DownloadSchoolReceipt>(&[("app_id", app_id), ("seq", &seq.to_string())], &NoQuery)
}

/// Where the partner downloads the receipt of log entry `seq` of a school in `app_id`.
pub fn partner_receipt_url(school_id: &str, app_id: &str, seq: u32) -> String {
    let path = [("school_id", school_id), ("seq", &seq.to_string())];
    url::<endpoint::DownloadPartnerReceipt>(&path, &app_query(Some(app_id)))
}

/// A path parameter with everything but RFC 3986's unreserved characters escaped, so `/` or `?`
/// in an id stays inside its segment. Written out here because the router's encoder calls into
/// JavaScript, which unit tests on the host cannot.
fn percent_encoded(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Sends `body` (as JSON, for a POST) to `url` with `E`'s method.
fn fetch<E: Endpoint>(
    url: String,
    body: &E::Body,
    key: Option<&str>,
) -> impl Future<Output = Result<E::Response, ApiError>> + use<E> {
    let builder = request::<E>(&url, key);
    let request = match const { route_of(E::OP) }.0 {
        Method::Get => builder.build(),
        Method::Post => builder.json(body),
    };
    async move { decode(send(request).await?) }
}

/// A request to `url` with `E`'s method, asking for JSON. Same-origin, so the browser sends the
/// session cookie without any credentials option.
fn request<E: Endpoint>(url: &str, key: Option<&str>) -> RequestBuilder {
    let method = match const { route_of(E::OP) }.0 {
        Method::Get => HttpMethod::GET,
        Method::Post => HttpMethod::POST,
    };
    let builder =
        RequestBuilder::new(url).method(method).header("Accept", "application/json, application/problem+json");
    match key {
        Some(key) => builder.header("Idempotency-Key", key),
        None => builder,
    }
}

/// `op`'s method and path, looked up while compiling (`const { route_of(E::OP) }`): looking up
/// at run time, as `Op::route` does, links the whole route table into every bundle, each
/// operation's OpenAPI texts included (#14).
const fn route_of(op: Op) -> (Method, &'static str) {
    let mut index = 0;
    while index < ROUTES.len() {
        let route = &ROUTES[index];
        if route.op as usize == op as usize {
            return (route.method, route.path);
        }
        index += 1;
    }
    panic!("every Op has a row in ROUTES")
}

/// A route's path with each `{name}` replaced by its value, escaped, so an id can never step
/// into another path segment.
fn path_of(route: &str, params: &[(&str, &str)]) -> String {
    params
        .iter()
        .fold(route.to_owned(), |path, (name, value)| path.replace(&format!("{{{name}}}"), &percent_encoded(value)))
}

/// A successful answer, not yet read as its operation's type.
struct Answer {
    status: u16,
    text: String,
}

/// Sends `request` and reads the answer. Not generic, and so in the wasm once: each operation's
/// call adds only reading its own JSON (`decode`) to it (#14).
async fn send(request: Result<Request, gloo_net::Error>) -> Result<Answer, ApiError> {
    let response = request.map_err(|_| ApiError::Unreachable)?.send().await.map_err(|_| ApiError::Unreachable)?;
    let status = response.status();
    if !response.ok() {
        return Err(match response.json::<Problem>().await {
            Ok(problem) => ApiError::Problem(Box::new(problem)),
            Err(_) => ApiError::Unexpected { status },
        });
    }
    let text = response.text().await.map_err(|_| ApiError::Unexpected { status })?;
    Ok(Answer { status, text })
}

/// The answer's JSON as `T`. An empty body (a 204) reads as `null`, which is what `NoContent` is.
fn decode<T: DeserializeOwned>(Answer { status, text }: Answer) -> Result<T, ApiError> {
    serde_json::from_str(if text.is_empty() { "null" } else { &text }).map_err(|_| ApiError::Unexpected { status })
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_model::{InvitationStatus, SchoolView, SortColumn, SortDirection};

    fn problem(status: u16, detail: &str) -> Problem {
        Problem {
            problem_type: "/problems/test".to_owned(),
            title: "Test".to_owned(),
            status,
            detail: detail.to_owned(),
            code: "test".to_owned(),
            field: None,
            request_id: Some("req-1".to_owned()),
        }
    }

    #[test]
    fn a_problem_reads_as_its_detail() {
        let error = ApiError::Problem(Box::new(problem(410, "This link has expired.")));
        assert_eq!(error.to_string(), "This link has expired.");
        assert_eq!(error.request_id(), Some("req-1"));
    }

    #[test]
    fn only_a_401_problem_sends_the_user_to_sign_in() {
        assert!(ApiError::Problem(Box::new(problem(401, "Sign in"))).requires_sign_in());
        assert!(!ApiError::Problem(Box::new(problem(403, "No"))).requires_sign_in());
        assert!(!ApiError::Unexpected { status: 401 }.requires_sign_in());
    }

    #[test]
    fn export_url_asks_for_the_whole_list_as_shown_on_the_export_route() {
        let query = ListSchoolsQuery {
            view: SchoolView::Pending,
            page: Some(2),
            page_size: Some(50),
            q: Some("St Mary's & Co".to_owned()),
            priority: Some(true),
            invitation: Some(InvitationStatus::ReadyToAuthorise),
            sort: Some(SortColumn::DateInvited),
            dir: Some(SortDirection::Desc),
            ..Default::default()
        };
        assert_eq!(
            export_url(&query),
            "/api/partner/schools/export?view=pending&q=St+Mary%27s+%26+Co&priority=true\
             &invitation=Ready+to+Authorise&sort=date_invited&dir=desc"
        );
    }

    #[test]
    fn export_url_of_an_unfiltered_list_names_only_the_view() {
        let query = ListSchoolsQuery { view: SchoolView::Revoked, page: Some(3), ..Default::default() };
        assert_eq!(export_url(&query), "/api/partner/schools/export?view=revoked");
    }

    #[test]
    fn idempotency_keys_look_like_version_4_uuids() {
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
        assert_eq!(uuid_v4([0xff; 16]), "ffffffff-ffff-4fff-bfff-ffffffffffff");
    }

    #[test]
    fn paths_fill_in_their_parameters_escaped() {
        assert_eq!(
            path_of(route_of(Op::GetPartnerSchool).1, &[("school_id", "3280001")]),
            "/api/partner/schools/3280001"
        );
        assert_eq!(
            path_of(route_of(Op::RevokeSchoolAccess).1, &[("school_id", "../team")]),
            "/api/partner/schools/..%2Fteam/revoke"
        );
        assert_eq!(
            path_of(route_of(Op::UpdatePermissionSet).1, &[("app_id", "demo-app")]),
            "/api/partner/apps/demo-app/permissions"
        );
    }

    #[test]
    fn key_routes_name_the_app_and_the_key() {
        assert_eq!(path_of(route_of(Op::ListAppKeys).1, &[("app_id", "demo-app")]), "/api/partner/apps/demo-app/keys");
        assert_eq!(path_of(route_of(Op::CreateAppKey).1, &[("app_id", "demo-app")]), "/api/partner/apps/demo-app/keys");
        assert_eq!(
            path_of(route_of(Op::RevokeAppKey).1, &[("app_id", "demo-app"), ("key_id", "0a1b2c3d4e5f")]),
            "/api/partner/apps/demo-app/keys/0a1b2c3d4e5f/revoke"
        );
        assert_eq!(route_of(Op::CreateAppKey).0, Method::Post);
        assert_eq!(route_of(Op::RevokeAppKey).0, Method::Post);
    }

    #[test]
    fn a_school_route_names_the_app_only_when_the_list_does() {
        let path = [("school_id", "3280001")];
        assert_eq!(
            url::<endpoint::CancelInvitation>(&path, &app_query(Some("app-1"))),
            "/api/partner/schools/3280001/cancel-invite?app=app-1"
        );
        assert_eq!(
            url::<endpoint::ResendInvitation>(&path, &app_query(Some(""))),
            "/api/partner/schools/3280001/resend-invite"
        );
        assert_eq!(url::<endpoint::GetPartnerSchool>(&path, &app_query(None)), "/api/partner/schools/3280001");
    }

    #[test]
    fn queries_are_their_types_encoded_and_nothing_when_there_is_none() {
        let query = gatehouse_model::SupportQueueQuery {
            filter: Some(gatehouse_model::QueueFilter::AwaitingSupport),
            cursor: Some("c 1/2".to_owned()),
            limit: None,
        };
        assert_eq!(
            url::<endpoint::ListSupportQueue>(&[], &query),
            "/api/ops/cases?filter=awaiting_support&cursor=c+1%2F2"
        );
        assert_eq!(url::<endpoint::ListInstallSlots>(&[], &NoQuery), "/api/ops/install-slots");
        assert_eq!(
            url::<endpoint::DownloadSchoolReceipt>(&[("app_id", "demo-app"), ("seq", "3")], &NoQuery),
            "/api/school/apps/demo-app/receipts/3"
        );
    }

    #[test]
    fn percent_encoding_leaves_only_unreserved_characters() {
        assert_eq!(percent_encoded("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(percent_encoded("Not Installed"), "Not%20Installed");
        assert_eq!(percent_encoded("50%+ é/?#="), "50%25%2B%20%C3%A9%2F%3F%23%3D");
    }
}
