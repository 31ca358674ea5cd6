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
    GetPartnerSchool,
    RevokeSchoolAccess,
    CancelRevocation,
    SetSchoolPriority,
    CancelInvitation,
    ResendInvitation,
    ReinviteSchool,
    GetPermissionSet,
    UpdatePermissionSet,
    ListTeam,
    AddTeamMember,
    RemoveTeamMember,
    OpenInvitation,
    ForwardInvitation,
    AuthoriseInvitation,
    SearchDirectory,
    InviteSchool,
    ListAppKeys,
    CreateAppKey,
    RevokeAppKey,
    InviteSchoolByApi,
    ListAppSchools,
    GetSchoolStatus,
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
    Route {
        op: Op::GetPartnerSchool,
        method: Method::Get,
        path: "/api/partner/schools/{school_id}",
        name: "get_partner_school",
        summary: "The school tile: details, scopes, Authorisation Log and actions (P8)",
    },
    Route {
        op: Op::RevokeSchoolAccess,
        method: Method::Post,
        path: "/api/partner/schools/{school_id}/revoke",
        name: "revoke_school_access",
        summary: "Revoke access today or from a later date (P6)",
    },
    Route {
        op: Op::CancelRevocation,
        method: Method::Post,
        path: "/api/partner/schools/{school_id}/cancel-revoke",
        name: "cancel_revocation",
        summary: "Cancel a revocation that has not taken effect (P6)",
    },
    Route {
        op: Op::SetSchoolPriority,
        method: Method::Post,
        path: "/api/partner/schools/{school_id}/priority",
        name: "set_school_priority",
        summary: "Set or remove priority on a pending school (P6)",
    },
    Route {
        op: Op::CancelInvitation,
        method: Method::Post,
        path: "/api/partner/schools/{school_id}/cancel-invite",
        name: "cancel_invitation",
        summary: "Cancel a pending invitation; its link stops working (P6)",
    },
    Route {
        op: Op::ResendInvitation,
        method: Method::Post,
        path: "/api/partner/schools/{school_id}/resend-invite",
        name: "resend_invitation",
        summary: "Resend the invitation to the same or a new contact; the old link stops working (P6)",
    },
    Route {
        op: Op::ReinviteSchool,
        method: Method::Post,
        path: "/api/partner/schools/{school_id}/reinvite",
        name: "reinvite_school",
        summary: "Invite a revoked school again (P6)",
    },
    Route {
        op: Op::GetPermissionSet,
        method: Method::Get,
        path: "/api/partner/apps/{app_id}/permissions",
        name: "get_permission_set",
        summary: "The scopes an app requests (P10)",
    },
    Route {
        op: Op::UpdatePermissionSet,
        method: Method::Post,
        path: "/api/partner/apps/{app_id}/permissions",
        name: "update_permission_set",
        summary: "Change the scopes an app requests (P10)",
    },
    Route {
        op: Op::ListTeam,
        method: Method::Get,
        path: "/api/partner/team",
        name: "list_team",
        summary: "The partner's colleagues",
    },
    Route {
        op: Op::AddTeamMember,
        method: Method::Post,
        path: "/api/partner/team",
        name: "add_team_member",
        summary: "Add a colleague who signs in by magic link (admins)",
    },
    Route {
        op: Op::RemoveTeamMember,
        method: Method::Post,
        path: "/api/partner/team/remove",
        name: "remove_team_member",
        summary: "Remove a colleague and end their sessions (admins)",
    },
    Route {
        op: Op::OpenInvitation,
        method: Method::Post,
        path: "/api/invitations/open",
        name: "open_invitation",
        summary: "What a Begin Authorisation link is for, while it is live (S1)",
    },
    Route {
        op: Op::ForwardInvitation,
        method: Method::Post,
        path: "/api/invitations/forward",
        name: "forward_invitation",
        summary: "Not the right person: send the invitation to someone else; this link dies (S2)",
    },
    Route {
        op: Op::AuthoriseInvitation,
        method: Method::Post,
        path: "/api/invitations/authorise",
        name: "authorise_invitation",
        summary: "Authorise sharing with the wizard's answers; the link is then used up (S2)",
    },
    Route {
        op: Op::SearchDirectory,
        method: Method::Get,
        path: "/api/directory/schools",
        name: "search_directory",
        summary: "Find schools in England and Wales by name, URN, local authority or postcode (P7)",
    },
    Route {
        op: Op::InviteSchool,
        method: Method::Post,
        path: "/api/partner/invitations",
        name: "invite_school",
        summary: "Invite a school from the directory (P7)",
    },
    Route {
        op: Op::ListAppKeys,
        method: Method::Get,
        path: "/api/partner/apps/{app_id}/keys",
        name: "list_app_keys",
        summary: "An app's API keys, without their secrets (A1)",
    },
    Route {
        op: Op::CreateAppKey,
        method: Method::Post,
        path: "/api/partner/apps/{app_id}/keys",
        name: "create_app_key",
        summary: "Create an API key for an app; the secret is shown once (A1, admins)",
    },
    Route {
        op: Op::RevokeAppKey,
        method: Method::Post,
        path: "/api/partner/apps/{app_id}/keys/{key_id}/revoke",
        name: "revoke_app_key",
        summary: "Revoke an API key: it stops working at once (A1, admins)",
    },
    Route {
        op: Op::InviteSchoolByApi,
        method: Method::Post,
        path: "/api/v1/invitations",
        name: "invite_school_by_api",
        summary: "An app invites a school with its API key; honours Idempotency-Key (A6)",
    },
    Route {
        op: Op::ListAppSchools,
        method: Method::Get,
        path: "/api/v1/schools",
        name: "list_app_schools",
        summary: "The schools related to the calling app, with their connection state (A1, A2)",
    },
    Route {
        op: Op::GetSchoolStatus,
        method: Method::Get,
        path: "/api/v1/schools/{school_id}/status",
        name: "get_school_status",
        summary: "Test Connection: one school's state and the facts behind it (A2)",
    },
];

/// A function run on a schedule rather than by a route (E1). Each is also
/// runnable on demand with `cargo xtask job <name with dashes>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    /// snake_case: the bin name; `PascalCase` + `Function` in SAM.
    pub name: &'static str,
    /// EventBridge Scheduler expression, as in the SAM template.
    pub schedule: &'static str,
    /// The IANA zone the expression is read in (the template's
    /// `ScheduleExpressionTimezone`); UTC when `None`.
    pub timezone: Option<&'static str>,
    pub summary: &'static str,
}

pub const JOBS: &[Job] = &[
    Job {
        name: "apply_revocations",
        // 00:05 UTC daily: just after midnight in London in winter, an hour
        // later in summer; "from a date" means the whole of that date anyway.
        schedule: "cron(5 0 * * ? *)",
        timezone: None,
        summary: "Apply revocations whose date has come (P6, E1)",
    },
    Job {
        name: "send_reminders",
        schedule: "cron(0 15 ? * TUE,THU *)",
        timezone: Some("Europe/London"),
        summary: "Remind the school contact of every pending invitation, Tuesday and Thursday afternoon (P11, E1)",
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
