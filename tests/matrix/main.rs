//! The access matrix (issue 18, "Checks that cover everything"): one table
//! (`table.rs`) says, for every route in `ROUTES`, what each caller gets:
//! anonymous; a partner member, a partner admin, the other partner (its admin and a member); a
//! member and an admin of the school concerned, a user of another school;
//! ops; an app key with the scope, one without it, one of the other
//! partner; the agent key of the school concerned and of another. This
//! test runs every cell against the local server and checks the status and
//! the problem `code`. The table is an exhaustive `match` over `Op`, so a
//! route without a row does not compile; the test also checks that every
//! route of `ROUTES` ran for every caller. Another tenant's record is
//! always `404`, never `403 forbidden`; no answer is ever a 5xx.

mod callers;
use gatehouse_tests::extracts;
mod table;
use gatehouse_tests::wait;
mod world;

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use gatehouse_model::{Method, ROUTES, Route};
use serde_json::json;

use crate::callers::{Caller, Credentials};
use crate::table::{Audience, Body, Expect, Param, Prep, Row, default_param, row};
use crate::world::{Fixture, World, send};

/// The path of `route` for `caller`, its parameters filled from the row or
/// the records concerned; `None` names a parameter nobody fills.
fn path_for(route: &Route, row: &Row, caller: Caller, fx: &Fixture) -> Result<String, String> {
    let mut path = String::new();
    let mut rest = route.path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map(|at| open + at).ok_or("an unclosed parameter")?;
        let name = &rest[open + 1..close];
        let value = match row.params.iter().find(|(param, _)| *param == name) {
            Some((_, Param::Fixed(value))) => value.clone(),
            Some((_, Param::PerCaller(value))) => value(caller).to_owned(),
            None => default_param(name, fx).ok_or_else(|| format!("{} has no value for {{{name}}}", route.name))?,
        };
        path.push_str(&rest[..open]);
        path.push_str(&value);
        rest = &rest[close + 1..];
    }
    path.push_str(rest);
    Ok(path + &row.query)
}

/// The table needs no server to be whole: every route has a row, and every
/// path parameter of every route has a value.
#[test]
fn every_route_has_a_row_that_fills_its_path() {
    let fx = Fixture::default();
    for route in ROUTES {
        let row = row(route.op, &fx);
        for caller in Caller::ALL {
            path_for(route, &row, caller, &fx).unwrap_or_else(|missing| panic!("{missing}"));
        }
        for (caller, _, why) in &row.except {
            assert!(!why.is_empty(), "{}: the exception for {} says why", route.name, caller.name());
        }
    }
}

