//! A school's people (A1, A3, G1, S3): the records an MIS agent pushes, the
//! records the data API returns, and the school's per-app person selections.
//!
//! One shape serves both directions: an extract must carry every contextual
//! flag, while a data API response carries only the flags the school granted
//! (a flag not granted is absent from the JSON, never `null`).

use serde::{Deserialize, Serialize};

use crate::Scope;

/// The four data areas of a school, each behind its own scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Resource {
    Students,
    Staff,
    Contacts,
    Groups,
}

impl Resource {
    pub const ALL: [Resource; 4] = [Resource::Students, Resource::Staff, Resource::Contacts, Resource::Groups];
    /// The resources that are persons: GDPR mode and selections apply to them.
    pub const PERSONS: [Resource; 3] = [Resource::Students, Resource::Staff, Resource::Contacts];

    pub fn as_str(self) -> &'static str {
        match self {
            Resource::Students => "students",
            Resource::Staff => "staff",
            Resource::Contacts => "contacts",
            Resource::Groups => "groups",
        }
    }

    pub fn parse(raw: &str) -> Option<Resource> {
        Resource::ALL.into_iter().find(|resource| resource.as_str() == raw)
    }

    /// The scope an app needs to read this resource.
    pub fn scope(self) -> Scope {
        match self {
            Resource::Students => Scope::Students,
            Resource::Staff => Scope::Staff,
            Resource::Contacts => Scope::Contacts,
            Resource::Groups => Scope::Groups,
        }
    }

    pub fn is_person(self) -> bool {
        self != Resource::Groups
    }
}

/// A pupil's special educational needs status, as the school census codes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SenStatus {
    /// No special educational need (census code N).
    NoSen,
    /// SEN support (census code K).
    SenSupport,
    /// An education, health and care plan (census code E).
    EhcPlan,
}

/// A pupil on roll. In an extract every contextual flag is required; in a
/// data API response each appears only if its scope was granted.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Student {
    /// The MIS's stable id for this pupil.
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub preferred_name: Option<String>,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    /// E.g. "Year 7", "Reception".
    pub year_group: String,
    /// E.g. "7H".
    pub registration_group: String,
    pub pupil_premium: Option<bool>,
    pub service_child: Option<bool>,
    pub free_school_meals: Option<bool>,
    pub ever6_free_school_meals: Option<bool>,
    pub sen_status: Option<SenStatus>,
    pub more_able: Option<bool>,
    pub traveller: Option<bool>,
    pub looked_after: Option<bool>,
    pub ever_looked_after: Option<bool>,
    /// The language spoken at home, e.g. "English", "Polish".
    pub home_language: Option<String>,
}

/// A member of staff.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffMember {
    pub id: String,
    pub title: Option<String>,
    pub first_name: String,
    pub last_name: String,
    /// E.g. "Teacher", "Teaching Assistant", "Office Manager".
    pub role: String,
    /// Work address.
    pub email: Option<String>,
}

/// How a contact relates to one pupil.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Relationship {
    pub student_id: String,
    /// E.g. "Mother", "Father", "Carer", "Grandparent".
    pub relationship: String,
    pub parental_responsibility: bool,
    /// 1 is the first to call.
    pub priority: u8,
}

/// A parent or carer. Relationships to pupils the app may not see are left out;
/// a contact whose pupils the school all hides from the app is not shared.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    pub id: String,
    pub title: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[serde(default)]
    pub relationships: Vec<Relationship>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    Class,
    YearGroup,
    RegistrationGroup,
    Other,
}

/// A class, year group or other group. Members the app may not see (or
/// whose resource it was not granted) are left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Group {
    pub id: String,
    pub name: String,
    pub kind: GroupKind,
    #[serde(default)]
    pub student_ids: Vec<String>,
    #[serde(default)]
    pub staff_ids: Vec<String>,
}

/// Whether an extract is the whole school or only what changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExtractKind {
    /// Everything on roll: whoever is missing is deleted.
    Full,
    /// Only changed records, and explicit deletions.
    Delta,
}

/// A record a delta extract deletes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeletedRef {
    pub resource: Resource,
    pub id: String,
}

