//! Demo data: "Demo Partner Ltd" with one app and 60 plausible schools in
//! every state the lists show, and a second partner whose schools the first
//! must never see. Deterministic, and idempotent to seed: every write is
//! conditional on the item not existing, so a second run changes nothing.
//! The links' MIS facts (Installed, Status, last extract) are the histories
//! `synthetic::seed_demo_schools` then lives through the real ingestion, and
//! `seed_cases` and `seed_answers` go through the portals' rules, when the
//! local server seeds people (#12: the demo shows only reachable states).

use chrono::{DateTime, Days, Duration, NaiveDate, NaiveTime, Utc};
use gatehouse_model::{
    AccountKind, FeedStatus, GdprMode, InstallStatus, LogEvent, SchoolStatus, SchoolView, Scope, ScopeSet, TeamRole,
};

use crate::authorisation_log;
use crate::keys::Key;
use crate::links::{awaits_authorisation, link_item, reminder_due};
use crate::ports::{Condition, Item, StoreError, Table, TransactWrite};
use crate::records::{
    AppRecord, MemberRecord, MonthUsage, OpsUserRecord, PartnerRecord, RevocationDueRecord, SchoolLinkRecord,
    SchoolUserRecord, UserRecord, plain_item,
};
use crate::team::member_items;
use crate::{AppId, EmailAddress, PartnerId, Result, SchoolId};

pub const DEMO_EMAIL: &str = "demo@partner.example";
pub const OTHER_EMAIL: &str = "other@partner.example";
/// A second, non-admin colleague at the demo partner.
pub const COLLEAGUE_EMAIL: &str = "sam@partner.example";
/// A school portal user (S3) at demo school `DEMO_PORTAL_SCHOOL` (an active,
/// installed school of the demo partner).
pub const DEMO_SCHOOL_EMAIL: &str = "head@school.example";
/// Index of the demo school `DEMO_SCHOOL_EMAIL` works at.
pub const DEMO_PORTAL_SCHOOL: u32 = 2;
/// An operations console user (O1).
pub const DEMO_OPS_EMAIL: &str = "ops@gatehouse.example";
pub const DEMO_PARTNER: &str = "demo-partner";
pub const OTHER_PARTNER: &str = "other-partner";
pub const DEMO_APP: &str = "demo-app";
pub const OTHER_APP: &str = "other-app";
/// How many schools each partner's app has, over all views.
pub const DEMO_SCHOOLS: u32 = 60;
pub const OTHER_SCHOOLS: u32 = 10;

pub const PLACES: [&str; 20] = [
    "Oakfield",
    "Riverside",
    "St Mary's",
    "Hillcrest",
    "Meadowbank",
    "Kingsway",
    "Ashgrove",
    "Brookside",
    "Castle Vale",
    "Elmwood",
    "Fairfield",
    "Greenacre",
    "Holy Trinity",
    "Larchmont",
    "Millbrook",
    "Northgate",
    "Parkview",
    "Queensbury",
    "Redwood",
    "Westfield",
];
pub const KINDS: [&str; 6] = [
    "Primary School",
    "Academy",
    "High School",
    "Church of England Primary School",
    "Community School",
    "Infant School",
];
/// Local authority with its code (the first three digits of its URNs) and a postcode area.
pub const AUTHORITIES: [(&str, u32, &str); 8] = [
    ("Leeds", 107, "LS"),
    ("Birmingham", 103, "B"),
    ("Cardiff", 681, "CF"),
    ("Kent", 118, "ME"),
    ("Manchester", 105, "M"),
    ("Bristol, City of", 109, "BS"),
    ("Swansea", 670, "SA"),
    ("Norfolk", 126, "NR"),
];
pub const FIRST_NAMES: [&str; 8] = ["Alex", "Priya", "Sam", "Morgan", "Jo", "Chris", "Fatima", "Rhys"];
pub const LAST_NAMES: [&str; 7] = ["Morgan", "Patel", "Jones", "Okafor", "Williams", "Evans", "Hughes"];
pub const MIS: [&str; 6] = ["SIMS", "Arbor", "iSAMS", "Bromcom", "ScholarPack", "Integris"];

/// What `seed` wrote (items new this run) and what it left alone.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub written: u32,
    pub already_there: u32,
}

