//! What the domain stores: one struct per entity, serialized into an item's
//! attributes. Field names are the stored attribute names; renaming one is a
//! data migration.

use chrono::{DateTime, NaiveDate, Utc};
use gatehouse_model::{
    AppSummary, AuthorisationReceipt, FeedStatus, GdprMode, InstallStatus, LogEvent, SchoolStatus, SchoolView,
    ScopeSet, TeamRole,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::base::keys::Key;
use crate::base::ports::{Item, StoreError};
use crate::{AppId, EmailAddress, PartnerId, SchoolId, TokenHash};

/// A partner user (P1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRecord {
    pub email: EmailAddress,
    pub display_name: String,
    pub partner_id: PartnerId,
    #[serde(default)]
    pub role: TeamRole,
}

/// A user as the team list shows them, stored under the partner so the team
/// is one query. Written in the same transaction as the `UserRecord`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberRecord {
    pub email: EmailAddress,
    pub display_name: String,
    pub role: TeamRole,
    pub added_at: DateTime<Utc>,
    #[serde(default)]
    pub added_by: Option<String>,
}

/// Points from a user to a live session (same TTL), so removing the user
/// from the team can end every session they have.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserSessionRecord {
    pub session_hash: TokenHash,
}

/// A partner organisation (P1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerRecord {
    pub partner_id: PartnerId,
    pub name: String,
}

/// One of a partner's apps (P1, P10).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppRecord {
    pub app_id: AppId,
    pub partner_id: PartnerId,
    pub name: String,
    /// P10 permission set: what the app asks schools for.
    #[serde(default)]
    pub requested_scopes: ScopeSet,
    /// When the permission set last changed, which changes what the app
    /// reads at every school: a OneRoster delta from before is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes_changed_at: Option<DateTime<Utc>>,
}

/// An unused sign-in link; the item's key is the token hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginLinkRecord {
    pub email: EmailAddress,
    pub created_at: DateTime<Utc>,
}

/// A signed-in session with a snapshot of who the user is, taken at sign-in,
/// so that every authenticated request costs one read to identify.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub email: EmailAddress,
    pub display_name: String,
    pub partner_id: PartnerId,
    pub partner_name: String,
    #[serde(default)]
    pub role: TeamRole,
    pub apps: Vec<AppSummary>,
    pub created_at: DateTime<Utc>,
}

/// A member of a school's staff with a school portal account (S3). One
/// school per account: the address is the key.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolUserRecord {
    pub email: EmailAddress,
    pub display_name: String,
    /// Their role at the school as they gave it, e.g. "Data Manager".
    pub role: String,
    pub school_id: SchoolId,
    pub urn: String,
    pub school_name: String,
    pub added_at: DateTime<Utc>,
    /// Who added them; `None` for the contact who authorised the first app.
    #[serde(default)]
    pub added_by: Option<String>,
    /// Admin or member (#12). Absent reads as member: no powers by accident.
    #[serde(default)]
    pub access: TeamRole,
}

/// A school portal session: who and which school, one read per request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolSessionRecord {
    pub email: EmailAddress,
    pub display_name: String,
    pub role: String,
    /// Copied from the account when the session starts; a change of access
    /// ends every session of the account, so this is never stale.
    #[serde(default)]
    pub access: TeamRole,
    pub school_id: SchoolId,
    pub urn: String,
    pub school_name: String,
    pub created_at: DateTime<Utc>,
}

/// A Gatehouse operations user (O1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpsUserRecord {
    pub email: EmailAddress,
    pub display_name: String,
    pub added_at: DateTime<Utc>,
}

/// An operations console session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpsSessionRecord {
    pub email: EmailAddress,
    pub display_name: String,
    pub created_at: DateTime<Utc>,
}

/// API calls counted for one calendar month (A5, "Month Stats").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthUsage {
    /// `YYYY-MM`.
    pub month: String,
    pub calls: u64,
}

