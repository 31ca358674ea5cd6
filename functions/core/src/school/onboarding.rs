//! S4 onboarding: after authorising, a school installs the MIS agent itself
//! (self-install: an agent credential, shown once, and the set-up steps) or
//! books a slot with the support team from the slots ops offer. Install
//! status moves Onboarding Queue → Booked (date, time) → Installed; the
//! first agent push sets Installed (`ingestion`), or ops do with
//! `mark_installed`.
//!
//! Storage: every offered slot is one item in one partition
//! (`ONBOARDING#slots`, sorted by time); booking writes the school's name
//! into it, conditional on the version read, so a slot is taken once. The
//! school's own record (`SCHOOL#<school>` / `ONBOARDING`) names its slot, so
//! re-booking frees the old one in the same transaction. The install status
//! is then copied onto each of the school's links (what the partner lists show).
//!
//! For the ops console: `offer_day` (over `offer_slots`), `slots_from_today`
//! (over `offered_slots`), `ops_bookings` (over `bookings`) and
//! `mark_installed` are the whole interface; none needs a session.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, Utc};
use chrono_tz::Europe::London;
use gatehouse_model::{InstallBooking, InstallStatus, InstallType, SchoolOnboarding, SelfInstallKey};
use serde::{Deserialize, Serialize};

use crate::base::keys::{INSTALL_SLOTS, Key};
use crate::base::ports::{Condition, Cursor, Index, Query, StoreError, TransactWrite, query_all};
use crate::data::ingestion::AGENT_ACTOR;
use crate::store::links::{Change, commit};
use crate::store::records::{SchoolLinkRecord, SchoolSessionRecord, from_item, plain_item};
use crate::{AppId, Error, Gatehouse, Result, SchoolId, data::agent_keys};

/// How an install slot is written: `YYYY-MM-DDTHH:MM`, UK local time.
pub const SLOT_FORMAT: &str = "%Y-%m-%dT%H:%M";
/// Bookings per page for ops.
pub const BOOKINGS_PAGE: u32 = 50;

/// One offered slot; `booking` is set once a school took it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstallSlotRecord {
    pub slot: String,
    #[serde(default)]
    pub booking: Option<BookingRecord>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingRecord {
    pub school_id: SchoolId,
    pub school_name: String,
    #[serde(default)]
    pub urn: String,
    pub booked_by: String,
    /// The booker's address: ops' contact for the install.
    #[serde(default)]
    pub contact_email: Option<String>,
    pub booked_at: DateTime<Utc>,
    #[serde(default)]
    pub app_id: Option<AppId>,
    /// Set when ops mark the install done (`mark_installed`).
    #[serde(default)]
    pub installed_at: Option<DateTime<Utc>>,
}

/// A school's onboarding choices and progress.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OnboardingRecord {
    pub school_id: SchoolId,
    #[serde(default)]
    pub install_type: Option<InstallType>,
    #[serde(default)]
    pub booked_slot: Option<String>,
    #[serde(default)]
    pub agent_key_issued: bool,
    #[serde(default)]
    pub installed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub installed_by: Option<String>,
}

impl OnboardingRecord {
    fn new(school_id: &SchoolId) -> Self {
        OnboardingRecord {
            school_id: school_id.clone(),
            install_type: None,
            booked_slot: None,
            agent_key_issued: false,
            installed_at: None,
            installed_by: None,
        }
    }
}

/// Who books: a school, by the name of the person booking.
#[derive(Debug, Clone)]
pub struct Booker {
    pub school_id: SchoolId,
    pub school_name: String,
    pub urn: String,
    pub name: String,
    pub email: String,
}

impl Booker {
    pub fn of(session: &SchoolSessionRecord) -> Self {
        Booker {
            school_id: session.school_id.clone(),
            school_name: session.school_name.clone(),
            urn: session.urn.clone(),
            name: session.display_name.clone(),
            email: session.email.as_str().to_owned(),
        }
    }
}

