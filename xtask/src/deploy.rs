//! `cargo xtask deploy <env>` (#15): one command from an AWS account to a working Gatehouse.
//!
//! 1. Reads the environment's settings from `samconfig.toml` and refuses, naming each, any that
//!    is missing or still a placeholder ([`Environment::read`]).
//! 2. Checks the template offline: cfn-lint, `sam validate --lint`, and SAM's own transform to
//!    count the resources CloudFormation will create (at most 500 a stack).
//! 3. Builds the SPA and the one Lambda binary (`infra::package`), once.
//! 4. `sam deploy` of `infra/template.yaml` as it is: SAM uploads the prebuilt zip every
//!    function names; no `sam build`, no prompt.
//! 5. Uploads the SPA to the stack's bucket ([`upload_spa`]) and invalidates the HTML shells that
//!    changed ([`invalidate`]).
//! 6. Prints the public URL (the SSM parameter the functions read), the DNS records to publish
//!    and what is left to do by hand ([`Report`]). Steps 5 and 6 are [`publish`].
//!
//! AWS is reached through the AWS CLI from PyPI, in a venv beside SAM's ([`Aws`]): no AWS SDK
//! crate in xtask, so `cargo xtask run` stays quick to build. The tests crate's deploy rehearsal
//! runs steps 2, 5 and 6 against moto (`tests/deploy_rehearsal.rs`), on a stand-in stack.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, bail};

use crate::{infra, tools};

/// The AWS CLI (v1, the one on PyPI). Its own venv: it pins a botocore that clashes with SAM's
/// and moto's.
pub const AWS_CLI: &str = "awscli==1.46.*";

/// Where the SPA's content-hashed files live in the bucket: cached for a year, never replaced.
const ASSETS: &str = "assets";
/// Hashed names change with their content, so a browser or an edge may keep them for good.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// The HTML shells name the current assets: every load asks whether they changed.
pub const REVALIDATE: &str = "no-cache";

/// Every setting an environment needs in `samconfig.toml`'s `parameter_overrides`, beside the
/// template's parameters without a default (which are needed too).
const REQUIRED: &[&str] = &["Stage", "SenderDomain", "SenderEmail", "FirstOpsUserEmail", "SupportEmail", "AlarmEmail"];
/// Settings that are email addresses.
const EMAILS: &[&str] = &["SenderEmail", "FirstOpsUserEmail", "SupportEmail", "AlarmEmail"];
/// Values only an example has: the committed samconfig.toml's placeholders, and the domains
/// reserved for documentation (RFC 2606).
const PLACEHOLDERS: &[&str] = &[
    "change-me",
    "example.org",
    "example.com",
    "example.net",
    ".example",
    "123456789012",
    "00000000-0000-0000-0000-000000000000",
];

/// One environment's deploy settings, read from `samconfig.toml` and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    pub name: String,
    pub region: String,
    pub stack: String,
    /// Where SAM uploads the Lambda zip in its managed bucket.
    pub s3_prefix: String,
    pub capabilities: String,
    /// The template's parameters, by name; empty values left out.
    pub parameters: BTreeMap<String, String>,
}

