//! The route table: the one list of operations. The local router mounts from it,
//! the SPA calls through it (`Endpoint`), OpenAPI is generated from it, and
//! `tests/parity.rs` checks `infra/template.yaml` and the lambda bins against it.

use crate::calls::{CsvText, Endpoint, EndpointVisitor, NoBody, NoContent, NoQuery, RawBody};
use crate::{
    AcceptInternationalRequest, ActionOutcome, AddSchoolColleague, AddTeamMember, AgentKeyIssued, AgentStatus,
    AppKeyList, AppQuery, AppSchools, AuthoriseRequest, AuthorityVerificationList, BookSlotRequest, CaseCommentRequest,
    CaseDetail, CaseListQuery, CasePage, CreateAppKey, CreatedAppKey, DataPage, DataQuery, DataRecord,
    DecideAuthorityVerification, DeclineInternationalRequest, DirectoryImportQuery, DirectoryImportReport,
    DirectoryQuery, DirectoryResults, DirectorySchool, EscalateCaseRequest, ExplainQuery, Explanation, Extract,
    ExtractReceipt, ForwardInvitationRequest, Health, HeldExtractChoice, HeldExtractDecision, HeldExtractDiff,
    InstallBookingPage, InstallBookingsQuery, InstallMarked, InstallSlots, InternationalRequest,
    InternationalRequestList, InternationalRequestQuery, InvitationSummary, InviteRequest, InviteSchoolRequest,
    ListSchoolsQuery, MagicLinkAccepted, MagicLinkRequest, Me, NewCase, NewInternationalRequest, NewPartner,
    OfferSlots, OpenInvitationRequest, OpsMe, PartnerCreated, PartnerExplainQuery, PartnerList, PermissionSet,
    PermissionSetSaved, PriorityRequest, ReassignCase, RemoveSchoolColleague, RemoveTeamMember, RevokeRequest,
    SchoolAppDetail, SchoolAppOutcome, SchoolAppSettings, SchoolAuthoriseRequest, SchoolConnection, SchoolDashboard,
    SchoolDeclineRequest, SchoolDetail, SchoolFeed, SchoolMe, SchoolOnboarding, SchoolPage, SchoolPeople,
    SchoolPeopleQuery, SchoolRevokeRequest, SchoolTeam, SelfInstallKey, SessionRequest, SetPersonChoice, SetWebhook,
    SupportQueueQuery, SupportReply, TeamPage, UpdateDirectorySchool, UpdatePermissionSet, WebhookDeliveries,
    WebhookDelivery, WebhookSaved, WebhookSettings,
};

/// HTTP method of a route; only the ones the product uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// One row of the route table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub op: Op,
    pub method: Method,
    /// Path as API Gateway and axum both spell it (`{param}` for parameters).
    pub path: &'static str,
    /// snake_case: the bin name, the span name; `PascalCase` + `Function` in SAM.
    pub name: &'static str,
    /// One line for OpenAPI and the docs.
    pub summary: &'static str,
}

/// Declares every operation once, in route-table order, as
///
/// ```text
/// Name: Method "path", "snake_name",
///     "summary",
///     [body Type,] [query Type,] answers Type[, idempotent];
/// ```
///
/// and makes from that list `Op`, `ROUTES`, a marker type per operation in
/// `endpoint` implementing `Endpoint`, and `with_endpoint`. Body and query
/// default to `NoBody` and `NoQuery`; `idempotent` marks an operation that
/// takes an `Idempotency-Key`.
macro_rules! operations {
    (@or $given:ty; $default:ty) => { $given };
    (@or ; $default:ty) => { $default };
    (@idempotent idempotent) => { true };
    (@idempotent) => { false };
    ($(
        $op:ident: $method:ident $path:literal, $name:literal,
            $summary:literal,
            $(body $body:ty,)? $(query $query:ty,)? answers $response:ty $(, $idempotent:ident)?;
    )*) => {
        /// One operation = one handler = one Lambda function.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Op {
            $($op,)*
        }

        pub const ROUTES: &[Route] = &[
            $(Route { op: Op::$op, method: Method::$method, path: $path, name: $name, summary: $summary },)*
        ];

        /// One marker type per operation, for `Endpoint`: `call::<endpoint::GetMe>()`.
        pub mod endpoint {
            $(
                #[doc = $summary]
                #[derive(Debug, Clone, Copy, PartialEq, Eq)]
                pub struct $op;
            )*
        }

        $(
            impl Endpoint for endpoint::$op {
                const OP: Op = Op::$op;
                const IDEMPOTENCY_KEY: bool = operations!(@idempotent $($idempotent)?);
                type Body = operations!(@or $($body)?; NoBody);
                type Query = operations!(@or $($query)?; NoQuery);
                type Response = $response;
            }
        )*

        /// Hands `visitor` the marker type of `op`: its body, query and answer types.
        pub fn with_endpoint<V: EndpointVisitor>(op: Op, visitor: V) -> V::Output {
            match op {
                $(Op::$op => visitor.visit::<endpoint::$op>(),)*
            }
        }
    };
}

