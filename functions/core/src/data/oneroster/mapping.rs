//! How a school's records become OneRoster 1.2 objects (`docs/ONEROSTER.md`
//! is the table a reader checks this against).
//!
//! Every function here takes records as the gated native read returns them
//! (scopes, GDPR mode, selections already applied) and adds nothing the
//! record does not carry: a contextual flag the school did not grant is
//! absent from the record, so it is absent from the object.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use gatehouse_model::oneroster::{
    AcademicSession, Base, Class, Course, Demographics, Enrollment, GuidRef, MetadataValue, ObjectKind, Org,
    RecordStatus, RefKind, User, UserRole,
};
use gatehouse_model::{Contact, Group, GroupKind, StaffMember, Student};

/// Separates the parts of a `sourcedId`. MIS ids never contain it (the
/// ingestion allows letters, digits, `-`, `_`, `.` and `:`), and it needs
/// no escaping in a URL path, so an id reads back unambiguously.
const SEPARATOR: char = '~';

/// What a `sourcedId` names: stable across extracts, unique across
/// schools, and readable back into the record it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourcedId {
    School {
        urn: String,
    },
    /// The school year ending in `ends`, e.g. 2027 for 2026/27.
    SchoolYear {
        urn: String,
        ends: i32,
    },
    Term {
        urn: String,
        ends: i32,
        term: Term,
    },
    Student {
        urn: String,
        id: String,
    },
    Staff {
        urn: String,
        id: String,
    },
    Contact {
        urn: String,
        id: String,
    },
    /// A class, from a group.
    Class {
        urn: String,
        id: String,
    },
    /// The course a class teaches: one per class, as Gatehouse holds no subjects.
    Course {
        urn: String,
        id: String,
    },
    Enrollment {
        urn: String,
        class: String,
        member: Member,
        id: String,
    },
}

/// Who an enrollment enrols.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Member {
    Student,
    Staff,
}

/// The three terms of an English school year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    Autumn,
    Spring,
    Summer,
}

impl Term {
    pub const ALL: [Term; 3] = [Term::Autumn, Term::Spring, Term::Summer];

    fn code(self) -> &'static str {
        match self {
            Term::Autumn => "autumn",
            Term::Spring => "spring",
            Term::Summer => "summer",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Term::Autumn => "Autumn term",
            Term::Spring => "Spring term",
            Term::Summer => "Summer term",
        }
    }

    /// First and last day in the school year ending in `ends`. Term dates
    /// differ by school and holidays fall inside terms; these are the
    /// calendar bounds the three terms sit in.
    fn dates(self, ends: i32) -> (NaiveDate, NaiveDate) {
        let day = |year, month, day| NaiveDate::from_ymd_opt(year, month, day).expect("a real date");
        match self {
            Term::Autumn => (day(ends - 1, 9, 1), day(ends - 1, 12, 31)),
            Term::Spring => (day(ends, 1, 1), day(ends, 3, 31)),
            Term::Summer => (day(ends, 4, 1), day(ends, 8, 31)),
        }
    }
}

impl SourcedId {
    /// The id as it appears on the wire.
    pub fn render(&self) -> String {
        let s = SEPARATOR;
        match self {
            SourcedId::School { urn } => urn.clone(),
            SourcedId::SchoolYear { urn, ends } => format!("{urn}{s}y{s}{ends}"),
            SourcedId::Term { urn, ends, term } => format!("{urn}{s}t{s}{ends}{s}{}", term.code()),
            SourcedId::Student { urn, id } => format!("{urn}{s}s{s}{id}"),
            SourcedId::Staff { urn, id } => format!("{urn}{s}w{s}{id}"),
            SourcedId::Contact { urn, id } => format!("{urn}{s}c{s}{id}"),
            SourcedId::Class { urn, id } => format!("{urn}{s}g{s}{id}"),
            SourcedId::Course { urn, id } => format!("{urn}{s}k{s}{id}"),
            SourcedId::Enrollment { urn, class, member, id } => {
                let who = if *member == Member::Student { "s" } else { "w" };
                format!("{urn}{s}e{s}{class}{s}{who}{s}{id}")
            }
        }
    }

