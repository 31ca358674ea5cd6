//! The deploy rehearsal (#15): `cargo xtask deploy`'s own steps (`xtask::deploy`) against moto,
//! as far as moto goes: the SPA's upload to the stack's bucket, each object's `Content-Type` and
//! `Cache-Control`, old hashed assets kept for pages still open, a CloudFront invalidation of
//! exactly the shells that changed, the public URL read from the SSM parameter the functions
//! read, the SES query for the DKIM records, and the expanded template under CloudFormation's
//! 500 resources. `cargo xtask test` runs it; README "Deploy to AWS" lists what only a real
//! account can check.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gatehouse_tests::moto;
use xtask::deploy::{self, Aws};

const REGION: &str = "eu-west-2";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_owned()
}

/// The AWS CLI the deploy uses (installed by `cargo xtask test`), pointed at this process's moto.
fn aws() -> Aws {
    let tools = xtask::tools::target_dir(&workspace_root()).join("tools");
    Aws::install(&tools, REGION).expect("the AWS CLI installs").at_endpoint(moto::endpoint())
}

/// A copy of the built SPA (`GATEHOUSE_SPA_DIR`, which `cargo xtask test` builds) the test may change.
fn built_spa() -> tempfile::TempDir {
    let built = std::env::var_os("GATEHOUSE_SPA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("GATEHOUSE_SPA_DIR is not set: build the SPA with `cargo xtask test`"));
    let copy = tempfile::tempdir().unwrap();
    copy_dir(&built, copy.path());
    copy
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("reading {}: {e}", from.display())) {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// What a browser must be told for each kind of file, written out here rather than taken from
/// the deploy's own table, so a wrong entry there fails here.
fn expected_headers(key: &str) -> (&'static str, &'static str) {
    let cache = if key.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
    let kind = match key.rsplit_once('.').map(|(_, extension)| extension) {
        Some("wasm") => "application/wasm",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        other => panic!("{key}: the SPA build wrote a kind of file ({other:?}) this test does not know"),
    };
    (kind, cache)
}

fn new_bucket(aws: &Aws) -> String {
    let bucket = moto::unique_name("spa");
    let location = format!("LocationConstraint={REGION}");
    aws.text(&["s3api", "create-bucket", "--bucket", &bucket, "--create-bucket-configuration", &location])
        .expect("moto creates the bucket");
    bucket
}

#[test]
fn the_spa_upload_sets_headers_keeps_old_assets_and_invalidates_only_changed_shells() {
    let aws = aws();
    let bucket = new_bucket(&aws);
    let site = built_spa();

    let first = deploy::upload_spa(&aws, site.path(), &bucket).expect("the first upload");
    let in_bucket = aws.keys(&bucket, "").unwrap();
    let assets = in_bucket.iter().filter(|key| key.starts_with("assets/")).count();
    assert_eq!(first.uploaded.len(), in_bucket.len(), "every file once: {first:?}");
    assert!(in_bucket.iter().any(|key| key == "index.html") && assets >= 3 * 8, "{in_bucket:?}");
    assert!(!in_bucket.iter().any(|key| key == "shells.json"), "the local server's table stays home");
    assert_eq!((first.assets_kept, first.invalidation_paths()), (0, Vec::<String>::new()), "nothing was cached");
    // Assets before shells: a shell never names an asset not yet there.
    let first_shell = first.uploaded.iter().position(|key| !key.starts_with("assets/")).unwrap();
    assert!(first.uploaded[first_shell..].iter().all(|key| key.ends_with(".html")), "{:?}", first.uploaded);
    let mut wrong = BTreeMap::new();
    for key in &in_bucket {
        let (content_type, cache_control) = aws.object_headers(&bucket, key).unwrap();
        let (kind, cache) = expected_headers(key);
        if (content_type.as_str(), cache_control.as_str()) != (kind, cache) {
            wrong.insert(key.clone(), (content_type, cache_control));
        }
    }
    assert!(wrong.is_empty(), "objects served with the wrong headers: {wrong:#?}");

    // The next build changes the partner bundle's glue: a new hashed file, and its shell.
    let index = std::fs::read_to_string(site.path().join("index.html")).unwrap();
    let old_glue = in_bucket
        .iter()
        .find(|key| key.starts_with("assets/partner-") && !key.contains("boot") && key.ends_with(".js"))
        .expect("the partner bundle's glue")
        .clone();
    let new_glue = "assets/partner-00000000feedface.js";
    std::fs::write(site.path().join(new_glue), b"export default function init() {}\n").unwrap();
    std::fs::remove_file(site.path().join(&old_glue)).unwrap();
    std::fs::write(site.path().join("index.html"), index.replace(&old_glue, new_glue)).unwrap();

    let second = deploy::upload_spa(&aws, site.path(), &bucket).expect("the second upload");
    assert_eq!(second.uploaded, [new_glue, "index.html"], "only what changed is written");
    assert_eq!(second.invalidation_paths(), ["/index.html"]);
    assert_eq!(second.assets_kept, assets - 1);
    let (_, cache) = aws.object_headers(&bucket, &old_glue).expect("a page opened before still loads its glue");
    assert_eq!(cache, "public, max-age=31536000, immutable");

    let distribution = aws
        .text(&[
            "cloudfront",
            "create-distribution",
            "--origin-domain-name",
            &format!("{bucket}.s3.{REGION}.amazonaws.com"),
            "--query",
            "Distribution.Id",
        ])
        .expect("moto creates a distribution");
    let invalidation = deploy::invalidate(&aws, &distribution, &second.invalidation_paths())
        .expect("the invalidation")
        .expect("one, for the changed shell");
    let paths = aws
        .text(&[
            "cloudfront",
            "get-invalidation",
            "--distribution-id",
            &distribution,
            "--id",
            &invalidation,
            "--query",
            "Invalidation.InvalidationBatch.Paths.Items",
        ])
        .unwrap();
    assert_eq!(paths, "/index.html");

    let unchanged = deploy::upload_spa(&aws, site.path(), &bucket).expect("a third upload, nothing new");
    assert!(unchanged.uploaded.is_empty() && unchanged.invalidation_paths().is_empty(), "{unchanged:?}");
    assert_eq!(deploy::invalidate(&aws, &distribution, &[]).unwrap(), None, "no invalidation for nothing");
}

/// What `sam deploy` leaves for the deploy's last steps, on moto, which cannot run SAM's
/// transform: the bucket, the public URL parameter named as `infra/template.yaml` names it, the
/// alarm topic with its email subscription, and the outputs the deploy reads. The distribution
/// is moto's own, made with the CLI and passed in.
const STAND_IN_STACK: &str = r#"
Parameters:
  DistributionId: {Type: String}
  DistributionDomain: {Type: String}
  AlarmEmail: {Type: String}
Resources:
  SpaBucket:
    Type: AWS::S3::Bucket
  PublicUrlParameter:
    Type: AWS::SSM::Parameter
    Properties:
      Name: !Sub "/${AWS::StackName}/public-url"
      Type: String
      Value: !Sub "https://${DistributionDomain}"
  Alarms:
    Type: AWS::SNS::Topic
  AlarmSubscription:
    Type: AWS::SNS::Subscription
    Properties: {TopicArn: !Ref Alarms, Protocol: email, Endpoint: !Ref AlarmEmail}
Outputs:
  SpaBucketName: {Value: !Ref SpaBucket}
  DistributionId: {Value: !Ref DistributionId}
  DistributionUrl: {Value: !Sub "https://${DistributionDomain}"}
  AlarmTopicArn: {Value: !Ref Alarms}
"#;

/// A samconfig.toml environment `rehearsal` for `stack`, sending from `domain`.
fn rehearsal_settings(stack: &str, domain: &str) -> String {
    format!(
        r#"version = 0.1
[rehearsal.global.parameters]
region = "{REGION}"
stack_name = "{stack}"
[rehearsal.deploy.parameters]
parameter_overrides = [
    "Stage=dev",
    "SenderDomain={domain}",
    "SenderEmail=sign-in@{domain}",
    "FirstOpsUserEmail=ops@gatehouse.test",
    "SupportEmail=support@gatehouse.test",
    "AlarmEmail=alarms@gatehouse.test",
]
"#
    )
}

#[test]
fn after_sam_deploy_the_spa_goes_to_the_stack_s_bucket_and_the_report_says_what_is_left() {
    let aws = aws();
    let template = std::fs::read_to_string(workspace_root().join("infra/template.yaml")).unwrap();
    let stack = moto::unique_name("stand-in");
    let domain = format!("{}.test", moto::unique_name("mail"));
    let environment = deploy::Environment::read(&rehearsal_settings(&stack, &domain), &template, "rehearsal")
        .expect("filled-in settings");
    aws.text(&["sesv2", "create-email-identity", "--email-identity", &domain]).unwrap();
    let distribution = aws
        .text(&[
            "cloudfront",
            "create-distribution",
            "--origin-domain-name",
            "stand-in.s3.amazonaws.com",
            "--query",
            "Distribution.[Id,DomainName]",
        ])
        .unwrap();
    let (distribution_id, distribution_domain) = distribution.split_once('\t').expect("an id and a domain");
    let body = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(body.path(), STAND_IN_STACK).unwrap();
    let parameters = [
        format!("ParameterKey=DistributionId,ParameterValue={distribution_id}"),
        format!("ParameterKey=DistributionDomain,ParameterValue={distribution_domain}"),
        "ParameterKey=AlarmEmail,ParameterValue=alarms@gatehouse.test".to_owned(),
    ];
    let template_body = format!("file://{}", body.path().display());
    let mut create = vec!["cloudformation", "create-stack", "--stack-name", &stack, "--template-body", &template_body];
    create.push("--parameters");
    create.extend(parameters.iter().map(String::as_str));
    aws.text(&create).expect("moto creates the stand-in stack");

    let site = built_spa();
    let report = deploy::publish(&aws, &environment, &template, site.path()).expect("the deploy's last steps");
    println!("{report}");
    assert_eq!(report.url, format!("https://{distribution_domain}"), "the URL the functions read");
    let bucket = aws.stack_outputs(&stack).unwrap()["SpaBucketName"].clone();
    let (content_type, cache_control) = aws.object_headers(&bucket, "index.html").expect("the shell is up");
    assert_eq!((content_type.as_str(), cache_control.as_str()), ("text/html; charset=utf-8", "no-cache"));
    let steps = report.by_hand.join("\n");
    assert!(steps.contains(&format!("{domain}'s DNS")), "DKIM is not verified yet:\n{steps}");
    assert!(steps.contains("Request production access"), "moto cannot say the account left the sandbox:\n{steps}");
    assert!(steps.contains("SNS emailed alarms@gatehouse.test"), "nobody confirmed the alarms:\n{steps}");
    assert!(
        steps.contains(&format!("https://{distribution_domain}/ops/signin as ops@gatehouse.test")),
        "the first ops user's way in, at the real URL:\n{steps}"
    );
}

#[test]
fn a_file_of_a_kind_without_a_content_type_stops_the_upload_before_it_starts() {
    let aws = aws();
    let bucket = new_bucket(&aws);
    let site = built_spa();
    std::fs::write(site.path().join("assets/mystery-0123456789abcdef.bin"), b"?").unwrap();
    let refused = deploy::upload_spa(&aws, site.path(), &bucket).expect_err("an unknown kind of file");
    assert!(refused.to_string().contains("mystery-0123456789abcdef.bin"), "{refused:#}");
    assert!(aws.keys(&bucket, "").unwrap().is_empty(), "nothing half-uploaded");
}

#[tokio::test]
async fn the_public_url_the_deploy_prints_is_the_one_the_functions_read() {
    let template = std::fs::read_to_string(workspace_root().join("infra/template.yaml")).unwrap();
    let stack = moto::unique_name("stack");
    let name = deploy::public_url_parameter(&template, &stack).unwrap();
    assert_eq!(name, format!("/{stack}/public-url"));
    let config = moto::sdk_config().await;
    // As the stack's PublicUrlParameter writes it without a PublicDomain.
    aws_sdk_ssm::Client::new(&config)
        .put_parameter()
        .name(&name)
        .r#type(aws_sdk_ssm::types::ParameterType::String)
        .value("https://d2222222abcdef8.cloudfront.net")
        .send()
        .await
        .unwrap();
    let printed = aws().parameter(&name).unwrap();
    let read = gatehouse_aws::PublicUrl::Parameter(name).resolve(&config).await.unwrap();
    assert_eq!((printed.as_str(), read.as_str()), ("https://d2222222abcdef8.cloudfront.net", printed.as_str()));
}

#[test]
fn the_dkim_query_reaches_ses_for_the_sender_domain() {
    let aws = aws();
    let domain = format!("{}.test", moto::unique_name("mail"));
    aws.text(&["sesv2", "create-email-identity", "--email-identity", &domain]).unwrap();
    // moto makes no DKIM tokens (a real account makes three); the query itself must be one SES
    // answers, and an identity it does not know must fail rather than print no records.
    assert_eq!(deploy::dkim_records(&aws, &domain).unwrap(), []);
    assert!(deploy::dkim_records(&aws, "unknown.test").is_err());
}

#[test]
fn the_expanded_template_stays_under_cloudformation_s_resource_limit() {
    let root = workspace_root();
    let tools = xtask::tools::target_dir(&root).join("tools");
    let resources = xtask::infra::expanded_resource_count(&root, &tools).expect("SAM's transform runs");
    let functions = gatehouse_model::ROUTES.len() + gatehouse_model::JOBS.len();
    // Each function is at least a function and its role.
    assert!(resources >= 2 * functions, "{resources} resources for {functions} functions: the count is wrong");
    assert!(resources <= xtask::infra::RESOURCE_LIMIT, "{resources} resources, over CloudFormation's 500");
    println!("{resources} of CloudFormation's 500 resources");
}
