//! The one Lambda binary (#13): every Gatehouse function, route, job and
//! event consumer alike, runs this `bootstrap`, built and packaged once. The
//! function's `GATEHOUSE_FUNCTION` setting says which it is; a function with
//! none, or an unknown one, fails at start with the reason in its log.

use gatehouse_lambdas::{FUNCTION_VARIABLE, Function};
use lambda_http::lambda_runtime;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    gatehouse_lambdas::init_tracing();
    let name = std::env::var(FUNCTION_VARIABLE)
        .map_err(|_| format!("{FUNCTION_VARIABLE} is not set: the function's configuration must name its operation"))?;
    let function = Function::named(&name)
        .ok_or_else(|| format!("{FUNCTION_VARIABLE}={name:?} is no route, job or event consumer of this build"))?;
    tracing::info!(function = %name, "starting");
    function.run().await
}
