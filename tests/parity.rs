//! `model::ROUTES`, `model::JOBS` and `model::EVENT_CONSUMERS` and
//! `infra/template.yaml` name the same functions, each running the one
//! binary as its own `GATEHOUSE_FUNCTION`: an entry on one side only fails
//! here, named.
//! A route's function is called by its `HttpApi` event, a job's by its
//! schedule. Also pins what cfn-lint lets through: the runtime, the
//! architecture, a policy per function, and the table's shape as the DynamoDB
//! adapter expects it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use gatehouse_model::{EVENT_CONSUMERS, EventConsumer, EventOrigin, FUNCTION_VARIABLE, JOBS, Job, ROUTES, Route};
use serde_norway::Value;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_owned()
}

/// The SAM template, parsed with its short-form tags (`!Ref`, `!Sub`…) kept.
struct Template(Value);

impl Template {
    fn load() -> Self {
        let path = workspace_root().join("infra/template.yaml");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        Template(serde_norway::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display())))
    }

    fn resource(&self, name: &str) -> Option<&Value> {
        self.0.get("Resources")?.get(name)
    }

    /// Every `AWS::Serverless::Function`, by logical id.
    fn functions(&self) -> Vec<(String, &Value)> {
        let resources = self.0.get("Resources").and_then(Value::as_mapping).expect("the template has Resources");
        resources
            .iter()
            .filter(|(_, resource)| text_at(resource, &["Type"]) == Some("AWS::Serverless::Function"))
            .map(|(name, resource)| (name.as_str().expect("logical ids are strings").to_owned(), resource))
            .collect()
    }

    /// A function's property, or the `Globals.Function` one it inherits.
    fn effective<'a>(&'a self, function: &'a Value, property: &str) -> Option<&'a Value> {
        at(function, &["Properties", property]).or_else(|| at(&self.0, &["Globals", "Function", property]))
    }
}

fn at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |value, key| value.get(key))
}

fn text_at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    at(value, path).and_then(Value::as_str)
}

/// `!Ref name` or `{Ref: name}`.
fn is_ref(value: Option<&Value>, name: &str) -> bool {
    match value {
        Some(Value::Tagged(tagged)) => tagged.tag == "Ref" && tagged.value.as_str() == Some(name),
        Some(value) => text_at(value, &["Ref"]) == Some(name),
        None => false,
    }
}

/// `!GetAtt resource.attribute`, `!GetAtt [resource, attribute]` or `{Fn::GetAtt: …}`.
fn is_get_att(value: Option<&Value>, resource: &str, attribute: &str) -> bool {
    let target = match value {
        Some(Value::Tagged(tagged)) if tagged.tag == "GetAtt" => Some(&tagged.value),
        Some(value) => value.get("Fn::GetAtt"),
        None => None,
    };
    match target {
        Some(Value::String(dotted)) => *dotted == format!("{resource}.{attribute}"),
        Some(Value::Sequence(parts)) => {
            parts.iter().map(Value::as_str).collect::<Vec<_>>() == [Some(resource), Some(attribute)]
        }
        _ => false,
    }
}

fn function_name(route: &Route) -> String {
    format!("{}Function", route.pascal_name())
}

/// `apply_revocations` → `ApplyRevocationsFunction`.
fn job_function_name(job: &Job) -> String {
    format!("{}Function", job.pascal_name())
}

/// SAM's two ways to run a function on an EventBridge schedule: a rule
/// (`Schedule`) or EventBridge Scheduler (`ScheduleV2`).
const SCHEDULE_EVENT_TYPES: [&str; 2] = ["Schedule", "ScheduleV2"];

/// Whether a schedule event is switched off (`State: DISABLED` or `Enabled: false`).
fn is_disabled(event: &Value) -> bool {
    text_at(event, &["Properties", "State"]).is_some_and(|state| state.eq_ignore_ascii_case("DISABLED"))
        || at(event, &["Properties", "Enabled"]).and_then(Value::as_bool) == Some(false)
}

/// A function's schedule events: name, expression and the event itself.
fn schedule_events(function: &Value) -> Vec<(String, String, &Value)> {
    let Some(events) = at(function, &["Properties", "Events"]).and_then(Value::as_mapping) else {
        return Vec::new();
    };
    events
        .iter()
        .filter(|(_, event)| text_at(event, &["Type"]).is_some_and(|kind| SCHEDULE_EVENT_TYPES.contains(&kind)))
        .map(|(name, event)| {
            let expression = text_at(event, &["Properties", "ScheduleExpression"]).unwrap_or_default().to_owned();
            (name.as_str().unwrap_or_default().to_owned(), expression, event)
        })
        .collect()
}

/// Checks shared by route and job functions: the resource type, the
/// cargo-lambda build of `binary` and the workspace root as code.
fn check_build(template: &Template, name: &str, function: &Value, binary: &str, problems: &mut Vec<String>) {
    if text_at(function, &["Type"]) != Some("AWS::Serverless::Function") {
        problems.push(format!("{name} is not an AWS::Serverless::Function"));
    }
    // Built once, outside SAM: no function has a build of its own.
    if at(function, &["Metadata"]).is_some() {
        problems.push(format!("{name}: has Metadata (a SAM build of its own); every function shares one binary"));
    }
    // The zip `cargo xtask package` writes where Globals says (it reads the path there).
    if at(function, &["Properties", "CodeUri"]).is_some() {
        problems.push(format!("{name}: has a CodeUri of its own; every function runs the Globals one"));
    }
    let code = template.effective(function, "CodeUri").and_then(Value::as_str);
    if !code.is_some_and(|code| code.ends_with("/bootstrap.zip")) {
        problems.push(format!("{name}: CodeUri is {code:?}, not the one binary's bootstrap.zip"));
    }
    let found = text_at(function, &["Properties", "Environment", "Variables", FUNCTION_VARIABLE]);
    if found != Some(binary) {
        problems.push(format!("{name}: {FUNCTION_VARIABLE} is {found:?}, {binary} needs {binary:?}"));
    }
}