impl Environment {
    /// Reads `[<env>.global.parameters]` (else `[default.global.parameters]`) for the region and
    /// the stack's name, and `[<env>.deploy.parameters]` for the rest. Fails naming every
    /// setting that is missing, a placeholder, not an address, or no parameter of the template.
    pub fn read(samconfig: &str, template: &str, env: &str) -> anyhow::Result<Self> {
        let config: toml::Table = samconfig.parse().context("samconfig.toml is not valid TOML")?;
        let section = |env: &str, command: &str| config.get(env)?.get(command)?.get("parameters")?.as_table().cloned();
        let Some(deploy) = section(env, "deploy") else {
            bail!("samconfig.toml has no [{env}.deploy.parameters]: no environment {env:?} to deploy");
        };
        let global = section(env, "global").or_else(|| section("default", "global")).unwrap_or_default();
        let text = |table: &toml::Table, key: &str| table.get(key).and_then(toml::Value::as_str).map(str::to_owned);

        let mut problems = Vec::new();
        let mut need = |value: Option<String>, what: &str| {
            value.filter(|value| !value.trim().is_empty()).unwrap_or_else(|| {
                problems.push(format!("{what} is not set"));
                String::new()
            })
        };
        let region = need(text(&global, "region"), &format!("region ([{env}.global.parameters])"));
        let stack = need(text(&global, "stack_name"), &format!("stack_name ([{env}.global.parameters])"));
        let s3_prefix = text(&deploy, "s3_prefix").unwrap_or_else(|| stack.clone());
        let capabilities = text(&deploy, "capabilities").unwrap_or_else(|| "CAPABILITY_IAM".to_owned());

        let mut parameters = BTreeMap::new();
        // SAM takes a list of "Name=value", or one string of them separated by spaces.
        let overrides: Vec<String> = match deploy.get("parameter_overrides") {
            Some(toml::Value::Array(entries)) => {
                entries.iter().map(|entry| entry.as_str().unwrap_or_default().to_owned()).collect()
            }
            Some(toml::Value::String(entries)) => entries.split_whitespace().map(str::to_owned).collect(),
            _ => Vec::new(),
        };
        for entry in &overrides {
            match entry.split_once('=') {
                Some((key, value)) => {
                    parameters.insert(key.trim().to_owned(), value.trim().to_owned());
                }
                None => problems.push(format!("parameter_overrides entry {entry:?} is not \"Name=value\"")),
            }
        }
        problems.extend(parameter_problems(&parameters, template));
        if !problems.is_empty() {
            bail!(
                "samconfig.toml's settings for {env} are not ready to deploy:\n  - {}\nEdit [{env}.deploy.parameters] \
                 parameter_overrides (infra/template.yaml describes each parameter; README \"Deploy to AWS\").",
                problems.join("\n  - ")
            );
        }
        parameters.retain(|_, value| !value.is_empty());
        Ok(Environment { name: env.to_owned(), region, stack, s3_prefix, capabilities, parameters })
    }

    fn parameter(&self, name: &str) -> Option<&str> {
        self.parameters.get(name).map(String::as_str)
    }

    /// `sam deploy`'s arguments: the template as it is (its Globals name the prebuilt zip, which
    /// SAM uploads), no prompt, no failure when nothing changed.
    pub fn sam_deploy_args(&self) -> Vec<String> {
        let mut args: Vec<String> = [
            "deploy",
            "--template-file",
            infra::TEMPLATE,
            "--stack-name",
            &self.stack,
            "--region",
            &self.region,
            "--capabilities",
            &self.capabilities,
            "--resolve-s3",
            "--s3-prefix",
            &self.s3_prefix,
            "--no-confirm-changeset",
            "--no-fail-on-empty-changeset",
            "--parameter-overrides",
        ]
        .map(str::to_owned)
        .into();
        args.extend(self.parameters.iter().map(|(key, value)| format!("{key}={value}")));
        args
    }
}

/// What is wrong with `parameters`, one line each, given the template's own parameters.
fn parameter_problems(parameters: &BTreeMap<String, String>, template: &str) -> Vec<String> {
    let declared = template_parameters(template);
    let mut problems = Vec::new();
    let required = declared.iter().filter(|(_, has_default)| !has_default).map(|(name, _)| name.as_str());
    let mut wanted: Vec<&str> = REQUIRED.iter().copied().chain(required).collect();
    wanted.sort_unstable();
    wanted.dedup();
    for name in wanted {
        if parameters.get(name).is_none_or(|value| value.is_empty()) {
            problems.push(format!("{name} is not set"));
        }
    }
    for (name, value) in parameters {
        if !declared.iter().any(|(declared, _)| declared == name) {
            problems.push(format!("{name} is no parameter of {}", infra::TEMPLATE));
            continue;
        }
        let lower = value.to_ascii_lowercase();
        if let Some(placeholder) = PLACEHOLDERS.iter().find(|placeholder| lower.contains(*placeholder)) {
            problems.push(format!("{name} is {value:?}, a placeholder ({placeholder}): set your own"));
        } else if EMAILS.contains(&name.as_str()) && !is_address(value) {
            problems.push(format!("{name} is {value:?}, not an email address"));
        }
    }
    let value = |name: &str| parameters.get(name).map(String::as_str).unwrap_or_default();
    let (sender, domain) = (value("SenderEmail"), value("SenderDomain"));
    if let Some((_, sender_domain)) = sender.split_once('@')
        && !domain.is_empty()
        && sender_domain != domain
        && !sender_domain.ends_with(&format!(".{domain}"))
    {
        problems.push(format!("SenderEmail {sender:?} is not on SenderDomain {domain:?}, which SES verifies"));
    }
    match (value("PublicDomain").is_empty(), value("PublicDomainCertificateArn").is_empty()) {
        (false, true) => problems.push("PublicDomain needs PublicDomainCertificateArn (ACM, us-east-1)".to_owned()),
        (true, false) => problems.push("PublicDomainCertificateArn is set without a PublicDomain".to_owned()),
        _ => {}
    }
    problems
}

