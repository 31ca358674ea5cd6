//! Support cases on the AWS adapters (DynamoDB and SES v2 on moto): the
//! case transactions, the partner's GSI1 list and the support queue behave as
//! on the embedded store, and the case emails arrive through SES.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use gatehouse_aws::AwsPorts;
use gatehouse_core::cases;
use gatehouse_core::demo::{self, DEMO_APP, DEMO_EMAIL, DEMO_PARTNER};
use gatehouse_core::ports::ManualClock;
use gatehouse_core::records::SessionRecord;
use gatehouse_core::{CaseId, EmailAddress, PartnerId, Settings};
use gatehouse_model::{AppSummary, CaseCategory, CaseFilter, CaseListQuery, CaseState, NewCase, QueueFilter, TeamRole};
use gatehouse_tests::moto;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread")]
async fn a_case_runs_on_dynamodb_and_its_emails_arrive_through_ses() -> anyhow::Result<()> {
    let (config, names) = moto::fresh_resources("cases").await?;
    let ports = AwsPorts::new(&config, &names);
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
    demo::seed(ports.table.as_ref(), now).await?;
    let clock = Arc::new(ManualClock::at(now));
    let mut settings = Settings::new("https://gatehouse.example");
    // Unique per run: moto's SES state is shared by every test in the process.
    let support = format!("{}@support.example", moto::unique_name("desk"));
    settings.support_email = EmailAddress::parse(&support)?;
    let gatehouse = ports.gatehouse(settings, clock.clone());

    let session = SessionRecord {
        email: EmailAddress::parse(DEMO_EMAIL)?,
        display_name: "Dana Demo".into(),
        partner_id: PartnerId::parse(DEMO_PARTNER)?,
        partner_name: "Demo Partner Ltd".into(),
        role: TeamRole::Admin,
        apps: vec![AppSummary { app_id: DEMO_APP.into(), name: "Demo Timetabler".into() }],
        created_at: now,
    };
    let contact = format!("{}@partner.example", moto::unique_name("contact"));
    let new = NewCase {
        category: CaseCategory::SchoolNotSyncing,
        summary: "No extract since Friday".into(),
        contact_name: "Dev Lead".into(),
        contact_phone: "+44 161 496 0000".into(),
        contact_email: contact.clone(),
        description: "The cache age keeps growing.".into(),
        school_id: None,
        app: None,
    };
    let case = cases::open_case(&gatehouse, &session, &new, Some("open-1")).await?;
    let replayed = cases::open_case(&gatehouse, &session, &new, Some("open-1")).await?;
    assert_eq!(replayed, case, "the same Idempotency-Key raises one case");
    let case_id = CaseId::parse(&case.case_id)?;

    clock.advance(Duration::minutes(1));
    let replied = cases::reply_as_support(&gatehouse, &case_id, "Sasha", "Restart the agent, please.", None).await?;
    assert_eq!(replied.state, CaseState::AwaitingPartner);

    let messages = moto::ses_messages().await?;
    let to = |address: &str| -> Vec<Value> {
        messages.iter().filter(|m| m["destinations"]["ToAddresses"][0] == address).cloned().collect()
    };
    let to_support = to(&support);
    assert_eq!(to_support.len(), 1, "one New Case email to support");
    assert_eq!(to_support[0]["source"], names.sender.as_str());
    assert!(to_support[0]["subject"].as_str().unwrap().starts_with(&format!("New case {}", case.case_id)));
    let to_contact = to(&contact);
    assert_eq!(to_contact.len(), 1);
    assert_eq!(to_contact[0]["subject"], format!("Support replied to your case {}", case.case_id));
    assert!(to_contact[0]["body"].as_str().unwrap().contains("Restart the agent, please."));

    // Lists, queue and the archive job on DynamoDB.
    let active = cases::list_for_partner(&gatehouse, &session, &tab(CaseFilter::Active)).await?;
    assert_eq!(active.items.len(), 1);
    let waiting = cases::queue(&gatehouse, QueueFilter::AwaitingPartner, None, None).await?;
    assert_eq!(waiting.items.len(), 1);
    cases::close_as_partner(&gatehouse, &session, &case_id).await?;
    clock.advance(Duration::days(30));
    for expected in [1, 0] {
        let run = cases::archive_due(&gatehouse).await?;
        assert_eq!(run.archived, expected);
    }
    let archived = cases::list_for_partner(&gatehouse, &session, &tab(CaseFilter::Archived)).await?;
    assert_eq!(archived.items.len(), 1);
    assert!(cases::list_for_partner(&gatehouse, &session, &tab(CaseFilter::Active)).await?.items.is_empty());
    Ok(())
}

/// The first page of one of the partner's case tabs.
fn tab(filter: CaseFilter) -> CaseListQuery {
    CaseListQuery { filter, cursor: None, limit: None }
}
