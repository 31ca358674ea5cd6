//! Path parameters as the domain's ids (#13): a handler takes
//! `IdPath<AppId>` or `IdPath<(SchoolId, MisId)>`, so core never parses a
//! path segment. A segment that is not its id's shape is answered as a
//! missing record is, a 404 `not_found` naming the same record, so an id's
//! shape tells a caller nothing that an unknown id would not.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use gatehouse_core::{
    AppId, CaseId, DeliveryId, Error, JobId, KeyId, MisId, ReceiptSeq, RequestId, SchoolId, SchoolUrn,
};

use crate::ApiError;
use crate::extract::{Documented, Reads};
use crate::problem::Code;

/// One id in a path: how a segment parses, and what core calls the record
/// when it is missing (`Error::NotFound`).
pub(crate) trait PathId: Sized {
    const RECORD: &'static str;
    fn parse(segment: &str) -> Option<Self>;
}

/// The ids of a route's path, in the path's order.
pub(crate) trait PathIds: Sized {
    const COUNT: usize;
    fn parse(segments: &[&str]) -> Result<Self, ApiError>;
}

fn one<T: PathId>(segment: &str) -> Result<T, ApiError> {
    T::parse(segment).ok_or(ApiError::Domain(Error::NotFound(T::RECORD)))
}

macro_rules! path_ids {
    ($($id:ty => $record:expr, $parse:expr;)*) => {$(
        impl PathId for $id {
            const RECORD: &'static str = $record;
            fn parse(segment: &str) -> Option<Self> {
                let parse: fn(&str) -> Option<Self> = $parse;
                parse(segment)
            }
        }

        impl PathIds for $id {
            const COUNT: usize = 1;
            fn parse(segments: &[&str]) -> Result<Self, ApiError> {
                one(segments[0])
            }
        }
    )*};
}

path_ids! {
    AppId => "app", |raw| AppId::parse(raw).ok();
    SchoolId => "school", |raw| SchoolId::parse(raw).ok();
    CaseId => "case", |raw| CaseId::parse(raw).ok();
    KeyId => "key", |raw| KeyId::parse(raw).ok();
    DeliveryId => "delivery", |raw| DeliveryId::parse(raw).ok();
    RequestId => "international school request", |raw| RequestId::parse(raw).ok();
    ReceiptSeq => "receipt", |raw| ReceiptSeq::parse(raw).ok();
    JobId => "job", |raw| JobId::parse(raw).ok();
    // A student the app may not see and one that does not exist look the same.
    MisId => gatehouse_core::data_reads::STUDENT_NOT_SHARED, |raw| MisId::parse(raw).ok();
    // The URN exactly as the path names it: ` 140013` is no school's (issue 18).
    SchoolUrn => "school", |raw| SchoolUrn::parse(raw).ok().filter(|urn| urn.as_str() == raw);
}

impl<A: PathId, B: PathId> PathIds for (A, B) {
    const COUNT: usize = 2;
    fn parse(segments: &[&str]) -> Result<Self, ApiError> {
        Ok((one(segments[0])?, one(segments[1])?))
    }
}

/// An optional id in a query string (`?app=`), read as a path's is: one that
/// does not parse is the missing record it names.
pub(crate) fn query_id<T: PathId>(raw: Option<&str>) -> Result<Option<T>, ApiError> {
    raw.map(one).transpose()
}

/// The route's path parameters as ids; one that does not parse is a 404
/// `not_found` (see the module's comment).
pub(crate) struct IdPath<T>(pub T);

impl<S: Send + Sync, T: PathIds> FromRequestParts<S> for IdPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let params = RawPathParams::from_request_parts(parts, state).await.map_err(|rejection| {
            // `extract::check_path` refuses a path that is not UTF-8 before any route runs.
            ApiError::BadRequest { code: Code::InvalidPath, detail: rejection.body_text() }
        })?;
        let segments: Vec<&str> = params.iter().map(|(_, value)| value).collect();
        if segments.len() != T::COUNT {
            let cause =
                anyhow::anyhow!("the route has {} path parameters, the handler reads {}", segments.len(), T::COUNT);
            return Err(ApiError::Domain(Error::Unavailable(cause)));
        }
        T::parse(&segments).map(IdPath)
    }
}

