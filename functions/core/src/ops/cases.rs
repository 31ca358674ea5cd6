//! P9 / O1: support cases. A partner raises a case (optionally about one of
//! its schools), partner and support staff comment on it, the partner can
//! escalate, either side closes, the partner reopens within 30 days; the
//! daily job archives cases closed 30 or more days ago.
//!
//! Storage (see `keys`): the case item (`CASE#<id>` / `CASE`) carries the
//! case and sits in its partner's GSI1 bucket (`active` or `archived`, newest
//! activity first); comments are items in the same partition; a copy of the
//! case sits in the support queue partition of its state (escalated first,
//! then longest waiting). Every write is one transaction conditional on the
//! case's version: the case, its queue entry (moved when the state changes),
//! a new comment and, when the case becomes active or stops being active,
//! the school link's Active Cases count. A write that would change nothing
//! (closing a closed case, escalating twice) writes nothing.
//!
//! Emails (support on a new or escalated case, the partner contact on a
//! support reply or close) are sent after the commit; the case and its queue
//! entry are the record, so a failed send is logged and does not fail it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use gatehouse_model::{
    CaseCategory, CaseComment, CaseCommentRequest, CaseDetail, CaseFilter, CaseListQuery, CasePage, CaseState,
    CaseSummary, CommentAuthor, EscalateCaseRequest, NewCase, QueueFilter, ReassignCase,
};
use serde::{Deserialize, Serialize};

use crate::base::CaseId;
use crate::base::keys::{Key, case_queue_partition, partner_cases_index, partner_cases_partition};
use crate::base::ports::{Condition, Cursor, Index, Item, Query, StoreError, TransactWrite, query_all};
use crate::store::links::{self, link_writes};
use crate::store::records::{SchoolLinkRecord, SessionRecord, from_item, plain_item, to_attributes};
use crate::{
    AppId, EmailAddress, Error, Gatehouse, PartnerId, Result, SchoolId, store::emails, store::idempotency,
    store::outbox,
};

/// A closed case stays on the Active Cases tab, and can be reopened, this long.
pub const ARCHIVE_AFTER: Duration = Duration::days(30);
/// Page size of case lists when the caller names none, and the most allowed.
pub const DEFAULT_PAGE: u32 = 25;
pub const MAX_PAGE: u32 = 100;

const MAX_SUMMARY: usize = 200;
const MAX_NAME: usize = 100;
const MAX_TEXT: usize = 5_000;
const MAX_REASON: usize = 1_000;

/// A support case as stored (on the case item and, copied, on its queue entry).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseRecord {
    pub case_id: CaseId,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub app_id: AppId,
    #[serde(default)]
    pub school_id: Option<SchoolId>,
    #[serde(default)]
    pub school_name: Option<String>,
    pub category: CaseCategory,
    pub summary: String,
    pub description: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: EmailAddress,
    pub raised_by: String,
    pub state: CaseState,
    #[serde(default)]
    pub escalated: bool,
    #[serde(default)]
    pub escalation_reason: Option<String>,
    #[serde(default)]
    pub escalated_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub closed_at: Option<DateTime<Utc>>,
    /// Set by the archive job: the case left the Active Cases tab.
    #[serde(default)]
    pub archived_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub assignee: Option<String>,
    /// Comments so far; the next one is `comment_seq + 1`.
    #[serde(default)]
    pub comment_seq: u32,
}

impl CaseRecord {
    /// What the case emails say about it.
    pub fn mail(&self) -> emails::CaseMail<'_> {
        emails::CaseMail {
            case_id: self.case_id.as_str(),
            partner_name: &self.partner_name,
            category: self.category.label(),
            summary: &self.summary,
            school_name: self.school_name.as_deref(),
            raised_by: &self.raised_by,
            contact_name: &self.contact_name,
            escalated: self.escalated,
            escalation_reason: self.escalation_reason.as_deref(),
        }
    }
}

/// One comment as stored (append-only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommentRecord {
    pub seq: u32,
    pub author_kind: CommentAuthor,
    pub author_name: String,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// A case as read, with the version a change must be conditional on.
