//! Bad inputs, made from a valid request: each case is the valid request with
//! exactly one thing broken, so the refusal can only be about that thing.
//! Which things can break comes from the OpenAPI document: the body's schema
//! (required, nullable, type, enum, date formats), the query parameters and
//! their types, the path parameters, and whether the route honours an
//! `Idempotency-Key`.

use proptest::prelude::*;
use proptest::sample::select;
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::{Map, Value, json};

use crate::harness::{Caller, Request};

/// Whether the answer must be a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Malformed: a 4xx problem, and nothing written.
    Refused,
    /// Input the route does not read (an unknown query parameter, a body on
    /// a route without one): ignored is fine, a 5xx is not.
    Tolerated,
}

/// One segment of a JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

pub type Pointer = Vec<Seg>;

/// What a value in the body is, from its schema.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Text,
    Enum(Vec<String>),
    Date,
    Slot,
    Time,
    Bool,
    Integer,
    Array,
    Object,
    Unknown,
}

/// A place in the sample body.
#[derive(Debug, Clone)]
pub struct Field {
    pub pointer: Pointer,
    pub kind: Kind,
    /// Dropping it must be refused.
    pub required: bool,
    /// `null` is a valid value.
    pub nullable: bool,
}

/// What kind of query parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamKind {
    Text,
    Integer,
    Bool,
    Enum(Vec<String>),
    Cursor,
    SyncToken,
}

#[derive(Debug, Clone)]
pub struct QueryParam {
    pub name: String,
    pub required: bool,
    pub kind: ParamKind,
}

/// The body a route takes.
#[derive(Debug, Clone)]
pub enum BodyShape {
    None,
    Json {
        sample: Value,
        fields: Vec<Field>,
        limit: usize,
    },
    /// `text/csv` (the directory import).
    Text {
        sample: String,
        limit: usize,
    },
    /// `application/x-www-form-urlencoded` (OAuth's token request, #17).
    Form {
        sample: String,
        limit: usize,
    },
}

/// Everything needed to make a valid request to one route, and to break it.
#[derive(Debug, Clone)]
pub struct RouteSpec {
    pub route: &'static gatehouse_model::Route,
    pub caller: Caller,
    pub path_params: Vec<(String, String)>,
    pub query_params: Vec<QueryParam>,
    /// The valid query, unencoded.
    pub query_sample: Vec<(String, String)>,
    pub body: BodyShape,
    pub idempotent: bool,
    /// Requests from an address of their own (per-address rate limits).
    pub own_address: bool,
}

/// One broken thing.
#[derive(Debug, Clone)]
pub enum Mutation {
    DropField(Pointer),
    UnknownField(Pointer, String, Value),
    Replace(Pointer, Value),
    /// Raw JSON text at the pointer (numbers JSON values cannot hold, deep nesting).
    Raw(Pointer, String),
    /// The whole body as these bytes.
    WholeBody(Vec<u8>),
    ContentType(Option<String>),
    Oversized,
    QueryValue(String, String),
    QueryDrop(String),
    QueryDuplicate(String, String),
    QueryUnknown(String, String),
    PathSegment(String, String),
    IdempotencyKey(Vec<u8>),
    Credential(String),
    UnexpectedBody(String, Vec<u8>),
}

/// A mutation with its label and expectation.
#[derive(Debug, Clone)]
pub struct Case {
    pub kind: &'static str,
    pub expect: Expect,
    pub mutation: Mutation,
}

fn case(kind: &'static str, expect: Expect, mutation: Mutation) -> Case {
    Case { kind, expect, mutation }
}

// ---------------------------------------------------------------------------
// The schema side

/// Follows `$ref`s.
pub fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    let mut current = schema;
    for _ in 0..16 {
        match current.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference.rsplit('/').next().unwrap();
                current = &doc["components"]["schemas"][name];
            }
            None => break,
        }
    }
    current
}

fn is_nullable(doc: &Value, schema: &Value) -> bool {
    let schema = resolve(doc, schema);
    let typed_null = match &schema["type"] {
        Value::Array(types) => types.iter().any(|t| t == "null"),
        Value::String(t) => t == "null",
        _ => false,
    };
    let one_of_null = schema["oneOf"]
        .as_array()
        .is_some_and(|options| options.iter().any(|option| resolve(doc, option)["type"] == "null"));
    typed_null || one_of_null
}

/// The schema without its `null` alternative.
fn non_null<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    let schema = resolve(doc, schema);
    if let Some(options) = schema["oneOf"].as_array()
        && let Some(option) = options.iter().find(|option| resolve(doc, option)["type"] != "null")
    {
        return resolve(doc, option);
    }
    if let Some(all) = schema["allOf"].as_array()
        && all.len() == 1
    {
        return resolve(doc, &all[0]);
    }
    schema
}

fn type_name(schema: &Value) -> Option<&str> {
    match &schema["type"] {
        Value::String(t) => Some(t.as_str()),
        Value::Array(types) => types.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ => None,
    }
}

