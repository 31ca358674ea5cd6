//! A valid request for every route: the demo data plus a little set up
//! through the routes themselves (an agent's extract, a case, invitations…),
//! so each route's sample names things that exist and a refusal is about the
//! broken input, not a missing record. Routes are read from `ROUTES` and
//! their shapes from the served OpenAPI document, so a new route is driven
//! without a change here (with a body made from its schema when it has no
//! sample below).

use gatehouse_model::{Op, ROUTES, Route};
use serde_json::{Value, json};

use crate::harness::{Caller, Harness};
use crate::mutate::{self, BodyShape, ParamKind, QueryParam, RouteSpec};

/// What the valid requests point at.
pub struct Ids {
    /// Active for the demo app, feed enabled, with an agent and pupils.
    pub active: String,
    /// Active; revoked from a later date by the control request.
    pub revoke: String,
    /// Pending invitations.
    pub pending: String,
    pub cancel: String,
    pub revoked: String,
    /// A school the agent-key route rotates (not the agent's own).
    pub other: String,
    /// Booked for an install.
    pub booked: String,
    /// A pupil of `active`.
    pub student: String,
    pub key_to_revoke: String,
    /// A valid token request of an OAuth client of the demo app (#17).
    pub oauth_form: String,
    pub case: String,
    pub intl_accept: String,
    pub intl_decline: String,
    pub held_id: String,
    /// The job of `active`'s agent's first push (#15).
    pub agent_job: String,
    /// A held extract's release by support, and one by the school (#15).
    pub ops_job: String,
    pub school_job: String,
    /// The demo app's permission set saved as it is (#15): the partner's job.
    pub partner_job: String,
    /// The school portal's school: a pupil, its held extract, a receipt.
    pub portal_student: String,
    pub portal_held_id: String,
    pub portal_receipt: String,
    pub partner_receipt: String,
    pub delivery: String,
    pub slot: String,
    pub open_token: String,
    pub forward_token: String,
    pub invite_urns: [String; 2],
    pub permissions: Value,
    pub directory_entry: Value,
    pub verification: (String, String),
}

const INVITE_MARKER: &str = "/authorise#token=";

/// Open schools of the directory sample, by URN.
fn open_directory_urns() -> Vec<String> {
    let sample = std::str::from_utf8(gatehouse_local::DIRECTORY_SAMPLE).unwrap();
    let mut reader = csv::Reader::from_reader(sample.as_bytes());
    reader
        .records()
        .filter_map(Result::ok)
        .filter(|row| row.get(6) == Some("Open") && row.get(11).is_some_and(|site| !site.is_empty()))
        .map(|row| row[0].to_owned())
        .collect()
}

fn school_ids(page: &Value) -> Vec<Value> {
    page["items"].as_array().cloned().unwrap_or_default()
}

