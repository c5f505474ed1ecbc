//! Communities for the live fan-out benchmark (`bench/src/bin/sse.rs`),
//! created at start-up with `--bench-communities N` and never otherwise:
//! `bench-1` … `bench-N`, each with [`BUILDINGS`] buildings of
//! [`UNITS_PER_BUILDING`] units, one resident per unit, a butler per
//! building, and a manager, a duty officer, a guard and a worker. Every
//! account has the demo password; phone numbers follow [`phone_of`], so
//! the benchmark can sign in as anyone. Written with the demo's seeding
//! statement (one transaction per community); a community whose code
//! exists is left alone.

use super::{
    Backend,
    auth::hash_password,
    db::{self, run},
    demo::{DEMO_PASSWORD, store},
    error::Result,
    ids,
};

/// Buildings per benchmark community.
pub const BUILDINGS: usize = 2;
/// Units per building (one resident each).
pub const UNITS_PER_BUILDING: usize = 6;
/// People per benchmark community: the residents, a butler per building,
/// and the manager, duty officer, guard and worker.
pub const PEOPLE: usize = BUILDINGS * UNITS_PER_BUILDING + BUILDINGS + 4;

/// The phone number of person `person` (0-based, `< PEOPLE`) of benchmark
/// community `community` (1-based): `139` + 3 digits + 5 digits. Persons
/// are the residents first (building by building), then the butlers in
/// building order, then manager, duty, guard, worker.
pub fn phone_of(community: usize, person: usize) -> String {
    format!("139{:03}{:05}", community % 1000, person)
}

/// The role of person `person` of a benchmark community (see [`phone_of`]).
pub fn role_of(person: usize) -> &'static str {
    let residents = BUILDINGS * UNITS_PER_BUILDING;
    match person {
        p if p < residents => "resident",
        p if p < residents + BUILDINGS => "butler",
        p if p == residents + BUILDINGS => "admin",
        p if p == residents + BUILDINGS + 1 => "duty",
        p if p == residents + BUILDINGS + 2 => "guard",
        _ => "worker",
    }
}

impl Backend {
    /// Creates benchmark communities `bench-1` … `bench-n` that do not
    /// exist yet; returns how many were created.
    pub async fn seed_bench_communities(&self, n: usize) -> Result<usize> {
        let password_hash = hash_password(DEMO_PASSWORD.to_string()).await?;
        let mut created = 0;
        for c in 1..=n {
            let code = format!("bench-{c}");
            let mut res = run(self.db.query(store::COMMUNITY_BY_CODE).bind(("code", code.clone()))).await?;
            if !db::rows::<serde_json::Value>(&mut res, 0)?.is_empty() {
                continue;
            }
            let buildings: Vec<String> = (0..BUILDINGS).map(|_| ids::new_key()).collect();
            let mut units = Vec::new();
            let mut people = Vec::new();
            let mut assignments = Vec::new();
            for (b, building) in buildings.iter().enumerate() {
                for u in 0..UNITS_PER_BUILDING {
                    let unit = ids::new_key();
                    units.push(
                        serde_json::json!({ "id": unit, "building": building, "number": format!("{}", 101 + u) }),
                    );
                    let person = b * UNITS_PER_BUILDING + u;
                    people.push(person_row(c, person, Some(&unit), &password_hash));
                }
            }
            for (b, building) in buildings.iter().enumerate() {
                let row = person_row(c, BUILDINGS * UNITS_PER_BUILDING + b, None, &password_hash);
                let butler = row.get("id").cloned();
                assignments.push(serde_json::json!({ "building": building, "butler": butler }));
                people.push(row);
            }
            for person in BUILDINGS * UNITS_PER_BUILDING + BUILDINGS..PEOPLE {
                people.push(person_row(c, person, None, &password_hash));
            }
            let buildings: Vec<serde_json::Value> = buildings
                .iter()
                .enumerate()
                .map(|(b, id)| serde_json::json!({ "id": id, "number": format!("{}", b + 1), "name": format!("{}号楼", b + 1) }))
                .collect();
            run(self
                .db
                .query(store::SEED_COMMUNITY)
                .bind((
                    "community",
                    serde_json::json!({
                        "id": ids::new_key(), "code": code, "name": format!("压测小区{c}"),
                        "name_en": format!("Bench {c}"), "address": "-",
                    }),
                ))
                .bind(("buildings", serde_json::Value::Array(buildings)))
                .bind(("units", serde_json::Value::Array(units)))
                .bind(("people", serde_json::Value::Array(people)))
                .bind(("assignments", serde_json::Value::Array(assignments))))
            .await?;
            created += 1;
        }
        Ok(created)
    }
}

fn person_row(community: usize, person: usize, unit: Option<&str>, password_hash: &str) -> serde_json::Value {
    let role = role_of(person);
    let mut row = serde_json::json!({
        "id": ids::new_key(),
        "name": format!("{role}{person}"),
        "phone": phone_of(community, person),
        "password_hash": password_hash,
        "role": role,
        "unit": unit,
        "elder_mode": false,
        "trades": if role == "worker" { vec!["plumbing"] } else { vec![] },
    });
    // A field left out is NONE; a guard has a gate.
    if role == "guard"
        && let Some(fields) = row.as_object_mut()
    {
        fields.insert("gate".into(), serde_json::json!("north"));
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_distinct_mobiles_and_roles_cover_the_community() {
        let mut phones: Vec<String> = (1..=50).flat_map(|c| (0..PEOPLE).map(move |p| phone_of(c, p))).collect();
        assert!(phones.iter().all(|p| linli_model::phone::is_valid_mobile(p)), "{:?}", phones.first());
        phones.sort();
        phones.dedup();
        assert_eq!(phones.len(), 50 * PEOPLE);
        let roles: Vec<&str> = (0..PEOPLE).map(role_of).collect();
        for r in ["resident", "butler", "admin", "duty", "guard", "worker"] {
            assert!(roles.contains(&r), "{r}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_communities_are_created_once_and_everyone_can_sign_in() {
        let media = std::env::temp_dir().join(format!("linli-live-bench-{}", crate::ids::new_key()));
        let config = crate::BackendConfig { media_dir: media.clone(), ..crate::BackendConfig::default() };
        let Ok(b) = Backend::start("mem://", config).await else { panic!("a backend on an in-memory database") };
        assert!(matches!(b.seed_bench_communities(2).await, Ok(2)));
        assert!(matches!(b.seed_bench_communities(3).await, Ok(1)), "only the missing one");
        for person in [0, PEOPLE - 1] {
            let phone = phone_of(3, person);
            let answer = b.login(&phone, DEMO_PASSWORD, crate::auth::SessionKind::Api, "127.0.0.1").await;
            assert!(answer.is_ok(), "{phone}: {:?}", answer.err());
        }
        let _ = std::fs::remove_dir_all(media);
    }
}
