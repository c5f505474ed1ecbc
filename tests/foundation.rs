//! Foundation: sign-in under every role, sessions, errors, isolation
//! between communities and units, demo seeding, the web shell's security.

use crate::common::*;
use linli_model::{BuildingInfo, ErrorCode, Me, Role, Trade};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

#[tokio::test]
async fn every_demo_account_signs_in_and_sees_its_role_and_place() {
    let s = TestServer::start().await;
    // Each check sees the typed answer and its JSON (for fields left out).
    type Check<'a> = (&'a str, Role, &'a dyn Fn(&Me, &Value));
    let expect: &[Check] = &[
        (RESIDENT, Role::Resident, &|me, _| {
            let unit = me.unit.as_ref().unwrap();
            assert_eq!(unit.number, "101");
            assert_eq!(unit.building.number, "1");
            assert!(!me.elder_mode);
        }),
        (RESIDENT_B2, Role::Resident, &|me, _| {
            let unit = me.unit.as_ref().unwrap();
            assert_eq!(unit.number, "201");
            assert_eq!(unit.building.number, "2");
        }),
        (ELDER, Role::Resident, &|me, _| {
            assert_eq!(me.unit.as_ref().unwrap().number, "102");
            assert!(me.elder_mode);
        }),
        (BUTLER, Role::Butler, &|me, _| {
            let numbers: Vec<&str> = me.buildings.iter().map(|b| b.number.as_str()).collect();
            assert_eq!(numbers, vec!["1", "2"]);
        }),
        (BUTLER_B3, Role::Butler, &|me, _| {
            assert_eq!(me.buildings[0].number, "3");
            assert_eq!(me.buildings.len(), 1);
        }),
        (WORKER, Role::Worker, &|me, _| {
            assert_eq!(me.trades, vec![Trade::Plumbing, Trade::Electric]);
        }),
        (GUARD, Role::Guard, &|me, _| assert_eq!(me.gate.as_deref(), Some("north"))),
        (DUTY, Role::Duty, &|_, json| assert!(json.get("unit").is_none())),
        (ADMIN, Role::Admin, &|_, json| assert!(json.get("unit").is_none())),
    ];
    for (phone, role, check) in expect {
        let user = s.user(phone).await;
        assert!(user.token().len() >= 43, "token has at least 256 bits");
        let (me, json) = user.get_with_json::<Me>("/api/v1/me").await.unwrap();
        assert_eq!(me.role, *role, "{phone}");
        assert_eq!(me.community.name, "阳光花园");
        assert_eq!(me.phone, format!("{}****{}", &phone[..3], &phone[7..]), "own phone is masked");
        check(&me, &json);
    }
}

#[tokio::test]
async fn bad_credentials_get_401_and_the_envelope_in_the_callers_language() {
    let s = TestServer::start().await;
    for (phone, password) in [(RESIDENT, "wrong-password"), ("13811112222", PASSWORD)] {
        let res = s
            .req(Method::POST, "/api/v1/auth/login", None)
            .json(&json!({ "phone": phone, "password": password }))
            .send()
            .await
            .unwrap();
        let (status, body) = split(res).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(error_code(&body), "invalid_credentials", "same answer whether or not the phone exists");
        assert_eq!(body["error"]["message"], "手机号或密码不正确");
    }
    let res = s
        .req(Method::POST, "/api/v1/auth/login", None)
        .header(header::ACCEPT_LANGUAGE, "en-US,en;q=0.9")
        .json(&json!({ "phone": RESIDENT, "password": "nope" }))
        .send()
        .await
        .unwrap();
    let (_, body) = split(res).await;
    assert_eq!(body["error"]["message"], "Wrong phone number or password.");
}

#[tokio::test]
async fn malformed_input_gets_400_415_or_422_never_500() {
    let s = TestServer::start().await;
    let login = || s.req(Method::POST, "/api/v1/auth/login", None);

    let (status, body) =
        split(login().header(header::CONTENT_TYPE, "application/json").body("{not json").send().await.unwrap()).await;
    assert_eq!((status, error_code(&body)), (StatusCode::BAD_REQUEST, "bad_request"));

    let (status, body) = split(login().body(r#"{"phone":"1","password":"x"}"#).send().await.unwrap()).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media"));

    let (status, body) = split(login().json(&json!({ "phone": RESIDENT })).send().await.unwrap()).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid"));

    let (status, body) = split(login().json(&json!({ "phone": "12345", "password": "x" })).send().await.unwrap()).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid"));
    assert_eq!(body["error"]["detail"], "phone");

    let (status, body) = split(s.req(Method::GET, "/api/v1/no-such-thing", None).send().await.unwrap()).await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "not_found"));
}

