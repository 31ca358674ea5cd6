//! The deployable side: lints `infra/template.yaml` with cfn-lint and SAM, and
//! builds Lambda functions as arm64 zips with cargo-lambda. Each Python tool
//! gets its own venv under the tools dir, installed once and reused.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

use anyhow::Context;

use crate::tools;

/// SAM CLI, with the cfn-lint it pins. Its own venv: it pins boto3 and
/// cfn-lint versions that clash with moto's.
const SAM_CLI: &str = "aws-sam-cli==1.170.*";
/// cargo-lambda from PyPI brings ziglang, the cross-linker for arm64.
const CARGO_LAMBDA: &str = "cargo-lambda==1.9.*";
const ARM64_TARGET: &str = "aarch64-unknown-linux-gnu";
const TEMPLATE: &str = "infra/template.yaml";
/// cfn-lint resolves region-specific resource specs; SAM needs a region to validate at all.
const REGION: &str = "eu-west-2";

/// Which Lambda functions to package.
#[derive(Debug, Clone, Copy)]
pub enum Package<'a> {
    /// One bin of `gatehouse-lambdas`, by its route or job name.
    One(&'a str),
    /// Every bin of `gatehouse-lambdas`.
    All,
}

/// `cfn-lint` then `sam validate --lint` on the template; fails on any
/// finding, warnings included.
pub fn lint(workspace_root: &Path, tools_dir: &Path) -> anyhow::Result<()> {
    let bin = tools::venv(tools_dir, "sam-venv", SAM_CLI)?;
    let mut cfn_lint = Command::new(bin.join("cfn-lint"));
    cfn_lint.arg(TEMPLATE);
    tools::run(sam_env(&mut cfn_lint, workspace_root), "cfn-lint")?;
    let mut sam = Command::new(bin.join("sam"));
    sam.args(["validate", "--lint", "--template", TEMPLATE]);
    tools::run(sam_env(&mut sam, workspace_root), "sam validate --lint")
}

fn sam_env<'c>(command: &'c mut Command, workspace_root: &Path) -> &'c mut Command {
    command.current_dir(workspace_root).env("SAM_CLI_TELEMETRY", "0").env("AWS_DEFAULT_REGION", REGION)
}

/// Builds functions with `cargo lambda build --release --arm64` and returns
/// each function's name and zip size in bytes.
pub fn package(workspace_root: &Path, tools_dir: &Path, which: Package) -> anyhow::Result<Vec<(String, u64)>> {
    let bin = tools::venv(tools_dir, "lambda-venv", CARGO_LAMBDA)?;
    tools::add_rust_target(ARM64_TARGET)?;

    let names = match which {
        Package::One(name) => vec![name.to_owned()],
        Package::All => lambda_bins(workspace_root)?,
    };
    let mut build = Command::new(bin.join("cargo-lambda"));
    // Always by package: features then unify over its dependencies only, so
    // one function and all of them share the same compiled dependencies.
    build.args(["lambda", "build", "--release", "--arm64", "--output-format", "zip", "--package", "gatehouse-lambdas"]);
    if let Package::One(name) = which {
        build.args(["--bin", name]);
    }
    // cargo-lambda links with Zig through `python3 -m ziglang`: the venv's
    // python must come first on PATH or it reports Zig as missing.
    build.current_dir(workspace_root).env("PATH", path_with(&bin)?);
    tools::run(&mut build, "cargo lambda build")?;

    let lambda_dir = tools::target_dir(workspace_root).join("lambda");
    names
        .into_iter()
        .map(|name| {
            let zip = lambda_dir.join(&name).join("bootstrap.zip");
            let bytes = std::fs::metadata(&zip).with_context(|| format!("no zip at {}", zip.display()))?.len();
            Ok((name, bytes))
        })
        .collect()
}

/// The bins of `gatehouse-lambdas`: one file per route and per job in `src/bin/`.
fn lambda_bins(workspace_root: &Path) -> anyhow::Result<Vec<String>> {
    let dir = workspace_root.join("functions/lambdas/src/bin");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|extension| extension == "rs")
            && let Some(stem) = path.file_stem()
        {
            names.push(stem.to_string_lossy().into_owned());
        }
    }
    names.sort();
    Ok(names)
}

/// `PATH` with `first` in front.
fn path_with(first: &Path) -> anyhow::Result<OsString> {
    let rest = std::env::var_os("PATH").unwrap_or_default();
    let paths = std::iter::once(first.to_owned()).chain(std::env::split_paths(&rest));
    std::env::join_paths(paths).context("building PATH")
}
