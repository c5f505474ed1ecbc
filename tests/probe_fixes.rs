//! Faults a hostile probe found in the day's features, each with the
//! behaviour that replaced it: a refused form without scripts comes back
//! to a page that shows why; text of combining marks alone is blank; lists
//! show phone numbers masked (the whole number only through the audited
//! reveal); a report period too long is refused for its length.

use crate::common::*;
use linli_model::{Lang, Msg, complaint::ComplaintAction as A};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

/// Posts a plain form as the web session `cookie`; the 303's target.
async fn post_form(s: &TestServer, cookie: &str, path: &str, fields: &[(&str, &str)]) -> String {
    let res = s.req(Method::POST, path, None).header(header::COOKIE, cookie).form(fields).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "POST {path}");
    res.headers()[header::LOCATION].to_str().unwrap().to_string()
}

/// Follows a refused form's redirect: the page must show the refusal's
/// message (in either language) as an alert.
async fn shows_refusal(s: &TestServer, cookie: &str, to: &str) {
    let key = to.split_once("error=").map(|(_, k)| k.split('&').next().unwrap_or_default()).expect("?error=");
    let msg: Msg = serde_json::from_value(json!(key)).unwrap_or_else(|e| panic!("{key}: {e}"));
    let html = s.req(Method::GET, to, None).header(header::COOKIE, cookie).send().await.unwrap().text().await.unwrap();
    let texts = [msg.text(Lang::Zh), msg.text(Lang::En)];
    assert!(
        html.contains("role=\"alert\"") && texts.iter().any(|t| html.contains(t)),
        "{to} does not show {key} ({})",
        texts[0]
    );
}

#[tokio::test]
async fn refused_forms_come_back_to_a_page_that_shows_why() {
    let s = TestServer::start().await;
    let butler = s.user(BUTLER).await;
    let id = butler.elder_id("李秀英").await;
    let cookie = s.web_login(BUTLER).await;

    // The visit forms without `back`: to the elder's staff page.
    let page = format!("/elders/{id}");
    let to = post_form(&s, &cookie, &format!("/forms/elders/{id}/visit-schedule"), &[("every_days", "1000")]).await;
    assert_eq!(to, format!("{page}?error=err_visit_interval"));
    shows_refusal(&s, &cookie, &to).await;
    let to = post_form(&s, &cookie, &format!("/forms/elders/{id}/visits"), &[("mode", "bogus")]).await;
    assert!(to.starts_with(&format!("{page}?error=")), "{to}");
    shows_refusal(&s, &cookie, &to).await;
    // Posted from the board (`back=/`): the board shows it.
    let to = post_form(&s, &cookie, &format!("/forms/elders/{id}/visits"), &[("mode", "bogus"), ("back", "/")]).await;
    assert!(to.starts_with("/?error="), "{to}");
    shows_refusal(&s, &cookie, &to).await;
    // Success goes back where it came from, without an error.
    let to = post_form(&s, &cookie, &format!("/forms/elders/{id}/visits"), &[("mode", "phone"), ("condition", "well")])
        .await;
    assert_eq!(to, page);

    // A `back` with a query of its own keeps it and adds the error.
    let to = post_form(
        &s,
        &cookie,
        &format!("/forms/elders/{id}/visit-schedule"),
        &[("every_days", "0"), ("back", &format!("{page}?cursor=x"))],
    )
    .await;
    assert_eq!(to, format!("{page}?cursor=x&error=err_visit_interval"));
    shows_refusal(&s, &cookie, &to).await;

    // Pausing a one-off pass is refused: the household's passes say so.
    let resident = s.user(RESIDENT).await;
    let pass = resident.invite(&json!({ "visitor_name": "快递" })).await.unwrap();
    let home = s.web_login(RESIDENT).await;
    let to = post_form(&s, &home, &format!("/forms/passes/{}/pause", pass.pass.id), &[]).await;
    assert!(to.starts_with("/passes?error="), "{to}");
    shows_refusal(&s, &home, &to).await;

    // A notice's "read" refused (another building's notice): on the notice.
    let other = s.user(BUTLER_B3).await;
    let b3 = other.building_id("3").await;
    let notice = other
        .publish(&json!({ "title": "燃气检修", "body": "请在家等候", "category": "safety", "building_ids": [b3] }))
        .await
        .unwrap();
    let to = post_form(&s, &home, &format!("/forms/notices/{}/read", notice.id), &[]).await;
    assert!(to.starts_with(&format!("/notices/{}?error=", notice.id)), "{to}");
    shows_refusal(&s, &home, &to).await;
}

