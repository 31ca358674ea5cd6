//! `cargo xtask`: the project's own commands. Each installs what it needs, so
//! a fresh clone needs nothing but Rust, Python, Node and (for browser tests)
//! root or a preinstalled Chromium.
//!
//!   cargo xtask run       build the SPA, start everything locally with demo data
//!   cargo xtask spa [DIR] build the SPA's bundles into DIR (default target/spa), report their sizes
//!   cargo xtask test      install tools, build the SPA, run every test, lint and package
//!   cargo xtask package   build the one Lambda binary as an arm64 zip
//!   cargo xtask deploy ENV  deploy to AWS with samconfig.toml's ENV settings: builds, `sam deploy`,
//!                         uploads the SPA, prints the URL, DNS records and steps left (#15)
//!   cargo xtask job NAME  run a scheduled job (e.g. apply-revocations) on the local data now
//!   cargo xtask import-directory FILE   import a GIAS extract into the local school directory
//!   cargo xtask create-ops-user EMAIL [NAME]   give EMAIL an operations console account locally
//!                         (on AWS: the FirstOpsUserEmail parameter)
//!   cargo xtask smoke URL [--app-key KEY]   check a running Gatehouse (deployed or local): health,
//!                         OpenAPI, the SPA and its headers, every route's refusal of an anonymous
//!                         caller, and with a key a data API read
//!   cargo xtask bench     install moto, run the Active Schools and data API benchmarks (embedded store and moto)
//!                         the 60 s load run against the local server, and first usable pages
//!                         in a throttled Chromium

use xtask::{deploy, infra, spa, tools};

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

fn main() -> anyhow::Result<()> {
    let task = std::env::args().nth(1).unwrap_or_default();
    let paths = Paths::discover()?;
    match task.as_str() {
        "run" => run(&paths),
        "spa" => {
            let out = std::env::args().nth(2).map_or_else(|| paths.spa.clone(), PathBuf::from);
            println!("{}", spa::build(&paths.root, &out)?);
            println!("built into {}", out.display());
            Ok(())
        }
        "test" => test(&paths),
        "deploy" => {
            let env = std::env::args()
                .nth(2)
                .context("usage: cargo xtask deploy <env> (an environment of samconfig.toml: dev, prod)")?;
            deploy::deploy(&paths.root, &paths.tools, &paths.spa, &env)
        }
        "package" => package(&paths),
        "bench" => bench(&paths),
        "import-directory" => {
            let file = std::env::args().nth(2).context("usage: cargo xtask import-directory <GIAS extract.csv>")?;
            let file = std::fs::canonicalize(&file).with_context(|| format!("no file {file}"))?;
            let file = file.to_string_lossy().into_owned();
            cargo(
                &paths,
                &[
                    "run",
                    "--quiet",
                    "-p",
                    "gatehouse-local",
                    "--bin",
                    "gatehouse-local",
                    "--",
                    "import-directory",
                    &file,
                ],
                &[],
            )
        }
        "create-ops-user" => {
            let email = std::env::args().nth(2).context("usage: cargo xtask create-ops-user EMAIL [NAME]")?;
            let mut args = vec!["run", "--quiet", "-p", "gatehouse-local", "--bin", "gatehouse-local", "--"];
            let name: Vec<String> = std::env::args().skip(3).collect();
            args.extend(["create-ops-user", email.as_str()]);
            args.extend(name.iter().map(String::as_str));
            cargo(&paths, &args, &[])
        }
        "smoke" => {
            let mut args = vec!["run", "--quiet", "-p", "gatehouse-tests", "--bin", "smoke", "--"];
            let rest: Vec<String> = std::env::args().skip(2).collect();
            args.extend(rest.iter().map(String::as_str));
            cargo(&paths, &args, &[])
        }
        "demo-agent" => {
            let mut args =
                vec!["run", "--quiet", "-p", "gatehouse-local", "--bin", "gatehouse-local", "--", "demo-agent"];
            let rest: Vec<String> = std::env::args().skip(2).collect();
            args.extend(rest.iter().map(String::as_str));
            cargo(&paths, &args, &[])
        }
        "verify-log" => cargo(
            &paths,
            &["run", "--quiet", "-p", "gatehouse-local", "--bin", "gatehouse-local", "--", "verify-log"],
            &[],
        ),
        "job" => {
            let usage =
                "usage: cargo xtask job <apply-revocations | send-reminders | archive-cases | mark-inactive-schools>";
            let name = std::env::args().nth(2).context(usage)?;
            cargo(
                &paths,
                &["run", "--quiet", "-p", "gatehouse-local", "--bin", "gatehouse-local", "--", "job", &name],
                &[],
            )
        }
        _ => {
            eprintln!(
                "usage: cargo xtask <run | spa [DIR] | test | package | deploy ENV | job NAME | verify-log | import-directory FILE | create-ops-user EMAIL | demo-agent [--changes N] | smoke URL [--app-key KEY] | bench>"
            );
            bail!("unknown task {task:?}")
        }
    }
}

