//! The partner's school lists (P2 Active, P3 Pending, P4 Revoked).
//!
//! Search, filters and sorting work across every column of a view, so they
//! run in memory over the view's rows, which `school_index` keeps warm in
//! the process and brings up to date with one Query per request (#14).
//! Columns that follow the clock (Cache Age, Revoke Pending, Month Stats) and
//! the app's permission set (Re-authorisation) are worked out afresh for
//! each request; the rest, and what search and sort compare, once per change.

use std::borrow::Cow;
use std::cmp::{Ordering, Reverse};
use std::collections::BTreeSet;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use gatehouse_model::{
    InstallState, InstallStatus, InvitationStatus, ListSchoolsQuery, MIS_NOT_DETECTED, SchoolPage, SchoolRow,
    SchoolStatus, SchoolView, ScopeSet, SortColumn, SortDirection,
};

use crate::base::calendar::uk_date;
use crate::partner::permissions::needs_reauthorisation;
use crate::partner::school_index;
use crate::store::links::{app_of, app_record};
use crate::store::records::{SchoolLinkRecord, SessionRecord, Waiting};
use crate::store::usage::{self, MonthCalls};
use crate::{AppId, Error, Gatehouse, Result};

pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 200;

/// One page of a view of the signed-in partner's schools, of `app` (the
/// partner's first when `None`; `query.app` is the API's to parse).
pub async fn list(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
    app: Option<&AppId>,
    query: &ListSchoolsQuery,
) -> Result<SchoolPage> {
    let page = query.page.unwrap_or(1);
    if page == 0 {
        return Err(Error::invalid("page", "pages are numbered from 1"));
    }
    let page_size = query.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
        return Err(Error::invalid("page_size", format!("choose 1 to {MAX_PAGE_SIZE} rows per page")));
    }
    let skip = ((page - 1) as usize).saturating_mul(page_size as usize);
    let view = view_rows(gatehouse, session, app, query, Some((skip, page_size as usize))).await?;
    Ok(SchoolPage {
        items: view.rows,
        total: view.total,
        page,
        page_size,
        view_total: view.view_total,
        mis_options: view.mis_options,
    })
}

/// Every row of the view that matches the search and filters, sorted (P5
/// export). Paging parameters are ignored.
pub async fn export(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
    app: Option<&AppId>,
    query: &ListSchoolsQuery,
) -> Result<Vec<SchoolRow>> {
    Ok(view_rows(gatehouse, session, app, query, None).await?.rows)
}

/// A view after search, filters and sort (the rows of one window of it, or
/// all), with what the filter bar needs.
struct ViewRows {
    rows: Vec<SchoolRow>,
    /// Rows that match the search and filters.
    total: u32,
    view_total: u32,
    mis_options: Vec<String>,
}

async fn view_rows(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
    app: Option<&AppId>,
    query: &ListSchoolsQuery,
    window: Option<(usize, usize)>,
) -> Result<ViewRows> {
    let app = app_of(session, app)?;
    // The permission set decides the Re-authorisation column.
    let (app_record, _) = app_record(gatehouse, session, &app).await?;
    let clock = ListClock::at(gatehouse.clock.now());
    // Month Stats (A5): this month's counted calls, added to what the link carries.
    let counted = match query.view {
        SchoolView::Active => Some(usage::month_cached(gatehouse, &app, &clock.this_month).await?),
        _ => None,
    };
    let how = Derivation::new(clock, &app_record.requested_scopes, counted);
    let needle = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_lowercase);
    // Columns that follow the clock are worked out for every row only when
    // the request filters, sorts or may search by them; otherwise for the
    // rows it returns (at 10,000 schools that is most of a page's time).
    let every_row = needle.as_deref().is_some_and(may_be_clocked)
        || query.revoke_pending.is_some()
        || query.reauthorisation.is_some()
        || query.sort.is_some_and(|column| CLOCKED_COLUMNS.contains(&column));
    school_index::with_view(gatehouse, &app, query.view, |view: &mut school_index::CachedView<ListRow>| {
        if every_row {
            for row in view.rows_mut() {
                row.derive(&how);
            }
        }
        let view_total = view.len() as u32;
        let mis_options: BTreeSet<&str> = view.rows_mut().iter().map(|row| mis_label(&row.row)).collect();
        let mis_options = mis_options.into_iter().map(str::to_owned).collect();

        let kept: Vec<&ListRow> = view
            .in_order()
            .filter(|row| matches(&row.row, query) && needle.as_ref().is_none_or(|n| mentions(row, n)))
            .collect();
        let sorted = sorted(kept, query.sort.unwrap_or_default(), query.dir == Some(SortDirection::Desc));
        let total = sorted.len() as u32;
        let (skip, take) = window.unwrap_or((0, sorted.len()));
        let rows = sorted.into_iter().skip(skip).take(take).map(|row| row.shown(&how));
        ViewRows { rows: rows.collect(), total, view_total, mis_options }
    })
    .await
}

