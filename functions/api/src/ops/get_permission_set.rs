//! `GET /api/partner/apps/{app_id}/permissions` (P10).

use axum::Json;
use gatehouse_core::{AppId, permissions};
use gatehouse_model::PermissionSet;

use crate::path::IdPath;
use crate::session::SignedIn;

pass_through! {
    pub async fn handle(SignedIn, app_id: IdPath<AppId>) -> Json<PermissionSet> = permissions::get;
}