/// Where things are: the workspace, cargo's target dir, our tools.
struct Paths {
    root: PathBuf,
    target: PathBuf,
    tools: PathBuf,
    spa: PathBuf,
}

impl Paths {
    fn discover() -> anyhow::Result<Self> {
        // `cargo xtask` sets the variable at run time too: prefer it, so a binary
        // built in another checkout sharing the target dir still works here.
        let manifest_dir =
            std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), PathBuf::from);
        let root = manifest_dir.parent().context("xtask sits in the workspace")?.to_owned();
        let target = tools::target_dir(&root);
        Ok(Paths { tools: target.join("tools"), spa: target.join("spa"), root, target })
    }
}

fn run(paths: &Paths) -> anyhow::Result<()> {
    let report = spa::build(&paths.root, &paths.spa)?;
    println!("SPA built into {}\n{report}", paths.spa.display());
    let spa = paths.spa.to_string_lossy().into_owned();
    cargo(
        paths,
        &["run", "--quiet", "-p", "gatehouse-local", "--bin", "gatehouse-local"],
        &[("GATEHOUSE_SPA_DIR", &spa)],
    )
}

fn test(paths: &Paths) -> anyhow::Result<()> {
    step("formatting");
    cargo(paths, &["fmt", "--all", "--", "--check"], &[])?;

    step("tools: moto (local AWS), the AWS and SAM CLIs, Chromium and its driver, axe-core");
    let moto_server = tools::moto(&paths.tools)?;
    // The deploy rehearsal (tests/deploy_rehearsal.rs) runs the deploy's steps with them; installed
    // here, once, rather than by tests running side by side.
    deploy::Aws::install(&paths.tools, "eu-west-2")?;
    infra::sam_bin(&paths.tools)?;
    let browser = tools::chromium()?;
    // The browser tests inject it into each wizard step and fail on serious violations.
    let axe = tools::axe_core(&paths.root.join("xtask/tools"))?.to_string_lossy().into_owned();

    step("SPA");
    let report = spa::build(&paths.root, &paths.spa)?;
    println!("{report}");
    report.check_budgets()?;

    step("tests: unit, contract (embedded + moto), API, parity, browser");
    let moto = moto_server.to_string_lossy().into_owned();
    let spa = paths.spa.to_string_lossy().into_owned();
    let chromedriver = browser.driver.to_string_lossy().into_owned();
    let chromium = browser.chromium.to_string_lossy().into_owned();
    // The lambda bins are one per operation and each links the AWS SDK: their
    // debug test harnesses would take tens of GB. Their shared code is tested
    // in the lib; the bins are type-checked below and built for real, in
    // release, by the packaging step.
    let mut counts = cargo_test(
        paths,
        &["test", "--workspace", "--exclude", "gatehouse-lambdas", "--locked"],
        &[
            ("GATEHOUSE_MOTO_SERVER", &moto),
            ("GATEHOUSE_SPA_DIR", &spa),
            ("CHROMEDRIVER", &chromedriver),
            ("CHROMIUM", &chromium),
            ("GATEHOUSE_AXE_JS", &axe),
        ],
    )?;
    let lambdas = cargo_test(paths, &["test", "-p", "gatehouse-lambdas", "--lib", "--locked"], &[])?;
    counts.passed += lambdas.passed;
    counts.failed += lambdas.failed;
    // Benchmarks are not run here, but must keep compiling.
    cargo(
        paths,
        &["check", "-p", "gatehouse-lambdas", "-p", "gatehouse-tests", "--bins", "--benches", "--locked"],
        &[],
    )?;

    step("infrastructure: cfn-lint and sam validate");
    infra::lint(&paths.root, &paths.tools)?;

    step("packaging: the Lambda binary, arm64 zip");
    let packaging = std::time::Instant::now();
    let (zip, zip_bytes) = infra::package(&paths.root, &paths.tools)?;
    let packaged_in = packaging.elapsed().as_secs();

    step("sizes");
    println!("{report}");
    println!(
        "Lambda binary (every function): {zip_bytes} bytes zipped (arm64), built in {packaged_in} s, {}",
        zip.display()
    );
    println!("\ntests: {} passed, {} failed", counts.passed, counts.failed);
    Ok(())
}