fn is_address(value: &str) -> bool {
    value.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !value.contains(char::is_whitespace)
}

/// The template's parameters and whether each has a default: the two-space keys of its
/// `Parameters:` section.
pub fn template_parameters(template: &str) -> Vec<(String, bool)> {
    let mut parameters: Vec<(String, bool)> = Vec::new();
    let mut inside = false;
    for line in template.lines() {
        if !line.starts_with(' ') && !line.starts_with('#') && !line.trim().is_empty() {
            inside = line.trim_end() == "Parameters:";
            continue;
        }
        if !inside {
            continue;
        }
        if let Some(name) = line.strip_prefix("  ").and_then(|rest| rest.strip_suffix(':'))
            && !name.starts_with([' ', '#'])
        {
            parameters.push((name.to_owned(), false));
        } else if line.trim_start().starts_with("Default:")
            && let Some(last) = parameters.last_mut()
        {
            last.1 = true;
        }
    }
    parameters
}

/// The SSM parameter the stack writes its public URL to, as the template's `Globals` names it
/// for the functions (`PUBLIC_URL_PARAMETER`), for `stack`.
pub fn public_url_parameter(template: &str, stack: &str) -> anyhow::Result<String> {
    let line = template
        .lines()
        .find_map(|line| line.trim().strip_prefix("PUBLIC_URL_PARAMETER:"))
        .context("the template's Globals set no PUBLIC_URL_PARAMETER")?;
    let name = line.trim().trim_start_matches("!Sub").trim().trim_matches('"');
    Ok(name.replace("${AWS::StackName}", stack))
}

/// The AWS CLI, pointed at AWS with the caller's credentials, or at a local endpoint.
#[derive(Debug, Clone)]
pub struct Aws {
    cli: PathBuf,
    region: String,
    /// A local endpoint (moto) and its test credentials, for the rehearsal.
    endpoint: Option<String>,
}

impl Aws {
    /// Installs the CLI in `<tools>/awscli-venv` once.
    pub fn install(tools_dir: &Path, region: &str) -> anyhow::Result<Self> {
        let bin = tools::venv(tools_dir, "awscli-venv", AWS_CLI)?;
        Ok(Aws { cli: bin.join("aws"), region: region.to_owned(), endpoint: None })
    }

    /// The same CLI in another region (ACM certificates for CloudFront live in us-east-1).
    pub fn in_region(&self, region: &str) -> Self {
        Aws { region: region.to_owned(), ..self.clone() }
    }

