//! `GET /api/openapi.json`: the document generated from the route table.

use axum::Json;
use axum::response::IntoResponse;

pub async fn handle() -> impl IntoResponse {
    Json(crate::openapi_document())
}
