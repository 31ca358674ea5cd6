//! What a call to an operation sends and gets back, as types: each operation's
//! marker in `endpoint` (generated from the one list in `routes.rs`) names its
//! body, query string and answer, so a client cannot send one operation's
//! body to another's path or read the answer as the wrong type.

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Op;

/// One operation, as a client calls it.
pub trait Endpoint {
    const OP: Op;
    /// Whether the operation takes an `Idempotency-Key` header, so a retry of
    /// the same send does its work once.
    const IDEMPOTENCY_KEY: bool;
    /// The JSON body; [`NoBody`] when the operation reads none.
    type Body: Serialize;
    /// The query string; [`NoQuery`] when the operation reads none.
    type Query: Serialize;
    /// The success answer; [`NoContent`] or [`RawBody`] when it is not JSON.
    type Response: DeserializeOwned + DocumentedAnswer;
}

/// An answer the OpenAPI document can describe: with the `openapi` feature,
/// its schema (none for [`NoContent`] and [`RawBody`]); without it, nothing,
/// so the SPA's build needs no schema crate.
#[cfg(feature = "openapi")]
pub trait DocumentedAnswer {
    /// Hands `visitor` the answer's JSON type; `None` when the answer is not JSON.
    fn schema<V: SchemaVisitor>(visitor: V) -> Option<V::Output>;
}

#[cfg(not(feature = "openapi"))]
pub trait DocumentedAnswer {}

#[cfg(not(feature = "openapi"))]
impl<T> DocumentedAnswer for T {}

/// Is handed the JSON type of an answer by `DocumentedAnswer::schema`.
#[cfg(feature = "openapi")]
pub trait SchemaVisitor {
    type Output;
    fn visit<T: utoipa::ToSchema>(self) -> Self::Output;
}

#[cfg(feature = "openapi")]
impl<T: utoipa::ToSchema> DocumentedAnswer for T {
    fn schema<V: SchemaVisitor>(visitor: V) -> Option<V::Output> {
        Some(visitor.visit::<T>())
    }
}

#[cfg(feature = "openapi")]
impl DocumentedAnswer for NoContent {
    fn schema<V: SchemaVisitor>(_visitor: V) -> Option<V::Output> {
        None
    }
}

#[cfg(feature = "openapi")]
impl DocumentedAnswer for RawBody {
    fn schema<V: SchemaVisitor>(_visitor: V) -> Option<V::Output> {
        None
    }
}

/// Is handed the marker type of an operation by `with_endpoint`, for code that
/// starts from an `Op` value and needs the operation's types.
pub trait EndpointVisitor {
    type Output;
    fn visit<E: Endpoint>(self) -> Self::Output;
}

/// The body of an operation that reads none. It is sent as `{}`: a POST
/// without a body of its own still carries a JSON object, like every other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoBody;

/// The query string of an operation that reads none: it encodes as nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoQuery;

/// An empty JSON object, for both: what `{}` and an empty query string are.
fn empty_object<S: Serializer>(serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_map(Some(0))?.end()
}

impl Serialize for NoBody {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        empty_object(serializer)
    }
}

impl Serialize for NoQuery {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        empty_object(serializer)
    }
}

/// The answer of an operation that answers `204 No Content` (sign-out). A
/// client reads an empty body as `null`, which this accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub struct NoContent;

/// An answer that is not a model type: the CSV export, a receipt file, this
/// API's OpenAPI document. The SPA links to these rather than fetching them,
/// so the browser saves or shows them itself; decoding one keeps nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RawBody;

impl<'de> Deserialize<'de> for RawBody {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(deserializer).map(|_| RawBody)
    }
}

/// A `text/csv` body (the register extract the directory import reads): the
/// text itself, not JSON, so a client sends it as it is.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct CsvText(pub String);