/// Seeds both partners. `now` fixes every relative date.
pub async fn seed(table: &dyn Table, now: DateTime<Utc>) -> Result<SeedReport> {
    let mut report = SeedReport::default();
    for item in demo_items(now) {
        match table.put(item, Condition::NotExists).await {
            Ok(()) => report.written += 1,
            Err(StoreError::ConditionFailed { .. }) => report.already_there += 1,
            Err(error) => return Err(error.into()),
        }
    }
    Ok(report)
}

/// Every item of the demo data set.
pub fn demo_items(now: DateTime<Utc>) -> Vec<Item> {
    let mut items = Vec::new();
    let partners = [
        (
            DEMO_PARTNER,
            "Demo Partner Ltd",
            DEMO_EMAIL,
            "Dana Demo",
            DEMO_APP,
            "Demo Timetabler",
            DEMO_SCHOOLS,
            3_280_001,
        ),
        (
            OTHER_PARTNER,
            "Other Partner plc",
            OTHER_EMAIL,
            "Owen Other",
            OTHER_APP,
            "Other Homework",
            OTHER_SCHOOLS,
            4_510_001,
        ),
    ];
    for (partner, partner_name, email, display_name, app, app_name, schools, first_id) in partners {
        let partner_id = PartnerId::parse(partner).expect("demo id");
        let app_id = AppId::parse(app).expect("demo id");
        let email = EmailAddress::parse(email).expect("demo email");
        items.push(plain_item(
            &Key::Partner(&partner_id),
            &PartnerRecord { partner_id: partner_id.clone(), name: partner_name.into() },
            1,
        ));
        let requested_scopes =
            if partner == DEMO_PARTNER { demo_requested_scopes() } else { [Scope::Students, Scope::Groups].into() };
        items.push(plain_item(
            &Key::App(&partner_id, &app_id),
            &AppRecord {
                app_id: app_id.clone(),
                partner_id: partner_id.clone(),
                name: app_name.into(),
                requested_scopes: requested_scopes.clone(),
            },
            1,
        ));
        let user = UserRecord {
            email: email.clone(),
            display_name: display_name.into(),
            partner_id: partner_id.clone(),
            role: TeamRole::Admin,
        };
        let member = MemberRecord {
            email: email.clone(),
            display_name: user.display_name.clone(),
            role: TeamRole::Admin,
            added_at: now - Duration::days(400),
            added_by: None,
        };
        items.extend(member_items(&user, &member));
        // The operations console's list of organisations (O1).
        items.push(crate::partners::listing_item(&crate::partners::PartnerListingRecord {
            partner_id: partner_id.clone(),
            name: partner_name.into(),
            app_id: app_id.clone(),
            app_name: app_name.into(),
            admin_name: display_name.into(),
            admin_email: email.clone(),
            created_at: None,
            created_by: None,
        }));
        if partner == DEMO_PARTNER {
            let colleague = UserRecord {
                email: EmailAddress::parse(COLLEAGUE_EMAIL).expect("demo email"),
                display_name: "Sam Support".into(),
                partner_id: partner_id.clone(),
                role: TeamRole::Member,
            };
            let member = MemberRecord {
                email: colleague.email.clone(),
                display_name: colleague.display_name.clone(),
                role: TeamRole::Member,
                added_at: now - Duration::days(90),
                added_by: Some(user.display_name.clone()),
            };
            items.extend(member_items(&colleague, &member));
        }
        for n in 0..schools {
            let mut link = demo_school(&user, &app_id, n, first_id + n, &requested_scopes, now);
            link.app_name = Some(app_name.to_owned());
            link.partner_name = Some(partner_name.to_owned());
            link.authorised_by = link.authorised_on.map(|_| {
                format!(
                    "{} ({})",
                    link.school_contact_name.clone().unwrap_or_default(),
                    link.school_contact_role.clone().unwrap_or_default()
                )
            });
            items.extend(demo_history(&mut link, now));
            if let Some(on) = link.revoke_on {
                let key = Key::RevocationDue(on, &link.app_id, &link.school_id);
                let due = RevocationDueRecord {
                    app_id: link.app_id.clone(),
                    school_id: link.school_id.clone(),
                    revoke_on: on,
                };
                items.push(plain_item(&key, &due, 1));
            }
            if awaits_authorisation(&link)
                && let TransactWrite::Put { item, .. } = reminder_due(&link)
            {
                items.push(item);
            }
            if partner == DEMO_PARTNER && n == DEMO_PORTAL_SCHOOL {
                items.extend(demo_school_user(&link, now));
            }
            // Whoever authorised a school is its admin (#12): their
            // authority was verified when they first authorised.
            if link.authorised_on.is_some() {
                items.extend(demo_authoriser(&link, now));
            }
            // The school's dashboard copy of the link (also the agent's pointer to it).
            if let TransactWrite::Put { item, .. } = crate::school_portal::dashboard_entry(&link) {
                items.push(item);
            }
            items.push(link_item(&link, 1));
        }
    }
    let ops = OpsUserRecord {
        email: EmailAddress::parse(DEMO_OPS_EMAIL).expect("demo email"),
        display_name: "Olu Operations".into(),
        added_at: now - Duration::days(500),
    };
    items.push(plain_item(&Key::User(AccountKind::Ops, &ops.email), &ops, 1));
    items
}

