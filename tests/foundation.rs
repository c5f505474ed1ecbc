//! Foundation: sign-in under every role, sessions, errors, isolation
//! between communities and units, demo seeding, the web shell's security.

use crate::common::*;
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

#[tokio::test]
async fn every_demo_account_signs_in_and_sees_its_role_and_place() {
    let s = TestServer::start().await;
    type Check<'a> = (&'a str, &'a str, &'a dyn Fn(&Value));
    let expect: &[Check] = &[
        (RESIDENT, "resident", &|me| {
            assert_eq!(me["unit"]["number"], "101");
            assert_eq!(me["unit"]["building"]["number"], "1");
            assert_eq!(me["elder_mode"], false);
        }),
        (RESIDENT_B2, "resident", &|me| {
            assert_eq!(me["unit"]["number"], "201");
            assert_eq!(me["unit"]["building"]["number"], "2");
        }),
        (ELDER, "resident", &|me| {
            assert_eq!(me["unit"]["number"], "102");
            assert_eq!(me["elder_mode"], true);
        }),
        (BUTLER, "butler", &|me| {
            let numbers: Vec<&str> =
                me["buildings"].as_array().unwrap().iter().map(|b| b["number"].as_str().unwrap()).collect();
            assert_eq!(numbers, vec!["1", "2"]);
        }),
        (BUTLER_B3, "butler", &|me| {
            assert_eq!(me["buildings"][0]["number"], "3");
            assert_eq!(me["buildings"].as_array().unwrap().len(), 1);
        }),
        (WORKER, "worker", &|me| {
            assert_eq!(me["trades"], json!(["plumbing", "electric"]));
        }),
        (GUARD, "guard", &|me| assert_eq!(me["gate"], "north")),
        (DUTY, "duty", &|me| assert!(me.get("unit").is_none())),
        (ADMIN, "admin", &|me| assert!(me.get("unit").is_none())),
    ];
    for (phone, role, check) in expect {
        let token = s.login(phone).await;
        assert!(token.len() >= 43, "token has at least 256 bits");
        let (status, me) = s.get("/api/v1/me", &token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(me["role"], *role, "{phone}");
        assert_eq!(me["community"]["name"], "阳光花园");
        assert_eq!(me["phone"], format!("{}****{}", &phone[..3], &phone[7..]), "own phone is masked");
        check(&me);
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

    let (status, body) = s.get("/api/v1/me", "Zm9yZ2VkLXRva2VuLXRoYXQtbG9va3MtcmVhbC1lbm91Z2gtMTIzNDU2Nzg").await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, "session_expired"));

    let token = s.login(RESIDENT).await;
    let other = s.login(RESIDENT).await;
    assert_ne!(token, other, "each login issues a fresh token");
    let (status, _) = s.post("/api/v1/auth/logout", &token, json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = s.get("/api/v1/me", &token).await;
    assert_eq!(
        (status, error_code(&body)),
        (StatusCode::UNAUTHORIZED, "session_expired"),
        "a token is dead after logout"
    );
    let (status, _) = s.get("/api/v1/me", &other).await;
    assert_eq!(status, StatusCode::OK, "logging out one session leaves the others");
}

#[tokio::test]
async fn sessions_expire_when_idle_and_at_their_absolute_age() {
    let (mut c, tmp) = config();
    c.session_max_secs = 1;
    let s = TestServer::start_with(c, tmp).await;
    let token = s.login(RESIDENT).await;
    assert_eq!(s.get("/api/v1/me", &token).await.0, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let (status, body) = s.get("/api/v1/me", &token).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, "session_expired"));

    let (mut c, tmp) = config();
    c.session_idle_secs = 1;
    let s = TestServer::start_with(c, tmp).await;
    let token = s.login(RESIDENT).await;
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    assert_eq!(s.get("/api/v1/me", &token).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn repeated_failed_logins_are_rate_limited() {
    let s = TestServer::start().await;
    let attempt = |password: &'static str| {
        s.req(Method::POST, "/api/v1/auth/login", None)
            .json(&json!({ "phone": RESIDENT_B2, "password": password }))
            .send()
    };
    for _ in 0..5 {
        assert_eq!(attempt("guess").await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }
    let (status, body) = split(attempt("guess").await.unwrap()).await;
    assert_eq!((status, error_code(&body)), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    let (status, _) = split(attempt(PASSWORD).await.unwrap()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits out the window");
    // Other accounts are unaffected.
    s.login(RESIDENT).await;
}

#[tokio::test]
async fn residents_see_their_own_unit_and_nothing_of_other_units_or_communities() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let other_community = s.login(OTHER_RESIDENT).await;
    let butler = s.login(BUTLER).await;
    let butler_b3 = s.login(BUTLER_B3).await;
    let admin = s.login(ADMIN).await;
    let other_admin = s.login(OTHER_ADMIN).await;

    let (_, me) = s.get("/api/v1/me", &resident).await;
    let own_unit = me["unit"]["id"].as_str().unwrap().to_string();
    let (_, me2) = s.get("/api/v1/me", &s.login(RESIDENT_B2).await).await;
    let neighbour_unit = me2["unit"]["id"].as_str().unwrap().to_string();

    let (status, unit) = s.get(&format!("/api/v1/units/{own_unit}"), &resident).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(unit["residents"][0]["name"], "张伟");
    assert_eq!(unit["residents"][0]["phone"], "138****0001", "phones are masked in lists");

    for (token, who) in [
        (&resident, "another unit's resident"),
        (&other_community, "another community's resident"),
        (&butler_b3, "another building's butler"),
        (&other_admin, "another community's admin"),
    ] {
        let (status, body) = s.get(&format!("/api/v1/units/{neighbour_unit}"), token).await;
        assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "not_found"), "{who}");
    }
    assert_eq!(
        s.get(&format!("/api/v1/units/{neighbour_unit}"), &butler).await.0,
        StatusCode::OK,
        "its butler sees it"
    );
    assert_eq!(s.get(&format!("/api/v1/units/{neighbour_unit}"), &admin).await.0, StatusCode::OK, "the admin sees it");
    let (status, _) = s.get("/api/v1/units/does-not-exist", &admin).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (_, buildings) = s.get("/api/v1/buildings", &other_community).await;
    let names: Vec<&str> = buildings.as_array().unwrap().iter().map(|b| b["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["1号楼"], "翠湖苑 has one building and sees only it");
    let (_, buildings) = s.get("/api/v1/buildings", &resident).await;
    assert_eq!(buildings.as_array().unwrap().len(), 3);
    assert_eq!(buildings[0]["butler"]["name"], "李明");
    assert_eq!(buildings[0]["butler"]["phone_full"], "13900000001", "residents may call their own butler");
    assert!(buildings[2]["butler"].get("phone_full").is_none(), "but not other buildings' butlers");
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
    assert_eq!(s.backend.seed_demo().await.unwrap(), 0, "nothing created the second time");
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
    let (status, me) = s.get("/api/v1/me", &token).await;
    assert_eq!(status, StatusCode::OK, "the session survived the restart");
    assert_eq!(me["name"], "张伟");
    assert_eq!(s.backend.seed_demo().await.unwrap(), 0);
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
