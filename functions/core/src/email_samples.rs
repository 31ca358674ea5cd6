//! One sample of every email Gatehouse sends, rendered through the same
//! functions production code calls, with made-up data on `example` domains.
//! The mailer contract tests send each through SES (moto) and the local
//! outbox and read it back, and check that every template has a sample.

use chrono::{TimeZone, Utc};
use gatehouse_model::{
    AccountKind, AuthorisationReceipt, CaseCategory, CaseState, FeedStatus, GdprMode, InternationalRequestState,
    LogEvent, Scope,
};

use crate::cases::{CaseId, CaseRecord};
use crate::international::{Decision, INVITE_PAGE, InternationalRequestRecord, PARTNER_PAGE};
use crate::ports::Email;
use crate::records::LogEntryRecord;
use crate::{
    AppId, EmailAddress, PartnerId, Result, SchoolId, SchoolUrn, Settings, Token, auth, emails, invitations, receipts,
    school_portal,
};

/// Templates under `functions/core/templates` that are not emails: the
/// receipt file a portal user downloads (`receipts::for_school`).
pub const NOT_EMAIL_TEMPLATES: &[&str] = &["receipt_file.html"];

/// One rendered email and what it must carry.
#[derive(Debug, Clone)]
pub struct EmailSample {
    /// The template it is rendered from: a file stem under `templates/`.
    pub template: &'static str,
    /// Which case of that template, e.g. "reminder".
    pub variant: &'static str,
    pub email: Email,
    /// The link it must carry, starting with `public_url`; `None` for the
    /// one email with no link (the partner's copy of the grant receipt).
    pub link: Option<String>,
}

fn address(raw: &str) -> Result<EmailAddress> {
    EmailAddress::parse(raw)
}

fn sample(template: &'static str, variant: &'static str, email: Email, link: Option<&str>) -> EmailSample {
    EmailSample { template, variant, email, link: link.map(str::to_owned) }
}

