//! `POST /api/invitations/authorise` (S2): Authorise Sharing.

use axum::Json;
use gatehouse_core::authorisation;
use gatehouse_model::{AuthoriseRequest, InvitationSummary};

use crate::extract::{ApiJson, ClientIp};

pass_through! {
    pub async fn handle(ClientIp, request: ApiJson<AuthoriseRequest>) -> Json<InvitationSummary> = authorisation::authorise;
}
