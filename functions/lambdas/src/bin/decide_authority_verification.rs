//! `POST /api/ops/verifications/decide` as a Lambda function.

use gatehouse_model::Op;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    gatehouse_lambdas::init_tracing();
    // Built once per cold start, shared by every invocation.
    let gatehouse = gatehouse_aws::gatehouse_from_env().await?;
    let app = gatehouse_lambdas::with_client_ip(gatehouse_api::router_for(Op::DecideAuthorityVerification, gatehouse));
    lambda_http::run(app).await
}
