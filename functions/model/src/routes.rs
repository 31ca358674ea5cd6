//! The route table: the one list of operations. The local router mounts from it,
//! the SPA calls through it (`Endpoint`), OpenAPI is generated from it, and
//! `tests/parity.rs` checks `infra/template.yaml` and the lambda bins against it.

use crate::ProblemCode;
use crate::calls::{CsvText, Endpoint, EndpointVisitor, NoBody, NoContent, NoQuery, RawBody};
use crate::oneroster::OneRosterQuery;
use crate::{
    AcceptInternationalRequest, ActionOutcome, AddSchoolColleague, AddTeamMember, AgentKeyIssued, AgentStatus,
    AppKeyList, AppQuery, AppSchools, AuthoriseRequest, AuthorityVerificationList, BookSlotRequest, CaseCommentRequest,
    CaseDetail, CaseListQuery, CasePage, CreateAppKey, CreatedAppKey, DataPage, DataQuery, DataRecord,
    DecideAuthorityVerification, DeclineInternationalRequest, DirectoryImportQuery, DirectoryQuery, DirectoryResults,
    DirectorySchool, ErasureConfirmation, ErasureConfirmationRequest, EscalateCaseRequest, ExplainQuery, Explanation,
    Extract, ForwardInvitationRequest, Health, HeldExtractChoice, HeldExtractDecision, HeldExtractDiff,
    InstallBookingPage, InstallBookingsQuery, InstallMarked, InstallSlots, InternationalRequest,
    InternationalRequestList, InternationalRequestQuery, InvitationSummary, InviteRequest, InviteSchoolRequest,
    JobAccepted, JobStatus, ListSchoolsQuery, LogAudit, LogAuditQuery, MagicLinkAccepted, MagicLinkRequest, Me,
    MisRetentionList, NewCase, NewInternationalRequest, NewPartner, OAuthToken, OAuthTokenRequest, OfferSlots,
    OpenInvitationRequest, OpsMe, PartnerCreated, PartnerExplainQuery, PartnerList, PermissionSet, PersonExportQuery,
    PriorityRequest, ReassignCase, RemoveSchoolColleague, RemoveTeamMember, RevokeRequest, SchoolAppDetail,
    SchoolAppOutcome, SchoolAppSettings, SchoolAuthoriseRequest, SchoolConnection, SchoolDashboard,
    SchoolDeclineRequest, SchoolDetail, SchoolFeed, SchoolMe, SchoolOnboarding, SchoolPage, SchoolPeople,
    SchoolPeopleQuery, SchoolPersonDetail, SchoolPersonMatches, SchoolRevokeRequest, SchoolTeam, SelfInstallKey,
    SessionRequest, SetPersonChoice, SetWebhook, SupportQueueQuery, SupportReply, TeamPage, UpdateDirectorySchool,
    UpdatePermissionSet, WebhookDeliveries, WebhookDelivery, WebhookSaved, WebhookSettings,
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
    /// Who may call it: the credential its handler reads.
    pub audience: Audience,
    /// One line for OpenAPI and the docs (empty in the wasm SPA, which never shows it).
    pub summary: &'static str,
    /// The problems the operation itself can answer with, besides those its
    /// audience's credential (`Audience::refusals`) and its extractors bring.
    pub refuses: &'static [ProblemCode],
    /// The status of a success, and what it carries.
    pub success: (u16, &'static str),
}

/// Who may call an operation. The handler's extractors must read this
/// audience's credential (checked in the API crate), the access matrix
/// (`tests/matrix`) holds every other caller refused, and OpenAPI names the
/// credential as the operation's security requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    /// Anyone, with no credential: health, the document, sign-in requests, logout.
    Anyone,
    /// Whoever holds a link Gatehouse emailed (its token is in the body):
    /// a sign-in link or a school's invitation.
    LinkHolder,
    /// Any signed-in user of a partner.
    PartnerMember,
    /// A partner's admins; a member gets `403 forbidden`.
    PartnerAdmin,
    /// Any signed-in user of a school.
    SchoolMember,
    /// A school's admins; a member gets `403 forbidden`.
    SchoolAdmin,
    /// A signed-in operations user.
    Ops,
    /// An app, by its API key.
    App,
    /// A school's MIS agent, by its key.
    Agent,
}

impl Audience {
    /// What every caller outside the audience gets, whatever the operation.
    pub fn refusals(self) -> &'static [ProblemCode] {
        match self {
            Audience::Anyone | Audience::LinkHolder => &[],
            Audience::PartnerMember | Audience::SchoolMember | Audience::Ops => &[ProblemCode::SignInRequired],
            Audience::PartnerAdmin | Audience::SchoolAdmin => &[ProblemCode::SignInRequired, ProblemCode::Forbidden],
            Audience::App | Audience::Agent => &[ProblemCode::InvalidCredentials],
        }
    }

    /// The OpenAPI security scheme of its credential, if it needs one.
    pub fn credential(self) -> Option<&'static str> {
        match self {
            Audience::Anyone | Audience::LinkHolder => None,
            Audience::PartnerMember | Audience::PartnerAdmin => Some("partner_session"),
            Audience::SchoolMember | Audience::SchoolAdmin => Some("school_session"),
            Audience::Ops => Some("ops_session"),
            Audience::App => Some("app_key"),
            Audience::Agent => Some("agent_key"),
        }
    }
}

impl Route {
    /// Every problem `code` this operation may answer with, besides those of
    /// its extractors: its own and its audience's.
    pub fn problems(&self) -> impl Iterator<Item = ProblemCode> {
        self.refuses.iter().chain(self.audience.refusals()).copied()
    }
}

/// Declares every operation once, in route-table order, as
///
/// ```text
/// Name: Method "path", "snake_name", Audience,
///     "summary",
///     handler path::in::api::ops,
///     [body Type,] [query Type,] [refuses [gated] [Code, ...],] [status 202,]
///     answers Type: "what a success carries"[, idempotent];
/// ```
///
/// and makes from that list `Op`, `ROUTES`, a marker type per operation in
/// `endpoint` implementing `Endpoint`, `with_endpoint`, and
/// `for_each_handler!`, from which the API writes its map from operation to
/// handler. Body and query default to `NoBody` and `NoQuery`; `refuses`
/// lists the operation's own problem codes (`ProblemCode`): the audience's
/// and the handler's extractors' are added to them, and `gated` adds those
/// of the school's link gate; `status` defaults to 200; `idempotent` marks
/// an operation that takes an `Idempotency-Key`.
macro_rules! operations {
    (@or $given:ty; $default:ty) => { $given };
    (@or ; $default:ty) => { $default };
    (@status $status:literal) => { $status };
    (@status) => { 200 };
    (@idempotent idempotent) => { true };
    (@idempotent) => { false };
    // `gated`: the operation reads one school's data through its link's gate
    // (A1), so it may meet every reason the gate refuses, besides its own.
    (@refuses gated [$($code:ident),*]) => {
        &[
            ProblemCode::NotAuthorised, ProblemCode::AwaitingVerification, ProblemCode::AwaitingSchoolApproval,
            ProblemCode::AuthorisationRevoked, ProblemCode::FeedPaused, ProblemCode::NotInstalled,
            $(ProblemCode::$code,)*
        ]
    };
    (@refuses [$($code:ident),*]) => { &[$(ProblemCode::$code,)*] };
    (@refuses) => { &[] };
    ($(
        $op:ident: $method:ident $path:literal, $name:literal, $audience:ident,
            $summary:literal,
            handler $handler:path,
            $(body $body:ty,)? $(query $query:ty,)? $(refuses $($gated:ident)? [$($code:ident),* $(,)?],)? $(status $status:literal,)?
            answers $response:ty: $answer:expr $(, $idempotent:ident)?;
    )*) => {
        /// One operation = one handler = one Lambda function.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Op {
            $($op,)*
        }

        pub const ROUTES: &[Route] = &[
            $(Route {
                op: Op::$op,
                method: Method::$method,
                path: $path,
                name: $name,
                audience: Audience::$audience,
                // The SPA never shows the words, and every bundle carries
                // the route table: they stay out of wasm, its budget is tight.
                summary: if cfg!(target_arch = "wasm32") { "" } else { $summary },
                refuses: operations!(@refuses $($($gated)? [$($code),*])?),
                success: (
                    operations!(@status $($status)?),
                    if cfg!(target_arch = "wasm32") { "" } else { $answer },
                ),
            },)*
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

        /// Hands `$callback` each operation with the handler its declaration
        /// names (`Op => path;`), a path in the API crate's `ops` module. The
        /// API writes its one map from operation to handler with it, so a new
        /// operation is mounted by its declaration alone; the SPA never
        /// expands it.
        #[macro_export]
        macro_rules! for_each_handler {
            ($callback:ident) => {
                $callback! { $($op => $handler;)* }
            };
        }
    };
}