/// Parses a slot as written on the wire (the edge reads a request's slot
/// with it; a cursor here), to its one stored spelling.
pub fn parse_slot(raw: &str) -> Result<NaiveDateTime> {
    Some(raw.trim())
        .filter(|raw| crate::base::calendar::shaped(raw, "9999-99-99T99:99"))
        .and_then(|raw| NaiveDateTime::parse_from_str(raw, SLOT_FORMAT).ok())
        .ok_or_else(|| Error::invalid("slot", "give the slot as YYYY-MM-DDTHH:MM (UK time)"))
}

fn slot_text(slot: NaiveDateTime) -> String {
    slot.format(SLOT_FORMAT).to_string()
}

/// Now, in UK local time, as slots are written.
pub fn uk_now(gatehouse: &Gatehouse) -> NaiveDateTime {
    gatehouse.clock.now().with_timezone(&London).naive_local()
}

async fn all_slots(gatehouse: &Gatehouse) -> Result<Vec<(InstallSlotRecord, u64)>> {
    let items = query_all(gatehouse.table.as_ref(), Query::partition(Index::Primary, INSTALL_SLOTS)).await?;
    items.iter().map(|item| Ok((from_item(item)?, item.version))).collect()
}

/// Ops: offers slots. A slot already offered (booked or not) is left as
/// it is, so offering the same list twice changes nothing. Returns how many
/// were new.
pub async fn offer_slots(gatehouse: &Gatehouse, slots: &[NaiveDateTime]) -> Result<u32> {
    let now = uk_now(gatehouse);
    let mut parsed = Vec::new();
    for &slot in slots {
        if slot <= now {
            return Err(Error::invalid("slot", format!("{} is in the past", slot_text(slot))));
        }
        parsed.push(slot_text(slot));
    }
    let mut new = 0;
    for slot in parsed {
        let record = InstallSlotRecord { slot: slot.clone(), booking: None };
        match gatehouse.table.put(plain_item(&Key::InstallSlot(&slot), &record, 1), Condition::NotExists).await {
            Ok(()) => new += 1,
            Err(StoreError::ConditionFailed { .. }) => {}
            Err(error) => return Err(error.into()),
        }
    }
    Ok(new)
}

/// The start of today, UK local time.
fn uk_today(gatehouse: &Gatehouse) -> NaiveDateTime {
    uk_now(gatehouse).date().and_time(NaiveTime::MIN)
}

/// The start times of an offer, as the edge reads them: `HH:MM` each,
/// blanks left out.
pub fn parse_times(raw: &[String]) -> Result<Vec<NaiveTime>> {
    let times = raw.iter().map(|time| time.trim()).filter(|time| !time.is_empty());
    times
        .map(|time| {
            Some(time)
                .filter(|time| crate::base::calendar::shaped(time, "99:99"))
                .and_then(|time| NaiveTime::parse_from_str(time, "%H:%M").ok())
                .ok_or_else(|| {
                    Error::invalid("times", format!("{time} is not a time; give times as HH:MM, e.g. 09:30"))
                })
        })
        .collect()
}

/// Ops: offers `times` on `day`, each checked against its own field; then
/// as `offer_slots`. Returns how many were new.
pub async fn offer_day(gatehouse: &Gatehouse, day: NaiveDate, times: &[NaiveTime]) -> Result<u32> {
    if day < uk_now(gatehouse).date() {
        return Err(Error::invalid("date", "this date is in the past"));
    }
    if times.is_empty() {
        return Err(Error::invalid("times", "give at least one start time, as HH:MM"));
    }
    if times.len() > 48 {
        return Err(Error::invalid("times", "offer at most 48 slots at a time"));
    }
    let mut slots = Vec::new();
    for &time in times {
        let slot = day.and_time(time);
        if slot <= uk_now(gatehouse) {
            return Err(Error::invalid("times", format!("{} today has passed", time.format("%H:%M"))));
        }
        slots.push(slot);
    }
    offer_slots(gatehouse, &slots).await
}

/// Ops: the free slots from the start of today.
pub async fn slots_from_today(gatehouse: &Gatehouse) -> Result<Vec<String>> {
    offered_slots(gatehouse, uk_today(gatehouse)).await
}

/// How far back ops see bookings: long enough to mark a past install done.
pub const BOOKINGS_LOOKBACK_DAYS: i64 = 30;

