//! The partner's school lists (P2 Active, P3 Pending, P4 Revoked): one row type
//! with the columns of every view, so the table component and export share it.

use serde::{Deserialize, Serialize};

/// Which list a school link sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SchoolView {
    #[default]
    Active,
    Pending,
    Revoked,
}

impl SchoolView {
    pub fn as_str(self) -> &'static str {
        match self {
            SchoolView::Active => "active",
            SchoolView::Pending => "pending",
            SchoolView::Revoked => "revoked",
        }
    }
}

/// Health of the school's data feed as the partner sees it (P2 "status").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SchoolStatus {
    #[serde(rename = "OK")]
    Ok,
    Warning,
    Error,
    Unknown,
    Inactive,
    #[serde(rename = "Not Installed")]
    NotInstalled,
}

impl SchoolStatus {
    pub const ALL: [SchoolStatus; 6] = [
        SchoolStatus::Ok,
        SchoolStatus::Warning,
        SchoolStatus::Error,
        SchoolStatus::Unknown,
        SchoolStatus::Inactive,
        SchoolStatus::NotInstalled,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SchoolStatus::Ok => "OK",
            SchoolStatus::Warning => "Warning",
            SchoolStatus::Error => "Error",
            SchoolStatus::Unknown => "Unknown",
            SchoolStatus::Inactive => "Inactive",
            SchoolStatus::NotInstalled => "Not Installed",
        }
    }
}

/// S2 GDPR mode: who is shared by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum GdprMode {
    #[serde(rename = "Include All")]
    IncludeAll,
    #[serde(rename = "Exclude All")]
    ExcludeAll,
}

impl GdprMode {
    pub const ALL: [GdprMode; 2] = [GdprMode::IncludeAll, GdprMode::ExcludeAll];

    pub fn label(self) -> &'static str {
        match self {
            GdprMode::IncludeAll => "Include All",
            GdprMode::ExcludeAll => "Exclude All",
        }
    }
}

/// Whether the school lets the app read now (S2 "pause the feed").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum FeedStatus {
    Enabled,
    Paused,
}

impl FeedStatus {
    pub const ALL: [FeedStatus; 2] = [FeedStatus::Enabled, FeedStatus::Paused];

    pub fn label(self) -> &'static str {
        match self {
            FeedStatus::Enabled => "Enabled",
            FeedStatus::Paused => "Paused",
        }
    }
}

/// S4 install progress: Onboarding Queue → Booked (slot) → Installed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "state")]
pub enum InstallStatus {
    #[serde(rename = "Onboarding Queue")]
    OnboardingQueue,
    /// A slot booked with the support team, ISO 8601 local date-time (UK).
    Booked {
        slot: String,
    },
    Installed,
}

impl InstallStatus {
    /// What the Install Status column shows.
    pub fn label(&self) -> String {
        match self {
            InstallStatus::OnboardingQueue => "Onboarding Queue".to_owned(),
            InstallStatus::Booked { slot } => format!("Booked {}", slot.replace('T', " ")),
            InstallStatus::Installed => "Installed".to_owned(),
        }
    }
}

/// Where a pending invitation stands (P3): sent, or the install works and
/// only the school's authorisation is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum InvitationStatus {
    #[serde(rename = "Invitation Sent")]
    InvitationSent,
    #[serde(rename = "Ready to Authorise")]
    ReadyToAuthorise,
    /// Someone with no verified authority at the school authorised; nothing
    /// flows until operations (or the school's directory domain) confirm them.
    #[serde(rename = "Awaiting Verification")]
    AwaitingVerification,
    /// The school already has admins, and one of them must approve.
    #[serde(rename = "Awaiting School Approval")]
    AwaitingSchoolApproval,
}

impl InvitationStatus {
    pub const ALL: [InvitationStatus; 4] = [
        InvitationStatus::InvitationSent,
        InvitationStatus::ReadyToAuthorise,
        InvitationStatus::AwaitingVerification,
        InvitationStatus::AwaitingSchoolApproval,
    ];

    pub fn label(self) -> &'static str {
        match self {
            InvitationStatus::InvitationSent => "Invitation Sent",
            InvitationStatus::ReadyToAuthorise => "Ready to Authorise",
            InvitationStatus::AwaitingVerification => "Awaiting Verification",
            InvitationStatus::AwaitingSchoolApproval => "Awaiting School Approval",
        }
    }
}

/// The Install Status filter: the state without a booked slot's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum InstallState {
    #[serde(rename = "Onboarding Queue")]
    OnboardingQueue,
    Booked,
    Installed,
}

impl InstallState {
    pub const ALL: [InstallState; 3] = [InstallState::OnboardingQueue, InstallState::Booked, InstallState::Installed];

    pub fn label(self) -> &'static str {
        match self {
            InstallState::OnboardingQueue => "Onboarding Queue",
            InstallState::Booked => "Booked",
            InstallState::Installed => "Installed",
        }
    }
}

impl InstallStatus {
    pub fn state(&self) -> InstallState {
        match self {
            InstallStatus::OnboardingQueue => InstallState::OnboardingQueue,
            InstallStatus::Booked { .. } => InstallState::Booked,
            InstallStatus::Installed => InstallState::Installed,
        }
    }
}

/// What the MIS column shows, and the MIS filter matches, while the school's
/// MIS is not yet known.
pub const MIS_NOT_DETECTED: &str = "Not detected";

