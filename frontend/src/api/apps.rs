//! The partner's calls about one of its apps: the permission set (P10), the API keys (A1) and
//! the webhook (A4). Same rules as the rest of `api`: URLs from the route table, failures as
//! `ApiError`.

use gatehouse_model::{
    AppKeyList, CreateAppKey, CreatedAppKey, Op, PermissionSet, PermissionSetSaved, ScopeSet, UpdatePermissionSet,
};

use super::{ApiError, decode, path_of, request_to, send};

/// The scopes an app requests, and how many of its schools still have to re-authorise (P10).
pub async fn permission_set(app_id: &str) -> Result<PermissionSet, ApiError> {
    let path = path_of(Op::GetPermissionSet, &[("app_id", app_id)]);
    decode(send(request_to(Op::GetPermissionSet, path).build()).await?).await
}

/// Replaces the app's requested scopes with `requested`; admins only.
pub async fn save_permission_set(app_id: &str, requested: ScopeSet) -> Result<PermissionSetSaved, ApiError> {
    let path = path_of(Op::UpdatePermissionSet, &[("app_id", app_id)]);
    let body = UpdatePermissionSet { requested };
    decode(send(request_to(Op::UpdatePermissionSet, path).json(&body)).await?).await
}

/// An app's API keys, newest first, never their secrets (A1).
pub async fn app_keys(app_id: &str) -> Result<AppKeyList, ApiError> {
    let path = path_of(Op::ListAppKeys, &[("app_id", app_id)]);
    decode(send(request_to(Op::ListAppKeys, path).build()).await?).await
}

/// Creates a key for the app; admins only. The answer holds the secret, which no later call
/// returns: the screen shows it once and keeps it nowhere.
pub async fn create_app_key(app_id: &str, label: String) -> Result<CreatedAppKey, ApiError> {
    let path = path_of(Op::CreateAppKey, &[("app_id", app_id)]);
    decode(send(request_to(Op::CreateAppKey, path).json(&CreateAppKey { label })).await?).await
}

/// Revokes a key at once; admins only. The answer is the app's keys afterwards.
pub async fn revoke_app_key(app_id: &str, key_id: &str) -> Result<AppKeyList, ApiError> {
    let path = path_of(Op::RevokeAppKey, &[("app_id", app_id), ("key_id", key_id)]);
    // No body of its own, but the route takes a JSON object like the others.
    decode(send(request_to(Op::RevokeAppKey, path).json(&serde_json::json!({}))).await?).await
}

/// An app's webhook (A4), without its secret.
pub async fn webhook(app_id: &str) -> Result<gatehouse_model::WebhookSettings, ApiError> {
    let path = path_of(Op::GetWebhook, &[("app_id", app_id)]);
    decode(send(request_to(Op::GetWebhook, path).build()).await?).await
}

/// Sets the webhook URL and whether delivery is on; admins only. The first save's answer holds
/// the signing secret, which no later call returns.
pub async fn set_webhook(app_id: &str, url: String, enabled: bool) -> Result<gatehouse_model::WebhookSaved, ApiError> {
    let path = path_of(Op::SetWebhook, &[("app_id", app_id)]);
    let body = gatehouse_model::SetWebhook { url, enabled };
    decode(send(request_to(Op::SetWebhook, path).json(&body)).await?).await
}

/// Replaces the signing secret; admins only. The answer holds the new one, this once.
pub async fn rotate_webhook_secret(app_id: &str) -> Result<gatehouse_model::WebhookSaved, ApiError> {
    let path = path_of(Op::RotateWebhookSecret, &[("app_id", app_id)]);
    decode(send(request_to(Op::RotateWebhookSecret, path).json(&serde_json::json!({}))).await?).await
}

/// The webhook's deliveries of the last 30 days, newest first.
pub async fn webhook_deliveries(app_id: &str) -> Result<gatehouse_model::WebhookDeliveries, ApiError> {
    let path = path_of(Op::ListWebhookDeliveries, &[("app_id", app_id)]);
    decode(send(request_to(Op::ListWebhookDeliveries, path).build()).await?).await
}

/// Sends one delivery again now; admins only. The answer is the delivery afterwards.
pub async fn redeliver_webhook(app_id: &str, delivery_id: &str) -> Result<gatehouse_model::WebhookDelivery, ApiError> {
    let path = path_of(Op::RedeliverWebhook, &[("app_id", app_id), ("delivery_id", delivery_id)]);
    decode(send(request_to(Op::RedeliverWebhook, path).json(&serde_json::json!({}))).await?).await
}

/// The command line that tries a new key: the data API's list of the app's schools, on the
/// origin the portal is served from (`https://gatehouse.example`).
pub fn curl_example(origin: &str, secret: &str) -> String {
    format!("curl -H \"Authorization: Bearer {secret}\" {origin}{}", Op::ListAppSchools.route().path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_curl_example_sends_the_key_as_a_bearer_token_to_the_schools_list() {
        assert_eq!(
            curl_example("https://gatehouse.example", "s3cr3t"),
            "curl -H \"Authorization: Bearer s3cr3t\" https://gatehouse.example/api/v1/schools"
        );
    }
}