    /// The URN of the school the named object belongs to.
    pub fn urn(&self) -> &str {
        match self {
            SourcedId::School { urn }
            | SourcedId::SchoolYear { urn, .. }
            | SourcedId::Term { urn, .. }
            | SourcedId::Student { urn, .. }
            | SourcedId::Staff { urn, .. }
            | SourcedId::Contact { urn, .. }
            | SourcedId::Class { urn, .. }
            | SourcedId::Course { urn, .. }
            | SourcedId::Enrollment { urn, .. } => urn,
        }
    }

    /// Reads an id back; `None` for anything Gatehouse did not issue.
    pub fn parse(raw: &str) -> Option<SourcedId> {
        let parts: Vec<&str> = raw.split(SEPARATOR).collect();
        let urn = (*parts.first()?).to_owned();
        if urn.is_empty() || !urn.bytes().all(|byte| byte.is_ascii_digit()) || parts.iter().any(|part| part.is_empty())
        {
            return None;
        }
        let id = |text: &str| text.to_owned();
        Some(match parts[1..] {
            [] => SourcedId::School { urn },
            ["y", ends] => SourcedId::SchoolYear { urn, ends: ends.parse().ok()? },
            ["t", ends, term] => SourcedId::Term {
                urn,
                ends: ends.parse().ok()?,
                term: Term::ALL.into_iter().find(|known| known.code() == term)?,
            },
            ["s", person] => SourcedId::Student { urn, id: id(person) },
            ["w", person] => SourcedId::Staff { urn, id: id(person) },
            ["c", person] => SourcedId::Contact { urn, id: id(person) },
            ["g", group] => SourcedId::Class { urn, id: id(group) },
            ["k", group] => SourcedId::Course { urn, id: id(group) },
            ["e", class, who, person] => SourcedId::Enrollment {
                urn,
                class: id(class),
                member: match who {
                    "s" => Member::Student,
                    "w" => Member::Staff,
                    _ => return None,
                },
                id: id(person),
            },
            _ => return None,
        })
    }

    fn kind(&self) -> RefKind {
        match self {
            SourcedId::School { .. } => RefKind::Org,
            SourcedId::SchoolYear { .. } | SourcedId::Term { .. } => RefKind::AcademicSession,
            SourcedId::Student { .. } | SourcedId::Staff { .. } | SourcedId::Contact { .. } => RefKind::User,
            SourcedId::Class { .. } => RefKind::Class,
            SourcedId::Course { .. } => RefKind::Course,
            // Nothing refers to an enrollment.
            SourcedId::Enrollment { .. } => unreachable!("no reference names an enrollment"),
        }
    }

    /// A reference to the object this id names.
    /// A reference to this object, its `href` an absolute URL under
    /// `service` (the binding's `href` is a URI, and a client follows it as
    /// it is).
    pub fn reference(&self, service: &str) -> GuidRef {
        let kind = self.kind();
        let sourced_id = self.render();
        GuidRef { href: format!("{service}/{}/{sourced_id}", kind.collection()), sourced_id, kind }
    }
}

/// The school year a day falls in, by the year it ends: 1 September starts
/// the next one.
pub fn school_year_ending(day: NaiveDate) -> i32 {
    if day.month() >= 9 { day.year() + 1 } else { day.year() }
}

/// The CEDS grade (the list OneRoster 1.2 uses) of an English year group,
/// by the age its pupils are: Reception children are 4 to 5, as in
/// transitional kindergarten, and Year 1 matches kindergarten. `None` for
/// a year group the table does not know; it is still in the metadata.
pub fn ceds_grade(year_group: &str) -> Option<String> {
    let name = year_group.trim();
    match name.to_ascii_lowercase().as_str() {
        "nursery" => return Some("PK".into()),
        "reception" => return Some("TK".into()),
        _ => {}
    }
    let year: u32 = name.strip_prefix("Year ").or_else(|| name.strip_prefix("Y"))?.trim().parse().ok()?;
    match year {
        1 => Some("KG".into()),
        2..=13 => Some(format!("{:02}", year - 1)),
        _ => None,
    }
}

/// The facts every object of one school shares.
pub struct SchoolContext<'a> {
    /// The rostering service's absolute URL, which references start with.
    pub service: &'a str,
    pub urn: &'a str,
    pub name: &'a str,
    /// The day the read happens on, which fixes the school year.
    pub today: NaiveDate,
}