impl Ids {
    pub async fn discover(h: &mut Harness) -> Ids {
        let school_me = h.get(Caller::School, "/api/school/me").await;
        assert_eq!(school_me["access"], "admin", "the demo school user is an admin: {school_me}");
        let portal_school = school_me["school_id"].as_str().unwrap().to_owned();
        let me = h.get(Caller::Partner, "/api/me").await;
        assert_eq!(me["role"], "admin", "the demo partner user is an admin: {me}");

        let active = school_ids(&h.get(Caller::Partner, "/api/partner/schools?view=active&page_size=200").await);
        let not_portal = |row: &&Value| row["school_id"] != portal_school.as_str();
        let id = |row: &Value| row["school_id"].as_str().unwrap().to_owned();
        let enabled: Vec<&Value> = active.iter().filter(not_portal).filter(|r| r["feed_status"] == "Enabled").collect();
        let booked = active
            .iter()
            .filter(not_portal)
            .find(|r| r["install_status"]["state"] == "Booked")
            .map(id)
            .expect("a booked school");
        let agent_school = id(enabled[0]);
        let revoke = id(enabled[1]);
        let other = active
            .iter()
            .filter(not_portal)
            .map(id)
            .find(|s| *s != agent_school && *s != revoke && *s != booked)
            .unwrap();
        let onboarding = active
            .iter()
            .filter(not_portal)
            .find(|r| {
                r["install_status"]["state"] == "Onboarding Queue"
                    && ![&agent_school, &revoke, &other, &booked].contains(&&id(r))
            })
            .expect("an active school waiting for its install");
        let contact = onboarding["school_contact"].as_str().unwrap().to_owned();
        h.sign_in_onboarding(&contact).await;
        let onboarding_me = h.get(Caller::Onboarding, "/api/school/me").await;
        assert_eq!(onboarding_me["access"], "admin", "{contact} is an admin of their school: {onboarding_me}");
        let pending = school_ids(&h.get(Caller::Partner, "/api/partner/schools?view=pending&page_size=200").await);
        let sent: Vec<String> =
            pending.iter().filter(|r| r["invitation_status"] == "Invitation Sent").map(id).collect();
        let revoked = school_ids(&h.get(Caller::Partner, "/api/partner/schools?view=revoked&page_size=200").await);

        // The agent of `active`, and its pupils.
        let issued = h.post(Caller::Ops, &format!("/api/ops/schools/{agent_school}/agent-key"), json!({})).await;
        h.agent_key = issued["secret"].as_str().unwrap().to_owned();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let extract = gatehouse_core::synthetic::school(7, 20, today);
        let student = extract.students[0].id.clone();
        let pushed = h.post(Caller::Agent, "/api/agent/v1/extracts", serde_json::to_value(&extract).unwrap()).await;
        let agent_job = pushed["job_id"].as_str().expect("the push's job").to_owned();
        // A full extract of one pupil would delete the rest: it is held.
        let mut shrunk = extract.clone();
        shrunk.students.truncate(1);
        shrunk.contacts.clear();
        shrunk.groups.clear();
        shrunk.staff.truncate(1);
        h.post(Caller::Agent, "/api/agent/v1/extracts", serde_json::to_value(&shrunk).unwrap()).await;
        let ops_held = format!("/api/ops/schools/{agent_school}/held-extract");
        let ops_job = released_then_held_again(h, Caller::Ops, &ops_held, &extract, &shrunk).await;
        let held = h.get(Caller::Ops, &format!("/api/ops/schools/{agent_school}/held-extract")).await;
        let held_id = held["summary"]["held_id"].as_str().unwrap().to_owned();

        // The same for the school portal's school, with an agent of its own
        // (its self-install route rotates that one).
        let issued = h.post(Caller::Ops, &format!("/api/ops/schools/{portal_school}/agent-key"), json!({})).await;
        let portal_agent = issued["secret"].as_str().unwrap().to_owned();
        let portal_extract = gatehouse_core::synthetic::school(8, 20, today);
        let portal_student = portal_extract.students[0].id.clone();
        let mut portal_shrunk = portal_extract.clone();
        portal_shrunk.students.truncate(1);
        portal_shrunk.contacts.clear();
        portal_shrunk.groups.clear();
        portal_shrunk.staff.truncate(1);
        let agent_key = std::mem::replace(&mut h.agent_key, portal_agent);
        h.post(Caller::Agent, "/api/agent/v1/extracts", serde_json::to_value(&portal_extract).unwrap()).await;
        h.post(Caller::Agent, "/api/agent/v1/extracts", serde_json::to_value(&portal_shrunk).unwrap()).await;
        let school_job =
            released_then_held_again(h, Caller::School, "/api/school/held-extract", &portal_extract, &portal_shrunk)
                .await;
        h.agent_key = agent_key;
        let held = h.get(Caller::School, "/api/school/held-extract").await;
        let portal_held_id = held["summary"]["held_id"].as_str().unwrap().to_owned();
        let portal_app = h.get(Caller::School, "/api/school/apps/demo-app").await;
        let portal_receipt = portal_app["receipts"][0]["seq"].to_string();
        let tile = h.get(Caller::Partner, &format!("/api/partner/schools/{agent_school}?app=demo-app")).await;
        let mut partner_receipt = None;
        for entry in tile["log"].as_array().cloned().unwrap_or_default() {
            let path = format!("/api/partner/schools/{agent_school}/receipts/{}?app=demo-app", entry["seq"]);
            let request = crate::harness::Request::new(reqwest::Method::GET, path, Caller::Partner);
            if h.send(&request).await.is_ok_and(|answer| answer.status == 200) {
                partner_receipt = Some(entry["seq"].to_string());
                break;
            }
        }
        let partner_receipt = partner_receipt.expect("a receipt on the tile's log");

        // A webhook that cannot be reached, and an event for it: a delivery.
        let hook = json!({ "url": "http://127.0.0.1:9/gatehouse-hook", "enabled": true });
        h.post(Caller::Partner, "/api/partner/webhooks/demo-app", hook).await;
        h.post(Caller::School, "/api/school/apps/demo-app/settings", json!({ "feed_status": "Paused" })).await;
        h.post(Caller::School, "/api/school/apps/demo-app/settings", json!({ "feed_status": "Enabled" })).await;
        h.settle().await;
        let deliveries = h.get(Caller::Partner, "/api/partner/webhooks/demo-app/deliveries").await;
        let delivery = deliveries["deliveries"][0]["delivery_id"].as_str().expect("a delivery").to_owned();

        // App keys: one to call with, one to revoke.
        let key = h.post(Caller::Partner, "/api/partner/apps/demo-app/keys", json!({ "label": "Bad input" })).await;
        h.app_key = key["secret"].as_str().unwrap().to_owned();
        let spare = h.post(Caller::Partner, "/api/partner/apps/demo-app/keys", json!({ "label": "Spare" })).await;
        let key_to_revoke = spare["key"]["key_id"].as_str().expect("a key id").to_owned();
        let client = json!({ "label": "OneRoster", "kind": "oauth_client" });
        let client = h.post(Caller::Partner, "/api/partner/apps/demo-app/keys", client).await;
        let oauth_form = format!(
            "grant_type=client_credentials&client_id={}&client_secret={}",
            client["key"]["key_id"].as_str().expect("a client id"),
            client["secret"].as_str().expect("a client secret")
        );

        let case = h.post(Caller::Partner, "/api/partner/cases", new_case(&agent_school)).await;
        let case = case["case_id"].as_str().unwrap().to_owned();
        let mut intl = Vec::new();
        for name in ["Lycée Exemple", "Colegio Ejemplo"] {
            let mut request = international_request();
            request["school_name"] = json!(name);
            let made = h.post(Caller::Partner, "/api/partner/international-requests", request).await;
            intl.push(made["request_id"].as_str().unwrap().to_owned());
        }
        let slots =
            h.post(Caller::Ops, "/api/ops/install-slots", json!({ "date": "2026-11-30", "times": ["10:00"] })).await;
        let slot = slots["slots"][0]["slot"].as_str().map(str::to_owned).unwrap_or_else(|| "2026-11-30T10:00".into());

        // Invitations: one to open and authorise, one to forward, and one
        // answered from an address nothing vouches for, so operations have
        // an authoriser to verify.
        let urns = open_directory_urns();
        let mut tokens = Vec::new();
        for (urn, contact) in [
            (&urns[0], format!("head@{}", domain_of(&urns[0]))),
            (&urns[1], "office@freemail.example".to_owned()),
            (&urns[2], "someone@elsewhere.example".to_owned()),
        ] {
            let invitation = json!({
                "urn": urn,
                "school_contact": { "name": "Named Contact", "email": contact, "role": "Data Lead" },
                "contact_may_authorise": true
            });
            h.post(Caller::Partner, "/api/partner/invitations", invitation).await;
            tokens.push(h.token_for(&contact, INVITE_MARKER).await);
        }
        let answers = authorise_answers(&tokens[2]);
        let answered = h.post(Caller::Anonymous, "/api/invitations/authorise", answers).await;
        let waiting = h.get(Caller::Ops, "/api/ops/verifications").await;
        println!("setup: authorised from elsewhere: {answered}\nwaiting: {waiting}");
        let first = &waiting["waiting"][0];
        let verification = match first["app_id"].as_str() {
            Some(app) => (app.to_owned(), first["school_id"].as_str().unwrap().to_owned()),
            None => ("demo-app".to_owned(), agent_school.clone()),
        };

        let permissions = h.get(Caller::Partner, "/api/partner/apps/demo-app/permissions").await;
        let same = json!({ "requested": permissions["requested"] });
        let saved = h.post(Caller::Partner, "/api/partner/apps/demo-app/permissions", same).await;
        let partner_job = saved["job_id"].as_str().expect("the save's job").to_owned();
        let found = h.get(Caller::Ops, &format!("/api/ops/directory/schools?q={}", urns[3])).await;
        let directory_entry = found["items"][0].clone();
        assert!(directory_entry.is_object(), "{} in the directory: {found}", urns[3]);

        h.settle().await;
        Ids {
            active: agent_school,
            revoke,
            pending: sent[0].clone(),
            cancel: sent[1].clone(),
            revoked: id(&revoked[0]),
            other,
            booked,
            student,
            key_to_revoke,
            oauth_form,
            case,
            intl_accept: intl[0].clone(),
            intl_decline: intl[1].clone(),
            held_id,
            agent_job,
            ops_job,
            school_job,
            partner_job,
            portal_student,
            portal_held_id,
            portal_receipt,
            partner_receipt,
            delivery,
            slot,
            open_token: tokens[0].clone(),
            forward_token: tokens[1].clone(),
            invite_urns: [urns[4].clone(), urns[5].clone()],
            permissions: permissions["requested"].clone(),
            directory_entry,
            verification,
        }
    }
}