/// The kind of a value; `description` is the property's own (a `$ref`'s
/// sibling), where the date formats are documented.
fn kind_of(doc: &Value, schema: &Value, description: &str) -> Kind {
    let schema = non_null(doc, schema);
    if let Some(values) = schema["enum"].as_array() {
        return Kind::Enum(values.iter().filter_map(Value::as_str).map(str::to_owned).collect());
    }
    let description = format!("{description} {}", schema["description"].as_str().unwrap_or_default());
    match type_name(schema) {
        Some("string") if description.contains("YYYY-MM-DDTHH:MM") => Kind::Slot,
        Some("string") if description.contains("YYYY-MM-DD") => Kind::Date,
        Some("string") if description.contains("HH:MM") => Kind::Time,
        Some("string") => Kind::Text,
        Some("boolean") => Kind::Bool,
        Some("integer") => Kind::Integer,
        Some("array") => Kind::Array,
        Some("object") => Kind::Object,
        _ => Kind::Unknown,
    }
}

/// Every place in `value`, with what its schema says about it.
pub fn fields(doc: &Value, schema: &Value, value: &Value) -> Vec<Field> {
    let mut out = Vec::new();
    walk(doc, Some(schema), "", value, Vec::new(), true, false, &mut out);
    out
}

#[allow(clippy::too_many_arguments)]
fn walk(
    doc: &Value,
    schema: Option<&Value>,
    description: &str,
    value: &Value,
    pointer: Pointer,
    required: bool,
    nullable: bool,
    out: &mut Vec<Field>,
) {
    let kind = match schema {
        Some(schema) => kind_of(doc, schema, description),
        None => Kind::Unknown,
    };
    // Array items of a documented `HH:MM` list are times.
    let item_kind_hint = (kind == Kind::Array && description.contains("HH:MM")).then_some(Kind::Time);
    out.push(Field { pointer: pointer.clone(), kind: kind.clone(), required, nullable });
    let schema = schema.map(|schema| non_null(doc, schema));
    match value {
        Value::Object(map) => {
            let required_names: Vec<&str> = schema
                .and_then(|schema| schema["required"].as_array())
                .map(|names| names.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for (key, child) in map {
                let property = schema.and_then(|schema| schema["properties"].get(key));
                let child_description = property.and_then(|p| p["description"].as_str()).unwrap_or_default();
                let child_nullable = property.is_some_and(|p| is_nullable(doc, p));
                let mut child_pointer = pointer.clone();
                child_pointer.push(Seg::Key(key.clone()));
                walk(
                    doc,
                    property,
                    child_description,
                    child,
                    child_pointer,
                    required_names.contains(&key.as_str()),
                    child_nullable,
                    out,
                );
            }
        }
        Value::Array(items) => {
            let item_schema = schema.and_then(|schema| schema.get("items"));
            for (index, child) in items.iter().enumerate() {
                let mut child_pointer = pointer.clone();
                child_pointer.push(Seg::Index(index));
                let before = out.len();
                walk(doc, item_schema, "", child, child_pointer, true, false, out);
                if let Some(hint) = &item_kind_hint {
                    out[before].kind = hint.clone();
                }
            }
        }
        _ => {}
    }
}

/// A valid-looking value for a schema, for routes without a written sample.
pub fn synthesize(doc: &Value, schema: &Value) -> Value {
    let schema = non_null(doc, schema);
    if let Some(values) = schema["enum"].as_array() {
        return values.first().cloned().unwrap_or(Value::Null);
    }
    match type_name(schema) {
        Some("string") => json!("sample"),
        Some("boolean") => json!(true),
        Some("integer") | Some("number") => json!(1),
        Some("array") => match schema.get("items") {
            Some(items) => json!([synthesize(doc, items)]),
            None => json!([]),
        },
        _ => {
            let mut map = Map::new();
            let required: Vec<&str> = schema["required"]
                .as_array()
                .map(|names| names.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(properties) = schema["properties"].as_object() {
                for (name, property) in properties {
                    if required.contains(&name.as_str()) {
                        map.insert(name.clone(), synthesize(doc, property));
                    }
                }
            }
            Value::Object(map)
        }
    }
}

// ---------------------------------------------------------------------------
// The strategies

const LONG: usize = 10_000;

fn long_string() -> impl Strategy<Value = String> {
    select(vec!["x", "é", "字", "😀", "a b "]).prop_map(|unit| unit.repeat(LONG / unit.chars().count()))
}

/// Control characters (tab, CR and LF are text) and the bidi controls that
/// reorder what a reader sees (U+202A–U+202E, U+2066–U+2069).
const CONTROLS: &[char] = &[
    '\u{0}', '\u{1}', '\u{7}', '\u{8}', '\u{b}', '\u{c}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9b}', '\u{202a}',
    '\u{202b}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
];

fn with_control(sample: &str) -> impl Strategy<Value = String> + use<> {
    let sample = sample.to_owned();
    (select(CONTROLS.to_vec()), 0usize..3).prop_map(move |(control, place)| {
        let chars: Vec<char> = sample.chars().collect();
        let at = match place {
            0 => 0,
            1 => chars.len() / 2,
            _ => chars.len(),
        };
        let mut out: String = chars[..at].iter().collect();
        out.push(control);
        out.extend(&chars[at..]);
        out
    })
}

fn wrong_types(kind: &Kind) -> Vec<Value> {
    match kind {
        Kind::Text | Kind::Enum(_) | Kind::Date | Kind::Slot | Kind::Time => {
            vec![json!(42), json!(true), json!([]), json!({}), json!(1.5), json!(["x"])]
        }
        Kind::Bool => vec![json!("true"), json!(1), json!(0), json!("yes"), json!([]), json!({})],
        Kind::Integer => vec![json!("1"), json!(true), json!(1.5), json!([]), json!({})],
        Kind::Array => vec![json!("x"), json!(1), json!({}), json!(true)],
        Kind::Object => vec![json!("x"), json!(1), json!([]), json!(true)],
        Kind::Unknown => vec![],
    }
}

fn bad_dates(kind: &Kind) -> Vec<&'static str> {
    match kind {
        Kind::Date => vec![
            "2026-02-30",
            "2026-13-01",
            "2026-11-31",
            "0000-00-00",
            "23/11/2026",
            "2026/11/23",
            "26-11-23",
            "+002026-11-23",
            "2026-11-23T10:00:00Z",
            "９９９９-01-01",
            "",
            "yesterday",
            "-2026-11-23",
        ],
        Kind::Slot => {
            vec!["2026-11-30T25:00", "2026-11-30 10:00", "2026-02-30T10:00", "2026-11-30T10:00:00Z", "", "now"]
        }
        // An empty time in a list is a blank row of the form, left out.
        Kind::Time => vec!["24:00", "10:60", "1000", "-1:00", "10:00:00", "noon", "9:5", "+9:30"],
        _ => vec![],
    }
}

/// A `kind` case per field of `fields` replaced by one of the values given for it, to be refused;
/// none when there are no such fields.
fn replaced_by_one_of<T>(kind: &'static str, fields: Vec<(Pointer, Vec<T>)>) -> Option<BoxedStrategy<Case>>
where
    T: serde::Serialize + Clone + std::fmt::Debug + 'static,
{
    if fields.is_empty() {
        return None;
    }
    let strategy = select(fields).prop_flat_map(move |(p, values)| {
        select(values).prop_map(move |v| case(kind, Expect::Refused, Mutation::Replace(p.clone(), json!(v))))
    });
    Some(strategy.boxed())
}

fn bad_enums(values: &[String]) -> Vec<String> {
    let first = values.first().cloned().unwrap_or_default();
    vec![
        String::new(),
        "not_a_value".to_owned(),
        first.to_uppercase(),
        format!(" {first}"),
        format!("{first} "),
        format!("{first}\u{0}"),
    ]
    .into_iter()
    .filter(|value| !values.contains(value))
    .collect()
}

/// Numbers no field takes, as JSON text (some are not JSON at all).
const NUMBERS: &[&str] = &[
    "1e400",
    "-1e400",
    "-1",
    "18446744073709551616",
    "-9223372036854775809",
    "1.5",
    "NaN",
    "Infinity",
    "0x10",
    "1_000",
    "01",
    "4294967296",
];

fn nested(depth: usize, objects: bool) -> String {
    if objects { "{\"a\":".repeat(depth) + "1" + &"}".repeat(depth) } else { "[".repeat(depth) + &"]".repeat(depth) }
}

const UNKNOWN_NAMES: &[&str] = &["unexpected", "__proto__", "constructor", "is_admin", "partner_id", "zzz"];

/// Required text fields an empty value is right for, each with the reason.
pub const MAY_BE_EMPTY: &[(gatehouse_model::Op, &str, &str)] = &[
    (gatehouse_model::Op::UpdateDirectorySchool, "postcode", "an international school's entry has none"),
    (gatehouse_model::Op::UpdateDirectorySchool, "phase", "an international school's entry has none"),
];

fn body_strategies(
    op: gatehouse_model::Op,
    sample: &Value,
    fields: &[Field],
    text_fields: &[(Pointer, String)],
    nested_unknown_tolerated: bool,
) -> Vec<BoxedStrategy<Case>> {
    use Expect::Refused;
    let mut out: Vec<BoxedStrategy<Case>> = Vec::new();

    let required: Vec<Pointer> = fields
        .iter()
        .filter(|f| f.required && !f.pointer.is_empty() && !matches!(f.pointer.last(), Some(Seg::Index(_))))
        .map(|f| f.pointer.clone())
        .collect();
    if !required.is_empty() {
        out.push(select(required).prop_map(|p| case("missing_field", Refused, Mutation::DropField(p))).boxed());
    }

    let objects: Vec<Pointer> = fields.iter().filter(|f| f.kind == Kind::Object).map(|f| f.pointer.clone()).collect();
    if !objects.is_empty() {
        // A near-miss too: an existing name in another case.
        let mut names: Vec<String> = UNKNOWN_NAMES.iter().map(|s| s.to_string()).collect();
        if let Value::Object(map) = sample
            && let Some(key) = map.keys().next()
        {
            let mut chars = key.chars();
            if let Some(first) = chars.next() {
                names.push(first.to_uppercase().chain(chars).collect());
            }
        }
        out.push(
            (select(objects), select(names), select(vec![json!(1), json!("x"), Value::Null, json!({}), json!([])]))
                .prop_map(move |(p, name, value)| {
                    let expect = if nested_unknown_tolerated && !p.is_empty() { Expect::Tolerated } else { Refused };
                    case("unknown_field", expect, Mutation::UnknownField(p, name, value))
                })
                .boxed(),
        );
    }

    let typed: Vec<(Pointer, Vec<Value>)> = fields
        .iter()
        .filter(|f| !f.pointer.is_empty())
        .map(|f| (f.pointer.clone(), wrong_types(&f.kind)))
        .filter(|(_, values)| !values.is_empty())
        .collect();
    if !typed.is_empty() {
        out.push(
            select(typed)
                .prop_flat_map(|(p, values)| {
                    select(values).prop_map(move |v| case("wrong_type", Refused, Mutation::Replace(p.clone(), v)))
                })
                .boxed(),
        );
    }

    let not_nullable: Vec<Pointer> =
        fields.iter().filter(|f| !f.nullable && !f.pointer.is_empty()).map(|f| f.pointer.clone()).collect();
    if !not_nullable.is_empty() {
        out.push(select(not_nullable).prop_map(|p| case("null", Refused, Mutation::Replace(p, Value::Null))).boxed());
    }

    // Empty or blank where a text is required (an optional one left empty
    // means absent).
    let may_be_empty = |pointer: &Pointer| {
        MAY_BE_EMPTY.iter().any(|(may, name, _)| *may == op && pointer.last() == Some(&Seg::Key(name.to_string())))
    };
    let required_texts: Vec<Pointer> = fields
        .iter()
        .filter(|f| f.required && !f.nullable && f.kind == Kind::Text && !may_be_empty(&f.pointer))
        .filter(|f| matches!(f.pointer.last(), Some(Seg::Key(_))))
        .map(|f| f.pointer.clone())
        .collect();
    if !required_texts.is_empty() {
        out.push(
            (select(required_texts), select(vec!["", "   ", "\t\n"]))
                .prop_map(|(p, v)| case("empty_string", Refused, Mutation::Replace(p, json!(v))))
                .boxed(),
        );
    }

    if !text_fields.is_empty() {
        let pointers: Vec<Pointer> = text_fields.iter().map(|(p, _)| p.clone()).collect();
        out.push(
            (select(pointers), long_string())
                .prop_map(|(p, s)| case("long_string", Refused, Mutation::Replace(p, json!(s))))
                .boxed(),
        );
        out.push(
            select(text_fields.to_vec())
                .prop_flat_map(|(p, sample)| {
                    with_control(&sample)
                        .prop_map(move |s| case("control_char", Refused, Mutation::Replace(p.clone(), json!(s))))
                })
                .boxed(),
        );
    }

    let dated: Vec<(Pointer, Vec<&'static str>)> = fields
        .iter()
        .map(|f| (f.pointer.clone(), bad_dates(&f.kind)))
        .filter(|(_, values)| !values.is_empty())
        .collect();
    out.extend(replaced_by_one_of("bad_date", dated));

    let enums: Vec<(Pointer, Vec<String>)> = fields
        .iter()
        .filter_map(|f| match &f.kind {
            Kind::Enum(values) => Some((f.pointer.clone(), bad_enums(values))),
            _ => None,
        })
        .collect();
    out.extend(replaced_by_one_of("bad_enum", enums));

    let all: Vec<Pointer> = fields.iter().map(|f| f.pointer.clone()).collect();
    out.push(
        (select(all.clone()), select(NUMBERS.to_vec()))
            .prop_map(|(p, n)| case("number_out_of_range", Refused, Mutation::Raw(p, n.to_owned())))
            .boxed(),
    );
    out.push(
        (select(all), select(vec![200usize, 1000, 5000]), any::<bool>())
            .prop_map(|(p, depth, objects)| case("deep_nesting", Refused, Mutation::Raw(p, nested(depth, objects))))
            .boxed(),
    );

    let mut duplicated = Vec::new();
    if let Value::Object(map) = sample
        && let Some((key, value)) = map.iter().next()
    {
        let rest = serde_json::to_string(sample).unwrap();
        duplicated = format!("{{{}:{},{}", json!(key), value, &rest[1..]).into_bytes();
    }
    let mut wholes: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"{".to_vec(),
        b"[]".to_vec(),
        b"null".to_vec(),
        b"\"text\"".to_vec(),
        b"42".to_vec(),
        b"{\"a\":}".to_vec(),
        b"{'token':'x'}".to_vec(),
        vec![0xff, 0xfe, 0xfd],
        [b"\xef\xbb\xbf".to_vec(), serde_json::to_vec(sample).unwrap()].concat(),
        [serde_json::to_vec(sample).unwrap(), b"x".to_vec()].concat(),
        [serde_json::to_vec(sample).unwrap(), serde_json::to_vec(sample).unwrap()].concat(),
    ];
    if !duplicated.is_empty() {
        wholes.push(duplicated);
    }
    out.push(select(wholes).prop_map(|bytes| case("not_json", Refused, Mutation::WholeBody(bytes))).boxed());
    out.push(
        select(vec![
            None,
            Some("text/plain".to_owned()),
            Some("application/x-www-form-urlencoded".to_owned()),
            Some("multipart/form-data; boundary=x".to_owned()),
            Some("application/xml".to_owned()),
            Some("application/jsonx".to_owned()),
            Some("".to_owned()),
        ])
        .prop_map(|ct| case("content_type", Refused, Mutation::ContentType(ct)))
        .boxed(),
    );
    out
}

/// A token request broken one way at a time: each is a refusal RFC 6749 names.
fn form_strategies(sample: &str) -> Vec<BoxedStrategy<Case>> {
    use Expect::Refused;
    let secret = sample.rsplit("client_secret=").next().unwrap_or_default();
    let wholes: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"grant_type=client_credentials".to_vec(),
        sample.replace("client_credentials", "password").into_bytes(),
        sample.replace("grant_type=client_credentials&", "").into_bytes(),
        format!("{sample}&grant_type=client_credentials").into_bytes(),
        format!("{sample}&scope=admin").into_bytes(),
        sample.replace(secret, "not-the-secret").into_bytes(),
        sample.replace("client_secret=", "client_secret=x").into_bytes(),
        sample.split("&client_secret=").next().unwrap_or_default().as_bytes().to_vec(),
        [sample.as_bytes(), b"&scope=\xff\xfe"].concat(),
        serde_json::to_vec(&json!({ "grant_type": "client_credentials" })).unwrap(),
    ];
    vec![
        select(wholes).prop_map(|bytes| case("not_a_token_request", Refused, Mutation::WholeBody(bytes))).boxed(),
        select(vec![None, Some("application/json".to_owned()), Some("text/plain".to_owned()), Some(String::new())])
            .prop_map(|ct| case("content_type", Refused, Mutation::ContentType(ct)))
            .boxed(),
    ]
}

fn csv_strategies() -> Vec<BoxedStrategy<Case>> {
    use Expect::Refused;
    let wholes: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"   \n\n".to_vec(),
        b"not,a,register\n1,2,3\n".to_vec(),
        vec![0xff, 0xfe, 0x00, 0x41],
        b"{\"urn\": 1}".to_vec(),
        "URN\u{0},Name\n1,2\n".as_bytes().to_vec(),
        "x".repeat(LONG).into_bytes(),
        "\u{202e}URN,LA (code)\n".as_bytes().to_vec(),
    ];
    vec![select(wholes).prop_map(|bytes| case("not_csv", Refused, Mutation::WholeBody(bytes))).boxed()]
}