/// The `cargo bench` targets `cargo xtask bench` runs, in order, each with what it measures.
const BENCHES: [(&str, &str); 3] = [
    ("active_schools", "Active Schools at 10,000 schools, embedded store and moto"),
    ("data_api", "data API and MIS agent push for a 1,500-pupil school, embedded store and moto"),
    ("cold_start", "Lambda cold starts, the release binary against a Runtime API stand-in"),
];

/// Benchmarks, not tests (`cargo xtask test` does not run them): moto is
/// installed and started the way the tests get it, then `cargo bench` runs
/// the Active Schools benchmark, which prints its table and writes it to
/// `<target>/bench/active_schools.md`, then the data API benchmark
/// (`<target>/bench/data_api.md`), then the Lambda cold starts
/// (`<target>/bench/cold_start.md`), then the load test for its full 60 s at
/// 200 requests/s (`<target>/bench/load.md`), then the browser measure of #14 with ten visits a
/// page (`<target>/bench/browser.md`).
fn bench(paths: &Paths) -> anyhow::Result<()> {
    // Each benchmark leaves its rows of the summary here; none may be left from an earlier run.
    let summary = paths.target.join("bench/summary");
    if summary.exists() {
        std::fs::remove_dir_all(&summary).with_context(|| format!("emptying {}", summary.display()))?;
    }
    step("tools: moto (local AWS)");
    let moto_server = tools::moto(&paths.tools)?;

    let moto = moto_server.to_string_lossy().into_owned();
    for (bench, what) in BENCHES {
        step(&format!("benchmark: {what}"));
        cargo(
            paths,
            &["bench", "--locked", "-p", "gatehouse-tests", "--bench", bench],
            &[("GATEHOUSE_MOTO_SERVER", &moto)],
        )?;
    }

    // The load test's full length: `cargo xtask test` runs it for 10 s in debug.
    step("benchmark: load, 200 requests/s of the realistic mix for 60 s against the local server");
    cargo(
        paths,
        &["test", "--locked", "--profile", "bench", "-p", "gatehouse-tests", "--test", "load", "--", "--nocapture"],
        // Goose's throttle undershoots by about a tenth: 225 reaches 200 a second.
        &[("GATEHOUSE_LOAD_SECONDS", "60"), ("GATEHOUSE_LOAD_RPS", "225")],
    )?;

    // The browser test's own measure, ten visits a page instead of one.
    step("benchmark: a slow laptop on a slow network, first usable Active Schools page and authorise step");
    let browser = tools::chromium()?;
    let report = spa::build(&paths.root, &paths.spa)?;
    println!("{report}");
    let spa = paths.spa.to_string_lossy().into_owned();
    let chromedriver = browser.driver.to_string_lossy().into_owned();
    let chromium = browser.chromium.to_string_lossy().into_owned();
    cargo(
        paths,
        &[
            "test",
            "--locked",
            "--profile",
            "bench",
            "-p",
            "gatehouse-tests",
            "--test",
            "e2e",
            "--",
            "slow_device",
            "--nocapture",
        ],
        &[
            ("GATEHOUSE_BROWSER_RUNS", "10"),
            ("GATEHOUSE_SPA_DIR", &spa),
            ("CHROMEDRIVER", &chromedriver),
            ("CHROMIUM", &chromium),
        ],
    )?;

    step("benchmark: the release build of the Lambda binary, arm64");
    let packaging = std::time::Instant::now();
    infra::package(&paths.root, &paths.tools)?;
    let packaged_in = packaging.elapsed().as_secs();

    step("summary (#14)");
    let table = bench_summary(&summary, &report, packaged_in)?;
    println!("{table}");
    let file = paths.target.join("bench/summary.md");
    std::fs::write(&file, &table).with_context(|| format!("writing {}", file.display()))?;
    println!("written to {}", file.display());
    Ok(())
}

