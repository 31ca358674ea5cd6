//! The table: for every operation, what every caller gets. One row per
//! `Op`, in an exhaustive `match`, so a new operation does not compile
//! until it has a row; `main.rs` then runs every row for every caller.
//!
//! Who may call an operation is its declaration's (`Route::audience`); a
//! row names the audience as the callers meet it (a portal, and whether the
//! path names a record or the caller's own), and `row` refuses a row whose
//! audience disagrees with the declaration. Each caller's answer follows
//! from the two (`Row::expect`), plus the few cells that differ, each with
//! its reason: so running the matrix checks the declared audiences.
//! The path parameters name the records "concerned": the demo partner's
//! app, the demo school `3280003` its admin and member work at (connected
//! to the app, every data area granted), its cases, keys and so on. Other
//! tenants name the same records, so their answer is `404`, never `403`.

use gatehouse_core::demo::{DEMO_APP, demo_requested_scopes};
use gatehouse_model::{Audience as Declared, Op};
use serde_json::{Value, json};

use crate::callers::Caller::{self, *};
use crate::world::Fixture;

/// What a caller gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Any 2xx: the caller may do it, and did.
    Ok,
    /// A problem (`application/problem+json`) with this status and `code`.
    Refused(u16, &'static str),
}

pub const SIGN_IN: Expect = Expect::Refused(401, "sign_in_required");
pub const BAD_KEY: Expect = Expect::Refused(401, "invalid_credentials");
pub const FORBIDDEN: Expect = Expect::Refused(403, "forbidden");
pub const NOT_FOUND: Expect = Expect::Refused(404, "not_found");
pub const NO_SCOPE: Expect = Expect::Refused(403, "scope_not_granted");
/// The data API's answer for a school the app has no link with: the same as
/// for a school that does not exist (A1), so it tells an app nothing about
/// other tenants. (An id that cannot be a school id is `404`, as on every
/// route: its shape is all it tells.)
pub const NOT_AUTHORISED: Expect = Expect::Refused(403, "not_authorised");
pub const NO_HELD: Expect = Expect::Refused(404, "no_held_extract");
/// OneRoster's answers (#17), in the binding's classes.
pub const ROSTER_BAD_KEY: Expect = Expect::Refused(401, "unauthorisedrequest");
pub const ROSTER_UNKNOWN: Expect = Expect::Refused(404, "unknownobject");

/// What a route acts on, which decides what another tenant gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Of {
    /// A record the path or query names (the demo app, a school's link, a
    /// case…): another tenant gets `404 not_found`.
    Named,
    /// The caller's own organisation or school (its team, its lists): another
    /// tenant gets its own, as anyone does.
    Own,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Anyone at all, signed in or not.
    Public,
    /// Anyone, the same refusal: a made-up token is no token, whoever sends it.
    AnyoneRefused(Expect),
    /// A partner's users: whether members too or admins only is the
    /// route's declared `Audience` (`model::routes`).
    Partner(Of),
    School(Of),
    Ops,
    /// The data API: an app key. `no_scope` and `other_app` are what the
    /// key without the scope and the other partner's key get.
    App {
        no_scope: Expect,
        other_app: Expect,
    },
    /// The MIS agent API: any school's agent key, for its own school.
    Agent,
}

