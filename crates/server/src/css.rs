//! The dashboard's one stylesheet, written for this project and embedded in the binary so the
//! dashboard needs no files and no network. No third-party CSS, no web fonts, no CDN.

use axum::http::header;
use axum::response::IntoResponse;

/// The stylesheet text.
pub(crate) const STYLESHEET: &str = include_str!("patchwise.css");

/// `GET /static/patchwise.css`. Pages link it with `?v=VERSION`, so a long cache lifetime is safe.
pub(crate) async fn stylesheet() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")], STYLESHEET)
}
