//! The operations console's calls (O1) and the partner's international school requests (P7).
//! Same rules as the rest of `api`: URLs from the route table, failures as `ApiError`.

use gatehouse_model::{
    AcceptInternationalRequest, AuthorityVerificationList, CaseDetail, CasePage, DecideAuthorityVerification,
    DeclineInternationalRequest, DirectoryImportReport, DirectoryResults, DirectorySchool, InternationalRequest,
    InternationalRequestList, InternationalRequestState, NewInternationalRequest, NewPartner, Op, PartnerCreated,
    PartnerList, QueueFilter, ReassignCase, SupportReply, UpdateDirectorySchool,
};

use super::{ApiError, decode, path_of, request, request_to, send};

pub async fn partners() -> Result<PartnerList, ApiError> {
    decode(send(request(Op::ListPartners).build()).await?).await
}

pub async fn create_partner(partner: NewPartner) -> Result<PartnerCreated, ApiError> {
    decode(send(request(Op::CreatePartner).json(&partner)).await?).await
}

/// One part of a register extract (header row first); `first_line` is the line of its first row
/// in the whole file.
pub async fn import_directory_part(csv: String, first_line: u64) -> Result<DirectoryImportReport, ApiError> {
    let builder = request(Op::ImportDirectory)
        .query([("first_line", first_line.to_string())])
        .header("Content-Type", "text/csv; charset=utf-8");
    decode(send(builder.body(csv)).await?).await
}

pub async fn search_ops_directory(q: String) -> Result<DirectoryResults, ApiError> {
    decode(send(request(Op::SearchOpsDirectory).query([("q", q)]).build()).await?).await
}

pub async fn update_directory_school(urn: &str, update: UpdateDirectorySchool) -> Result<DirectorySchool, ApiError> {
    let path = path_of(Op::UpdateDirectorySchool, &[("urn", urn)]);
    decode(send(request_to(Op::UpdateDirectorySchool, path).json(&update)).await?).await
}

/// #12: authorisers waiting for ops to verify their authority, oldest first.
pub async fn authority_verifications() -> Result<AuthorityVerificationList, ApiError> {
    decode(send(request(Op::ListAuthorityVerifications).build()).await?).await
}

/// Verifies an authoriser (they become the school's first admin) or rejects them; the answer is
/// the queue afterwards.
pub async fn decide_authority_verification(
    decision: DecideAuthorityVerification,
) -> Result<AuthorityVerificationList, ApiError> {
    decode(send(request(Op::DecideAuthorityVerification).json(&decision)).await?).await
}

/// P7: `key` (made when the form opens) keeps a double submit to one request.
pub async fn request_international_school(
    new: NewInternationalRequest,
    key: String,
) -> Result<InternationalRequest, ApiError> {
    decode(send(request(Op::RequestInternationalSchool).header("Idempotency-Key", &key).json(&new)).await?).await
}

pub async fn my_international_requests() -> Result<InternationalRequestList, ApiError> {
    decode(send(request(Op::ListPartnerInternationalRequests).build()).await?).await
}

pub async fn international_requests(state: InternationalRequestState) -> Result<InternationalRequestList, ApiError> {
    let builder = request(Op::ListInternationalRequests).query([("state", state.as_str())]);
    decode(send(builder.build()).await?).await
}

/// What ops decide about an international school request.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Accept { region: String },
    Decline { reason: String },
}

pub async fn decide_international_request(
    request_id: &str,
    decision: Decision,
) -> Result<InternationalRequest, ApiError> {
    let op = match decision {
        Decision::Accept { .. } => Op::AcceptInternationalRequest,
        Decision::Decline { .. } => Op::DeclineInternationalRequest,
    };
    let builder = request_to(op, path_of(op, &[("request_id", request_id)]));
    let request = match decision {
        Decision::Accept { region } => {
            let region = Some(region).filter(|region| !region.trim().is_empty());
            builder.json(&AcceptInternationalRequest { region })
        }
        Decision::Decline { reason } => builder.json(&DeclineInternationalRequest { reason }),
    };
    decode(send(request).await?).await
}

pub async fn support_queue(filter: QueueFilter, cursor: Option<String>) -> Result<CasePage, ApiError> {
    let mut query = vec![("filter", filter.as_str().to_owned())];
    query.extend(cursor.map(|cursor| ("cursor", cursor)));
    decode(send(request(Op::ListSupportQueue).query(query).build()).await?).await
}

pub async fn support_case(case_id: &str) -> Result<CaseDetail, ApiError> {
    let path = path_of(Op::GetSupportCase, &[("case_id", case_id)]);
    decode(send(request_to(Op::GetSupportCase, path).build()).await?).await
}

/// Something support does to a case; the answer is the case afterwards.
#[derive(Debug, Clone, PartialEq)]
pub enum SupportCommand {
    /// `key` is the `Idempotency-Key`, made when the reply box opens.
    Reply {
        text: String,
        key: String,
    },
    Close,
    Reassign(Option<String>),
}

pub async fn act_as_support(case_id: &str, command: SupportCommand) -> Result<CaseDetail, ApiError> {
    let op = match &command {
        SupportCommand::Reply { .. } => Op::ReplyToCase,
        SupportCommand::Close => Op::CloseSupportCase,
        SupportCommand::Reassign(_) => Op::ReassignCase,
    };
    let builder = request_to(op, path_of(op, &[("case_id", case_id)]));
    let request = match command {
        SupportCommand::Reply { text, key } => builder.header("Idempotency-Key", &key).json(&SupportReply { text }),
        SupportCommand::Close => builder.json(&serde_json::json!({})),
        SupportCommand::Reassign(assignee) => builder.json(&ReassignCase { assignee }),
    };
    decode(send(request).await?).await
}

/// O1 + S4: the free install slots from today.
pub async fn install_slots() -> Result<gatehouse_model::InstallSlots, ApiError> {
    decode(send(request(Op::ListInstallSlots).build()).await?).await
}

/// Offers slots on one day; slots offered already are left as they are.
pub async fn offer_install_slots(
    offer: gatehouse_model::OfferSlots,
) -> Result<gatehouse_model::InstallSlots, ApiError> {
    decode(send(request(Op::OfferInstallSlots).json(&offer)).await?).await
}

pub async fn install_bookings(cursor: Option<String>) -> Result<gatehouse_model::InstallBookingPage, ApiError> {
    let query: Vec<(&str, String)> = cursor.map(|cursor| ("cursor", cursor)).into_iter().collect();
    decode(send(request(Op::ListInstallBookings).query(query).build()).await?).await
}

/// Marks the school's install done; marking twice changes nothing.
pub async fn mark_installed(school_id: &str) -> Result<gatehouse_model::InstallMarked, ApiError> {
    let path = path_of(Op::MarkInstalled, &[("school_id", school_id)]);
    decode(send(request_to(Op::MarkInstalled, path).json(&serde_json::json!({}))).await?).await
}

/// Issues (or rotates) a school's MIS agent key; the secret is in this answer only.
pub async fn issue_agent_key(school_id: &str) -> Result<gatehouse_model::AgentKeyIssued, ApiError> {
    let path = path_of(Op::IssueAgentKey, &[("school_id", school_id.trim())]);
    decode(send(request_to(Op::IssueAgentKey, path).json(&serde_json::json!({}))).await?).await
}
