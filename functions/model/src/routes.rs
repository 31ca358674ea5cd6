//! The route table: the one list of operations. The local router mounts from it,
//! the SPA builds URLs from it, OpenAPI is generated from it, and
//! `tests/parity.rs` checks `infra/template.yaml` and the lambda bins against it.

/// HTTP method of a route; only the ones the product uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// One operation = one handler = one Lambda function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Health,
    OpenApi,
    RequestMagicLink,
    CreateSession,
    Logout,
    GetMe,
    ListPartnerSchools,
    ExportPartnerSchools,
}

/// One row of the route table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub op: Op,
    pub method: Method,
    /// Path as API Gateway and axum both spell it (`{param}` for parameters).
    pub path: &'static str,
    /// snake_case: the bin name, the span name; `PascalCase` + `Function` in SAM.
    pub name: &'static str,
    /// One line for OpenAPI and the docs.
    pub summary: &'static str,
}

pub const ROUTES: &[Route] = &[
    Route { op: Op::Health, method: Method::Get, path: "/api/health", name: "health", summary: "Liveness check" },
    Route {
        op: Op::OpenApi,
        method: Method::Get,
        path: "/api/openapi.json",
        name: "openapi",
        summary: "This API's OpenAPI 3.1 document",
    },
    Route {
        op: Op::RequestMagicLink,
        method: Method::Post,
        path: "/api/auth/magic-link",
        name: "request_magic_link",
        summary: "Email a single-use sign-in link (P1)",
    },
    Route {
        op: Op::CreateSession,
        method: Method::Post,
        path: "/api/auth/session",
        name: "create_session",
        summary: "Exchange a sign-in link token for a session cookie (P1)",
    },
    Route {
        op: Op::Logout,
        method: Method::Post,
        path: "/api/auth/logout",
        name: "logout",
        summary: "End the current session (P1)",
    },
    Route {
        op: Op::GetMe,
        method: Method::Get,
        path: "/api/me",
        name: "get_me",
        summary: "The signed-in user, their partner and its apps (P1)",
    },
    Route {
        op: Op::ListPartnerSchools,
        method: Method::Get,
        path: "/api/partner/schools",
        name: "list_partner_schools",
        summary: "One page of an app's schools in a view: active, pending or revoked (P2)",
    },
    Route {
        op: Op::ExportPartnerSchools,
        method: Method::Get,
        path: "/api/partner/schools/export",
        name: "export_partner_schools",
        summary: "The filtered, sorted view as CSV, every page (P5)",
    },
];

impl Op {
    pub fn route(self) -> &'static Route {
        ROUTES.iter().find(|route| route.op == self).expect("every Op has a row in ROUTES")
    }
}

impl Route {
    /// `list_partner_schools` → `ListPartnerSchools`: the SAM resource stem.
    pub fn pascal_name(&self) -> String {
        self.name
            .split('_')
            .map(|word| {
                let mut chars = word.chars();
                match chars.next() {
                    Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                    None => String::new(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_op_has_exactly_one_route_and_unique_names() {
        let names: HashSet<_> = ROUTES.iter().map(|r| r.name).collect();
        let endpoints: HashSet<_> = ROUTES.iter().map(|r| (r.method, r.path)).collect();
        assert_eq!(names.len(), ROUTES.len());
        assert_eq!(endpoints.len(), ROUTES.len());
        assert_eq!(Op::ListPartnerSchools.route().path, "/api/partner/schools");
    }

    #[test]
    fn pascal_name_is_the_sam_stem() {
        assert_eq!(Op::ListPartnerSchools.route().pascal_name(), "ListPartnerSchools");
        assert_eq!(Op::OpenApi.route().pascal_name(), "Openapi");
    }
}
