//! Builds the Leptos SPA into a directory a static host (or `gatehouse-local`) can serve:
//! cargo → wasm-bindgen → wasm-opt, then `index.html` and `style.css`. No trunk: its tool
//! download needs GitHub, which this project's machines cannot reach (docs TOOLING.md).

use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::tools;

const PACKAGE: &str = "gatehouse-frontend";
const TARGET: &str = "wasm32-unknown-unknown";
const PROFILE: &str = "wasm-release";
/// The stem wasm-bindgen gives its output: `gatehouse.js`, `gatehouse_bg.wasm`.
const OUT_NAME: &str = "gatehouse";
/// Pinned in `xtask/tools/package.json`; checked against `wasm-opt --version`.
const BINARYEN_VERSION: &str = "version 132";
/// What rustc's wasm32 target emits by default and wasm-opt must accept. Without them wasm-opt
/// rejects the module or, worse, lowers it to something Chromium refuses at start.
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-reference-types",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-multivalue",
];

/// Sizes of what the browser downloads, for the build log and the size budget.
#[derive(Debug, Clone, Copy)]
pub struct SpaReport {
    pub wasm_bytes: u64,
    /// The wasm after brotli at quality 11, as a CDN would serve it.
    pub wasm_brotli_bytes: u64,
    pub js_bytes: u64,
}

/// Builds the SPA of the workspace at `workspace_root` into `out_dir`, installing the tools it
/// needs first. Each failure names the step.
pub fn build(workspace_root: &Path, out_dir: &Path) -> anyhow::Result<SpaReport> {
    tools::add_rust_target(TARGET).context("SPA step 1 of 6: rustup target wasm32-unknown-unknown")?;
    let wasm_bindgen = ensure_wasm_bindgen(workspace_root).context("SPA step 2 of 6: wasm-bindgen CLI")?;
    let wasm_opt = ensure_binaryen(&workspace_root.join("xtask/tools")).context("SPA step 3 of 6: npm binaryen")?;
    let wasm = compile(workspace_root).context("SPA step 4 of 6: cargo build of the frontend for wasm32")?;

    std::fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    tools::run(
        Command::new(&wasm_bindgen)
            .args(["--target", "web", "--no-typescript", "--out-name", OUT_NAME, "--out-dir"])
            .arg(out_dir)
            .arg(&wasm),
        "wasm-bindgen",
    )
    .context("SPA step 5 of 6: wasm-bindgen")?;

    let glue_wasm = out_dir.join(format!("{OUT_NAME}_bg.wasm"));
    tools::run(
        Command::new(&wasm_opt).arg("-Oz").args(WASM_FEATURES).arg(&glue_wasm).arg("-o").arg(&glue_wasm),
        "wasm-opt",
    )
    .context("SPA step 6 of 6: wasm-opt -Oz")?;

    let wasm_bytes = std::fs::read(&glue_wasm).with_context(|| format!("reading {}", glue_wasm.display()))?;
    let js_path = out_dir.join(format!("{OUT_NAME}.js"));
    let js_bytes = std::fs::read(&js_path).with_context(|| format!("reading {}", js_path.display()))?;
    let css =
        std::fs::read_to_string(workspace_root.join("frontend/style.css")).context("reading frontend/style.css")?;
    std::fs::write(out_dir.join("style.css"), &css).context("copying style.css")?;
    let version = version_tag(&[&wasm_bytes, &js_bytes, css.as_bytes()]);
    std::fs::write(out_dir.join("boot.js"), boot_js(&version)).context("writing boot.js")?;
    std::fs::write(out_dir.join("index.html"), index_html(&version)).context("writing index.html")?;

    Ok(SpaReport {
        wasm_bytes: wasm_bytes.len() as u64,
        wasm_brotli_bytes: brotli_size(&wasm_bytes)?,
        js_bytes: js_bytes.len() as u64,
    })
}

/// The CLI must match the `wasm-bindgen` crate in `Cargo.lock` exactly, or its output does not
/// fit the compiled module. Installed into cargo's bin directory, where `cargo install` puts it.
fn ensure_wasm_bindgen(workspace_root: &Path) -> anyhow::Result<PathBuf> {
    let lock = std::fs::read_to_string(workspace_root.join("Cargo.lock")).context("reading Cargo.lock")?;
    let wanted = locked_version(&lock, "wasm-bindgen").context("Cargo.lock has no wasm-bindgen package")?;
    let cli = cargo_home()?.join("bin/wasm-bindgen");
    let installed = tools::output(Command::new(&cli).arg("--version")).unwrap_or_default();
    if installed.split_whitespace().nth(1) == Some(wanted.as_str()) {
        return Ok(cli);
    }
    println!("installing wasm-bindgen-cli {wanted} (a few minutes, once)");
    // No `--locked`: the CLI's own lock file pins a crate version crates.io no longer has.
    tools::run(
        Command::new(cargo()).args(["install", "wasm-bindgen-cli", "--version", &wanted]),
        "cargo install wasm-bindgen-cli",
    )?;
    Ok(cli)
}

