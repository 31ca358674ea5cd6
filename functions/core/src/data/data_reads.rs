//! The data API's reads (A1, A3): a school's students, staff, contacts and
//! groups for an app, a page at a time, in full or as changes since a sync
//! token. Every read passes the link's gate, the resource's scope, the GDPR
//! mode and the school's selections; a flag not granted is removed.
//!
//! A full listing walks the school's people partition in MIS-id order. A
//! delta reads the school's change feed for the resource after the token's
//! change number, then the app's selection changes after the token's
//! selection number (a person whose selection changed is sent again, or as
//! deleted when now hidden). A person hidden all along is never mentioned:
//! their MIS changes cannot make them visible, only a selection can.
//! Contacts and groups name pupils (and groups staff): when one of those
//! changed selection, a delta of contacts or groups then walks the
//! resource as a full listing does and sends again each record naming them
//! (a contact left with no shared pupil as deleted, #18). A contact the MIS
//! changed so that all its pupils are hidden is sent as deleted too, since
//! the app may hold it from before.
//!
//! Each page of persons served is recorded (`shared`), one write a page,
//! so `explain` can tell an app about the persons it held, and nothing
//! about any other id.
//!
//! Tokens and cursors are opaque to apps (base64url JSON), bound to the
//! school and to a fingerprint of the GDPR mode and readable scopes: when the
//! school changes either, a delta is refused with `sync_token_expired` and
//! the app runs a full sync, since records it holds may now be hidden.
//! Tokens also carry when their listing began: one older than
//! `SYNC_TOKEN_DAYS` is refused the same way, since tombstones expire
//! (`people::TOMBSTONE_DAYS`) and a delta that silently missed a deletion
//! would leave the app holding someone the school deleted.

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gatehouse_model::{DataPage, DataQuery, DataRecord, ExplainReason, Explanation, Resource};
use serde::{Deserialize, Serialize};

use crate::base::keys::{
    Key, after_change_seq, people_partition, person_change_index, person_prefix, selection_change_index,
};
use crate::base::ports::{Cursor, Index, Query, QueryPage};
use crate::data::feed::load_feed;
use crate::data::people::{
    Access, PersonRecord, Refusal, SYNC_TOKEN_DAYS, SelectionRecord, Selections, access, deleted, load_person,
    load_selections, named_ids, redact, require_scope, selection_rule,
};
use crate::partner::app_keys::AppCaller;
use crate::store::records::from_item;
use crate::{Error, Gatehouse, MisId, Result, SchoolId, data::people, data::shared, store::usage};

const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;

/// Which part of a delta a page is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Phase {
    /// A full listing, by MIS id.
    Full,
    /// A delta's MIS changes, by change number.
    Changes,
    /// A delta's selection changes, by selection number.
    Selections,
    /// A delta's contacts or groups naming a person whose selection
    /// changed, by MIS id.
    Relations,
}

/// Where a listing stands; the `next_cursor`, encoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Position {
    school: String,
    resource: Resource,
    fingerprint: String,
    /// The watermarks the final sync token will carry.
    persons: u64,
    selections: u64,
    phase: Phase,
    /// The last MIS id (full) or change number (delta) already returned.
    after: Option<String>,
    /// The token's change numbers, for a delta.
    since: Option<(u64, u64)>,
    /// When the token a delta started from was issued (epoch seconds).
    #[serde(default)]
    since_issued_at: Option<i64>,
    /// When this listing began (epoch seconds): its watermarks are from then.
    #[serde(default)]
    started_at: i64,
}

/// A `sync_token`, encoded: the watermarks a later delta starts after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct SyncToken {
    school: String,
    fingerprint: String,
    persons: u64,
    selections: u64,
    /// When the listing that cut the token began (epoch seconds). Tokens
    /// from before this was recorded have none, and are refused as too old.
    #[serde(default)]
    issued_at: Option<i64>,
}

/// `sync_token_expired` for a token issued at `issued_at` (or of unknown
/// age) that is older than `SYNC_TOKEN_DAYS`.
/// A token cut before the school's MIS cache was last purged (#16) is
/// refused too: the tombstones it would need went with the purge.
fn check_age(issued_at: Option<i64>, now: i64, purged_at: Option<i64>) -> Result<()> {
    let max_age = chrono::Duration::days(SYNC_TOKEN_DAYS).num_seconds();
    match issued_at {
        Some(at) if now - at <= max_age && purged_at.is_none_or(|purged| at > purged) => Ok(()),
        _ => Err(Error::Refused(Refusal::SyncTokenExpired)),
    }
}

