//! What each function may do to the table, the mailer and the bus (#13): the
//! one declaration of a function's access patterns, beside the keys they
//! name (`keys.rs`).
//!
//! Two things read it. `cargo xtask generate` writes each function's IAM
//! policy in `infra/template.yaml` from it, so in AWS a function can reach
//! exactly the partitions its operation declares. And [`Enforced`] applies
//! the same rules on the local server and in every test, because moto does
//! not enforce IAM: an operation that touches a partition it did not declare
//! fails here the way AWS would refuse it (`AccessDeniedException`), so the
//! whole test suite shows the generated policies allow what the code does.
//!
//! Partitions are IAM `StringLike` patterns over the partition key (`*` any
//! run, `?` one character), checked with `dynamodb:LeadingKeys`. On GSI1 the
//! condition is on the index's partition key, which is the only partition
//! key such a request names.

use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;

use crate::base::ports::{
    Condition, DomainEvent, Email, EventBus, Increment, Index, Item, Mailer, Query, QueryPage, StoreError, Table,
    TransactWrite,
};

/// One DynamoDB call a function may make, as IAM names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verb {
    Get,
    Query,
    Put,
    /// An atomic counter (`Table::add`).
    Update,
    Delete,
    /// A condition on an item in a transaction, without writing it.
    Check,
    /// Unconditional puts, many a request (`Table::put_all`).
    BatchPut,
    /// Unconditional deletes, many a request (`Table::delete_all`, #16).
    BatchDelete,
}

impl Verb {
    /// The IAM action. A transaction has none of its own: DynamoDB
    /// authorises each item in it as the single-item action it stands for.
    pub fn iam_action(self) -> &'static str {
        match self {
            Verb::Get => "dynamodb:GetItem",
            Verb::Query => "dynamodb:Query",
            Verb::Put => "dynamodb:PutItem",
            Verb::Update => "dynamodb:UpdateItem",
            Verb::Delete => "dynamodb:DeleteItem",
            Verb::Check => "dynamodb:ConditionCheckItem",
            Verb::BatchPut | Verb::BatchDelete => "dynamodb:BatchWriteItem",
        }
    }
}

/// A function may make `verb` calls on `index` for items whose partition
/// key is like one of `partitions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub verb: Verb,
    pub index: Index,
    pub partitions: &'static [&'static str],
}

const fn grant(verb: Verb, index: Index, partitions: &'static [&'static str]) -> Grant {
    Grant { verb, index, partitions }
}
const fn get(partitions: &'static [&'static str]) -> Grant {
    grant(Verb::Get, Index::Primary, partitions)
}
const fn query(partitions: &'static [&'static str]) -> Grant {
    grant(Verb::Query, Index::Primary, partitions)
}
const fn query_gsi1(partitions: &'static [&'static str]) -> Grant {
    grant(Verb::Query, Index::Gsi1, partitions)
}
const fn put(partitions: &'static [&'static str]) -> Grant {
    grant(Verb::Put, Index::Primary, partitions)
}
const fn update(partitions: &'static [&'static str]) -> Grant {
    grant(Verb::Update, Index::Primary, partitions)
}
const fn delete(partitions: &'static [&'static str]) -> Grant {
    grant(Verb::Delete, Index::Primary, partitions)
}
const fn batch_put(partitions: &'static [&'static str]) -> Grant {
    grant(Verb::BatchPut, Index::Primary, partitions)
}
const fn batch_delete(partitions: &'static [&'static str]) -> Grant {
    grant(Verb::BatchDelete, Index::Primary, partitions)
}
#[allow(dead_code)]
const fn check(partitions: &'static [&'static str]) -> Grant {
    grant(Verb::Check, Index::Primary, partitions)
}

/// Everything one function may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    pub table: &'static [Grant],
    /// Sends email through SES itself.
    pub email: bool,
    /// Publishes to the bus itself.
    pub events: bool,
    /// Delivers what the outbox holds (`outbox::deliver`): reads and clears
    /// the outbox partition, and sends its emails and events. Every write
    /// route does, after its answer (the API's middleware).
    pub outbox: bool,
}

impl Needs {
    pub const NONE: Needs = Needs { table: &[], email: false, events: false, outbox: false };

    /// Every grant, the outbox's and the mail path's included.
    pub fn grants(&self) -> Vec<Grant> {
        let mut grants = self.table.to_vec();
        if self.outbox {
            grants.extend(OUTBOX_DELIVERY);
        }
        if self.sends_email() {
            grants.extend(EMAIL_SENDING);
        }
        grants
    }

    pub fn allows(&self, verb: Verb, index: Index, partition: &str) -> bool {
        self.grants().iter().any(|grant| {
            grant.verb == verb && grant.index == index && grant.partitions.iter().any(|like| is_like(like, partition))
        })
    }

    pub fn sends_email(&self) -> bool {
        self.email || self.outbox
    }

    pub fn publishes(&self) -> bool {
        self.events || self.outbox
    }
}

/// What delivering the outbox takes (`outbox::deliver`).
const OUTBOX_DELIVERY: [Grant; 3] = [query(&[OUTBOX]), put(&[OUTBOX]), delete(&[OUTBOX])];

/// What every send takes (`store::suppression::send`): a look at the
/// suppression list first, so nothing goes to an address that bounced.
const EMAIL_SENDING: [Grant; 1] = [get(&[SUPPRESSION])];

/// IAM's `StringLike`: `*` matches any run of characters, `?` any one.
pub fn is_like(pattern: &str, value: &str) -> bool {
    fn like(pattern: &[u8], value: &[u8]) -> bool {
        match pattern.split_first() {
            None => value.is_empty(),
            Some((b'*', rest)) => (0..=value.len()).any(|skip| like(rest, &value[skip..])),
            Some((b'?', rest)) => !value.is_empty() && like(rest, &value[1..]),
            Some((head, rest)) => value.first() == Some(head) && like(rest, &value[1..]),
        }
    }
    like(pattern.as_bytes(), value.as_bytes())
}

