//! The test harness: the real server (router, services, embedded
//! SurrealDB) on a real socket, driven over HTTP as a client would.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    reason = "test helpers: each suite uses some of them, and a panic is how a test fails"
)]

pub mod client;

use std::{net::SocketAddr, path::PathBuf};

use linli_server::{Config, Server};
use reqwest::{Client, Method, RequestBuilder, StatusCode, redirect::Policy};
use serde_json::{Value, json};
use tokio::{sync::oneshot, task::JoinHandle};

pub use client::User;

pub const PASSWORD: &str = "linli-demo";
pub const RESIDENT: &str = "13800000001";
pub const RESIDENT_B2: &str = "13800000002";
pub const ELDER: &str = "13800000003";
pub const BUTLER: &str = "13900000001";
pub const BUTLER_B3: &str = "13900000002";
pub const WORKER: &str = "13700000001";
pub const GUARD: &str = "13600000001";
pub const DUTY: &str = "13500000001";
pub const ADMIN: &str = "13400000001";
/// The second demo community (翠湖苑).
pub const OTHER_RESIDENT: &str = "13800000011";
pub const OTHER_BUTLER: &str = "13900000011";
pub const OTHER_GUARD: &str = "13600000011";
pub const OTHER_ADMIN: &str = "13400000011";

pub struct TestServer {
    pub addr: SocketAddr,
    pub base: String,
    pub client: Client,
    pub backend: linli_backend::Backend,
    pub media_dir: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    _tmp: tempfile::TempDir,
}

/// Every log line of every server in this test binary, at `info` and above
/// (what an operator's default `LINLI_LOG=info` keeps), so a test can
/// check that nothing secret was ever logged. Shown in the test output
/// too when `LINLI_TEST_LOG` is set (`LINLI_TEST_LOG=debug cargo test ...`).
static LOGS: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());

