//! `GET /api/health`: answers without touching the store, so it measures the
//! function, not its dependencies.

use axum::Json;
use gatehouse_model::Health;

pub async fn handle() -> Json<Health> {
    Json(Health { status: "ok".to_owned(), version: env!("CARGO_PKG_VERSION").to_owned() })
}
