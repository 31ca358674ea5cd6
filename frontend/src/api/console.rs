//! The operations console's calls (O1) that do more than `call`: a part of the register import,
//! the decision on an international school request (P7) and what support does to a case.

use gatehouse_model::{
    AcceptInternationalRequest, CaseDetail, CsvText, DeclineInternationalRequest, DirectoryImportQuery,
    DirectoryImportReport, Endpoint, InternationalRequest, NoBody, NoQuery, ReassignCase, SupportReply, endpoint,
};

use serde::Deserialize;

use super::jobs::pause;
use super::{ApiError, call, call_with_key, request, send, url};

/// One part of a register extract (header row first); `first_line` is the line of its first row
/// in the whole file. The body is the CSV text itself rather than JSON. The part is written by a
/// job (#15), polled until it ends; `key` (made for this part) makes a retry find the same job.
pub async fn import_directory_part(csv: String, first_line: u64, key: &str) -> Result<DirectoryImportReport, ApiError> {
    type E = endpoint::ImportDirectory;
    // The declaration names the body CSV text: it goes as it is, not as JSON.
    let CsvText(body): <E as Endpoint>::Body = CsvText(csv);
    let address = url::<E>(&[], &DirectoryImportQuery { first_line: Some(first_line) });
    let sent = request::<E>(&address, Some(key)).header("Content-Type", "text/csv; charset=utf-8").body(body);
    let accepted = send(sent).await?.text;
    // The job's path (`/api/ops/jobs/j…`: no escapes), up to its closing quote.
    let status_url = after(&accepted, r#""status_url":""#).ok_or(ApiError::Unexpected { status: 202 })?;
    loop {
        pause(500).await;
        // `GET /api/ops/jobs/{job_id}` (`endpoint::GetOpsJob`), at the path the `202` gave.
        let job = send(gloo_net::http::Request::get(&status_url[..status_url.find('"').unwrap_or(0)]).build()).await?;
        let report = after(&job.text, r#""directory_import":"#);
        if let Some(Ok(report)) =
            report.map(|report| DirectoryImportReport::deserialize(&mut serde_json::Deserializer::from_str(report)))
        {
            return Ok(report);
        }
        if job.text.contains(r#""state":"failed""#) {
            // An import fails only when the store does, three times: its detail says no more.
            return Err(ApiError::Unexpected { status: 503 });
        }
    }
}

/// What follows `mark` in `text`, a job's answer, which the console reads only this much of: a
/// decoder of the whole `JobStatus` would not fit the ops bundle's budget.
fn after<'a>(text: &'a str, mark: &str) -> Option<&'a str> {
    text.find(mark).map(|at| &text[at + mark.len()..])
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
    let path = [("request_id", request_id)];
    match decision {
        Decision::Accept { region } => {
            let region = Some(region).filter(|region| !region.trim().is_empty());
            call::<endpoint::AcceptInternationalRequest>(&path, &NoQuery, &AcceptInternationalRequest { region }).await
        }
        Decision::Decline { reason } => {
            call::<endpoint::DeclineInternationalRequest>(&path, &NoQuery, &DeclineInternationalRequest { reason })
                .await
        }
    }
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
    let path = [("case_id", case_id)];
    match command {
        SupportCommand::Reply { text, key } => {
            call_with_key::<endpoint::ReplyToCase>(&key, &path, &NoQuery, &SupportReply { text }).await
        }
        SupportCommand::Close => call::<endpoint::CloseSupportCase>(&path, &NoQuery, &NoBody).await,
        SupportCommand::Reassign(assignee) => {
            call::<endpoint::ReassignCase>(&path, &NoQuery, &ReassignCase { assignee }).await
        }
    }
}
