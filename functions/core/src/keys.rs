//! Every partition, sort and index key, formatted here and nowhere else.
//!
//! Changing a format orphans stored items: migrate first, then update the
//! pinned test. `docs/DATA-MODEL.md` is the long form of this table.
//!
//! | Access pattern                      | Index   | Key condition                                         | Product |
//! |-------------------------------------|---------|-------------------------------------------------------|---------|
//! | User by email                       | primary | `USER#<email>` = `PROFILE`                            | P1      |
//! | Partner profile                     | primary | `PARTNER#<partner>` = `PROFILE`                       | P1      |
//! | A partner's apps                    | primary | `PARTNER#<partner>`, begins_with `APP#`               | P1, P10 |
//! | Sign-in link by token hash          | primary | `LOGIN#<sha256>` = `LOGIN`                            | P1      |
//! | Session by id hash                  | primary | `SESSION#<sha256>` = `SESSION`                        | P1      |
//! | Rate-limit window                   | primary | `RATE#<scope>#<sha256>` = `WINDOW#<epoch>`            | P1      |
//! | One app–school link                 | primary | `APP#<app>` = `SCHOOL#<school>`                       | P2–P8   |
//! | An app's schools in one view, by name | GSI1  | `APP#<app>#VIEW#<view>`, sorted by `<name>#<school>`  | P2–P4   |
//! | A partner's team                    | primary | `PARTNER#<partner>`, begins_with `MEMBER#`            | Team    |
//! | A user's live sessions              | primary | `USER#<email>`, begins_with `SESSION#`                | Team    |
//! | A school link's Authorisation Log   | primary | `LOG#<app>#<school>`, begins_with `ENTRY#` (by seq)   | P8, S3  |
//! | Invitation link by token hash       | primary | `INVITE#<sha256>` = `INVITE`                          | P6, S1  |
//! | A replayable request                | primary | `IDEMPOTENCY#<sha256 of scope and key>` = `RESULT`    | P6, A6  |
//! | Revocations waiting for their date  | primary | `SCHEDULE#revocations`, sorted by `<date>#<app>#<school>` | P6, E1 |
//! | Pending invitations to remind       | primary | `SCHEDULE#reminders`, sorted by `<app>#<school>`      | P11, E1 |
//! | App key by secret hash              | primary | `APPKEY#<sha256>` = `APPKEY`                          | A1, A6  |
//! | An app's keys (summaries)           | primary | `PARTNER#<partner>`, begins_with `APPKEY#<app>#`      | A1      |
//! | Directory school by URN             | primary | `DIRECTORY#<urn>` = `PROFILE`                         | P7, O1  |
//! | Directory search by word prefix     | primary | `DIRTERM#<first 2 chars>`, begins_with `<word>`       | P7, O1  |

use chrono::NaiveDate;
use gatehouse_model::SchoolView;

use crate::{AppId, EmailAddress, PartnerId, SchoolId, SchoolUrn, TokenHash};

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

