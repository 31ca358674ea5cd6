//! `POST /api/invitations/forward` (S2): not the right person, send it to whoever is.

use axum::Json;
use gatehouse_core::authorisation;
use gatehouse_model::{ForwardInvitationRequest, InvitationSummary};

use crate::extract::{ApiJson, ClientIp};

pass_through! {
    pub async fn handle(ClientIp, request: ApiJson<ForwardInvitationRequest>) -> Json<InvitationSummary> = authorisation::forward;
}
