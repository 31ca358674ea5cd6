//! `POST /api/invitations/authorise` (S2): Authorise Sharing.

use axum::Json;
use axum::extract::State;
use gatehouse_core::authorisation;
use gatehouse_model::{AuthoriseRequest, InvitationSummary};

use crate::extract::{ApiJson, ClientIp};
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiJson(request): ApiJson<AuthoriseRequest>,
) -> Result<Json<InvitationSummary>, ApiError> {
    Ok(Json(authorisation::authorise(&state.gatehouse, &request, &client).await?))
}
