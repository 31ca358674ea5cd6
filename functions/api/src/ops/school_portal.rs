//! The school portal (S3) and onboarding (S4), `/api/school/...`, and the
//! partner's receipt download: one handler per operation, each parse → one
//! `gatehouse_core` function → respond. Every school handler takes
//! `SignedInSchool`: a partner or ops session is 401, and another school's
//! app is 404.

use axum::Json;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::IntoResponse;
use gatehouse_core::onboarding::{self, Booker};
use gatehouse_core::receipts::{self, ReceiptFile};
use gatehouse_core::{AppId, MisId, ReceiptSeq, SchoolId, calendar, school_portal};
use gatehouse_model::{
    AddSchoolColleague, AppQuery, BookSlotRequest, RemoveSchoolColleague, SchoolAppDetail, SchoolAppOutcome,
    SchoolAppSettings, SchoolAuthoriseRequest, SchoolDashboard, SchoolDeclineRequest, SchoolOnboarding, SchoolPeople,
    SchoolPeopleQuery, SchoolRevokeRequest, SchoolTeam, SelfInstallKey, SetPersonChoice,
};

use crate::extract::{ApiJson, ApiQuery};
use crate::path::{IdPath, query_id};
use crate::session::{SchoolAdmin, SignedIn, SignedInSchool};
use crate::{ApiError, AppState};

pass_through! {
    /// `GET /api/school/apps`: the Data Sharing Dashboard.
    pub async fn list_apps(SignedInSchool) -> Json<SchoolDashboard> = school_portal::dashboard;

    /// `GET /api/school/apps/{app_id}`.
    pub async fn get_app(SignedInSchool, app_id: IdPath<AppId>) -> Json<SchoolAppDetail> = school_portal::detail;

    /// `POST /api/school/apps/{app_id}/settings`.
    pub async fn update_settings(SchoolAdmin, app_id: IdPath<AppId>, request: ApiJson<SchoolAppSettings>)
        -> Json<SchoolAppOutcome> = school_portal::update_settings;
}

/// `POST /api/school/apps/{app_id}/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    SchoolAdmin(session): SchoolAdmin,
    IdPath(app_id): IdPath<AppId>,
    ApiJson(request): ApiJson<SchoolRevokeRequest>,
) -> Result<Json<SchoolAppOutcome>, ApiError> {
    let on = calendar::date_field("revoke_on", &request.revoke_on)?;
    Ok(Json(school_portal::revoke(&state.gatehouse, &session, &app_id, &request, on).await?))
}

pass_through! {
    /// `POST /api/school/apps/{app_id}/cancel-revocation`.
    pub async fn cancel_revocation(SchoolAdmin, app_id: IdPath<AppId>)
        -> Json<SchoolAppOutcome> = school_portal::cancel_revocation;

    /// `POST /api/school/apps/{app_id}/authorise`: classic authorisation.
    pub async fn authorise(SchoolAdmin, app_id: IdPath<AppId>, request: ApiJson<SchoolAuthoriseRequest>)
        -> Json<SchoolAppOutcome> = school_portal::authorise;

    /// `POST /api/school/apps/{app_id}/decline`: an admin declines a request.
    pub async fn decline(SchoolAdmin, app_id: IdPath<AppId>, request: ApiJson<SchoolDeclineRequest>)
        -> Json<SchoolAppOutcome> = school_portal::decline;
}

pass_through! {
    /// `GET /api/school/apps/{app_id}/people?q=`.
    pub async fn search_people(SignedInSchool, app_id: IdPath<AppId>, query: ApiQuery<SchoolPeopleQuery>)
        -> Json<SchoolPeople> = school_portal::people;
}

/// `POST /api/school/apps/{app_id}/people`.
pub async fn set_person_choice(
    State(state): State<AppState>,
    SchoolAdmin(session): SchoolAdmin,
    IdPath(app_id): IdPath<AppId>,
    ApiJson(request): ApiJson<SetPersonChoice>,
) -> Result<Json<SchoolPeople>, ApiError> {
    let mis_id = MisId::parse(request.mis_id.trim())?;
    let people = school_portal::set_person_choice(&state.gatehouse, &session, &app_id, &mis_id, request.choice).await?;
    Ok(Json(people))
}

/// A receipt as a download: a self-contained HTML file.
fn attachment(file: ReceiptFile) -> impl IntoResponse {
    let disposition = format!("attachment; filename=\"{}\"", file.filename);
    (
        [
            (CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
            (CONTENT_DISPOSITION, disposition),
            (CACHE_CONTROL, "no-store".to_owned()),
        ],
        file.html,
    )
}

/// `GET /api/school/apps/{app_id}/receipts/{seq}`.
pub async fn school_receipt(
    State(state): State<AppState>,
    SignedInSchool(session): SignedInSchool,
    IdPath((app_id, seq)): IdPath<(AppId, ReceiptSeq)>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(attachment(receipts::for_school(&state.gatehouse, &session, &app_id, seq).await?))
}

/// `GET /api/partner/schools/{school_id}/receipts/{seq}?app=`.
pub async fn partner_receipt(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    IdPath((school_id, seq)): IdPath<(SchoolId, ReceiptSeq)>,
    ApiQuery(query): ApiQuery<AppQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let app = query_id(query.app.as_deref())?;
    let file = receipts::for_partner(&state.gatehouse, &session, app.as_ref(), &school_id, seq).await?;
    Ok(attachment(file))
}

pass_through! {
    /// `GET /api/school/team`.
    pub async fn list_team(SignedInSchool) -> Json<SchoolTeam> = school_portal::team;

    /// `POST /api/school/team`.
    pub async fn add_colleague(SchoolAdmin, request: ApiJson<AddSchoolColleague>)
        -> Json<SchoolTeam> = school_portal::add_colleague;

    /// `POST /api/school/team/remove`.
    pub async fn remove_colleague(SchoolAdmin, request: ApiJson<RemoveSchoolColleague>)
        -> Json<SchoolTeam> = school_portal::remove_colleague;
}

pass_through! {
    /// `GET /api/school/onboarding`.
    pub async fn get_onboarding(SignedInSchool) -> Json<SchoolOnboarding> = onboarding::status;
}

/// `POST /api/school/onboarding/book`.
pub async fn book_slot(
    State(state): State<AppState>,
    SchoolAdmin(session): SchoolAdmin,
    ApiJson(request): ApiJson<BookSlotRequest>,
) -> Result<Json<SchoolOnboarding>, ApiError> {
    let slot = onboarding::parse_slot(&request.slot)?;
    Ok(Json(onboarding::book(&state.gatehouse, &Booker::of(&session), None, slot).await?))
}

/// `POST /api/school/onboarding/self-install`: the agent key, shown once.
pub async fn self_install(
    State(state): State<AppState>,
    SchoolAdmin(session): SchoolAdmin,
) -> Result<impl IntoResponse, ApiError> {
    let key = onboarding::self_install(&state.gatehouse, &session.school_id, &session.display_name).await?;
    Ok(([(CACHE_CONTROL, "no-store")], Json::<SelfInstallKey>(key)))
}