/// A column the lists can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SortColumn {
    SchoolId,
    #[default]
    Name,
    Mis,
    Status,
    AuthorisedOn,
    GdprMode,
    FeedStatus,
    MonthStats,
    InstallStatus,
    CacheAge,
    ActiveCases,
    RevokePending,
    ReauthorisationNeeded,
    DateInvited,
    LastReminded,
    SchoolContact,
    PartnerContact,
    InvitationStatus,
    RevokedOn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SortDirection {
    #[default]
    Asc,
    Desc,
}

/// One school in one of the partner's lists. Dates are ISO 8601 (`YYYY-MM-DD`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchoolRow {
    pub school_id: String,
    pub name: String,
    pub urn: Option<String>,
    pub local_authority: Option<String>,
    pub postcode: Option<String>,
    /// The school's MIS, or `None` while not detected.
    pub mis: Option<String>,
    pub status: SchoolStatus,
    pub authorised_on: Option<String>,
    pub gdpr_mode: Option<GdprMode>,
    pub feed_status: Option<FeedStatus>,
    /// API calls by the app for this school in the current month (A5).
    pub month_stats: u64,
    pub install_status: InstallStatus,
    /// Days since the last agent extract; `None` when never extracted.
    pub cache_age_days: Option<u32>,
    pub active_cases: u32,
    /// The date a requested revocation takes effect, while it is in the future.
    pub revoke_pending: Option<String>,
    /// P10: the app now requests scopes this school has not granted; until it
    /// re-authorises, the app reads only what was granted.
    pub reauthorisation_needed: bool,
    /// P3: when the school was (last) invited.
    pub date_invited: Option<String>,
    /// P3: who at the school the invitation and reminders go to.
    pub school_contact: Option<String>,
    /// P3: who at the partner invited the school.
    pub partner_contact: Option<String>,
    /// P3: set for pending invitations only.
    pub invitation_status: Option<InvitationStatus>,
    /// P3: marked as a priority by the partner.
    pub priority: bool,
    /// P11: when the school contact was last sent a reminder.
    pub last_reminded: Option<String>,
    /// P4: when access ended.
    pub revoked_on: Option<String>,
    /// P4: who revoked: a partner user's name, or "School".
    pub revoked_by: Option<String>,
    /// #16: days since access ended, while the app has not confirmed that it
    /// erased the school's data ("Erasure not yet confirmed").
    #[serde(default)]
    pub erasure_unconfirmed_days: Option<u32>,
}

impl SchoolRow {
    /// A school known by its id and name only: not installed, in the
    /// onboarding queue, nothing counted. Examples and tests start here and
    /// set what they are about.
    pub fn named(school_id: &str, name: &str) -> Self {
        SchoolRow {
            school_id: school_id.to_owned(),
            name: name.to_owned(),
            urn: None,
            local_authority: None,
            postcode: None,
            mis: None,
            status: SchoolStatus::NotInstalled,
            authorised_on: None,
            gdpr_mode: None,
            feed_status: None,
            month_stats: 0,
            install_status: InstallStatus::OnboardingQueue,
            cache_age_days: None,
            active_cases: 0,
            revoke_pending: None,
            reauthorisation_needed: false,
            date_invited: None,
            school_contact: None,
            partner_contact: None,
            invitation_status: None,
            priority: false,
            last_reminded: None,
            revoked_on: None,
            revoked_by: None,
            erasure_unconfirmed_days: None,
        }
    }
}

/// `GET /api/partner/schools` query string.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
#[serde(default)]
pub struct ListSchoolsQuery {
    pub view: SchoolView,
    /// The app whose schools to list; the partner's first app when absent.
    pub app: Option<String>,
    /// 1-based page number.
    pub page: Option<u32>,
    /// Rows per page, 1 to 200; 50 when absent.
    pub page_size: Option<u32>,
    /// Free text, matched case-insensitively against every column as shown.
    pub q: Option<String>,
    pub status: Option<SchoolStatus>,
    /// An MIS name as shown in the MIS column (`Not detected` included).
    pub mis: Option<String>,
    pub install: Option<InstallState>,
    pub gdpr: Option<GdprMode>,
    pub feed: Option<FeedStatus>,
    /// `true`: only schools with a revocation pending; `false`: only without.
    pub revoke_pending: Option<bool>,
    /// P10: `true` keeps schools that must re-authorise for added scopes.
    pub reauthorisation: Option<bool>,
    /// P3 "priority only": `true` keeps priority schools only.
    pub priority: Option<bool>,
    /// P3 status filter.
    pub invitation: Option<InvitationStatus>,
    /// Sort column; school name when absent. Ties fall back to name, then id.
    pub sort: Option<SortColumn>,
    pub dir: Option<SortDirection>,
}

/// One page of a school list: "records x–y of n".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchoolPage {
    pub items: Vec<SchoolRow>,
    /// Rows matching the search and filters, over all pages.
    pub total: u32,
    pub page: u32,
    pub page_size: u32,
    /// Rows in the view before search and filters ("42 of 60 shown").
    pub view_total: u32,
    /// The MIS values present in the view, for the MIS filter's options.
    pub mis_options: Vec<String>,
}

impl SchoolPage {
    /// The 1-based record range shown on this page, `None` when empty.
    pub fn record_range(&self) -> Option<(u32, u32)> {
        if self.items.is_empty() {
            return None;
        }
        let first = (self.page - 1) * self.page_size + 1;
        Some((first, first + self.items.len() as u32 - 1))
    }

    pub fn page_count(&self) -> u32 {
        self.total.div_ceil(self.page_size.max(1)).max(1)
    }
}
