//! Builds the Leptos SPA into a directory a static host (or `gatehouse-local`) can serve, as one
//! wasm bundle per audience so a person downloads only the portal they use (#14): cargo builds
//! every `frontend/src/bin/<bundle>.rs`, then each goes through wasm-bindgen and wasm-opt and gets
//! its HTML shell. Assets have content-hashed names under `assets/`, so they can be cached for a
//! year, and the shells not at all. No trunk: its tool download needs GitHub, which this
//! project's machines cannot reach (docs TOOLING.md).
//!
//! [`BUNDLES`] is the one list of which path loads which bundle: the build writes it into
//! `shells.json` for the local server, and the CloudFront function `SpaRoutes` in
//! `infra/template.yaml` is generated from it (a test here fails when they differ).

use std::fmt;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::tools;

const PACKAGE: &str = "gatehouse-frontend";
const TARGET: &str = "wasm32-unknown-unknown";
const PROFILE: &str = "wasm-release";
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
/// Leptos's `erase_components`: every reactive `{move || …}` in a view becomes one shared type
/// instead of a type of its own, so the renderer is compiled once per output type rather than
/// once per closure: 9 to 16 % off each bundle, brotli (#14). For the wasm target only, so the server's
/// builds keep their cache.
const RUSTFLAGS: (&str, &str) = ("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", "--cfg erase_components");
/// Where the hashed assets go, in the built directory and in the site.
const ASSETS: &str = "assets";
/// The list of paths and shells the local server reads from the built directory.
const SHELLS_JSON: &str = "shells.json";

/// A wasm bundle and the page that loads it.
pub struct Bundle {
    /// `frontend/src/bin/<name>.rs` and `frontend/src/app/<name>.rs`, and its assets' stem.
    pub name: &'static str,
    /// Its HTML page, at the site's root.
    pub shell: &'static str,
    /// The client-side paths it serves, each with everything below it. The longest path that
    /// matches an address wins; `/` matches every address.
    pub paths: &'static [&'static str],
    /// The most its wasm and JavaScript may weigh, brotli-compressed (#14).
    pub budget: u64,
}

/// The most a portal's bundle may weigh, brotli-compressed (#14).
const PORTAL_BUDGET: u64 = 250_000;
/// The most the bundle of the pages an email's link opens may weigh, brotli-compressed (#14).
const LINK_PAGE_BUDGET: u64 = 150_000;

/// A portal's bundle.
const fn portal(name: &'static str, shell: &'static str, paths: &'static [&'static str]) -> Bundle {
    Bundle { name, shell, paths, budget: PORTAL_BUDGET }
}

/// The bundle of pages an email's link opens.
const fn link_page(name: &'static str, shell: &'static str, paths: &'static [&'static str]) -> Bundle {
    Bundle { name, shell, paths, budget: LINK_PAGE_BUDGET }
}

/// Every bundle. The partner portal's school lists keep `index.html`, so `/` and unknown paths get
/// them. The partner portal is four bundles: as one it would weigh about 370 kB, so its sections
/// other than the school lists are a page load away.
pub const BUNDLES: &[Bundle] = &[
    portal("partner", "index.html", &["/"]),
    portal("partner_invite", "partner-invite.html", &["/schools/invite"]),
    portal("partner_cases", "partner-cases.html", &["/cases"]),
    portal("partner_settings", "partner-settings.html", &["/permissions", "/keys", "/webhooks", "/team"]),
    portal("school", "school.html", &["/school"]),
    // #16: a person's data on request, a page load away from the dashboard.
    portal("school_people", "school-people.html", &["/school/people"]),
    portal("ops", "ops.html", &["/ops"]),
    // #15: the register import's job polling took the console over its budget.
    portal("ops_directory", "ops-directory.html", &["/ops/directory"]),
    link_page(
        "signin",
        "signin.html",
        &["/signin", "/auth", "/school/signin", "/school/auth", "/ops/signin", "/ops/auth"],
    ),
    link_page("authorise", "authorise.html", &["/authorise"]),
];

/// Sizes of what the browser downloads, for the build log and the size budget.
#[derive(Debug, Clone)]
pub struct SpaReport {
    pub bundles: Vec<BundleReport>,
    /// The style sheet, which every shell loads.
    pub css: Size,
}

/// One bundle's downloads: its wasm, and its JavaScript (the wasm-bindgen glue and the boot
/// module).
#[derive(Debug, Clone)]
pub struct BundleReport {
    pub name: &'static str,
    pub wasm: Size,
    pub js: Size,
    pub budget: u64,
}

/// Bytes as built and after brotli at quality 11, as a CDN would serve them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Size {
    pub raw: u64,
    pub brotli: u64,
}

impl BundleReport {
    /// What opening the bundle's first page downloads, compressed, besides the style sheet.
    pub fn download(&self) -> u64 {
        self.wasm.brotli + self.js.brotli
    }
}

