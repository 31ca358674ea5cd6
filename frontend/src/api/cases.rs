//! The partner's support cases (P9): the list, New Case, one case and what is done to it. Same
//! rules as the rest of `api`: URLs from the route table, failures as `ApiError`.

use gatehouse_model::Op;

use super::{ApiError, decode, path_of, request, request_to, send};

/// P9: one page of the partner's cases, the Active Cases tab or the archive.
pub async fn cases(
    filter: gatehouse_model::CaseFilter,
    cursor: Option<String>,
) -> Result<gatehouse_model::CasePage, ApiError> {
    let mut query = vec![("filter", filter.as_str().to_owned())];
    query.extend(cursor.map(|cursor| ("cursor", cursor)));
    decode(send(request(Op::ListPartnerCases).query(query).build()).await?).await
}

/// P9: New Case; `key` (made when the form opens) keeps a double submit to one case.
pub async fn open_case(new: gatehouse_model::NewCase, key: String) -> Result<gatehouse_model::CaseDetail, ApiError> {
    decode(send(request(Op::OpenCase).header("Idempotency-Key", &key).json(&new)).await?).await
}

/// P9: one case with its conversation.
pub async fn case(case_id: &str) -> Result<gatehouse_model::CaseDetail, ApiError> {
    let path = path_of(Op::GetPartnerCase, &[("case_id", case_id)]);
    decode(send(request_to(Op::GetPartnerCase, path).build()).await?).await
}

/// Something done to a case from its page; the answer is the case afterwards.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseCommand {
    /// `key` is the `Idempotency-Key`, made when the comment box opens.
    Comment {
        text: String,
        key: String,
    },
    Escalate(String),
    Close,
    Reopen,
}

pub async fn act_on_case(case_id: &str, command: CaseCommand) -> Result<gatehouse_model::CaseDetail, ApiError> {
    let op = match &command {
        CaseCommand::Comment { .. } => Op::CommentOnCase,
        CaseCommand::Escalate(_) => Op::EscalateCase,
        CaseCommand::Close => Op::ClosePartnerCase,
        CaseCommand::Reopen => Op::ReopenCase,
    };
    let builder = request_to(op, path_of(op, &[("case_id", case_id)]));
    let request = match command {
        CaseCommand::Comment { text, key } => {
            builder.header("Idempotency-Key", &key).json(&gatehouse_model::CaseCommentRequest { text })
        }
        CaseCommand::Escalate(reason) => builder.json(&gatehouse_model::EscalateCaseRequest { reason }),
        CaseCommand::Close | CaseCommand::Reopen => builder.json(&serde_json::json!({})),
    };
    decode(send(request).await?).await
}
