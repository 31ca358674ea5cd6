//! `GET /api/me` (P1): who is signed in, from the session's snapshot.

use axum::Json;
use gatehouse_core::auth;
use gatehouse_model::Me;

use crate::session::SignedIn;

pub async fn handle(SignedIn(session): SignedIn) -> Json<Me> {
    Json(auth::me_of(&session))
}