operations! {
    Health: Get "/api/health", "health",
        "Liveness check",
        answers Health;
    OpenApi: Get "/api/openapi.json", "openapi",
        "This API's OpenAPI 3.1 document",
        answers RawBody;
    RequestMagicLink: Post "/api/auth/magic-link", "request_magic_link",
        "Email a single-use sign-in link (P1)",
        body MagicLinkRequest, answers MagicLinkAccepted;
    CreateSession: Post "/api/auth/session", "create_session",
        "Exchange a sign-in link token for a session cookie (P1)",
        body SessionRequest, answers Me;
    Logout: Post "/api/auth/logout", "logout",
        "End the current session (P1)",
        answers NoContent;
    GetMe: Get "/api/me", "get_me",
        "The signed-in user, their partner and its apps (P1)",
        answers Me;
    RequestSchoolMagicLink: Post "/api/school/auth/magic-link", "request_school_magic_link",
        "Email a single-use sign-in link to the school portal (S3)",
        body MagicLinkRequest, answers MagicLinkAccepted;
    CreateSchoolSession: Post "/api/school/auth/session", "create_school_session",
        "Exchange a school portal sign-in token for a session cookie (S3)",
        body SessionRequest, answers SchoolMe;
    SchoolLogout: Post "/api/school/auth/logout", "school_logout",
        "End the current school portal session (S3)",
        answers NoContent;
    GetSchoolMe: Get "/api/school/me", "get_school_me",
        "The signed-in school user and their school (S3)",
        answers SchoolMe;
    ListSchoolApps: Get "/api/school/apps", "list_school_apps",
        "The Data Sharing Dashboard: every app with access or asking for it (S3)",
        answers SchoolDashboard;
    GetSchoolApp: Get "/api/school/apps/{app_id}", "get_school_app",
        "One app at the school: grant, settings, log and receipts (S3)",
        answers SchoolAppDetail;
    UpdateSchoolAppSettings: Post "/api/school/apps/{app_id}/settings", "update_school_app_settings",
        "Change the GDPR mode and/or pause or enable the feed (S3)",
        body SchoolAppSettings, answers SchoolAppOutcome;
    SchoolRevokeAccess: Post "/api/school/apps/{app_id}/revoke", "school_revoke_access",
        "Revoke the app's access now or from a date (S3)",
        body SchoolRevokeRequest, answers SchoolAppOutcome;
    SchoolCancelRevocation: Post "/api/school/apps/{app_id}/cancel-revocation", "school_cancel_revocation",
        "Take back a revocation that has not happened yet (S3)",
        answers SchoolAppOutcome;
    SchoolAuthoriseApp: Post "/api/school/apps/{app_id}/authorise", "school_authorise_app",
        "Classic authorisation of a pending or extended request (S3, P10)",
        body SchoolAuthoriseRequest, answers SchoolAppOutcome;
    SchoolDeclineRequest: Post "/api/school/apps/{app_id}/decline", "school_decline_request",
        "An admin declines an authorisation someone at the school asked for (S3, #12)",
        body SchoolDeclineRequest, answers SchoolAppOutcome;
    SearchSchoolPeople: Get "/api/school/apps/{app_id}/people", "search_school_people",
        "Search the school's people with their include/exclude choice for the app (S3)",
        query SchoolPeopleQuery, answers SchoolPeople;
    SetPersonChoice: Post "/api/school/apps/{app_id}/people", "set_person_choice",
        "Include, exclude or reset one person for the app (S3)",
        body SetPersonChoice, answers SchoolPeople;
    DownloadSchoolReceipt: Get "/api/school/apps/{app_id}/receipts/{seq}", "download_school_receipt",
        "An authorisation receipt as a file, from the hash-chained log (S3)",
        answers RawBody;
    DownloadPartnerReceipt: Get "/api/partner/schools/{school_id}/receipts/{seq}", "download_partner_receipt",
        "An authorisation receipt as a file, from the hash-chained log (P8)",
        query AppQuery, answers RawBody;
    ListSchoolTeam: Get "/api/school/team", "list_school_team",
        "The school's portal users (S3)",
        answers SchoolTeam;
    AddSchoolColleague: Post "/api/school/team", "add_school_colleague",
        "Give a colleague a school portal account and email them (S3)",
        body AddSchoolColleague, answers SchoolTeam;
    RemoveSchoolColleague: Post "/api/school/team/remove", "remove_school_colleague",
        "Remove a colleague's school portal account (S3)",
        body RemoveSchoolColleague, answers SchoolTeam;
    GetSchoolOnboarding: Get "/api/school/onboarding", "get_school_onboarding",
        "Install status and the install slots support offers (S4)",
        answers SchoolOnboarding;
    BookInstallSlot: Post "/api/school/onboarding/book", "book_install_slot",
        "Book an install slot with support (S4)",
        body BookSlotRequest, answers SchoolOnboarding;
    StartSelfInstall: Post "/api/school/onboarding/self-install", "start_self_install",
        "Self-install: issue the MIS agent credential, shown once (S4)",
        answers SelfInstallKey;
    ExplainSchoolPerson: Get "/api/school/apps/{app_id}/explain", "explain_school_person",
        "Why can't this app see someone? The rule that hides a person from the app (S3, A3)",
        query ExplainQuery, answers Explanation;
    ExplainPartnerSchoolPerson: Get "/api/partner/schools/{school_id}/explain", "explain_partner_school_person",
        "Why is this person missing? The reason and rule, never the person's details (P8, A3)",
        query PartnerExplainQuery, answers Explanation;
    GetSchoolFeed: Get "/api/school/feed", "get_school_feed",
        "The school's MIS feed: last extract, a held extract, each app's last pull (G1)",
        answers SchoolFeed;
    GetSchoolHeldExtract: Get "/api/school/held-extract", "get_school_held_extract",
        "What releasing the held extract would change: counts and who would be deleted (G1)",
        answers HeldExtractDiff;
    ReleaseSchoolHeldExtract: Post "/api/school/held-extract/release", "release_school_held_extract",
        "Apply the held extract as pushed, deletions included (G1)",
        body HeldExtractChoice, answers HeldExtractDecision;
    RejectSchoolHeldExtract: Post "/api/school/held-extract/reject", "reject_school_held_extract",
        "Discard the held extract; the school keeps its current data (G1)",
        body HeldExtractChoice, answers HeldExtractDecision;
    GetOpsHeldExtract: Get "/api/ops/schools/{school_id}/held-extract", "get_ops_held_extract",
        "Support: what releasing a school's held extract would change (G1)",
        answers HeldExtractDiff;
    ReleaseOpsHeldExtract: Post "/api/ops/schools/{school_id}/held-extract/release", "release_ops_held_extract",
        "Support: apply a school's held extract (G1)",
        body HeldExtractChoice, answers HeldExtractDecision;
    RejectOpsHeldExtract: Post "/api/ops/schools/{school_id}/held-extract/reject", "reject_ops_held_extract",
        "Support: discard a school's held extract (G1)",
        body HeldExtractChoice, answers HeldExtractDecision;
    RequestOpsMagicLink: Post "/api/ops/auth/magic-link", "request_ops_magic_link",
        "Email a single-use sign-in link to the operations console (O1)",
        body MagicLinkRequest, answers MagicLinkAccepted;
    CreateOpsSession: Post "/api/ops/auth/session", "create_ops_session",
        "Exchange an operations console sign-in token for a session cookie (O1)",
        body SessionRequest, answers OpsMe;
    OpsLogout: Post "/api/ops/auth/logout", "ops_logout",
        "End the current operations console session (O1)",
        answers NoContent;
    GetOpsMe: Get "/api/ops/me", "get_ops_me",
        "The signed-in operations user (O1)",
        answers OpsMe;
    IssueAgentKey: Post "/api/ops/schools/{school_id}/agent-key", "issue_agent_key",
        "Issue or rotate a school's MIS agent key, shown once (G1, O1)",
        answers AgentKeyIssued;
    ListPartnerSchools: Get "/api/partner/schools", "list_partner_schools",
        "One page of an app's schools in a view: active, pending or revoked (P2)",
        query ListSchoolsQuery, answers SchoolPage;
    ExportPartnerSchools: Get "/api/partner/schools/export", "export_partner_schools",
        "The filtered, sorted view as CSV, every page (P5)",
        query ListSchoolsQuery, answers RawBody;
    GetPartnerSchool: Get "/api/partner/schools/{school_id}", "get_partner_school",
        "The school tile: details, scopes, Authorisation Log and actions (P8)",
        query AppQuery, answers SchoolDetail;
    RevokeSchoolAccess: Post "/api/partner/schools/{school_id}/revoke", "revoke_school_access",
        "Revoke access today or from a later date (P6)",
        body RevokeRequest, query AppQuery, answers ActionOutcome;
    CancelRevocation: Post "/api/partner/schools/{school_id}/cancel-revoke", "cancel_revocation",
        "Cancel a revocation that has not taken effect (P6)",
        query AppQuery, answers ActionOutcome;
    SetSchoolPriority: Post "/api/partner/schools/{school_id}/priority", "set_school_priority",
        "Set or remove priority on a pending school (P6)",
        body PriorityRequest, query AppQuery, answers ActionOutcome;
    CancelInvitation: Post "/api/partner/schools/{school_id}/cancel-invite", "cancel_invitation",
        "Cancel a pending invitation; its link stops working (P6)",
        query AppQuery, answers ActionOutcome;
    ResendInvitation: Post "/api/partner/schools/{school_id}/resend-invite", "resend_invitation",
        "Resend the invitation to the same or a new contact; the old link stops working (P6)",
        body InviteRequest, query AppQuery, answers ActionOutcome, idempotent;
    ReinviteSchool: Post "/api/partner/schools/{school_id}/reinvite", "reinvite_school",
        "Invite a revoked school again (P6)",
        body InviteRequest, query AppQuery, answers ActionOutcome, idempotent;
    GetPermissionSet: Get "/api/partner/apps/{app_id}/permissions", "get_permission_set",
        "The scopes an app requests (P10)",
        answers PermissionSet;
    UpdatePermissionSet: Post "/api/partner/apps/{app_id}/permissions", "update_permission_set",
        "Change the scopes an app requests (P10)",
        body UpdatePermissionSet, answers PermissionSetSaved;
    ListTeam: Get "/api/partner/team", "list_team",
        "The partner's colleagues",
        answers TeamPage;
    AddTeamMember: Post "/api/partner/team", "add_team_member",
        "Add a colleague who signs in by magic link (admins)",
        body AddTeamMember, answers TeamPage;
    RemoveTeamMember: Post "/api/partner/team/remove", "remove_team_member",
        "Remove a colleague and end their sessions (admins)",
        body RemoveTeamMember, answers TeamPage;
    OpenInvitation: Post "/api/invitations/open", "open_invitation",
        "What a Begin Authorisation link is for, while it is live (S1)",
        body OpenInvitationRequest, answers InvitationSummary;
    ForwardInvitation: Post "/api/invitations/forward", "forward_invitation",
        "Not the right person: send the invitation to someone else; this link dies (S2)",
        body ForwardInvitationRequest, answers InvitationSummary;
    AuthoriseInvitation: Post "/api/invitations/authorise", "authorise_invitation",
        "Authorise sharing with the wizard's answers; the link is then used up (S2)",
        body AuthoriseRequest, answers InvitationSummary;
    SearchDirectory: Get "/api/directory/schools", "search_directory",
        "Find schools in England and Wales by name, URN, local authority or postcode (P7)",
        query DirectoryQuery, answers DirectoryResults;
    InviteSchool: Post "/api/partner/invitations", "invite_school",
        "Invite a school from the directory (P7)",
        body InviteSchoolRequest, query AppQuery, answers ActionOutcome;
    ListAppKeys: Get "/api/partner/apps/{app_id}/keys", "list_app_keys",
        "An app's API keys, without their secrets (A1)",
        answers AppKeyList;
    CreateAppKey: Post "/api/partner/apps/{app_id}/keys", "create_app_key",
        "Create an API key for an app; the secret is shown once (A1, admins)",
        body CreateAppKey, answers CreatedAppKey;
    RevokeAppKey: Post "/api/partner/apps/{app_id}/keys/{key_id}/revoke", "revoke_app_key",
        "Revoke an API key: it stops working at once (A1, admins)",
        answers AppKeyList;
    InviteSchoolByApi: Post "/api/v1/invitations", "invite_school_by_api",
        "An app invites a school with its API key; honours Idempotency-Key (A6)",
        body InviteSchoolRequest, answers ActionOutcome, idempotent;
    ListAppSchools: Get "/api/v1/schools", "list_app_schools",
        "The schools related to the calling app, with their connection state (A1, A2)",
        answers AppSchools;
    GetSchoolStatus: Get "/api/v1/schools/{school_id}/status", "get_school_status",
        "Test Connection: one school's state and the facts behind it (A2)",
        answers SchoolConnection;
    ListStudents: Get "/api/v1/schools/{school_id}/students", "list_students",
        "A school's pupils shared with the app, a page at a time; `since` for changes only (A1, A3)",
        query DataQuery, answers DataPage;
    GetStudent: Get "/api/v1/schools/{school_id}/students/{student_id}", "get_student",
        "One pupil shared with the app (A1)",
        answers DataRecord;
    ListStaff: Get "/api/v1/schools/{school_id}/staff", "list_staff",
        "A school's staff shared with the app, a page at a time; `since` for changes only (A1, A3)",
        query DataQuery, answers DataPage;
    ListContacts: Get "/api/v1/schools/{school_id}/contacts", "list_contacts",
        "A school's parents and carers shared with the app; `since` for changes only (A1, A3)",
        query DataQuery, answers DataPage;
    ListGroups: Get "/api/v1/schools/{school_id}/groups", "list_groups",
        "A school's classes and year groups, members filtered to those shared; `since` for changes (A1, A3)",
        query DataQuery, answers DataPage;
    ExplainPerson: Get "/api/v1/schools/{school_id}/explain", "explain_person",
        "Why is this person missing? The rule that hides a person from the app, or that they are shared",
        query ExplainQuery, answers Explanation;
    PushExtract: Post "/api/agent/v1/extracts", "push_extract",
        "The MIS agent pushes a full or delta extract of its school (G1)",
        body Extract, answers ExtractReceipt;
    GetAgentStatus: Get "/api/agent/v1/status", "get_agent_status",
        "The school as its MIS agent sees it: last extract, status, any held extract (G1)",
        answers AgentStatus;
    ListPartnerCases: Get "/api/partner/cases", "list_partner_cases",
        "One page of the partner's support cases: active (the Active Cases tab) or archived (P9)",
        query CaseListQuery, answers CasePage;
    OpenCase: Post "/api/partner/cases", "open_case",
        "Raise a support case, optionally about one of the partner's schools; honours Idempotency-Key (P9)",
        body NewCase, answers CaseDetail, idempotent;
    GetPartnerCase: Get "/api/partner/cases/{case_id}", "get_partner_case",
        "One support case with its conversation, newest comment last (P9)",
        answers CaseDetail;
    CommentOnCase: Post "/api/partner/cases/{case_id}/comments", "comment_on_case",
        "Add a comment for the support team; honours Idempotency-Key (P9)",
        body CaseCommentRequest, answers CaseDetail, idempotent;
    EscalateCase: Post "/api/partner/cases/{case_id}/escalate", "escalate_case",
        "Escalate a case with a reason: support sees it first (P9)",
        body EscalateCaseRequest, answers CaseDetail;
    ClosePartnerCase: Post "/api/partner/cases/{case_id}/close", "close_partner_case",
        "Close a case; it can be reopened for 30 days (P9)",
        answers CaseDetail;
    ReopenCase: Post "/api/partner/cases/{case_id}/reopen", "reopen_case",
        "Reopen a case closed less than 30 days ago (P9)",
        answers CaseDetail;
    GetWebhook: Get "/api/partner/webhooks/{app_id}", "get_webhook",
        "An app's webhook: URL, on or off, which secret; never the secret (A4)",
        answers WebhookSettings;
    SetWebhook: Post "/api/partner/webhooks/{app_id}", "set_webhook",
        "Set an app's webhook URL or switch delivery off; the first save shows the signing secret once (A4, admins)",
        body SetWebhook, answers WebhookSaved;
    RotateWebhookSecret: Post "/api/partner/webhooks/{app_id}/rotate-secret", "rotate_webhook_secret",
        "Replace the webhook signing secret; the new one is shown once (A4, admins)",
        answers WebhookSaved;
    ListWebhookDeliveries: Get "/api/partner/webhooks/{app_id}/deliveries", "list_webhook_deliveries",
        "Webhook deliveries of the last 30 days, newest first, with dead letters (A4)",
        answers WebhookDeliveries;
    RedeliverWebhook: Post "/api/partner/webhooks/{app_id}/deliveries/{delivery_id}/redeliver", "redeliver_webhook",
        "Send one delivery again, now, to the current URL (A4, admins)",
        answers WebhookDelivery;
    ListPartners: Get "/api/ops/partners", "list_partners",
        "Every partner organisation with its first app and admin (O1)",
        answers PartnerList;
    CreatePartner: Post "/api/ops/partners", "create_partner",
        "Create a partner organisation with its first admin, who is emailed, and its app (O1)",
        body NewPartner, answers PartnerCreated;
    ImportDirectory: Post "/api/ops/directory/import", "import_directory",
        "Import one part of the register's CSV extract (header row first); re-importing duplicates nothing (O1)",
        body CsvText, query DirectoryImportQuery, answers DirectoryImportReport;
    SearchOpsDirectory: Get "/api/ops/directory/schools", "search_ops_directory",
        "Search the school directory by name, URN, local authority or postcode (O1)",
        query DirectoryQuery, answers DirectoryResults;
    UpdateDirectorySchool: Post "/api/ops/directory/schools/{urn}", "update_directory_school",
        "Correct one directory entry: name, local authority, postcode, phase, status (O1)",
        body UpdateDirectorySchool, answers DirectorySchool;
    RequestInternationalSchool: Post "/api/partner/international-requests", "request_international_school",
        "Ask operations to add a school outside England and Wales; acknowledged by email; honours Idempotency-Key (P7)",
        body NewInternationalRequest, answers InternationalRequest, idempotent;
    ListPartnerInternationalRequests: Get "/api/partner/international-requests", "list_partner_international_requests",
        "The partner's international school requests and their outcome, newest first (P7)",
        answers InternationalRequestList;
    ListInternationalRequests: Get "/api/ops/international-requests", "list_international_requests",
        "International school requests in one state, oldest first (O1)",
        query InternationalRequestQuery, answers InternationalRequestList;
    AcceptInternationalRequest: Post "/api/ops/international-requests/{request_id}/accept",
        "accept_international_request",
        "Accept: the school joins the directory with an INT id and the partner can invite it (O1)",
        body AcceptInternationalRequest, answers InternationalRequest;
    DeclineInternationalRequest: Post "/api/ops/international-requests/{request_id}/decline",
        "decline_international_request",
        "Decline with a reason, emailed to the partner user (O1)",
        body DeclineInternationalRequest, answers InternationalRequest;
    ListSupportQueue: Get "/api/ops/cases", "list_support_queue",
        "One state's support cases, escalated first then longest waiting, paged (O1)",
        query SupportQueueQuery, answers CasePage;
    GetSupportCase: Get "/api/ops/cases/{case_id}", "get_support_case",
        "Any support case with its conversation (O1)",
        answers CaseDetail;
    ReplyToCase: Post "/api/ops/cases/{case_id}/reply", "reply_to_case",
        "Reply as support: the case awaits the partner, whose contact is emailed; honours Idempotency-Key (O1)",
        body SupportReply, answers CaseDetail, idempotent;
    CloseSupportCase: Post "/api/ops/cases/{case_id}/close", "close_support_case",
        "Close a case as support; the partner contact is emailed (O1)",
        answers CaseDetail;
    ReassignCase: Post "/api/ops/cases/{case_id}/reassign", "reassign_case",
        "Give a case to a support agent, or to nobody (O1)",
        body ReassignCase, answers CaseDetail;
    ListInstallSlots: Get "/api/ops/install-slots", "list_install_slots",
        "The free install slots from today, earliest first (O1, S4)",
        answers InstallSlots;
    OfferInstallSlots: Post "/api/ops/install-slots", "offer_install_slots",
        "Offer install slots on one day; offering a slot again changes nothing (O1, S4)",
        body OfferSlots, answers InstallSlots;
    ListInstallBookings: Get "/api/ops/install-bookings", "list_install_bookings",
        "Booked install slots from 30 days ago, earliest first, with the school and its contact, paged (O1, S4)",
        query InstallBookingsQuery, answers InstallBookingPage;
    MarkInstalled: Post "/api/ops/install-bookings/{school_id}/installed", "mark_installed",
        "Mark the school's MIS agent Installed; the partner lists show it; marking twice changes nothing (O1, S4)",
        answers InstallMarked;
    ListAuthorityVerifications: Get "/api/ops/verifications", "list_authority_verifications",
        "Authorisers waiting for their authority at the school to be verified, with the evidence (O1, #12)",
        answers AuthorityVerificationList;
    DecideAuthorityVerification: Post "/api/ops/verifications/decide", "decide_authority_verification",
        "Verify an authoriser (they become the school's first admin) or reject them (O1, #12)",
        body DecideAuthorityVerification, answers AuthorityVerificationList;
}

