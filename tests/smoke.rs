//! `cargo xtask smoke <url> [--app-key KEY]` (#15): what any running Gatehouse must answer, a
//! deployed stack or the local server. Health; the OpenAPI document, with exactly the
//! operations of this build's declaration; the SPA's pages with their security and cache
//! headers, and their assets; every operation refusing a caller without a credential as its
//! declared audience says; and, given an app's key, the app's schools and one read of a
//! school's pupils. Read-only: it creates, changes and emails nothing.
//!
//! The browser tests run it against the local server (`tests/e2e/smoke.rs`), so it stays true.

use std::collections::BTreeSet;

use gatehouse_model::{AppSchools, Audience, ROUTES, Route};
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderMap};
use reqwest::{Client, Method, StatusCode};
use serde_json::Value;

/// One check and what was wrong, if anything.
#[derive(Debug)]
pub struct Finding {
    pub check: String,
    pub problem: Option<String>,
}

/// The SPA's pages a visitor can land on from outside: the partner's lists, a sign-in link's
/// page, a school's invitation (each a different bundle).
const PAGES: &[&str] = &["/", "/schools", "/signin", "/auth", "/authorise", "/school", "/school/people", "/ops"];
/// Headers every answer carries (CloudFront adds them on AWS, the local server itself), and
/// what each must say when the value matters.
const SECURITY_HEADERS: &[(&str, Option<&str>)] = &[
    ("content-security-policy", None),
    ("strict-transport-security", None),
    ("x-content-type-options", Some("nosniff")),
    ("x-frame-options", Some("DENY")),
    ("referrer-policy", Some("no-referrer")),
];
/// A value for every path parameter: well-formed, so the refusal comes from the credential.
const PARAMETER: &str = "140001";

/// Runs every check against `base` (`https://gatehouse.example`, no trailing slash).
pub async fn run(base: &str, app_key: Option<&str>) -> Vec<Finding> {
    let http = Client::new();
    let base = base.trim_end_matches('/');
    let mut findings = vec![health(&http, base).await, document(&http, base).await];
    for page in PAGES {
        findings.extend(spa_page(&http, base, page).await);
    }
    for route in ROUTES.iter().filter(|route| !route.audience.refusals().is_empty()) {
        findings.push(refuses_anonymous(&http, base, route).await);
    }
    if let Some(key) = app_key {
        findings.extend(app_reads(&http, base, key).await);
    }
    findings
}

fn finding(check: impl Into<String>, problem: Option<String>) -> Finding {
    Finding { check: check.into(), problem }
}

/// `GET`s `url` and returns its status, headers and body, or why it could not.
async fn get(http: &Client, url: &str, key: Option<&str>) -> Result<(StatusCode, HeaderMap, String), String> {
    let mut request = http.get(url);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.map_err(|error| format!("no answer: {error}"))?;
    let (status, headers) = (response.status(), response.headers().clone());
    let body = response.text().await.map_err(|error| format!("the body did not arrive: {error}"))?;
    Ok((status, headers, body))
}

async fn health(http: &Client, base: &str) -> Finding {
    let problem = match get(http, &format!("{base}/api/health"), None).await {
        Ok((StatusCode::OK, _, body)) if serde_json::from_str::<Value>(&body).is_ok() => None,
        Ok((status, _, body)) => Some(format!("{status}: {}", excerpt(&body))),
        Err(error) => Some(error),
    };
    finding("GET /api/health answers 200 with JSON", problem)
}

/// The document lists exactly the declared operations: a stack deployed from another build
/// shows here first.
async fn document(http: &Client, base: &str) -> Finding {
    let check = "GET /api/openapi.json lists exactly this build's operations";
    let document = match get(http, &format!("{base}/api/openapi.json"), None).await {
        Ok((StatusCode::OK, _, body)) => body,
        Ok((status, _, body)) => return finding(check, Some(format!("{status}: {}", excerpt(&body)))),
        Err(error) => return finding(check, Some(error)),
    };
    let Ok(document) = serde_json::from_str::<Value>(&document) else {
        return finding(check, Some("not JSON".to_owned()));
    };
    let served: BTreeSet<String> = document["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(path, operations)| {
            operations
                .as_object()
                .into_iter()
                .flatten()
                .map(move |(method, _)| format!("{} {path}", method.to_uppercase()))
        })
        .collect();
    let declared: BTreeSet<String> =
        ROUTES.iter().map(|route| format!("{} {}", route.method.as_str(), route.path)).collect();
    let missing: Vec<_> = declared.difference(&served).collect();
    let extra: Vec<_> = served.difference(&declared).collect();
    let problem = (!missing.is_empty() || !extra.is_empty())
        .then(|| format!("not served: {missing:?}; not declared here: {extra:?}"));
    finding(check, problem)
}

