//! `GET /api/v1/schools/{school_id}/students/{student_id}` (A1): one pupil.

use axum::Json;
use gatehouse_core::{MisId, SchoolId, data_reads};
use gatehouse_model::DataRecord;

use crate::extract::AppKey;
use crate::path::IdPath;

pass_through! {
    pub async fn handle(AppKey, (school_id, student_id): IdPath<(SchoolId, MisId)>) -> Json<DataRecord> = data_reads::student;
}
