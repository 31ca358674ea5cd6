use super::*;

fn workspace_file(name: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    std::fs::read_to_string(root.join(name)).unwrap()
}

fn template() -> String {
    workspace_file(infra::TEMPLATE)
}

/// A samconfig.toml with `overrides` as trial's `parameter_overrides`.
fn config(overrides: &[&str]) -> String {
    let quoted: Vec<String> = overrides.iter().map(|entry| format!("{entry:?}")).collect();
    format!(
        "version = 0.1\n[trial.global.parameters]\nregion = \"eu-west-2\"\nstack_name = \"gatehouse-trial\"\n\
         [trial.deploy.parameters]\ncapabilities = \"CAPABILITY_IAM\"\ns3_prefix = \"gatehouse-trial\"\n\
         parameter_overrides = [{}]\n",
        quoted.join(", ")
    )
}

const FILLED: &[&str] = &[
    "Stage=dev",
    "SenderDomain=mail.gatehouse.test",
    "SenderEmail=sign-in@mail.gatehouse.test",
    "FirstOpsUserEmail=ops@gatehouse.test",
    "SupportEmail=support@gatehouse.test",
    "AlarmEmail=alarms@gatehouse.test",
    "PublicDomain=",
];

fn refusal(samconfig: &str, env: &str) -> String {
    format!("{:#}", Environment::read(samconfig, &template(), env).expect_err("refused"))
}

#[test]
fn the_committed_environments_are_refused_naming_each_placeholder() {
    let samconfig = workspace_file("samconfig.toml");
    let dev = refusal(&samconfig, "dev");
    for name in ["SenderDomain", "SenderEmail", "FirstOpsUserEmail", "SupportEmail", "AlarmEmail"] {
        assert!(dev.contains(&format!("{name} is ")), "dev: {name} not named in\n{dev}");
    }
    assert!(!dev.contains("Stage"), "Stage=dev is a real value:\n{dev}");
    let prod = refusal(&samconfig, "prod");
    for name in ["SenderDomain", "FirstOpsUserEmail", "PublicDomain is", "PublicDomainCertificateArn is"] {
        assert!(prod.contains(name), "prod: {name} not named in\n{prod}");
    }
}

#[test]
fn filled_in_settings_make_a_non_interactive_deploy_of_the_prebuilt_template() {
    let environment = Environment::read(&config(FILLED), &template(), "trial").expect("ready");
    assert_eq!((environment.region.as_str(), environment.stack.as_str()), ("eu-west-2", "gatehouse-trial"));
    let args = environment.sam_deploy_args();
    assert_eq!(args[0], "deploy");
    for flag in ["--no-confirm-changeset", "--no-fail-on-empty-changeset", "--resolve-s3"] {
        assert!(args.iter().any(|arg| arg == flag), "{flag} missing from {args:?}");
    }
    let after = |flag: &str| args.iter().position(|arg| arg == flag).map(|at| args[at + 1].as_str());
    assert_eq!(after("--template-file"), Some(infra::TEMPLATE), "the template itself, never a sam build's");
    assert_eq!(after("--stack-name"), Some("gatehouse-trial"));
    assert_eq!(after("--capabilities"), Some("CAPABILITY_IAM"));
    assert!(args.contains(&"FirstOpsUserEmail=ops@gatehouse.test".to_owned()), "{args:?}");
    assert!(!args.iter().any(|arg| arg.starts_with("PublicDomain")), "empty values keep their default: {args:?}");

    // SAM's other spelling, one string, reads the same.
    let one_string = format!("parameter_overrides = {:?}\n", FILLED.join(" "));
    let list_line = config(FILLED).lines().find(|line| line.starts_with("parameter_overrides")).unwrap().to_owned();
    let samconfig = config(FILLED).replace(&list_line, one_string.trim_end());
    assert_eq!(Environment::read(&samconfig, &template(), "trial").expect("ready"), environment);
}

#[test]
fn missing_settings_are_named_before_anything_runs() {
    let without: Vec<&str> = FILLED.iter().copied().filter(|entry| !entry.starts_with("FirstOps")).collect();
    let samconfig = config(&without).replace("stack_name = \"gatehouse-trial\"\n", "");
    let refused = refusal(&samconfig, "trial");
    assert!(refused.contains("FirstOpsUserEmail is not set"), "{refused}");
    assert!(refused.contains("stack_name ([trial.global.parameters]) is not set"), "{refused}");
    assert!(refusal(&samconfig, "staging").contains("no [staging.deploy.parameters]"));
}

