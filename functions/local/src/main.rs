//! `gatehouse-local`: runs the whole product on this machine. `cargo xtask run`
//! builds the SPA and starts this with it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use gatehouse_core::demo::{DEMO_EMAIL, OTHER_EMAIL};
use gatehouse_core::ports::SystemClock;
use gatehouse_local::{LocalConfig, start};

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
    let spa_dir = std::env::var_os("GATEHOUSE_SPA_DIR").map(PathBuf::from);
    if let Some(spa) = &spa_dir
        && !spa.join("index.html").exists()
    {
        anyhow::bail!("GATEHOUSE_SPA_DIR={} has no index.html; `cargo xtask run` builds it", spa.display());
    }
    let config = LocalConfig {
        addr,
        data_dir: data_dir.clone(),
        spa_dir: spa_dir.clone(),
        public_url: std::env::var("GATEHOUSE_PUBLIC_URL").ok(),
        clock: Arc::new(SystemClock),
    };
    let server = start(config).await?;
    let url = &server.url;
    println!();
    println!("  Gatehouse is running at {url}");
    if spa_dir.is_none() {
        println!("  (API only: no SPA directory given; `cargo xtask run` builds and serves it)");
    }
    println!("  Sign in as   {DEMO_EMAIL}   (a second partner: {OTHER_EMAIL})");
    println!("  Emails land in the outbox: {url}/dev/outbox");
    println!("  Data is kept in {}", data_dir.display());
    println!();
    tokio::select! {
        result = server.wait() => result,
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}