#[derive(Debug, Clone)]
struct LoadedCase {
    case: CaseRecord,
    version: u64,
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn is_archived(case: &CaseRecord) -> bool {
    case.archived_at.is_some()
}

/// The partner bucket a case is listed in.
fn bucket(case: &CaseRecord) -> CaseFilter {
    if is_archived(case) { CaseFilter::Archived } else { CaseFilter::Active }
}

/// The support queue a case is in.
fn queue_of(case: &CaseRecord) -> QueueFilter {
    match (is_archived(case), case.state) {
        (true, _) => QueueFilter::Archived,
        (false, CaseState::Open) => QueueFilter::Open,
        (false, CaseState::AwaitingSupport) => QueueFilter::AwaitingSupport,
        (false, CaseState::AwaitingPartner) => QueueFilter::AwaitingPartner,
        (false, CaseState::Closed) => QueueFilter::Closed,
    }
}

/// Partner lists show the newest first and the store sorts ascending, so the
/// sort key starts with the time counted down from a far-future epoch.
fn partner_order(case: &CaseRecord) -> String {
    let at = if is_archived(case) { case.closed_at.unwrap_or(case.updated_at) } else { case.updated_at };
    let countdown = 99_999_999_999_999i64 - at.timestamp_millis();
    format!("{countdown:014}")
}

/// The queue sorts escalated active cases first (`0`), then the rest (`1`),
/// each oldest first: by last activity, or by closing date once closed.
fn queue_order(case: &CaseRecord) -> String {
    let rank = if case.escalated && case.state.is_active() { 0 } else { 1 };
    let at = if case.state.is_active() { case.updated_at } else { case.closed_at.unwrap_or(case.updated_at) };
    format!("{rank}#{}", rfc3339(at))
}

fn case_item(case: &CaseRecord, version: u64) -> Item {
    let key = Key::Case(&case.case_id);
    let gsi1 = Some(partner_cases_index(&case.partner_id, bucket(case), &partner_order(case), &case.case_id));
    Item { pk: key.pk(), sk: key.sk(), gsi1, expires_at: None, version, attributes: to_attributes(case) }
}

fn queue_key(case: &CaseRecord) -> (String, String) {
    let order = queue_order(case);
    let key = Key::CaseQueueEntry { queue: queue_of(case).as_str(), order: &order, case: &case.case_id };
    (key.pk(), key.sk())
}

fn queue_item(case: &CaseRecord) -> Item {
    let (pk, sk) = queue_key(case);
    Item { pk, sk, gsi1: None, expires_at: None, version: 1, attributes: to_attributes(case) }
}

async fn load(gatehouse: &Gatehouse, case_id: &CaseId) -> Result<LoadedCase> {
    let key = Key::Case(case_id);
    let item = gatehouse.table.get(&key.pk(), &key.sk()).await?.ok_or(Error::NotFound("case"))?;
    Ok(LoadedCase { case: from_item(&item)?, version: item.version })
}

/// The case and its comments in one Query (`CASE` sorts before `COMMENT#`).
async fn load_with_comments(gatehouse: &Gatehouse, case_id: &CaseId) -> Result<(LoadedCase, Vec<CommentRecord>)> {
    let items = query_all(gatehouse.table.as_ref(), Query::partition(Index::Primary, Key::Case(case_id).pk())).await?;
    let mut loaded = None;
    let mut comments = Vec::new();
    for item in &items {
        if item.sk == Key::Case(case_id).sk() {
            loaded = Some(LoadedCase { case: from_item(item)?, version: item.version });
        } else {
            comments.push(from_item::<CommentRecord>(item)?);
        }
    }
    comments.sort_by_key(|comment| comment.seq);
    Ok((loaded.ok_or(Error::NotFound("case"))?, comments))
}

/// The signed-in partner's case; another partner's, or a malformed id, is
/// simply "not found".
async fn load_for_partner(gatehouse: &Gatehouse, session: &SessionRecord, case_id: &CaseId) -> Result<LoadedCase> {
    let loaded = load(gatehouse, case_id).await?;
    if loaded.case.partner_id != session.partner_id {
        return Err(Error::NotFound("case"));
    }
    Ok(loaded)
}

/// Writes `after` over the case read as `before` (version 0: a new case),
/// with `also` (a comment) in the same transaction.
async fn save(gatehouse: &Gatehouse, before: &LoadedCase, after: CaseRecord, also: Vec<TransactWrite>) -> Result<()> {
    let version = before.version + 1;
    let condition = if before.version == 0 { Condition::NotExists } else { Condition::VersionIs(before.version) };
    let mut writes = vec![TransactWrite::Put { item: case_item(&after, version), condition }];
    let new_queue = queue_item(&after);
    if before.version != 0 {
        let (pk, sk) = queue_key(&before.case);
        if (pk.as_str(), sk.as_str()) != (new_queue.pk.as_str(), new_queue.sk.as_str()) {
            writes.push(TransactWrite::Delete { pk, sk, condition: Condition::Always });
        }
    }
    writes.push(TransactWrite::Put { item: new_queue, condition: Condition::Always });
    writes.extend(also);
    // Keep the school's Active Cases count in step.
    let was_active = before.version != 0 && before.case.state.is_active();
    let delta = match (was_active, after.state.is_active()) {
        (false, true) => 1i64,
        (true, false) => -1,
        _ => 0,
    };
    if let (Some(school), true) = (&after.school_id, delta != 0) {
        let key = Key::SchoolLink(&after.app_id, school);
        if let Some(item) = gatehouse.table.get(&key.pk(), &key.sk()).await? {
            let mut link: SchoolLinkRecord = from_item(&item)?;
            link.active_cases = (i64::from(link.active_cases) + delta).max(0) as u32;
            writes.extend(link_writes(
                &link,
                item.version + 1,
                Condition::VersionIs(item.version),
                gatehouse.clock.now(),
            ));
        }
    }
    gatehouse.table.transact(writes).await.map_err(|error| match error {
        StoreError::ConditionFailed { .. } => {
            Error::Conflict("this case (or its school) was changed meanwhile; reload it and try again")
        }
        other => other.into(),
    })
}

fn comment_write(case: &CaseRecord, comment: &CommentRecord) -> TransactWrite {
    let key = Key::CaseComment(&case.case_id, comment.seq);
    TransactWrite::Put { item: plain_item(&key, comment, 1), condition: Condition::NotExists }
}

fn required(field: &'static str, raw: &str, max: usize) -> Result<String> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(Error::invalid(field, "this is required"));
    }
    if value.chars().count() > max {
        return Err(Error::invalid(field, format!("use at most {max} characters")));
    }
    Ok(value.to_owned())
}