#[test]
fn misspelt_inconsistent_or_malformed_settings_are_named() {
    let mut overrides = FILLED.to_vec();
    overrides.extend(["SenderDomian=mail.gatehouse.test", "PublicDomain=gatehouse.test", "just-a-word"]);
    overrides.retain(|entry| *entry != "PublicDomain=" && !entry.starts_with("SupportEmail"));
    overrides.push("SupportEmail=support");
    overrides.retain(|entry| !entry.starts_with("SenderEmail"));
    overrides.push("SenderEmail=sign-in@elsewhere.test");
    let refused = refusal(&config(&overrides), "trial");
    for expected in [
        "SenderDomian is no parameter of infra/template.yaml",
        "PublicDomain needs PublicDomainCertificateArn",
        "\"just-a-word\" is not \"Name=value\"",
        "SupportEmail is \"support\", not an email address",
        "SenderEmail \"sign-in@elsewhere.test\" is not on SenderDomain",
    ] {
        assert!(refused.contains(expected), "{expected:?} missing from\n{refused}");
    }
}

#[test]
fn the_template_s_parameters_and_public_url_parameter_are_read_from_it() {
    let parameters = template_parameters(&template());
    let has_default = |name: &str| parameters.iter().find(|(found, _)| found == name).map(|(_, default)| *default);
    assert_eq!(has_default("Stage"), Some(false));
    assert_eq!(has_default("SenderDomain"), Some(false));
    assert_eq!(has_default("PublicDomain"), Some(true));
    assert_eq!(has_default("FirstOpsUserEmail"), Some(true));
    assert_eq!(has_default("PublicUrl"), None, "one deploy: no URL to copy into a second");
    assert_eq!(public_url_parameter(&template(), "gatehouse-dev").unwrap(), "/gatehouse-dev/public-url");
}

#[test]
fn every_kind_of_file_gets_its_content_type_and_an_unknown_kind_is_refused() {
    assert_eq!(content_type("assets/partner-0123.wasm").unwrap(), "application/wasm");
    assert_eq!(content_type("assets/partner-0123.js").unwrap(), "text/javascript; charset=utf-8");
    assert_eq!(content_type("assets/style-0123.css").unwrap(), "text/css; charset=utf-8");
    assert_eq!(content_type("index.html").unwrap(), "text/html; charset=utf-8");
    assert!(content_type("assets/mystery.bin").is_err());
}

#[test]
fn the_steps_left_follow_what_aws_says() {
    let environment = Environment::read(&config(FILLED), &template(), "trial").unwrap();
    let unknown = Afterwards {
        environment: &environment,
        dkim_status: None,
        production_access: None,
        subscription_pending: None,
    };
    let steps = unknown.steps().join("\n");
    assert!(steps.contains("DKIM records"), "{steps}");
    assert!(steps.contains("Request production access") && steps.contains("verify ops@gatehouse.test"), "{steps}");
    assert!(steps.contains("SNS emailed alarms@gatehouse.test"), "{steps}");
    assert!(steps.contains("/ops/signin as ops@gatehouse.test"), "{steps}");

    let done = Afterwards {
        environment: &environment,
        dkim_status: Some("SUCCESS".to_owned()),
        production_access: Some(true),
        subscription_pending: Some(false),
    };
    let steps = done.steps().join("\n");
    for gone in ["DKIM", "sandbox", "SNS emailed"] {
        assert!(!steps.contains(gone), "{gone} is done:\n{steps}");
    }
    let report = Report {
        url: "https://d111.cloudfront.net".to_owned(),
        records: vec![DnsRecord {
            name: "a._domainkey.mail.gatehouse.test".to_owned(),
            kind: "CNAME",
            value: "a.dkim.amazonses.com".to_owned(),
        }],
        by_hand: done.steps(),
    };
    let text = report.to_string();
    assert!(text.starts_with("Gatehouse is at https://d111.cloudfront.net\n"), "{text}");
    assert!(text.contains("  a._domainkey.mail.gatehouse.test  CNAME  a.dkim.amazonses.com\n"), "{text}");
    assert!(text.contains("  1. Sign in"), "{text}");
}

#[test]
fn a_custom_domain_gets_its_cname_to_the_distribution() {
    let mut overrides = FILLED.to_vec();
    overrides.retain(|entry| *entry != "PublicDomain=");
    overrides.extend([
        "PublicDomain=gatehouse.school.test",
        "PublicDomainCertificateArn=arn:aws:acm:us-east-1:210987654321:certificate/5d1e2c3b-aaaa-bbbb-cccc-0123456789ab",
    ]);
    let environment = Environment::read(&config(&overrides), &template(), "trial").unwrap();
    let record = public_domain_record(&environment, "https://d111.cloudfront.net").unwrap();
    assert_eq!((record.name.as_str(), record.kind), ("gatehouse.school.test", "CNAME"));
    assert!(record.value.starts_with("d111.cloudfront.net"));
    let without = Environment::read(&config(FILLED), &template(), "trial").unwrap();
    assert_eq!(public_domain_record(&without, "https://d111.cloudfront.net"), None);
}