#[tokio::test]
async fn combining_marks_alone_are_blank_text() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    for text in ["\u{0301}\u{0301}", " \u{0301}\u{20DD} "] {
        let err = resident.complain(&json!({ "category": "noise", "text": text })).await.unwrap_err();
        assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("text")), "{text:?}");
    }
    // Real text with combining marks is kept as typed (in NFC).
    let c = resident.complain(&json!({ "category": "noise", "text": "Jose\u{0301} ที่นี่ हिन्दी" })).await.unwrap();
    assert_eq!(c.text, "José ที่นี่ हिन्दी");
    let err = butler.step(&c.id, A::Listen, "\u{0301}").await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("note")));
    butler.step(&c.id, A::Listen, "已听取 e\u{0301}").await.unwrap();
}

#[tokio::test]
async fn lists_mask_phone_numbers_and_the_whole_number_is_an_audited_reveal() {
    let s = TestServer::start().await;
    let butler = s.user(BUTLER).await;
    let id = butler.elder_id("李秀英").await;
    let contact = json!({ "name": "李华", "phone": "13911112222", "relation": "儿子" });
    butler.set_elder(&id, &json!({ "elder_mode": true, "emergency_contacts": [contact] })).await.unwrap();
    let raw: Value = butler.get("/api/v1/elders").await.unwrap();
    assert!(!raw.to_string().contains("13911112222"), "the list shows no whole contact number: {raw}");
    let listed = butler.elders(false).await.unwrap().items.into_iter().find(|e| e.id == id).unwrap();
    assert_eq!(listed.emergency_contacts[0].phone, "139****2222");
    // Saving the form as shown (masked number) keeps the number on file;
    // a mask of no number on file is refused.
    let again = json!({ "name": "李华", "phone": "139****2222", "relation": "儿子" });
    butler.set_elder(&id, &json!({ "elder_mode": true, "emergency_contacts": [again] })).await.unwrap();
    let other = json!({ "name": "李华", "phone": "139****3333", "relation": "儿子" });
    let err = butler.set_elder(&id, &json!({ "elder_mode": true, "emergency_contacts": [other] })).await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("emergency_contacts")));
    // The web form, prefilled with the masked number, saves too.
    let cookie = s.web_login(BUTLER).await;
    let to = post_form(
        &s,
        &cookie,
        &format!("/forms/residents/{id}/elder"),
        &[
            ("elder_mode", "true"),
            ("contact_name", "李华"),
            ("contact_phone", "139****2222"),
            ("contact_relation", "儿子"),
        ],
    )
    .await;
    assert_eq!(to, "/elders");

    // The complaint names its complainant with the number masked; the
    // whole number is the audited reveal.
    let resident = s.user(RESIDENT).await;
    let c = resident.complain(&json!({ "category": "noise", "text": "楼上很吵" })).await.unwrap();
    let raw: Value = butler.get(&format!("/api/v1/complaints/{}", c.id)).await.unwrap();
    assert!(!raw.to_string().contains(RESIDENT), "no whole number on the complaint: {raw}");
    let seen = butler.complaint(&c.id).await.unwrap();
    assert_eq!(seen.complainant.phone, "138****0001");
    assert_eq!(butler.phone_to_call(&seen.complainant.id).await.unwrap().phone, RESIDENT);
    let admin = s.user(ADMIN).await;
    let audit = admin.audit("?action=resident.view_phone").await.unwrap();
    assert!(audit.items.iter().any(|e| e.target == seen.complainant.id), "the reveal is recorded");
    // The complaint page's link: the number to dial, or the refusal back
    // on the complaint (another building's butler cannot reach them).
    let call = format!("/call/{}?back=/complaints/{}", seen.complainant.id, c.id);
    let res = s.req(Method::GET, &call, None).header(header::COOKIE, &cookie).send().await.unwrap();
    assert_eq!(res.headers()[header::LOCATION], format!("tel:{RESIDENT}").as_str());
    let other = s.web_login(BUTLER_B3).await;
    let res = s.req(Method::GET, &call, None).header(header::COOKIE, &other).send().await.unwrap();
    let to = res.headers()[header::LOCATION].to_str().unwrap();
    assert!(to.starts_with(&format!("/complaints/{}?error=", c.id)), "{to}");
}

#[tokio::test]
async fn a_report_period_too_long_is_refused_for_its_length() {
    let s = TestServer::start().await;
    let admin = s.user(ADMIN).await;
    let span = "from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z";
    for path in ["/api/v1/scorecards", "/api/v1/complaints/stats"] {
        let err = admin.get::<Value>(&format!("{path}?{span}")).await.unwrap_err();
        assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("to")), "{path}");
        assert_eq!(err.message, "统计时段最长 400 天", "{path}");
        let en: Value = s
            .req(Method::GET, &format!("{path}?{span}"), Some(admin.token()))
            .header(header::ACCEPT_LANGUAGE, "en")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(en["error"]["message"], "A report period can be at most 400 days long.", "{path}");
        // The end before the start is still that refusal.
        let err = admin.get::<Value>(&format!("{path}?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z")).await;
        assert_eq!(err.unwrap_err().detail.as_deref(), Some("from"), "{path}");
    }
}
