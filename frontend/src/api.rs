//! The only module that calls the API. Every URL is built from `gatehouse_model::ROUTES`, so a
//! path or method changes in one place, and every failure becomes an `ApiError` whose text is the
//! problem's `detail`, ready to show to a person.

use std::fmt;

use gatehouse_model::{
    ListSchoolsQuery, MagicLinkAccepted, MagicLinkRequest, Me, Method, Op, Problem, SchoolPage, SessionRequest,
};
use gloo_net::http::{Method as HttpMethod, Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;

use crate::school_query;

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
pub async fn request_magic_link(email: String) -> Result<MagicLinkAccepted, ApiError> {
    let response = send(request(Op::RequestMagicLink).json(&MagicLinkRequest { email })).await?;
    decode(response).await
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
    let response = send(request(Op::ListPartnerSchools).query(schools_query(&query)).build()).await?;
    decode(response).await
}

/// Where "Export CSV" points: the export route with the list's view, search, filters and sort,
/// so the file holds exactly the rows on screen, over every page. A plain link rather than a
/// fetch, so the browser saves the file itself under the name the server gives it.
pub fn export_url(query: &ListSchoolsQuery) -> String {
    let pairs: Vec<String> = school_query::export_pairs(query)
        .iter()
        .map(|(name, value)| format!("{name}={}", percent_encoded(value)))
        .collect();
    format!("{}?{}", Op::ExportPartnerSchools.route().path, pairs.join("&"))
}

/// A query value with everything but RFC 3986's unreserved characters escaped. Written out here
/// because the router's encoder calls into JavaScript, which unit tests on the host cannot.
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
    let route = op.route();
    let method = match route.method {
        Method::Get => HttpMethod::GET,
        Method::Post => HttpMethod::POST,
    };
    RequestBuilder::new(route.path).method(method).header("Accept", "application/json, application/problem+json")
}

/// The query string of `ListSchoolsQuery`: the view, then every parameter that is set.
fn schools_query(query: &ListSchoolsQuery) -> Vec<(&'static str, String)> {
    let mut pairs = vec![("view", query.view.as_str().to_owned())];
    pairs.extend(school_query::to_pairs(query));
    pairs
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
    use gatehouse_model::{InvitationStatus, SchoolStatus, SchoolView, SortColumn, SortDirection};

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
    fn schools_query_sends_view_and_what_is_set_and_omits_the_rest() {
        let query = ListSchoolsQuery {
            view: SchoolView::Active,
            page: Some(2),
            page_size: Some(50),
            status: Some(SchoolStatus::Error),
            q: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(
            schools_query(&query),
            vec![
                ("view", "active".to_owned()),
                ("status", "Error".to_owned()),
                ("page", "2".to_owned()),
                ("page_size", "50".to_owned())
            ]
        );
        let query = ListSchoolsQuery { view: SchoolView::Revoked, app: Some("app-1".to_owned()), ..Default::default() };
        assert_eq!(schools_query(&query), vec![("view", "revoked".to_owned()), ("app", "app-1".to_owned())]);
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
            "/api/partner/schools/export?view=pending&q=St%20Mary%27s%20%26%20Co&priority=true\
             &invitation=Ready%20to%20Authorise&sort=date_invited&dir=desc"
        );
    }

    #[test]
    fn export_url_of_an_unfiltered_list_names_only_the_view() {
        let query = ListSchoolsQuery { view: SchoolView::Revoked, page: Some(3), ..Default::default() };
        assert_eq!(export_url(&query), "/api/partner/schools/export?view=revoked");
    }

    #[test]
    fn percent_encoding_leaves_only_unreserved_characters() {
        assert_eq!(percent_encoded("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(percent_encoded("Not Installed"), "Not%20Installed");
        assert_eq!(percent_encoded("50%+ é/?#="), "50%25%2B%20%C3%A9%2F%3F%23%3D");
    }
}
