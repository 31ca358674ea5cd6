//! Issue 18: bad input on every route. A property-based pass drives every
//! route of `ROUTES` with malformed bodies, queries, path parameters,
//! headers and credentials — wrong types, missing and extra fields, nulls,
//! empty and 10,000-character strings, control and bidi characters, deep
//! nesting, numbers out of range, bodies over the limit, bad cursors, dates
//! and Idempotency-Keys — each made from a valid request by breaking exactly
//! one thing (see `mutate`). Every answer must be a 4xx
//! `application/problem+json` with a stable `code`: never a 5xx, a reset, a
//! 2xx on garbage, or a write (the whole store is compared before and after
//! each refused request). Input a route does not read at all (an unknown
//! query parameter, a body on a route without one) may be ignored, but not
//! answered with a 5xx.
//!
//! Bounded for CI: `CASES_PER_ROUTE` cases per route from a fixed seed, plus
//! one body over the limit per route that takes a body. Each route's valid
//! request is sent too, between the first and second half of its cases, and
//! must succeed (or give the refusal `control_expectation` names), so a
//! refusal cannot be the sample's fault, and a write with nothing left to do
//! must still refuse garbage. `BADINPUT_CASES=<n>` and `BADINPUT_SEED=<u64>`
//! run more or other cases.

mod harness;
mod mutate;
mod specs;
use gatehouse_tests::wait;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use gatehouse_model::{Op, ROUTES};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use harness::{Answer, Caller, Harness, Request, Snapshot};
use mutate::{BodyShape, Case, Expect, Mutation, RouteSpec};

/// Generated bad inputs per route (the body over the limit comes on top).
const CASES_PER_ROUTE: u32 = 24;

/// Routes this pass does not drive, each with the reason. The test fails if
/// a route is neither driven nor listed here, and if a listed one is driven.
const NOT_DRIVEN: &[(Op, &str)] = &[];

/// What a refused request may still change in the store: items by key
/// prefix (the partition key's an IAM-like pattern: `*` any run), on any route or on one, and (when `fields` is given) only those
/// attributes of them. Each says why it is not a partial write.
struct Bookkeeping {
    op: Option<Op>,
    pk: &'static str,
    sk: &'static str,
    fields: Option<&'static [&'static str]>,
    why: &'static str,
}

const BOOKKEEPING: &[Bookkeeping] = &[
    Bookkeeping {
        op: None,
        pk: "RATE#",
        sk: "",
        fields: None,
        why: "rate-limit windows count every request to a public route, refused ones included: that is what stops \
              guessing",
    },
    Bookkeeping {
        op: None,
        pk: "USAGE#",
        sk: "",
        fields: None,
        why: "A5 counts every data API call an app makes at a school it may read, refused ones included: it is what \
              the app did",
    },
    Bookkeeping {
        op: Some(Op::PushExtract),
        pk: "SCHOOL#",
        sk: "FEED",
        fields: Some(&["last_status", "version"]),
        why: "G1: a rejected push is the agent's last status (`error`), which the school's feed page shows; no \
              person changes",
    },
    Bookkeeping {
        op: Some(Op::PushExtract),
        pk: "APP#",
        sk: "SCHOOL#",
        fields: Some(&["status", "version"]),
        why: "G1: the school's status on the partner's list follows the agent's last push (`Error`); nothing else \
              on the link changes",
    },
    Bookkeeping {
        op: Some(Op::PushExtract),
        pk: "APP#*#VIEWCHG",
        sk: "",
        fields: None,
        why: "#14: that status change to the link, as the warm list caches read it (written with the link)",
    },
];

/// Refusals answered with more than a problem, each with the reason: the
/// answer must still be a 4xx, in this shape, and write nothing.
const RICHER_REFUSALS: &[(Op, &str)] = &[
    (
        Op::PushExtract,
        "a push whose every record is rejected is a 422 with its receipt (outcome `rejected`, each record's field \
         and reason): the MIS agent's protocol (G1), as the OpenAPI document says",
    ),
    (
        Op::IssueOAuthToken,
        "the token endpoint refuses in RFC 6749 §5.2's shape (`error`, `error_description`; 401 for \
         `invalid_client`), which off-the-shelf OAuth clients read (#17)",
    ),
    (
        Op::ListOneRoster,
        "OneRoster refuses in its binding's `imsx_StatusInfo` (`imsx_codeMajor` failure, the class in \
         `imsx_CodeMinor`), which off-the-shelf OneRoster clients read (#17)",
    ),
    (Op::GetOneRoster, "as ListOneRoster"),
    (Op::ListOneRosterNested, "as ListOneRoster"),
];