impl SchoolContext<'_> {
    fn org(&self) -> GuidRef {
        SourcedId::School { urn: self.urn.to_owned() }.reference(self.service)
    }

    fn urn(&self) -> String {
        self.urn.to_owned()
    }

    /// The school as an org of type `school`.
    pub fn school(&self, modified: &str) -> Org {
        Org {
            base: base(SourcedId::School { urn: self.urn() }, modified, None),
            name: self.name.to_owned(),
            kind: "school".into(),
            identifier: self.urn(),
        }
    }

    /// The current school year and its three terms.
    pub fn sessions(&self, modified: &str) -> Vec<AcademicSession> {
        let ends = school_year_ending(self.today);
        let year = SourcedId::SchoolYear { urn: self.urn(), ends };
        let start = Term::Autumn.dates(ends).0;
        let end = Term::Summer.dates(ends).1;
        let mut sessions = vec![AcademicSession {
            base: base(year.clone(), modified, None),
            title: format!("{}/{}", ends - 1, ends % 100),
            start_date: start.to_string(),
            end_date: end.to_string(),
            kind: "schoolYear".into(),
            parent: None,
            school_year: ends.to_string(),
            org: self.org(),
        }];
        for term in Term::ALL {
            let (start, end) = term.dates(ends);
            sessions.push(AcademicSession {
                base: base(SourcedId::Term { urn: self.urn(), ends, term }, modified, None),
                title: format!("{} {}/{}", term.title(), ends - 1, ends % 100),
                start_date: start.to_string(),
                end_date: end.to_string(),
                kind: "term".into(),
                parent: Some(year.reference(self.service)),
                school_year: ends.to_string(),
                org: self.org(),
            });
        }
        sessions
    }

    /// A pupil, with the contacts related to them as `agents`.
    pub fn student(&self, student: &Student, contact_ids: &[&str], modified: &str) -> User {
        let id = SourcedId::Student { urn: self.urn(), id: student.id.clone() };
        let mut user = self.user(id, &student.id, (&student.first_name, &student.last_name), "student", modified);
        let metadata = [
            ("gatehouse.yearGroup", &student.year_group),
            ("gatehouse.registrationGroup", &student.registration_group),
        ];
        user.base.metadata = Some(
            metadata.into_iter().map(|(name, text)| (name.to_owned(), MetadataValue::Text(text.clone()))).collect(),
        );
        user.preferred_first_name = student.preferred_name.clone();
        user.agents = contact_ids
            .iter()
            .map(|id| SourcedId::Contact { urn: self.urn(), id: (*id).to_owned() }.reference(self.service))
            .collect();
        user.grades = ceds_grade(&student.year_group).into_iter().collect();
        user
    }

    /// A member of staff, in the OneRoster role nearest their MIS role
    /// (which travels in the metadata as it is).
    pub fn staff(&self, staff: &StaffMember, modified: &str) -> User {
        let id = SourcedId::Staff { urn: self.urn(), id: staff.id.clone() };
        let role = staff_role(&staff.role);
        let mut user = self.user(id, &staff.id, (&staff.first_name, &staff.last_name), role, modified);
        let metadata = ("gatehouse.staffRole".to_owned(), MetadataValue::Text(staff.role.clone()));
        user.base.metadata = Some(BTreeMap::from([metadata]));
        user.email = staff.email.clone();
        user
    }

    /// A parent or carer, with the pupils they relate to as `agents`.
    pub fn contact(&self, contact: &Contact, modified: &str) -> User {
        let id = SourcedId::Contact { urn: self.urn(), id: contact.id.clone() };
        let role = contact_role(contact);
        let mut user = self.user(id, &contact.id, (&contact.first_name, &contact.last_name), role, modified);
        user.email = contact.email.clone();
        user.phone = contact.phone.clone();
        user.agents = contact
            .relationships
            .iter()
            .map(|related| {
                SourcedId::Student { urn: self.urn(), id: related.student_id.clone() }.reference(self.service)
            })
            .collect();
        user
    }

    /// A person of this school with one role and nothing else yet.
    fn user(&self, id: SourcedId, mis_id: &str, (given, family): (&str, &str), role: &str, modified: &str) -> User {
        User {
            base: base(id, modified, None),
            enabled_user: true,
            given_name: given.to_owned(),
            family_name: family.to_owned(),
            preferred_first_name: None,
            roles: vec![UserRole { role_type: "primary".into(), role: role.into(), org: self.org() }],
            identifier: mis_id.to_owned(),
            email: None,
            phone: None,
            agents: vec![],
            grades: vec![],
            primary_org: self.org(),
        }
    }

    /// A group as a class and the course it teaches; a year group is no
    /// class (its pupils carry it as their grade).
    pub fn class(&self, group: &Group, modified: &str) -> Option<(Class, Course)> {
        let class_type = match group.kind {
            GroupKind::RegistrationGroup => "homeroom",
            GroupKind::Class | GroupKind::Other => "scheduled",
            GroupKind::YearGroup => return None,
        };
        Some(self.class_and_course(&group.id, &group.name, class_type, modified))
    }

    /// The class of the group `id` and the course it teaches, for this school year.
    fn class_and_course(&self, id: &str, title: &str, class_type: &str, modified: &str) -> (Class, Course) {
        let course_id = SourcedId::Course { urn: self.urn(), id: id.to_owned() };
        let ends = school_year_ending(self.today);
        let class = Class {
            base: base(SourcedId::Class { urn: self.urn(), id: id.to_owned() }, modified, None),
            title: title.to_owned(),
            class_code: id.to_owned(),
            class_type: class_type.into(),
            course: course_id.reference(self.service),
            school: self.org(),
            terms: vec![SourcedId::SchoolYear { urn: self.urn(), ends }.reference(self.service)],
        };
        let course = Course {
            base: base(course_id, modified, None),
            title: title.to_owned(),
            course_code: id.to_owned(),
            org: self.org(),
        };
        (class, course)
    }

    /// Each member of a class as an enrollment: pupils as students, staff
    /// as teachers, the first member of staff the primary one.
    pub fn enrollments(&self, group: &Group, modified: &str) -> Vec<Enrollment> {
        if group.kind == GroupKind::YearGroup {
            return vec![];
        }
        let enrol = |member, id: &String, primary| self.enrollment(&group.id, member, id, primary, modified);
        let teachers = group.staff_ids.iter().enumerate().map(|(n, id)| enrol(Member::Staff, id, n == 0));
        let pupils = group.student_ids.iter().map(|id| enrol(Member::Student, id, false));
        teachers.chain(pupils).collect()
    }

    /// The member `id` of the group `class`, enrolled as a student or a teacher.
    fn enrollment(&self, class: &str, member: Member, id: &str, primary: bool, modified: &str) -> Enrollment {
        let (user, role) = match member {
            Member::Student => (SourcedId::Student { urn: self.urn(), id: id.to_owned() }, "student"),
            Member::Staff => (SourcedId::Staff { urn: self.urn(), id: id.to_owned() }, "teacher"),
        };
        let sourced = SourcedId::Enrollment { urn: self.urn(), class: class.to_owned(), member, id: id.to_owned() };
        Enrollment {
            base: base(sourced, modified, None),
            user: user.reference(self.service),
            class: SourcedId::Class { urn: self.urn(), id: class.to_owned() }.reference(self.service),
            school: self.org(),
            role: role.into(),
            primary,
        }
    }

    /// A pupil's demographics: the date of birth, and each contextual flag
    /// the record carries (only those the school granted) in the metadata.
    pub fn demographics(&self, student: &Student, modified: &str) -> Demographics {
        let flag = |value: Option<bool>| value.map(MetadataValue::Flag);
        let flags = [
            ("gatehouse.pupilPremium", flag(student.pupil_premium)),
            ("gatehouse.serviceChild", flag(student.service_child)),
            ("gatehouse.freeSchoolMeals", flag(student.free_school_meals)),
            ("gatehouse.ever6FreeSchoolMeals", flag(student.ever6_free_school_meals)),
            ("gatehouse.senStatus", student.sen_status.map(|status| MetadataValue::Text(sen_code(status).into()))),
            ("gatehouse.moreAble", flag(student.more_able)),
            ("gatehouse.traveller", flag(student.traveller)),
            ("gatehouse.lookedAfter", flag(student.looked_after)),
            ("gatehouse.everLookedAfter", flag(student.ever_looked_after)),
            ("gatehouse.homeLanguage", student.home_language.clone().map(MetadataValue::Text)),
        ];
        let metadata: BTreeMap<String, MetadataValue> =
            flags.into_iter().filter_map(|(name, value)| Some((name.to_owned(), value?))).collect();
        Demographics {
            base: base(
                SourcedId::Student { urn: self.urn(), id: student.id.clone() },
                modified,
                (!metadata.is_empty()).then_some(metadata),
            ),
            birth_date: Some(student.date_of_birth.clone()),
        }
    }

    /// The `kind` of object `id` names, gone: what a delta shows for a
    /// deleted or newly hidden record. It has every field the binding
    /// requires, so a strict client parses it, but says only what the id
    /// says: the person's or group's data is gone or hidden, so names and
    /// titles are empty, a person has the role their kind of record takes
    /// (`teacher` for staff, `relative` for a contact) and is disabled, and
    /// a class is `scheduled`.
    pub fn gone(&self, kind: ObjectKind, id: &SourcedId, modified: &str) -> serde_json::Value {
        let user = |mis: &str, role| {
            let mut user = self.user(id.clone(), mis, ("", ""), role, modified);
            user.enabled_user = false;
            serde_json::to_value(User { base: gone(id, modified), ..user })
        };
        let object = match (kind, id) {
            (ObjectKind::User, SourcedId::Student { id: mis, .. }) => user(mis, "student"),
            (ObjectKind::User, SourcedId::Staff { id: mis, .. }) => user(mis, "teacher"),
            (ObjectKind::User, SourcedId::Contact { id: mis, .. }) => user(mis, "relative"),
            (ObjectKind::Class, SourcedId::Class { id: group, .. }) => {
                let (class, _) = self.class_and_course(group, "", "scheduled", modified);
                serde_json::to_value(Class { base: gone(id, modified), ..class })
            }
            (ObjectKind::Course, SourcedId::Course { id: group, .. }) => {
                let (_, course) = self.class_and_course(group, "", "scheduled", modified);
                serde_json::to_value(Course { base: gone(id, modified), ..course })
            }
            (ObjectKind::Enrollment, SourcedId::Enrollment { class, member, id: person, .. }) => {
                let enrollment = self.enrollment(class, *member, person, false, modified);
                serde_json::to_value(Enrollment { base: gone(id, modified), ..enrollment })
            }
            _ => serde_json::to_value(Demographics { base: gone(id, modified), birth_date: None }),
        };
        object.expect("OneRoster objects serialise")
    }
}

