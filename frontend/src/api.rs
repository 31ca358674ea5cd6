//! The only module that calls the API. Every URL is built from `gatehouse_model::ROUTES`, so a
//! path or method changes in one place, and every failure becomes an `ApiError` whose text is the
//! problem's `detail`, ready to show to a person.

use std::fmt;

use gatehouse_model::{AccountKind, OpsMe, SchoolMe};
use gatehouse_model::{
    ActionOutcome, AddTeamMember, AuthoriseRequest, DirectoryResults, ForwardInvitationRequest, InvitationSummary,
    InviteRequest, InviteSchoolRequest, ListSchoolsQuery, MagicLinkAccepted, MagicLinkRequest, Me, Method, Op,
    OpenInvitationRequest, PriorityRequest, Problem, RemoveTeamMember, RevokeRequest, SchoolDetail, SchoolPage,
    SessionRequest, TeamPage,
};
use gloo_net::http::{Method as HttpMethod, Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;

use crate::school_query;

mod apps;
pub use apps::*;
mod cases;
pub use cases::*;
mod console;
pub use console::*;
mod school;
pub use school::*;
mod portal_data;
pub use portal_data::*;

/// Why a call failed, in terms a screen can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The API answered with an `application/problem+json` body.
    Problem(Problem),
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

/// `POST` the address; the answer is the same whether or not it has an account.
pub async fn request_magic_link(kind: AccountKind, email: String) -> Result<MagicLinkAccepted, ApiError> {
    let op = match kind {
        AccountKind::Partner => Op::RequestMagicLink,
        AccountKind::School => Op::RequestSchoolMagicLink,
        AccountKind::Ops => Op::RequestOpsMagicLink,
    };
    let response = send(request(op).json(&MagicLinkRequest { email })).await?;
    decode(response).await
}

/// Trades a sign-in token for a session of `kind`; the pages only need to know it worked.
pub async fn start_session(kind: AccountKind, token: String) -> Result<(), ApiError> {
    let body = SessionRequest { token };
    match kind {
        AccountKind::Partner => create_session(body.token).await.map(drop),
        AccountKind::School => {
            decode::<SchoolMe>(send(request(Op::CreateSchoolSession).json(&body)).await?).await.map(drop)
        }
        AccountKind::Ops => decode::<OpsMe>(send(request(Op::CreateOpsSession).json(&body)).await?).await.map(drop),
    }
}

/// Ends the session of `kind` (each portal signs out on its own).
pub async fn logout_as(kind: AccountKind) -> Result<(), ApiError> {
    let op = match kind {
        AccountKind::Partner => Op::Logout,
        AccountKind::School => Op::SchoolLogout,
        AccountKind::Ops => Op::OpsLogout,
    };
    send(request(op).build()).await.map(drop)
}

pub async fn school_me() -> Result<SchoolMe, ApiError> {
    decode(send(request(Op::GetSchoolMe).build()).await?).await
}

pub async fn ops_me() -> Result<OpsMe, ApiError> {
    decode(send(request(Op::GetOpsMe).build()).await?).await
}

/// Trades the token from a sign-in link for a session cookie (set by the server, HttpOnly).
pub async fn create_session(token: String) -> Result<Me, ApiError> {
    let response = send(request(Op::CreateSession).json(&SessionRequest { token })).await?;
    decode(response).await
}

pub async fn logout() -> Result<(), ApiError> {
    send(request(Op::Logout).build()).await.map(drop)
}

pub async fn me() -> Result<Me, ApiError> {
    decode(send(request(Op::GetMe).build()).await?).await
}

pub async fn list_schools(query: ListSchoolsQuery) -> Result<SchoolPage, ApiError> {
    let op = Op::ListPartnerSchools;
    let path = format!("{}?{}", op.route().path, school_query::api_query_string(&query));
    decode(send(request_to(op, path).build()).await?).await
}

/// The school tile (P8) of one school in `app` (the partner's first app when `None`).
pub async fn school(school_id: &str, app: Option<&str>) -> Result<SchoolDetail, ApiError> {
    let path = path_of(Op::GetPartnerSchool, &[("school_id", school_id)]);
    decode(send(request_to(Op::GetPartnerSchool, path).query(app_query(app)).build()).await?).await
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

impl SchoolCommand {
    fn op(&self) -> Op {
        match self {
            SchoolCommand::Revoke(_) => Op::RevokeSchoolAccess,
            SchoolCommand::CancelRevocation => Op::CancelRevocation,
            SchoolCommand::Priority(_) => Op::SetSchoolPriority,
            SchoolCommand::CancelInvite => Op::CancelInvitation,
            SchoolCommand::ResendInvite { .. } => Op::ResendInvitation,
            SchoolCommand::Reinvite { .. } => Op::ReinviteSchool,
        }
    }
}

/// Runs `command` on a school; the answer says what happened and carries the tile afterwards.
pub async fn act_on_school(
    school_id: &str,
    app: Option<&str>,
    command: SchoolCommand,
) -> Result<ActionOutcome, ApiError> {
    let op = command.op();
    let builder = request_to(op, path_of(op, &[("school_id", school_id)])).query(app_query(app));
    // The routes without a body of their own still take a JSON object, so every call says so.
    let request = match &command {
        SchoolCommand::Revoke(body) => builder.json(body),
        SchoolCommand::Priority(priority) => builder.json(&PriorityRequest { priority: *priority }),
        SchoolCommand::CancelRevocation | SchoolCommand::CancelInvite => builder.json(&serde_json::json!({})),
        SchoolCommand::ResendInvite { request, key } | SchoolCommand::Reinvite { request, key } => {
            builder.header("Idempotency-Key", key).json(request)
        }
    };
    decode(send(request).await?).await
}

pub async fn team() -> Result<TeamPage, ApiError> {
    decode(send(request(Op::ListTeam).build()).await?).await
}

/// Adds a colleague; the answer is the team afterwards.
pub async fn add_team_member(member: AddTeamMember) -> Result<TeamPage, ApiError> {
    decode(send(request(Op::AddTeamMember).json(&member)).await?).await
}

/// Removes a colleague; the answer is the team afterwards.
pub async fn remove_team_member(email: String) -> Result<TeamPage, ApiError> {
    decode(send(request(Op::RemoveTeamMember).json(&RemoveTeamMember { email })).await?).await
}

/// P7: schools in the directory matching `q` (name words, URN, local authority or postcode).
pub async fn search_directory(q: String) -> Result<DirectoryResults, ApiError> {
    decode(send(request(Op::SearchDirectory).query([("q", q)]).build()).await?).await
}

/// P7: invites a school from the directory for `app` (the partner's first app when `None`).
pub async fn invite_school(app: Option<&str>, invitation: InviteSchoolRequest) -> Result<ActionOutcome, ApiError> {
    decode(send(request(Op::InviteSchool).query(app_query(app)).json(&invitation)).await?).await
}

/// S2, public: what a Begin Authorisation link is for, or the receipt once it was used.
pub async fn open_invitation(token: String) -> Result<InvitationSummary, ApiError> {
    decode(send(request(Op::OpenInvitation).json(&OpenInvitationRequest { token })).await?).await
}

/// S2, public: "I am not the right person": the invitation goes to `to` and this link dies.
pub async fn forward_invitation(forward: ForwardInvitationRequest) -> Result<InvitationSummary, ApiError> {
    decode(send(request(Op::ForwardInvitation).json(&forward)).await?).await
}

/// S2, public: the wizard's answers; the summary afterwards carries the receipt.
pub async fn authorise_invitation(answers: AuthoriseRequest) -> Result<InvitationSummary, ApiError> {
    decode(send(request(Op::AuthoriseInvitation).json(&answers)).await?).await
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
    format!("{}?{}", Op::ExportPartnerSchools.route().path, school_query::export_query_string(query))
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

/// The route's method and path from the route table. Fetches are same-origin, so the browser
/// sends the session cookie without any credentials option.
fn request(op: Op) -> RequestBuilder {
    request_to(op, op.route().path.to_owned())
}

/// `op`'s method, sent to `path`: the route's path with its parameters filled in.
fn request_to(op: Op, path: String) -> RequestBuilder {
    let method = match op.route().method {
        Method::Get => HttpMethod::GET,
        Method::Post => HttpMethod::POST,
    };
    RequestBuilder::new(&path).method(method).header("Accept", "application/json, application/problem+json")
}

/// The route's path with each `{name}` replaced by its value, escaped, so an id can never step
/// into another path segment.
fn path_of(op: Op, params: &[(&str, &str)]) -> String {
    params.iter().fold(op.route().path.to_owned(), |path, (name, value)| {
        path.replace(&format!("{{{name}}}"), &percent_encoded(value))
    })
}

/// `?app=` on a school's routes, left out when the list names no app.
fn app_query(app: Option<&str>) -> Vec<(&'static str, String)> {
    app.filter(|app| !app.is_empty()).map(|app| ("app", app.to_owned())).into_iter().collect()
}

async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let response = request.map_err(|_| ApiError::Unreachable)?.send().await.map_err(|_| ApiError::Unreachable)?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    match response.json::<Problem>().await {
        Ok(problem) => Err(ApiError::Problem(problem)),
        Err(_) => Err(ApiError::Unexpected { status }),
    }
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    let status = response.status();
    response.json().await.map_err(|_| ApiError::Unexpected { status })
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
        let error = ApiError::Problem(problem(410, "This link has expired."));
        assert_eq!(error.to_string(), "This link has expired.");
        assert_eq!(error.request_id(), Some("req-1"));
    }

    #[test]
    fn only_a_401_problem_sends_the_user_to_sign_in() {
        assert!(ApiError::Problem(problem(401, "Sign in")).requires_sign_in());
        assert!(!ApiError::Problem(problem(403, "No")).requires_sign_in());
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
        assert_eq!(path_of(Op::GetPartnerSchool, &[("school_id", "3280001")]), "/api/partner/schools/3280001");
        assert_eq!(
            path_of(Op::RevokeSchoolAccess, &[("school_id", "../team")]),
            "/api/partner/schools/..%2Fteam/revoke"
        );
        assert_eq!(
            path_of(Op::UpdatePermissionSet, &[("app_id", "demo-app")]),
            "/api/partner/apps/demo-app/permissions"
        );
    }

    #[test]
    fn key_routes_name_the_app_and_the_key() {
        assert_eq!(path_of(Op::ListAppKeys, &[("app_id", "demo-app")]), "/api/partner/apps/demo-app/keys");
        assert_eq!(path_of(Op::CreateAppKey, &[("app_id", "demo-app")]), "/api/partner/apps/demo-app/keys");
        assert_eq!(
            path_of(Op::RevokeAppKey, &[("app_id", "demo-app"), ("key_id", "0a1b2c3d4e5f")]),
            "/api/partner/apps/demo-app/keys/0a1b2c3d4e5f/revoke"
        );
        assert_eq!(Op::CreateAppKey.route().method, Method::Post);
        assert_eq!(Op::RevokeAppKey.route().method, Method::Post);
    }

    #[test]
    fn each_school_command_goes_to_its_own_route() {
        let invite = || InviteRequest::default();
        let key = || "k".to_owned();
        let ops: Vec<&str> = [
            SchoolCommand::CancelRevocation,
            SchoolCommand::Priority(true),
            SchoolCommand::CancelInvite,
            SchoolCommand::ResendInvite { request: invite(), key: key() },
            SchoolCommand::Reinvite { request: invite(), key: key() },
        ]
        .iter()
        .map(|command| command.op().route().path)
        .collect();
        assert_eq!(
            ops,
            [
                "/api/partner/schools/{school_id}/cancel-revoke",
                "/api/partner/schools/{school_id}/priority",
                "/api/partner/schools/{school_id}/cancel-invite",
                "/api/partner/schools/{school_id}/resend-invite",
                "/api/partner/schools/{school_id}/reinvite",
            ]
        );
        assert_eq!(app_query(Some("app-1")), [("app", "app-1".to_owned())]);
        assert_eq!(app_query(None), []);
    }

    #[test]
    fn percent_encoding_leaves_only_unreserved_characters() {
        assert_eq!(percent_encoded("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(percent_encoded("Not Installed"), "Not%20Installed");
        assert_eq!(percent_encoded("50%+ é/?#="), "50%25%2B%20%C3%A9%2F%3F%23%3D");
    }
}
