//! Authorisation receipts: every grant, scope change, GDPR mode or feed
//! change and revocation has one. A receipt is built from its Authorisation
//! Log entry alone (who, when, what, the whole grant afterwards in words, and
//! the entry's chain hash), so the emailed copy, the file the school
//! downloads and the file the partner downloads say the same thing, and any
//! later edit of the log shows as a hash mismatch.

use askama::Template;
use chrono::{SecondsFormat, Utc};
use gatehouse_model::{LogEvent, ReceiptRef};

use crate::base::keys::Key;
use crate::base::ports::Email;
use crate::store::emails::email_templates;
use crate::store::link_loading::{app_of, app_record, load, load_for_school};
use crate::store::records::{
    LogEntryRecord, PartnerRecord, SchoolLinkRecord, SchoolSessionRecord, SessionRecord, from_item,
};
use crate::{AppId, EmailAddress, Error, Gatehouse, ReceiptSeq, Result, SchoolId, store::authorisation_log};

/// Whether an entry of this kind has a receipt.
pub fn has_receipt(event: LogEvent) -> bool {
    matches!(
        event,
        LogEvent::Authorised
            | LogEvent::ScopesChanged
            | LogEvent::GdprModeChanged
            | LogEvent::FeedPaused
            | LogEvent::FeedEnabled
            | LogEvent::RevokeScheduled
            | LogEvent::RevokeCancelled
            | LogEvent::Revoked
            | LogEvent::ErasureConfirmed
    )
}

/// The entries of a log (oldest first) that have a receipt, newest first.
pub fn refs(log: &[LogEntryRecord]) -> Vec<ReceiptRef> {
    log.iter()
        .rev()
        .filter(|entry| has_receipt(entry.event))
        .map(|entry| ReceiptRef {
            seq: entry.seq,
            at: entry.at.to_rfc3339_opts(SecondsFormat::Secs, true),
            event: entry.event,
        })
        .collect()
}

/// A receipt as a file to download.
#[derive(Debug, Clone)]
pub struct ReceiptFile {
    pub filename: String,
    pub html: String,
}

#[derive(Template)]
#[template(path = "receipt_file.html")]
struct ReceiptFileHtml<'a> {
    school_name: &'a str,
    urn: Option<&'a str>,
    app_name: &'a str,
    partner_name: &'a str,
    event: &'a str,
    at: String,
    actor: &'a str,
    detail: &'a str,
    seq: u32,
    hash: &'a str,
    prev_hash: &'a str,
    intact: bool,
    downloaded_at: String,
}

email_templates!(ChangeReceiptMail, "change_receipt.txt", "change_receipt.html" {
    greeting: &'a str,
    school_name: &'a str,
    app_name: &'a str,
    partner_name: &'a str,
    event: &'a str,
    at: &'a str,
    actor: &'a str,
    detail: &'a str,
    seq: u32,
    hash: &'a str,
    link: &'a str,
});

fn rendering(error: askama::Error) -> Error {
    Error::Unavailable(anyhow::Error::new(error).context("rendering a receipt"))
}

/// Renders entry `seq` of a link's log as a receipt file.
fn render(
    link: &SchoolLinkRecord,
    app_name: &str,
    partner_name: &str,
    log: &[LogEntryRecord],
    seq: u32,
    now: chrono::DateTime<Utc>,
) -> Result<ReceiptFile> {
    let entry =
        log.iter().find(|entry| entry.seq == seq && has_receipt(entry.event)).ok_or(Error::NotFound("receipt"))?;
    let intact = authorisation_log::verify(log, link.log_head.as_deref()).is_ok();
    let html = ReceiptFileHtml {
        school_name: &link.name,
        urn: link.urn.as_deref(),
        app_name,
        partner_name,
        event: entry.event.label(),
        at: entry.at.to_rfc3339_opts(SecondsFormat::Secs, true),
        actor: &entry.actor,
        detail: &entry.detail,
        seq: entry.seq,
        hash: &entry.hash,
        prev_hash: entry.prev_hash.as_deref().unwrap_or("none (first entry)"),
        intact,
        downloaded_at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
    }
    .render()
    .map_err(rendering)?;
    let filename = format!("receipt-{}-{}-{:04}.html", link.school_id, link.app_id, entry.seq);
    Ok(ReceiptFile { filename, html })
}

async fn partner_name(gatehouse: &Gatehouse, link: &SchoolLinkRecord) -> Result<String> {
    if let Some(name) = &link.partner_name {
        return Ok(name.clone());
    }
    let key = Key::Partner(&link.partner_id);
    let partner: Option<PartnerRecord> =
        gatehouse.table.get(&key.pk(), &key.sk()).await?.map(|item| from_item(&item)).transpose()?;
    Ok(partner.map_or_else(|| link.partner_id.to_string(), |partner| partner.name))
}