/// A job function's events that are not its schedule.
fn job_event_problems(name: &str, function: &Value, job: &Job) -> Vec<String> {
    let mut problems = Vec::new();
    let events = at(function, &["Properties", "Events"]).and_then(Value::as_mapping);
    for (event, body) in events.into_iter().flatten() {
        let event = event.as_str().unwrap_or_default();
        let kind = text_at(body, &["Type"]).unwrap_or_default();
        let expression = text_at(body, &["Properties", "ScheduleExpression"]).unwrap_or_default();
        if !SCHEDULE_EVENT_TYPES.contains(&kind) || expression != job.schedule {
            problems.push(format!(
                "{name}: event {event} ({kind} {expression}) is not job {}'s schedule {}",
                job.name, job.schedule
            ));
        }
        let timezone = text_at(body, &["Properties", "ScheduleExpressionTimezone"]);
        if timezone != job.timezone {
            problems
                .push(format!("{name}: event {event} runs in {timezone:?}, job {} in {:?}", job.name, job.timezone));
        }
    }
    problems
}

/// A function's `HttpApi` events: name, method, path and the event itself.
fn http_events(function: &Value) -> Vec<(String, String, String, &Value)> {
    let Some(events) = at(function, &["Properties", "Events"]).and_then(Value::as_mapping) else {
        return Vec::new();
    };
    events
        .iter()
        .filter(|(_, event)| text_at(event, &["Type"]) == Some("HttpApi"))
        .map(|(name, event)| {
            let field = |key| text_at(event, &["Properties", key]).unwrap_or_default().to_owned();
            (name.as_str().unwrap_or_default().to_owned(), field("Method"), field("Path"), event)
        })
        .collect()
}

fn assert_no_problems(what: &str, problems: Vec<String>) {
    assert!(problems.is_empty(), "{what}:\n  {}", problems.join("\n  "));
}

/// Which function of the template runs an entry of `ROUTES`, `JOBS` or `EVENT_CONSUMERS`: its
/// logical id, the binary's name for it and, should it be missing, what the entry is.
struct FunctionOf {
    name: String,
    binary: &'static str,
    entry: String,
}

/// Finds the function of each of `entries` in the template and makes the checks every function
/// shares, then `check`'s (given the entry, the function's name and the function); fails with
/// every problem found, under `what`.
fn check_functions<T>(
    what: &str,
    entries: &[T],
    function_of: impl Fn(&T) -> FunctionOf,
    check: impl Fn(&T, &str, &Value, &mut Vec<String>),
) {
    let template = Template::load();
    let mut problems = Vec::new();
    for entry in entries {
        let FunctionOf { name, binary, entry: described } = function_of(entry);
        let Some(function) = template.resource(&name) else {
            problems.push(format!("{described} has no {name} in the template"));
            continue;
        };
        check_build(&template, &name, function, binary, &mut problems);
        check(entry, &name, function, &mut problems);
    }
    assert_no_problems(what, problems);
}

#[test]
fn every_route_has_its_function_binary_method_and_path() {
    let function_of = |route: &Route| FunctionOf {
        name: function_name(route),
        binary: route.name,
        entry: format!("route {} ({} {})", route.name, route.method.as_str(), route.path),
    };
    let what = "routes missing from infra/template.yaml";
    check_functions(what, ROUTES, function_of, |route, name, function, problems| {
        let events = http_events(function);
        let matching = events
            .iter()
            .filter(|(_, method, path, _)| method.eq_ignore_ascii_case(route.method.as_str()) && path == route.path)
            .count();
        if matching != 1 {
            problems.push(format!(
                "{name}: needs exactly one HttpApi event {} {}, found {matching}",
                route.method.as_str(),
                route.path
            ));
        }
        for (event, _, _, body) in &events {
            if !is_ref(at(body, &["Properties", "ApiId"]), "HttpApi") {
                problems.push(format!("{name}: event {event} is not on the HttpApi (ApiId: !Ref HttpApi)"));
            }
        }
    });
}

#[test]
fn every_job_has_its_function_binary_and_schedule() {
    let function_of = |job: &Job| FunctionOf {
        name: job_function_name(job),
        binary: job.name,
        entry: format!("job {} ({})", job.name, job.schedule),
    };
    check_functions("jobs missing from infra/template.yaml", JOBS, function_of, |job, name, function, problems| {
        let schedules = schedule_events(function);
        let matching: Vec<_> = schedules.iter().filter(|(_, expression, _)| expression == job.schedule).collect();
        if matching.len() != 1 {
            problems.push(format!(
                "{name}: needs exactly one schedule event {}, found {}",
                job.schedule,
                matching.len()
            ));
        }
        for (event, _, body) in matching {
            if is_disabled(body) {
                problems.push(format!("{name}: schedule event {event} is disabled, so job {} never runs", job.name));
            }
        }
        // A job is not an operation: nothing outside may call it.
        for (event, ..) in http_events(function) {
            problems
                .push(format!("{name}: job {} has HttpApi event {event}; jobs run on their schedule only", job.name));
        }
    });
}

/// `deliver_webhooks` → `DeliverWebhooksFunction`, by the same rule.
fn consumer_function_name(consumer: &EventConsumer) -> String {
    job_function_name(&Job { name: consumer.name, schedule: "", timezone: None, summary: "" })
}

