//! `gatehouse-local`: runs the whole product on this machine. `cargo xtask run`
//! builds the SPA and starts this with it.
//!
//!   gatehouse-local              serve (GATEHOUSE_ADDR, GATEHOUSE_DATA, GATEHOUSE_SPA_DIR)
//!   gatehouse-local job NAME     run a scheduled job now: through the running
//!                                server if there is one, else on the data directly
//!   gatehouse-local import-directory FILE
//!                                import a GIAS extract into the school directory
//!   gatehouse-local create-ops-user EMAIL [NAME]
//!                                give EMAIL an operations console account
//!   gatehouse-local demo-agent [--changes N]
//!                                push a demo school's synthetic full extract (or
//!                                round N of changes) to GATEHOUSE_URL (default the
//!                                local server) with GATEHOUSE_AGENT_KEY="<school> <key>"
//!                                (default: <data>/demo-agent-key.txt)

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use gatehouse_core::demo::{DEMO_EMAIL, DEMO_OPS_EMAIL, DEMO_SCHOOL_EMAIL, OTHER_EMAIL};
use gatehouse_core::ports::SystemClock;
use gatehouse_local::{LocalConfig, start};

mod demo_agent;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .init();
    let addr: SocketAddr = std::env::var("GATEHOUSE_ADDR")
        .unwrap_or_else(|_| "127.0.0.1:8080".to_owned())
        .parse()
        .context("GATEHOUSE_ADDR must look like 127.0.0.1:8080")?;
    let data_dir = PathBuf::from(std::env::var("GATEHOUSE_DATA").unwrap_or_else(|_| ".gatehouse".to_owned()));
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [command, name] if command == "job" => return run_job(addr, data_dir, name).await,
        [command] if command == "verify-log" => return verify_log(addr, data_dir).await,
        [command, file] if command == "import-directory" => return import_directory(addr, data_dir, file).await,
        [command, rest @ ..] if command == "demo-agent" => return demo_agent::run(addr, &data_dir, rest),
        [command, email, name @ ..] if command == "create-ops-user" => {
            let name = if name.is_empty() { "Operations".to_owned() } else { name.join(" ") };
            return create_ops_user(addr, data_dir, email, &name).await;
        }
        _ => {}
    }
    let spa_dir = std::env::var_os("GATEHOUSE_SPA_DIR").map(PathBuf::from);
    if let Some(spa) = &spa_dir
        && !spa.join("shells.json").exists()
    {
        anyhow::bail!("GATEHOUSE_SPA_DIR={} has no shells.json; `cargo xtask spa` builds it", spa.display());
    }
    let config = LocalConfig {
        addr,
        data_dir: data_dir.clone(),
        spa_dir: spa_dir.clone(),
        public_url: std::env::var("GATEHOUSE_PUBLIC_URL").ok(),
        clock: Arc::new(SystemClock),
        run_schedules: true,
        webhook_retry_delays: gatehouse_local::LAMBDA_RETRY_DELAYS.to_vec(),
        seed_people: true,
    };
    let server = start(config).await?;
    let url = &server.url;
    println!();
    println!("  Gatehouse is running at {url}");
    if spa_dir.is_none() {
        println!("  (API only: no SPA directory given; `cargo xtask run` builds and serves it)");
    }
    println!("  Sign in as   {DEMO_EMAIL}   (a second partner: {OTHER_EMAIL})");
    println!("  School portal: {url}/school/signin as {DEMO_SCHOOL_EMAIL}");
    println!("  Operations console: {url}/ops/signin as {DEMO_OPS_EMAIL}");
    println!("  Emails land in the outbox: {url}/dev/outbox");
    println!(
        "  API key of the demo app: {}   (also in {})",
        server.demo_app_key,
        data_dir.join(gatehouse_local::DEMO_APP_KEY_FILE).display()
    );
    println!(
        "  OAuth client of the demo app (OneRoster): {}",
        data_dir.join(gatehouse_local::DEMO_ONEROSTER_FILE).display()
    );
    println!(
        "  MIS agent key of a demo school: {}   (`cargo xtask demo-agent --changes 1` pushes changes)",
        data_dir.join(gatehouse_local::DEMO_AGENT_KEY_FILE).display()
    );
    println!("  Data is kept in {}", data_dir.display());
    println!();
    tokio::select! {
        result = server.wait() => result,
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}