/// The school's website domain in the directory sample.
fn domain_of(urn: &str) -> String {
    let sample = std::str::from_utf8(gatehouse_local::DIRECTORY_SAMPLE).unwrap();
    let mut reader = csv::Reader::from_reader(sample.as_bytes());
    let row = reader.records().filter_map(Result::ok).find(|row| &row[0] == urn).unwrap();
    let site = row[11].trim_start_matches("https://").trim_start_matches("http://").trim_start_matches("www.");
    site.trim_end_matches('/').to_owned()
}

fn new_case(school: &str) -> Value {
    json!({
        "category": "school_not_syncing",
        "summary": "Nothing since Monday",
        "contact_name": "Dana Demo",
        "contact_phone": "0121 496 0000",
        "contact_email": "demo@partner.example",
        "description": "The school's data stopped changing on Monday.\nWe checked our side.",
        "app": "demo-app",
        "school_id": school
    })
}

fn international_request() -> Value {
    json!({
        "school_name": "Lycée Exemple",
        "address": "1 Rue de l'Exemple\n75001 Paris\nFrance",
        "contact_name": "Marie Martin",
        "contact_phone": "+33 1 23 45 67 89",
        "contact_email": "marie.martin@lycee.example"
    })
}

fn authorise_answers(token: &str) -> Value {
    json!({
        "token": token,
        "has_authority": true,
        "approver_name": "Cal Jones",
        "approver_role": "Headteacher",
        "mis": "SIMS",
        "approved_scopes": ["students", "groups"],
        "gdpr_mode": "Include All",
        "feed_status": "Enabled"
    })
}