// The partitions, as patterns over the keys `keys.rs` builds (a test below
// checks each against its builder).
pub const AGENT_KEY: &str = "AGENTKEY#*";
/// GSI1: schools by their agent's activity (`keys::agent_activity_partition`).
pub const AGENTS_BY_ACTIVITY: &str = "AGENTS#*";
/// School links, under their app.
pub const APP: &str = "APP#*";
pub const APP_KEY: &str = "APPKEY#*";
pub const CASE: &str = "CASE#*";
pub const CASE_COUNTER: &str = "COUNTER#cases";
pub const CASE_QUEUE: &str = "CASEQUEUE#*";
pub const CASE_QUEUE_ARCHIVED: &str = "CASEQUEUE#archived";
pub const CASE_QUEUE_CLOSED: &str = "CASEQUEUE#closed";
pub const DIRECTORY: &str = "DIRECTORY#*";
/// #16: the persons a school erased (ids only), which ingestion honours.
pub const ERASED: &str = "ERASED#*";
pub const DIRECTORY_TERM: &str = "DIRTERM#*";
pub const HELD: &str = "HELD#*";
pub const IDEMPOTENCY: &str = "IDEMPOTENCY#*";
pub const INSTALL_SLOTS: &str = "ONBOARDING#slots";
pub const INTERNATIONAL_COUNTER: &str = "COUNTER#international";
pub const INTERNATIONAL_QUEUE: &str = "INTLQUEUE#*";
pub const INTERNATIONAL_QUEUE_PENDING: &str = "INTLQUEUE#pending";
pub const INTERNATIONAL_REQUEST: &str = "INTLREQ#*";
pub const INVITE: &str = "INVITE#*";
/// Jobs (#15) and their parts.
pub const JOB: &str = "JOB#*";
pub const LOG: &str = "LOG#*";
pub const LOGIN: &str = "LOGIN#*";
pub const OPS_LOGIN: &str = "OPSLOGIN#*";
pub const OPS_SESSION: &str = "OPSSESSION#*";
pub const OPS_USER: &str = "OPSUSER#*";
pub const OUTBOX: &str = "OUTBOX";
pub const PARTNER: &str = "PARTNER#*";
/// GSI1: a partner's cases by bucket (`keys::partner_cases_partition`).
pub const PARTNER_CASES: &str = "PARTNER#*#CASES#*";
/// GSI1: a partner's international requests.
pub const PARTNER_INTERNATIONAL_REQUESTS: &str = "PARTNER#*#INTLREQS";
pub const PARTNER_LISTINGS: &str = "PARTNERS";
/// Pupil, staff, contact and group records: only the data API, the MIS
/// agent's ingestion and the school's own views of its people may read them.
pub const PEOPLE: &str = "PEOPLE#*";
/// GSI1: a school's record changes, for deltas.
pub const PEOPLE_CHANGES: &str = "PEOPLECHG#*";
pub const RATE: &str = "RATE#*";
pub const REMINDERS_DUE: &str = "SCHEDULE#reminders";
/// #16: revoked links whose erasure is not confirmed yet.
pub const ERASURES_DUE: &str = "SCHEDULE#erasures";
pub const REVOCATIONS_DUE: &str = "SCHEDULE#revocations";
pub const SCHOOL: &str = "SCHOOL#*";
pub const SCHOOL_LOGIN: &str = "SCHOOLLOGIN#*";
pub const SCHOOL_SESSION: &str = "SCHOOLSESSION#*";
pub const SCHOOL_TEAM: &str = "SCHOOLTEAM#*";
pub const SCHOOL_USER: &str = "SCHOOLUSER#*";
/// An app's recent link changes (`keys::view_changes_partition`), which
/// the warm list caches catch up from. A link's writers put them under `APP`.
pub const VIEW_CHANGES: &str = "APP#*#VIEWCHG";
/// GSI1: an app's schools by list view (`keys::school_view_partition`).
pub const SCHOOL_VIEWS: &str = "APP#*#VIEW#*";
pub const SELECTION: &str = "SELECT#*";
/// GSI1: an app's selection changes at a school, for deltas.
pub const SELECTION_CHANGES: &str = "SELECTCHG#*";
pub const SESSION: &str = "SESSION#*";
pub const SHARED: &str = "SHARED#*";
pub const SIGN_IN: &str = "SIGNIN#*";
/// Addresses that bounced for good or complained (#15), by hash.
pub const SUPPRESSION: &str = "SUPPRESSION";
pub const USAGE: &str = "USAGE#*";
pub const USER: &str = "USER#*";
pub const VERIFICATIONS_DUE: &str = "VERIFYQUEUE";
pub const WEBHOOK: &str = "WEBHOOK#*";

/// Every partition of the table (GSI1's are above, beside their builders).
pub const PARTITIONS: &[&str] = &[
    AGENT_KEY,
    APP,
    APP_KEY,
    CASE,
    CASE_COUNTER,
    CASE_QUEUE,
    CASE_QUEUE_ARCHIVED,
    CASE_QUEUE_CLOSED,
    DIRECTORY,
    DIRECTORY_TERM,
    ERASED,
    ERASURES_DUE,
    HELD,
    IDEMPOTENCY,
    INSTALL_SLOTS,
    INTERNATIONAL_COUNTER,
    INTERNATIONAL_QUEUE,
    INTERNATIONAL_QUEUE_PENDING,
    INTERNATIONAL_REQUEST,
    INVITE,
    JOB,
    LOG,
    LOGIN,
    OPS_LOGIN,
    OPS_SESSION,
    OPS_USER,
    OUTBOX,
    PARTNER,
    PARTNER_LISTINGS,
    PEOPLE,
    RATE,
    REMINDERS_DUE,
    REVOCATIONS_DUE,
    SCHOOL,
    SCHOOL_LOGIN,
    SCHOOL_SESSION,
    SCHOOL_TEAM,
    SCHOOL_USER,
    SELECTION,
    SESSION,
    SHARED,
    SIGN_IN,
    SUPPRESSION,
    USAGE,
    USER,
    VERIFICATIONS_DUE,
    WEBHOOK,
];

