//! A run's end state, with what legitimately differs between two runs of the
//! same request taken out: random ids, tokens and their hashes. The clock is
//! fixed, so timestamps need no such help.
//!
//! Items are compared whole once scrubbed (so a half-applied change, a lost
//! or doubled log entry, a link at another state all show); emails by
//! recipient and subject; events by type and detail without their id.

use std::collections::{BTreeMap, BTreeSet};

use gatehouse_core::ports::{DomainEvent, Email, Item, Table};
use gatehouse_local::store::RedbTable;
use serde_json::{Map, Value, json};

use crate::rig::now;

/// A multiset of scrubbed things.
pub type Bag = BTreeMap<String, usize>;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndState {
    pub items: Bag,
    pub emails: Bag,
    pub events: Bag,
}

fn bag(things: impl IntoIterator<Item = String>) -> Bag {
    let mut bag = Bag::new();
    for thing in things {
        *bag.entry(thing).or_default() += 1;
    }
    bag
}

/// Rate-limit windows count attempts, and a retry is one more: by design,
/// so that failing requests cannot be used to try without limit.
const ATTEMPT_COUNTERS: &str = "RATE#";

/// The log of link writes the warm lists catch up from (#14) has one entry
/// per write, and a retry that rewrites a link (clearing a mark the failed
/// send left, say) is one more write: the links themselves are compared.
fn is_view_change(pk: &str) -> bool {
    gatehouse_core::access::is_like(gatehouse_core::access::VIEW_CHANGES, pk)
}

/// A job's parts (#15) are deleted when it ends, and left to expire when
/// that delete fails: they hold its input, not its outcome.
fn is_job_part(pk: &str, sk: &str) -> bool {
    pk.starts_with("JOB#") && sk.starts_with(gatehouse_core::keys::JOB_PART_PREFIX)
}

/// The items under `keys` in `store` as they stand (an expired item is gone).
pub async fn items(store: &RedbTable, keys: &BTreeSet<(String, String)>) -> Bag {
    let mut scrubbed = Vec::new();
    let compared =
        |(pk, sk): &&(String, String)| !pk.starts_with(ATTEMPT_COUNTERS) && !is_view_change(pk) && !is_job_part(pk, sk);
    for (pk, sk) in keys.iter().filter(compared) {
        let item = store.get(pk, sk).await.expect("the store reads");
        if let Some(item) = item.filter(|item| !item.is_expired_at(now().timestamp())) {
            scrubbed.push(scrub_item(&item));
        }
    }
    bag(scrubbed)
}

pub fn emails(emails: &[Email]) -> Bag {
    bag(emails.iter().map(|email| format!("to {}: {}", email.to.as_str(), scrub(&email.subject))))
}

pub fn events(events: &[DomainEvent]) -> Bag {
    bag(events.iter().map(|event| {
        let mut detail = event.detail.clone();
        if let Some(object) = detail.as_object_mut() {
            object.remove("id");
        }
        format!("{} {}", event.detail_type, scrub_value(&detail))
    }))
}

fn scrub_item(item: &Item) -> String {
    let gsi1 = item.gsi1.as_ref().map(|(pk, sk)| {
        // A whole-string run of 12 digits there is a change-feed sequence, not an id.
        let sk = if sk.len() == 12 && sk.bytes().all(|b| b.is_ascii_digit()) { sk.clone() } else { scrub(sk) };
        json!([scrub(pk), sk])
    });
    let attributes: Map<String, Value> =
        item.attributes.iter().map(|(name, value)| (name.clone(), scrub_value(value))).collect();
    // Not `version`: it counts writes for optimistic concurrency, and a
    // retry may rewrite an item to the same content (re-issuing a link that
    // was never emailed, say). Contents are compared whole, so a change
    // applied twice still shows: in its log entries, emails and events.
    json!({
        "key": [scrub(&item.pk), scrub(&item.sk)],
        "gsi1": gsi1,
        "expires_at": item.expires_at,
        "attributes": attributes,
    })
    .to_string()
}

fn scrub_value(value: &Value) -> Value {
    match value {
        Value::String(text) => Value::String(scrub(text)),
        Value::Array(values) => Value::Array(values.iter().map(scrub_value).collect()),
        Value::Object(object) => Value::Object(object.iter().map(|(k, v)| (scrub(k), scrub_value(v))).collect()),
        other => other.clone(),
    }
}

