//! Install bookings in the operations console (O1 + S4): the slots support
//! offers, the schools that booked one, and marking an install done.

use serde::{Deserialize, Serialize};

use crate::InstallBooking;

/// `POST /api/ops/install-slots`: offer slots on one day. Offering a slot
/// already offered (booked or not) changes nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OfferSlots {
    /// `YYYY-MM-DD`, today or later.
    pub date: String,
    /// Start times that day, `HH:MM` (UK time), one or more.
    pub times: Vec<String>,
}

/// `GET /api/ops/install-slots`: the free slots from today, and the answer
/// to offering more.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstallSlots {
    /// Free slots from today, `YYYY-MM-DDTHH:MM` (UK time), earliest first.
    pub slots: Vec<String>,
    /// How many slots this call added (0 for a listing, or when every slot
    /// offered was offered already).
    pub added: u32,
}

/// `GET /api/ops/install-bookings`: the next page after `cursor`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
pub struct InstallBookingsQuery {
    /// From the previous page's `next_cursor`.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// One page of booked slots from 30 days ago on, earliest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstallBookingPage {
    pub items: Vec<InstallBooking>,
    pub next_cursor: Option<String>,
}

/// `POST /api/ops/install-bookings/{school_id}/installed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstallMarked {
    pub school_id: String,
    /// False when the school was marked Installed already.
    pub changed: bool,
}
