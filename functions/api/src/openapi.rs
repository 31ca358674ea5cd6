//! The OpenAPI 3.1 document, generated from the route table and the model's
//! schemas, so it cannot drift from what is mounted. Schemas and query
//! strings are named by their types (a rename cannot leave the document
//! pointing at nothing): what an operation reads from its handler, what it
//! answers from its declaration (`Endpoint::Response`). Each error response
//! is described by the problem codes of `problem.rs` that the operation can
//! answer with.

use std::borrow::Cow;
use std::collections::BTreeMap;

use axum::handler::Handler;
use axum::http::StatusCode;
use gatehouse_model::{
    self as m, DocumentedAnswer, Endpoint, EndpointVisitor, Op, Problem, ROUTES, Route, SchemaVisitor,
};
use utoipa::openapi::path::{HttpMethod, OperationBuilder, Parameter};
use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::{ResponseBuilder, ResponsesBuilder};
use utoipa::openapi::{ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::extract::{DocumentedHandler, IdempotencyKey, Reads};
use crate::ops::{HandlerVisitor, with_handler};
use crate::problem::Code;

mod console;

/// What an operation answers, for the document, besides its body's type
/// (`Endpoint::Response`); what it reads comes from its handler
/// (`extract::Reads`).
struct Shape {
    success: Success,
    /// The codes the operation answers with; those of its extractors (a
    /// malformed body or query) are added from `Reads`.
    errors: Vec<Code>,
}

/// The success status and its description.
type Success = (StatusCode, &'static str);

/// A schema the document refers to: its name, and how to define it with
/// every schema it refers to.
#[derive(Clone, Copy)]
pub(crate) struct SchemaRef {
    name: fn() -> Cow<'static, str>,
    define: fn(ComponentsBuilder) -> ComponentsBuilder,
}

pub(crate) fn schema<T: ToSchema>() -> SchemaRef {
    SchemaRef { name: T::name, define: with_schema::<T> }
}

/// The query string an operation's `ApiQuery<T>` decodes.
#[derive(Clone, Copy)]
pub(crate) struct QueryRef {
    parameters: fn() -> Vec<Parameter>,
    schema: SchemaRef,
}

pub(crate) fn query<T: IntoParams + ToSchema>() -> QueryRef {
    QueryRef { parameters: || T::into_params(|| Some(ParameterIn::Query)), schema: schema::<T>() }
}

/// Signed in; the input may be refused.
const SIGNED_IN: &[Code] = &[Code::Invalid, Code::SignInRequired];
/// Signed in, taking no input.
const SIGN_IN: &[Code] = &[Code::SignInRequired];
/// Signed in, reading one record.
const FIND: &[Code] = &[Code::SignInRequired, Code::NotFound];
/// Signed in, naming the partner's app or school.
const TENANT: &[Code] = &[Code::Invalid, Code::SignInRequired, Code::NotFound];
/// Signed in, changing one record that may have changed meanwhile.
const CHANGE: &[Code] = &[Code::Invalid, Code::SignInRequired, Code::NotFound, Code::Conflict];
/// As `CHANGE`, for a team admin only.
const ADMIN: &[Code] = &[Code::Invalid, Code::SignInRequired, Code::Forbidden, Code::NotFound, Code::Conflict];
/// A link from an invitation email.
const INVITATION_LINK: &[Code] =
    &[Code::Invalid, Code::InvitationUsed, Code::InvitationExpired, Code::LinkSuperseded, Code::RateLimited];
/// An app's API key.
const KEY: &[Code] = &[Code::InvalidCredentials];
/// Every reason a school's data is not shared with the calling app.
const NOT_SHARED: &[Code] = &[
    Code::NotAuthorised,
    Code::AwaitingVerification,
    Code::AwaitingSchoolApproval,
    Code::AuthorisationRevoked,
    Code::FeedPaused,
    Code::ScopeNotGranted,
];

fn shape(op: Op) -> Shape {
    match op {
        Op::ListPartners
        | Op::CreatePartner
        | Op::ImportDirectory
        | Op::SearchOpsDirectory
        | Op::UpdateDirectorySchool
        | Op::RequestInternationalSchool
        | Op::ListPartnerInternationalRequests
        | Op::ListInternationalRequests
        | Op::AcceptInternationalRequest
        | Op::DeclineInternationalRequest
        | Op::ListSupportQueue
        | Op::GetSupportCase
        | Op::ReplyToCase
        | Op::CloseSupportCase
        | Op::ReassignCase
        | Op::ListInstallSlots
        | Op::OfferInstallSlots
        | Op::ListInstallBookings
        | Op::MarkInstalled
        | Op::ListAuthorityVerifications
        | Op::DecideAuthorityVerification => console::shape(op),
        Op::Health => ok("Alive", &[]),
        Op::OpenApi => ok("This document", &[]),
        Op::RequestMagicLink | Op::RequestSchoolMagicLink | Op::RequestOpsMagicLink => with_status(
            StatusCode::ACCEPTED,
            "Accepted; sent if the address has an account",
            &[Code::Invalid, Code::RateLimited],
        ),
        Op::CreateSession => ok("Signed in; sets the session cookie", &[Code::Invalid, Code::LinkExpired]),
        Op::Logout | Op::SchoolLogout | Op::OpsLogout => with_status(StatusCode::NO_CONTENT, "Signed out", &[]),
        Op::GetMe => ok("The signed-in user", SIGNED_IN),
        Op::CreateSchoolSession => ok("Signed in; sets the session cookie", &[Code::Invalid, Code::LinkExpired]),
        Op::GetSchoolMe => ok("The signed-in user", SIGNED_IN),
        Op::CreateOpsSession => ok("Signed in; sets the session cookie", &[Code::Invalid, Code::LinkExpired]),
        Op::GetOpsMe => ok("The signed-in user", SIGNED_IN),
        Op::IssueAgentKey => ok("The new key, shown once; the previous one stops working", FIND),
        Op::ListPartnerSchools => ok("One page of schools", TENANT),
        Op::ExportPartnerSchools => ok("text/csv (UTF-8 with BOM) of every matching school", TENANT),
        Op::GetPartnerSchool => ok("The school tile", TENANT),
        // The P6 actions on a school: the tile afterwards.
        Op::RevokeSchoolAccess
        | Op::CancelRevocation
        | Op::CancelInvitation
        | Op::SetSchoolPriority
        | Op::ResendInvitation
        | Op::ReinviteSchool => ok("What the action did, and the tile afterwards", CHANGE),
        Op::GetPermissionSet => ok("The app's permission set", TENANT),
        Op::UpdatePermissionSet => ok("Saved; schools asked to re-authorise", ADMIN),
        Op::ListTeam => ok("The team", SIGNED_IN),
        Op::AddTeamMember | Op::RemoveTeamMember => ok("The team afterwards", ADMIN),
        Op::OpenInvitation => ok(
            "The invitation, or once used its receipt",
            &[Code::Invalid, Code::InvitationExpired, Code::LinkSuperseded, Code::RateLimited],
        ),
        Op::ForwardInvitation => ok("The new invitation", INVITATION_LINK),
        Op::AuthoriseInvitation => ok("Authorised; the summary carries the receipt", INVITATION_LINK),
        Op::SearchDirectory => ok("Up to 20 matching schools", SIGNED_IN),
        Op::ListAppKeys => ok("The app's keys, without secrets", TENANT),
        Op::CreateAppKey => ok("The key and its secret, shown this once", ADMIN),
        Op::RevokeAppKey => ok("The app's keys afterwards", ADMIN),
        Op::InviteSchoolByApi => ok(
            "Invited: the school as the partner's tile shows it",
            &[Code::Invalid, Code::InvalidCredentials, Code::NotFound, Code::AlreadyInvited],
        ),
        Op::ListAppSchools => ok("The app's schools and their connection states", KEY),
        Op::GetSchoolStatus => ok("The school's connection state and the facts behind it", KEY),
        Op::ListStudents | Op::ListStaff | Op::ListContacts | Op::ListGroups => ok(
            "One page: `data` (records; with `since`, changed records and `{\"id\", \"deleted\": true}` for \
             records gone or no longer shared), `next_cursor` (null on the last page) and `sync_token` (keep it \
             and pass it as `since` next time; it is honoured for 35 days, after which the deletions it would \
             need may be gone and it answers 410). Contextual flags not granted are absent",
            &[KEY, NOT_SHARED, &[Code::Invalid, Code::InvalidCursor, Code::NotInstalled, Code::SyncTokenExpired]]
                .concat(),
        ),
        Op::GetStudent => ok(
            "The pupil, with the contextual flags the school granted",
            &[KEY, NOT_SHARED, &[Code::NotFound, Code::NotInstalled]].concat(),
        ),
        Op::ExplainPerson => ok(
            "Whether the person is shared, and the rule that hides them if not. The school-level reasons \
             (not_authorised, awaiting_verification, awaiting_school_approval, authorisation_revoked, \
             not_installed, feed_paused) answer for any id; excluded, not_selected, no_shared_pupil, deleted \
             or scope_not_granted only for a person shared with your app before (within 120 days); any other \
             id gets not_shared, the same whether or not it exists. The school's portal gives the full reason",
            &[Code::Invalid, Code::InvalidCredentials],
        ),
        Op::PushExtract => ok(
            "Applied (status ok, or warning with the rejected records listed). 202: held by the deletion guard, \
             not applied. 422: every record rejected, nothing applied (status error)",
            &[Code::Invalid, Code::InvalidCredentials, Code::ExtractInProgress],
        ),
        Op::GetAgentStatus => ok("Last extract, status, persons held and any held extract", KEY),
        Op::ListPartnerCases => ok("One page of cases, newest activity first", SIGNED_IN),
        Op::OpenCase => ok("The new case with its reference", TENANT),
        Op::GetPartnerCase => ok("The case and its conversation", FIND),
        Op::CommentOnCase | Op::EscalateCase | Op::ClosePartnerCase => ok("The case afterwards", CHANGE),
        Op::ReopenCase => {
            ok("The case afterwards", &[Code::SignInRequired, Code::NotFound, Code::Conflict, Code::CaseArchived])
        }
        Op::GetWebhook => ok("The webhook, without its secret", TENANT),
        Op::SetWebhook => ok(
            "Saved. The first save makes the signing secret and returns it this once. Every delivery is a POST \
             of the event's JSON with `Gatehouse-Event-Id` and `Gatehouse-Signature: t=<unix>,v1=<hex \
             HMAC-SHA256(secret, \"<t>.<body>\")>`",
            ADMIN,
        ),
        Op::RotateWebhookSecret => ok("The new secret, shown this once; the old one stops signing at once", ADMIN),
        Op::ListWebhookDeliveries => ok("Deliveries and dead letters of the last 30 days", TENANT),
        Op::RedeliverWebhook => ok("The delivery after sending it again", ADMIN),
        Op::InviteSchool => {
            ok("Invited: the new tile", &[Code::Invalid, Code::SignInRequired, Code::NotFound, Code::AlreadyInvited])
        }
        Op::ListSchoolApps => ok("Every app with access or asking for it", SIGN_IN),
        Op::GetSchoolApp => ok("The app's grant, settings, log and receipts", CHANGE),
        Op::UpdateSchoolAppSettings => ok("What changed, and the app afterwards", CHANGE),
        Op::SchoolRevokeAccess => ok("Revoked now, or scheduled", CHANGE),
        Op::SchoolCancelRevocation => ok("The revocation is cancelled (or there was none)", CHANGE),
        Op::SchoolAuthoriseApp => ok("Authorised, or the new scopes answered", CHANGE),
        Op::SchoolDeclineRequest => ok("Declined (or nothing was waiting)", ADMIN),
        Op::SearchSchoolPeople => ok("Matching people with their choice, and everyone selected", CHANGE),
        Op::SetPersonChoice => ok("The person's choice afterwards", CHANGE),
        Op::DownloadSchoolReceipt | Op::DownloadPartnerReceipt => {
            ok("The receipt, an HTML file (Content-Disposition: attachment)", FIND)
        }
        Op::ListSchoolTeam => ok("The school's portal users", SIGN_IN),
        Op::AddSchoolColleague => ok("The team afterwards (the colleague is emailed)", CHANGE),
        Op::RemoveSchoolColleague => ok("The team afterwards", CHANGE),
        Op::GetSchoolOnboarding => ok("Install status and offered slots", SIGN_IN),
        Op::BookInstallSlot => ok("Booked: the install status afterwards", CHANGE),
        Op::StartSelfInstall => ok("The agent credential, shown this once", &[Code::SignInRequired, Code::Conflict]),
        Op::ExplainSchoolPerson => ok("Whether the app sees the person, and the rule that hides them if not", TENANT),
        Op::ExplainPartnerSchoolPerson => ok(
            "The app's own answer (not_shared for an id the app was never shared): the reason code and the \
             rule's sentence; never the person's name or details",
            TENANT,
        ),
        Op::GetSchoolFeed => ok("Last extract, any held extract, and each sharing app's last pull", SIGN_IN),
        Op::GetSchoolHeldExtract | Op::GetOpsHeldExtract => ok(
            "What releasing the held extract would change: counts, and who would be deleted by MIS id and name",
            &[Code::SignInRequired, Code::NoHeldExtract],
        ),
        Op::ReleaseSchoolHeldExtract
        | Op::RejectSchoolHeldExtract
        | Op::ReleaseOpsHeldExtract
        | Op::RejectOpsHeldExtract => ok(
            "Released (with the push's receipt) or rejected",
            &[Code::SignInRequired, Code::NoHeldExtract, Code::Conflict, Code::ExtractInProgress],
        ),
    }
}

/// `200 OK`.
fn ok(description: &'static str, errors: &[Code]) -> Shape {
    with_status(StatusCode::OK, description, errors)
}

/// A success with another status (`202`, `204`).
fn with_status(status: StatusCode, description: &'static str, errors: &[Code]) -> Shape {
    Shape { success: (status, description), errors: errors.to_vec() }
}

/// The schema of what `op` answers on success: its `Endpoint::Response`,
/// none when that is not JSON.
fn success_schema(op: Op) -> Option<SchemaRef> {
    struct ResponseOf;
    impl EndpointVisitor for ResponseOf {
        type Output = Option<SchemaRef>;
        fn visit<E: Endpoint>(self) -> Option<SchemaRef> {
            E::Response::schema(SchemaOf)
        }
    }
    struct SchemaOf;
    impl SchemaVisitor for SchemaOf {
        type Output = SchemaRef;
        fn visit<T: ToSchema>(self) -> SchemaRef {
            schema::<T>()
        }
    }
    m::with_endpoint(op, ResponseOf)
}

pub fn openapi_document() -> OpenApi {
    let paths = ROUTES.iter().fold(PathsBuilder::new(), |paths, route| {
        paths.path(route.path, utoipa::openapi::PathItem::new(http_method(route), operation(route)))
    });
    // Every schema an operation names, and those it refers to.
    let components = ROUTES.iter().fold(with_schema::<Problem>(ComponentsBuilder::new()), |components, route| {
        let reads = reads(route.op);
        let named = [reads.body, success_schema(route.op), reads.query.map(|query| query.schema)];
        named.into_iter().flatten().fold(components, |components, schema| (schema.define)(components))
    });
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Gatehouse API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some("School data-sharing broker. Errors are application/problem+json (RFC 9457)."))
                .build(),
        )
        .paths(paths.build())
        .components(Some(components.build()))
        .build()
}