/// A function run on a schedule rather than by a route (E1). Each is also
/// runnable on demand with `cargo xtask job <name with dashes>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    /// snake_case: the bin name; `PascalCase` + `Function` in SAM.
    pub name: &'static str,
    /// EventBridge Scheduler expression, as in the SAM template.
    pub schedule: &'static str,
    /// The IANA zone the expression is read in (the template's
    /// `ScheduleExpressionTimezone`); UTC when `None`.
    pub timezone: Option<&'static str>,
    pub summary: &'static str,
}

pub const JOBS: &[Job] = &[
    Job {
        name: "apply_revocations",
        // 00:05 UTC daily: just after midnight in London in winter, an hour
        // later in summer; "from a date" means the whole of that date anyway.
        schedule: "cron(5 0 * * ? *)",
        timezone: None,
        summary: "Apply revocations whose date has come (P6, E1)",
    },
    Job {
        name: "send_reminders",
        schedule: "cron(0 15 ? * TUE,THU *)",
        timezone: Some("Europe/London"),
        summary: "Remind the school contact of every pending invitation, Tuesday and Thursday afternoon (P11, E1)",
    },
    Job {
        name: "archive_cases",
        // 00:20 UTC daily, after the revocations.
        schedule: "cron(20 0 * * ? *)",
        timezone: None,
        summary: "Archive support cases closed 30 days ago or more: they leave the Active Cases tab (P9, E1)",
    },
    Job {
        name: "mark_inactive_schools",
        // 00:35 UTC daily.
        schedule: "cron(35 0 * * ? *)",
        timezone: None,
        summary: "Mark schools whose MIS agent has been silent for more than 7 days Inactive (G1, E1)",
    },
    Job {
        name: "deliver_outbox",
        // Every request that commits a change sends its own emails and
        // events; this sends what a failed send (SES or EventBridge down)
        // left waiting, when no later request has.
        schedule: "rate(5 minutes)",
        timezone: None,
        summary: "Send the emails and events a failed send left in the outbox (#18)",
    },
];

