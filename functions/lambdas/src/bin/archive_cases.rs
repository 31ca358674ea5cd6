//! The daily `archive_cases` job (E1) as a Lambda function, invoked by
//! its EventBridge schedule; the event's content is not needed.

use gatehouse_core::jobs;
use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use serde_json::Value;

const JOB: &str = "archive_cases";

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    gatehouse_lambdas::init_tracing();
    let gatehouse = gatehouse_aws::gatehouse_from_env().await?;
    lambda_runtime::run(service_fn(move |_event: LambdaEvent<Value>| {
        let gatehouse = gatehouse.clone();
        async move { Ok::<Value, lambda_runtime::Error>(jobs::run(&gatehouse, JOB).await?) }
    }))
    .await
}
