//! Backup and restore: a copy taken from the running server over HTTP,
//! restored into a fresh database, holds exactly the original data, and a
//! server started on it carries on where the original was.

use linli_backend::{backup, db::Db};
use reqwest::{Method, StatusCode, header};
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn a_backup_of_the_running_server_restores_to_equal_data() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, tmp) = config();
    c.db = format!("surrealkv://{}", dir.path().join("original").display());
    c.backup_token = Some("operator-secret-0123456789abcdef-42".into());
    let s = TestServer::start_with(c.clone(), tmp).await;

    // Some of everything: a repair with a timeline, a help call, a pass.
    let resident = s.user(RESIDENT).await;
    let job = resident.report(&json!({ "category": "leak", "description": "厨房漏水 'x'; DROP" })).await.unwrap();
    let (status, _) = s.user(ELDER).await.press("backup-0001").await;
    assert!(status.is_success());
    resident.invite(&json!({ "visitor_name": "王五" })).await.unwrap();

    // Only the operator's secret opens it.
    let no = s.req(Method::GET, "/api/v1/backup", None).send().await.unwrap();
    assert_eq!(no.status(), StatusCode::UNAUTHORIZED);
    let admin = s.login(ADMIN).await;
    let no = s.req(Method::GET, "/api/v1/backup", Some(&admin)).send().await.unwrap();
    assert_eq!(no.status(), StatusCode::UNAUTHORIZED, "a community admin's session is not the operator's secret");

    let res = s.req(Method::GET, "/api/v1/backup", Some("operator-secret-0123456789abcdef-42")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[header::CONTENT_DISPOSITION].to_str().unwrap().contains(".surql"));
    let copy = res.bytes().await.unwrap();
    let file = dir.path().join("copy.surql");
    std::fs::write(&file, &copy).unwrap();

    let restored_url = format!("surrealkv://{}", dir.path().join("restored").display());
    backup::restore(&restored_url, &c.db_name, &file).await.unwrap();
    let restored = Db::connect(&restored_url, &c.db_name).await.unwrap();
    let original = dump(s.backend.db()).await;
    assert!(original.iter().any(|(t, rows)| t == "repair" && rows.len() == 1));
    assert!(original.iter().any(|(t, rows)| t == "help_call" && rows.len() == 1));
    assert_eq!(dump(&restored).await, original, "every table and row came back");
    drop(restored);

    // Restoring over data is refused and changes nothing.
    let err = backup::restore(&restored_url, &c.db_name, &file).await.unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");
    let restored = Db::connect(&restored_url, &c.db_name).await.unwrap();
    assert_eq!(dump(&restored).await, original);
    drop(restored);

    // A server on the restored copy knows the resident's job.
    s.stop().await;
    let (mut c2, tmp2) = config();
    c2.db = restored_url;
    c2.db_name = c.db_name.clone();
    let s2 = TestServer::start_with(c2, tmp2).await;
    let list = s2.user(RESIDENT).await.jobs("").await.unwrap();
    assert_eq!(list.items[0].id, job.id);
}

#[tokio::test]
async fn backups_are_off_without_an_operator_secret() {
    let s = TestServer::start().await;
    let res = s.req(Method::GET, "/api/v1/backup", Some("anything")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
