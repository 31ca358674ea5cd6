//! `GET /ims/oneroster/rostering/v1p2/…` (#17): the three shapes of a
//! rostering read, a collection, one object and a list under one object,
//! each the same read (`core::data::oneroster::read`) of its path.

use axum::extract::Path;
use axum::response::Response;
use gatehouse_core::data::oneroster::read::RosterPath;

use crate::oneroster::RosterRequest;

/// `…/{collection}`.
pub async fn list(Path(collection): Path<String>, request: RosterRequest) -> Response {
    request.answer(RosterPath { collection: &collection, sourced_id: None, nested: None }).await
}

/// `…/{collection}/{sourced_id}`.
pub async fn get(Path((collection, sourced_id)): Path<(String, String)>, request: RosterRequest) -> Response {
    request.answer(RosterPath { collection: &collection, sourced_id: Some(&sourced_id), nested: None }).await
}

/// `…/{collection}/{sourced_id}/{nested}`.
pub async fn nested(
    Path((collection, sourced_id, nested)): Path<(String, String, String)>,
    request: RosterRequest,
) -> Response {
    let path = RosterPath { collection: &collection, sourced_id: Some(&sourced_id), nested: Some(&nested) };
    request.answer(path).await
}