struct LogWriter;

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut logs) = LOGS.lock() {
            logs.extend_from_slice(buf);
        }
        if std::env::var_os("LINLI_TEST_LOG").is_some() {
            eprint!("{}", String::from_utf8_lossy(buf));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn init_logs() {
    let filter = std::env::var("LINLI_TEST_LOG").unwrap_or_else(|_| "info".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_ansi(false)
        .with_writer(|| LogWriter)
        .try_init();
}

/// Everything logged so far by any server of this test binary.
pub fn logged() -> String {
    LOGS.lock().map(|l| String::from_utf8_lossy(&l).into_owned()).unwrap_or_default()
}

/// A test configuration: in-memory database, demo data, own media folder.
///
/// With `LINLI_TEST_DB=ws://host:port` every test runs against that remote
/// SurrealDB instead (`scripts/remote-db.sh`), each in a database of its own.
pub fn config() -> (Config, tempfile::TempDir) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut c = Config::for_tests();
    c.media_dir = tmp.path().join("media");
    if let Ok(url) = std::env::var("LINLI_TEST_DB") {
        c.db = url;
        c.db_name = format!("test_{}", rand::random::<u64>());
    }
    (c, tmp)
}

impl TestServer {
    pub async fn start() -> Self {
        let (c, tmp) = config();
        Self::start_with(c, tmp).await
    }

    pub async fn start_with(config: Config, tmp: tempfile::TempDir) -> Self {
        init_logs();
        let media_dir = config.media_dir.clone();
        let server = Server::build(config).await.expect("server builds");
        let backend = server.backend.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(server.serve(listener, async {
            let _ = rx.await;
        }));
        // A request that never completes fails its test with this timeout
        // (naming the request) instead of hanging the whole run; the
        // longest request or stream a test holds is well under it.
        let client = Client::builder()
            .redirect(Policy::none())
            .timeout(std::time::Duration::from_secs(90))
            .build()
            .expect("client");
        Self {
            addr,
            base: format!("http://{addr}"),
            client,
            backend,
            media_dir,
            stop: Some(tx),
            task: Some(task),
            _tmp: tmp,
        }
    }

    /// Stops serving and waits until the server has let go of everything.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn req(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let r = self.client.request(method, self.url(path));
        match token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }

    /// Signs in over the JSON API and returns the bearer token (for the
    /// live stream and raw requests; [`TestServer::user`] gives a handle).
    pub async fn login(&self, phone: &str) -> String {
        let res = self
            .req(Method::POST, "/api/v1/auth/login", None)
            .json(&json!({ "phone": phone, "password": PASSWORD }))
            .send()
            .await
            .expect("login request");
        assert_eq!(res.status(), StatusCode::OK, "login of {phone}");
        let body: Value = res.json().await.expect("login json");
        body["token"].as_str().expect("token").to_string()
    }

    /// Signs in through the web form and returns the session cookie as a
    /// `Cookie` header value.
    pub async fn web_login(&self, phone: &str) -> String {
        let res = self
            .req(Method::POST, "/forms/login", None)
            .form(&[("phone", phone), ("password", PASSWORD)])
            .send()
            .await
            .expect("web login");
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "web login of {phone}");
        res.headers()[reqwest::header::SET_COOKIE]
            .to_str()
            .expect("cookie")
            .split(';')
            .next()
            .expect("cookie pair")
            .to_string()
    }

    /// `GET path` as raw JSON, for tests of the API's shape and of hostile
    /// traffic; other tests use the typed client ([`TestServer::user`]).
    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        let res = self.req(Method::GET, path, Some(token)).send().await.expect("request");
        split(res).await
    }

    /// `POST path` as raw JSON (see [`TestServer::get`]).
    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        let res = self.req(Method::POST, path, Some(token)).json(&body).send().await.expect("request");
        split(res).await
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// Status and JSON body (`Value::Null` when the body is not JSON).
pub async fn split(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Asserts the API's error envelope and returns its code.
pub fn error_code(body: &Value) -> &str {
    let err = &body["error"];
    assert!(err["message"].as_str().is_some_and(|m| !m.is_empty()), "error has a message: {body}");
    err["code"].as_str().unwrap_or_else(|| panic!("error envelope expected, got {body}"))
}

// ------------------------------------------------------------ photos

/// A JPEG of `w`×`h` whose left half is red and right half blue, so a test
/// can tell which way up it is served.
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img =
        image::RgbImage::from_fn(
            w,
            h,
            |x, _| if x < w / 2 { image::Rgb([220, 20, 20]) } else { image::Rgb([20, 20, 220]) },
        );
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// `jpeg` with an EXIF block carrying Orientation 6 (the camera was turned:
/// rotate 90° clockwise to view) and a GPS position, as phones write them.
pub fn jpeg_with_exif_gps(w: u32, h: u32) -> Vec<u8> {
    let plain = jpeg(w, h);
    // TIFF, little endian: IFD0 { Orientation = 6, GPSInfo -> GPS IFD },
    // GPS IFD { LatitudeRef = "N", Latitude = 31/1, 14/1, 0/1 }.
    let mut t: Vec<u8> = Vec::new();
    t.extend_from_slice(b"II*\0");
    t.extend_from_slice(&8u32.to_le_bytes());
    // IFD0 at 8: 2 entries
    t.extend_from_slice(&2u16.to_le_bytes());
    t.extend_from_slice(&0x0112u16.to_le_bytes()); // Orientation
    t.extend_from_slice(&3u16.to_le_bytes()); // SHORT
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&6u16.to_le_bytes());
    t.extend_from_slice(&0u16.to_le_bytes());
    let gps_ifd_offset: u32 = 8 + 2 + 12 * 2 + 4;
    t.extend_from_slice(&0x8825u16.to_le_bytes()); // GPSInfo
    t.extend_from_slice(&4u16.to_le_bytes()); // LONG
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&gps_ifd_offset.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    // GPS IFD: 2 entries
    let rationals_offset: u32 = gps_ifd_offset + 2 + 12 * 2 + 4;
    t.extend_from_slice(&2u16.to_le_bytes());
    t.extend_from_slice(&0x0001u16.to_le_bytes()); // GPSLatitudeRef
    t.extend_from_slice(&2u16.to_le_bytes()); // ASCII
    t.extend_from_slice(&2u32.to_le_bytes());
    t.extend_from_slice(b"N\0\0\0");
    t.extend_from_slice(&0x0002u16.to_le_bytes()); // GPSLatitude
    t.extend_from_slice(&5u16.to_le_bytes()); // RATIONAL
    t.extend_from_slice(&3u32.to_le_bytes());
    t.extend_from_slice(&rationals_offset.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    for (n, d) in [(31u32, 1u32), (14, 1), (0, 1)] {
        t.extend_from_slice(&n.to_le_bytes());
        t.extend_from_slice(&d.to_le_bytes());
    }
    let mut app1 = Vec::new();
    app1.extend_from_slice(b"Exif\0\0");
    app1.extend_from_slice(&t);
    let len = (app1.len() + 2) as u16;
    let mut out = Vec::new();
    out.extend_from_slice(&plain[..2]); // SOI
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[2..]);
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A PNG that claims `w`×`h` pixels but carries almost no data: a
/// decompression bomb as far as any decoder that trusts it is concerned.
pub fn png_header_only(w: u32, h: u32) -> Vec<u8> {
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut c = Vec::new();
        c.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        c.extend_from_slice(&body);
        c.extend_from_slice(&crc32(&body).to_be_bytes());
        c
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &ihdr));
    out.extend(chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
    out.extend(chunk(b"IEND", &[]));
    out
}

