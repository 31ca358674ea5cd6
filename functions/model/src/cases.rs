//! Support cases (P9): what a partner raises, the conversation with the
//! support team, and the lists (Active Cases, Archived, the support queue).

use serde::{Deserialize, Serialize};

/// What a case is about; the New Case form offers these in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseCategory {
    MissingOrIncorrectData,
    SchoolNotSyncing,
    AuthorisationOrInvitation,
    InstallOrMisAgent,
    ApiIntegration,
    AccountOrAccess,
    Other,
}

impl CaseCategory {
    pub const ALL: [CaseCategory; 7] = [
        CaseCategory::MissingOrIncorrectData,
        CaseCategory::SchoolNotSyncing,
        CaseCategory::AuthorisationOrInvitation,
        CaseCategory::InstallOrMisAgent,
        CaseCategory::ApiIntegration,
        CaseCategory::AccountOrAccess,
        CaseCategory::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            CaseCategory::MissingOrIncorrectData => "Missing or incorrect data",
            CaseCategory::SchoolNotSyncing => "School not syncing",
            CaseCategory::AuthorisationOrInvitation => "Authorisation or invitation",
            CaseCategory::InstallOrMisAgent => "Install or MIS agent",
            CaseCategory::ApiIntegration => "API integration",
            CaseCategory::AccountOrAccess => "Portal account or access",
            CaseCategory::Other => "Something else",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CaseCategory::MissingOrIncorrectData => "missing_or_incorrect_data",
            CaseCategory::SchoolNotSyncing => "school_not_syncing",
            CaseCategory::AuthorisationOrInvitation => "authorisation_or_invitation",
            CaseCategory::InstallOrMisAgent => "install_or_mis_agent",
            CaseCategory::ApiIntegration => "api_integration",
            CaseCategory::AccountOrAccess => "account_or_access",
            CaseCategory::Other => "other",
        }
    }
}

/// Where a case is: open → awaiting partner / awaiting support → closed.
/// "Active" means not closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    Open,
    AwaitingPartner,
    AwaitingSupport,
    Closed,
}

impl CaseState {
    pub const ALL: [CaseState; 4] =
        [CaseState::Open, CaseState::AwaitingSupport, CaseState::AwaitingPartner, CaseState::Closed];

    pub fn label(self) -> &'static str {
        match self {
            CaseState::Open => "Open",
            CaseState::AwaitingPartner => "Awaiting partner",
            CaseState::AwaitingSupport => "Awaiting support",
            CaseState::Closed => "Closed",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Open => "open",
            CaseState::AwaitingPartner => "awaiting_partner",
            CaseState::AwaitingSupport => "awaiting_support",
            CaseState::Closed => "closed",
        }
    }

    pub fn is_active(self) -> bool {
        self != CaseState::Closed
    }
}

/// Which of a partner's cases a list shows: the Active Cases tab (not
/// closed, or closed less than 30 days ago) or the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseFilter {
    #[default]
    Active,
    Archived,
}

impl CaseFilter {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseFilter::Active => "active",
            CaseFilter::Archived => "archived",
        }
    }
}

/// Who wrote a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CommentAuthor {
    Partner,
    Support,
}

/// `POST /api/partner/cases`: the New Case form. Every field but the school
/// is required; `app` picks one of the partner's apps (the first if absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCase {
    pub category: CaseCategory,
    /// A summary of the error and where it is seen.
    pub summary: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub description: String,
    #[serde(default)]
    pub school_id: Option<String>,
    #[serde(default)]
    pub app: Option<String>,
}

/// `GET /api/partner/cases` query.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
#[serde(default)]
pub struct CaseListQuery {
    pub filter: CaseFilter,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1 to 100; 25 when absent.
    pub limit: Option<u32>,
}

/// One case in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseSummary {
    /// The reference people quote, e.g. `GH-000123`.
    pub case_id: String,
    pub category: CaseCategory,
    pub summary: String,
    pub state: CaseState,
    pub escalated: bool,
    pub school_id: Option<String>,
    pub school_name: Option<String>,
    pub partner_name: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub updated_at: String,
    pub closed_at: Option<String>,
    pub archived: bool,
    /// The support agent looking after it, if any.
    pub assignee: Option<String>,
}

/// A page of cases, newest activity first (the support queue: escalated
/// first, then longest waiting).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CasePage {
    pub items: Vec<CaseSummary>,
    /// Pass back as `cursor` for the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// One comment of the conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseComment {
    /// 1 for the first comment, then +1.
    pub seq: u32,
    pub author_kind: CommentAuthor,
    pub author_name: String,
    pub text: String,
    /// RFC 3339, UTC.
    pub at: String,
}

/// A case with its conversation, oldest comment first (newest last).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseDetail {
    pub case_id: String,
    pub category: CaseCategory,
    pub summary: String,
    pub description: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub app_id: String,
    pub school_id: Option<String>,
    pub school_name: Option<String>,
    pub partner_id: String,
    pub partner_name: String,
    /// The partner user who raised it.
    pub raised_by: String,
    pub state: CaseState,
    pub escalated: bool,
    pub escalation_reason: Option<String>,
    pub escalated_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub closed_at: Option<String>,
    /// Until when a closed case can be reopened (RFC 3339); `None` unless closed.
    pub reopen_until: Option<String>,
    pub archived: bool,
    pub assignee: Option<String>,
    pub comments: Vec<CaseComment>,
}

/// `POST /api/partner/cases/{case_id}/comments`; honours `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseCommentRequest {
    pub text: String,
}

/// `POST /api/partner/cases/{case_id}/escalate`: why it is urgent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EscalateCaseRequest {
    pub reason: String,
}

/// The support queue's filter: one state, or the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QueueFilter {
    Open,
    AwaitingSupport,
    AwaitingPartner,
    Closed,
    Archived,
}

impl QueueFilter {
    pub const ALL: [QueueFilter; 5] = [
        QueueFilter::Open,
        QueueFilter::AwaitingSupport,
        QueueFilter::AwaitingPartner,
        QueueFilter::Closed,
        QueueFilter::Archived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QueueFilter::Open => "open",
            QueueFilter::AwaitingSupport => "awaiting_support",
            QueueFilter::AwaitingPartner => "awaiting_partner",
            QueueFilter::Closed => "closed",
            QueueFilter::Archived => "archived",
        }
    }
}
