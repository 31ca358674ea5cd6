//! The OpenAPI 3.1 document, generated from the route table and the model's
//! schemas, so it cannot drift from what is mounted.

use gatehouse_model::{
    Health, ListSchoolsQuery, MagicLinkAccepted, MagicLinkRequest, Me, Op, Problem, ROUTES, Route, SchoolPage,
    SessionRequest,
};
use utoipa::openapi::path::{HttpMethod, OperationBuilder};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::{ResponseBuilder, ResponsesBuilder};
use utoipa::openapi::{ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref};
use utoipa::{IntoParams, ToSchema};

/// What an operation takes and returns, for the document.
struct Shape {
    request: Option<&'static str>,
    success: (&'static str, &'static str, Option<&'static str>),
    errors: &'static [(&'static str, &'static str)],
    query: bool,
}

fn shape(op: Op) -> Shape {
    const SIGNED_IN: &[(&str, &str)] = &[("400", "Invalid input"), ("401", "Sign-in required")];
    match op {
        Op::Health => Shape { request: None, success: ("200", "Alive", Some("Health")), errors: &[], query: false },
        Op::OpenApi => Shape { request: None, success: ("200", "This document", None), errors: &[], query: false },
        Op::RequestMagicLink => Shape {
            request: Some("MagicLinkRequest"),
            success: ("202", "Accepted; sent if the address has an account", Some("MagicLinkAccepted")),
            errors: &[("400", "Not an email address"), ("429", "Too many requests")],
            query: false,
        },
        Op::CreateSession => Shape {
            request: Some("SessionRequest"),
            success: ("200", "Signed in; sets the session cookie", Some("Me")),
            errors: &[("400", "Not a token"), ("410", "Link expired or already used")],
            query: false,
        },
        Op::Logout => Shape { request: None, success: ("204", "Signed out", None), errors: &[], query: false },
        Op::GetMe => {
            Shape { request: None, success: ("200", "The signed-in user", Some("Me")), errors: SIGNED_IN, query: false }
        }
        Op::ListPartnerSchools => Shape {
            request: None,
            success: ("200", "One page of schools", Some("SchoolPage")),
            errors: &[("400", "Invalid query"), ("401", "Sign-in required"), ("404", "No such app")],
            query: true,
        },
        Op::ExportPartnerSchools => Shape {
            request: None,
            success: ("200", "text/csv (UTF-8 with BOM) of every matching school", None),
            errors: &[("400", "Invalid query"), ("401", "Sign-in required"), ("404", "No such app")],
            query: true,
        },
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
    let components = with_schema::<ListSchoolsQuery>(components).build();
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
    if shape.query {
        operation = operation
            .parameters(Some(ListSchoolsQuery::into_params(|| Some(utoipa::openapi::path::ParameterIn::Query))));
    }
    operation.build()
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
        assert_eq!(json["paths"].as_object().unwrap().len(), ROUTES.len());
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
