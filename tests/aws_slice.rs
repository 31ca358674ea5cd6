//! The sign-in → Active Schools slice on the AWS shape: the same API router a
//! Lambda serves, over the DynamoDB, SES and EventBridge adapters on moto.
//! Also pins how many DynamoDB requests each operation makes.

use std::sync::Arc;

use anyhow::Context;
use chrono::{TimeZone, Utc};
use gatehouse_aws::AwsPorts;
use gatehouse_core::Settings;
use gatehouse_core::demo::{self, DEMO_EMAIL, DEMO_SCHOOL_EMAIL};
use gatehouse_core::ports::{Clock, ManualClock};
use gatehouse_tests::moto;
use serde_json::{Value, json};

use gatehouse_tests::wait;

struct AwsApp {
    url: String,
    /// The same API over the same tables in a second process, with its own
    /// warm caches: another Lambda instance.
    other_url: String,
    ports: AwsPorts,
    /// The job workers' ports: their requests, apart from the handlers'.
    workers: AwsPorts,
    sender: String,
    client: reqwest::Client,
    clock: Arc<ManualClock>,
    config: aws_config::SdkConfig,
    names: gatehouse_aws::ResourceNames,
}

/// Fresh resources in moto, demo data, and the API on a free port.
async fn spawn_aws_app() -> anyhow::Result<AwsApp> {
    let (config, names) = moto::fresh_resources("slice").await?;

    let ports = AwsPorts::new(&config, &names);
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
    demo::seed(ports.table.as_ref(), now).await?;
    let clock = Arc::new(ManualClock::at(now));
    // IAM as the generated policies would apply it (moto enforces none).
    let router = gatehouse_api::router(ports.gatehouse(settings(), clock.clone()).enforcing_access());
    // The sign-in sends run in their own function, with its own clients, so
    // the requests counted below are the request handler's alone.
    let consumer = AwsPorts::new(&config, &names).gatehouse(settings(), clock.clone()).enforcing_access();
    moto::run_sign_in_consumer(&config, &names.event_bus, consumer).await?;
    // So do the job workers (#15), whose requests are counted apart.
    let workers = AwsPorts::new(&config, &names);
    let worker = workers.gatehouse(settings(), clock.clone()).enforcing_access();
    moto::run_job_workers(&config, &names.event_bus, worker).await?;
    let url = serve(router).await?;
    let other = AwsPorts::new(&config, &names).gatehouse(settings(), clock.clone()).enforcing_access();
    let other_url = serve(gatehouse_api::router(other)).await?;
    Ok(AwsApp {
        url,
        other_url,
        ports,
        workers,
        sender: names.sender.as_str().to_owned(),
        client: reqwest::Client::new(),
        clock,
        config,
        names,
    })
}

async fn serve(router: axum::Router) -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(url)
}

fn settings() -> Settings {
    Settings::new("https://gatehouse.example")
}

impl AwsApp {
    /// The domain over this app's tables, on its clock, with no access declaration enforced.
    fn gatehouse(&self) -> gatehouse_core::Gatehouse {
        self.ports.gatehouse(settings(), self.clock.clone())
    }

    /// DynamoDB requests made while `action` runs.
    async fn requests_during<T>(&self, action: impl std::future::Future<Output = T>) -> (T, u64) {
        let before = self.ports.table.requests_made();
        let output = action.await;
        (output, self.ports.table.requests_made() - before)
    }

    async fn newest_link_token(&self) -> anyhow::Result<String> {
        self.newest_token_in_email("/auth#token=").await
    }

    /// Waits (up to [`wait::PATIENCE`]) until this app has sent more than `before` emails:
    /// sign-in links go out after the request has answered.
    async fn wait_for_email_after(&self, before: usize) -> anyhow::Result<()> {
        let sent =
            wait::until(|| async { self.sent_emails().await.is_ok_and(|sent| sent.len() > before).then_some(()) });
        sent.await.with_context(|| format!("no new email after {before}"))
    }

    /// The token after `marker` in the newest email this app sent through SES.
    async fn newest_token_in_email(&self, marker: &str) -> anyhow::Result<String> {
        let (_, _, body) = self.sent_emails().await?.pop().context("no email from this app's sender")?;
        anyhow::ensure!(body.contains(marker), "no {marker} link in {body}");
        Ok(gatehouse_tests::stack::token_after(&body, marker))
    }

    /// This app's SES messages on moto, oldest first: recipient, subject and body.
    async fn sent_emails(&self) -> anyhow::Result<Vec<(String, String, String)>> {
        Ok(moto::emails_sent_by(&self.sender)
            .await?
            .iter()
            .map(|message| {
                let to = message["destinations"]["ToAddresses"][0].as_str().unwrap_or_default().to_owned();
                let text = |key: &str| message[key].as_str().unwrap_or_default().to_owned();
                (to, text("subject"), text("body"))
            })
            .collect())
    }

    /// The newest email's recipient and subject.
    async fn newest_email(&self) -> anyhow::Result<(String, String)> {
        let (to, subject, _) = self.sent_emails().await?.pop().context("no email from this app")?;
        Ok((to, subject))
    }

    /// Recipient and body of every email whose subject starts with `prefix`.
    async fn emails_with_subject_prefix(&self, prefix: &str) -> anyhow::Result<Vec<(String, String)>> {
        Ok(self
            .sent_emails()
            .await?
            .into_iter()
            .filter(|(_, subject, _)| subject.starts_with(prefix))
            .map(|(to, _, body)| (to, body))
            .collect())
    }