/// An event consumer runs only on its EventBridge rule: on Gatehouse's bus,
/// matching Gatehouse's source and exactly its detail-types, with Lambda's
/// asynchronous retries (its delivery retries rely on them).
#[test]
fn every_event_consumer_has_its_function_binary_and_rule() {
    let function_of = |consumer: &EventConsumer| FunctionOf {
        name: consumer_function_name(consumer),
        binary: consumer.name,
        entry: format!("event consumer {}", consumer.name),
    };
    let what = "event consumers missing from infra/template.yaml";
    check_functions(what, EVENT_CONSUMERS, function_of, |consumer, name, function, problems| {
        let events = at(function, &["Properties", "Events"]).and_then(Value::as_mapping);
        let events: Vec<_> = events.into_iter().flatten().collect();
        if events.len() != 1 {
            problems.push(format!("{name}: needs exactly one event (its EventBridgeRule), found {}", events.len()));
        }
        for (event, body) in events {
            let event = event.as_str().unwrap_or_default();
            if text_at(body, &["Type"]) != Some("EventBridgeRule") {
                problems.push(format!("{name}: event {event} is not an EventBridgeRule"));
                continue;
            }
            let bus = at(body, &["Properties", "EventBusName"]);
            match consumer.origin {
                EventOrigin::Gatehouse if !is_ref(bus, "EventBus") => problems
                    .push(format!("{name}: event {event} is not on Gatehouse's bus (EventBusName: !Ref EventBus)")),
                // SES publishes to the default bus only.
                EventOrigin::Ses if bus.is_some() => {
                    problems.push(format!("{name}: event {event} names a bus; SES's events are on the default one"))
                }
                _ => {}
            }
            let list = |key: &str| -> Vec<String> {
                at(body, &["Properties", "Pattern", key])
                    .and_then(Value::as_sequence)
                    .map(|items| items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                    .unwrap_or_default()
            };
            if list("source") != [consumer.origin.source()] {
                problems.push(format!("{name}: rule {event} matches source {:?}", list("source")));
            }
            let mut wanted: Vec<&str> = consumer.detail_types.to_vec();
            let mut found = list("detail-type");
            wanted.sort_unstable();
            found.sort_unstable();
            if found != wanted {
                problems.push(format!("{name}: rule {event} matches detail-types {found:?}, the consumer {wanted:?}"));
            }
        }
        let retries =
            at(function, &["Properties", "EventInvokeConfig", "MaximumRetryAttempts"]).and_then(Value::as_u64);
        if retries != Some(2) {
            problems.push(format!("{name}: EventInvokeConfig.MaximumRetryAttempts is {retries:?}, expected 2"));
        }
    });
}

#[test]
fn job_function_names_follow_the_route_rule() {
    for route in ROUTES {
        let as_job = Job { name: route.name, schedule: "", timezone: None, summary: "" };
        assert_eq!(job_function_name(&as_job), function_name(route));
    }
}

#[test]
fn every_function_and_event_has_a_route_or_job() {
    let template = Template::load();
    let mut problems = Vec::new();
    for (name, function) in template.functions() {
        let Some(route) = ROUTES.iter().find(|route| function_name(route) == name) else {
            match JOBS.iter().find(|job| job_function_name(job) == name) {
                Some(job) => problems.extend(job_event_problems(&name, function, job)),
                None if EVENT_CONSUMERS.iter().any(|consumer| consumer_function_name(consumer) == name) => {}
                None => problems.push(format!(
                    "function {name} has no route in model::ROUTES, no job in model::JOBS and no consumer in \
                     model::EVENT_CONSUMERS"
                )),
            }
            continue;
        };
        let events = at(function, &["Properties", "Events"]).and_then(Value::as_mapping);
        for (event, body) in events.into_iter().flatten() {
            let event = event.as_str().unwrap_or_default();
            let kind = text_at(body, &["Type"]).unwrap_or_default();
            let method = text_at(body, &["Properties", "Method"]).unwrap_or_default();
            let path = text_at(body, &["Properties", "Path"]).unwrap_or_default();
            if kind != "HttpApi" || !method.eq_ignore_ascii_case(route.method.as_str()) || path != route.path {
                problems.push(format!(
                    "{name}: event {event} ({kind} {method} {path}) is not route {} ({} {})",
                    route.name,
                    route.method.as_str(),
                    route.path
                ));
            }
        }
    }
    assert_no_problems("template functions without a route or job", problems);
}

/// One name, one function: the binary finds its function by name, so a name
/// shared by a route, a job or a consumer would run the wrong one.
#[test]
fn route_job_and_consumer_names_are_distinct() {
    let mut seen = BTreeSet::new();
    let names = ROUTES
        .iter()
        .map(|route| route.name)
        .chain(JOBS.iter().map(|job| job.name))
        .chain(EVENT_CONSUMERS.iter().map(|consumer| consumer.name));
    let repeated: Vec<String> =
        names.filter(|name| !seen.insert(*name)).map(|name| format!("{name} is named twice")).collect();
    assert_no_problems("names shared by routes, jobs and consumers", repeated);
}

#[test]
fn every_function_is_bootstrap_on_arm64_al2023_with_its_own_policy() {
    let template = Template::load();
    let mut problems = Vec::new();
    let functions = template.functions();
    assert!(!functions.is_empty(), "the template has no functions");
    for (name, function) in functions {
        let runtime = template.effective(function, "Runtime").and_then(Value::as_str);
        if runtime != Some("provided.al2023") {
            problems.push(format!("{name}: runtime {runtime:?}, expected provided.al2023"));
        }
        let architectures: Vec<_> = template
            .effective(function, "Architectures")
            .and_then(Value::as_sequence)
            .map(|list| list.iter().map(Value::as_str).collect())
            .unwrap_or_default();
        if architectures != [Some("arm64")] {
            problems.push(format!("{name}: architectures {architectures:?}, expected [arm64]"));
        }
        if template.effective(function, "Handler").and_then(Value::as_str) != Some("bootstrap") {
            problems.push(format!("{name}: handler is not bootstrap"));
        }
        // A shared Role would bypass the per-function policy.
        if at(function, &["Properties", "Role"]).is_some() {
            problems.push(format!("{name}: sets Role instead of its own Policies"));
        }
        // Explicit even when empty: every function states what it may call.
        match at(function, &["Properties", "Policies"]).and_then(Value::as_sequence) {
            None => problems.push(format!("{name}: no Policies list (use [] for none)")),
            Some(policies) => problems.extend(wildcards(policies).into_iter().map(|found| format!("{name}: {found}"))),
        }
    }
    assert_no_problems("functions off the platform or without a policy", problems);
}

/// Statements granting a wildcard action or any resource.
fn wildcards(policies: &[Value]) -> Vec<String> {
    let statements = policies.iter().filter_map(|policy| at(policy, &["Statement"]).and_then(Value::as_sequence));
    let mut found = Vec::new();
    for statement in statements.flatten() {
        let actions: Vec<&str> = match at(statement, &["Action"]) {
            Some(Value::Sequence(actions)) => actions.iter().filter_map(Value::as_str).collect(),
            Some(action) => action.as_str().into_iter().collect(),
            None => Vec::new(),
        };
        if let Some(action) = actions.iter().find(|action| action.contains('*')) {
            found.push(format!("wildcard action {action}"));
        }
        if text_at(statement, &["Resource"]) == Some("*") {
            found.push(format!("resource * for {actions:?}"));
        }
    }
    found
}

#[test]
fn table_has_the_shape_the_adapter_uses() {
    let template = Template::load();
    let table = template.resource("Table").expect("the template has a Table");
    let key_names = |schema: Option<&Value>| -> Vec<String> {
        schema
            .and_then(Value::as_sequence)
            .map(|keys| keys.iter().filter_map(|key| text_at(key, &["AttributeName"])).map(str::to_owned).collect())
            .unwrap_or_default()
    };
    assert_eq!(key_names(at(table, &["Properties", "KeySchema"])), ["pk", "sk"]);
    let indexes = at(table, &["Properties", "GlobalSecondaryIndexes"]).and_then(Value::as_sequence).expect("GSIs");
    let [index] = indexes.as_slice() else { panic!("one GSI expected, found {}", indexes.len()) };
    assert_eq!(text_at(index, &["IndexName"]), Some(gatehouse_aws::GSI1_NAME));
    assert_eq!(key_names(index.get("KeySchema")), ["gsi1pk", "gsi1sk"]);
    assert_eq!(text_at(index, &["Projection", "ProjectionType"]), Some("ALL"));
    assert_eq!(
        text_at(table, &["Properties", "TimeToLiveSpecification", "AttributeName"]),
        Some(gatehouse_aws::TTL_ATTRIBUTE)
    );
    assert_eq!(text_at(table, &["Properties", "BillingMode"]), Some("PAY_PER_REQUEST"));
}

/// #15: the one table holds every consent and every school's data, so neither a stack deletion,
/// a replacement nor a console click may remove it, and a bad write can be rolled back.
#[test]
fn the_table_survives_deletion_and_can_be_restored() {
    let template = Template::load();
    let table = template.resource("Table").expect("the template has a Table");
    assert_eq!(text_at(table, &["DeletionPolicy"]), Some("Retain"));
    assert_eq!(text_at(table, &["UpdateReplacePolicy"]), Some("Retain"));
    assert_eq!(at(table, &["Properties", "DeletionProtectionEnabled"]).and_then(Value::as_bool), Some(true));
    let recovery = at(table, &["Properties", "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"]);
    assert_eq!(recovery.and_then(Value::as_bool), Some(true));
}

/// #18: CloudFront's response headers policy says what `gatehouse_api::edge`
/// says, on both behaviours; the API origin carries the secret header the
/// functions check, and every function knows the secret.
#[test]
fn the_edge_sends_the_origin_secret_and_the_same_security_headers() {
    use gatehouse_api::edge::{CONTENT_SECURITY_POLICY, ORIGIN_HEADER, SECURITY_HEADERS};
    let template = Template::load();
    let policy = template.resource("SecurityHeaders").expect("a SecurityHeaders response headers policy");
    let config = at(policy, &["Properties", "ResponseHeadersPolicyConfig", "SecurityHeadersConfig"]).unwrap();
    assert_eq!(text_at(config, &["ContentSecurityPolicy", "ContentSecurityPolicy"]), Some(CONTENT_SECURITY_POLICY));
    let header = |name: &str| SECURITY_HEADERS.iter().find(|(header, _)| *header == name).unwrap().1;
    assert_eq!(text_at(config, &["FrameOptions", "FrameOption"]), Some(header("x-frame-options")));
    assert_eq!(text_at(config, &["ReferrerPolicy", "ReferrerPolicy"]), Some(header("referrer-policy")));
    let max_age = at(config, &["StrictTransportSecurity", "AccessControlMaxAgeSec"]).and_then(Value::as_u64).unwrap();
    assert!(header("strict-transport-security").contains(&format!("max-age={max_age}")));

    let resources = template.0.get("Resources").and_then(Value::as_mapping).unwrap();
    let distribution =
        resources.values().find(|resource| text_at(resource, &["Type"]) == Some("AWS::CloudFront::Distribution"));
    let config = at(distribution.expect("a CloudFront distribution"), &["Properties", "DistributionConfig"]).unwrap();
    let default = at(config, &["DefaultCacheBehavior", "ResponseHeadersPolicyId"]);
    assert!(is_ref(default, "SecurityHeaders"), "the SPA's answers carry the headers");
    let behaviours = at(config, &["CacheBehaviors"]).and_then(Value::as_sequence).unwrap();
    let api = behaviours.iter().find(|behaviour| text_at(behaviour, &["PathPattern"]) == Some("/api/*")).unwrap();
    assert!(is_ref(at(api, &["ResponseHeadersPolicyId"]), "SecurityHeaders"), "the API's answers too");
    // Every route reaches the API through CloudFront, the same way: none falls to the SPA's bucket.
    for route in gatehouse_model::ROUTES {
        let behaviour = behaviours.iter().find(|behaviour| {
            text_at(behaviour, &["PathPattern"])
                .and_then(|pattern| pattern.strip_suffix('*'))
                .is_some_and(|prefix| route.path.starts_with(prefix))
        });
        let behaviour =
            behaviour.unwrap_or_else(|| panic!("{} ({}) has no CloudFront behaviour", route.name, route.path));
        for field in ["TargetOriginId", "ViewerProtocolPolicy", "CachePolicyId", "OriginRequestPolicyId"] {
            assert_eq!(text_at(behaviour, &[field]), text_at(api, &[field]), "{}: {field}", route.name);
        }
        assert!(is_ref(at(behaviour, &["ResponseHeadersPolicyId"]), "SecurityHeaders"), "{}", route.name);
    }
    let origins = at(config, &["Origins"]).and_then(Value::as_sequence).unwrap();
    let api_origin = origins.iter().find(|origin| text_at(origin, &["Id"]) == Some("api")).unwrap();
    let custom = at(api_origin, &["OriginCustomHeaders"]).and_then(Value::as_sequence).expect("an origin header");
    assert!(custom.iter().any(|h| text_at(h, &["HeaderName"]).is_some_and(|n| n.eq_ignore_ascii_case(ORIGIN_HEADER))));
    let globals = at(&template.0, &["Globals", "Function", "Environment", "Variables"]).unwrap();
    assert!(globals.get("ORIGIN_SECRET").is_some(), "every function checks the origin secret");
}

/// #15: every alarm tells the alarm topic when it goes off and when it
/// clears, and there is one for each way the stack hurts that CloudWatch sees
/// without a resource per function; the first dead letter is one.
#[test]
fn alarms_cover_function_errors_throttles_api_errors_bounces_and_dead_letters_and_reach_the_topic() {
    let template = Template::load();
    assert_eq!(text_at(template.resource("Alarms").expect("the alarm topic"), &["Type"]), Some("AWS::SNS::Topic"));
    let resources = template.0.get("Resources").and_then(Value::as_mapping).expect("Resources");
    let alarms: Vec<(&str, &Value)> = resources
        .iter()
        .filter(|(_, resource)| text_at(resource, &["Type"]) == Some("AWS::CloudWatch::Alarm"))
        .map(|(name, resource)| (name.as_str().unwrap_or_default(), resource))
        .collect();
    let watched: BTreeSet<(&str, &str)> = alarms
        .iter()
        .map(|(_, alarm)| {
            (
                text_at(alarm, &["Properties", "Namespace"]).unwrap_or_default(),
                text_at(alarm, &["Properties", "MetricName"]).unwrap_or_default(),
            )
        })
        .collect();
    let wanted = BTreeSet::from([
        ("AWS/Lambda", "Errors"),
        ("AWS/Lambda", "Throttles"),
        ("AWS/ApiGateway", "5xx"),
        ("AWS/SES", "Reputation.BounceRate"),
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
    ]);
    assert!(wanted.is_subset(&watched), "missing alarms: {:?}", wanted.difference(&watched).collect::<Vec<_>>());
    let dead_letters = alarms.iter().find(|(_, alarm)| {
        let dimensions = at(alarm, &["Properties", "Dimensions"]).and_then(Value::as_sequence);
        dimensions.into_iter().flatten().any(|dimension| {
            text_at(dimension, &["Name"]) == Some("QueueName")
                && is_get_att(at(dimension, &["Value"]), DEAD_LETTERS, "QueueName")
        })
    });
    let (name, alarm) =
        dead_letters.expect("an alarm on the DeadLetters queue (QueueName: !GetAtt DeadLetters.QueueName)");
    assert_eq!(text_at(alarm, &["Properties", "MetricName"]), Some("ApproximateNumberOfMessagesVisible"), "{name}");
    assert_eq!(text_at(alarm, &["Properties", "ComparisonOperator"]), Some("GreaterThanOrEqualToThreshold"), "{name}");
    let threshold = at(alarm, &["Properties", "Threshold"]).and_then(Value::as_f64);
    assert_eq!(threshold, Some(1.0), "{name}: the first dead letter goes off");
    for (name, alarm) in alarms {
        for actions in ["AlarmActions", "OKActions"] {
            let to_topic = at(alarm, &["Properties", actions])
                .and_then(Value::as_sequence)
                .is_some_and(|targets| targets.iter().any(|target| is_ref(Some(target), "Alarms")));
            assert!(to_topic, "{name}: {actions} does not reach the Alarms topic");
        }
    }
}

/// #15: the one queue where every failure no caller sees ends, watched by an alarm.
const DEAD_LETTERS: &str = "DeadLetters";

/// Every event of every function: the function's logical id, the event's name, its type and
/// the event itself.
fn all_events(template: &Template) -> Vec<(String, String, String, &Value)> {
    let mut found = Vec::new();
    for (name, function) in template.functions() {
        let events = at(function, &["Properties", "Events"]).and_then(Value::as_mapping);
        for (event, body) in events.into_iter().flatten() {
            let event = event.as_str().unwrap_or_default().to_owned();
            let kind = text_at(body, &["Type"]).unwrap_or_default().to_owned();
            found.push((name.clone(), event, kind, body));
        }
    }
    found
}

/// Events that invoke their function asynchronously, from a schedule or a rule.
fn is_asynchronous(kind: &str) -> bool {
    SCHEDULE_EVENT_TYPES.contains(&kind) || kind == "EventBridgeRule"
}

/// A number at `path`, when it is one.
fn number_at(value: &Value, path: &[&str]) -> Option<u64> {
    at(value, path).and_then(Value::as_u64)
}

/// #15: a schedule or rule that cannot reach its function retries for a bounded time (both
/// services default to 185 attempts over 24 hours), then leaves the event in the one
/// dead-letter queue instead of dropping it.
#[test]
fn every_schedule_and_rule_retries_a_bounded_time_then_dead_letters() {
    let template = Template::load();
    let mut problems = Vec::new();
    let events: Vec<_> = all_events(&template).into_iter().filter(|(.., kind, _)| is_asynchronous(kind)).collect();
    assert!(!events.is_empty(), "the template has no schedules or rules");
    for (function, event, kind, body) in events {
        let attempts = number_at(body, &["Properties", "RetryPolicy", "MaximumRetryAttempts"]);
        if attempts.is_none_or(|attempts| attempts >= 185) {
            problems.push(format!("{function}: {kind} {event} retries {attempts:?} times, not a stated bound"));
        }
        let age = number_at(body, &["Properties", "RetryPolicy", "MaximumEventAgeInSeconds"]);
        if age.is_none_or(|age| age >= 86_400) {
            problems.push(format!("{function}: {kind} {event} keeps trying for {age:?} s, not a stated bound"));
        }
        // `Type: SQS` would make SAM create a queue per event; every event shares one.
        if !is_get_att(at(body, &["Properties", "DeadLetterConfig", "Arn"]), DEAD_LETTERS, "Arn") {
            problems
                .push(format!("{function}: {kind} {event} has no DeadLetterConfig.Arn: !GetAtt {DEAD_LETTERS}.Arn"));
        }
    }
    assert_no_problems("schedules and rules without a bounded retry and the dead-letter queue", problems);
}

/// #15: schedules and rules invoke a function asynchronously, so Lambda retries a failed
/// invocation itself; what still fails goes to the dead-letter queue (the webhook consumer's
/// own dead letters cover an app that does not answer, not a crash or a timeout).
#[test]
fn every_function_invoked_asynchronously_sends_its_last_failure_to_the_dead_letters() {
    let template = Template::load();
    let mut problems = Vec::new();
    let mut asynchronous: Vec<String> = all_events(&template)
        .into_iter()
        .filter(|(.., kind, _)| is_asynchronous(kind))
        .map(|(function, ..)| function)
        .collect();
    asynchronous.dedup();
    assert!(!asynchronous.is_empty(), "the template has no asynchronously invoked functions");
    for name in asynchronous {
        let config = template.resource(&name).and_then(|function| at(function, &["Properties", "EventInvokeConfig"]));
        let Some(config) = config else {
            problems.push(format!("{name}: no EventInvokeConfig (Lambda's defaults retry for 6 hours, then drop)"));
            continue;
        };
        let retries = number_at(config, &["MaximumRetryAttempts"]);
        if retries.is_none_or(|retries| retries > 2) {
            problems.push(format!("{name}: EventInvokeConfig.MaximumRetryAttempts is {retries:?}"));
        }
        let age = number_at(config, &["MaximumEventAgeInSeconds"]);
        if age.is_none_or(|age| age >= 21_600) {
            problems.push(format!("{name}: EventInvokeConfig.MaximumEventAgeInSeconds is {age:?}, not a stated bound"));
        }
        let on_failure = at(config, &["DestinationConfig", "OnFailure"]);
        let to_queue = on_failure.is_some_and(|destination| {
            text_at(destination, &["Type"]) == Some("SQS")
                && is_get_att(at(destination, &["Destination"]), DEAD_LETTERS, "Arn")
        });
        if !to_queue {
            problems.push(format!("{name}: no OnFailure destination of Type SQS to !GetAtt {DEAD_LETTERS}.Arn"));
        }
    }
    assert_no_problems("asynchronously invoked functions that drop their failures", problems);
}

/// #15: the queue keeps a dead letter 14 days (SQS's longest), encrypted, and its policy lets
/// only the template's own rules send to it, each by its ARN (SAM names a rule after its
/// function and event). Schedules and Lambda send with their roles, which SAM grants
/// `sqs:SendMessage` on this queue alone.
#[test]
fn the_dead_letter_queue_keeps_14_days_encrypted_and_only_the_rules_may_send_to_it() {
    let template = Template::load();
    let queue = template.resource(DEAD_LETTERS).expect("a DeadLetters queue");
    assert_eq!(text_at(queue, &["Type"]), Some("AWS::SQS::Queue"));
    assert_eq!(number_at(queue, &["Properties", "MessageRetentionPeriod"]), Some(14 * 24 * 3600));
    let managed = at(queue, &["Properties", "SqsManagedSseEnabled"]).and_then(Value::as_bool) == Some(true);
    assert!(managed || at(queue, &["Properties", "KmsMasterKeyId"]).is_some(), "the dead letters are not encrypted");

    let mut rules: Vec<String> = all_events(&template)
        .into_iter()
        .filter(|(.., kind, _)| kind == "EventBridgeRule")
        .map(|(function, event, ..)| format!("{function}{event}"))
        .collect();
    rules.sort_unstable();
    let resources = template.0.get("Resources").and_then(Value::as_mapping).expect("Resources");
    let policies: Vec<&Value> = resources
        .values()
        .filter(|resource| text_at(resource, &["Type"]) == Some("AWS::SQS::QueuePolicy"))
        .filter(|policy| {
            at(policy, &["Properties", "Queues"])
                .and_then(Value::as_sequence)
                .is_some_and(|queues| queues.iter().any(|queue| is_ref(Some(queue), DEAD_LETTERS)))
        })
        .collect();
    let [policy] = policies.as_slice() else { panic!("one queue policy on DeadLetters, found {}", policies.len()) };
    let statements =
        at(policy, &["Properties", "PolicyDocument", "Statement"]).and_then(Value::as_sequence).expect("statements");
    let mut senders: Vec<String> = Vec::new();
    for statement in statements.iter().filter(|statement| text_at(statement, &["Effect"]) == Some("Allow")) {
        assert_eq!(text_at(statement, &["Principal", "Service"]), Some("events.amazonaws.com"), "{statement:?}");
        assert_eq!(text_at(statement, &["Action"]), Some("sqs:SendMessage"), "{statement:?}");
        assert!(is_get_att(at(statement, &["Resource"]), DEAD_LETTERS, "Arn"), "{statement:?}");
        let sources = at(statement, &["Condition", "ArnEquals", "aws:SourceArn"]).and_then(Value::as_sequence);
        for source in sources.expect("each grant names the rules by aws:SourceArn") {
            let rule = rules.iter().find(|rule| is_get_att(Some(source), rule, "Arn"));
            senders.push(rule.cloned().unwrap_or_else(|| format!("{source:?}, not a rule of the template")));
        }
    }
    senders.sort_unstable();
    assert_eq!(senders, rules, "the rules allowed to dead-letter, and the template's rules");
}

/// #15: functions are traced with X-Ray. HTTP APIs cannot be; their access logs stand in.
#[test]
fn every_function_is_traced() {
    let template = Template::load();
    let untraced: Vec<String> = template
        .functions()
        .into_iter()
        .filter(|(_, function)| template.effective(function, "Tracing").and_then(Value::as_str) != Some("Active"))
        .map(|(name, _)| format!("{name} is not traced (Tracing: Active)"))
        .collect();
    assert_no_problems("functions without tracing", untraced);
}

/// What the API's access log may say about a request: `$context` variables with no personal
/// data. The route key is the declared path (`/api/schools/{school_id}`), never the requested
/// one; no query string, header other than the user agent, body or authorizer output.
const ACCESS_LOG_VARIABLES: &[&str] = &[
    "requestId",
    "requestTime",
    "identity.sourceIp",
    "identity.userAgent",
    "httpMethod",
    "routeKey",
    "protocol",
    "status",
    "responseLength",
    "responseLatency",
    "integrationStatus",
    "integrationLatency",
    "integrationErrorMessage",
    "error.message",
];

/// #15: every request to the HTTP API leaves one JSON line in a log group of the template,
/// saying which route answered what and how fast, and nothing personal.
#[test]
fn the_api_logs_every_request_without_personal_data() {
    let template = Template::load();
    let api = template.resource("HttpApi").expect("the HttpApi");
    let settings = at(api, &["Properties", "AccessLogSettings"]).expect("the HttpApi has AccessLogSettings");
    let group = log_group_of(&template, at(settings, &["DestinationArn"]));
    assert!(group.is_some(), "the access logs go to a log group of the template (!GetAtt Group.Arn)");
    let format = text_at(settings, &["Format"]).expect("an access log Format");
    let fields: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(format).unwrap_or_else(|e| panic!("the access log format is not a JSON object: {e}"));
    let mut variables = BTreeSet::new();
    for (field, value) in &fields {
        let variable = value.as_str().and_then(|value| value.strip_prefix("$context."));
        let variable = variable.unwrap_or_else(|| panic!("{field}: {value} is not one $context variable"));
        assert!(ACCESS_LOG_VARIABLES.contains(&variable), "{field}: $context.{variable} may carry personal data");
        variables.insert(variable);
    }
    for wanted in ["requestId", "identity.sourceIp", "httpMethod", "routeKey", "status", "integrationErrorMessage"] {
        assert!(variables.contains(wanted), "the access log lacks $context.{wanted}");
    }
    assert!(variables.contains("responseLatency") || variables.contains("integrationLatency"), "no latency");
    assert!(variables.contains("identity.userAgent"), "the access log lacks the user agent");
}

/// The template's log group a `!Ref Group` or `!GetAtt Group.Arn` names, if any.
fn log_group_of<'a>(template: &'a Template, reference: Option<&Value>) -> Option<(String, &'a Value)> {
    let resources = template.0.get("Resources").and_then(Value::as_mapping)?;
    resources
        .iter()
        .filter(|(_, resource)| text_at(resource, &["Type"]) == Some("AWS::Logs::LogGroup"))
        .map(|(name, group)| (name.as_str().unwrap_or_default().to_owned(), group))
        .find(|(name, _)| is_ref(reference, name) || is_get_att(reference, name, "Arn"))
}