fn query_strategies(spec: &RouteSpec, reads_extra: bool) -> Vec<BoxedStrategy<Case>> {
    use Expect::{Refused, Tolerated};
    let mut out: Vec<BoxedStrategy<Case>> = Vec::new();
    let mut malformed: Vec<(String, Vec<String>)> = Vec::new();
    let mut lenient: Vec<(String, Vec<String>)> = Vec::new();
    for param in &spec.query_params {
        let name = param.name.clone();
        // Broken whatever the parameter: too long, control characters,
        // percent-encoding that is not UTF-8 or not percent-encoding.
        let mut values: Vec<String> = vec![
            "x".repeat(LONG),
            "%00".to_owned(),
            "a%1Bb".to_owned(),
            "%E2%80%AEabc".to_owned(),
            "%FF%FE".to_owned(),
        ];
        match &param.kind {
            ParamKind::Integer => {
                values.extend(["abc", "-1", "1.5", "99999999999999999999", "", "0x10", "1e3", "0"].map(String::from))
            }
            ParamKind::Bool => values.extend(["maybe", "1", "yes", "", "TRUE"].map(String::from)),
            ParamKind::Enum(allowed) => {
                values.extend(bad_enums(allowed).into_iter().map(|v| v.replace('\u{0}', "%00").replace(' ', "%20")))
            }
            ParamKind::Cursor => values.extend(
                [
                    "!!!",
                    "AAAA",
                    "eyJwayI6IngifQ",
                    "eyJwayI6IkFQUCNvdGhlci1hcHAiLCJzayI6IngifQ",
                    "null",
                    "",
                    "%2F%2F%2F",
                    "MTIzNDU2Nzg5MA",
                ]
                .map(String::from),
            ),
            ParamKind::SyncToken => {
                values.extend(["garbage", "2026-11-23", "0", "-1", "", "eyJzZXEiOi0xfQ", "AAAA"].map(String::from))
            }
            ParamKind::Text => {}
        }
        // Empty means absent to some parameters; `%zz` and a lone `%` are
        // not percent-encoding, kept as they are (as browsers do).
        values.retain(|v| !v.is_empty());
        lenient.push((name.clone(), vec![String::new(), "%zz".to_owned(), "%".to_owned()]));
        malformed.push((name.clone(), values));
        if param.required {
            out.push(Just(case("missing_query", Refused, Mutation::QueryDrop(name.clone()))).boxed());
        }
    }
    if !malformed.is_empty() {
        out.push(
            select(malformed.clone())
                .prop_flat_map(|(name, values)| {
                    select(values).prop_map(move |v| {
                        let kind = if name == "cursor" { "bad_cursor" } else { "bad_query_value" };
                        case(kind, Refused, Mutation::QueryValue(name.clone(), v))
                    })
                })
                .boxed(),
        );
        if reads_extra {
            out.push(
                select(lenient)
                    .prop_flat_map(|(name, values)| {
                        select(values).prop_map(move |v| {
                            case("lenient_query_value", Tolerated, Mutation::QueryValue(name.clone(), v))
                        })
                    })
                    .boxed(),
            );
        }
        let names: Vec<String> = malformed.iter().map(|(name, _)| name.clone()).collect();
        let samples = spec.query_sample.clone();
        out.push(
            select(names)
                .prop_map(move |name| {
                    let value = samples.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
                    case(
                        "duplicate_query",
                        Refused,
                        Mutation::QueryDuplicate(name, value.unwrap_or_else(|| "x".into())),
                    )
                })
                .boxed(),
        );
    }
    if !reads_extra {
        return out;
    }
    out.push(
        (select(vec!["zzz", "utm_source", "callback", "__proto__"]), select(vec!["1", "x", "", "%00"]))
            .prop_map(|(n, v)| case("unknown_query", Tolerated, Mutation::QueryUnknown(n.to_owned(), v.to_owned())))
            .boxed(),
    );
    out
}

