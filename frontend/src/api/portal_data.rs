//! The portals' calls about the school's MIS data (G1, A3): explain for the
//! school and the partner tile, the school's feed, and the held extract.

use gatehouse_model::{Explanation, HeldExtractChoice, HeldExtractDecision, HeldExtractDiff, Op, SchoolFeed};

use super::{ApiError, decode, path_of, request, request_to, send};

/// Who asks "why is this person missing?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExplainAsker {
    /// The signed-in school, about one of its apps.
    School { app_id: String },
    /// The signed-in partner, about its app's link to a school.
    Partner { school_id: String, app_id: Option<String> },
}

pub async fn explain(asker: &ExplainAsker, mis_id: String) -> Result<Explanation, ApiError> {
    let request = match asker {
        ExplainAsker::School { app_id } => {
            let path = path_of(Op::ExplainSchoolPerson, &[("app_id", app_id)]);
            request_to(Op::ExplainSchoolPerson, path).query([("mis_id", mis_id)])
        }
        ExplainAsker::Partner { school_id, app_id } => {
            let path = path_of(Op::ExplainPartnerSchoolPerson, &[("school_id", school_id)]);
            let builder = request_to(Op::ExplainPartnerSchoolPerson, path).query([("mis_id", mis_id)]);
            match app_id {
                Some(app) => builder.query([("app", app.as_str())]),
                None => builder,
            }
        }
    };
    decode(send(request.build()).await?).await
}

pub async fn school_feed() -> Result<SchoolFeed, ApiError> {
    decode(send(request(Op::GetSchoolFeed).build()).await?).await
}

pub async fn school_held_extract() -> Result<HeldExtractDiff, ApiError> {
    decode(send(request(Op::GetSchoolHeldExtract).build()).await?).await
}

/// Releases (`true`) or rejects the school's held extract: the one reviewed,
/// named by its `held_id` (a newer one answers `conflict`).
pub async fn decide_held_extract(release: bool, held_id: String) -> Result<HeldExtractDecision, ApiError> {
    let op = if release { Op::ReleaseSchoolHeldExtract } else { Op::RejectSchoolHeldExtract };
    decode(send(request(op).json(&HeldExtractChoice { held_id })).await?).await
}
