//! `GET /api/partner/apps/{app_id}/keys` (A1): an app's keys, never their secrets.

use axum::Json;
use gatehouse_core::{AppId, app_keys};
use gatehouse_model::AppKeyList;

use crate::path::IdPath;
use crate::session::SignedIn;

pass_through! {
    pub async fn handle(SignedIn, app_id: IdPath<AppId>) -> Json<AppKeyList> = app_keys::list;
}