/// #15: nothing is logged for ever. Every log group states how long it keeps its lines, and
/// every function and the API log to one of them (without one, Lambda makes its own group,
/// kept for ever).
#[test]
fn every_log_states_its_retention() {
    let template = Template::load();
    let mut problems = Vec::new();
    let resources = template.0.get("Resources").and_then(Value::as_mapping).expect("Resources");
    for (name, group) in resources.iter().filter(|(_, r)| text_at(r, &["Type"]) == Some("AWS::Logs::LogGroup")) {
        if number_at(group, &["Properties", "RetentionInDays"]).is_none_or(|days| days == 0) {
            problems.push(format!("log group {name:?} states no RetentionInDays"));
        }
    }
    for (name, function) in template.functions() {
        let destination = template.effective(function, "LoggingConfig").and_then(|config| config.get("LogGroup"));
        if log_group_of(&template, destination).is_none() {
            problems.push(format!("{name}: logs to no log group of the template (LoggingConfig.LogGroup)"));
        }
    }
    let api = template.resource("HttpApi").expect("the HttpApi");
    if log_group_of(&template, at(api, &["Properties", "AccessLogSettings", "DestinationArn"])).is_none() {
        problems.push("HttpApi: access logs go to no log group of the template".to_owned());
    }
    assert_no_problems("logs without a stated retention", problems);
}

