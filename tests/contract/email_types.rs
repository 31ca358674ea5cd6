//! Every email type Gatehouse sends (`gatehouse_core::email_samples`), sent
//! through both mailers and read back: SES v2 under moto and the local file
//! outbox. Each must arrive once, to its recipient, with its subject, both
//! bodies, and its link in both. A template without a sample fails here.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use aws_sdk_sesv2::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_sesv2::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_sesv2::error::BoxError;
use chrono::{TimeZone, Utc};
use gatehouse_aws::SesMailer;
use gatehouse_core::EmailAddress;
use gatehouse_core::email_samples::{EmailSample, NOT_EMAIL_TEMPLATES, samples};
use gatehouse_core::ports::{Mailer, ManualClock};
use gatehouse_local::FileOutbox;
use gatehouse_tests::moto;
use serde_json::Value;

const PUBLIC_URL: &str = "https://gatehouse.example";

/// One message as a mailer's backend holds it.
#[derive(Debug)]
struct Received {
    to: String,
    subject: String,
    text: String,
    html: String,
}

/// Sends every sample through `mailer`, reads them back with `read_back`
/// and checks each arrived once, intact, with its link.
async fn round_trip(
    mailer: &dyn Mailer,
    read_back: impl AsyncFnOnce() -> anyhow::Result<Vec<Received>>,
) -> anyhow::Result<()> {
    let samples = samples(PUBLIC_URL)?;
    for sample in &samples {
        mailer.send(sample.email.clone()).await.with_context(|| format!("sending {}", name(sample)))?;
    }
    let received = read_back().await?;
    assert_eq!(received.len(), samples.len(), "one message per sample, nothing else");
    for sample in &samples {
        let what = name(sample);
        let mut to_them = received.iter().filter(|message| message.to == sample.email.to.as_str());
        let message = to_them.next().with_context(|| format!("{what}: nothing arrived"))?;
        assert!(to_them.next().is_none(), "{what}: sent once");
        assert_eq!(message.subject, sample.email.subject, "{what}: subject");
        assert_eq!(lines(&message.text), lines(&sample.email.text), "{what}: text body");
        assert_eq!(lines(&message.html), lines(&sample.email.html), "{what}: HTML body");
        match &sample.link {
            Some(link) => {
                assert!(link.starts_with(&format!("{PUBLIC_URL}/")), "{what}: links point at Gatehouse");
                assert!(message.text.contains(link.as_str()), "{what}: the text body carries {link}");
                assert!(message.html.contains(&format!("href=\"{link}\"")), "{what}: the HTML body links {link}");
            }
            None => {
                assert!(!message.text.contains(PUBLIC_URL), "{what}: no link");
                assert!(!message.html.contains(PUBLIC_URL), "{what}: no link");
            }
        }
    }
    Ok(())
}

fn name(sample: &EmailSample) -> String {
    format!("{} ({})", sample.template, sample.variant)
}

/// MIME transport may turn `\n` into `\r\n` and trim the last newline.
fn lines(body: &str) -> String {
    body.replace("\r\n", "\n").trim_end().to_owned()
}

/// Records every `SendEmail` request body as it leaves the SDK: moto keeps
/// only the HTML body of a message, so the text body is checked on the wire.
#[derive(Debug, Default, Clone)]
struct Wire(Arc<Mutex<Vec<Value>>>);

impl Intercept for Wire {
    fn name(&self) -> &'static str {
        "email-types-wire"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(bytes) = context.request().body().bytes()
            && let Ok(request) = serde_json::from_slice::<Value>(bytes)
            && request.get("Content").is_some()
        {
            self.0.lock().expect("wire lock").push(request);
        }
        Ok(())
    }
}

#[tokio::test]
async fn every_email_type_arrives_through_ses_v2() -> anyhow::Result<()> {
    let config = moto::sdk_config().await;
    let wire = Wire::default();
    let ses = aws_sdk_sesv2::Client::from_conf(
        aws_sdk_sesv2::config::Builder::from(&config).interceptor(wire.clone()).build(),
    );
    let domain = format!("{}.example", moto::unique_name("email-types"));
    ses.create_email_identity().email_identity(&domain).send().await?;
    let sender = EmailAddress::parse(&format!("no-reply@{domain}"))?;
    let mailer = SesMailer::new(ses, sender.clone());

    round_trip(&mailer, async || {
        let messages = moto::ses_messages().await?;
        let sent = wire.0.lock().expect("wire lock").clone();
        let mut received = Vec::new();
        // moto's state is shared by every test: ours are from our sender.
        for message in messages.iter().filter(|message| message["source"] == sender.as_str()) {
            let to = match message["destinations"]["ToAddresses"].as_array().map(Vec::as_slice) {
                Some([to]) => to.as_str().context("a recipient is a string")?.to_owned(),
                other => anyhow::bail!("one recipient per message, got {other:?}"),
            };
            let request = sent
                .iter()
                .find(|request| request["Destination"]["ToAddresses"][0] == to.as_str())
                .with_context(|| format!("no SendEmail request to {to}"))?;
            let body = &request["Content"]["Simple"]["Body"];
            assert_eq!(message["body"], body["Html"]["Data"], "moto keeps the HTML body that was sent");
            received.push(Received {
                to,
                subject: message["subject"].as_str().context("a subject")?.to_owned(),
                text: body["Text"]["Data"].as_str().context("a text body on the wire")?.to_owned(),
                html: message["body"].as_str().context("an HTML body in moto")?.to_owned(),
            });
        }
        Ok(received)
    })
    .await
}

#[tokio::test]
async fn every_email_type_arrives_in_the_local_outbox() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::at(Utc.with_ymd_and_hms(2025, 3, 12, 9, 0, 0).unwrap()));
    let outbox = FileOutbox::open(dir.path(), clock)?;

    round_trip(&outbox, async || {
        let entries = outbox.entries()?;
        Ok(entries
            .into_iter()
            .map(|entry| Received { to: entry.to, subject: entry.subject, text: entry.text, html: entry.html })
            .collect())
    })
    .await
}

/// Every template file is an email with a sample (or named as not an
/// email), and every sample names a template that exists in both formats.
#[test]
fn every_template_has_a_sample() -> anyhow::Result<()> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../functions/core/templates");
    let samples = samples(PUBLIC_URL)?;
    let covered: BTreeSet<&str> = samples.iter().map(|sample| sample.template).collect();
    let mut files = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let file = entry?.file_name().to_string_lossy().into_owned();
        let Some(stem) = file.strip_suffix(".txt").or_else(|| file.strip_suffix(".html")) else { continue };
        if !NOT_EMAIL_TEMPLATES.contains(&file.as_str()) {
            assert!(covered.contains(stem), "templates/{file} has no sample in gatehouse_core::email_samples");
        }
        files.insert(file);
    }
    for template in covered {
        for format in ["txt", "html"] {
            assert!(files.contains(&format!("{template}.{format}")), "a sample names {template}.{format}: missing");
        }
    }
    for file in NOT_EMAIL_TEMPLATES {
        assert!(files.contains(*file), "{file} is listed as not an email but does not exist");
    }
    Ok(())
}
