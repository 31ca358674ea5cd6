//! `GET /api/directory/schools?q=` (P7): find a school to invite.

use axum::Json;
use gatehouse_core::directory;
use gatehouse_model::{DirectoryQuery, DirectoryResults};

use crate::extract::ApiQuery;
use crate::session::SignedIn;

pass_through! {
    pub async fn handle(_: SignedIn, query: ApiQuery<DirectoryQuery>) -> Json<DirectoryResults> = directory::search;
}
