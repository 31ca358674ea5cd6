//! Wire types shared by the functions and the Leptos SPA: requests, responses,
//! the `Problem` body and the route table. Serde only, so it builds for wasm32.

mod app_keys;
mod calls;
mod cases;
mod columns;
mod data_api;
mod email;
mod email_feedback;
mod install_bookings;
mod invitations;
mod jobs;
pub mod oneroster;
mod ops_console;
mod people;
mod person_requests;
mod portal_data;
mod problem;
mod routes;
mod school_detail;
mod school_portal;
mod schools;
mod scopes;
mod session;
mod team;
mod webhooks;

pub use app_keys::{
    AppKeyList, AppKeySummary, CreateAppKey, CreatedAppKey, CredentialKind, OAuthError, OAuthErrorCode, OAuthToken,
    OAuthTokenRequest,
};
#[cfg(feature = "openapi")]
pub use calls::SchemaVisitor;
pub use calls::{CsvText, DocumentedAnswer, Endpoint, EndpointVisitor, NoBody, NoContent, NoQuery, RawBody};
pub use cases::{
    CaseCategory, CaseComment, CaseCommentRequest, CaseDetail, CaseFilter, CaseListQuery, CasePage, CaseState,
    CaseSummary, CommentAuthor, EscalateCaseRequest, NewCase, QueueFilter,
};
pub use columns::{Column, columns, erasure_status};
pub use data_api::{
    AppSchools, BackupErasure, ConnectionState, ErasureConfirmation, ErasureConfirmationRequest, SchoolConnection,
};
pub use email::{EmailAddress, InvalidValue};
pub use email_feedback::{EmailBounce, EmailBounceReason};
pub use install_bookings::{InstallBookingPage, InstallBookingsQuery, InstallMarked, InstallSlots, OfferSlots};
pub use invitations::{
    AuthorisationReceipt, AuthoriseRequest, DirectoryQuery, DirectoryResults, DirectorySchool, EstablishmentStatus,
    ForwardInvitationRequest, InvitationState, InviteSchoolRequest, MIS_CHOICES,
};
pub use jobs::{JobAccepted, JobKind, JobProblem, JobProgress, JobResult, JobState, JobStatus};
pub use ops_console::{
    AcceptInternationalRequest, AuthorityVerification, AuthorityVerificationList, BrokenLog,
    DecideAuthorityVerification, DeclineInternationalRequest, DirectoryImportQuery, DirectoryImportReport,
    InternationalRequest, InternationalRequestList, InternationalRequestQuery, InternationalRequestState, LogAudit,
    LogAuditQuery, NewInternationalRequest, NewPartner, PartnerCreated, PartnerList, PartnerSummary, ReassignCase,
    SkippedRow, SupportQueueQuery, SupportReply, UpdateDirectorySchool, VerificationDecision,
};
pub use people::{
    AgentKeyIssued, AgentStatus, ChangeCounts, Contact, DataPage, DataQuery, DataRecord, DeletedRecord, DeletedRef,
    ExplainQuery, ExplainReason, Explanation, Extract, ExtractKind, ExtractOutcome, ExtractReceipt, Group, GroupKind,
    HeldExtractDiff, HeldExtractSummary, MisRetention, MisRetentionList, PersonSelection, PersonSummary, PurgedRecords,
    PushStatus, RejectedRecord, Relationship, Resource, SchoolMisRetention, SelectionChoice, SenStatus, StaffMember,
    Student,
};
pub use person_requests::{PersonAppAccess, PersonExportQuery, SchoolPersonDetail, SchoolPersonMatches};
pub use portal_data::{
    AppPull, HeldExtractAction, HeldExtractChoice, HeldExtractDecision, PartnerExplainQuery, SchoolFeed,
};
pub use problem::{Problem, ProblemCode};
pub use routes::{
    Audience, EVENT_CONSUMERS, EventConsumer, EventOrigin, FUNCTION_VARIABLE, JOBS, Job, Method, Op, ROUTES, Route,
    SES_EMAIL_BOUNCED, SES_EMAIL_COMPLAINED, SIGN_IN_REQUESTED, Sizing, endpoint, sizing, with_endpoint,
};
pub use school_detail::{
    ActionOutcome, AppQuery, ContactInput, InvitationSummary, InviteRequest, LogEntry, LogEvent, OpenInvitationRequest,
    PriorityRequest, RevokeReason, RevokeRequest, SchoolAction, SchoolDetail,
};
pub use school_portal::{
    AddSchoolColleague, BookSlotRequest, InstallBooking, InstallType, PendingRequest, ReceiptRef,
    RemoveSchoolColleague, SchoolAppDetail, SchoolAppOutcome, SchoolAppRow, SchoolAppSettings, SchoolAppState,
    SchoolAuthoriseRequest, SchoolColleague, SchoolDashboard, SchoolDeclineRequest, SchoolOnboarding, SchoolPeople,
    SchoolPeopleQuery, SchoolPerson, SchoolRevokeRequest, SchoolTeam, SchoolTeamChange, SelfInstallKey,
    SetPersonChoice,
};
pub use schools::{
    FeedStatus, GdprMode, InstallState, InstallStatus, InvitationStatus, ListSchoolsQuery, MIS_NOT_DETECTED,
    SchoolPage, SchoolRow, SchoolStatus, SchoolView, SortColumn, SortDirection,
};
pub use scopes::{PermissionSet, PermissionSetSaved, Scope, ScopeKind, ScopeSet, UpdatePermissionSet};
pub use session::{AccountKind, AppSummary, MagicLinkAccepted, MagicLinkRequest, Me, OpsMe, SchoolMe, SessionRequest};
pub use team::{AddTeamMember, RemoveTeamMember, TeamMember, TeamPage, TeamRole};
pub use webhooks::{DeliveryStatus, SetWebhook, WebhookDeliveries, WebhookDelivery, WebhookSaved, WebhookSettings};

/// Health check body: enough for a load balancer or a human with curl.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    pub version: String,
}