/// Memory and time for a function where the template's defaults (256 MB,
/// 10 s, `Globals` in `infra/template.yaml`) are not enough. The functions
/// section of the template is generated from this, the route table, the jobs
/// and consumers below, and `gatehouse_core::access`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sizing {
    pub memory_mb: Option<u32>,
    pub timeout_seconds: Option<u32>,
}

/// The sizing of the function called `name` (a route, job or consumer).
pub fn sizing(name: &str) -> Sizing {
    let (memory_mb, timeout_seconds) = match name {
        // A whole view at once: more time and memory than a page.
        "export_partner_schools" => (Some(512), Some(30)),
        // Emails every authorised school that must approve a new scope, one by one.
        "update_permission_set" => (None, Some(60)),
        // A full extract of a large school is a few MB and tens of
        // transactions, whether pushed by the agent or released past the guard.
        "push_extract" | "release_school_held_extract" | "release_ops_held_extract" => (Some(1024), Some(120)),
        // A part of the register: a few thousand schools, two requests each.
        "import_directory" => (None, Some(120)),
        // Sends a webhook: above the sender's 10 s request timeout.
        "redeliver_webhook" | "deliver_webhooks" => (None, Some(20)),
        // Daily and twice-weekly jobs: one transaction (and email) per item due.
        "apply_revocations" | "archive_cases" | "mark_inactive_schools" | "send_reminders" => (None, Some(300)),
        // Everything a failed send left, one message at a time.
        "deliver_outbox" => (None, Some(120)),
        _ => (None, None),
    };
    Sizing { memory_mb, timeout_seconds }
}

