//! `POST /api/partner/apps/{app_id}/permissions` (P10): the whole new set.

use gatehouse_core::{AppId, permissions};
use gatehouse_model::{PermissionSetSaved, UpdatePermissionSet};

use crate::extract::ApiJson;
use crate::path::IdPath;
use crate::session::SignedIn;

pass_through! {
    pub async fn handle(SignedIn, app_id: IdPath<AppId>, request: ApiJson<UpdatePermissionSet>)
        -> PermissionSetSaved = permissions::update;
}
