//! The template store every run starts from: the demo data, three directory
//! schools, and what the write routes act on (sessions of each kind, unused
//! sign-in links, an invitation link, keys, cases, a webhook delivery, an
//! extract held for review, answers waiting on verification and approval,
//! an international request, install slots). Built once through the same
//! rig, unarmed, then closed and copied for each run.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use gatehouse_core::demo::{self, COLLEAGUE_EMAIL, DEMO_EMAIL, DEMO_OPS_EMAIL, DEMO_SCHOOL_EMAIL, OTHER_EMAIL};
use gatehouse_core::ports::{WebhookRequest, WebhookSender};
use gatehouse_core::{
    EmailAddress, Gatehouse, SchoolId, agent_keys, auth, directory, domain_events, synthetic, webhooks,
};
use gatehouse_model::ExtractKind;
use gatehouse_tests::stack::token_after;
use serde_json::{Value, json};

use crate::extracts::first_pupils;
use crate::rig::{Rig, now};
use crate::{Call, Caller};

/// The demo school whose admin is `DEMO_SCHOOL_EMAIL`, with people pushed.
pub const PORTAL_SCHOOL: &str = "3280003";
/// Active, with an extract held for review.
pub const HELD_SCHOOL: &str = "3280004";
/// Active, with a revocation scheduled by the partner.
pub const SCHEDULED_SCHOOL: &str = "3280005";
/// Active, in the onboarding queue (not installed).
pub const QUEUED_SCHOOL: &str = "3280001";
/// Active, with an install slot booked.
pub const BOOKED_SCHOOL: &str = "3280002";
/// A directory school with a website (a verified domain) nobody invited yet,
/// invited in the template: its contact answers the emailed link.
pub const INVITED_URN: &str = "140004";
pub const INVITED_CONTACT: &str = "bea@brookside-infant-school.example";
/// Pending, with no admin: an answer there waits for ops to verify it.
pub const UNVOUCHED_SCHOOL: &str = "3280028";
/// Revoked, with an admin (its first authoriser); re-invited to a new contact.
pub const ADMINS_SCHOOL: &str = "3280030";
pub const NOT_ADMIN_CONTACT: &str = "office.3280030@school.example";
/// A directory school with no website, nobody has invited.
pub const UNINVITED_URN: &str = "140007";
pub const SCHOOL_COLLEAGUE: &str = "dee.deputy@school.example";

/// The seed and size of the portal school's synthetic MIS.
pub const PORTAL_SEED: u64 = 7;
pub const PORTAL_PUPILS: u32 = 20;

pub fn today() -> NaiveDate {
    now().date_naive()
}

pub fn school_admin(school: &str) -> String {
    format!("data.lead.{school}@school.example")
}

/// Who has a session in the template, by portal ("" for partners).
fn signed_in() -> Vec<(&'static str, String)> {
    let mut who = vec![
        ("", DEMO_EMAIL.to_owned()),
        ("", OTHER_EMAIL.to_owned()),
        // Signed in, so removing them has sessions to end.
        ("", COLLEAGUE_EMAIL.to_owned()),
        ("ops", DEMO_OPS_EMAIL.to_owned()),
        ("school", DEMO_SCHOOL_EMAIL.to_owned()),
    ];
    for school in [HELD_SCHOOL, SCHEDULED_SCHOOL, QUEUED_SCHOOL, "3280040"] {
        who.push(("school", school_admin(school)));
    }
    who
}

pub struct Fixtures {
    _dir: Option<tempfile::TempDir>,
    pub template: PathBuf,
    /// `Cookie` header values by who signed in.
    pub cookies: HashMap<String, String>,
    /// Unused sign-in link tokens, by portal ("", "school", "ops").
    pub login_tokens: HashMap<&'static str, String>,
    pub invite_token: String,
    /// A link answered by someone nothing vouches for: it waits on ops.
    pub unvouched_token: String,
    /// A link answered by someone at a school with admins: it waits on them.
    pub not_admin_token: String,
    pub app_key: String,
    pub app_key_id: String,
    pub agent_key: String,
    pub held_id: String,
    pub open_case: String,
    pub closed_case: String,
    pub intl_request: String,
    pub delivery_id: String,
    pub webhook_url: String,
    pub person: String,
}

/// A webhook endpoint that is down, for a delivery to redeliver.
struct Down;