#[tokio::test]
async fn missing_forged_and_revoked_tokens_get_401() {
    let s = TestServer::start().await;
    let (status, body) = split(s.req(Method::GET, "/api/v1/me", None).send().await.unwrap()).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, "unauthenticated"));

    let forged = s.with_token("Zm9yZ2VkLXRva2VuLXRoYXQtbG9va3MtcmVhbC1lbm91Z2gtMTIzNDU2Nzg");
    let err = forged.me().await.unwrap_err();
    assert_eq!((err.status, err.code), (StatusCode::UNAUTHORIZED, ErrorCode::SessionExpired));

    let user = s.user(RESIDENT).await;
    let other = s.user(RESIDENT).await;
    assert_ne!(user.token(), other.token(), "each login issues a fresh token");
    user.sign_out().await.unwrap();
    let err = user.me().await.unwrap_err();
    assert_eq!(
        (err.status, err.code),
        (StatusCode::UNAUTHORIZED, ErrorCode::SessionExpired),
        "a token is dead after logout"
    );
    other.me().await.expect("logging out one session leaves the others");
}

#[tokio::test]
async fn sessions_expire_when_idle_and_at_their_absolute_age() {
    let (mut c, tmp) = config();
    c.session_max_secs = 1;
    let s = TestServer::start_with(c, tmp).await;
    let user = s.user(RESIDENT).await;
    user.me().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let err = user.me().await.unwrap_err();
    assert_eq!((err.status, err.code), (StatusCode::UNAUTHORIZED, ErrorCode::SessionExpired));

    let (mut c, tmp) = config();
    c.session_idle_secs = 1;
    let s = TestServer::start_with(c, tmp).await;
    let user = s.user(RESIDENT).await;
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    assert_eq!(user.me().await.unwrap_err().status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn repeated_failed_logins_are_rate_limited() {
    let s = TestServer::start().await;
    for _ in 0..5 {
        assert_eq!(s.sign_in(RESIDENT_B2, "guess").await.err().map(|e| e.status), Some(StatusCode::UNAUTHORIZED));
    }
    let err = s.sign_in(RESIDENT_B2, "guess").await.err().unwrap();
    assert_eq!((err.status, err.code), (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited));
    let err = s.sign_in(RESIDENT_B2, PASSWORD).await.err().unwrap();
    assert_eq!(err.status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits out the window");
    // Other accounts are unaffected.
    s.user(RESIDENT).await;
}

#[tokio::test]
async fn residents_see_their_own_unit_and_nothing_of_other_units_or_communities() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let other_community = s.user(OTHER_RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let butler_b3 = s.user(BUTLER_B3).await;
    let admin = s.user(ADMIN).await;
    let other_admin = s.user(OTHER_ADMIN).await;

    let own_unit = resident.me().await.unwrap().unit.unwrap().id;
    let neighbour_unit = s.user(RESIDENT_B2).await.me().await.unwrap().unit.unwrap().id;

    let unit = resident.unit(&own_unit).await.unwrap();
    assert_eq!(unit.residents[0].name, "张伟");
    assert_eq!(unit.residents[0].phone, "138****0001", "phones are masked in lists");

    for (user, who) in [
        (&resident, "another unit's resident"),
        (&other_community, "another community's resident"),
        (&butler_b3, "another building's butler"),
        (&other_admin, "another community's admin"),
    ] {
        let err = user.unit(&neighbour_unit).await.unwrap_err();
        assert_eq!((err.status, err.code), (StatusCode::NOT_FOUND, ErrorCode::NotFound), "{who}");
    }
    butler.unit(&neighbour_unit).await.expect("its butler sees it");
    admin.unit(&neighbour_unit).await.expect("the admin sees it");
    assert_eq!(admin.unit("does-not-exist").await.unwrap_err().status, StatusCode::NOT_FOUND);

    let buildings = other_community.buildings().await.unwrap();
    let names: Vec<&str> = buildings.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, vec!["1号楼"], "翠湖苑 has one building and sees only it");
    let (buildings, json) = resident.get_with_json::<Vec<BuildingInfo>>("/api/v1/buildings").await.unwrap();
    assert_eq!(buildings.len(), 3);
    let own = buildings[0].butler.as_ref().unwrap();
    assert_eq!(own.name, "李明");
    assert_eq!(own.phone_full.as_deref(), Some("13900000001"), "residents may call their own butler");
    assert!(json[2]["butler"].get("phone_full").is_none(), "but not other buildings' butlers");
}

#[tokio::test]
async fn seeding_the_demo_twice_changes_nothing() {
    let s = TestServer::start().await;
    let count = |b: linli_backend::Backend| async move {
        let mut res = b.db().query("SELECT count() AS n FROM user GROUP ALL").await.unwrap();
        let n: Option<i64> = res.take((0, "n")).unwrap();
        n.unwrap_or(0)
    };
    let before = count(s.backend.clone()).await;
    assert_eq!(before, 14);
    assert_eq!(s.backend.seed_demo(false).await.unwrap(), 0, "nothing created the second time");
    assert_eq!(count(s.backend.clone()).await, before);
    s.login(RESIDENT).await;
}

#[tokio::test]
async fn a_restarted_server_on_disk_keeps_its_data_and_does_not_reseed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, tmp) = config();
    c.db = format!("surrealkv://{}", dir.path().join("db").display());
    let s = TestServer::start_with(c.clone(), tmp).await;
    let token = s.login(RESIDENT).await;
    s.stop().await;

    let tmp = tempfile::tempdir().unwrap();
    let s = TestServer::start_with(c, tmp).await;
    let me = s.with_token(token).me().await.expect("the session survived the restart");
    assert_eq!(me.name, "张伟");
    assert_eq!(s.backend.seed_demo(false).await.unwrap(), 0);
}

