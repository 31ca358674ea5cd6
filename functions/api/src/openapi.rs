//! The OpenAPI 3.1 document, generated from the route table and the model's
//! schemas, so it cannot drift from what is mounted.

use gatehouse_model::{
    ActionOutcome, AddTeamMember, AppKeyList, AppQuery, AppSchools, AuthoriseRequest, CreateAppKey, CreatedAppKey,
    DirectoryQuery, DirectoryResults, ForwardInvitationRequest, Health, InvitationSummary, InviteRequest,
    InviteSchoolRequest, ListSchoolsQuery, MagicLinkAccepted, MagicLinkRequest, Me, Op, OpenInvitationRequest,
    PermissionSet, PermissionSetSaved, PriorityRequest, Problem, ROUTES, RemoveTeamMember, RevokeRequest, Route,
    SchoolConnection, SchoolDetail, SchoolPage, SessionRequest, TeamPage, UpdatePermissionSet,
};
use utoipa::openapi::path::{HttpMethod, OperationBuilder};
use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::{ResponseBuilder, ResponsesBuilder};
use utoipa::openapi::{ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref};
use utoipa::{IntoParams, ToSchema};

mod console;

/// What an operation takes and returns, for the document.
struct Shape {
    request: Option<&'static str>,
    success: (&'static str, &'static str, Option<&'static str>),
    errors: &'static [(&'static str, &'static str)],
    query: QueryParams,
}

/// Which query string an operation reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum QueryParams {
    None,
    SchoolPeople,
    Schools,
    App,
    Directory,
    Data,
    Explain,
    Cases,
    DirectoryImport,
    InternationalRequests,
    SupportQueue,
    InstallBookings,
    PartnerExplain,
}