/// Ops: booked slots from `BOOKINGS_LOOKBACK_DAYS` ago, a page at a time.
pub async fn ops_bookings(
    gatehouse: &Gatehouse,
    cursor: Option<&str>,
) -> Result<(Vec<InstallBooking>, Option<String>)> {
    bookings(gatehouse, uk_today(gatehouse) - Duration::days(BOOKINGS_LOOKBACK_DAYS), cursor).await
}

/// Free slots from `from` (UK local time), earliest first.
pub async fn offered_slots(gatehouse: &Gatehouse, from: NaiveDateTime) -> Result<Vec<String>> {
    let from = slot_text(from);
    Ok(all_slots(gatehouse)
        .await?
        .into_iter()
        .filter(|(slot, _)| slot.booking.is_none() && slot.slot >= from)
        .map(|(slot, _)| slot.slot)
        .collect())
}

/// Ops: booked slots from `from`, earliest first, a page at a time; pass
/// the returned cursor (the last slot of the page) to continue.
pub async fn bookings(
    gatehouse: &Gatehouse,
    from: NaiveDateTime,
    cursor: Option<&str>,
) -> Result<(Vec<InstallBooking>, Option<String>)> {
    let from = slot_text(from);
    let mut query = Query::partition(Index::Primary, INSTALL_SLOTS);
    if let Some(after) = cursor {
        let after = slot_text(parse_slot(after).map_err(|_| Error::invalid("cursor", "not a cursor from this list"))?);
        query.after = Some(Cursor { pk: INSTALL_SLOTS.to_owned(), sk: after, gsi1: None });
    }
    let mut found = Vec::new();
    loop {
        let page = gatehouse.table.query(query.clone()).await?;
        for item in &page.items {
            let slot: InstallSlotRecord = from_item(item)?;
            if slot.slot < from {
                continue;
            }
            if let Some(booking) = slot.booking {
                found.push(InstallBooking {
                    slot: slot.slot,
                    school_id: booking.school_id.to_string(),
                    school_name: booking.school_name,
                    urn: booking.urn,
                    booked_by: booking.booked_by,
                    contact_email: booking.contact_email,
                    booked_at: booking.booked_at.to_rfc3339_opts(SecondsFormat::Secs, true),
                    installed_at: booking.installed_at.map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true)),
                });
                if found.len() as u32 == BOOKINGS_PAGE {
                    let next = found.last().map(|booking| booking.slot.clone());
                    return Ok((found, next));
                }
            }
        }
        match page.next {
            Some(cursor) => query.after = Some(cursor),
            None => break,
        }
    }
    Ok((found, None))
}

async fn load_record(gatehouse: &Gatehouse, school: &SchoolId) -> Result<(OnboardingRecord, u64)> {
    let key = Key::SchoolOnboarding(school);
    match gatehouse.table.get(&key.pk(), &key.sk()).await? {
        Some(item) => Ok((from_item(&item)?, item.version)),
        None => Ok((OnboardingRecord::new(school), 0)),
    }
}

fn record_write(record: &OnboardingRecord, version: u64) -> TransactWrite {
    let condition = if version == 0 { Condition::NotExists } else { Condition::VersionIs(version) };
    TransactWrite::Put { item: plain_item(&Key::SchoolOnboarding(&record.school_id), record, version + 1), condition }
}

/// Where the school's install stands: Installed once ops said so or the
/// agent has pushed, else Booked with its slot, else Onboarding Queue.
async fn install_status(gatehouse: &Gatehouse, record: &OnboardingRecord) -> Result<InstallStatus> {
    if record.installed_at.is_some() {
        return Ok(InstallStatus::Installed);
    }
    let pushed = crate::data::feed::load_feed(gatehouse, &record.school_id)
        .await?
        .is_some_and(|(feed, _)| feed.last_push_at.is_some());
    Ok(match (&record.booked_slot, pushed) {
        (_, true) => InstallStatus::Installed,
        (Some(slot), false) => InstallStatus::Booked { slot: slot.clone() },
        (None, false) => InstallStatus::OnboardingQueue,
    })
}

