//! OneRoster 1.2 rostering (#17): the objects of the standard's REST binding,
//! as `/ims/oneroster/rostering/v1p2` serves them, and its error envelope.
//!
//! Field names are the binding's (camelCase); an optional field the school
//! did not grant, or Gatehouse does not hold, is absent, never `null`.
//! How Gatehouse's records map onto these is `docs/ONEROSTER.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The base path of the rostering service.
pub const ONEROSTER_BASE: &str = "/ims/oneroster/rostering/v1p2";

/// The OneRoster 1.2 OAuth scopes Gatehouse grants: every rostering read
/// needs one of these, and `roster-demographics` adds the demographics
/// collection.
pub const SCOPE_ROSTER_CORE: &str = "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly";
pub const SCOPE_ROSTER: &str = "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly";
pub const SCOPE_ROSTER_DEMOGRAPHICS: &str =
    "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-demographics.readonly";

/// The kinds of object the rostering service serves, each with the names
/// its envelope uses and the top-level fields `filter`, `sort` and `fields`
/// may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    Org,
    AcademicSession,
    Class,
    Course,
    User,
    Enrollment,
    Demographics,
}

/// Fields every object has.
const BASE_FIELDS: [&str; 4] = ["sourcedId", "status", "dateLastModified", "metadata"];

impl ObjectKind {
    /// The envelope's key for a collection of these, and for one.
    pub fn envelope(self) -> (&'static str, &'static str) {
        match self {
            ObjectKind::Org => ("orgs", "org"),
            ObjectKind::AcademicSession => ("academicSessions", "academicSession"),
            ObjectKind::Class => ("classes", "class"),
            ObjectKind::Course => ("courses", "course"),
            ObjectKind::User => ("users", "user"),
            ObjectKind::Enrollment => ("enrollments", "enrollment"),
            ObjectKind::Demographics => ("demographics", "demographics"),
        }
    }

    /// The top-level fields of an object of this kind.
    pub fn fields(self) -> Vec<&'static str> {
        let own: &[&str] = match self {
            ObjectKind::Org => &["name", "type", "identifier"],
            ObjectKind::AcademicSession => &["title", "startDate", "endDate", "type", "parent", "schoolYear", "org"],
            ObjectKind::Class => &["title", "classCode", "classType", "course", "school", "terms"],
            ObjectKind::Course => &["title", "courseCode", "org"],
            ObjectKind::User => &[
                "enabledUser",
                "givenName",
                "familyName",
                "preferredFirstName",
                "roles",
                "identifier",
                "email",
                "phone",
                "agents",
                "grades",
                "primaryOrg",
            ],
            ObjectKind::Enrollment => &["user", "class", "school", "role", "primary"],
            ObjectKind::Demographics => &["birthDate"],
        };
        BASE_FIELDS.iter().chain(own).copied().collect()
    }
}

/// The collections under [`ONEROSTER_BASE`], by their path segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Collection {
    Orgs,
    Schools,
    AcademicSessions,
    Terms,
    Classes,
    Courses,
    Users,
    Students,
    Teachers,
    Enrollments,
    Demographics,
}

impl Collection {
    pub const ALL: [Collection; 11] = [
        Collection::Orgs,
        Collection::Schools,
        Collection::AcademicSessions,
        Collection::Terms,
        Collection::Classes,
        Collection::Courses,
        Collection::Users,
        Collection::Students,
        Collection::Teachers,
        Collection::Enrollments,
        Collection::Demographics,
    ];

    pub fn segment(self) -> &'static str {
        match self {
            Collection::Orgs => "orgs",
            Collection::Schools => "schools",
            Collection::AcademicSessions => "academicSessions",
            Collection::Terms => "terms",
            Collection::Classes => "classes",
            Collection::Courses => "courses",
            Collection::Users => "users",
            Collection::Students => "students",
            Collection::Teachers => "teachers",
            Collection::Enrollments => "enrollments",
            Collection::Demographics => "demographics",
        }
    }

    pub fn parse(segment: &str) -> Option<Collection> {
        Collection::ALL.into_iter().find(|collection| collection.segment() == segment)
    }

    /// What the collection holds.
    pub fn kind(self) -> ObjectKind {
        match self {
            Collection::Orgs | Collection::Schools => ObjectKind::Org,
            Collection::AcademicSessions | Collection::Terms => ObjectKind::AcademicSession,
            Collection::Classes => ObjectKind::Class,
            Collection::Courses => ObjectKind::Course,
            Collection::Users | Collection::Students | Collection::Teachers => ObjectKind::User,
            Collection::Enrollments => ObjectKind::Enrollment,
            Collection::Demographics => ObjectKind::Demographics,
        }
    }
}

