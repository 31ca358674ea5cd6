//! axe-core in the page: injects the bundle `cargo xtask test` installed from npm
//! (`GATEHOUSE_AXE_JS`), runs `axe.run()` on the whole document and fails on any violation of
//! impact serious or critical. Every violation found is printed with its step, so the count per
//! step shows in the test's output (`--nocapture`) and in the failure message.

use std::path::PathBuf;
use std::sync::OnceLock;

use fantoccini::Client;
use serde::Deserialize;

/// One rule the page broke, and where.
#[derive(Debug, Deserialize)]
pub struct Violation {
    pub id: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: Option<String>,
    pub help: String,
    /// CSS selectors of the first elements at fault.
    pub targets: Vec<String>,
}

impl Violation {
    fn is_serious(&self) -> bool {
        matches!(self.impact.as_deref(), Some("serious" | "critical"))
    }
}

/// The axe-core bundle. A browser test without it would check nothing, so it fails rather than
/// skips.
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = std::env::var_os("GATEHOUSE_AXE_JS")
            .map(PathBuf::from)
            .unwrap_or_else(|| panic!("GATEHOUSE_AXE_JS is not set: `cargo xtask test` installs axe-core and sets it"));
        std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
    })
}

/// Runs axe on what the browser shows now.
pub async fn violations(browser: &Client) -> Vec<Violation> {
    // A navigation to another document drops the bundle; a step of the SPA keeps it.
    let loaded = browser.execute("return typeof window.axe === 'object';", Vec::new()).await.expect("asking for axe");
    if loaded.as_bool() != Some(true) {
        browser.execute(axe_source(), Vec::new()).await.expect("injecting axe-core");
    }
    let script = r#"
        const done = arguments[arguments.length - 1];
        axe.run(document, { resultTypes: ["violations"] })
            .then(results => done(results.violations.map(v => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                targets: v.nodes.slice(0, 5).map(node => node.target.join(" ")),
            }))))
            .catch(error => done({ error: String(error) }));
    "#;
    let answer = browser.execute_async(script, Vec::new()).await.expect("running axe");
    if let Some(error) = answer.get("error") {
        panic!("axe.run failed: {error}");
    }
    serde_json::from_value(answer).expect("axe's violations")
}

/// Prints how many violations axe finds on `step` and fails on any serious or critical one.
pub async fn assert_accessible(browser: &Client, step: &str) {
    let found = violations(browser).await;
    let serious: Vec<&Violation> = found.iter().filter(|violation| violation.is_serious()).collect();
    println!("axe: {step}: {} violations, {} serious or critical", found.len(), serious.len());
    for violation in &found {
        println!(
            "axe:   {} ({}): {} at {:?}",
            violation.id,
            violation.impact.as_deref().unwrap_or("no impact"),
            violation.help,
            violation.targets
        );
    }
    assert!(serious.is_empty(), "axe found serious or critical violations on {step}: {serious:#?}");
}

/// Screenshots, then checks with axe, what the browser shows as `name`.
pub async fn look_and_check(browser: &Client, name: &str) {
    crate::harness::save_screenshot(browser, name).await;
    assert_accessible(browser, name).await;
}
