//! `GET /api/school/me` (S3): who is signed in to the school portal.

use axum::Json;
use gatehouse_core::auth;
use gatehouse_model::SchoolMe;

use crate::session::SignedInSchool;

pub async fn handle(SignedInSchool(session): SignedInSchool) -> Json<SchoolMe> {
    Json(auth::school_me_of(&session))
}
