//! The Authorisation Log (P8): who invited, authorised, changed or revoked
//! what, and when. Append-only and tamper-evident: each entry's hash covers
//! its own fields and the previous entry's hash, and the link record keeps
//! the newest hash, so an edited or deleted entry breaks the chain.
//!
//! An entry is written in the same transaction as the change it records,
//! conditional on the link's version, so the log never disagrees with the
//! state and two writers cannot both append entry `n`.

use chrono::{DateTime, SecondsFormat, Utc};
use gatehouse_model::{LogEntry, LogEvent};
use sha2::{Digest, Sha256};

use crate::base::keys::{Key, LOG_ENTRY_PREFIX, log_partition};
use crate::base::ports::{Condition, Index, Query, Table, TransactWrite, query_all};
use crate::store::records::{LogEntryRecord, SchoolLinkRecord, from_item, plain_item};
use crate::{AppId, Result, SchoolId};

/// Appends an entry to `link`'s log: advances the link's sequence and head
/// hash, and returns the write that stores the entry.
pub fn append(
    link: &mut SchoolLinkRecord,
    event: LogEvent,
    actor: &str,
    detail: impl Into<String>,
    at: DateTime<Utc>,
) -> TransactWrite {
    let seq = link.log_seq + 1;
    let mut entry = LogEntryRecord {
        seq,
        at,
        event,
        actor: actor.to_owned(),
        detail: detail.into(),
        prev_hash: link.log_head.clone(),
        hash: String::new(),
    };
    entry.hash = chain_hash(&entry);
    link.log_seq = seq;
    link.log_head = Some(entry.hash.clone());
    let key = Key::LogEntry(&link.app_id, &link.school_id, seq);
    TransactWrite::Put {
        item: plain_item(&key, &entry, 1),
        // Entry n exists once: a replayed append fails instead of forking the chain.
        condition: Condition::NotExists,
    }
}

/// SHA-256 over the entry's fields, one per line, after the previous hash.
fn chain_hash(entry: &LogEntryRecord) -> String {
    let event = serde_json::to_string(&entry.event).unwrap_or_default();
    let text = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        entry.prev_hash.as_deref().unwrap_or(""),
        entry.seq,
        entry.at.to_rfc3339_opts(SecondsFormat::Micros, true),
        event,
        entry.actor,
        entry.detail
    );
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Every entry of a link's log, oldest first.
pub async fn read(table: &dyn Table, app: &AppId, school: &SchoolId) -> Result<Vec<LogEntryRecord>> {
    let query = Query::partition(Index::Primary, log_partition(app, school)).with_prefix(LOG_ENTRY_PREFIX);
    let items = query_all(table, query).await?;
    Ok(items.iter().map(from_item).collect::<Result<Vec<_>, _>>()?)
}

/// Where a chain check failed.
#[derive(Debug, PartialEq, Eq)]
pub struct BrokenChain {
    pub seq: u32,
    pub reason: &'static str,
}

/// Checks a log read with `read` against the link's head hash.
pub fn verify(entries: &[LogEntryRecord], head: Option<&str>) -> Result<(), BrokenChain> {
    let mut previous: Option<&str> = None;
    for (index, entry) in entries.iter().enumerate() {
        let seq = entry.seq;
        if seq as usize != index + 1 {
            return Err(BrokenChain { seq, reason: "an entry is missing" });
        }
        if entry.prev_hash.as_deref() != previous {
            return Err(BrokenChain { seq, reason: "the previous hash does not match" });
        }
        if chain_hash(entry) != entry.hash {
            return Err(BrokenChain { seq, reason: "the entry was changed" });
        }
        previous = Some(&entry.hash);
    }
    if previous != head {
        return Err(BrokenChain { seq: entries.len() as u32, reason: "entries after this one are missing" });
    }
    Ok(())
}

/// The wire form, newest first.
pub fn to_wire(entries: Vec<LogEntryRecord>) -> Vec<LogEntry> {
    entries
        .into_iter()
        .rev()
        .map(|entry| LogEntry {
            seq: entry.seq,
            at: entry.at.to_rfc3339_opts(SecondsFormat::Secs, true),
            event: entry.event,
            actor: entry.actor,
            detail: entry.detail,
            hash: entry.hash,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::demo;
    use chrono::TimeZone;

    fn entries_of(writes: &[TransactWrite]) -> Vec<LogEntryRecord> {
        writes
            .iter()
            .map(|write| match write {
                TransactWrite::Put { item, .. } => from_item(item).unwrap(),
                other => panic!("an append is a put, got {other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_chain_verifies_and_any_edit_or_gap_breaks_it() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
        let mut link = demo::sample_link();
        let writes: Vec<_> = [LogEvent::Invited, LogEvent::Authorised, LogEvent::RevokeScheduled]
            .into_iter()
            .map(|event| append(&mut link, event, "Dana Demo", "detail", now))
            .collect();
        let entries = entries_of(&writes);
        assert_eq!(link.log_seq, 3);
        assert_eq!(verify(&entries, link.log_head.as_deref()), Ok(()));

        let mut edited = entries.clone();
        edited[1].actor = "Mallory".into();
        assert_eq!(verify(&edited, link.log_head.as_deref()).unwrap_err().reason, "the entry was changed");

        let gap = vec![entries[0].clone(), entries[2].clone()];
        assert_eq!(verify(&gap, link.log_head.as_deref()).unwrap_err().reason, "an entry is missing");

        let truncated = entries[..2].to_vec();
        assert!(verify(&truncated, link.log_head.as_deref()).is_err());
    }
}