/// The school contact who authorised `link`, as an admin of the school.
fn demo_authoriser(link: &SchoolLinkRecord, now: DateTime<Utc>) -> Vec<Item> {
    let Some(email) = link.school_contact.clone() else { return Vec::new() };
    let user = SchoolUserRecord {
        email,
        display_name: link.school_contact_name.clone().unwrap_or_default(),
        role: link.school_contact_role.clone().unwrap_or_default(),
        school_id: link.school_id.clone(),
        urn: link.urn.clone().unwrap_or_default(),
        school_name: link.name.clone(),
        added_at: link.authorised_on.map_or(now, |on| on.and_time(NaiveTime::MIN).and_utc()),
        added_by: Some("verified by Gatehouse operations".into()),
        access: TeamRole::Admin,
    };
    vec![
        plain_item(&Key::User(AccountKind::School, &user.email), &user, 1),
        plain_item(&Key::SchoolMember(&user.school_id, &user.email), &user, 1),
    ]
}

/// The school portal account of the person who authorised `link`, and their
/// place in the school's team.
fn demo_school_user(link: &SchoolLinkRecord, now: DateTime<Utc>) -> [Item; 2] {
    let user = SchoolUserRecord {
        email: EmailAddress::parse(DEMO_SCHOOL_EMAIL).expect("demo email"),
        display_name: "Hana Head".into(),
        role: "Headteacher".into(),
        school_id: link.school_id.clone(),
        urn: link.urn.clone().unwrap_or_default(),
        school_name: link.name.clone(),
        added_at: now - Duration::days(200),
        added_by: None,
        access: TeamRole::Admin,
    };
    [
        plain_item(&Key::User(AccountKind::School, &user.email), &user, 1),
        plain_item(&Key::SchoolMember(&user.school_id, &user.email), &user, 1),
    ]
}

/// What the demo app asks for (P10).
pub fn demo_requested_scopes() -> ScopeSet {
    [
        Scope::Students,
        Scope::Staff,
        Scope::Contacts,
        Scope::Groups,
        Scope::PupilPremium,
        Scope::FreeSchoolMeals,
        Scope::SenStatus,
    ]
    .into()
}

/// A plausible Authorisation Log for a demo link, consistent with its state.
fn demo_history(link: &mut SchoolLinkRecord, now: DateTime<Utc>) -> Vec<Item> {
    let at =
        |date: NaiveDate, hour: u32| date.and_time(NaiveTime::from_hms_opt(hour, 15, 0).unwrap_or_default()).and_utc();
    let partner = "Dana Demo".to_owned();
    let contact = link.school_contact_name.clone().unwrap_or_default();
    let contact_email = link.school_contact.as_ref().map(|email| email.as_str().to_owned()).unwrap_or_default();
    let mut events: Vec<(LogEvent, String, String, DateTime<Utc>)> = Vec::new();
    if let Some(invited) = link.invited_on {
        events.push((
            LogEvent::Invited,
            partner.clone(),
            format!("Invitation sent to {contact_email}"),
            at(invited, 9),
        ));
    }
    if let Some(authorised) = link.authorised_on {
        let mode = link.gdpr_mode.map(|mode| mode.label()).unwrap_or_default();
        let feed = link.feed_status.map(|feed| feed.label()).unwrap_or_default();
        let detail = format!("Authorised sharing: GDPR mode {mode}, feed {feed}");
        events.push((LogEvent::Authorised, contact.clone(), detail, at(authorised, 14)));
    }
    if let Some(on) = link.revoke_on {
        let detail = format!("Access ends on {on}. Reason: The school is no longer a customer");
        events.push((LogEvent::RevokeScheduled, partner.clone(), detail, now - Duration::days(1)));
    }
    if let (Some(revoked), Some(by)) = (link.revoked_on, link.revoked_by.clone()) {
        events.push((LogEvent::Revoked, by, "Access revoked".to_owned(), at(revoked, 11)));
    }
    events
        .into_iter()
        .filter_map(|(event, actor, detail, at)| match authorisation_log::append(link, event, &actor, detail, at) {
            TransactWrite::Put { item, .. } => Some(item),
            _ => None,
        })
        .collect()
}

