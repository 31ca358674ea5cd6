//! The partner's school lists (P2 Active, P3 Pending, P4 Revoked).
//!
//! A view is one GSI1 partition, read whole in one Query (a partner's schools
//! fit in one 1 MB page up to ~2,000 schools) so that search and filters can
//! work across every column; paging then happens in memory.

use chrono::{DateTime, Datelike, Utc};
use gatehouse_model::{ListSchoolsQuery, SchoolPage, SchoolRow};

use crate::keys::school_view_partition;
use crate::ports::{Index, Query, query_all};
use crate::records::{SchoolLinkRecord, SessionRecord, from_item};
use crate::{AppId, Error, Gatehouse, Result};

pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 200;

/// One page of a view of the signed-in partner's schools.
pub async fn list(gatehouse: &Gatehouse, session: &SessionRecord, query: &ListSchoolsQuery) -> Result<SchoolPage> {
    let app = app_of(session, query.app.as_deref())?;
    let page = query.page.unwrap_or(1);
    if page == 0 {
        return Err(Error::invalid("page", "pages are numbered from 1"));
    }
    let page_size = query.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
        return Err(Error::invalid("page_size", format!("choose 1 to {MAX_PAGE_SIZE} rows per page")));
    }

    let partition = school_view_partition(&app, query.view);
    let items = query_all(gatehouse.table.as_ref(), Query::partition(Index::Gsi1, partition)).await?;
    let now = gatehouse.clock.now();
    let rows = items
        .iter()
        .map(|item| from_item::<SchoolLinkRecord>(item).map(|link| row_of(&link, now)))
        .collect::<Result<Vec<_>, _>>()?;

    let total = rows.len() as u32;
    let skip = ((page - 1) as usize).saturating_mul(page_size as usize);
    let items = rows.into_iter().skip(skip).take(page_size as usize).collect();
    Ok(SchoolPage { items, total, page, page_size })
}

/// The app a request is about. The session holds the partner's apps, so an
/// app of another partner is indistinguishable from one that does not exist:
/// `NotFound`, never "forbidden", so ids cannot be probed.
fn app_of(session: &SessionRecord, requested: Option<&str>) -> Result<AppId> {
    let chosen = match requested {
        Some(raw) => {
            let wanted = AppId::parse(raw)?;
            session.apps.iter().find(|app| app.app_id == wanted.as_str())
        }
        None => session.apps.first(),
    };
    let app = chosen.ok_or(Error::NotFound("app"))?;
    AppId::parse(&app.app_id)
}

/// The row the lists show; derived columns are computed against `now`.
pub fn row_of(link: &SchoolLinkRecord, now: DateTime<Utc>) -> SchoolRow {
    let this_month = format!("{:04}-{:02}", now.year(), now.month());
    let month_stats = link.usage.as_ref().filter(|usage| usage.month == this_month).map_or(0, |usage| usage.calls);
    let cache_age_days = link.last_extract_at.map(|at| (now - at).num_days().max(0) as u32);
    let revoke_pending = link.revoke_on.filter(|on| *on > now.date_naive()).map(|on| on.to_string());
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::MonthUsage;
    use crate::{PartnerId, SchoolId};
    use chrono::{NaiveDate, TimeZone};
    use gatehouse_model::{InstallStatus, SchoolStatus, SchoolView};

    fn link() -> SchoolLinkRecord {
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
        }
    }

    #[test]
    fn derived_columns_follow_the_clock() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        let row = row_of(&link(), now);
        assert_eq!(row.month_stats, 42);
        assert_eq!(row.cache_age_days, Some(2));
        assert_eq!(row.revoke_pending.as_deref(), Some("2026-12-01"));

        let next_month = Utc.with_ymd_and_hms(2026, 12, 2, 0, 0, 0).unwrap();
        let row = row_of(&link(), next_month);
        assert_eq!(row.month_stats, 0, "usage resets with the month");
        assert_eq!(row.revoke_pending, None, "a revocation date in the past is no longer pending");
    }
}