/// Every statement of a function's inline policies.
fn policy_statements(function: &Value) -> Vec<&Value> {
    at(function, &["Properties", "Policies"])
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .filter_map(|policy| at(policy, &["Statement"]).and_then(Value::as_sequence))
        .flatten()
        .collect()
}

/// The text of `!Sub "…"` (or `{Fn::Sub: "…"}`).
fn sub_text(value: Option<&Value>) -> Option<&str> {
    match value? {
        Value::Tagged(tagged) if tagged.tag == "Sub" => tagged.value.as_str(),
        value => text_at(value, &["Fn::Sub"]),
    }
}

/// #15: one deploy is enough. Without PublicDomain the functions read the
/// public URL from the parameter the stack writes (a direct reference to the
/// distribution would be a cycle): each function is told the parameter's name
/// and may read exactly that parameter. And every setting the functions read
/// is passed to them (FIRST_OPS_USER_EMAIL once was not).
#[test]
fn functions_get_every_setting_they_read_and_may_read_the_published_public_url() {
    let template = Template::load();
    let globals = at(&template.0, &["Globals", "Function", "Environment", "Variables"]).unwrap();
    let unset: Vec<&&str> =
        gatehouse_aws::SETTING_VARIABLES.iter().filter(|variable| globals.get(**variable).is_none()).collect();
    assert!(unset.is_empty(), "read by the functions, set by no Globals variable: {unset:?}");

    let parameter = template.resource("PublicUrlParameter").expect("the public URL parameter");
    assert_eq!(text_at(parameter, &["Type"]), Some("AWS::SSM::Parameter"));
    let name = sub_text(at(parameter, &["Properties", "Name"])).expect("the parameter's name, per stack");
    let told = sub_text(globals.get(gatehouse_aws::PUBLIC_URL_PARAMETER_VARIABLE));
    assert_eq!(told, Some(name), "the functions are told another parameter than the stack writes");
    // The custom domain when there is one, else the distribution's own.
    let value = at(parameter, &["Properties", "Value"]).expect("a value");
    let choices = match value {
        Value::Tagged(tagged) if tagged.tag == "If" => tagged.value.as_sequence().cloned().unwrap_or_default(),
        _ => Vec::new(),
    };
    let texts: Vec<Option<&str>> = choices.iter().map(|choice| sub_text(Some(choice))).collect();
    assert_eq!(choices.first().and_then(Value::as_str), Some("HasPublicDomain"), "{value:?}");
    assert_eq!(texts[1..], [Some("https://${PublicDomain}"), Some("https://${Distribution.DomainName}")]);

    let arn = format!("arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter{name}");
    let mut problems = Vec::new();
    for (function, resource) in template.functions() {
        let statements = policy_statements(resource);
        let reads: Vec<Option<&str>> = statements
            .iter()
            .filter(|statement| {
                let action = at(statement, &["Action"]);
                let actions: Vec<&str> = match action {
                    Some(Value::Sequence(actions)) => actions.iter().filter_map(Value::as_str).collect(),
                    Some(action) => action.as_str().into_iter().collect(),
                    None => Vec::new(),
                };
                actions.iter().any(|action| action.starts_with("ssm:"))
            })
            .map(|statement| {
                let action = text_at(statement, &["Action"]);
                sub_text(at(statement, &["Resource"])).filter(|_| action == Some("ssm:GetParameter"))
            })
            .collect();
        if reads != [Some(arn.as_str())] {
            problems.push(format!("{function}: SSM access is {reads:?}, not GetParameter on {arn} alone"));
        }
    }
    assert_no_problems("the public URL parameter", problems);
}

