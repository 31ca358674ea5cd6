//! The partner's school lists (P2 Active, P3 Pending, P4 Revoked).
//!
//! A view is one GSI1 partition, read whole in one Query (a partner's schools
//! fit in one 1 MB page up to ~1,300 schools; `cargo xtask bench`
//! measures 10,000) so that search, filters and
//! sorting can work across every column; they and paging then happen in
//! memory, on that one partner's partition only.

use chrono::{DateTime, Datelike, Utc};
use std::cmp::Ordering;

use gatehouse_model::{
    InstallState, InstallStatus, InvitationStatus, ListSchoolsQuery, MIS_NOT_DETECTED, SchoolPage, SchoolRow,
    SchoolStatus, SchoolView, ScopeSet, SortColumn, SortDirection,
};

use crate::base::calendar::uk_date;
use crate::base::keys::school_view_partition;
use crate::base::ports::{Index, Query, query_all};
use crate::partner::permissions::needs_reauthorisation;
use crate::store::links::{app_of, app_record};
use crate::store::records::{SchoolLinkRecord, SessionRecord, Waiting, from_item};
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
    let view = view_rows(gatehouse, session, app, query).await?;
    let total = view.rows.len() as u32;
    let skip = ((page - 1) as usize).saturating_mul(page_size as usize);
    let items = view.rows.into_iter().skip(skip).take(page_size as usize).collect();
    Ok(SchoolPage { items, total, page, page_size, view_total: view.view_total, mis_options: view.mis_options })
}

/// Every row of the view that matches the search and filters, sorted (P5
/// export). Paging parameters are ignored.
pub async fn export(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
    app: Option<&AppId>,
    query: &ListSchoolsQuery,
) -> Result<Vec<SchoolRow>> {
    Ok(view_rows(gatehouse, session, app, query).await?.rows)
}

/// A view after search, filters and sort, with what the filter bar needs.
struct ViewRows {
    rows: Vec<SchoolRow>,
    view_total: u32,
    mis_options: Vec<String>,
}

async fn view_rows(
    gatehouse: &Gatehouse,
    session: &SessionRecord,
    app: Option<&AppId>,
    query: &ListSchoolsQuery,
) -> Result<ViewRows> {
    let app = app_of(session, app)?;
    // The permission set decides the Re-authorisation column.
    let (app_record, _) = app_record(gatehouse, session, &app).await?;
    let partition = school_view_partition(&app, query.view);
    let items = query_all(gatehouse.table.as_ref(), Query::partition(Index::Gsi1, partition)).await?;
    let now = gatehouse.clock.now();
    let mut rows = items
        .iter()
        .map(|item| from_item::<SchoolLinkRecord>(item).map(|link| row_of(&link, &app_record.requested_scopes, now)))
        .collect::<Result<Vec<_>, _>>()?;
    // Month Stats (A5): this month's counted calls, one Query for the whole
    // view, added to what the link carries.
    if query.view == SchoolView::Active {
        let counted = crate::store::usage::month(gatehouse, &app, &crate::store::usage::month_of(now)).await?;
        for row in &mut rows {
            row.month_stats += counted.get(&row.school_id).copied().unwrap_or(0);
        }
    }
    let view_total = rows.len() as u32;
    let mut mis_options: Vec<String> = rows.iter().map(|row| mis_label(row).to_owned()).collect();
    mis_options.sort();
    mis_options.dedup();

    let needle = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_lowercase);
    let mut rows: Vec<SchoolRow> = rows
        .into_iter()
        .filter(|row| matches(row, query) && needle.as_ref().is_none_or(|n| mentions(row, n)))
        .collect();
    let column = query.sort.unwrap_or_default();
    rows.sort_by(|a, b| {
        let primary = compare(a, b, column);
        let primary = if query.dir == Some(SortDirection::Desc) { primary.reverse() } else { primary };
        // Ties keep the list's natural order, so paging is stable.
        primary
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then_with(|| a.school_id.cmp(&b.school_id))
    });
    Ok(ViewRows { rows, view_total, mis_options })
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
fn mentions(row: &SchoolRow, needle: &str) -> bool {
    let optional = [
        &row.urn,
        &row.local_authority,
        &row.postcode,
        &row.authorised_on,
        &row.revoke_pending,
        &row.date_invited,
        &row.last_reminded,
        &row.school_contact,
        &row.partner_contact,
        &row.revoked_on,
        &row.revoked_by,
    ];
    let shown = [
        row.school_id.clone(),
        row.name.clone(),
        mis_label(row).to_owned(),
        row.status.label().to_owned(),
        row.gdpr_mode.map(|mode| mode.label().to_owned()).unwrap_or_default(),
        row.feed_status.map(|feed| feed.label().to_owned()).unwrap_or_default(),
        row.month_stats.to_string(),
        row.install_status.label(),
        row.cache_age_days.map(|days| days.to_string()).unwrap_or_default(),
        row.active_cases.to_string(),
        row.invitation_status.map(|status| status.label().to_owned()).unwrap_or_default(),
    ];
    shown.iter().chain(optional.into_iter().flatten()).any(|text| text.to_lowercase().contains(needle))
}