fn encode<T: Serialize>(value: &T) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap_or_default())
}

fn decode<T: for<'de> Deserialize<'de>>(raw: &str) -> Result<T> {
    let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).map_err(|_| Error::Refused(Refusal::InvalidCursor))?;
    serde_json::from_slice(&bytes).map_err(|_| Error::Refused(Refusal::InvalidCursor))
}

/// Where this request starts: a cursor continues a listing, a token starts
/// a delta, nothing starts a full listing at the current watermarks.
fn start(
    query: &DataQuery,
    access: &Access,
    resource: Resource,
    committed: u64,
    selections: &Selections,
    now: i64,
    purged_at: Option<i64>,
) -> Result<Position> {
    let fingerprint = access.fingerprint();
    let school = access.school.to_string();
    if let Some(cursor) = &query.cursor {
        let position: Position = decode(cursor)?;
        if position.school != school || position.resource != resource {
            return Err(Error::Refused(Refusal::InvalidCursor));
        }
        if position.fingerprint != fingerprint {
            return Err(Error::Refused(Refusal::SyncTokenExpired));
        }
        if position.since.is_some() {
            check_age(position.since_issued_at, now, purged_at)?;
        }
        return Ok(position);
    }
    let fresh = |phase, since, since_issued_at| Position {
        school: school.clone(),
        resource,
        fingerprint: fingerprint.clone(),
        persons: committed,
        selections: selections.head,
        phase,
        after: None,
        since,
        since_issued_at,
        started_at: now,
    };
    match &query.since {
        Some(raw) => {
            let token: SyncToken = decode(raw)?;
            if token.school != school {
                return Err(Error::Refused(Refusal::InvalidCursor));
            }
            if token.fingerprint != fingerprint {
                return Err(Error::Refused(Refusal::SyncTokenExpired));
            }
            check_age(token.issued_at, now, purged_at)?;
            Ok(fresh(Phase::Changes, Some((token.persons, token.selections)), token.issued_at))
        }
        None => Ok(fresh(Phase::Full, None, None)),
    }
}

/// `GET /api/v1/schools/{school_id}/{resource}`: one page, full or delta.
pub async fn list(
    gatehouse: &Gatehouse,
    caller: &AppCaller,
    school: &SchoolId,
    resource: Resource,
    query: &DataQuery,
) -> Result<DataPage> {
    let access = access(gatehouse, &caller.app, school).await?;
    usage::count(gatehouse, &access.app, &access.school).await?;
    require_scope(&access, resource)?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(Error::invalid("limit", format!("ask for 1 to {MAX_LIMIT} records per page")));
    }
    let limit = limit as usize;
    let selections = load_selections(gatehouse, &access.app, &access.school).await?;
    let feed = load_feed(gatehouse, &access.school).await?.map(|(feed, _)| feed);
    let committed = feed.as_ref().map_or(0, |feed| feed.committed_seq);
    let purged_at = feed.as_ref().and_then(|feed| feed.last_purged_at).map(|at| at.timestamp());
    let now = gatehouse.clock.now().timestamp();
    let mut position = start(query, &access, resource, committed, &selections, now, purged_at)?;
    let listing = Listing { gatehouse, access: &access, selections: &selections };
    let mut data = Vec::new();
    let more = loop {
        let remaining = limit - data.len();
        let step = match position.phase {
            Phase::Full => listing.full(&mut position, remaining, &mut data).await?,
            Phase::Changes => listing.changes(&mut position, remaining, &mut data).await?,
            Phase::Selections => listing.reselected(&mut position, remaining, &mut data).await?,
            Phase::Relations => listing.relations(&mut position, remaining, &mut data).await?,
        };
        match step {
            Step::Exhausted if position.phase == Phase::Changes => {
                position.phase = Phase::Selections;
                position.after = None;
            }
            Step::Exhausted if position.phase == Phase::Selections => {
                position.phase = Phase::Relations;
                position.after = None;
            }
            Step::Exhausted => break false,
            Step::More if data.len() >= limit => break true,
            Step::More => {}
        }
    };
    let token = SyncToken {
        school: position.school.clone(),
        fingerprint: position.fingerprint.clone(),
        persons: position.persons,
        selections: position.selections,
        issued_at: Some(position.started_at),
    };
    shared::record(gatehouse, &access.app, &access.school, resource, shared::person_ids(&data)).await;
    Ok(DataPage { data, next_cursor: more.then(|| encode(&position)), sync_token: encode(&token) })
}