/// The [`Base`] of an object gone.
fn gone(id: &SourcedId, modified: &str) -> Base {
    Base { status: RecordStatus::Tobedeleted, ..base(id.clone(), modified, None) }
}

fn base(id: SourcedId, modified: &str, metadata: Option<BTreeMap<String, MetadataValue>>) -> Base {
    Base { sourced_id: id.render(), status: RecordStatus::Active, date_last_modified: modified.to_owned(), metadata }
}

/// The census code of a SEN status, as schools know it.
fn sen_code(status: gatehouse_model::SenStatus) -> &'static str {
    match status {
        gatehouse_model::SenStatus::NoSen => "N",
        gatehouse_model::SenStatus::SenSupport => "K",
        gatehouse_model::SenStatus::EhcPlan => "E",
    }
}

/// OneRoster's role for an MIS staff role: teaching assistants are aides,
/// heads principals, teachers teachers, and everyone else in the school
/// office administers the site.
fn staff_role(mis_role: &str) -> &'static str {
    let role = mis_role.to_ascii_lowercase();
    if role.contains("assistant") {
        "aide"
    } else if role.contains("head") || role.contains("principal") {
        "principal"
    } else if role.contains("teacher") {
        "teacher"
    } else {
        "siteAdministrator"
    }
}

/// `parent` for a mother, father or parent of any pupil, `guardian` for
/// anyone else with parental responsibility, `relative` otherwise.
fn contact_role(contact: &Contact) -> &'static str {
    let is_parent = |relationship: &str| {
        let relationship = relationship.to_ascii_lowercase();
        ["mother", "father", "parent"].iter().any(|word| relationship.contains(word)) && !relationship.contains("grand")
    };
    if contact.relationships.iter().any(|related| is_parent(&related.relationship)) {
        "parent"
    } else if contact.relationships.iter().any(|related| related.parental_responsibility) {
        "guardian"
    } else {
        "relative"
    }
}

