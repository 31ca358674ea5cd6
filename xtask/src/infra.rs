//! The deployable side: lints `infra/template.yaml` with cfn-lint and SAM, and
//! builds the one Lambda binary as an arm64 zip with cargo-lambda. Each Python tool
//! gets its own venv under the tools dir, installed once and reused.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;

use crate::tools;

/// SAM CLI, with the cfn-lint it pins. Its own venv: it pins boto3 and
/// cfn-lint versions that clash with moto's.
const SAM_CLI: &str = "aws-sam-cli==1.170.*";
/// cargo-lambda from PyPI brings ziglang, the cross-linker for arm64.
const CARGO_LAMBDA: &str = "cargo-lambda==1.9.*";
const ARM64_TARGET: &str = "aarch64-unknown-linux-gnu";
pub const TEMPLATE: &str = "infra/template.yaml";
/// cfn-lint resolves region-specific resource specs; SAM needs a region to validate at all.
const REGION: &str = "eu-west-2";

/// The SAM CLI's venv `bin` directory, installing it once.
pub fn sam_bin(tools_dir: &Path) -> anyhow::Result<PathBuf> {
    tools::venv(tools_dir, "sam-venv", SAM_CLI)
}

/// `cfn-lint` then `sam validate --lint` on the template; fails on any
/// finding, warnings included.
pub fn lint(workspace_root: &Path, tools_dir: &Path) -> anyhow::Result<()> {
    let bin = sam_bin(tools_dir)?;
    let mut cfn_lint = Command::new(bin.join("cfn-lint"));
    cfn_lint.arg(TEMPLATE);
    tools::run(sam_env(&mut cfn_lint, workspace_root), "cfn-lint")?;
    let mut sam = Command::new(bin.join("sam"));
    sam.args(["validate", "--lint", "--template", TEMPLATE]);
    tools::run(sam_env(&mut sam, workspace_root), "sam validate --lint")
}

/// CloudFormation refuses a stack of more resources than this.
pub const RESOURCE_LIMIT: usize = 500;

/// SAM's own transform of the template, offline, as CloudFormation will
/// run it: every function expands to a function, a role and, for a route, a
/// permission. Returns how many resources the stack will have.
pub fn expanded_resource_count(workspace_root: &Path, tools_dir: &Path) -> anyhow::Result<usize> {
    let bin = sam_bin(tools_dir)?;
    let mut python = Command::new(bin.join("python"));
    python.args(["-c", EXPAND, TEMPLATE]);
    let count = tools::output(sam_env(&mut python, workspace_root)).context("SAM's transform of the template")?;
    count.trim().parse().with_context(|| format!("SAM's transform printed {count:?}, not a count"))
}

/// Python for [`expanded_resource_count`]. The transform wants the code in
/// S3, where `sam deploy` puts the zip.
const EXPAND: &str = r#"
import sys
from samcli.yamlhelper import yaml_parse
from samtranslator.translator.transform import transform
template = yaml_parse(open(sys.argv[1]).read())
template["Globals"]["Function"]["CodeUri"] = "s3://bucket/bootstrap.zip"
print(len(transform(template, {}, None)["Resources"]))
"#;

fn sam_env<'c>(command: &'c mut Command, workspace_root: &Path) -> &'c mut Command {
    command.current_dir(workspace_root).env("SAM_CLI_TELEMETRY", "0").env("AWS_DEFAULT_REGION", REGION)
}

/// Builds the one Lambda binary every function runs (#13) with `cargo
/// lambda build --release --arm64`, zips it, and puts the zip where the
/// template's `Globals.Function.CodeUri` says; returns that path and the
/// zip's size in bytes.
pub fn package(workspace_root: &Path, tools_dir: &Path) -> anyhow::Result<(PathBuf, u64)> {
    let bin = tools::venv(tools_dir, "lambda-venv", CARGO_LAMBDA)?;
    tools::add_rust_target(ARM64_TARGET)?;

    let mut build = Command::new(bin.join("cargo-lambda"));
    // By package: features then unify over its dependencies only, not over
    // the test and local crates'.
    build.args(["lambda", "build", "--release", "--arm64", "--output-format", "zip", "--package", "gatehouse-lambdas"]);
    build.args(["--bin", LAMBDA_BIN]);
    // cargo-lambda links with Zig through `python3 -m ziglang`: the venv's
    // python must come first on PATH or it reports Zig as missing.
    build.current_dir(workspace_root).env("PATH", path_with(&bin)?);
    tools::run(&mut build, "cargo lambda build")?;

    let built = tools::target_dir(workspace_root).join("lambda").join(LAMBDA_BIN).join("bootstrap.zip");
    let wanted = workspace_root.join("infra").join(template_code_uri(workspace_root)?);
    if built != wanted {
        std::fs::create_dir_all(wanted.parent().context("the CodeUri names a file")?)?;
        std::fs::copy(&built, &wanted)
            .with_context(|| format!("copying {} to {}", built.display(), wanted.display()))?;
    }
    let bytes = std::fs::metadata(&wanted).with_context(|| format!("no zip at {}", wanted.display()))?.len();
    Ok((wanted, bytes))
}

/// The one binary of `gatehouse-lambdas`.
const LAMBDA_BIN: &str = "gatehouse";

/// `Globals.Function.CodeUri` of the template, relative to `infra/`: the one
/// place that says where the functions' zip is.
fn template_code_uri(workspace_root: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(workspace_root.join(TEMPLATE))?;
    let globals = &text[text.find("\nGlobals:").context("the template has Globals")?..];
    let line = globals.lines().find_map(|line| line.trim().strip_prefix("CodeUri:")).context("Globals has CodeUri")?;
    Ok(line.trim().to_owned())
}

/// `PATH` with `first` in front.
fn path_with(first: &Path) -> anyhow::Result<OsString> {
    let rest = std::env::var_os("PATH").unwrap_or_default();
    let paths = std::iter::once(first.to_owned()).chain(std::env::split_paths(&rest));
    std::env::join_paths(paths).context("building PATH")
}
