//! The OpenAPI 3.1 document, generated from the route table and the model's
//! schemas, so it cannot drift from what is mounted.

use gatehouse_model::{
    ActionOutcome, AddTeamMember, AppKeyList, AppQuery, AppSchools, AuthoriseRequest, CreateAppKey, CreatedAppKey,
    DirectoryQuery, DirectoryResults, ForwardInvitationRequest, Health, InvitationSummary, InviteRequest,
    InviteSchoolRequest, ListSchoolsQuery, MagicLinkAccepted, MagicLinkRequest, Me, Op, OpenInvitationRequest,
    PermissionSet, PermissionSetSaved, PriorityRequest, Problem, ROUTES, RemoveTeamMember, RevokeRequest, Route,
    SchoolConnection, SchoolDetail, SchoolPage, SessionRequest, TeamPage, UpdatePermissionSet,
};
use utoipa::openapi::path::{HttpMethod, OperationBuilder};
use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::{ResponseBuilder, ResponsesBuilder};
use utoipa::openapi::{ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref};
use utoipa::{IntoParams, ToSchema};

/// What an operation takes and returns, for the document.
struct Shape {
    request: Option<&'static str>,
    success: (&'static str, &'static str, Option<&'static str>),
    errors: &'static [(&'static str, &'static str)],
    query: QueryParams,
}

/// Which query string an operation reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum QueryParams {
    None,
    Schools,
    App,
    Directory,
}