fn shape(op: Op) -> Shape {
    const DATA_READ: &[(&str, &str)] = &[
        ("400", "invalid_cursor, or a limit outside 1 to 1000"),
        ("401", "No valid API key"),
        (
            "403",
            "not_authorised, awaiting_verification, awaiting_school_approval, authorisation_revoked, feed_paused or scope_not_granted",
        ),
        ("409", "not_installed: the school's MIS agent is not installed yet"),
        (
            "410",
            "sync_token_expired: the token is more than 35 days old (deleted persons are kept as tombstones for 36 \
             days only), or the school changed its GDPR mode or scopes; run a full sync",
        ),
    ];
    const SIGNED_IN: &[(&str, &str)] = &[("400", "Invalid input"), ("401", "Sign-in required")];
    match op {
        Op::ListPartners
        | Op::CreatePartner
        | Op::ImportDirectory
        | Op::SearchOpsDirectory
        | Op::UpdateDirectorySchool
        | Op::RequestInternationalSchool
        | Op::ListPartnerInternationalRequests
        | Op::ListInternationalRequests
        | Op::AcceptInternationalRequest
        | Op::DeclineInternationalRequest
        | Op::ListSupportQueue
        | Op::GetSupportCase
        | Op::ReplyToCase
        | Op::CloseSupportCase
        | Op::ReassignCase
        | Op::ListInstallSlots
        | Op::OfferInstallSlots
        | Op::ListInstallBookings
        | Op::MarkInstalled
        | Op::ListAuthorityVerifications
        | Op::DecideAuthorityVerification => console::shape(op),
        Op::Health => {
            Shape { request: None, success: ("200", "Alive", Some("Health")), errors: &[], query: QueryParams::None }
        }
        Op::OpenApi => {
            Shape { request: None, success: ("200", "This document", None), errors: &[], query: QueryParams::None }
        }
        Op::RequestMagicLink => Shape {
            request: Some("MagicLinkRequest"),
            success: ("202", "Accepted; sent if the address has an account", Some("MagicLinkAccepted")),
            errors: &[("400", "Not an email address"), ("429", "Too many requests")],
            query: QueryParams::None,
        },
        Op::CreateSession => Shape {
            request: Some("SessionRequest"),
            success: ("200", "Signed in; sets the session cookie", Some("Me")),
            errors: &[("400", "Not a token"), ("410", "Link expired or already used")],
            query: QueryParams::None,
        },
        Op::Logout => {
            Shape { request: None, success: ("204", "Signed out", None), errors: &[], query: QueryParams::None }
        }
        Op::GetMe => Shape {
            request: None,
            success: ("200", "The signed-in user", Some("Me")),
            errors: SIGNED_IN,
            query: QueryParams::None,
        },
        Op::RequestSchoolMagicLink => Shape {
            request: Some("MagicLinkRequest"),
            success: ("202", "Accepted; sent if the address has an account", Some("MagicLinkAccepted")),
            errors: &[("400", "Not an email address"), ("429", "Too many requests")],
            query: QueryParams::None,
        },
        Op::CreateSchoolSession => Shape {
            request: Some("SessionRequest"),
            success: ("200", "Signed in; sets the session cookie", Some("SchoolMe")),
            errors: &[("400", "Not a token"), ("410", "Link expired or already used")],
            query: QueryParams::None,
        },
        Op::SchoolLogout => {
            Shape { request: None, success: ("204", "Signed out", None), errors: &[], query: QueryParams::None }
        }
        Op::GetSchoolMe => Shape {
            request: None,
            success: ("200", "The signed-in user", Some("SchoolMe")),
            errors: SIGNED_IN,
            query: QueryParams::None,
        },
        Op::RequestOpsMagicLink => Shape {
            request: Some("MagicLinkRequest"),
            success: ("202", "Accepted; sent if the address has an account", Some("MagicLinkAccepted")),
            errors: &[("400", "Not an email address"), ("429", "Too many requests")],
            query: QueryParams::None,
        },
        Op::CreateOpsSession => Shape {
            request: Some("SessionRequest"),
            success: ("200", "Signed in; sets the session cookie", Some("OpsMe")),
            errors: &[("400", "Not a token"), ("410", "Link expired or already used")],
            query: QueryParams::None,
        },
        Op::OpsLogout => {
            Shape { request: None, success: ("204", "Signed out", None), errors: &[], query: QueryParams::None }
        }
        Op::GetOpsMe => Shape {
            request: None,
            success: ("200", "The signed-in user", Some("OpsMe")),
            errors: SIGNED_IN,
            query: QueryParams::None,
        },
        Op::IssueAgentKey => Shape {
            request: None,
            success: ("200", "The new key, shown once; the previous one stops working", Some("AgentKeyIssued")),
            errors: &[("401", "Not signed in to the operations console"), ("404", "No such school")],
            query: QueryParams::None,
        },
        Op::ListPartnerSchools => Shape {
            request: None,
            success: ("200", "One page of schools", Some("SchoolPage")),
            errors: &[("400", "Invalid query"), ("401", "Sign-in required"), ("404", "No such app")],
            query: QueryParams::Schools,
        },
        Op::ExportPartnerSchools => Shape {
            request: None,
            success: ("200", "text/csv (UTF-8 with BOM) of every matching school", None),
            errors: &[("400", "Invalid query"), ("401", "Sign-in required"), ("404", "No such app")],
            query: QueryParams::Schools,
        },
        Op::GetPartnerSchool => Shape {
            request: None,
            success: ("200", "The school tile", Some("SchoolDetail")),
            errors: TENANT,
            query: QueryParams::App,
        },
        Op::RevokeSchoolAccess => action(Some("RevokeRequest")),
        Op::CancelRevocation | Op::CancelInvitation => action(None),
        Op::SetSchoolPriority => action(Some("PriorityRequest")),
        Op::ResendInvitation | Op::ReinviteSchool => Shape {
            errors: &[
                ("400", "Invalid input, or an Idempotency-Key reused for another request"),
                ("401", "Sign-in required"),
                ("404", "No such school or app"),
                ("409", "Changed meanwhile, or the same key is still being processed"),
            ],
            ..action(Some("InviteRequest"))
        },
        Op::GetPermissionSet => Shape {
            request: None,
            success: ("200", "The app's permission set", Some("PermissionSet")),
            errors: TENANT,
            query: QueryParams::None,
        },
        Op::UpdatePermissionSet => Shape {
            request: Some("UpdatePermissionSet"),
            success: ("200", "Saved; schools asked to re-authorise", Some("PermissionSetSaved")),
            errors: ADMIN,
            query: QueryParams::None,
        },
        Op::ListTeam => Shape {
            request: None,
            success: ("200", "The team", Some("TeamPage")),
            errors: SIGNED_IN,
            query: QueryParams::None,
        },
        Op::AddTeamMember => Shape {
            request: Some("AddTeamMember"),
            success: ("200", "The team afterwards", Some("TeamPage")),
            errors: ADMIN,
            query: QueryParams::None,
        },
        Op::RemoveTeamMember => Shape {
            request: Some("RemoveTeamMember"),
            success: ("200", "The team afterwards", Some("TeamPage")),
            errors: ADMIN,
            query: QueryParams::None,
        },
        Op::OpenInvitation => Shape {
            request: Some("OpenInvitationRequest"),
            success: ("200", "The invitation, or once used its receipt", Some("InvitationSummary")),
            errors: &[
                ("400", "Not a token"),
                ("410", "Expired, cancelled or replaced by a newer invitation"),
                ("429", "Too many requests"),
            ],
            query: QueryParams::None,
        },
        Op::ForwardInvitation => Shape {
            request: Some("ForwardInvitationRequest"),
            success: ("200", "The new invitation", Some("InvitationSummary")),
            errors: INVITATION_LINK,
            query: QueryParams::None,
        },
        Op::AuthoriseInvitation => Shape {
            request: Some("AuthoriseRequest"),
            success: ("200", "Authorised; the summary carries the receipt", Some("InvitationSummary")),
            errors: INVITATION_LINK,
            query: QueryParams::None,
        },
        Op::SearchDirectory => Shape {
            request: None,
            success: ("200", "Up to 20 matching schools", Some("DirectoryResults")),
            errors: SIGNED_IN,
            query: QueryParams::Directory,
        },
        Op::ListAppKeys => Shape {
            request: None,
            success: ("200", "The app's keys, without secrets", Some("AppKeyList")),
            errors: TENANT,
            query: QueryParams::None,
        },
        Op::CreateAppKey => Shape {
            request: Some("CreateAppKey"),
            success: ("200", "The key and its secret, shown this once", Some("CreatedAppKey")),
            errors: ADMIN,
            query: QueryParams::None,
        },
        Op::RevokeAppKey => Shape {
            request: None,
            success: ("200", "The app's keys afterwards", Some("AppKeyList")),
            errors: ADMIN,
            query: QueryParams::None,
        },
        Op::InviteSchoolByApi => Shape {
            request: Some("InviteSchoolRequest"),
            success: ("200", "Invited: the school as the partner's tile shows it", Some("ActionOutcome")),
            errors: &[
                ("400", "Invalid input, or an Idempotency-Key reused for another request"),
                ("401", "No valid API key"),
                ("404", "No such school in the directory"),
                ("409", "Already invited or authorised for this app"),
            ],
            query: QueryParams::None,
        },
        Op::ListAppSchools => Shape {
            request: None,
            success: ("200", "The app's schools and their connection states", Some("AppSchools")),
            errors: &[("401", "No valid API key")],
            query: QueryParams::None,
        },
        Op::GetSchoolStatus => Shape {
            request: None,
            success: ("200", "The school's connection state and the facts behind it", Some("SchoolConnection")),
            errors: &[("401", "No valid API key")],
            query: QueryParams::None,
        },
        Op::ListStudents | Op::ListStaff | Op::ListContacts | Op::ListGroups => Shape {
            request: None,
            success: (
                "200",
                "One page: `data` (records; with `since`, changed records and `{\"id\", \"deleted\": true}` for \
                 records gone or no longer shared), `next_cursor` (null on the last page) and `sync_token` (keep it \
                 and pass it as `since` next time; it is honoured for 35 days, after which the deletions it would \
                 need may be gone and it answers 410). Contextual flags not granted are absent",
                Some("DataPage"),
            ),
            errors: DATA_READ,
            query: QueryParams::Data,
        },
        Op::GetStudent => Shape {
            request: None,
            success: ("200", "The pupil, with the contextual flags the school granted", Some("Student")),
            errors: &[
                ("401", "No valid API key"),
                (
                    "403",
                    "not_authorised, awaiting_verification, awaiting_school_approval, authorisation_revoked, feed_paused or scope_not_granted",
                ),
                ("404", "No pupil shared under this id; the explain endpoint says why"),
                ("409", "not_installed: no MIS agent yet"),
            ],
            query: QueryParams::None,
        },
        Op::ExplainPerson => Shape {
            request: None,
            success: (
                "200",
                "Whether the person is shared, and the rule that hides them if not. The school-level reasons \
                 (not_authorised, awaiting_verification, awaiting_school_approval, authorisation_revoked, \
                 not_installed, feed_paused) answer for any id; excluded, not_selected, no_shared_pupil, deleted \
                 or scope_not_granted only for a person shared with your app before (within 120 days); any other \
                 id gets not_shared, the same whether or not it exists. The school's portal gives the full reason",
                Some("Explanation"),
            ),
            errors: &[("400", "No mis_id"), ("401", "No valid API key")],
            query: QueryParams::Explain,
        },
        Op::PushExtract => Shape {
            request: Some("Extract"),
            success: (
                "200",
                "Applied (status ok, or warning with the rejected records listed). 202: held by the deletion guard, \
                 not applied. 422: every record rejected, nothing applied (status error)",
                Some("ExtractReceipt"),
            ),
            errors: &[
                ("400", "Not an extract (the problem names the field)"),
                ("401", "No valid agent key"),
                ("409", "extract_in_progress: another push for this school is being applied"),
                ("413", "Larger than 6 MB"),
            ],
            query: QueryParams::None,
        },
        Op::GetAgentStatus => Shape {
            request: None,
            success: ("200", "Last extract, status, persons held and any held extract", Some("AgentStatus")),
            errors: &[("401", "No valid agent key")],
            query: QueryParams::None,
        },
        Op::ListPartnerCases => Shape {
            request: None,
            success: ("200", "One page of cases, newest activity first", Some("CasePage")),
            errors: SIGNED_IN,
            query: QueryParams::Cases,
        },
        Op::OpenCase => Shape {
            request: Some("NewCase"),
            success: ("200", "The new case with its reference", Some("CaseDetail")),
            errors: &[
                ("400", "Invalid input (the problem names the field), or an Idempotency-Key reused"),
                ("401", "Sign-in required"),
                ("404", "No such school or app"),
            ],
            query: QueryParams::None,
        },
        Op::GetPartnerCase => Shape {
            request: None,
            success: ("200", "The case and its conversation", Some("CaseDetail")),
            errors: CASE,
            query: QueryParams::None,
        },
        Op::CommentOnCase => Shape {
            request: Some("CaseCommentRequest"),
            success: ("200", "The case afterwards", Some("CaseDetail")),
            errors: CASE_CHANGE,
            query: QueryParams::None,
        },
        Op::EscalateCase => Shape {
            request: Some("EscalateCaseRequest"),
            success: ("200", "The case afterwards", Some("CaseDetail")),
            errors: CASE_CHANGE,
            query: QueryParams::None,
        },
        Op::ClosePartnerCase => Shape {
            request: None,
            success: ("200", "The case afterwards", Some("CaseDetail")),
            errors: CASE_CHANGE,
            query: QueryParams::None,
        },
        Op::ReopenCase => Shape {
            request: None,
            success: ("200", "The case afterwards", Some("CaseDetail")),
            errors: &[
                ("401", "Sign-in required"),
                ("404", "No such case"),
                ("409", "Changed meanwhile; reload and try again"),
                ("410", "Closed 30 or more days ago: archived, raise a new case"),
            ],
            query: QueryParams::None,
        },
        Op::GetWebhook => Shape {
            request: None,
            success: ("200", "The webhook, without its secret", Some("WebhookSettings")),
            errors: TENANT,
            query: QueryParams::None,
        },
        Op::SetWebhook => Shape {
            request: Some("SetWebhook"),
            success: (
                "200",
                "Saved. The first save makes the signing secret and returns it this once. Every delivery is a POST \
                 of the event's JSON with `Gatehouse-Event-Id` and `Gatehouse-Signature: t=<unix>,v1=<hex \
                 HMAC-SHA256(secret, \"<t>.<body>\")>`",
                Some("WebhookSaved"),
            ),
            errors: WEBHOOK_ADMIN,
            query: QueryParams::None,
        },
        Op::RotateWebhookSecret => Shape {
            request: None,
            success: (
                "200",
                "The new secret, shown this once; the old one stops signing at once",
                Some("WebhookSaved"),
            ),
            errors: WEBHOOK_ADMIN,
            query: QueryParams::None,
        },
        Op::ListWebhookDeliveries => Shape {
            request: None,
            success: ("200", "Deliveries and dead letters of the last 30 days", Some("WebhookDeliveries")),
            errors: TENANT,
            query: QueryParams::None,
        },
        Op::RedeliverWebhook => Shape {
            request: None,
            success: ("200", "The delivery after sending it again", Some("WebhookDelivery")),
            errors: WEBHOOK_ADMIN,
            query: QueryParams::None,
        },
        Op::InviteSchool => Shape {
            request: Some("InviteSchoolRequest"),
            success: ("200", "Invited: the new tile", Some("ActionOutcome")),
            errors: &[
                ("400", "Invalid input"),
                ("401", "Sign-in required"),
                ("404", "No such school in the directory, or no such app"),
                ("409", "Already invited or authorised for this app"),
            ],
            query: QueryParams::App,
        },
        Op::ListSchoolApps => Shape {
            request: None,
            success: ("200", "Every app with access or asking for it", Some("SchoolDashboard")),
            errors: &[("401", "School portal sign-in required")],
            query: QueryParams::None,
        },
        Op::GetSchoolApp => Shape {
            request: None,
            success: ("200", "The app's grant, settings, log and receipts", Some("SchoolAppDetail")),
            errors: &[
                ("400", "Invalid input (the problem names the field)"),
                ("401", "School portal sign-in required"),
                ("404", "No such app at your school"),
                ("409", "Changed meanwhile; reload and try again"),
            ],
            query: QueryParams::None,
        },
        Op::UpdateSchoolAppSettings => Shape {
            request: Some("SchoolAppSettings"),
            success: ("200", "What changed, and the app afterwards", Some("SchoolAppOutcome")),
            errors: &[
                ("400", "Invalid input (the problem names the field)"),
                ("401", "School portal sign-in required"),
                ("404", "No such app at your school"),
                ("409", "Changed meanwhile; reload and try again"),
            ],
            query: QueryParams::None,
        },
        Op::SchoolRevokeAccess => Shape {
            request: Some("SchoolRevokeRequest"),
            success: ("200", "Revoked now, or scheduled", Some("SchoolAppOutcome")),
            errors: &[
                ("400", "Invalid input (the problem names the field)"),
                ("401", "School portal sign-in required"),
                ("404", "No such app at your school"),
                ("409", "Changed meanwhile; reload and try again"),
            ],
            query: QueryParams::None,
        },
        Op::SchoolCancelRevocation => Shape {
            request: None,
            success: ("200", "The revocation is cancelled (or there was none)", Some("SchoolAppOutcome")),
            errors: &[
                ("400", "Invalid input (the problem names the field)"),
                ("401", "School portal sign-in required"),
                ("404", "No such app at your school"),
                ("409", "Changed meanwhile; reload and try again"),
            ],
            query: QueryParams::None,
        },
        Op::SchoolAuthoriseApp => Shape {
            request: Some("SchoolAuthoriseRequest"),
            success: ("200", "Authorised, or the new scopes answered", Some("SchoolAppOutcome")),
            errors: &[
                ("400", "Invalid input (the problem names the field)"),
                ("401", "School portal sign-in required"),
                ("404", "No such app at your school"),
                ("409", "Changed meanwhile; reload and try again"),
            ],
            query: QueryParams::None,
        },
        Op::SchoolDeclineRequest => Shape {
            request: Some("SchoolDeclineRequest"),
            success: ("200", "Declined (or nothing was waiting)", Some("SchoolAppOutcome")),
            errors: &[
                ("400", "Invalid input (the problem names the field)"),
                ("401", "School portal sign-in required"),
                ("403", "Only an admin of the school can decline"),
                ("404", "No such app at your school"),
                ("409", "Changed meanwhile; reload and try again"),
            ],
            query: QueryParams::None,
        },
        Op::SearchSchoolPeople => Shape {
            request: None,
            success: ("200", "Matching people with their choice, and everyone selected", Some("SchoolPeople")),
            errors: &[
                ("400", "Invalid input (the problem names the field)"),
                ("401", "School portal sign-in required"),
                ("404", "No such app at your school"),
                ("409", "Changed meanwhile; reload and try again"),
            ],
            query: QueryParams::SchoolPeople,
        },
        Op::SetPersonChoice => Shape {
            request: Some("SetPersonChoice"),
            success: ("200", "The person's choice afterwards", Some("SchoolPeople")),
            errors: &[
                ("400", "Invalid input (the problem names the field)"),
                ("401", "School portal sign-in required"),
                ("404", "No such app at your school"),
                ("409", "Changed meanwhile; reload and try again"),
            ],
            query: QueryParams::None,
        },
        Op::DownloadSchoolReceipt => Shape {
            request: None,
            success: ("200", "The receipt, an HTML file (Content-Disposition: attachment)", None),
            errors: &[("401", "School portal sign-in required"), ("404", "No such app or receipt")],
            query: QueryParams::None,
        },
        Op::DownloadPartnerReceipt => Shape {
            request: None,
            success: ("200", "The receipt, an HTML file (Content-Disposition: attachment)", None),
            errors: &[("401", "Sign-in required"), ("404", "No such school or receipt")],
            query: QueryParams::App,
        },
        Op::ListSchoolTeam => Shape {
            request: None,
            success: ("200", "The school's portal users", Some("SchoolTeam")),
            errors: &[("401", "School portal sign-in required")],
            query: QueryParams::None,
        },
        Op::AddSchoolColleague => Shape {
            request: Some("AddSchoolColleague"),
            success: ("200", "The team afterwards (the colleague is emailed)", Some("SchoolTeam")),
            errors: &[
                ("400", "Invalid input (the problem names the field)"),
                ("401", "School portal sign-in required"),
                ("404", "No such app at your school"),
                ("409", "Changed meanwhile; reload and try again"),
            ],
            query: QueryParams::None,
        },
        Op::RemoveSchoolColleague => Shape {
            request: Some("RemoveSchoolColleague"),
            success: ("200", "The team afterwards", Some("SchoolTeam")),
            errors: &[
                ("400", "Invalid input (the problem names the field)"),
                ("401", "School portal sign-in required"),
                ("404", "No such app at your school"),
                ("409", "Changed meanwhile; reload and try again"),
            ],
            query: QueryParams::None,
        },
        Op::GetSchoolOnboarding => Shape {
            request: None,
            success: ("200", "Install status and offered slots", Some("SchoolOnboarding")),
            errors: &[("401", "School portal sign-in required")],
            query: QueryParams::None,
        },
        Op::BookInstallSlot => Shape {
            request: Some("BookSlotRequest"),
            success: ("200", "Booked: the install status afterwards", Some("SchoolOnboarding")),
            errors: &[
                ("400", "Invalid input (the problem names the field)"),
                ("401", "School portal sign-in required"),
                ("404", "No such app at your school"),
                ("409", "Changed meanwhile; reload and try again"),
            ],
            query: QueryParams::None,
        },
        Op::StartSelfInstall => Shape {
            request: None,
            success: ("200", "The agent credential, shown this once", Some("SelfInstallKey")),
            errors: &[("401", "School portal sign-in required"), ("409", "Changed meanwhile; try again")],
            query: QueryParams::None,
        },
        Op::ExplainSchoolPerson => Shape {
            request: None,
            success: (
                "200",
                "Whether the app sees the person, and the rule that hides them if not",
                Some("Explanation"),
            ),
            errors: &[
                ("401", "School portal sign-in required"),
                ("404", "No such app at your school"),
                ("400", "invalid: mis_id is missing or not an MIS id"),
            ],
            query: QueryParams::Explain,
        },
        Op::ExplainPartnerSchoolPerson => Shape {
            request: None,
            success: (
                "200",
                "The app's own answer (not_shared for an id the app was never shared): the reason code and the \
                 rule's sentence; never the person's name or details",
                Some("Explanation"),
            ),
            errors: &[
                ("401", "Sign-in required"),
                ("404", "Not your app, or no link from it to this school"),
                ("400", "invalid: mis_id is missing or not an MIS id"),
            ],
            query: QueryParams::PartnerExplain,
        },
        Op::GetSchoolFeed => Shape {
            request: None,
            success: ("200", "Last extract, any held extract, and each sharing app's last pull", Some("SchoolFeed")),
            errors: &[("401", "School portal sign-in required")],
            query: QueryParams::None,
        },
        Op::GetSchoolHeldExtract | Op::GetOpsHeldExtract => Shape {
            request: None,
            success: (
                "200",
                "What releasing the held extract would change: counts, and who would be deleted by MIS id and name",
                Some("HeldExtractDiff"),
            ),
            errors: &[("401", "Sign-in required (school portal, or ops console)"), ("404", "no_held_extract")],
            query: QueryParams::None,
        },
        Op::ReleaseSchoolHeldExtract
        | Op::RejectSchoolHeldExtract
        | Op::ReleaseOpsHeldExtract
        | Op::RejectOpsHeldExtract => Shape {
            request: Some("HeldExtractChoice"),
            success: ("200", "Released (with the push's receipt) or rejected", Some("HeldExtractDecision")),
            errors: &[
                ("400", "invalid_body: no `held_id`"),
                ("401", "Sign-in required (school portal, or ops console)"),
                ("404", "no_held_extract: nothing held (already released or rejected)"),
                (
                    "409",
                    "conflict: a newer extract replaced the one reviewed (read the diff again); or \
                     extract_in_progress: a push for this school is being applied",
                ),
            ],
            query: QueryParams::None,
        },
    }
}

