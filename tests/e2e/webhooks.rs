//! A4 in the browser: an admin sets the demo app's webhook, sees the signing secret once, and
//! an event then shows in the deliveries table as delivered, signed with that secret.

use gatehouse_core::domain_events::{self, EventKind};
use gatehouse_core::{AppId, SchoolId};
use gatehouse_tests::webhook_receiver::Receiver;
use serde_json::json;

use super::sign_in_as_demo_partner;
use crate::accessibility::look_and_check;
use crate::harness::browser_test;
use crate::pages::Screen;
use crate::pages::webhooks::WebhooksPage;

#[tokio::test]
async fn admin_sets_the_webhook_and_sees_a_signed_delivery() {
    browser_test(|app, browser| async move {
        let receiver = Receiver::start().await;
        sign_in_as_demo_partner(&app, &browser).await;
        let page = WebhooksPage::open_from_nav(&browser).await;
        assert_eq!(browser.current_url().await.expect("the address").path(), "/webhooks");
        assert!(page.state().await.starts_with("No webhook yet"), "a new app has none");

        page.fill("Webhook URL", &receiver.url).await;
        page.press("Save webhook").await;
        let secret = page.wait_for_secret().await;
        assert!(secret.starts_with("whsec_"), "the signing secret is shown once: {secret:?}");
        receiver.use_secret(&secret);
        assert_eq!(page.state().await, format!("Delivering to {}.", receiver.url));

        // Any domain event for the app reaches the endpoint through the in-process consumer.
        let (app_id, school_id) = (AppId::parse("demo-app").unwrap(), SchoolId::parse("3280001").unwrap());
        let now = app.gatehouse().clock.now();
        let event = domain_events::new(EventKind::FeedPaused, &app_id, &school_id, now, json!({})).unwrap();
        app.gatehouse().events.publish(event).await.unwrap();
        let received = receiver.wait_for(1).await;
        assert!(received[0].signature_valid, "signed with the secret the page showed");

        let row = page.wait_for_delivery("feed.paused", "Delivered").await;
        assert_eq!((row[1].as_str(), row[4].as_str(), row[5].as_str()), ("3280001", "1", "HTTP 200"), "{row:?}");
        page.hide_secret().await;
        page.scroll_to_deliveries().await;
        look_and_check(&browser, "webhooks").await;
    })
    .await;
}