/// A primary key: where one item lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key<'a> {
    User(&'a EmailAddress),
    Partner(&'a PartnerId),
    App(&'a PartnerId, &'a AppId),
    LoginLink(&'a TokenHash),
    Session(&'a TokenHash),
    /// `subject` is already hashed: raw emails and IPs stay out of keys.
    RateWindow {
        scope: RateScope,
        subject: &'a str,
        window_start: i64,
    },
    SchoolLink(&'a AppId, &'a SchoolId),
    /// The team list's copy of a user, under their partner.
    Member(&'a PartnerId, &'a EmailAddress),
    /// Points from a user to one of their sessions, so removing the user can end them.
    UserSession(&'a EmailAddress, &'a TokenHash),
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
    DirectorySchool(&'a SchoolUrn),
    /// The shape version of a local data directory's store.
    LocalDataVersion,
    /// One search word of a directory school (lower-case, at least 2 characters).
    DirectoryTerm(&'a str, &'a SchoolUrn),
}

impl Key<'_> {
    pub fn pk(&self) -> String {
        match self {
            Key::User(email) => format!("USER#{}", email.as_str()),
            Key::Partner(partner) | Key::App(partner, _) => format!("PARTNER#{partner}"),
            Key::LoginLink(hash) => format!("LOGIN#{}", hash.as_str()),
            Key::Session(hash) => format!("SESSION#{}", hash.as_str()),
            Key::RateWindow { scope, subject, .. } => format!("RATE#{}#{subject}", scope.as_str()),
            Key::SchoolLink(app, _) => format!("APP#{app}"),
            Key::Member(partner, _) => format!("PARTNER#{partner}"),
            Key::UserSession(email, _) => format!("USER#{}", email.as_str()),
            Key::LogEntry(app, school, _) => log_partition(app, school),
            Key::Invitation(hash) => format!("INVITE#{}", hash.as_str()),
            Key::Idempotency(digest) => format!("IDEMPOTENCY#{digest}"),
            Key::RevocationDue(..) => REVOCATIONS_DUE.to_owned(),
            Key::AppKey(hash) => format!("APPKEY#{}", hash.as_str()),
            Key::AppKeySummary(partner, ..) => format!("PARTNER#{partner}"),
            Key::ReminderDue(..) => REMINDERS_DUE.to_owned(),
            Key::DirectorySchool(urn) => format!("DIRECTORY#{}", urn.as_str()),
            Key::LocalDataVersion => "META#local".to_owned(),
            Key::DirectoryTerm(term, _) => directory_term_partition(term),
        }
    }

    pub fn sk(&self) -> String {
        match self {
            Key::User(_) | Key::Partner(_) => PROFILE.to_owned(),
            Key::App(_, app) => format!("{APP_PREFIX}{app}"),
            Key::LoginLink(_) => "LOGIN".to_owned(),
            Key::Session(_) => "SESSION".to_owned(),
            Key::RateWindow { window_start, .. } => format!("WINDOW#{window_start}"),
            Key::SchoolLink(_, school) => format!("SCHOOL#{school}"),
            Key::Member(_, email) => format!("{MEMBER_PREFIX}{}", email.as_str()),
            Key::UserSession(_, hash) => format!("{SESSION_PREFIX}{}", hash.as_str()),
            // Zero-padded so the sort key orders entries by number.
            Key::LogEntry(_, _, seq) => format!("{LOG_ENTRY_PREFIX}{seq:010}"),
            Key::Invitation(_) => "INVITE".to_owned(),
            Key::Idempotency(_) => "RESULT".to_owned(),
            Key::RevocationDue(date, app, school) => format!("{date}#{app}#{school}"),
            Key::AppKey(_) => "APPKEY".to_owned(),
            Key::AppKeySummary(_, app, key_id) => format!("{}{key_id}", app_key_prefix(app)),
            Key::ReminderDue(app, school) => format!("{app}#{school}"),
            Key::DirectorySchool(_) => PROFILE.to_owned(),
            Key::LocalDataVersion => "VERSION".to_owned(),
            Key::DirectoryTerm(term, urn) => format!("{term}#{}", urn.as_str()),
        }
    }
}

/// Sort-key prefix of a partner's apps under its partition.
pub const APP_PREFIX: &str = "APP#";
/// Sort-key prefix of a partner's team members under its partition.
pub const MEMBER_PREFIX: &str = "MEMBER#";
/// Sort-key prefix of a user's session pointers under the user's partition.
pub const SESSION_PREFIX: &str = "SESSION#";
/// Sort-key prefix of Authorisation Log entries.
pub const LOG_ENTRY_PREFIX: &str = "ENTRY#";
/// The one partition of scheduled revocations: small (only revocations not
/// yet due live here) and read once a day by the job.
pub const REVOCATIONS_DUE: &str = "SCHEDULE#revocations";
/// The one partition of pending invitations, kept in step with the links by
/// `links::commit`; read by the reminder job twice a week.
pub const REMINDERS_DUE: &str = "SCHEDULE#reminders";

/// Search words are spread over partitions by their first two characters,
/// so a prefix query names one partition. Callers pass at least two.
pub fn directory_term_partition(term: &str) -> String {
    let head: String = term.chars().take(2).collect();
    format!("DIRTERM#{head}")
}

/// Sort-key prefix of one app's key summaries under its partner.
pub fn app_key_prefix(app: &AppId) -> String {
    format!("APPKEY#{app}#")
}

/// Partition of one app–school link's Authorisation Log.
pub fn log_partition(app: &AppId, school: &SchoolId) -> String {
    format!("LOG#{app}#{school}")
}

/// GSI1 keys of an app–school link: the view partition and the name order.
pub fn school_view_index(app: &AppId, view: SchoolView, name: &str, school: &SchoolId) -> (String, String) {
    (school_view_partition(app, view), format!("{}#{school}", name.to_lowercase()))
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
        let cases = [
            (Key::User(&email), "USER#demo@partner.example", "PROFILE"),
            (Key::Partner(&partner()), "PARTNER#p1", "PROFILE"),
            (Key::App(&partner(), &app), "PARTNER#p1", "APP#a1"),
            (Key::SchoolLink(&app, &school), "APP#a1", "SCHOOL#3280001"),
            (Key::Member(&partner(), &email), "PARTNER#p1", "MEMBER#demo@partner.example"),
            (Key::LogEntry(&app, &school, 7), "LOG#a1#3280001", "ENTRY#0000000007"),
            (Key::Idempotency("ab12"), "IDEMPOTENCY#ab12", "RESULT"),
            (Key::DirectorySchool(&urn), "DIRECTORY#107100", "PROFILE"),
            (Key::LocalDataVersion, "META#local", "VERSION"),
            (Key::DirectoryTerm("oakfield", &urn), "DIRTERM#oa", "oakfield#107100"),
            (
                Key::RevocationDue(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), &app, &school),
                "SCHEDULE#revocations",
                "2026-12-01#a1#3280001",
            ),
            (
                Key::RateWindow { scope: RateScope::SignInIp, subject: "ab12", window_start: 900 },
                "RATE#signin-ip#ab12",
                "WINDOW#900",
            ),
        ];
        for (key, pk, sk) in cases {
            assert_eq!((key.pk(), key.sk()), (pk.to_owned(), sk.to_owned()));
        }
        assert_eq!(
            school_view_index(&app, SchoolView::Pending, "Oak Primary", &school),
            ("APP#a1#VIEW#pending".to_owned(), "oak primary#3280001".to_owned())
        );
    }

    #[test]
    fn secret_keys_hold_only_the_hash() {
        let token = Token::generate().unwrap();
        let hash = token.hash();
        let pk = Key::Session(&hash).pk();
        assert!(pk.starts_with("SESSION#"));
        assert!(!pk.contains(token.expose()));
    }
}