const INVITATION_LINK: &[(&str, &str)] = &[
    ("400", "Invalid input"),
    ("409", "The link was already used to authorise"),
    ("410", "Expired, cancelled or replaced by a newer invitation"),
    ("429", "Too many requests"),
];
const CASE: &[(&str, &str)] = &[("401", "Sign-in required"), ("404", "No such case")];
const CASE_CHANGE: &[(&str, &str)] = &[
    ("400", "Invalid input"),
    ("401", "Sign-in required"),
    ("404", "No such case"),
    ("409", "Closed (reopen it first), or changed meanwhile"),
];
const TENANT: &[(&str, &str)] =
    &[("400", "Invalid input"), ("401", "Sign-in required"), ("404", "No such school or app")];
const WEBHOOK_ADMIN: &[(&str, &str)] = &[
    ("400", "Invalid input, e.g. a URL that is not https:// (`field`: `url`)"),
    ("401", "Sign-in required"),
    ("403", "Only a team admin can do this"),
    ("404", "No such app or delivery"),
    ("409", "No webhook yet, or it is switched off"),
];
const ADMIN: &[(&str, &str)] = &[
    ("400", "Invalid input"),
    ("401", "Sign-in required"),
    ("403", "Only a team admin can do this"),
    ("404", "No such app"),
    ("409", "Changed meanwhile; try again"),
];

