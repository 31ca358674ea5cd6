//! RFC 9457 problem details: the one error body every operation returns.

use serde::{Deserialize, Serialize};

/// `application/problem+json`. `code` is stable and machine-readable; `detail`
/// is a sentence for a person. Internals never appear here.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the problem type, `about:blank` style: `/problems/<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code, e.g. `link_expired`.
    pub code: String,
    /// The field at fault, for validation problems.
    pub field: Option<String>,
    /// Quote this to support: it finds the log lines of the request.
    pub request_id: Option<String>,
}

impl Problem {
    pub const CONTENT_TYPE: &'static str = "application/problem+json";
}
