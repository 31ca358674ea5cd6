//! What the benchmarks and the load test share: whether moto can run, and where their tables
//! are kept. Each includes this file with `#[path]`: a bench is a crate of its own.

use std::path::{Path, PathBuf};

/// Where cargo puts its output: `CARGO_TARGET_DIR` (xtask sets it), else the workspace's `target`.
fn target_dir() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_owned();
    match std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from) {
        Some(dir) if dir.is_absolute() => dir,
        Some(dir) => workspace.join(dir),
        None => workspace.join("target"),
    }
}

/// Prints `markdown` and keeps it as `<target>/bench/<name>.md`, saying where on stderr.
pub fn print_and_keep(name: &str, markdown: &str) -> std::io::Result<()> {
    println!("{markdown}");
    let out = target_dir().join("bench");
    let file = out.join(format!("{name}.md"));
    std::fs::create_dir_all(&out).and_then(|()| std::fs::write(&file, markdown))?;
    eprintln!("{name}: written to {}", file.display());
    Ok(())
}

/// The same check `gatehouse_tests::moto` makes, asked first so that a machine without moto
/// still gets the embedded store's numbers.
#[allow(dead_code, reason = "the load test runs on the embedded store only")]
pub fn moto_available() -> Result<(), String> {
    if std::env::var_os("GATEHOUSE_MOTO_SERVER").is_some() {
        return Ok(());
    }
    let venv = target_dir().join("tools/moto-venv/bin/moto_server");
    if venv.exists() {
        Ok(())
    } else {
        Err(format!("GATEHOUSE_MOTO_SERVER is unset and {} is absent; run `cargo xtask bench`", venv.display()))
    }
}

/// Keeps `rows` — what was measured, the figure before #14, now, and the target — as
/// `<target>/bench/summary/<name>.md`, for the one table `cargo xtask bench` prints at its end.
#[allow(dead_code, reason = "the load test has no row in the summary")]
pub fn keep_summary(name: &str, rows: &[[String; 4]]) -> std::io::Result<()> {
    let dir = target_dir().join("bench/summary");
    std::fs::create_dir_all(&dir)?;
    let lines: String =
        rows.iter().map(|[what, before, now, target]| format!("| {what} | {before} | {now} | {target} |\n")).collect();
    std::fs::write(dir.join(format!("{name}.md")), lines)
}