fn contact(name: &str, email: &str) -> Value {
    json!({ "name": name, "email": email, "role": "Data Manager" })
}

/// The valid body of a route, when it has one written out.
fn body_sample(ids: &Ids, op: Op) -> Option<Value> {
    Some(match op {
        Op::RequestMagicLink | Op::RequestSchoolMagicLink | Op::RequestOpsMagicLink => {
            json!({ "email": "nobody@school.example" })
        }
        Op::CreateSession | Op::CreateSchoolSession | Op::CreateOpsSession => {
            json!({ "token": "aTokenThatWasNeverIssuedButLooksLikeOne012345" })
        }
        Op::RevokeSchoolAccess => json!({ "reason": "other", "revoke_on": "2026-12-18", "note": "Moving supplier." }),
        Op::SetSchoolPriority => json!({ "priority": true }),
        Op::ResendInvitation | Op::ReinviteSchool => {
            json!({ "new_contact": contact("New Contact", "new.contact@school.example") })
        }
        Op::UpdatePermissionSet => json!({ "requested": ids.permissions }),
        Op::AddTeamMember => {
            json!({ "email": "new.member@partner.example", "display_name": "New Member", "role": "member" })
        }
        Op::RemoveTeamMember => json!({ "email": "new.member@partner.example" }),
        Op::OpenInvitation => json!({ "token": ids.open_token }),
        Op::ForwardInvitation => json!({
            "token": ids.forward_token,
            "from_name": "Office",
            "to": contact("Right Person", "right.person@school.example")
        }),
        Op::AuthoriseInvitation => authorise_answers(&ids.open_token),
        Op::InviteSchool | Op::InviteSchoolByApi => {
            let urn = if op == Op::InviteSchool { &ids.invite_urns[0] } else { &ids.invite_urns[1] };
            json!({
                "urn": urn,
                "school_contact": contact("Named Contact", &format!("head@{}", domain_of(urn))),
                "contact_may_authorise": true,
                "partner_contact": "demo@partner.example"
            })
        }
        Op::CreateAppKey => json!({ "label": "Production sync" }),
        Op::ConfirmErasure => json!({
            "erased_at": "2026-11-20T10:00:00Z", "records": true,
            "backups": { "erased_by": "2026-12-20" }, "note": "Nightly backups expire after 30 days."
        }),
        Op::PushExtract => {
            // A delta of one pupil: a bad record is the whole push, so it is
            // rejected whole rather than applied around.
            let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
            let extract = gatehouse_core::synthetic::school(7, 20, today);
            let mut student = serde_json::to_value(&extract.students[0]).unwrap();
            student["preferred_name"] = json!("Lee");
            json!({ "kind": "delta", "students": [student] })
        }
        Op::OpenCase => new_case(&ids.active),
        Op::CommentOnCase => json!({ "text": "The register shows pupils we do not get." }),
        Op::EscalateCase => json!({ "reason": "Exams start on Monday." }),
        Op::SetWebhook => json!({ "url": "http://127.0.0.1:9/gatehouse-hook", "enabled": true }),
        Op::UpdateSchoolAppSettings => json!({ "gdpr_mode": "Include All", "feed_status": "Enabled" }),
        Op::SchoolRevokeAccess => json!({ "revoke_on": "2026-12-18", "note": "End of term." }),
        Op::SchoolAuthoriseApp => json!({
            "approved_scopes": ["students"], "gdpr_mode": "Include All", "feed_status": "Enabled", "mis": "iSAMS"
        }),
        Op::SchoolDeclineRequest => json!({ "note": "We do not use this app." }),
        Op::SetPersonChoice => json!({ "mis_id": ids.portal_student, "choice": "exclude" }),
        Op::AddSchoolColleague => {
            json!({ "name": "Cal Colleague", "email": "cal.colleague@school.example", "role": "Teacher", "access": "member" })
        }
        Op::RemoveSchoolColleague => json!({ "email": "cal.colleague@school.example" }),
        Op::BookInstallSlot => json!({ "slot": ids.slot }),
        Op::ReleaseSchoolHeldExtract | Op::RejectSchoolHeldExtract => json!({ "held_id": ids.portal_held_id }),
        Op::ReleaseOpsHeldExtract | Op::RejectOpsHeldExtract => json!({ "held_id": ids.held_id }),
        Op::CreatePartner => json!({
            "name": "Bad Input Learning Ltd",
            "admin_name": "Ada Admin",
            "admin_email": "ada@badinput-learning.example",
            "app_name": "Bad Input Planner"
        }),
        Op::UpdateDirectorySchool => {
            let entry = &ids.directory_entry;
            json!({
                "name": entry["name"],
                "local_authority": entry["local_authority"],
                "postcode": entry["postcode"],
                "phase": entry["phase"],
                "status": entry["status"],
                "email_domains": entry["email_domains"]
            })
        }
        Op::RequestInternationalSchool => international_request(),
        Op::AcceptInternationalRequest => json!({ "region": "France" }),
        Op::DeclineInternationalRequest => json!({ "reason": "We could not confirm this school exists." }),
        Op::ReplyToCase => json!({ "text": "We are looking into it." }),
        Op::ReassignCase => json!({ "assignee": "Olu Operations" }),
        Op::OfferInstallSlots => json!({ "date": "2026-12-02", "times": ["09:00", "13:30"] }),
        Op::DecideAuthorityVerification => json!({
            "app_id": ids.verification.0, "school_id": ids.verification.1, "decision": "reject",
            "reason": "The address is not the school's."
        }),
        _ => return None,
    })
}