impl<T> Documented for IdPath<T> {
    fn add_to(reads: &mut Reads) {
        reads.codes.push(Code::NotFound);
    }
}

#[cfg(test)]
mod tests {
    use axum::response::IntoResponse;

    use super::*;

    /// The status, code and detail a rejection is answered with.
    async fn answer(error: ApiError) -> (u16, String, String) {
        let response = error.into_response();
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        (status, body["code"].as_str().unwrap().to_owned(), body["detail"].as_str().unwrap().to_owned())
    }

    #[test]
    fn well_formed_segments_parse_to_their_ids() {
        let (school, student) = <(SchoolId, MisId) as PathIds>::parse(&["328001", "S-1.2:3"]).ok().unwrap();
        assert_eq!((school.as_str(), student.as_str()), ("328001", "S-1.2:3"));
        let delivery = <DeliveryId as PathIds>::parse(&["evt_1.ab"]).ok().unwrap();
        assert_eq!((delivery.event(), delivery.endpoint()), ("evt_1", "ab"));
        assert_eq!(<ReceiptSeq as PathIds>::parse(&["7"]).ok().unwrap().get(), 7);
    }

    #[tokio::test]
    async fn a_malformed_id_is_the_missing_record_it_names() {
        let long = "x".repeat(65);
        let cases: [(Result<(), ApiError>, &str); 7] = [
            (<AppId as PathIds>::parse(&[&long]).map(drop), "App not found."),
            (<AppId as PathIds>::parse(&["demo app"]).map(drop), "App not found."),
            (<CaseId as PathIds>::parse(&["GH-12"]).map(drop), "Case not found."),
            (<(AppId, KeyId) as PathIds>::parse(&["demo-app", "a/b"]).map(drop), "Key not found."),
            (<(SchoolId, ReceiptSeq) as PathIds>::parse(&["..", "1"]).map(drop), "School not found."),
            (<RequestId as PathIds>::parse(&["IR-nope.1"]).map(drop), "International school request not found."),
            (<SchoolUrn as PathIds>::parse(&[" 140013"]).map(drop), "School not found."),
        ];
        for (parsed, detail) in cases {
            let (status, code, said) = answer(parsed.err().unwrap()).await;
            assert_eq!((status, code.as_str(), said.as_str()), (404, "not_found", detail));
        }
    }

    #[tokio::test]
    async fn a_malformed_student_reads_as_one_not_shared() {
        let error = <(SchoolId, MisId) as PathIds>::parse(&["328001", "a b"]).err().unwrap();
        let unknown = ApiError::Domain(Error::NotFound(gatehouse_core::data_reads::STUDENT_NOT_SHARED));
        assert_eq!(answer(error).await, answer(unknown).await);
    }

    #[tokio::test]
    async fn a_malformed_id_in_a_query_is_not_found_and_none_is_none() {
        assert_eq!(query_id::<AppId>(None).ok().unwrap(), None);
        assert_eq!(query_id::<AppId>(Some("demo-app")).ok().unwrap(), Some(AppId::parse("demo-app").unwrap()));
        for raw in ["", "demo app", "%zz"] {
            let (status, code, detail) = answer(query_id::<AppId>(Some(raw)).err().unwrap()).await;
            assert_eq!((status, code.as_str(), detail.as_str()), (404, "not_found", "App not found."), "{raw:?}");
        }
    }

    #[test]
    fn a_path_id_can_answer_only_not_found() {
        let mut reads = Reads::default();
        IdPath::<(SchoolId, MisId)>::add_to(&mut reads);
        assert_eq!(reads.codes, vec![Code::NotFound]);
    }
}