impl SpaReport {
    /// Fails naming each bundle over its budget.
    pub fn check_budgets(&self) -> anyhow::Result<()> {
        let over: Vec<String> = self
            .bundles
            .iter()
            .filter(|bundle| bundle.download() > bundle.budget)
            .map(|bundle| format!("{} is {} bytes brotli, over {}", bundle.name, bundle.download(), bundle.budget))
            .collect();
        if !over.is_empty() {
            bail!("SPA bundles over their size budget (#14): {}", over.join("; "));
        }
        Ok(())
    }
}

impl fmt::Display for SpaReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "SPA bundles, bytes raw / brotli (wasm + JS brotli against the budget):")?;
        for bundle in &self.bundles {
            writeln!(
                f,
                "  {:<16} wasm {:>8} / {:>6}   JS {:>6} / {:>5}   download {:>6} of {}",
                bundle.name,
                bundle.wasm.raw,
                bundle.wasm.brotli,
                bundle.js.raw,
                bundle.js.brotli,
                bundle.download(),
                bundle.budget
            )?;
        }
        write!(f, "  style sheet (every bundle) {} / {}", self.css.raw, self.css.brotli)
    }
}

/// Every path with its bundle, longest first: the order the servers try them in.
fn routes() -> Vec<(&'static str, &'static Bundle)> {
    let mut routes: Vec<_> =
        BUNDLES.iter().flat_map(|bundle| bundle.paths.iter().map(move |path| (*path, bundle))).collect();
    routes.sort_by(|(a, _), (b, _)| b.len().cmp(&a.len()).then(a.cmp(b)));
    routes
}

/// Builds the SPA of the workspace at `workspace_root` into `out_dir`, installing the tools it
/// needs first. Each failure names the step.
pub fn build(workspace_root: &Path, out_dir: &Path) -> anyhow::Result<SpaReport> {
    tools::add_rust_target(TARGET).context("SPA step 1 of 6: rustup target wasm32-unknown-unknown")?;
    let wasm_bindgen = ensure_wasm_bindgen(workspace_root).context("SPA step 2 of 6: wasm-bindgen CLI")?;
    let wasm_opt = ensure_binaryen(&workspace_root.join("xtask/tools")).context("SPA step 3 of 6: npm binaryen")?;
    let compiled = compile(workspace_root).context("SPA step 4 of 6: cargo build of the bundles for wasm32")?;

    let staging = tools::target_dir(workspace_root).join("spa-staging");
    // wasm-opt is single-threaded: the bundles take one each.
    let built = std::thread::scope(|scope| {
        let jobs: Vec<_> = BUNDLES
            .iter()
            .map(|bundle| {
                let (wasm_bindgen, wasm_opt, compiled, staging) = (&wasm_bindgen, &wasm_opt, &compiled, &staging);
                scope.spawn(move || finish(bundle, wasm_bindgen, wasm_opt, compiled, staging))
            })
            .collect();
        jobs.into_iter().map(|job| job.join().expect("a bundle's build thread panicked")).collect::<Vec<_>>()
    });
    let built = built.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
    let css = std::fs::read(workspace_root.join("frontend/style.css")).context("reading frontend/style.css")?;
    write_site(out_dir, &css, &built)
}

/// A bundle after wasm-bindgen and wasm-opt.
struct Built {
    bundle: &'static Bundle,
    wasm: Vec<u8>,
    glue: Vec<u8>,
}

/// wasm-bindgen, then wasm-opt, for one bundle, in its own staging directory.
fn finish(
    bundle: &'static Bundle,
    wasm_bindgen: &Path,
    wasm_opt: &Path,
    compiled: &Path,
    staging: &Path,
) -> anyhow::Result<Built> {
    let name = bundle.name;
    let out = staging.join(name);
    if out.exists() {
        std::fs::remove_dir_all(&out).with_context(|| format!("emptying {}", out.display()))?;
    }
    tools::run(
        Command::new(wasm_bindgen)
            .args(["--target", "web", "--no-typescript", "--out-name", name, "--out-dir"])
            .arg(&out)
            .arg(compiled.join(format!("{name}.wasm"))),
        "wasm-bindgen",
    )
    .with_context(|| format!("SPA step 5 of 6: wasm-bindgen of {name}"))?;
    if out.join("snippets").exists() {
        bail!("{name} has wasm-bindgen snippets, which the build does not copy: load that JavaScript another way");
    }
    let wasm_path = out.join(format!("{name}_bg.wasm"));
    tools::run(
        Command::new(wasm_opt).arg("-Oz").args(WASM_FEATURES).arg(&wasm_path).arg("-o").arg(&wasm_path),
        "wasm-opt",
    )
    .with_context(|| format!("SPA step 6 of 6: wasm-opt -Oz of {name}"))?;
    let read = |path: PathBuf| std::fs::read(&path).with_context(|| format!("reading {}", path.display()));
    Ok(Built { bundle, wasm: read(wasm_path)?, glue: read(out.join(format!("{name}.js")))? })
}

