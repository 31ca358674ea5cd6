//! The data API's school endpoints (A1, A2), for an app calling with its key.
//! An app only ever sees links of its own app; any other school id is
//! `awaiting_invitation` with no facts, the same as one never invited; an id that
//! cannot be a school's is a 400.

use chrono::{NaiveDate, SecondsFormat};
use gatehouse_model::{AppSchools, ConnectionState, FeedStatus, InstallStatus, SchoolConnection, SchoolView};

use crate::base::calendar::uk_date;
use crate::base::keys::{Key, school_view_partition};
use crate::base::ports::{Index, Query, query_all};
use crate::partner::app_keys::AppCaller;
use crate::partner::permissions::effective_scopes;
use crate::store::records::{SchoolLinkRecord, Waiting, from_item};
use crate::{Gatehouse, Result, SchoolId};

/// The state of a link on `today` (a UK date), in the order an app's user
/// would fix it.
pub fn state_of(link: &SchoolLinkRecord, today: NaiveDate) -> ConnectionState {
    if link.cancelled_on.is_some() {
        return ConnectionState::AwaitingInvitation;
    }
    match link.view_on(today) {
        SchoolView::Pending => match link.waiting_for() {
            Some(Waiting::Verification) => ConnectionState::AwaitingVerification,
            Some(Waiting::SchoolApproval) => ConnectionState::AwaitingSchoolApproval,
            None => ConnectionState::NotAuthorised,
        },
        SchoolView::Revoked => ConnectionState::Revoked,
        SchoolView::Active if link.install_status != InstallStatus::Installed => ConnectionState::NotInstalled,
        SchoolView::Active if link.feed_status == Some(FeedStatus::Paused) => ConnectionState::FeedPaused,
        SchoolView::Active => ConnectionState::Connected,
    }
}

fn connection(caller: &AppCaller, link: &SchoolLinkRecord, today: NaiveDate) -> SchoolConnection {
    let authorised = link.view_on(today) == SchoolView::Active && link.cancelled_on.is_none();
    SchoolConnection {
        school_id: link.school_id.to_string(),
        urn: link.urn.clone(),
        name: link.name.clone(),
        state: state_of(link, today),
        invited: link.cancelled_on.is_none(),
        authorised,
        installed: link.install_status == InstallStatus::Installed,
        feed_enabled: authorised && link.feed_status != Some(FeedStatus::Paused),
        authorised_on: authorised.then_some(link.authorised_on).flatten().map(|on| on.to_string()),
        gdpr_mode: if authorised { link.gdpr_mode } else { None },
        scopes: if authorised {
            effective_scopes(&caller.app.requested_scopes, &link.granted_scopes)
        } else {
            Default::default()
        },
        last_extract_at: link.last_extract_at.map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true)),
        last_pull_on: None,
    }
}

/// Every school invited, authorised or revoked for the calling app.
pub async fn schools(gatehouse: &Gatehouse, caller: &AppCaller) -> Result<AppSchools> {
    let today = uk_date(gatehouse.clock.now());
    let mut schools = Vec::new();
    for view in [SchoolView::Active, SchoolView::Pending, SchoolView::Revoked] {
        let partition = school_view_partition(&caller.app.app_id, view);
        for item in query_all(gatehouse.table.as_ref(), Query::partition(Index::Gsi1, partition)).await? {
            schools.push(connection(caller, &from_item(&item)?, today));
        }
    }
    schools.sort_by(|a, b| a.school_id.cmp(&b.school_id));
    Ok(AppSchools { schools })
}

/// A2 Test Connection for one school.
pub async fn status(gatehouse: &Gatehouse, caller: &AppCaller, school_id: &SchoolId) -> Result<SchoolConnection> {
    let unknown = || SchoolConnection {
        school_id: school_id.to_string(),
        urn: None,
        name: String::new(),
        state: ConnectionState::AwaitingInvitation,
        invited: false,
        authorised: false,
        installed: false,
        feed_enabled: false,
        authorised_on: None,
        gdpr_mode: None,
        scopes: Default::default(),
        last_extract_at: None,
        last_pull_on: None,
    };
    // An id that cannot be a school's is refused at the edge (issue 18); an
    // unknown one is answered like a school never invited, so nothing can be probed.
    let key = Key::SchoolLink(&caller.app.app_id, school_id);
    match gatehouse.table.get(&key.pk(), &key.sk()).await? {
        Some(item) => {
            let link: SchoolLinkRecord = from_item(&item)?;
            // Keys are per app, and so are links; belt and braces.
            if link.partner_id != caller.actor.partner_id {
                return Ok(unknown());
            }
            let mut connection = connection(caller, &link, uk_date(gatehouse.clock.now()));
            // Freshness (G1): the last day this app pulled, from its usage counters.
            let last = crate::store::usage::last_pull(gatehouse, &caller.app.app_id, school_id).await?;
            connection.last_pull_on = last.map(|day| day.to_string());
            Ok(connection)
        }
        None => Ok(unknown()),
    }
}