/// A function run by events on Gatehouse's EventBridge bus rather than by a
/// route or a schedule (A4): a rule on the bus invokes it asynchronously.
/// Locally it runs in-process, subscribed to the in-process bus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventConsumer {
    /// snake_case: the bin name; `PascalCase` + `Function` in SAM.
    pub name: &'static str,
    /// The `detail-type`s its rule matches.
    pub detail_types: &'static [&'static str],
    /// How long an event is worth delivering: the rule's retries and the
    /// function's own stop after this.
    pub max_event_age_seconds: u32,
    pub summary: &'static str,
}

pub const EVENT_CONSUMERS: &[EventConsumer] = &[
    EventConsumer {
        name: "deliver_webhooks",
        detail_types: &[
            "authorisation.granted",
            "authorisation.revoked",
            "feed.paused",
            "feed.enabled",
            "gdpr_mode.changed",
            "persons.changed",
            "data.refreshed",
        ],
        max_event_age_seconds: 3600,
        summary: "POST each domain event, signed, to the app's webhook; retried, then dead-lettered (A4)",
    },
    EventConsumer {
        name: "send_sign_in_links",
        detail_types: &[SIGN_IN_REQUESTED],
        // A sign-in link lives 10 minutes: later, the email would be useless.
        max_event_age_seconds: 600,
        summary: "Look up the address of a sign-in request and email a link if it has an account (P1, S3, O1)",
    },
];