async fn view(gatehouse: &Gatehouse, record: &OnboardingRecord) -> Result<SchoolOnboarding> {
    let install_status = install_status(gatehouse, record).await?;
    let slots = if install_status == InstallStatus::Installed {
        Vec::new()
    } else {
        offered_slots(gatehouse, uk_now(gatehouse)).await?
    };
    Ok(SchoolOnboarding {
        install_status,
        install_type: record.install_type,
        slots,
        agent_key_issued: record.agent_key_issued,
    })
}

/// `GET /api/school/onboarding`.
pub async fn status(gatehouse: &Gatehouse, session: &SchoolSessionRecord) -> Result<SchoolOnboarding> {
    let (record, _) = load_record(gatehouse, &session.school_id).await?;
    view(gatehouse, &record).await
}

/// Copies the install status onto each of the school's links (the partner
/// lists read it there). A link already Installed stays so.
async fn copy_to_links(gatehouse: &Gatehouse, school: &SchoolId, status: &InstallStatus) -> Result<()> {
    for loaded in crate::store::links::school_links(gatehouse, school).await? {
        if loaded.link.install_status == *status
            || (loaded.link.install_status == InstallStatus::Installed && *status != InstallStatus::Installed)
        {
            continue;
        }
        let mut next: SchoolLinkRecord = loaded.link.clone();
        next.install_status = status.clone();
        commit(gatehouse, &loaded, Change::new(next).keeping_tokens(), AGENT_ACTOR).await?;
    }
    Ok(())
}

/// Books `slot` for a school. The slot must be offered and free; a slot
/// taken by another school is a conflict (choose another), and booking the
/// slot the school already has changes nothing. A school that had another
/// slot gives it back in the same transaction.
pub async fn book(
    gatehouse: &Gatehouse,
    booker: &Booker,
    app_id: Option<&AppId>,
    slot: NaiveDateTime,
) -> Result<SchoolOnboarding> {
    let slot = slot_text(slot);
    if slot < slot_text(uk_now(gatehouse)) {
        return Err(Error::invalid("slot", "this slot is in the past; choose another"));
    }
    let (mut record, record_version) = load_record(gatehouse, &booker.school_id).await?;
    if install_status(gatehouse, &record).await? == InstallStatus::Installed {
        return Err(Error::invalid("slot", "the MIS agent is already installed; no slot is needed"));
    }
    let key = Key::InstallSlot(&slot);
    let item = gatehouse
        .table
        .get(&key.pk(), &key.sk())
        .await?
        .ok_or_else(|| Error::invalid("slot", "this slot is not offered; choose one of the offered slots"))?;
    let mut taken: InstallSlotRecord = from_item(&item)?;
    match &taken.booking {
        Some(booking) if booking.school_id == booker.school_id => {
            // Booked already, perhaps by an attempt that failed before its
            // links heard (issue 18): bring them up to date, as marking
            // installed twice does.
            copy_to_links(gatehouse, &booker.school_id, &InstallStatus::Booked { slot }).await?;
            return view(gatehouse, &record).await;
        }
        Some(_) => return Err(Error::Conflict("this slot was just booked by another school; choose another")),
        None => {}
    }
    taken.booking = Some(BookingRecord {
        school_id: booker.school_id.clone(),
        school_name: booker.school_name.clone(),
        urn: booker.urn.clone(),
        booked_by: booker.name.clone(),
        contact_email: Some(booker.email.clone()),
        booked_at: gatehouse.clock.now(),
        app_id: app_id.cloned(),
        installed_at: None,
    });
    let mut writes = vec![TransactWrite::Put {
        item: plain_item(&key, &taken, item.version + 1),
        condition: Condition::VersionIs(item.version),
    }];
    if let Some(old) = record.booked_slot.clone().filter(|old| *old != slot) {
        let old_key = Key::InstallSlot(&old);
        if let Some(old_item) = gatehouse.table.get(&old_key.pk(), &old_key.sk()).await? {
            let freed = InstallSlotRecord { slot: old.clone(), booking: None };
            writes.push(TransactWrite::Put {
                item: plain_item(&old_key, &freed, old_item.version + 1),
                condition: Condition::VersionIs(old_item.version),
            });
        }
    }
    record.booked_slot = Some(slot.clone());
    record.install_type = Some(InstallType::BookedWithSupport);
    writes.push(record_write(&record, record_version));
    gatehouse.table.transact(writes).await.map_err(|error| match error {
        StoreError::ConditionFailed { .. } => {
            Error::Conflict("this slot was just booked by another school; choose another")
        }
        other => other.into(),
    })?;
    tracing::info!(school_id = %booker.school_id, slot, "install slot booked");
    copy_to_links(gatehouse, &booker.school_id, &InstallStatus::Booked { slot }).await?;
    view(gatehouse, &record).await
}

