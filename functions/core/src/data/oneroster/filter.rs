//! The OneRoster 1.2 `filter` grammar: predicates `field op 'value'`
//! joined by `AND` and `OR` (AND binds tighter, as the binding reads
//! them), with `=`, `!=`, `>`, `>=`, `<`, `<=` and `~` (contains).
//!
//! A filter is checked against the collection's field names before it runs,
//! so a misspelt field is an `invalid_filter_field` answer and never an
//! empty page that looks like "no such records".

use serde_json::Value;

/// A parsed filter: any of its groups, each true when all its predicates are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    any_of: Vec<Vec<Predicate>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Predicate {
    /// A field name, or a dotted path into nested objects (`roles.role`).
    path: Vec<String>,
    op: Op,
    value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Equal,
    NotEqual,
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
    Contains,
}

/// Why a filter was refused, in words for the client's developer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterError {
    /// Not the grammar.
    Malformed(String),
    /// A field the collection's objects do not have.
    UnknownField(String),
}

impl Filter {
    /// Parses `raw`, refusing a field not among `fields` (the collection's
    /// top-level names; a dotted path is checked by its first name).
    pub fn parse(raw: &str, fields: &[&str]) -> Result<Filter, FilterError> {
        let mut tokens = Tokens { rest: raw.trim() };
        let mut any_of = vec![vec![tokens.predicate()?]];
        while !tokens.rest.is_empty() {
            let joined_by = tokens.word().to_ascii_uppercase();
            let predicate = tokens.predicate()?;
            match joined_by.as_str() {
                "AND" => any_of.last_mut().expect("a group").push(predicate),
                "OR" => any_of.push(vec![predicate]),
                other => return Err(FilterError::Malformed(format!("expected AND or OR, found '{other}'"))),
            }
        }
        for predicate in any_of.iter().flatten() {
            if !fields.contains(&predicate.path[0].as_str()) {
                return Err(FilterError::UnknownField(predicate.path.join(".")));
            }
        }
        Ok(Filter { any_of })
    }

    /// Whether any predicate compares `field` (a top-level name).
    pub fn mentions(&self, field: &str) -> bool {
        self.any_of.iter().flatten().any(|predicate| predicate.path[0] == field)
    }

    /// The earliest time `field` is asked to be after (`>` or `>=`): where
    /// a delta starts, whatever else the filter says.
    pub fn lower_bound(&self, field: &str) -> Option<chrono::DateTime<chrono::Utc>> {
        self.any_of
            .iter()
            .flatten()
            .filter(|predicate| predicate.path == [field] && matches!(predicate.op, Op::Greater | Op::GreaterOrEqual))
            .filter_map(|predicate| chrono::DateTime::parse_from_rfc3339(&predicate.value).ok())
            .map(|at| at.with_timezone(&chrono::Utc))
            .min()
    }

    /// Whether `object` passes.
    pub fn matches(&self, object: &Value) -> bool {
        self.any_of.iter().any(|all_of| all_of.iter().all(|predicate| predicate.matches(object)))
    }
}

impl Predicate {
    /// True when any value at the path passes: `grades='07'` matches a user
    /// with several grades, `roles.role='teacher'` one role of several.
    /// `!=` is the negation of `=`, so it also matches a missing field.
    fn matches(&self, object: &Value) -> bool {
        let mut found = Vec::new();
        values_at(object, &self.path, &mut found);
        if self.op == Op::NotEqual {
            return !found.contains(&self.value);
        }
        found.iter().any(|value| {
            // Two times compare as instants, whatever their precision or
            // offset ('2026-12-01T09:00:00Z' against stored milliseconds).
            if let (Ok(found), Ok(wanted)) =
                (chrono::DateTime::parse_from_rfc3339(value), chrono::DateTime::parse_from_rfc3339(&self.value))
                && self.op != Op::Contains
            {
                return match self.op {
                    Op::Equal => found == wanted,
                    Op::Greater => found > wanted,
                    Op::GreaterOrEqual => found >= wanted,
                    Op::Less => found < wanted,
                    Op::LessOrEqual => found <= wanted,
                    Op::NotEqual | Op::Contains => unreachable!("handled apart"),
                };
            }
            let value = value.as_str();
            match self.op {
                Op::Equal => value == self.value,
                Op::NotEqual => unreachable!("handled above"),
                // Dates and times are ISO 8601 in UTC, so text order is time order.
                Op::Greater => value > self.value.as_str(),
                Op::GreaterOrEqual => value >= self.value.as_str(),
                Op::Less => value < self.value.as_str(),
                Op::LessOrEqual => value <= self.value.as_str(),
                Op::Contains => value.to_lowercase().contains(&self.value.to_lowercase()),
            }
        })
    }
}

/// The scalar values at `path`, through arrays at any step, as text.
fn values_at(value: &Value, path: &[String], found: &mut Vec<String>) {
    match (value, path.split_first()) {
        (Value::Array(items), _) => items.iter().for_each(|item| values_at(item, path, found)),
        (Value::Object(fields), Some((first, rest))) => {
            if let Some(inner) = fields.get(first) {
                values_at(inner, rest, found);
            }
        }
        (Value::String(text), None) => found.push(text.clone()),
        (Value::Bool(flag), None) => found.push(flag.to_string()),
        (Value::Number(number), None) => found.push(number.to_string()),
        _ => {}
    }
}

/// A cursor over the filter text.
struct Tokens<'a> {
    rest: &'a str,
}

