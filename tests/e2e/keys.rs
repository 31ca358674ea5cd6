//! A1 in the browser: an admin creates an API key for the demo app, sees its secret once, the
//! key works against the data API and stops working at once when revoked; an admin creates an
//! OAuth client whose id and secret buy a token (#17); a member sees the keys read-only.

use gatehouse_core::demo::COLLEAGUE_EMAIL;
use serde_json::Value;

use super::{sign_in_as, sign_in_as_demo_partner};
use crate::accessibility::look_and_check;
use crate::harness::{Context, browser_test, save_screenshot};
use crate::pages::Screen;
use crate::pages::app_keys::AppKeysPage;

/// 256 bits in unpadded base64url.
const SECRET_LENGTH: usize = 43;
/// The demo app's schools: active, pending and revoked.
const DEMO_APP_SCHOOLS: usize = 60;

fn is_active(status: &str) -> bool {
    status == "Active"
}

/// `GET /api/v1/schools` as an app sending `secret`: the status and the JSON body.
async fn list_schools_as_app(app: &Context, secret: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .get(app.url("/api/v1/schools"))
        .bearer_auth(secret)
        .send()
        .await
        .expect("calling the data API");
    let status = response.status().as_u16();
    let body =
        response.json().await.unwrap_or_else(|error| panic!("the data API answered {status} without JSON: {error}"));
    (status, body)
}

#[tokio::test]
async fn admin_creates_a_key_sees_its_secret_once_uses_it_and_revokes_it() {
    browser_test(|app, browser| async move {
        sign_in_as_demo_partner(&app, &browser).await;
        let keys = AppKeysPage::open_from_nav(&browser).await;
        assert_eq!(browser.current_url().await.expect("the current address").path(), "/keys");
        // The local server gives the demo app a key when it starts.
        let demo_key = keys.wait_for_key("Demo key", is_active).await;
        assert_eq!(demo_key[1], "API key", "the table says how the key signs in: {demo_key:?}");
        assert_eq!(demo_key[3], "cargo xtask run", "the table says who created the key: {demo_key:?}");
        assert!(keys.can_revoke("Demo key").await, "an admin can revoke an active key");
        assert_eq!(keys.secret().await, None, "no secret is shown before a key is made");
        look_and_check(&browser, "api-keys").await;

        // A key needs a label; the problem shows beside the field, which takes the focus.
        keys.press("Create key").await;
        let alerts = keys.wait_for_alerts().await;
        assert!(alerts.iter().any(|alert| alert.starts_with("Enter a label")), "no label, no key: {alerts:?}");
        assert_eq!(keys.focused_id().await.as_deref(), Some("key-label"), "the focus should go to the label");
        assert_eq!(keys.secret().await, None);

        // By keyboard: type the label, press Enter.
        keys.fill("Label", "Production sync").await;
        keys.press_enter_in("Label").await;
        let secret = keys.wait_for_secret().await;
        assert_eq!(secret.len(), SECRET_LENGTH, "the secret is 256 bits in base64url: {secret:?}");
        assert_eq!(keys.focused_id().await.as_deref(), Some("secret-heading"), "the box takes the focus");
        let said = keys.secret_box().await;
        assert!(said.contains("Copy this secret now: it will not be shown again"), "the box reads {said:?}");
        assert!(said.contains("The API key “Production sync” was created"), "the box names the key: {said:?}");
        assert_eq!(
            keys.curl_example().await,
            format!("curl -H \"Authorization: Bearer {secret}\" {}/api/v1/schools", app.url("")),
            "the command line tries the new key on this server"
        );
        let row = keys.wait_for_key("Production sync", is_active).await;
        assert_eq!(row[3], "Dana Demo", "the key names who created it: {row:?}");
        assert_eq!(keys.rows().await[0][0], "Production sync", "newest first");
        assert!(!keys.rows().await.iter().flatten().any(|cell| cell.contains(&secret)), "the table never shows it");

        // Copy puts the secret on the clipboard or, where the browser refuses, selects it.
        let copied = keys.copy().await;
        if copied.starts_with("Copied") {
            assert_eq!(keys.paste_into("Label").await, secret, "Copy said it copied, so Ctrl+V pastes the key");
        } else {
            assert!(copied.contains("Ctrl+C"), "Copy should say what to do instead: {copied:?}");
            assert_eq!(keys.secret_selection().await, (0, SECRET_LENGTH as u64), "the whole key is selected");
        }
        look_and_check(&browser, "api-key-secret").await;

        let (status, body) = list_schools_as_app(&app, &secret).await;
        assert_eq!(status, 200, "the new key works: {body}");
        let schools = body["schools"].as_array().map_or(0, Vec::len);
        assert_eq!(schools, DEMO_APP_SCHOOLS, "the demo app's schools, every list: {body}");

        // Making another key hides the first secret for good.
        keys.fill("Label", "Staging").await;
        keys.press("Create key").await;
        keys.wait_for_key("Staging", is_active).await;
        let staging = keys.secret().await.expect("the second key's secret");
        assert_ne!(staging, secret, "each key has its own secret");
        let source = browser.source().await.expect("the page's source");
        assert!(!source.contains(&secret), "the first secret is still on the page");
        // Done hides the second one, and the keyboard goes back to the form.
        keys.press("Done: hide the secret").await;
        assert_eq!(keys.secret().await, None, "Done should hide the secret");
        assert_eq!(keys.focused_id().await.as_deref(), Some("key-label"), "the focus should go back to the form");

        // A reload shows neither secret again.
        browser.refresh().await.expect("reloading the page");
        let keys = AppKeysPage::expect_shown(&browser).await;
        keys.wait_for_key("Production sync", is_active).await;
        assert_eq!(keys.secret().await, None, "a reload must not show a secret");
        let source = browser.source().await.expect("the page's source");
        assert!(!source.contains(&secret) && !source.contains(&staging), "a secret is on the page after a reload");

        // Escape backs out of the confirmation and returns the focus to the row's Revoke.
        keys.revoke("Production sync").await;
        let confirmation = keys.confirmation().await;
        assert!(confirmation.contains("Revoke the key “Production sync”?"), "the confirmation reads {confirmation:?}");
        assert!(
            confirmation.contains("Apps using this key stop working at once"),
            "the confirmation says what revoking does: {confirmation:?}"
        );
        assert_eq!(keys.focused_id().await.as_deref(), Some("confirm-revoke-heading"));
        keys.press_escape().await;
        keys.wait_until_no_confirmation().await;
        assert_eq!(keys.focused_id().await, keys.revoke_button_id("Production sync").await, "focus back on Revoke");
        keys.wait_for_key("Production sync", is_active).await;

        keys.revoke("Production sync").await;
        keys.confirmation().await;
        look_and_check(&browser, "api-key-revoke-confirm").await;
        keys.press("Yes, revoke").await;
        let message = keys.wait_for_message().await;
        assert_eq!(message, "The key “Production sync” was revoked: apps using it can no longer call Gatehouse.");
        let row = keys.wait_for_key("Production sync", |status| status.starts_with("Revoked on ")).await;
        assert!(!keys.can_revoke("Production sync").await, "a revoked key has nothing left to revoke: {row:?}");
        keys.wait_for_key("Staging", is_active).await;
        keys.wait_for_key("Demo key", is_active).await;
        save_screenshot(&browser, "api-key-revoked").await;

        let (status, body) = list_schools_as_app(&app, &secret).await;
        assert_eq!(status, 401, "a revoked key stops working at once: {body}");
        assert_eq!(body["code"], "invalid_credentials", "the refusal reads {body}");
        let (status, body) = list_schools_as_app(&app, &staging).await;
        assert_eq!(status, 200, "the other keys keep working: {body}");
    })
    .await;
}

