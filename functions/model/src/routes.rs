//! The route table: the one list of operations. The local router mounts from it,
//! the SPA builds URLs from it, OpenAPI is generated from it, and
//! `tests/parity.rs` checks `infra/template.yaml` and the lambda bins against it.

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

/// One operation = one handler = one Lambda function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Health,
    OpenApi,
    RequestMagicLink,
    CreateSession,
    Logout,
    GetMe,
    RequestSchoolMagicLink,
    CreateSchoolSession,
    SchoolLogout,
    GetSchoolMe,
    RequestOpsMagicLink,
    CreateOpsSession,
    OpsLogout,
    GetOpsMe,
    IssueAgentKey,
    ListPartnerSchools,
    ExportPartnerSchools,
    GetPartnerSchool,
    RevokeSchoolAccess,
    CancelRevocation,
    SetSchoolPriority,
    CancelInvitation,
    ResendInvitation,
    ReinviteSchool,
    GetPermissionSet,
    UpdatePermissionSet,
    ListTeam,
    AddTeamMember,
    RemoveTeamMember,
    OpenInvitation,
    ForwardInvitation,
    AuthoriseInvitation,
    SearchDirectory,
    InviteSchool,
    ListAppKeys,
    CreateAppKey,
    RevokeAppKey,
    InviteSchoolByApi,
    ListAppSchools,
    GetSchoolStatus,
    ListStudents,
    GetStudent,
    ListStaff,
    ListContacts,
    ListGroups,
    ExplainPerson,
    PushExtract,
    GetAgentStatus,
    ListPartnerCases,
    OpenCase,
    GetPartnerCase,
    CommentOnCase,
    EscalateCase,
    ClosePartnerCase,
    ReopenCase,
    GetWebhook,
    SetWebhook,
    RotateWebhookSecret,
    ListWebhookDeliveries,
    RedeliverWebhook,
    ListSchoolApps,
    GetSchoolApp,
    UpdateSchoolAppSettings,
    SchoolRevokeAccess,
    SchoolCancelRevocation,
    SchoolAuthoriseApp,
    SchoolDeclineRequest,
    SearchSchoolPeople,
    SetPersonChoice,
    DownloadSchoolReceipt,
    DownloadPartnerReceipt,
    ListSchoolTeam,
    AddSchoolColleague,
    RemoveSchoolColleague,
    GetSchoolOnboarding,
    BookInstallSlot,
    StartSelfInstall,
    ExplainSchoolPerson,
    ExplainPartnerSchoolPerson,
    GetSchoolFeed,
    GetSchoolHeldExtract,
    ReleaseSchoolHeldExtract,
    RejectSchoolHeldExtract,
    GetOpsHeldExtract,
    ReleaseOpsHeldExtract,
    RejectOpsHeldExtract,
    ListPartners,
    CreatePartner,
    ImportDirectory,
    SearchOpsDirectory,
    UpdateDirectorySchool,
    RequestInternationalSchool,
    ListPartnerInternationalRequests,
    ListInternationalRequests,
    AcceptInternationalRequest,
    DeclineInternationalRequest,
    ListSupportQueue,
    GetSupportCase,
    ReplyToCase,
    CloseSupportCase,
    ReassignCase,
    ListInstallSlots,
    OfferInstallSlots,
    ListInstallBookings,
    MarkInstalled,
    ListAuthorityVerifications,
    DecideAuthorityVerification,
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