fn shape(op: Op) -> Shape {
    const SIGNED_IN: &[(&str, &str)] = &[("400", "Invalid input"), ("401", "Sign-in required")];
    match op {
        Op::Health => {
            Shape { request: None, success: ("200", "Alive", Some("Health")), errors: &[], query: QueryParams::None }
        }
        Op::OpenApi => {
            Shape { request: None, success: ("200", "This document", None), errors: &[], query: QueryParams::None }
        }
        Op::RequestMagicLink => Shape {
            request: Some("MagicLinkRequest"),
            success: ("202", "Accepted; sent if the address has an account", Some("MagicLinkAccepted")),
            errors: &[("400", "Not an email address"), ("429", "Too many requests")],
            query: QueryParams::None,
        },
        Op::CreateSession => Shape {
            request: Some("SessionRequest"),
            success: ("200", "Signed in; sets the session cookie", Some("Me")),
            errors: &[("400", "Not a token"), ("410", "Link expired or already used")],
            query: QueryParams::None,
        },
        Op::Logout => {
            Shape { request: None, success: ("204", "Signed out", None), errors: &[], query: QueryParams::None }
        }
        Op::GetMe => Shape {
            request: None,
            success: ("200", "The signed-in user", Some("Me")),
            errors: SIGNED_IN,
            query: QueryParams::None,
        },
        Op::ListPartnerSchools => Shape {
            request: None,
            success: ("200", "One page of schools", Some("SchoolPage")),
            errors: &[("400", "Invalid query"), ("401", "Sign-in required"), ("404", "No such app")],
            query: QueryParams::Schools,
        },
        Op::ExportPartnerSchools => Shape {
            request: None,
            success: ("200", "text/csv (UTF-8 with BOM) of every matching school", None),
            errors: &[("400", "Invalid query"), ("401", "Sign-in required"), ("404", "No such app")],
            query: QueryParams::Schools,
        },
        Op::GetPartnerSchool => Shape {
            request: None,
            success: ("200", "The school tile", Some("SchoolDetail")),
            errors: TENANT,
            query: QueryParams::App,
        },
        Op::RevokeSchoolAccess => action(Some("RevokeRequest")),
        Op::CancelRevocation | Op::CancelInvitation => action(None),
        Op::SetSchoolPriority => action(Some("PriorityRequest")),
        Op::ResendInvitation | Op::ReinviteSchool => Shape {
            errors: &[
                ("400", "Invalid input, or an Idempotency-Key reused for another request"),
                ("401", "Sign-in required"),
                ("404", "No such school or app"),
                ("409", "Changed meanwhile, or the same key is still being processed"),
            ],
            ..action(Some("InviteRequest"))
        },
        Op::GetPermissionSet => Shape {
            request: None,
            success: ("200", "The app's permission set", Some("PermissionSet")),
            errors: TENANT,
            query: QueryParams::None,
        },
        Op::UpdatePermissionSet => Shape {
            request: Some("UpdatePermissionSet"),
            success: ("200", "Saved; schools asked to re-authorise", Some("PermissionSetSaved")),
            errors: ADMIN,
            query: QueryParams::None,
        },
        Op::ListTeam => Shape {
            request: None,
            success: ("200", "The team", Some("TeamPage")),
            errors: SIGNED_IN,
            query: QueryParams::None,
        },
        Op::AddTeamMember => Shape {
            request: Some("AddTeamMember"),
            success: ("200", "The team afterwards", Some("TeamPage")),
            errors: ADMIN,
            query: QueryParams::None,
        },
        Op::RemoveTeamMember => Shape {
            request: Some("RemoveTeamMember"),
            success: ("200", "The team afterwards", Some("TeamPage")),
            errors: ADMIN,
            query: QueryParams::None,
        },
        Op::OpenInvitation => Shape {
            request: Some("OpenInvitationRequest"),
            success: ("200", "The invitation, or once used its receipt", Some("InvitationSummary")),
            errors: &[
                ("400", "Not a token"),
                ("410", "Expired, cancelled or replaced by a newer invitation"),
                ("429", "Too many requests"),
            ],
            query: QueryParams::None,
        },
        Op::ForwardInvitation => Shape {
            request: Some("ForwardInvitationRequest"),
            success: ("200", "The new invitation", Some("InvitationSummary")),
            errors: INVITATION_LINK,
            query: QueryParams::None,
        },
        Op::AuthoriseInvitation => Shape {
            request: Some("AuthoriseRequest"),
            success: ("200", "Authorised; the summary carries the receipt", Some("InvitationSummary")),
            errors: INVITATION_LINK,
            query: QueryParams::None,
        },
        Op::SearchDirectory => Shape {
            request: None,
            success: ("200", "Up to 20 matching schools", Some("DirectoryResults")),
            errors: SIGNED_IN,
            query: QueryParams::Directory,
        },
        Op::ListAppKeys => Shape {
            request: None,
            success: ("200", "The app's keys, without secrets", Some("AppKeyList")),
            errors: TENANT,
            query: QueryParams::None,
        },
        Op::CreateAppKey => Shape {
            request: Some("CreateAppKey"),
            success: ("200", "The key and its secret, shown this once", Some("CreatedAppKey")),
            errors: ADMIN,
            query: QueryParams::None,
        },
        Op::RevokeAppKey => Shape {
            request: None,
            success: ("200", "The app's keys afterwards", Some("AppKeyList")),
            errors: ADMIN,
            query: QueryParams::None,
        },
        Op::InviteSchoolByApi => Shape {
            request: Some("InviteSchoolRequest"),
            success: ("200", "Invited: the school as the partner's tile shows it", Some("ActionOutcome")),
            errors: &[
                ("400", "Invalid input, or an Idempotency-Key reused for another request"),
                ("401", "No valid API key"),
                ("404", "No such school in the directory"),
                ("409", "Already invited or authorised for this app"),
            ],
            query: QueryParams::None,
        },
        Op::ListAppSchools => Shape {
            request: None,
            success: ("200", "The app's schools and their connection states", Some("AppSchools")),
            errors: &[("401", "No valid API key")],
            query: QueryParams::None,
        },
        Op::GetSchoolStatus => Shape {
            request: None,
            success: ("200", "The school's connection state and the facts behind it", Some("SchoolConnection")),
            errors: &[("401", "No valid API key")],
            query: QueryParams::None,
        },
        Op::InviteSchool => Shape {
            request: Some("InviteSchoolRequest"),
            success: ("200", "Invited: the new tile", Some("ActionOutcome")),
            errors: &[
                ("400", "Invalid input"),
                ("401", "Sign-in required"),
                ("404", "No such school in the directory, or no such app"),
                ("409", "Already invited or authorised for this app"),
            ],
            query: QueryParams::App,
        },
    }
}

const INVITATION_LINK: &[(&str, &str)] = &[
    ("400", "Invalid input"),
    ("409", "The link was already used to authorise"),
    ("410", "Expired, cancelled or replaced by a newer invitation"),
    ("429", "Too many requests"),
];
const TENANT: &[(&str, &str)] =
    &[("400", "Invalid input"), ("401", "Sign-in required"), ("404", "No such school or app")];
const ADMIN: &[(&str, &str)] = &[
    ("400", "Invalid input"),
    ("401", "Sign-in required"),
    ("403", "Only a team admin can do this"),
    ("404", "No such app"),
    ("409", "Changed meanwhile; try again"),
];

/// A P6 action on a school: the tile afterwards.
fn action(request: Option<&'static str>) -> Shape {
    Shape {
        request,
        success: ("200", "What the action did, and the tile afterwards", Some("ActionOutcome")),
        errors: &[
            ("400", "Invalid input, or not possible in the school's list"),
            ("401", "Sign-in required"),
            ("404", "No such school or app"),
            ("409", "Changed meanwhile; reload and try again"),
        ],
        query: QueryParams::App,
    }
}