/// The data lead the invitation went to: on a reserved domain, never deliverable.
fn school_contact(id: u32) -> EmailAddress {
    EmailAddress::parse(&format!("data.lead.{id}@school.example")).expect("a valid address")
}

/// School number `n`: the view and every column vary with `n` so each
/// status, install status, GDPR mode and feed status appears.
fn demo_school(
    partner: &UserRecord,
    app: &AppId,
    n: u32,
    id: u32,
    requested: &ScopeSet,
    now: DateTime<Utc>,
) -> SchoolLinkRecord {
    let index = n as usize;
    let (authority, la_code, area) = AUTHORITIES[index % AUTHORITIES.len()];
    let name = format!("{} {}", PLACES[(index * 7) % PLACES.len()], KINDS[index % KINDS.len()]);
    let today = now.date_naive();
    let days_ago = |days: u64| today.checked_sub_days(Days::new(days)).unwrap_or(NaiveDate::MIN);
    // Roughly 70% active, 20% pending, 10% revoked.
    let view = match n % 10 {
        0..=6 => SchoolView::Active,
        7 | 8 => SchoolView::Pending,
        _ => SchoolView::Revoked,
    };
    // Pending schools vary by tens, so they too cover every install state.
    let install_key = if view == SchoolView::Pending { n / 10 } else { n } % 5;
    let install_status = match install_key {
        0 => InstallStatus::OnboardingQueue,
        1 => InstallStatus::Booked {
            slot: format!("{}T{:02}:{:02}", today + Days::new(3 + u64::from(n % 9)), 9 + n % 7, (n % 2) * 30),
        },
        _ => InstallStatus::Installed,
    };
    let installed = install_status == InstallStatus::Installed;
    let authorised = view != SchoolView::Pending;
    let feed_status = authorised.then_some(if n % 4 == 1 { FeedStatus::Paused } else { FeedStatus::Enabled });
    // What the school's MIS agent did (the local server's seeding makes it
    // so through the real ingestion, `synthetic::seed_demo_schools`). Unknown
    // means operations marked it installed and the agent has not pushed yet,
    // which an app reading the school would find empty: never a connected one.
    let connected = view == SchoolView::Active && installed && feed_status == Some(FeedStatus::Enabled);
    let status = match SchoolStatus::ALL[(index / 5 + index) % 5] {
        _ if !installed => SchoolStatus::NotInstalled,
        SchoolStatus::Unknown if connected => SchoolStatus::Ok,
        status => status,
    };
    let last_extract_at = match status {
        SchoolStatus::NotInstalled | SchoolStatus::Unknown => None,
        // The Inactive job marks an agent silent for more than a week.
        SchoolStatus::Inactive => Some(now - Duration::days(8 + i64::from(n % 5))),
        _ => Some(now - Duration::hours(i64::from(n % 6) * 26 + 1)),
    };
    SchoolLinkRecord {
        school_id: SchoolId::parse(&id.to_string()).expect("digits"),
        app_id: app.clone(),
        partner_id: partner.partner_id.clone(),
        name,
        urn: Some(format!("{}{:03}", la_code, 100 + n * 13 % 900)),
        local_authority: Some(authority.into()),
        postcode: Some(format!("{area}{} {}{}{}", 1 + n % 19, n % 10, ["AB", "DX", "HQ", "NP", "TW"][index % 5], "")),
        mis: (n % 11 != 3).then(|| MIS[index % MIS.len()].to_owned()),
        view,
        status,
        authorised_on: authorised.then(|| days_ago(20 + u64::from(n) * 11)),
        gdpr_mode: authorised.then_some(if n.is_multiple_of(3) { GdprMode::ExcludeAll } else { GdprMode::IncludeAll }),
        feed_status,
        usage: (view == SchoolView::Active && installed)
            .then(|| MonthUsage { month: now.format("%Y-%m").to_string(), calls: u64::from(n * 37 % 500) }),
        install_status,
        last_extract_at,
        // Counted by the real cases `seed_cases` opens.
        active_cases: 0,
        revoke_on: (view == SchoolView::Active && n % 13 == 4).then(|| today + Days::new(14)),
        invited_on: Some(days_ago(40 + u64::from(n) * 11)),
        revoked_on: (view == SchoolView::Revoked).then(|| days_ago(5 + u64::from(n))),
        revoked_by: (view == SchoolView::Revoked)
            .then(|| if n % 20 == 9 { partner.display_name.clone() } else { "School".to_owned() }),
        school_contact: Some(school_contact(id)),
        partner_contact: Some(partner.email.clone()),
        priority: view == SchoolView::Pending && (n / 10).is_multiple_of(2),
        school_contact_name: Some(format!(
            "{} {}",
            FIRST_NAMES[index % FIRST_NAMES.len()],
            LAST_NAMES[(index / 3) % LAST_NAMES.len()]
        )),
        school_contact_role: Some(
            if n.is_multiple_of(3) { "Data Manager" } else { "School Business Manager" }.to_owned(),
        ),
        // A few active schools granted before SEN status was requested: they need to re-authorise.
        granted_scopes: match view {
            SchoolView::Active if n % 9 == 5 => {
                requested.iter().copied().filter(|scope| *scope != Scope::SenStatus).collect()
            }
            SchoolView::Active => requested.clone(),
            _ => ScopeSet::new(),
        },
        reauthorisation_requested_for: None,
        reauthorisation_answered_for: None,
        invitation: None,
        cancelled_on: None,
        last_reminded_on: None,
        revoke_requested_by: (view == SchoolView::Active && n % 13 == 4).then(|| partner.display_name.clone()),
        log_seq: 0,
        log_head: None,
        app_name: None,
        partner_name: None,
        authorised_by: None,
        pending_grant: None,
    }
}
/// A plain active link, for unit tests.
#[cfg(test)]
pub(crate) fn sample_link() -> SchoolLinkRecord {
    use chrono::TimeZone;
    use gatehouse_model::ScopeSet;
    SchoolLinkRecord {
        school_id: SchoolId::parse("3280001").unwrap(),
        app_id: AppId::parse("app1").unwrap(),
        partner_id: PartnerId::parse("p1").unwrap(),
        name: "Oakfield Primary".into(),
        urn: None,
        local_authority: None,
        postcode: None,
        mis: Some("Arbor".into()),
        view: SchoolView::Active,
        status: SchoolStatus::Ok,
        authorised_on: None,
        gdpr_mode: None,
        feed_status: None,
        usage: Some(MonthUsage { month: "2026-11".into(), calls: 42 }),
        install_status: InstallStatus::Installed,
        last_extract_at: Some(Utc.with_ymd_and_hms(2026, 11, 20, 23, 0, 0).unwrap()),
        active_cases: 0,
        revoke_on: Some(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
        invited_on: None,
        revoked_on: None,
        revoked_by: None,
        school_contact: None,
        partner_contact: None,
        priority: false,
        school_contact_name: None,
        school_contact_role: None,
        granted_scopes: ScopeSet::new(),
        reauthorisation_requested_for: None,
        reauthorisation_answered_for: None,
        invitation: None,
        cancelled_on: None,
        last_reminded_on: None,
        revoke_requested_by: None,
        log_seq: 0,
        log_head: None,
        app_name: None,
        partner_name: None,
        authorised_by: None,
        pending_grant: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::from_item;
    use chrono::TimeZone;
    use std::collections::HashSet;

    #[test]
    fn demo_covers_every_state_the_lists_show() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        let links: Vec<SchoolLinkRecord> = demo_items(now)
            .iter()
            .filter(|item| item.gsi1.is_some())
            .map(|item| from_item(item).unwrap())
            .filter(|link: &SchoolLinkRecord| link.partner_id.as_str() == DEMO_PARTNER)
            .collect();
        assert_eq!(links.len(), DEMO_SCHOOLS as usize);
        let active: Vec<_> = links.iter().filter(|l| l.view == SchoolView::Active).collect();
        let statuses: HashSet<_> = active.iter().map(|l| l.status).collect();
        assert_eq!(statuses.len(), 6, "every status among active schools: {statuses:?}");
        let installs: HashSet<_> = active.iter().map(|l| std::mem::discriminant(&l.install_status)).collect();
        assert_eq!(installs.len(), 3);
        assert!(active.iter().any(|l| l.gdpr_mode == Some(GdprMode::ExcludeAll)));
        assert!(active.iter().any(|l| l.gdpr_mode == Some(GdprMode::IncludeAll)));
        assert!(active.iter().any(|l| l.feed_status == Some(FeedStatus::Paused)));
        assert!(active.iter().any(|l| l.revoke_on.is_some()));
        assert!(links.iter().any(|l| l.view == SchoolView::Pending));
        let pending: Vec<_> = links.iter().filter(|l| l.view == SchoolView::Pending).collect();
        assert!(pending.iter().any(|l| l.install_status == InstallStatus::Installed));
        assert!(pending.iter().any(|l| l.install_status != InstallStatus::Installed));
        assert!(pending.iter().any(|l| l.priority) && pending.iter().any(|l| !l.priority));
        let revoked: Vec<_> = links.iter().filter(|l| l.view == SchoolView::Revoked).collect();
        assert!(!revoked.is_empty() && revoked.iter().all(|l| l.revoked_by.is_some() && l.revoked_on.is_some()));
        let names: HashSet<_> = links.iter().map(|l| &l.name).collect();
        assert!(names.len() > 40, "names are varied");
    }

    /// What `synthetic::seed_demo_schools` pushes follows from these facts,
    /// so they must be ones a push (or none) can give.
    #[test]
    fn demo_links_show_agent_histories_a_push_can_give() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        let links: Vec<SchoolLinkRecord> =
            demo_items(now).iter().filter(|item| item.gsi1.is_some()).filter_map(|item| from_item(item).ok()).collect();
        for link in &links {
            let connected =
                crate::data_api::state_of(link, now.date_naive()) == gatehouse_model::ConnectionState::Connected;
            let pushed = link.last_extract_at.is_some();
            match link.status {
                SchoolStatus::NotInstalled => assert!(!pushed, "{}", link.school_id),
                SchoolStatus::Unknown => {
                    assert!(!pushed && !connected, "{}: an app would read nothing", link.school_id)
                }
                SchoolStatus::Inactive => {
                    assert!(link.last_extract_at < Some(now - Duration::days(7)), "{}", link.school_id)
                }
                _ => assert!(pushed, "{}", link.school_id),
            }
        }
    }
}

