//! The school's dashboard copy of each of its links (S3), under the school
//! (`SCHOOL#<school>` / `APP#<app>`). `links::commit` writes it in the link's
//! own transaction, so the copy never disagrees with the link.

use chrono::NaiveDate;
use gatehouse_model::{FeedStatus, GdprMode, InstallStatus, SchoolAppState, SchoolView, ScopeSet};
use serde::{Deserialize, Serialize};

use crate::base::keys::Key;
use crate::base::ports::{Condition, TransactWrite};
use crate::store::records::{SchoolLinkRecord, Waiting, plain_item};
use crate::{AppId, PartnerId, SchoolId};

/// The dashboard's copy of one link, under its school. Carries `app_id` and
/// `partner_id` first: `ingestion::school_links` reads it as its pointer.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolAppEntry {
    pub app_id: AppId,
    pub partner_id: PartnerId,
    pub school_id: SchoolId,
    pub app_name: String,
    pub partner_name: String,
    pub state: SchoolAppState,
    /// The partner cancelled the invitation: the school does not see it.
    #[serde(default)]
    pub hidden: bool,
    #[serde(default)]
    pub granted_scopes: ScopeSet,
    #[serde(default)]
    pub asking_for_more: ScopeSet,
    #[serde(default)]
    pub gdpr_mode: Option<GdprMode>,
    #[serde(default)]
    pub feed_status: Option<FeedStatus>,
    pub install_status: InstallStatus,
    #[serde(default)]
    pub mis: Option<String>,
    #[serde(default)]
    pub authorised_on: Option<NaiveDate>,
    #[serde(default)]
    pub authorised_by: Option<String>,
    #[serde(default)]
    pub revoke_on: Option<NaiveDate>,
    #[serde(default)]
    pub revoked_on: Option<NaiveDate>,
    #[serde(default)]
    pub invited_on: Option<NaiveDate>,
    /// #16: when access ended, while the app has not confirmed erasure.
    #[serde(default)]
    pub erasure_owed_since: Option<NaiveDate>,
}

/// Where a link stands, in the school's words.
pub fn state_of(link: &SchoolLinkRecord) -> SchoolAppState {
    match link.view {
        SchoolView::Pending => match link.waiting_for() {
            Some(Waiting::SchoolApproval) => SchoolAppState::AwaitingApproval,
            Some(Waiting::Verification) => SchoolAppState::AwaitingVerification,
            None => SchoolAppState::AskingForAccess,
        },
        SchoolView::Revoked => SchoolAppState::Revoked,
        SchoolView::Active if link.revoke_on.is_some() => SchoolAppState::RevokePending,
        SchoolView::Active => SchoolAppState::Active,
    }
}

/// New scopes an authorised app asks for that the school has not granted.
fn asking_for_more(link: &SchoolLinkRecord) -> ScopeSet {
    match (&link.reauthorisation_requested_for, link.view) {
        (Some(requested), SchoolView::Active) => requested.difference(&link.granted_scopes).copied().collect(),
        _ => ScopeSet::new(),
    }
}

pub fn entry_of(link: &SchoolLinkRecord) -> SchoolAppEntry {
    SchoolAppEntry {
        app_id: link.app_id.clone(),
        partner_id: link.partner_id.clone(),
        school_id: link.school_id.clone(),
        app_name: link.app_name.clone().unwrap_or_else(|| link.app_id.to_string()),
        partner_name: link.partner_name.clone().unwrap_or_else(|| link.partner_id.to_string()),
        state: state_of(link),
        hidden: link.cancelled_on.is_some(),
        granted_scopes: link.granted_scopes.clone(),
        asking_for_more: asking_for_more(link),
        gdpr_mode: link.gdpr_mode,
        feed_status: link.feed_status,
        install_status: link.install_status.clone(),
        mis: link.mis.clone(),
        authorised_on: link.authorised_on,
        authorised_by: link.authorised_by.clone(),
        revoke_on: link.revoke_on,
        revoked_on: link.revoked_on,
        invited_on: link.invited_on,
        erasure_owed_since: crate::store::erasures::owed(link),
    }
}

/// The write that keeps the school's dashboard copy of `link` in step;
/// `links::commit` adds it to every change of a link.
pub fn dashboard_entry(link: &SchoolLinkRecord) -> TransactWrite {
    let key = Key::SchoolApp(&link.school_id, &link.app_id);
    TransactWrite::Put { item: plain_item(&key, &entry_of(link), 1), condition: Condition::Always }
}