/// The lists nested under one object that the service serves:
/// `schools/{id}/…`, `classes/{id}/…` and `users/{id}/classes`.
pub const NESTED: &[(Collection, Collection)] = &[
    (Collection::Schools, Collection::Classes),
    (Collection::Schools, Collection::Courses),
    (Collection::Schools, Collection::Terms),
    (Collection::Schools, Collection::Students),
    (Collection::Schools, Collection::Teachers),
    (Collection::Schools, Collection::Enrollments),
    (Collection::Classes, Collection::Students),
    (Collection::Classes, Collection::Teachers),
    (Collection::Classes, Collection::Enrollments),
    (Collection::Users, Collection::Classes),
    (Collection::Students, Collection::Classes),
    (Collection::Teachers, Collection::Classes),
];

/// `limit`, `offset`, `sort`, `orderBy`, `fields`, `filter` of a rostering
/// read, as the binding names them. Read as text: a bad value is the
/// binding's `invaliddata` (or its own class), never a generic 400.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OneRosterQuery {
    /// Objects a page, 1 to 1000 (default 100).
    pub limit: Option<String>,
    /// Objects to skip (default 0).
    pub offset: Option<String>,
    /// The field to sort by; ties by `sourcedId`.
    pub sort: Option<String>,
    /// `asc` (default) or `desc`.
    pub order_by: Option<String>,
    /// Comma-separated fields to return.
    pub fields: Option<String>,
    /// `field op 'value'` joined by `AND`/`OR`; ops `=`, `!=`, `>`, `>=`, `<`, `<=`, `~`.
    /// `dateLastModified>'…'` returns what changed, gone ones as `tobedeleted`.
    pub filter: Option<String>,
}

/// Whether a record is live or gone (a delta's tombstone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordStatus {
    Active,
    Tobedeleted,
}

/// A reference to another object: its id, kind and where to read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GuidRef {
    pub href: String,
    pub sourced_id: String,
    #[serde(rename = "type")]
    pub kind: RefKind,
}

/// The kinds of object a [`GuidRef`] can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RefKind {
    AcademicSession,
    Class,
    Course,
    Org,
    User,
}

impl RefKind {
    /// The collection objects of this kind are read from.
    pub fn collection(self) -> &'static str {
        match self {
            RefKind::AcademicSession => "academicSessions",
            RefKind::Class => "classes",
            RefKind::Course => "courses",
            RefKind::Org => "orgs",
            RefKind::User => "users",
        }
    }
}

/// What every OneRoster object starts with.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Base {
    pub sourced_id: String,
    pub status: RecordStatus,
    /// RFC 3339, UTC.
    pub date_last_modified: String,
    /// Gatehouse's extensions: the UK facts OneRoster has no field for,
    /// under `gatehouse.`-prefixed names.
    pub metadata: Option<BTreeMap<String, MetadataValue>>,
}

/// One extension value: a contextual flag or a text such as a UK year group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MetadataValue {
    Flag(bool),
    Text(String),
}

/// `orgs`, `schools`: each school an app may read is an org of type `school`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Org {
    #[serde(flatten)]
    pub base: Base,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// The school's URN.
    pub identifier: String,
}

/// `academicSessions`, `terms`: the school year and its three terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AcademicSession {
    #[serde(flatten)]
    pub base: Base,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub start_date: String,
    pub end_date: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub parent: Option<GuidRef>,
    /// The year the school year ends, e.g. "2027" for 2026/27.
    pub school_year: String,
    pub org: GuidRef,
}

/// `courses`: what a class teaches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Course {
    #[serde(flatten)]
    pub base: Base,
    pub title: String,
    pub course_code: String,
    pub org: GuidRef,
}

/// `classes`: a registration group (`homeroom`) or a teaching group (`scheduled`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Class {
    #[serde(flatten)]
    pub base: Base,
    pub title: String,
    pub class_code: String,
    pub class_type: String,
    pub course: GuidRef,
    pub school: GuidRef,
    pub terms: Vec<GuidRef>,
}

/// One role a user holds at an org.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserRole {
    /// `primary` or `secondary`.
    pub role_type: String,
    pub role: String,
    pub org: GuidRef,
}

/// `users`, `students`, `teachers`: pupils, staff and contacts.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    #[serde(flatten)]
    pub base: Base,
    pub enabled_user: bool,
    pub given_name: String,
    pub family_name: String,
    pub preferred_first_name: Option<String>,
    pub roles: Vec<UserRole>,
    /// The MIS's own id for this person.
    pub identifier: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// A contact's pupils, a pupil's contacts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agents: Vec<GuidRef>,
    /// CEDS grade codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grades: Vec<String>,
    pub primary_org: GuidRef,
}

