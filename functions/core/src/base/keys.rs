//! Every partition, sort and index key, formatted here and nowhere else.
//!
//! Changing a format orphans stored items: migrate first, then update the
//! pinned test. `docs/DATA-MODEL.md` is the long form of this table.
//!
//! | Access pattern                      | Index   | Key condition                                         | Product |
//! |-------------------------------------|---------|-------------------------------------------------------|---------|
//! | User by email                       | primary | `USER#<email>` = `PROFILE` (school: `SCHOOLUSER#`, ops: `OPSUSER#`) | P1, S3, O1 |
//! | Partner profile                     | primary | `PARTNER#<partner>` = `PROFILE`                       | P1      |
//! | A partner's apps                    | primary | `PARTNER#<partner>`, begins_with `APP#`               | P1, P10 |
//! | Sign-in link by token hash          | primary | `LOGIN#<sha256>` = `LOGIN` (`SCHOOLLOGIN#`, `OPSLOGIN#`) | P1, S3, O1 |
//! | Session by id hash                  | primary | `SESSION#<sha256>` = `SESSION` (`SCHOOLSESSION#`, `OPSSESSION#`) | P1, S3, O1 |
//! | Rate-limit window                   | primary | `RATE#<scope>#<sha256>` = `WINDOW#<epoch>`            | P1      |
//! | A sign-in request waiting for its send | primary | `SIGNIN#<random id>` = `REQUEST`                   | P1, S3, O1 |
//! | One app–school link                 | primary | `APP#<app>` = `SCHOOL#<school>`                       | P2–P8   |
//! | Every link of an app (log audit)   | primary | `APP#<app>`, begins_with `SCHOOL#`                    | P8, O1  |
//! | An app's schools in one view, by name | GSI1  | `APP#<app>#VIEW#<view>`, sorted by `<name>#<school>`  | P2–P4   |
//! | A partner's team                    | primary | `PARTNER#<partner>`, begins_with `MEMBER#`            | Team    |
//! | A school's portal users             | primary | `SCHOOLTEAM#<school>`, begins_with `MEMBER#`          | S3      |
//! | A school team's log, by time        | primary | `SCHOOLTEAM#<school>`, begins_with `CHANGE#`          | S3, #12 |
//! | A user's live sessions              | primary | `USER#<email>` (or `SCHOOLUSER#`, `OPSUSER#`), begins_with `SESSION#` | Team |
//! | A school link's Authorisation Log   | primary | `LOG#<app>#<school>`, begins_with `ENTRY#` (by seq)   | P8, S3  |
//! | Invitation link by token hash       | primary | `INVITE#<sha256>` = `INVITE`                          | P6, S1  |
//! | A replayable request                | primary | `IDEMPOTENCY#<sha256 of scope and key>` = `RESULT`    | P6, A6  |
//! | Revocations waiting for their date  | primary | `SCHEDULE#revocations`, sorted by `<date>#<app>#<school>` | P6, E1 |
//! | Pending invitations to remind       | primary | `SCHEDULE#reminders`, sorted by `<app>#<school>`      | P11, E1 |
//! | App key by secret hash              | primary | `APPKEY#<sha256>` = `APPKEY`                          | A1, A6  |
//! | An app's keys (summaries)           | primary | `PARTNER#<partner>`, begins_with `APPKEY#<app>#`      | A1      |
//! | Directory school by URN             | primary | `DIRECTORY#<urn>` = `PROFILE`                         | P7, O1  |
//! | Directory search by word prefix     | primary | `DIRTERM#<first 2 chars>`, begins_with `<word>`       | P7, O1  |
//! | A school's people of one resource   | primary | `PEOPLE#<school>`, begins_with `<resource>#` (by MIS id) | A1, S3 |
//! | Persons a school erased (#16)       | primary | `ERASED#<school>`, begins_with `<resource>#` (by MIS id); read whole by ingestion | #16 |
//! | A school's changes since a seq      | GSI1    | `PEOPLECHG#<school>#<resource>`, after `<seq, 12 digits>` | A3 |
//! | A school's feed (agent state)       | primary | `SCHOOL#<school>` = `FEED`; change counter `SEQ`      | G1      |
//! | A school's apps (dashboard copies of its links) | primary | `SCHOOL#<school>`, begins_with `APP#`     | G1, S3  |
//! | Agents by last extract              | GSI1    | `AGENTS#<active\|inactive>`, sorted by `<time>#<school>` | G1, E1 |
//! | Agent key by secret hash            | primary | `AGENTKEY#<sha256>` = `AGENTKEY`; current one `SCHOOL#<school>` = `AGENTKEY` | G1 |
//! | An app's person selections at a school | primary | `SELECT#<app>#<school>`, begins_with `PERSON#`; head `HEAD` | S3, A1 |
//! | Selection changes since a seq       | GSI1    | `SELECTCHG#<app>#<school>`, after `<seq, 12 digits>`  | A3      |
//! | Pages of persons served to an app at a school | primary | `SHARED#<app>#<school>` (explain only)  | A1, #18 |
//! | A held extract's chunks             | primary | `HELD#<school>`, begins_with `CHUNK#`                 | G1      |
//! | API calls of an app in one month    | primary | `USAGE#<app>#<YYYY-MM>` = `SCHOOL#<school>` (counter)  | A5      |
//! | A support case and its comments     | primary | `CASE#<case>`: `CASE`, then `COMMENT#<seq>` in order   | P9, O1  |
//! | A partner's active / archived cases | GSI1    | `PARTNER#<partner>#CASES#<active\|archived>`, newest first | P9 |
//! | The support queue, one state        | primary | `CASEQUEUE#<state>`, escalated first, then oldest     | O1, E1  |
//! | The case reference counter          | primary | `COUNTER#cases` = `COUNTER`                           | P9      |
//! | An app's webhook                    | primary | `WEBHOOK#<app>` = `SETTINGS`                          | A4      |
//! | An app's webhook deliveries         | primary | `WEBHOOK#<app>`, begins_with `DELIVERY#` (by event id = time) | A4 |
//! | A school's onboarding               | primary | `SCHOOL#<school>` = `ONBOARDING`                      | S4      |
//! | Install slots, offered and booked   | primary | `ONBOARDING#slots`, sorted by `<YYYY-MM-DDTHH:MM>`    | S4, O1  |
//! | Every partner organisation (console list) | primary | `PARTNERS`, begins_with `PARTNER#`             | O1      |
//! | An international school request     | primary | `INTLREQ#<request>` = `REQUEST`                       | P7, O1  |
//! | International requests in one state | primary | `INTLQUEUE#<state>`, oldest first                     | O1      |
//! | A partner's international requests  | GSI1    | `PARTNER#<partner>#INTLREQS`, newest first            | P7      |
//! | International directory id counter  | primary | `COUNTER#international` = `COUNTER`                   | O1      |
//! | Authorisers awaiting verification   | primary | `VERIFYQUEUE`, sorted by `<app>#<school>`            | O1, #12 |
//! | Emails and events waiting to be sent | primary | `OUTBOX`, sorted by `<time>#<random>`                | #18     |
//! | An address that bounced or complained | primary | `SUPPRESSION` = `<sha256 of the lower-case address>`; the list read whole | #15 |