/// Ops (or a first agent push): the agent is installed at the school.
/// Returns whether anything changed; marking twice changes nothing. A school
/// with neither onboarding nor any app link is not found. The school's
/// booked slot, if any, is marked done in the same transaction, so the ops
/// list shows it.
pub async fn mark_installed(gatehouse: &Gatehouse, school: &SchoolId, by: &str) -> Result<bool> {
    let (mut record, version) = load_record(gatehouse, school).await?;
    if version == 0 && crate::store::links::school_links(gatehouse, school).await?.is_empty() {
        return Err(Error::NotFound("school"));
    }
    if record.installed_at.is_some() {
        copy_to_links(gatehouse, school, &InstallStatus::Installed).await?;
        return Ok(false);
    }
    let now = gatehouse.clock.now();
    record.installed_at = Some(now);
    record.installed_by = Some(by.to_owned());
    let mut writes = vec![record_write(&record, version)];
    if let Some(slot) = &record.booked_slot {
        let key = Key::InstallSlot(slot);
        if let Some(item) = gatehouse.table.get(&key.pk(), &key.sk()).await? {
            let mut booked: InstallSlotRecord = from_item(&item)?;
            if let Some(booking) = booked.booking.as_mut().filter(|booking| booking.school_id == *school) {
                booking.installed_at = Some(now);
                writes.push(TransactWrite::Put {
                    item: plain_item(&key, &booked, item.version + 1),
                    condition: Condition::VersionIs(item.version),
                });
            }
        }
    }
    gatehouse.table.transact(writes).await?;
    tracing::info!(school_id = %school, "marked installed");
    copy_to_links(gatehouse, school, &InstallStatus::Installed).await?;
    Ok(true)
}

/// The agent's set-up steps, in order.
pub fn self_install_steps(push_url: &str) -> Vec<String> {
    vec![
        "Download the Gatehouse MIS agent onto a computer at school that can reach your MIS.".to_owned(),
        "Start the agent and choose your MIS; sign in to the MIS with an account that can read pupil, staff and contact records.".to_owned(),
        format!("Enter the school id and the agent key below; the agent sends extracts to {push_url}."),
        "Run the first extract. Your install status changes to Installed when it arrives.".to_owned(),
        "Keep the agent key secret: it is shown only now. If it is lost, start self-install again for a new key; the old one stops working.".to_owned(),
    ]
}

/// `POST /api/school/onboarding/self-install`: issues the school's agent
/// key (retiring any earlier one) and records the install type. The secret
/// is in this answer only.
pub async fn self_install(gatehouse: &Gatehouse, school: &SchoolId, by: &str) -> Result<SelfInstallKey> {
    // The key is shown once: everything that can fail happens before its
    // commit, and the install type is written with it (issue 18), so a
    // retry is never a second rotation.
    let (mut record, version) = load_record(gatehouse, school).await?;
    let mut also = Vec::new();
    if record.install_type != Some(InstallType::SelfInstall) || !record.agent_key_issued {
        record.install_type = Some(InstallType::SelfInstall);
        record.agent_key_issued = true;
        also.push(record_write(&record, version));
    }
    let onboarding = view(gatehouse, &record).await?;
    let key = agent_keys::issue_with(gatehouse, school, by, also).await?;
    let push_url = format!("{}/api/agent/v1/extracts", gatehouse.settings.public_url);
    Ok(SelfInstallKey {
        school_id: key.school_id.to_string(),
        key_id: key.key_id,
        secret: key.secret.expose().to_owned(),
        steps: self_install_steps(&push_url),
        push_url,
        onboarding,
    })
}