impl TestServer {
    /// Files in the media folder (photos actually stored).
    pub fn media_files(&self) -> usize {
        std::fs::read_dir(&self.media_dir).map(|d| d.count()).unwrap_or(0)
    }

    /// Opens the live stream as `token`'s owner.
    pub async fn stream(&self, token: &str, last_event_id: Option<&str>) -> SseClient {
        let mut req = self.req(Method::GET, "/api/v1/stream", Some(token)).header("accept", "text/event-stream");
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        SseClient::new(res)
    }
}

// ------------------------------------------------------------ live stream

/// One server-sent event. The SSE `data:` field is one flat object: the
/// event's own fields with the envelope's `kind` and `at`. A `data:` field
/// that is not strict JSON (a duplicate key anywhere, which serde_json
/// would silently collapse) reads as `Null`, so every assertion on it fails.
#[derive(Debug, Clone)]
pub struct SseEvent {
    pub id: Option<String>,
    pub event: String,
    pub data: Value,
    /// The `data:` field as sent.
    pub raw: String,
    pub received: std::time::Instant,
}

/// Parses JSON refusing any object with a key twice (serde_json's own
/// `Value` keeps the last one silently).
pub fn strict_json(text: &str) -> Result<Value, String> {
    use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
    use std::fmt;

    struct Strict;
    impl<'de> DeserializeSeed<'de> for Strict {
        type Value = Value;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
            d.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for Strict {
        type Value = Value;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("JSON without duplicate keys")
        }
        fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
            Ok(Value::Bool(v))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
            Ok(v.into())
        }
        fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
            Ok(v.into())
        }
        fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
            Ok(v.into())
        }
        fn visit_str<E>(self, v: &str) -> Result<Value, E> {
            Ok(Value::String(v.to_string()))
        }
        fn visit_string<E>(self, v: String) -> Result<Value, E> {
            Ok(Value::String(v))
        }
        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_none<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let mut out = Vec::new();
            while let Some(v) = seq.next_element_seed(Strict)? {
                out.push(v);
            }
            Ok(Value::Array(out))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let mut out = serde_json::Map::new();
            while let Some(key) = map.next_key::<String>()? {
                let v = map.next_value_seed(Strict)?;
                if out.insert(key.clone(), v).is_some() {
                    return Err(serde::de::Error::custom(format!("duplicate key {key:?}")));
                }
            }
            Ok(Value::Object(out))
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let v = Strict.deserialize(&mut de).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(v)
}