/// Routes that answer a well-formed school id they do not know as they
/// answer one they know but may not tell about, so that nothing can be
/// probed: a well-formed unknown id is not refused there (a malformed one is).
pub const ANSWERS_UNKNOWN_IDS: &[(gatehouse_model::Op, &str)] = &[
    (gatehouse_model::Op::GetSchoolStatus, "Test Connection: a school never invited is `awaiting_invitation`"),
    (gatehouse_model::Op::ExplainPerson, "explain: a school with no link to the app is `not_authorised`"),
];

fn path_strategies(spec: &RouteSpec) -> Vec<BoxedStrategy<Case>> {
    if spec.path_params.is_empty() {
        return Vec::new();
    }
    let params = spec.path_params.clone();
    let segments = |valid: &str| -> Vec<String> {
        vec![
            "does-not-exist".to_owned(),
            "0".to_owned(),
            "-1".to_owned(),
            "%00".to_owned(),
            "%0A".to_owned(),
            format!("{valid}%00"),
            format!("%E2%80%AE{valid}"),
            "%FF".to_owned(),
            format!("{valid}%FF"),
            "%2F".to_owned(),
            "%20".to_owned(),
            format!("{valid}%20"),
            "x".repeat(LONG),
            "%C3%A9cole".to_owned(),
            "'%20OR%201=1--".to_owned(),
            "null".to_owned(),
            "%7Bschool_id%7D".to_owned(),
            "..%2F..%2Fapi%2Fme".to_owned(),
            "%25".to_owned(),
            valid.to_uppercase(),
        ]
        .into_iter()
        .filter(|segment| segment != valid)
        .collect()
    };
    let choices: Vec<(String, Vec<String>)> =
        params.iter().map(|(name, valid)| (name.clone(), segments(valid))).collect();
    let answers_unknown = ANSWERS_UNKNOWN_IDS.iter().any(|(op, _)| *op == spec.route.op);
    vec![
        select(choices)
            .prop_flat_map(move |(name, segments)| {
                select(segments).prop_map(move |s| {
                    let well_formed = gatehouse_core::SchoolId::parse(&s).is_ok();
                    let expect = if answers_unknown && well_formed { Expect::Tolerated } else { Expect::Refused };
                    case("bad_path", expect, Mutation::PathSegment(name.clone(), s))
                })
            })
            .boxed(),
    ]
}