/// What `function` (a route, job or event consumer name in `model`) may do;
/// `None` for a name that is none of them.
// One line per function, so each reads as its row of the table.
#[rustfmt::skip]
pub fn needs(function: &str) -> Option<Needs> {
    Some(match function {
        "health" => const { Needs { table: &[], ..Needs::NONE } },
        "openapi" => const { Needs { table: &[], ..Needs::NONE } },
        "request_magic_link" => const { Needs { table: &[put(&[SIGN_IN]), update(&[RATE]), delete(&[SIGN_IN])], email: true, events: true, outbox: true } },
        "create_session" => const { Needs { table: &[get(&[USER, PARTNER, LOGIN]), query(&[PARTNER]), put(&[SESSION, USER]), delete(&[LOGIN])], email: true, events: true, outbox: true } },
        "logout" => const { Needs { table: &[get(&[SESSION]), delete(&[SESSION, USER])], email: true, events: true, outbox: true } },
        "get_me" => const { Needs { table: &[get(&[SESSION])], ..Needs::NONE } },
        "request_school_magic_link" => const { Needs { table: &[put(&[SIGN_IN]), update(&[RATE]), delete(&[SIGN_IN])], email: true, events: true, outbox: true } },
        "create_school_session" => const { Needs { table: &[ get(&[SCHOOL_USER, SCHOOL_LOGIN]), put(&[SCHOOL_SESSION, SCHOOL_USER]), delete(&[SCHOOL_LOGIN]), ], email: true, events: true, outbox: true } },
        "school_logout" => const { Needs { table: &[get(&[SCHOOL_SESSION]), delete(&[SCHOOL_SESSION, SCHOOL_USER])], email: true, events: true, outbox: true } },
        "get_school_me" => const { Needs { table: &[get(&[SCHOOL_SESSION])], ..Needs::NONE } },
        "list_school_apps" => const { Needs { table: &[get(&[SCHOOL_SESSION]), query(&[SCHOOL])], ..Needs::NONE } },
        "get_school_app" => const { Needs { table: &[get(&[SCHOOL_SESSION, APP, PARTNER]), query(&[LOG])], ..Needs::NONE } },
        "update_school_app_settings" => const { Needs { table: &[get(&[SCHOOL_SESSION, APP, PARTNER]), query(&[LOG]), put(&[APP, LOG, SCHOOL])], email: true, events: true, outbox: true } },
        "school_revoke_access" => const { Needs { table: &[ get(&[SCHOOL_SESSION, APP, PARTNER]), query(&[LOG]), put(&[APP, LOG, SCHOOL, REVOCATIONS_DUE, ERASURES_DUE]), delete(&[REVOCATIONS_DUE]), ], email: true, events: true, outbox: true } },
        "school_cancel_revocation" => const { Needs { table: &[ get(&[SCHOOL_SESSION, APP, PARTNER]), query(&[LOG]), put(&[APP, LOG, SCHOOL]), delete(&[REVOCATIONS_DUE]), ], email: true, events: true, outbox: true } },
        "school_authorise_app" => const { Needs { table: &[ get(&[SCHOOL_SESSION, APP, PARTNER]), query(&[LOG]), put(&[APP, LOG, SCHOOL, REMINDERS_DUE]), delete(&[INVITE, REMINDERS_DUE, ERASURES_DUE]), ], email: true, events: true, outbox: true } },
        "search_school_people" => const { Needs { table: &[get(&[SCHOOL_SESSION, APP, PARTNER]), query(&[PEOPLE, SELECTION])], ..Needs::NONE } },
        "set_person_choice" => const { Needs { table: &[ get(&[SCHOOL_SESSION, APP, PARTNER, PEOPLE]), query(&[PEOPLE, SELECTION]), put(&[SELECTION, APP, LOG, SCHOOL]), ], email: true, events: true, outbox: true } },
        "search_school_persons" => const { Needs { table: &[get(&[SCHOOL_SESSION]), query(&[PEOPLE])], ..Needs::NONE } },
        "get_school_person" => const { Needs { table: &[get(&[SCHOOL_SESSION, PEOPLE, ERASED, APP, PARTNER]), query(&[SCHOOL, SELECTION, SHARED])], ..Needs::NONE } },
        "export_school_person" => const { Needs { table: &[ get(&[SCHOOL_SESSION, PEOPLE, ERASED, APP, PARTNER]), query(&[SCHOOL, SELECTION, SHARED, PEOPLE, SCHOOL_TEAM]), put(&[SCHOOL_TEAM]), ], ..Needs::NONE } },
        "exclude_school_person" => const { Needs { table: &[ get(&[SCHOOL_SESSION, PEOPLE, ERASED, APP, PARTNER]), query(&[SCHOOL, SELECTION, SHARED, PEOPLE]), put(&[SELECTION, APP, LOG, SCHOOL, SCHOOL_TEAM]), ], email: true, events: true, outbox: true } },
        "erase_school_person" => const { Needs { table: &[ get(&[SCHOOL_SESSION, PEOPLE, ERASED, APP, PARTNER, SCHOOL]), query(&[SCHOOL, SELECTION, SHARED, PEOPLE]), put(&[PEOPLE, SCHOOL, ERASED, SCHOOL_TEAM, SELECTION, APP, LOG]), ], email: true, events: true, outbox: true } },
        "download_school_receipt" => const { Needs { table: &[get(&[SCHOOL_SESSION, APP, PARTNER]), query(&[LOG])], ..Needs::NONE } },
        "download_partner_receipt" => const { Needs { table: &[get(&[SESSION, APP, PARTNER]), query(&[LOG])], ..Needs::NONE } },
        "list_school_team" => const { Needs { table: &[get(&[SCHOOL_SESSION]), query(&[SCHOOL_TEAM])], ..Needs::NONE } },
        "add_school_colleague" => const { Needs { table: &[ get(&[SCHOOL_SESSION, SCHOOL_USER]), query(&[SCHOOL_TEAM, SCHOOL_USER]), put(&[SCHOOL_USER, SCHOOL_TEAM]), delete(&[SCHOOL_SESSION, SCHOOL_USER]), ], email: true, events: true, outbox: true } },
        "remove_school_colleague" => const { Needs { table: &[ get(&[SCHOOL_SESSION, SCHOOL_TEAM]), query(&[SCHOOL_TEAM, SCHOOL_USER]), put(&[SCHOOL_TEAM]), delete(&[SCHOOL_TEAM, SCHOOL_USER, SCHOOL_SESSION]), ], email: true, events: true, outbox: true } },
        "get_school_onboarding" => const { Needs { table: &[get(&[SCHOOL_SESSION, SCHOOL]), query(&[INSTALL_SLOTS])], ..Needs::NONE } },
        "book_install_slot" => const { Needs { table: &[ get(&[SCHOOL_SESSION, SCHOOL, INSTALL_SLOTS, APP]), query(&[INSTALL_SLOTS, SCHOOL]), put(&[INSTALL_SLOTS, SCHOOL, APP, LOG]), ], email: true, events: true, outbox: true } },
        "start_self_install" => const { Needs { table: &[ get(&[SCHOOL_SESSION, SCHOOL]), query(&[INSTALL_SLOTS, SCHOOL_TEAM]), put(&[AGENT_KEY, SCHOOL]), delete(&[AGENT_KEY]), ], email: true, events: true, outbox: true } },
        "request_ops_magic_link" => const { Needs { table: &[put(&[SIGN_IN]), update(&[RATE]), delete(&[SIGN_IN])], email: true, events: true, outbox: true } },
        "create_ops_session" => const { Needs { table: &[get(&[OPS_USER, OPS_LOGIN]), put(&[OPS_SESSION, OPS_USER]), delete(&[OPS_LOGIN])], email: true, events: true, outbox: true } },
        "ops_logout" => const { Needs { table: &[get(&[OPS_SESSION]), delete(&[OPS_SESSION, OPS_USER])], email: true, events: true, outbox: true } },
        "get_ops_me" => const { Needs { table: &[get(&[OPS_SESSION])], ..Needs::NONE } },
        "list_partner_schools" => const { Needs { table: &[get(&[SESSION, PARTNER]), query(&[USAGE, VIEW_CHANGES]), query_gsi1(&[SCHOOL_VIEWS])], ..Needs::NONE } },
        "export_partner_schools" => const { Needs { table: &[get(&[SESSION, PARTNER]), query(&[USAGE, VIEW_CHANGES]), query_gsi1(&[SCHOOL_VIEWS])], ..Needs::NONE } },
        "get_partner_school" => const { Needs { table: &[get(&[SESSION, APP, PARTNER, USAGE, SUPPRESSION]), query(&[LOG])], ..Needs::NONE } },
        "revoke_school_access" => const { Needs { table: &[ get(&[SESSION, APP, PARTNER, USAGE]), query(&[LOG]), put(&[APP, LOG, REVOCATIONS_DUE, SCHOOL, ERASURES_DUE]), delete(&[REVOCATIONS_DUE]), ], email: true, events: true, outbox: true } },
        "cancel_revocation" => const { Needs { table: &[ get(&[SESSION, APP, PARTNER, USAGE]), query(&[LOG]), put(&[APP, LOG, SCHOOL]), delete(&[REVOCATIONS_DUE]), ], email: true, events: true, outbox: true } },
        "set_school_priority" => const { Needs { table: &[get(&[SESSION, APP, PARTNER]), query(&[LOG]), put(&[APP, LOG, SCHOOL])], email: true, events: true, outbox: true } },
        "cancel_invitation" => const { Needs { table: &[ get(&[SESSION, APP, PARTNER]), query(&[LOG]), put(&[APP, LOG, SCHOOL]), delete(&[INVITE, REMINDERS_DUE]), ], email: true, events: true, outbox: true } },
        "resend_invitation" => const { Needs { table: &[ get(&[IDEMPOTENCY, SESSION, APP, PARTNER, USER]), query(&[LOG, PARTNER]), put(&[IDEMPOTENCY, APP, LOG, INVITE, SCHOOL]), delete(&[IDEMPOTENCY, INVITE]), ], email: true, events: true, outbox: true } },
        "reinvite_school" => const { Needs { table: &[ get(&[IDEMPOTENCY, SESSION, APP, PARTNER, USER]), query(&[LOG, PARTNER]), put(&[IDEMPOTENCY, APP, LOG, INVITE, SCHOOL, REMINDERS_DUE]), delete(&[IDEMPOTENCY, INVITE, ERASURES_DUE]), ], email: true, events: true, outbox: true } },
        "get_permission_set" => const { Needs { table: &[get(&[SESSION, PARTNER]), query_gsi1(&[SCHOOL_VIEWS])], ..Needs::NONE } },
        "update_permission_set" => const { Needs { table: &[get(&[SESSION, PARTNER, JOB]), put(&[PARTNER, JOB])], email: true, events: true, outbox: true } },
        "get_partner_job" => const { Needs { table: &[get(&[SESSION, JOB])], ..Needs::NONE } },
        "list_team" => const { Needs { table: &[get(&[SESSION]), query(&[PARTNER, SUPPRESSION])], ..Needs::NONE } },
        "add_team_member" => const { Needs { table: &[ get(&[SESSION, USER, PARTNER]), query(&[PARTNER, USER, SUPPRESSION]), put(&[USER, PARTNER]), delete(&[SESSION, USER]), ], email: true, events: true, outbox: true } },
        "remove_team_member" => const { Needs { table: &[ get(&[SESSION, PARTNER, USER]), query(&[USER, PARTNER, SUPPRESSION]), delete(&[PARTNER, USER, SESSION]), ], email: true, events: true, outbox: true } },
        "open_invitation" => const { Needs { table: &[get(&[INVITE, APP, PARTNER]), update(&[RATE])], email: true, events: true, outbox: true } },
        "forward_invitation" => const { Needs { table: &[ get(&[INVITE, APP, PARTNER, USER]), query(&[PARTNER]), put(&[APP, LOG, INVITE, SCHOOL]), update(&[RATE]), delete(&[INVITE]), ], email: true, events: true, outbox: true } },
        "authorise_invitation" => const { Needs { table: &[ get(&[INVITE, APP, PARTNER, DIRECTORY, SCHOOL_USER]), query(&[SCHOOL_TEAM, LOG]), put(&[APP, LOG, INVITE, SCHOOL, VERIFICATIONS_DUE, SCHOOL_USER, SCHOOL_TEAM]), update(&[RATE]), delete(&[REMINDERS_DUE]), ], email: true, events: true, outbox: true } },
        "school_decline_request" => const { Needs { table: &[ get(&[SCHOOL_SESSION, APP, PARTNER]), query(&[LOG]), put(&[APP, LOG, SCHOOL, REMINDERS_DUE]), delete(&[REMINDERS_DUE, VERIFICATIONS_DUE]), ], email: true, events: true, outbox: true } },
        "list_authority_verifications" => const { Needs { table: &[get(&[OPS_SESSION]), query(&[VERIFICATIONS_DUE])], ..Needs::NONE } },
        "decide_authority_verification" => const { Needs { table: &[ get(&[OPS_SESSION, APP, PARTNER, SCHOOL_USER]), query(&[LOG, VERIFICATIONS_DUE, SCHOOL_USER]), put(&[APP, LOG, SCHOOL, SCHOOL_USER, SCHOOL_TEAM, REMINDERS_DUE]), delete(&[VERIFICATIONS_DUE, REMINDERS_DUE, SCHOOL_SESSION, SCHOOL_USER]), ], email: true, events: true, outbox: true } },
        "search_directory" => const { Needs { table: &[get(&[SESSION]), query(&[DIRECTORY_TERM])], ..Needs::NONE } },
        "invite_school" => const { Needs { table: &[ get(&[SESSION, DIRECTORY, APP, PARTNER, USER]), query(&[LOG, PARTNER]), put(&[APP, LOG, INVITE, SCHOOL, REMINDERS_DUE]), delete(&[INVITE, ERASURES_DUE]), ], email: true, events: true, outbox: true } },
        "list_app_keys" => const { Needs { table: &[get(&[SESSION]), query(&[PARTNER])], ..Needs::NONE } },
        "create_app_key" => const { Needs { table: &[get(&[SESSION]), put(&[APP_KEY, PARTNER])], email: true, events: true, outbox: true } },
        "revoke_app_key" => const { Needs { table: &[get(&[SESSION, PARTNER]), query(&[PARTNER]), put(&[PARTNER]), delete(&[APP_KEY])], email: true, events: true, outbox: true } },
        // #17: the client's lookup item read, the token's written (both under APPKEY#).
        "issue_oauth_token" => const { Needs { table: &[get(&[APP_KEY]), put(&[APP_KEY])], email: true, events: true, outbox: true } },
        "invite_school_by_api" => const { Needs { table: &[ get(&[IDEMPOTENCY, APP_KEY, DIRECTORY, APP, PARTNER, USER]), query(&[LOG, PARTNER]), put(&[IDEMPOTENCY, APP, LOG, INVITE, SCHOOL, REMINDERS_DUE]), delete(&[IDEMPOTENCY, INVITE, ERASURES_DUE]), ], email: true, events: true, outbox: true } },
        "list_app_schools" => const { Needs { table: &[get(&[APP_KEY, PARTNER]), query_gsi1(&[SCHOOL_VIEWS])], ..Needs::NONE } },
        // #16: a scheduled revocation whose date came is recorded first, as the daily job would.
        "confirm_erasure" => const { Needs { table: &[ get(&[APP_KEY, PARTNER, APP]), query(&[LOG]), put(&[APP, LOG, SCHOOL, ERASURES_DUE]), delete(&[ERASURES_DUE, REVOCATIONS_DUE]), ], email: true, events: true, outbox: true } },
        "get_school_status" => const { Needs { table: &[get(&[APP_KEY, PARTNER, APP, USAGE])], ..Needs::NONE } },
        "list_students" => const { Needs { table: &[ get(&[APP_KEY, PARTNER, APP, SCHOOL, PEOPLE]), query(&[PEOPLE, SELECTION]), query_gsi1(&[PEOPLE_CHANGES, SELECTION_CHANGES]), put(&[SHARED]), update(&[USAGE]), ], ..Needs::NONE } },
        "get_student" => const { Needs { table: &[ get(&[APP_KEY, PARTNER, APP, SCHOOL, PEOPLE]), query(&[PEOPLE, SELECTION]), put(&[SHARED]), update(&[USAGE]), ], ..Needs::NONE } },
        "list_staff" => const { Needs { table: &[ get(&[APP_KEY, PARTNER, APP, SCHOOL, PEOPLE]), query(&[PEOPLE, SELECTION]), query_gsi1(&[PEOPLE_CHANGES, SELECTION_CHANGES]), put(&[SHARED]), update(&[USAGE]), ], ..Needs::NONE } },
        "list_contacts" => const { Needs { table: &[ get(&[APP_KEY, PARTNER, APP, SCHOOL, PEOPLE]), query(&[PEOPLE, SELECTION]), query_gsi1(&[PEOPLE_CHANGES, SELECTION_CHANGES]), put(&[SHARED]), update(&[USAGE]), ], ..Needs::NONE } },
        "list_groups" => const { Needs { table: &[ get(&[APP_KEY, PARTNER, APP, SCHOOL, PEOPLE]), query(&[PEOPLE, SELECTION]), query_gsi1(&[PEOPLE_CHANGES, SELECTION_CHANGES]), update(&[USAGE]), ], ..Needs::NONE } },
        // #17: the native reads' gate and records, for every school the app may read.
        "list_oneroster" | "get_oneroster" | "list_oneroster_nested" => const { Needs { table: &[ get(&[APP_KEY, PARTNER, APP, SCHOOL]), query(&[PEOPLE, SELECTION]), query_gsi1(&[SCHOOL_VIEWS]), put(&[SHARED]), update(&[USAGE]), ], ..Needs::NONE } },
        "explain_person" => const { Needs { table: &[ get(&[APP_KEY, PARTNER, APP, SCHOOL, PEOPLE]), query(&[PEOPLE, SELECTION, SHARED]), update(&[USAGE]), ], ..Needs::NONE } },
        "push_extract" => const { Needs { table: &[ get(&[AGENT_KEY, SCHOOL, JOB, APP]), query(&[SCHOOL]), put(&[SCHOOL, JOB, APP]), batch_put(&[JOB]), ], email: true, events: true, outbox: true } },
        "get_agent_job" => const { Needs { table: &[get(&[AGENT_KEY, JOB])], ..Needs::NONE } },
        "get_agent_status" => const { Needs { table: &[get(&[AGENT_KEY, SCHOOL]), query(&[SCHOOL])], ..Needs::NONE } },
        "explain_school_person" => const { Needs { table: &[get(&[SCHOOL_SESSION, APP, PARTNER, SCHOOL, PEOPLE]), query(&[SELECTION])], ..Needs::NONE } },
        "explain_partner_school_person" => const { Needs { table: &[get(&[SESSION, APP, PARTNER, SCHOOL, PEOPLE]), query(&[SELECTION, SHARED])], ..Needs::NONE } },
        "get_school_feed" => const { Needs { table: &[get(&[SCHOOL_SESSION, SCHOOL, USAGE]), query(&[SCHOOL])], ..Needs::NONE } },
        "get_school_held_extract" => const { Needs { table: &[get(&[SCHOOL_SESSION, SCHOOL, PEOPLE]), query(&[HELD, PEOPLE])], ..Needs::NONE } },
        "release_school_held_extract" => const { Needs { table: &[get(&[SCHOOL_SESSION, SCHOOL, JOB]), put(&[JOB])], email: true, events: true, outbox: true } },
        "get_school_job" => const { Needs { table: &[get(&[SCHOOL_SESSION, JOB])], ..Needs::NONE } },
        "reject_school_held_extract" => const { Needs { table: &[ get(&[SCHOOL_SESSION, SCHOOL, PEOPLE, APP]), query(&[SCHOOL, PEOPLE, HELD, ERASED]), put(&[PEOPLE, SCHOOL, HELD, APP]), update(&[SCHOOL]), delete(&[HELD]), ], email: true, events: true, outbox: true } },
        "get_ops_held_extract" => const { Needs { table: &[get(&[OPS_SESSION, SCHOOL, PEOPLE]), query(&[HELD, PEOPLE])], ..Needs::NONE } },
        "release_ops_held_extract" => const { Needs { table: &[get(&[OPS_SESSION, SCHOOL, JOB]), put(&[JOB])], email: true, events: true, outbox: true } },
        "get_ops_job" => const { Needs { table: &[get(&[OPS_SESSION, JOB])], ..Needs::NONE } },
        "reject_ops_held_extract" => const { Needs { table: &[ get(&[OPS_SESSION, SCHOOL, PEOPLE, APP]), query(&[SCHOOL, PEOPLE, HELD, ERASED]), put(&[PEOPLE, SCHOOL, HELD, APP]), update(&[SCHOOL]), delete(&[HELD]), ], email: true, events: true, outbox: true } },
        "apply_revocations" => const { Needs { table: &[ get(&[APP, PARTNER]), query(&[REVOCATIONS_DUE, LOG]), put(&[APP, LOG, SCHOOL, ERASURES_DUE]), delete(&[REVOCATIONS_DUE]), ], email: true, events: true, outbox: true } },
        "list_partner_cases" => const { Needs { table: &[get(&[SESSION]), query_gsi1(&[PARTNER_CASES])], ..Needs::NONE } },
        "open_case" => const { Needs { table: &[ get(&[IDEMPOTENCY, SESSION, APP, CASE_COUNTER]), query(&[CASE]), put(&[IDEMPOTENCY, CASE, CASE_QUEUE, APP, CASE_COUNTER]), update(&[CASE_COUNTER]), delete(&[IDEMPOTENCY]), ], email: true, events: true, outbox: true } },
        "get_partner_case" => const { Needs { table: &[get(&[SESSION]), query(&[CASE])], ..Needs::NONE } },
        "comment_on_case" => const { Needs { table: &[ get(&[IDEMPOTENCY, SESSION, CASE]), query(&[CASE]), put(&[IDEMPOTENCY, CASE, CASE_QUEUE]), delete(&[IDEMPOTENCY, CASE_QUEUE]), ], email: true, events: true, outbox: true } },
        "escalate_case" => const { Needs { table: &[get(&[SESSION, CASE]), query(&[CASE]), put(&[CASE, CASE_QUEUE]), delete(&[CASE_QUEUE])], email: true, events: true, outbox: true } },
        "close_partner_case" => const { Needs { table: &[ get(&[SESSION, CASE, APP]), query(&[CASE]), put(&[CASE, CASE_QUEUE, APP]), delete(&[CASE_QUEUE]), ], email: true, events: true, outbox: true } },
        "reopen_case" => const { Needs { table: &[ get(&[SESSION, CASE, APP]), query(&[CASE]), put(&[CASE, CASE_QUEUE, APP]), delete(&[CASE_QUEUE]), ], email: true, events: true, outbox: true } },
        "archive_cases" => const { Needs { table: &[ get(&[CASE]), query(&[CASE_QUEUE_CLOSED]), put(&[CASE, CASE_QUEUE_ARCHIVED]), delete(&[CASE_QUEUE_CLOSED]), ], ..Needs::NONE } },
        "deliver_outbox" => const { Needs { table: &[], email: true, events: true, outbox: true } },
        "mark_inactive_schools" => const { Needs { table: &[get(&[APP]), query(&[SCHOOL]), query_gsi1(&[AGENTS_BY_ACTIVITY]), put(&[SCHOOL, APP])], email: true, events: true, outbox: true } },
        // Retention (#16).
        "list_mis_retention" => const { Needs { table: &[get(&[OPS_SESSION]), query(&[SCHOOL]), query_gsi1(&[AGENTS_BY_ACTIVITY])], ..Needs::NONE } },
        "purge_mis_caches" => const { Needs { table: &[ get(&[SCHOOL]), query(&[SCHOOL, PEOPLE, HELD]), query_gsi1(&[AGENTS_BY_ACTIVITY]), put(&[SCHOOL]), batch_delete(&[PEOPLE, HELD]), ], ..Needs::NONE } },
        "list_partners" => const { Needs { table: &[get(&[OPS_SESSION]), query(&[PARTNER_LISTINGS, SUPPRESSION, ERASURES_DUE])], ..Needs::NONE } },
        "audit_authorisation_logs" => const { Needs { table: &[get(&[OPS_SESSION]), query(&[PARTNER_LISTINGS, APP, LOG])], ..Needs::NONE } },
        "create_partner" => const { Needs { table: &[ get(&[OPS_SESSION, PARTNER_LISTINGS, PARTNER, USER]), put(&[PARTNER_LISTINGS, PARTNER, USER]), ], email: true, events: true, outbox: true } },
        "import_directory" => const { Needs { table: &[get(&[OPS_SESSION, JOB]), put(&[JOB]), batch_put(&[JOB])], email: true, events: true, outbox: true } },
        "search_ops_directory" => const { Needs { table: &[get(&[OPS_SESSION]), query(&[DIRECTORY_TERM])], ..Needs::NONE } },
        "update_directory_school" => const { Needs { table: &[ get(&[OPS_SESSION, DIRECTORY]), put(&[DIRECTORY, DIRECTORY_TERM]), delete(&[DIRECTORY, DIRECTORY_TERM]), ], email: true, events: true, outbox: true } },
        "request_international_school" => const { Needs { table: &[ get(&[IDEMPOTENCY, SESSION, INTERNATIONAL_REQUEST]), put(&[IDEMPOTENCY, INTERNATIONAL_REQUEST, INTERNATIONAL_QUEUE_PENDING]), delete(&[IDEMPOTENCY]), ], email: true, events: true, outbox: true } },
        "list_partner_international_requests" => const { Needs { table: &[get(&[SESSION]), query_gsi1(&[PARTNER_INTERNATIONAL_REQUESTS])], ..Needs::NONE } },
        "list_international_requests" => const { Needs { table: &[get(&[OPS_SESSION]), query(&[INTERNATIONAL_QUEUE])], ..Needs::NONE } },
        "accept_international_request" => const { Needs { table: &[ get(&[OPS_SESSION, INTERNATIONAL_REQUEST, DIRECTORY, INTERNATIONAL_COUNTER]), put(&[ INTERNATIONAL_REQUEST, INTERNATIONAL_QUEUE, DIRECTORY, DIRECTORY_TERM, INTERNATIONAL_COUNTER, ]), update(&[INTERNATIONAL_COUNTER]), delete(&[INTERNATIONAL_QUEUE, DIRECTORY_TERM]), ], email: true, events: true, outbox: true } },
        "decline_international_request" => const { Needs { table: &[ get(&[OPS_SESSION, INTERNATIONAL_REQUEST]), put(&[INTERNATIONAL_REQUEST, INTERNATIONAL_QUEUE]), delete(&[INTERNATIONAL_QUEUE]), ], email: true, events: true, outbox: true } },
        "list_support_queue" => const { Needs { table: &[get(&[OPS_SESSION]), query(&[CASE_QUEUE])], ..Needs::NONE } },
        "get_support_case" => const { Needs { table: &[get(&[OPS_SESSION]), query(&[CASE])], ..Needs::NONE } },
        "reply_to_case" => const { Needs { table: &[ get(&[IDEMPOTENCY, OPS_SESSION, CASE, APP]), query(&[CASE]), put(&[IDEMPOTENCY, CASE, CASE_QUEUE, APP]), delete(&[IDEMPOTENCY, CASE_QUEUE]), ], email: true, events: true, outbox: true } },
        "close_support_case" => const { Needs { table: &[ get(&[OPS_SESSION, CASE, APP]), query(&[CASE]), put(&[CASE, CASE_QUEUE, APP]), delete(&[CASE_QUEUE]), ], email: true, events: true, outbox: true } },
        "reassign_case" => const { Needs { table: &[ get(&[OPS_SESSION, CASE]), query(&[CASE]), put(&[CASE, CASE_QUEUE]), delete(&[CASE_QUEUE]), ], email: true, events: true, outbox: true } },
        "list_install_slots" => const { Needs { table: &[get(&[OPS_SESSION]), query(&[INSTALL_SLOTS])], ..Needs::NONE } },
        "offer_install_slots" => const { Needs { table: &[get(&[OPS_SESSION]), query(&[INSTALL_SLOTS]), put(&[INSTALL_SLOTS])], email: true, events: true, outbox: true } },
        "list_install_bookings" => const { Needs { table: &[get(&[OPS_SESSION]), query(&[INSTALL_SLOTS])], ..Needs::NONE } },
        "mark_installed" => const { Needs { table: &[ get(&[OPS_SESSION, SCHOOL, INSTALL_SLOTS, APP]), query(&[SCHOOL]), put(&[SCHOOL, INSTALL_SLOTS, APP, LOG]), ], email: true, events: true, outbox: true } },
        "issue_agent_key" => const { Needs { table: &[ get(&[OPS_SESSION, SCHOOL, APP]), query(&[SCHOOL, SCHOOL_TEAM]), put(&[AGENT_KEY, SCHOOL]), delete(&[AGENT_KEY, SCHOOL]), ], email: true, events: true, outbox: true } },
        "get_webhook" => const { Needs { table: &[get(&[SESSION, WEBHOOK])], ..Needs::NONE } },
        "set_webhook" => const { Needs { table: &[get(&[SESSION, WEBHOOK]), put(&[WEBHOOK])], email: true, events: true, outbox: true } },
        "rotate_webhook_secret" => const { Needs { table: &[get(&[SESSION, WEBHOOK]), put(&[WEBHOOK])], email: true, events: true, outbox: true } },
        "list_webhook_deliveries" => const { Needs { table: &[get(&[SESSION]), query(&[WEBHOOK])], ..Needs::NONE } },
        "redeliver_webhook" => const { Needs { table: &[get(&[SESSION, WEBHOOK]), put(&[WEBHOOK])], email: true, events: true, outbox: true } },
        "deliver_webhooks" => const { Needs { table: &[get(&[WEBHOOK]), put(&[WEBHOOK])], ..Needs::NONE } },
        "record_email_feedback" => const { Needs { table: &[put(&[SUPPRESSION])], ..Needs::NONE } },
        "send_sign_in_links" => const { Needs { table: &[ get(&[SIGN_IN, USER, SCHOOL_USER, OPS_USER]), put(&[OPS_USER, LOGIN, SCHOOL_LOGIN, OPS_LOGIN]), delete(&[SIGN_IN]), ], email: true, ..Needs::NONE } },
        "push_extract_worker" => const { Needs { table: &[ get(&[JOB, SCHOOL, PEOPLE, APP]), query(&[JOB, SCHOOL, PEOPLE, HELD, ERASED]), put(&[JOB, PEOPLE, SCHOOL, HELD, APP]), batch_put(&[PEOPLE]), update(&[SCHOOL]), delete(&[JOB, HELD]), ], email: true, events: true, outbox: true } },
        "release_held_extract_worker" => const { Needs { table: &[ get(&[JOB, SCHOOL, PEOPLE, APP]), query(&[SCHOOL, PEOPLE, HELD, ERASED]), put(&[JOB, PEOPLE, SCHOOL, HELD, APP]), batch_put(&[PEOPLE]), update(&[SCHOOL]), delete(&[HELD]), ], email: true, events: true, outbox: true } },
        "permission_set_fan_out_worker" => const { Needs { table: &[ get(&[JOB, PARTNER]), query_gsi1(&[SCHOOL_VIEWS]), put(&[JOB, APP, LOG, INVITE, SCHOOL]), delete(&[INVITE]), ], email: true, events: true, outbox: true } },
        "import_directory_worker" => const { Needs { table: &[ get(&[JOB, DIRECTORY]), query(&[JOB]), put(&[JOB, DIRECTORY, DIRECTORY_TERM]), delete(&[JOB, DIRECTORY_TERM]), ], ..Needs::NONE } },
        "send_reminders" => const { Needs { table: &[ get(&[APP, PARTNER]), query(&[REMINDERS_DUE]), put(&[APP, LOG, INVITE, SCHOOL]), delete(&[REMINDERS_DUE, INVITE]), ], email: true, ..Needs::NONE } },
        // #16: erasure reminders, emailed through the outbox.
        "send_erasure_reminders" => const { Needs { table: &[ get(&[APP]), query(&[ERASURES_DUE]), put(&[APP, LOG, SCHOOL]), delete(&[ERASURES_DUE]), ], email: true, events: true, outbox: true } },
        _ => return None,
    })
}