/// Opens a few real support cases (P9) for the demo partner, through the
/// same rules as the portal, so the Active Cases tab, the schools' Active
/// Cases column and the ops queue agree. Call it once, on a fresh store.
pub async fn seed_cases(gatehouse: &crate::Gatehouse) -> Result<u32> {
    use gatehouse_model::{CaseCategory, NewCase};
    let session = demo_session(gatehouse);
    let cases = [
        (
            2,
            CaseCategory::MissingOrIncorrectData,
            "Year 7 students missing from the feed",
            Some("Support is looking at it."),
        ),
        // A school whose agent fell silent over a week ago (Inactive).
        (12, CaseCategory::SchoolNotSyncing, "No new data since last week", None),
        (16, CaseCategory::ApiIntegration, "Groups endpoint returns fewer classes than the MIS", None),
    ];
    let mut opened = 0;
    for (n, category, summary, reply) in cases {
        let new = NewCase {
            category,
            summary: summary.into(),
            contact_name: session.display_name.clone(),
            contact_phone: "020 7946 0000".into(),
            contact_email: DEMO_EMAIL.into(),
            description: format!("{summary}. Seen in the Demo Timetabler import log."),
            school_id: Some((3_280_001 + n).to_string()),
            app: Some(DEMO_APP.into()),
        };
        let case = crate::cases::open_case(gatehouse, &session, &new, None).await?;
        if let Some(reply) = reply {
            crate::cases::reply_as_support(gatehouse, &case.case_id, "Gatehouse Support", reply, None).await?;
        }
        opened += 1;
    }
    Ok(opened)
}

