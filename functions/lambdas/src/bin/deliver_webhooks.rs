//! The `deliver_webhooks` event consumer (A4) as a Lambda function: an
//! EventBridge rule on Gatehouse's bus invokes it asynchronously with each
//! domain event. A failed attempt returns an error so that Lambda retries
//! the invocation (twice: about 1 and 2 minutes later, per the function's
//! `EventInvokeConfig`); the third failure writes the dead letter and
//! returns normally. Running twice for one event never delivers it twice.

use std::sync::Arc;

use gatehouse_core::ports::WebhookSender;
use gatehouse_core::webhooks;
use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    gatehouse_lambdas::init_tracing();
    let gatehouse = gatehouse_aws::gatehouse_from_env().await?;
    let sender: Arc<dyn WebhookSender> = Arc::new(gatehouse_api::HttpWebhookSender::for_settings(&gatehouse.settings)?);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let (gatehouse, sender) = (gatehouse.clone(), sender.clone());
        async move {
            // An EventBridge event: `detail-type`, `source`, `detail`, …
            let detail = event.payload.get("detail").cloned().unwrap_or(Value::Null);
            let outcome = webhooks::deliver(&gatehouse, sender.as_ref(), &detail).await?;
            if outcome.wants_retry() {
                return Err(lambda_runtime::Error::from(format!("webhook not delivered yet: {outcome:?}")));
            }
            Ok::<Value, lambda_runtime::Error>(serde_json::to_value(&outcome)?)
        }
    }))
    .await
}