fn phone(raw: &str) -> Result<String> {
    let value = required("contact_phone", raw, 30)?;
    let digits = value.bytes().filter(u8::is_ascii_digit).count();
    let allowed = value.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
    if !allowed || !(7..=15).contains(&digits) {
        return Err(Error::invalid("contact_phone", "enter a phone number like 0161 496 0000 or +44 161 496 0000"));
    }
    Ok(value)
}

fn summary_of(case: &CaseRecord) -> CaseSummary {
    CaseSummary {
        case_id: case.case_id.to_string(),
        category: case.category,
        summary: case.summary.clone(),
        state: case.state,
        escalated: case.escalated,
        school_id: case.school_id.as_ref().map(ToString::to_string),
        school_name: case.school_name.clone(),
        partner_name: case.partner_name.clone(),
        created_at: rfc3339(case.created_at),
        updated_at: rfc3339(case.updated_at),
        closed_at: case.closed_at.map(rfc3339),
        archived: is_archived(case),
        assignee: case.assignee.clone(),
    }
}

fn detail_of(case: &CaseRecord, comments: &[CommentRecord]) -> CaseDetail {
    let reopen_until = match (case.state, case.closed_at, is_archived(case)) {
        (CaseState::Closed, Some(closed), false) => Some(rfc3339(closed + ARCHIVE_AFTER)),
        _ => None,
    };
    CaseDetail {
        case_id: case.case_id.to_string(),
        category: case.category,
        summary: case.summary.clone(),
        description: case.description.clone(),
        contact_name: case.contact_name.clone(),
        contact_phone: case.contact_phone.clone(),
        contact_email: case.contact_email.as_str().to_owned(),
        app_id: case.app_id.to_string(),
        school_id: case.school_id.as_ref().map(ToString::to_string),
        school_name: case.school_name.clone(),
        partner_id: case.partner_id.to_string(),
        partner_name: case.partner_name.clone(),
        raised_by: case.raised_by.clone(),
        state: case.state,
        escalated: case.escalated,
        escalation_reason: case.escalation_reason.clone(),
        escalated_at: case.escalated_at.map(rfc3339),
        created_at: rfc3339(case.created_at),
        updated_at: rfc3339(case.updated_at),
        closed_at: case.closed_at.map(rfc3339),
        reopen_until,
        archived: is_archived(case),
        assignee: case.assignee.clone(),
        comments: comments
            .iter()
            .map(|comment| CaseComment {
                seq: comment.seq,
                author_kind: comment.author_kind,
                author_name: comment.author_name.clone(),
                text: comment.text.clone(),
                at: rfc3339(comment.at),
            })
            .collect(),
    }
}