/// The refusal's code when the answer is one of the `RICHER_REFUSALS`.
fn richer_refusal(op: Op, answer: &Answer) -> Option<String> {
    let body = answer.json();
    if !RICHER_REFUSALS.iter().any(|(richer, _)| *richer == op) || answer.content_type != "application/json" {
        return None;
    }
    match op {
        Op::ListOneRoster | Op::GetOneRoster | Op::ListOneRosterNested => {
            let class = body["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"].as_str()?;
            let described = body["imsx_description"].as_str().is_some_and(|text| !text.is_empty());
            let status = serde_json::from_value::<gatehouse_model::oneroster::CodeMinor>(serde_json::json!(class))
                .ok()?
                .status();
            (body["imsx_codeMajor"] == "failure" && described && answer.status == status).then(|| class.to_owned())
        }
        Op::IssueOAuthToken => {
            let described = body["error_description"].as_str().is_some_and(|text| !text.is_empty());
            let status = if body["error"] == "invalid_client" { 401 } else { 400 };
            (described && answer.status == status).then(|| body["error"].as_str().map(str::to_owned)).flatten()
        }
        _ => {
            let receipt = answer.status == 422
                && body["outcome"] == "rejected"
                && body["rejected"].as_array().is_some_and(|rejected| !rejected.is_empty());
            receipt.then(|| "extract_rejected".to_owned())
        }
    }
}

/// What the valid request of a route answers, when not a 2xx: it cannot
/// succeed by construction, or the routes' own controls before it changed
/// what it points at. Each is still a problem with a stable code.
fn control_expectation(op: Op) -> Option<(u16, &'static str)> {
    match op {
        // A token nobody issued.
        Op::CreateSession | Op::CreateSchoolSession | Op::CreateOpsSession => Some((400, "invalid")),
        // The release's control, just before, applied the held extract.
        Op::RejectSchoolHeldExtract | Op::RejectOpsHeldExtract => Some((404, "no_held_extract")),
        _ => None,
    }
}

