//! A OneRoster collection read's query parameters (`limit`, `offset`,
//! `sort`, `orderBy`, `fields`, `filter`) and the page they select, with the
//! `X-Total-Count` and `Link` headers the binding asks for.
//!
//! Every check happens before any record is read, and every refusal names
//! the parameter and the binding's failure class.

use gatehouse_model::oneroster::CodeMinor;
use serde_json::{Map, Value};

use super::filter::{Filter, FilterError};

/// A page holds this many objects unless the client asks otherwise.
pub const DEFAULT_LIMIT: usize = 100;
/// And at most this many, whatever it asks.
pub const MAX_LIMIT: usize = 1000;

/// The parameters a listing reads; any other is left alone.
const KNOWN: [&str; 6] = ["limit", "offset", "sort", "orderBy", "fields", "filter"];

/// A refused parameter: the failure class and what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: CodeMinor,
    pub description: String,
}

impl Refusal {
    fn new(code: CodeMinor, description: impl Into<String>) -> Refusal {
        Refusal { code, description: description.into() }
    }
}

/// What a collection read asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub limit: usize,
    pub offset: usize,
    sort: Option<String>,
    descending: bool,
    fields: Option<Vec<String>>,
    filter: Option<Filter>,
}

/// One page of a collection, and how many objects the whole selection holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub objects: Vec<Value>,
    pub total: usize,
}

impl Listing {
    /// Reads the query parameters of a request on a collection whose
    /// objects have the top-level `fields`. Parameters it does not know are
    /// left alone, as other OneRoster servers do.
    pub fn parse<'a>(
        params: impl IntoIterator<Item = (&'a str, &'a str)>,
        fields: &[&str],
    ) -> Result<Listing, Refusal> {
        let mut listing =
            Listing { limit: DEFAULT_LIMIT, offset: 0, sort: None, descending: false, fields: None, filter: None };
        let mut seen: Vec<&str> = Vec::new();
        for (name, value) in params {
            // One value a parameter: which of two would be meant is a guess.
            if KNOWN.contains(&name) && seen.contains(&name) {
                return Err(Refusal::new(CodeMinor::Invaliddata, format!("{name} appears twice; send it once")));
            }
            seen.push(name);
            match name {
                "limit" => listing.limit = count(name, value, 1)?.min(MAX_LIMIT),
                "offset" => listing.offset = count(name, value, 0)?,
                "sort" => {
                    if !fields.contains(&value) {
                        let message = format!("cannot sort by '{value}': the objects have no such field");
                        return Err(Refusal::new(CodeMinor::InvalidSortField, message));
                    }
                    listing.sort = Some(value.to_owned());
                }
                "orderBy" => {
                    listing.descending = match value {
                        "asc" => false,
                        "desc" => true,
                        _ => return Err(Refusal::new(CodeMinor::Invaliddata, "orderBy is 'asc' or 'desc'")),
                    }
                }
                "fields" => listing.fields = Some(selection(value, fields)?),
                "filter" => {
                    listing.filter = Some(Filter::parse(value, fields).map_err(|error| match error {
                        FilterError::Malformed(why) => {
                            Refusal::new(CodeMinor::InvalidFilterField, format!("the filter is not understood: {why}"))
                        }
                        FilterError::UnknownField(field) => Refusal::new(
                            CodeMinor::InvalidFilterField,
                            format!("cannot filter on '{field}': the objects have no such field"),
                        ),
                    })?)
                }
                _ => {}
            }
        }
        Ok(listing)
    }

    /// The page of `objects` this listing selects: filtered, sorted (by
    /// `sourcedId` after the asked-for field, so pages never overlap or
    /// skip), counted, cut and projected.
    pub fn page(&self, objects: impl IntoIterator<Item = Value>) -> Page {
        let mut selected: Vec<Value> = objects
            .into_iter()
            .filter(|object| self.filter.as_ref().is_none_or(|filter| filter.matches(object)))
            .collect();
        selected.sort_by(|a, b| {
            let by_field = self.sort.as_ref().map_or(std::cmp::Ordering::Equal, |field| {
                let order = sort_key(&a[field.as_str()]).cmp(&sort_key(&b[field.as_str()]));
                if self.descending { order.reverse() } else { order }
            });
            by_field.then_with(|| sort_key(&a["sourcedId"]).cmp(&sort_key(&b["sourcedId"])))
        });
        let total = selected.len();
        let objects =
            selected.into_iter().skip(self.offset).take(self.limit).map(|object| self.project(object)).collect();
        Page { objects, total }
    }

    /// Whether the filter compares `field`: a delta (`dateLastModified>…`)
    /// also lists what went away.
    pub fn filters_on(&self, field: &str) -> bool {
        self.filter.as_ref().is_some_and(|filter| filter.mentions(field))
    }

    /// Where a delta on `field` starts, if the filter bounds it from below.
    pub fn lower_bound(&self, field: &str) -> Option<chrono::DateTime<chrono::Utc>> {
        self.filter.as_ref().and_then(|filter| filter.lower_bound(field))
    }

    /// Only the asked-for fields of `object`.
    pub fn project(&self, object: Value) -> Value {
        let (Some(fields), Value::Object(all)) = (&self.fields, &object) else { return object };
        let kept: Map<String, Value> = all
            .iter()
            .filter(|(name, _)| fields.contains(name))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        Value::Object(kept)
    }

    /// The `Link` header for a page of `total` objects at `url` (the
    /// request's own path and query): `first`, `last`, and `prev`/`next`
    /// where they exist, each with the request's other parameters kept.
    pub fn links(&self, url: &url::Url, total: usize) -> String {
        let at = |offset: usize, rel: &str| {
            let mut link = url.clone();
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(name, _)| name != "limit" && name != "offset")
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect();
            link.query_pairs_mut()
                .clear()
                .extend_pairs(kept)
                .append_pair("limit", &self.limit.to_string())
                .append_pair("offset", &offset.to_string());
            format!("<{link}>; rel=\"{rel}\"")
        };
        let last = total.saturating_sub(1) / self.limit * self.limit;
        let mut links = vec![at(0, "first")];
        if self.offset > 0 {
            links.push(at(self.offset.saturating_sub(self.limit), "prev"));
        }
        if self.offset + self.limit < total {
            links.push(at(self.offset + self.limit, "next"));
        }
        links.push(at(last, "last"));
        links.join(", ")
    }
}

