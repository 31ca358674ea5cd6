//! The school directory in the operations console (O1),
//! `/api/ops/directory/...`: import a part of the register's extract, search,
//! correct one entry.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use gatehouse_core::{SchoolUrn, directory, directory_admin};
use gatehouse_model::{DirectoryImportQuery, DirectoryQuery, DirectoryResults, DirectorySchool, UpdateDirectorySchool};

use super::accepted;
use crate::extract::{ApiJson, ApiQuery, ApiText, IdempotencyKey};
use crate::path::IdPath;
use crate::session::SignedInOps;
use crate::{ApiError, AppState};

/// `POST /api/ops/directory/import?first_line=`: the body is CSV text, the
/// header row first; `202` and the job that writes it (#15).
pub async fn import(
    State(state): State<AppState>,
    SignedInOps(_ops): SignedInOps,
    ApiQuery(query): ApiQuery<DirectoryImportQuery>,
    IdempotencyKey(key): IdempotencyKey,
    ApiText(csv): ApiText,
) -> Result<Response, ApiError> {
    let job = directory_admin::import_part(&state.gatehouse, &csv, query.first_line, key.as_deref()).await?;
    Ok(accepted(job))
}

/// `GET /api/ops/directory/schools?q=`.
pub async fn search(
    State(state): State<AppState>,
    SignedInOps(_ops): SignedInOps,
    ApiQuery(query): ApiQuery<DirectoryQuery>,
) -> Result<Json<DirectoryResults>, ApiError> {
    Ok(Json(directory::search(state.gatehouse.table.as_ref(), &query.q).await?))
}

/// `POST /api/ops/directory/schools/{urn}`.
pub async fn update(
    State(state): State<AppState>,
    SignedInOps(_ops): SignedInOps,
    IdPath(urn): IdPath<SchoolUrn>,
    ApiJson(update): ApiJson<UpdateDirectorySchool>,
) -> Result<Json<DirectorySchool>, ApiError> {
    Ok(Json(directory_admin::edit(&state.gatehouse, &urn, &update).await?))
}
