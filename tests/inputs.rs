//! Real-world input, over HTTP: what residents, guards and managers type,
//! paste and photograph, as public bug reports of systems like this one
//! show it. Each refusal these tests guard against was a person who could
//! not do what they came to do.

use linli_model::{
    admin::ImportSkip,
    repair::{JobAction, RatingTag},
};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn plates_as_they_exist_and_as_they_are_typed() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    for (typed, stored) in [
        ("粤B1234警", "粤B1234警"),
        ("粤Ｂ１２３４５", "粤B12345"),
        ("粤B·12345", "粤B12345"),
        ("粤b 123-45", "粤B12345"),
        ("沪AD12345", "沪AD12345"),
        ("粤Z·1234港", "粤Z1234港"),
        ("沪A1234领", "沪A1234领"),
        ("使014578", "使014578"),
        ("京X1234应急", "京X1234应急"),
        ("WJ粤1234消", "WJ粤1234消"),
    ] {
        let pass = resident
            .invite(&json!({ "visitor_name": "司机", "plate": typed }))
            .await
            .unwrap_or_else(|e| panic!("{typed}: {e}"));
        assert_eq!(pass.pass.plate.as_deref(), Some(stored), "{typed}");
    }
    let err = resident.invite(&json!({ "visitor_name": "司机", "plate": "粤B12" })).await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("plate")));
    assert!(err.message.starts_with("车牌格式不正确"), "{err}");
}

#[tokio::test]
async fn phone_numbers_as_people_type_and_paste_them() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    for typed in [
        "１３８００１３８０００",
        "+86 138-0013-8000",
        "(+86)13800138000",
        "0086 138 0013 8000",
        "\u{202A}138 0013 8000\u{202C}",
    ] {
        let pass = resident
            .invite(&json!({ "visitor_name": "朋友", "visitor_phone": typed }))
            .await
            .unwrap_or_else(|e| panic!("{typed:?}: {e}"));
        assert_eq!(pass.pass.visitor_phone.as_deref(), Some("138****8000"), "{typed:?}");
    }
    let err = resident.invite(&json!({ "visitor_name": "朋友", "visitor_phone": "138abc" })).await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("visitor_phone")));

    // Signing in with the number typed on a full-width keyboard, or pasted
    // from a contact card with its direction marks.
    for typed in ["１３８０００００００１", "+86 138 0000 0001", "\u{200E}138-0000-0001\u{200F}"] {
        s.sign_in(typed, PASSWORD).await.unwrap_or_else(|e| panic!("{typed:?}: {e}"));
    }
    // The web form too.
    let res = s
        .req(Method::POST, "/forms/login", None)
        .form(&[("phone", "１３８ ００００ ０００１"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(res.headers().get("set-cookie").is_some(), "signed in");

    // Contacts and staff accounts take the same forms.
    let butler = s.user(BUTLER).await;
    let elders = butler.elders(false).await.unwrap();
    let elder_id = &elders.items[0].id;
    butler
        .set_elder(elder_id, &json!({ "elder_mode": true, "emergency_contacts": [{ "name": " 李华\u{200B}", "phone": "＋８６ １３８１２３４５６７８", "relation": "儿子" }] }))
        .await
        .unwrap();
    let admin = s.user(ADMIN).await;
    admin
        .create_person(
            &json!({ "name": "新门卫", "phone": "(+86) 136-2222-4444", "role": "guard", "password": "gatekeeper1" }),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn text_that_looks_empty_is_empty() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    for blank in ["\u{200B}", "\u{3000}", "\u{3164}", "\u{202E}\u{200D}", " \u{FEFF} "] {
        let err = resident.invite(&json!({ "visitor_name": blank })).await.unwrap_err();
        assert_eq!(
            (err.status, err.detail.as_deref()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("visitor_name")),
            "{blank:?}"
        );
    }
    // Stored without what cannot be seen; names outside the basic plane kept.
    for (typed, stored) in
        [("\u{200B}张三\u{3000}", "张三"), ("\u{202E}李四\u{202C}", "李四"), ("𠮷田", "𠮷田"), ("王䶮", "王䶮")]
    {
        let pass = resident
            .invite(&json!({ "visitor_name": typed, "purpose": "\u{200B}" }))
            .await
            .unwrap_or_else(|e| panic!("{typed:?}: {e}"));
        assert_eq!((pass.pass.visitor_name.as_str(), pass.pass.purpose.as_str()), (stored, ""));
    }
    // Other required fields: a notice title, a building, a staff name.
    let butler = s.user(BUTLER).await;
    let err = butler
        .publish(&json!({ "title": "\u{3164}\u{3164}", "body": "停水", "category": "outage" }))
        .await
        .unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("title")));
    let admin = s.user(ADMIN).await;
    let err = admin.create_building(&json!({ "number": "\u{200B}" })).await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("number")));
    let err = admin
        .create_person(
            &json!({ "name": "\u{2800}", "phone": "13622224445", "role": "guard", "password": "gatekeeper1" }),
        )
        .await
        .unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("name")));
    // A repair's description is stored trimmed of invisible characters.
    let job =
        resident.report(&json!({ "category": "leak", "description": "\u{200B}\n厨房漏水\u{3000}\n\n" })).await.unwrap();
    assert_eq!(job.description, "厨房漏水");
}