fn status_rank(status: SchoolStatus) -> usize {
    SchoolStatus::ALL.iter().position(|candidate| *candidate == status).unwrap_or(usize::MAX)
}

fn install_rank(install: &InstallStatus) -> (usize, String) {
    let state = install.state();
    (InstallState::ALL.iter().position(|candidate| *candidate == state).unwrap_or(usize::MAX), install.label())
}

/// Orders by one column; absent values sort after present ones.
fn compare(a: &SchoolRow, b: &SchoolRow, column: SortColumn) -> Ordering {
    fn present_first<T: Ord>(a: Option<T>, b: Option<T>) -> Ordering {
        match (a, b) {
            (Some(a), Some(b)) => a.cmp(&b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
    match column {
        // Numeric ids order as numbers when they are numbers.
        SortColumn::SchoolId => a.school_id.len().cmp(&b.school_id.len()).then_with(|| a.school_id.cmp(&b.school_id)),
        SortColumn::Name => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
        SortColumn::Mis => {
            present_first(a.mis.as_deref().map(str::to_lowercase), b.mis.as_deref().map(str::to_lowercase))
        }
        // Health order (OK first), not alphabetical.
        SortColumn::Status => status_rank(a.status).cmp(&status_rank(b.status)),
        SortColumn::AuthorisedOn => present_first(a.authorised_on.as_ref(), b.authorised_on.as_ref()),
        SortColumn::GdprMode => present_first(a.gdpr_mode.map(|m| m.label()), b.gdpr_mode.map(|m| m.label())),
        SortColumn::FeedStatus => present_first(a.feed_status.map(|f| f.label()), b.feed_status.map(|f| f.label())),
        SortColumn::MonthStats => a.month_stats.cmp(&b.month_stats),
        // Onboarding Queue, then booked slots by date, then Installed.
        SortColumn::InstallStatus => install_rank(&a.install_status).cmp(&install_rank(&b.install_status)),
        SortColumn::CacheAge => present_first(a.cache_age_days, b.cache_age_days),
        SortColumn::ActiveCases => a.active_cases.cmp(&b.active_cases),
        SortColumn::RevokePending => present_first(a.revoke_pending.as_ref(), b.revoke_pending.as_ref()),
        // Needed first: the schools to chase.
        SortColumn::ReauthorisationNeeded => b.reauthorisation_needed.cmp(&a.reauthorisation_needed),
        SortColumn::DateInvited => present_first(a.date_invited.as_ref(), b.date_invited.as_ref()),
        SortColumn::LastReminded => present_first(a.last_reminded.as_ref(), b.last_reminded.as_ref()),
        SortColumn::SchoolContact => present_first(a.school_contact.as_ref(), b.school_contact.as_ref()),
        SortColumn::PartnerContact => present_first(a.partner_contact.as_ref(), b.partner_contact.as_ref()),
        SortColumn::InvitationStatus => {
            present_first(a.invitation_status.map(|s| s.label()), b.invitation_status.map(|s| s.label()))
        }
        SortColumn::RevokedOn => present_first(a.revoked_on.as_ref(), b.revoked_on.as_ref()),
    }
}

/// The app a request is about. The session holds the partner's apps, so an
/// app of another partner is indistinguishable from one that does not exist:
/// `NotFound`, never "forbidden", so ids cannot be probed.
/// The row the lists show; derived columns are computed against `now`.
pub fn row_of(link: &SchoolLinkRecord, requested: &ScopeSet, now: DateTime<Utc>) -> SchoolRow {
    let this_month = format!("{:04}-{:02}", now.year(), now.month());
    let month_stats = link.usage.as_ref().filter(|usage| usage.month == this_month).map_or(0, |usage| usage.calls);
    let cache_age_days = link.last_extract_at.map(|at| (now - at).num_days().max(0) as u32);
    let revoke_pending = link.revoke_on.filter(|on| *on > uk_date(now)).map(|on| on.to_string());
    // A pending school whose agent already works is only missing the authorisation (P3).
    let invitation_status =
        (link.view == SchoolView::Pending).then_some(match (link.waiting_for(), &link.install_status) {
            (Some(Waiting::Verification), _) => InvitationStatus::AwaitingVerification,
            (Some(Waiting::SchoolApproval), _) => InvitationStatus::AwaitingSchoolApproval,
            (None, InstallStatus::Installed) => InvitationStatus::ReadyToAuthorise,
            (None, _) => InvitationStatus::InvitationSent,
        });
    SchoolRow {
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
        month_stats,
        install_status: link.install_status.clone(),
        cache_age_days,
        active_cases: link.active_cases,
        revoke_pending,
        reauthorisation_needed: needs_reauthorisation(requested, link),
        date_invited: link.invited_on.map(|on| on.to_string()),
        school_contact: link.school_contact.as_ref().map(|email| email.as_str().to_owned()),
        partner_contact: link.partner_contact.as_ref().map(|email| email.as_str().to_owned()),
        invitation_status,
        priority: link.priority,
        last_reminded: link.last_reminded_on.map(|on| on.to_string()),
        revoked_on: link.revoked_on.map(|on| on.to_string()),
        revoked_by: link.revoked_by.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use chrono::TimeZone;
    use gatehouse_model::{FeedStatus, GdprMode, SchoolView};

    fn link() -> SchoolLinkRecord {
        crate::fixtures::demo::sample_link()
    }

    fn demo_rows() -> Vec<SchoolRow> {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        crate::fixtures::demo::demo_items(now)
            .iter()
            .filter_map(|item| from_item::<SchoolLinkRecord>(item).ok())
            .filter(|link| {
                link.view == SchoolView::Active && link.partner_id.as_str() == crate::fixtures::demo::DEMO_PARTNER
            })
            .map(|link| row_of(&link, &crate::fixtures::demo::demo_requested_scopes(), now))
            .collect()
    }

    #[test]
    fn each_filter_keeps_only_matching_rows() {
        let rows = demo_rows();
        let cases: Vec<(ListSchoolsQuery, Box<dyn Fn(&SchoolRow) -> bool>)> = vec![
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
        let rows = demo_rows();
        let row = &rows[0];
        for needle in [row.school_id.as_str(), row.postcode.as_deref().unwrap(), "include all", "not installed"] {
            let needle = needle.to_lowercase();
            assert!(rows.iter().any(|r| mentions(r, &needle)), "{needle}");
        }
        assert!(mentions(row, &row.name.to_lowercase()[2..8]));
        assert!(!rows.iter().any(|r| mentions(r, "no such school anywhere")));
    }

    #[test]
    fn sorting_orders_by_the_column_with_absent_values_last() {
        let mut rows = demo_rows();
        rows.sort_by(|a, b| compare(a, b, SortColumn::MonthStats));
        assert!(rows.windows(2).all(|w| w[0].month_stats <= w[1].month_stats));
        rows.sort_by(|a, b| compare(a, b, SortColumn::CacheAge));
        let first_absent = rows.iter().position(|r| r.cache_age_days.is_none()).unwrap();
        assert!(rows[first_absent..].iter().all(|r| r.cache_age_days.is_none()));
        rows.sort_by(|a, b| compare(a, b, SortColumn::Status));
        assert_eq!(rows[0].status, SchoolStatus::Ok);
        assert_eq!(rows.last().unwrap().status, SchoolStatus::NotInstalled);
        rows.sort_by(|a, b| compare(a, b, SortColumn::SchoolId));
        assert!(rows.windows(2).all(|w| w[0].school_id < w[1].school_id));
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
