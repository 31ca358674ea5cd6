//! OAuth 2.0 client credentials (RFC 6749 §4.4, #17): an app's OAuth
//! client trades its id and secret for an access token that reads what the
//! app's API keys read, for an hour. OneRoster clients expect exactly this.
//!
//! A token is 256 random bits, stored only as its SHA-256 under
//! `APPKEY#<hash>` with the item's TTL at its expiry, and it names its
//! client's lookup item: revoking the client (`app_keys::revoke`) deletes
//! that item, and every token of the client stops working with it.

use chrono::Duration;
use gatehouse_model::oneroster::{SCOPE_ROSTER, SCOPE_ROSTER_CORE, SCOPE_ROSTER_DEMOGRAPHICS};
use gatehouse_model::{OAuthError, OAuthErrorCode, OAuthToken, OAuthTokenRequest};

use crate::base::keys::Key;
use crate::base::ports::Condition;
use crate::partner::app_keys::{AppKeyRecord, StoredCredential, credential};
use crate::store::records::expiring_item;
use crate::{Gatehouse, Result, Token};

/// How long an access token works.
pub const ACCESS_TOKEN_SECONDS: u32 = 3600;

/// The scopes a client may ask for, in the order a grant lists them; a
/// request that names none gets them all.
pub const SCOPES: [&str; 3] = [SCOPE_ROSTER_CORE, SCOPE_ROSTER, SCOPE_ROSTER_DEMOGRAPHICS];

/// The client's id and secret, however it sent them.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientCredentials {
    pub client_id: String,
    pub client_secret: String,
}

impl std::fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ClientCredentials({}, <redacted>)", self.client_id)
    }
}

fn refused(error: OAuthErrorCode, description: &str) -> OAuthError {
    OAuthError { error, error_description: description.to_owned() }
}

/// Which of the request's two ways of naming the client it used: HTTP
/// Basic (`from_header`, already decoded) or the form's fields. RFC 6749
/// §2.3 allows one way per request.
pub fn client_of(
    from_header: Option<ClientCredentials>,
    request: &OAuthTokenRequest,
) -> std::result::Result<ClientCredentials, OAuthError> {
    let from_form = match (&request.client_id, &request.client_secret) {
        (None, None) => None,
        (Some(client_id), Some(client_secret)) => {
            Some(ClientCredentials { client_id: client_id.clone(), client_secret: client_secret.clone() })
        }
        _ => {
            let why = "send both client_id and client_secret, or authenticate with HTTP Basic";
            return Err(refused(OAuthErrorCode::InvalidRequest, why));
        }
    };
    match (from_header, from_form) {
        (Some(client), None) | (None, Some(client)) => Ok(client),
        (Some(_), Some(_)) => {
            Err(refused(OAuthErrorCode::InvalidRequest, "authenticate with HTTP Basic or the form's fields, not both"))
        }
        (None, None) => Err(refused(OAuthErrorCode::InvalidClient, "no client credentials were sent")),
    }
}

