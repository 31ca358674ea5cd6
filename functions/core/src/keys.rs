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

use gatehouse_model::SchoolView;

use crate::{AppId, EmailAddress, PartnerId, SchoolId, TokenHash};

/// Sort key of single-item partitions.
const PROFILE: &str = "PROFILE";

/// What a rate limit counts per window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateScope {
    SignInEmail,
    SignInIp,
}

impl RateScope {
    fn as_str(self) -> &'static str {
        match self {
            RateScope::SignInEmail => "signin-email",
            RateScope::SignInIp => "signin-ip",
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
        }
    }
}

/// Sort-key prefix of a partner's apps under its partition.
pub const APP_PREFIX: &str = "APP#";

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
        let cases = [
            (Key::User(&email), "USER#demo@partner.example", "PROFILE"),
            (Key::Partner(&partner()), "PARTNER#p1", "PROFILE"),
            (Key::App(&partner(), &app), "PARTNER#p1", "APP#a1"),
            (Key::SchoolLink(&app, &school), "APP#a1", "SCHOOL#3280001"),
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
