//! `POST /api/v1/schools/{school_id}/erasure-confirmation` (#16): after access
//! ends, the app confirms that it erased the school's data.

use axum::Json;
use gatehouse_core::SchoolId;
use gatehouse_core::school::erasure;
use gatehouse_model::{ErasureConfirmation, ErasureConfirmationRequest};

use crate::extract::{ApiJson, AppKey};
use crate::path::IdPath;

pass_through! {
    pub async fn handle(AppKey, school_id: IdPath<SchoolId>, request: ApiJson<ErasureConfirmationRequest>)
        -> Json<ErasureConfirmation> = erasure::confirm;
}
