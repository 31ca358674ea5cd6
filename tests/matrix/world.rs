//! The world the matrix runs in: the local server on a fresh embedded store
//! with the demo data, and everything else made the way its users make it,
//! through the product's own routes: the callers sign in by emailed link,
//! the school admin adds a member, the partners make keys, ops issue agent
//! keys, the agent pushes, a third partner's app is authorised by the school
//! concerned for students and then asks for staff only (the key without
//! the scope), and the records the rows name are opened or created.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use chrono::NaiveDate;
use gatehouse_core::demo::{
    AWAITING_VERIFICATION_SCHOOL, COLLEAGUE_EMAIL, DEMO_APP, DEMO_EMAIL, DEMO_OPS_EMAIL, DEMO_SCHOOL_EMAIL, OTHER_EMAIL,
};
use gatehouse_local::RunningServer;
use gatehouse_model::{Extract, Method};
use gatehouse_tests::local::{self, Local, demo_now};
use gatehouse_tests::webhook_receiver::Receiver;
use serde_json::{Value, json};

use crate::callers::{Caller, Credentials, Identity, client_from};
use crate::extracts::first_pupils;
use crate::wait;

/// The school concerned: `DEMO_SCHOOL_EMAIL`'s, Active for the demo app
/// with every scope it asks for, Include All, feed Enabled, installed.
pub const SCHOOL: &str = "3280003";
/// Another installed demo school: the other agent key's.
const OTHER_AGENT_SCHOOL: &str = "3280004";
/// An admin of the other partner's first school (who authorised it).
const OTHER_SCHOOL_EMAIL: &str = "data.lead.4510001@school.example";
/// A member the other partner's admin adds to their team.
const OTHER_MEMBER_EMAIL: &str = "oli@other-partner.example";
const SCHOOL_MEMBER_EMAIL: &str = "mo.member@school.example";
const NARROW_ADMIN_EMAIL: &str = "nina@narrow.example";

/// The ids the setup made, which the rows name. `Default` (empty) serves
/// the table's check that needs no server.
#[derive(Debug, Clone, Default)]
pub struct Fixture {
    pub school: String,
    /// A pupil of the school concerned, in every extract it pushes.
    pub student: String,
    /// The school's full extract, as its agent pushes it.
    pub extract: Value,
    /// The job of the agent's first push.
    pub agent_job: String,
    /// The school's job (a held extract's release), support's, and the
    /// partner's (a permission set's save).
    pub school_job: String,
    pub ops_job: String,
    pub partner_job: String,
    pub partner_case: String,
    pub support_case: String,
    /// A key of the demo app made to be revoked.
    pub spare_key: String,
    /// The token request of an OAuth client of the demo app (#17).
    pub oauth_token_form: String,
    /// A colleague on the demo partner's team, and one at the school, made to be removed.
    pub partner_leaver: String,
    pub school_leaver: String,
    pub webhook_url: String,
    pub delivery: String,
    pub international_to_accept: String,
    pub international_to_decline: String,
    /// A demo school whose authoriser waits for operations to verify them.
    pub awaiting_verification: String,
}

pub struct World {
    pub url: String,
    pub fx: Fixture,
    pub callers: HashMap<Caller, Identity>,
    /// For the setup's own calls: nobody's session.
    plain: reqwest::Client,
    ops: reqwest::Client,
    agent_key: String,
    full: Extract,
    shrunk: Extract,
    _receiver: Receiver,
    _server: RunningServer,
    _data: tempfile::TempDir,
}

/// An answer: status, content type, body (JSON when it parses).
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: Value,
    /// The body as sent, JSON or not (CSV, a receipt's HTML).
    pub text: String,
}

fn today() -> NaiveDate {
    demo_now().date_naive()
}

/// The setup's own address (not any caller's).
fn setup_address(n: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, n))
}