#[tokio::test]
async fn admin_creates_an_oauth_client_whose_id_and_secret_buy_a_token() {
    browser_test(|app, browser| async move {
        sign_in_as_demo_partner(&app, &browser).await;
        let keys = AppKeysPage::open_from_nav(&browser).await;
        keys.wait_for_key("Demo key", is_active).await;
        keys.fill("Label", "OneRoster sync").await;
        keys.choose_kind("OAuth client").await;
        keys.press("Create key").await;
        let secret = keys.wait_for_secret().await;
        let client_id = keys.client_id().await;
        let said = keys.secret_box().await;
        assert!(said.contains("The OAuth client “OneRoster sync” was created"), "the box names it: {said:?}");
        assert!(said.contains("Client secret"), "the secret is the client's: {said:?}");
        let curl = keys.curl_example().await;
        let token_url = app.url("/oauth/token");
        assert_eq!(curl, format!("curl -u {client_id}:{secret} -d grant_type=client_credentials {token_url}"));
        let row = keys.wait_for_key("OneRoster sync", is_active).await;
        assert_eq!(row[1], format!("OAuth client (client ID {client_id})"), "the list shows the client ID: {row:?}");
        save_screenshot(&browser, "api-key-oauth-client").await;

        // What the box says to run works: the id and secret buy a token, and the token reads.
        let token: Value = reqwest::Client::new()
            .post(&token_url)
            .basic_auth(&client_id, Some(&secret))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
            .await
            .expect("asking for a token")
            .json()
            .await
            .expect("a token");
        let access = token["access_token"].as_str().unwrap_or_else(|| panic!("a token: {token}"));
        let (status, body) = list_schools_as_app(&app, access).await;
        assert_eq!(status, 200, "the token reads what a key reads: {body}");
        // The secret itself is no key.
        assert_eq!(list_schools_as_app(&app, &secret).await.0, 401, "a client secret reads nothing by itself");
    })
    .await;
}

#[tokio::test]
async fn a_member_sees_the_api_keys_read_only() {
    browser_test(|app, browser| async move {
        sign_in_as(&app, &browser, COLLEAGUE_EMAIL).await;
        let keys = AppKeysPage::open_from_nav(&browser).await;
        let demo_key = keys.wait_for_key("Demo key", is_active).await;
        assert_eq!(demo_key.len(), 5, "a member's table has no action column: {demo_key:?}");
        assert!(!keys.has_field("Label").await, "a member has no create form");
        assert!(!keys.has_button("Create key").await, "a member cannot create keys");
        assert!(!keys.can_revoke("Demo key").await, "a member cannot revoke keys");
        let source = browser.source().await.expect("the page's source");
        assert!(source.contains("Only an admin can create or revoke API keys."), "the page says why it is read-only");
        look_and_check(&browser, "api-keys-member").await;
    })
    .await;
}