    /// The same CLI against `endpoint` (moto), with test credentials and none of the caller's.
    pub fn at_endpoint(&self, endpoint: &str) -> Self {
        Aws { endpoint: Some(endpoint.to_owned()), ..self.clone() }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.cli);
        command.args(["--region", &self.region]).args(args);
        if let Some(endpoint) = &self.endpoint {
            command.args(["--endpoint-url", endpoint]);
            for variable in ["AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"] {
                command.env_remove(variable);
            }
            command.env("AWS_ACCESS_KEY_ID", "testing").env("AWS_SECRET_ACCESS_KEY", "testing");
        }
        command
    }

    /// Runs `aws <args> --output text`; its output, trimmed, with the CLI's `None` as empty.
    pub fn text(&self, args: &[&str]) -> anyhow::Result<String> {
        let mut command = self.command(args);
        command.args(["--output", "text"]);
        let out = tools::output(&mut command).with_context(|| format!("aws {}", args.join(" ")))?;
        let out = out.trim();
        Ok(if out == "None" { String::new() } else { out.to_owned() })
    }

    /// A stack's outputs, by key.
    pub fn stack_outputs(&self, stack: &str) -> anyhow::Result<BTreeMap<String, String>> {
        let query = "Stacks[0].Outputs[].[OutputKey,OutputValue]";
        let text = self.text(&["cloudformation", "describe-stacks", "--stack-name", stack, "--query", query])?;
        Ok(text
            .lines()
            .filter_map(|line| line.split_once('\t'))
            .map(|(key, value)| (key.to_owned(), value.to_owned()))
            .collect())
    }

    /// The value of an SSM parameter.
    pub fn parameter(&self, name: &str) -> anyhow::Result<String> {
        self.text(&["ssm", "get-parameter", "--name", name, "--query", "Parameter.Value"])
    }

    /// An object's `Content-Type` and `Cache-Control`, as S3 will serve them.
    pub fn object_headers(&self, bucket: &str, key: &str) -> anyhow::Result<(String, String)> {
        let query = "[ContentType,CacheControl]";
        let text = self.text(&["s3api", "head-object", "--bucket", bucket, "--key", key, "--query", query])?;
        let (content_type, cache_control) = text.split_once('\t').unwrap_or((&text, ""));
        Ok((content_type.to_owned(), cache_control.to_owned()))
    }

    /// Every key under `prefix` in `bucket`.
    pub fn keys(&self, bucket: &str, prefix: &str) -> anyhow::Result<Vec<String>> {
        let text = self.text(&[
            "s3api",
            "list-objects-v2",
            "--bucket",
            bucket,
            "--prefix",
            prefix,
            "--query",
            "Contents[].Key",
        ])?;
        Ok(text.split_whitespace().map(str::to_owned).collect())
    }

    /// Uploads the files `names` of `dir` under `prefix` in `bucket`, each with its
    /// `Content-Type` and `cache_control`: one request a kind of file, not one a file.
    fn put_all(
        &self,
        bucket: &str,
        dir: &Path,
        prefix: &str,
        names: &[String],
        cache_control: &str,
    ) -> anyhow::Result<()> {
        let mut by_type: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for name in names {
            by_type.entry(content_type(name)?).or_default().push(name);
        }
        let source = dir.to_str().context("the SPA's path is not UTF-8")?;
        let target = format!("s3://{bucket}/{prefix}");
        for (content_type, names) in by_type {
            // Patterns match paths below `dir`: a file's own name matches that file alone.
            let mut args = vec!["s3", "cp", source, &target, "--recursive", "--exclude", "*"];
            for name in names {
                args.extend(["--include", name]);
            }
            args.extend(["--content-type", content_type, "--cache-control", cache_control, "--only-show-errors"]);
            self.text(&args)?;
        }
        Ok(())
    }
}

/// The `Content-Type` of each kind of file the SPA build writes; any other is refused rather
/// than guessed, so a browser never gets a wasm module it will not compile.
pub fn content_type(key: &str) -> anyhow::Result<&'static str> {
    let extension = key.rsplit_once('.').map(|(_, extension)| extension).unwrap_or_default();
    Ok(match extension {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        _ => bail!("{key}: no Content-Type known for this kind of file; add it to xtask's deploy::content_type"),
    })
}

/// What [`upload_spa`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SpaUpload {
    /// Keys written, assets first.
    pub uploaded: Vec<String>,
    /// Hashed assets already in the bucket, left as they are.
    pub assets_kept: usize,
    /// Shells that were in the bucket and changed: what the edges may still hold.
    pub shells_changed: Vec<String>,
}

impl SpaUpload {
    /// The distribution's paths to invalidate. The viewer-request function rewrites each
    /// client route to its shell before the cache is looked up, so the shell's own path covers
    /// every route that serves it.
    pub fn invalidation_paths(&self) -> Vec<String> {
        self.shells_changed.iter().map(|shell| format!("/{shell}")).collect()
    }
}

