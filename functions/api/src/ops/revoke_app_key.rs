//! `POST /api/partner/apps/{app_id}/keys/{key_id}/revoke` (A1).

use axum::Json;
use gatehouse_core::{AppId, KeyId, app_keys};
use gatehouse_model::AppKeyList;

use crate::path::IdPath;
use crate::session::SignedIn;

pass_through! {
    pub async fn handle(SignedIn, (app_id, key_id): IdPath<(AppId, KeyId)>) -> Json<AppKeyList> = app_keys::revoke;
}
