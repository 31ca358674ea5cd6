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
use gatehouse_model::{
    self as m, AccountKind, Audience, DocumentedAnswer, Endpoint, EndpointVisitor, Op, Problem, ROUTES, Route,
    SchemaVisitor,
};
use utoipa::openapi::path::{HttpMethod, OperationBuilder, Parameter};
use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::{ResponseBuilder, ResponsesBuilder};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::extract::{DocumentedHandler, IdempotencyKey, Reads};
use crate::ops::{HandlerVisitor, with_handler};
use crate::problem::Code;
use crate::session::CookiePolicy;

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
    let components = ROUTES.iter().fold(with_schema::<Problem>(security_schemes()), |components, route| {
        let reads = reads(route.op);
        let oauth_error = reads.oauth_errors.then(schema::<m::OAuthError>);
        let status_info = reads.oneroster_errors.then(schema::<m::oneroster::StatusInfo>);
        let named =
            [reads.body, success_schema(route.op), reads.query.map(|query| query.schema), oauth_error, status_info];
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

/// Each audience's credential, named as `Audience::credential` names it.
fn security_schemes() -> ComponentsBuilder {
    let session = |kind: AccountKind, portal: &str| {
        let name = CookiePolicy::Secure.name(kind);
        let local = CookiePolicy::LocalHttp.name(kind);
        let description = format!("The {portal} session cookie, set on sign-in (`{local}` over plain http locally)");
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(name, &description)))
    };
    let key = |description: &str| {
        SecurityScheme::Http(
            HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some(description.to_owned())).build(),
        )
    };
    let schemes = [
        (Audience::PartnerMember, session(AccountKind::Partner, "partner portal's")),
        (Audience::SchoolMember, session(AccountKind::School, "school portal's")),
        (Audience::Ops, session(AccountKind::Ops, "operations console's")),
        (Audience::App, key("An app's API key: `Authorization: Bearer <key>`")),
        (Audience::Agent, key("A school's MIS agent key: `Authorization: Bearer <key>`")),
    ];
    schemes.into_iter().fold(ComponentsBuilder::new(), |components, (audience, scheme)| {
        let name = audience.credential().expect("every scheme here is an audience's credential");
        components.security_scheme(name, scheme)
    })
}

/// What the handler of `op` reads.
pub(crate) fn reads(op: Op) -> Reads {
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
fn error_codes(route: &Route, reads: &Reads) -> BTreeMap<u16, Vec<Code>> {
    let mut codes: Vec<Code> = route.problems().chain(reads.codes.iter().copied()).collect();
    codes.sort();
    codes.dedup();
    codes.into_iter().fold(BTreeMap::new(), |mut by_status, code| {
        by_status.entry(code.status()).or_insert_with(Vec::new).push(code);
        by_status
    })
}

fn operation(route: &Route) -> utoipa::openapi::path::Operation {
    let reads = reads(route.op);
    let problem = schema::<Problem>();
    let (status, description) = route.success;
    let mut success = ResponseBuilder::new().description(description);
    if let Some(body) = success_schema(route.op) {
        success = success.content("application/json", json_content(body));
    }
    let mut responses = ResponsesBuilder::new().response(status.to_string(), success.build());
    if reads.oauth_errors {
        for (status, codes) in
            [(400, "`invalid_request`, `unsupported_grant_type`, `invalid_scope`"), (401, "`invalid_client`")]
        {
            let response = ResponseBuilder::new()
                .description(format!("RFC 6749 §5.2: {codes}"))
                .content("application/json", json_content(schema::<m::OAuthError>()));
            responses = responses.response(status.to_string(), response.build());
        }
    }
    if reads.oneroster_errors {
        for (status, classes) in [
            (400, "`invalid_filter_field`, `invalid_selection_field`, `invalid_sort_field`, `invaliddata`"),
            (401, "`unauthorisedrequest`: no live access token or API key"),
            (403, "`forbidden`: the token's scopes do not cover this read"),
            (404, "`unknownobject`: no such collection, or no object the app may read under this id"),
            (500, "`internal_server_error`"),
        ] {
            let response = ResponseBuilder::new()
                .description(format!("OneRoster `imsx_StatusInfo`: {classes}"))
                .content("application/json", json_content(schema::<m::oneroster::StatusInfo>()));
            responses = responses.response(status.to_string(), response.build());
        }
        // The binding's own refusals replace problems, the credential's included.
        return finish_operation(route, &reads, responses.build());
    }
    let responses = error_codes(route, &reads).into_iter().fold(responses, |responses, (status, codes)| {
        let description: Vec<String> =
            codes.iter().map(|code| format!("- `{}`: {}", code.as_str(), code.meaning())).collect();
        let response = ResponseBuilder::new()
            .description(description.join("\n"))
            .content(Problem::CONTENT_TYPE, json_content(problem));
        responses.response(status.to_string(), response.build())
    });
    finish_operation(route, &reads, responses.build())
}

/// The operation of `route` with its `responses`: security, body and parameters.
fn finish_operation(
    route: &Route,
    reads: &Reads,
    responses: utoipa::openapi::Responses,
) -> utoipa::openapi::path::Operation {
    let mut operation =
        OperationBuilder::new().operation_id(Some(route.name)).summary(Some(route.summary)).responses(responses);
    if let Some(scheme) = route.audience.credential() {
        operation = operation.security(SecurityRequirement::new(scheme, Vec::<String>::new()));
    }
    if let Some(schema) = reads.body {
        operation = operation.request_body(Some(
            RequestBodyBuilder::new()
                .content(
                    if reads.form_body { "application/x-www-form-urlencoded" } else { "application/json" },
                    json_content(schema),
                )
                .required(Some(utoipa::openapi::Required::True))
                .build(),
        ));
    }
    let mut parameters = path_parameters(route.path);
    parameters.extend(reads.query.as_ref().map(|query| (query.parameters)()).unwrap_or_default());
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

    /// Who may call an operation is declared once, in `model`; the handler
    /// reads that audience's credential (a session of the right portal, the
    /// school admin's session, an app's or agent's key), and the document
    /// names it as the operation's security requirement.
    #[test]
    fn every_handler_reads_the_credential_of_its_declared_audience() {
        let json = serde_json::to_value(openapi_document()).unwrap();
        for route in ROUTES {
            let reads = reads(route.op);
            match reads.credential_of {
                Some(audiences) => assert!(
                    audiences.contains(&route.audience),
                    "{} is declared for {:?}, its handler reads the credential of {audiences:?}",
                    route.name,
                    route.audience
                ),
                None => assert!(
                    matches!(route.audience, Audience::Anyone | Audience::LinkHolder),
                    "{} is declared for {:?}, its handler reads no credential",
                    route.name,
                    route.audience
                ),
            }
            let security = &json["paths"][route.path][route.method.as_str().to_lowercase()]["security"];
            match route.audience.credential() {
                Some(scheme) => {
                    assert!(security[0].get(scheme).is_some(), "{}: {security}", route.name);
                    assert!(json["components"]["securitySchemes"].get(scheme).is_some(), "{scheme}");
                }
                None => assert!(security.is_null(), "{} needs no credential: {security}", route.name),
            }
        }
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