/// Uploads the SPA built in `spa_dir` to `bucket`: first the hashed assets the bucket lacks
/// (cached for a year), then the HTML shells whose bytes changed (revalidated on every load),
/// so a shell never names an asset that is not there yet. Deletes nothing: a page opened before
/// this deploy still loads the assets its shell named. `shells.json` is the local server's
/// route table and stays out (CloudFront's `SpaRoutes` function has the same table).
pub fn upload_spa(aws: &Aws, spa_dir: &Path, bucket: &str) -> anyhow::Result<SpaUpload> {
    let shells = files(spa_dir, |name| name.ends_with(".html"))?;
    let assets = files(&spa_dir.join(ASSETS), |_| true)?;
    if shells.is_empty() || assets.is_empty() {
        bail!("{} holds no built SPA (shells and {ASSETS}/): run `cargo xtask spa`", spa_dir.display());
    }
    for name in shells.iter().chain(&assets) {
        content_type(name)?;
    }
    let mut upload = SpaUpload::default();
    let present = aws.keys(bucket, &format!("{ASSETS}/"))?;
    let (kept, missing): (Vec<String>, Vec<String>) =
        assets.into_iter().partition(|asset| present.contains(&format!("{ASSETS}/{asset}")));
    aws.put_all(bucket, &spa_dir.join(ASSETS), &format!("{ASSETS}/"), &missing, IMMUTABLE)?;
    upload.assets_kept = kept.len();
    upload.uploaded.extend(missing.iter().map(|asset| format!("{ASSETS}/{asset}")));

    // One directory per upload: uploads to other buckets may run beside this one.
    static UPLOADS: AtomicU64 = AtomicU64::new(0);
    let number = UPLOADS.fetch_add(1, Ordering::Relaxed);
    let previous = std::env::temp_dir().join(format!("gatehouse-deploy-{}-{number}", std::process::id()));
    let fetched = fetch_shells(aws, bucket, &previous);
    let compared = fetched.and_then(|()| {
        let mut changed = Vec::new();
        for shell in &shells {
            let local = std::fs::read(spa_dir.join(shell)).with_context(|| format!("reading {shell}"))?;
            match std::fs::read(previous.join(shell)) {
                Ok(deployed) if deployed == local => continue,
                Ok(_) => changed.push((shell.clone(), true)),
                Err(_) => changed.push((shell.clone(), false)),
            }
        }
        Ok(changed)
    });
    let _ = std::fs::remove_dir_all(&previous);
    let changed = compared?;
    let names: Vec<String> = changed.iter().map(|(shell, _)| shell.clone()).collect();
    aws.put_all(bucket, spa_dir, "", &names, REVALIDATE)?;
    upload.uploaded.extend(names);
    upload.shells_changed = changed.into_iter().filter(|(_, was_there)| *was_there).map(|(shell, _)| shell).collect();
    Ok(upload)
}

/// Downloads the shells now in the bucket into `into`, in one request per shell.
fn fetch_shells(aws: &Aws, bucket: &str, into: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(into).with_context(|| format!("creating {}", into.display()))?;
    let into = into.to_str().context("the temporary directory's path is not UTF-8")?;
    let source = format!("s3://{bucket}/");
    let args = ["s3", "cp", &source, into, "--recursive", "--exclude", "*", "--include", "*.html", "--exclude", "*/*"];
    aws.text(&[&args[..], &["--only-show-errors"]].concat()).map(drop)
}

/// The names of the files directly in `dir` that `wanted` accepts, sorted.
fn files(dir: &Path, wanted: impl Fn(&str) -> bool) -> anyhow::Result<Vec<String>> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_file() && wanted(&name) {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// Asks CloudFront to drop `paths` from its edges; the invalidation's id, or `None` when there
/// is nothing to invalidate (each path costs, past 1,000 a month).
pub fn invalidate(aws: &Aws, distribution: &str, paths: &[String]) -> anyhow::Result<Option<String>> {
    if paths.is_empty() {
        return Ok(None);
    }
    let mut args = vec!["cloudfront", "create-invalidation", "--distribution-id", distribution, "--paths"];
    args.extend(paths.iter().map(String::as_str));
    args.extend(["--query", "Invalidation.Id"]);
    aws.text(&args).map(Some)
}

/// The three CNAME records SES's Easy DKIM wants in `domain`'s DNS, from `GetEmailIdentity`.
pub fn dkim_records(aws: &Aws, domain: &str) -> anyhow::Result<Vec<DnsRecord>> {
    let tokens =
        aws.text(&["sesv2", "get-email-identity", "--email-identity", domain, "--query", "DkimAttributes.Tokens"])?;
    Ok(tokens
        .split_whitespace()
        .map(|token| DnsRecord {
            name: format!("{token}._domainkey.{domain}"),
            kind: "CNAME",
            value: format!("{token}.dkim.amazonses.com"),
        })
        .collect())
}

/// A DNS record to publish by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsRecord {
    pub name: String,
    pub kind: &'static str,
    pub value: String,
}

