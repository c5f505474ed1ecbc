//! The drill itself: the server and the fakes started, then each phase's
//! fault injected (SMS slow, down, closed, blackholed; WeChat errors; the
//! server SIGKILLed near a deadline; a building reassigned) while elders
//! press, then the drain and the read-back.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use linli_bench::fakes::{FakeSms, FakeWeChat, SmsMode, WeChatMode};
use rand::Rng as _;
use tokio::task::JoinHandle;

use crate::{
    APPID, CONTACTS_SECS, Opts, PHASES, STAFF_SECS,
    api::Api,
    checks::evaluate,
    press::{Plan, Press, press, spawn_presses},
    readback::{close_settled, fetch_calls, list_calls},
    reassign::{Reassignment, reassign},
    report::{Notes, report},
    server::Server,
    setup::setup,
};

pub(crate) async fn run(opts: &Opts) -> Result<bool, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let db = format!("surrealkv://{}", dir.path().join("db").display());
    let media = dir.path().join("media");
    let secret = format!("drill-secret-{:016x}", rand::random::<u64>());
    let sms = FakeSms::start().await?;
    let wechat = FakeWeChat::start(APPID, &secret).await?;
    let env: Vec<(String, String)> = [
        ("LINLI_LOG", opts.server_log.clone()),
        ("LINLI_HELP_ESCALATE_SECS", STAFF_SECS.to_string()),
        ("LINLI_HELP_CONTACTS_SECS", CONTACTS_SECS.to_string()),
        ("LINLI_SMS_URL", sms.url()),
        ("LINLI_WECHAT_API_BASE", wechat.base()),
        ("LINLI_WECHAT_APPID", APPID.to_string()),
        ("LINLI_WECHAT_SECRET", secret.clone()),
        ("LINLI_WECHAT_TEMPLATES", "job_assigned=T1,job_resolved=T2,visitor_arrived=T3,help_acknowledged=T4".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    eprintln!("drill: starting {}", opts.binary.display());
    let (mut server, base) = Server::start(&opts.binary, db, media, env).await?;
    let client =
        reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(10)).build().map_err(|e| e.to_string())?;
    let api = Api { client, base: base.clone() };
    eprintln!("drill: setting up {} elders", opts.elders);
    let (setup, owners) = setup(&api, opts.elders).await?;
    let elders = Arc::new(setup.elders);
    let bound: Vec<usize> = elders.iter().enumerate().filter(|(_, e)| e.openid.is_some()).map(|(i, _)| i).collect();

    let (phase_len, window, per_phase) = if opts.short {
        (Duration::from_secs(12), Duration::from_secs(5), (opts.elders / 2).max(3))
    } else {
        (Duration::from_secs(30), Duration::from_secs(22), (opts.elders / 2).max(4))
    };
    let mut handles: Vec<JoinHandle<Press>> = Vec::new();
    let mut direct: Vec<Press> = Vec::new();
    let mut kills: Vec<String> = Vec::new();
    let mut restarts: Vec<u128> = Vec::new();
    let mut moves: Vec<Reassignment> = Vec::new();
    for (phase, name) in PHASES.iter().enumerate() {
        eprintln!("drill: phase {name}");
        let started = Instant::now();
        if phase > 0 {
            let closed = close_settled(&api, &setup.duty).await;
            eprintln!("drill: the duty room closed {closed} settled calls");
        }
        match phase {
            0 => sms.set_mode(SmsMode::Slow(Duration::from_secs(30))).await?,
            1 => sms.set_mode(SmsMode::Down).await?,
            2 => sms.set_mode(SmsMode::Blackhole).await?,
            3 => {
                sms.set_mode(SmsMode::Ok).await?;
                wechat.set_mode(WeChatMode::Errcode(-1));
            }
            _ => {
                sms.set_mode(SmsMode::Ok).await?;
                wechat.set_mode(WeChatMode::Ok);
            }
        }
        let plan = Plan {
            phase,
            count: per_phase,
            window,
            prefer: if phase == 3 { bound.clone() } else { Vec::new() },
            ack_share: if phase == 3 { 0.6 } else { 0.2 },
        };
        handles.extend(spawn_presses(&api, &elders, &owners, &plan));
        match phase {
            1 => {
                tokio::time::sleep(phase_len / 2).await;
                sms.set_mode(SmsMode::Closed).await?;
            }
            3 => {
                tokio::time::sleep(phase_len / 2).await;
                wechat.set_mode(WeChatMode::InvalidateTokenOnce);
            }
            4 => {
                let n = if opts.short { 1 } else { rand::rng().random_range(1..=3) };
                for k in 0..n {
                    let elder = rand::rng().random_range(0..elders.len());
                    let p = press(&api, &elders[elder], elder, phase, None, &owners).await;
                    let answered = Instant::now();
                    direct.push(p);
                    let level: i64 = if rand::rng().random_bool(0.5) { 1 } else { 2 };
                    let jitter: i64 = rand::rng().random_range(-400..=400);
                    let after_ms = (if level == 1 { STAFF_SECS } else { CONTACTS_SECS }) * 1000 + jitter;
                    tokio::time::sleep_until((answered + Duration::from_millis(after_ms.max(0) as u64)).into()).await;
                    server.kill();
                    let took = server.restart().await.map_err(|e| format!("restart after kill {}: {e}", k + 1))?;
                    restarts.push(took.as_millis());
                    kills.push(format!(
                        "kill {}: {:.2} s after a press (level {level} deadline {jitter:+} ms); healthy again after {} ms",
                        k + 1,
                        after_ms as f64 / 1000.0,
                        took.as_millis()
                    ));
                    let pause = rand::rng().random_range(500..1500);
                    tokio::time::sleep(Duration::from_millis(pause)).await;
                }
            }
            5 => {
                let checked = reassign(&api, &setup.admin, &setup.butlers, &setup.buildings, &elders, &owners).await?;
                direct.extend(checked.1);
                moves = checked.0;
            }
            _ => {}
        }
        tokio::time::sleep_until((started + phase_len).into()).await;
    }
    sms.set_mode(SmsMode::Ok).await?;
    wechat.set_mode(WeChatMode::Ok);
    let mut presses = direct;
    for h in handles {
        presses.push(h.await.map_err(|e| format!("a presser failed: {e}"))?);
    }

    // Drain: until nothing is owed and the gateways have been quiet for
    // 3 s, or the bound.
    eprintln!("drill: gateways ok; waiting for the outbox to drain");
    let bound_for = if opts.short { Duration::from_secs(50) } else { Duration::from_secs(150) };
    let draining = Instant::now();
    let mut last = (usize::MAX, usize::MAX);
    let mut quiet_since = Instant::now();
    loop {
        // The list (one request, no audit entry), not each call's page.
        let calls = list_calls(&api, &setup.duty, &presses).await;
        let eval = evaluate(&presses, &calls, &sms, &wechat, &elders);
        let now = (sms.received().len(), wechat.sends().len());
        if now != last {
            last = now;
            quiet_since = Instant::now();
        }
        if (eval.outstanding == 0 && quiet_since.elapsed() >= Duration::from_secs(3)) || draining.elapsed() >= bound_for
        {
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    // Each answered press's call, as the duty room reads it.
    let calls = fetch_calls(&api, &setup.duty, &presses).await;
    let eval = evaluate(&presses, &calls, &sms, &wechat, &elders);
    let notes =
        Notes { kills, restarts, moves, drained: eval.outstanding == 0, drain_secs: draining.elapsed().as_secs() };
    server.kill();
    Ok(report(opts, &eval, &sms, &wechat, &notes))
}
