//! The audit of every Authorisation Log (P8, #16): each school link's log is
//! read whole and its hash chain checked against the head the link keeps,
//! so an entry edited, removed or cut off at the end is found, wherever it
//! is. The tile checks one link's log when it is shown; this checks them all.
//!
//! A page checks the links of one app after another, up to `LINKS_PER_PAGE`
//! of them, and says where to carry on, so no request runs long at 10,000
//! schools: the console and `cargo xtask verify-log` follow the cursor.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gatehouse_model::{BrokenLog, LogAudit};

use crate::base::keys::{PARTNER_LISTING_PREFIX, PARTNER_LISTINGS, SCHOOL_LINK_PREFIX, school_links_partition};
use crate::base::ports::{Cursor, Index, Query, query_all};
use crate::partner::partners::PartnerListingRecord;
use crate::store::authorisation_log;
use crate::store::records::{SchoolLinkRecord, from_item};
use crate::{AppId, Error, Gatehouse, Result, SchoolId};

/// The most links one page checks: each is one read of its log, so a page
/// stays a few seconds on DynamoDB.
pub const LINKS_PER_PAGE: u32 = 100;

/// Checks the next page of up to `limit` logs (`LINKS_PER_PAGE` when `None`)
/// after `cursor` (from the start when `None`).
pub async fn audit_page(gatehouse: &Gatehouse, cursor: Option<&str>, limit: Option<u32>) -> Result<LogAudit> {
    let limit = match limit {
        None => LINKS_PER_PAGE,
        Some(limit @ 1..=LINKS_PER_PAGE) => limit,
        Some(_) => return Err(Error::invalid("limit", format!("check 1 to {LINKS_PER_PAGE} links a page"))),
    };
    let apps = apps_in_order(gatehouse).await?;
    let (mut app_index, mut after) = match cursor {
        None => (0, None),
        Some(raw) => {
            let (app, school) = decode(raw)?;
            let index = apps.iter().position(|listing| listing.app_id == app).ok_or_else(invalid_cursor)?;
            (index, school)
        }
    };
    let mut audit = LogAudit {
        links_checked: 0,
        entries_checked: 0,
        broken: Vec::new(),
        apps_done: app_index as u32,
        apps_total: apps.len() as u32,
        next_cursor: None,
    };
    while let Some(listing) = apps.get(app_index) {
        let budget = limit - audit.links_checked;
        if budget == 0 {
            audit.next_cursor = Some(encode(&listing.app_id, after.as_ref()));
            break;
        }
        let partition = school_links_partition(&listing.app_id);
        let mut query = Query::partition(Index::Primary, partition.clone()).with_prefix(SCHOOL_LINK_PREFIX);
        query.limit = Some(budget);
        query.after = after.as_ref().map(|school| Cursor {
            pk: partition.clone(),
            sk: format!("{SCHOOL_LINK_PREFIX}{school}"),
            gsi1: None,
        });
        let page = gatehouse.table.query(query).await?;
        for item in &page.items {
            let link: SchoolLinkRecord = from_item(item)?;
            check(gatehouse, listing, &link, &mut audit).await?;
            after = Some(link.school_id);
        }
        if page.next.is_none() {
            app_index += 1;
            after = None;
            audit.apps_done = app_index as u32;
        }
    }
    Ok(audit)
}

/// Follows the cursor to the end: every log, for the command line. Runs as
/// the console's operation, with its access.
pub async fn audit_all(gatehouse: &Gatehouse) -> Result<LogAudit> {
    crate::base::access::running("audit_authorisation_logs", follow_to_the_end(gatehouse)).await
}

async fn follow_to_the_end(gatehouse: &Gatehouse) -> Result<LogAudit> {
    let mut total = audit_page(gatehouse, None, None).await?;
    while let Some(cursor) = total.next_cursor.take() {
        let page = audit_page(gatehouse, Some(&cursor), None).await?;
        total.links_checked += page.links_checked;
        total.entries_checked += page.entries_checked;
        total.broken.extend(page.broken);
        total.apps_done = page.apps_done;
        total.next_cursor = page.next_cursor;
    }
    Ok(total)
}

async fn check(
    gatehouse: &Gatehouse,
    listing: &PartnerListingRecord,
    link: &SchoolLinkRecord,
    audit: &mut LogAudit,
) -> Result<()> {
    let entries = authorisation_log::read(gatehouse.table.as_ref(), &link.app_id, &link.school_id).await?;
    audit.links_checked += 1;
    audit.entries_checked += entries.len() as u32;
    if let Err(broken) = authorisation_log::verify(&entries, link.log_head.as_deref()) {
        tracing::error!(app_id = %link.app_id, school_id = %link.school_id, seq = broken.seq, reason = broken.reason, "authorisation log chain broken");
        audit.broken.push(BrokenLog {
            partner_name: listing.name.clone(),
            app_id: link.app_id.to_string(),
            app_name: listing.app_name.clone(),
            school_id: link.school_id.to_string(),
            school_name: link.name.clone(),
            seq: broken.seq,
            reason: broken.reason.to_owned(),
        });
    }
    Ok(())
}

/// Every partner's app, in app id order: the order pages walk them in.
async fn apps_in_order(gatehouse: &Gatehouse) -> Result<Vec<PartnerListingRecord>> {
    let query = Query::partition(Index::Primary, PARTNER_LISTINGS).with_prefix(PARTNER_LISTING_PREFIX);
    let items = query_all(gatehouse.table.as_ref(), query).await?;
    let mut apps = items.iter().map(from_item::<PartnerListingRecord>).collect::<Result<Vec<_>, _>>()?;
    apps.sort_by(|a, b| a.app_id.as_str().cmp(b.app_id.as_str()));
    Ok(apps)
}

/// Where to carry on: the app, and the last school checked in it (none at
/// the start of the app). Parsed back as ids, so it cannot name anything else.
fn encode(app: &AppId, after: Option<&SchoolId>) -> String {
    let after = after.map(SchoolId::as_str).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(format!("{app}\n{after}"))
}

fn decode(raw: &str) -> Result<(AppId, Option<SchoolId>)> {
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid_cursor())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid_cursor())?;
    let (app, school) = text.split_once('\n').ok_or_else(invalid_cursor)?;
    let app = AppId::parse(app).map_err(|_| invalid_cursor())?;
    let school = match school {
        "" => None,
        school => Some(SchoolId::parse(school).map_err(|_| invalid_cursor())?),
    };
    Ok((app, school))
}

fn invalid_cursor() -> Error {
    Error::invalid("cursor", "pass back the next_cursor of the previous page unchanged")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_goes_round_and_a_made_up_one_is_refused() {
        let app = AppId::parse("demo-app").unwrap();
        let school = SchoolId::parse("3280001").unwrap();
        assert_eq!(decode(&encode(&app, Some(&school))).unwrap(), (app.clone(), Some(school)));
        assert_eq!(decode(&encode(&app, None)).unwrap(), (app, None));
        for made_up in ["", "not base64!", &URL_SAFE_NO_PAD.encode("no line break"), &URL_SAFE_NO_PAD.encode("a b\n1")]
        {
            assert!(matches!(decode(made_up), Err(Error::Invalid { field: "cursor", .. })), "{made_up:?}");
        }
    }
}
