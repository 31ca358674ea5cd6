//! A school's MIS feed as stored: the agent's last push, the committed change
//! number, the ingest lease, the deletion guard's window and any held
//! extract. Ingestion writes it; the person store, the data API and the
//! portals read it.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use gatehouse_model::{ExtractKind, HeldExtractSummary, PushStatus, SchoolStatus};
use serde::{Deserialize, Serialize};

use crate::base::keys::{AgentActivity, Key, agent_activity_index};
use crate::base::ports::Item;
use crate::store::records::{from_item, to_attributes};
use crate::{Gatehouse, Result, SchoolId};

/// Default share of a school's persons that pushes may delete within
/// `DELETION_WINDOW` before the push going past it is held.
pub const DELETION_GUARD_PERCENT: u32 = 10;
/// The deletion guard's rolling window.
pub(crate) const DELETION_WINDOW: Duration = Duration::hours(24);

/// The school's MIS feed: its agent's last push, the committed change
/// number, the ingest lease and any held extract.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolFeedRecord {
    pub school_id: SchoolId,
    /// Every person write numbered up to here is in the store.
    #[serde(default)]
    pub committed_seq: u64,
    /// The last extract applied: what Cache Age counts from.
    #[serde(default)]
    pub last_extract_at: Option<DateTime<Utc>>,
    /// The agent's last push, applied or not: what the Inactive job watches.
    #[serde(default)]
    pub last_push_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_status: Option<PushStatus>,
    /// Live students, staff and contacts.
    #[serde(default)]
    pub persons: u32,
    /// Marked by the daily job when the agent fell silent.
    #[serde(default)]
    pub inactive: bool,
    #[serde(default)]
    pub lease: Option<Lease>,
    #[serde(default)]
    pub held: Option<HeldExtractRecord>,
    #[serde(default)]
    pub deletion_guard_percent: Option<u32>,
    /// Persons deleted by applied pushes (not releases) in the deletion
    /// guard's window, oldest first; older entries are dropped at each push.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recent_deletions: Vec<RecentDeletions>,
    /// The agent's first push (again after a purge): the 30 days before a
    /// purge count from here when no app was ever authorised (#16). Feeds
    /// from before it was kept read their last push instead.
    #[serde(default)]
    pub first_push_at: Option<DateTime<Utc>>,
    /// The school's MIS cache was purged (or is being purged) because no
    /// app had access for 30 days (#16); cleared by the first push accepted
    /// once an app has access again.
    #[serde(default)]
    pub purge: Option<MisPurgeRecord>,
    /// When the last purge finished, kept after the cache fills again: a
    /// sync token cut before it is refused, since the tombstones went too.
    #[serde(default)]
    pub last_purged_at: Option<DateTime<Utc>>,
}

/// The daily job's purge of a school's MIS cache (#16): when, and how many
/// records of each kind it deleted. Counts only, never a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MisPurgeRecord {
    pub started_at: DateTime<Utc>,
    /// Unset while the purge is under way (a run that stopped half-way is
    /// finished by the next one).
    #[serde(default)]
    pub finished_at: Option<DateTime<Utc>>,
    pub counts: gatehouse_model::PurgedRecords,
}

impl SchoolFeedRecord {
    pub(crate) fn new(school_id: SchoolId) -> Self {
        SchoolFeedRecord {
            school_id,
            committed_seq: 0,
            last_extract_at: None,
            last_push_at: None,
            last_status: None,
            persons: 0,
            inactive: false,
            lease: None,
            held: None,
            deletion_guard_percent: None,
            recent_deletions: Vec::new(),
            first_push_at: None,
            purge: None,
            last_purged_at: None,
        }
    }

    /// Persons deleted within the deletion guard's window before `now`.
    pub fn deleted_within_window(&self, now: DateTime<Utc>) -> u32 {
        self.recent_deletions.iter().filter(|entry| entry.at > now - DELETION_WINDOW).map(|entry| entry.persons).sum()
    }

    pub fn item(&self, version: u64) -> Item {
        let key = Key::SchoolFeed(&self.school_id);
        let activity = if self.inactive { AgentActivity::Inactive } else { AgentActivity::Active };
        let gsi1 = self
            .last_push_at
            .map(|at| agent_activity_index(activity, &at.to_rfc3339_opts(SecondsFormat::Secs, true), &self.school_id));
        Item { pk: key.pk(), sk: key.sk(), gsi1, expires_at: None, version, attributes: to_attributes(self) }
    }

    /// The status the school's lists show, from the agent's side.
    pub fn school_status(&self) -> SchoolStatus {
        if self.inactive {
            return SchoolStatus::Inactive;
        }
        if self.held.is_some() {
            return SchoolStatus::Warning;
        }
        match self.last_status {
            Some(PushStatus::Ok) => SchoolStatus::Ok,
            Some(PushStatus::Warning) => SchoolStatus::Warning,
            Some(PushStatus::Error) => SchoolStatus::Error,
            None => SchoolStatus::Unknown,
        }
    }
}

/// A push holding the school's ingest lease.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lease {
    pub id: String,
    pub until: DateTime<Utc>,
}

/// Persons one applied push deleted, and when: an entry of the deletion
/// guard's window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecentDeletions {
    pub at: DateTime<Utc>,
    pub persons: u32,
}

/// An extract the deletion guard held, stored in parts under `HELD#`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldExtractRecord {
    /// New for every extract held (a delta joining it makes a new one too),
    /// so a release or reject names exactly the extract reviewed. Empty on
    /// records held before ids existed: `held_id` stands in.
    #[serde(default)]
    pub id: String,
    /// Records held before deltas could be were all full extracts.
    #[serde(default = "full_kind")]
    pub kind: ExtractKind,
    pub held_at: DateTime<Utc>,
    pub chunks: u32,
    pub would_delete: u32,
    pub persons_before: u32,
}

fn full_kind() -> ExtractKind {
    ExtractKind::Full
}

impl HeldExtractRecord {
    /// The identity a decision must name.
    pub fn held_id(&self) -> String {
        if self.id.is_empty() { self.held_at.to_rfc3339_opts(SecondsFormat::Secs, true) } else { self.id.clone() }
    }

    pub fn summary(&self) -> HeldExtractSummary {
        HeldExtractSummary {
            held_id: self.held_id(),
            kind: self.kind,
            held_at: self.held_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            would_delete: self.would_delete,
            persons_before: self.persons_before,
        }
    }
}

/// The feed record and its version, if the school has one.
pub async fn load_feed(gatehouse: &Gatehouse, school: &SchoolId) -> Result<Option<(SchoolFeedRecord, u64)>> {
    let key = Key::SchoolFeed(school);
    Ok(match gatehouse.table.get(&key.pk(), &key.sk()).await? {
        Some(item) => Some((from_item(&item)?, item.version)),
        None => None,
    })
}
