//! `POST /api/invitations/forward` (S2): not the right person, send it to whoever is.

use axum::Json;
use axum::extract::State;
use gatehouse_core::authorisation;
use gatehouse_model::{ForwardInvitationRequest, InvitationSummary};

use crate::extract::{ApiJson, ClientIp};
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiJson(request): ApiJson<ForwardInvitationRequest>,
) -> Result<Json<InvitationSummary>, ApiError> {
    Ok(Json(authorisation::forward(&state.gatehouse, &request, &client).await?))
}
