//! Extractors that turn bad input into problems instead of axum's plain-text
//! rejections, and find who is calling.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::ApiError;

/// A JSON body; a malformed one is a 400 (or 415) problem.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::UnsupportedMediaType),
            Err(rejection) => Err(ApiError::BadRequest { code: "invalid_body", detail: rejection.body_text() }),
        }
    }
}

/// A query string; unknown values are a 400 problem.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(ApiError::BadRequest { code: "invalid_query", detail: rejection.body_text() }),
        }
    }
}

/// The caller's IP address, for rate limits. The Lambda glue inserts it from
/// the API Gateway context (or CloudFront's viewer header); the local server
/// from the socket. Never logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if let Some(ip) = parts.extensions.get::<ClientIp>() {
            return Ok(ip.clone());
        }
        if let Some(ConnectInfo(address)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() {
            return Ok(ClientIp(address.ip().to_string()));
        }
        // Without either, all such callers share one budget: stricter, never looser.
        Ok(ClientIp("unknown".to_owned()))
    }
}

/// The optional `Idempotency-Key` header: a retry with the same key gets the
/// first result instead of running again (see `gatehouse_core::idempotency`).
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        match parts.headers.get("idempotency-key") {
            None => Ok(IdempotencyKey(None)),
            Some(value) => match value.to_str() {
                Ok(key) => Ok(IdempotencyKey(Some(key.to_owned()))),
                Err(_) => Err(ApiError::BadRequest {
                    code: "invalid_header",
                    detail: "Idempotency-Key must be visible ASCII characters.".to_owned(),
                }),
            },
        }
    }
}

/// An app calling the data API with `Authorization: Bearer <key>`; 401
/// `invalid_credentials` otherwise.
pub struct AppKey(pub gatehouse_core::app_keys::AppCaller);

impl FromRequestParts<crate::AppState> for AppKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &crate::AppState) -> Result<Self, ApiError> {
        let bearer = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim);
        let caller = gatehouse_core::app_keys::authenticate(&state.gatehouse, bearer).await?;
        tracing::Span::current().record("partner_id", caller.actor.partner_id.as_str());
        Ok(AppKey(caller))
    }
}