/// Every email type, addressed to distinct `*.example` recipients, with
/// links under `public_url` built as production builds them.
pub fn samples(public_url: &str) -> Result<Vec<EmailSample>> {
    let settings = Settings::new(public_url);
    let mut out = Vec::new();

    // P1: a sign-in link for each portal.
    for (kind, variant, to) in [
        (AccountKind::Partner, "partner portal", "alex@vendor.example"),
        (AccountKind::School, "school portal", "office@ysgol-bryn.example"),
        (AccountKind::Ops, "operations console", "ops@gatehouse.example"),
    ] {
        let link = format!("{public_url}{}#token={}", kind.auth_landing_path(), Token::generate()?.expose());
        let email = emails::magic_link(
            address(to)?,
            "Alex Morgan",
            kind.portal_name(),
            &link,
            auth::LINK_LIFETIME.num_minutes(),
        )?;
        out.push(sample("magic_link", variant, email, Some(&link)));
    }

    // S1: the invitation, first sent and as a reminder.
    let scopes = invitations::scope_labels(&[Scope::Students, Scope::Groups, Scope::FreeSchoolMeals].into());
    for (reminder, variant, to) in
        [(false, "first", "head@oakfield-primary.example"), (true, "reminder", "bursar@oakfield-primary.example")]
    {
        let link = invitations::url(&settings, &Token::generate()?);
        let mail = emails::InvitationMail {
            contact_name: "Jo Evans",
            partner_name: "Example Learning Ltd",
            app_name: "Reading Tracker",
            scopes: &scopes,
            link: &link,
            days: invitations::INVITATION_LIFETIME.num_days(),
            reminder,
        };
        out.push(sample("invitation", variant, emails::invitation(address(to)?, &mail)?, Some(&link)));
    }

    // P10: more scopes to review.
    let link = invitations::url(&settings, &Token::generate()?);
    let added = invitations::scope_labels(&[Scope::SenStatus, Scope::HomeLanguage].into());
    let email = emails::reauthorisation(
        address("head@elm-academy.example")?,
        "Jo Evans",
        "Example Learning Ltd",
        "Reading Tracker",
        &added,
        &link,
        invitations::INVITATION_LIFETIME.num_days(),
    )?;
    out.push(sample("reauthorisation", "added scopes", email, Some(&link)));

    // #12: a request through an emailed link waits for the school's admins.
    let link = format!("{public_url}/school/signin");
    let request = emails::ApprovalRequest {
        requester: "Pat Jones (Office Manager)",
        app_name: "Reading Tracker",
        partner_name: "Example Learning Ltd",
        school_name: "Oakfield Primary School",
        scopes: "Students, Groups",
        portal: &link,
    };
    let email = emails::approval_request(address("head@oakfield.example")?, "Jo Evans", &request)?;
    out.push(sample("approval_request", "school admin", email, Some(&link)));

    // #12: the school's agent key was replaced; to each admin.
    let email = emails::agent_key_rotated(
        address("business.manager@oakfield.example")?,
        "Jo Evans",
        "Gatehouse support",
        "Oakfield Primary School",
        &link,
    )?;
    out.push(sample("agent_key_rotated", "school admin", email, Some(&link)));

    // Team: a partner colleague was added.
    let link = format!("{public_url}{}", AccountKind::Partner.sign_in_path());
    let email = emails::team_welcome(
        address("sam@vendor.example")?,
        "Sam Patel",
        "Example Learning Ltd",
        "Alex Morgan",
        &link,
    )?;
    out.push(sample("team_welcome", "partner colleague", email, Some(&link)));

    // S2: the grant receipt, the school's copy (with the portal) and the partner's.
    let receipt = AuthorisationReceipt {
        school_name: "Oakfield Primary School".into(),
        app_name: "Reading Tracker".into(),
        partner_name: "Example Learning Ltd".into(),
        approver_name: "Jo Evans".into(),
        approver_role: "Headteacher".into(),
        authorised_at: "2025-03-04T09:30:00Z".into(),
        granted_scopes: [Scope::Students, Scope::Groups].into(),
        gdpr_mode: GdprMode::ExcludeAll,
        feed_status: FeedStatus::Enabled,
    };
    let portal = format!("{public_url}{}", AccountKind::School.sign_in_path());
    let email = emails::receipt(address("jo.evans@oakfield-primary.example")?, "Jo Evans", &receipt, Some(&portal))?;
    out.push(sample("receipt", "school copy", email, Some(&portal)));
    let email = emails::receipt(address("integrations@vendor.example")?, "Example Learning Ltd", &receipt, None)?;
    out.push(sample("receipt", "partner copy", email, None));

    // Receipts of later changes, from the Authorisation Log entry.
    let entry = LogEntryRecord {
        seq: 3,
        at: Utc.with_ymd_and_hms(2025, 3, 11, 14, 5, 0).single().expect("a valid time"),
        event: LogEvent::FeedPaused,
        actor: "Jo Evans".into(),
        detail: "Feed paused. Data areas: Students, Groups. GDPR mode: Exclude All.".into(),
        prev_hash: Some("9f2c4a".repeat(10) + "9f2c"),
        hash: "4be1d7".repeat(10) + "4be1",
    };
    let link = format!("{public_url}/school/apps/app1");
    let email = receipts::change_receipt_email(
        address("office@oakfield-primary.example")?,
        "Jo Evans",
        "Oakfield Primary School",
        "Reading Tracker",
        "Example Learning Ltd",
        &entry,
        &link,
    )?;
    out.push(sample("change_receipt", "feed paused", email, Some(&link)));

    // P9 / O1: cases, to support and back to the partner contact.
    let created = Utc.with_ymd_and_hms(2025, 3, 12, 10, 0, 0).single().expect("a valid time");
    let case = CaseRecord {
        case_id: CaseId::parse("GH-000123")?,
        partner_id: PartnerId::parse("example-learning")?,
        partner_name: "Example Learning Ltd".into(),
        app_id: AppId::parse("app1")?,
        school_id: Some(SchoolId::parse("3280001")?),
        school_name: Some("Oakfield Primary School".into()),
        category: CaseCategory::SchoolNotSyncing,
        summary: "Oakfield has not synced since Monday".into(),
        description: "The last extract we received was on Monday morning.".into(),
        contact_name: "Alex Morgan".into(),
        contact_phone: "01632 960 001".into(),
        contact_email: address("alex.morgan@vendor.example")?,
        raised_by: "Alex Morgan".into(),
        state: CaseState::Open,
        escalated: false,
        escalation_reason: None,
        escalated_at: None,
        created_at: created,
        updated_at: created,
        closed_at: None,
        archived_at: None,
        assignee: None,
        comment_seq: 0,
    };
    let link = format!("{public_url}/ops/cases/{}", case.case_id);
    let email = emails::case_for_support(address("support@gatehouse.example")?, &case, &link)?;
    out.push(sample("case_for_support", "new", email, Some(&link)));
    let escalated = CaseRecord {
        escalated: true,
        escalation_reason: Some("The school's term starts tomorrow.".into()),
        escalated_at: Some(created),
        ..case.clone()
    };
    let email = emails::case_for_support(address("escalations@gatehouse.example")?, &escalated, &link)?;
    out.push(sample("case_for_support", "escalated", email, Some(&link)));
    let link = format!("{public_url}/cases/{}", case.case_id);
    let reply = "The school's MIS agent was offline; it has reconnected.";
    let email = emails::case_update(case.contact_email.clone(), &case, "Robin", Some(reply), &link)?;
    out.push(sample("case_update", "support reply", email, Some(&link)));
    let email = emails::case_update(address("team@vendor.example")?, &case, "Robin", None, &link)?;
    out.push(sample("case_update", "closed", email, Some(&link)));

    // International school requests: acknowledged, accepted, declined.
    let request = InternationalRequestRecord {
        request_id: "INT-20250312-7Q4K".into(),
        school_name: "Escola Exemplo".into(),
        address: "1 Rua Exemplo, Lisboa".into(),
        contact_name: "Ana Silva".into(),
        contact_phone: "+351 200 000 000".into(),
        contact_email: address("ana@escola.example")?,
        partner_id: PartnerId::parse("example-learning")?,
        partner_name: "Example Learning Ltd".into(),
        requested_by: "Alex Morgan".into(),
        requested_by_email: address("requests@vendor.example")?,
        state: InternationalRequestState::Pending,
        created_at: created,
        decided_at: None,
        decided_by: None,
        decline_reason: None,
        urn: None,
    };
    let urn = SchoolUrn::international(123)?;
    let reason = "We could not confirm the school's address.";
    for (variant, to, decision, page) in [
        ("received", "requests@vendor.example", Decision::Received, PARTNER_PAGE),
        ("accepted", "accepted@vendor.example", Decision::Accepted(urn.as_str()), INVITE_PAGE),
        ("declined", "declined@vendor.example", Decision::Declined(reason), PARTNER_PAGE),
    ] {
        let record = InternationalRequestRecord { requested_by_email: address(to)?, ..request.clone() };
        let email = crate::international::email(public_url, &record, &decision, page)?;
        out.push(sample("international_request", variant, email, Some(&format!("{public_url}{page}"))));
    }

    // A school colleague was given a portal account.
    let link = format!("{public_url}{}", AccountKind::School.sign_in_path());
    let email = school_portal::school_welcome(
        address("deputy@oakfield-primary.example")?,
        "Chris Lee",
        "Oakfield Primary School",
        "Jo Evans",
        &link,
    )?;
    out.push(sample("school_welcome", "colleague", email, Some(&link)));

    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_sample_carries_its_link_in_both_bodies_and_a_distinct_recipient() {
        let samples = samples("https://gatehouse.example").unwrap();
        let recipients: BTreeSet<&str> = samples.iter().map(|s| s.email.to.as_str()).collect();
        assert_eq!(recipients.len(), samples.len(), "recipients tell the samples apart");
        for s in &samples {
            assert!(!s.email.text.trim().is_empty() && !s.email.html.trim().is_empty(), "{}", s.template);
            match &s.link {
                Some(link) => {
                    assert!(link.starts_with("https://gatehouse.example/"), "{link}");
                    assert!(s.email.text.contains(link.as_str()), "{} {}: text has {link}", s.template, s.variant);
                    assert!(s.email.html.contains(link.as_str()), "{} {}: html has {link}", s.template, s.variant);
                }
                None => assert!(!s.email.text.contains("https://gatehouse.example"), "{}", s.template),
            }
        }
    }
}