#[tokio::test]
async fn health_check_answers() {
    let s = TestServer::start().await;
    let res = s.req(Method::GET, "/healthz", None).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().get("x-request-id").is_some(), "every response carries its request id");
}

#[tokio::test]
async fn web_login_sets_a_safe_cookie_and_the_home_page_renders_in_chinese() {
    let s = TestServer::start().await;
    let res = s
        .req(Method::POST, "/forms/login", None)
        .form(&[("phone", RESIDENT), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/");
    let cookie = res.headers()[header::SET_COOKIE].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let session = cookie.split(';').next().unwrap().to_string();

    let res = s.req(Method::GET, "/", None).header(header::COOKIE, &session).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_string();
    assert_eq!(res.headers()[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(res.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"<html lang="zh-CN""#), "Chinese by default");
    assert!(html.contains("张伟") && html.contains("一键报修"));
    let nonce = csp.split("'nonce-").nth(1).and_then(|r| r.split('\'').next()).unwrap();
    assert!(html.contains(&format!(r#"nonce="{nonce}""#)), "the hydration script carries the CSP nonce");

    // The same cookie, posted from another site, is refused.
    let res = s
        .req(Method::POST, "/forms/logout", None)
        .header(header::COOKIE, &session)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_web_login_form_reports_errors_and_signed_out_visitors_are_sent_to_it() {
    let s = TestServer::start().await;
    let res = s
        .req(Method::POST, "/forms/login", None)
        .form(&[("phone", RESIDENT), ("password", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let location = res.headers()[header::LOCATION].to_str().unwrap().to_string();
    assert!(location.starts_with("/login?error=err_invalid_credentials"), "{location}");
    let html = s.req(Method::GET, &location, None).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("手机号或密码不正确"));

    let res = s.req(Method::GET, "/", None).send().await.unwrap();
    assert!(res.status().is_redirection(), "a real redirect, before any rendering");
    assert_eq!(res.headers()[header::LOCATION], "/login");
    let res = s.req(Method::GET, "/repairs/new", None).send().await.unwrap();
    assert_eq!(res.headers()[header::LOCATION], "/login?next=/repairs/new", "and back after signing in");

    let res = s.req(Method::GET, "/login", None).header(header::COOKIE, "linli_lang=en").send().await.unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"<html lang="en""#) && html.contains("Sign in to Linli"));
}

/// Pages keep rendering while other servers are built in the same process
/// (as this test binary does all the time): building a server must not park
/// the data loading of a page another server is rendering (leptos issue
/// #4773: route generation flips a process-global switch that hangs any
/// resource first polled meanwhile).
#[tokio::test]
async fn pages_render_while_another_server_is_built() {
    let s = TestServer::start().await;
    let cookie = s.web_login(RESIDENT).await;
    let building = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let builder = {
        let building = building.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            for _ in 0..6 {
                let (config, _tmp) = config();
                rt.block_on(linli_server::Server::build(config)).expect("server builds");
            }
            building.store(false, std::sync::atomic::Ordering::SeqCst);
        })
    };
    let mut rendered = 0;
    while building.load(std::sync::atomic::Ordering::SeqCst) || rendered == 0 {
        let res = tokio::time::timeout(
            std::time::Duration::from_secs(20),
            s.req(Method::GET, "/repairs", None).header(header::COOKIE, &cookie).send(),
        )
        .await
        .expect("the page answers within 20 s while another server is built")
        .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body = tokio::time::timeout(std::time::Duration::from_secs(20), res.text())
            .await
            .expect("the page's body ends within 20 s")
            .unwrap();
        assert!(body.contains("</html>"), "a whole page");
        rendered += 1;
    }
    builder.join().expect("builder thread");
    assert!(rendered > 1, "pages were rendered during the builds ({rendered})");
}