pub async fn send(
    base: &str,
    client: &reqwest::Client,
    method: Method,
    path: &str,
    bearer: Option<&str>,
    body: Option<reqwest::Body>,
    content_type: &str,
) -> Answer {
    let url = format!("{base}{path}");
    let mut request = match method {
        Method::Get => client.get(url),
        Method::Post => client.post(url),
    };
    if let Some(key) = bearer {
        request = request.bearer_auth(key);
    }
    if method == Method::Post {
        request = request
            .header("content-type", content_type)
            .header("idempotency-key", uuid_like())
            .body(body.unwrap_or_else(|| reqwest::Body::from("{}")));
    }
    let response = request.send().await.unwrap_or_else(|error| panic!("{path}: {error}"));
    let status = response.status().as_u16();
    let content_type =
        response.headers().get("content-type").and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned();
    let bytes = response.bytes().await.unwrap_or_default();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer { status, content_type, body, text: String::from_utf8_lossy(&bytes).into_owned() }
}

/// A fresh Idempotency-Key for every POST: each cell is its own request.
fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("matrix-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

impl World {
    async fn call(&self, client: &reqwest::Client, method: Method, path: &str, body: Option<Value>) -> Answer {
        let body = body.map(|body| reqwest::Body::from(body.to_string()));
        send(&self.url, client, method, path, None, body, "application/json").await
    }

    /// A setup step that must succeed; returns its body.
    async fn ok(&self, client: &reqwest::Client, method: Method, path: &str, body: Option<Value>) -> Value {
        let answer = self.call(client, method, path, body).await;
        assert!(
            (200..300).contains(&answer.status),
            "setup: {} {path}: {} {}",
            method.as_str(),
            answer.status,
            answer.body
        );
        answer.body
    }

    async fn post(&self, client: &reqwest::Client, path: &str, body: Value) -> Value {
        self.ok(client, Method::Post, path, Some(body)).await
    }

    async fn get(&self, client: &reqwest::Client, path: &str) -> Value {
        self.ok(client, Method::Get, path, None).await
    }

    /// Emails to `address` whose text has `marker`, newest first.
    async fn mail_with(&self, address: &str, marker: &str) -> Vec<String> {
        let entries = self.get(&self.plain, "/dev/outbox.json").await;
        entries
            .as_array()
            .expect("the outbox lists emails")
            .iter()
            .filter(|entry| entry["to"] == address)
            .filter_map(|entry| entry["text"].as_str())
            .filter(|text| text.contains(marker))
            .map(str::to_owned)
            .collect()
    }

    /// The token after `marker` in the first email to `address` with it
    /// after `before` such emails: emails go out after the answer, so
    /// this waits for it (up to ten seconds).
    async fn token_after(&self, address: &str, marker: &str, before: usize) -> String {
        let mails = wait::eventually(&format!("an email to {address} with {marker}"), || async {
            let mails = self.mail_with(address, marker).await;
            (mails.len() > before).then_some(mails)
        })
        .await;
        gatehouse_tests::stack::token_after(&mails[0], marker)
    }

    /// Signs `email` in to `portal` ("" partner, "school", "ops") by the
    /// emailed link, on a fresh client calling from `address`.
    async fn sign_in(&self, portal: &str, email: &str, address: IpAddr) -> reqwest::Client {
        let (prefix, marker) = match portal {
            "" => ("/api/auth", "/auth#token="),
            "school" => ("/api/school/auth", "/school/auth#token="),
            "ops" => ("/api/ops/auth", "/ops/auth#token="),
            other => panic!("no portal {other}"),
        };
        let client = client_from(address);
        let before = self.mail_with(email, marker).await.len();
        let ask = format!("{prefix}/magic-link");
        let asked = self.call(&client, Method::Post, &ask, Some(json!({ "email": email }))).await;
        assert_eq!(asked.status, 202, "{email} asks for a sign-in link");
        let token = self.token_after(email, marker, before).await;
        self.post(&client, &format!("{prefix}/session"), json!({ "token": token })).await;
        client
    }

    /// Pushes as a real agent does (#15): again while another push's job
    /// holds the school, then polling the job until it is done; the job.
    async fn push(&self, key: &str, extract: &Extract) -> Value {
        let path = "/api/agent/v1/extracts";
        let accepted = wait::eventually("the push to be accepted", || async {
            let body = reqwest::Body::from(serde_json::to_string(extract).expect("an extract serialises"));
            let answer =
                send(&self.url, &self.plain, Method::Post, path, Some(key), Some(body), "application/json").await;
            assert!([202, 409].contains(&answer.status), "a push is accepted: {}", answer.body);
            (answer.status == 202).then_some(answer.body)
        })
        .await;
        let status_url = accepted["status_url"].as_str().expect("the job's status_url").to_owned();
        let job = wait::eventually("the push's job to finish", || async {
            let answer = send(&self.url, &self.plain, Method::Get, &status_url, Some(key), None, "").await;
            (answer.body["state"] == "done").then_some(answer.body)
        })
        .await;
        assert_eq!(job["state"], "done", "{job}");
        job
    }

    /// Polls a job as its owner until it has ended.
    pub async fn finish_job(&self, client: &reqwest::Client, bearer: Option<&str>, status_url: &str) {
        wait::eventually("the job to end", || async {
            let answer = send(&self.url, client, Method::Get, status_url, bearer, None, "").await;
            matches!(answer.body["state"].as_str(), Some("done" | "failed")).then_some(())
        })
        .await;
    }

    /// Holds an extract and releases it through `path` as `client`, polling
    /// the release's job until it is done; the job's id.
    async fn release(&self, client: &reqwest::Client, path: &str) -> String {
        let held_id = self.ensure_held().await;
        self.job(client, path, json!({ "held_id": held_id })).await
    }

    /// Posts work answered with a job (#15) as `client`, polling the job
    /// until it is done; the job's id.
    async fn job(&self, client: &reqwest::Client, path: &str, body: Value) -> String {
        let accepted = self.post(client, path, body).await;
        let status_url = accepted["status_url"].as_str().expect("the job's status_url").to_owned();
        wait::eventually("the job to finish", || async {
            let answer = self.call(client, Method::Get, &status_url, None).await;
            (answer.body["state"] == "done").then_some(())
        })
        .await;
        accepted["job_id"].as_str().expect("a job id").to_owned()
    }

    /// The held extract's id at the school concerned, holding one first if
    /// none is: the whole extract applied, then one missing a third of the
    /// pupils, which the deletion guard holds.
    pub async fn ensure_held(&self) -> String {
        let path = format!("/api/ops/schools/{SCHOOL}/held-extract");
        let mut diff = self.call(&self.ops, Method::Get, &path, None).await;
        if diff.status == 404 {
            let full = self.push(&self.agent_key, &self.full).await;
            assert_eq!(full["result"]["extract"]["outcome"], "applied", "the whole extract applies: {full}");
            let shrunk = self.push(&self.agent_key, &self.shrunk).await;
            assert_eq!(shrunk["result"]["extract"]["outcome"], "held", "a third of the pupils gone is held: {shrunk}");
            diff = self.call(&self.ops, Method::Get, &path, None).await;
        }
        assert_eq!(diff.status, 200, "a held extract: {}", diff.body);
        diff.body["summary"]["held_id"].as_str().expect("the held extract's id").to_owned()
    }

    /// The server, the callers, and the records the rows name.
    pub async fn build() -> World {
        let Local { server, data, .. } = local::start(|config| {
            config.webhook_retry_delays = vec![Duration::from_millis(50), Duration::from_millis(100)];
        })
        .await;
        let full = gatehouse_core::synthetic::school(3, 60, today());
        let shrunk = first_pupils(&full, 40);
        let mut world = World {
            url: server.url.clone(),
            fx: Fixture { school: SCHOOL.to_owned(), ..Fixture::default() },
            callers: HashMap::new(),
            plain: client_from(setup_address(2)),
            ops: client_from(setup_address(2)),
            agent_key: String::new(),
            full,
            shrunk,
            _receiver: Receiver::start().await,
            _server: server,
            _data: data,
        };

        // The people, each signed in once from their own address.
        let ops = world.sign_in("ops", DEMO_OPS_EMAIL, Caller::Ops.address()).await;
        let admin = world.sign_in("", DEMO_EMAIL, Caller::PartnerAdmin.address()).await;
        let member = world.sign_in("", COLLEAGUE_EMAIL, Caller::PartnerMember.address()).await;
        let other = world.sign_in("", OTHER_EMAIL, Caller::OtherPartner.address()).await;
        let other_member = json!({ "email": OTHER_MEMBER_EMAIL, "display_name": "Oli Other", "role": "member" });
        world.post(&other, "/api/partner/team", other_member).await;
        let other_member = world.sign_in("", OTHER_MEMBER_EMAIL, Caller::OtherPartnerMember.address()).await;
        let head = world.sign_in("school", DEMO_SCHOOL_EMAIL, Caller::SchoolAdmin.address()).await;
        let other_school = world.sign_in("school", OTHER_SCHOOL_EMAIL, Caller::OtherSchool.address()).await;
        let me = world.get(&member, "/api/me").await;
        assert_eq!(me["role"], "member", "the demo colleague is a member: {me}");
        let colleague =
            |email: &str| json!({ "name": "Mo Member", "email": email, "role": "Teacher", "access": "member" });
        world.post(&head, "/api/school/team", colleague(SCHOOL_MEMBER_EMAIL)).await;
        world.fx.school_leaver = "leaving.teacher@school.example".to_owned();
        world.post(&head, "/api/school/team", colleague(&world.fx.school_leaver.clone())).await;
        let school_member = world.sign_in("school", SCHOOL_MEMBER_EMAIL, Caller::SchoolMember.address()).await;
        let me = world.get(&school_member, "/api/school/me").await;
        assert_eq!((me["school_id"].as_str(), me["access"].as_str()), (Some(SCHOOL), Some("member")), "{me}");
        world.fx.partner_leaver = "leaving@partner.example".to_owned();
        let leaver = json!({ "email": world.fx.partner_leaver, "display_name": "Lee Leaving", "role": "member" });
        world.post(&admin, "/api/partner/team", leaver).await;

        // Keys: the demo app's, a spare to revoke, the other partner's; agents'.
        let keys = format!("/api/partner/apps/{DEMO_APP}/keys");
        let app_key = world.post(&admin, &keys, json!({ "label": "Matrix" })).await["secret"].clone();
        let spare = world.post(&admin, &keys, json!({ "label": "Spare" })).await;
        world.fx.spare_key = spare["key"]["key_id"].as_str().expect("a key id").to_owned();
        let client = world.post(&admin, &keys, json!({ "label": "OneRoster", "kind": "oauth_client" })).await;
        let (client_id, secret) = (client["key"]["key_id"].as_str(), client["secret"].as_str());
        world.fx.oauth_token_form = format!(
            "grant_type=client_credentials&client_id={}&client_secret={}",
            client_id.expect("a client id"),
            secret.expect("a client secret")
        );
        let other_key = world.post(&other, "/api/partner/apps/other-app/keys", json!({ "label": "Other" })).await;
        let agent = |school: &str| format!("/api/ops/schools/{school}/agent-key");
        let agent_key = world.post(&ops, &agent(SCHOOL), json!({})).await["secret"].clone();
        let other_agent_key = world.post(&ops, &agent(OTHER_AGENT_SCHOOL), json!({})).await["secret"].clone();
        world.agent_key = agent_key.as_str().expect("an agent key").to_owned();
        world.ops = ops.clone();

        // The school's data, as its agent pushes it.
        let pushed = world.push(&world.agent_key, &world.full).await;
        assert_eq!(pushed["result"]["extract"]["outcome"], "applied", "the first extract applies: {pushed}");
        world.fx.agent_job = pushed["job_id"].as_str().expect("a job id").to_owned();
        // A held extract released by the school, then one by support: a job each (#15).
        world.fx.school_job = world.release(&head, "/api/school/held-extract/release").await;
        let by_support = format!("/api/ops/schools/{SCHOOL}/held-extract/release");
        world.fx.ops_job = world.release(&ops, &by_support).await;
        // The partner's: the demo app's permission set saved as it is.
        let permissions = format!("/api/partner/apps/{DEMO_APP}/permissions");
        let same = json!({ "requested": gatehouse_core::demo::demo_requested_scopes() });
        world.fx.partner_job = world.job(&admin, &permissions, same).await;
        world.fx.student = world.full.students[0].id.clone();
        world.fx.extract = serde_json::to_value(&world.full).expect("an extract");

        // A webhook, and a delivery to redeliver: the school pauses the feed and enables it again.
        world.fx.webhook_url = world._receiver.url.clone();
        let webhook = json!({ "url": world.fx.webhook_url, "enabled": true });
        world.post(&admin, &format!("/api/partner/webhooks/{DEMO_APP}"), webhook).await;
        let settings = format!("/api/school/apps/{DEMO_APP}/settings");
        world.post(&head, &settings, json!({ "feed_status": "Paused" })).await;
        world.post(&head, &settings, json!({ "feed_status": "Enabled" })).await;
        world.fx.delivery = world.first_delivery(&admin).await;

        // An install slot to book.
        let (date, time) = crate::table::OFFERED_SLOT.split_once('T').expect("a slot");
        world.post(&ops, "/api/ops/install-slots", json!({ "date": date, "times": [time] })).await;

        // Cases, international requests.
        let case = json!({
            "category": "missing_or_incorrect_data",
            "summary": "Year 7 missing",
            "contact_name": "Dana Demo",
            "contact_phone": "020 7946 0000",
            "contact_email": DEMO_EMAIL,
            "description": "Year 7 pupils are missing from the feed.",
            "school_id": SCHOOL,
            "app": DEMO_APP,
        });
        world.fx.partner_case = id(&world.post(&admin, "/api/partner/cases", case.clone()).await, "case_id");
        world.fx.support_case = id(&world.post(&admin, "/api/partner/cases", case).await, "case_id");
        let international = |name: &str| {
            json!({
                "school_name": name,
                "address": "1 Calle Mayor\n28013 Madrid\nSpain",
                "contact_name": "Lucía Pérez",
                "contact_phone": "+34 91 123 45 67",
                "contact_email": "lucia@escuela.example",
            })
        };
        let requests = "/api/partner/international-requests";
        world.fx.international_to_accept =
            id(&world.post(&admin, requests, international("Escuela Uno")).await, "request_id");
        world.fx.international_to_decline =
            id(&world.post(&admin, requests, international("Escuela Dos")).await, "request_id");

        // An authoriser nobody vouches for waits for operations (#12).
        world.fx.awaiting_verification = AWAITING_VERIFICATION_SCHOOL.to_owned();
        let contact = format!("data.lead.{AWAITING_VERIFICATION_SCHOOL}@school.example");
        let before = world.mail_with(&contact, "/authorise#token=").await.len();
        let resend = format!("/api/partner/schools/{AWAITING_VERIFICATION_SCHOOL}/resend-invite?app={DEMO_APP}");
        world.post(&admin, &resend, json!({})).await;
        let token = world.token_after(&contact, "/authorise#token=", before).await;
        let answer = json!({
            "token": token,
            "has_authority": true,
            "approver_name": "Val Verify",
            "approver_role": "Data Manager",
            "mis": "SIMS",
            "approved_scopes": ["students"],
            "gdpr_mode": "Include All",
            "feed_status": "Enabled",
        });
        let answered = world.post(&world.plain, "/api/invitations/authorise", answer).await;
        assert_eq!(answered["state"], "awaiting_verification", "{answered}");

        let narrow_key = world.narrow_app_key(&ops, &head).await;

        // The records the rows name are in the states the rows say.
        for (school, view) in crate::table::DEMO_SCHOOLS_BY_VIEW {
            let tile = world.get(&admin, &format!("/api/partner/schools/{school}?app={DEMO_APP}")).await;
            assert_eq!(tile["view"], view, "demo school {school}: {}", tile["actions"]);
        }
        let status = send(
            &world.url,
            &world.plain,
            Method::Get,
            &format!("/api/v1/schools/{SCHOOL}/status"),
            app_key.as_str(),
            None,
            "",
        )
        .await;
        let scopes: Vec<&str> =
            status.body["scopes"].as_array().expect("scopes").iter().filter_map(Value::as_str).collect();
        assert_eq!(
            (status.body["state"].as_str(), status.body["gdpr_mode"].as_str()),
            (Some("connected"), Some("Include All")),
            "{}",
            status.body
        );
        assert!(["students", "staff", "contacts", "groups"].iter().all(|scope| scopes.contains(scope)), "{scopes:?}");

        let session = |client: reqwest::Client| Identity { client, credentials: Credentials::Session };
        let key = |caller: Caller, key: &Value| Identity {
            client: client_from(caller.address()),
            credentials: Credentials::Bearer(key.as_str().expect("a key").to_owned()),
        };
        world.callers = HashMap::from([
            (
                Caller::Anonymous,
                Identity { client: client_from(Caller::Anonymous.address()), credentials: Credentials::Nothing },
            ),
            (Caller::PartnerMember, session(member)),
            (Caller::PartnerAdmin, session(admin)),
            (Caller::OtherPartner, session(other)),
            (Caller::OtherPartnerMember, session(other_member)),
            (Caller::SchoolMember, session(school_member)),
            (Caller::SchoolAdmin, session(head)),
            (Caller::OtherSchool, session(other_school)),
            (Caller::Ops, session(ops)),
            (Caller::AppKey, key(Caller::AppKey, &app_key)),
            (Caller::AppKeyNoScope, key(Caller::AppKeyNoScope, &json!(narrow_key))),
            (Caller::OtherAppKey, key(Caller::OtherAppKey, &other_key["secret"])),
            (Caller::Agent, key(Caller::Agent, &agent_key)),
            (Caller::OtherAgent, key(Caller::OtherAgent, &other_agent_key)),
        ]);
        world
    }

    /// The id of the demo app's first webhook delivery, once there is one.
    async fn first_delivery(&self, admin: &reqwest::Client) -> String {
        wait::eventually("a webhook delivery", || async {
            let list = self.get(admin, &format!("/api/partner/webhooks/{DEMO_APP}/deliveries")).await;
            list["deliveries"][0]["delivery_id"].as_str().map(str::to_owned)
        })
        .await
    }

    /// A third partner's app at the school concerned whose grant holds no
    /// data area any more: ops add the school to the register and create
    /// the partner; its admin invites the school; the school's admin
    /// authorises students in the portal; ops mark it installed; then the
    /// app asks for staff only. Returns the app's key.
    async fn narrow_app_key(&self, ops: &reqwest::Client, head: &reqwest::Client) -> String {
        let register = format!(
            "URN,LA (name),EstablishmentName,EstablishmentStatus (name),PhaseOfEducation (name),Postcode\n\
             {SCHOOL},Cardiff,Millbrook High School,Open,Secondary,CF3 2HQ\n"
        );
        let imported = send(
            &self.url,
            ops,
            Method::Post,
            "/api/ops/directory/import",
            None,
            Some(reqwest::Body::from(register)),
            "text/csv",
        )
        .await;
        assert_eq!(imported.status, 202, "{}", imported.body);
        let status_url = imported.body["status_url"].as_str().expect("the import's job");
        self.finish_job(ops, None, status_url).await;
        let partner = json!({
            "name": "Narrow Apps Ltd",
            "admin_name": "Nina Narrow",
            "admin_email": NARROW_ADMIN_EMAIL,
            "app_name": "Narrow Reader",
        });
        let created = self.post(ops, "/api/ops/partners", partner).await;
        let app = created["partner"]["app_id"].as_str().expect("the new app's id").to_owned();
        let nina = self.sign_in("", NARROW_ADMIN_EMAIL, setup_address(3)).await;
        let permissions = format!("/api/partner/apps/{app}/permissions");
        self.post(&nina, &permissions, json!({ "requested": ["students"] })).await;
        let invitation = json!({
            "urn": SCHOOL,
            "school_contact": { "name": "Hana Head", "email": DEMO_SCHOOL_EMAIL, "role": "Headteacher" },
            "contact_may_authorise": true,
        });
        self.post(&nina, &format!("/api/partner/invitations?app={app}"), invitation).await;
        let grant = json!({
            "approved_scopes": ["students"],
            "gdpr_mode": "Include All",
            "feed_status": "Enabled",
            "mis": "iSAMS",
        });
        self.post(head, &format!("/api/school/apps/{app}/authorise"), grant).await;
        self.post(ops, &format!("/api/ops/install-bookings/{SCHOOL}/installed"), json!({})).await;
        let narrowed = json!({ "requested": ["staff"] });
        self.post(&nina, &permissions, narrowed).await;
        let key = self.post(&nina, &format!("/api/partner/apps/{app}/keys"), json!({ "label": "Narrow" })).await;
        key["secret"].as_str().expect("a secret").to_owned()
    }
}

fn id(body: &Value, field: &str) -> String {
    body[field].as_str().unwrap_or_else(|| panic!("{field} in {body}")).to_owned()
}
