//! P7 invite a school, the school directory, and the S2 authorisation wizard.

use serde::{Deserialize, Serialize};

use crate::{ContactInput, FeedStatus, GdprMode, ScopeSet};

/// Open or closed, as the public register says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EstablishmentStatus {
    Open,
    Closed,
}

/// A school in the directory of schools in England and Wales.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectorySchool {
    pub urn: String,
    pub name: String,
    pub local_authority: String,
    pub postcode: String,
    /// e.g. Primary, Secondary, All-through.
    pub phase: String,
    pub status: EstablishmentStatus,
    /// Email domains verified as the school's own (`school.example.sch.uk`):
    /// an authoriser at one of them needs no further check (#12). Kept by
    /// operations; an import proposes the website's domain.
    #[serde(default)]
    pub email_domains: Vec<String>,
}

/// `GET /api/directory/schools?q=`: name words, URN, local authority or postcode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
pub struct DirectoryQuery {
    #[serde(default)]
    pub q: String,
}

/// Up to 20 matches, open schools first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectoryResults {
    pub items: Vec<DirectorySchool>,
    /// More schools match: type more to narrow the search.
    pub truncated: bool,
}

/// `POST /api/partner/invitations` (P7): the invite wizard's last step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InviteSchoolRequest {
    pub urn: String,
    pub school_contact: ContactInput,
    /// The partner confirms the contact may share data for the school.
    pub contact_may_authorise: bool,
    /// A colleague to be told about progress; the signed-in user when absent.
    #[serde(default)]
    pub partner_contact: Option<String>,
}

/// Where an invitation link stands when opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvitationState {
    /// Ready for the wizard.
    Open,
    /// Used: the wizard was completed; the summary shows the outcome.
    Authorised,
    /// Used, but the person's authority is not verified yet: operations
    /// check it before anything is shared.
    AwaitingVerification,
    /// Used by someone who is not an admin of the school's Gatehouse
    /// account: the school's admins approve or decline.
    AwaitingSchoolApproval,
}

/// `POST /api/invitations/forward`: "No, I am not the right person".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ForwardInvitationRequest {
    pub token: String,
    pub to: ContactInput,
    /// Who is forwarding: the person the link was sent to.
    #[serde(default)]
    pub from_name: Option<String>,
}

/// `POST /api/invitations/authorise`: the wizard's answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AuthoriseRequest {
    pub token: String,
    /// Step 1: the approver confirms they have authority to share.
    pub has_authority: bool,
    pub approver_name: String,
    pub approver_role: String,
    /// Step 2: the school's MIS (one of `MIS_CHOICES`).
    pub mis: String,
    /// Step 3: the requested scopes the school approves (all, some, or, when
    /// only asked for more, none).
    pub approved_scopes: ScopeSet,
    /// Step 4.
    pub gdpr_mode: GdprMode,
    /// Step 5: `Paused` to hold the feed while choosing people.
    pub feed_status: FeedStatus,
}

/// The receipt of an authorisation: who approved what, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthorisationReceipt {
    pub school_name: String,
    pub app_name: String,
    pub partner_name: String,
    pub approver_name: String,
    pub approver_role: String,
    /// RFC 3339.
    pub authorised_at: String,
    pub granted_scopes: ScopeSet,
    pub gdpr_mode: GdprMode,
    pub feed_status: FeedStatus,
}

/// The MIS a school can choose in step 2.
pub const MIS_CHOICES: [&str; 8] =
    ["SIMS", "Arbor", "Bromcom", "iSAMS", "ScholarPack", "Integris", "Pupil Asset", "Other"];