#[cfg(test)]
mod tests {
    use gatehouse_model::{Relationship, SenStatus};

    use super::*;

    const MODIFIED: &str = "2026-12-05T10:00:00Z";

    fn context() -> SchoolContext<'static> {
        SchoolContext {
            service: "https://gatehouse.example/ims/oneroster/rostering/v1p2",
            urn: "3280003",
            name: "Hana School",
            today: NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(),
        }
    }

    fn leo() -> Student {
        Student {
            id: "ST01510".into(),
            first_name: "Leo".into(),
            last_name: "Nowak".into(),
            preferred_name: None,
            date_of_birth: "2014-06-01".into(),
            year_group: "Year 7".into(),
            registration_group: "7A".into(),
            pupil_premium: Some(true),
            service_child: None,
            free_school_meals: None,
            ever6_free_school_meals: None,
            sen_status: Some(SenStatus::SenSupport),
            more_able: None,
            traveller: None,
            looked_after: None,
            ever_looked_after: None,
            home_language: None,
        }
    }

    #[test]
    fn every_id_reads_back_and_a_foreign_one_does_not() {
        let urn = || "3280003".to_owned();
        let ids = [
            SourcedId::School { urn: urn() },
            SourcedId::SchoolYear { urn: urn(), ends: 2027 },
            SourcedId::Term { urn: urn(), ends: 2027, term: Term::Spring },
            SourcedId::Student { urn: urn(), id: "ST-01.5:10".into() },
            SourcedId::Staff { urn: urn(), id: "SF0031".into() },
            SourcedId::Contact { urn: urn(), id: "CT02211".into() },
            SourcedId::Class { urn: urn(), id: "7A-MA".into() },
            SourcedId::Course { urn: urn(), id: "7A-MA".into() },
            SourcedId::Enrollment { urn: urn(), class: "7A-MA".into(), member: Member::Staff, id: "SF0031".into() },
        ];
        let rendered: Vec<String> = ids.iter().map(SourcedId::render).collect();
        for (id, text) in ids.iter().zip(&rendered) {
            assert_eq!(SourcedId::parse(text).as_ref(), Some(id), "{text}");
        }
        let mut unique = rendered.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), rendered.len(), "{rendered:?}");
        for foreign in
            ["", "abc", "3280003~x~1", "3280003~s", "3280003~s~", "3280003~e~7A~p~1", "3280003~t~2027~winter"]
        {
            assert_eq!(SourcedId::parse(foreign), None, "{foreign:?}");
        }
    }

    #[test]
    fn english_year_groups_map_to_ceds_grades_by_age() {
        let grades: Vec<Option<String>> =
            ["Nursery", "Reception", "Year 1", "Year 2", "Year 7", "Year 13", "Y11", "Year 14", "Upper Sixth"]
                .iter()
                .map(|year| ceds_grade(year))
                .collect();
        let expected = [Some("PK"), Some("TK"), Some("KG"), Some("01"), Some("06"), Some("12"), Some("10"), None, None];
        assert_eq!(grades, expected.map(|grade| grade.map(str::to_owned)));
    }

    #[test]
    fn the_school_year_turns_on_the_first_of_september() {
        let day = |month, day| NaiveDate::from_ymd_opt(2026, month, day).unwrap();
        assert_eq!(school_year_ending(day(8, 31)), 2026);
        assert_eq!(school_year_ending(day(9, 1)), 2027);
        let sessions = context().sessions(MODIFIED);
        assert_eq!(sessions.len(), 4);
        assert_eq!((sessions[0].title.as_str(), sessions[0].school_year.as_str()), ("2026/27", "2027"));
        assert_eq!((sessions[0].start_date.as_str(), sessions[0].end_date.as_str()), ("2026-09-01", "2027-08-31"));
        assert!(
            sessions[1..]
                .iter()
                .all(|term| term.parent.as_ref().map(|p| &p.sourced_id) == Some(&"3280003~y~2027".into()))
        );
        // The terms tile the year: each starts the day after the one before ends.
        for pair in sessions[1..].windows(2) {
            let ended = NaiveDate::parse_from_str(&pair[0].end_date, "%Y-%m-%d").unwrap();
            assert_eq!(ended.succ_opt().unwrap().to_string(), pair[1].start_date);
        }
    }

    #[test]
    fn a_flag_not_granted_stays_absent() {
        let demographics = serde_json::to_value(context().demographics(&leo(), MODIFIED)).unwrap();
        assert_eq!(demographics["birthDate"], "2014-06-01");
        assert_eq!(
            demographics["metadata"],
            serde_json::json!({ "gatehouse.pupilPremium": true, "gatehouse.senStatus": "K" })
        );
        let mut nothing_granted = leo();
        (nothing_granted.pupil_premium, nothing_granted.sen_status) = (None, None);
        let demographics = serde_json::to_value(context().demographics(&nothing_granted, MODIFIED)).unwrap();
        assert!(demographics.get("metadata").is_none(), "{demographics}");
    }

    #[test]
    fn people_get_the_role_their_record_implies() {
        let context = context();
        let student = context.student(&leo(), &["CT02211"], MODIFIED);
        assert_eq!(
            (student.roles[0].role.as_str(), student.grades.as_slice()),
            ("student", ["06".to_owned()].as_slice())
        );
        assert_eq!(student.agents[0].sourced_id, "3280003~c~CT02211");
        let staff = |role: &str| {
            let member = StaffMember {
                id: "SF1".into(),
                title: None,
                first_name: "A".into(),
                last_name: "B".into(),
                role: role.into(),
                email: None,
            };
            context.staff(&member, MODIFIED).roles[0].role.clone()
        };
        assert_eq!(
            ["Teacher", "Teaching Assistant", "Headteacher", "Office Manager"].map(staff),
            ["teacher", "aide", "principal", "siteAdministrator"]
        );
        let contact = |relationship: &str, responsible: bool| {
            let contact = Contact {
                id: "CT1".into(),
                title: None,
                first_name: "C".into(),
                last_name: "D".into(),
                email: None,
                phone: None,
                relationships: vec![Relationship {
                    student_id: "ST01510".into(),
                    relationship: relationship.into(),
                    parental_responsibility: responsible,
                    priority: 1,
                }],
            };
            context.contact(&contact, MODIFIED).roles[0].role.clone()
        };
        assert_eq!(contact("Mother", true), "parent");
        assert_eq!(contact("Grandfather", true), "guardian");
        assert_eq!(contact("Carer", true), "guardian");
        assert_eq!(contact("Aunt", false), "relative");
    }

    #[test]
    fn a_class_has_its_course_and_enrollments_and_a_year_group_is_none() {
        let context = context();
        let group = Group {
            id: "7A-MA".into(),
            name: "7A Maths".into(),
            kind: GroupKind::Class,
            student_ids: vec!["ST01510".into(), "ST01511".into()],
            staff_ids: vec!["SF0031".into(), "SF0032".into()],
        };
        let (class, course) = context.class(&group, MODIFIED).unwrap();
        assert_eq!((class.class_type.as_str(), class.course.sourced_id.as_str()), ("scheduled", "3280003~k~7A-MA"));
        assert_eq!(course.base.sourced_id, class.course.sourced_id);
        assert_eq!(class.course.href, "https://gatehouse.example/ims/oneroster/rostering/v1p2/courses/3280003~k~7A-MA");
        let enrollments = context.enrollments(&group, MODIFIED);
        let roles: Vec<(&str, bool)> = enrollments.iter().map(|e| (e.role.as_str(), e.primary)).collect();
        assert_eq!(roles, [("teacher", true), ("teacher", false), ("student", false), ("student", false)]);
        assert_eq!(
            SourcedId::parse(&enrollments[2].base.sourced_id).map(|id| id.render()),
            Some(enrollments[2].base.sourced_id.clone())
        );
        let year = Group { kind: GroupKind::YearGroup, ..group };
        assert!(context.class(&year, MODIFIED).is_none() && context.enrollments(&year, MODIFIED).is_empty());
    }
}