tokio::task_local! {
    /// The function whose work this task is doing, while it does it.
    static RUNNING: &'static str;
}

/// Runs `work` as `function`'s: what it does to the table, the mailer and
/// the bus is checked against `needs(function)` where an [`Enforced`] port
/// sits (locally and in the tests; IAM does it in AWS).
pub async fn running<F: Future>(function: &'static str, work: F) -> F::Output {
    RUNNING.scope(function, work).await
}

/// The function running on this task, if any. Setup, seeding and
/// command-line tools run as none and are not checked.
pub fn current() -> Option<&'static str> {
    RUNNING.try_with(|function| *function).ok()
}

/// What AWS would answer a call the function's policy does not allow.
#[derive(Debug, thiserror::Error)]
#[error("access denied: function `{function}` did not declare {what} (gatehouse_core::access)")]
pub struct AccessDenied {
    pub function: &'static str,
    /// The call and the partition's leading segment, never the whole key:
    /// keys carry email addresses.
    pub what: String,
}

fn denied(function: &'static str, what: String) -> AccessDenied {
    let denied = AccessDenied { function, what };
    tracing::error!(error = %denied, "undeclared access");
    denied
}

/// The partition key up to its first `#`, for messages.
fn leading_segment(partition: &str) -> String {
    match partition.split_once('#') {
        Some((head, _)) => format!("{head}#…"),
        None => partition.to_owned(),
    }
}