/// What the deploy prints at the end: where Gatehouse is, the DNS records, and the steps only a
/// person can take.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub url: String,
    pub records: Vec<DnsRecord>,
    pub by_hand: Vec<String>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Gatehouse is at {}", self.url)?;
        if !self.records.is_empty() {
            writeln!(f, "\nDNS records to publish:")?;
            for record in &self.records {
                writeln!(f, "  {}  {}  {}", record.name, record.kind, record.value)?;
            }
        }
        if !self.by_hand.is_empty() {
            writeln!(f, "\nLeft to do by hand:")?;
            for (number, step) in self.by_hand.iter().enumerate() {
                writeln!(f, "  {}. {step}", number + 1)?;
            }
        }
        Ok(())
    }
}

/// The steps after a deploy, given the settings and what AWS says now. A check AWS cannot
/// answer (`None`) keeps its step, worded as something to check.
pub struct Afterwards<'a> {
    pub environment: &'a Environment,
    /// The sender domain's DKIM status (`SUCCESS` once its records are seen).
    pub dkim_status: Option<String>,
    /// Whether the account may email anyone (out of the SES sandbox).
    pub production_access: Option<bool>,
    /// Whether the alarm topic still has no confirmed subscription.
    pub subscription_pending: Option<bool>,
}

impl Afterwards<'_> {
    pub fn steps(&self) -> Vec<String> {
        let environment = self.environment;
        let value = |name: &str| environment.parameter(name).unwrap_or_default();
        let mut steps = Vec::new();
        if self.dkim_status.as_deref() != Some("SUCCESS") {
            steps.push(format!(
                "Publish the DKIM records above in {}'s DNS; SES verifies the domain within hours (status now: {}).",
                value("SenderDomain"),
                self.dkim_status.as_deref().unwrap_or("unknown")
            ));
        }
        if self.production_access != Some(true) {
            steps.push(format!(
                "Leave the SES sandbox in {}: SES console, Account dashboard, Request production access. Until then \
                 SES sends only to verified addresses: verify {} (and anyone trying it) under Identities for a trial.",
                environment.region,
                value("FirstOpsUserEmail")
            ));
        }
        if self.subscription_pending != Some(false) {
            steps.push(format!("Confirm the alarm subscription: SNS emailed {} a link.", value("AlarmEmail")));
        }
        if environment.parameter("PublicDomain").is_some() {
            steps.push(
                "Keep the ACM certificate's validation CNAME in DNS: ACM renews the certificate through it.".to_owned(),
            );
        }
        steps.push(format!(
            "Sign in to the operations console at <url>/ops/signin as {}: the first request creates the account.",
            value("FirstOpsUserEmail")
        ));
        steps.push("Check the stack from outside: cargo xtask smoke <url>.".to_owned());
        steps
    }
}

/// The DNS record that sends the custom domain to the distribution, when there is one.
pub fn public_domain_record(environment: &Environment, distribution_url: &str) -> Option<DnsRecord> {
    let domain = environment.parameter("PublicDomain")?;
    let target = distribution_url.trim_start_matches("https://").trim_end_matches('/');
    Some(DnsRecord { name: domain.to_owned(), kind: "CNAME", value: format!("{target} (or an alias A/AAAA record)") })
}