/// What the handler of `op` reads.
fn reads(op: Op) -> Reads {
    struct ReadsOf;
    impl HandlerVisitor for ReadsOf {
        type Output = Reads;
        fn visit<H, T, A>(self, _handler: H) -> Reads
        where
            H: Handler<T, AppState> + DocumentedHandler<A>,
            T: 'static,
        {
            H::reads()
        }
    }
    with_handler(op, ReadsOf)
}

/// Adds a schema and every schema it refers to.
fn with_schema<T: ToSchema>(components: ComponentsBuilder) -> ComponentsBuilder {
    let mut nested = Vec::new();
    T::schemas(&mut nested);
    components.schema_from::<T>().schemas_from_iter(nested)
}

fn http_method(route: &Route) -> HttpMethod {
    match route.method {
        m::Method::Get => HttpMethod::Get,
        m::Method::Post => HttpMethod::Post,
    }
}

fn json_content(schema: SchemaRef) -> utoipa::openapi::Content {
    ContentBuilder::new().schema(Some(Ref::from_schema_name((schema.name)()))).build()
}

/// The codes an operation may answer with, its own and its extractors', by
/// status.
fn error_codes(shape: &Shape, reads: &Reads) -> BTreeMap<u16, Vec<Code>> {
    let mut codes: Vec<Code> = shape.errors.iter().chain(&reads.codes).copied().collect();
    codes.sort();
    codes.dedup();
    codes.into_iter().fold(BTreeMap::new(), |mut by_status, code| {
        by_status.entry(code.status().as_u16()).or_insert_with(Vec::new).push(code);
        by_status
    })
}

