//! Installs the test tools that are not Rust crates: moto (a local AWS
//! endpoint) in a venv, Debian's Chromium with its driver, and axe-core from
//! npm for the browser tests' accessibility checks.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

/// The moto version the contract tests are written against.
const MOTO: &str = "moto[server]==5.2.5";

/// Returns the path of `moto_server`, installing it in `<tools>/moto-venv`.
pub fn moto(tools: &Path) -> anyhow::Result<PathBuf> {
    Ok(venv(tools, "moto-venv", MOTO)?.join("moto_server"))
}

/// Installs `requirement` in `<tools>/<name>` unless the venv already holds
/// exactly that; returns the venv's `bin` directory. One venv per tool:
/// SAM pins boto3 and cfn-lint versions that clash with moto's.
pub fn venv(tools: &Path, name: &str, requirement: &str) -> anyhow::Result<PathBuf> {
    let venv = tools.join(name);
    let bin = venv.join("bin");
    let marker = venv.join(".installed");
    if std::fs::read_to_string(&marker).is_ok_and(|installed| installed == requirement) {
        return Ok(bin);
    }
    std::fs::create_dir_all(tools)?;
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv), &format!("creating the {name} venv"))?;
    run(
        Command::new(bin.join("pip")).args(["install", "--quiet", "--disable-pip-version-check", requirement]),
        &format!("pip install {requirement}"),
    )?;
    std::fs::write(&marker, requirement)?;
    Ok(bin)
}

/// `rustup target add`, skipped when the target is already installed so an
/// offline machine with the target never touches the network.
pub fn add_rust_target(target: &str) -> anyhow::Result<()> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"]))?;
    if installed.lines().any(|line| line.trim() == target) {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", target]), &format!("rustup target add {target}"))
}

pub struct Browser {
    pub chromium: PathBuf,
    pub driver: PathBuf,
}

/// Debian's chromium and chromium-driver (same source package, so the
/// versions match), installed with apt when missing and we are root.
pub fn chromium() -> anyhow::Result<Browser> {
    let browser =
        Browser { chromium: PathBuf::from("/usr/bin/chromium"), driver: PathBuf::from("/usr/bin/chromedriver") };
    if browser.chromium.exists() && browser.driver.exists() {
        return Ok(browser);
    }
    let root = Command::new("id").arg("-u").output().is_ok_and(|out| out.stdout.starts_with(b"0"));
    if !root {
        bail!("Chromium is missing: install Debian's `chromium` and `chromium-driver` (apt), or run as root");
    }
    run(Command::new("apt-get").args(["update", "-qq"]), "apt-get update")?;
    run(
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "chromium", "chromium-driver"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
        "apt-get install chromium chromium-driver",
    )?;
    Ok(browser)
}

/// Pinned in `xtask/tools/package.json`; checked against the bundle's banner.
const AXE_CORE_VERSION: &str = "4.14.1";

/// axe-core's browser bundle, which the browser tests inject into each wizard step
/// (`GATEHOUSE_AXE_JS`). Installed by the same `npm ci` as binaryen, from the committed lock
/// file in `npm_tools` (`xtask/tools`); returns the path of `axe.min.js`.
pub fn axe_core(npm_tools: &Path) -> anyhow::Result<PathBuf> {
    let bundle = npm_tools.join("node_modules/axe-core/axe.min.js");
    let banner = format!("/*! axe v{AXE_CORE_VERSION}");
    let pinned = || std::fs::read_to_string(&bundle).is_ok_and(|text| text.lines().next() == Some(banner.as_str()));
    if !pinned() {
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(npm_tools), "npm ci")?;
    }
    if !pinned() {
        bail!(
            "{} is not axe-core {AXE_CORE_VERSION} after npm ci: check xtask/tools/package-lock.json",
            bundle.display()
        );
    }
    Ok(bundle)
}

/// Runs a command to completion; fails naming `what`.
pub fn run(command: &mut Command, what: &str) -> anyhow::Result<()> {
    let status = command.status().with_context(|| format!("{what}: could not start"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

/// Runs a command and returns its standard output; fails with its stderr.
pub fn output(command: &mut Command) -> anyhow::Result<String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let out = command.output().with_context(|| format!("could not start {program}"))?;
    if !out.status.success() {
        bail!("{program} failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Where cargo puts its output, as cargo itself decides it for this workspace.
pub fn target_dir(workspace_root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from) {
        Some(dir) if dir.is_absolute() => dir,
        Some(dir) => workspace_root.join(dir),
        None => workspace_root.join("target"),
    }
}