/// binaryen from npm, pinned by the committed lock file. Debian's older binaryen must never be
/// used: its wasm-opt exits 0 yet leaves a module Chromium refuses to start.
fn ensure_binaryen(tools: &Path) -> anyhow::Result<PathBuf> {
    let wasm_opt = tools.join("node_modules/.bin/wasm-opt");
    if !wasm_opt.exists() {
        tools::run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(tools), "npm ci")?;
    }
    let version = tools::output(Command::new(&wasm_opt).arg("--version"))?;
    if !version.contains(BINARYEN_VERSION) {
        bail!("{} is {version:?}, expected {BINARYEN_VERSION}: delete node_modules there", wasm_opt.display());
    }
    Ok(wasm_opt)
}

fn compile(workspace_root: &Path) -> anyhow::Result<PathBuf> {
    tools::run(
        Command::new(cargo())
            .args(["build", "--package", PACKAGE, "--profile", PROFILE, "--target", TARGET])
            .current_dir(workspace_root),
        "cargo build (wasm32)",
    )?;
    let wasm = tools::target_dir(workspace_root).join(TARGET).join(PROFILE).join(format!("{PACKAGE}.wasm"));
    if !wasm.exists() {
        bail!("cargo succeeded but {} is missing", wasm.display());
    }
    Ok(wasm)
}

/// The `version` of `name` in a `Cargo.lock`; the first one if several versions are locked.
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let name_line = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    lines.find(|line| line.trim() == name_line)?;
    let version = lines.next()?.trim().strip_prefix("version = \"")?.strip_suffix('"')?;
    Some(version.to_owned())
}

/// Changes whenever an asset changes, so a browser never pairs a cached module with new glue.
fn version_tag(assets: &[&[u8]]) -> String {
    let mut hasher = DefaultHasher::new();
    assets.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// Starts the app. A file, not an inline script, so the Content-Security-Policy
/// allows scripts from the site only (#18, `gatehouse_api::edge`).
fn boot_js(version: &str) -> String {
    format!(
        r#"import init from "/{OUT_NAME}.js?v={version}";
init({{ module_or_path: "/{OUT_NAME}_bg.wasm?v={version}" }});
"#
    )
}

/// Absolute asset paths: the server answers every client route (`/schools/…`) with this page.
fn index_html(version: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gatehouse</title>
<link rel="stylesheet" href="/style.css?v={version}">
<link rel="modulepreload" href="/{OUT_NAME}.js?v={version}">
<script type="module" src="/boot.js?v={version}"></script>
</head>
<body>
<noscript><p class="noscript">Gatehouse needs JavaScript. Turn it on for this site and reload the page.</p></noscript>
</body>
</html>
"#
    )
}

fn brotli_size(bytes: &[u8]) -> anyhow::Result<u64> {
    let mut compressed = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut compressed, 4096, 11, 22);
        writer.write_all(bytes).context("brotli compression")?;
    }
    Ok(compressed.len() as u64)
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

fn cargo_home() -> anyhow::Result<PathBuf> {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        return Ok(PathBuf::from(home));
    }
    let home = std::env::var_os("HOME").context("neither CARGO_HOME nor HOME is set")?;
    Ok(PathBuf::from(home).join(".cargo"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
[[package]]
name = "wasm-bindgen-macro"
version = "0.2.999"

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;

    #[test]
    fn the_cli_version_comes_from_the_exact_package_in_the_lock() {
        assert_eq!(locked_version(LOCK, "wasm-bindgen").as_deref(), Some("0.2.130"));
        assert_eq!(locked_version(LOCK, "wasm-bindgen-cli"), None);
    }

    #[test]
    fn index_html_loads_versioned_assets_from_the_site_root() {
        let html = index_html("abc123");
        assert!(html.contains(r#"<script type="module" src="/boot.js?v=abc123"></script>"#));
        assert!(!html.contains("import "), "no inline script: the CSP allows none");
        let boot = boot_js("abc123");
        assert!(boot.contains(r#"import init from "/gatehouse.js?v=abc123";"#));
        assert!(boot.contains(r#"module_or_path: "/gatehouse_bg.wasm?v=abc123""#));
        assert!(html.contains(r#"href="/style.css?v=abc123""#));
        assert!(html.contains("<noscript>"));
    }

    #[test]
    fn the_version_tag_follows_the_content() {
        assert_eq!(version_tag(&[b"wasm", b"js"]), version_tag(&[b"wasm", b"js"]));
        assert_ne!(version_tag(&[b"wasm", b"js"]), version_tag(&[b"wasm", b"js2"]));
        assert_ne!(version_tag(&[b"wasmj", b"s"]), version_tag(&[b"wasm", b"js"]));
    }
}
