//! The school portal's calls (S3, S4) and the receipt download links of both portals. Same
//! rules as the rest of `api`: URLs from the route table, failures as `ApiError`.

use gatehouse_model::{
    AddSchoolColleague, BookSlotRequest, Op, RemoveSchoolColleague, SchoolAppDetail, SchoolAppOutcome,
    SchoolAppSettings, SchoolAuthoriseRequest, SchoolDashboard, SchoolDeclineRequest, SchoolOnboarding, SchoolPeople,
    SchoolRevokeRequest, SchoolTeam, SelectionChoice, SelfInstallKey, SetPersonChoice,
};

use super::{ApiError, decode, path_of, request, request_to, send};

pub async fn school_dashboard() -> Result<SchoolDashboard, ApiError> {
    decode(send(request(Op::ListSchoolApps).build()).await?).await
}

pub async fn school_app(app_id: &str) -> Result<SchoolAppDetail, ApiError> {
    let path = path_of(Op::GetSchoolApp, &[("app_id", app_id)]);
    decode(send(request_to(Op::GetSchoolApp, path).build()).await?).await
}

/// Something a school does to one app's access, with the body its route takes.
#[derive(Debug, Clone, PartialEq)]
pub enum SchoolAppCommand {
    Settings(SchoolAppSettings),
    Revoke(SchoolRevokeRequest),
    CancelRevocation,
    /// Approves a request: the classic authorisation, with the request's answers.
    Authorise(SchoolAuthoriseRequest),
    /// Declines a request someone at the school made through an emailed link (#12).
    Decline(SchoolDeclineRequest),
}

pub async fn act_on_school_app(app_id: &str, command: SchoolAppCommand) -> Result<SchoolAppOutcome, ApiError> {
    let op = match &command {
        SchoolAppCommand::Settings(_) => Op::UpdateSchoolAppSettings,
        SchoolAppCommand::Revoke(_) => Op::SchoolRevokeAccess,
        SchoolAppCommand::CancelRevocation => Op::SchoolCancelRevocation,
        SchoolAppCommand::Authorise(_) => Op::SchoolAuthoriseApp,
        SchoolAppCommand::Decline(_) => Op::SchoolDeclineRequest,
    };
    let builder = request_to(op, path_of(op, &[("app_id", app_id)]));
    let request = match &command {
        SchoolAppCommand::Settings(body) => builder.json(body),
        SchoolAppCommand::Revoke(body) => builder.json(body),
        SchoolAppCommand::CancelRevocation => builder.json(&serde_json::json!({})),
        SchoolAppCommand::Authorise(body) => builder.json(body),
        SchoolAppCommand::Decline(body) => builder.json(body),
    };
    decode(send(request).await?).await
}

pub async fn school_people(app_id: &str, q: String) -> Result<SchoolPeople, ApiError> {
    let path = path_of(Op::SearchSchoolPeople, &[("app_id", app_id)]);
    decode(send(request_to(Op::SearchSchoolPeople, path).query([("q", q)]).build()).await?).await
}

pub async fn set_person_choice(
    app_id: &str,
    mis_id: String,
    choice: SelectionChoice,
) -> Result<SchoolPeople, ApiError> {
    let path = path_of(Op::SetPersonChoice, &[("app_id", app_id)]);
    decode(send(request_to(Op::SetPersonChoice, path).json(&SetPersonChoice { mis_id, choice })).await?).await
}

/// Where the school downloads the receipt of log entry `seq` (a plain link: the browser saves it).
pub fn school_receipt_url(app_id: &str, seq: u32) -> String {
    path_of(Op::DownloadSchoolReceipt, &[("app_id", app_id), ("seq", &seq.to_string())])
}

/// Where the partner downloads the receipt of log entry `seq` of a school in `app_id`.
pub fn partner_receipt_url(school_id: &str, app_id: &str, seq: u32) -> String {
    let path = path_of(Op::DownloadPartnerReceipt, &[("school_id", school_id), ("seq", &seq.to_string())]);
    format!("{path}?app={app_id}")
}

pub async fn school_team() -> Result<SchoolTeam, ApiError> {
    decode(send(request(Op::ListSchoolTeam).build()).await?).await
}

pub async fn add_school_colleague(colleague: AddSchoolColleague) -> Result<SchoolTeam, ApiError> {
    decode(send(request(Op::AddSchoolColleague).json(&colleague)).await?).await
}

pub async fn remove_school_colleague(email: String) -> Result<SchoolTeam, ApiError> {
    decode(send(request(Op::RemoveSchoolColleague).json(&RemoveSchoolColleague { email })).await?).await
}

pub async fn school_onboarding() -> Result<SchoolOnboarding, ApiError> {
    decode(send(request(Op::GetSchoolOnboarding).build()).await?).await
}

pub async fn book_install_slot(slot: String) -> Result<SchoolOnboarding, ApiError> {
    decode(send(request(Op::BookInstallSlot).json(&BookSlotRequest { slot })).await?).await
}

pub async fn start_self_install() -> Result<SelfInstallKey, ApiError> {
    decode(send(request(Op::StartSelfInstall).json(&serde_json::json!({}))).await?).await
}