/// Dana Demo signed in, as sign-in makes the session: it names the
/// partner's apps, so cases and school actions can name one.
fn demo_session(gatehouse: &crate::Gatehouse) -> crate::records::SessionRecord {
    crate::records::SessionRecord {
        email: EmailAddress::parse(DEMO_EMAIL).expect("demo email"),
        display_name: "Dana Demo".into(),
        partner_id: PartnerId::parse(DEMO_PARTNER).expect("demo id"),
        partner_name: "Demo Partner Ltd".into(),
        role: TeamRole::Admin,
        apps: vec![gatehouse_model::AppSummary { app_id: DEMO_APP.into(), name: "Demo Timetabler".into() }],
        created_at: gatehouse.clock.now(),
    }
}

/// A pending demo school (its agent already pushes) whose data lead answers
/// a resent invitation: the school has no admin and nothing vouches for the
/// address, so the answer waits for operations to verify them.
pub const AWAITING_VERIFICATION_SCHOOL: &str = "3280039";
/// A school that revoked the demo app; re-invited, a new office manager
/// answers, and the school's admin (who authorised it first) decides.
pub const AWAITING_APPROVAL_SCHOOL: &str = "3280040";
/// Who answers for `AWAITING_APPROVAL_SCHOOL`.
const NEW_CONTACT_EMAIL: &str = "office.3280040@school.example";

