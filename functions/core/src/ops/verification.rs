//! O1, #12: operations verify an authoriser whom nothing else vouches for.
//! A school with no admin yet, authorised by an address at no verified
//! domain of the school, waits here. Verifying puts the held grant in force
//! and makes the authoriser the school's first admin; rejecting drops the
//! grant, and the partner must invite someone with authority.

use gatehouse_model::{
    AuthorityVerification, AuthorityVerificationList, DecideAuthorityVerification, LogEvent, SchoolView,
    VerificationDecision,
};

use crate::base::keys::{Key, VERIFICATIONS_DUE};
use crate::base::ports::{Condition, Index, Query, TransactWrite, query_all};
use crate::school::authorisation::{self, How, NewAdmin};
use crate::store::links::{Change, LoadedLink, commit};
use crate::store::records::{AppRecord, OpsSessionRecord, PartnerRecord, SchoolLinkRecord, Waiting, from_item};
use crate::{AppId, Error, Gatehouse, Result, SchoolId, store::outbox};

/// `GET /api/ops/verifications`: everyone waiting, oldest first.
pub async fn waiting(gatehouse: &Gatehouse) -> Result<AuthorityVerificationList> {
    let items =
        query_all(gatehouse.table.as_ref(), Query::partition(Index::Primary, VERIFICATIONS_DUE.to_owned())).await?;
    let mut waiting = items.iter().map(from_item::<AuthorityVerification>).collect::<Result<Vec<_>, _>>()?;
    waiting.sort_by(|a, b| a.requested_at.cmp(&b.requested_at));
    Ok(AuthorityVerificationList { waiting })
}

/// The link a decision is about, still waiting for verification. Anything
/// else (decided already, changed meanwhile, unknown) is "not found".
async fn waiting_link(gatehouse: &Gatehouse, app: &AppId, school: &SchoolId) -> Result<LoadedLink> {
    let key = Key::SchoolLink(app, school);
    let item = gatehouse.table.get(&key.pk(), &key.sk()).await?.ok_or(Error::NotFound("verification"))?;
    let link: SchoolLinkRecord = from_item(&item)?;
    if link.waiting_for() != Some(Waiting::Verification) || link.cancelled_on.is_some() {
        return Err(Error::NotFound("verification"));
    }
    Ok(LoadedLink { link, version: item.version })
}

/// `POST /api/ops/verifications/decide`.
pub async fn decide(
    gatehouse: &Gatehouse,
    session: &OpsSessionRecord,
    request: &DecideAuthorityVerification,
) -> Result<AuthorityVerificationList> {
    let app = AppId::parse(&request.app_id).map_err(|_| Error::NotFound("verification"))?;
    let school = SchoolId::parse(&request.school_id).map_err(|_| Error::NotFound("verification"))?;
    let reason = request.reason.as_deref().map(str::trim).filter(|reason| !reason.is_empty());
    if reason.is_some_and(|reason| reason.chars().count() > 500) {
        return Err(Error::invalid("reason", "keep the reason under 500 characters"));
    }
    let loaded = waiting_link(gatehouse, &app, &school).await?;
    let grant = loaded.link.pending_grant.clone().ok_or(Error::NotFound("verification"))?;
    match request.decision {
        VerificationDecision::Verify => {
            let app_key = Key::App(&loaded.link.partner_id, &app);
            let app_record: AppRecord =
                from_item(&gatehouse.table.get(&app_key.pk(), &app_key.sk()).await?.ok_or(Error::NotFound("app"))?)?;
            let partner_key = Key::Partner(&loaded.link.partner_id);
            let partner: PartnerRecord = from_item(
                &gatehouse.table.get(&partner_key.pk(), &partner_key.sk()).await?.ok_or(Error::NotFound("partner"))?,
            )?;
            let admin = NewAdmin::VerifiedBy(&session.display_name);
            authorisation::apply(gatehouse, &loaded, &app_record, &partner, &grant, None, How::VerifiedByOps, admin)
                .await?;
            outbox::deliver(gatehouse).await?;
            tracing::info!(%school, %app, "authoriser verified by ops");
        }
        VerificationDecision::Reject => {
            let Some(reason) = reason else {
                return Err(Error::invalid("reason", "say why, for the school's Authorisation Log"));
            };
            let mut next = loaded.link.clone();
            next.pending_grant = None;
            let still = if next.view == SchoolView::Pending { "nothing is shared" } else { "the earlier grant stands" };
            let detail = format!(
                "Gatehouse operations could not verify that {} ({}) may share the school's data: {reason}; {still}",
                grant.name, grant.role
            );
            let key = Key::VerificationDue(&app, &school);
            let change = Change::new(next).log(LogEvent::RequestDeclined, detail).also(TransactWrite::Delete {
                pk: key.pk(),
                sk: key.sk(),
                condition: Condition::Exists,
            });
            commit(gatehouse, &loaded, change, &session.display_name).await?;
            tracing::info!(%school, %app, "authoriser rejected by ops");
        }
    }
    waiting(gatehouse).await
}