async fn detail(gatehouse: &Gatehouse, case_id: &CaseId) -> Result<CaseDetail> {
    let (loaded, comments) = load_with_comments(gatehouse, case_id).await?;
    Ok(detail_of(&loaded.case, &comments))
}

/// The email telling support about a new or escalated case, for the outbox
/// in the case's transaction (issue 18: sent once, after the case is saved,
/// and neither lost nor doubled by a retry).
fn support_notice(gatehouse: &Gatehouse, case: &CaseRecord) -> Result<TransactWrite> {
    let link = format!("{}/ops/cases/{}", gatehouse.settings.public_url, case.case_id);
    let email = emails::case_for_support(gatehouse.settings.support_email.clone(), &case.mail(), &link)?;
    outbox::email(email, gatehouse.clock.now())
}

/// The email telling the partner's contact about support's reply or close.
fn partner_notice(
    gatehouse: &Gatehouse,
    case: &CaseRecord,
    support_name: &str,
    reply: Option<&str>,
) -> Result<TransactWrite> {
    let link = format!("{}/cases/{}", gatehouse.settings.public_url, case.case_id);
    let email = emails::case_update(case.contact_email.clone(), &case.mail(), support_name, reply, &link)?;
    outbox::email(email, gatehouse.clock.now())
}

// ---------------------------------------------------------------- partners

/// P9 New Case. Retry-safe with an `Idempotency-Key` (the same key returns
/// the first case; without one, each call raises a case).
pub async fn open_case(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
    new: &NewCase,
    idempotency_key: Option<&str>,
) -> Result<CaseDetail> {
    let scope = format!("open_case\n{}", session.partner_id);
    let finish = |note: serde_json::Value| async move {
        let raw = note.as_str().unwrap_or_default().to_owned();
        detail(gatehouse, &CaseId::parse(&raw)?).await
    };
    let work = |commit| open_case_now(gatehouse, session, new, commit);
    idempotency::once_committing(gatehouse, &scope, idempotency_key, new, work, finish).await
}

async fn open_case_now(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
    new: &NewCase,
    commit: idempotency::Commit,
) -> Result<CaseDetail> {
    required("summary", &new.summary, MAX_SUMMARY)?;
    required("contact_name", &new.contact_name, MAX_NAME)?;
    phone(&new.contact_phone)?;
    EmailAddress::parse(&new.contact_email)
        .map_err(|_| Error::invalid("contact_email", "enter an email address like name@company.example"))?;
    required("description", &new.description, MAX_TEXT)?;
    // The body's ids (`NewCase` is a wire type of strings): a malformed app
    // is a field error, as before; any school the partner cannot name is not found.
    let app = links::app_of(session, new.app.as_deref().map(AppId::parse).transpose()?.as_ref())?;
    let school = match new.school_id.as_deref().map(str::trim).filter(|raw| !raw.is_empty()) {
        // Another partner's school, or one not linked to this app, is not found.
        Some(raw) => {
            let school = SchoolId::parse(raw).map_err(|_| Error::NotFound("school"))?;
            Some(links::load(gatehouse, session, &app, &school).await?.link)
        }
        None => None,
    };
    // The number is taken in the case's own transaction (issue 18): a failed
    // attempt leaves no gap, and its retry gets the number it would have had.
    for attempt in 0..5 {
        let (number, counter_write) =
            crate::store::records::next_number(gatehouse.table.as_ref(), &Key::CaseCounter).await?;
        let taken = Taken { number, counter_write, commit: commit.clone() };
        match open_numbered(gatehouse, session, new, school.as_ref(), &app, taken).await {
            Err(Error::Conflict(_)) if attempt < 4 => continue,
            done => return done,
        }
    }
    Err(Error::Conflict("cases are being opened fast; try again"))
}

/// A case number and the writes that take it.
struct Taken {
    number: i64,
    counter_write: TransactWrite,
    commit: idempotency::Commit,
}

