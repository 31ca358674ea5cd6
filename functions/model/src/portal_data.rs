//! The portals' view of the school's MIS data (G1, A3): "why is this person
//! missing?" for the school and the partner tile, the deletion guard's held
//! extract for the school and support, and freshness on the dashboards.

use serde::{Deserialize, Serialize};

use crate::{ExtractReceipt, HeldExtractSummary, MisRetention, PushStatus};

/// `?app=&mis_id=` of the partner tile's explain.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
pub struct PartnerExplainQuery {
    /// One of the partner's apps; the first when absent.
    pub app: Option<String>,
    pub mis_id: String,
}

/// What the school or support decided about a held extract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HeldExtractAction {
    /// Applied as pushed, deletions included.
    Released,
    /// Thrown away; the school keeps its current data.
    Rejected,
}

/// The body of `POST .../held-extract/release|reject`: which held extract
/// the decision is about, as the diff named it. A newer held extract
/// (pushed since the diff was read) answers `409 conflict`, untouched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({ "held_id": "5f0c2a9e41d7b8c3" })))]
#[serde(deny_unknown_fields)]
pub struct HeldExtractChoice {
    /// `summary.held_id` of the diff reviewed.
    pub held_id: String,
}

/// `POST .../held-extract/release|reject`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "action": "released",
    "message": "The held extract was applied: 160 people deleted.",
    "receipt": {
        "outcome": "applied", "status": "ok",
        "changes": { "created": 0, "updated": 12, "deleted": 160, "unchanged": 1328 },
        "rejected": [], "held_reason": null
    }
})))]
pub struct HeldExtractDecision {
    pub action: HeldExtractAction,
    pub message: String,
    /// The push's receipt, when released.
    pub receipt: Option<ExtractReceipt>,
}

/// One app's last pull at the school (A5 freshness).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppPull {
    pub app_id: String,
    pub app_name: String,
    /// `YYYY-MM-DD` (UTC): the last day the app called the data API for
    /// this school, this month or last; absent when it has not.
    pub last_pull_on: Option<String>,
}

/// `GET /api/school/feed`: the school's MIS feed at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchoolFeed {
    pub school_id: String,
    /// RFC 3339: the last extract the MIS agent pushed.
    pub last_extract_at: Option<String>,
    pub last_status: Option<PushStatus>,
    /// The last extract is more than 7 days old (or there is none).
    pub cache_stale: bool,
    /// Live persons held for the school.
    pub persons: u32,
    /// A full extract held by the deletion guard, waiting for review.
    pub held_extract: Option<HeldExtractSummary>,
    pub apps: Vec<AppPull>,
    /// When the school's MIS data will be (or was) deleted because no app
    /// has access (#16).
    pub retention: MisRetention,
}
