//! What every data API list (A1, A3) reads: the app's key, the school in
//! the path and the page in the query. The four list handlers differ only in
//! the resource they ask for.

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Response;
use gatehouse_core::app_keys::AppCaller;
use gatehouse_core::{SchoolId, data_reads};
use gatehouse_model::{DataPage, DataQuery, Resource};

use crate::extract::{ApiQuery, AppKey, Documented, Reads, part};
use crate::path::IdPath;
use crate::{ApiError, AppState};

/// `GET /api/v1/schools/{school_id}/<resource>?limit=&cursor=&since=`.
pub struct DataPageRequest {
    state: AppState,
    caller: AppCaller,
    school_id: SchoolId,
    query: DataQuery,
}

impl FromRequestParts<AppState> for DataPageRequest {
    type Rejection = Response;

    /// In the order a handler taking each would read them: the key first.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let AppKey(caller) = part(parts, state).await?;
        let IdPath(school_id) = part(parts, state).await?;
        let ApiQuery(query) = part(parts, state).await?;
        Ok(DataPageRequest { state: state.clone(), caller, school_id, query })
    }
}

impl Documented for DataPageRequest {
    fn add_to(reads: &mut Reads) {
        IdPath::<SchoolId>::add_to(reads);
        AppKey::add_to(reads);
        ApiQuery::<DataQuery>::add_to(reads);
    }
}

impl DataPageRequest {
    /// One page of `resource` shared with the app.
    pub async fn list(self, resource: Resource) -> Result<Json<DataPage>, ApiError> {
        let DataPageRequest { state, caller, school_id, query } = self;
        Ok(Json(data_reads::list(&state.gatehouse, &caller, &school_id, resource, &query).await?))
    }
}