/// Email that behaves (#15): SES sends through a configuration set with
/// reputation metrics, whose event destination puts bounces and complaints
/// on the default bus, where the `record_email_feedback` consumer's rule
/// takes them; every function that sends email names the set and may send
/// through it, and no other function does.
#[test]
fn emails_go_through_a_configuration_set_that_reports_bounces_and_complaints() {
    let template = Template::load();
    let set = template.resource("EmailConfigurationSet").expect("an EmailConfigurationSet resource");
    assert_eq!(text_at(set, &["Type"]), Some("AWS::SES::ConfigurationSet"));
    assert_eq!(
        at(set, &["Properties", "ReputationOptions", "ReputationMetricsEnabled"]).and_then(Value::as_bool),
        Some(true),
        "reputation metrics feed the bounce-rate alarm"
    );
    let destination = template.resource("EmailFeedbackDestination").expect("an EmailFeedbackDestination resource");
    assert_eq!(text_at(destination, &["Type"]), Some("AWS::SES::ConfigurationSetEventDestination"));
    assert!(is_ref(at(destination, &["Properties", "ConfigurationSetName"]), "EmailConfigurationSet"));
    let config = at(destination, &["Properties", "EventDestination"]).expect("its EventDestination");
    assert_eq!(at(config, &["Enabled"]).and_then(Value::as_bool), Some(true));
    let mut types: Vec<&str> = at(config, &["MatchingEventTypes"])
        .and_then(Value::as_sequence)
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    types.sort_unstable();
    assert_eq!(types, ["BOUNCE", "COMPLAINT"]);
    let bus =
        format!("{:?}", at(config, &["EventBridgeDestination", "EventBusArn"]).expect("an EventBridge destination"));
    assert!(bus.contains("event-bus/default"), "SES publishes to the default bus only: {bus}");

    // What Gatehouse publishes is what its consumers' rules match.
    assert_eq!(EventOrigin::Gatehouse.source(), gatehouse_aws::EVENT_SOURCE);
    let consumer =
        EVENT_CONSUMERS.iter().find(|consumer| consumer.origin == EventOrigin::Ses).expect("an SES consumer");
    assert_eq!(consumer.name, "record_email_feedback");
    assert!(
        consumer.detail_types.contains(&"Email Bounced") && consumer.detail_types.contains(&"Email Complaint Received")
    );

    let mut problems = Vec::new();
    for (name, function) in template.functions() {
        let variable =
            at(function, &["Properties", "Environment", "Variables", gatehouse_aws::CONFIGURATION_SET_VARIABLE]);
        let statements = policy_statements(function);
        let send = statements.iter().find(|statement| text_at(statement, &["Action"]) == Some("ses:SendEmail"));
        match (send, variable) {
            (Some(statement), Some(variable)) => {
                if !is_ref(Some(variable), "EmailConfigurationSet") {
                    problems.push(format!("{name}: SES_CONFIGURATION_SET is not !Ref EmailConfigurationSet"));
                }
                let resources = format!("{:?}", at(statement, &["Resource"]));
                if !resources.contains("configuration-set/${EmailConfigurationSet}") {
                    problems.push(format!("{name}: may not send through the configuration set: {resources}"));
                }
            }
            (Some(_), None) => problems.push(format!("{name}: sends email without naming the configuration set")),
            (None, Some(_)) => problems.push(format!("{name}: names the configuration set and sends no email")),
            (None, None) => {}
        }
    }
    assert_no_problems("functions whose email would not report back", problems);
}

/// API Gateway's HTTP API cuts every request at 30 s (#15): a function
/// still working after that answers nobody. Long work runs as a job (an
/// event consumer with its own timeout) and the route answers `202`.
const API_LIMIT_SECONDS: u64 = 29;

#[test]
fn every_route_answers_within_the_api_s_30_seconds() {
    let template = Template::load();
    let mut over = BTreeSet::new();
    for route in ROUTES {
        let function = template.resource(&function_name(route)).unwrap_or_else(|| panic!("{}", route.name));
        let timeout = template
            .effective(function, "Timeout")
            .and_then(Value::as_u64)
            .unwrap_or_else(|| panic!("{}: no Timeout, nor one in Globals", route.name));
        if timeout > API_LIMIT_SECONDS {
            over.insert(route.name);
        }
    }
    assert!(
        over.is_empty(),
        "routes whose timeout passes the API's {API_LIMIT_SECONDS} s: {over:?}; run the work as a job"
    );
}
