//! Installs the test tools that are not Rust crates: moto (a local AWS
//! endpoint) in a venv, and Debian's Chromium with its driver.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

/// The moto version the contract tests are written against.
const MOTO: &str = "moto[server]==5.2.5";

/// Returns the path of `moto_server`, installing it in `<tools>/moto-venv`.
pub fn moto(tools: &Path) -> anyhow::Result<PathBuf> {
    let venv = tools.join("moto-venv");
    let server = venv.join("bin/moto_server");
    let marker = venv.join(".installed");
    if server.exists() && std::fs::read_to_string(&marker).is_ok_and(|installed| installed == MOTO) {
        return Ok(server);
    }
    std::fs::create_dir_all(tools)?;
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv), "creating the moto venv")?;
    run(Command::new(venv.join("bin/pip")).args(["install", "--quiet", "--disable-pip-version-check", MOTO]), "pip install moto")?;
    std::fs::write(&marker, MOTO)?;
    Ok(server)
}

pub struct Browser {
    pub chromium: PathBuf,
    pub driver: PathBuf,
}

/// Debian's chromium and chromium-driver (same source package, so the
/// versions match), installed with apt when missing and we are root.
pub fn chromium() -> anyhow::Result<Browser> {
    let browser = Browser { chromium: PathBuf::from("/usr/bin/chromium"), driver: PathBuf::from("/usr/bin/chromedriver") };
    if browser.chromium.exists() && browser.driver.exists() {
        return Ok(browser);
    }
    let root = Command::new("id").arg("-u").output().is_ok_and(|out| out.stdout.starts_with(b"0"));
    if !root {
        bail!("Chromium is missing: install Debian's `chromium` and `chromium-driver` (apt), or run as root");
    }
    run(Command::new("apt-get").args(["update", "-qq"]), "apt-get update")?;
    run(
        Command::new("apt-get").args(["install", "-y", "-qq", "chromium", "chromium-driver"]).env("DEBIAN_FRONTEND", "noninteractive"),
        "apt-get install chromium chromium-driver",
    )?;
    Ok(browser)
}

fn run(command: &mut Command, what: &str) -> anyhow::Result<()> {
    let status = command.status().with_context(|| format!("{what}: could not start"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}
