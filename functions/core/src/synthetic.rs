//! The demo MIS agent's data (G1): a deterministic synthetic school. The
//! same seed gives the same school on every machine (a SplitMix64 stream,
//! written out here so no crate upgrade can change it): pupils in year and
//! registration groups with contextual flags at plausible rates, staff,
//! parents and carers (siblings share them), and classes. `changes` gives a
//! delta extract of joiners, leavers and edits for a round.
//! `seed_demo_schools` pushes them for every demo school shown Installed.

use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use gatehouse_model::{
    ConnectionState, Contact, DeletedRef, Extract, ExtractKind, GdprMode, Group, GroupKind, InstallStatus,
    Relationship, Resource, SchoolStatus, SchoolView, SenStatus, StaffMember, Student,
};

use crate::data_api::state_of;
use crate::ingestion::{Guard, ingest};
use crate::ports::{Index, ManualClock, Query, query_all};
use crate::records::{SchoolLinkRecord, from_item};
use crate::{AppId, Gatehouse, Result, SchoolId};

/// SplitMix64: tiny, fast and fully specified.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `per_thousand` / 1000.
    fn chance(&mut self, per_thousand: u64) -> bool {
        self.below(1000) < per_thousand
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const FIRST: [&str; 40] = [
    "Oliver", "Amelia", "Noah", "Isla", "Muhammad", "Ava", "George", "Ivy", "Leo", "Freya", "Arthur", "Lily", "Oscar",
    "Florence", "Harry", "Mia", "Jack", "Sophia", "Theo", "Willow", "Zain", "Aisha", "Kacper", "Zofia", "Rhys",
    "Cerys", "Dylan", "Seren", "Ibrahim", "Maryam", "Finley", "Evie", "Archie", "Grace", "Reuben", "Hana", "Tomasz",
    "Priya", "Kwame", "Niamh",
];
const LAST: [&str; 30] = [
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson", "Roberts",
    "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall", "Khan", "Ahmed",
    "Patel", "Begum", "Nowak", "Kowalski", "Okafor", "Mensah", "O'Brien", "Murphy",
];
const LANGUAGES: [&str; 8] = ["Polish", "Urdu", "Punjabi", "Bengali", "Romanian", "Arabic", "Somali", "Portuguese"];
const FORMS: [&str; 6] = ["A", "B", "C", "D", "E", "F"];
const SUBJECTS: [(&str, &str); 4] = [("MA", "Maths"), ("EN", "English"), ("SC", "Science"), ("HU", "Humanities")];

/// A year group: its name, its short label for group names, and pupils' age on 31 August.
struct Year {
    name: String,
    short: String,
    age: i32,
}

fn years(secondary: bool) -> Vec<Year> {
    if secondary {
        (7..=11).map(|n| Year { name: format!("Year {n}"), short: n.to_string(), age: n + 4 }).collect()
    } else {
        let mut years = vec![Year { name: "Reception".into(), short: "R".into(), age: 4 }];
        years.extend((1..=6).map(|n| Year { name: format!("Year {n}"), short: n.to_string(), age: n + 4 }));
        years
    }
}

/// The 31 August that starts the school year `today` falls in.
fn school_year_start(today: NaiveDate) -> NaiveDate {
    let year = if today.month() >= 9 { today.year() } else { today.year() - 1 };
    NaiveDate::from_ymd_opt(year, 8, 31).unwrap_or(today)
}

fn student(rng: &mut Rng, id: String, year: &Year, form: &str, start: NaiveDate) -> Student {
    let born_by = start.with_year(start.year() - year.age).unwrap_or(start);
    let date_of_birth = born_by - chrono::Duration::days(rng.below(365) as i64);
    let fsm = rng.chance(220);
    let looked_after = rng.chance(7);
    let sen_status = match rng.below(1000) {
        0..25 => SenStatus::EhcPlan,
        25..155 => SenStatus::SenSupport,
        _ => SenStatus::NoSen,
    };
    Student {
        id,
        first_name: rng.pick(&FIRST).to_owned(),
        last_name: rng.pick(&LAST).to_owned(),
        preferred_name: None,
        date_of_birth: date_of_birth.to_string(),
        year_group: year.name.clone(),
        registration_group: format!("{}{form}", year.short),
        pupil_premium: Some(fsm || rng.chance(60)),
        service_child: Some(rng.chance(20)),
        free_school_meals: Some(fsm),
        ever6_free_school_meals: Some(fsm || rng.chance(50)),
        sen_status: Some(sen_status),
        more_able: Some(rng.chance(100)),
        traveller: Some(rng.chance(5)),
        looked_after: Some(looked_after),
        ever_looked_after: Some(looked_after || rng.chance(8)),
        home_language: Some(if rng.chance(800) { "English".to_owned() } else { rng.pick(&LANGUAGES).to_owned() }),
    }
}

/// A full extract of a synthetic school with about `students` pupils
/// (secondary from 600 up, primary below), as of `today`.
pub fn school(seed: u64, students: u32, today: NaiveDate) -> Extract {
    let mut rng = Rng(seed);
    let secondary = students >= 600;
    let years = years(secondary);
    let per_year = (students as usize).div_ceil(years.len()).max(1);
    let forms = per_year.div_ceil(30).clamp(1, FORMS.len());
    let start = school_year_start(today);

    let mut extract = Extract {
        kind: ExtractKind::Full,
        students: Vec::new(),
        staff: Vec::new(),
        contacts: Vec::new(),
        groups: Vec::new(),
        deleted: Vec::new(),
    };
    let teachers = (students / 16).max(4);
    for n in 0..teachers + teachers / 2 + 4 {
        let role = if n < teachers {
            "Teacher"
        } else if n < teachers + teachers / 2 {
            "Teaching Assistant"
        } else {
            ["Headteacher", "Office Manager", "Data Manager", "Site Manager"][(n - teachers - teachers / 2) as usize]
        };
        let first = rng.pick(&FIRST);
        let last = rng.pick(&LAST);
        extract.staff.push(StaffMember {
            id: format!("STF{n:04}"),
            title: Some(rng.pick(&["Mr", "Mrs", "Ms", "Miss", "Dr"]).to_owned()),
            first_name: first.to_owned(),
            last_name: last.to_owned(),
            role: role.to_owned(),
            email: Some(format!(
                "{}.{}{n}@school.example",
                first.to_lowercase(),
                last.to_lowercase().replace('\'', "")
            )),
        });
    }

    let mut n = 0u32;
    for (y, year) in years.iter().enumerate() {
        let mut year_group = Group {
            id: format!("YG-{}", year.short),
            name: year.name.clone(),
            kind: GroupKind::YearGroup,
            student_ids: vec![],
            staff_ids: vec![],
        };
        for (f, form) in FORMS.iter().take(forms).enumerate() {
            let tutor = &extract.staff[(y * forms + f) % teachers as usize];
            let mut registration = Group {
                id: format!("RG-{}{form}", year.short),
                name: format!("{}{form}", year.short),
                kind: GroupKind::RegistrationGroup,
                student_ids: vec![],
                staff_ids: vec![tutor.id.clone()],
            };
            let size = per_year / forms + usize::from(f < per_year % forms);
            for _ in 0..size {
                if n >= students {
                    break;
                }
                let id = format!("STU{n:05}");
                extract.students.push(student(&mut rng, id.clone(), year, form, start));
                registration.student_ids.push(id.clone());
                year_group.student_ids.push(id);
                n += 1;
            }
            extract.groups.push(registration);
        }
        if secondary {
            for (code, subject) in SUBJECTS {
                for set in 0..forms {
                    let teacher = &extract.staff[rng.below(u64::from(teachers)) as usize];
                    let members: Vec<String> =
                        year_group.student_ids.iter().skip(set).step_by(forms).cloned().collect();
                    extract.groups.push(Group {
                        id: format!("CL-{}{code}{}", year.short, set + 1),
                        name: format!("{} {subject} set {}", year.name, set + 1),
                        kind: GroupKind::Class,
                        student_ids: members,
                        staff_ids: vec![teacher.id.clone()],
                    });
                }
            }
        }
        extract.groups.push(year_group);
    }

    // Parents and carers: one or two per pupil; about one pupil in eight is
    // a younger sibling sharing the previous pupil's contacts.
    let mut c = 0u32;
    let mut previous: Vec<usize> = Vec::new();
    for index in 0..extract.students.len() {
        let student_id = extract.students[index].id.clone();
        if !previous.is_empty() && rng.chance(125) {
            for &contact in &previous {
                let priority = extract.contacts[contact].relationships[0].priority;
                let relationship = extract.contacts[contact].relationships[0].relationship.clone();
                extract.contacts[contact].relationships.push(Relationship {
                    student_id: student_id.clone(),
                    relationship,
                    parental_responsibility: true,
                    priority,
                });
            }
            continue;
        }
        previous.clear();
        let family = extract.students[index].last_name.clone();
        let carers = if rng.chance(700) { 2 } else { 1 };
        for k in 0..carers {
            let relationship = match (k, rng.below(20)) {
                (_, 0) => "Carer",
                (_, 1) => "Grandparent",
                (0, _) => "Mother",
                _ => "Father",
            };
            let first = rng.pick(&FIRST);
            extract.contacts.push(Contact {
                id: format!("CON{c:05}"),
                title: None,
                first_name: first.to_owned(),
                last_name: family.clone(),
                email: Some(format!(
                    "{}.{}{c}@home.example",
                    first.to_lowercase(),
                    family.to_lowercase().replace('\'', "")
                )),
                phone: Some(format!("07700 9{:05}", c % 100_000)),
                relationships: vec![Relationship {
                    student_id: student_id.clone(),
                    relationship: relationship.to_owned(),
                    parental_responsibility: relationship != "Grandparent",
                    priority: k + 1,
                }],
            });
            previous.push(extract.contacts.len() - 1);
            c += 1;
        }
    }
    extract
}

/// Round `round` (from 1) of changes to `school(seed, students, today)`:
/// a few joiners, a few leavers and a few edits, as a delta extract.
pub fn changes(seed: u64, students: u32, today: NaiveDate, round: u32) -> Extract {
    let base = school(seed, students, today);
    let mut rng = Rng(seed ^ u64::from(round).wrapping_mul(0xA24B_AED4_963E_E407));
    let mut delta = Extract {
        kind: ExtractKind::Delta,
        students: Vec::new(),
        staff: Vec::new(),
        contacts: Vec::new(),
        groups: Vec::new(),
        deleted: Vec::new(),
    };
    let count = base.students.len() as u64;
    let start = school_year_start(today);
    let years = years(students >= 600);
    for k in 0..3 {
        let year = &years[rng.below(years.len() as u64) as usize];
        delta.students.push(student(&mut rng, format!("STJ{round:03}{k}"), year, "A", start));
    }
    let mut touched = std::collections::HashSet::new();
    for _ in 0..5 {
        let index = rng.below(count) as usize;
        if touched.insert(index) {
            let mut edited = base.students[index].clone();
            edited.free_school_meals = edited.free_school_meals.map(|fsm| !fsm);
            edited.preferred_name = Some(rng.pick(&FIRST).to_owned());
            delta.students.push(edited);
        }
    }
    for _ in 0..2 {
        let index = rng.below(count) as usize;
        if touched.insert(index) {
            delta.deleted.push(DeletedRef { resource: Resource::Students, id: base.students[index].id.clone() });
        }
    }
    delta
}

/// The seed and size of the demo school a newcomer reads first (the
/// README's, whose agent key `cargo xtask run` keeps): from its id, so the
/// same school is the same on every machine, and big enough to page through.
pub fn demo_shape(school: &SchoolId) -> (u64, u32) {
    let seed = id_seed(school);
    (seed, 150 + (seed % 4) as u32 * 100)
}

/// Every other demo school is small (20 to 60 pupils), so seeding them all
/// stays quick on a laptop.
fn small_shape(school: &SchoolId) -> (u64, u32) {
    let seed = id_seed(school);
    (seed, 20 + (seed % 41) as u32)
}

fn id_seed(school: &SchoolId) -> u64 {
    school.as_str().bytes().fold(0u64, |acc, b| acc.wrapping_mul(31).wrapping_add(u64::from(b)))
}

/// What `seed_demo_schools` did.
#[derive(Debug, Default)]
pub struct DemoFeeds {
    /// The demo app's first connected school by id: the one a newcomer tries.
    pub first_connected: Option<SchoolId>,
    /// Schools whose agent pushed this run.
    pub pushed: u32,
}

/// Makes the demo's MIS facts true (#12): every demo school shown Installed
/// gets the agent history its link shows, through the real ingestion, so
/// its feed, Cache Age and Status come from pushes. The pushes happen at the
/// link's last extract time (a clock of that moment), and then:
/// OK is a clean push; Warning a push with one rejected pupil; Error a clean
/// push followed by an unreadable one (the data stays); Inactive a push over
/// a week ago, marked by the real Inactive job. A connected Exclude All
/// school shares nobody until it includes people, so its admin includes one
/// class in the school portal. Unknown means operations marked the school
/// installed and its agent has not pushed yet: left alone, unless an app
/// could read it (a connected school always has data). A school whose feed
/// exists already is left alone, so a restart pushes nothing.
pub async fn seed_demo_schools(gatehouse: &Gatehouse) -> Result<DemoFeeds> {
    let now = gatehouse.clock.now();
    let today = crate::calendar::uk_date(now);
    let mut links = Vec::new();
    for app in [crate::demo::DEMO_APP, crate::demo::OTHER_APP] {
        let app = AppId::parse(app)?;
        for view in [SchoolView::Active, SchoolView::Pending, SchoolView::Revoked] {
            let partition = crate::keys::school_view_partition(&app, view);
            for item in query_all(gatehouse.table.as_ref(), Query::partition(Index::Gsi1, partition)).await? {
                links.push(from_item::<SchoolLinkRecord>(&item)?);
            }
        }
    }
    links.sort_by(|a, b| a.school_id.cmp(&b.school_id));
    let connected = |link: &SchoolLinkRecord| state_of(link, today) == ConnectionState::Connected;
    let first_connected = links
        .iter()
        .find(|link| link.app_id.as_str() == crate::demo::DEMO_APP && connected(link))
        .map(|link| link.school_id.clone());
    let mut feeds = DemoFeeds { first_connected, pushed: 0 };
    for link in &links {
        let pushes = link.install_status == InstallStatus::Installed
            && (link.status != SchoolStatus::Unknown || connected(link));
        if !pushes || crate::ingestion::load_feed(gatehouse, &link.school_id).await?.is_some() {
            continue;
        }
        let (seed, students) = if feeds.first_connected.as_ref() == Some(&link.school_id) {
            demo_shape(&link.school_id)
        } else {
            small_shape(&link.school_id)
        };
        let at = link.last_extract_at.unwrap_or(now).min(now);
        let mut extract = school(seed, students, at.date_naive());
        if link.status == SchoolStatus::Warning
            && let Some(pupil) = extract.students.last_mut()
        {
            pupil.date_of_birth = "unknown".into();
        }
        ingest(&as_of(gatehouse, at), &link.school_id, &extract, Guard::On).await?;
        if link.gdpr_mode == Some(GdprMode::ExcludeAll) && connected(link) {
            let class = extract.groups.iter().find(|group| group.kind == GroupKind::RegistrationGroup);
            let pupils = class.map(|group| group.student_ids.as_slice()).unwrap_or_default();
            crate::demo::include_pupils(gatehouse, link, pupils).await?;
        }
        if link.status == SchoolStatus::Error {
            let mut broken = changes(seed, students, at.date_naive(), 1);
            broken.students.truncate(1);
            broken.students[0].date_of_birth = "unknown".into();
            broken.deleted.clear();
            let later = (at + chrono::Duration::minutes(30)).min(now);
            ingest(&as_of(gatehouse, later), &link.school_id, &broken, Guard::On).await?;
        }
        feeds.pushed += 1;
    }
    if feeds.pushed > 0 {
        crate::ingestion::mark_inactive_schools(gatehouse).await?;
    }
    Ok(feeds)
}

/// The same ports with a clock stopped at `at`: an agent's push from the past.
fn as_of(gatehouse: &Gatehouse, at: DateTime<Utc>) -> Gatehouse {
    Gatehouse { clock: Arc::new(ManualClock::at(at)), ..gatehouse.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn the_same_seed_gives_the_same_school() {
        assert_eq!(school(7, 300, today()), school(7, 300, today()));
        assert_ne!(school(7, 300, today()).students, school(8, 300, today()).students);
    }

    #[test]
    fn a_synthetic_school_is_plausible_and_valid() {
        let extract = school(42, 1500, today());
        assert_eq!(extract.students.len(), 1500);
        assert!(extract.staff.len() > 90, "about one teacher per 16 pupils, plus support staff");
        assert!(extract.contacts.len() > 1500);
        let share = |count: usize| count * 1000 / extract.students.len();
        let fsm = share(extract.students.iter().filter(|s| s.free_school_meals == Some(true)).count());
        assert!((150..300).contains(&fsm), "FSM per thousand: {fsm}");
        let looked_after = share(extract.students.iter().filter(|s| s.looked_after == Some(true)).count());
        assert!(looked_after < 30, "looked after per thousand: {looked_after}");
        let validated = crate::ingestion::validate(&extract, today()).unwrap();
        assert!(validated.rejected.is_empty(), "{:?}", validated.rejected.first());
    }

    #[test]
    fn changes_bring_joiners_leavers_and_edits() {
        let delta = changes(42, 300, today(), 1);
        assert_eq!(delta.kind, ExtractKind::Delta);
        assert!(delta.students.iter().any(|s| s.id.starts_with("STJ")));
        assert!(!delta.deleted.is_empty());
        assert!(crate::ingestion::validate(&delta, today()).unwrap().rejected.is_empty());
        assert_ne!(changes(42, 300, today(), 1), changes(42, 300, today(), 2));
    }
}