/// Rows in the natural order (name, then id), sorted by `column`, stably:
/// ties keep the natural order, so paging is stable.
fn sorted(rows: Vec<&ListRow>, column: SortColumn, descending: bool) -> Vec<&ListRow> {
    if NUMBER_COLUMNS.contains(&column) {
        // One word a row, absent values last: the sort compares side by side.
        let mut keyed: Vec<(u64, &ListRow)> = rows
            .into_iter()
            .map(|row| {
                let key = sort_key(row, column);
                (u64::from(key.absent) << 63 | key.rank.min(u64::MAX >> 1), row)
            })
            .collect();
        if descending {
            keyed.sort_by_key(|(key, _)| Reverse(*key));
        } else {
            keyed.sort_by_key(|(key, _)| *key);
        }
        return keyed.into_iter().map(|(_, row)| row).collect();
    }
    let mut keyed: Vec<(SortKey, &ListRow)> = rows.into_iter().map(|row| (sort_key(row, column), row)).collect();
    if descending {
        keyed.sort_by(|a, b| b.0.cmp(&a.0));
    } else {
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
    }
    keyed.into_iter().map(|(_, row)| row).collect()
}

/// The columns whose sort key is a number alone.
const NUMBER_COLUMNS: [SortColumn; 5] = [
    SortColumn::Status,
    SortColumn::MonthStats,
    SortColumn::CacheAge,
    SortColumn::ActiveCases,
    SortColumn::ReauthorisationNeeded,
];

/// The sort columns that follow the clock or the permission set.
const CLOCKED_COLUMNS: [SortColumn; 4] =
    [SortColumn::MonthStats, SortColumn::CacheAge, SortColumn::RevokePending, SortColumn::ReauthorisationNeeded];

/// Whether a search could match Month Stats, Cache Age or Revoke Pending:
/// numbers and dates have only digits and dashes.
fn may_be_clocked(needle: &str) -> bool {
    needle.bytes().all(|byte| byte.is_ascii_digit() || byte == b'-')
}

/// What the clock-following columns are worked out against, once a request.
pub struct ListClock {
    now: DateTime<Utc>,
    today: NaiveDate,
    /// `YYYY-MM`.
    this_month: String,
}

impl ListClock {
    pub fn at(now: DateTime<Utc>) -> Self {
        ListClock { now, today: uk_date(now), this_month: format!("{:04}-{:02}", now.year(), now.month()) }
    }
}

/// What a request works the clock-following columns out with, for
/// [`ListRow::derive`]: the clock, the permission set (and a fingerprint of
/// it), and this month's counted calls (Active only).
pub struct Derivation<'a> {
    clock: ListClock,
    requested: &'a ScopeSet,
    requested_fingerprint: u64,
    counted: Option<Arc<MonthCalls>>,
}

impl<'a> Derivation<'a> {
    fn new(clock: ListClock, requested: &'a ScopeSet, counted: Option<Arc<MonthCalls>>) -> Self {
        let mut hasher = DefaultHasher::new();
        requested.hash(&mut hasher);
        Derivation { clock, requested, requested_fingerprint: hasher.finish(), counted }
    }

    fn counted_read(&self) -> u64 {
        self.counted.as_ref().map_or(0, |counted| counted.read)
    }
}

