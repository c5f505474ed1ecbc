//! One 12-megapixel JPEG to display size (1600 px) and thumbnail (320 px):
//! Linli's pipeline next to Debian's `vipsthumbnail` doing the same, in the
//! same run, with peak memory. Prints a Markdown table.
//!
//!   cargo run --release -p linli-bench --bin photo

#![allow(
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    reason = "measurement tools: indices come from their own tables, figures are small"
)]

use std::{
    process::Command,
    time::{Duration, Instant},
};

/// A 4000 × 3000 test photo with texture at several scales (flat images
/// decode unrealistically fast).
fn photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(4000, 3000, |x, y| {
        let n = (x.wrapping_mul(1_103_515_245) ^ y.wrapping_mul(12_345)).rotate_left(7) % 24;
        let r = ((x * 200 / 4000) as u8).saturating_add(n as u8);
        let g = ((y * 200 / 3000) as u8).saturating_add(((x / 37 + y / 23) % 16) as u8);
        let b = (((x / 40) ^ (y / 40)) & 0xff) as u8;
        image::Rgb([r, g, b])
    });
    let mut out = Vec::new();
    let _ = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92).encode(
        img.as_raw(),
        4000,
        3000,
        image::ExtendedColorType::Rgb8,
    );
    out
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Peak resident memory of this process so far (`VmHWM`), in MiB.
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let jpeg = photo();
    let dir = std::env::temp_dir().join("linli-photo-bench");
    let _ = std::fs::create_dir_all(&dir);
    let input = dir.join("in.jpg");
    let _ = std::fs::write(&input, &jpeg);
    let before = peak_mib();
    let ours: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            let _ = linli_media::process(&jpeg);
            t.elapsed()
        })
        .collect();
    let ours_peak = peak_mib() - before;

    let vips = |size: &str, out: &str| {
        let t = Instant::now();
        let ok = Command::new("vipsthumbnail")
            .arg(&input)
            .args(["-s", size, "-o"])
            .arg(dir.join(format!("{out}[Q=82,strip]")))
            .status()
            .is_ok_and(|s| s.success());
        (t.elapsed(), ok)
    };
    let mut vips_times = Vec::new();
    let mut vips_ok = true;
    for _ in 0..5 {
        let (a, ok1) = vips("1600", "display.jpg");
        let (b, ok2) = vips("320", "thumb.jpg");
        vips_ok &= ok1 && ok2;
        vips_times.push(a + b);
    }
    let vips_peak = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg("vipsthumbnail")
        .arg(&input)
        .args(["-s", "1600", "-o"])
        .arg(dir.join("peak.jpg"))
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stderr).trim().lines().last().and_then(|l| l.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0);

    let (o, v) = (median(ours), median(vips_times));
    println!(
        "| photo: 12 MP JPEG ({:.1} MB) → 1600 px + 320 px | time (median of 5) | peak memory |",
        jpeg.len() as f64 / 1e6
    );
    println!("|---|---|---|");
    println!("| Linli (linli-media) | {:.0} ms | {:.0} MiB above baseline |", o.as_secs_f64() * 1000.0, ours_peak);
    if vips_ok {
        println!(
            "| vipsthumbnail (2 runs: 1600 and 320) | {:.0} ms | {:.0} MiB (1600 run) |",
            v.as_secs_f64() * 1000.0,
            vips_peak
        );
        println!("| ratio Linli / vips | {:.2}× (budget ≤ 2×) | |", o.as_secs_f64() / v.as_secs_f64());
    } else {
        println!("| vipsthumbnail | not installed (apt-get install libvips-tools) | |");
    }
}