/// Opens case number `taken.number`, taking it in the case's transaction.
async fn open_numbered(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
    new: &NewCase,
    school: Option<&SchoolLinkRecord>,
    app: &AppId,
    taken: Taken,
) -> Result<CaseDetail> {
    let Taken { number, counter_write, commit } = taken;
    let summary = required("summary", &new.summary, MAX_SUMMARY)?;
    let contact_name = required("contact_name", &new.contact_name, MAX_NAME)?;
    let contact_phone = phone(&new.contact_phone)?;
    let contact_email = EmailAddress::parse(&new.contact_email)
        .map_err(|_| Error::invalid("contact_email", "enter an email address like name@company.example"))?;
    let description = required("description", &new.description, MAX_TEXT)?;
    let app = app.clone();
    let now = gatehouse.clock.now();
    let case = CaseRecord {
        case_id: CaseId::from_number(number),
        partner_id: session.partner_id.clone(),
        partner_name: session.partner_name.clone(),
        app_id: app,
        school_id: school.as_ref().map(|link| link.school_id.clone()),
        school_name: school.as_ref().map(|link| link.name.clone()),
        category: new.category,
        summary,
        description,
        contact_name,
        contact_phone,
        contact_email,
        raised_by: session.display_name.clone(),
        state: CaseState::Open,
        escalated: false,
        escalation_reason: None,
        escalated_at: None,
        created_at: now,
        updated_at: now,
        closed_at: None,
        archived_at: None,
        assignee: None,
        comment_seq: 0,
    };
    let before = LoadedCase { case: case.clone(), version: 0 };
    let mut writes = vec![counter_write, support_notice(gatehouse, &case)?];
    writes.extend(commit.write(serde_json::Value::String(case.case_id.to_string())));
    save(gatehouse, &before, case.clone(), writes).await?;
    tracing::info!(case_id = %case.case_id, partner_id = %case.partner_id, "case opened");
    outbox::deliver(gatehouse).await?;
    Ok(detail_of(&case, &[]))
}

/// Opaque list cursor: the position the store returned, checked against the
/// partition on the way back in so it cannot point anywhere else.
fn encode_cursor(cursor: &Cursor) -> String {
    let gsi1 = cursor.gsi1.clone().unwrap_or_default();
    let parts = [cursor.pk.as_str(), cursor.sk.as_str(), gsi1.0.as_str(), gsi1.1.as_str()];
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&parts).unwrap_or_default())
}

fn decode_cursor(raw: &str, index: Index, partition: &str) -> Result<Cursor> {
    let invalid = || Error::invalid("cursor", "pass back the next_cursor of the previous page unchanged");
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?;
    let [pk, sk, gsi_pk, gsi_sk]: [String; 4] = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    let cursor = match index {
        Index::Gsi1 if gsi_pk == partition => Cursor { pk, sk, gsi1: Some((gsi_pk, gsi_sk)) },
        Index::Primary if pk == partition && gsi_pk.is_empty() => Cursor { pk, sk, gsi1: None },
        _ => return Err(invalid()),
    };
    Ok(cursor)
}

fn page_size(limit: Option<u32>) -> Result<u32> {
    match limit {
        None => Ok(DEFAULT_PAGE),
        Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
        Some(_) => Err(Error::invalid("limit", format!("use 1 to {MAX_PAGE}"))),
    }
}

async fn page(
    gatehouse: &Gatehouse,
    index: Index,
    partition: String,
    cursor: Option<&str>,
    limit: Option<u32>,
) -> Result<CasePage> {
    let mut query = Query::partition(index, partition.clone());
    query.limit = Some(page_size(limit)?);
    query.after = cursor.filter(|raw| !raw.is_empty()).map(|raw| decode_cursor(raw, index, &partition)).transpose()?;
    let found = gatehouse.table.query(query).await?;
    let items = found
        .items
        .iter()
        .map(|item| from_item::<CaseRecord>(item).map(|case| summary_of(&case)))
        .collect::<Result<_, _>>()?;
    Ok(CasePage { items, next_cursor: found.next.as_ref().map(encode_cursor) })
}

/// The Active Cases tab (not closed, or closed less than 30 days ago) or the
/// archive, newest activity first: one Query on the partner's bucket.
pub async fn list_for_partner(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
    query: &CaseListQuery,
) -> Result<CasePage> {
    let partition = partner_cases_partition(&session.partner_id, query.filter);
    page(gatehouse, Index::Gsi1, partition, query.cursor.as_deref(), query.limit).await
}

/// One of the partner's cases with its conversation.
pub async fn get_for_partner(gatehouse: &Gatehouse, session: &SessionRecord, case_id: &CaseId) -> Result<CaseDetail> {
    let (loaded, comments) = load_with_comments(gatehouse, case_id).await?;
    if loaded.case.partner_id != session.partner_id {
        return Err(Error::NotFound("case"));
    }
    Ok(detail_of(&loaded.case, &comments))
}