/// Checks one call against the running function's declaration.
fn check_table(verb: Verb, index: Index, partition: &str) -> Result<(), StoreError> {
    let Some(function) = current() else { return Ok(()) };
    if needs(function).is_some_and(|needs| needs.allows(verb, index, partition)) {
        return Ok(());
    }
    let what = format!("{} on {index:?} partition {}", verb.iam_action(), leading_segment(partition));
    Err(StoreError::Unavailable(denied(function, what).into()))
}

/// A table that refuses what the running function did not declare.
pub struct Enforced<T: ?Sized>(pub Arc<T>);

#[async_trait]
impl Table for Enforced<dyn Table> {
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError> {
        check_table(Verb::Get, Index::Primary, pk)?;
        self.0.get(pk, sk).await
    }

    async fn put(&self, item: Item, condition: Condition) -> Result<(), StoreError> {
        check_table(Verb::Put, Index::Primary, &item.pk)?;
        self.0.put(item, condition).await
    }

    async fn delete(&self, pk: &str, sk: &str, condition: Condition) -> Result<Option<Item>, StoreError> {
        check_table(Verb::Delete, Index::Primary, pk)?;
        self.0.delete(pk, sk, condition).await
    }

    async fn transact(&self, writes: Vec<TransactWrite>) -> Result<(), StoreError> {
        for write in &writes {
            match write {
                TransactWrite::Put { item, .. } => check_table(Verb::Put, Index::Primary, &item.pk)?,
                TransactWrite::Delete { pk, .. } => check_table(Verb::Delete, Index::Primary, pk)?,
                TransactWrite::Check { pk, .. } => check_table(Verb::Check, Index::Primary, pk)?,
            }
        }
        self.0.transact(writes).await
    }

