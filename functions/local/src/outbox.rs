//! The local `Mailer`: every email becomes a real MIME message (`.eml`) in
//! `<data>/outbox/`, so what would have been sent can be opened, and the
//! magic links in it clicked. Read back by parsing the files, so the outbox
//! page shows exactly what was written.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use gatehouse_core::ports::{Clock, Email, Mailer};
use mail_builder::MessageBuilder;
use mail_parser::MessageParser;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Who local mail claims to be from.
const SENDER: (&str, &str) = ("Gatehouse", "no-reply@gatehouse.localhost");

pub struct FileOutbox {
    dir: PathBuf,
    clock: Arc<dyn Clock>,
    /// Orders messages sent within one clock tick (a test's clock stands
    /// still), so "newest first" is the order they were sent in.
    sent: AtomicU64,
    /// SES's reports of the simulator addresses' bounces and complaints
    /// (`ses_simulator`).
    feedback: tokio::sync::broadcast::Sender<serde_json::Value>,
}

/// One stored message, as `/dev/outbox.json` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub id: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub sent_at: DateTime<Utc>,
}

impl FileOutbox {
    pub fn open(dir: &Path, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating outbox {}", dir.display()))?;
        let already = std::fs::read_dir(dir)?.count() as u64;
        let (feedback, _) = tokio::sync::broadcast::channel(64);
        Ok(FileOutbox { dir: dir.to_owned(), clock, sent: AtomicU64::new(already), feedback })
    }

    /// The SES event records of what bounced or drew a complaint, as SES
    /// would report them (`ses_simulator`).
    pub fn feedback(&self) -> tokio::sync::broadcast::Receiver<serde_json::Value> {
        self.feedback.subscribe()
    }

    /// Every message, newest first.
    pub fn entries(&self) -> anyhow::Result<Vec<OutboxEntry>> {
        let mut files: Vec<_> = std::fs::read_dir(&self.dir)?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
            .collect();
        // File names start with a sortable timestamp and a sequence.
        files.sort();
        files.reverse();
        files.iter().map(|path| read_entry(path)).collect()
    }
}

fn read_entry(path: &Path) -> anyhow::Result<OutboxEntry> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let message = MessageParser::default().parse(&bytes).with_context(|| format!("parsing {}", path.display()))?;
    let to = message.to().and_then(|to| to.first()).and_then(|addr| addr.address()).unwrap_or_default().to_owned();
    let sent_at = message
        .date()
        .and_then(|date| DateTime::parse_from_rfc3339(&date.to_rfc3339()).ok())
        .map(|date| date.with_timezone(&Utc))
        .unwrap_or_default();
    Ok(OutboxEntry {
        id: path.file_stem().unwrap_or_default().to_string_lossy().into_owned(),
        to,
        subject: message.subject().unwrap_or_default().to_owned(),
        text: message.body_text(0).map(|text| text.into_owned()).unwrap_or_default(),
        html: message.body_html(0).map(|html| html.into_owned()).unwrap_or_default(),
        sent_at,
    })
}

#[async_trait]
impl Mailer for FileOutbox {
    async fn send(&self, email: Email) -> Result<(), anyhow::Error> {
        let now = self.clock.now();
        let sequence = self.sent.fetch_add(1, Ordering::SeqCst);
        let id = format!("{}-{sequence:08}-{}", now.format("%Y%m%dT%H%M%S%.6fZ"), uuid::Uuid::new_v4().simple());
        let report = crate::ses_simulator::feedback_for(&email.to, now);
        let message = MessageBuilder::new()
            .from(SENDER)
            .to(email.to.as_str())
            .subject(email.subject)
            .date(now.timestamp())
            .message_id(format!("{id}@gatehouse.localhost"))
            .text_body(email.text)
            .html_body(email.html)
            .write_to_vec()
            .context("building MIME message")?;
        let path = self.dir.join(format!("{id}.eml"));
        tokio::fs::write(&path, message).await.with_context(|| format!("writing {}", path.display()))?;
        if let Some(report) = report {
            // None listening (a unit test's outbox) is no error.
            let _ = self.feedback.send(report);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use gatehouse_core::EmailAddress;
    use gatehouse_core::ports::ManualClock;

    #[tokio::test]
    async fn sent_mail_reads_back_as_written_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::at(Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap()));
        let outbox = FileOutbox::open(dir.path(), clock.clone()).unwrap();
        for subject in ["first", "second"] {
            outbox
                .send(Email {
                    to: EmailAddress::parse("head@school.example").unwrap(),
                    subject: subject.to_owned(),
                    text: "Go to http://127.0.0.1:8080/auth#token=abc now".to_owned(),
                    html: "<p><a href=\"http://127.0.0.1:8080/auth#token=abc\">Sign in</a></p>".to_owned(),
                })
                .await
                .unwrap();
            clock.advance(chrono::Duration::seconds(1));
        }
        let entries = outbox.entries().unwrap();
        assert_eq!(entries.iter().map(|e| e.subject.as_str()).collect::<Vec<_>>(), ["second", "first"]);
        assert_eq!(entries[0].to, "head@school.example");
        assert!(entries[0].text.contains("/auth#token=abc"));
        assert!(entries[0].html.contains("href=\"http://127.0.0.1:8080/auth#token=abc\""));
        assert_eq!(entries[1].sent_at, Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap());
    }
}
