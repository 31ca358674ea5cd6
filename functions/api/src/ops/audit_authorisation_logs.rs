//! `GET /api/ops/authorisation-logs/audit` (P8, O1): one page of the check of
//! every school link's Authorisation Log.

use axum::Json;
use axum::extract::State;
use gatehouse_core::log_audit;
use gatehouse_model::{LogAudit, LogAuditQuery};

use crate::extract::ApiQuery;
use crate::session::SignedInOps;
use crate::{ApiError, AppState};

pub async fn handle(
    State(state): State<AppState>,
    SignedInOps(_ops): SignedInOps,
    ApiQuery(query): ApiQuery<LogAuditQuery>,
) -> Result<Json<LogAudit>, ApiError> {
    Ok(Json(log_audit::audit_page(&state.gatehouse, query.cursor.as_deref(), query.limit).await?))
}