fn caller_for(route: &Route) -> Caller {
    let path = route.path;
    if route.audience == gatehouse_model::Audience::Anyone
        || matches!(route.op, Op::Logout | Op::SchoolLogout | Op::OpsLogout)
        || path.ends_with("/auth/magic-link")
        || path.ends_with("/auth/session")
        || path.starts_with("/api/invitations/")
        || path == "/api/health"
        || path == "/api/openapi.json"
    {
        Caller::Anonymous
    } else if matches!(route.op, Op::GetSchoolOnboarding | Op::BookInstallSlot | Op::StartSelfInstall) {
        Caller::Onboarding
    } else if path.starts_with("/api/school/") {
        Caller::School
    } else if path.starts_with("/api/ops/") {
        Caller::Ops
    } else if path.starts_with("/api/v1/") || path.starts_with(gatehouse_model::oneroster::ONEROSTER_BASE) {
        Caller::App
    } else if path.starts_with("/api/agent/") {
        Caller::Agent
    } else {
        Caller::Partner
    }
}

fn path_value(ids: &Ids, op: Op, name: &str) -> String {
    match (op, name) {
        (Op::RevokeSchoolAccess | Op::CancelRevocation, "school_id") => ids.revoke.clone(),
        (Op::SetSchoolPriority | Op::ResendInvitation, "school_id") => ids.pending.clone(),
        (Op::CancelInvitation, "school_id") => ids.cancel.clone(),
        (Op::ReinviteSchool, "school_id") => ids.revoked.clone(),
        // #16: a revoked demo school of its own (the one above is re-invited).
        (Op::ConfirmErasure, "school_id") => "3280040".to_owned(),
        (Op::IssueAgentKey, "school_id") => ids.other.clone(),
        (Op::MarkInstalled, "school_id") => ids.booked.clone(),
        (Op::DeclineInternationalRequest, "request_id") => ids.intl_decline.clone(),
        (_, "request_id") => ids.intl_accept.clone(),
        (_, "school_id") => ids.active.clone(),
        (_, "app_id") => "demo-app".to_owned(),
        (_, "key_id") => ids.key_to_revoke.clone(),
        (_, "case_id") => ids.case.clone(),
        (Op::GetSchoolJob, "job_id") => ids.school_job.clone(),
        (Op::GetOpsJob, "job_id") => ids.ops_job.clone(),
        (Op::GetPartnerJob, "job_id") => ids.partner_job.clone(),
        (_, "job_id") => ids.agent_job.clone(),
        (_, "delivery_id") => ids.delivery.clone(),
        (_, "urn") => ids.directory_entry["urn"].as_str().unwrap().to_owned(),
        (Op::DownloadSchoolReceipt, "seq") => ids.portal_receipt.clone(),
        (_, "seq") => ids.partner_receipt.clone(),
        (_, "student_id") => ids.student.clone(),
        (_, "person_id") => ids.portal_student.clone(),
        // #17: the active school's roster.
        (Op::ListOneRoster, "collection") => "students".to_owned(),
        (_, "collection") => "schools".to_owned(),
        (_, "sourced_id") => ids.active.clone(),
        (_, "nested") => "students".to_owned(),
        _ => "sample".to_owned(),
    }
}