pub fn openapi_document() -> OpenApi {
    let paths = ROUTES.iter().fold(PathsBuilder::new(), |paths, route| {
        paths.path(route.path, utoipa::openapi::PathItem::new(http_method(route), operation(route)))
    });
    let components = ComponentsBuilder::new();
    let components = with_schema::<Health>(components);
    let components = with_schema::<Problem>(components);
    let components = with_schema::<MagicLinkRequest>(components);
    let components = with_schema::<MagicLinkAccepted>(components);
    let components = with_schema::<SessionRequest>(components);
    let components = with_schema::<Me>(components);
    let components = with_schema::<SchoolPage>(components);
    let components = with_schema::<ListSchoolsQuery>(components);
    let components = with_schema::<SchoolDetail>(components);
    let components = with_schema::<ActionOutcome>(components);
    let components = with_schema::<RevokeRequest>(components);
    let components = with_schema::<PriorityRequest>(components);
    let components = with_schema::<InviteRequest>(components);
    let components = with_schema::<PermissionSet>(components);
    let components = with_schema::<UpdatePermissionSet>(components);
    let components = with_schema::<PermissionSetSaved>(components);
    let components = with_schema::<TeamPage>(components);
    let components = with_schema::<AddTeamMember>(components);
    let components = with_schema::<RemoveTeamMember>(components);
    let components = with_schema::<OpenInvitationRequest>(components);
    let components = with_schema::<InvitationSummary>(components);
    let components = with_schema::<ForwardInvitationRequest>(components);
    let components = with_schema::<AuthoriseRequest>(components);
    let components = with_schema::<DirectoryResults>(components);
    let components = with_schema::<InviteSchoolRequest>(components);
    let components = with_schema::<AppKeyList>(components);
    let components = with_schema::<CreateAppKey>(components);
    let components = with_schema::<CreatedAppKey>(components);
    let components = with_schema::<AppSchools>(components);
    let components = with_schema::<SchoolConnection>(components).build();
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Gatehouse API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some("School data-sharing broker. Errors are application/problem+json (RFC 9457)."))
                .build(),
        )
        .paths(paths.build())
        .components(Some(components))
        .build()
}

/// Adds a schema and every schema it refers to.
fn with_schema<T: ToSchema>(components: ComponentsBuilder) -> ComponentsBuilder {
    let mut nested = Vec::new();
    T::schemas(&mut nested);
    components.schema_from::<T>().schemas_from_iter(nested)
}

fn http_method(route: &Route) -> HttpMethod {
    match route.method {
        gatehouse_model::Method::Get => HttpMethod::Get,
        gatehouse_model::Method::Post => HttpMethod::Post,
    }
}

fn operation(route: &Route) -> utoipa::openapi::path::Operation {
    let shape = shape(route.op);
    let (status, description, schema) = shape.success;
    let mut success = ResponseBuilder::new().description(description);
    if let Some(schema) = schema {
        success = success
            .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name(schema))).build());
    }
    let responses = shape.errors.iter().fold(
        ResponsesBuilder::new().response(status, success.build()),
        |responses, (status, description)| {
            let problem = ContentBuilder::new().schema(Some(Ref::from_schema_name(Problem::name()))).build();
            responses.response(
                *status,
                ResponseBuilder::new().description(*description).content(Problem::CONTENT_TYPE, problem).build(),
            )
        },
    );
    let mut operation = OperationBuilder::new()
        .operation_id(Some(route.name))
        .summary(Some(route.summary))
        .responses(responses.build());
    if let Some(schema) = shape.request {
        let body = ContentBuilder::new().schema(Some(Ref::from_schema_name(schema))).build();
        operation = operation.request_body(Some(
            RequestBodyBuilder::new()
                .content("application/json", body)
                .required(Some(utoipa::openapi::Required::True))
                .build(),
        ));
    }
    let mut parameters = path_parameters(route.path);
    match shape.query {
        QueryParams::None => {}
        QueryParams::Schools => parameters.extend(ListSchoolsQuery::into_params(|| Some(ParameterIn::Query))),
        QueryParams::App => parameters.extend(AppQuery::into_params(|| Some(ParameterIn::Query))),
        QueryParams::Directory => parameters.extend(DirectoryQuery::into_params(|| Some(ParameterIn::Query))),
    }
    if !parameters.is_empty() {
        operation = operation.parameters(Some(parameters));
    }
    if matches!(route.op, Op::ResendInvitation | Op::ReinviteSchool | Op::InviteSchoolByApi) {
        operation = operation.parameter(
            ParameterBuilder::new()
                .name("Idempotency-Key")
                .parameter_in(ParameterIn::Header)
                .description(Some("Any unique string per intended send; a retry with it sends nothing twice."))
                .schema(Some(utoipa::openapi::schema::Object::with_type(utoipa::openapi::schema::Type::String))),
        );
    }
    operation.build()
}

/// `{name}` segments of a path, as required string parameters.
fn path_parameters(path: &str) -> Vec<utoipa::openapi::path::Parameter> {
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