fn header_strategies(spec: &RouteSpec, reads_extra: bool) -> Vec<BoxedStrategy<Case>> {
    let keys: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"a b".to_vec(),
        "k".repeat(129).into_bytes(),
        "k".repeat(LONG).into_bytes(),
        b"caf\xe9".to_vec(),
        b"\xff\xfe".to_vec(),
        b"a\tb".to_vec(),
    ];
    let expect = if spec.idempotent { Expect::Refused } else { Expect::Tolerated };
    if expect == Expect::Tolerated && !reads_extra {
        return Vec::new();
    }
    vec![select(keys).prop_map(move |k| case("bad_idempotency_key", expect, Mutation::IdempotencyKey(k))).boxed()]
}

fn credential_strategies(spec: &RouteSpec) -> Vec<BoxedStrategy<Case>> {
    let junk = vec!["", "x", "%00", "a;b=c", "\"quoted\"", "Bearer x", "0000000000000000000000000000000000000000000"];
    let long = "t".repeat(LONG);
    let values: Vec<String> = junk.into_iter().map(String::from).chain([long]).collect();
    match spec.caller {
        // The logouts read only the cookie: junk there is their bad input,
        // and signing out of nothing is fine.
        Caller::Anonymous if spec.route.path.ends_with("/logout") => vec![
            select(values).prop_map(|v| case("bad_credential", Expect::Tolerated, Mutation::Credential(v))).boxed(),
        ],
        Caller::Anonymous => Vec::new(),
        _ => {
            vec![select(values).prop_map(|v| case("bad_credential", Expect::Refused, Mutation::Credential(v))).boxed()]
        }
    }
}

