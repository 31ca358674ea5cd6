//! `POST /api/partner/apps/{app_id}/keys` (A1): a new key; its secret is in this response only.

use axum::Json;
use gatehouse_core::{AppId, app_keys};
use gatehouse_model::{CreateAppKey, CreatedAppKey};

use crate::extract::ApiJson;
use crate::path::IdPath;
use crate::session::SignedIn;

pass_through! {
    pub async fn handle(SignedIn, app_id: IdPath<AppId>, request: ApiJson<CreateAppKey>)
        -> Json<CreatedAppKey> = app_keys::create;
}