/// The relationship between one app and one school: everything the partner's
/// lists show about it (P2–P4). School-level facts (name, MIS, agent health)
/// are copied here so a list page is a single query.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchoolLinkRecord {
    pub school_id: SchoolId,
    pub app_id: AppId,
    pub partner_id: PartnerId,
    pub name: String,
    #[serde(default)]
    pub urn: Option<String>,
    #[serde(default)]
    pub local_authority: Option<String>,
    #[serde(default)]
    pub postcode: Option<String>,
    #[serde(default)]
    pub mis: Option<String>,
    pub view: SchoolView,
    pub status: SchoolStatus,
    #[serde(default)]
    pub authorised_on: Option<NaiveDate>,
    #[serde(default)]
    pub gdpr_mode: Option<GdprMode>,
    #[serde(default)]
    pub feed_status: Option<FeedStatus>,
    #[serde(default)]
    pub usage: Option<MonthUsage>,
    pub install_status: InstallStatus,
    #[serde(default)]
    pub last_extract_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub active_cases: u32,
    #[serde(default)]
    pub revoke_on: Option<NaiveDate>,
    #[serde(default)]
    pub invited_on: Option<NaiveDate>,
    #[serde(default)]
    pub revoked_on: Option<NaiveDate>,
    /// A partner user's name, or "School" when the school revoked.
    #[serde(default)]
    pub revoked_by: Option<String>,
    #[serde(default)]
    pub school_contact: Option<EmailAddress>,
    #[serde(default)]
    pub partner_contact: Option<EmailAddress>,
    #[serde(default)]
    pub priority: bool,
    #[serde(default)]
    pub school_contact_name: Option<String>,
    #[serde(default)]
    pub school_contact_role: Option<String>,
    /// What the school authorised (P10); empty until it does, cleared on revoke.
    #[serde(default)]
    pub granted_scopes: ScopeSet,
    /// The requested set the school was last asked to re-authorise for, so a
    /// repeated permission-set save emails nobody twice.
    #[serde(default)]
    pub reauthorisation_requested_for: Option<ScopeSet>,
    /// The requested set the school last answered (approving all, some or
    /// none of it). Recording it makes an answer that grants nothing new a
    /// change to the link, which ends the emailed link (#12); scopes not
    /// approved stay on offer, so the school can approve them later.
    #[serde(default)]
    pub reauthorisation_answered_for: Option<ScopeSet>,
    /// The live "Begin Authorisation" link, if any: a newer one replaces it.
    #[serde(default)]
    pub invitation: Option<InvitationRef>,
    /// Set when the partner cancelled the invitation: the link is in no list.
    #[serde(default)]
    pub cancelled_on: Option<NaiveDate>,
    /// P11: the UK date the last reminder went out.
    #[serde(default)]
    pub last_reminded_on: Option<NaiveDate>,
    /// Who scheduled the pending revocation, for the log when the job applies it.
    #[serde(default)]
    pub revoke_requested_by: Option<String>,
    /// Entries in the Authorisation Log so far, and the newest entry's hash.
    #[serde(default)]
    pub log_seq: u32,
    #[serde(default)]
    pub log_head: Option<String>,
    /// Copies of the app's and partner's names, for the school's dashboard
    /// (S3), which lists links of many partners in one query.
    #[serde(default)]
    pub app_name: Option<String>,
    #[serde(default)]
    pub partner_name: Option<String>,
    /// "Name (role)" of who authorised, for the dashboard and receipts.
    #[serde(default)]
    pub authorised_by: Option<String>,
    /// An authorisation made through an emailed link that is not in force:
    /// it waits for the school's admins or for verification (#12).
    #[serde(default)]
    pub pending_grant: Option<PendingGrant>,
    /// #16: the app's confirmation that it erased the school's data after
    /// the revocation of `revoked_on`; one for an earlier revocation no
    /// longer counts.
    #[serde(default)]
    pub erasure: Option<ErasureRecord>,
    /// #16: the day-marks (7, 14) the partner was reminded of an
    /// unconfirmed erasure for, since the last revocation.
    #[serde(default)]
    pub erasure_reminded: Vec<u32>,
    /// When the school last changed what the app reads (its GDPR mode or
    /// granted scopes): a OneRoster delta from before is refused, as a
    /// native sync token is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_changed_at: Option<DateTime<Utc>>,
}