/// What a success of each data API list carries (A1, A3).
const DATA_PAGE: &str = "One page: `data` (records; with `since`, changed records and `{\"id\", \"deleted\": true}` \
    for records gone or no longer shared), `next_cursor` (null on the last page) and `sync_token` (keep it and pass \
    it as `since` next time; it is honoured for 35 days, after which the deletions it would need may be gone and it \
    answers 410). Contextual flags not granted are absent";

operations! {
    Health: Get "/api/health", "health", Anyone,
        "Liveness check",
        handler health::handle,
        answers Health: "Alive";
    OpenApi: Get "/api/openapi.json", "openapi", Anyone,
        "This API's OpenAPI 3.1 document",
        handler openapi::handle,
        answers RawBody: "This document";
    RequestMagicLink: Post "/api/auth/magic-link", "request_magic_link", Anyone,
        "Email a single-use sign-in link (P1)",
        handler request_magic_link::handle::<sign_in::Partner>,
        body MagicLinkRequest, refuses [Invalid, RateLimited], status 202,
        answers MagicLinkAccepted: "Accepted; sent if the address has an account";
    CreateSession: Post "/api/auth/session", "create_session", LinkHolder,
        "Exchange a sign-in link token for a session cookie (P1)",
        handler create_session::handle::<sign_in::Partner>,
        body SessionRequest, refuses [Invalid, LinkExpired],
        answers Me: "Signed in; sets the session cookie";
    Logout: Post "/api/auth/logout", "logout", Anyone,
        "End the current session (P1)",
        handler logout::handle::<sign_in::Partner>,
        status 204,
        answers NoContent: "Signed out";
    GetMe: Get "/api/me", "get_me", PartnerMember,
        "The signed-in user, their partner and its apps (P1)",
        handler get_me::handle,
        refuses [Invalid],
        answers Me: "The signed-in user";
    RequestSchoolMagicLink: Post "/api/school/auth/magic-link", "request_school_magic_link", Anyone,
        "Email a single-use sign-in link to the school portal (S3)",
        handler request_magic_link::handle::<sign_in::School>,
        body MagicLinkRequest, refuses [Invalid, RateLimited], status 202,
        answers MagicLinkAccepted: "Accepted; sent if the address has an account";
    CreateSchoolSession: Post "/api/school/auth/session", "create_school_session", LinkHolder,
        "Exchange a school portal sign-in token for a session cookie (S3)",
        handler create_session::handle::<sign_in::School>,
        body SessionRequest, refuses [Invalid, LinkExpired],
        answers SchoolMe: "Signed in; sets the session cookie";
    SchoolLogout: Post "/api/school/auth/logout", "school_logout", Anyone,
        "End the current school portal session (S3)",
        handler logout::handle::<sign_in::School>,
        status 204,
        answers NoContent: "Signed out";
    GetSchoolMe: Get "/api/school/me", "get_school_me", SchoolMember,
        "The signed-in school user and their school (S3)",
        handler get_school_me::handle,
        refuses [Invalid],
        answers SchoolMe: "The signed-in user";
    ListSchoolApps: Get "/api/school/apps", "list_school_apps", SchoolMember,
        "The Data Sharing Dashboard: every app with access or asking for it (S3)",
        handler school_portal::list_apps,
        answers SchoolDashboard: "Every app with access or asking for it";
    GetSchoolApp: Get "/api/school/apps/{app_id}", "get_school_app", SchoolMember,
        "One app at the school: grant, settings, log and receipts (S3)",
        handler school_portal::get_app,
        refuses [Invalid, NotFound, Conflict],
        answers SchoolAppDetail: "The app's grant, settings, log and receipts";
    UpdateSchoolAppSettings: Post "/api/school/apps/{app_id}/settings", "update_school_app_settings", SchoolAdmin,
        "Change the GDPR mode and/or pause or enable the feed (S3)",
        handler school_portal::update_settings,
        body SchoolAppSettings, refuses [Invalid, NotFound, Conflict],
        answers SchoolAppOutcome: "What changed, and the app afterwards";
    SchoolRevokeAccess: Post "/api/school/apps/{app_id}/revoke", "school_revoke_access", SchoolAdmin,
        "Revoke the app's access now or from a date (S3)",
        handler school_portal::revoke,
        body SchoolRevokeRequest, refuses [Invalid, NotFound, Conflict],
        answers SchoolAppOutcome: "Revoked now, or scheduled";
    SchoolCancelRevocation: Post "/api/school/apps/{app_id}/cancel-revocation", "school_cancel_revocation", SchoolAdmin,
        "Take back a revocation that has not happened yet (S3)",
        handler school_portal::cancel_revocation,
        refuses [Invalid, NotFound, Conflict],
        answers SchoolAppOutcome: "The revocation is cancelled (or there was none)";
    SchoolAuthoriseApp: Post "/api/school/apps/{app_id}/authorise", "school_authorise_app", SchoolAdmin,
        "Classic authorisation of a pending or extended request (S3, P10)",
        handler school_portal::authorise,
        body SchoolAuthoriseRequest, refuses [Invalid, NotFound, Conflict],
        answers SchoolAppOutcome: "Authorised, or the new scopes answered";
    SchoolDeclineRequest: Post "/api/school/apps/{app_id}/decline", "school_decline_request", SchoolAdmin,
        "An admin declines an authorisation someone at the school asked for (S3, #12)",
        handler school_portal::decline,
        body SchoolDeclineRequest, refuses [Invalid, NotFound, Conflict],
        answers SchoolAppOutcome: "Declined (or nothing was waiting)";
    SearchSchoolPeople: Get "/api/school/apps/{app_id}/people", "search_school_people", SchoolMember,
        "Search the school's people with their include/exclude choice for the app (S3)",
        handler school_portal::search_people,
        query SchoolPeopleQuery, refuses [Invalid, NotFound, Conflict],
        answers SchoolPeople: "Matching people with their choice, and everyone selected";
    SetPersonChoice: Post "/api/school/apps/{app_id}/people", "set_person_choice", SchoolAdmin,
        "Include, exclude or reset one person for the app (S3)",
        handler school_portal::set_person_choice,
        body SetPersonChoice, refuses [Invalid, NotFound, Conflict],
        answers SchoolPeople: "The person's choice afterwards";
    SearchSchoolPersons: Get "/api/school/people", "search_school_persons", SchoolMember,
        "Find a pupil, member of staff or contact of the school by name or MIS id (#16)",
        handler person_requests::search,
        query SchoolPeopleQuery, refuses [Invalid],
        answers SchoolPersonMatches: "Matching people, live and deleted, pupils, staff and contacts";
    GetSchoolPerson: Get "/api/school/people/{person_id}", "get_school_person", SchoolMember,
        "One person: which apps can see them now, under which scopes and mode, and which read them in the last 30 \
         days (#16)",
        handler person_requests::detail,
        refuses [NotFound],
        answers SchoolPersonDetail: "The person, and every app's explain answer for them";
    ExportSchoolPerson: Get "/api/school/people/{person_id}/export", "export_school_person", SchoolAdmin,
        "Everything Gatehouse holds about one person, as JSON or a readable HTML page; logged (#16)",
        handler person_requests::export,
        query PersonExportQuery, refuses [Invalid, NotFound],
        answers RawBody: "The person's data, a JSON or HTML file (Content-Disposition: attachment)";
    ExcludeSchoolPerson: Post "/api/school/people/{person_id}/exclusion", "exclude_school_person", SchoolAdmin,
        "Exclude one person from every app the school has authorised, in one step; logged per app (#16)",
        handler person_requests::exclude,
        refuses [NotFound, Conflict],
        answers SchoolPersonDetail: "The person afterwards: excluded from every app";
    EraseSchoolPerson: Post "/api/school/people/{person_id}/erasure", "erase_school_person", SchoolAdmin,
        "Erase one person: the cached record goes (a tombstone tells every app), later extracts never bring them \
         back, and each app that read them gets person.erased; logged (#16)",
        handler person_requests::erase,
        refuses [NotFound, Conflict, ExtractInProgress],
        answers SchoolPersonDetail: "The person afterwards: erased (the same answer again for a retry)";
    DownloadSchoolReceipt: Get "/api/school/apps/{app_id}/receipts/{seq}", "download_school_receipt", SchoolMember,
        "An authorisation receipt as a file, from the hash-chained log (S3)",
        handler school_portal::school_receipt,
        refuses [NotFound],
        answers RawBody: "The receipt, an HTML file (Content-Disposition: attachment)";
    DownloadPartnerReceipt: Get "/api/partner/schools/{school_id}/receipts/{seq}",
        "download_partner_receipt", PartnerMember,
        "An authorisation receipt as a file, from the hash-chained log (P8)",
        handler school_portal::partner_receipt,
        query AppQuery, refuses [NotFound],
        answers RawBody: "The receipt, an HTML file (Content-Disposition: attachment)";
    ListSchoolTeam: Get "/api/school/team", "list_school_team", SchoolMember,
        "The school's portal users (S3)",
        handler school_portal::list_team,
        answers SchoolTeam: "The school's portal users";
    AddSchoolColleague: Post "/api/school/team", "add_school_colleague", SchoolAdmin,
        "Give a colleague a school portal account and email them (S3)",
        handler school_portal::add_colleague,
        body AddSchoolColleague, refuses [Invalid, NotFound, Conflict],
        answers SchoolTeam: "The team afterwards (the colleague is emailed)";
    RemoveSchoolColleague: Post "/api/school/team/remove", "remove_school_colleague", SchoolAdmin,
        "Remove a colleague's school portal account (S3)",
        handler school_portal::remove_colleague,
        body RemoveSchoolColleague, refuses [Invalid, NotFound, Conflict],
        answers SchoolTeam: "The team afterwards";
    GetSchoolOnboarding: Get "/api/school/onboarding", "get_school_onboarding", SchoolMember,
        "Install status and the install slots support offers (S4)",
        handler school_portal::get_onboarding,
        answers SchoolOnboarding: "Install status and offered slots";
    BookInstallSlot: Post "/api/school/onboarding/book", "book_install_slot", SchoolAdmin,
        "Book an install slot with support (S4)",
        handler school_portal::book_slot,
        body BookSlotRequest, refuses [Invalid, NotFound, Conflict],
        answers SchoolOnboarding: "Booked: the install status afterwards";
    StartSelfInstall: Post "/api/school/onboarding/self-install", "start_self_install", SchoolAdmin,
        "Self-install: issue the MIS agent credential, shown once (S4)",
        handler school_portal::self_install,
        refuses [Conflict],
        answers SelfInstallKey: "The agent credential, shown this once";
    ExplainSchoolPerson: Get "/api/school/apps/{app_id}/explain", "explain_school_person", SchoolMember,
        "Why can't this app see someone? The rule that hides a person from the app (S3, A3)",
        handler portal_data::explain_for_school,
        query ExplainQuery, refuses [Invalid, NotFound],
        answers Explanation: "Whether the app sees the person, and the rule that hides them if not";
    ExplainPartnerSchoolPerson: Get "/api/partner/schools/{school_id}/explain",
        "explain_partner_school_person", PartnerMember,
        "Why is this person missing? The reason and rule, never the person's details (P8, A3)",
        handler portal_data::explain_for_partner,
        query PartnerExplainQuery, refuses [Invalid, NotFound],
        answers Explanation:
            "The app's own answer (not_shared for an id the app was never shared): the reason code and the rule's \
             sentence; never the person's name or details";
    GetSchoolFeed: Get "/api/school/feed", "get_school_feed", SchoolMember,
        "The school's MIS feed: last extract, a held extract, each app's last pull (G1)",
        handler portal_data::school_feed,
        answers SchoolFeed: "Last extract, any held extract, and each sharing app's last pull";
    GetSchoolHeldExtract: Get "/api/school/held-extract", "get_school_held_extract", SchoolMember,
        "What releasing the held extract would change: counts and who would be deleted (G1)",
        handler portal_data::school_held,
        refuses [NoHeldExtract],
        answers HeldExtractDiff:
            "What releasing the held extract would change: counts, and who would be deleted by MIS id and name";
    ReleaseSchoolHeldExtract: Post "/api/school/held-extract/release", "release_school_held_extract", SchoolAdmin,
        "Apply the held extract as pushed, deletions included; honours Idempotency-Key (G1, #15)",
        handler portal_data::school_release,
        body HeldExtractChoice, refuses [Invalid, NoHeldExtract, Conflict], status 202,
        answers JobAccepted:
            "Accepted: a job applies the held extract. Poll `status_url` until the job is done: its result is the \
             release's decision, with the push's receipt; a job that failed says why (extract_in_progress while a \
             push runs)",
        idempotent;
    GetSchoolJob: Get "/api/school/jobs/{job_id}", "get_school_job", SchoolMember,
        "One of the school's jobs: its state, progress and, once done, its result (G1, #15)",
        handler portal_data::school_job,
        refuses [NotFound],
        answers JobStatus: "The job; another school's job is not found";
    RejectSchoolHeldExtract: Post "/api/school/held-extract/reject", "reject_school_held_extract", SchoolAdmin,
        "Discard the held extract; the school keeps its current data (G1)",
        handler portal_data::school_reject,
        body HeldExtractChoice, refuses [NoHeldExtract, Conflict, ExtractInProgress],
        answers HeldExtractDecision: "Released (with the push's receipt) or rejected";
    GetOpsHeldExtract: Get "/api/ops/schools/{school_id}/held-extract", "get_ops_held_extract", Ops,
        "Support: what releasing a school's held extract would change (G1)",
        handler portal_data::ops_held,
        refuses [NoHeldExtract, NotFound],
        answers HeldExtractDiff:
            "What releasing the held extract would change: counts, and who would be deleted by MIS id and name";
    ReleaseOpsHeldExtract: Post "/api/ops/schools/{school_id}/held-extract/release", "release_ops_held_extract", Ops,
        "Support: apply a school's held extract; honours Idempotency-Key (G1, #15)",
        handler portal_data::ops_release,
        body HeldExtractChoice, refuses [Invalid, NoHeldExtract, Conflict, NotFound], status 202,
        answers JobAccepted:
            "Accepted: a job applies the held extract. Poll `status_url` until the job is done: its result is the \
             release's decision, with the push's receipt",
        idempotent;
    GetOpsJob: Get "/api/ops/jobs/{job_id}", "get_ops_job", Ops,
        "One of support's jobs: its state, progress and, once done, its result (#15)",
        handler portal_data::ops_job,
        refuses [NotFound],
        answers JobStatus: "The job; a school's or partner's job is not found";
    RejectOpsHeldExtract: Post "/api/ops/schools/{school_id}/held-extract/reject", "reject_ops_held_extract", Ops,
        "Support: discard a school's held extract (G1)",
        handler portal_data::ops_reject,
        body HeldExtractChoice, refuses [NoHeldExtract, Conflict, ExtractInProgress, NotFound],
        answers HeldExtractDecision: "Released (with the push's receipt) or rejected";
    RequestOpsMagicLink: Post "/api/ops/auth/magic-link", "request_ops_magic_link", Anyone,
        "Email a single-use sign-in link to the operations console (O1)",
        handler request_magic_link::handle::<sign_in::Ops>,
        body MagicLinkRequest, refuses [Invalid, RateLimited], status 202,
        answers MagicLinkAccepted: "Accepted; sent if the address has an account";
    CreateOpsSession: Post "/api/ops/auth/session", "create_ops_session", LinkHolder,
        "Exchange an operations console sign-in token for a session cookie (O1)",
        handler create_session::handle::<sign_in::Ops>,
        body SessionRequest, refuses [Invalid, LinkExpired],
        answers OpsMe: "Signed in; sets the session cookie";
    OpsLogout: Post "/api/ops/auth/logout", "ops_logout", Anyone,
        "End the current operations console session (O1)",
        handler logout::handle::<sign_in::Ops>,
        status 204,
        answers NoContent: "Signed out";
    GetOpsMe: Get "/api/ops/me", "get_ops_me", Ops,
        "The signed-in operations user (O1)",
        handler get_ops_me::handle,
        refuses [Invalid],
        answers OpsMe: "The signed-in user";
    IssueAgentKey: Post "/api/ops/schools/{school_id}/agent-key", "issue_agent_key", Ops,
        "Issue or rotate a school's MIS agent key, shown once (G1, O1)",
        handler issue_agent_key::handle,
        refuses [NotFound],
        answers AgentKeyIssued: "The new key, shown once; the previous one stops working";
    ListPartnerSchools: Get "/api/partner/schools", "list_partner_schools", PartnerMember,
        "One page of an app's schools in a view: active, pending or revoked (P2)",
        handler list_partner_schools::handle,
        query ListSchoolsQuery, refuses [Invalid, NotFound],
        answers SchoolPage: "One page of schools";
    ExportPartnerSchools: Get "/api/partner/schools/export", "export_partner_schools", PartnerMember,
        "The filtered, sorted view as CSV, every page (P5)",
        handler export_partner_schools::handle,
        query ListSchoolsQuery, refuses [Invalid, NotFound],
        answers RawBody: "text/csv (UTF-8 with BOM) of every matching school";
    GetPartnerSchool: Get "/api/partner/schools/{school_id}", "get_partner_school", PartnerMember,
        "The school tile: details, scopes, Authorisation Log and actions (P8)",
        handler get_partner_school::handle,
        query AppQuery, refuses [Invalid, NotFound],
        answers SchoolDetail: "The school tile";
    RevokeSchoolAccess: Post "/api/partner/schools/{school_id}/revoke", "revoke_school_access", PartnerMember,
        "Revoke access today or from a later date (P6)",
        handler revoke_school_access::handle,
        body RevokeRequest, query AppQuery, refuses [Invalid, NotFound, Conflict],
        answers ActionOutcome: "What the action did, and the tile afterwards";
    CancelRevocation: Post "/api/partner/schools/{school_id}/cancel-revoke", "cancel_revocation", PartnerMember,
        "Cancel a revocation that has not taken effect (P6)",
        handler cancel_revocation::handle,
        query AppQuery, refuses [Invalid, NotFound, Conflict],
        answers ActionOutcome: "What the action did, and the tile afterwards";
    SetSchoolPriority: Post "/api/partner/schools/{school_id}/priority", "set_school_priority", PartnerMember,
        "Set or remove priority on a pending school (P6)",
        handler set_school_priority::handle,
        body PriorityRequest, query AppQuery, refuses [Invalid, NotFound, Conflict],
        answers ActionOutcome: "What the action did, and the tile afterwards";
    CancelInvitation: Post "/api/partner/schools/{school_id}/cancel-invite", "cancel_invitation", PartnerMember,
        "Cancel a pending invitation; its link stops working (P6)",
        handler cancel_invitation::handle,
        query AppQuery, refuses [Invalid, NotFound, Conflict],
        answers ActionOutcome: "What the action did, and the tile afterwards";
    ResendInvitation: Post "/api/partner/schools/{school_id}/resend-invite", "resend_invitation", PartnerMember,
        "Resend the invitation to the same or a new contact; the old link stops working (P6)",
        handler invite_again::handle::<invite_again::Resend>,
        body InviteRequest, query AppQuery, refuses [Invalid, NotFound, Conflict],
        answers ActionOutcome: "What the action did, and the tile afterwards", idempotent;
    ReinviteSchool: Post "/api/partner/schools/{school_id}/reinvite", "reinvite_school", PartnerMember,
        "Invite a revoked school again (P6)",
        handler invite_again::handle::<invite_again::Reinvite>,
        body InviteRequest, query AppQuery, refuses [Invalid, NotFound, Conflict],
        answers ActionOutcome: "What the action did, and the tile afterwards", idempotent;
    GetPermissionSet: Get "/api/partner/apps/{app_id}/permissions", "get_permission_set", PartnerMember,
        "The scopes an app requests (P10)",
        handler get_permission_set::handle,
        refuses [Invalid, NotFound],
        answers PermissionSet: "The app's permission set";
    UpdatePermissionSet: Post "/api/partner/apps/{app_id}/permissions", "update_permission_set", PartnerAdmin,
        "Change the scopes an app requests (P10)",
        handler update_permission_set::handle,
        body UpdatePermissionSet, refuses [Invalid, NotFound, Conflict], status 202,
        answers JobAccepted:
            "Saved; a job asks every authorised school missing a scope to re-authorise. Poll `status_url` until \
             the job is done: its result is what the save changed and how many schools were emailed. A bad set \
             is a 400 at once, and nothing is saved",
        idempotent;
    GetPartnerJob: Get "/api/partner/jobs/{job_id}", "get_partner_job", PartnerMember,
        "One of the partner's jobs: its state, progress and, once done, its result (P10, #15)",
        handler get_partner_job::handle,
        refuses [NotFound],
        answers JobStatus: "The job; another partner's job is not found";
    ListTeam: Get "/api/partner/team", "list_team", PartnerMember,
        "The partner's colleagues",
        handler list_team::handle,
        refuses [Invalid],
        answers TeamPage: "The team";
    AddTeamMember: Post "/api/partner/team", "add_team_member", PartnerAdmin,
        "Add a colleague who signs in by magic link (admins)",
        handler add_team_member::handle,
        body AddTeamMember, refuses [Invalid, NotFound, Conflict],
        answers TeamPage: "The team afterwards";
    RemoveTeamMember: Post "/api/partner/team/remove", "remove_team_member", PartnerAdmin,
        "Remove a colleague and end their sessions (admins)",
        handler remove_team_member::handle,
        body RemoveTeamMember, refuses [Invalid, NotFound, Conflict],
        answers TeamPage: "The team afterwards";
    OpenInvitation: Post "/api/invitations/open", "open_invitation", LinkHolder,
        "What a Begin Authorisation link is for, while it is live (S1)",
        handler open_invitation::handle,
        body OpenInvitationRequest, refuses [Invalid, InvitationExpired, LinkSuperseded, RateLimited],
        answers InvitationSummary: "The invitation, or once used its receipt";
    ForwardInvitation: Post "/api/invitations/forward", "forward_invitation", LinkHolder,
        "Not the right person: send the invitation to someone else; this link dies (S2)",
        handler forward_invitation::handle,
        body ForwardInvitationRequest,
        refuses [
            Invalid, InvitationUsed, InvitationExpired, LinkSuperseded, RateLimited,
        ],
        answers InvitationSummary: "The new invitation";
    AuthoriseInvitation: Post "/api/invitations/authorise", "authorise_invitation", LinkHolder,
        "Authorise sharing with the wizard's answers; the link is then used up (S2)",
        handler authorise_invitation::handle,
        body AuthoriseRequest, refuses [Invalid, InvitationUsed, InvitationExpired, LinkSuperseded, RateLimited],
        answers InvitationSummary: "Authorised; the summary carries the receipt";
    SearchDirectory: Get "/api/directory/schools", "search_directory", PartnerMember,
        "Find schools in England and Wales by name, URN, local authority or postcode (P7)",
        handler search_directory::handle,
        query DirectoryQuery, refuses [Invalid],
        answers DirectoryResults: "Up to 20 matching schools";
    InviteSchool: Post "/api/partner/invitations", "invite_school", PartnerMember,
        "Invite a school from the directory (P7)",
        handler invite_school::handle,
        body InviteSchoolRequest, query AppQuery, refuses [Invalid, NotFound, AlreadyInvited],
        answers ActionOutcome: "Invited: the new tile";
    ListAppKeys: Get "/api/partner/apps/{app_id}/keys", "list_app_keys", PartnerMember,
        "An app's API keys, without their secrets (A1)",
        handler list_app_keys::handle,
        refuses [Invalid, NotFound],
        answers AppKeyList: "The app's keys, without secrets";
    CreateAppKey: Post "/api/partner/apps/{app_id}/keys", "create_app_key", PartnerAdmin,
        "Create an API key for an app; the secret is shown once (A1, admins)",
        handler create_app_key::handle,
        body CreateAppKey, refuses [Invalid, NotFound, Conflict],
        answers CreatedAppKey: "The key and its secret, shown this once";
    RevokeAppKey: Post "/api/partner/apps/{app_id}/keys/{key_id}/revoke", "revoke_app_key", PartnerAdmin,
        "Revoke an API key: it stops working at once (A1, admins)",
        handler revoke_app_key::handle,
        refuses [Invalid, NotFound, Conflict],
        answers AppKeyList: "The app's keys afterwards";
    IssueOAuthToken: Post "/oauth/token", "issue_oauth_token", Anyone,
        "An OAuth client's id and secret for an access token (RFC 6749 §4.4), for /api/v1 and OneRoster",
        handler issue_oauth_token::handle,
        body OAuthTokenRequest,
        answers OAuthToken: "An access token for an hour, never cached";
    InviteSchoolByApi: Post "/api/v1/invitations", "invite_school_by_api", App,
        "An app invites a school with its API key; honours Idempotency-Key (A6)",
        handler invite_school_by_api::handle,
        body InviteSchoolRequest, refuses [Invalid, NotFound, AlreadyInvited],
        answers ActionOutcome: "Invited: the school as the partner's tile shows it", idempotent;
    ListAppSchools: Get "/api/v1/schools", "list_app_schools", App,
        "The schools related to the calling app, with their connection state (A1, A2)",
        handler list_app_schools::handle,
        answers AppSchools: "The app's schools and their connection states";
    GetSchoolStatus: Get "/api/v1/schools/{school_id}/status", "get_school_status", App,
        "Test Connection: one school's state and the facts behind it (A2)",
        handler get_school_status::handle,
        answers SchoolConnection: "The school's connection state and the facts behind it";
    ConfirmErasure: Post "/api/v1/schools/{school_id}/erasure-confirmation", "confirm_erasure", App,
        "After access ends, the app confirms it erased the school's data: records, and backups by a date (#16). \
         The first confirmation is final; the same one again answers it again",
        handler confirm_erasure::handle,
        body ErasureConfirmationRequest, refuses [Invalid, NotFound, NotRevoked, ErasureAlreadyConfirmed, Conflict],
        answers ErasureConfirmation: "The confirmation as recorded, with its Authorisation Log entry";
    ListStudents: Get "/api/v1/schools/{school_id}/students", "list_students", App,
        "A school's pupils shared with the app, a page at a time; `since` for changes only (A1, A3)",
        handler list_students::handle,
        query DataQuery,
        refuses gated [ScopeNotGranted, Invalid, InvalidCursor, SyncTokenExpired],
        answers DataPage: DATA_PAGE;
    GetStudent: Get "/api/v1/schools/{school_id}/students/{student_id}", "get_student", App,
        "One pupil shared with the app (A1)",
        handler get_student::handle,
        refuses gated [ScopeNotGranted, NotFound],
        answers DataRecord: "The pupil, with the contextual flags the school granted";
    ListStaff: Get "/api/v1/schools/{school_id}/staff", "list_staff", App,
        "A school's staff shared with the app, a page at a time; `since` for changes only (A1, A3)",
        handler list_staff::handle,
        query DataQuery,
        refuses gated [ScopeNotGranted, Invalid, InvalidCursor, SyncTokenExpired],
        answers DataPage: DATA_PAGE;
    ListContacts: Get "/api/v1/schools/{school_id}/contacts", "list_contacts", App,
        "A school's parents and carers shared with the app; `since` for changes only (A1, A3)",
        handler list_contacts::handle,
        query DataQuery,
        refuses gated [ScopeNotGranted, Invalid, InvalidCursor, SyncTokenExpired],
        answers DataPage: DATA_PAGE;
    ListGroups: Get "/api/v1/schools/{school_id}/groups", "list_groups", App,
        "A school's classes and year groups, members filtered to those shared; `since` for changes (A1, A3)",
        handler list_groups::handle,
        query DataQuery,
        refuses gated [ScopeNotGranted, Invalid, InvalidCursor, SyncTokenExpired],
        answers DataPage: DATA_PAGE;
    ExplainPerson: Get "/api/v1/schools/{school_id}/explain", "explain_person", App,
        "Why is this person missing? The rule that hides a person from the app, or that they are shared",
        handler explain_person::handle,
        query ExplainQuery, refuses [Invalid],
        answers Explanation:
            "Whether the person is shared, and the rule that hides them if not. The school-level reasons \
             (not_authorised, awaiting_verification, awaiting_school_approval, authorisation_revoked, not_installed, \
             feed_paused) answer for any id; excluded, not_selected, no_shared_pupil, deleted or scope_not_granted \
             only for a person shared with your app before (within 120 days); any other id gets not_shared, the same \
             whether or not it exists. The school's portal gives the full reason";
    ListOneRoster: Get "/ims/oneroster/rostering/v1p2/{collection}", "list_oneroster", App,
        "OneRoster 1.2 rostering: one collection (orgs, schools, academicSessions, terms, classes, courses, \
         users, students, teachers, enrollments, demographics) of every school the app may read, as the \
         native API would show it; by an OAuth access token or an API key (#17)",
        handler oneroster::list,
        query OneRosterQuery,
        answers RawBody:
            "`{\"<collection>\": [...]}` (students and teachers as `users`, schools as `orgs`, terms as \
             `academicSessions`), with `X-Total-Count` and `Link`; errors are `imsx_StatusInfo`";
    GetOneRoster: Get "/ims/oneroster/rostering/v1p2/{collection}/{sourced_id}", "get_oneroster", App,
        "OneRoster 1.2 rostering: one object by its `sourcedId` (#17)",
        handler oneroster::get,
        query OneRosterQuery,
        answers RawBody: "`{\"<object>\": {...}}`, e.g. `{\"user\": {...}}`; an id the app may not read is a 404";
    ListOneRosterNested: Get "/ims/oneroster/rostering/v1p2/{collection}/{sourced_id}/{nested}",
        "list_oneroster_nested", App,
        "OneRoster 1.2 rostering: a list under one object: schools/{id}/classes, courses, terms, students, \
         teachers, enrollments; classes/{id}/students, teachers, enrollments; users/{id}/classes (#17)",
        handler oneroster::nested,
        query OneRosterQuery,
        answers RawBody: "As a collection, of the one object's school, class or user";
    PushExtract: Post "/api/agent/v1/extracts", "push_extract", Agent,
        "The MIS agent pushes a full or delta extract of its school; honours Idempotency-Key (G1, #15)",
        handler push_extract::handle,
        body Extract, refuses [Invalid, ExtractInProgress, NoAuthorisedApp], status 202,
        answers JobAccepted:
            "Accepted: a job applies the extract. Poll `status_url` until the job is done: its result is the push's \
             receipt (applied, with any rejected records listed; or held by the deletion guard). A whole-body \
             problem is a 400 at once, and nothing is stored. 422: every record rejected, nothing applied: the \
             answer is the push's receipt (status error). Push again only once the job is done (before that, a \
             push is refused with extract_in_progress)",
        idempotent;
    GetAgentJob: Get "/api/agent/v1/jobs/{job_id}", "get_agent_job", Agent,
        "One of the agent's jobs: its state, progress and, once done, its result (G1, #15)",
        handler get_agent_job::handle,
        refuses [NotFound],
        answers JobStatus: "The job; another school's job is not found";
    GetAgentStatus: Get "/api/agent/v1/status", "get_agent_status", Agent,
        "The school as its MIS agent sees it: last extract, status, any held extract (G1)",
        handler get_agent_status::handle,
        answers AgentStatus: "Last extract, status, persons held and any held extract";
    ListPartnerCases: Get "/api/partner/cases", "list_partner_cases", PartnerMember,
        "One page of the partner's support cases: active (the Active Cases tab) or archived (P9)",
        handler cases::list,
        query CaseListQuery, refuses [Invalid],
        answers CasePage: "One page of cases, newest activity first";
    OpenCase: Post "/api/partner/cases", "open_case", PartnerMember,
        "Raise a support case, optionally about one of the partner's schools; honours Idempotency-Key (P9)",
        handler cases::open,
        body NewCase, refuses [Invalid, NotFound],
        answers CaseDetail: "The new case with its reference", idempotent;
    GetPartnerCase: Get "/api/partner/cases/{case_id}", "get_partner_case", PartnerMember,
        "One support case with its conversation, newest comment last (P9)",
        handler cases::get,
        refuses [NotFound],
        answers CaseDetail: "The case and its conversation";
    CommentOnCase: Post "/api/partner/cases/{case_id}/comments", "comment_on_case", PartnerMember,
        "Add a comment for the support team; honours Idempotency-Key (P9)",
        handler cases::comment,
        body CaseCommentRequest, refuses [Invalid, NotFound, Conflict],
        answers CaseDetail: "The case afterwards", idempotent;
    EscalateCase: Post "/api/partner/cases/{case_id}/escalate", "escalate_case", PartnerMember,
        "Escalate a case with a reason: support sees it first (P9)",
        handler cases::escalate,
        body EscalateCaseRequest, refuses [Invalid, NotFound, Conflict],
        answers CaseDetail: "The case afterwards";
    ClosePartnerCase: Post "/api/partner/cases/{case_id}/close", "close_partner_case", PartnerMember,
        "Close a case; it can be reopened for 30 days (P9)",
        handler cases::close,
        refuses [Invalid, NotFound, Conflict],
        answers CaseDetail: "The case afterwards";
    ReopenCase: Post "/api/partner/cases/{case_id}/reopen", "reopen_case", PartnerMember,
        "Reopen a case closed less than 30 days ago (P9)",
        handler cases::reopen,
        refuses [NotFound, Conflict, CaseArchived],
        answers CaseDetail: "The case afterwards";
    GetWebhook: Get "/api/partner/webhooks/{app_id}", "get_webhook", PartnerMember,
        "An app's webhook: URL, on or off, which secret; never the secret (A4)",
        handler get_webhook::handle,
        refuses [Invalid, NotFound],
        answers WebhookSettings: "The webhook, without its secret";
    SetWebhook: Post "/api/partner/webhooks/{app_id}", "set_webhook", PartnerAdmin,
        "Set an app's webhook URL or switch delivery off; the first save shows the signing secret once (A4, admins)",
        handler set_webhook::handle,
        body SetWebhook, refuses [Invalid, NotFound, Conflict],
        answers WebhookSaved:
            "Saved. The first save makes the signing secret and returns it this once. Every delivery is a POST of \
             the event's JSON with `Gatehouse-Event-Id` and `Gatehouse-Signature: t=<unix>,v1=<hex \
             HMAC-SHA256(secret, \"<t>.<body>\")>`";
    RotateWebhookSecret: Post "/api/partner/webhooks/{app_id}/rotate-secret", "rotate_webhook_secret", PartnerAdmin,
        "Replace the webhook signing secret; the new one is shown once (A4, admins)",
        handler rotate_webhook_secret::handle,
        refuses [Invalid, NotFound, Conflict],
        answers WebhookSaved: "The new secret, shown this once; the old one stops signing at once";
    ListWebhookDeliveries: Get "/api/partner/webhooks/{app_id}/deliveries", "list_webhook_deliveries", PartnerMember,
        "Webhook deliveries of the last 30 days, newest first, with dead letters (A4)",
        handler list_webhook_deliveries::handle,
        refuses [Invalid, NotFound],
        answers WebhookDeliveries: "Deliveries and dead letters of the last 30 days";
    RedeliverWebhook: Post "/api/partner/webhooks/{app_id}/deliveries/{delivery_id}/redeliver",
        "redeliver_webhook", PartnerAdmin,
        "Send one delivery again, now, to the current URL (A4, admins)",
        handler redeliver_webhook::handle,
        refuses [Invalid, NotFound, Conflict],
        answers WebhookDelivery: "The delivery after sending it again";
    ListMisRetention: Get "/api/ops/mis-retention", "list_mis_retention", Ops,
        "Schools whose MIS data will be deleted, or was, because no app has access (#16, O1)",
        handler ops_retention::list,
        refuses [Invalid],
        answers MisRetentionList: "Deletions to come, soonest first, then those done, newest first";
    ListPartners: Get "/api/ops/partners", "list_partners", Ops,
        "Every partner organisation with its first app and admin (O1)",
        handler ops_partners::list,
        refuses [Invalid],
        answers PartnerList: "Every organisation, by name";
    CreatePartner: Post "/api/ops/partners", "create_partner", Ops,
        "Create a partner organisation with its first admin, who is emailed, and its app (O1)",
        handler ops_partners::create,
        body NewPartner, refuses [Invalid],
        answers PartnerCreated: "The organisation; `created` is false when a retry found it made already";
    AuditAuthorisationLogs: Get "/api/ops/authorisation-logs/audit", "audit_authorisation_logs", Ops,
        "Check the hash chain of every school link's Authorisation Log, a page of links at a time (P8, O1)",
        handler audit_authorisation_logs::handle,
        query LogAuditQuery, refuses [Invalid],
        answers LogAudit: "What this page checked and any broken logs; follow `next_cursor` until it is absent";
    ImportDirectory: Post "/api/ops/directory/import", "import_directory", Ops,
        "Import one part of the register's CSV extract (header row first); re-importing duplicates nothing (O1)",
        handler ops_directory::import,
        body CsvText, query DirectoryImportQuery, refuses [Invalid], status 202,
        answers JobAccepted:
            "Accepted: a job writes the part's schools. The body is `text/csv`: the register's header row, then \
             rows. A part that is not the register's CSV is a 400 at once, and nothing is stored. Poll `status_url` \
             until the job is done: its result is what the part did, rows skipped named by their line in the file",
        idempotent;
    SearchOpsDirectory: Get "/api/ops/directory/schools", "search_ops_directory", Ops,
        "Search the school directory by name, URN, local authority or postcode (O1)",
        handler ops_directory::search,
        query DirectoryQuery, refuses [Invalid],
        answers DirectoryResults: "Up to 20 matches, open schools first";
    UpdateDirectorySchool: Post "/api/ops/directory/schools/{urn}", "update_directory_school", Ops,
        "Correct one directory entry: name, local authority, postcode, phase, status (O1)",
        handler ops_directory::update,
        body UpdateDirectorySchool, refuses [Invalid, NotFound, Conflict],
        answers DirectorySchool: "The entry afterwards";
    RequestInternationalSchool: Post "/api/partner/international-requests",
        "request_international_school", PartnerMember,
        "Ask operations to add a school outside England and Wales; acknowledged by email; honours Idempotency-Key (P7)",
        handler international_requests::submit,
        body NewInternationalRequest, refuses [Invalid],
        answers InternationalRequest: "The request, waiting for operations", idempotent;
    ListPartnerInternationalRequests: Get "/api/partner/international-requests",
        "list_partner_international_requests", PartnerMember,
        "The partner's international school requests and their outcome, newest first (P7)",
        handler international_requests::list_mine,
        answers InternationalRequestList: "The partner's requests, newest first";
    ListInternationalRequests: Get "/api/ops/international-requests", "list_international_requests", Ops,
        "International school requests in one state, oldest first (O1)",
        handler international_requests::queue,
        query InternationalRequestQuery, refuses [Invalid],
        answers InternationalRequestList: "Requests in the state asked for, oldest first";
    AcceptInternationalRequest: Post "/api/ops/international-requests/{request_id}/accept",
        "accept_international_request", Ops,
        "Accept: the school joins the directory with an INT id and the partner can invite it (O1)",
        handler international_requests::accept,
        body AcceptInternationalRequest, refuses [Invalid, NotFound, Conflict],
        answers InternationalRequest: "Accepted, with the school's directory id";
    DeclineInternationalRequest: Post "/api/ops/international-requests/{request_id}/decline",
        "decline_international_request", Ops,
        "Decline with a reason, emailed to the partner user (O1)",
        handler international_requests::decline,
        body DeclineInternationalRequest, refuses [Invalid, NotFound, Conflict],
        answers InternationalRequest: "Declined; the partner user is emailed the reason";
    ListSupportQueue: Get "/api/ops/cases", "list_support_queue", Ops,
        "One state's support cases, escalated first then longest waiting, paged (O1)",
        handler support_cases::queue,
        query SupportQueueQuery, refuses [Invalid],
        answers CasePage: "One page of the queue, escalated first";
    GetSupportCase: Get "/api/ops/cases/{case_id}", "get_support_case", Ops,
        "Any support case with its conversation (O1)",
        handler support_cases::get,
        refuses [Invalid, NotFound, Conflict],
        answers CaseDetail: "The case and its conversation";
    ReplyToCase: Post "/api/ops/cases/{case_id}/reply", "reply_to_case", Ops,
        "Reply as support: the case awaits the partner, whose contact is emailed; honours Idempotency-Key (O1)",
        handler support_cases::reply,
        body SupportReply, refuses [Invalid, NotFound, Conflict],
        answers CaseDetail: "The case afterwards", idempotent;
    CloseSupportCase: Post "/api/ops/cases/{case_id}/close", "close_support_case", Ops,
        "Close a case as support; the partner contact is emailed (O1)",
        handler support_cases::close,
        refuses [Invalid, NotFound, Conflict],
        answers CaseDetail: "The case afterwards";
    ReassignCase: Post "/api/ops/cases/{case_id}/reassign", "reassign_case", Ops,
        "Give a case to a support agent, or to nobody (O1)",
        handler support_cases::reassign,
        body ReassignCase, refuses [Invalid, NotFound, Conflict],
        answers CaseDetail: "The case afterwards";
    ListInstallSlots: Get "/api/ops/install-slots", "list_install_slots", Ops,
        "The free install slots from today, earliest first (O1, S4)",
        handler ops_bookings::list_slots,
        refuses [Invalid],
        answers InstallSlots: "Free slots from today; `added` is 0";
    OfferInstallSlots: Post "/api/ops/install-slots", "offer_install_slots", Ops,
        "Offer install slots on one day; offering a slot again changes nothing (O1, S4)",
        handler ops_bookings::offer_slots,
        body OfferSlots, refuses [Invalid],
        answers InstallSlots: "Free slots from today; `added` counts the new ones (0 when all were offered already)";
    ListInstallBookings: Get "/api/ops/install-bookings", "list_install_bookings", Ops,
        "Booked install slots from 30 days ago, earliest first, with the school and its contact, paged (O1, S4)",
        handler ops_bookings::list_bookings,
        query InstallBookingsQuery, refuses [Invalid],
        answers InstallBookingPage: "One page of booked slots, earliest first";
    MarkInstalled: Post "/api/ops/install-bookings/{school_id}/installed", "mark_installed", Ops,
        "Mark the school's MIS agent Installed; the partner lists show it; marking twice changes nothing (O1, S4)",
        handler ops_bookings::mark_installed,
        refuses [Invalid, NotFound, Conflict],
        answers InstallMarked: "Marked; `changed` is false when it was Installed already";
    ListAuthorityVerifications: Get "/api/ops/verifications", "list_authority_verifications", Ops,
        "Authorisers waiting for their authority at the school to be verified, with the evidence (O1, #12)",
        handler authority_verifications::list,
        refuses [Invalid],
        answers AuthorityVerificationList: "Authorisers waiting for verification, oldest first, with the evidence";
    DecideAuthorityVerification: Post "/api/ops/verifications/decide", "decide_authority_verification", Ops,
        "Verify an authoriser (they become the school's first admin) or reject them (O1, #12)",
        handler authority_verifications::decide,
        body DecideAuthorityVerification, refuses [Invalid, NotFound, Conflict],
        answers AuthorityVerificationList: "The queue afterwards";
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
        name: "send_erasure_reminders",
        // 00:50 UTC daily, after the revocations: the 7th and 14th day count from the UK date access ended.
        schedule: "cron(50 0 * * ? *)",
        timezone: None,
        summary: "Remind the partner of each app that has not confirmed erasure 7 and 14 days after access ended (#16)",
    },
    Job {
        name: "purge_mis_caches",
        // 00:50 UTC daily, after the revocations that start the count.
        schedule: "cron(50 0 * * ? *)",
        timezone: None,
        summary: "Delete the MIS data of schools no app has had access to for 30 days, and tell their agents to \
                  stop (#16, E1)",
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
        // A whole view at once: more time and memory than a page, within
        // the API's 30 s (a function still running then answers nobody, #15).
        "export_partner_schools" => (Some(512), Some(29)),
        // Keeps the views it has shown, up to `school_index::KEPT_ROWS` rows (#14).
        "list_partner_schools" => (Some(512), None),
        // Emails every authorised school that must approve a new scope, one
        // by one (a transaction and an email each); a retry carries on.
        "permission_set_fan_out_worker" => (None, Some(900)),
        // Reads, checks and stores a pushed extract of a few MB; its worker applies it.
        "push_extract" => (Some(1024), Some(29)),
        // A full extract of a large school is a few MB and tens of
        // transactions, whether pushed by the agent or released past the guard.
        "push_extract_worker" | "release_held_extract_worker" => (Some(1024), Some(120)),
        // A part of the register: a few thousand schools, two requests each.
        "import_directory_worker" => (None, Some(300)),
        // Sends a webhook: above the sender's 10 s request timeout.
        "redeliver_webhook" | "deliver_webhooks" => (None, Some(20)),
        // Daily and twice-weekly jobs: one transaction (and email) per item due.
        "apply_revocations" | "archive_cases" | "mark_inactive_schools" | "send_reminders" => (None, Some(300)),
        // One Query a school that ever pushed; a purge is a few BatchWriteItems (#16).
        "purge_mis_caches" => (None, Some(300)),
        // Everything a failed send left, one message at a time.
        "deliver_outbox" => (None, Some(120)),
        _ => (None, None),
    };
    Sizing { memory_mb, timeout_seconds }
}