/// What [`ListRow::derive`] keeps from one request to the next, so a pass
/// over 10,000 rows reads a few words of each instead of its link: the
/// inputs copied from the link, and answers that change only with the
/// permission set or the counted month.
struct DerivedFrom {
    last_extract_at: Option<DateTime<Utc>>,
    revoke_on: Option<NaiveDate>,
    /// The link's own month of usage, if it is `ListClock::this_month`'s, and its calls.
    usage: Option<(String, u64)>,
    /// Re-authorisation needed, for the permission set with this fingerprint.
    reauthorisation: Option<(u64, bool)>,
    /// Counted calls, from this read of the counted month (`MonthCalls::read`).
    counted: Option<(u64, u64)>,
    revoke_pending: Option<NaiveDate>,
}

/// Separates columns in [`ListRow::text`]; nobody types it, so no search
/// matches across two columns.
const COLUMN_BREAK: char = '\u{1f}';

/// One school of a warm view (`school_index`): its link, its row, and what
/// search and sort compare, lower-cased once per change instead of once
/// per comparison.
pub struct ListRow {
    derived_from: DerivedFrom,
    link: SchoolLinkRecord,
    row: SchoolRow,
    name_key: String,
    mis_key: Option<String>,
    /// Every shown column that does not follow the clock, lower-cased.
    text: String,
}

impl From<SchoolLinkRecord> for ListRow {
    fn from(link: SchoolLinkRecord) -> Self {
        ListRow::new(link)
    }
}

impl school_index::ViewRow for ListRow {
    fn natural_order(&self, other: &Self) -> Ordering {
        self.name_key.cmp(&other.name_key).then_with(|| self.row.school_id.cmp(&other.row.school_id))
    }
}

impl ListRow {
    pub fn new(link: SchoolLinkRecord) -> Self {
        let row = row_of(&link, &ScopeSet::new(), DateTime::UNIX_EPOCH);
        let r = &row;
        let fixed = [
            Some(r.school_id.clone()),
            Some(r.name.clone()),
            Some(mis_label(r).to_owned()),
            Some(r.status.label().to_owned()),
            r.gdpr_mode.map(|mode| mode.label().to_owned()),
            r.feed_status.map(|feed| feed.label().to_owned()),
            Some(r.install_status.label()),
            Some(r.active_cases.to_string()),
            r.invitation_status.map(|status| status.label().to_owned()),
            r.urn.clone(),
            r.local_authority.clone(),
            r.postcode.clone(),
            r.authorised_on.clone(),
            r.date_invited.clone(),
            r.last_reminded.clone(),
            r.school_contact.clone(),
            r.partner_contact.clone(),
            r.revoked_on.clone(),
            r.revoked_by.clone(),
        ];
        let text = fixed.into_iter().flatten().collect::<Vec<_>>().join(&COLUMN_BREAK.to_string()).to_lowercase();
        ListRow {
            derived_from: DerivedFrom {
                last_extract_at: link.last_extract_at,
                revoke_on: link.revoke_on,
                usage: link.usage.as_ref().map(|usage| (usage.month.clone(), usage.calls)),
                reauthorisation: None,
                counted: None,
                revoke_pending: None,
            },
            name_key: row.name.to_lowercase(),
            mis_key: row.mis.as_deref().map(str::to_lowercase),
            text,
            link,
            row,
        }
    }

    /// The row as shown, its clock-following columns worked out (by
    /// `derive`, as every other row of the lists).
    fn shown(&self, how: &Derivation) -> SchoolRow {
        let mut row = self.row.clone();
        derive(&mut row, &self.link, how.requested, &how.clock);
        if let Some(counted) = &how.counted {
            row.month_stats += counted.by_school.get(&row.school_id).copied().unwrap_or(0);
        }
        row
    }