const CROCKFORD: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn is_hex(run: &str) -> bool {
    run.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Replaces what Gatehouse makes at random, by the shapes it makes them in:
/// SHA-256 hex (token and secret hashes), `hash[..16]` and `hash[..12]`
/// (held extract, lease, key and endpoint ids), the 8 hex of a team change
/// or an international request id, the 6 hex of an app id's suffix, ULIDs
/// (event ids) and webhook signing secrets.
pub fn scrub(text: &str) -> String {
    let text = scrub_secrets(text);
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphanumeric() {
            // Copy one whole character (non-ASCII ones are several bytes).
            let next = (i + 1..=bytes.len()).find(|at| text.is_char_boundary(*at)).unwrap_or(bytes.len());
            out.push_str(&text[i..next]);
            i = next;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let run = &text[start..i];
        let before = start.checked_sub(1).map(|at| bytes[at]);
        let before_that = start.checked_sub(2).map(|at| bytes[at]);
        let hex = is_hex(run);
        let has_letter = run.bytes().any(|b| b.is_ascii_alphabetic());
        let random = match run.len() {
            64 => hex,
            16 => hex,
            // All digits it could be a 12-digit sequence; those are whole strings (above).
            12 => hex,
            8 => hex && (matches!(before, Some(b'#' | b'-')) || has_letter),
            6 => hex && before == Some(b'-') && before_that.is_some_and(|b| b.is_ascii_lowercase()),
            26 => has_letter && run.chars().all(|c| CROCKFORD.contains(c)),
            _ => false,
        };
        if random {
            out.push_str(&format!("<random{}>", run.len()));
        } else {
            out.push_str(run);
        }
    }
    out
}

fn scrub_secrets(text: &str) -> String {
    const PREFIX: &str = "whsec_";
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(PREFIX) {
        out.push_str(&rest[..at + PREFIX.len()]);
        rest = &rest[at + PREFIX.len()..];
        let secret = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_').count();
        out.push_str("<secret>");
        rest = &rest[secret..];
    }
    out.push_str(rest);
    out
}

/// What is in `a` and not in `b`, counted.
fn minus(a: &Bag, b: &Bag) -> Vec<String> {
    let mut extra = Vec::new();
    for (thing, &count) in a {
        let other = b.get(thing).copied().unwrap_or(0);
        if count > other {
            extra.push(if count - other > 1 { format!("{}x {thing}", count - other) } else { thing.clone() });
        }
    }
    extra
}

fn key_of(item: &str) -> String {
    let value: Value = serde_json::from_str(item).unwrap_or_default();
    value["key"].to_string()
}

/// The fields of two versions of an item that differ, as `name: want → got`.
fn field_changes(want: &str, got: &str) -> String {
    let (want, got): (Value, Value) =
        (serde_json::from_str(want).unwrap_or_default(), serde_json::from_str(got).unwrap_or_default());
    let mut changes = Vec::new();
    for part in ["gsi1", "expires_at"] {
        if want[part] != got[part] {
            changes.push(format!("{part}: {} → {}", want[part], got[part]));
        }
    }
    let empty = Map::new();
    let (a, b) = (want["attributes"].as_object().unwrap_or(&empty), got["attributes"].as_object().unwrap_or(&empty));
    let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for name in names {
        if a.get(name) != b.get(name) {
            let show = |v: Option<&Value>| v.map_or("(none)".to_owned(), |v| short(&v.to_string()));
            changes.push(format!("{name}: {} → {}", show(a.get(name)), show(b.get(name))));
        }
    }
    changes.join("; ")
}

/// How `got` differs from `want`, one line per difference; empty when alike.
pub fn differences(want: &EndState, got: &EndState) -> Vec<String> {
    let mut lines = Vec::new();
    let (missing, extra) = (minus(&want.items, &got.items), minus(&got.items, &want.items));
    // An item on both sides under one key, changed: say what changed.
    let mut extra_by_key: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in &extra {
        extra_by_key.entry(key_of(item)).or_default().push(item.clone());
    }
    for item in &missing {
        let key = key_of(item);
        match extra_by_key.get_mut(&key) {
            Some(others) if others.len() == 1 && missing.iter().filter(|m| key_of(m) == key).count() == 1 => {
                let other = others.remove(0);
                lines.push(format!("item {key} differs: {}", field_changes(item, &other)));
            }
            _ => lines.push(format!("missing item: {}", short(item))),
        }
    }
    for item in extra_by_key.into_values().flatten() {
        lines.push(format!("extra item: {}", short(&item)));
    }
    for (what, want, got) in [("email", &want.emails, &got.emails), ("event", &want.events, &got.events)] {
        for thing in minus(want, got) {
            lines.push(format!("missing {what}: {}", short(&thing)));
        }
        for thing in minus(got, want) {
            lines.push(format!("extra {what}: {}", short(&thing)));
        }
    }
    lines
}

fn short(text: &str) -> String {
    const MAX: usize = 400;
    if text.len() <= MAX {
        return text.to_owned();
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_shapes_are_scrubbed_and_the_rest_kept() {
        let hash = "a".repeat(63) + "1";
        assert_eq!(scrub(&format!("SESSION#{hash}")), "SESSION#<random64>");
        assert_eq!(scrub("APPKEY#demo-app#0a1b2c3d4e5f"), "APPKEY#demo-app#<random12>");
        assert_eq!(scrub("IR-20261123-0099aa11"), "IR-<random8>-<random8>");
        assert_eq!(scrub("2026-11-23T10:00:00.000Z#12345678"), "2026-11-23T10:00:00.000Z#<random8>");
        assert_eq!(scrub("APP#acme-timetabler-123456"), "APP#acme-timetabler-<random6>");
        assert_eq!(scrub("evt_01KBX3J5Z0000000000000000A"), "evt_<random26>");
        assert_eq!(scrub("whsec_abc-DEF_ghi now"), "whsec_<secret> now");
        assert_eq!(scrub("Lycée #0a1b2c3d"), "Lycée #<random8>");
        for kept in ["GH-000042", "SCHOOL#3280001", "LOGENTRY#0000000003", "2026-11-23", "Dana Demo", "decade"] {
            assert_eq!(scrub(kept), kept);
        }
    }

    #[test]
    fn a_doubled_log_entry_and_a_second_email_are_differences() {
        let want = EndState {
            items: bag(["log 1".to_owned()]),
            emails: bag(["to a@b.example: Receipt".to_owned()]),
            events: Bag::new(),
        };
        let mut got = want.clone();
        assert!(differences(&want, &got).is_empty());
        got.items = bag(["log 1".to_owned(), "log 1".to_owned()]);
        got.emails = Bag::new();
        let found = differences(&want, &got);
        assert_eq!(found, ["extra item: log 1", "missing email: to a@b.example: Receipt"]);
    }
}