impl WebhookSender for Down {
    fn send<'life0, 'async_trait>(
        &'life0 self,
        _request: WebhookRequest,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<u16, anyhow::Error>> + Send + 'async_trait>>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(async { Ok(503) })
    }
}

/// The register's header and the rows of three schools.
fn directory_rows() -> String {
    let sample = std::str::from_utf8(gatehouse_local::DIRECTORY_SAMPLE).expect("UTF-8 sample");
    let mut lines = sample.lines();
    let mut rows = vec![lines.next().expect("header").to_owned()];
    rows.extend(
        lines
            .filter(|line| ["140001,", "140004,", "140007,"].iter().any(|urn| line.starts_with(urn)))
            .map(str::to_owned),
    );
    rows.join("\n") + "\n"
}

struct Builder<'a> {
    rig: &'a Rig,
    client: reqwest::Client,
    cookies: HashMap<String, String>,
}

impl Builder<'_> {
    async fn call(&self, call: Call) -> Value {
        let (status, body) = crate::send(&self.client, &self.rig.url, &call).await;
        assert!((200..300).contains(&status), "fixture {} {}: {status} {body}", call.path, call.caller.describe());
        body
    }

    /// `GET path` as `who`, signed in; the JSON answer.
    async fn get(&self, path: &str, who: &str) -> Value {
        let response = self.client.get(format!("{}{path}", self.rig.url)).header("cookie", &self.cookies[who]).send();
        response.await.unwrap().json::<Value>().await.unwrap()
    }

    fn as_who(&self, who: &str) -> Caller {
        Caller::Cookie(self.cookies[who].clone())
    }

    /// An agent's push, run to the end as its job (#15): the job as it ended.
    async fn push(&self, agent: &Caller, extract: &gatehouse_model::Extract) -> Value {
        let accepted =
            self.call(Call::post("/api/agent/v1/extracts", serde_json::to_value(extract).unwrap()).by(agent)).await;
        self.rig.run_jobs().await;
        let Caller::Bearer(key) = agent else { panic!("an agent pushes with its key") };
        let url = format!("{}{}", self.rig.url, accepted["status_url"].as_str().expect("a job"));
        let job: Value = self.client.get(url).bearer_auth(key).send().await.unwrap().json().await.unwrap();
        assert_eq!(job["state"], "done", "{job}");
        job
    }

    /// Sends what the `sign_in.requested` consumer would, for every request since the last call.
    async fn deliver_sign_ins(&self) {
        for event in self.rig.take_events() {
            if event.detail_type == "sign_in.requested" {
                auth::send_requested_link(&self.rig.gatehouse, &event.detail).await.expect("sign-in link sent");
            }
        }
    }

    /// A fresh sign-in link token for `email` to `portal`.
    async fn login_token(&self, portal: &str, email: &str) -> String {
        let prefix = if portal.is_empty() { "/api/auth".to_owned() } else { format!("/api/{portal}/auth") };
        self.call(Call::post(format!("{prefix}/magic-link"), json!({ "email": email }))).await;
        self.deliver_sign_ins().await;
        let marker = "#token=";
        let email = self.rig.emails().into_iter().rev().find(|mail| mail.to.as_str() == email).expect("sign-in email");
        token_after(&email.text, marker)
    }

    /// Signs `email` in to `portal`; keeps the session cookie under `email`.
    async fn sign_in(&mut self, portal: &str, email: &str) {
        let token = self.login_token(portal, email).await;
        let prefix = if portal.is_empty() { "/api/auth".to_owned() } else { format!("/api/{portal}/auth") };
        let response = self
            .client
            .post(format!("{}{prefix}/session", self.rig.url))
            .json(&json!({ "token": token }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{email} signs in to {portal:?}");
        let cookie = response.headers()["set-cookie"].to_str().unwrap();
        let pair = cookie.split(';').next().unwrap().to_owned();
        self.cookies.insert(email.to_owned(), pair);
    }

    /// The newest invitation token emailed to `email`.
    fn invitation_token(&self, email: &str) -> Option<String> {
        self.rig
            .emails()
            .into_iter()
            .rev()
            .find(|mail| mail.to.as_str() == email && mail.text.contains("/authorise#token="))
            .map(|mail| token_after(&mail.text, "/authorise#token="))
    }
}

impl Fixtures {
    pub async fn build(rig: &Rig, webhook_url: &str) -> Fixtures {
        let dir = tempfile::tempdir().expect("temp dir");
        let template = dir.path().join("template.redb");
        let store = rig.open(&template);
        demo::seed(store.as_ref(), now()).await.expect("demo data");
        directory::import(store.as_ref(), directory_rows().as_bytes(), 0, |_| {}).await.expect("directory");
        drop(store);
        let gatehouse = rig.gatehouse.clone();
        let mut builder = Builder { rig, client: reqwest::Client::new(), cookies: HashMap::new() };

        // Sessions of every kind, and unused sign-in links.
        for (portal, email) in signed_in() {
            builder.sign_in(portal, &email).await;
        }
        let mut login_tokens = HashMap::new();
        login_tokens.insert("", builder.login_token("", DEMO_EMAIL).await);
        login_tokens.insert("school", builder.login_token("school", DEMO_SCHOOL_EMAIL).await);
        login_tokens.insert("ops", builder.login_token("ops", DEMO_OPS_EMAIL).await);
        let partner = builder.as_who(DEMO_EMAIL);
        let ops = builder.as_who(DEMO_OPS_EMAIL);

        // An API key, and a webhook whose endpoint is down for one delivery.
        let key =
            builder.call(Call::post("/api/partner/apps/demo-app/keys", json!({ "label": "Sync" })).by(&partner)).await;
        let app_key = key["secret"].as_str().unwrap().to_owned();
        let app_key_id = key["key"]["key_id"].as_str().unwrap().to_owned();
        let hook = json!({ "url": webhook_url, "enabled": true });
        builder.call(Call::post("/api/partner/webhooks/demo-app", hook).by(&partner)).await;
        let app = gatehouse_core::AppId::parse(demo::DEMO_APP).unwrap();
        let school = SchoolId::parse(PORTAL_SCHOOL).unwrap();
        let event =
            domain_events::new(domain_events::EventKind::FeedPaused, &app, &school, gatehouse.clock.now(), json!({}))
                .unwrap();
        let endpoint_down = Gatehouse { webhooks: Arc::new(Down), ..gatehouse.clone() };
        webhooks::deliver(&endpoint_down, &event.detail).await.expect("a failed delivery");
        let deliveries = builder.get("/api/partner/webhooks/demo-app/deliveries", DEMO_EMAIL).await;
        let delivery_id = deliveries["deliveries"][0]["delivery_id"]
            .as_str()
            .unwrap_or_else(|| panic!("a delivery: {deliveries}"))
            .to_owned();

        // The portal school's people, through its agent.
        let agent = agent_keys::issue(&gatehouse, &school, "Gatehouse support").await.expect("agent key");
        let agent_key = agent.secret.expose().to_owned();
        let full = synthetic::school(PORTAL_SEED, PORTAL_PUPILS, today());
        let person = full.students[0].id.clone();
        builder.push(&Caller::Bearer(agent_key.clone()), &full).await;

        // An extract held for review at another school.
        let held_school = SchoolId::parse(HELD_SCHOOL).unwrap();
        let held_agent = agent_keys::issue(&gatehouse, &held_school, "Gatehouse support").await.expect("agent key");
        let bearer = Caller::Bearer(held_agent.secret.expose().to_owned());
        let full = synthetic::school(5, 20, today());
        builder.push(&bearer, &full).await;
        let shrunk = first_pupils(&full, 12);
        assert_eq!(shrunk.kind, ExtractKind::Full);
        let job = builder.push(&bearer, &shrunk).await;
        assert_eq!(job["result"]["extract"]["outcome"], "held", "{job}");
        let diff = builder.get(&format!("/api/ops/schools/{HELD_SCHOOL}/held-extract"), DEMO_OPS_EMAIL).await;
        let held_id = diff["summary"]["held_id"].as_str().unwrap_or_else(|| panic!("held: {diff}")).to_owned();

        // Support cases: one open, one closed.
        let case = |summary: &str| {
            json!({
                "category": "school_not_syncing",
                "summary": summary,
                "contact_name": "Dana Demo",
                "contact_phone": "020 7946 0000",
                "contact_email": DEMO_EMAIL,
                "description": format!("{summary}. Seen in the import log."),
                "school_id": QUEUED_SCHOOL,
            })
        };
        let opened = builder.call(Call::post("/api/partner/cases", case("No data since Monday")).by(&partner)).await;
        let open_case = opened["case_id"].as_str().unwrap().to_owned();
        let closed = builder.call(Call::post("/api/partner/cases", case("Groups missing")).by(&partner)).await;
        let closed_case = closed["case_id"].as_str().unwrap().to_owned();
        builder.call(Call::post(format!("/api/partner/cases/{closed_case}/close"), json!({})).by(&partner)).await;

        // An international school request, and install slots to book.
        let request = json!({
            "school_name": "Lycée International",
            "address": "1 Rue de la Paix\nParis\nFrance",
            "contact_name": "Dana Demo",
            "contact_phone": "020 7946 0000",
            "contact_email": DEMO_EMAIL,
        });
        let submitted = builder.call(Call::post("/api/partner/international-requests", request).by(&partner)).await;
        let intl_request = submitted["request_id"].as_str().unwrap_or_else(|| panic!("{submitted}")).to_owned();
        let slots = json!({ "date": "2026-12-02", "times": ["10:00", "14:30"] });
        builder.call(Call::post("/api/ops/install-slots", slots).by(&ops)).await;

        // A colleague at the portal school, to remove.
        let head = builder.as_who(DEMO_SCHOOL_EMAIL);
        let colleague = json!({ "name": "Dee Deputy", "email": SCHOOL_COLLEAGUE, "role": "Deputy Head" });
        builder.call(Call::post("/api/school/team", colleague).by(&head)).await;
        builder.sign_in("school", SCHOOL_COLLEAGUE).await;

        // Two answers that wait (#12): one on ops verifying the answerer, one
        // on the school's admin approving it.
        let opened = |email: &EmailAddress| builder.invitation_token(email.as_str());
        demo::seed_answers(&gatehouse, opened).await.expect("answers that wait");

        // A school invited from the directory; its contact has the link.
        let invitation = json!({
            "urn": INVITED_URN,
            "school_contact": { "name": "Bea Bursar", "email": INVITED_CONTACT, "role": "Business Manager" },
            "contact_may_authorise": true,
        });
        builder.call(Call::post("/api/partner/invitations", invitation).by(&partner)).await;
        let invite_token = builder.invitation_token(INVITED_CONTACT).expect("an invitation email");
        // A pending school with no admin, and a revoked one with an admin
        // that a new contact is invited at: their answers will wait.
        let resend = json!({ "new_contact": null });
        builder
            .call(Call::post(format!("/api/partner/schools/{UNVOUCHED_SCHOOL}/resend-invite"), resend).by(&partner))
            .await;
        let unvouched_token = builder.invitation_token(&school_admin(UNVOUCHED_SCHOOL)).expect("an invitation email");
        let contact = json!({ "name": "Oona Office", "email": NOT_ADMIN_CONTACT, "role": "Office Manager" });
        let reinvite = json!({ "new_contact": contact });
        builder.call(Call::post(format!("/api/partner/schools/{ADMINS_SCHOOL}/reinvite"), reinvite).by(&partner)).await;
        let not_admin_token = builder.invitation_token(NOT_ADMIN_CONTACT).expect("an invitation email");

        rig.take_events();
        rig.close();
        Fixtures {
            _dir: Some(dir),
            template,
            cookies: builder.cookies,
            login_tokens,
            invite_token,
            unvouched_token,
            not_admin_token,
            app_key,
            app_key_id,
            agent_key,
            held_id,
            open_case,
            closed_case,
            intl_request,
            delivery_id,
            webhook_url: webhook_url.to_owned(),
            person,
        }
    }

    /// Fixtures of the right shape and no store, to see where scenarios post.
    pub fn placeholder() -> Fixtures {
        let text = |what: &str| format!("placeholder-{what}");
        Fixtures {
            _dir: None,
            template: PathBuf::new(),
            cookies: signed_in().into_iter().map(|(_, email)| (email, text("cookie"))).collect(),
            login_tokens: ["", "school", "ops"].into_iter().map(|portal| (portal, text("token"))).collect(),
            invite_token: text("token"),
            unvouched_token: text("token"),
            not_admin_token: text("token"),
            app_key: text("key"),
            app_key_id: text("key-id"),
            agent_key: text("key"),
            held_id: text("held"),
            open_case: "GH-000001".to_owned(),
            closed_case: "GH-000002".to_owned(),
            intl_request: text("request"),
            delivery_id: text("delivery"),
            webhook_url: "http://127.0.0.1:9/hook".to_owned(),
            person: text("person"),
        }
    }

    pub fn cookie(&self, who: &str) -> Caller {
        Caller::Cookie(self.cookies.get(who).unwrap_or_else(|| panic!("no session of {who}")).clone())
    }
}