use chrono::NaiveDate;
use gatehouse_model::{AccountKind, CaseFilter, Resource, SchoolView};

use crate::{AppId, CaseId, EmailAddress, PartnerId, SchoolId, SchoolUrn, TokenHash};

/// Sort key of single-item partitions.
const PROFILE: &str = "PROFILE";

/// What a rate limit counts per window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateScope {
    SignInEmail,
    SignInIp,
    /// Public invitation-link endpoints (S1, S2), per caller.
    InvitationIp,
}

impl RateScope {
    fn as_str(self) -> &'static str {
        match self {
            RateScope::SignInEmail => "signin-email",
            RateScope::SignInIp => "signin-ip",
            RateScope::InvitationIp => "invitation-ip",
        }
    }
}

/// Prefixes the user, link and session partitions of a kind of account.
/// Partners' keys predate the other kinds and keep their bare form.
fn account_prefix(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Partner => "",
        AccountKind::School => "SCHOOL",
        AccountKind::Ops => "OPS",
    }
}

/// A primary key: where one item lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key<'a> {
    /// A user of one kind of account; the kinds never share a partition.
    User(AccountKind, &'a EmailAddress),
    Partner(&'a PartnerId),
    App(&'a PartnerId, &'a AppId),
    LoginLink(AccountKind, &'a TokenHash),
    /// A sign-in request between its 202 and the send (#18): `id` is random.
    SignInRequest(&'a str),
    Session(AccountKind, &'a TokenHash),
    /// `subject` is already hashed: raw emails and IPs stay out of keys.
    RateWindow {
        scope: RateScope,
        subject: &'a str,
        window_start: i64,
    },
    SchoolLink(&'a AppId, &'a SchoolId),
    /// A link as one change left it, for the warm list caches to catch up
    /// from (`partner::school_index`): ordered by when the change was made
    /// (`at`, RFC 3339 with microseconds), then school and version.
    ViewChange {
        app: &'a AppId,
        at: &'a str,
        school: &'a SchoolId,
        version: u64,
    },
    /// The team list's copy of a user, under their partner.
    Member(&'a PartnerId, &'a EmailAddress),
    /// A school's portal users, for its team list (S3).
    SchoolMember(&'a SchoolId, &'a EmailAddress),
    /// One entry of a school's team log (#12), ordered by time.
    SchoolTeamChange(&'a SchoolId, &'a str),
    /// Points from a user to one of their sessions, so removing the user can end them.
    UserSession(AccountKind, &'a EmailAddress, &'a TokenHash),
    /// Entry `seq` (from 1) of an app–school link's Authorisation Log.
    LogEntry(&'a AppId, &'a SchoolId, u32),
    Invitation(&'a TokenHash),
    /// `digest` hashes the caller's scope and key, so any key text is safe here.
    Idempotency(&'a str),
    RevocationDue(NaiveDate, &'a AppId, &'a SchoolId),
    /// An API key, found by the hash of its secret.
    AppKey(&'a TokenHash),
    /// The portal's summary of an API key, under its partner.
    AppKeySummary(&'a PartnerId, &'a AppId, &'a str),
    /// A pending invitation the reminder job visits.
    ReminderDue(&'a AppId, &'a SchoolId),
    /// #16: a revoked link whose erasure the app has not confirmed yet.
    ErasureDue(&'a AppId, &'a SchoolId),
    DirectorySchool(&'a SchoolUrn),
    /// The shape version of a local data directory's store.
    LocalDataVersion,
    /// One search word of a directory school (lower-case, at least 2 characters).
    DirectoryTerm(&'a str, &'a SchoolUrn),
    /// One person (or group) of a school, by resource and MIS id.
    Person(&'a SchoolId, Resource, &'a str),
    /// #16: a person the school erased: ingestion never stores them again.
    ErasedPerson(&'a SchoolId, Resource, &'a str),
    /// The school's change counter: every person write takes the next number.
    PeopleSeq(&'a SchoolId),
    /// The school's MIS feed: last extract, status, ingest lease, held extract.
    SchoolFeed(&'a SchoolId),
    /// Points from a school to an app it has a link with.
    SchoolApp(&'a SchoolId, &'a AppId),
    /// An MIS agent's key, found by the hash of its secret.
    AgentKey(&'a TokenHash),
    /// Which agent key is a school's current one, so rotating can retire it.
    SchoolAgentKey(&'a SchoolId),
    /// A school's choice about one person for one app (S3).
    Selection(&'a AppId, &'a SchoolId, Resource, &'a str),
    /// The selection counter of one app at one school.
    SelectionHead(&'a AppId, &'a SchoolId),
    /// One page of persons served to an app at a school, by the digest of its ids (#18).
    SharedPage(&'a AppId, &'a SchoolId, Resource, &'a str),
    /// Part `n` of a school's held full extract.
    HeldChunk(&'a SchoolId, u32),
    /// A job (#15): long work a request accepted and a worker runs.
    Job(&'a str),
    /// Part `n` of what a job's worker needs (a pushed extract), beside the job.
    JobPart(&'a str, u32),
    /// An app's API calls at a school in one month (`YYYY-MM`).
    Usage(&'a AppId, &'a str, &'a SchoolId),
    /// A support case (P9); its comments share the partition.
    Case(&'a CaseId),
    /// Comment `seq` (from 1) of a case.
    CaseComment(&'a CaseId, u32),
    /// A case's place in the support queue: `queue` is a state or `archived`,
    /// `order` sorts escalated cases first, then by time (see `cases`).
    CaseQueueEntry {
        queue: &'a str,
        order: &'a str,
        case: &'a CaseId,
    },
    /// The atomic counter behind case references (`GH-000123`).
    CaseCounter,
    /// An app's webhook: URL, signing secret, on or off (A4).
    Webhook(&'a AppId),
    /// One event's delivery to one webhook endpoint (`endpoint` changes
    /// with the URL), so a repeat of the same event finds it (A4).
    WebhookDelivery {
        app: &'a AppId,
        event: &'a str,
        endpoint: &'a str,
    },
    /// An install slot support offers (S4), `YYYY-MM-DDTHH:MM`; holds its booking once taken.
    InstallSlot(&'a str),
    /// A school's onboarding: install type, booked slot, installed (S4).
    SchoolOnboarding(&'a SchoolId),
    /// A partner organisation's line in the operations console's list (O1).
    PartnerListing(&'a PartnerId),
    /// An international school request (P7, O1).
    InternationalRequest(&'a str),
    /// A request's place in the ops queue of its state; `order` is its
    /// creation time, so the oldest waits at the top.
    InternationalQueueEntry {
        state: &'a str,
        order: &'a str,
        request: &'a str,
    },
    /// The counter behind international directory ids (`INT000001`).
    InternationalCounter,
    /// An authoriser of this link waiting for operations to verify them.
    VerificationDue(&'a AppId, &'a SchoolId),
    /// An email or event committed with its change, not yet sent (`outbox`).
    Outbox(&'a str),
    /// An address SES reported a permanent bounce or a complaint for (#15):
    /// nothing is sent to it again.
    Suppressed(&'a EmailAddress),
}

impl Key<'_> {
    pub fn pk(&self) -> String {
        match self {
            Key::User(kind, email) | Key::UserSession(kind, email, _) => {
                format!("{}USER#{}", account_prefix(*kind), email.as_str())
            }
            Key::Partner(partner) | Key::App(partner, _) => format!("PARTNER#{partner}"),
            Key::LoginLink(kind, hash) => format!("{}LOGIN#{}", account_prefix(*kind), hash.as_str()),
            Key::SignInRequest(id) => format!("SIGNIN#{id}"),
            Key::Job(id) | Key::JobPart(id, _) => format!("JOB#{id}"),
            Key::Session(kind, hash) => format!("{}SESSION#{}", account_prefix(*kind), hash.as_str()),
            Key::RateWindow { scope, subject, .. } => format!("RATE#{}#{subject}", scope.as_str()),
            Key::SchoolLink(app, _) => school_links_partition(app),
            Key::ViewChange { app, .. } => view_changes_partition(app),
            Key::Member(partner, _) => format!("PARTNER#{partner}"),
            Key::SchoolMember(school, _) | Key::SchoolTeamChange(school, _) => school_team_partition(school),
            Key::LogEntry(app, school, _) => log_partition(app, school),
            Key::Invitation(hash) => format!("INVITE#{}", hash.as_str()),
            Key::Idempotency(digest) => format!("IDEMPOTENCY#{digest}"),
            Key::RevocationDue(..) => REVOCATIONS_DUE.to_owned(),
            Key::AppKey(hash) => format!("APPKEY#{}", hash.as_str()),
            Key::AppKeySummary(partner, ..) => format!("PARTNER#{partner}"),
            Key::ReminderDue(..) => REMINDERS_DUE.to_owned(),
            Key::ErasureDue(..) => ERASURES_DUE.to_owned(),
            Key::DirectorySchool(urn) => format!("DIRECTORY#{}", urn.as_str()),
            Key::LocalDataVersion => "META#local".to_owned(),
            Key::DirectoryTerm(term, _) => directory_term_partition(term),
            Key::Person(school, ..) => people_partition(school),
            Key::ErasedPerson(school, ..) => erased_partition(school),
            Key::PeopleSeq(school)
            | Key::SchoolFeed(school)
            | Key::SchoolApp(school, _)
            | Key::SchoolAgentKey(school) => {
                format!("SCHOOL#{school}")
            }
            Key::AgentKey(hash) => format!("AGENTKEY#{}", hash.as_str()),
            Key::Selection(app, school, ..) | Key::SelectionHead(app, school) => selection_partition(app, school),
            Key::SharedPage(app, school, ..) => shared_partition(app, school),
            Key::HeldChunk(school, _) => format!("HELD#{school}"),
            Key::Usage(app, month, _) => usage_partition(app, month),
            Key::Case(case) | Key::CaseComment(case, _) => format!("CASE#{case}"),
            Key::CaseQueueEntry { queue, .. } => case_queue_partition(queue),
            Key::CaseCounter => "COUNTER#cases".to_owned(),
            Key::Webhook(app) | Key::WebhookDelivery { app, .. } => webhook_partition(app),
            Key::InstallSlot(_) => INSTALL_SLOTS.to_owned(),
            Key::SchoolOnboarding(school) => format!("SCHOOL#{school}"),
            Key::PartnerListing(_) => PARTNER_LISTINGS.to_owned(),
            Key::InternationalRequest(request) => format!("INTLREQ#{request}"),
            Key::InternationalQueueEntry { state, .. } => international_queue_partition(state),
            Key::InternationalCounter => "COUNTER#international".to_owned(),
            Key::VerificationDue(..) => VERIFICATIONS_DUE.to_owned(),
            Key::Outbox(_) => OUTBOX_PARTITION.to_owned(),
            Key::Suppressed(_) => SUPPRESSION_PARTITION.to_owned(),
        }
    }

    pub fn sk(&self) -> String {
        match self {
            Key::User(..) | Key::Partner(_) => PROFILE.to_owned(),
            Key::App(_, app) => format!("{APP_PREFIX}{app}"),
            Key::LoginLink(..) => "LOGIN".to_owned(),
            Key::SignInRequest(_) => "REQUEST".to_owned(),
            Key::Session(..) => "SESSION".to_owned(),
            Key::RateWindow { window_start, .. } => format!("WINDOW#{window_start}"),
            Key::SchoolLink(_, school) => format!("{SCHOOL_LINK_PREFIX}{school}"),
            Key::ViewChange { at, school, version, .. } => format!("{at}#{school}#{version:020}"),
            Key::Member(_, email) | Key::SchoolMember(_, email) => format!("{MEMBER_PREFIX}{}", email.as_str()),
            Key::SchoolTeamChange(_, order) => format!("{TEAM_CHANGE_PREFIX}{order}"),
            Key::UserSession(_, _, hash) => format!("{SESSION_PREFIX}{}", hash.as_str()),
            // Zero-padded so the sort key orders entries by number.
            Key::LogEntry(_, _, seq) => format!("{LOG_ENTRY_PREFIX}{seq:010}"),
            Key::Invitation(_) => "INVITE".to_owned(),
            Key::Idempotency(_) => "RESULT".to_owned(),
            Key::RevocationDue(date, app, school) => format!("{date}#{app}#{school}"),
            Key::AppKey(_) => "APPKEY".to_owned(),
            Key::AppKeySummary(_, app, key_id) => format!("{}{key_id}", app_key_prefix(app)),
            Key::ReminderDue(app, school) | Key::ErasureDue(app, school) => format!("{app}#{school}"),
            Key::DirectorySchool(_) => PROFILE.to_owned(),
            Key::LocalDataVersion => "VERSION".to_owned(),
            Key::DirectoryTerm(term, urn) => format!("{term}#{}", urn.as_str()),
            Key::Person(_, resource, id) | Key::ErasedPerson(_, resource, id) => {
                format!("{}{id}", person_prefix(*resource))
            }
            Key::PeopleSeq(_) => "SEQ".to_owned(),
            Key::SchoolFeed(_) => "FEED".to_owned(),
            Key::SchoolApp(_, app) => format!("{APP_PREFIX}{app}"),
            Key::AgentKey(_) | Key::SchoolAgentKey(_) => "AGENTKEY".to_owned(),
            Key::Selection(_, _, resource, id) => format!("{SELECTION_PREFIX}{}#{id}", resource.as_str()),
            Key::SelectionHead(..) => "HEAD".to_owned(),
            Key::SharedPage(_, _, resource, digest) => format!("{}{digest}", person_prefix(*resource)),
            Key::HeldChunk(_, n) => format!("{HELD_CHUNK_PREFIX}{n:04}"),
            Key::Job(_) => "JOB".to_owned(),
            Key::JobPart(_, n) => format!("{JOB_PART_PREFIX}{n:04}"),
            Key::Usage(.., school) => format!("SCHOOL#{school}"),
            Key::Case(_) => "CASE".to_owned(),
            // Zero-padded so the sort key orders comments by number.
            Key::CaseComment(_, seq) => format!("{CASE_COMMENT_PREFIX}{seq:06}"),
            Key::CaseQueueEntry { order, case, .. } => format!("{order}#{case}"),
            Key::CaseCounter => "COUNTER".to_owned(),
            Key::Webhook(_) => "SETTINGS".to_owned(),
            Key::WebhookDelivery { event, endpoint, .. } => format!("{WEBHOOK_DELIVERY_PREFIX}{event}#{endpoint}"),
            Key::InstallSlot(slot) => (*slot).to_owned(),
            Key::SchoolOnboarding(_) => "ONBOARDING".to_owned(),
            Key::PartnerListing(partner) => format!("{PARTNER_LISTING_PREFIX}{partner}"),
            Key::InternationalRequest(_) => "REQUEST".to_owned(),
            Key::InternationalQueueEntry { order, request, .. } => format!("{order}#{request}"),
            Key::InternationalCounter => "COUNTER".to_owned(),
            Key::VerificationDue(app, school) => format!("{app}#{school}"),
            Key::Outbox(id) => (*id).to_owned(),
            Key::Suppressed(email) => suppression_sort_key(email),
        }
    }
}

/// Sort-key prefix of a partner's apps under its partition.
pub const APP_PREFIX: &str = "APP#";
/// Sort-key prefix of a partner's team members under its partition.
pub const MEMBER_PREFIX: &str = "MEMBER#";
/// Sort-key prefix of a school team's log entries under its partition.
pub const TEAM_CHANGE_PREFIX: &str = "CHANGE#";
/// Sort-key prefix of a user's session pointers under the user's partition.
pub const SESSION_PREFIX: &str = "SESSION#";
/// Sort-key prefix of Authorisation Log entries.
pub const LOG_ENTRY_PREFIX: &str = "ENTRY#";
/// Sort-key prefix of an app's school links under its partition.
pub const SCHOOL_LINK_PREFIX: &str = "SCHOOL#";
/// The one partition of scheduled revocations: small (only revocations not
/// yet due live here) and read once a day by the job.
pub const REVOCATIONS_DUE: &str = "SCHEDULE#revocations";
/// The one partition of pending invitations, kept in step with the links by
/// `links::commit`; read by the reminder job twice a week.
pub const REMINDERS_DUE: &str = "SCHEDULE#reminders";
/// #16: the one partition of revoked links whose erasure the app has not
/// confirmed, kept in step with the links by `links::commit`; read by the
/// erasure reminder job daily and by the operations console.
pub const ERASURES_DUE: &str = "SCHEDULE#erasures";

/// The one partition of authorisers waiting for verification: small (an
/// entry lives only until operations decide) and read whole by the console.
pub const VERIFICATIONS_DUE: &str = "VERIFYQUEUE";

/// The outbox: emails and events committed with their change, waiting to be sent.
pub const OUTBOX_PARTITION: &str = "OUTBOX";

/// The suppression list (#15): one partition, so a page showing many
/// addresses (a team) reads it once; small, since only addresses that
/// bounced for good or complained are in it.
pub const SUPPRESSION_PARTITION: &str = "SUPPRESSION";

/// An address's place in the suppression list: the SHA-256 of the address
/// in lower case, so the key holds no personal data.
pub fn suppression_sort_key(email: &EmailAddress) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(email.as_str().to_lowercase().as_bytes()))
}

/// The one partition listing partner organisations for the console: small
/// (one item per organisation) and read whole.
pub const PARTNER_LISTINGS: &str = "PARTNERS";
/// Sort-key prefix of the partner listing items.
pub const PARTNER_LISTING_PREFIX: &str = "PARTNER#";

/// The ops queue of international school requests in one state.
pub fn international_queue_partition(state: &str) -> String {
    format!("INTLQUEUE#{state}")
}

/// GSI1 keys of an international request: its partner's list, `order`
/// sorting the newest first.
pub fn partner_international_index(partner: &PartnerId, order: &str, request: &str) -> (String, String) {
    (partner_international_partition(partner), format!("{order}#{request}"))
}

pub fn partner_international_partition(partner: &PartnerId) -> String {
    format!("PARTNER#{partner}#INTLREQS")
}

/// Sort-key prefix of a case's comments under the case partition.
pub const CASE_COMMENT_PREFIX: &str = "COMMENT#";

/// One queue of the support console: cases in one state (or archived).
pub fn case_queue_partition(queue: &str) -> String {
    format!("CASEQUEUE#{queue}")
}

/// GSI1 partition of a partner's cases in one lifecycle bucket.
pub fn partner_cases_partition(partner: &PartnerId, bucket: CaseFilter) -> String {
    format!("PARTNER#{partner}#CASES#{}", bucket.as_str())
}

/// GSI1 keys of a case: its partner's bucket, and `order` (which sorts the
/// newest first) then the case.
pub fn partner_cases_index(partner: &PartnerId, bucket: CaseFilter, order: &str, case: &CaseId) -> (String, String) {
    (partner_cases_partition(partner, bucket), format!("{order}#{case}"))
}

/// Search words are spread over partitions by their first two characters,
/// so a prefix query names one partition. Callers pass at least two.
pub fn directory_term_partition(term: &str) -> String {
    let head: String = term.chars().take(2).collect();
    format!("DIRTERM#{head}")
}

/// Sort-key prefix of a person's selections under their app and school.
pub const SELECTION_PREFIX: &str = "PERSON#";
/// Sort-key prefix of a held extract's parts.
pub const HELD_CHUNK_PREFIX: &str = "CHUNK#";
/// Sort-key prefix of a job's parts.
pub const JOB_PART_PREFIX: &str = "PART#";

/// Partition of a school's people (persons and groups, tombstones too).
pub fn people_partition(school: &SchoolId) -> String {
    format!("PEOPLE#{school}")
}

/// #16: the partition of the persons a school erased (ids only).
pub fn erased_partition(school: &SchoolId) -> String {
    format!("ERASED#{school}")
}

/// Sort-key prefix of one resource in a school's people partition.
pub fn person_prefix(resource: Resource) -> String {
    format!("{}#", resource.as_str())
}

/// GSI1 keys of a person write: the school's change feed for its resource,
/// ordered by the change number (zero-padded, so text order is number order).
pub fn person_change_index(school: &SchoolId, resource: Resource, seq: u64) -> (String, String) {
    (format!("PEOPLECHG#{school}#{}", resource.as_str()), change_seq(seq))
}

/// Partition of one app's selections at one school.
pub fn selection_partition(app: &AppId, school: &SchoolId) -> String {
    format!("SELECT#{app}#{school}")
}

/// Partition of the pages of persons served to one app at one school.
pub fn shared_partition(app: &AppId, school: &SchoolId) -> String {
    format!("SHARED#{app}#{school}")
}

/// GSI1 keys of a selection write: the app's selection changes at the school.
pub fn selection_change_index(app: &AppId, school: &SchoolId, seq: u64) -> (String, String) {
    (format!("SELECTCHG#{app}#{school}"), change_seq(seq))
}

/// A change number as a sort key.
pub fn change_seq(seq: u64) -> String {
    format!("{seq:012}")
}

/// Where a change-feed query starts to return changes after `seq`: the
/// sort key just past every item numbered `seq` (`~` sorts after digits).
pub fn after_change_seq(seq: u64) -> String {
    format!("{seq:012}~")
}

/// Whether a school's agent still counts as active, for the Inactive job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentActivity {
    Active,
    Inactive,
}

/// GSI1 keys of a school's feed: agents sorted by their last extract, so
/// the daily job reads the silent ones first and stops at the first recent one.
pub fn agent_activity_index(activity: AgentActivity, last_extract: &str, school: &SchoolId) -> (String, String) {
    (agent_activity_partition(activity), format!("{last_extract}#{school}"))
}

pub fn agent_activity_partition(activity: AgentActivity) -> String {
    match activity {
        AgentActivity::Active => "AGENTS#active".to_owned(),
        AgentActivity::Inactive => "AGENTS#inactive".to_owned(),
    }
}

/// The school a usage counter's sort key names.
pub fn school_of_usage(sk: &str) -> Option<&str> {
    sk.strip_prefix("SCHOOL#")
}

/// Partition of an app's call counters for one month (`YYYY-MM`).
pub fn usage_partition(app: &AppId, month: &str) -> String {
    format!("USAGE#{app}#{month}")
}

/// Sort-key prefix of one app's key summaries under its partner.
pub fn app_key_prefix(app: &AppId) -> String {
    format!("APPKEY#{app}#")
}

/// The one partition of install slots (S4), by time: offered and booked.
pub const INSTALL_SLOTS: &str = "ONBOARDING#slots";

/// The partition of a school's portal users.
pub fn school_team_partition(school: &SchoolId) -> String {
    format!("SCHOOLTEAM#{school}")
}

/// Sort-key prefix of an app's webhook deliveries under its webhook partition.
pub const WEBHOOK_DELIVERY_PREFIX: &str = "DELIVERY#";

/// Partition of an app's webhook settings and deliveries.
pub fn webhook_partition(app: &AppId) -> String {
    format!("WEBHOOK#{app}")
}

/// Partition of an app's school links (`Key::SchoolLink`).
pub fn school_links_partition(app: &AppId) -> String {
    format!("APP#{app}")
}

/// Partition of one app–school link's Authorisation Log.
pub fn log_partition(app: &AppId, school: &SchoolId) -> String {
    format!("LOG#{app}#{school}")
}

/// GSI1 keys of an app–school link: the view partition and the name order.
pub fn school_view_index(app: &AppId, view: SchoolView, name: &str, school: &SchoolId) -> (String, String) {
    (school_view_partition(app, view), format!("{}#{school}", name.to_lowercase()))
}

/// The partition of an app's recent link changes (`Key::ViewChange`).
pub fn view_changes_partition(app: &AppId) -> String {
    format!("APP#{app}#VIEWCHG")
}

/// GSI1 partition holding one view of an app's schools.
pub fn school_view_partition(app: &AppId, view: SchoolView) -> String {
    format!("APP#{app}#VIEW#{}", view.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Token;

    fn partner() -> PartnerId {
        PartnerId::parse("p1").unwrap()
    }

    #[test]
    fn key_shapes_are_pinned() {
        let email = EmailAddress::parse("Demo@Partner.Example").unwrap();
        let app = AppId::parse("a1").unwrap();
        let school = SchoolId::parse("3280001").unwrap();
        let urn = SchoolUrn::parse("107100").unwrap();
        let case = CaseId::parse("GH-000123").unwrap();
        let cases = [
            (Key::Case(&case), "CASE#GH-000123", "CASE"),
            (Key::CaseComment(&case, 4), "CASE#GH-000123", "COMMENT#000004"),
            (
                Key::CaseQueueEntry { queue: "awaiting_support", order: "0#2026-11-23T10:00:00.000Z", case: &case },
                "CASEQUEUE#awaiting_support",
                "0#2026-11-23T10:00:00.000Z#GH-000123",
            ),
            (Key::CaseCounter, "COUNTER#cases", "COUNTER"),
            (Key::User(AccountKind::Partner, &email), "USER#demo@partner.example", "PROFILE"),
            (Key::User(AccountKind::School, &email), "SCHOOLUSER#demo@partner.example", "PROFILE"),
            (Key::User(AccountKind::Ops, &email), "OPSUSER#demo@partner.example", "PROFILE"),
            (Key::Partner(&partner()), "PARTNER#p1", "PROFILE"),
            (Key::App(&partner(), &app), "PARTNER#p1", "APP#a1"),
            (Key::SchoolLink(&app, &school), "APP#a1", "SCHOOL#3280001"),
            (
                Key::ViewChange { app: &app, at: "2026-11-23T10:00:00.000000Z", school: &school, version: 7 },
                "APP#a1#VIEWCHG",
                "2026-11-23T10:00:00.000000Z#3280001#00000000000000000007",
            ),
            (Key::Member(&partner(), &email), "PARTNER#p1", "MEMBER#demo@partner.example"),
            (Key::SchoolMember(&school, &email), "SCHOOLTEAM#3280001", "MEMBER#demo@partner.example"),
            (
                Key::SchoolTeamChange(&school, "2026-11-23T10:00:00.000Z#ab"),
                "SCHOOLTEAM#3280001",
                "CHANGE#2026-11-23T10:00:00.000Z#ab",
            ),
            (Key::LogEntry(&app, &school, 7), "LOG#a1#3280001", "ENTRY#0000000007"),
            (Key::Idempotency("ab12"), "IDEMPOTENCY#ab12", "RESULT"),
            (Key::DirectorySchool(&urn), "DIRECTORY#107100", "PROFILE"),
            (Key::LocalDataVersion, "META#local", "VERSION"),
            (Key::SignInRequest("r1"), "SIGNIN#r1", "REQUEST"),
            (Key::DirectoryTerm("oakfield", &urn), "DIRTERM#oa", "oakfield#107100"),
            (Key::Person(&school, Resource::Students, "STU-42"), "PEOPLE#3280001", "students#STU-42"),
            (Key::ErasedPerson(&school, Resource::Students, "STU-42"), "ERASED#3280001", "students#STU-42"),
            (Key::PeopleSeq(&school), "SCHOOL#3280001", "SEQ"),
            (Key::SchoolFeed(&school), "SCHOOL#3280001", "FEED"),
            (Key::SchoolApp(&school, &app), "SCHOOL#3280001", "APP#a1"),
            (Key::SchoolAgentKey(&school), "SCHOOL#3280001", "AGENTKEY"),
            (Key::Selection(&app, &school, Resource::Contacts, "C-7"), "SELECT#a1#3280001", "PERSON#contacts#C-7"),
            (Key::SelectionHead(&app, &school), "SELECT#a1#3280001", "HEAD"),
            (Key::SharedPage(&app, &school, Resource::Staff, "0a1b"), "SHARED#a1#3280001", "staff#0a1b"),
            (Key::HeldChunk(&school, 3), "HELD#3280001", "CHUNK#0003"),
            (Key::Job("j1"), "JOB#j1", "JOB"),
            (Key::JobPart("j1", 2), "JOB#j1", "PART#0002"),
            (Key::Usage(&app, "2026-11", &school), "USAGE#a1#2026-11", "SCHOOL#3280001"),
            (Key::VerificationDue(&app, &school), "VERIFYQUEUE", "a1#3280001"),
            (Key::Outbox("2026-11-23T10:00:00.000000Z#ab12"), "OUTBOX", "2026-11-23T10:00:00.000000Z#ab12"),
            (
                Key::Suppressed(&email),
                "SUPPRESSION",
                // sha256("demo@partner.example")
                "cd4b4189a93635e30cbe92da48ce911fb7b3b4f09237f3542865550748656231",
            ),
            (
                Key::RevocationDue(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), &app, &school),
                "SCHEDULE#revocations",
                "2026-12-01#a1#3280001",
            ),
            (Key::ErasureDue(&app, &school), "SCHEDULE#erasures", "a1#3280001"),
            (
                Key::RateWindow { scope: RateScope::SignInIp, subject: "ab12", window_start: 900 },
                "RATE#signin-ip#ab12",
                "WINDOW#900",
            ),
        ];
        for (key, pk, sk) in cases {
            assert_eq!((key.pk(), key.sk()), (pk.to_owned(), sk.to_owned()));
            // A partition no function could be granted would be a key no
            // deployed function may touch (`access.rs`); the local store's
            // own version stamp never reaches DynamoDB.
            let local_only = matches!(key, Key::LocalDataVersion);
            assert!(
                local_only || crate::base::access::PARTITIONS.iter().any(|like| crate::base::access::is_like(like, pk)),
                "{pk} is undeclarable"
            );
        }
        assert_eq!(
            school_view_index(&app, SchoolView::Pending, "Oak Primary", &school),
            ("APP#a1#VIEW#pending".to_owned(), "oak primary#3280001".to_owned())
        );
        assert_eq!(
            partner_cases_index(&partner(), CaseFilter::Archived, "8235", &case),
            ("PARTNER#p1#CASES#archived".to_owned(), "8235#GH-000123".to_owned())
        );
    }

    #[test]
    fn ops_console_keys_are_pinned() {
        let cases = [
            (Key::PartnerListing(&partner()), "PARTNERS", "PARTNER#p1"),
            (Key::InternationalRequest("IR-20261123-ab12cd34"), "INTLREQ#IR-20261123-ab12cd34", "REQUEST"),
            (
                Key::InternationalQueueEntry { state: "pending", order: "2026-11-23T10:00:00.000Z", request: "IR-1" },
                "INTLQUEUE#pending",
                "2026-11-23T10:00:00.000Z#IR-1",
            ),
            (Key::InternationalCounter, "COUNTER#international", "COUNTER"),
        ];
        for (key, pk, sk) in cases {
            assert_eq!((key.pk(), key.sk()), (pk.to_owned(), sk.to_owned()));
        }
        assert_eq!(
            partner_international_index(&partner(), "8235", "IR-1"),
            ("PARTNER#p1#INTLREQS".to_owned(), "8235#IR-1".to_owned())
        );
    }

    #[test]
    fn school_portal_and_onboarding_keys_are_pinned() {
        let app = AppId::parse("a1").unwrap();
        let school = SchoolId::parse("3280001").unwrap();
        // The school's dashboard copy of a link sits beside its feed and agent key.
        let entry = Key::SchoolApp(&school, &app);
        assert_eq!((entry.pk(), entry.sk()), ("SCHOOL#3280001".to_owned(), "APP#a1".to_owned()));
        let slot = Key::InstallSlot("2026-12-01T10:00");
        assert_eq!((slot.pk(), slot.sk()), ("ONBOARDING#slots".to_owned(), "2026-12-01T10:00".to_owned()));
        let onboarding = Key::SchoolOnboarding(&school);
        assert_eq!((onboarding.pk(), onboarding.sk()), ("SCHOOL#3280001".to_owned(), "ONBOARDING".to_owned()));
    }

    #[test]
    fn webhook_keys_are_pinned() {
        let app = AppId::parse("a1").unwrap();
        let settings = Key::Webhook(&app);
        assert_eq!((settings.pk(), settings.sk()), ("WEBHOOK#a1".to_owned(), "SETTINGS".to_owned()));
        let delivery = Key::WebhookDelivery { app: &app, event: "evt_01ARYZ6S41", endpoint: "ep1" };
        assert_eq!((delivery.pk(), delivery.sk()), ("WEBHOOK#a1".to_owned(), "DELIVERY#evt_01ARYZ6S41#ep1".to_owned()));
    }

    #[test]
    fn change_feed_keys_are_pinned() {
        let app = AppId::parse("a1").unwrap();
        let school = SchoolId::parse("3280001").unwrap();
        assert_eq!(
            person_change_index(&school, Resource::Staff, 42),
            ("PEOPLECHG#3280001#staff".to_owned(), "000000000042".to_owned())
        );
        assert_eq!(
            selection_change_index(&app, &school, 7),
            ("SELECTCHG#a1#3280001".to_owned(), "000000000007".to_owned())
        );
        // The resume point sorts after change 41's key and before change 42's.
        assert!(after_change_seq(41) > change_seq(41) && after_change_seq(41) < change_seq(42));
        assert_eq!(
            agent_activity_index(AgentActivity::Active, "2026-11-20T23:00:00Z", &school),
            ("AGENTS#active".to_owned(), "2026-11-20T23:00:00Z#3280001".to_owned())
        );
    }

    #[test]
    fn secret_keys_hold_only_the_hash() {
        let token = Token::generate().unwrap();
        let hash = token.hash();
        let pk = Key::Session(AccountKind::Partner, &hash).pk();
        assert!(pk.starts_with("SESSION#"));
        assert!(!pk.contains(token.expose()));
        // Each kind's sessions live apart: a school session id looked up as a
        // partner session finds nothing.
        let kinds = [AccountKind::Partner, AccountKind::School, AccountKind::Ops];
        let session_keys: std::collections::HashSet<_> = kinds.map(|kind| Key::Session(kind, &hash).pk()).into();
        let link_keys: std::collections::HashSet<_> = kinds.map(|kind| Key::LoginLink(kind, &hash).pk()).into();
        assert_eq!((session_keys.len(), link_keys.len()), (3, 3));
        assert_eq!(Key::Session(AccountKind::School, &hash).pk(), format!("SCHOOLSESSION#{}", hash.as_str()));
        assert_eq!(Key::LoginLink(AccountKind::Ops, &hash).pk(), format!("OPSLOGIN#{}", hash.as_str()));
    }
}