    async fn put_all(&self, items: Vec<Item>) -> Result<(), StoreError> {
        for item in &items {
            check_table(Verb::BatchPut, Index::Primary, &item.pk)?;
        }
        self.0.put_all(items).await
    }

    async fn delete_all(&self, keys: Vec<(String, String)>) -> Result<(), StoreError> {
        for (pk, _) in &keys {
            check_table(Verb::BatchDelete, Index::Primary, pk)?;
        }
        self.0.delete_all(keys).await
    }

    async fn add(&self, increment: Increment<'_>) -> Result<i64, StoreError> {
        check_table(Verb::Update, Index::Primary, increment.pk)?;
        self.0.add(increment).await
    }

    async fn query(&self, query: Query) -> Result<QueryPage, StoreError> {
        check_table(Verb::Query, query.index, &query.partition)?;
        self.0.query(query).await
    }
}

#[async_trait]
impl Mailer for Enforced<dyn Mailer> {
    async fn send(&self, email: Email) -> Result<(), anyhow::Error> {
        if let Some(function) = current()
            && !needs(function).is_some_and(|needs| needs.sends_email())
        {
            return Err(denied(function, "ses:SendEmail".to_owned()).into());
        }
        self.0.send(email).await
    }
}

#[async_trait]
impl EventBus for Enforced<dyn EventBus> {
    async fn publish(&self, event: DomainEvent) -> Result<(), anyhow::Error> {
        if let Some(function) = current()
            && !needs(function).is_some_and(|needs| needs.publishes())
        {
            return Err(denied(function, "events:PutEvents".to_owned()).into());
        }
        self.0.publish(event).await
    }
}