    /// Signs the demo user in; returns the cookie header value.
    /// Demo school 3280003 of the demo app (active, Include All, feed
    /// enabled): a new key for its agent, and the demo app's API key.
    async fn keys_of_hana_school(
        &self,
        gatehouse: &gatehouse_core::Gatehouse,
    ) -> anyhow::Result<(gatehouse_core::Token, String)> {
        let school = gatehouse_core::SchoolId::parse("3280003")?;
        let agent = gatehouse_core::agent_keys::issue(gatehouse, &school, "Gatehouse support").await?.secret;
        let partner = gatehouse_core::PartnerId::parse(demo::DEMO_PARTNER)?;
        let app_id = gatehouse_core::AppId::parse(demo::DEMO_APP)?;
        let table = self.ports.table.as_ref();
        let key = gatehouse_core::app_keys::ensure_demo_key(table, &partner, &app_id, None, self.clock.now()).await?;
        Ok((agent, key))
    }

    async fn sign_in(&self) -> anyhow::Result<String> {
        let url = format!("{}/api/auth/magic-link", self.url);
        let before = self.sent_emails().await?.len();
        self.client.post(url).json(&json!({"email": DEMO_EMAIL})).send().await?;
        self.wait_for_email_after(before).await?;
        let token = self.newest_link_token().await?;
        let response =
            self.client.post(format!("{}/api/auth/session", self.url)).json(&json!({"token": token})).send().await?;
        let set_cookie = response.headers()["set-cookie"].to_str()?.to_owned();
        Ok(set_cookie.split(';').next().unwrap_or_default().to_owned())
    }

    /// Signs the demo school user in to the school portal (S3); returns the cookie header value.
    async fn sign_in_to_school(&self) -> anyhow::Result<String> {
        let url = format!("{}/api/school/auth/magic-link", self.url);
        let before = self.sent_emails().await?.len();
        self.client.post(url).json(&json!({"email": DEMO_SCHOOL_EMAIL})).send().await?;
        self.wait_for_email_after(before).await?;
        let token = self.newest_token_in_email("/school/auth#token=").await?;
        let session = format!("{}/api/school/auth/session", self.url);
        let response = self.client.post(session).json(&json!({"token": token})).send().await?;
        anyhow::ensure!(response.status() == 200, "school sign-in answered {}", response.status());
        let set_cookie = response.headers()["set-cookie"].to_str()?.to_owned();
        Ok(set_cookie.split(';').next().unwrap_or_default().to_owned())
    }

    /// DynamoDB requests and read units used while `action` runs.
    async fn reads_during<T>(&self, action: impl std::future::Future<Output = T>) -> (T, u64, f64) {
        let units = self.ports.table.read_units_consumed();
        let (output, requests) = self.requests_during(action).await;
        (output, requests, self.ports.table.read_units_consumed() - units)
    }

    /// GETs `path` as the signed-in user; returns the response and DynamoDB requests made.
    async fn get(&self, cookie: &str, path: &str) -> (reqwest::Result<reqwest::Response>, u64) {
        let request = self.client.get(format!("{}{path}", self.url)).header("cookie", cookie).send();
        self.requests_during(request).await
    }

