//! The HTTP side of Patchwise: a JSON API under `/api/v1/` and a server-rendered dashboard that
//! works without JavaScript.
//!
//! The server only reads. Every request opens its own store through the caller's opener and runs
//! the store calls on tokio's blocking pool, so a slow query never stalls the event loop and no
//! connection or transaction is shared between requests.
//!
//! There is no authentication yet, so the server refuses to listen anywhere but on a loopback
//! address, and it answers only requests whose `Host` names a loopback host (which defeats DNS
//! rebinding from a web page in the user's browser). It must never grow an endpoint that changes
//! data or touches plant equipment before authentication exists.
//!
//! Layout: `api` holds the JSON handlers, `pages` one module per HTML page, `html` the escaping
//! markup builder every page writes through, `query` the asset-list and findings-list parameters
//! that API and pages share, `intel` what the intelligence API and pages share (our CVSS scores of
//! published vectors, the quality-listing limit), `exposure` the cached exposure analysis and the
//! parameters of its API and pages, `error` the error responses with their stable codes.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use store::{Store, StoreError};

mod api;
mod css;
mod decisions;
mod error;
mod exposure;
mod html;
mod intel;
mod pages;
mod query;

use error::{ErrorCode, Failure};

/// The version shown in the footer and in `/api/v1/health`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Opens a store for one request. Called on a blocking thread, once per request.
pub type StoreOpener = Arc<dyn Fn() -> Result<Box<dyn Store>, StoreError> + Send + Sync>;

/// Where to listen and which database the opener reads (shown in the page footer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub db_path: PathBuf,
}

/// Why the server did not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(
        "refusing to listen on {addr}: authentication is not configured yet, so the server only \
         listens on a loopback address (127.0.0.1 or [::1]); binding beyond loopback is refused"
    )]
    NotLoopback { addr: SocketAddr },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("the server on {addr} failed: {source}")]
    Serve {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

/// Refuses every address that is not loopback. `0.0.0.0`, `::` and IPv4-mapped IPv6 addresses
/// are refused too.
pub fn check_listen(addr: SocketAddr) -> Result<(), ServerError> {
    if addr.ip().is_loopback() { Ok(()) } else { Err(ServerError::NotLoopback { addr }) }
}

/// Binds the configured address after [`check_listen`]. Use the listener's `local_addr` to learn
/// the port when the configuration asked for port 0.
pub async fn bind(config: &ServerConfig) -> Result<tokio::net::TcpListener, ServerError> {
    check_listen(config.listen)?;
    tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServerError::Bind { addr: config.listen, source })
}

/// Binds `config.listen` (loopback only) and serves until `shutdown` completes.
pub async fn serve(
    config: ServerConfig,
    opener: StoreOpener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let listener = bind(&config).await?;
    serve_on(listener, &config, opener, shutdown).await
}

/// Serves on an already bound listener until `shutdown` completes. The listener's address is
/// checked again: a listener bound elsewhere is refused like a configured address would be.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    config: &ServerConfig,
    opener: StoreOpener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let addr = listener.local_addr().map_err(|source| ServerError::Bind { addr: config.listen, source })?;
    check_listen(addr)?;
    let state = AppState {
        opener,
        database: Some(Arc::from(config.db_path.display().to_string())),
        exposure: Arc::default(),
        decisions: Arc::default(),
    };
    axum::serve(listener, build(state))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|source| ServerError::Serve { addr, source })
}

/// The application without a listener, for tests and embedding. The footer names no database.
pub fn router(opener: StoreOpener) -> Router {
    build(AppState { opener, database: None, exposure: Arc::default(), decisions: Arc::default() })
}

/// What every handler gets.
#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) opener: StoreOpener,
    /// Shown in the page footer so people know which database they are looking at.
    pub(crate) database: Option<Arc<str>>,
    /// The last exposure analysis, reused while the store's data version stays the same.
    pub(crate) exposure: Arc<exposure::Cache>,
    /// The last decisions, reused while the data version and the day stay the same.
    pub(crate) decisions: Arc<decisions::Cache>,
}

impl AppState {
    /// Opens a store and runs `f` on the blocking pool.
    pub(crate) async fn with_store<T, F>(&self, f: F) -> Result<T, Failure>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Store) -> Result<T, Failure> + Send + 'static,
    {
        let opener = self.opener.clone();
        tokio::task::spawn_blocking(move || {
            let store = opener().map_err(Failure::from)?;
            f(store.as_ref())
        })
        .await
        .map_err(|e| Failure::internal(format!("a store task did not finish: {e}")))?
    }

    pub(crate) fn database(&self) -> Option<&str> {
        self.database.as_deref()
    }
}

fn build(state: AppState) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .route("/static/patchwise.css", get(css::stylesheet))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(guard))
        .with_state(state)
}

async fn not_found(State(state): State<AppState>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    error::respond(&path, state.database(), Failure::not_found(format!("nothing is served at {path}")))
}

async fn method_not_allowed(State(state): State<AppState>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let failure = Failure::new(
        ErrorCode::MethodNotAllowed,
        format!("{} is not allowed on {path}; this server only reads (GET)", req.method()),
    );
    error::respond(&path, state.database(), failure)
}

/// Refuses requests addressed to a non-loopback host name, then adds the security headers to
/// every response.
async fn guard(req: Request, next: Next) -> Response {
    let host = req.headers().get(header::HOST).map(|h| h.to_str().map(str::to_string));
    let mut response = match host {
        Some(Ok(h)) if !is_loopback_host(&h) => {
            let failure = Failure::new(
                ErrorCode::Forbidden,
                format!(
                    "requests for host `{h}` are refused: without authentication this server answers only \
                     requests addressed to localhost, 127.0.0.1 or [::1]"
                ),
            );
            error::respond(req.uri().path(), None, failure)
        }
        Some(Err(_)) => error::respond(req.uri().path(), None, Failure::bad_request("the Host header is not text")),
        _ => next.run(req).await,
    };
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    response
}

/// Whether a `Host` header value (with or without port) names this machine.
fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        // `[::1]:8080`
        match rest.split_once(']') {
            Some((inside, _)) => inside,
            None => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        }
    };
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<std::net::IpAddr>().map(|ip| ip.is_loopback()).unwrap_or(false)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for ok in ["localhost", "LOCALHOST:8080", "127.0.0.1", "127.0.0.1:3000", "127.5.6.7:1", "[::1]", "[::1]:8080"] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in ["evil.example", "evil.example:80", "10.0.0.1", "[::2]:80", "[::1", "localhost.evil.example", ""] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }

    #[test]
    fn listen_addresses() {
        assert!(check_listen("127.0.0.1:0".parse().unwrap()).is_ok());
        assert!(check_listen("[::1]:0".parse().unwrap()).is_ok());
        assert!(check_listen("0.0.0.0:8080".parse().unwrap()).is_err());
        assert!(check_listen("[::]:8080".parse().unwrap()).is_err());
        assert!(check_listen("[::ffff:127.0.0.1]:8080".parse().unwrap()).is_err());
    }
}
