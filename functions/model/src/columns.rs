//! The columns of each school list, as text: headings, what each sorts by,
//! and the plain text of a cell. The CSV export (P5) is written from these;
//! a browser test holds the SPA's table headings to them.

use crate::{MIS_NOT_DETECTED, SchoolRow, SchoolView, SortColumn};

/// One column of a list.
pub struct Column {
    pub heading: &'static str,
    /// What clicking the heading sorts by; `None` for columns that do not sort.
    pub sort: Option<SortColumn>,
    /// The cell as plain text; empty when the row has no value.
    pub text: fn(&SchoolRow) -> String,
}

fn optional(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

const SCHOOL_ID: Column =
    Column { heading: "School ID", sort: Some(SortColumn::SchoolId), text: |r| r.school_id.clone() };
const NAME: Column = Column { heading: "School Name", sort: Some(SortColumn::Name), text: |r| r.name.clone() };
const MIS: Column = Column {
    heading: "MIS",
    sort: Some(SortColumn::Mis),
    text: |r| r.mis.clone().unwrap_or_else(|| MIS_NOT_DETECTED.to_owned()),
};
const AUTHORISED_ON: Column =
    Column { heading: "Authorised On", sort: Some(SortColumn::AuthorisedOn), text: |r| optional(&r.authorised_on) };

const ACTIVE: &[Column] = &[
    SCHOOL_ID,
    NAME,
    MIS,
    Column { heading: "Status", sort: Some(SortColumn::Status), text: |r| r.status.label().to_owned() },
    AUTHORISED_ON,
    Column {
        heading: "GDPR Mode",
        sort: Some(SortColumn::GdprMode),
        text: |r| r.gdpr_mode.map(|m| m.label().to_owned()).unwrap_or_default(),
    },
    Column {
        heading: "Feed Status",
        sort: Some(SortColumn::FeedStatus),
        text: |r| r.feed_status.map(|f| f.label().to_owned()).unwrap_or_default(),
    },
    Column { heading: "Month Stats", sort: Some(SortColumn::MonthStats), text: |r| r.month_stats.to_string() },
    Column { heading: "Install Status", sort: Some(SortColumn::InstallStatus), text: |r| r.install_status.label() },
    Column {
        heading: "Cache Age (days)",
        sort: Some(SortColumn::CacheAge),
        text: |r| r.cache_age_days.map(|d| d.to_string()).unwrap_or_default(),
    },
    Column { heading: "Active Cases", sort: Some(SortColumn::ActiveCases), text: |r| r.active_cases.to_string() },
    Column { heading: "Revoke Pending", sort: Some(SortColumn::RevokePending), text: |r| optional(&r.revoke_pending) },
    Column {
        heading: "Re-authorisation",
        sort: Some(SortColumn::ReauthorisationNeeded),
        text: |r| if r.reauthorisation_needed { "Needed" } else { "" }.to_owned(),
    },
];

const PENDING: &[Column] = &[
    SCHOOL_ID,
    NAME,
    Column { heading: "Priority", sort: None, text: |r| if r.priority { "Yes" } else { "No" }.to_owned() },
    MIS,
    Column { heading: "Date Invited", sort: Some(SortColumn::DateInvited), text: |r| optional(&r.date_invited) },
    Column { heading: "Last Reminded", sort: Some(SortColumn::LastReminded), text: |r| optional(&r.last_reminded) },
    Column { heading: "School Contact", sort: Some(SortColumn::SchoolContact), text: |r| optional(&r.school_contact) },
    Column {
        heading: "Partner Contact",
        sort: Some(SortColumn::PartnerContact),
        text: |r| optional(&r.partner_contact),
    },
    Column {
        heading: "Status",
        sort: Some(SortColumn::InvitationStatus),
        text: |r| r.invitation_status.map(|s| s.label().to_owned()).unwrap_or_default(),
    },
    // P3 calls the install column "Install Type"; the values are the same.
    Column { heading: "Install Type", sort: Some(SortColumn::InstallStatus), text: |r| r.install_status.label() },
];

const REVOKED: &[Column] = &[
    SCHOOL_ID,
    NAME,
    MIS,
    AUTHORISED_ON,
    Column { heading: "Revoked On", sort: Some(SortColumn::RevokedOn), text: |r| optional(&r.revoked_on) },
    Column { heading: "Revoked By", sort: None, text: |r| optional(&r.revoked_by) },
    Column { heading: "Erasure", sort: None, text: |r| erasure_status(r.erasure_unconfirmed_days) },
];

/// #16: whether the app confirmed that it erased the school's data, in the
/// portals' words: "Erasure not yet confirmed (9 days)" until it does.
pub fn erasure_status(unconfirmed_days: Option<u32>) -> String {
    match unconfirmed_days {
        Some(1) => "Erasure not yet confirmed (1 day)".to_owned(),
        Some(days) => format!("Erasure not yet confirmed ({days} days)"),
        None => "Confirmed".to_owned(),
    }
}

/// The columns of a view, in table order.
pub fn columns(view: SchoolView) -> &'static [Column] {
    match view {
        SchoolView::Active => ACTIVE,
        SchoolView::Pending => PENDING,
        SchoolView::Revoked => REVOKED,
    }
}