/// A P6 action on a school: the tile afterwards.
fn action(request: Option<&'static str>) -> Shape {
    Shape {
        request,
        success: ("200", "What the action did, and the tile afterwards", Some("ActionOutcome")),
        errors: &[
            ("400", "Invalid input, or not possible in the school's list"),
            ("401", "Sign-in required"),
            ("404", "No such school or app"),
            ("409", "Changed meanwhile; reload and try again"),
        ],
        query: QueryParams::App,
    }
}

pub fn openapi_document() -> OpenApi {
    let paths = ROUTES.iter().fold(PathsBuilder::new(), |paths, route| {
        paths.path(route.path, utoipa::openapi::PathItem::new(http_method(route), operation(route)))
    });
    let components = ComponentsBuilder::new();
    let components = with_schema::<Health>(components);
    let components = with_schema::<Problem>(components);
    let components = with_schema::<MagicLinkRequest>(components);
    let components = with_schema::<MagicLinkAccepted>(components);
    let components = with_schema::<SessionRequest>(components);
    let components = with_schema::<Me>(components);
    let components = with_schema::<gatehouse_model::SchoolMe>(components);
    let components = with_schema::<gatehouse_model::OpsMe>(components);
    let components = with_schema::<gatehouse_model::AgentKeyIssued>(components);
    let components = with_schema::<SchoolPage>(components);
    let components = with_schema::<ListSchoolsQuery>(components);
    let components = with_schema::<SchoolDetail>(components);
    let components = with_schema::<ActionOutcome>(components);
    let components = with_schema::<RevokeRequest>(components);
    let components = with_schema::<PriorityRequest>(components);
    let components = with_schema::<InviteRequest>(components);
    let components = with_schema::<PermissionSet>(components);
    let components = with_schema::<UpdatePermissionSet>(components);
    let components = with_schema::<PermissionSetSaved>(components);
    let components = with_schema::<TeamPage>(components);
    let components = with_schema::<AddTeamMember>(components);
    let components = with_schema::<RemoveTeamMember>(components);
    let components = with_schema::<OpenInvitationRequest>(components);
    let components = with_schema::<InvitationSummary>(components);
    let components = with_schema::<ForwardInvitationRequest>(components);
    let components = with_schema::<AuthoriseRequest>(components);
    let components = with_schema::<DirectoryResults>(components);
    let components = with_schema::<InviteSchoolRequest>(components);
    let components = with_schema::<AppKeyList>(components);
    let components = with_schema::<CreateAppKey>(components);
    let components = with_schema::<CreatedAppKey>(components);
    let components = with_schema::<AppSchools>(components);
    let components = with_schema::<gatehouse_model::CasePage>(components);
    let components = with_schema::<gatehouse_model::CaseListQuery>(components);
    let components = with_schema::<gatehouse_model::CaseDetail>(components);
    let components = with_schema::<gatehouse_model::NewCase>(components);
    let components = with_schema::<gatehouse_model::CaseCommentRequest>(components);
    let components = with_schema::<gatehouse_model::EscalateCaseRequest>(components);
    let components = with_schema::<gatehouse_model::WebhookSettings>(components);
    let components = with_schema::<gatehouse_model::SetWebhook>(components);
    let components = with_schema::<gatehouse_model::WebhookSaved>(components);
    let components = with_schema::<gatehouse_model::WebhookDelivery>(components);
    let components = with_schema::<gatehouse_model::WebhookDeliveries>(components);
    let components = with_schema::<gatehouse_model::DataPage>(components);
    let components = with_schema::<gatehouse_model::Student>(components);
    let components = with_schema::<gatehouse_model::Explanation>(components);
    let components = with_schema::<gatehouse_model::Extract>(components);
    let components = with_schema::<gatehouse_model::ExtractReceipt>(components);
    let components = with_schema::<gatehouse_model::AgentStatus>(components);
    let components = with_schema::<gatehouse_model::HeldExtractDiff>(components);
    let components = with_schema::<gatehouse_model::HeldExtractChoice>(components);
    let components = with_schema::<gatehouse_model::HeldExtractDecision>(components);
    let components = with_schema::<gatehouse_model::SchoolFeed>(components);
    let components = console::with_schemas(components);
    let components = with_schema::<gatehouse_model::SchoolDashboard>(components);
    let components = with_schema::<gatehouse_model::SchoolAppDetail>(components);
    let components = with_schema::<gatehouse_model::SchoolAppOutcome>(components);
    let components = with_schema::<gatehouse_model::SchoolAppSettings>(components);
    let components = with_schema::<gatehouse_model::SchoolRevokeRequest>(components);
    let components = with_schema::<gatehouse_model::SchoolDeclineRequest>(components);
    let components = with_schema::<gatehouse_model::PendingRequest>(components);
    let components = with_schema::<gatehouse_model::SchoolAuthoriseRequest>(components);
    let components = with_schema::<gatehouse_model::SchoolPeople>(components);
    let components = with_schema::<gatehouse_model::SetPersonChoice>(components);
    let components = with_schema::<gatehouse_model::SchoolTeam>(components);
    let components = with_schema::<gatehouse_model::AddSchoolColleague>(components);
    let components = with_schema::<gatehouse_model::RemoveSchoolColleague>(components);
    let components = with_schema::<gatehouse_model::SchoolOnboarding>(components);
    let components = with_schema::<gatehouse_model::BookSlotRequest>(components);
    let components = with_schema::<gatehouse_model::SelfInstallKey>(components);
    let components = with_schema::<SchoolConnection>(components).build();
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Gatehouse API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some("School data-sharing broker. Errors are application/problem+json (RFC 9457)."))
                .build(),
        )
        .paths(paths.build())
        .components(Some(components))
        .build()
}

