//! Sign-in links and sessions: a link works once and for ten minutes, and a
//! session of one kind is never found as another.

use gatehouse_core::Error;
use gatehouse_core::auth::{self, LINK_LIFETIME, SignInSend};
use gatehouse_core::demo::{DEMO_EMAIL, DEMO_SCHOOL_EMAIL};
use gatehouse_model::{AccountKind, SIGN_IN_REQUESTED};

use crate::{requested_link, world};

#[tokio::test]
async fn a_sign_in_link_starts_one_session_and_is_then_used_up() {
    let world = world().await;
    let link = requested_link(&world, AccountKind::Partner, DEMO_EMAIL).await.expect("a link for an account");

    let new = auth::create_session(&world.gatehouse, &link).await.expect("the link signs in");
    assert_eq!(new.me.email, DEMO_EMAIL);
    let session = auth::session(&world.gatehouse, new.token.expose()).await.expect("the session is live");
    assert_eq!(session.partner_id.as_str(), gatehouse_core::demo::DEMO_PARTNER);

    let reused = auth::create_session(&world.gatehouse, &link).await;
    assert!(matches!(reused, Err(Error::LinkExpired)), "a used link is refused: {reused:?}");
}

#[tokio::test]
async fn a_link_older_than_its_lifetime_is_refused_and_stays_usable_before() {
    let world = world().await;
    let link = requested_link(&world, AccountKind::Partner, DEMO_EMAIL).await.expect("a link");
    world.clock.advance(LINK_LIFETIME + chrono::Duration::seconds(1));
    let late = auth::create_session(&world.gatehouse, &link).await;
    assert!(matches!(late, Err(Error::LinkExpired)), "an expired link is refused: {late:?}");

    let fresh = requested_link(&world, AccountKind::Partner, DEMO_EMAIL).await.expect("a second link");
    assert_ne!(fresh, link);
    world.clock.advance(LINK_LIFETIME - chrono::Duration::seconds(1));
    assert!(auth::create_session(&world.gatehouse, &fresh).await.is_ok(), "a link works until its lifetime ends");
}

#[tokio::test]
async fn an_address_without_an_account_gets_no_email_and_a_redelivery_sends_nothing() {
    let world = world().await;
    let nobody = gatehouse_core::EmailAddress::parse("nobody@partner.example").unwrap();
    auth::request_magic_link(&world.gatehouse, AccountKind::Partner, &nobody, "192.0.2.9")
        .await
        .expect("accepted like any other");
    let events = world.bus.recorded();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].detail_type, SIGN_IN_REQUESTED);
    assert!(!events[0].detail.to_string().contains('@'), "the bus carries no address: {:?}", events[0]);

    let first = auth::send_requested_link(&world.gatehouse, &events[0].detail).await.expect("consumed");
    assert_eq!(first, SignInSend::NoAccount);
    let again = auth::send_requested_link(&world.gatehouse, &events[0].detail).await.expect("consumed again");
    assert_eq!(again, SignInSend::Gone);
    assert!(world.mailer.recorded().is_empty());
}

#[tokio::test]
async fn a_session_of_one_kind_is_never_found_as_another() {
    let world = world().await;
    let partner_link = requested_link(&world, AccountKind::Partner, DEMO_EMAIL).await.expect("a partner link");
    let school_link = requested_link(&world, AccountKind::School, DEMO_SCHOOL_EMAIL).await.expect("a school link");

    // A link is for one portal only.
    let crossed = auth::create_school_session(&world.gatehouse, &partner_link).await;
    assert!(crossed.is_err(), "a partner link opens no school session: {crossed:?}");

    let partner = auth::create_session(&world.gatehouse, &partner_link).await.expect("partner signs in");
    let school = auth::create_school_session(&world.gatehouse, &school_link).await.expect("school signs in");
    let (partner, school) = (partner.token.expose().to_owned(), school.token.expose().to_owned());

    assert!(auth::session(&world.gatehouse, &partner).await.is_ok());
    assert!(auth::school_session(&world.gatehouse, &school).await.is_ok());
    for (what, result) in [
        ("partner as school", auth::school_session(&world.gatehouse, &partner).await.map(drop)),
        ("partner as ops", auth::ops_session(&world.gatehouse, &partner).await.map(drop)),
        ("school as partner", auth::session(&world.gatehouse, &school).await.map(drop)),
        ("school as ops", auth::ops_session(&world.gatehouse, &school).await.map(drop)),
    ] {
        assert!(matches!(result, Err(Error::SignInRequired)), "{what}: {result:?}");
    }
}

#[tokio::test]
async fn a_logged_out_or_expired_session_is_not_found() {
    let world = world().await;
    let link = requested_link(&world, AccountKind::Partner, DEMO_EMAIL).await.expect("a link");
    let first = auth::create_session(&world.gatehouse, &link).await.expect("signed in");
    auth::logout(&world.gatehouse, AccountKind::Partner, first.token.expose()).await.expect("logged out");
    let gone = auth::session(&world.gatehouse, first.token.expose()).await;
    assert!(matches!(gone, Err(Error::SignInRequired)), "{gone:?}");

    let link = requested_link(&world, AccountKind::Partner, DEMO_EMAIL).await.expect("a second link");
    let second = auth::create_session(&world.gatehouse, &link).await.expect("signed in again");
    world.clock.advance(auth::SESSION_LIFETIME);
    let expired = auth::session(&world.gatehouse, second.token.expose()).await;
    assert!(matches!(expired, Err(Error::SignInRequired)), "the store still holds it; the reader refuses it");
}
