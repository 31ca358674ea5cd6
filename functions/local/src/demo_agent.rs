//! `gatehouse-local demo-agent`: the demo MIS agent (G1). It generates a
//! demo school's synthetic extract (the same school every time) and pushes
//! it to a Gatehouse, local or deployed, with that school's agent key, the
//! way a real agent would: `POST /api/agent/v1/extracts`. curl does the
//! HTTPS; the key goes to curl in a header file, never on its command line.

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};
use gatehouse_core::{SchoolId, synthetic};

pub fn run(addr: SocketAddr, data_dir: &Path, args: &[String]) -> anyhow::Result<()> {
    let round = match args {
        [] => None,
        [flag, n] if flag == "--changes" => Some(n.parse::<u32>().context("--changes takes a round number, from 1")?),
        _ => bail!("usage: gatehouse-local demo-agent [--changes N]"),
    };
    let credential = match std::env::var("GATEHOUSE_AGENT_KEY") {
        Ok(value) => value,
        Err(_) => {
            let path = data_dir.join(gatehouse_local::DEMO_AGENT_KEY_FILE);
            std::fs::read_to_string(&path).with_context(|| {
                format!("no GATEHOUSE_AGENT_KEY and no {}: start `cargo xtask run` once", path.display())
            })?
        }
    };
    let mut parts = credential.split_whitespace();
    let (Some(school), Some(secret)) = (parts.next(), parts.next()) else {
        bail!("the agent key must read \"<school id> <key>\"");
    };
    let school = SchoolId::parse(school)?;
    let url = std::env::var("GATEHOUSE_URL").unwrap_or_else(|_| format!("http://{addr}"));
    let today = chrono::Utc::now().date_naive();
    let (seed, students) = synthetic::demo_shape(&school);
    let extract = match round {
        None => synthetic::school(seed, students, today),
        Some(round) => synthetic::changes(seed, students, today, round),
    };

    let dir = std::env::temp_dir().join(format!("gatehouse-demo-agent-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let body = dir.join("extract.json");
    std::fs::write(&body, serde_json::to_vec(&extract)?)?;
    let headers = dir.join("headers");
    let mut file = std::fs::File::create(&headers)?;
    writeln!(file, "Authorization: Bearer {secret}")?;
    writeln!(file, "Content-Type: application/json")?;
    drop(file);
    println!(
        "Pushing a {} extract of school {school} ({} pupils, {} staff, {} contacts, {} groups, {} deletions) to {url}",
        if round.is_some() { "delta" } else { "full" },
        extract.students.len(),
        extract.staff.len(),
        extract.contacts.len(),
        extract.groups.len(),
        extract.deleted.len()
    );
    let base = url.trim_end_matches('/');
    let accepted =
        curl(&headers, &["--data-binary", &format!("@{}", body.display())], &format!("{base}/api/agent/v1/extracts"));
    std::fs::remove_file(&body).ok();
    let (status, answer) = accepted?;
    println!("HTTP {status}\n{answer}");
    if status != 202 {
        std::fs::remove_dir_all(&dir).ok();
        bail!("the push was not accepted");
    }
    // The push answers with a job (#15): poll it, as a real agent would,
    // until it is done, then show its receipt.
    let job: serde_json::Value = serde_json::from_str(&answer).context("the push's answer")?;
    let status_url = format!("{base}{}", job["status_url"].as_str().context("the job's status_url")?);
    let started = std::time::Instant::now();
    let outcome = loop {
        let (status, answer) = curl(&headers, &[], &status_url)?;
        let job: serde_json::Value =
            serde_json::from_str(&answer).with_context(|| format!("HTTP {status}: {answer}"))?;
        if matches!(job["state"].as_str(), Some("done" | "failed")) {
            break job;
        }
        if started.elapsed() > std::time::Duration::from_secs(120) {
            bail!("the job is still {} after two minutes: {status_url}", job["state"]);
        }
        // A poller's pause between looks at the job, as a real agent's.
        std::thread::sleep(std::time::Duration::from_millis(250));
    };
    std::fs::remove_dir_all(&dir).ok();
    println!("{}", serde_json::to_string_pretty(&outcome)?);
    if outcome["state"] != "done" {
        bail!("the job failed");
    }
    Ok(())
}

/// One request through curl with the headers in `headers`; the status and body.
fn curl(headers: &Path, args: &[&str], url: &str) -> anyhow::Result<(u16, String)> {
    let output = Command::new("curl")
        .args(["--silent", "--show-error", "--write-out", "\n%{http_code}", "--header"])
        .arg(format!("@{}", headers.display()))
        .args(args)
        .arg(url)
        .output()
        .context("running curl")?;
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    if !output.status.success() {
        bail!("curl failed");
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let (body, status) = text.rsplit_once('\n').context("curl's status line")?;
    Ok((status.trim().parse().context("an HTTP status")?, body.to_owned()))
}