/// One cell: a route, a caller, what the table says it gets.
struct Cell {
    route_index: usize,
    caller: Caller,
    expect: Expect,
    stage: u8,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_every_caller_as_the_table_says() {
    let started = Instant::now();
    let world = World::build().await;
    let setup = started.elapsed();
    let rows: Vec<Row> = ROUTES.iter().map(|route| row(route.op, &world.fx)).collect();

    // Refusals first, then the calls that may change something; later stages after.
    let mut cells: Vec<Cell> = Vec::new();
    for (route_index, row) in rows.iter().enumerate() {
        for caller in Caller::ALL {
            cells.push(Cell { route_index, caller, expect: row.expect(caller), stage: row.stage });
        }
    }
    cells.sort_by_key(|cell| (cell.stage, cell.expect == Expect::Ok, cell.route_index, cell.caller));

    let mut failures: Vec<String> = Vec::new();
    let mut ran: HashMap<usize, usize> = HashMap::new();
    let mut answers: BTreeMap<u16, usize> = BTreeMap::new();
    for cell in &cells {
        let route = &ROUTES[cell.route_index];
        let row = &rows[cell.route_index];
        let identity = &world.callers[&cell.caller];
        let path = path_for(route, row, cell.caller, &world.fx).expect("the table fills every path");
        let mut held_id = String::new();
        if cell.expect == Expect::Ok && row.prep == Prep::HeldExtract {
            held_id = world.ensure_held().await;
        }
        let (body, content_type) = match &row.body {
            Body::Empty => (None, "application/json"),
            Body::Json(value) => (Some(value.to_string()), "application/json"),
            Body::PerCaller(value) => (Some(value(cell.caller).to_string()), "application/json"),
            Body::HeldExtract => (Some(json!({ "held_id": held_id }).to_string()), "application/json"),
            Body::Csv(csv) => (Some((*csv).to_owned()), "text/csv"),
            Body::Form(form) => (Some(form.clone()), "application/x-www-form-urlencoded"),
        };
        let bearer = match &identity.credentials {
            Credentials::Bearer(key) => Some(key.as_str()),
            Credentials::Nothing | Credentials::Session => None,
        };
        let body = if route.method == Method::Post { body.map(reqwest::Body::from) } else { None };
        let answer = send(&world.url, &identity.client, route.method, &path, bearer, body, content_type).await;
        *ran.entry(cell.route_index).or_default() += 1;
        // Work accepted as a job (#15) ends before the next cell, as a caller polling it would see.
        if let (202, Some(status_url)) = (answer.status, answer.body["status_url"].as_str()) {
            world.finish_job(&identity.client, bearer, status_url).await;
        }
        *answers.entry(answer.status).or_default() += 1;

        let code = if row.roster {
            answer.body["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"].as_str().unwrap_or("")
        } else {
            answer.body["code"].as_str().unwrap_or("")
        };
        let what = format!("{} {path} as {}", route.method.as_str(), cell.caller.name());
        let got = format!("{} {code} {}", answer.status, answer.body["detail"].as_str().unwrap_or(""));
        match cell.expect {
            Expect::Ok if (200..300).contains(&answer.status) => {}
            Expect::Ok => failures.push(format!("{what}: expected 2xx, got {got}")),
            Expect::Refused(status, expected) => {
                if answer.status != status || code != expected {
                    failures.push(format!("{what}: expected {status} {expected}, got {got}"));
                } else if !row.roster && answer.body["status"] != status {
                    failures.push(format!("{what}: the problem's status is {}", answer.body["status"]));
                }
            }
        }
        // Whatever the table says, these always hold.
        if answer.status >= 500 {
            failures.push(format!("{what}: a server error, {got}"));
        }
        if row.roster && answer.status >= 400 && (answer.body["imsx_codeMajor"] != "failure" || code.is_empty()) {
            failures.push(format!("{what}: a OneRoster refusal that is no imsx_StatusInfo: {}", answer.text));
        } else if !row.roster
            && answer.status >= 400
            && (answer.content_type != "application/problem+json" || code.is_empty())
        {
            failures.push(format!("{what}: a refusal that is no problem+json with a code: {}", answer.content_type));
        }
        if cell.caller.is_other_tenant() && row.names_a_record() && answer.status == 403 && code == "forbidden" {
            failures.push(format!("{what}: another tenant is told 403 forbidden, not 404"));
        }
        // (The public documents, such as the OpenAPI examples, are everyone's.)
        let public = matches!(row.audience, Audience::Public);
        for marker in cell.caller.must_not_see().iter().filter(|_| !public) {
            if let Some(at) = answer.text.find(marker) {
                let around: String = answer.text[at.saturating_sub(120)..].chars().take(240).collect();
                failures.push(format!("{what}: another tenant reads {marker:?}: …{around}…"));
            }
        }
    }

    // Every route ran for every caller.
    for (index, route) in ROUTES.iter().enumerate() {
        let count = ran.get(&index).copied().unwrap_or(0);
        if count != Caller::ALL.len() {
            failures.push(format!("{} ran for {count} callers, not {}", route.name, Caller::ALL.len()));
        }
    }
    let allowed = cells.iter().filter(|cell| cell.expect == Expect::Ok).count();
    println!(
        "access matrix: {} routes × {} callers = {} cells run ({allowed} allowed, {} refused); answers {answers:?}; \
         setup {:.1?}, total {:.1?}",
        ROUTES.len(),
        Caller::ALL.len(),
        cells.len(),
        cells.len() - allowed,
        setup,
        started.elapsed(),
    );
    assert_eq!(cells.len(), ROUTES.len() * Caller::ALL.len());
    assert!(
        failures.is_empty(),
        "{} of {} cells differ from the table:\n{}",
        failures.len(),
        cells.len(),
        failures.join("\n")
    );
}
