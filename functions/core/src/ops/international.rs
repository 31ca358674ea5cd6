//! International school requests (P7, O1). The directory holds the schools
//! of England and Wales; for a school elsewhere a partner user sends a
//! request (name, address, contact name, phone and email), which lands in the
//! operations queue and is acknowledged by email. Ops accept it, which adds
//! the school to the directory under an `INT` id (so it never clashes with a
//! register URN) and lets the partner invite it as usual, or decline it with
//! a reason; the partner user is emailed either way.
//!
//! Storage (see `keys`): the request item (`INTLREQ#<id>` / `REQUEST`) sits in
//! its partner's GSI1 list (newest first); a copy sits in the ops queue
//! partition of its state (oldest first). A change of state is one
//! transaction conditional on the request's version, moving the copy, so the
//! queue never disagrees with the request.

use chrono::{DateTime, SecondsFormat, Utc};
use gatehouse_model::{
    AcceptInternationalRequest, DeclineInternationalRequest, DirectorySchool, EstablishmentStatus,
    InternationalRequest, InternationalRequestList, InternationalRequestQuery, InternationalRequestState,
    NewInternationalRequest,
};
use serde::{Deserialize, Serialize};

use crate::base::keys::{
    Key, international_queue_partition, partner_international_index, partner_international_partition,
};
use crate::base::ports::{Condition, Email, Index, Item, Query, TransactWrite, query_all};
use crate::store::emails::email_templates;
use crate::store::records::{OpsSessionRecord, SessionRecord, from_item, to_attributes};
use crate::{
    EmailAddress, Error, Gatehouse, PartnerId, RequestId, Result, SchoolUrn, registry::directory, store::idempotency,
    store::outbox,
};

const MAX_NAME: usize = 200;
const MAX_ADDRESS: usize = 1000;
const MAX_PHONE: usize = 40;
const MAX_REASON: usize = 2000;
/// What the directory's local authority column shows for an accepted school
/// when ops name no country or region.
pub const DEFAULT_REGION: &str = "International";
/// The partner's form and list of requests (the SPA's route).
pub const PARTNER_PAGE: &str = "/schools/invite/international";
/// The invite wizard (the SPA's route).
pub(crate) const INVITE_PAGE: &str = "/schools/invite";

/// An international school request as stored (and, copied, as queued).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InternationalRequestRecord {
    pub request_id: String,
    pub school_name: String,
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: EmailAddress,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub requested_by: String,
    /// The partner user who asked: the acknowledgement and the decision go to them.
    pub requested_by_email: EmailAddress,
    pub state: InternationalRequestState,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub decided_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub decided_by: Option<String>,
    #[serde(default)]
    pub decline_reason: Option<String>,
    #[serde(default)]
    pub urn: Option<SchoolUrn>,
}

fn wire(record: InternationalRequestRecord) -> InternationalRequest {
    let time = |at: DateTime<Utc>| at.to_rfc3339_opts(SecondsFormat::Secs, true);
    InternationalRequest {
        request_id: record.request_id,
        school_name: record.school_name,
        address: record.address,
        contact_name: record.contact_name,
        contact_phone: record.contact_phone,
        contact_email: record.contact_email.as_str().to_owned(),
        partner_id: record.partner_id.to_string(),
        partner_name: record.partner_name,
        requested_by: record.requested_by,
        state: record.state,
        created_at: time(record.created_at),
        decided_at: record.decided_at.map(time),
        decided_by: record.decided_by,
        decline_reason: record.decline_reason,
        urn: record.urn.map(String::from),
    }
}

/// The queue sorts by creation time (oldest first).
fn queue_order(record: &InternationalRequestRecord) -> String {
    record.created_at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The partner's list sorts newest first; the store sorts ascending, so the
/// sort key counts down from a far-future time.
fn partner_order(record: &InternationalRequestRecord) -> String {
    const FAR_FUTURE_MS: i64 = 99_999_999_999_999;
    format!("{:014}", FAR_FUTURE_MS - record.created_at.timestamp_millis())
}

fn request_item(record: &InternationalRequestRecord, version: u64) -> Item {
    let key = Key::InternationalRequest(&record.request_id);
    let gsi1 = partner_international_index(&record.partner_id, &partner_order(record), &record.request_id);
    Item { pk: key.pk(), sk: key.sk(), gsi1: Some(gsi1), expires_at: None, version, attributes: to_attributes(record) }
}

fn queue_key(record: &InternationalRequestRecord) -> (String, String) {
    let order = queue_order(record);
    let key = Key::InternationalQueueEntry { state: record.state.as_str(), order: &order, request: &record.request_id };
    (key.pk(), key.sk())
}

fn queue_item(record: &InternationalRequestRecord) -> Item {
    let (pk, sk) = queue_key(record);
    Item { pk, sk, gsi1: None, expires_at: None, version: 1, attributes: to_attributes(record) }
}

fn required(field: &'static str, value: &str, max: usize, what: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(Error::invalid(field, format!("give {what} (up to {max} characters)")));
    }
    Ok(value.to_owned())
}