fn unexpected_body_strategies(spec: &RouteSpec, reads_extra: bool) -> Vec<BoxedStrategy<Case>> {
    if !matches!(spec.body, BodyShape::None) || !reads_extra {
        return Vec::new();
    }
    let bodies: Vec<(String, Vec<u8>)> = vec![
        ("application/json".into(), b"{\"unexpected\": true}".to_vec()),
        ("application/json".into(), b"{".to_vec()),
        ("text/plain".into(), vec![0xff, 0x00, 0xfe]),
        ("application/json".into(), nested(1000, false).into_bytes()),
    ];
    vec![
        select(bodies)
            .prop_map(|(ct, body)| case("unexpected_body", Expect::Tolerated, Mutation::UnexpectedBody(ct, body)))
            .boxed(),
    ]
}

/// Every way this route's input can break, as one strategy.
pub fn strategy(spec: &RouteSpec) -> BoxedStrategy<Case> {
    let mut all = Vec::new();
    match &spec.body {
        BodyShape::Json { sample, fields, .. } => {
            let texts: Vec<(Pointer, String)> = fields
                .iter()
                .filter(|f| matches!(f.kind, Kind::Text | Kind::Enum(_) | Kind::Date | Kind::Slot | Kind::Time))
                .filter_map(|f| {
                    get(sample, &f.pointer).and_then(Value::as_str).map(|s| (f.pointer.clone(), s.to_owned()))
                })
                .collect();
            let nested_unknown_tolerated = spec.route.op == gatehouse_model::Op::PushExtract;
            all.extend(body_strategies(spec.route.op, sample, fields, &texts, nested_unknown_tolerated));
        }
        BodyShape::Text { .. } => all.extend(csv_strategies()),
        BodyShape::Form { sample, .. } => all.extend(form_strategies(sample)),
        BodyShape::None => {}
    }
    // Input a route does not read is sent only where answering it cannot
    // change anything: reads, and writes that take no input at all (their
    // only input is the caller). A write that ignored it would run for real
    // and use up what the other cases and the controls point at.
    let takes_input =
        !spec.path_params.is_empty() || !spec.query_params.is_empty() || !matches!(spec.body, BodyShape::None);
    let reads_extra = spec.route.method == gatehouse_model::Method::Get || !takes_input;
    all.extend(query_strategies(spec, reads_extra));
    all.extend(path_strategies(spec));
    all.extend(header_strategies(spec, reads_extra));
    all.extend(credential_strategies(spec));
    all.extend(unexpected_body_strategies(spec, reads_extra));
    proptest::strategy::Union::new(all).boxed()
}