fn operation(route: &Route) -> utoipa::openapi::path::Operation {
    let shape = shape(route.op);
    let reads = reads(route.op);
    let problem = schema::<Problem>();
    let (status, description) = shape.success;
    let mut success = ResponseBuilder::new().description(description);
    if let Some(body) = success_schema(route.op) {
        success = success.content("application/json", json_content(body));
    }
    let responses = error_codes(&shape, &reads).into_iter().fold(
        ResponsesBuilder::new().response(status.as_str(), success.build()),
        |responses, (status, codes)| {
            let description: Vec<String> =
                codes.iter().map(|code| format!("- `{}`: {}", code.as_str(), code.meaning())).collect();
            let response = ResponseBuilder::new()
                .description(description.join("\n"))
                .content(Problem::CONTENT_TYPE, json_content(problem));
            responses.response(status.to_string(), response.build())
        },
    );
    let mut operation = OperationBuilder::new()
        .operation_id(Some(route.name))
        .summary(Some(route.summary))
        .responses(responses.build());
    if let Some(schema) = reads.body {
        operation = operation.request_body(Some(
            RequestBodyBuilder::new()
                .content("application/json", json_content(schema))
                .required(Some(utoipa::openapi::Required::True))
                .build(),
        ));
    }
    let mut parameters = path_parameters(route.path);
    parameters.extend(reads.query.map(|query| (query.parameters)()).unwrap_or_default());
    if reads.idempotency_key {
        parameters.push(IdempotencyKey::parameter());
    }
    if !parameters.is_empty() {
        operation = operation.parameters(Some(parameters));
    }
    operation.build()
}