/// A JPEG with a short "video" appended, as motion photos carry one: an
/// MP4 box whose bytes hold a start-of-scan marker and no end-of-image.
fn motion_photo(w: u32, h: u32) -> Vec<u8> {
    let mut bytes = jpeg(w, h);
    bytes.extend_from_slice(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom");
    bytes.extend_from_slice(b"\x00\x00\x10\x00mdat");
    bytes.extend(std::iter::repeat_n([0x12, 0xFF, 0xDA, 0x00, 0x0C, 0x34], 600).flatten());
    bytes
}

#[tokio::test]
async fn photos_from_real_phones() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let photo = resident
        .upload("mmexport1700000000000.jpg", motion_photo(640, 480))
        .await
        .unwrap_or_else(|e| panic!("a motion photo is a photo: {e}"));
    assert_eq!((photo.width, photo.height), (640, 480));

    // A screenshot with transparent corners: white, not black.
    let png = {
        let img = image::RgbaImage::from_fn(200, 100, |x, _| {
            if x < 100 { image::Rgba([0, 0, 0, 0]) } else { image::Rgba([20, 20, 220, 255]) }
        });
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    let photo = resident.upload("sticker.png", png).await.unwrap();
    let bytes = s.req(Method::GET, &photo.url, Some(resident.token())).send().await.unwrap().bytes().await.unwrap();
    let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
    let clear = img.get_pixel(20, 50);
    assert!(clear.0.iter().all(|c| *c > 240), "transparent became white, got {clear:?}");
    let solid = img.get_pixel(180, 50);
    assert!(solid[2] > 180 && solid[0] < 60, "the opaque half keeps its colour, got {solid:?}");

    // Today's 50-megapixel modes.
    for (w, h) in [(8192, 6144), (8768, 6144)] {
        let photo = resident.upload("IMG_50MP.jpg", jpeg(w, h)).await.unwrap_or_else(|e| panic!("{w}×{h}: {e}"));
        assert_eq!(photo.width, 1600);
    }
}

#[tokio::test]
async fn spreadsheets_as_excel_writes_them() {
    let s = TestServer::start().await;
    let admin = s.user(ADMIN).await;
    admin.create_building(&json!({ "number": "A", "name": "A座" })).await.unwrap();
    // The first line is data: a building numbered A is no header.
    let res = admin.import_units("A,101\nA,102\n").await.unwrap();
    assert_eq!((res.created, res.header_line), (2, None), "{res:?}");
    // Excel's own CSV: BOM, CRLF, quotes, the columns the other way round,
    // an existing unit and a repeated line reported with why.
    let csv = "\u{feff}房号,楼号\r\n\"103\",A座\r\n101,A\r\n103,A\r\n";
    let res = admin.import_units(csv).await.unwrap();
    assert_eq!((res.created, res.skipped, res.header_line), (1, 2, Some(1)));
    let reasons: Vec<(u32, ImportSkip)> = res.skipped_lines.iter().map(|l| (l.line, l.reason)).collect();
    assert_eq!(reasons, vec![(3, ImportSkip::Exists), (4, ImportSkip::Duplicate)]);
    let units = admin.gate_units().await.unwrap();
    let a_units = units.iter().filter(|u| u.building.number == "A").count();
    assert_eq!(a_units, 3);
    // Bad lines refuse the file, all of them named.
    let err = admin.import_units("A,201\nZ,202\nA\n").await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("lines 2, 3")));
}

#[tokio::test]
async fn rating_tags_are_listed_and_accepted_by_key_or_label() {
    let s = TestServer::start().await;
    let (status, tags) = split(s.req(Method::GET, "/api/v1/rating-tags", None).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tags[0], json!({ "key": "fast", "name": "响应快" }));
    let res = s.req(Method::GET, "/api/v1/rating-tags", None).header("accept-language", "en").send().await.unwrap();
    assert_eq!(split(res).await.1[0]["name"], "Quick");

    // A job taken to resolved, then rated with the labels a mini-program shows.
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let job = resident.report(&json!({ "category": "light" })).await.unwrap();
    let id = job.id.as_str();
    let worker = s.user(WORKER).await;
    let people = butler.assignable(id).await.unwrap();
    let res = butler.assign(id, &people[0].id).await.unwrap();
    let assignee = if res.assignee.as_ref().is_some_and(|a| a.name == "刘强") { &worker } else { &butler };
    for action in [JobAction::StartTravel, JobAction::StartWork, JobAction::Resolve] {
        assignee.act(id, action).await.unwrap_or_else(|e| panic!("{action:?}: {e}"));
    }
    let rating = resident.rate(id, &json!({ "stars": 5, "tags": ["响应快", "polite", "Tidy"] })).await.unwrap();
    assert_eq!(rating.tags, vec![RatingTag::Fast, RatingTag::Polite, RatingTag::Tidy]);
    let err = resident.rate(id, &json!({ "stars": 5, "tags": ["及时"] })).await.unwrap_err();
    assert_eq!(err.status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
}