/// `POST /api/agent/v1/extracts`: what the MIS agent pushes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "kind": "delta",
    "students": [{
        "id": "ST01510", "first_name": "Leo", "last_name": "Nowak", "date_of_birth": "2014-06-01",
        "year_group": "Year 7", "registration_group": "7A", "pupil_premium": false, "service_child": false,
        "free_school_meals": false, "ever6_free_school_meals": false, "sen_status": "no_sen", "more_able": false,
        "traveller": false, "looked_after": false, "ever_looked_after": false, "home_language": "Polish"
    }],
    "staff": [{ "id": "SF0031", "title": "Ms", "first_name": "Priya", "last_name": "Patel", "role": "Teacher" }],
    "contacts": [{
        "id": "CT02211", "first_name": "Zofia", "last_name": "Nowak", "phone": "07700 900123",
        "relationships": [{
            "student_id": "ST01510", "relationship": "Mother", "parental_responsibility": true, "priority": 1
        }]
    }],
    "groups": [{
        "id": "7A-MA", "name": "7A Maths", "kind": "class", "student_ids": ["ST01510"], "staff_ids": ["SF0031"]
    }],
    "deleted": [{ "resource": "students", "id": "ST00107" }]
})))]
pub struct Extract {
    pub kind: ExtractKind,
    #[serde(default)]
    pub students: Vec<Student>,
    #[serde(default)]
    pub staff: Vec<StaffMember>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub groups: Vec<Group>,
    /// Delta extracts only.
    #[serde(default)]
    pub deleted: Vec<DeletedRef>,
}

/// One record an extract could not take, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RejectedRecord {
    pub resource: Resource,
    /// Position in its list in the extract, from 0.
    pub index: usize,
    /// The record's id, when it had a readable one.
    pub id: Option<String>,
    pub field: String,
    pub reason: String,
}

/// How a push went, as the school's status column shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PushStatus {
    /// Every record applied.
    Ok,
    /// Applied, but some records were rejected, or the extract is held.
    Warning,
    /// Nothing applied.
    Error,
}

/// What happened to an extract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExtractOutcome {
    Applied,
    /// The deletion guard held it: the school or support must release or reject it.
    Held,
    Rejected,
}

/// Counts of records by what the push did to them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeCounts {
    pub created: u32,
    pub updated: u32,
    pub deleted: u32,
    pub unchanged: u32,
    /// Records of persons the school erased (#16): not stored again.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub erased: u32,
}

fn is_zero(count: &u32) -> bool {
    *count == 0
}

/// The answer to a push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(
    json!({
        "outcome": "applied", "status": "warning",
        "changes": { "created": 3, "updated": 5, "deleted": 2, "unchanged": 0 },
        "rejected": [{
            "resource": "students", "index": 7, "id": "ST01512", "field": "date_of_birth",
            "reason": "use YYYY-MM-DD"
        }],
        "held_reason": null
    }),
    json!({
        "outcome": "held", "status": "warning",
        "changes": { "created": 0, "updated": 0, "deleted": 512, "unchanged": 1020 },
        "rejected": [],
        "held_reason": "this full extract would delete 512 of the school's 3210 persons (more than 10%); it is held until the school or support releases or rejects it"
    })
)))]
pub struct ExtractReceipt {
    pub outcome: ExtractOutcome,
    pub status: PushStatus,
    pub changes: ChangeCounts,
    /// Each record not applied, with its reason; the rest were applied.
    pub rejected: Vec<RejectedRecord>,
    /// Why the extract was held, when it was.
    pub held_reason: Option<String>,
}

/// `POST /api/ops/schools/{school_id}/agent-key` (G1): a new MIS agent key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentKeyIssued {
    pub school_id: String,
    pub key_id: String,
    /// Shown once: only its hash is kept. The school's previous key stops working.
    pub secret: String,
    /// Where the agent sends extracts.
    pub push_url: String,
    /// RFC 3339.
    pub created_at: String,
}

/// `GET /api/agent/v1/status`: the school as its agent sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentStatus {
    pub school_id: String,
    /// RFC 3339.
    pub last_extract_at: Option<String>,
    pub last_status: Option<PushStatus>,
    /// Live persons (students, staff and contacts) held for the school.
    pub persons: u32,
    pub held_extract: Option<HeldExtractSummary>,
    /// The retention rule for the school's MIS data (#16): when it will be
    /// or was deleted because no app has access, and whether to stop.
    pub retention: MisRetention,
}