/// Text to sort by: strings as they are, other scalars as JSON, and a
/// missing field first.
fn sort_key(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn count(name: &str, value: &str, least: usize) -> Result<usize, Refusal> {
    value.parse::<usize>().ok().filter(|count| *count >= least).ok_or_else(|| {
        Refusal::new(CodeMinor::Invaliddata, format!("{name} is a whole number of at least {least}, not '{value}'"))
    })
}

/// The `fields` selection: names the objects do not have are passed over,
/// as the binding asks, unless no name is left.
fn selection(value: &str, fields: &[&str]) -> Result<Vec<String>, Refusal> {
    let known: Vec<String> =
        value.split(',').map(str::trim).filter(|name| fields.contains(name)).map(str::to_owned).collect();
    if known.is_empty() {
        let message = format!("none of the fields '{value}' is a field of these objects");
        return Err(Refusal::new(CodeMinor::InvalidSelectionField, message));
    }
    Ok(known)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const FIELDS: &[&str] = &["sourcedId", "givenName", "familyName", "status"];

    fn people(count: usize) -> Vec<Value> {
        (0..count)
            .map(|n| json!({ "sourcedId": format!("1~s~{n:03}"), "givenName": format!("G{}", n % 7), "familyName": "F", "status": "active" }))
            .collect()
    }

    fn listing(query: &str) -> Result<Listing, Refusal> {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        Listing::parse(pairs.iter().map(|(name, value)| (name.as_str(), value.as_str())), FIELDS)
    }

    #[test]
    fn pages_cover_the_selection_once_in_any_order() {
        let all = people(23);
        for order in ["", "&sort=givenName", "&sort=givenName&orderBy=desc"] {
            let mut seen = Vec::new();
            let mut offset = 0;
            loop {
                let page = listing(&format!("limit=5&offset={offset}{order}")).unwrap().page(all.clone());
                assert_eq!(page.total, 23);
                if page.objects.is_empty() {
                    break;
                }
                seen.extend(page.objects.iter().map(|object| object["sourcedId"].as_str().unwrap().to_owned()));
                offset += 5;
            }
            let mut unique = seen.clone();
            unique.sort();
            unique.dedup();
            assert_eq!((seen.len(), unique.len()), (23, 23), "no duplicates or gaps with {order:?}");
        }
    }

    #[test]
    fn sort_filter_and_fields_shape_the_page() {
        let page = listing("filter=givenName='G3'&sort=sourcedId&orderBy=desc&fields=sourcedId,shoeSize")
            .unwrap()
            .page(people(23));
        assert_eq!(page.total, 3);
        assert_eq!(
            page.objects,
            [json!({ "sourcedId": "1~s~017" }), json!({ "sourcedId": "1~s~010" }), json!({ "sourcedId": "1~s~003" })]
        );
    }

    #[test]
    fn a_parameter_sent_twice_is_refused() {
        let refused = listing("limit=5&limit=6").unwrap_err();
        assert_eq!(refused.code, CodeMinor::Invaliddata);
        assert!(refused.description.contains("limit"), "{refused:?}");
        assert!(listing("limit=5&unknown=1&unknown=2").is_ok(), "parameters it does not know are left alone");
    }

    #[test]
    fn each_bad_parameter_is_refused_with_its_class() {
        let refused = |query: &str| listing(query).unwrap_err().code;
        assert_eq!(refused("limit=0"), CodeMinor::Invaliddata);
        assert_eq!(refused("limit=ten"), CodeMinor::Invaliddata);
        assert_eq!(refused("offset=-1"), CodeMinor::Invaliddata);
        assert_eq!(refused("orderBy=up"), CodeMinor::Invaliddata);
        assert_eq!(refused("sort=shoeSize"), CodeMinor::InvalidSortField);
        assert_eq!(refused("fields=shoeSize"), CodeMinor::InvalidSelectionField);
        assert_eq!(refused("filter=shoeSize='9'"), CodeMinor::InvalidFilterField);
        assert_eq!(refused("filter=givenName"), CodeMinor::InvalidFilterField);
        assert_eq!(listing("limit=5000").unwrap().limit, MAX_LIMIT);
        assert_eq!(listing("unknown=1").unwrap().limit, DEFAULT_LIMIT);
    }

    #[test]
    fn links_name_first_prev_next_and_last_and_keep_the_other_parameters() {
        let url =
            url::Url::parse("https://gh.example/ims/oneroster/rostering/v1p2/users?sort=givenName&limit=10&offset=10")
                .unwrap();
        let links = listing("sort=givenName&limit=10&offset=10").unwrap().links(&url, 25);
        let rels: Vec<&str> = links.split(", ").collect();
        assert_eq!(
            rels,
            [
                "<https://gh.example/ims/oneroster/rostering/v1p2/users?sort=givenName&limit=10&offset=0>; rel=\"first\"",
                "<https://gh.example/ims/oneroster/rostering/v1p2/users?sort=givenName&limit=10&offset=0>; rel=\"prev\"",
                "<https://gh.example/ims/oneroster/rostering/v1p2/users?sort=givenName&limit=10&offset=20>; rel=\"next\"",
                "<https://gh.example/ims/oneroster/rostering/v1p2/users?sort=givenName&limit=10&offset=20>; rel=\"last\"",
            ]
        );
        let last_page = listing("limit=10&offset=20").unwrap().links(&url, 25);
        assert!(!last_page.contains("rel=\"next\""), "{last_page}");
        assert!(listing("").unwrap().links(&url, 0).contains("offset=0>; rel=\"last\""));
    }
}
