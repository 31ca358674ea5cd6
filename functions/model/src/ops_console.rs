//! The operations console (O1): partner organisations, the school directory
//! kept by ops, international school requests (P7) and the support queue.

use serde::{Deserialize, Serialize};

use crate::{EstablishmentStatus, QueueFilter};

/// `POST /api/ops/partners`: a partner organisation with its first admin and
/// its first app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPartner {
    /// The organisation's name; its id is made from it.
    pub name: String,
    pub admin_name: String,
    pub admin_email: String,
    pub app_name: String,
}

/// A partner organisation as the console lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerSummary {
    pub partner_id: String,
    pub name: String,
    pub app_id: String,
    pub app_name: String,
    pub admin_name: String,
    pub admin_email: String,
    /// Set when emails to the first admin bounced for good or they
    /// complained (#15): they get no sign-in link until it is fixed.
    #[serde(default)]
    pub admin_email_bounce: Option<crate::EmailBounce>,
    /// RFC 3339, UTC; `None` for organisations set up before the console.
    pub created_at: Option<String>,
    /// The ops user who created it.
    pub created_by: Option<String>,
}

/// `GET /api/ops/partners`: every partner organisation, by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerList {
    pub partners: Vec<PartnerSummary>,
}

/// `POST /api/ops/partners` answer: the organisation, and whether this call
/// created it (a retry of the same request finds it already there).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerCreated {
    pub partner: PartnerSummary,
    pub created: bool,
}

/// `POST /api/ops/directory/import?first_line=`: which line of the whole file
/// the part's first data row is, so skipped rows are reported by their line
/// in the file rather than in the part. 2 (the line after the header) when absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
pub struct DirectoryImportQuery {
    #[serde(default)]
    pub first_line: Option<u64>,
}

/// A row the import skipped, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkippedRow {
    pub line: u64,
    pub reason: String,
}

/// What importing one part of a register extract did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectoryImportReport {
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub skipped: Vec<SkippedRow>,
}

impl DirectoryImportReport {
    /// Adds a later part's report to this one.
    pub fn absorb(&mut self, part: DirectoryImportReport) {
        self.rows += part.rows;
        self.created += part.created;
        self.updated += part.updated;
        self.unchanged += part.unchanged;
        self.skipped.extend(part.skipped);
    }
}

/// `POST /api/ops/directory/schools/{urn}`: a correction to one entry. A
/// later import of the register overwrites it with the register's values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateDirectorySchool {
    pub name: String,
    pub local_authority: String,
    pub postcode: String,
    pub phase: String,
    pub status: EstablishmentStatus,
    /// The school's verified email domains; absent keeps the current ones.
    #[serde(default)]
    pub email_domains: Option<Vec<String>>,
}

/// `POST /api/partner/international-requests` (P7): a school outside England
/// and Wales, which the directory does not have.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewInternationalRequest {
    pub school_name: String,
    /// Postal address with the country, several lines allowed.
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
}

/// Where an international school request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InternationalRequestState {
    #[default]
    Pending,
    Accepted,
    Declined,
}

impl InternationalRequestState {
    pub const ALL: [InternationalRequestState; 3] =
        [InternationalRequestState::Pending, InternationalRequestState::Accepted, InternationalRequestState::Declined];

    pub fn as_str(self) -> &'static str {
        match self {
            InternationalRequestState::Pending => "pending",
            InternationalRequestState::Accepted => "accepted",
            InternationalRequestState::Declined => "declined",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InternationalRequestState::Pending => "Waiting for operations",
            InternationalRequestState::Accepted => "Accepted: ready to invite",
            InternationalRequestState::Declined => "Declined",
        }
    }
}

/// An international school request, for the partner who raised it and for ops.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InternationalRequest {
    pub request_id: String,
    pub school_name: String,
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub partner_id: String,
    pub partner_name: String,
    /// The partner user who asked.
    pub requested_by: String,
    pub state: InternationalRequestState,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
    pub decline_reason: Option<String>,
    /// The school's id in the directory once accepted (`INT` and six digits):
    /// the partner invites it with this.
    pub urn: Option<String>,
}