/// Where a consumer's events come from, which says the bus its rule is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventOrigin {
    /// Gatehouse's own domain events, on Gatehouse's bus.
    Gatehouse,
    /// SES's email events (#15), which SES puts on the account's default
    /// bus only.
    Ses,
}

impl EventOrigin {
    /// The events' `source`.
    pub const fn source(self) -> &'static str {
        match self {
            EventOrigin::Gatehouse => "gatehouse",
            EventOrigin::Ses => "aws.ses",
        }
    }
}

/// A function run by events on an EventBridge bus rather than by a route or
/// a schedule (A4): a rule on the bus invokes it asynchronously. Locally it
/// runs in-process, subscribed to the in-process bus (SES's events: the
/// local mailer's simulator addresses and `POST /dev/ses-event`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventConsumer {
    /// snake_case: the bin name; `PascalCase` + `Function` in SAM.
    pub name: &'static str,
    pub origin: EventOrigin,
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
        origin: EventOrigin::Gatehouse,
        detail_types: &[
            "authorisation.granted",
            "authorisation.revoked",
            "feed.paused",
            "feed.enabled",
            "gdpr_mode.changed",
            "persons.changed",
            "data.refreshed",
            "person.erased",
        ],
        max_event_age_seconds: 3600,
        summary: "POST each domain event, signed, to the app's webhook; retried, then dead-lettered (A4)",
    },
    EventConsumer {
        name: "send_sign_in_links",
        origin: EventOrigin::Gatehouse,
        detail_types: &[SIGN_IN_REQUESTED],
        // A sign-in link lives 10 minutes: later, the email would be useless.
        max_event_age_seconds: 600,
        summary: "Look up the address of a sign-in request and email a link if it has an account (P1, S3, O1)",
    },
    EventConsumer {
        name: "record_email_feedback",
        origin: EventOrigin::Ses,
        detail_types: &[SES_EMAIL_BOUNCED, SES_EMAIL_COMPLAINED],
        // SES reports within minutes; three hours covers an outage of ours,
        // and what is older waits in the dead-letter queue, whose alarm
        // tells ops to redrive it.
        max_event_age_seconds: 10_800,
        summary: "Put addresses that bounced for good or complained on the suppression list the mailer honours (#15)",
    },
    EventConsumer {
        name: "push_extract_worker",
        origin: EventOrigin::Gatehouse,
        detail_types: &["job.push_extract"],
        // A job's status lives 7 days, but an agent pushes again long before.
        max_event_age_seconds: 3600,
        summary: "Apply an extract an MIS agent pushed: the push's job (G1, #15)",
    },
    EventConsumer {
        name: "release_held_extract_worker",
        origin: EventOrigin::Gatehouse,
        detail_types: &["job.release_held_extract"],
        // The school or support is watching its progress: an hour is plenty.
        max_event_age_seconds: 3600,
        summary: "Apply a held extract the school or support released: the release's job (G1, #15)",
    },
    EventConsumer {
        name: "permission_set_fan_out_worker",
        origin: EventOrigin::Gatehouse,
        detail_types: &["job.permission_set_fan_out"],
        // The partner's admin is watching its progress; a later save asks again.
        max_event_age_seconds: 3600,
        summary: "Ask every authorised school missing a scope of a saved permission set to re-authorise (P10, #15)",
    },
    EventConsumer {
        name: "import_directory_worker",
        origin: EventOrigin::Gatehouse,
        detail_types: &["job.import_directory"],
        // Support is watching the import's progress: an hour is plenty.
        max_event_age_seconds: 3600,
        summary: "Write a part of the school register to the directory: the import's job (O1, #15)",
    },
];