/// Adds a schema and every schema it refers to.
fn with_schema<T: ToSchema>(components: ComponentsBuilder) -> ComponentsBuilder {
    let mut nested = Vec::new();
    T::schemas(&mut nested);
    components.schema_from::<T>().schemas_from_iter(nested)
}

fn http_method(route: &Route) -> HttpMethod {
    match route.method {
        gatehouse_model::Method::Get => HttpMethod::Get,
        gatehouse_model::Method::Post => HttpMethod::Post,
    }
}

fn operation(route: &Route) -> utoipa::openapi::path::Operation {
    let shape = shape(route.op);
    let (status, description, schema) = shape.success;
    let mut success = ResponseBuilder::new().description(description);
    if let Some(schema) = schema {
        success = success
            .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name(schema))).build());
    }
    let responses = shape.errors.iter().fold(
        ResponsesBuilder::new().response(status, success.build()),
        |responses, (status, description)| {
            let problem = ContentBuilder::new().schema(Some(Ref::from_schema_name(Problem::name()))).build();
            responses.response(
                *status,
                ResponseBuilder::new().description(*description).content(Problem::CONTENT_TYPE, problem).build(),
            )
        },
    );
    let mut operation = OperationBuilder::new()
        .operation_id(Some(route.name))
        .summary(Some(route.summary))
        .responses(responses.build());
    if let Some(schema) = shape.request {
        let body = ContentBuilder::new().schema(Some(Ref::from_schema_name(schema))).build();
        operation = operation.request_body(Some(
            RequestBodyBuilder::new()
                .content("application/json", body)
                .required(Some(utoipa::openapi::Required::True))
                .build(),
        ));
    }
    let mut parameters = path_parameters(route.path);
    match shape.query {
        QueryParams::None => {}
        QueryParams::Schools => parameters.extend(ListSchoolsQuery::into_params(|| Some(ParameterIn::Query))),
        QueryParams::App => parameters.extend(AppQuery::into_params(|| Some(ParameterIn::Query))),
        QueryParams::Directory => parameters.extend(DirectoryQuery::into_params(|| Some(ParameterIn::Query))),
        QueryParams::Data => parameters.extend(gatehouse_model::DataQuery::into_params(|| Some(ParameterIn::Query))),
        QueryParams::Explain => {
            parameters.extend(gatehouse_model::ExplainQuery::into_params(|| Some(ParameterIn::Query)))
        }
        QueryParams::PartnerExplain => {
            parameters.extend(gatehouse_model::PartnerExplainQuery::into_params(|| Some(ParameterIn::Query)))
        }
        QueryParams::DirectoryImport => {
            parameters.extend(gatehouse_model::DirectoryImportQuery::into_params(|| Some(ParameterIn::Query)))
        }
        QueryParams::InternationalRequests => {
            parameters.extend(gatehouse_model::InternationalRequestQuery::into_params(|| Some(ParameterIn::Query)))
        }
        QueryParams::SupportQueue => {
            parameters.extend(gatehouse_model::SupportQueueQuery::into_params(|| Some(ParameterIn::Query)))
        }
        QueryParams::InstallBookings => {
            parameters.extend(gatehouse_model::InstallBookingsQuery::into_params(|| Some(ParameterIn::Query)))
        }
        QueryParams::Cases => {
            parameters.extend(gatehouse_model::CaseListQuery::into_params(|| Some(ParameterIn::Query)))
        }
        QueryParams::SchoolPeople => {
            parameters.extend(gatehouse_model::SchoolPeopleQuery::into_params(|| Some(ParameterIn::Query)))
        }
    }
    if !parameters.is_empty() {
        operation = operation.parameters(Some(parameters));
    }
    if matches!(
        route.op,
        Op::ResendInvitation
            | Op::ReinviteSchool
            | Op::InviteSchoolByApi
            | Op::OpenCase
            | Op::CommentOnCase
            | Op::RequestInternationalSchool
            | Op::ReplyToCase
    ) {
        operation = operation.parameter(
            ParameterBuilder::new()
                .name("Idempotency-Key")
                .parameter_in(ParameterIn::Header)
                .description(Some("Any unique string per intended send; a retry with it sends nothing twice."))
                .schema(Some(utoipa::openapi::schema::Object::with_type(utoipa::openapi::schema::Type::String))),
        );
    }
    operation.build()
}

/// `{name}` segments of a path, as required string parameters.
fn path_parameters(path: &str) -> Vec<utoipa::openapi::path::Parameter> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(utoipa::openapi::Required::True)
                .schema(Some(utoipa::openapi::schema::Object::with_type(utoipa::openapi::schema::Type::String)))
                .build()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_lists_every_route_with_its_method() {
        let document = openapi_document();
        let json = serde_json::to_value(&document).unwrap();
        assert_eq!(json["openapi"], "3.1.0");
        for route in ROUTES {
            let method = route.method.as_str().to_lowercase();
            let operation = &json["paths"][route.path][&method];
            assert_eq!(operation["operationId"], route.name, "{} {}", route.method.as_str(), route.path);
        }
        let paths: std::collections::HashSet<_> = ROUTES.iter().map(|route| route.path).collect();
        assert_eq!(json["paths"].as_object().unwrap().len(), paths.len());
    }

    #[test]
    fn every_referenced_schema_is_defined() {
        let json = serde_json::to_string(&openapi_document()).unwrap();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let schemas = value["components"]["schemas"].as_object().unwrap();
        for reference in json.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = reference.split('"').next().unwrap();
            assert!(schemas.contains_key(name), "schema {name} is referenced but not defined");
        }
    }
}