/// A list of international school requests, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InternationalRequestList {
    pub items: Vec<InternationalRequest>,
}

/// `GET /api/ops/international-requests?state=`: pending when absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
pub struct InternationalRequestQuery {
    #[serde(default)]
    pub state: InternationalRequestState,
}

/// `POST /api/ops/international-requests/{request_id}/accept`: what the
/// directory entry shows in its local authority column (the country or
/// region; "International" when absent).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AcceptInternationalRequest {
    #[serde(default)]
    pub region: Option<String>,
}

/// `POST /api/ops/international-requests/{request_id}/decline`: the reason,
/// emailed to the partner user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeclineInternationalRequest {
    pub reason: String,
}

/// `GET /api/ops/cases`: one state's queue, escalated first; `open` when absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
#[serde(default)]
pub struct SupportQueueQuery {
    pub filter: Option<QueueFilter>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// 1 to 100; 25 when absent.
    pub limit: Option<u32>,
}

/// `POST /api/ops/cases/{case_id}/reply`; honours `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SupportReply {
    pub text: String,
}

/// `POST /api/ops/cases/{case_id}/reassign`: the support agent's name, or
/// `None` to leave the case with nobody.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReassignCase {
    #[serde(default)]
    pub assignee: Option<String>,
}

/// One authoriser waiting for operations to verify their authority (#12):
/// who, for which school, which partner invited, and the evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthorityVerification {
    pub app_id: String,
    pub school_id: String,
    pub urn: Option<String>,
    pub school_name: String,
    pub partner_name: String,
    pub app_name: String,
    pub authoriser_name: String,
    /// Their role at the school as they gave it.
    pub authoriser_role: String,
    pub authoriser_email: String,
    /// The domain of `authoriser_email`.
    pub email_domain: String,
    /// The directory's verified domains for the school; none matched.
    pub directory_domains: Vec<String>,
    /// The partner user (or app) who named this person as the school contact.
    pub invited_by: Option<String>,
    /// RFC 3339.
    pub requested_at: String,
}

/// `GET /api/ops/verifications`: oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthorityVerificationList {
    pub waiting: Vec<AuthorityVerification>,
}

/// What operations decided about an authoriser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VerificationDecision {
    /// They have authority: they become the school's first admin and the
    /// authorisation takes effect.
    Verify,
    /// They do not: the authorisation is dropped and the partner must invite
    /// someone who has authority.
    Reject,
}

/// `POST /api/ops/verifications/decide`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecideAuthorityVerification {
    pub app_id: String,
    pub school_id: String,
    pub decision: VerificationDecision,
    /// Why, for the log (required to reject).
    #[serde(default)]
    pub reason: Option<String>,
}

/// `GET /api/ops/authorisation-logs/audit`: where to carry on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
#[serde(default)]
pub struct LogAuditQuery {
    /// The previous page's `next_cursor`; absent to start with the first app.
    pub cursor: Option<String>,
    /// Links to check in this page, 1 to 100; 100 when absent.
    pub limit: Option<u32>,
}

/// One page of the audit of every school link's Authorisation Log (P8): each
/// log is read whole and its hash chain checked against the link's head.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogAudit {
    /// School links whose log this page checked.
    pub links_checked: u32,
    /// Log entries this page read.
    pub entries_checked: u32,
    /// The logs this page found broken; empty when all are intact.
    pub broken: Vec<BrokenLog>,
    /// Apps finished so far, counting this page, of `apps_total`.
    pub apps_done: u32,
    pub apps_total: u32,
    /// Pass back as `cursor` for the next page; `None` when every log is checked.
    pub next_cursor: Option<String>,
}

/// A log whose chain does not hold: an entry was changed, is missing, or
/// entries after the named one were removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BrokenLog {
    pub partner_name: String,
    pub app_id: String,
    pub app_name: String,
    pub school_id: String,
    pub school_name: String,
    /// The entry where the check failed.
    pub seq: u32,
    pub reason: String,
}