/// A path parameter.
#[derive(Clone)]
pub enum Param {
    Fixed(String),
    /// A record per caller, where doing it twice would find it done (or gone).
    PerCaller(fn(Caller) -> &'static str),
}

/// The request body.
#[derive(Clone)]
pub enum Body {
    /// `{}` for a POST, nothing for a GET.
    Empty,
    Json(Value),
    /// Per caller: where two callers may both succeed, each needs its own record.
    PerCaller(fn(Caller) -> Value),
    /// `{ "held_id": <the held extract now> }`.
    HeldExtract,
    /// A register extract, as CSV.
    Csv(&'static str),
    /// A form (`application/x-www-form-urlencoded`): OAuth's token request (#17).
    Form(String),
}

/// What to make true before a cell that should succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prep {
    None,
    /// The school concerned has a held extract (release and reject use one up).
    HeldExtract,
}

/// When a row's cells run: every cell of stage 0 first, refusals before
/// successes (so nothing a refused caller is checked against has changed),
/// then stage 1, then stage 2.
pub const LAST: u8 = 1;
/// Logouts end the callers' sessions: after everything else.
pub const LOGOUT: u8 = 2;

#[derive(Clone)]
pub struct Row {
    pub audience: Audience,
    /// Who the route's declaration says may call it.
    pub declared: Declared,
    /// The cells that differ from the audience's, each with why.
    pub except: Vec<(Caller, Expect, &'static str)>,
    pub params: Vec<(&'static str, Param)>,
    pub query: String,
    pub body: Body,
    pub prep: Prep,
    pub stage: u8,
    /// A OneRoster read (#17): refusals are the binding's `imsx_StatusInfo`,
    /// and `Refused`'s code is its `imsx_codeMinorFieldValue`.
    pub roster: bool,
}

impl Row {
    fn of(audience: Audience) -> Row {
        Row {
            audience,
            // Set from the route's declaration by `row`.
            declared: Declared::Anyone,
            except: Vec::new(),
            params: Vec::new(),
            query: String::new(),
            body: Body::Empty,
            prep: Prep::None,
            stage: 0,
            roster: false,
        }
    }

    fn param(mut self, name: &'static str, value: impl Into<String>) -> Row {
        self.params.push((name, Param::Fixed(value.into())));
        self
    }

    fn param_per_caller(mut self, name: &'static str, value: fn(Caller) -> &'static str) -> Row {
        self.params.push((name, Param::PerCaller(value)));
        self
    }

    fn query(mut self, query: impl Into<String>) -> Row {
        self.query = query.into();
        self
    }

    fn body(mut self, body: Value) -> Row {
        self.body = Body::Json(body);
        self
    }

    fn body_per_caller(mut self, body: fn(Caller) -> Value) -> Row {
        self.body = Body::PerCaller(body);
        self
    }

    /// Acts on the held extract: one is made before each cell that should succeed.
    fn held(mut self) -> Row {
        self.prep = Prep::HeldExtract;
        if matches!(self.body, Body::Empty) {
            self.body = Body::HeldExtract;
        }
        self
    }

    fn except(mut self, caller: Caller, expect: Expect, why: &'static str) -> Row {
        self.except.push((caller, expect, why));
        self
    }

    fn stage(mut self, stage: u8) -> Row {
        self.stage = stage;
        self
    }

    /// Whether the row names a record of the tenant concerned: another
    /// tenant must then never be told `403 forbidden` (its own organisation's
    /// rules are another matter).
    pub fn names_a_record(&self) -> bool {
        matches!(self.audience, Audience::Partner(Of::Named) | Audience::School(Of::Named) | Audience::App { .. })
    }

    /// What `caller` gets.
    pub fn expect(&self, caller: Caller) -> Expect {
        if let Some((_, expect, _)) = self.except.iter().find(|(who, _, _)| *who == caller) {
            return *expect;
        }
        let other_tenant = |of: Of| if of == Of::Named { NOT_FOUND } else { Expect::Ok };
        let admins_only = matches!(self.declared, Declared::PartnerAdmin | Declared::SchoolAdmin);
        match self.audience {
            Audience::Public => Expect::Ok,
            Audience::AnyoneRefused(expect) => expect,
            Audience::Partner(of) => match caller {
                PartnerAdmin => Expect::Ok,
                PartnerMember if admins_only => FORBIDDEN,
                PartnerMember => Expect::Ok,
                OtherPartner => other_tenant(of),
                // Another tenant's record is not found, whatever one's role.
                OtherPartnerMember if of == Of::Named => NOT_FOUND,
                OtherPartnerMember if admins_only => FORBIDDEN,
                OtherPartnerMember => Expect::Ok,
                // Another portal's session, a key or nothing: no partner session.
                _ => SIGN_IN,
            },
            Audience::School(of) => match caller {
                SchoolAdmin => Expect::Ok,
                SchoolMember if admins_only => FORBIDDEN,
                SchoolMember => Expect::Ok,
                OtherSchool => other_tenant(of),
                _ => SIGN_IN,
            },
            Audience::Ops => match caller {
                Ops => Expect::Ok,
                _ => SIGN_IN,
            },
            Audience::App { no_scope, other_app } => match caller {
                AppKey => Expect::Ok,
                AppKeyNoScope => no_scope,
                OtherAppKey => other_app,
                // A session cookie, an agent key or nothing: no app key.
                _ if self.roster => ROSTER_BAD_KEY,
                _ => BAD_KEY,
            },
            Audience::Agent => match caller {
                Agent | OtherAgent => Expect::Ok,
                // An app key, a session or nothing: no agent key.
                _ => BAD_KEY,
            },
        }
    }
}

fn public() -> Row {
    Row::of(Audience::Public)
}

fn anyone_refused(expect: Expect) -> Row {
    Row::of(Audience::AnyoneRefused(expect))
}

fn partner(of: Of) -> Row {
    Row::of(Audience::Partner(of))
}

fn school(of: Of) -> Row {
    Row::of(Audience::School(of))
}

fn ops() -> Row {
    Row::of(Audience::Ops)
}

/// A data API read of one resource at the school concerned.
fn app_read() -> Row {
    Row::of(Audience::App { no_scope: NO_SCOPE, other_app: NOT_AUTHORISED })
}

/// A data API call every app key may make about its own app.
fn app_any() -> Row {
    Row::of(Audience::App { no_scope: Expect::Ok, other_app: Expect::Ok })
}

fn agent() -> Row {
    Row::of(Audience::Agent)
}

/// A OneRoster read by an app's key: `no_scope` and `other_app` as for
/// `App`; anyone else is `401 unauthorisedrequest`.
fn roster_read(no_scope: Expect, other_app: Expect) -> Row {
    Row { roster: true, ..Row::of(Audience::App { no_scope, other_app }) }
}

/// A token of the right shape that Gatehouse never issued.
pub const MADE_UP_TOKEN: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
/// Nobody's address: sign-in answers the same for it.
const NOBODY: &str = "nobody@matrix.example";
/// Demo schools by state (`demo::demo_school`): 3280003 is the one concerned.
const ACTIVE_FOR_REVOKE: &str = "3280002";
const REVOKE_PENDING: &str = "3280005";
const PENDING_FOR_PRIORITY: &str = "3280008";
const PENDING_FOR_RESEND: &str = "3280018";
const PENDING_FOR_CANCEL: &str = "3280019";
/// A demo school none of the school callers works at, with links: for ops to rotate its agent key.
const OTHER_DEMO_SCHOOL: &str = "3280001";
/// The receipt of the concerned school's authorisation (its log: 1 invited, 2 authorised).
const RECEIPT: &str = "2";
/// The synthetic register's Brookside Infant School.
const DIRECTORY_URN: &str = "140004";

/// The demo schools the rows act on, and the view each must be in (the
/// setup checks, so a change to the demo data fails there, plainly).
pub const DEMO_SCHOOLS_BY_VIEW: [(&str, &str); 9] = [
    ("3280003", "active"),
    (ACTIVE_FOR_REVOKE, "active"),
    (REVOKE_PENDING, "active"),
    (PENDING_FOR_PRIORITY, "pending"),
    (PENDING_FOR_RESEND, "pending"),
    (PENDING_FOR_CANCEL, "pending"),
    ("3280010", "revoked"),
    ("3280020", "revoked"),
    (REVOKED_FOR_ERASURE, "revoked"),
];

/// #16: a revoked demo school whose erasure the demo app confirms.
const REVOKED_FOR_ERASURE: &str = "3280030";

/// Two revoked demo schools: the member re-invites one, the admin the other.
fn revoked_school(caller: Caller) -> &'static str {
    if caller == PartnerMember { "3280010" } else { "3280020" }
}

/// Open schools of the synthetic register nobody invited: one per caller that may invite.
fn directory_school(caller: Caller) -> &'static str {
    match caller {
        PartnerMember => "140010",
        PartnerAdmin => "140013",
        _ => "140016",
    }
}

fn contact(caller: Caller) -> Value {
    json!({ "name": "Pat Office", "email": format!("office.{}@school.example", caller.slug()), "role": "Office Manager" })
}

fn scopes() -> Value {
    json!(demo_requested_scopes())
}

/// The one register row for the directory import cell.
const REGISTER_PART: &str = "URN,LA (name),EstablishmentName,EstablishmentStatus (name),PhaseOfEducation (name),Postcode\n\
    190001,Cumbria,Fellside Primary School,Open,Primary,CA1 1AA\n";

/// The install slot the setup has ops offer.
pub const OFFERED_SLOT: &str = "2026-12-01T09:00";

const INSTALLED: &str = "the school concerned is installed: it needs no install slot";

/// The row of `op`. `fx` holds the ids the setup made.
pub fn row(op: Op, fx: &Fixture) -> Row {
    let declared = op.route().audience;
    let row = Row { declared, ..cells(op, fx) };
    assert!(row.audience.is_declared(declared), "{op:?}: the table has {:?}, the route {declared:?}", row.audience);
    row
}

impl Audience {
    /// Whether this is the table's spelling of the declared audience.
    fn is_declared(self, declared: Declared) -> bool {
        match self {
            Audience::Public => declared == Declared::Anyone,
            Audience::AnyoneRefused(_) => declared == Declared::LinkHolder,
            Audience::Partner(_) => matches!(declared, Declared::PartnerMember | Declared::PartnerAdmin),
            Audience::School(_) => matches!(declared, Declared::SchoolMember | Declared::SchoolAdmin),
            Audience::Ops => declared == Declared::Ops,
            Audience::App { .. } => declared == Declared::App,
            Audience::Agent => declared == Declared::Agent,
        }
    }
}

/// The cells of `op`'s row: its audience as the table spells it, and the
/// parameters, bodies and exceptions each caller needs.
fn cells(op: Op, fx: &Fixture) -> Row {
    let app = format!("?app={DEMO_APP}");
    match op {
        // ---------------------------------------------------------------- public
        Op::Health => public(),
        Op::OpenApi => public(),
        Op::RequestMagicLink => public().body(json!({ "email": NOBODY })),
        Op::RequestSchoolMagicLink => public().body(json!({ "email": NOBODY })),
        Op::RequestOpsMagicLink => public().body(json!({ "email": NOBODY })),
        Op::CreateSession => anyone_refused(Expect::Refused(410, "link_expired")).body(json!({ "token": MADE_UP_TOKEN })),
        Op::CreateSchoolSession => {
            anyone_refused(Expect::Refused(410, "link_expired")).body(json!({ "token": MADE_UP_TOKEN }))
        }
        Op::CreateOpsSession => {
            anyone_refused(Expect::Refused(410, "link_expired")).body(json!({ "token": MADE_UP_TOKEN }))
        }
        // Ending no session (or another portal's) is still a clean 204.
        Op::Logout => public().stage(LOGOUT),
        Op::SchoolLogout => public().stage(LOGOUT),
        Op::OpsLogout => public().stage(LOGOUT),
        Op::OpenInvitation => {
            anyone_refused(Expect::Refused(410, "invitation_expired")).body(json!({ "token": MADE_UP_TOKEN }))
        }
        Op::ForwardInvitation => anyone_refused(Expect::Refused(410, "invitation_expired"))
            .body(json!({ "token": MADE_UP_TOKEN, "to": contact(Anonymous), "from_name": "Pat" })),
        Op::AuthoriseInvitation => anyone_refused(Expect::Refused(410, "invitation_expired")).body(json!({
            "token": MADE_UP_TOKEN,
            "has_authority": true,
            "approver_name": "Pat Office",
            "approver_role": "Office Manager",
            "mis": "SIMS",
            "approved_scopes": ["students"],
            "gdpr_mode": "Include All",
            "feed_status": "Enabled",
        })),

        // --------------------------------------------------------------- partner
        Op::GetMe => partner(Of::Own),
        Op::ListPartnerSchools => partner(Of::Named).query(app),
        Op::ExportPartnerSchools => partner(Of::Named).query(app),
        Op::GetPartnerSchool => partner(Of::Named).query(app),
        Op::RevokeSchoolAccess => partner(Of::Named)
            .param("school_id", ACTIVE_FOR_REVOKE)
            .query(app)
            .body(json!({ "reason": "no_longer_a_customer", "revoke_on": "2027-01-29" })),
        Op::CancelRevocation => partner(Of::Named).param("school_id", REVOKE_PENDING).query(app),
        Op::SetSchoolPriority => partner(Of::Named)
            .param("school_id", PENDING_FOR_PRIORITY)
            .query(app)
            .body(json!({ "priority": true })),
        Op::CancelInvitation => partner(Of::Named).param("school_id", PENDING_FOR_CANCEL).query(app),
        Op::ResendInvitation => partner(Of::Named).param("school_id", PENDING_FOR_RESEND).query(app),
        Op::ReinviteSchool => partner(Of::Named).param_per_caller("school_id", revoked_school).query(app),
        Op::GetPermissionSet => partner(Of::Named),
        // The same set again: saved, nothing changes, nobody is emailed.
        Op::UpdatePermissionSet => partner(Of::Named).body(json!({ "requested": scopes() })),
        Op::GetPartnerJob => partner(Of::Named).param("job_id", &fx.partner_job),
        Op::ListTeam => partner(Of::Own),
        Op::AddTeamMember => partner(Of::Own).body_per_caller(|caller| {
            json!({ "email": format!("added.{}@team.example", caller.slug()), "display_name": "Ada Added", "role": "member" })
        }),
        // Removing someone not on one's own team changes nothing and says so
        // with the team as it is: another partner cannot reach the colleague.
        Op::RemoveTeamMember => partner(Of::Own).body(json!({ "email": fx.partner_leaver })),
        Op::SearchDirectory => partner(Of::Own).query("?q=brookside"),
        Op::InviteSchool => partner(Of::Named).query(app).body_per_caller(|caller| {
            json!({ "urn": directory_school(caller), "school_contact": contact(caller), "contact_may_authorise": true })
        }),
        Op::ListAppKeys => partner(Of::Named),
        Op::CreateAppKey => partner(Of::Named).body(json!({ "label": "Matrix cell" })),
        Op::RevokeAppKey => partner(Of::Named).param("key_id", fx.spare_key.clone()),
        // Whoever sends a client's id and secret gets its token: the caller's own credential plays no part.
        Op::IssueOAuthToken => {
            let mut row = public();
            row.body = Body::Form(fx.oauth_token_form.clone());
            row
        }
        Op::DownloadPartnerReceipt => partner(Of::Named).param("seq", RECEIPT).query(app),
        Op::ExplainPartnerSchoolPerson => {
            partner(Of::Named).query(format!("{app}&mis_id={}", fx.student))
        }
        Op::ListPartnerCases => partner(Of::Own),
        // About the school concerned: another partner's case cannot name it.
        Op::OpenCase => partner(Of::Named).body(json!({
            "category": "school_not_syncing",
            "summary": "Nothing since Monday",
            "contact_name": "Dev Lead",
            "contact_phone": "0161 496 0000",
            "contact_email": "dev.lead@partner.example",
            "description": "The agent stopped sending on Monday.",
            "school_id": fx.school,
            "app": DEMO_APP,
        })),
        Op::GetPartnerCase => partner(Of::Named),
        Op::CommentOnCase => partner(Of::Named).body(json!({ "text": "Any news?" })),
        Op::EscalateCase => partner(Of::Named).body(json!({ "reason": "Our customer is waiting." })),
        Op::ClosePartnerCase => partner(Of::Named),
        Op::ReopenCase => partner(Of::Named),
        Op::GetWebhook => partner(Of::Named),
        // The URL it has: saved, nothing changes.
        Op::SetWebhook => partner(Of::Named).body(json!({ "url": fx.webhook_url, "enabled": true })),
        Op::RotateWebhookSecret => partner(Of::Named),
        Op::ListWebhookDeliveries => partner(Of::Named),
        Op::RedeliverWebhook => partner(Of::Named).param("delivery_id", fx.delivery.clone()),
        Op::RequestInternationalSchool => partner(Of::Own).body(json!({
            "school_name": "École Matrice",
            "address": "12 Rue des Écoles\n75005 Paris\nFrance",
            "contact_name": "Claire Dupont",
            "contact_phone": "+33 1 23 45 67 89",
            "contact_email": "claire@ecole.example",
        })),
        Op::ListPartnerInternationalRequests => partner(Of::Own),

        // ---------------------------------------------------------------- school
        Op::GetSchoolMe => school(Of::Own),
        Op::ListSchoolApps => school(Of::Own),
        Op::GetSchoolApp => school(Of::Named),
        // The settings it has: saved, nothing changes.
        Op::UpdateSchoolAppSettings => {
            school(Of::Named).body(json!({ "gdpr_mode": "Include All", "feed_status": "Enabled" }))
        }
        // From a later date (Revoke pending); the next row takes it back.
        Op::SchoolRevokeAccess => school(Of::Named).body(json!({ "revoke_on": "2027-02-01" })),
        Op::SchoolCancelRevocation => school(Of::Named),
        // Exactly what the school granted: nothing changes.
        Op::SchoolAuthoriseApp => school(Of::Named).body(json!({
            "approved_scopes": scopes(),
            "gdpr_mode": "Include All",
            "feed_status": "Enabled",
            "mis": "iSAMS",
        })),
        // Nothing waits: declining changes nothing.
        Op::SchoolDeclineRequest => school(Of::Named),
        Op::SearchSchoolPeople => school(Of::Named).query("?q=a"),
        Op::SetPersonChoice => {
            school(Of::Named).body(json!({ "mis_id": fx.student, "choice": "default" }))
        }
        Op::DownloadSchoolReceipt => school(Of::Named).param("seq", RECEIPT),
        Op::SearchSchoolPersons => school(Of::Own).query("?q=a"),
        Op::GetSchoolPerson => school(Of::Named).param("person_id", &fx.student),
        Op::ExportSchoolPerson => school(Of::Named).param("person_id", &fx.student).query("?format=html"),
        // Exclusion and erasure change what the apps read of the pupil: after the data reads.
        Op::ExcludeSchoolPerson => school(Of::Named).param("person_id", &fx.student).stage(LAST),
        Op::EraseSchoolPerson => school(Of::Named).param("person_id", &fx.student).stage(LAST),
        Op::ListSchoolTeam => school(Of::Own),
        Op::AddSchoolColleague => school(Of::Own).body_per_caller(|caller| {
            json!({
                "name": "Cal Colleague",
                "email": format!("colleague.{}@school.example", caller.slug()),
                "role": "Teacher",
                "access": "member",
            })
        }),
        // As for the partner's team: another school's admin reaches only their own.
        Op::RemoveSchoolColleague => school(Of::Own).body(json!({ "email": fx.school_leaver })),
        Op::GetSchoolOnboarding => school(Of::Own),
        // A slot ops offered (the setup's): the other school, not installed, books it.
        Op::BookInstallSlot => school(Of::Own)
            .body(json!({ "slot": OFFERED_SLOT }))
            .except(SchoolAdmin, Expect::Refused(400, "invalid"), INSTALLED),
        // Issues (rotates) the school's agent key: after the agent cells.
        Op::StartSelfInstall => school(Of::Own).stage(LAST),
        Op::ExplainSchoolPerson => school(Of::Named).query(format!("?mis_id={}", fx.student)),
        Op::GetSchoolFeed => school(Of::Own),
        Op::GetSchoolHeldExtract => {
            school(Of::Own).held().except(OtherSchool, NO_HELD, "their school has nothing held")
        }
        Op::ReleaseSchoolHeldExtract => {
            school(Of::Own).held().except(OtherSchool, NO_HELD, "their school has nothing held")
        }
        Op::GetSchoolJob => school(Of::Named).param("job_id", &fx.school_job),
        Op::RejectSchoolHeldExtract => {
            school(Of::Own).held().except(OtherSchool, NO_HELD, "their school has nothing held")
        }

        // ------------------------------------------------------------------- ops
        Op::GetOpsMe => ops(),
        Op::IssueAgentKey => ops().param("school_id", OTHER_DEMO_SCHOOL),
        Op::GetOpsHeldExtract => ops().held(),
        Op::ReleaseOpsHeldExtract => ops().held(),
        Op::GetOpsJob => ops().param("job_id", &fx.ops_job),
        Op::RejectOpsHeldExtract => ops().held(),
        Op::ListMisRetention => ops(),
        Op::ListPartners => ops(),
        Op::AuditAuthorisationLogs => ops(),
        Op::CreatePartner => ops().body(json!({
            "name": "Matrix Cell Learning",
            "admin_name": "Mo Matrix",
            "admin_email": "mo@matrix-cell.example",
            "app_name": "Matrix Maths",
        })),
        Op::ImportDirectory => {
            let mut row = ops();
            row.body = Body::Csv(REGISTER_PART);
            row
        }
        Op::SearchOpsDirectory => ops().query("?q=brookside"),
        Op::UpdateDirectorySchool => ops().param("urn", DIRECTORY_URN).body(json!({
            "name": "Brookside Infant School",
            "local_authority": "Birmingham",
            "postcode": "B2 1BE",
            "phase": "Primary",
            "status": "open",
        })),
        Op::ListInternationalRequests => ops(),
        Op::AcceptInternationalRequest => {
            ops().param("request_id", fx.international_to_accept.clone()).body(json!({ "region": "France" }))
        }
        Op::DeclineInternationalRequest => ops()
            .param("request_id", fx.international_to_decline.clone())
            .body(json!({ "reason": "We could not reach the school." })),
        Op::ListSupportQueue => ops(),
        Op::GetSupportCase => ops().param("case_id", fx.support_case.clone()),
        Op::ReplyToCase => {
            ops().param("case_id", fx.support_case.clone()).body(json!({ "text": "We are looking at it." }))
        }
        Op::CloseSupportCase => ops().param("case_id", fx.support_case.clone()),
        Op::ReassignCase => {
            ops().param("case_id", fx.support_case.clone()).body(json!({ "assignee": "Olu Operations" }))
        }
        Op::ListInstallSlots => ops(),
        Op::OfferInstallSlots => ops().body(json!({ "date": "2026-12-02", "times": ["10:00"] })),
        Op::ListInstallBookings => ops(),
        // Marking an installed school installed changes nothing.
        Op::MarkInstalled => ops(),
        Op::ListAuthorityVerifications => ops(),
        Op::DecideAuthorityVerification => ops().body(json!({
            "app_id": DEMO_APP,
            "school_id": fx.awaiting_verification,
            "decision": "verify",
        })),

        // -------------------------------------------------------------- data API
        // Each app invites for itself; the school is nobody's yet.
        Op::InviteSchoolByApi => app_any().body(json!({
            "urn": directory_school(AppKey),
            "school_contact": contact(AppKey),
            "contact_may_authorise": true,
            "partner_contact": "integrations@vendor.example",
        })),
        Op::ListAppSchools => app_any(),
        // A2: a school with no link to the app is "awaiting invitation".
        Op::GetSchoolStatus => app_any(),
        // #16: the demo app confirms; the other apps (the narrow key is a partner of its own)
        // never had the school: not found, as for a school that does not exist.
        Op::ConfirmErasure => Row::of(Audience::App { no_scope: NOT_FOUND, other_app: NOT_FOUND })
            .param("school_id", REVOKED_FOR_ERASURE)
            .body(json!({ "erased_at": "2026-11-20T10:00:00Z", "records": true, "backups": { "erased_by": null } })),
        Op::ListStudents => app_read(),
        Op::GetStudent => app_read().param("student_id", fx.student.clone()),
        Op::ListStaff => app_read(),
        Op::ListContacts => app_read(),
        Op::ListGroups => app_read(),
        // Always an answer, with the reason: scope not granted, not authorised…
        Op::ExplainPerson => app_any().query(format!("?mis_id={}", fx.student)),
        // #17: every app reads its own schools' rosters; an object of a school
        // the key's app may not read is unknown, as one that does not exist.
        Op::ListOneRoster => roster_read(Expect::Ok, Expect::Ok).param("collection", "students"),
        Op::GetOneRoster => roster_read(ROSTER_UNKNOWN, ROSTER_UNKNOWN)
            .param("collection", "students")
            .param("sourced_id", format!("3280003~s~{}", fx.student)),
        // The narrow app reads the school too (its pupils as its grant shows them).
        Op::ListOneRosterNested => roster_read(Expect::Ok, ROSTER_UNKNOWN)
            .param("collection", "schools")
            .param("sourced_id", "3280003")
            .param("nested", "students"),

        // ------------------------------------------------------------- MIS agent
        // The extract the school has: applied, nothing changes.
        Op::PushExtract => agent().body(fx.extract.clone()),
        Op::GetAgentStatus => agent(),
        // Its own school's job; to the other agent it does not exist.
        Op::GetAgentJob => agent().param("job_id", &fx.agent_job).except(
            OtherAgent,
            Expect::Refused(404, "not_found"),
            "another school's job does not exist for them",
        ),
    }
}

/// The value of a path parameter no row names: the records concerned.
pub fn default_param(name: &str, fx: &Fixture) -> Option<String> {
    Some(match name {
        "school_id" => fx.school.clone(),
        "app_id" => DEMO_APP.to_owned(),
        "case_id" => fx.partner_case.clone(),
        _ => return None,
    })
}
