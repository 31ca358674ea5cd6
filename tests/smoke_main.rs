//! `cargo xtask smoke <url> [--app-key KEY]`: checks a running Gatehouse (`gatehouse_tests::smoke`)
//! and exits non-zero naming each check that failed. The key may come from `GATEHOUSE_APP_KEY`
//! instead, which keeps it out of the shell's history.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut url = None;
    let mut key = std::env::var("GATEHOUSE_APP_KEY").ok();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--app-key" => key = args.next(),
            _ if url.is_none() && arg.starts_with("http") => url = Some(arg),
            _ => {
                eprintln!("usage: cargo xtask smoke <https://your-gatehouse> [--app-key KEY]");
                return ExitCode::from(2);
            }
        }
    }
    let Some(url) = url else {
        eprintln!("usage: cargo xtask smoke <https://your-gatehouse> [--app-key KEY]");
        return ExitCode::from(2);
    };
    let findings = gatehouse_tests::smoke::run(&url, key.as_deref()).await;
    for finding in &findings {
        match &finding.problem {
            None => println!("ok    {}", finding.check),
            Some(problem) => println!("FAIL  {}: {problem}", finding.check),
        }
    }
    let failed = findings.iter().filter(|finding| finding.problem.is_some()).count();
    println!("\n{} checks, {failed} failed, against {url}", findings.len());
    if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