/// Imports a register extract, through the running server if there is one
/// (it holds the store's lock), else into the data directory directly.
async fn import_directory(addr: SocketAddr, data_dir: PathBuf, file: &str) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {file}"))?;
    if let Ok(stream) = tokio::net::TcpStream::connect(addr).await {
        println!("importing through the running server at {addr}…");
        let report = gatehouse_local::post_to_running_server(stream, addr, "/dev/directory/import", &bytes).await?;
        println!("{report}");
        return Ok(());
    }
    let table = gatehouse_local::store::RedbTable::open(&data_dir.join("gatehouse.redb"))?;
    let report = gatehouse_core::directory::import(&table, bytes.as_slice(), 500, |progress| {
        println!(
            "  {} rows: {} new, {} updated, {} unchanged, {} skipped",
            progress.rows,
            progress.created,
            progress.updated,
            progress.unchanged,
            progress.skipped.len()
        );
    })
    .await
    .map_err(|error| anyhow::anyhow!("{error}"))?;
    for (line, reason) in &report.skipped {
        println!("  line {line} skipped: {reason}");
    }
    Ok(())
}

/// Gives `email` an ops account, through the running server if there is one.
async fn create_ops_user(addr: SocketAddr, data_dir: PathBuf, email: &str, name: &str) -> anyhow::Result<()> {
    let body = serde_json::to_vec(&serde_json::json!({ "email": email, "display_name": name }))?;
    if let Ok(stream) = tokio::net::TcpStream::connect(addr).await {
        println!("{}", gatehouse_local::post_to_running_server(stream, addr, "/dev/ops-users", &body).await?);
        return Ok(());
    }
    let gatehouse = offline_gatehouse(addr, &data_dir)?;
    let email = gatehouse_core::EmailAddress::parse(email).map_err(|error| anyhow::anyhow!("{error}"))?;
    let created = gatehouse_core::accounts::ensure_ops_user(&gatehouse, &email, name)
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    println!("{}", if created { "ops user created" } else { "that address already has an ops account" });
    Ok(())
}

/// The ports over the data directory, for commands run while no server holds it.
fn offline_gatehouse(addr: SocketAddr, data_dir: &std::path::Path) -> anyhow::Result<gatehouse_core::Gatehouse> {
    let table = Arc::new(gatehouse_local::store::RedbTable::open(&data_dir.join("gatehouse.redb"))?);
    let clock = Arc::new(SystemClock);
    let settings = gatehouse_core::Settings::new(
        std::env::var("GATEHOUSE_PUBLIC_URL").unwrap_or_else(|_| format!("http://{addr}")),
    );
    Ok(gatehouse_core::Gatehouse {
        table,
        mailer: Arc::new(gatehouse_local::FileOutbox::open(&data_dir.join("outbox"), clock.clone())?),
        events: Arc::new(gatehouse_local::InProcessBus::open(data_dir, clock.clone())?),
        clock,
        webhooks: Arc::new(gatehouse_aws::HttpWebhookSender::for_settings(&settings)),
        settings,
        warm: Default::default(),
    })
}

/// Runs a job through the server at `addr` when one is listening (the store
/// file is locked by it), otherwise opens the data directory itself.
async fn run_job(addr: SocketAddr, data_dir: PathBuf, name: &str) -> anyhow::Result<()> {
    if let Ok(stream) = tokio::net::TcpStream::connect(addr).await {
        let report = gatehouse_local::post_to_running_server(stream, addr, &format!("/dev/jobs/{name}"), &[]).await?;
        println!("{report}");
        return Ok(());
    }
    let gatehouse = offline_gatehouse(addr, &data_dir)?;
    let report = gatehouse_core::jobs::run(&gatehouse, name)
        .await
        .map_err(|error| anyhow::anyhow!("{error}; jobs: {}", gatehouse_core::jobs::names().join(", ")))?;
    println!("{report}");
    Ok(())
}

/// Checks every school link's Authorisation Log (`cargo xtask verify-log`),
/// through the running server when one holds the data directory. Exits
/// non-zero when a log is broken, naming each.
async fn verify_log(addr: SocketAddr, data_dir: PathBuf) -> anyhow::Result<()> {
    let audit: gatehouse_model::LogAudit = if let Ok(stream) = tokio::net::TcpStream::connect(addr).await {
        serde_json::from_str(&gatehouse_local::post_to_running_server(stream, addr, "/dev/verify-log", &[]).await?)?
    } else {
        let gatehouse = offline_gatehouse(addr, &data_dir)?;
        gatehouse_core::log_audit::audit_all(&gatehouse).await.map_err(|error| anyhow::anyhow!("{error}"))?
    };
    println!(
        "{} Authorisation Logs checked ({} entries, {} apps): {} broken",
        audit.links_checked,
        audit.entries_checked,
        audit.apps_total,
        audit.broken.len()
    );
    for broken in &audit.broken {
        println!(
            "  {} ({}) at {} ({}): entry {}: {}",
            broken.school_name, broken.school_id, broken.app_name, broken.partner_name, broken.seq, broken.reason
        );
    }
    if !audit.broken.is_empty() {
        anyhow::bail!("{} Authorisation Logs are broken", audit.broken.len());
    }
    Ok(())
}
