//! The partner's support cases (P9): what is done to one. Same rules as the rest of `api`: URLs
//! from the route table, failures as `ApiError`.

use gatehouse_model::{CaseCommentRequest, CaseDetail, EscalateCaseRequest, NoBody, NoQuery, endpoint};

use super::{ApiError, call, call_with_key};

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

pub async fn act_on_case(case_id: &str, command: CaseCommand) -> Result<CaseDetail, ApiError> {
    let path = [("case_id", case_id)];
    match command {
        CaseCommand::Comment { text, key } => {
            call_with_key::<endpoint::CommentOnCase>(&key, &path, &NoQuery, &CaseCommentRequest { text }).await
        }
        CaseCommand::Escalate(reason) => {
            call::<endpoint::EscalateCase>(&path, &NoQuery, &EscalateCaseRequest { reason }).await
        }
        CaseCommand::Close => call::<endpoint::ClosePartnerCase>(&path, &NoQuery, &NoBody).await,
        CaseCommand::Reopen => call::<endpoint::ReopenCase>(&path, &NoQuery, &NoBody).await,
    }
}
