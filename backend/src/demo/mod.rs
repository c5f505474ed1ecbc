//! The demo data of `../shared/API.md`: the community 阳光花园 (Sunshine
//! Garden) with buildings 1–3 and one account per role, all with the
//! password `linli-demo`; plus a second, small community 翠湖苑 (Green
//! Lake) so that isolation between communities can be seen and tested.
//!
//! Seeding is idempotent: a community whose code already exists is left
//! alone, and the unique index on the code settles a race between two
//! processes seeding at once.
//!
//! With `history`, a community is given a month of life right after it
//! is created (`history.rs`), written through the services; a community
//! that already exists gets none, so seeding twice creates nothing new.

use serde::Serialize;

use super::{
    Backend,
    auth::hash_password,
    db::{self, run},
    error::Result,
    ids,
};

mod history;
pub(crate) mod store;

pub const DEMO_PASSWORD: &str = "linli-demo";

struct Person {
    phone: &'static str,
    name: &'static str,
    role: &'static str,
    /// (building number, unit number)
    home: Option<(&'static str, &'static str)>,
    elder: bool,
    trades: &'static [&'static str],
    gate: Option<&'static str>,
    /// Buildings this butler owns.
    owns: &'static [&'static str],
}

const fn person(phone: &'static str, name: &'static str, role: &'static str) -> Person {
    Person { phone, name, role, home: None, elder: false, trades: &[], gate: None, owns: &[] }
}

struct Community {
    code: &'static str,
    name: &'static str,
    name_en: &'static str,
    address: &'static str,
    /// (building number, its unit numbers)
    buildings: &'static [(&'static str, &'static [&'static str])],
    people: Vec<Person>,
}

fn communities() -> Vec<Community> {
    vec![
        Community {
            code: "sunshine-garden",
            name: "阳光花园",
            name_en: "Sunshine Garden",
            address: "上海市浦东新区阳光路 88 号",
            buildings: &[
                ("1", &["101", "102", "103", "201", "202"]),
                ("2", &["101", "201", "202", "301"]),
                ("3", &["101", "301", "302"]),
            ],
            people: vec![
                Person { home: Some(("1", "101")), ..person("13800000001", "张伟", "resident") },
                Person { home: Some(("2", "201")), ..person("13800000002", "王芳", "resident") },
                Person { home: Some(("1", "102")), elder: true, ..person("13800000003", "李秀英", "resident") },
                Person { owns: &["1", "2"], ..person("13900000001", "李明", "butler") },
                Person { owns: &["3"], ..person("13900000002", "陈静", "butler") },
                Person { trades: &["plumbing", "electric"], ..person("13700000001", "刘强", "worker") },
                Person { gate: Some("north"), ..person("13600000001", "赵刚", "guard") },
                person("13500000001", "孙丽", "duty"),
                person("13400000001", "周建国", "admin"),
            ],
        },
        Community {
            code: "green-lake",
            name: "翠湖苑",
            name_en: "Green Lake",
            address: "杭州市西湖区翠湖路 6 号",
            buildings: &[("1", &["101", "102"])],
            people: vec![
                Person { home: Some(("1", "101")), ..person("13800000011", "吴磊", "resident") },
                Person { owns: &["1"], ..person("13900000011", "郑洁", "butler") },
                Person { gate: Some("south"), ..person("13600000011", "冯涛", "guard") },
                person("13500000011", "何敏", "duty"),
                person("13400000011", "许平", "admin"),
            ],
        },
    ]
}

#[derive(Serialize)]
struct BuildingIn {
    id: String,
    number: String,
    name: String,
}

#[derive(Serialize)]
struct UnitIn {
    id: String,
    building: String,
    number: String,
}

#[derive(Serialize)]
struct PersonIn {
    id: String,
    name: String,
    phone: String,
    password_hash: String,
    role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<String>,
    elder_mode: bool,
    trades: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gate: Option<String>,
}

#[derive(Serialize)]
struct Assignment {
    building: String,
    butler: String,
}

impl Backend {
    /// Creates the demo communities that do not exist yet, each with a
    /// month of history when `history` is set (`LINLI_DEMO_HISTORY`).
    /// Returns how many were created (0 when everything was already there).
    pub async fn seed_demo(&self, history: bool) -> Result<usize> {
        let mut created = 0;
        for c in communities() {
            if self.seed_community(&c, history).await? {
                created += 1;
            }
        }
        Ok(created)
    }

    async fn seed_community(&self, c: &Community, history: bool) -> Result<bool> {
        let mut res = run(self.db.query(store::COMMUNITY_BY_CODE).bind(("code", c.code))).await?;
        if !db::rows::<serde_json::Value>(&mut res, 0)?.is_empty() {
            return Ok(false);
        }

        let community_id = ids::new_key();
        let mut buildings = Vec::new();
        let mut units = Vec::new();
        for (number, unit_numbers) in c.buildings {
            let building_id = ids::new_key();
            for u in *unit_numbers {
                units.push(UnitIn { id: ids::new_key(), building: building_id.clone(), number: (*u).to_string() });
            }
            buildings.push(BuildingIn {
                id: building_id,
                number: (*number).to_string(),
                name: format!("{number}号楼"),
            });
        }
        let building_id = |number: &str| buildings.iter().find(|b| b.number == number).map(|b| b.id.clone());
        let unit_id = |(b, u): (&str, &str)| {
            let bid = building_id(b)?;
            units.iter().find(|x| x.building == bid && x.number == u).map(|x| x.id.clone())
        };

        let password_hash = hash_password(DEMO_PASSWORD.to_string()).await?;
        let mut people = Vec::new();
        let mut assignments = Vec::new();
        for p in &c.people {
            let id = ids::new_key();
            for b in p.owns {
                if let Some(building) = building_id(b) {
                    assignments.push(Assignment { building, butler: id.clone() });
                }
            }
            people.push(PersonIn {
                id,
                name: p.name.to_string(),
                phone: p.phone.to_string(),
                // One hash per seeding: each hash carries its own random
                // salt, and the demo accounts share the password anyway.
                password_hash: password_hash.clone(),
                role: p.role.to_string(),
                unit: p.home.and_then(unit_id),
                elder_mode: p.elder,
                trades: p.trades.iter().map(|t| (*t).to_string()).collect(),
                gate: p.gate.map(str::to_string),
            });
        }

        let ids = history::Ids {
            people: people.iter().map(|p| (p.phone.clone(), p.id.clone())).collect(),
            units: units
                .iter()
                .filter_map(|u| {
                    let building = buildings.iter().find(|b| b.id == u.building)?;
                    Some(((building.number.clone(), u.number.clone()), u.id.clone()))
                })
                .collect(),
        };
        let outcome = run(self
            .db
            .query(store::SEED_COMMUNITY)
            .bind((
                "community",
                serde_json::json!({
                    "id": community_id, "code": c.code, "name": c.name, "name_en": c.name_en, "address": c.address,
                }),
            ))
            .bind(("buildings", serde_json::to_value(&buildings)?))
            .bind(("units", serde_json::to_value(&units)?))
            .bind(("people", serde_json::to_value(&people)?))
            .bind(("assignments", serde_json::to_value(&assignments)?)))
        .await;
        match outcome {
            Ok(_) => {
                tracing::info!(community = c.code, "demo community created");
                if history {
                    Box::pin(self.seed_history(c, &ids)).await?;
                }
                Ok(true)
            }
            // Seeded by another process at the same moment.
            Err(e) if e.violates("community_code") => Ok(false),
            Err(e) => Err(e),
        }
    }
}