    /// Works out the clock-following columns of the kept row in place, as
    /// [`shown`](Self::shown) does, reusing what has not changed.
    fn derive(&mut self, how: &Derivation) {
        let from = &mut self.derived_from;
        let row = &mut self.row;
        let needed = match from.reauthorisation {
            Some((fingerprint, needed)) if fingerprint == how.requested_fingerprint => needed,
            _ => {
                let needed = needs_reauthorisation(how.requested, &self.link);
                from.reauthorisation = Some((how.requested_fingerprint, needed));
                needed
            }
        };
        let counted = match (&how.counted, from.counted) {
            (None, _) => 0,
            (Some(_), Some((read, calls))) if read == how.counted_read() => calls,
            (Some(counted), _) => {
                let calls = counted.by_school.get(&row.school_id).copied().unwrap_or(0);
                from.counted = Some((how.counted_read(), calls));
                calls
            }
        };
        let own =
            from.usage.as_ref().filter(|(month, _)| *month == how.clock.this_month).map_or(0, |(_, calls)| *calls);
        row.month_stats = own + counted;
        row.reauthorisation_needed = needed;
        row.cache_age_days = from.last_extract_at.map(|at| (how.clock.now - at).num_days().max(0) as u32);
        let pending = from.revoke_on.filter(|on| *on > how.clock.today);
        if pending != from.revoke_pending || pending.is_some() != row.revoke_pending.is_some() {
            row.revoke_pending = pending.map(|on| on.to_string());
            from.revoke_pending = pending;
        }
        // #16: days since access ended, while erasure is unconfirmed.
        row.erasure_unconfirmed_days = crate::store::erasures::unconfirmed_days(&self.link, how.clock.today);
    }
}

fn mis_label(row: &SchoolRow) -> &str {
    row.mis.as_deref().unwrap_or(MIS_NOT_DETECTED)
}

/// The column filters (P2): every one that is set must hold.
fn matches(row: &SchoolRow, query: &ListSchoolsQuery) -> bool {
    query.status.is_none_or(|status| row.status == status)
        && query.mis.as_deref().is_none_or(|mis| mis_label(row).eq_ignore_ascii_case(mis))
        && query.install.is_none_or(|install| row.install_status.state() == install)
        && query.gdpr.is_none_or(|gdpr| row.gdpr_mode == Some(gdpr))
        && query.feed.is_none_or(|feed| row.feed_status == Some(feed))
        && query.revoke_pending.is_none_or(|pending| row.revoke_pending.is_some() == pending)
        && query.reauthorisation.is_none_or(|needed| row.reauthorisation_needed == needed)
        && query.priority.is_none_or(|priority| row.priority == priority)
        && query.invitation.is_none_or(|invitation| row.invitation_status == Some(invitation))
}

/// Free-text search: does any column, as the table shows it, contain the
/// (lower-cased) needle? URN, local authority and postcode count too.
fn mentions(row: &ListRow, needle: &str) -> bool {
    if needle.contains(COLUMN_BREAK) {
        return false;
    }
    // The clock-following columns are up to date when `may_be_clocked` (`view_rows`).
    row.text.contains(needle)
        || (may_be_clocked(needle)
            && (row.row.month_stats.to_string().contains(needle)
                || row.row.cache_age_days.is_some_and(|days| days.to_string().contains(needle))
                || row.row.revoke_pending.as_ref().is_some_and(|on| on.contains(needle))))
}

/// What one column sorts by, compact: sorting 10,000 rows then compares
/// values side by side instead of reaching into each row (#14). Absent
/// values sort after present ones (`absent` is compared first).
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct SortKey<'a> {
    absent: bool,
    rank: u64,
    text: Cow<'a, str>,
}

fn sort_key(keys: &ListRow, column: SortColumn) -> SortKey<'_> {
    fn text(text: Option<&str>) -> SortKey<'_> {
        SortKey { absent: text.is_none(), rank: 0, text: Cow::Borrowed(text.unwrap_or("")) }
    }
    let row = &keys.row;
    let number = |rank: u64| SortKey { absent: false, rank, text: Cow::Borrowed("") };
    let rank_of = |position: Option<usize>| position.map_or(u64::MAX, |at| at as u64);
    match column {
        // Numeric ids order as numbers when they are numbers.
        SortColumn::SchoolId => SortKey { rank: row.school_id.len() as u64, ..text(Some(&row.school_id)) },
        SortColumn::Name => text(Some(&keys.name_key)),
        SortColumn::Mis => text(keys.mis_key.as_deref()),
        // Health order (OK first), not alphabetical.
        SortColumn::Status => number(rank_of(SchoolStatus::ALL.iter().position(|status| *status == row.status))),
        SortColumn::AuthorisedOn => text(row.authorised_on.as_deref()),
        SortColumn::GdprMode => text(row.gdpr_mode.map(|mode| mode.label())),
        SortColumn::FeedStatus => text(row.feed_status.map(|feed| feed.label())),
        SortColumn::MonthStats => number(row.month_stats),
        // Onboarding Queue, then booked slots by date, then Installed.
        SortColumn::InstallStatus => {
            let state = row.install_status.state();
            SortKey {
                absent: false,
                rank: rank_of(InstallState::ALL.iter().position(|candidate| *candidate == state)),
                text: Cow::Owned(row.install_status.label()),
            }
        }
        SortColumn::CacheAge => {
            SortKey { absent: row.cache_age_days.is_none(), ..number(u64::from(row.cache_age_days.unwrap_or(0))) }
        }
        SortColumn::ActiveCases => number(u64::from(row.active_cases)),
        SortColumn::RevokePending => text(row.revoke_pending.as_deref()),
        // Needed first: the schools to chase.
        SortColumn::ReauthorisationNeeded => number(u64::from(!row.reauthorisation_needed)),
        SortColumn::DateInvited => text(row.date_invited.as_deref()),
        SortColumn::LastReminded => text(row.last_reminded.as_deref()),
        SortColumn::SchoolContact => text(row.school_contact.as_deref()),
        SortColumn::PartnerContact => text(row.partner_contact.as_deref()),
        SortColumn::InvitationStatus => text(row.invitation_status.map(|status| status.label())),
        SortColumn::RevokedOn => text(row.revoked_on.as_deref()),
    }
}