/// What every step of one page's listing reads: each step adds up to
/// `remaining` records to `data` and moves `position` on.
#[derive(Clone, Copy)]
struct Listing<'a> {
    gatehouse: &'a Gatehouse,
    access: &'a Access,
    selections: &'a Selections,
}

/// Whether a partition may hold more after a page.
enum Step {
    More,
    Exhausted,
}

/// Up to `remaining` of the school's people of `position.resource`, by id,
/// after `position.after`.
async fn people_after(
    gatehouse: &Gatehouse,
    access: &Access,
    position: &Position,
    remaining: usize,
) -> Result<QueryPage> {
    let partition = people_partition(&access.school);
    let mut query = Query::partition(Index::Primary, partition.clone()).with_prefix(person_prefix(position.resource));
    query.limit = Some(remaining as u32);
    query.after = position.after.as_ref().map(|id| Cursor {
        pk: partition.clone(),
        sk: Key::Person(&access.school, position.resource, id).sk(),
        gsi1: None,
    });
    Ok(gatehouse.table.query(query).await?)
}

/// Up to `remaining` entries of a change index (`index`, whose items live
/// under `table_partition`), numbered after the position's last one, or
/// after `since` on the first page.
async fn changes_after(
    gatehouse: &Gatehouse,
    position: &Position,
    since: u64,
    index: String,
    table_partition: String,
    remaining: usize,
) -> Result<QueryPage> {
    let after: u64 = match &position.after {
        Some(seq) => seq.parse().map_err(|_| Error::Refused(Refusal::InvalidCursor))?,
        None => since,
    };
    let mut query = Query::partition(Index::Gsi1, index.clone());
    query.limit = Some(remaining as u32);
    // A resume point between change numbers: no item has these keys.
    query.after =
        Some(Cursor { pk: table_partition, sk: "~".to_owned(), gsi1: Some((index, after_change_seq(after))) });
    Ok(gatehouse.table.query(query).await?)
}

/// The persons a contact or group of this listing may name whose selection
/// changed within the delta (after the token, up to the listing's
/// watermark; later ones come with the next delta).
fn changed_named(selections: &Selections, position: &Position) -> HashSet<String> {
    let since = position.since.map_or(0, |(_, selections)| selections);
    let named: &[Resource] = match position.resource {
        Resource::Contacts => &[Resource::Students],
        Resource::Groups => &[Resource::Students, Resource::Staff],
        Resource::Students | Resource::Staff => &[],
    };
    selections
        .choices
        .values()
        .filter(|choice| choice.seq > since && choice.seq <= position.selections && named.contains(&choice.resource))
        .map(|choice| choice.mis_id.clone())
        .collect()
}