/// The `detail-type` SES gives a bounce on EventBridge (its configuration
/// set's event destination); the detail is SES's event record.
pub const SES_EMAIL_BOUNCED: &str = "Email Bounced";
/// The `detail-type` SES gives a complaint.
pub const SES_EMAIL_COMPLAINED: &str = "Email Complaint Received";

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
        pascal_case(self.name)
    }
}

impl Job {
    /// `apply_revocations` → `ApplyRevocations`: the SAM resource stem, by
    /// the rule `Route::pascal_name` applies to routes.
    pub fn pascal_name(&self) -> String {
        pascal_case(self.name)
    }
}

/// `snake_case` → `PascalCase`.
fn pascal_case(name: &str) -> String {
    name.split('_')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
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

    /// A job's event must reach its worker: the worker is a consumer whose
    /// rule matches the kind's detail-type, and no other consumer's does.
    #[test]
    fn every_kind_of_job_has_its_worker_consumer() {
        for kind in crate::JobKind::ALL {
            let worker = EVENT_CONSUMERS.iter().find(|consumer| consumer.name == kind.worker());
            let worker = worker.unwrap_or_else(|| panic!("{kind:?}: no consumer {}", kind.worker()));
            assert_eq!(worker.detail_types, [kind.detail_type()], "{kind:?}");
            let others = EVENT_CONSUMERS.iter().filter(|consumer| consumer.detail_types.contains(&kind.detail_type()));
            assert_eq!(others.count(), 1, "{kind:?}: one consumer takes its events");
        }
    }

    #[test]
    fn pascal_name_is_the_sam_stem() {
        assert_eq!(Op::ListPartnerSchools.route().pascal_name(), "ListPartnerSchools");
        assert_eq!(Op::OpenApi.route().pascal_name(), "Openapi");
    }
}