    /// POSTs JSON as the signed-in user; returns status, body and DynamoDB requests made.
    async fn post(&self, cookie: &str, path: &str, body: Value) -> anyhow::Result<(u16, Value, u64)> {
        let request = self.client.post(format!("{}{path}", self.url)).header("cookie", cookie).json(&body).send();
        let (response, requests) = self.requests_during(request).await;
        let response = response?;
        Ok((response.status().as_u16(), response.json().await?, requests))
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn partner_signs_in_and_lists_active_schools_on_aws_adapters() -> anyhow::Result<()> {
    let app = spawn_aws_app().await?;

    let (response, requests) = app
        .requests_during(
            app.client.post(format!("{}/api/auth/magic-link", app.url)).json(&json!({"email": DEMO_EMAIL})).send(),
        )
        .await;
    assert_eq!(response?.status(), 202);
    assert_eq!(
        requests, 4,
        "two rate-limit counters, the request and the outbox's Query; the lookup and the link come after (#18)"
    );

    app.wait_for_email_after(0).await?;
    // An address with no account costs the request exactly the same (#18):
    // the answer cannot wait on, or time, the lookup.
    let (response, requests) = app
        .requests_during(
            app.client
                .post(format!("{}/api/auth/magic-link", app.url))
                .json(&json!({"email": "nobody@partner.example"}))
                .send(),
        )
        .await;
    assert_eq!(response?.status(), 202);
    assert_eq!(requests, 4, "the same work for an address with no account");
    let token = app.newest_link_token().await?;
    let (response, requests) = app
        .requests_during(app.client.post(format!("{}/api/auth/session", app.url)).json(&json!({"token": token})).send())
        .await;
    let response = response?;
    assert_eq!(response.status(), 200);
    assert_eq!(
        requests, 6,
        "the link, user, partner, apps, one transaction (link consumed, session made), the outbox's Query"
    );
    let set_cookie = response.headers()["set-cookie"].to_str()?.to_owned();
    assert!(set_cookie.starts_with("__Host-gatehouse_session="), "{set_cookie}");
    assert!(set_cookie.contains("Secure") && set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"));
    let cookie = set_cookie.split(';').next().unwrap().to_owned();

    let (response, requests) = app.get(&cookie, "/api/partner/schools?view=active&page=1&page_size=50").await;
    let page: Value = response?.json().await?;
    assert_eq!(page["total"], 42);
    assert_eq!(page["items"].as_array().map(Vec::len), Some(42));
    assert_eq!(
        requests, 5,
        "a process's first Active Schools page is the session, the app's permission set, the view's Query, \
         the Query of changes since, and this month's usage"
    );

    let (response, requests) = app.get(&cookie, "/api/partner/schools/export?status=Error").await;
    assert!(response?.text().await?.contains("School ID"));
    assert_eq!(requests, 3, "a warm export: the session, the permission set and the changes since the last look");

    let (response, requests) = app.get(&cookie, "/api/me").await;
    assert_eq!(response?.status(), 200);
    assert_eq!(requests, 1, "the session holds the identity snapshot");

    let used_again =
        app.client.post(format!("{}/api/auth/session", app.url)).json(&json!({"token": token})).send().await?;
    assert_eq!(used_again.status(), 410);
    Ok(())
}

/// #14: a warm process shows a page for three small reads, and sees what
/// another process changed, in the same view or moving a school out of it.
#[tokio::test(flavor = "multi_thread")]
async fn warm_lists_cost_three_reads_and_see_other_processes_changes_on_dynamodb() -> anyhow::Result<()> {
    let app = spawn_aws_app().await?;
    let cookie = app.sign_in().await?;
    let list = |query: &'static str| {
        let request = app.client.get(format!("{}/api/partner/schools?{query}", app.url)).header("cookie", &cookie);
        async move { request.send().await?.error_for_status()?.json::<Value>().await }
    };
    let (first, requests, _) = app.reads_during(list("view=active")).await;
    assert_eq!((first?["total"].clone(), requests), (json!(42), 5));
    for query in ["view=active&sort=name&dir=desc", "view=active&q=primary", "view=active&status=Error&page=2"] {
        let (page, requests, units) = app.reads_during(list(query)).await;
        page?;
        assert_eq!(requests, 3, "{query}: the session, the permission set, the changes since the last look");
        assert!(units <= 10.0, "{query}: {units} read units");
    }

    // Another instance schedules a revocation: a row of the view changes.
    let other = |path: &str, body: Value| {
        app.client.post(format!("{}{path}", app.other_url)).header("cookie", &cookie).json(&body).send()
    };
    let revoke = json!({"reason": "school_asked", "revoke_on": "2026-11-30"});
    assert_eq!(other("/api/partner/schools/3280002/revoke", revoke).await?.status(), 200);
    let page = list("view=active&revoke_pending=true").await?;
    let due: Vec<&str> = page["items"].as_array().unwrap().iter().filter_map(|row| row["school_id"].as_str()).collect();
    assert!(due.contains(&"3280002"), "{page}");

    // And cancels an invitation: the school leaves Pending Authorisations.
    let pending = list("view=pending&page_size=200").await?;
    let ids = |page: &Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|row| row["school_id"].as_str().unwrap().to_owned()).collect()
    };
    assert!(ids(&pending).contains(&"3280008".to_owned()));
    assert_eq!(other("/api/partner/schools/3280008/cancel-invite", json!({})).await?.status(), 200);
    let (after, requests, _) = app.reads_during(list("view=pending&page_size=200")).await;
    let after = after?;
    assert!(!ids(&after).contains(&"3280008".to_owned()), "{after}");
    assert_eq!(after["total"].as_u64(), pending["total"].as_u64().map(|total| total - 1));
    assert_eq!(requests, 3);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn school_actions_and_the_revocation_job_on_aws_adapters() -> anyhow::Result<()> {
    let app = spawn_aws_app().await?;
    let cookie = app.sign_in().await?;

    let (tile, requests) = app.get(&cookie, "/api/partner/schools/3280001").await;
    let tile: Value = tile?.json().await?;
    assert_eq!(tile["log"].as_array().map(Vec::len), Some(2));
    // An active school's tile also says when the app last read its data: the usage
    // counter of this month, and of last month when this month has none.
    assert_eq!(requests, 7, "session, link, app, one log Query, two usage GetItems, the contact's suppression (#15)");

    let revoke = json!({"reason": "school_asked", "revoke_on": "2026-11-30"});
    let (status, outcome, requests) = app.post(&cookie, "/api/partner/schools/3280002/revoke", revoke).await?;
    assert_eq!((status, outcome["school"]["row"]["revoke_pending"].clone()), (200, json!("2026-11-30")));
    assert_eq!(
        requests, 14,
        "session, link, app, the log Query for the receipts, one transaction (with the receipts in the outbox), \
         one log Query and the contact's suppression for the tile, two usage GetItems; then the outbox's Query \
         and, per receipt (two), a claim and a look at the suppression list (#15)"
    );
    // The receipt goes through SES to the school contact and the partner contact.
    let receipts = app.emails_with_subject_prefix("Receipt: Revoke scheduled").await?;
    let recipients: std::collections::BTreeSet<_> = receipts.iter().map(|(to, _)| to.as_str()).collect();
    assert!(recipients.contains(DEMO_EMAIL) && recipients.len() == 2, "{recipients:?}");
    assert!(
        receipts.iter().all(|(_, body)| body.contains("2026-11-30") && body.contains("https://gatehouse.example/"))
    );

    let contact = json!({"new_contact": {"name": "Nia Newhead", "email": "nia@school.example"}});
    let (status, _, requests) = app.post(&cookie, "/api/partner/schools/3280008/resend-invite", contact).await?;
    assert_eq!(status, 200);
    assert_eq!(
        requests, 11,
        "session, link, app, is the contact a partner user, the partner's team (#12), one transaction (the link \
         owing its email), one log Query, the contact's suppression for the tile, the mark cleared as the email \
         goes (#18), a look at the suppression list before it goes (#15), the outbox's Query"
    );
    let token = app.newest_token_in_email("/authorise#token=").await?;
    let opened =
        app.client.post(format!("{}/api/invitations/open", app.url)).json(&json!({"token": token})).send().await?;
    assert_eq!(opened.status(), 200);

    // The daily job on DynamoDB: applies the one due revocation, once.
    app.clock.advance(chrono::Duration::days(7));
    let gatehouse = app.gatehouse();
    let first = gatehouse_core::revocations::apply_due(&gatehouse).await?;
    assert_eq!(first.applied, 1);
    let (second, requests) = app.requests_during(gatehouse_core::revocations::apply_due(&gatehouse)).await;
    assert_eq!(second?.applied, 0);
    assert_eq!(requests, 1, "a run with nothing due is one Query");
    Ok(())
}

/// The school portal's Data Sharing Dashboard (S3) on DynamoDB: every app of every partner
/// from the school's own partition, which `links::commit` keeps in step with each link.
#[tokio::test(flavor = "multi_thread")]
async fn the_school_dashboard_is_the_session_and_one_query_on_dynamodb() -> anyhow::Result<()> {
    let app = spawn_aws_app().await?;
    let cookie = app.sign_in_to_school().await?;
    let (response, requests) = app.get(&cookie, "/api/school/apps").await;
    let response = response?;
    assert_eq!(response.status(), 200);
    let dashboard: Value = response.json().await?;
    let apps = dashboard["apps"].as_array().context("the dashboard's apps")?;
    assert_eq!(apps.len(), 1, "{dashboard}");
    assert_eq!((apps[0]["app_name"].as_str(), apps[0]["state"].as_str()), (Some("Demo Timetabler"), Some("active")));
    assert_eq!(requests, 2, "one GetItem for the session and one Query of the school's partition");
    Ok(())
}

/// Every email the invitation journey sends, read back from SES v2 on moto:
/// recipient, subject, and a link that works.
#[tokio::test(flavor = "multi_thread")]
async fn invitation_reminder_and_receipt_emails_go_through_ses() -> anyhow::Result<()> {
    let app = spawn_aws_app().await?;
    // The website makes the school's domain a verified one (#12), so Bea's
    // authorisation takes effect and she becomes the school's first admin.
    let extract = "URN,EstablishmentName,LA (name),Postcode,EstablishmentStatus (name),PhaseOfEducation (name),SchoolWebsite\n\
                   140004,Brookside Infant School,Birmingham,B2 1BE,Open,Primary,https://www.brookside-infant-school.example/\n";
    let imported = gatehouse_core::directory::import(app.ports.table.as_ref(), extract.as_bytes(), 0, |_| {}).await?;
    assert_eq!(imported.created, 1);
    let cookie = app.sign_in().await?;
    let (found, requests) = app.get(&cookie, "/api/directory/schools?q=brookside").await;
    let found: Value = found?.json().await?;
    assert_eq!(found["items"][0]["urn"], "140004");
    assert_eq!(requests, 2, "the session and one index Query");

    let invite = json!({
        "urn": "140004",
        "school_contact": {"name": "Bea Bursar", "email": "bea@brookside-infant-school.example"},
        "contact_may_authorise": true
    });
    let (status, _, _) = app.post(&cookie, "/api/partner/invitations", invite).await?;
    assert_eq!(status, 200);
    let invitation = app.newest_email().await?;
    assert_eq!(invitation.0, "bea@brookside-infant-school.example");
    assert!(invitation.1.contains("asks your school to share data"), "{}", invitation.1);
    let token = app.newest_token_in_email("/authorise#token=").await?;
    let open = |token: String| {
        app.client.post(format!("{}/api/invitations/open", app.url)).json(&json!({"token": token})).send()
    };
    assert_eq!(open(token.clone()).await?.status(), 200);

    // The reminder job on DynamoDB: a fresh link that works, the old one dead.
    app.clock.advance(chrono::Duration::days(1));
    let gatehouse = app.gatehouse();
    let run = gatehouse_core::reminders::send_due(&gatehouse).await?;
    assert!(run.sent >= 1);
    let to_bea = app
        .sent_emails()
        .await?
        .into_iter()
        .filter(|(to, ..)| to == "bea@brookside-infant-school.example")
        .collect::<Vec<_>>();
    assert_eq!(to_bea.len(), 2, "the invitation and one reminder");
    assert!(to_bea[1].1.starts_with("Reminder:"), "{}", to_bea[1].1);
    let body = &to_bea[1].2;
    let reminded = gatehouse_tests::stack::token_after(body, "/authorise#token=");
    assert_ne!(reminded, token);
    assert_eq!(open(token).await?.status(), 410);
    assert_eq!(open(reminded.clone()).await?.status(), 200);

    let answers = json!({
        "token": reminded, "has_authority": true, "approver_name": "Bea Bursar", "approver_role": "Business Manager",
        "mis": "Arbor", "approved_scopes": ["students"], "gdpr_mode": "Exclude All", "feed_status": "Paused"
    });
    let authorised = app.client.post(format!("{}/api/invitations/authorise", app.url)).json(&answers).send().await?;
    assert_eq!(authorised.status(), 200);
    let receipts = app.emails_with_subject_prefix("Receipt:").await?;
    let recipients: std::collections::BTreeSet<_> = receipts.iter().map(|(to, _)| to.as_str()).collect();
    assert_eq!(recipients, ["bea@brookside-infant-school.example", DEMO_EMAIL].into());
    assert!(receipts.iter().all(|(_, body)| body.contains("Exclude All") && body.contains("Students")));
    Ok(())
}

/// The MIS agent and the data API on DynamoDB: a push and a students page,
/// with their request counts pinned, and a delta through the change feed.
#[tokio::test(flavor = "multi_thread")]
async fn an_extract_push_and_a_students_page_on_dynamodb() -> anyhow::Result<()> {
    let app = spawn_aws_app().await?;
    let gatehouse = app.gatehouse();
    let (agent, key) = app.keys_of_hana_school(&gatehouse).await?;
    let today = app.clock.now().date_naive();
    let extract = gatehouse_core::synthetic::school(21, 60, today);
    let records = extract.students.len() + extract.staff.len() + extract.contacts.len() + extract.groups.len();
    let worked_before = app.workers.table.requests_made();
    let push =
        app.client.post(format!("{}/api/agent/v1/extracts", app.url)).bearer_auth(agent.expose()).json(&extract).send();
    let (response, requests) = app.requests_during(push).await;
    let response = response?;
    assert_eq!(response.status(), 202, "accepted as a job (#15)");
    let accepted: Value = response.json().await?;
    // Agent key, feed, the extract's one part (one BatchWriteItem), one
    // transaction with the job, the feed's lease and the job's event in the
    // outbox, and the outbox delivery that hands the job to its worker (its
    // Query and the event's claim). Before #15 the push made 15 requests in
    // the request itself.
    assert_eq!(requests, 6, "the push itself, {records} records");
    let status_url = accepted["status_url"].as_str().context("a job")?;
    let job = gatehouse_tests::jobs::finished(&app.client, &app.url, agent.expose(), status_url).await?;
    assert_eq!(job["result"]["extract"]["status"], "ok", "{job}");
    assert_eq!(records.div_ceil(100), 2, "more people than one transaction holds");
    // What the push did in the request before #15 (the feed and its lease,
    // the school's partition, the links, the change counter, the first 100
    // people in BatchWriteItems of 25, one transaction with the rest, the
    // feed, the link copies, the `data.refreshed` event and now the job
    // marked done, and the outbox delivery that sends the event), less the
    // agent key, plus the job's own: read, marked running, its part read
    // and, once done, deleted; and the school's erasure list (#16), read so
    // an erased person is never stored again: 18.
    // After marking it done the worker delivers the event and then drops
    // the job's part, its last request: wait for the part to be gone, not a
    // count or a moment (a count seen at 17 can still become 18).
    let job_id = job["job_id"].as_str().context("the job's id")?.to_owned();
    let part = gatehouse_core::keys::Key::JobPart(&job_id, 0);
    gatehouse_tests::wait::eventually("the job's part dropped", || async {
        let table: &dyn gatehouse_core::ports::Table = app.ports.table.as_ref();
        table.get(&part.pk(), &part.sk()).await.ok()?.is_none().then_some(())
    })
    .await;
    let worked = app.workers.table.requests_made() - worked_before;
    assert_eq!(worked, 18, "the push's job, {records} records");

    let page = app.client.get(format!("{}/api/v1/schools/3280003/students?limit=50", app.url)).bearer_auth(&key).send();
    let (response, requests) = app.requests_during(page).await;
    let page: Value = response?.json().await?;
    assert_eq!(page["data"].as_array().map(Vec::len), Some(50));
    assert_eq!(
        requests, 9,
        "key, app, partner, link, usage counter, selections, feed, one Query, the page's shared-with record (#18)"
    );
    let token = page["sync_token"].as_str().context("a sync token")?.to_owned();

    let delta = gatehouse_core::synthetic::changes(21, 60, today, 1);
    let receipt = gatehouse_tests::jobs::push_extract(&app.client, &app.url, agent.expose(), &delta).await?;
    assert_eq!(receipt["outcome"], "applied", "{receipt}");
    let since = format!("{}/api/v1/schools/3280003/students?since={token}", app.url);
    let (response, requests) = app.requests_during(app.client.get(since).bearer_auth(&key).send()).await;
    let changes: Value = response?.json().await?;
    let changed = changes["data"].as_array().context("data")?;
    assert_eq!(changed.len(), delta.students.len() + delta.deleted.len());
    assert_eq!(
        requests, 10,
        "the same reads, then the change feed and the (empty) selection feed, and the page's shared-with record"
    );
    Ok(())
}

/// #16 on DynamoDB: a usage count carries its TTL attribute, and the daily
/// purge of a school no app has had access to for 30 days deletes its MIS
/// cache in `BatchWriteItem`s of 25, under the access its function declares,
/// and a second run does nothing.
#[tokio::test(flavor = "multi_thread")]
async fn the_mis_cache_purge_and_a_ttl_on_dynamodb() -> anyhow::Result<()> {
    use gatehouse_core::ports::{Index, Query, Table, query_all};
    let app = spawn_aws_app().await?;
    let gatehouse = app.gatehouse().enforcing_access();
    let school = gatehouse_core::SchoolId::parse("3280003")?;
    let app_id = gatehouse_core::AppId::parse(demo::DEMO_APP)?;
    let (agent, key) = app.keys_of_hana_school(&gatehouse).await?;
    let extract = gatehouse_core::synthetic::school(22, 60, app.clock.now().date_naive());
    let pushed =
        app.client.post(format!("{}/api/agent/v1/extracts", app.url)).bearer_auth(agent.expose()).json(&extract);
    let accepted = pushed.send().await?;
    assert_eq!(accepted.status(), 202, "accepted as a job (#15)");
    let accepted: Value = accepted.json().await?;
    let status_url = accepted["status_url"].as_str().context("a job")?;
    let job = gatehouse_tests::jobs::finished(&app.client, &app.url, agent.expose(), status_url).await?;
    assert_eq!(job["result"]["extract"]["outcome"], "applied", "{job}");
    let page = app.client.get(format!("{}/api/v1/schools/3280003/students?limit=5", app.url)).bearer_auth(&key);
    assert_eq!(page.send().await?.status(), 200);
    let usage = gatehouse_core::keys::Key::Usage(&app_id, "2026-11", &school);
    let counted = app.ports.table.get(&usage.pk(), &usage.sk()).await?.context("a usage count")?;
    let kept = chrono::Duration::days(gatehouse_core::base::retention::USAGE_KEPT_DAYS);
    assert_eq!(counted.expires_at, Some((app.clock.now() + kept).timestamp()), "TTL on `expires_at`");

    let cookie = app.sign_in().await?;
    let revoke = json!({"reason": "school_asked", "revoke_on": "2026-11-23"});
    let (status, outcome, _) = app.post(&cookie, "/api/partner/schools/3280003/revoke", revoke).await?;
    assert_eq!((status, outcome["school"]["view"].clone()), (200, json!("revoked")), "{outcome}");
    let people = Query::partition(Index::Primary, gatehouse_core::keys::people_partition(&school));
    let records = query_all(app.ports.table.as_ref(), people.clone()).await?.len();
    assert!(records > 100, "{records}");

    app.clock.advance(chrono::Duration::days(30));
    let (report, requests) = app.requests_during(gatehouse_core::jobs::run(&gatehouse, "purge_mis_caches")).await;
    assert_eq!(report?, json!({ "purged": 1, "busy": 0 }));
    assert!(query_all(app.ports.table.as_ref(), people).await?.is_empty());
    assert_eq!(
        requests as usize,
        9 + records.div_ceil(25),
        "both agent partitions of GSI1, the school's links, the lease (feed read and write), the people, the \
         held parts, the feed marked, the batches of 25, the feed done"
    );
    let (again, requests) = app.requests_during(gatehouse_core::jobs::run(&gatehouse, "purge_mis_caches")).await;
    assert_eq!((again?, requests), (json!({ "purged": 0, "busy": 0 }), 2), "a purged school is skipped");
    Ok(())
}

/// #16 on DynamoDB: a school erases a pupil the app has read, under the
/// access the route declares; the pupil's record goes, the app's delta
/// carries a tombstone with no data, and the next full extract, which still
/// carries the pupil, does not bring them back.
#[tokio::test(flavor = "multi_thread")]
async fn a_school_erases_a_pupil_for_good_on_dynamodb() -> anyhow::Result<()> {
    let app = spawn_aws_app().await?;
    let gatehouse = app.gatehouse();
    let (agent, key) = app.keys_of_hana_school(&gatehouse).await?;
    let extract = gatehouse_core::synthetic::school(23, 30, app.clock.now().date_naive());
    let pupil = extract.students[0].id.clone();
    let receipt = gatehouse_tests::jobs::push_extract(&app.client, &app.url, agent.expose(), &extract).await?;
    assert_eq!(receipt["outcome"], "applied", "{receipt}");
    let students = format!("{}/api/v1/schools/3280003/students", app.url);
    let page: Value = app.client.get(format!("{students}?limit=100")).bearer_auth(&key).send().await?.json().await?;
    let ids = |page: &Value| -> Vec<String> {
        page["data"].as_array().into_iter().flatten().filter_map(|r| r["id"].as_str().map(str::to_owned)).collect()
    };
    assert!(ids(&page).contains(&pupil), "the app read the pupil");
    let token = page["sync_token"].as_str().context("a sync token")?.to_owned();

    let cookie = app.sign_in_to_school().await?;
    let (status, erased, _) = app.post(&cookie, &format!("/api/school/people/{pupil}/erasure"), json!({})).await?;
    assert_eq!(status, 200, "{erased}");
    assert!(erased["erased_at"].is_string(), "{erased}");
    let (again, same, _) = app.post(&cookie, &format!("/api/school/people/{pupil}/erasure"), json!({})).await?;
    assert_eq!((again, &same["erased_at"]), (200, &erased["erased_at"]), "a retry answers the same");

    let delta: Value =
        app.client.get(format!("{students}?since={token}")).bearer_auth(&key).send().await?.json().await?;
    let tombstone: Vec<&Value> =
        delta["data"].as_array().into_iter().flatten().filter(|record| record["id"] == pupil.as_str()).collect();
    assert_eq!(tombstone, [&json!({ "id": pupil, "deleted": true })], "a tombstone with no data: {delta}");

    let receipt = gatehouse_tests::jobs::push_extract(&app.client, &app.url, agent.expose(), &extract).await?;
    assert_eq!(receipt["changes"]["erased"], 1, "the extract still carries the pupil: {receipt}");
    let page: Value = app.client.get(format!("{students}?limit=100")).bearer_auth(&key).send().await?.json().await?;
    assert!(!ids(&page).contains(&pupil), "never returned after erasure: {page}");
    assert_eq!(ids(&page).len(), extract.students.len() - 1);
    Ok(())
}

/// The Authorisation Log audit on DynamoDB, under the access its function
/// declares: pages of 7 links walk both partners' apps by cursor (DynamoDB's
/// `ExclusiveStartKey`) and check what one run checks, at one Query a log.
#[tokio::test(flavor = "multi_thread")]
async fn the_log_audit_pages_through_every_link_on_dynamodb() -> anyhow::Result<()> {
    use gatehouse_core::log_audit;

    let app = spawn_aws_app().await?;
    let gatehouse = app.gatehouse().enforcing_access();
    let (whole, requests) = app.requests_during(log_audit::audit_all(&gatehouse)).await;
    let whole = whole?;
    assert!(whole.links_checked >= demo::DEMO_SCHOOLS + demo::OTHER_SCHOOLS, "{whole:?}");
    assert!(whole.entries_checked >= whole.links_checked && whole.broken.is_empty(), "{whole:?}");
    assert_eq!((whole.apps_done, whole.apps_total), (2, 2));
    let overhead = requests - u64::from(whole.links_checked);
    assert!(overhead <= 4, "one Query a log, plus the listings and each app's links: {requests} requests");

    let (mut links, mut cursor) = (0, None);
    loop {
        let page = gatehouse_core::access::running(
            "audit_authorisation_logs",
            log_audit::audit_page(&gatehouse, cursor.as_deref(), Some(7)),
        )
        .await?;
        assert!(page.links_checked <= 7 && page.broken.is_empty(), "{page:?}");
        links += page.links_checked;
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(links, whole.links_checked);
    Ok(())
}

/// Email that behaves (#15) on the AWS shape. SES's bounce and complaint
/// events, put on the default bus as SES's event destination puts them,
/// reach `record_email_feedback` through its rule's pattern; from then on
/// the partner's tile and team page say so, and nothing more goes to the
/// address through SES, the send counting as done.
#[tokio::test(flavor = "multi_thread")]
async fn ses_bounces_and_complaints_stop_emails_and_show_on_the_aws_adapters() -> anyhow::Result<()> {
    use gatehouse_core::store::suppression;
    use gatehouse_model::{SES_EMAIL_BOUNCED, SES_EMAIL_COMPLAINED};

    let app = spawn_aws_app().await?;
    // The consumer's own function, with its own clients (so the requests
    // counted below are the API's) and its own access declaration.
    let consumer = AwsPorts::new(&app.config, &app.names).gatehouse(settings(), app.clock.clone()).enforcing_access();
    moto::run_event_consumer(&app.config, "default", "record_email_feedback", move |detail| {
        let consumer = consumer.clone();
        async move {
            suppression::record_feedback(&consumer, &detail).await?;
            Ok(())
        }
    })
    .await?;
    let cookie = app.sign_in().await?;
    let contact = gatehouse_core::EmailAddress::parse(&format!("{}@school.example", moto::unique_name("head")))?;
    let to_contact =
        || async { anyhow::Ok(app.sent_emails().await?.into_iter().filter(|(to, ..)| to == contact.as_str()).count()) };
    let new_contact = json!({"new_contact": {"name": "Hana Head", "email": contact.as_str()}});
    let (status, _, _) = app.post(&cookie, "/api/partner/schools/3280008/resend-invite", new_contact).await?;
    assert_eq!((status, to_contact().await?), (200, 1));

    let events = aws_sdk_eventbridge::Client::new(&app.config);
    let report = |detail_type: &str, detail: Value| {
        let entry = aws_sdk_eventbridge::types::PutEventsRequestEntry::builder()
            .source("aws.ses")
            .detail_type(detail_type)
            .detail(detail.to_string())
            .build();
        events.put_events().entries(entry).send()
    };
    // A transient bounce first: SES may yet deliver, so nothing changes.
    let now = app.clock.now();
    report(SES_EMAIL_BOUNCED, suppression::ses_bounce_event(&contact, "Transient", now)).await?;
    report(SES_EMAIL_BOUNCED, suppression::ses_bounce_event(&contact, "Permanent", now)).await?;
    let tile = || async {
        let (response, requests) = app.get(&cookie, "/api/partner/schools/3280008").await;
        anyhow::Ok((response?.json::<Value>().await?, requests))
    };
    let bounced =
        wait::until(|| async { tile().await.ok().filter(|(tile, _)| !tile["school_contact_bounce"].is_null()) })
            .await
            .context("the bounce never reached the tile")?;
    let (tile_now, requests) = bounced;
    assert_eq!(tile_now["school_contact_bounce"]["reason"], "bounced");
    assert_eq!(requests, 5, "session, link, app, one log Query, one GetItem of the contact's suppression");

    // Resending to the bounced contact is done without an email, and is not owed again.
    let (status, outcome, _) = app.post(&cookie, "/api/partner/schools/3280008/resend-invite", json!({})).await?;
    assert_eq!(status, 200, "{outcome}");
    let gatehouse = app.gatehouse();
    assert_eq!(gatehouse_core::outbox::deliver(&gatehouse).await?, 0);
    assert_eq!(to_contact().await?, 1, "SES was not asked to send to the bounced contact again");

    // A colleague who marked an email as spam: the team page says so, for one Query of the list.
    let colleague = gatehouse_core::EmailAddress::parse(gatehouse_core::demo::COLLEAGUE_EMAIL)?;
    report(SES_EMAIL_COMPLAINED, suppression::ses_complaint_event(&colleague, now)).await?;
    let team = wait::until(|| async {
        let (response, requests) = app.get(&cookie, "/api/partner/team").await;
        let team: Value = response.ok()?.json().await.ok()?;
        let member = team["members"].as_array()?.iter().find(|m| m["email"] == colleague.as_str())?.clone();
        (!member["email_bounce"].is_null()).then_some((team, member, requests))
    })
    .await
    .context("the complaint never reached the team page")?;
    let (team, member, requests) = team;
    assert_eq!(member["email_bounce"]["reason"], "complained");
    assert_eq!(requests, 3, "session, the team's Query, the suppression list's Query");
    let others = team["members"].as_array().context("members")?.iter().filter(|m| m["email"] != colleague.as_str());
    assert!(others.clone().count() > 0 && others.clone().all(|m| m["email_bounce"].is_null()), "{team}");
    Ok(())
}

/// #16 on DynamoDB: a revocation lists the school on the erasure list, the app confirms with
/// its key (the link, its log entry and the list entry in one transaction), and the daily
/// reminder job and the operations console read the list, one Query each.
#[tokio::test(flavor = "multi_thread")]
async fn erasure_confirmations_and_reminders_on_dynamodb() -> anyhow::Result<()> {
    let app = spawn_aws_app().await?;
    let cookie = app.sign_in().await?;
    let partner = gatehouse_core::PartnerId::parse(demo::DEMO_PARTNER)?;
    let app_id = gatehouse_core::AppId::parse(demo::DEMO_APP)?;
    let key =
        gatehouse_core::app_keys::ensure_demo_key(app.ports.table.as_ref(), &partner, &app_id, None, app.clock.now())
            .await?;
    let gatehouse = app.gatehouse();
    let demo_overdue = |counts: std::collections::HashMap<String, u32>| counts.get(demo::DEMO_PARTNER).copied();
    let before = demo_overdue(gatehouse_core::store::erasures::overdue_by_partner(&gatehouse).await?);
    assert!(before.is_some_and(|count| count >= 1), "the demo's schools revoked 14+ days ago: {before:?}");

    let revoke = json!({"reason": "school_asked", "revoke_on": "2026-11-23"});
    let (status, _, _) = app.post(&cookie, "/api/partner/schools/3280002/revoke", revoke).await?;
    assert_eq!(status, 200);
    let confirm = |at: &str| {
        app.client
            .post(format!("{}/api/v1/schools/3280002/erasure-confirmation", app.url))
            .bearer_auth(&key)
            .json(&json!({ "erased_at": at, "records": true, "backups": { "erased_by": null } }))
            .send()
    };
    let (answer, requests) = app.requests_during(confirm("2026-11-23T09:30:00Z")).await;
    let answer = answer?;
    assert_eq!(answer.status(), 200);
    let answer: Value = answer.json().await?;
    assert_eq!(answer["revoked_on"], "2026-11-23");
    assert!(requests >= 4, "the key, the link, one transaction, the outbox: {requests}");
    let again = confirm("2026-11-23T09:30:00Z").await?;
    assert_eq!(again.status(), 200);
    let different = confirm("2026-11-23T09:45:00Z").await?;
    assert_eq!(different.status(), 409);
    let receipts = app.emails_with_subject_prefix("Receipt: Erasure confirmed").await?;
    assert_eq!(receipts.len(), 2, "the school contact and the partner contact: {receipts:?}");

    // 14 days on: the reminder job writes to the partner about each demo school still owing,
    // once; the school that confirmed is not among them.
    app.clock.advance(chrono::Duration::days(14));
    let first = gatehouse_core::school::erasure::remind_due(&gatehouse).await?;
    assert!(first.reminded >= 1, "{first:?}");
    let (second, requests) = app.requests_during(gatehouse_core::school::erasure::remind_due(&gatehouse)).await;
    assert_eq!(second?.reminded, 0, "once per day-mark");
    assert!(requests >= 1);
    // Each partner's own contact: the demo partner's and the other partner's.
    let reminders = app.emails_with_subject_prefix("Reminder: confirm ").await?;
    assert_eq!(reminders.len() as u32, first.reminded);
    assert!(reminders.iter().all(|(to, _)| to == DEMO_EMAIL || to == demo::OTHER_EMAIL), "{reminders:?}");
    assert!(!reminders.iter().any(|(_, body)| body.contains("/3280002/")), "confirmed: not reminded");
    let after = demo_overdue(gatehouse_core::store::erasures::overdue_by_partner(&gatehouse).await?);
    assert!(after >= before, "time passing makes no erasure less overdue: {before:?} {after:?}");
    Ok(())
}

/// A held extract's release as the school's job on DynamoDB (#15), each side
/// under the access its function declares: the request stores the job
/// (`JOB#<id>`) and hands it over through the outbox; the worker applies the
/// extract and marks the job done in the same transaction; the school reads
/// its job, a partner's session cannot.
#[tokio::test(flavor = "multi_thread")]
async fn a_held_extract_release_runs_as_the_school_s_job_on_dynamodb() -> anyhow::Result<()> {
    use gatehouse_core::ingestion::{self, Guard};
    let app = spawn_aws_app().await?;
    let gatehouse = app.gatehouse();
    let school = gatehouse_core::SchoolId::parse("3280003")?;
    let today = app.clock.now().date_naive();
    let full = gatehouse_core::synthetic::school(22, 100, today);
    let mut shrunk = full.clone();
    shrunk.students.truncate(66);
    ingestion::ingest(&gatehouse, &school, &full, Guard::On).await?;
    let held = ingestion::ingest(&gatehouse, &school, &shrunk, Guard::On).await?;
    assert_eq!(held.outcome, gatehouse_model::ExtractOutcome::Held);

    let cookie = app.sign_in_to_school().await?;
    let (diff, _) = app.get(&cookie, "/api/school/held-extract").await;
    let diff: Value = diff?.json().await?;
    let reviewed = json!({ "held_id": diff["summary"]["held_id"] });
    let worked_before = app.workers.table.requests_made();
    let (status, accepted, requests) = app.post(&cookie, "/api/school/held-extract/release", reviewed).await?;
    assert_eq!(status, 202, "{accepted}");
    // The session, the feed (the held extract still the one reviewed), one
    // transaction with the job and its event in the outbox, and the outbox
    // delivery (its Query and the event's claim).
    assert_eq!(requests, 5, "the release itself");
    let status_url = accepted["status_url"].as_str().context("a job")?.to_owned();
    let job = wait::eventually("the release's job to finish", || async {
        let (response, _) = app.get(&cookie, &status_url).await;
        let job: Value = response.ok()?.json().await.ok()?;
        matches!(job["state"].as_str(), Some("done" | "failed")).then_some(job)
    })
    .await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["result"]["held_extract"]["receipt"]["outcome"], "applied", "{job}");
    let counts = ingestion::live_counts(&gatehouse, &school).await?;
    assert_eq!(counts[&gatehouse_model::Resource::Students], 66);
    assert!(app.workers.table.requests_made() > worked_before, "the worker did the work");

    let partner = app.sign_in().await?;
    let (response, _) = app.get(&partner, &status_url).await;
    assert_eq!(response?.status(), 401, "a partner's session reads no school's job");
    Ok(())
}
