//! The school directory in the operations console (O1),
//! `/api/ops/directory/...`: import a part of the register's extract, search,
//! correct one entry.

use axum::Json;
use axum::extract::State;
use gatehouse_core::{SchoolUrn, directory, directory_admin};
use gatehouse_model::{DirectoryImportQuery, DirectoryQuery, DirectoryResults, DirectorySchool, UpdateDirectorySchool};

use super::Accepted;
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
) -> Result<Accepted, ApiError> {
    Ok(Accepted::from(directory_admin::import_part(&state.gatehouse, &csv, query.first_line, key.as_deref()).await?))
}

pass_through! {
    /// `GET /api/ops/directory/schools?q=`.
    pub async fn search(_: SignedInOps, query: ApiQuery<DirectoryQuery>) -> Json<DirectoryResults> = directory::search;

    /// `POST /api/ops/directory/schools/{urn}`.
    pub async fn update(_: SignedInOps, urn: IdPath<SchoolUrn>, update: ApiJson<UpdateDirectorySchool>)
        -> Json<DirectorySchool> = directory_admin::edit;
}