/// `enrollments`: a user in a class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Enrollment {
    #[serde(flatten)]
    pub base: Base,
    pub user: GuidRef,
    pub class: GuidRef,
    pub school: GuidRef,
    /// `student` or `teacher`.
    pub role: String,
    pub primary: bool,
}

/// `demographics`: a pupil's date of birth; the contextual flags the
/// school granted travel in `metadata`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Demographics {
    #[serde(flatten)]
    pub base: Base,
    pub birth_date: Option<String>,
}

/// The binding's failure classes (`imsx_codeMinorFieldValue`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CodeMinor {
    InvalidFilterField,
    InvalidSelectionField,
    InvalidSortField,
    Invaliddata,
    Unauthorisedrequest,
    Forbidden,
    Unknownobject,
    ServerBusy,
    InternalServerError,
}

impl CodeMinor {
    /// The HTTP status the binding pairs with this failure.
    pub fn status(self) -> u16 {
        match self {
            CodeMinor::InvalidFilterField
            | CodeMinor::InvalidSelectionField
            | CodeMinor::InvalidSortField
            | CodeMinor::Invaliddata => 400,
            CodeMinor::Unauthorisedrequest => 401,
            CodeMinor::Forbidden => 403,
            CodeMinor::Unknownobject => 404,
            CodeMinor::ServerBusy => 429,
            CodeMinor::InternalServerError => 500,
        }
    }
}

/// The binding's error body (`imsx_StatusInfo`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusInfo {
    #[serde(rename = "imsx_codeMajor")]
    pub code_major: String,
    #[serde(rename = "imsx_severity")]
    pub severity: String,
    #[serde(rename = "imsx_description")]
    pub description: String,
    #[serde(rename = "imsx_CodeMinor")]
    pub code_minor: CodeMinorFields,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeMinorFields {
    #[serde(rename = "imsx_codeMinorField")]
    pub fields: Vec<CodeMinorField>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeMinorField {
    #[serde(rename = "imsx_codeMinorFieldName")]
    pub name: String,
    #[serde(rename = "imsx_codeMinorFieldValue")]
    pub value: CodeMinor,
}

impl StatusInfo {
    /// A failure of `code`, described for a person reading it.
    pub fn failure(code: CodeMinor, description: impl Into<String>) -> StatusInfo {
        StatusInfo {
            code_major: "failure".into(),
            severity: "error".into(),
            description: description.into(),
            code_minor: CodeMinorFields {
                fields: vec![CodeMinorField { name: "TargetEndSystem".into(), value: code }],
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_speaks_the_bindings_names_and_leaves_out_what_it_lacks() {
        let org = GuidRef { href: "/orgs/1".into(), sourced_id: "1".into(), kind: RefKind::Org };
        let user = User {
            base: Base {
                sourced_id: "1~s~ST1".into(),
                status: RecordStatus::Active,
                date_last_modified: "2026-12-05T10:00:00Z".into(),
                metadata: None,
            },
            enabled_user: true,
            given_name: "Leo".into(),
            family_name: "Nowak".into(),
            preferred_first_name: None,
            roles: vec![UserRole { role_type: "primary".into(), role: "student".into(), org: org.clone() }],
            identifier: "ST1".into(),
            email: None,
            phone: None,
            agents: vec![],
            grades: vec!["06".into()],
            primary_org: org,
        };
        let json = serde_json::to_value(&user).unwrap();
        assert_eq!(json["sourcedId"], "1~s~ST1");
        assert_eq!(json["status"], "active");
        assert_eq!(json["primaryOrg"]["type"], "org");
        assert_eq!(json["roles"][0]["roleType"], "primary");
        for absent in ["metadata", "email", "phone", "agents", "preferredFirstName"] {
            assert!(json.get(absent).is_none(), "{absent} is absent, not null: {json}");
        }
        assert_eq!(serde_json::from_value::<User>(json).unwrap(), user);
    }

    #[test]
    fn an_error_is_the_bindings_status_info() {
        let info = StatusInfo::failure(CodeMinor::InvalidFilterField, "no field 'shoeSize'");
        let json = serde_json::to_value(&info).unwrap();
        assert_eq!(json["imsx_codeMajor"], "failure");
        assert_eq!(
            json["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"],
            "invalid_filter_field"
        );
        assert_eq!(CodeMinor::Unknownobject.status(), 404);
    }
}
