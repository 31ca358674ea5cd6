//! `POST /api/invitations/open` (S1): what a Begin Authorisation link is for.

use axum::Json;
use axum::extract::State;
use gatehouse_core::invitations;
use gatehouse_model::{InvitationSummary, OpenInvitationRequest};

use crate::extract::{ApiJson, ClientIp};
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiJson(request): ApiJson<OpenInvitationRequest>,
) -> Result<Json<InvitationSummary>, ApiError> {
    Ok(Json(invitations::open(&state.gatehouse, &request.token, &client).await?))
}