/// A minimal server-sent-events client over a reqwest response.
pub struct SseClient {
    rx: tokio::sync::mpsc::UnboundedReceiver<SseEvent>,
    task: JoinHandle<()>,
}

impl SseClient {
    pub fn new(res: reqwest::Response) -> Self {
        use futures::StreamExt;
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let task = tokio::spawn(async move {
            let mut body = res.bytes_stream();
            let mut buf = String::new();
            while let Some(Ok(chunk)) = body.next().await {
                buf.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buf.find("\n\n") {
                    let block: String = buf.drain(..end + 2).collect();
                    let (mut id, mut event, mut data) = (None, String::from("message"), String::new());
                    for line in block.lines() {
                        if let Some(v) = line.strip_prefix("id:") {
                            id = Some(v.trim().to_string());
                        } else if let Some(v) = line.strip_prefix("event:") {
                            event = v.trim().to_string();
                        } else if let Some(v) = line.strip_prefix("data:") {
                            data.push_str(v.trim_start());
                        }
                    }
                    if data.is_empty() && id.is_none() {
                        continue; // heartbeat comment
                    }
                    let (raw, data) = (data.clone(), strict_json(&data).unwrap_or(Value::Null));
                    let received = std::time::Instant::now();
                    if tx.send(SseEvent { id, event, data, raw, received }).is_err() {
                        return;
                    }
                }
            }
        });
        Self { rx, task }
    }

    /// The next event, or `None` after `within`.
    pub async fn next(&mut self, within: std::time::Duration) -> Option<SseEvent> {
        tokio::time::timeout(within, self.rx.recv()).await.ok().flatten()
    }

    /// Whether the server ends the stream within `within` (events that
    /// arrive meanwhile are skipped).
    pub async fn ends_within(&mut self, within: std::time::Duration) -> bool {
        let deadline = std::time::Instant::now() + within;
        while std::time::Instant::now() < deadline {
            if self.task.is_finished() {
                return true;
            }
            let _ = tokio::time::timeout(std::time::Duration::from_millis(50), self.rx.recv()).await;
        }
        self.task.is_finished()
    }

    /// The next event of `kind` (skipping others), or `None` after `within`.
    pub async fn next_of(&mut self, kind: &str, within: std::time::Duration) -> Option<SseEvent> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let e = self.next(left).await?;
            if e.event == kind {
                return Some(e);
            }
        }
    }
}

impl Drop for SseClient {
    fn drop(&mut self) {
        self.task.abort();
    }
}

// ------------------------------------------------------------ fakes

/// A fake SMS gateway on loopback: records every JSON body posted to it.
pub struct FakeGateway {
    pub url: String,
    pub received: std::sync::Arc<std::sync::Mutex<Vec<Value>>>,
    _task: JoinHandle<()>,
}

impl FakeGateway {
    pub async fn start() -> Self {
        let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let store = received.clone();
        let app = axum::Router::new().route(
            "/send",
            axum::routing::post(move |axum::Json(body): axum::Json<Value>| {
                let store = store.clone();
                async move {
                    store.lock().unwrap().push(body);
                    axum::http::StatusCode::OK
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/send", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { url, received, _task: task }
    }

    pub fn messages(&self) -> Vec<Value> {
        self.received.lock().unwrap().clone()
    }
}

/// Every row of every table, by table, in id order: the whole content.
pub async fn dump(db: &linli_backend::db::Db) -> Vec<(String, Vec<Value>)> {
    let mut res = db.query("INFO FOR DB").await.unwrap();
    let info: Option<Value> = res.take(0).unwrap();
    let mut tables: Vec<String> = info.unwrap()["tables"].as_object().unwrap().keys().cloned().collect();
    tables.sort();
    let mut out = Vec::new();
    for t in tables {
        let mut res = db.query("SELECT * FROM type::table($t) ORDER BY id").bind(("t", t.clone())).await.unwrap();
        let rows: Vec<Value> = res.take(0).unwrap();
        out.push((t, rows));
    }
    out
}