/// The retention of a school's MIS data (#16): when no app has had access
/// for 30 days, the daily job deletes the school's pupil, staff, contact and
/// group records and the agent is told to stop pushing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MisRetention {
    /// `YYYY-MM-DD` (UK date): when the daily job will delete the data
    /// because no app has access; absent while an app has, or once deleted.
    pub purge_on: Option<String>,
    /// RFC 3339: when the job deleted it; absent unless it has and no data
    /// came since.
    pub purged_at: Option<String>,
    /// What the job deleted (counts, never persons).
    pub purged: Option<PurgedRecords>,
    /// The agent must stop pushing extracts: the data was deleted and still
    /// no app has access (a push is refused with `no_authorised_app`).
    pub stop_pushing: bool,
    /// The state in one sentence, for a person.
    pub message: String,
}

/// `GET /api/ops/mis-retention` (#16): every school whose MIS data will be
/// deleted because no app has access, soonest first, then those deleted,
/// newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MisRetentionList {
    pub schools: Vec<SchoolMisRetention>,
}

/// One school of [`MisRetentionList`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchoolMisRetention {
    pub school_id: String,
    /// `YYYY-MM-DD`: when the daily job deletes the data.
    pub purge_on: Option<String>,
    /// RFC 3339: when it did.
    pub purged_at: Option<String>,
}

/// Records a purge of a school's MIS cache deleted, by kind (#16).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PurgedRecords {
    pub students: u32,
    pub staff: u32,
    pub contacts: u32,
    pub groups: u32,
    /// Deleted persons and groups still kept for deltas.
    pub tombstones: u32,
    /// Parts of an extract the deletion guard held.
    pub held_parts: u32,
}

/// An extract held by the deletion guard, in brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldExtractSummary {
    /// This held extract's identity: a release or reject names it, so a
    /// decision never lands on a newer extract that replaced the one reviewed.
    pub held_id: String,
    /// Full, or a delta (one that took the last 24 hours' deletions past the guard).
    pub kind: ExtractKind,
    /// RFC 3339.
    pub held_at: String,
    pub would_delete: u32,
    pub persons_before: u32,
}

/// What releasing a held extract would change, for the school and support.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldExtractDiff {
    pub summary: HeldExtractSummary,
    pub changes: ChangeCounts,
    /// The persons and groups releasing it would delete.
    pub deletions: Vec<PersonSummary>,
}

/// A person (or group) as the school portal lists it: enough to recognise
/// them, nothing more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonSummary {
    pub mis_id: String,
    pub resource: Resource,
    /// "First Last".
    pub name: String,
    /// Year and registration group, a staff role, or a contact's pupils.
    pub detail: String,
    /// Deleted by the MIS (kept as a tombstone for delta sync).
    pub deleted: bool,
}

/// S3: a school's choice about one person for one app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SelectionChoice {
    /// Shared even under Exclude All.
    Include,
    /// Never shared, even under Include All.
    Exclude,
    /// Whatever the GDPR mode says.
    Default,
}

/// One person's selection for an app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonSelection {
    pub mis_id: String,
    pub resource: Resource,
    pub name: String,
    pub choice: SelectionChoice,
    /// RFC 3339.
    pub changed_at: String,
    pub changed_by: String,
}

/// `?limit=&cursor=&since=` of the data API's lists (A1, A3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
pub struct DataQuery {
    /// Records per page, 1 to 1000 (default 100).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// A `sync_token` from an earlier sync: only changes since then.
    pub since: Option<String>,
}

/// A record that is gone for this app: deleted in the MIS, newly excluded,
/// or no longer selected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeletedRecord {
    pub id: String,
    pub deleted: bool,
}

/// One entry of a data page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum DataRecord {
    Deleted(DeletedRecord),
    Student(Student),
    Staff(StaffMember),
    Contact(Contact),
    Group(Group),
}