// ---------------------------------------------------------------------------
// Applying a case

pub fn get<'a>(value: &'a Value, pointer: &[Seg]) -> Option<&'a Value> {
    pointer.iter().try_fold(value, |current, seg| match seg {
        Seg::Key(key) => current.get(key),
        Seg::Index(index) => current.get(*index),
    })
}

fn get_mut<'a>(value: &'a mut Value, pointer: &[Seg]) -> Option<&'a mut Value> {
    pointer.iter().try_fold(value, |current, seg| match seg {
        Seg::Key(key) => current.get_mut(key),
        Seg::Index(index) => current.get_mut(*index),
    })
}

const RAW_MARKER: &str = "\u{1}RAW-MARKER\u{1}";

/// Percent-encodes everything but the unreserved characters.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn query_string(pairs: &[(String, String)]) -> Option<String> {
    (!pairs.is_empty())
        .then(|| pairs.iter().map(|(n, v)| format!("{}={}", encode(n), encode(v))).collect::<Vec<_>>().join("&"))
}

/// The route's path with its parameters, one of them replaced by `raw` (already encoded).
fn path_with(spec: &RouteSpec, replaced: Option<(&str, &str)>) -> String {
    let mut path = spec.route.path.to_owned();
    for (name, value) in &spec.path_params {
        let segment = match replaced {
            Some((target, raw)) if target == name => raw.to_owned(),
            _ => encode(value),
        };
        path = path.replace(&format!("{{{name}}}"), &segment);
    }
    path
}

/// The valid request.
pub fn valid_request(spec: &RouteSpec) -> Request {
    let method = match spec.route.method {
        gatehouse_model::Method::Get => reqwest::Method::GET,
        gatehouse_model::Method::Post => reqwest::Method::POST,
    };
    let mut request = Request::new(method, path_with(spec, None), spec.caller);
    request.query = query_string(&spec.query_sample);
    request.own_address = spec.own_address;
    match &spec.body {
        BodyShape::Json { sample, .. } => request = request.json(sample),
        BodyShape::Text { sample, .. } => {
            request.content_type = Some("text/csv".to_owned());
            request.body = Some(sample.clone().into_bytes());
        }
        BodyShape::Form { sample, .. } => {
            request.content_type = Some("application/x-www-form-urlencoded".to_owned());
            request.body = Some(sample.clone().into_bytes());
        }
        BodyShape::None if spec.route.method == gatehouse_model::Method::Post => {
            // What the SPA sends to a route without a body.
            request = request.json(&json!({}));
        }
        BodyShape::None => {}
    }
    request
}

