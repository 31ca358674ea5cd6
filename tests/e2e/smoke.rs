//! `cargo xtask smoke` (#15) against the local server, so what it checks stays true of every
//! build; and against a server without the SPA, so it is seen to fail.

use gatehouse_model::ROUTES;
use gatehouse_tests::local;
use gatehouse_tests::smoke::{self, Finding};

use crate::harness::spa_dir;

fn failed(findings: &[Finding]) -> Vec<&Finding> {
    findings.iter().filter(|finding| finding.problem.is_some()).collect()
}

#[tokio::test]
async fn the_smoke_test_passes_against_the_local_server() {
    let local = local::start(|config| config.spa_dir = Some(spa_dir())).await;
    let findings = smoke::run(&local.server.url, Some(&local.server.demo_app_key)).await;
    let failures = failed(&findings);
    assert!(failures.is_empty(), "{failures:#?}");
    let refusals = findings.iter().filter(|finding| finding.check.contains("refuses a caller without")).count();
    let guarded = ROUTES.iter().filter(|route| !route.audience.refusals().is_empty()).count();
    assert_eq!(refusals, guarded, "one refusal check per operation that needs a credential");
    assert!(findings.iter().any(|finding| finding.check.starts_with("GET /api/v1/schools/")), "{findings:#?}");
}

#[tokio::test]
async fn the_smoke_test_names_what_a_stack_without_its_spa_lacks() {
    let local = local::start(|_| {}).await;
    let findings = smoke::run(&local.server.url, None).await;
    let failed: Vec<&str> = failed(&findings).iter().map(|finding| finding.check.as_str()).collect();
    assert!(failed.iter().any(|check| check.starts_with("GET /authorise answers an HTML shell")), "{failed:?}");
    assert!(failed.iter().all(|check| check.starts_with("GET /") && check.contains("HTML shell")), "{failed:?}");
}