impl crate::base::Gatehouse {
    /// The same Gatehouse, its table, mailer and bus refusing what the
    /// running function did not declare.
    pub fn enforcing_access(self) -> Self {
        crate::base::Gatehouse {
            table: Arc::new(Enforced(self.table)),
            mailer: Arc::new(Enforced(self.mailer)),
            events: Arc::new(Enforced(self.events)),
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::keys::{
        agent_activity_partition, partner_cases_partition, partner_international_partition, person_change_index,
        school_view_partition, selection_change_index,
    };
    use crate::base::{AppId, PartnerId, SchoolId};
    use gatehouse_model::{CaseFilter, EVENT_CONSUMERS, JOBS, Method, ROUTES, Resource, SchoolView};

    fn every_function() -> Vec<&'static str> {
        let routes = ROUTES.iter().map(|route| route.name);
        routes
            .chain(JOBS.iter().map(|job| job.name))
            .chain(EVENT_CONSUMERS.iter().map(|consumer| consumer.name))
            .collect()
    }

    #[test]
    fn every_route_job_and_consumer_declares_its_needs() {
        let undeclared: Vec<_> = every_function().into_iter().filter(|name| needs(name).is_none()).collect();
        assert!(undeclared.is_empty(), "no access declared for {undeclared:?}");
        assert_eq!(needs("no_such_function"), None);
    }

    #[test]
    fn every_write_route_may_deliver_the_outbox() {
        // The API delivers the outbox after every POST (`gatehouse_api`).
        let without: Vec<_> = ROUTES
            .iter()
            .filter(|route| route.method == Method::Post && !needs(route.name).unwrap().outbox)
            .map(|route| route.name)
            .collect();
        assert!(without.is_empty(), "write routes that cannot deliver the outbox: {without:?}");
    }

    #[test]
    fn only_the_data_reads_ingestion_and_the_school_s_own_views_touch_pupil_records() {
        let may = [
            "list_students",
            "get_student",
            "list_staff",
            "list_contacts",
            "list_groups",
            "explain_person",
            // #17: OneRoster, a projection of the same reads.
            "list_oneroster",
            "get_oneroster",
            "list_oneroster_nested",
            "push_extract_worker",
            // The deletion guard's review of a held extract, by the school or ops.
            "get_school_held_extract",
            "release_held_extract_worker",
            "reject_school_held_extract",
            "get_ops_held_extract",
            "reject_ops_held_extract",
            "search_school_people",
            "set_person_choice",
            "explain_school_person",
            // #16: a person's data on request, in the school's portal.
            "search_school_persons",
            "get_school_person",
            "export_school_person",
            "exclude_school_person",
            "erase_school_person",
            "explain_partner_school_person",
            // Retention (#16): deletes them.
            "purge_mis_caches",
        ];
        let pupil_partitions = [PEOPLE, PEOPLE_CHANGES, HELD];
        let touching: Vec<_> = every_function()
            .into_iter()
            .filter(|name| {
                needs(name)
                    .unwrap()
                    .grants()
                    .iter()
                    .any(|grant| grant.partitions.iter().any(|p| pupil_partitions.contains(p)))
            })
            .collect();
        let strays: Vec<_> = touching.iter().filter(|name| !may.contains(name)).collect();
        assert!(strays.is_empty(), "functions that may touch pupil records and should not: {strays:?}");
    }

    #[test]
    fn gsi1_partitions_match_their_builders() {
        let app = AppId::parse("a1").unwrap();
        let school = SchoolId::parse("3280001").unwrap();
        let partner = PartnerId::parse("p1").unwrap();
        let built = [
            (SCHOOL_VIEWS, school_view_partition(&app, SchoolView::Active)),
            (PEOPLE_CHANGES, person_change_index(&school, Resource::Students, 1).0),
            (SELECTION_CHANGES, selection_change_index(&app, &school, 1).0),
            (AGENTS_BY_ACTIVITY, agent_activity_partition(crate::base::keys::AgentActivity::Inactive)),
            (PARTNER_CASES, partner_cases_partition(&partner, CaseFilter::Active)),
            (PARTNER_INTERNATIONAL_REQUESTS, partner_international_partition(&partner)),
        ];
        for (like, partition) in built {
            assert!(is_like(like, &partition), "{like} does not match {partition}");
        }
        // A school view is not a school link partition, nor the reverse.
        assert!(!is_like(SCHOOL_VIEWS, "APP#a1"));
        // Whoever may write a link may write its change; the lists may read
        // the changes and not the links' partition.
        let changes = crate::base::keys::view_changes_partition(&app);
        assert!(is_like(VIEW_CHANGES, &changes) && is_like(APP, &changes));
        assert!(!is_like(VIEW_CHANGES, "APP#a1"));
    }

    #[test]
    fn string_like_is_iam_s() {
        assert!(is_like("SESSION#*", "SESSION#abc"));
        assert!(is_like("SESSION#*", "SESSION#"));
        assert!(!is_like("SESSION#*", "SCHOOLSESSION#abc"));
        assert!(is_like("APP#*#VIEW#*", "APP#a1#VIEW#active"));
        assert!(!is_like("OUTBOX", "OUTBOX#1"));
        assert!(is_like("COUNTER#?ases", "COUNTER#cases"));
    }

    #[test]
    fn the_running_function_is_known_inside_its_scope_only() {
        let inside = block_on(running("get_me", async { current() }));
        assert_eq!(inside, Some("get_me"));
        assert_eq!(current(), None);
    }

    fn block_on<F: Future>(work: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(work)
    }
}