/// Orders by one column; absent values sort after present ones.
#[cfg(test)]
fn compare(a: &ListRow, b: &ListRow, column: SortColumn) -> Ordering {
    sort_key(a, column).cmp(&sort_key(b, column))
}

/// The row the lists show; derived columns are computed against `now`.
pub fn row_of(link: &SchoolLinkRecord, requested: &ScopeSet, now: DateTime<Utc>) -> SchoolRow {
    // A pending school whose agent already works is only missing the authorisation (P3).
    let invitation_status =
        (link.view == SchoolView::Pending).then_some(match (link.waiting_for(), &link.install_status) {
            (Some(Waiting::Verification), _) => InvitationStatus::AwaitingVerification,
            (Some(Waiting::SchoolApproval), _) => InvitationStatus::AwaitingSchoolApproval,
            (None, InstallStatus::Installed) => InvitationStatus::ReadyToAuthorise,
            (None, _) => InvitationStatus::InvitationSent,
        });
    let mut row = SchoolRow {
        school_id: link.school_id.to_string(),
        name: link.name.clone(),
        urn: link.urn.clone(),
        local_authority: link.local_authority.clone(),
        postcode: link.postcode.clone(),
        mis: link.mis.clone(),
        status: link.status,
        authorised_on: link.authorised_on.map(|on| on.to_string()),
        gdpr_mode: link.gdpr_mode,
        feed_status: link.feed_status,
        month_stats: 0,
        install_status: link.install_status.clone(),
        cache_age_days: None,
        active_cases: link.active_cases,
        revoke_pending: None,
        reauthorisation_needed: false,
        date_invited: link.invited_on.map(|on| on.to_string()),
        school_contact: link.school_contact.as_ref().map(|email| email.as_str().to_owned()),
        partner_contact: link.partner_contact.as_ref().map(|email| email.as_str().to_owned()),
        invitation_status,
        priority: link.priority,
        last_reminded: link.last_reminded_on.map(|on| on.to_string()),
        revoked_on: link.revoked_on.map(|on| on.to_string()),
        revoked_by: link.revoked_by.clone(),
        erasure_unconfirmed_days: None,
    };
    derive(&mut row, link, requested, &ListClock::at(now));
    row
}

