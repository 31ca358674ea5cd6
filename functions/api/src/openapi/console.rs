//! The operations console's operations (O1) and the partner's international
//! school requests (P7) in the OpenAPI document.

use gatehouse_model::Op;
use utoipa::openapi::ComponentsBuilder;

use super::{QueryParams, Shape, with_schema};

const OPS: &[(&str, &str)] =
    &[("400", "Invalid input (the problem names the field)"), ("401", "Operations sign-in required")];
const OPS_ONE: &[(&str, &str)] = &[
    ("400", "Invalid input (the problem names the field)"),
    ("401", "Operations sign-in required"),
    ("404", "No such record"),
    ("409", "Not possible in its state, or changed meanwhile"),
];

fn ok(description: &'static str, schema: &'static str) -> (&'static str, &'static str, Option<&'static str>) {
    ("200", description, Some(schema))
}

/// The shape of one of the console's operations (the caller's match names them).
pub(super) fn shape(op: Op) -> Shape {
    let shape = |request, success, errors, query| Shape { request, success, errors, query };
    match op {
        Op::ListPartners => shape(None, ok("Every organisation, by name", "PartnerList"), OPS, QueryParams::None),
        Op::CreatePartner => shape(
            Some("NewPartner"),
            ok("The organisation; `created` is false when a retry found it made already", "PartnerCreated"),
            OPS,
            QueryParams::None,
        ),
        Op::ImportDirectory => shape(
            None,
            ok(
                "What the part did. The body is `text/csv`: the register's header row, then rows",
                "DirectoryImportReport",
            ),
            OPS,
            QueryParams::DirectoryImport,
        ),
        Op::SearchOpsDirectory => {
            shape(None, ok("Up to 20 matches, open schools first", "DirectoryResults"), OPS, QueryParams::Directory)
        }
        Op::UpdateDirectorySchool => shape(
            Some("UpdateDirectorySchool"),
            ok("The entry afterwards", "DirectorySchool"),
            OPS_ONE,
            QueryParams::None,
        ),
        Op::RequestInternationalSchool => shape(
            Some("NewInternationalRequest"),
            ok("The request, waiting for operations", "InternationalRequest"),
            &[
                ("400", "Invalid input (the problem names the field), or an Idempotency-Key reused"),
                ("401", "Sign-in required"),
            ],
            QueryParams::None,
        ),
        Op::ListPartnerInternationalRequests => shape(
            None,
            ok("The partner's requests, newest first", "InternationalRequestList"),
            &[("401", "Sign-in required")],
            QueryParams::None,
        ),
        Op::ListInternationalRequests => shape(
            None,
            ok("Requests in the state asked for, oldest first", "InternationalRequestList"),
            OPS,
            QueryParams::InternationalRequests,
        ),
        Op::AcceptInternationalRequest => shape(
            Some("AcceptInternationalRequest"),
            ok("Accepted, with the school's directory id", "InternationalRequest"),
            OPS_ONE,
            QueryParams::None,
        ),
        Op::DeclineInternationalRequest => shape(
            Some("DeclineInternationalRequest"),
            ok("Declined; the partner user is emailed the reason", "InternationalRequest"),
            OPS_ONE,
            QueryParams::None,
        ),
        Op::ListSupportQueue => {
            shape(None, ok("One page of the queue, escalated first", "CasePage"), OPS, QueryParams::SupportQueue)
        }
        Op::GetSupportCase => {
            shape(None, ok("The case and its conversation", "CaseDetail"), OPS_ONE, QueryParams::None)
        }
        Op::ReplyToCase => {
            shape(Some("SupportReply"), ok("The case afterwards", "CaseDetail"), OPS_ONE, QueryParams::None)
        }
        Op::CloseSupportCase => shape(None, ok("The case afterwards", "CaseDetail"), OPS_ONE, QueryParams::None),
        Op::ReassignCase => {
            shape(Some("ReassignCase"), ok("The case afterwards", "CaseDetail"), OPS_ONE, QueryParams::None)
        }
        Op::ListInstallSlots => {
            shape(None, ok("Free slots from today; `added` is 0", "InstallSlots"), OPS, QueryParams::None)
        }
        Op::OfferInstallSlots => shape(
            Some("OfferSlots"),
            ok("Free slots from today; `added` counts the new ones (0 when all were offered already)", "InstallSlots"),
            OPS,
            QueryParams::None,
        ),
        Op::ListInstallBookings => shape(
            None,
            ok("One page of booked slots, earliest first", "InstallBookingPage"),
            OPS,
            QueryParams::InstallBookings,
        ),
        Op::MarkInstalled => shape(
            None,
            ok("Marked; `changed` is false when it was Installed already", "InstallMarked"),
            OPS_ONE,
            QueryParams::None,
        ),
        Op::ListAuthorityVerifications => shape(
            None,
            ok("Authorisers waiting for verification, oldest first, with the evidence", "AuthorityVerificationList"),
            OPS,
            QueryParams::None,
        ),
        Op::DecideAuthorityVerification => shape(
            Some("DecideAuthorityVerification"),
            ok("The queue afterwards", "AuthorityVerificationList"),
            OPS_ONE,
            QueryParams::None,
        ),
        other => unreachable!("{other:?} is not an operations console operation"),
    }
}

pub(super) fn with_schemas(components: ComponentsBuilder) -> ComponentsBuilder {
    use gatehouse_model as m;
    let components = with_schema::<m::PartnerList>(components);
    let components = with_schema::<m::NewPartner>(components);
    let components = with_schema::<m::PartnerCreated>(components);
    let components = with_schema::<m::DirectoryImportReport>(components);
    let components = with_schema::<m::DirectorySchool>(components);
    let components = with_schema::<m::UpdateDirectorySchool>(components);
    let components = with_schema::<m::AuthorityVerification>(components);
    let components = with_schema::<m::AuthorityVerificationList>(components);
    let components = with_schema::<m::DecideAuthorityVerification>(components);
    let components = with_schema::<m::VerificationDecision>(components);
    let components = with_schema::<m::NewInternationalRequest>(components);
    let components = with_schema::<m::InternationalRequest>(components);
    let components = with_schema::<m::InternationalRequestList>(components);
    let components = with_schema::<m::AcceptInternationalRequest>(components);
    let components = with_schema::<m::DeclineInternationalRequest>(components);
    let components = with_schema::<m::QueueFilter>(components);
    let components = with_schema::<m::InternationalRequestState>(components);
    let components = with_schema::<m::SupportReply>(components);
    let components = with_schema::<m::OfferSlots>(components);
    let components = with_schema::<m::InstallSlots>(components);
    let components = with_schema::<m::InstallBooking>(components);
    let components = with_schema::<m::InstallBookingPage>(components);
    let components = with_schema::<m::InstallMarked>(components);
    with_schema::<m::ReassignCase>(components)
}
