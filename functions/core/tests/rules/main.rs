//! The core rules, called directly over the in-memory ports seeded with the
//! demo data (`fixtures::memory`): fast and in-process, beside the HTTP
//! tests in `tests/api`, which check the same behaviours through the server.

mod auth;
mod ingestion;
mod people;
mod school_actions;
mod school_portal;

use chrono::NaiveDate;
use gatehouse_core::fixtures::memory::{MemoryGatehouse, demo_now, seeded};
use gatehouse_core::partner::app_keys::{self, AppCaller};
use gatehouse_core::ports::Clock;
use gatehouse_core::store::records::{SchoolSessionRecord, SessionRecord};
use gatehouse_core::{AppId, Error, MisId, PartnerId, SchoolId, auth as sign_in, demo};
use gatehouse_model::{AccountKind, SIGN_IN_REQUESTED};

/// Hana Head's school (demo school 2): Active for the demo app, Include
/// All, feed Enabled; she is its admin in the school portal.
pub const HANA_SCHOOL: &str = "3280003";

pub async fn world() -> MemoryGatehouse {
    seeded(demo_now()).await.expect("the demo data seeds")
}

pub fn today(world: &MemoryGatehouse) -> NaiveDate {
    world.clock.now().date_naive()
}

pub fn school_id(id: &str) -> SchoolId {
    SchoolId::parse(id).expect("a school id")
}

/// A `YYYY-MM-DD` date, as the edge parses a form's.
pub fn day(raw: &str) -> NaiveDate {
    gatehouse_core::calendar::date_field("date", raw).expect("a date")
}

pub fn mis_id(id: &str) -> MisId {
    MisId::parse(id).expect("an MIS id")
}

pub fn demo_app() -> AppId {
    AppId::parse(demo::DEMO_APP).expect("the demo app id")
}

/// The text after `marker` in `text`, up to the end of the token.
pub fn token_after(text: &str, marker: &str) -> Option<String> {
    let start = text.find(marker)? + marker.len();
    Some(text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect())
}

/// The newest email to `to` with a link holding `marker`: its token.
pub fn emailed_token(world: &MemoryGatehouse, to: &str, marker: &str) -> Option<String> {
    world
        .mailer
        .recorded()
        .iter()
        .rev()
        .filter(|email| email.to.as_str() == to)
        .find_map(|email| token_after(&email.text, marker))
}

/// Asks for a sign-in link and runs the consumer over every request on the
/// bus (as the local server does after the 202); the emailed token, if any.
pub async fn requested_link(world: &MemoryGatehouse, kind: AccountKind, email: &str) -> Option<String> {
    let gatehouse = &world.gatehouse;
    let address = gatehouse_core::EmailAddress::parse(email).expect("a valid address");
    sign_in::request_magic_link(gatehouse, kind, &address, "192.0.2.1").await.expect("a link request is accepted");
    for event in world.bus.recorded().iter().filter(|event| event.detail_type == SIGN_IN_REQUESTED) {
        sign_in::send_requested_link(gatehouse, &event.detail).await.expect("the consumer runs");
    }
    emailed_token(world, email, "#token=")
}

/// Dana Demo, the demo partner's admin, signed in.
pub async fn dana(world: &MemoryGatehouse) -> SessionRecord {
    let link = requested_link(world, AccountKind::Partner, demo::DEMO_EMAIL).await.expect("a link for Dana");
    let new = sign_in::create_session(&world.gatehouse, &link).await.expect("Dana signs in");
    sign_in::session(&world.gatehouse, new.token.expose()).await.expect("Dana's session")
}

/// Hana Head, admin of `HANA_SCHOOL`, signed in to the school portal.
pub async fn hana(world: &MemoryGatehouse) -> SchoolSessionRecord {
    let link = requested_link(world, AccountKind::School, demo::DEMO_SCHOOL_EMAIL).await.expect("a link for Hana");
    let new = sign_in::create_school_session(&world.gatehouse, &link).await.expect("Hana signs in");
    sign_in::school_session(&world.gatehouse, new.token.expose()).await.expect("Hana's session")
}

/// The demo app, as its API key authenticates it.
pub async fn demo_app_caller(world: &MemoryGatehouse) -> AppCaller {
    let partner = PartnerId::parse(demo::DEMO_PARTNER).expect("the demo partner id");
    let table = world.gatehouse.table.as_ref();
    let secret =
        app_keys::ensure_demo_key(table, &partner, &demo_app(), None, world.clock.now()).await.expect("a demo key");
    app_keys::authenticate(&world.gatehouse, Some(&secret)).await.expect("the key authenticates")
}

/// The refusal inside `result`, for asserting which rule answered.
#[track_caller]
pub fn refusal<T: std::fmt::Debug>(result: Result<T, Error>) -> gatehouse_core::base::Refusal {
    match result {
        Err(Error::Refused(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}
