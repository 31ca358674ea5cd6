//! `POST /oauth/token` (#17): an OAuth client's id and secret for an access
//! token, answered in OAuth's own shape (`crate::oauth`).

use axum::extract::State;
use axum::response::Response;
use gatehouse_core::oauth;

use crate::oauth::{OAuthForm, refusal, token};
use crate::{ApiError, AppState};

pub async fn handle(State(state): State<AppState>, form: OAuthForm) -> Result<Response, ApiError> {
    let OAuthForm { client, request } = form;
    Ok(match oauth::issue(&state.gatehouse, client, &request).await? {
        Ok(issued) => token(issued),
        Err(refused) => refusal(refused),
    })
}