/// Adds `text` by `author` and moves the case to `state`; a closed case
/// takes no comments.
async fn add_comment(
    gatehouse: &Gatehouse,
    loaded: LoadedCase,
    author: (CommentAuthor, &str),
    text: &str,
    state: CaseState,
    commit: idempotency::Commit,
) -> Result<CaseRecord> {
    let (author_kind, author_name) = author;
    let notify_partner = author_kind == CommentAuthor::Support;
    let text = required("text", text, MAX_TEXT)?;
    if !loaded.case.state.is_active() {
        return Err(Error::Conflict("this case is closed; reopen it to add a comment"));
    }
    let now = gatehouse.clock.now();
    let mut case = loaded.case.clone();
    case.comment_seq += 1;
    case.state = state;
    case.updated_at = now;
    let comment =
        CommentRecord { seq: case.comment_seq, author_kind, author_name: author_name.to_owned(), text, at: now };
    let mut writes = vec![comment_write(&case, &comment)];
    writes.extend(commit.write(serde_json::Value::Null));
    if notify_partner {
        writes.push(partner_notice(gatehouse, &case, author_name, Some(comment.text.as_str()))?);
    }
    save(gatehouse, &loaded, case.clone(), writes).await?;
    outbox::deliver(gatehouse).await?;
    Ok(case)
}

/// A partner comment: the case now awaits support. Honours `Idempotency-Key`.
pub async fn comment_as_partner(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
    case_id: &CaseId,
    comment: &CaseCommentRequest,
    idempotency_key: Option<&str>,
) -> Result<CaseDetail> {
    let text = comment.text.as_str();
    let loaded = load_for_partner(gatehouse, session, case_id).await?;
    let id = loaded.case.case_id.clone();
    let scope = format!("case_comment\n{}\n{id}", session.partner_id);
    let author = (CommentAuthor::Partner, session.display_name.as_str());
    let work = |commit| async {
        add_comment(gatehouse, loaded, author, text, CaseState::AwaitingSupport, commit).await?;
        detail(gatehouse, &id).await
    };
    let finish = |_| detail(gatehouse, &id);
    idempotency::once_committing(gatehouse, &scope, idempotency_key, &text, work, finish).await
}

/// Escalates with a reason: the case goes to the top of its queue and support
/// is emailed. Escalating an escalated case changes nothing.
pub async fn escalate(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
    case_id: &CaseId,
    request: &EscalateCaseRequest,
) -> Result<CaseDetail> {
    let reason = required("reason", &request.reason, MAX_REASON)?;
    let loaded = load_for_partner(gatehouse, session, case_id).await?;
    let id = loaded.case.case_id.clone();
    if !loaded.case.state.is_active() {
        return Err(Error::Conflict("this case is closed; reopen it before escalating"));
    }
    if !loaded.case.escalated {
        let now = gatehouse.clock.now();
        let mut case = loaded.case.clone();
        case.escalated = true;
        case.escalation_reason = Some(reason);
        case.escalated_at = Some(now);
        case.updated_at = now;
        save(gatehouse, &loaded, case.clone(), vec![support_notice(gatehouse, &case)?]).await?;
        tracing::info!(case_id = %id, "case escalated");
        outbox::deliver(gatehouse).await?;
    }
    detail(gatehouse, &id).await
}

/// Closes the case, telling the partner's contact when support closes it
/// (the email in the outbox, in the case's transaction).
async fn close(gatehouse: &Gatehouse, loaded: LoadedCase, by_support: Option<&str>) -> Result<Option<CaseRecord>> {
    if !loaded.case.state.is_active() {
        return Ok(None);
    }
    let now = gatehouse.clock.now();
    let mut case = loaded.case.clone();
    case.state = CaseState::Closed;
    case.closed_at = Some(now);
    case.updated_at = now;
    let notices = match by_support {
        Some(support_name) => vec![partner_notice(gatehouse, &case, support_name, None)?],
        None => Vec::new(),
    };
    save(gatehouse, &loaded, case.clone(), notices).await?;
    outbox::deliver(gatehouse).await?;
    Ok(Some(case))
}

/// The partner closes a case; closing a closed case changes nothing.
pub async fn close_as_partner(gatehouse: &Gatehouse, session: &SessionRecord, case_id: &CaseId) -> Result<CaseDetail> {
    let loaded = load_for_partner(gatehouse, session, case_id).await?;
    let id = loaded.case.case_id.clone();
    close(gatehouse, loaded, None).await?;
    detail(gatehouse, &id).await
}