/// `{name}` segments of a path, as required string parameters.
fn path_parameters(path: &str) -> Vec<Parameter> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(utoipa::openapi::Required::True)
                .schema(Some(utoipa::openapi::schema::Object::with_type(utoipa::openapi::schema::Type::String)))
                .build()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_lists_every_route_with_its_method() {
        let document = openapi_document();
        let json = serde_json::to_value(&document).unwrap();
        assert_eq!(json["openapi"], "3.1.0");
        for route in ROUTES {
            let method = route.method.as_str().to_lowercase();
            let operation = &json["paths"][route.path][&method];
            assert_eq!(operation["operationId"], route.name, "{} {}", route.method.as_str(), route.path);
        }
        let paths: std::collections::HashSet<_> = ROUTES.iter().map(|route| route.path).collect();
        assert_eq!(json["paths"].as_object().unwrap().len(), paths.len());
    }

    /// The declaration in `model` (what the SPA sends) and the handler (what
    /// the server reads) name the same body, query string and
    /// `Idempotency-Key`. The names are the types' own: `ToSchema` names a
    /// schema after its type, so two types of one name cannot both be here.
    #[test]
    fn every_declaration_reads_what_its_handler_reads() {
        fn named<T>(json: bool) -> Option<String> {
            let path = std::any::type_name::<T>();
            json.then(|| path.rsplit("::").next().unwrap_or(path).to_owned())
        }
        struct Declared;
        impl EndpointVisitor for Declared {
            type Output = (Option<String>, Option<String>, bool);
            fn visit<E: Endpoint>(self) -> Self::Output {
                // A CSV body is read as text (`ApiText`), not as a JSON schema.
                let json_body = !matches!(named::<E::Body>(true).as_deref(), Some("NoBody" | "CsvText"));
                let has_query = named::<E::Query>(true).as_deref() != Some("NoQuery");
                (named::<E::Body>(json_body), named::<E::Query>(has_query), E::IDEMPOTENCY_KEY)
            }
        }
        for route in ROUTES {
            let reads = reads(route.op);
            let handled = (
                reads.body.map(|schema| (schema.name)().into_owned()),
                reads.query.map(|query| (query.schema.name)().into_owned()),
                reads.idempotency_key,
            );
            assert_eq!(m::with_endpoint(route.op, Declared), handled, "{}", route.name);
        }
    }

    #[test]
    fn every_referenced_schema_is_defined() {
        let json = serde_json::to_string(&openapi_document()).unwrap();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let schemas = value["components"]["schemas"].as_object().unwrap();
        for reference in json.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = reference.split('"').next().unwrap();
            assert!(schemas.contains_key(name), "schema {name} is referenced but not defined");
        }
    }
}