/// `IR-<date>-<8 hex>`: unguessable enough that ids say nothing about volume.
fn new_request_id(now: DateTime<Utc>) -> Result<String> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).map_err(|e| Error::Unavailable(anyhow::anyhow!("random source: {e}")))?;
    Ok(format!("IR-{}-{}", now.format("%Y%m%d"), hex::encode(bytes)))
}

/// P7: a partner user asks for a school outside England and Wales. Honours
/// `Idempotency-Key` (a retry returns the first request, and emails once).
pub async fn submit(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
    request: &NewInternationalRequest,
    idempotency_key: Option<&str>,
) -> Result<InternationalRequest> {
    let school_name = required("school_name", &request.school_name, MAX_NAME, "the school's name")?;
    let address = required("address", &request.address, MAX_ADDRESS, "the school's postal address and country")?;
    let contact_name = required("contact_name", &request.contact_name, MAX_NAME, "the main contact's name")?;
    let contact_phone =
        required("contact_phone", &request.contact_phone, MAX_PHONE, "the main contact's phone number")?;
    if !contact_phone.chars().any(|c| c.is_ascii_digit()) {
        return Err(Error::invalid("contact_phone", "enter a phone number with its digits, like +33 1 23 45 67 89"));
    }
    let contact_email = request.contact_email.clone();
    let scope = format!("international_request\n{}\n{}", session.partner_id, session.email.as_str());
    // The change marks the key committed with the request's id: a retry
    // after a later failure answers with that request (issue 18).
    let finish = |note: serde_json::Value| async move {
        let id = RequestId::parse(note.as_str().unwrap_or_default())?;
        let (record, _) = load(gatehouse, &id).await?;
        Ok(wire(record))
    };
    let work = |commit: idempotency::Commit| async move {
        let now = gatehouse.clock.now();
        let record = InternationalRequestRecord {
            request_id: new_request_id(now)?,
            school_name,
            address,
            contact_name,
            contact_phone,
            contact_email,
            partner_id: session.partner_id.clone(),
            partner_name: session.partner_name.clone(),
            requested_by: session.display_name.clone(),
            requested_by_email: session.email.clone(),
            state: InternationalRequestState::Pending,
            created_at: now,
            decided_at: None,
            decided_by: None,
            decline_reason: None,
            urn: None,
        };
        let mut writes = vec![
            TransactWrite::Put { item: request_item(&record, 1), condition: Condition::NotExists },
            TransactWrite::Put { item: queue_item(&record), condition: Condition::NotExists },
            notice(gatehouse, &record, Decision::Received, PARTNER_PAGE)?,
        ];
        writes.extend(commit.write(serde_json::Value::String(record.request_id.clone())));
        gatehouse.table.transact(writes).await?;
        tracing::info!(partner_id = %record.partner_id, request_id = %record.request_id, "international school requested");
        outbox::deliver(gatehouse).await?;
        Ok(wire(record))
    };
    idempotency::once_committing(gatehouse, &scope, idempotency_key, request, work, finish).await
}

/// The partner's own requests, newest first: one Query on its GSI1 list.
pub async fn list_for_partner(gatehouse: &Gatehouse, session: &SessionRecord) -> Result<InternationalRequestList> {
    let query = Query::partition(Index::Gsi1, partner_international_partition(&session.partner_id));
    let items = query_all(gatehouse.table.as_ref(), query).await?;
    let items = items.iter().map(|item| from_item(item).map(wire)).collect::<Result<Vec<_>, _>>()?;
    Ok(InternationalRequestList { items })
}