/// `cargo xtask deploy <env>`. Refuses before building anything when a setting is missing.
pub fn deploy(workspace_root: &Path, tools_dir: &Path, spa_dir: &Path, env: &str) -> anyhow::Result<()> {
    let read =
        |name: &str| std::fs::read_to_string(workspace_root.join(name)).with_context(|| format!("reading {name}"));
    let template = read(infra::TEMPLATE)?;
    let environment = Environment::read(&read("samconfig.toml")?, &template, env)?;

    step(&format!("AWS: the account of the credentials in use ({})", environment.region));
    let aws = Aws::install(tools_dir, &environment.region)?;
    let account = aws
        .text(&["sts", "get-caller-identity", "--query", "Account"])
        .context("no usable AWS credentials: run `aws configure` (or set AWS_PROFILE) for the account to deploy to")?;
    println!("deploying stack {} to account {account}", environment.stack);

    if let Some(certificate) = environment.parameter("PublicDomainCertificateArn") {
        check_certificate(&aws.in_region("us-east-1"), certificate)?;
    }

    step("template: cfn-lint, sam validate --lint, resources after SAM's transform");
    infra::lint(workspace_root, tools_dir)?;
    let resources = infra::expanded_resource_count(workspace_root, tools_dir)?;
    println!("{resources} resources of CloudFormation's {}", infra::RESOURCE_LIMIT);
    if resources > infra::RESOURCE_LIMIT {
        bail!("the stack would have {resources} resources, over CloudFormation's {}", infra::RESOURCE_LIMIT);
    }

    step("build: the SPA and the one Lambda binary");
    let report = crate::spa::build(workspace_root, spa_dir)?;
    report.check_budgets()?;
    let (zip, bytes) = infra::package(workspace_root, tools_dir)?;
    println!("{}: {bytes} bytes", zip.display());

    step("sam deploy");
    let args = environment.sam_deploy_args();
    let mut sam = Command::new(infra::sam_bin(tools_dir)?.join("sam"));
    sam.args(&args).current_dir(workspace_root).env("SAM_CLI_TELEMETRY", "0");
    tools::run(&mut sam, "sam deploy")?;

    let report = publish(&aws, &environment, &template, spa_dir)?;
    println!("\n{report}");
    Ok(())
}

/// What follows `sam deploy`: uploads the SPA to the stack's bucket, invalidates the shells that
/// changed, and works out the report from the stack's outputs, its public URL parameter, SES
/// and SNS.
pub fn publish(aws: &Aws, environment: &Environment, template: &str, spa_dir: &Path) -> anyhow::Result<Report> {
    step("SPA: upload to the stack's bucket, invalidate changed shells");
    let outputs = aws.stack_outputs(&environment.stack)?;
    let output = |key: &str| outputs.get(key).with_context(|| format!("the stack has no {key} output"));
    let upload = upload_spa(aws, spa_dir, output("SpaBucketName")?)?;
    println!("{} files uploaded, {} assets already there", upload.uploaded.len(), upload.assets_kept);
    if let Some(id) = invalidate(aws, output("DistributionId")?, &upload.invalidation_paths())? {
        println!("invalidation {id}: {}", upload.invalidation_paths().join(" "));
    }

    step("what is left");
    let url = aws.parameter(&public_url_parameter(template, &environment.stack)?)?;
    let sender_domain = environment.parameter("SenderDomain").unwrap_or_default();
    let mut records = dkim_records(aws, sender_domain)?;
    records.extend(public_domain_record(environment, output("DistributionUrl")?));
    let dkim_status = aws
        .text(&["sesv2", "get-email-identity", "--email-identity", sender_domain, "--query", "DkimAttributes.Status"])
        .ok();
    let production_access =
        aws.text(&["sesv2", "get-account", "--query", "ProductionAccessEnabled"]).ok().map(|text| text == "True");
    // Until someone confirms, SNS lists the email subscription as `PendingConfirmation`, not an ARN.
    let subscription_pending = outputs.get("AlarmTopicArn").and_then(|topic| {
        let query = "Subscriptions[].SubscriptionArn";
        let arns = aws.text(&["sns", "list-subscriptions-by-topic", "--topic-arn", topic, "--query", query]).ok()?;
        Some(!arns.split_whitespace().any(|arn| arn.starts_with("arn:")))
    });
    let afterwards = Afterwards { environment, dkim_status, production_access, subscription_pending };
    let by_hand = afterwards.steps().into_iter().map(|step| step.replace("<url>", &url)).collect();
    Ok(Report { url, records, by_hand })
}

/// CloudFront takes only an issued certificate: refuses to deploy before, naming the DNS
/// record ACM waits for.
fn check_certificate(aws: &Aws, arn: &str) -> anyhow::Result<()> {
    let status =
        aws.text(&["acm", "describe-certificate", "--certificate-arn", arn, "--query", "Certificate.Status"])?;
    if status == "ISSUED" {
        return Ok(());
    }
    let query = "Certificate.DomainValidationOptions[].ResourceRecord.[Name,Type,Value]";
    let records = aws.text(&["acm", "describe-certificate", "--certificate-arn", arn, "--query", query])?;
    bail!(
        "the certificate {arn} is {status}, not ISSUED: publish ACM's validation record and deploy again once it is \
         issued:\n  {}",
        records.replace('\t', "  ")
    )
}

fn step(name: &str) {
    println!("\n==> {name}");
}

#[cfg(test)]
mod tests;