impl<'a> Tokens<'a> {
    fn predicate(&mut self) -> Result<Predicate, FilterError> {
        let field = self.take_while(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_');
        if field.is_empty() || field.split('.').any(str::is_empty) {
            return Err(FilterError::Malformed(format!("expected a field name at '{}'", self.rest)));
        }
        let op = self.op()?;
        let value = self.quoted()?;
        Ok(Predicate { path: field.split('.').map(str::to_owned).collect(), op, value })
    }

    fn op(&mut self) -> Result<Op, FilterError> {
        self.rest = self.rest.trim_start();
        // Two-character operators first, so `>=` is not read as `>`.
        let ops = [
            ("!=", Op::NotEqual),
            (">=", Op::GreaterOrEqual),
            ("<=", Op::LessOrEqual),
            ("=", Op::Equal),
            (">", Op::Greater),
            ("<", Op::Less),
            ("~", Op::Contains),
        ];
        for (text, op) in ops {
            if let Some(rest) = self.rest.strip_prefix(text) {
                self.rest = rest;
                return Ok(op);
            }
        }
        Err(FilterError::Malformed(format!("expected an operator (=, !=, >, >=, <, <=, ~) at '{}'", self.rest)))
    }

    /// A value in single quotes; a quote inside is written twice.
    fn quoted(&mut self) -> Result<String, FilterError> {
        self.rest = self.rest.trim_start();
        let Some(mut rest) = self.rest.strip_prefix('\'') else {
            return Err(FilterError::Malformed(format!("expected a value in single quotes at '{}'", self.rest)));
        };
        let mut value = String::new();
        loop {
            let Some(end) = rest.find('\'') else {
                return Err(FilterError::Malformed("a value's closing quote is missing".into()));
            };
            value.push_str(&rest[..end]);
            rest = &rest[end + 1..];
            match rest.strip_prefix('\'') {
                Some(after) => {
                    value.push('\'');
                    rest = after;
                }
                None => break,
            }
        }
        self.rest = rest.trim_start();
        Ok(value)
    }

    fn word(&mut self) -> &'a str {
        let word = self.take_while(|c| c.is_ascii_alphabetic());
        self.rest = self.rest.trim_start();
        word
    }

    fn take_while(&mut self, keep: impl Fn(char) -> bool) -> &'a str {
        self.rest = self.rest.trim_start();
        let end = self.rest.find(|c: char| !keep(c)).unwrap_or(self.rest.len());
        let (taken, rest) = self.rest.split_at(end);
        self.rest = rest;
        taken
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const FIELDS: &[&str] = &["sourcedId", "givenName", "familyName", "dateLastModified", "roles", "grades", "status"];

    fn user(given: &str, family: &str, modified: &str, role: &str, grades: &[&str]) -> Value {
        json!({
            "sourcedId": format!("1~s~{given}"), "givenName": given, "familyName": family, "status": "active",
            "dateLastModified": modified, "roles": [{ "roleType": "primary", "role": role }], "grades": grades,
        })
    }

    fn passing<'a>(filter: &str, users: &'a [Value]) -> Vec<&'a str> {
        let filter = Filter::parse(filter, FIELDS).unwrap();
        users.iter().filter(|user| filter.matches(user)).map(|user| user["givenName"].as_str().unwrap()).collect()
    }

    fn users() -> Vec<Value> {
        vec![
            user("Leo", "Nowak", "2026-12-01T09:00:00Z", "student", &["06"]),
            user("Ava", "O'Neill", "2026-12-03T09:00:00Z", "student", &["07"]),
            user("Priya", "Patel", "2026-11-20T09:00:00Z", "teacher", &[]),
        ]
    }

    #[test]
    fn each_operator_selects_what_it_says() {
        let users = users();
        assert_eq!(passing("familyName='Nowak'", &users), ["Leo"]);
        assert_eq!(passing("familyName!='Nowak'", &users), ["Ava", "Priya"]);
        assert_eq!(passing("dateLastModified>'2026-12-01T09:00:00Z'", &users), ["Ava"]);
        assert_eq!(passing("dateLastModified>='2026-12-01T09:00:00Z'", &users), ["Leo", "Ava"]);
        assert_eq!(passing("dateLastModified<'2026-12-01T09:00:00Z'", &users), ["Priya"]);
        assert_eq!(passing("dateLastModified<='2026-12-01T09:00:00Z'", &users), ["Leo", "Priya"]);
        assert_eq!(passing("familyName~'pat'", &users), ["Priya"]);
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let users = users();
        let filter = "roles.role='student' AND grades='07' OR givenName='Priya'";
        assert_eq!(passing(filter, &users), ["Ava", "Priya"]);
        assert_eq!(passing("roles.role='student' and grades='06'", &users), ["Leo"]);
    }

    #[test]
    fn a_doubled_quote_is_a_quote_and_spaces_do_not_matter() {
        let users = users();
        assert_eq!(passing("familyName = 'O''Neill'", &users), ["Ava"]);
        assert_eq!(passing("  givenName='Leo'  OR  givenName = 'Ava' ", &users), ["Leo", "Ava"]);
    }

    #[test]
    fn a_field_the_objects_lack_is_named_and_bad_grammar_explained() {
        assert_eq!(Filter::parse("shoeSize='9'", FIELDS), Err(FilterError::UnknownField("shoeSize".into())));
        assert_eq!(
            Filter::parse("givenName='Leo' OR shoe.size='9'", FIELDS),
            Err(FilterError::UnknownField("shoe.size".into()))
        );
        for malformed in [
            "",
            "givenName",
            "givenName=Leo",
            "givenName='Leo",
            "givenName=='Leo'",
            "givenName='Leo' XOR sourcedId='1'",
        ] {
            assert!(matches!(Filter::parse(malformed, FIELDS), Err(FilterError::Malformed(_))), "{malformed:?}");
        }
    }
}
