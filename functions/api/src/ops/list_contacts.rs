//! `GET /api/v1/schools/{school_id}/contacts` (A1, A3): the school's parents and carers shared with the app.

use axum::Json;
use gatehouse_model::{DataPage, Resource};

use super::data_pages::DataPageRequest;
use crate::ApiError;

pub async fn handle(request: DataPageRequest) -> Result<Json<DataPage>, ApiError> {
    request.list(Resource::Contacts).await
}