/// The ops queue of one state, oldest first: one Query on its partition.
pub async fn queue(gatehouse: &Gatehouse, asked: &InternationalRequestQuery) -> Result<InternationalRequestList> {
    let query = Query::partition(Index::Primary, international_queue_partition(asked.state.as_str()));
    let items = query_all(gatehouse.table.as_ref(), query).await?;
    let items = items.iter().map(|item| from_item(item).map(wire)).collect::<Result<Vec<_>, _>>()?;
    Ok(InternationalRequestList { items })
}

async fn load(gatehouse: &Gatehouse, id: &RequestId) -> Result<(InternationalRequestRecord, u64)> {
    let key = Key::InternationalRequest(id.as_str());
    let item =
        gatehouse.table.get(&key.pk(), &key.sk()).await?.ok_or(Error::NotFound("international school request"))?;
    Ok((from_item(&item)?, item.version))
}

/// Writes `after` over `before` (read at `version`), moving the queue copy,
/// with `also` (the email, the directory entry) in the same transaction.
async fn save(
    gatehouse: &Gatehouse,
    before: &InternationalRequestRecord,
    version: u64,
    after: &InternationalRequestRecord,
    also: Vec<TransactWrite>,
) -> Result<()> {
    let (old_pk, old_sk) = queue_key(before);
    let mut writes = vec![
        TransactWrite::Put { item: request_item(after, version + 1), condition: Condition::VersionIs(version) },
        TransactWrite::Delete { pk: old_pk, sk: old_sk, condition: Condition::Always },
        TransactWrite::Put { item: queue_item(after), condition: Condition::Always },
    ];
    writes.extend(also);
    gatehouse.table.transact(writes).await.map_err(|error| match error {
        crate::base::ports::StoreError::ConditionFailed { .. } => {
            Error::Conflict("someone else decided this request meanwhile; reload it")
        }
        other => other.into(),
    })
}

fn directory_entry(record: &InternationalRequestRecord, urn: &SchoolUrn, region: &str) -> DirectorySchool {
    DirectorySchool {
        urn: urn.as_str().to_owned(),
        name: record.school_name.clone(),
        local_authority: region.to_owned(),
        postcode: String::new(),
        phase: String::new(),
        status: EstablishmentStatus::Open,
        // The request's email is the contact's, not a verified school domain.
        email_domains: Vec::new(),
    }
}

/// Ops accept: the school gets the next `INT` id and a directory entry, and
/// the partner user is told they can invite it. Accepting an accepted request
/// changes nothing but makes sure its directory entry is there (so a retry
/// after a failure half-way completes it); a declined one cannot be accepted.
pub async fn accept(
    gatehouse: &Gatehouse,
    ops: &OpsSessionRecord,
    request_id: &RequestId,
    answer: &AcceptInternationalRequest,
) -> Result<InternationalRequest> {
    let region = match answer.region.as_deref().map(str::trim) {
        Some(region) if !region.is_empty() => required("region", region, MAX_NAME, "the country or region")?,
        _ => DEFAULT_REGION.to_owned(),
    };
    let (before, version) = load(gatehouse, request_id).await?;
    match before.state {
        InternationalRequestState::Declined => {
            Err(Error::Conflict("this request was declined; ask the partner to send a new one"))
        }
        InternationalRequestState::Accepted => {
            let urn = before.urn.clone().ok_or(Error::Conflict("this accepted request has no directory id"))?;
            if directory::get(gatehouse.table.as_ref(), &urn).await?.is_none() {
                directory::upsert(
                    gatehouse.table.as_ref(),
                    &directory_entry(&before, &urn, &region),
                    directory::Domains::KeepExisting,
                )
                .await?;
            }
            Ok(wire(before))
        }
        InternationalRequestState::Pending => {
            // The number, the decision, the directory entry and the email
            // are one transaction (issue 18): a failed attempt takes no
            // number and leaves no half-added school.
            let counter = Key::InternationalCounter;
            let (n, counter_write) = crate::store::records::next_number(gatehouse.table.as_ref(), &counter).await?;
            let urn = SchoolUrn::international(u64::try_from(n).unwrap_or(0))?;
            let mut after = before.clone();
            after.state = InternationalRequestState::Accepted;
            after.urn = Some(urn.clone());
            after.decided_at = Some(gatehouse.clock.now());
            after.decided_by = Some(ops.display_name.clone());
            let mut also =
                vec![counter_write, notice(gatehouse, &after, Decision::Accepted(urn.as_str()), INVITE_PAGE)?];
            also.extend(directory::new_entry_writes(&directory_entry(&after, &urn, &region))?);
            save(gatehouse, &before, version, &after, also).await?;
            tracing::info!(request_id = %after.request_id, urn = urn.as_str(), "international school accepted");
            outbox::deliver(gatehouse).await?;
            Ok(wire(after))
        }
    }
}