/// Answers a token request: a new access token, or the RFC's refusal.
/// The outer `Result` fails only when the store does (the caller answers
/// 503); a refusal is an answer.
pub async fn issue(
    gatehouse: &Gatehouse,
    client: std::result::Result<ClientCredentials, OAuthError>,
    request: &OAuthTokenRequest,
) -> Result<std::result::Result<OAuthToken, OAuthError>> {
    let client = match client {
        Ok(client) => client,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let Some(grant_type) = request.grant_type.as_deref() else {
        return Ok(Err(refused(OAuthErrorCode::InvalidRequest, "grant_type is missing: send client_credentials")));
    };
    let now = gatehouse.clock.now();
    let Some(owner) = client_record(gatehouse, &client, now).await? else {
        return Ok(Err(refused(OAuthErrorCode::InvalidClient, "the client id or secret is not right")));
    };
    if grant_type != "client_credentials" {
        let why = "only the client_credentials grant is offered";
        return Ok(Err(refused(OAuthErrorCode::UnsupportedGrantType, why)));
    }
    let scopes = match granted_scopes(request.scope.as_deref()) {
        Ok(scopes) => scopes,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let token = Token::generate()?;
    let hash = token.hash();
    let key = Key::AppKey(&hash);
    let record = AppKeyRecord {
        kind: StoredCredential::AccessToken,
        created_at: now,
        created_by: owner.label.clone(),
        revoked_at: None,
        scopes: scopes.clone(),
        ..owner
    };
    let item = expiring_item(&key, &record, now + Duration::seconds(ACCESS_TOKEN_SECONDS.into()));
    gatehouse.table.put(item, Condition::NotExists).await?;
    tracing::info!(partner_id = %record.partner_id, app_id = %record.app_id, client_id = %record.key_id, "access token issued");
    Ok(Ok(OAuthToken {
        access_token: token.expose().to_owned(),
        token_type: "Bearer".into(),
        expires_in: ACCESS_TOKEN_SECONDS,
        scope: scopes.join(" "),
    }))
}

/// The client these credentials name: an OAuth client not revoked, whose
/// id matches its secret. An API key's secret is no client secret.
async fn client_record(
    gatehouse: &Gatehouse,
    client: &ClientCredentials,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<AppKeyRecord>> {
    let Ok(secret) = Token::parse("client_secret", &client.client_secret) else { return Ok(None) };
    let found = credential(gatehouse.table.as_ref(), &secret.hash(), now).await?;
    // The lookup item's `secret_hash` is the client's own: the token points at it.
    Ok(found.filter(|record| record.kind == StoredCredential::OauthClient && record.key_id == client.client_id))
}

/// The scopes a request asks for, each one OneRoster 1.2 defines, in
/// [`SCOPES`] order; all of them when it names none.
fn granted_scopes(asked: Option<&str>) -> std::result::Result<Vec<String>, OAuthError> {
    let asked: Vec<&str> = asked.unwrap_or_default().split_ascii_whitespace().collect();
    if let Some(unknown) = asked.iter().find(|scope| !SCOPES.contains(scope)) {
        let why = format!("'{unknown}' is not a scope Gatehouse grants; ask for OneRoster 1.2 read scopes");
        return Err(OAuthError { error: OAuthErrorCode::InvalidScope, error_description: why });
    }
    Ok(SCOPES
        .iter()
        .filter(|scope| asked.is_empty() || asked.contains(scope))
        .map(|scope| (*scope).to_owned())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(client_id: Option<&str>, client_secret: Option<&str>) -> OAuthTokenRequest {
        OAuthTokenRequest {
            grant_type: Some("client_credentials".into()),
            scope: None,
            client_id: client_id.map(str::to_owned),
            client_secret: client_secret.map(str::to_owned),
        }
    }

    fn basic() -> Option<ClientCredentials> {
        Some(ClientCredentials { client_id: "abc".into(), client_secret: "s3cret".into() })
    }

    #[test]
    fn a_client_names_itself_one_way_only() {
        assert_eq!(client_of(basic(), &request(None, None)).map(|c| c.client_id), Ok("abc".into()));
        assert_eq!(client_of(None, &request(Some("def"), Some("x"))).map(|c| c.client_id), Ok("def".into()));
        let error = |header, form: OAuthTokenRequest| client_of(header, &form).unwrap_err().error;
        assert_eq!(error(basic(), request(Some("def"), Some("x"))), OAuthErrorCode::InvalidRequest);
        assert_eq!(error(None, request(Some("def"), None)), OAuthErrorCode::InvalidRequest);
        assert_eq!(error(None, request(None, None)), OAuthErrorCode::InvalidClient);
    }

    #[test]
    fn scopes_are_onerosters_and_default_to_all() {
        assert_eq!(granted_scopes(None).unwrap(), SCOPES);
        assert_eq!(granted_scopes(Some("  ")).unwrap(), SCOPES);
        let both = format!("{SCOPE_ROSTER_DEMOGRAPHICS} {SCOPE_ROSTER_CORE} {SCOPE_ROSTER_CORE}");
        assert_eq!(granted_scopes(Some(&both)).unwrap(), [SCOPE_ROSTER_CORE, SCOPE_ROSTER_DEMOGRAPHICS]);
        let unknown = granted_scopes(Some(&format!("{SCOPE_ROSTER} admin"))).unwrap_err();
        assert_eq!(unknown.error, OAuthErrorCode::InvalidScope);
        assert!(unknown.error_description.contains("'admin'"), "{}", unknown.error_description);
    }

    #[test]
    fn the_client_secret_never_shows_in_debug() {
        let shown = format!("{:?}", basic().unwrap());
        assert!(shown.contains("abc") && !shown.contains("s3cret"), "{shown}");
    }
}