/// The setting that names what a deployed Lambda function runs: the `name`
/// of a route, job or event consumer (all functions share one binary, #13).
pub const FUNCTION_VARIABLE: &str = "GATEHOUSE_FUNCTION";

/// The `detail-type` of a sign-in request (#18): the request answers before
/// the account lookup and the send, which this event's consumer does. Its
/// detail is `{"request_id": …}` and nothing else.
pub const SIGN_IN_REQUESTED: &str = "sign_in.requested";

impl Op {
    pub fn route(self) -> &'static Route {
        ROUTES.iter().find(|route| route.op == self).expect("every Op has a row in ROUTES")
    }
}

impl Route {
    /// `list_partner_schools` → `ListPartnerSchools`: the SAM resource stem.
    pub fn pascal_name(&self) -> String {
        self.name
            .split('_')
            .map(|word| {
                let mut chars = word.chars();
                match chars.next() {
                    Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                    None => String::new(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_op_has_exactly_one_route_and_unique_names() {
        let names: HashSet<_> = ROUTES.iter().map(|r| r.name).collect();
        let endpoints: HashSet<_> = ROUTES.iter().map(|r| (r.method, r.path)).collect();
        assert_eq!(names.len(), ROUTES.len());
        assert_eq!(endpoints.len(), ROUTES.len());
        assert_eq!(Op::ListPartnerSchools.route().path, "/api/partner/schools");
    }

    #[test]
    fn each_marker_names_its_own_operation_and_every_operation_has_one() {
        struct OpOf;
        impl EndpointVisitor for OpOf {
            type Output = Op;
            fn visit<E: Endpoint>(self) -> Op {
                E::OP
            }
        }
        for route in ROUTES {
            assert_eq!(with_endpoint(route.op, OpOf), route.op, "{}", route.name);
        }
        assert_eq!(<endpoint::ListPartnerSchools as Endpoint>::OP.route().name, "list_partner_schools");
        let idempotent = [endpoint::OpenCase::IDEMPOTENCY_KEY, endpoint::EscalateCase::IDEMPOTENCY_KEY];
        assert_eq!(idempotent, [true, false]);
    }

    #[test]
    fn an_operation_without_a_body_sends_an_empty_object_and_without_a_query_nothing() {
        assert_eq!(serde_json::to_string(&NoBody).unwrap(), "{}");
        assert_eq!(serde_json::to_string(&NoQuery).unwrap(), "{}");
        assert_eq!(serde_json::to_string(&CsvText("URN\n".to_owned())).unwrap(), "\"URN\\n\"");
    }

    #[test]
    fn answers_that_are_not_model_types_decode_to_their_markers() {
        assert_eq!(serde_json::from_str::<NoContent>("null").unwrap(), NoContent);
        assert_eq!(serde_json::from_str::<RawBody>("{\"openapi\": \"3.1.0\"}").unwrap(), RawBody);
    }

    #[test]
    fn pascal_name_is_the_sam_stem() {
        assert_eq!(Op::ListPartnerSchools.route().pascal_name(), "ListPartnerSchools");
        assert_eq!(Op::OpenApi.route().pascal_name(), "Openapi");
    }
}
