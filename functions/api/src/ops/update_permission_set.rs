//! `POST /api/partner/apps/{app_id}/permissions` (P10): the whole new set,
//! saved at once; a job asks the schools (#15): `202` and the job.

use gatehouse_core::{AppId, permissions};
use gatehouse_model::UpdatePermissionSet;

use super::Accepted;
use crate::extract::ApiJson;
use crate::path::IdPath;
use crate::session::SignedIn;

pass_through! {
    pub async fn handle(SignedIn, app_id: IdPath<AppId>, key: IdempotencyKey, request: ApiJson<UpdatePermissionSet>)
        -> Accepted = permissions::update;
}
