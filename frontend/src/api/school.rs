//! The school portal's calls (S3) that do more than `call`: what a school does to one app's
//! access. Same rules as the rest of `api`: URLs from the route table, failures as `ApiError`.

use gatehouse_model::{
    NoBody, NoQuery, SchoolAppOutcome, SchoolAppSettings, SchoolAuthoriseRequest, SchoolDeclineRequest,
    SchoolRevokeRequest, endpoint,
};

use super::{ApiError, call};

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
    let path = [("app_id", app_id)];
    match &command {
        SchoolAppCommand::Settings(body) => call::<endpoint::UpdateSchoolAppSettings>(&path, &NoQuery, body).await,
        SchoolAppCommand::Revoke(body) => call::<endpoint::SchoolRevokeAccess>(&path, &NoQuery, body).await,
        SchoolAppCommand::CancelRevocation => call::<endpoint::SchoolCancelRevocation>(&path, &NoQuery, &NoBody).await,
        SchoolAppCommand::Authorise(body) => call::<endpoint::SchoolAuthoriseApp>(&path, &NoQuery, body).await,
        SchoolAppCommand::Decline(body) => call::<endpoint::SchoolDeclineRequest>(&path, &NoQuery, body).await,
    }
}