fn query_value(ids: &Ids, op: Op, param: &QueryParam) -> Option<String> {
    Some(match (op, param.name.as_str()) {
        (_, "app") => "demo-app".to_owned(),
        (Op::ExplainSchoolPerson, "mis_id") => ids.portal_student.clone(),
        (_, "mis_id") => ids.student.clone(),
        (_, "q") if matches!(op, Op::SearchDirectory | Op::SearchOpsDirectory) => "brook".to_owned(),
        (Op::ExportSchoolPerson, "format") => "json".to_owned(),
        (_, "limit") => "10".to_owned(),
        (_, "view") => "active".to_owned(),
        (_, "first_line") => "2".to_owned(),
        _ if param.required => "sample".to_owned(),
        _ => return None,
    })
}

fn param_kind(doc: &Value, param: &Value) -> ParamKind {
    let name = param["name"].as_str().unwrap_or_default();
    let schema = param.get("schema").cloned().unwrap_or(Value::Null);
    let fields = mutate::fields(doc, &schema, &Value::Null);
    match (name, fields.first().map(|f| &f.kind)) {
        ("cursor", _) => ParamKind::Cursor,
        ("since", _) => ParamKind::SyncToken,
        (_, Some(mutate::Kind::Integer)) => ParamKind::Integer,
        (_, Some(mutate::Kind::Bool)) => ParamKind::Bool,
        (_, Some(mutate::Kind::Enum(values))) => ParamKind::Enum(values.clone()),
        _ => ParamKind::Text,
    }
}