/// The one table of #14: each benchmark's rows from `dir`, in the order, with the SPA's
/// and the build's, which this command measured itself.
fn bench_summary(dir: &Path, spa: &spa::SpaReport, packaged_in: u64) -> anyhow::Result<String> {
    let kilobytes = |bytes: u64| format!("{} kB", bytes.div_ceil(1000));
    let download = |name: &str| spa.bundles.iter().find(|bundle| bundle.name == name).map(spa::BundleReport::download);
    let portals = spa.bundles.iter().filter(|bundle| !["signin", "authorise"].contains(&bundle.name));
    let largest_portal = portals.map(spa::BundleReport::download).max().unwrap_or(0);
    let spa_row = format!(
        "| SPA download (wasm + JS, brotli) | 654 kB for every page | authorise wizard {}, sign-in {}, \
         largest portal bundle {} | ≤ 150 kB authorise and sign-in, ≤ 250 kB each portal |\n",
        kilobytes(download("authorise").unwrap_or(0)),
        kilobytes(download("signin").unwrap_or(0)),
        kilobytes(largest_portal),
    );
    let build_row = format!(
        "| Release build of every Lambda function, arm64, 2 CPUs | ~70 s a function, about 2 h for 109 | \
         {packaged_in} s for the one binary every function runs (target dir as this run left it) | ≤ 10 min for all |\n"
    );
    let rows = |name: &str| -> anyhow::Result<String> {
        let file = dir.join(format!("{name}.md"));
        std::fs::read_to_string(&file)
            .with_context(|| format!("the {name} benchmark left no summary in {}", file.display()))
    };
    Ok(format!(
        "| What | Before (#14) | Now | Target |\n|---|---|---|---|\n{}{}{}{}{}{}",
        rows("active_schools")?,
        spa_row,
        build_row,
        rows("cold_start")?,
        rows("data_api")?,
        rows("browser")?,
    ))
}

fn package(paths: &Paths) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let (zip, bytes) = infra::package(&paths.root, &paths.tools)?;
    println!("{}: {bytes} bytes, built in {:.0} s", zip.display(), started.elapsed().as_secs_f64());
    Ok(())
}

/// Totals over every test binary's `test result:` line.
#[derive(Default)]
struct TestCounts {
    passed: u64,
    failed: u64,
}

/// `cargo test`, streaming its output while adding up the results.
fn cargo_test(paths: &Paths, args: &[&str], env: &[(&str, &str)]) -> anyhow::Result<TestCounts> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command.args(args).current_dir(&paths.root).env("CARGO_TARGET_DIR", &paths.target).stdout(Stdio::piped());
    command.envs(env.iter().copied());
    let mut child = command.spawn().context("starting cargo test")?;
    let mut counts = TestCounts::default();
    for line in BufReader::new(child.stdout.take().context("cargo test stdout")?).lines() {
        let line = line?;
        println!("{line}");
        if let Some(result) = line.strip_prefix("test result: ") {
            counts.passed += count_before(result, " passed");
            counts.failed += count_before(result, " failed");
        }
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("cargo test failed ({status}): {} passed, {} failed", counts.passed, counts.failed);
    }
    Ok(counts)
}

/// In `ok. 12 passed; 0 failed; …`, the number before `label`.
fn count_before(result: &str, label: &str) -> u64 {
    result
        .split(';')
        .find_map(|part| {
            part.trim().trim_start_matches("ok. ").trim_start_matches("FAILED. ").strip_suffix(label.trim_start())
        })
        .and_then(|number| number.trim().parse().ok())
        .unwrap_or(0)
}

fn step(name: &str) {
    println!("\n==> {name}");
}

/// Runs cargo in the workspace with extra environment; fails on failure.
fn cargo(paths: &Paths, args: &[&str], env: &[(&str, &str)]) -> anyhow::Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command.args(args).current_dir(&paths.root).env("CARGO_TARGET_DIR", &paths.target);
    for (key, value) in env {
        command.env(key, value);
    }
    let status = command.status().with_context(|| format!("starting cargo {}", args.join(" ")))?;
    if !status.success() {
        bail!("cargo {} failed ({status})", args.join(" "));
    }
    Ok(())
}