impl SchoolLinkRecord {
    /// A link as an invitation first makes it: Pending, nothing installed,
    /// granted, scheduled or logged yet, and no contacts.
    pub fn new(school_id: SchoolId, app_id: AppId, partner_id: PartnerId, name: String) -> Self {
        SchoolLinkRecord {
            school_id,
            app_id,
            partner_id,
            name,
            urn: None,
            local_authority: None,
            postcode: None,
            mis: None,
            view: SchoolView::Pending,
            status: SchoolStatus::NotInstalled,
            authorised_on: None,
            gdpr_mode: None,
            feed_status: None,
            usage: None,
            install_status: InstallStatus::OnboardingQueue,
            last_extract_at: None,
            active_cases: 0,
            revoke_on: None,
            invited_on: None,
            revoked_on: None,
            revoked_by: None,
            school_contact: None,
            partner_contact: None,
            priority: false,
            school_contact_name: None,
            school_contact_role: None,
            granted_scopes: ScopeSet::new(),
            reauthorisation_requested_for: None,
            reauthorisation_answered_for: None,
            invitation: None,
            cancelled_on: None,
            last_reminded_on: None,
            revoke_requested_by: None,
            log_seq: 0,
            log_head: None,
            app_name: None,
            partner_name: None,
            authorised_by: None,
            pending_grant: None,
            erasure: None,
            erasure_reminded: Vec::new(),
            grant_changed_at: None,
        }
    }

    /// The view that holds on `today` (a UK date): a link whose revocation
    /// date has come reads as revoked before the daily job records it (#12).
    pub fn view_on(&self, today: NaiveDate) -> SchoolView {
        match self.view {
            SchoolView::Active if self.revoke_on.is_some_and(|on| on <= today) => SchoolView::Revoked,
            view => view,
        }
    }

    /// What a pending authorisation waits for, if it does.
    pub fn waiting_for(&self) -> Option<Waiting> {
        self.pending_grant.as_ref().map(|grant| grant.waiting_for)
    }
}

/// Who must act before a pending authorisation takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Waiting {
    /// The school has admins: one of them approves or declines.
    SchoolApproval,
    /// The school has no admin yet and the authoriser's address is not at a
    /// verified domain of the school: operations verify them.
    Verification,
}

/// What someone chose in the S2 wizard, held until it may take effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingGrant {
    pub email: EmailAddress,
    pub name: String,
    pub role: String,
    pub mis: String,
    pub scopes: ScopeSet,
    pub gdpr_mode: GdprMode,
    pub feed_status: FeedStatus,
    pub requested_at: DateTime<Utc>,
    pub waiting_for: Waiting,
}

/// The live invitation link of a school link.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationRef {
    pub token_hash: TokenHash,
    pub sent_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Set while the token's email has not gone out (issue 18): committed
    /// with the token, cleared just before the send and set again if the
    /// send fails, so a retry finds an email still owed and sends it, with a
    /// fresh token (the first is stored only as a hash).
    #[serde(default)]
    pub unsent: Option<InvitationEmail>,
}

/// Which email an invitation token was issued for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationEmail {
    /// "Begin Authorisation": an invitation, resend, re-invite or forward.
    Invitation,
    /// The app asks for more scopes (P10).
    Reauthorisation,
}

/// An invitation link, keyed by its token hash: which school link it opens.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationRecord {
    pub app_id: AppId,
    pub school_id: SchoolId,
    pub partner_id: PartnerId,
    pub contact_email: EmailAddress,
    pub contact_name: String,
    pub created_at: DateTime<Utc>,
    /// Set when the wizard was completed with this link: it cannot authorise
    /// again, and opening it shows this.
    #[serde(default)]
    pub receipt: Option<AuthorisationReceipt>,
    /// Set when the wizard was completed but the grant waits (#12).
    #[serde(default)]
    pub awaiting: Option<Waiting>,
}

/// One Authorisation Log entry as stored (append-only).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogEntryRecord {
    pub seq: u32,
    pub at: DateTime<Utc>,
    pub event: LogEvent,
    pub actor: String,
    pub detail: String,
    #[serde(default)]
    pub prev_hash: Option<String>,
    pub hash: String,
}

/// A revocation waiting for its date; deleted when applied or cancelled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevocationDueRecord {
    pub app_id: AppId,
    pub school_id: SchoolId,
    pub revoke_on: NaiveDate,
}

/// #16: what an app confirmed it erased after access to a school ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureRecord {
    /// The revocation it answers (`SchoolLinkRecord::revoked_on`).
    pub revoked_on: NaiveDate,
    pub erased_at: DateTime<Utc>,
    pub records: bool,
    /// `None`: the app kept no backups of the school's data.
    pub backups_erased_by: Option<NaiveDate>,
    pub note: Option<String>,
    pub confirmed_at: DateTime<Utc>,
    pub log_seq: u32,
}