fn seed() -> [u8; 32] {
    let seed: u64 = std::env::var("BADINPUT_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(18);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes
}

fn cases_per_route() -> u32 {
    std::env::var("BADINPUT_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(CASES_PER_ROUTE)
}

/// Keys whose rows differ, bookkeeping left out.
fn changed_keys(op: Op, before: &Snapshot, after: &Snapshot) -> Vec<String> {
    let index = |rows: &Snapshot| -> BTreeMap<(String, String), String> {
        rows.iter().map(|(pk, sk, json)| ((pk.clone(), sk.clone()), json.clone())).collect()
    };
    let (before, after) = (index(before), index(after));
    let keys: BTreeSet<&(String, String)> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter(|key| before.get(*key) != after.get(*key))
        .filter(|key| {
            let (pk, sk) = key;
            !BOOKKEEPING.iter().any(|entry| {
                entry.op.is_none_or(|only| only == op)
                    && gatehouse_core::access::is_like(&format!("{}*", entry.pk), pk)
                    && sk.starts_with(entry.sk)
                    && match (entry.fields, before.get(*key), after.get(*key)) {
                        (None, ..) => true,
                        (Some(fields), Some(old), Some(new)) => {
                            fields_changed(old, new).split(", ").all(|changed| fields.contains(&changed))
                        }
                        _ => false,
                    }
            })
        })
        .map(|key| {
            let (pk, sk) = key;
            match (before.get(key), after.get(key)) {
                (None, Some(_)) => format!("{pk} / {sk} added"),
                (Some(_), None) => format!("{pk} / {sk} deleted"),
                (Some(old), Some(new)) => format!("{pk} / {sk} changed: {}", fields_changed(old, new)),
                (None, None) => unreachable!(),
            }
        })
        .collect()
}

/// The attributes that differ between two stored items.
fn fields_changed(old: &str, new: &str) -> String {
    let parse = |json: &str| serde_json::from_str::<serde_json::Value>(json).unwrap_or_default();
    let (old, new) = (parse(old), parse(new));
    let mut names: BTreeSet<String> = BTreeSet::new();
    for item in [&old, &new] {
        if let Some(map) = item["attributes"].as_object() {
            names.extend(map.keys().cloned());
        }
    }
    let mut changed: Vec<String> =
        names.into_iter().filter(|name| old["attributes"][name] != new["attributes"][name]).collect();
    for key in ["gsi1", "expires_at", "version"] {
        if old[key] != new[key] {
            changed.push(key.to_owned());
        }
    }
    changed.join(", ")
}

/// Whether the answer is a well-formed problem; `Err` says what is wrong.
fn check_problem(answer: &Answer) -> Result<String, String> {
    if answer.content_type != "application/problem+json" {
        return Err(format!("content type {:?}, body {:?}", answer.content_type, answer.text()));
    }
    let body = answer.json();
    let code = body["code"].as_str().unwrap_or_default();
    let stable = !code.is_empty()
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !stable {
        return Err(format!("no stable code: {}", answer.text()));
    }
    if body["status"] != answer.status {
        return Err(format!("status {} in the body of a {}", body["status"], answer.status));
    }
    if body["title"].as_str().is_none_or(str::is_empty) || body["type"].as_str().is_none_or(str::is_empty) {
        return Err(format!("no title or type: {}", answer.text()));
    }
    Ok(code.to_owned())
}

#[derive(Default)]
struct Tally {
    sent: usize,
    /// First refusals sent again for the stability check.
    resent: usize,
    refused_cases: usize,
    tolerated_cases: usize,
    by_kind: BTreeMap<&'static str, usize>,
    by_answer: BTreeMap<(u16, String), usize>,
    routes: BTreeSet<&'static str>,
    failures: Vec<String>,
}

impl Tally {
    fn fail(&mut self, spec: &RouteSpec, what: &str, detail: String) {
        self.failures.push(format!(
            "{} {} [{}]: {what}: {detail}",
            spec.route.method.as_str(),
            spec.route.path,
            spec.route.name
        ));
    }
}

struct Run {
    h: Harness,
    last: Snapshot,
    tally: Tally,
}

impl Run {
    /// Sends one request; returns the answer and, when it was refused, what
    /// it wrote to the store nonetheless.
    async fn send(&mut self, op: Op, request: &Request) -> (Result<Answer, String>, Vec<String>) {
        let answer = self.h.send(request).await;
        let accepted = answer.as_ref().is_ok_and(|a| a.status < 400);
        // An accepted write may set work off after its answer: wait for it,
        // so it is not taken for the next request's write.
        let after =
            if accepted && request.method == reqwest::Method::POST { self.h.settle().await } else { self.h.snapshot() };
        let written = if accepted { Vec::new() } else { changed_keys(op, &self.last, &after) };
        self.last = after;
        (answer, written)
    }

    /// Sends one bad input and checks the answer. The route's first
    /// refusal is sent again at once: the same bad input must get the same
    /// status and code (stable).
    async fn attack(&mut self, spec: &RouteSpec, case: &Case, stability_checked: &mut bool) {
        self.tally.sent += 1;
        *self.tally.by_kind.entry(case.kind).or_default() += 1;
        match case.expect {
            Expect::Refused => self.tally.refused_cases += 1,
            Expect::Tolerated => self.tally.tolerated_cases += 1,
        }
        let answer = self.attack_once(spec, case).await;
        let refused = answer.as_ref().is_some_and(|(status, _)| (400..500).contains(status));
        if !*stability_checked && case.expect == Expect::Refused && refused {
            *stability_checked = true;
            self.tally.resent += 1;
            let again = self.attack_once(spec, case).await;
            if again != answer {
                self.tally.fail(spec, &mutate::describe(case), format!("first {answer:?}, then {again:?}"));
            }
        }
    }

    /// The route's valid request, unbroken: it must be answered as expected.
    async fn control(&mut self, spec: &RouteSpec) {
        let request = mutate::valid_request(spec);
        let answer = match self.send(spec.route.op, &request).await.0 {
            Ok(answer) => answer,
            Err(error) => {
                self.tally.fail(spec, "the valid request", error);
                return;
            }
        };
        let expected = control_expectation(spec.route.op);
        let fine = match expected {
            None => (200..300).contains(&answer.status),
            Some((status, code)) => answer.status == status && answer.json()["code"] == code,
        };
        if !fine {
            let expected = expected.unwrap_or((200, "2xx"));
            self.tally.fail(
                spec,
                "the valid request",
                format!("expected {expected:?}, got {} {}", answer.status, answer.text()),
            );
        }
    }

    async fn attack_once(&mut self, spec: &RouteSpec, case: &Case) -> Option<(u16, String)> {
        let request = mutate::apply(spec, case);
        let described = mutate::describe(case);
        self.tally.routes.insert(spec.route.name);
        let (answer, written) = self.send(spec.route.op, &request).await;
        let answer = match answer {
            Ok(answer) => answer,
            Err(error) => {
                self.tally.fail(spec, &described, error);
                return None;
            }
        };
        if !written.is_empty() {
            let shown: Vec<&String> = written.iter().take(5).collect();
            self.tally.fail(
                spec,
                &described,
                format!("{} but wrote {} items: {shown:?}", answer.status, written.len()),
            );
        }
        let code = match richer_refusal(spec.route.op, &answer) {
            Some(code) => Ok(code),
            None if answer.status >= 400 => check_problem(&answer),
            None => Ok(String::new()),
        };
        *self.tally.by_answer.entry((answer.status, code.clone().unwrap_or_default())).or_default() += 1;
        if answer.status >= 500 {
            self.tally.fail(spec, &described, format!("{} {}", answer.status, answer.text()));
        } else if case.expect == Expect::Refused && !(400..500).contains(&answer.status) {
            self.tally.fail(spec, &described, format!("not refused: {} {}", answer.status, answer.text()));
        } else if let Err(problem) = &code {
            self.tally.fail(spec, &described, format!("{}: not a problem: {problem}", answer.status));
        }
        code.ok().map(|code| (answer.status, code))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_bad_input_with_a_problem_and_writes_nothing() {
    let started = Instant::now();
    let mut h = Harness::start().await;
    let doc = h.get(Caller::Anonymous, "/api/openapi.json").await;
    let ids = specs::Ids::discover(&mut h).await;
    let specs = specs::all_specs(&doc, &ids);
    let last = h.settle().await;
    let mut run = Run { h, last, tally: Tally::default() };

    let cases = cases_per_route();
    let config = Config { cases, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed()));
    let not_driven: std::collections::HashMap<Op, &str> = NOT_DRIVEN.iter().copied().collect();

    let mut controls = 0;
    for spec in &specs {
        if not_driven.contains_key(&spec.route.op) {
            continue;
        }
        let strategy = mutate::strategy(spec);
        let mut batch: Vec<Case> =
            (0..cases).map(|_| strategy.new_tree(&mut runner).expect("a case").current()).collect();
        if !matches!(spec.body, BodyShape::None) {
            batch.push(Case { kind: "oversized", expect: Expect::Refused, mutation: Mutation::Oversized });
        }
        // Half the cases before the valid request, half after it: a write
        // that has nothing left to do must still refuse garbage.
        let (before, after) = batch.split_at(batch.len() / 2);
        let mut stability_checked = false;
        for case in before {
            run.attack(spec, case, &mut stability_checked).await;
        }
        controls += 1;
        run.control(spec).await;
        for case in after {
            run.attack(spec, case, &mut stability_checked).await;
        }
    }

    for route in ROUTES {
        let driven = run.tally.routes.contains(route.name);
        match (driven, not_driven.get(&route.op)) {
            (false, None) => run.tally.failures.push(format!("{} is neither driven nor in NOT_DRIVEN", route.name)),
            (true, Some(_)) => run.tally.failures.push(format!("{} is driven: take it out of NOT_DRIVEN", route.name)),
            _ => {}
        }
    }

    let tally = &run.tally;
    println!(
        "badinput: {} generated bad inputs to {} of {} routes ({} must be refused, {} input the route does not read; \
         {} sent twice to check the answer is stable), {} valid controls, in {:.1?}",
        tally.sent,
        tally.routes.len(),
        ROUTES.len(),
        tally.refused_cases,
        tally.tolerated_cases,
        tally.resent,
        controls,
        started.elapsed()
    );
    println!("by kind: {:?}", tally.by_kind);
    println!("by answer: {:?}", tally.by_answer);
    for (op, reason) in NOT_DRIVEN {
        println!("not driven: {op:?}: {reason}");
    }
    for entry in BOOKKEEPING {
        let fields = entry.fields.map(|fields| format!(" ({})", fields.join(", "))).unwrap_or_default();
        let on = entry.op.map(|op| format!(" on {op:?}")).unwrap_or_default();
        println!("may change when refused{on}: {}…/{}…{fields}: {}", entry.pk, entry.sk, entry.why);
    }
    for (op, why) in RICHER_REFUSALS.iter().chain(mutate::ANSWERS_UNKNOWN_IDS) {
        println!("{op:?}: {why}");
    }
    for (op, field, why) in mutate::MAY_BE_EMPTY {
        println!("{op:?}: `{field}` may be empty: {why}");
    }
    if !tally.failures.is_empty() {
        for failure in tally.failures.iter().take(200) {
            println!("FAIL {failure}");
        }
        panic!("{} failures, listed above", tally.failures.len());
    }
}