/// One page of a data API list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(examples(
    json!({
        "data": [{
            "id": "ST00042", "first_name": "Amelia", "last_name": "Khan", "date_of_birth": "2013-02-14",
            "year_group": "Year 8", "registration_group": "8B", "pupil_premium": true, "free_school_meals": false,
            "sen_status": "sen_support"
        }],
        "next_cursor": "eyJwIjoiZnVsbCIsImEiOiJTVDAwMDQyIn0",
        "sync_token": "eyJzIjoiMzI4MDAwMyIsInAiOjEyMzR9"
    }),
    json!({
        "data": [
            {
                "id": "ST01510", "first_name": "Leo", "last_name": "Nowak", "date_of_birth": "2014-06-01",
                "year_group": "Year 7", "registration_group": "7A", "pupil_premium": false,
                "free_school_meals": false, "sen_status": "no_sen"
            },
            { "id": "ST00107", "deleted": true }
        ],
        "next_cursor": null,
        "sync_token": "eyJzIjoiMzI4MDAwMyIsInAiOjEyNDR9"
    })
)))]
pub struct DataPage {
    pub data: Vec<DataRecord>,
    /// Pass as `?cursor=` for the next page; `null` on the last one.
    pub next_cursor: Option<String>,
    /// Keep it after the last page; pass it as `?since=` next time.
    pub sync_token: String,
}

/// Why a person is, or is not, shared with an app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExplainReason {
    /// Shared: the app reads this person.
    Shared,
    NotAuthorised,
    /// Authorised by someone whose authority is not verified yet.
    AwaitingVerification,
    /// Asked for by someone at the school; the school's admins decide.
    AwaitingSchoolApproval,
    AuthorisationRevoked,
    NotInstalled,
    FeedPaused,
    /// The school's MIS never sent this id.
    NotInExtract,
    /// The MIS deleted this person (a leaver).
    Deleted,
    /// The school excluded this person from this app.
    Excluded,
    /// Exclude All mode, and the school has not selected this person.
    NotSelected,
    /// The app may not read this kind of person.
    ScopeNotGranted,
    /// A contact whose pupils are all hidden from the app (#18).
    NoSharedPupil,
    /// The app's answer for an id it was never shared: the same whether the
    /// id exists, was deleted or is hidden, so ids cannot be probed (#18).
    /// The school's own explain gives the rule.
    NotShared,
}

/// `GET /api/v1/schools/{school_id}/explain?mis_id=`: the rule that hides a
/// person, or that they are shared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "mis_id": "ST00107",
    "resource": "students",
    "shared": false,
    "reason": "excluded",
    "detail": "the school excluded this person from your app",
    "last_extract_at": "2026-11-23T06:00:00Z",
    "cache_stale": false
})))]
pub struct Explanation {
    pub mis_id: String,
    pub resource: Option<Resource>,
    pub shared: bool,
    pub reason: ExplainReason,
    pub detail: String,
    /// RFC 3339: the school's last extract.
    pub last_extract_at: Option<String>,
    /// The last extract is more than 7 days old: the data may be out of date.
    pub cache_stale: bool,
}

/// `?mis_id=` of the explain endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
pub struct ExplainQuery {
    pub mis_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_not_set_are_absent_not_null() {
        let student = Student {
            id: "S1".into(),
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            preferred_name: None,
            date_of_birth: "2014-09-01".into(),
            year_group: "Year 7".into(),
            registration_group: "7H".into(),
            pupil_premium: Some(true),
            service_child: None,
            free_school_meals: None,
            ever6_free_school_meals: None,
            sen_status: None,
            more_able: None,
            traveller: None,
            looked_after: None,
            ever_looked_after: None,
            home_language: None,
        };
        let json = serde_json::to_value(DataRecord::Student(student)).unwrap();
        let object = json.as_object().unwrap();
        assert_eq!(object["pupil_premium"], true);
        assert!(!object.contains_key("sen_status"));
        assert!(!object.contains_key("preferred_name"));
    }

    #[test]
    fn a_deleted_record_is_id_and_flag() {
        let json = serde_json::to_string(&DataRecord::Deleted(DeletedRecord { id: "S1".into(), deleted: true }));
        assert_eq!(json.unwrap(), r#"{"id":"S1","deleted":true}"#);
    }
}