/// Ops decline with a reason, which is emailed to the partner user.
/// Declining a declined request changes nothing; an accepted one cannot be
/// declined (the school is in the directory and may be invited already).
pub async fn decline(
    gatehouse: &Gatehouse,
    ops: &OpsSessionRecord,
    request_id: &RequestId,
    answer: &DeclineInternationalRequest,
) -> Result<InternationalRequest> {
    let reason = required("reason", &answer.reason, MAX_REASON, "the reason, which the partner will read")?;
    let (before, version) = load(gatehouse, request_id).await?;
    match before.state {
        InternationalRequestState::Accepted => {
            Err(Error::Conflict("this request was accepted; the school is in the directory"))
        }
        InternationalRequestState::Declined => Ok(wire(before)),
        InternationalRequestState::Pending => {
            let mut after = before.clone();
            after.state = InternationalRequestState::Declined;
            after.decline_reason = Some(reason);
            after.decided_at = Some(gatehouse.clock.now());
            after.decided_by = Some(ops.display_name.clone());
            let reason = after.decline_reason.clone().unwrap_or_default();
            let email = notice(gatehouse, &after, Decision::Declined(&reason), PARTNER_PAGE)?;
            save(gatehouse, &before, version, &after, vec![email]).await?;
            tracing::info!(request_id = %after.request_id, "international school declined");
            outbox::deliver(gatehouse).await?;
            Ok(wire(after))
        }
    }
}

/// What an email to the partner user says.
pub(crate) enum Decision<'a> {
    Received,
    Accepted(&'a str),
    Declined(&'a str),
}

email_templates!(RequestMail, "international_request.txt", "international_request.html" {
    name: &'a str,
    school_name: &'a str,
    request_id: &'a str,
    decision: &'a Decision<'a>,
    link: &'a str,
});

/// The email to the partner user who asked; `page` is a path under `public_url`.
pub(crate) fn email(
    public_url: &str,
    record: &InternationalRequestRecord,
    decision: &Decision<'_>,
    page: &str,
) -> Result<Email> {
    let link = format!("{public_url}{page}");
    let (name, school_name, request_id) = (&record.requested_by, &record.school_name, &record.request_id);
    let subject = match decision {
        Decision::Received => format!("We have your request to add {school_name} ({request_id})"),
        Decision::Accepted(_) => format!("{school_name} is in Gatehouse: you can invite it"),
        Decision::Declined(_) => format!("Your request to add {school_name} was declined"),
    };
    RequestMail { name, school_name, request_id, decision, link: &link }.email(
        record.requested_by_email.clone(),
        subject,
        "rendering international request email",
    )
}

/// The email to the partner user, for the outbox in the transaction of the
/// change it reports (issue 18: sent once, after it, whatever fails).
fn notice(
    gatehouse: &Gatehouse,
    record: &InternationalRequestRecord,
    decision: Decision<'_>,
    page: &str,
) -> Result<TransactWrite> {
    let message = email(&gatehouse.settings.public_url, record, &decision, page)?;
    outbox::email(message, gatehouse.clock.now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_partner_list_sorts_newest_first() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let record = |created_at| InternationalRequestRecord {
            request_id: "IR-1".into(),
            school_name: "École Internationale".into(),
            address: "1 Rue de la Paix, Paris, France".into(),
            contact_name: "Claire".into(),
            contact_phone: "+33 1 23 45 67 89".into(),
            contact_email: EmailAddress::parse("claire@ecole.example").unwrap(),
            partner_id: PartnerId::parse("p1").unwrap(),
            partner_name: "P1".into(),
            requested_by: "Dana".into(),
            requested_by_email: EmailAddress::parse("dana@p1.example").unwrap(),
            state: InternationalRequestState::Pending,
            created_at,
            decided_at: None,
            decided_by: None,
            decline_reason: None,
            urn: None,
        };
        let older = record(at("2026-11-01T10:00:00Z"));
        let newer = record(at("2026-11-02T10:00:00Z"));
        assert!(partner_order(&newer) < partner_order(&older));
        assert!(queue_order(&older) < queue_order(&newer));
    }
}