/// #16: a revoked link on the erasure list, until the app confirms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErasureDueRecord {
    pub app_id: AppId,
    pub school_id: SchoolId,
    pub partner_id: PartnerId,
    pub revoked_on: NaiveDate,
}

/// A pending invitation on the reminder job's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReminderDueRecord {
    pub app_id: AppId,
    pub school_id: SchoolId,
}

/// A request done under an `Idempotency-Key`: claimed first, then its result.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdempotencyRecord {
    /// Hash of the request body: a key reused for a different request is refused.
    pub fingerprint: String,
    #[serde(default)]
    pub result: Option<Value>,
    /// Set in the transaction of the request's change (`idempotency::
    /// once_committing`): the change stands though the request did not
    /// finish, and this is what a retry needs to finish it (issue 18).
    #[serde(default)]
    pub committed: Option<Value>,
}

/// The next number of the counter item at `key` (attribute `last`), and the
/// write that takes it, for the transaction of what the number is for: a
/// failed attempt then leaves no gap, and a lost race fails that transaction
/// (issue 18). DynamoDB's atomic `ADD` cannot join a transaction.
pub(crate) async fn next_number(
    table: &dyn crate::base::ports::Table,
    key: &Key<'_>,
) -> Result<(i64, crate::base::ports::TransactWrite), StoreError> {
    use crate::base::ports::{Condition, TransactWrite};
    let (pk, sk) = (key.pk(), key.sk());
    let (last, version, condition) = match table.get(&pk, &sk).await? {
        Some(item) => {
            let last = item.attributes.get("last").and_then(Value::as_i64).unwrap_or(0);
            (last, item.version + 1, Condition::VersionIs(item.version))
        }
        None => (0, 1, Condition::NotExists),
    };
    let mut attributes = Map::new();
    attributes.insert("last".to_owned(), Value::from(last + 1));
    let item = Item { pk, sk, gsi1: None, expires_at: None, version, attributes };
    Ok((last + 1, TransactWrite::Put { item, condition }))
}

/// An entity stored at `key`: in no index, never expiring.
pub fn plain_item<T: Serialize>(key: &Key<'_>, record: &T, version: u64) -> Item {
    Item { pk: key.pk(), sk: key.sk(), gsi1: None, expires_at: None, version, attributes: to_attributes(record) }
}

/// A new item that dies at `expires_at` (DynamoDB's TTL, and every reader's
/// check): tokens, sessions and the like.
pub fn expiring_item<T: Serialize>(key: &Key<'_>, record: &T, expires_at: DateTime<Utc>) -> Item {
    plain_item(key, record, 1).expiring(expires_at)
}

/// The entity's fields as item attributes.
pub fn to_attributes<T: Serialize>(record: &T) -> Map<String, Value> {
    match serde_json::to_value(record) {
        Ok(Value::Object(map)) => map,
        // Records are structs; anything else is a programming error caught by tests.
        other => panic!("a record must serialize to an object, got {other:?}"),
    }
}

/// Reads an entity back; a mismatch means corrupt or unmigrated data.
pub fn from_item<T: DeserializeOwned>(item: &Item) -> Result<T, StoreError> {
    serde_json::from_value(Value::Object(item.attributes.clone())).map_err(|error| {
        StoreError::Unavailable(anyhow::Error::new(error).context(format!("unreadable item {}/{}", item.pk, item.sk)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `skip_serializing_none` leaves an absent field out, as the per-field
    /// attributes it replaced did: a stored record holds no nulls and reads
    /// back the same.
    #[test]
    fn absent_fields_are_left_out_of_a_stored_record() {
        let id = |raw: &str| SchoolId::parse(raw).unwrap();
        let link = SchoolLinkRecord::new(
            id("3280001"),
            AppId::parse("demo-app").unwrap(),
            PartnerId::parse("demo-partner").unwrap(),
            "Castle Vale Primary".into(),
        );
        let json = serde_json::to_value(&link).unwrap();
        let fields = json.as_object().unwrap();
        assert!(fields.values().all(|value| !value.is_null()), "{json}");
        assert!(!fields.contains_key("revoke_on") && !fields.contains_key("school_contact"), "{json}");
        assert_eq!(serde_json::from_value::<SchoolLinkRecord>(json).unwrap(), link);
    }
}