/// Writes the shells, `shells.json` and the hashed assets into `out_dir`. The assets of earlier
/// builds go first, or every build would add a set.
fn write_site(out_dir: &Path, css: &[u8], built: &[Built]) -> anyhow::Result<SpaReport> {
    let assets = out_dir.join(ASSETS);
    if assets.exists() {
        std::fs::remove_dir_all(&assets).with_context(|| format!("emptying {}", assets.display()))?;
    }
    std::fs::create_dir_all(&assets).with_context(|| format!("creating {}", assets.display()))?;
    let style = write_asset(&assets, "style", "css", css)?;
    let mut bundles = Vec::new();
    for Built { bundle, wasm, glue } in built {
        let wasm_url = write_asset(&assets, bundle.name, "wasm", wasm)?;
        let glue_url = write_asset(&assets, bundle.name, "js", glue)?;
        let boot = boot_js(&glue_url, &wasm_url);
        let boot_url = write_asset(&assets, &format!("{}-boot", bundle.name), "js", boot.as_bytes())?;
        let shell = out_dir.join(bundle.shell);
        std::fs::write(&shell, shell_html(&style, &glue_url, &boot_url, &wasm_url))
            .with_context(|| format!("writing {}", shell.display()))?;
        bundles.push(BundleReport {
            name: bundle.name,
            wasm: size(wasm)?,
            js: Size {
                raw: (glue.len() + boot.len()) as u64,
                brotli: brotli_size(glue)? + brotli_size(boot.as_bytes())?,
            },
            budget: bundle.budget,
        });
    }
    std::fs::write(out_dir.join(SHELLS_JSON), shells_json()).context("writing shells.json")?;
    Ok(SpaReport { bundles, css: size(css)? })
}

/// Writes `bytes` as `<dir>/<stem>-<hash>.<extension>`; returns its address in the site.
fn write_asset(dir: &Path, stem: &str, extension: &str, bytes: &[u8]) -> anyhow::Result<String> {
    let name = format!("{stem}-{}.{extension}", content_hash(bytes));
    std::fs::write(dir.join(&name), bytes).with_context(|| format!("writing {ASSETS}/{name}"))?;
    Ok(format!("/{ASSETS}/{name}"))
}

/// Changes whenever the content does, so a cached asset is never the wrong one.
fn content_hash(bytes: &[u8]) -> String {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
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

/// Builds every bundle in one cargo run; returns the directory holding `<bundle>.wasm`.
fn compile(workspace_root: &Path) -> anyhow::Result<PathBuf> {
    tools::run(
        Command::new(cargo())
            .args(["build", "--package", PACKAGE, "--bins", "--profile", PROFILE, "--target", TARGET])
            .env(RUSTFLAGS.0, RUSTFLAGS.1)
            .current_dir(workspace_root),
        "cargo build (wasm32)",
    )?;
    let dir = tools::target_dir(workspace_root).join(TARGET).join(PROFILE);
    if let Some(bundle) = BUNDLES.iter().find(|bundle| !dir.join(format!("{}.wasm", bundle.name)).exists()) {
        bail!(
            "cargo succeeded but {}/{}.wasm is missing: is there a frontend/src/bin/{0}.rs?",
            dir.display(),
            bundle.name
        );
    }
    Ok(dir)
}

/// The `version` of `name` in a `Cargo.lock`; the first one if several versions are locked.
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let name_line = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    lines.find(|line| line.trim() == name_line)?;
    let version = lines.next()?.trim().strip_prefix("version = \"")?.strip_suffix('"')?;
    Some(version.to_owned())
}

/// Starts the bundle. A file, not an inline script, so the Content-Security-Policy allows
/// scripts from the site only (#18, `gatehouse_api::edge`).
fn boot_js(glue: &str, wasm: &str) -> String {
    format!("import init from \"{glue}\";\ninit({{ module_or_path: \"{wasm}\" }});\n")
}

/// Absolute asset addresses: the server answers every client route (`/schools/…`) with a shell.
/// The wasm is fetched at once, beside the scripts that will ask for it.
fn shell_html(style: &str, glue: &str, boot: &str, wasm: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gatehouse</title>
<link rel="stylesheet" href="{style}">
<link rel="preload" href="{wasm}" as="fetch" type="application/wasm" crossorigin>
<link rel="modulepreload" href="{glue}">
<script type="module" src="{boot}"></script>
</head>
<body>
<noscript><p class="noscript">Gatehouse needs JavaScript. Turn it on for this site and reload the page.</p></noscript>
</body>
</html>
"#
    )
}

/// `{"<path>": "<shell>", …}`, longest path first, for `gatehouse-local`.
fn shells_json() -> String {
    let entries: Vec<String> =
        routes().iter().map(|(path, bundle)| format!("  {path:?}: {:?}", bundle.shell)).collect();
    format!("{{\n{}\n}}\n", entries.join(",\n"))
}

fn size(bytes: &[u8]) -> anyhow::Result<Size> {
    Ok(Size { raw: bytes.len() as u64, brotli: brotli_size(bytes)? })
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
mod tests;
