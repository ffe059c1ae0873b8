//! Failures of a request and how they are answered: JSON `{"error":{"code","message"}}` under
//! `/api/`, an HTML page elsewhere. The codes are part of the API contract; never rename one.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use store::StoreError;

use crate::html::{self, Html};

/// The stable error codes of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorCode {
    NotFound,
    BadRequest,
    Forbidden,
    MethodNotAllowed,
    Internal,
}

impl ErrorCode {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Internal => "internal",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::BadRequest => StatusCode::BAD_REQUEST,
            ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "Not found",
            ErrorCode::BadRequest => "Bad request",
            ErrorCode::Forbidden => "Refused",
            ErrorCode::MethodNotAllowed => "Method not allowed",
            ErrorCode::Internal => "Internal error",
        }
    }
}

/// Why a request failed, in words for the person who sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Failure { code, message: message.into() }
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadRequest, message)
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        // The server is loopback-only, so the person reading this is the operator of the
        // database; the store's message names the file and the record, which is what they need.
        Failure::internal(format!("the store failed: {e}"))
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'static str,
    message: &'a str,
}

/// A failure answered as JSON.
pub(crate) struct ApiError(pub(crate) Failure);

impl From<Failure> for ApiError {
    fn from(f: Failure) -> Self {
        ApiError(f)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody { error: ErrorDetail { code: self.0.code.as_str(), message: &self.0.message } };
        (self.0.code.status(), Json(body)).into_response()
    }
}

/// A failure answered as an HTML page.
pub(crate) fn page(database: Option<&str>, failure: Failure) -> Response {
    let mut body = Html::new();
    body.el("h1", &[], failure.code.title());
    body.el("p", &[("class", "notice notice-bad")], &failure.message);
    body.open("p", &[]).link("/", "Back to the overview").close("p");
    let doc = html::document(failure.code.title(), None, database, &body);
    html::response(failure.code.status(), doc)
}

/// Answers in the representation the path implies: JSON under `/api/`, HTML elsewhere.
pub(crate) fn respond(path: &str, database: Option<&str>, failure: Failure) -> Response {
    if path == "/api" || path.starts_with("/api/") {
        ApiError(failure).into_response()
    } else {
        page(database, failure)
    }
}
