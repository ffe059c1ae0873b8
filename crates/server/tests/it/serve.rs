//! The real server: the loopback rule, and requests over TCP against a SQLite database file.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use server::{ServerConfig, ServerError, StoreOpener};
use store::{ImportSource, SqliteStore, Store};

use crate::support::{HOSTILE, plant};

fn never_opened() -> StoreOpener {
    Arc::new(|| Err(store::StoreError::Refused("not used".into())))
}

#[tokio::test]
async fn refuses_to_listen_beyond_loopback() {
    for listen in ["0.0.0.0:0", "[::]:0", "192.0.2.1:8080"] {
        let config = ServerConfig { listen: listen.parse().unwrap(), db_path: PathBuf::from("x.db") };
        let err = server::serve(config, never_opened(), async {}).await.unwrap_err();
        assert!(matches!(err, ServerError::NotLoopback { .. }), "{listen}: {err}");
        let msg = err.to_string();
        assert!(msg.contains("authentication is not configured"), "{msg}");
        assert!(msg.contains("beyond loopback is refused"), "{msg}");
    }
}

/// One HTTP/1.1 GET over a plain socket on loopback; returns status line and body.
fn http_get(addr: std::net::SocketAddr, path: &str) -> (String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    (head.lines().next().unwrap().to_string(), body.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_a_sqlite_database_on_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("plant.db");
    let source =
        ImportSource { kind: "test".into(), path: "test".into(), digest: None, at: "2024-01-01T00:00:00Z".into() };
    SqliteStore::open(&db).unwrap().import_plant(&plant(), &source).unwrap();

    let path = db.clone();
    let opener: StoreOpener = Arc::new(move || Ok(Box::new(SqliteStore::open_read_only(&path)?) as Box<dyn Store>));
    let config = ServerConfig { listen: "127.0.0.1:0".parse().unwrap(), db_path: db.clone() };
    let listener = server::bind(&config).await.unwrap();
    let addr = listener.local_addr().unwrap();
    assert!(addr.ip().is_loopback());

    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        server::serve_on(listener, &config, opener, async {
            let _ = stopped.await;
        })
        .await
    });

    let (health, overview, asset, page) = tokio::task::spawn_blocking(move || {
        (
            http_get(addr, "/api/v1/health"),
            http_get(addr, "/"),
            http_get(addr, "/api/v1/assets/SCADA-1"),
            http_get(addr, "/api/v1/assets?limit=3&after=PLC-05"),
        )
    })
    .await
    .unwrap();

    assert!(health.0.contains("200"), "{health:?}");
    let v: serde_json::Value = serde_json::from_str(&health.1).unwrap();
    assert_eq!((v["assets"].as_u64(), v["zones"].as_u64()), (Some(16), Some(5)));

    assert!(overview.0.contains("200"));
    assert!(overview.1.contains("<h3>Level 3.5"));
    assert!(overview.1.contains("plant.db"), "the footer names the database");
    assert!(!overview.1.contains("<script"));

    let v: serde_json::Value = serde_json::from_str(&asset.1).unwrap();
    assert_eq!(v["name"], HOSTILE);
    assert_eq!(v["identity"]["model"], "6AV6 381-1BM06-0AV0");

    let v: serde_json::Value = serde_json::from_str(&page.1).unwrap();
    let ids: Vec<&str> = v["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["PLC-06", "PLC-07", "PLC-08"]);
    assert_eq!(v["next"], "PLC-08");
    assert_eq!(v["total"], 16);

    stop.send(()).unwrap();
    task.await.unwrap().unwrap();
}