/// `GET /api/school/apps/{app_id}/receipts/{seq}`: for the signed-in school only.
pub async fn for_school(
    gatehouse: &Gatehouse,
    session: &SchoolSessionRecord,
    app: &AppId,
    seq: ReceiptSeq,
) -> Result<ReceiptFile> {
    let (loaded, app) = load_for_school(gatehouse, session, app).await?;
    let log = authorisation_log::read(gatehouse.table.as_ref(), &app.app_id, &session.school_id).await?;
    let partner = partner_name(gatehouse, &loaded.link).await?;
    render(&loaded.link, &app.name, &partner, &log, seq.get(), gatehouse.clock.now())
}

/// `GET /api/partner/schools/{school_id}/receipts/{seq}?app=`: for the
/// signed-in partner's own schools only.
pub async fn for_partner(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
    app: Option<&AppId>,
    school: &SchoolId,
    seq: ReceiptSeq,
) -> Result<ReceiptFile> {
    let app_id: AppId = app_of(session, app)?;
    let loaded = load(gatehouse, session, &app_id, school).await?;
    let (app, _) = app_record(gatehouse, session, &app_id).await?;
    let log = authorisation_log::read(gatehouse.table.as_ref(), &app_id, &loaded.link.school_id).await?;
    render(&loaded.link, &app.name, &session.partner_name, &log, seq.get(), gatehouse.clock.now())
}

/// The receipt emails of `entries` (those with a receipt) to the school
/// contact, `also_to` (the school user who acted) and the partner contact.
/// Built before the commit that writes the entries, and queued with it in
/// the outbox (`links::Change::with_receipts`).
pub async fn emails_for(
    gatehouse: &Gatehouse,
    link: &SchoolLinkRecord,
    entries: &[LogEntryRecord],
    also_to: Option<&EmailAddress>,
) -> Result<Vec<Email>> {
    let fresh: Vec<&LogEntryRecord> = entries.iter().filter(|entry| has_receipt(entry.event)).collect();
    if fresh.is_empty() {
        return Ok(Vec::new());
    }
    let app_name = link.app_name.clone().unwrap_or_else(|| link.app_id.to_string());
    let partner = partner_name(gatehouse, link).await?;
    let public = &gatehouse.settings.public_url;
    let school_page = format!("{public}/school/apps/{}", link.app_id);
    let list = match link.view {
        gatehouse_model::SchoolView::Active => "/schools",
        gatehouse_model::SchoolView::Pending => "/schools/pending",
        gatehouse_model::SchoolView::Revoked => "/schools/revoked",
    };
    let partner_page = format!("{public}{list}?school={}", link.school_id);
    let mut recipients: Vec<(EmailAddress, String, &str)> = Vec::new();
    let school_greeting = link.school_contact_name.clone().unwrap_or_else(|| "colleague".to_owned());
    if let Some(actor) = also_to {
        recipients.push((actor.clone(), "colleague".to_owned(), &school_page));
    }
    if let Some(contact) = link.school_contact.as_ref().filter(|contact| Some(*contact) != also_to) {
        recipients.push((contact.clone(), school_greeting, &school_page));
    }
    if let Some(contact) = &link.partner_contact {
        recipients.push((contact.clone(), partner.clone(), &partner_page));
    }
    let mut emails = Vec::new();
    for entry in fresh {
        for (to, greeting, page) in &recipients {
            emails.push(change_receipt_email(to.clone(), greeting, &link.name, &app_name, &partner, entry, page)?);
        }
    }
    Ok(emails)
}

/// The emailed receipt of one log entry, for one recipient; `link` is the
/// page where they can download it and see the whole log.
pub(crate) fn change_receipt_email(
    to: EmailAddress,
    greeting: &str,
    school_name: &str,
    app_name: &str,
    partner_name: &str,
    entry: &LogEntryRecord,
    link: &str,
) -> Result<Email> {
    let at = entry.at.to_rfc3339_opts(SecondsFormat::Secs, true);
    let subject = format!("Receipt: {} – {} at {}", entry.event.label(), app_name, school_name);
    let mail = ChangeReceiptMail {
        greeting,
        school_name,
        app_name,
        partner_name,
        event: entry.event.label(),
        at: &at,
        actor: &entry.actor,
        detail: &entry.detail,
        seq: entry.seq,
        hash: &entry.hash,
        link,
    };
    mail.email(to, subject, "rendering a receipt")
}