/// Reopens a case closed less than 30 days ago (it then awaits support);
/// after that it is archived for good (`CaseArchived`). Reopening an open
/// case changes nothing.
pub async fn reopen(gatehouse: &Gatehouse, session: &SessionRecord, case_id: &CaseId) -> Result<CaseDetail> {
    let loaded = load_for_partner(gatehouse, session, case_id).await?;
    let id = loaded.case.case_id.clone();
    if loaded.case.state.is_active() {
        return detail(gatehouse, &id).await;
    }
    let now = gatehouse.clock.now();
    let closed_at = loaded.case.closed_at.unwrap_or(loaded.case.updated_at);
    if is_archived(&loaded.case) || now >= closed_at + ARCHIVE_AFTER {
        return Err(Error::CaseArchived);
    }
    let mut case = loaded.case.clone();
    case.state = CaseState::AwaitingSupport;
    case.closed_at = None;
    case.updated_at = now;
    save(gatehouse, &loaded, case, Vec::new()).await?;
    detail(gatehouse, &id).await
}

// ----------------------------------------------------------------- support

/// The support queue (O1): one state's cases, escalated first, then the
/// longest waiting; one Query on that state's partition.
pub async fn queue(
    gatehouse: &Gatehouse,
    filter: QueueFilter,
    cursor: Option<&str>,
    limit: Option<u32>,
) -> Result<CasePage> {
    page(gatehouse, Index::Primary, case_queue_partition(filter.as_str()), cursor, limit).await
}

/// Any case, for the support team.
pub async fn get_for_support(gatehouse: &Gatehouse, case_id: &CaseId) -> Result<CaseDetail> {
    detail(gatehouse, case_id).await
}

/// A support reply: the case now awaits the partner, whose contact is
/// emailed. Honours `Idempotency-Key`.
pub async fn reply_as_support(
    gatehouse: &Gatehouse,
    case_id: &CaseId,
    support_name: &str,
    text: &str,
    idempotency_key: Option<&str>,
) -> Result<CaseDetail> {
    let loaded = load(gatehouse, case_id).await?;
    let id = loaded.case.case_id.clone();
    let scope = format!("case_reply\n{id}");
    let author = (CommentAuthor::Support, support_name);
    let work = |commit| async {
        add_comment(gatehouse, loaded, author, text, CaseState::AwaitingPartner, commit).await?;
        detail(gatehouse, &id).await
    };
    let finish = |_| detail(gatehouse, &id);
    idempotency::once_committing(gatehouse, &scope, idempotency_key, &(support_name, text), work, finish).await
}

/// Support closes a case and the partner contact is told; closing a closed
/// case changes nothing and tells nobody.
pub async fn close_as_support(gatehouse: &Gatehouse, case_id: &CaseId, support_name: &str) -> Result<CaseDetail> {
    let loaded = load(gatehouse, case_id).await?;
    let id = loaded.case.case_id.clone();
    close(gatehouse, loaded, Some(support_name)).await?;
    detail(gatehouse, &id).await
}

/// Gives the case to a support agent (`None`: nobody).
pub async fn reassign(gatehouse: &Gatehouse, case_id: &CaseId, request: &ReassignCase) -> Result<CaseDetail> {
    let assignee = request.assignee.as_deref().map(|name| required("assignee", name, MAX_NAME)).transpose()?;
    let loaded = load(gatehouse, case_id).await?;
    let id = loaded.case.case_id.clone();
    if loaded.case.assignee != assignee {
        let mut case = loaded.case.clone();
        case.assignee = assignee;
        save(gatehouse, &loaded, case, Vec::new()).await?;
    }
    detail(gatehouse, &id).await
}

// --------------------------------------------------------------------- job

/// What one run of the archive job did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct ArchiveRun {
    /// Cases moved to the archive.
    pub archived: u32,
    /// Closed less than 30 days ago: left on the Active Cases tab.
    pub not_yet_due: u32,
    /// Queue entries that no longer matched their case, removed.
    pub stale: u32,
}

