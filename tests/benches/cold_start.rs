//! Lambda cold starts (#14), measured: the release build of the one Lambda
//! binary, for this machine's architecture, started 20 times per function
//! against the Runtime API stand-in (`gatehouse_tests::lambda_runtime`) with
//! DynamoDB, SES and EventBridge on moto. Reports the time to the first
//! request for work (init: tracing, settings, the SDK clients) and to the
//! first answer. Run by `cargo xtask bench`; the table is kept as
//! `<target>/bench/cold_start.md`. Lambda's own start (the sandbox, the
//! download of the zip) is not in it.

use std::time::Duration;

use gatehouse_tests::lambda_runtime::{build_bootstrap, function_environment, http_get_event, start_once};
use serde_json::json;

#[path = "shared/report.rs"]
mod report;

const STARTS: usize = 20;
const ORIGIN_SECRET: &str = "bench-origin-secret";

fn percentile(sorted: &[Duration], percent: usize) -> Duration {
    sorted[(sorted.len() * percent / 100).min(sorted.len() - 1)]
}

fn millis(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if let Err(why) = report::moto_available() {
        eprintln!("cold start benchmark skipped: {why}");
        return Ok(());
    }
    let bootstrap = build_bootstrap(true)?;
    let size = std::fs::metadata(&bootstrap)?.len();
    let functions = [
        ("health", "a route that touches nothing", http_get_event("/api/health", ORIGIN_SECRET)),
        ("get_me", "a route refusing a caller without a session", http_get_event("/api/me", ORIGIN_SECRET)),
        ("deliver_outbox", "a job with one DynamoDB query", json!({ "source": "aws.scheduler" })),
    ];
    let mut table = format!(
        "Lambda cold start, release binary for this machine ({size} bytes), {STARTS} starts each\n\n\
         | function | what | init p50 | init p95 | first answer p50 | first answer p95 |\n|---|---|---|---|---|---|\n"
    );
    let mut init_p50s = Vec::new();
    for (function, what, event) in functions {
        let environment = function_environment(function, ORIGIN_SECRET).await?;
        let mut inits = Vec::new();
        let mut answers = Vec::new();
        for _ in 0..STARTS {
            let start = start_once(&bootstrap, function, &environment, event.clone()).await?;
            inits.push(start.init);
            answers.push(start.first_answer);
        }
        inits.sort();
        answers.sort();
        init_p50s.push(percentile(&inits, 50));
        table.push_str(&format!(
            "| `{function}` | {what} | {} | {} | {} | {} |\n",
            millis(percentile(&inits, 50)),
            millis(percentile(&inits, 95)),
            millis(percentile(&answers, 50)),
            millis(percentile(&answers, 95)),
        ));
    }
    report::print_and_keep("cold_start", &table)?;
    let slowest = init_p50s.iter().max().copied().unwrap_or_default();
    let fastest = init_p50s.iter().min().copied().unwrap_or_default();
    let now = format!("init p50 {} to {} over {} functions", millis(fastest), millis(slowest), init_p50s.len());
    let row = ["Lambda cold start (init)".to_owned(), "never measured".to_owned(), now, "p50 ≤ 50 ms".to_owned()];
    report::keep_summary("cold_start", &[row])?;
    Ok(())
}