impl Listing<'_> {
    /// A full listing: the people after the position, as the app may see them.
    async fn full(self, position: &mut Position, remaining: usize, data: &mut Vec<DataRecord>) -> Result<Step> {
        let Listing { gatehouse, access, selections } = self;
        let page = people_after(gatehouse, access, position, remaining).await?;
        for item in &page.items {
            let record: PersonRecord = from_item(item)?;
            if let Some(shown) = redact(access, selections, &record)? {
                data.push(shown);
            }
            position.after = Some(record.id);
        }
        Ok(if page.next.is_some() { Step::More } else { Step::Exhausted })
    }

    /// A delta: the people changed since the token, as the app may see them now.
    async fn changes(self, position: &mut Position, remaining: usize, data: &mut Vec<DataRecord>) -> Result<Step> {
        let Listing { gatehouse, access, selections } = self;
        let since = position.since.map_or(0, |(persons, _)| persons);
        let (index, _) = person_change_index(&access.school, position.resource, 0);
        let table_partition = people_partition(&access.school);
        let page = changes_after(gatehouse, position, since, index, table_partition, remaining).await?;
        for item in &page.items {
            let record: PersonRecord = from_item(item)?;
            position.after = Some(record.seq.to_string());
            // Hidden by the selection rules now, and (selections being reported
            // separately) hidden when the app last synced: say nothing.
            if selection_rule(access.mode, selections, record.resource, &record.id).is_err() {
                continue;
            }
            if record.deleted {
                data.push(deleted(&record.id));
            } else {
                // Hidden now by its pupils (a contact): the app may hold it from
                // when one of them was shared.
                data.push(redact(access, selections, &record)?.unwrap_or_else(|| deleted(&record.id)));
            }
        }
        Ok(if page.next.is_some() { Step::More } else { Step::Exhausted })
    }

    /// A delta: the people whose selection for the app changed since the token.
    async fn reselected(self, position: &mut Position, remaining: usize, data: &mut Vec<DataRecord>) -> Result<Step> {
        let Listing { gatehouse, access, selections } = self;
        let since = position.since.map_or(0, |(_, selections)| selections);
        let (index, _) = selection_change_index(&access.app, &access.school, 0);
        let table_partition = crate::base::keys::selection_partition(&access.app, &access.school);
        let page = changes_after(gatehouse, position, since, index, table_partition, remaining).await?;
        for item in &page.items {
            let changed: SelectionRecord = from_item(item)?;
            position.after = Some(changed.seq.to_string());
            // Changes after this listing's watermark come with the next delta.
            if changed.seq > position.selections || changed.resource != position.resource {
                continue;
            }
            let Some(record) = load_person(gatehouse, &access.school, changed.resource, &changed.mis_id).await? else {
                continue;
            };
            match redact(access, selections, &record)? {
                Some(shown) => data.push(shown),
                None => data.push(deleted(&record.id)),
            }
        }
        Ok(if page.next.is_some() { Step::More } else { Step::Exhausted })
    }

    /// Sends again the contacts or groups naming a person whose selection
    /// changed: a walk of the resource, as a full listing (no read when none
    /// changed, the usual case).
    async fn relations(self, position: &mut Position, remaining: usize, data: &mut Vec<DataRecord>) -> Result<Step> {
        let Listing { gatehouse, access, selections } = self;
        let changed = changed_named(selections, position);
        if changed.is_empty() {
            return Ok(Step::Exhausted);
        }
        let page = people_after(gatehouse, access, position, remaining).await?;
        for item in &page.items {
            let record: PersonRecord = from_item(item)?;
            position.after = Some(record.id.clone());
            // A contact hidden by its own selection is never mentioned here:
            // hidden all along, or reported with the selection changes.
            if record.deleted || selection_rule(access.mode, selections, record.resource, &record.id).is_err() {
                continue;
            }
            if !named_ids(&record).iter().any(|id| changed.contains(*id)) {
                continue;
            }
            data.push(redact(access, selections, &record)?.unwrap_or_else(|| deleted(&record.id)));
        }
        Ok(if page.next.is_some() { Step::More } else { Step::Exhausted })
    }
}

/// What `student` answers for a pupil hidden from the app and for one that
/// does not exist (a malformed id included): `explain` says which rule applies.
pub const STUDENT_NOT_SHARED: &str = "student shared with your app under this id (see the explain endpoint for why)";

/// `GET /api/v1/schools/{school_id}/students/{id}`: one pupil, if shared.
pub async fn student(gatehouse: &Gatehouse, caller: &AppCaller, school: &SchoolId, id: &MisId) -> Result<DataRecord> {
    let access = access(gatehouse, &caller.app, school).await?;
    usage::count(gatehouse, &access.app, &access.school).await?;
    require_scope(&access, Resource::Students)?;
    let selections = load_selections(gatehouse, &access.app, &access.school).await?;
    let record = load_person(gatehouse, &access.school, Resource::Students, id.as_str()).await?;
    let shown = match record {
        Some(record) => redact(&access, &selections, &record)?,
        None => None,
    }
    // Hidden and missing look the same here.
    .ok_or(Error::NotFound(STUDENT_NOT_SHARED))?;
    let ids = shared::person_ids(std::slice::from_ref(&shown));
    shared::record(gatehouse, &access.app, &access.school, Resource::Students, ids).await;
    Ok(shown)
}

/// `GET /api/v1/schools/{school_id}/explain?mis_id=`.
pub async fn explain(
    gatehouse: &Gatehouse,
    caller: &AppCaller,
    school_id: &SchoolId,
    mis_id: &MisId,
) -> Result<Explanation> {
    // Any school id gets an answer; one with no link to this app is "not
    // authorised", the same as a school that does not exist, so nothing can
    // be probed. (An id that cannot be one is refused at the edge: no school
    // or person has it, so refusing says nothing, issue 18.)
    let explanation = people::explain_for_app(gatehouse, &caller.app.app_id, school_id, mis_id).await?;
    if explanation.reason != ExplainReason::NotAuthorised {
        usage::count(gatehouse, &caller.app.app_id, school_id).await?;
    }
    Ok(explanation)
}