/// Where the seed's answers come from, for the invitation rate limit.
const SEED_CLIENT: &str = "demo seed";

/// Gives two pending demo schools answers that wait (#12), through the same
/// rules as the portals: Dana resends one invitation and re-invites a school
/// that had revoked, and each contact opens the emailed link (`opened`
/// reads the newest Begin Authorisation token sent to an address: the
/// local outbox) and authorises everything the app asks for. `authorise`
/// decides what the answers wait for. Call it once, on a fresh store.
pub async fn seed_answers(
    gatehouse: &crate::Gatehouse,
    opened: impl Fn(&EmailAddress) -> Option<String>,
) -> Result<Vec<gatehouse_model::InvitationState>> {
    use gatehouse_model::{AuthoriseRequest, ContactInput, InviteRequest};
    let session = demo_session(gatehouse);
    let verification = EmailAddress::parse(&format!("data.lead.{AWAITING_VERIFICATION_SCHOOL}@school.example"))?;
    let resend = InviteRequest { new_contact: None };
    crate::school_actions::resend_invitation(gatehouse, &session, None, AWAITING_VERIFICATION_SCHOOL, &resend, None)
        .await?;
    let new_contact = ContactInput {
        name: "Olivia Office".into(),
        email: NEW_CONTACT_EMAIL.into(),
        role: Some("Office Manager".into()),
    };
    let reinvite = InviteRequest { new_contact: Some(new_contact) };
    crate::school_actions::reinvite(gatehouse, &session, None, AWAITING_APPROVAL_SCHOOL, &reinvite, None).await?;

    let mut states = Vec::new();
    for (contact, role) in [(verification, "Data Manager"), (EmailAddress::parse(NEW_CONTACT_EMAIL)?, "Office Manager")]
    {
        let token = opened(&contact).ok_or(crate::Error::NotFound("invitation email"))?;
        let invitation = crate::invitations::open(gatehouse, &token, SEED_CLIENT).await?;
        let answer = AuthoriseRequest {
            token,
            has_authority: true,
            approver_name: invitation.contact_name,
            approver_role: role.into(),
            mis: invitation.mis.unwrap_or_else(|| MIS[0].into()),
            approved_scopes: invitation.requested_scopes,
            gdpr_mode: GdprMode::IncludeAll,
            feed_status: FeedStatus::Enabled,
        };
        states.push(crate::authorisation::authorise(gatehouse, &answer, SEED_CLIENT).await?.state);
    }
    Ok(states)
}

/// The school's admin (who authorised the app, `demo_authoriser`) includes
/// `pupils` for the link's app in the school portal (S3): an Exclude All
/// school shares only the people it includes.
pub async fn include_pupils(gatehouse: &crate::Gatehouse, link: &SchoolLinkRecord, pupils: &[String]) -> Result<()> {
    let email = link.school_contact.clone().ok_or(crate::Error::NotFound("school contact"))?;
    let session = crate::records::SchoolSessionRecord {
        email,
        display_name: link.school_contact_name.clone().unwrap_or_default(),
        role: link.school_contact_role.clone().unwrap_or_default(),
        access: TeamRole::Admin,
        school_id: link.school_id.clone(),
        urn: link.urn.clone().unwrap_or_default(),
        school_name: link.name.clone(),
        created_at: gatehouse.clock.now(),
    };
    for pupil in pupils {
        let include = gatehouse_model::SelectionChoice::Include;
        crate::school_portal::set_person_choice(gatehouse, &session, link.app_id.as_str(), pupil, include).await?;
    }
    Ok(())
}
