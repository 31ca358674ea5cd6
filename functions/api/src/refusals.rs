//! Holds each operation to the problems it declares (`Route::refuses`, its
//! audience's and its extractors'): the OpenAPI document promises callers
//! exactly that list, so an answer outside it is a bug in the declaration
//! or the code. A development build (the local server and every test)
//! answers such a problem with a 500 naming the code and the operation, so
//! the suite finds it; a release build logs it and answers as it would.

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gatehouse_model::{Op, ROUTES, Route};

use crate::problem::Code;

/// Problems any operation may answer with: a failure on Gatehouse's side.
const ANY_OPERATION: &[Code] = &[Code::Unavailable];

/// Every problem `route` may answer with.
pub(crate) fn allowed(route: &Route) -> impl Iterator<Item = Code> + '_ {
    route.problems().chain(extractor_codes(route.op).iter().copied()).chain(ANY_OPERATION.iter().copied())
}

/// What the handler's extractors answer with, per operation, worked out once.
fn extractor_codes(op: Op) -> &'static [Code] {
    static BY_OP: OnceLock<HashMap<Op, Vec<Code>>> = OnceLock::new();
    let by_op =
        BY_OP.get_or_init(|| ROUTES.iter().map(|route| (route.op, crate::openapi::reads(route.op).codes)).collect());
    by_op.get(&op).map(Vec::as_slice).unwrap_or_default()
}

/// The answer of `route`, checked against what it declares.
pub(crate) fn check(route: &Route, response: Response) -> Response {
    let Some(&code) = response.extensions().get::<Code>() else { return response };
    if allowed(route).any(|allowed| allowed == code) {
        return response;
    }
    tracing::error!(operation = route.name, code = code.as_str(), "answered with a problem it does not declare");
    if cfg!(debug_assertions) { undeclared(route, code) } else { response }
}

fn undeclared(route: &Route, code: Code) -> Response {
    let detail = format!(
        "{} answered `{}`, which its declaration (gatehouse_model::routes) does not list",
        route.name,
        code.as_str()
    );
    (StatusCode::INTERNAL_SERVER_ERROR, detail).into_response()
}

#[cfg(test)]
mod tests {
    use gatehouse_core::Error;
    use gatehouse_model::Op;

    use super::*;
    use crate::ApiError;

    fn answer(error: Error) -> Response {
        ApiError::Domain(error).into_response()
    }

    #[test]
    fn a_declared_problem_passes_and_an_undeclared_one_is_a_500() {
        let reopen = Op::ReopenCase.route();
        let archived = check(reopen, answer(Error::CaseArchived));
        assert_eq!(archived.status(), StatusCode::GONE, "ReopenCase declares case_archived");
        let signed_out = check(reopen, answer(Error::SignInRequired));
        assert_eq!(signed_out.status(), StatusCode::UNAUTHORIZED, "its audience's refusal is implied");
        let health = Op::Health.route();
        assert_eq!(check(health, answer(Error::CaseArchived)).status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(check(health, answer(Error::Unavailable(anyhow::anyhow!("down")))).status(), 503);
    }

    #[test]
    fn an_extractors_problem_is_allowed_where_the_handler_has_that_extractor() {
        let codes = |op: Op| allowed(op.route()).collect::<Vec<_>>();
        assert!(codes(Op::OpenCase).contains(&Code::InvalidBody), "OpenCase reads a JSON body");
        assert!(codes(Op::OpenCase).contains(&Code::InvalidHeader), "and an Idempotency-Key");
        assert!(!codes(Op::GetMe).contains(&Code::InvalidBody), "GetMe reads no body");
    }
}
