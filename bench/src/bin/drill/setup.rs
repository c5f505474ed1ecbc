//! Scenario set-up: staff sign-ins, elders with emergency contacts in
//! buildings 1–3, some bound to WeChat with consents.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, Mutex},
};

use linli_bench::{PASSWORD, fakes::FakeWeChat, login};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    ADMIN, BUTLER_1, BUTLER_2, CONSENTS, DUTY,
    api::{Api, text},
};

pub(crate) struct Elder {
    /// The building number: 1, 2 or 3.
    pub(crate) building: String,
    pub(crate) token: String,
    /// The emergency contacts' phones.
    pub(crate) contacts: Vec<String>,
    /// Set when bound to WeChat (with consents for `help_acknowledged`).
    pub(crate) openid: Option<String>,
}

pub(crate) struct Butler {
    pub(crate) phone: &'static str,
    pub(crate) id: String,
    pub(crate) token: String,
}

pub(crate) struct Setup {
    pub(crate) admin: String,
    pub(crate) duty: String,
    pub(crate) butlers: [Butler; 2],
    /// Building number → building id.
    pub(crate) buildings: HashMap<String, String>,
    pub(crate) elders: Vec<Elder>,
}

/// Building number → the token of its current butler (who acknowledges).
pub(crate) type Owners = Arc<Mutex<HashMap<String, String>>>;

pub(crate) async fn butler(api: &Api, phone: &'static str) -> Result<Butler, String> {
    let token = login(&api.client, &api.base, phone).await?;
    let me = api.must(Method::GET, "/me", Some(&token), None).await?;
    Ok(Butler { phone, id: text(&me, "id")?, token })
}

/// Binds the elder to WeChat through the fake (login code → binding
/// ticket → bind with phone and password) and gives consents.
pub(crate) async fn bind_wechat(api: &Api, phone: &str, i: usize) -> Result<String, String> {
    let code = format!("drill{i}x{:08x}", rand::random::<u32>());
    let first = api.must(Method::POST, "/auth/wechat", None, Some(&json!({ "code": code }))).await?;
    let ticket = text(&first, "binding_token")?;
    let bound = api
        .must(
            Method::POST,
            "/auth/wechat/bind",
            None,
            Some(&json!({ "binding_token": ticket, "phone": phone, "password": PASSWORD })),
        )
        .await?;
    let token = text(&bound, "token")?;
    // The API takes at most ten templates a call, as a mini-program reports
    // what one `wx.requestSubscribeMessage` accepted.
    for _ in 0..CONSENTS.div_ceil(10) {
        let consents = json!({ "templates": vec!["help_acknowledged"; 10] });
        api.must(Method::POST, "/subscriptions", Some(&token), Some(&consents)).await?;
    }
    Ok(FakeWeChat::openid_for(&code))
}

/// Creates `n` elders in buildings 1–3 (round robin), each with 1–3
/// emergency contacts (some with 5), every third bound to WeChat.
pub(crate) async fn setup(api: &Api, n: usize) -> Result<(Setup, Owners), String> {
    let admin = login(&api.client, &api.base, ADMIN).await?;
    let duty = login(&api.client, &api.base, DUTY).await?;
    let butlers = [butler(api, BUTLER_1).await?, butler(api, BUTLER_2).await?];
    let list = api.must(Method::GET, "/buildings", Some(&admin), None).await?;
    let mut buildings = HashMap::new();
    let mut owners = HashMap::new();
    for b in list.as_array().into_iter().flatten() {
        let number = text(b, "number")?;
        buildings.insert(number.clone(), text(b, "id")?);
        let owner = b["butler"]["id"].as_str().unwrap_or_default();
        let token = butlers.iter().find(|x| x.id == owner).map_or_else(|| admin.clone(), |x| x.token.clone());
        owners.insert(number, token);
    }
    // Units of buildings 1–3, interleaved so that every building has elders.
    let units = api.must(Method::GET, "/gate/units", Some(&admin), None).await?;
    let mut per_building: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for u in units.as_array().into_iter().flatten() {
        let number = u["building"]["number"].as_str().unwrap_or_default().to_string();
        if ["1", "2", "3"].contains(&number.as_str()) {
            per_building.entry(number).or_default().push(text(u, "id")?);
        }
    }
    let mut slots: Vec<(String, String)> = Vec::new();
    let deepest = per_building.values().map(Vec::len).max().unwrap_or(0);
    for k in 0..deepest {
        for (b, ids) in &per_building {
            if let Some(id) = ids.get(k) {
                slots.push((b.clone(), id.clone()));
            }
        }
    }
    if slots.is_empty() {
        return Err("no units in buildings 1–3 (GET /api/v1/gate/units)".into());
    }
    let mut elders = Vec::new();
    for i in 0..n {
        let (building, unit_id) = &slots[i % slots.len()];
        let phone = format!("166{i:08}");
        let person = json!({ "name": format!("演练长者{i:02}"), "phone": phone, "role": "resident",
                             "password": PASSWORD, "unit_id": unit_id });
        let created = api.must(Method::POST, "/staff", Some(&admin), Some(&person)).await?;
        let id = text(&created, "id")?;
        let count = if i % 5 == 2 { 5 } else { 1 + i % 3 };
        let contacts: Vec<String> = (0..count).map(|k| format!("177{i:04}{k:04}")).collect();
        let listed: Vec<Value> = contacts
            .iter()
            .enumerate()
            .map(|(k, p)| json!({ "name": format!("联系人{i}-{k}"), "phone": p, "relation": "子女" }))
            .collect();
        let owner = owners.get(building).cloned().unwrap_or_else(|| admin.clone());
        api.must(
            Method::PUT,
            &format!("/residents/{id}/elder"),
            Some(&owner),
            Some(&json!({ "elder_mode": true, "emergency_contacts": listed })),
        )
        .await?;
        let token = login(&api.client, &api.base, &phone).await?;
        let openid = if i % 3 == 0 { Some(bind_wechat(api, &phone, i).await?) } else { None };
        elders.push(Elder { building: building.clone(), token, contacts, openid });
    }
    let owners = Arc::new(Mutex::new(owners));
    Ok((Setup { admin, duty, butlers, buildings, elders }, owners))
}