/// E1: archives every case closed 30 or more days ago. Reads the `closed`
/// queue (only cases closed and not yet archived live there); archiving moves
/// the case to its partner's archived bucket and its queue entry to the
/// archive in one transaction, so a second run finds nothing to do.
pub async fn archive_due(gatehouse: &Gatehouse) -> Result<ArchiveRun> {
    let now = gatehouse.clock.now();
    let closed =
        query_all(gatehouse.table.as_ref(), Query::partition(Index::Primary, case_queue_partition("closed"))).await?;
    let mut run = ArchiveRun::default();
    for entry in closed {
        let copy: CaseRecord = from_item(&entry)?;
        let loaded = match load(gatehouse, &copy.case_id).await {
            Ok(loaded) => Some(loaded),
            Err(Error::NotFound(_)) => None,
            Err(error) => return Err(error),
        };
        let current = loaded.as_ref().filter(|loaded| {
            let (pk, sk) = queue_key(&loaded.case);
            (pk.as_str(), sk.as_str()) == (entry.pk.as_str(), entry.sk.as_str())
        });
        let Some(loaded) = current else {
            gatehouse.table.delete(&entry.pk, &entry.sk, Condition::Always).await?;
            run.stale += 1;
            continue;
        };
        let closed_at = loaded.case.closed_at.unwrap_or(loaded.case.updated_at);
        if now < closed_at + ARCHIVE_AFTER {
            run.not_yet_due += 1;
            continue;
        }
        let mut case = loaded.case.clone();
        case.archived_at = Some(now);
        match save(gatehouse, loaded, case, Vec::new()).await {
            Ok(()) => run.archived += 1,
            // Reopened meanwhile: tomorrow's run sees the new state.
            Err(Error::Conflict(_)) => {
                tracing::warn!(case_id = %copy.case_id, "archive skipped: the case changed meanwhile")
            }
            Err(error) => return Err(error),
        }
    }
    tracing::info!(archived = run.archived, not_yet_due = run.not_yet_due, stale = run.stale, "cases archived");
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn case(state: CaseState, escalated: bool) -> CaseRecord {
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        CaseRecord {
            case_id: CaseId::from_number(7),
            partner_id: PartnerId::parse("p1").unwrap(),
            partner_name: "P".into(),
            app_id: AppId::parse("a1").unwrap(),
            school_id: None,
            school_name: None,
            category: CaseCategory::Other,
            summary: "s".into(),
            description: "d".into(),
            contact_name: "c".into(),
            contact_phone: "0161 496 0000".into(),
            contact_email: EmailAddress::parse("c@p.example").unwrap(),
            raised_by: "r".into(),
            state,
            escalated,
            escalation_reason: None,
            escalated_at: None,
            created_at: at,
            updated_at: at,
            closed_at: (state == CaseState::Closed).then_some(at),
            archived_at: None,
            assignee: None,
            comment_seq: 0,
        }
    }

    #[test]
    fn references_parse_and_format() {
        assert_eq!(CaseId::from_number(123).as_str(), "GH-000123");
        assert_eq!(CaseId::from_number(1_234_567).as_str(), "GH-1234567");
        assert!(CaseId::parse("GH-000123").is_ok());
        for bad in ["GH-12", "gh-000123", "GH-00012a", "000123", "GH-000123#x"] {
            assert!(CaseId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn escalated_active_cases_sort_first_and_newer_partner_cases_first() {
        let escalated = queue_order(&case(CaseState::AwaitingSupport, true));
        let plain = queue_order(&case(CaseState::Open, false));
        assert!(escalated < plain);
        // Escalation no longer ranks a closed case.
        assert!(queue_order(&case(CaseState::Closed, true)).starts_with("1#"));
        let older = case(CaseState::Open, false);
        let mut newer = older.clone();
        newer.updated_at += Duration::seconds(1);
        assert!(partner_order(&newer) < partner_order(&older), "newest first");
        assert_eq!(partner_order(&older).len(), partner_order(&newer).len());
    }

    #[test]
    fn cursors_only_point_into_their_own_partition() {
        let cursor = Cursor {
            pk: "CASE#GH-000001".into(),
            sk: "CASE".into(),
            gsi1: Some(("PARTNER#p1#CASES#active".into(), "1#GH-000001".into())),
        };
        let raw = encode_cursor(&cursor);
        assert_eq!(decode_cursor(&raw, Index::Gsi1, "PARTNER#p1#CASES#active").unwrap(), cursor);
        assert!(decode_cursor(&raw, Index::Gsi1, "PARTNER#p2#CASES#active").is_err());
        assert!(decode_cursor("not base64!", Index::Gsi1, "PARTNER#p1#CASES#active").is_err());
    }

    #[test]
    fn phone_numbers_are_checked() {
        assert!(phone("+44 (0)161 496-0000").is_ok());
        assert_eq!(phone("").unwrap_err().to_string(), "contact_phone: this is required");
        assert!(phone("call me").is_err());
        assert!(phone("123").is_err());
    }
}
