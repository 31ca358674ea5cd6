//! The suppression list (#15) on every store: SES's bounce and complaint
//! events go on it through the `record_email_feedback` consumer, and the
//! mail path sends nothing to what is on it, on redb, on DynamoDB (moto)
//! and in memory, with every call checked against the functions' access
//! declarations.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use gatehouse_core::keys::{Key, SUPPRESSION_PARTITION};
use gatehouse_core::ports::{
    Email, Index, ManualClock, Query, RecordingBus, RecordingMailer, Table, query_all, webhooks::RecordingWebhooks,
};
use gatehouse_core::store::suppression::{self, FeedbackOutcome};
use gatehouse_core::{EmailAddress, Error, Gatehouse, Settings, access, outbox};
use gatehouse_model::EmailBounceReason;
use serde_json::json;

fn gatehouse(table: Arc<dyn Table>, mailer: Arc<RecordingMailer>) -> Gatehouse {
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
    Gatehouse {
        table,
        mailer,
        events: Arc::new(RecordingBus::default()),
        clock: Arc::new(ManualClock::at(now)),
        webhooks: Arc::new(RecordingWebhooks::default()),
        settings: Settings::new("https://gatehouse.example"),
        warm: Default::default(),
    }
    .enforcing_access()
}

fn email(to: &EmailAddress) -> Email {
    Email { to: to.clone(), subject: "Receipt".into(), text: "text".into(), html: "<p>html</p>".into() }
}

fn outcome(suppressed: u32, already: u32, transient: u32) -> FeedbackOutcome {
    FeedbackOutcome { suppressed, already, transient }
}

table_test!(bounces_and_complaints_suppress_and_the_mail_path_honours_them, |table| {
    let mailer = Arc::new(RecordingMailer::default());
    let gatehouse = gatehouse(table.clone(), mailer.clone());
    let at = Utc.with_ymd_and_hms(2026, 11, 22, 8, 30, 0).unwrap();
    let bouncing = EmailAddress::parse("Gone@School.example")?;
    let complaining = EmailAddress::parse("cross@school.example")?;
    let fine = EmailAddress::parse("fine@school.example")?;

    let transient = suppression::ses_bounce_event(&bouncing, "Transient", at);
    assert_eq!(suppression::record_feedback(&gatehouse, &transient).await?, outcome(0, 0, 1));
    assert!(suppression::bounce_of(&gatehouse, &bouncing).await?.is_none(), "a transient bounce does not suppress");

    let permanent = suppression::ses_bounce_event(&bouncing, "Permanent", at);
    assert_eq!(suppression::record_feedback(&gatehouse, &permanent).await?, outcome(1, 0, 0));
    // Redelivered (EventBridge and Lambda both may): nothing changes.
    assert_eq!(suppression::record_feedback(&gatehouse, &permanent).await?, outcome(0, 1, 0));
    let complaint = suppression::ses_complaint_event(&complaining, at);
    assert_eq!(suppression::record_feedback(&gatehouse, &complaint).await?, outcome(1, 0, 0));

    let record = suppression::bounce_of(&gatehouse, &bouncing).await?.expect("suppressed");
    assert_eq!(
        (record.reason, record.since, record.kind.as_deref()),
        (EmailBounceReason::Bounced, at, Some("Permanent"))
    );
    // The key is the address's hash, whatever its case; the item holds no address.
    let items = query_all(table.as_ref(), Query::partition(Index::Primary, SUPPRESSION_PARTITION)).await?;
    assert_eq!(items.len(), 2);
    assert!(items.iter().any(|item| item.sk == Key::Suppressed(&bouncing).sk()));
    let stored = serde_json::to_string(&items.iter().map(|item| &item.attributes).collect::<Vec<_>>())?;
    assert!(!stored.contains("school.example"), "an address was stored: {stored}");

    // A malformed event is refused, naming what is wrong, and writes nothing.
    let mut no_recipients = suppression::ses_bounce_event(&fine, "Permanent", at);
    no_recipients["bounce"]["bouncedRecipients"] = json!([]);
    let mut one_bad = suppression::ses_bounce_event(&fine, "Permanent", at);
    one_bad["bounce"]["bouncedRecipients"] = json!([{"emailAddress": "fine@school.example"}, {"emailAddress": "nope"}]);
    for malformed in [json!(null), json!({"eventType": "Send", "send": {}}), no_recipients, one_bad] {
        match suppression::record_feedback(&gatehouse, &malformed).await {
            Err(Error::Invalid { field: "detail", reason }) => assert!(!reason.is_empty()),
            other => panic!("{malformed} was not refused: {other:?}"),
        }
    }
    assert!(suppression::bounce_of(&gatehouse, &fine).await?.is_none(), "a refused event wrote nothing");

    // A page of many addresses reads the list once.
    let found = suppression::bounces_of(&gatehouse, [&bouncing, &complaining, &fine]).await?;
    assert_eq!(found.len(), 2);
    assert_eq!(found[&complaining].reason, EmailBounceReason::Complained);

    // The outbox, as any write route delivers it: the suppressed emails are
    // done without a send (their entries gone, so no retry loops), the rest sent.
    for to in [&bouncing, &fine, &complaining] {
        table.transact(vec![outbox::email(email(to), at)?]).await?;
    }
    let delivered = access::running("logout", outbox::deliver(&gatehouse)).await?;
    assert_eq!(delivered, 3);
    let sent: Vec<String> = mailer.recorded().iter().map(|email| email.to.as_str().to_owned()).collect();
    assert_eq!(sent, ["fine@school.example"]);
    assert_eq!(access::running("logout", outbox::deliver(&gatehouse)).await?, 0, "nothing left waiting");
    Ok(())
});
