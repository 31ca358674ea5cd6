//! Install bookings in the operations console (O1 + S4),
//! `/api/ops/install-slots` and `/api/ops/install-bookings...`: one handler
//! per operation, each parse → one `gatehouse_core::onboarding` function →
//! respond. Ops see every school's booking.

use axum::Json;
use axum::extract::State;
use gatehouse_core::{SchoolId, calendar, onboarding};
use gatehouse_model::{InstallBookingPage, InstallBookingsQuery, InstallMarked, InstallSlots, OfferSlots};

use crate::extract::{ApiJson, ApiQuery};
use crate::path::IdPath;
use crate::session::SignedInOps;
use crate::{ApiError, AppState};

/// `GET /api/ops/install-slots`: the free slots from today.
pub async fn list_slots(
    State(state): State<AppState>,
    SignedInOps(_ops): SignedInOps,
) -> Result<Json<InstallSlots>, ApiError> {
    Ok(Json(InstallSlots { slots: onboarding::slots_from_today(&state.gatehouse).await?, added: 0 }))
}

/// `POST /api/ops/install-slots`: offer slots on one day; offering a slot
/// twice changes nothing.
pub async fn offer_slots(
    State(state): State<AppState>,
    SignedInOps(_ops): SignedInOps,
    ApiJson(request): ApiJson<OfferSlots>,
) -> Result<Json<InstallSlots>, ApiError> {
    let day = calendar::date_field("date", &request.date)?;
    let times = onboarding::parse_times(&request.times)?;
    let added = onboarding::offer_day(&state.gatehouse, day, &times).await?;
    Ok(Json(InstallSlots { slots: onboarding::slots_from_today(&state.gatehouse).await?, added }))
}

/// `GET /api/ops/install-bookings?cursor=`: booked slots, earliest first.
pub async fn list_bookings(
    State(state): State<AppState>,
    SignedInOps(_ops): SignedInOps,
    ApiQuery(query): ApiQuery<InstallBookingsQuery>,
) -> Result<Json<InstallBookingPage>, ApiError> {
    let (items, next_cursor) = onboarding::ops_bookings(&state.gatehouse, query.cursor.as_deref()).await?;
    Ok(Json(InstallBookingPage { items, next_cursor }))
}

/// `POST /api/ops/install-bookings/{school_id}/installed`: idempotent.
pub async fn mark_installed(
    State(state): State<AppState>,
    SignedInOps(ops): SignedInOps,
    IdPath(school_id): IdPath<SchoolId>,
) -> Result<Json<InstallMarked>, ApiError> {
    let changed = onboarding::mark_installed(&state.gatehouse, &school_id, &ops.display_name).await?;
    Ok(Json(InstallMarked { school_id: school_id.to_string(), changed }))
}