/// The largest body axum reads unless a route says otherwise.
const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

pub fn spec(doc: &Value, ids: &Ids, route: &'static Route) -> RouteSpec {
    let method = route.method.as_str().to_lowercase();
    let operation = &doc["paths"][route.path][&method];
    assert!(operation.is_object(), "{} {} is in the OpenAPI document", route.method.as_str(), route.path);
    let parameters = operation["parameters"].as_array().cloned().unwrap_or_default();
    let path_params = parameters
        .iter()
        .filter(|p| p["in"] == "path")
        .map(|p| {
            let name = p["name"].as_str().unwrap().to_owned();
            let value = path_value(ids, route.op, &name);
            (name, value)
        })
        .collect();
    let query_params: Vec<QueryParam> = parameters
        .iter()
        .filter(|p| p["in"] == "query")
        .map(|p| QueryParam {
            name: p["name"].as_str().unwrap().to_owned(),
            required: p["required"] == true,
            kind: param_kind(doc, p),
        })
        .collect();
    let query_sample = query_params
        .iter()
        .filter_map(|param| query_value(ids, route.op, param).map(|value| (param.name.clone(), value)))
        .collect();
    let idempotent = parameters.iter().any(|p| p["in"] == "header" && p["name"] == "Idempotency-Key");
    let form = &operation["requestBody"]["content"]["application/x-www-form-urlencoded"];
    let body = match operation["requestBody"]["content"]["application/json"]["schema"].clone() {
        Value::Null if form.is_object() => {
            BodyShape::Form { sample: ids.oauth_form.clone(), limit: DEFAULT_BODY_LIMIT }
        }
        Value::Null if route.op == Op::ImportDirectory => {
            let sample = std::str::from_utf8(gatehouse_local::DIRECTORY_SAMPLE).unwrap();
            let lines: Vec<&str> = sample.lines().take(3).collect();
            BodyShape::Text { sample: lines.join("\n") + "\n", limit: DEFAULT_BODY_LIMIT }
        }
        Value::Null => BodyShape::None,
        schema => {
            let sample = body_sample(ids, route.op).unwrap_or_else(|| mutate::synthesize(doc, &schema));
            let fields = mutate::fields(doc, &schema, &sample);
            let limit = if route.op == Op::PushExtract { gatehouse_api::EXTRACT_BYTES } else { DEFAULT_BODY_LIMIT };
            BodyShape::Json { sample, fields, limit }
        }
    };
    let caller = caller_for(route);
    RouteSpec {
        route,
        caller,
        path_params,
        query_params,
        query_sample,
        body,
        idempotent,
        own_address: caller == Caller::Anonymous,
    }
}

pub fn all_specs(doc: &Value, ids: &Ids) -> Vec<RouteSpec> {
    ROUTES.iter().map(|route| spec(doc, ids, route)).collect()
}

/// `caller` releases the extract held at `held` (a job of theirs, #15);
/// then the agent pushes `full` and `shrunk` again, so one is held again.
/// The release's job id.
async fn released_then_held_again(
    h: &Harness,
    caller: Caller,
    held: &str,
    full: &gatehouse_model::Extract,
    shrunk: &gatehouse_model::Extract,
) -> String {
    let held_id = h.get(caller, held).await["summary"]["held_id"].clone();
    let accepted = h.post(caller, &format!("{held}/release"), json!({ "held_id": held_id })).await;
    for extract in [full, shrunk] {
        h.post(Caller::Agent, "/api/agent/v1/extracts", serde_json::to_value(extract).unwrap()).await;
    }
    accepted["job_id"].as_str().expect("the release's job").to_owned()
}