/// The columns that follow the clock (Month Stats as the link carries it,
/// Cache Age, Revoke Pending) and the permission set (Re-authorisation).
fn derive(row: &mut SchoolRow, link: &SchoolLinkRecord, requested: &ScopeSet, clock: &ListClock) {
    row.month_stats =
        link.usage.as_ref().filter(|usage| usage.month == clock.this_month).map_or(0, |usage| usage.calls);
    row.cache_age_days = link.last_extract_at.map(|at| (clock.now - at).num_days().max(0) as u32);
    row.revoke_pending = link.revoke_on.filter(|on| *on > clock.today).map(|on| on.to_string());
    row.reauthorisation_needed = needs_reauthorisation(requested, link);
    row.erasure_unconfirmed_days = crate::store::erasures::unconfirmed_days(link, clock.today);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    use chrono::TimeZone;
    use gatehouse_model::{FeedStatus, GdprMode, SchoolView};

    fn link() -> SchoolLinkRecord {
        crate::fixtures::demo::sample_link()
    }

    /// The demo partner's Active rows, as a warm view keeps them.
    fn demo_list_rows() -> Vec<ListRow> {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        let requested = crate::fixtures::demo::demo_requested_scopes();
        crate::fixtures::demo::demo_items(now)
            .iter()
            .filter_map(|item| crate::store::records::from_item::<SchoolLinkRecord>(item).ok())
            .filter(|link| {
                link.view == SchoolView::Active && link.partner_id.as_str() == crate::fixtures::demo::DEMO_PARTNER
            })
            .map(|link| {
                let mut row = ListRow::new(link);
                row.derive(&Derivation::new(ListClock::at(now), &requested, None));
                row
            })
            .collect()
    }

    fn demo_rows() -> Vec<SchoolRow> {
        demo_list_rows().into_iter().map(|row| row.row).collect()
    }

    #[test]
    fn each_filter_keeps_only_matching_rows() {
        let rows = demo_rows();
        type Keeps = Box<dyn Fn(&SchoolRow) -> bool>;
        let cases: Vec<(ListSchoolsQuery, Keeps)> = vec![
            (
                ListSchoolsQuery { status: Some(SchoolStatus::Error), ..Default::default() },
                Box::new(|r| r.status == SchoolStatus::Error),
            ),
            (
                ListSchoolsQuery { mis: Some("arbor".into()), ..Default::default() },
                Box::new(|r| r.mis.as_deref() == Some("Arbor")),
            ),
            (
                ListSchoolsQuery { mis: Some(MIS_NOT_DETECTED.into()), ..Default::default() },
                Box::new(|r| r.mis.is_none()),
            ),
            (
                ListSchoolsQuery { install: Some(InstallState::Booked), ..Default::default() },
                Box::new(|r| matches!(r.install_status, InstallStatus::Booked { .. })),
            ),
            (
                ListSchoolsQuery { gdpr: Some(GdprMode::ExcludeAll), ..Default::default() },
                Box::new(|r| r.gdpr_mode == Some(GdprMode::ExcludeAll)),
            ),
            (
                ListSchoolsQuery { feed: Some(FeedStatus::Paused), ..Default::default() },
                Box::new(|r| r.feed_status == Some(FeedStatus::Paused)),
            ),
            (
                ListSchoolsQuery { revoke_pending: Some(true), ..Default::default() },
                Box::new(|r| r.revoke_pending.is_some()),
            ),
            (
                ListSchoolsQuery { revoke_pending: Some(false), ..Default::default() },
                Box::new(|r| r.revoke_pending.is_none()),
            ),
        ];
        for (query, expected) in cases {
            let kept: Vec<_> = rows.iter().filter(|row| matches(row, &query)).collect();
            let wanted = rows.iter().filter(|row| expected(row)).count();
            assert!(wanted > 0, "the demo data exercises {query:?}");
            assert_eq!(kept.len(), wanted, "{query:?}");
            assert!(kept.iter().all(|row| expected(row)), "{query:?}");
        }
    }

    #[test]
    fn search_looks_in_every_shown_column() {
        let rows = demo_list_rows();
        let row = &rows[0].row;
        let revoking = rows.iter().find_map(|r| r.row.revoke_pending.clone()).expect("the demo has a revocation due");
        let aged = rows.iter().find_map(|r| r.row.cache_age_days.filter(|days| *days > 0)).unwrap().to_string();
        for needle in [row.school_id.as_str(), row.postcode.as_deref().unwrap(), "include all", "not installed"]
            .into_iter()
            .chain([revoking.as_str(), aged.as_str()])
        {
            let needle = needle.to_lowercase();
            assert!(rows.iter().any(|r| mentions(r, &needle)), "{needle}");
        }
        assert!(mentions(&rows[0], &row.name.to_lowercase()[2..8]));
        assert!(!rows.iter().any(|r| mentions(r, "no such school anywhere")));
        // Columns are searched one by one: the end of one and the start of the next do not match together.
        let across = format!("{}{}", &row.school_id[row.school_id.len() - 2..], &row.name.to_lowercase()[..2]);
        assert!(!mentions(&rows[0], &across), "{across}");
    }

    #[test]
    fn the_one_word_keys_sort_as_the_full_keys() {
        let rows = demo_list_rows();
        for column in NUMBER_COLUMNS {
            for descending in [false, true] {
                let fast: Vec<&str> = sorted(rows.iter().collect(), column, descending)
                    .iter()
                    .map(|row| row.row.school_id.as_str())
                    .collect();
                let mut full: Vec<&ListRow> = rows.iter().collect();
                full.sort_by(|a, b| if descending { compare(b, a, column) } else { compare(a, b, column) });
                let full: Vec<&str> = full.iter().map(|row| row.row.school_id.as_str()).collect();
                assert_eq!(fast, full, "{column:?} descending {descending}");
            }
        }
    }

    #[test]
    fn sorting_orders_by_the_column_with_absent_values_last() {
        let mut rows = demo_list_rows();
        rows.sort_by(|a, b| compare(a, b, SortColumn::MonthStats));
        assert!(rows.windows(2).all(|w| w[0].row.month_stats <= w[1].row.month_stats));
        rows.sort_by(|a, b| compare(a, b, SortColumn::CacheAge));
        let first_absent = rows.iter().position(|r| r.row.cache_age_days.is_none()).unwrap();
        assert!(rows[first_absent..].iter().all(|r| r.row.cache_age_days.is_none()));
        rows.sort_by(|a, b| compare(a, b, SortColumn::Status));
        assert_eq!(rows[0].row.status, SchoolStatus::Ok);
        assert_eq!(rows.last().unwrap().row.status, SchoolStatus::NotInstalled);
        rows.sort_by(|a, b| compare(a, b, SortColumn::SchoolId));
        assert!(rows.windows(2).all(|w| w[0].row.school_id < w[1].row.school_id));
        rows.sort_by(|a, b| compare(a, b, SortColumn::Name));
        assert!(rows.windows(2).all(|w| w[0].row.name.to_lowercase() <= w[1].row.name.to_lowercase()));
    }

    #[test]
    fn a_kept_row_is_shown_and_derived_with_the_clock_of_the_request_not_of_its_making() {
        let made = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        let requested = crate::fixtures::demo::demo_requested_scopes();
        let fewer: ScopeSet = requested.iter().copied().skip(1).collect();
        let mut kept = ListRow::new(link());
        kept.derive(&Derivation::new(ListClock::at(made), &requested, None));
        let made_age = kept.row.cache_age_days;
        // Later, in December, past the revocation date, with calls counted;
        // then with another permission set and another count.
        for (at, requested, calls) in [
            (Utc.with_ymd_and_hms(2026, 12, 5, 12, 0, 0).unwrap(), &requested, 5),
            (Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap(), &fewer, 7),
        ] {
            // Each read is its own (`MonthCalls::read`), wherever it lands in memory.
            let by_school = HashMap::from([(link().school_id.to_string(), calls)]);
            let how =
                Derivation::new(ListClock::at(at), requested, Some(Arc::new(MonthCalls { read: calls, by_school })));
            let shown = kept.shown(&how);
            let expected = row_of(&link(), requested, at);
            assert_eq!(shown, SchoolRow { month_stats: expected.month_stats + calls, ..expected });
            kept.derive(&how);
            assert_eq!(kept.row, shown, "derived in place as shown");
        }
        assert_ne!(kept.row.cache_age_days, made_age, "the sample's cache age moved on");
    }

    #[test]
    fn derived_columns_follow_the_clock() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        let row = row_of(&link(), &ScopeSet::new(), now);
        assert_eq!(row.month_stats, 42);
        assert_eq!(row.cache_age_days, Some(2));
        assert_eq!(row.revoke_pending.as_deref(), Some("2026-12-01"));

        let next_month = Utc.with_ymd_and_hms(2026, 12, 2, 0, 0, 0).unwrap();
        let row = row_of(&link(), &ScopeSet::new(), next_month);
        assert_eq!(row.month_stats, 0, "usage resets with the month");
        assert_eq!(row.revoke_pending, None, "a revocation date in the past is no longer pending");
    }
}