pub const ROUTES: &[Route] = &[
    Route { op: Op::Health, method: Method::Get, path: "/api/health", name: "health", summary: "Liveness check" },
    Route {
        op: Op::OpenApi,
        method: Method::Get,
        path: "/api/openapi.json",
        name: "openapi",
        summary: "This API's OpenAPI 3.1 document",
    },
    Route {
        op: Op::RequestMagicLink,
        method: Method::Post,
        path: "/api/auth/magic-link",
        name: "request_magic_link",
        summary: "Email a single-use sign-in link (P1)",
    },
    Route {
        op: Op::CreateSession,
        method: Method::Post,
        path: "/api/auth/session",
        name: "create_session",
        summary: "Exchange a sign-in link token for a session cookie (P1)",
    },
    Route {
        op: Op::Logout,
        method: Method::Post,
        path: "/api/auth/logout",
        name: "logout",
        summary: "End the current session (P1)",
    },
    Route {
        op: Op::GetMe,
        method: Method::Get,
        path: "/api/me",
        name: "get_me",
        summary: "The signed-in user, their partner and its apps (P1)",
    },
    Route {
        op: Op::RequestSchoolMagicLink,
        method: Method::Post,
        path: "/api/school/auth/magic-link",
        name: "request_school_magic_link",
        summary: "Email a single-use sign-in link to the school portal (S3)",
    },
    Route {
        op: Op::CreateSchoolSession,
        method: Method::Post,
        path: "/api/school/auth/session",
        name: "create_school_session",
        summary: "Exchange a school portal sign-in token for a session cookie (S3)",
    },
    Route {
        op: Op::SchoolLogout,
        method: Method::Post,
        path: "/api/school/auth/logout",
        name: "school_logout",
        summary: "End the current school portal session (S3)",
    },
    Route {
        op: Op::GetSchoolMe,
        method: Method::Get,
        path: "/api/school/me",
        name: "get_school_me",
        summary: "The signed-in school user and their school (S3)",
    },
    Route {
        op: Op::ListSchoolApps,
        method: Method::Get,
        path: "/api/school/apps",
        name: "list_school_apps",
        summary: "The Data Sharing Dashboard: every app with access or asking for it (S3)",
    },
    Route {
        op: Op::GetSchoolApp,
        method: Method::Get,
        path: "/api/school/apps/{app_id}",
        name: "get_school_app",
        summary: "One app at the school: grant, settings, log and receipts (S3)",
    },
    Route {
        op: Op::UpdateSchoolAppSettings,
        method: Method::Post,
        path: "/api/school/apps/{app_id}/settings",
        name: "update_school_app_settings",
        summary: "Change the GDPR mode and/or pause or enable the feed (S3)",
    },
    Route {
        op: Op::SchoolRevokeAccess,
        method: Method::Post,
        path: "/api/school/apps/{app_id}/revoke",
        name: "school_revoke_access",
        summary: "Revoke the app's access now or from a date (S3)",
    },
    Route {
        op: Op::SchoolCancelRevocation,
        method: Method::Post,
        path: "/api/school/apps/{app_id}/cancel-revocation",
        name: "school_cancel_revocation",
        summary: "Take back a revocation that has not happened yet (S3)",
    },
    Route {
        op: Op::SchoolAuthoriseApp,
        method: Method::Post,
        path: "/api/school/apps/{app_id}/authorise",
        name: "school_authorise_app",
        summary: "Classic authorisation of a pending or extended request (S3, P10)",
    },
    Route {
        op: Op::SchoolDeclineRequest,
        method: Method::Post,
        path: "/api/school/apps/{app_id}/decline",
        name: "school_decline_request",
        summary: "An admin declines an authorisation someone at the school asked for (S3, #12)",
    },
    Route {
        op: Op::SearchSchoolPeople,
        method: Method::Get,
        path: "/api/school/apps/{app_id}/people",
        name: "search_school_people",
        summary: "Search the school's people with their include/exclude choice for the app (S3)",
    },
    Route {
        op: Op::SetPersonChoice,
        method: Method::Post,
        path: "/api/school/apps/{app_id}/people",
        name: "set_person_choice",
        summary: "Include, exclude or reset one person for the app (S3)",
    },
    Route {
        op: Op::DownloadSchoolReceipt,
        method: Method::Get,
        path: "/api/school/apps/{app_id}/receipts/{seq}",
        name: "download_school_receipt",
        summary: "An authorisation receipt as a file, from the hash-chained log (S3)",
    },
    Route {
        op: Op::DownloadPartnerReceipt,
        method: Method::Get,
        path: "/api/partner/schools/{school_id}/receipts/{seq}",
        name: "download_partner_receipt",
        summary: "An authorisation receipt as a file, from the hash-chained log (P8)",
    },
    Route {
        op: Op::ListSchoolTeam,
        method: Method::Get,
        path: "/api/school/team",
        name: "list_school_team",
        summary: "The school's portal users (S3)",
    },
    Route {
        op: Op::AddSchoolColleague,
        method: Method::Post,
        path: "/api/school/team",
        name: "add_school_colleague",
        summary: "Give a colleague a school portal account and email them (S3)",
    },
    Route {
        op: Op::RemoveSchoolColleague,
        method: Method::Post,
        path: "/api/school/team/remove",
        name: "remove_school_colleague",
        summary: "Remove a colleague's school portal account (S3)",
    },
    Route {
        op: Op::GetSchoolOnboarding,
        method: Method::Get,
        path: "/api/school/onboarding",
        name: "get_school_onboarding",
        summary: "Install status and the install slots support offers (S4)",
    },
    Route {
        op: Op::BookInstallSlot,
        method: Method::Post,
        path: "/api/school/onboarding/book",
        name: "book_install_slot",
        summary: "Book an install slot with support (S4)",
    },
    Route {
        op: Op::StartSelfInstall,
        method: Method::Post,
        path: "/api/school/onboarding/self-install",
        name: "start_self_install",
        summary: "Self-install: issue the MIS agent credential, shown once (S4)",
    },
    Route {
        op: Op::ExplainSchoolPerson,
        method: Method::Get,
        path: "/api/school/apps/{app_id}/explain",
        name: "explain_school_person",
        summary: "Why can't this app see someone? The rule that hides a person from the app (S3, A3)",
    },
    Route {
        op: Op::ExplainPartnerSchoolPerson,
        method: Method::Get,
        path: "/api/partner/schools/{school_id}/explain",
        name: "explain_partner_school_person",
        summary: "Why is this person missing? The reason and rule, never the person's details (P8, A3)",
    },
    Route {
        op: Op::GetSchoolFeed,
        method: Method::Get,
        path: "/api/school/feed",
        name: "get_school_feed",
        summary: "The school's MIS feed: last extract, a held extract, each app's last pull (G1)",
    },
    Route {
        op: Op::GetSchoolHeldExtract,
        method: Method::Get,
        path: "/api/school/held-extract",
        name: "get_school_held_extract",
        summary: "What releasing the held extract would change: counts and who would be deleted (G1)",
    },
    Route {
        op: Op::ReleaseSchoolHeldExtract,
        method: Method::Post,
        path: "/api/school/held-extract/release",
        name: "release_school_held_extract",
        summary: "Apply the held extract as pushed, deletions included (G1)",
    },
    Route {
        op: Op::RejectSchoolHeldExtract,
        method: Method::Post,
        path: "/api/school/held-extract/reject",
        name: "reject_school_held_extract",
        summary: "Discard the held extract; the school keeps its current data (G1)",
    },
    Route {
        op: Op::GetOpsHeldExtract,
        method: Method::Get,
        path: "/api/ops/schools/{school_id}/held-extract",
        name: "get_ops_held_extract",
        summary: "Support: what releasing a school's held extract would change (G1)",
    },
    Route {
        op: Op::ReleaseOpsHeldExtract,
        method: Method::Post,
        path: "/api/ops/schools/{school_id}/held-extract/release",
        name: "release_ops_held_extract",
        summary: "Support: apply a school's held extract (G1)",
    },
    Route {
        op: Op::RejectOpsHeldExtract,
        method: Method::Post,
        path: "/api/ops/schools/{school_id}/held-extract/reject",
        name: "reject_ops_held_extract",
        summary: "Support: discard a school's held extract (G1)",
    },
    Route {
        op: Op::RequestOpsMagicLink,
        method: Method::Post,
        path: "/api/ops/auth/magic-link",
        name: "request_ops_magic_link",
        summary: "Email a single-use sign-in link to the operations console (O1)",
    },
    Route {
        op: Op::CreateOpsSession,
        method: Method::Post,
        path: "/api/ops/auth/session",
        name: "create_ops_session",
        summary: "Exchange an operations console sign-in token for a session cookie (O1)",
    },
    Route {
        op: Op::OpsLogout,
        method: Method::Post,
        path: "/api/ops/auth/logout",
        name: "ops_logout",
        summary: "End the current operations console session (O1)",
    },
    Route {
        op: Op::GetOpsMe,
        method: Method::Get,
        path: "/api/ops/me",
        name: "get_ops_me",
        summary: "The signed-in operations user (O1)",
    },
    Route {
        op: Op::IssueAgentKey,
        method: Method::Post,
        path: "/api/ops/schools/{school_id}/agent-key",
        name: "issue_agent_key",
        summary: "Issue or rotate a school's MIS agent key, shown once (G1, O1)",
    },
    Route {
        op: Op::ListPartnerSchools,
        method: Method::Get,
        path: "/api/partner/schools",
        name: "list_partner_schools",
        summary: "One page of an app's schools in a view: active, pending or revoked (P2)",
    },
    Route {
        op: Op::ExportPartnerSchools,
        method: Method::Get,
        path: "/api/partner/schools/export",
        name: "export_partner_schools",
        summary: "The filtered, sorted view as CSV, every page (P5)",
    },
    Route {
        op: Op::GetPartnerSchool,
        method: Method::Get,
        path: "/api/partner/schools/{school_id}",
        name: "get_partner_school",
        summary: "The school tile: details, scopes, Authorisation Log and actions (P8)",
    },
    Route {
        op: Op::RevokeSchoolAccess,
        method: Method::Post,
        path: "/api/partner/schools/{school_id}/revoke",
        name: "revoke_school_access",
        summary: "Revoke access today or from a later date (P6)",
    },
    Route {
        op: Op::CancelRevocation,
        method: Method::Post,
        path: "/api/partner/schools/{school_id}/cancel-revoke",
        name: "cancel_revocation",
        summary: "Cancel a revocation that has not taken effect (P6)",
    },
    Route {
        op: Op::SetSchoolPriority,
        method: Method::Post,
        path: "/api/partner/schools/{school_id}/priority",
        name: "set_school_priority",
        summary: "Set or remove priority on a pending school (P6)",
    },
    Route {
        op: Op::CancelInvitation,
        method: Method::Post,
        path: "/api/partner/schools/{school_id}/cancel-invite",
        name: "cancel_invitation",
        summary: "Cancel a pending invitation; its link stops working (P6)",
    },
    Route {
        op: Op::ResendInvitation,
        method: Method::Post,
        path: "/api/partner/schools/{school_id}/resend-invite",
        name: "resend_invitation",
        summary: "Resend the invitation to the same or a new contact; the old link stops working (P6)",
    },
    Route {
        op: Op::ReinviteSchool,
        method: Method::Post,
        path: "/api/partner/schools/{school_id}/reinvite",
        name: "reinvite_school",
        summary: "Invite a revoked school again (P6)",
    },
    Route {
        op: Op::GetPermissionSet,
        method: Method::Get,
        path: "/api/partner/apps/{app_id}/permissions",
        name: "get_permission_set",
        summary: "The scopes an app requests (P10)",
    },
    Route {
        op: Op::UpdatePermissionSet,
        method: Method::Post,
        path: "/api/partner/apps/{app_id}/permissions",
        name: "update_permission_set",
        summary: "Change the scopes an app requests (P10)",
    },
    Route {
        op: Op::ListTeam,
        method: Method::Get,
        path: "/api/partner/team",
        name: "list_team",
        summary: "The partner's colleagues",
    },
    Route {
        op: Op::AddTeamMember,
        method: Method::Post,
        path: "/api/partner/team",
        name: "add_team_member",
        summary: "Add a colleague who signs in by magic link (admins)",
    },
    Route {
        op: Op::RemoveTeamMember,
        method: Method::Post,
        path: "/api/partner/team/remove",
        name: "remove_team_member",
        summary: "Remove a colleague and end their sessions (admins)",
    },
    Route {
        op: Op::OpenInvitation,
        method: Method::Post,
        path: "/api/invitations/open",
        name: "open_invitation",
        summary: "What a Begin Authorisation link is for, while it is live (S1)",
    },
    Route {
        op: Op::ForwardInvitation,
        method: Method::Post,
        path: "/api/invitations/forward",
        name: "forward_invitation",
        summary: "Not the right person: send the invitation to someone else; this link dies (S2)",
    },
    Route {
        op: Op::AuthoriseInvitation,
        method: Method::Post,
        path: "/api/invitations/authorise",
        name: "authorise_invitation",
        summary: "Authorise sharing with the wizard's answers; the link is then used up (S2)",
    },
    Route {
        op: Op::SearchDirectory,
        method: Method::Get,
        path: "/api/directory/schools",
        name: "search_directory",
        summary: "Find schools in England and Wales by name, URN, local authority or postcode (P7)",
    },
    Route {
        op: Op::InviteSchool,
        method: Method::Post,
        path: "/api/partner/invitations",
        name: "invite_school",
        summary: "Invite a school from the directory (P7)",
    },
    Route {
        op: Op::ListAppKeys,
        method: Method::Get,
        path: "/api/partner/apps/{app_id}/keys",
        name: "list_app_keys",
        summary: "An app's API keys, without their secrets (A1)",
    },
    Route {
        op: Op::CreateAppKey,
        method: Method::Post,
        path: "/api/partner/apps/{app_id}/keys",
        name: "create_app_key",
        summary: "Create an API key for an app; the secret is shown once (A1, admins)",
    },
    Route {
        op: Op::RevokeAppKey,
        method: Method::Post,
        path: "/api/partner/apps/{app_id}/keys/{key_id}/revoke",
        name: "revoke_app_key",
        summary: "Revoke an API key: it stops working at once (A1, admins)",
    },
    Route {
        op: Op::InviteSchoolByApi,
        method: Method::Post,
        path: "/api/v1/invitations",
        name: "invite_school_by_api",
        summary: "An app invites a school with its API key; honours Idempotency-Key (A6)",
    },
    Route {
        op: Op::ListAppSchools,
        method: Method::Get,
        path: "/api/v1/schools",
        name: "list_app_schools",
        summary: "The schools related to the calling app, with their connection state (A1, A2)",
    },
    Route {
        op: Op::GetSchoolStatus,
        method: Method::Get,
        path: "/api/v1/schools/{school_id}/status",
        name: "get_school_status",
        summary: "Test Connection: one school's state and the facts behind it (A2)",
    },
    Route {
        op: Op::ListStudents,
        method: Method::Get,
        path: "/api/v1/schools/{school_id}/students",
        name: "list_students",
        summary: "A school's pupils shared with the app, a page at a time; `since` for changes only (A1, A3)",
    },
    Route {
        op: Op::GetStudent,
        method: Method::Get,
        path: "/api/v1/schools/{school_id}/students/{student_id}",
        name: "get_student",
        summary: "One pupil shared with the app (A1)",
    },
    Route {
        op: Op::ListStaff,
        method: Method::Get,
        path: "/api/v1/schools/{school_id}/staff",
        name: "list_staff",
        summary: "A school's staff shared with the app, a page at a time; `since` for changes only (A1, A3)",
    },
    Route {
        op: Op::ListContacts,
        method: Method::Get,
        path: "/api/v1/schools/{school_id}/contacts",
        name: "list_contacts",
        summary: "A school's parents and carers shared with the app; `since` for changes only (A1, A3)",
    },
    Route {
        op: Op::ListGroups,
        method: Method::Get,
        path: "/api/v1/schools/{school_id}/groups",
        name: "list_groups",
        summary: "A school's classes and year groups, members filtered to those shared; `since` for changes (A1, A3)",
    },
    Route {
        op: Op::ExplainPerson,
        method: Method::Get,
        path: "/api/v1/schools/{school_id}/explain",
        name: "explain_person",
        summary: "Why is this person missing? The rule that hides a person from the app, or that they are shared",
    },
    Route {
        op: Op::PushExtract,
        method: Method::Post,
        path: "/api/agent/v1/extracts",
        name: "push_extract",
        summary: "The MIS agent pushes a full or delta extract of its school (G1)",
    },
    Route {
        op: Op::GetAgentStatus,
        method: Method::Get,
        path: "/api/agent/v1/status",
        name: "get_agent_status",
        summary: "The school as its MIS agent sees it: last extract, status, any held extract (G1)",
    },
    Route {
        op: Op::ListPartnerCases,
        method: Method::Get,
        path: "/api/partner/cases",
        name: "list_partner_cases",
        summary: "One page of the partner's support cases: active (the Active Cases tab) or archived (P9)",
    },
    Route {
        op: Op::OpenCase,
        method: Method::Post,
        path: "/api/partner/cases",
        name: "open_case",
        summary: "Raise a support case, optionally about one of the partner's schools; honours Idempotency-Key (P9)",
    },
    Route {
        op: Op::GetPartnerCase,
        method: Method::Get,
        path: "/api/partner/cases/{case_id}",
        name: "get_partner_case",
        summary: "One support case with its conversation, newest comment last (P9)",
    },
    Route {
        op: Op::CommentOnCase,
        method: Method::Post,
        path: "/api/partner/cases/{case_id}/comments",
        name: "comment_on_case",
        summary: "Add a comment for the support team; honours Idempotency-Key (P9)",
    },
    Route {
        op: Op::EscalateCase,
        method: Method::Post,
        path: "/api/partner/cases/{case_id}/escalate",
        name: "escalate_case",
        summary: "Escalate a case with a reason: support sees it first (P9)",
    },
    Route {
        op: Op::ClosePartnerCase,
        method: Method::Post,
        path: "/api/partner/cases/{case_id}/close",
        name: "close_partner_case",
        summary: "Close a case; it can be reopened for 30 days (P9)",
    },
    Route {
        op: Op::ReopenCase,
        method: Method::Post,
        path: "/api/partner/cases/{case_id}/reopen",
        name: "reopen_case",
        summary: "Reopen a case closed less than 30 days ago (P9)",
    },
    Route {
        op: Op::GetWebhook,
        method: Method::Get,
        path: "/api/partner/webhooks/{app_id}",
        name: "get_webhook",
        summary: "An app's webhook: URL, on or off, which secret; never the secret (A4)",
    },
    Route {
        op: Op::SetWebhook,
        method: Method::Post,
        path: "/api/partner/webhooks/{app_id}",
        name: "set_webhook",
        summary: "Set an app's webhook URL or switch delivery off; the first save shows the signing secret once (A4, admins)",
    },
    Route {
        op: Op::RotateWebhookSecret,
        method: Method::Post,
        path: "/api/partner/webhooks/{app_id}/rotate-secret",
        name: "rotate_webhook_secret",
        summary: "Replace the webhook signing secret; the new one is shown once (A4, admins)",
    },
    Route {
        op: Op::ListWebhookDeliveries,
        method: Method::Get,
        path: "/api/partner/webhooks/{app_id}/deliveries",
        name: "list_webhook_deliveries",
        summary: "Webhook deliveries of the last 30 days, newest first, with dead letters (A4)",
    },
    Route {
        op: Op::RedeliverWebhook,
        method: Method::Post,
        path: "/api/partner/webhooks/{app_id}/deliveries/{delivery_id}/redeliver",
        name: "redeliver_webhook",
        summary: "Send one delivery again, now, to the current URL (A4, admins)",
    },
    Route {
        op: Op::ListPartners,
        method: Method::Get,
        path: "/api/ops/partners",
        name: "list_partners",
        summary: "Every partner organisation with its first app and admin (O1)",
    },
    Route {
        op: Op::CreatePartner,
        method: Method::Post,
        path: "/api/ops/partners",
        name: "create_partner",
        summary: "Create a partner organisation with its first admin, who is emailed, and its app (O1)",
    },
    Route {
        op: Op::ImportDirectory,
        method: Method::Post,
        path: "/api/ops/directory/import",
        name: "import_directory",
        summary: "Import one part of the register's CSV extract (header row first); re-importing duplicates nothing (O1)",
    },
    Route {
        op: Op::SearchOpsDirectory,
        method: Method::Get,
        path: "/api/ops/directory/schools",
        name: "search_ops_directory",
        summary: "Search the school directory by name, URN, local authority or postcode (O1)",
    },
    Route {
        op: Op::UpdateDirectorySchool,
        method: Method::Post,
        path: "/api/ops/directory/schools/{urn}",
        name: "update_directory_school",
        summary: "Correct one directory entry: name, local authority, postcode, phase, status (O1)",
    },
    Route {
        op: Op::RequestInternationalSchool,
        method: Method::Post,
        path: "/api/partner/international-requests",
        name: "request_international_school",
        summary: "Ask operations to add a school outside England and Wales; acknowledged by email; honours Idempotency-Key (P7)",
    },
    Route {
        op: Op::ListPartnerInternationalRequests,
        method: Method::Get,
        path: "/api/partner/international-requests",
        name: "list_partner_international_requests",
        summary: "The partner's international school requests and their outcome, newest first (P7)",
    },
    Route {
        op: Op::ListInternationalRequests,
        method: Method::Get,
        path: "/api/ops/international-requests",
        name: "list_international_requests",
        summary: "International school requests in one state, oldest first (O1)",
    },
    Route {
        op: Op::AcceptInternationalRequest,
        method: Method::Post,
        path: "/api/ops/international-requests/{request_id}/accept",
        name: "accept_international_request",
        summary: "Accept: the school joins the directory with an INT id and the partner can invite it (O1)",
    },
    Route {
        op: Op::DeclineInternationalRequest,
        method: Method::Post,
        path: "/api/ops/international-requests/{request_id}/decline",
        name: "decline_international_request",
        summary: "Decline with a reason, emailed to the partner user (O1)",
    },
    Route {
        op: Op::ListSupportQueue,
        method: Method::Get,
        path: "/api/ops/cases",
        name: "list_support_queue",
        summary: "One state's support cases, escalated first then longest waiting, paged (O1)",
    },
    Route {
        op: Op::GetSupportCase,
        method: Method::Get,
        path: "/api/ops/cases/{case_id}",
        name: "get_support_case",
        summary: "Any support case with its conversation (O1)",
    },
    Route {
        op: Op::ReplyToCase,
        method: Method::Post,
        path: "/api/ops/cases/{case_id}/reply",
        name: "reply_to_case",
        summary: "Reply as support: the case awaits the partner, whose contact is emailed; honours Idempotency-Key (O1)",
    },
    Route {
        op: Op::CloseSupportCase,
        method: Method::Post,
        path: "/api/ops/cases/{case_id}/close",
        name: "close_support_case",
        summary: "Close a case as support; the partner contact is emailed (O1)",
    },
    Route {
        op: Op::ReassignCase,
        method: Method::Post,
        path: "/api/ops/cases/{case_id}/reassign",
        name: "reassign_case",
        summary: "Give a case to a support agent, or to nobody (O1)",
    },
    Route {
        op: Op::ListInstallSlots,
        method: Method::Get,
        path: "/api/ops/install-slots",
        name: "list_install_slots",
        summary: "The free install slots from today, earliest first (O1, S4)",
    },
    Route {
        op: Op::OfferInstallSlots,
        method: Method::Post,
        path: "/api/ops/install-slots",
        name: "offer_install_slots",
        summary: "Offer install slots on one day; offering a slot again changes nothing (O1, S4)",
    },
    Route {
        op: Op::ListInstallBookings,
        method: Method::Get,
        path: "/api/ops/install-bookings",
        name: "list_install_bookings",
        summary: "Booked install slots from 30 days ago, earliest first, with the school and its contact, paged (O1, S4)",
    },
    Route {
        op: Op::MarkInstalled,
        method: Method::Post,
        path: "/api/ops/install-bookings/{school_id}/installed",
        name: "mark_installed",
        summary: "Mark the school's MIS agent Installed; the partner lists show it; marking twice changes nothing (O1, S4)",
    },
    Route {
        op: Op::ListAuthorityVerifications,
        method: Method::Get,
        path: "/api/ops/verifications",
        name: "list_authority_verifications",
        summary: "Authorisers waiting for their authority at the school to be verified, with the evidence (O1, #12)",
    },
    Route {
        op: Op::DecideAuthorityVerification,
        method: Method::Post,
        path: "/api/ops/verifications/decide",
        name: "decide_authority_verification",
        summary: "Verify an authoriser (they become the school's first admin) or reject them (O1, #12)",
    },
];

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

/// A function run by events on Gatehouse's EventBridge bus rather than by a
/// route or a schedule (A4): a rule on the bus invokes it asynchronously.
/// Locally it runs in-process, subscribed to the in-process bus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventConsumer {
    /// snake_case: the bin name; `PascalCase` + `Function` in SAM.
    pub name: &'static str,
    /// The `detail-type`s its rule matches.
    pub detail_types: &'static [&'static str],
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
        summary: "POST each domain event, signed, to the app's webhook; retried, then dead-lettered (A4)",
    },
    EventConsumer {
        name: "send_sign_in_links",
        detail_types: &[SIGN_IN_REQUESTED],
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
    fn pascal_name_is_the_sam_stem() {
        assert_eq!(Op::ListPartnerSchools.route().pascal_name(), "ListPartnerSchools");
        assert_eq!(Op::OpenApi.route().pascal_name(), "Openapi");
    }
}