/// The valid request with the case's one thing broken.
pub fn apply(spec: &RouteSpec, case: &Case) -> Request {
    let mut request = valid_request(spec);
    let body_sample = match &spec.body {
        BodyShape::Json { sample, .. } => Some(sample.clone()),
        _ => None,
    };
    let set_json = |request: &mut Request, value: &Value| {
        request.body = Some(serde_json::to_vec(value).unwrap());
    };
    match &case.mutation {
        Mutation::DropField(pointer) => {
            let mut body = body_sample.unwrap();
            let (last, parent) = pointer.split_last().unwrap();
            if let (Some(Value::Object(map)), Seg::Key(key)) = (get_mut(&mut body, parent), last) {
                map.remove(key);
            }
            set_json(&mut request, &body);
        }
        Mutation::UnknownField(pointer, name, value) => {
            let mut body = body_sample.unwrap();
            if let Some(Value::Object(map)) = get_mut(&mut body, pointer) {
                map.insert(name.clone(), value.clone());
            }
            set_json(&mut request, &body);
        }
        Mutation::Replace(pointer, value) => {
            let mut body = body_sample.unwrap();
            *get_mut(&mut body, pointer).unwrap() = value.clone();
            set_json(&mut request, &body);
        }
        Mutation::Raw(pointer, raw) => {
            let mut body = body_sample.unwrap();
            if pointer.is_empty() {
                request.body = Some(raw.clone().into_bytes());
            } else {
                *get_mut(&mut body, pointer).unwrap() = json!(RAW_MARKER);
                let text = serde_json::to_string(&body).unwrap();
                let marker = serde_json::to_string(RAW_MARKER).unwrap();
                request.body = Some(text.replacen(&marker, raw, 1).into_bytes());
            }
        }
        Mutation::WholeBody(bytes) => request.body = Some(bytes.clone()),
        Mutation::ContentType(content_type) => request.content_type = content_type.clone(),
        Mutation::Oversized => {
            let limit = match &spec.body {
                BodyShape::Json { limit, .. } | BodyShape::Text { limit, .. } | BodyShape::Form { limit, .. } => *limit,
                BodyShape::None => 2 * 1024 * 1024,
            };
            let pad = "p".repeat(limit + 1024);
            request.body = Some(match &spec.body {
                BodyShape::Json { sample, fields, .. } => {
                    // The sample with its first text field grown past the limit.
                    let mut body = sample.clone();
                    let text = fields.iter().find(|f| f.kind == Kind::Text && !f.pointer.is_empty());
                    match text {
                        Some(field) => *get_mut(&mut body, &field.pointer).unwrap() = json!(pad),
                        None => {
                            if let Value::Object(map) = &mut body {
                                map.insert("pad".into(), json!(pad));
                            }
                        }
                    }
                    serde_json::to_vec(&body).unwrap()
                }
                BodyShape::Text { sample, .. } => format!("{sample}{pad}\n").into_bytes(),
                BodyShape::Form { sample, .. } => format!("{sample}&scope={pad}").into_bytes(),
                BodyShape::None => pad.into_bytes(),
            });
        }
        Mutation::QueryValue(name, raw) => {
            let mut parts: Vec<String> = spec
                .query_sample
                .iter()
                .filter(|(n, _)| n != name)
                .map(|(n, v)| format!("{}={}", encode(n), encode(v)))
                .collect();
            parts.push(format!("{}={raw}", encode(name)));
            request.query = Some(parts.join("&"));
        }
        Mutation::QueryDrop(name) => {
            let pairs: Vec<(String, String)> = spec.query_sample.iter().filter(|(n, _)| n != name).cloned().collect();
            request.query = query_string(&pairs);
        }
        Mutation::QueryDuplicate(name, value) => {
            let mut pairs = spec.query_sample.clone();
            if !pairs.iter().any(|(n, _)| n == name) {
                pairs.push((name.clone(), value.clone()));
            }
            pairs.push((name.clone(), value.clone()));
            request.query = query_string(&pairs);
        }
        Mutation::QueryUnknown(name, raw) => {
            let extra = format!("{}={raw}", encode(name));
            request.query = Some(match request.query {
                Some(query) => format!("{query}&{extra}"),
                None => extra,
            });
        }
        Mutation::PathSegment(name, raw) => request.path = path_with(spec, Some((name, raw))),
        Mutation::IdempotencyKey(bytes) => {
            let value = HeaderValue::from_bytes(bytes).expect("a header value");
            request.headers.push((HeaderName::from_static("idempotency-key"), value));
        }
        Mutation::Credential(value) => request.credential_override = Some(value.clone()),
        Mutation::UnexpectedBody(content_type, body) => {
            request.content_type = Some(content_type.clone());
            request.body = Some(body.clone());
        }
    }
    request
}

/// One line naming the case, for failures.
pub fn describe(case: &Case) -> String {
    let short = |text: &str| -> String {
        if text.chars().count() > 60 {
            format!("{}… ({} chars)", text.chars().take(40).collect::<String>(), text.chars().count())
        } else {
            text.to_owned()
        }
    };
    let pointer = |p: &Pointer| -> String {
        p.iter()
            .map(|s| match s {
                Seg::Key(k) => format!("/{k}"),
                Seg::Index(i) => format!("/{i}"),
            })
            .collect::<String>()
    };
    match &case.mutation {
        Mutation::DropField(p) => format!("drop {}", pointer(p)),
        Mutation::UnknownField(p, n, v) => format!("add {}/{n} = {v}", pointer(p)),
        Mutation::Replace(p, v) => format!("{} = {}", pointer(p), short(&format!("{v:?}"))),
        Mutation::Raw(p, raw) => format!("{} = raw {}", pointer(p), short(raw)),
        Mutation::WholeBody(bytes) => format!("body {}", short(&format!("{:?}", String::from_utf8_lossy(bytes)))),
        Mutation::ContentType(ct) => format!("content type {ct:?}"),
        Mutation::Oversized => "body over the limit".to_owned(),
        Mutation::QueryValue(n, v) => format!("?{n}={}", short(v)),
        Mutation::QueryDrop(n) => format!("no ?{n}"),
        Mutation::QueryDuplicate(n, v) => format!("?{n}={v} twice"),
        Mutation::QueryUnknown(n, v) => format!("extra ?{n}={v}"),
        Mutation::PathSegment(n, s) => format!("{{{n}}} = {}", short(s)),
        Mutation::IdempotencyKey(k) => {
            format!("Idempotency-Key {}", short(&format!("{:?}", String::from_utf8_lossy(k))))
        }
        Mutation::Credential(c) => format!("credential {}", short(c)),
        Mutation::UnexpectedBody(ct, b) => format!("unexpected {ct} body {}", short(&String::from_utf8_lossy(b))),
    }
}