/// A page loads its shell, uncached, with the security headers, and each asset it names loads
/// with a year's cache.
async fn spa_page(http: &Client, base: &str, page: &str) -> Vec<Finding> {
    let check = format!("GET {page} answers an HTML shell, revalidated, with the security headers");
    let (status, headers, body) = match get(http, &format!("{base}{page}"), None).await {
        Ok(answer) => answer,
        Err(error) => return vec![finding(check, Some(error))],
    };
    let mut problems = Vec::new();
    if status != StatusCode::OK || !header(&headers, CONTENT_TYPE.as_str()).starts_with("text/html") {
        problems.push(format!("{status}, {}", header(&headers, CONTENT_TYPE.as_str())));
    }
    if !header(&headers, CACHE_CONTROL.as_str()).contains("no-cache") {
        problems.push(format!("cache-control {:?}", header(&headers, CACHE_CONTROL.as_str())));
    }
    problems.extend(missing_security_headers(&headers));
    let assets = assets_named(&body);
    if !assets.iter().any(|asset| asset.ends_with(".wasm")) {
        problems.push("names no .wasm asset".to_owned());
    }
    let mut findings = vec![finding(check, (!problems.is_empty()).then(|| problems.join("; ")))];
    for asset in assets {
        let check = format!("{asset} (from {page}) loads, cached for a year");
        let problem = match get(http, &format!("{base}{asset}"), None).await {
            Ok((StatusCode::OK, headers, _)) if header(&headers, CACHE_CONTROL.as_str()).contains("immutable") => None,
            Ok((status, headers, _)) => {
                Some(format!("{status}, cache-control {:?}", header(&headers, CACHE_CONTROL.as_str())))
            }
            Err(error) => Some(error),
        };
        findings.push(finding(check, problem));
    }
    findings
}

/// The `/assets/…` addresses a shell's `href` and `src` attributes name.
fn assets_named(shell: &str) -> BTreeSet<String> {
    shell
        .split(['"', '\''])
        .filter(|part| part.starts_with("/assets/") && !part.contains(char::is_whitespace))
        .map(str::to_owned)
        .collect()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or("")
}

fn missing_security_headers(headers: &HeaderMap) -> Vec<String> {
    SECURITY_HEADERS
        .iter()
        .filter_map(|(name, expected)| match (headers.get(*name), expected) {
            (None, _) => Some(format!("no {name}")),
            (Some(value), Some(expected)) if value.to_str().ok() != Some(*expected) => {
                Some(format!("{name} is {value:?}, not {expected:?}"))
            }
            _ => None,
        })
        .collect()
}

/// A caller with no credential gets `401` and one of the audience's refusal codes.
async fn refuses_anonymous(http: &Client, base: &str, route: &Route) -> Finding {
    let path = route
        .path
        .split('/')
        .map(|segment| if segment.starts_with('{') { PARAMETER } else { segment })
        .collect::<Vec<_>>()
        .join("/");
    let check = format!(
        "{} {} refuses a caller without a credential ({:?})",
        route.method.as_str(),
        route.path,
        route.audience
    );
    let method = Method::from_bytes(route.method.as_str().as_bytes()).expect("an HTTP method");
    let mut request = http.request(method.clone(), format!("{base}{path}"));
    if method == Method::POST {
        request = request.header(CONTENT_TYPE, "application/json").body("{}");
    }
    let problem = match request.send().await {
        Err(error) => Some(format!("no answer: {error}")),
        Ok(response) => {
            let status = response.status();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            // OneRoster answers in its binding's shape (#17): the class, not a problem code.
            let (code, expected) = if route.path.starts_with(gatehouse_model::oneroster::ONEROSTER_BASE) {
                let class = &body["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"];
                (class.as_str().unwrap_or_default().to_owned(), "unauthorisedrequest")
            } else {
                (body["code"].as_str().unwrap_or_default().to_owned(), anonymous_refusal(route.audience))
            };
            (status != StatusCode::UNAUTHORIZED || code != expected)
                .then(|| format!("{status} {code:?}, not 401 {expected:?}"))
        }
    };
    finding(check, problem)
}

/// What an audience answers a caller who brings no credential at all.
fn anonymous_refusal(audience: Audience) -> &'static str {
    // The first refusal is the missing credential's; the second (admins only) a member's.
    audience.refusals().first().map_or("", |code| code.as_str())
}

/// The app's schools, and one page of one authorised school's pupils, or the problem the
/// declaration allows for a school whose data cannot be read now.
async fn app_reads(http: &Client, base: &str, key: &str) -> Vec<Finding> {
    let check = "GET /api/v1/schools with the app's key lists its schools";
    let schools = match get(http, &format!("{base}/api/v1/schools"), Some(key)).await {
        Ok((StatusCode::OK, _, body)) => serde_json::from_str::<AppSchools>(&body).map_err(|error| error.to_string()),
        Ok((status, _, body)) => Err(format!("{status}: {}", excerpt(&body))),
        Err(error) => Err(error),
    };
    let schools = match schools {
        Ok(schools) => schools,
        Err(problem) => return vec![finding(check, Some(problem))],
    };
    let mut findings = vec![finding(check, None)];
    let Some(school) = schools.schools.iter().find(|school| school.authorised) else {
        findings.push(finding("a pupil read: no school has authorised the app yet", None));
        return findings;
    };
    let route = ROUTES.iter().find(|route| route.name == "list_students").expect("list_students is declared");
    let path = route.path.replace("{school_id}", &school.school_id);
    let check = format!("GET {path}?limit=1 answers a page or a declared problem");
    let problem = match get(http, &format!("{base}{path}?limit=1"), Some(key)).await {
        Ok((StatusCode::OK, _, _)) => None,
        Ok((status, _, body)) => {
            let code =
                serde_json::from_str::<Value>(&body).ok().and_then(|body| body["code"].as_str().map(str::to_owned));
            let declared = code.as_deref().is_some_and(|code| route.problems().any(|allowed| allowed.as_str() == code));
            (!declared).then(|| format!("{status}: {}", excerpt(&body)))
        }
        Err(error) => Some(error),
    };
    findings.push(finding(check, problem));
    findings
}

/// The start of a body, for a finding.
fn excerpt(body: &str) -> String {
    body.chars().take(200).collect()
}
