//! The operations console's operations (O1) and the partner's international
//! school requests (P7) in the OpenAPI document.

use gatehouse_model::Op;

use super::{CHANGE, SIGN_IN, SIGNED_IN, Shape, ok};

/// The shape of one of the console's operations (the caller's match names them).
pub(super) fn shape(op: Op) -> Shape {
    match op {
        Op::ListPartners => ok("Every organisation, by name", SIGNED_IN),
        Op::CreatePartner => ok("The organisation; `created` is false when a retry found it made already", SIGNED_IN),
        Op::ImportDirectory => {
            ok("What the part did. The body is `text/csv`: the register's header row, then rows", SIGNED_IN)
        }
        Op::SearchOpsDirectory => ok("Up to 20 matches, open schools first", SIGNED_IN),
        Op::UpdateDirectorySchool => ok("The entry afterwards", CHANGE),
        Op::RequestInternationalSchool => ok("The request, waiting for operations", SIGNED_IN),
        Op::ListPartnerInternationalRequests => ok("The partner's requests, newest first", SIGN_IN),
        Op::ListInternationalRequests => ok("Requests in the state asked for, oldest first", SIGNED_IN),
        Op::AcceptInternationalRequest => ok("Accepted, with the school's directory id", CHANGE),
        Op::DeclineInternationalRequest => ok("Declined; the partner user is emailed the reason", CHANGE),
        Op::ListSupportQueue => ok("One page of the queue, escalated first", SIGNED_IN),
        Op::GetSupportCase => ok("The case and its conversation", CHANGE),
        Op::ReplyToCase => ok("The case afterwards", CHANGE),
        Op::CloseSupportCase => ok("The case afterwards", CHANGE),
        Op::ReassignCase => ok("The case afterwards", CHANGE),
        Op::ListInstallSlots => ok("Free slots from today; `added` is 0", SIGNED_IN),
        Op::OfferInstallSlots => {
            ok("Free slots from today; `added` counts the new ones (0 when all were offered already)", SIGNED_IN)
        }
        Op::ListInstallBookings => ok("One page of booked slots, earliest first", SIGNED_IN),
        Op::MarkInstalled => ok("Marked; `changed` is false when it was Installed already", CHANGE),
        Op::ListAuthorityVerifications => {
            ok("Authorisers waiting for verification, oldest first, with the evidence", SIGNED_IN)
        }
        Op::DecideAuthorityVerification => ok("The queue afterwards", CHANGE),
        other => unreachable!("{other:?} is not an operations console operation"),
    }
}
