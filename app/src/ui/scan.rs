//! QR scanning in the browser (hydrate only): camera frames or a chosen
//! photo are drawn to a canvas and read by the browser's `BarcodeDetector`
//! when it has one and it finds a code, else by `rqrr` compiled into the
//! WASM. Some in-app browsers have a `BarcodeDetector` that finds nothing
//! (an empty list, no formats, or an error), so its silence is never
//! trusted. A code shown light-on-dark (a phone in a forced dark mode) is
//! read by trying the inverted image too. A code read sends the guard to
//! `/gate?q=<what it says>`.

use leptos::{html, prelude::*};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::{model::Msg, ui::use_lang};

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

fn go_check(text: &str) {
    if let Some(w) = web_sys::window() {
        let q: String = js_sys::encode_uri_component(text).into();
        let _ = w.location().set_href(&format!("/gate?q={q}"));
    }
}

/// A 2D canvas of the given size.
fn canvas(width: u32, height: u32) -> Option<(web_sys::HtmlCanvasElement, web_sys::CanvasRenderingContext2d)> {
    let doc = web_sys::window()?.document()?;
    let canvas: web_sys::HtmlCanvasElement = doc.create_element("canvas").ok()?.dyn_into().ok()?;
    canvas.set_width(width);
    canvas.set_height(height);
    let ctx = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    Some((canvas, ctx))
}

/// The browser's own detector's reading, when it has one that finds a code.
async fn native_detect(canvas: &web_sys::HtmlCanvasElement) -> Option<String> {
    let window = web_sys::window()?;
    let ctor = js_sys::Reflect::get(&window, &JsValue::from_str("BarcodeDetector")).ok()?;
    let ctor: js_sys::Function = ctor.dyn_into().ok()?;
    let options = js_sys::Object::new();
    let formats = js_sys::Array::of1(&JsValue::from_str("qr_code"));
    js_sys::Reflect::set(&options, &JsValue::from_str("formats"), &formats).ok()?;
    let detector = js_sys::Reflect::construct(&ctor, &js_sys::Array::of1(&options)).ok()?;
    let detect: js_sys::Function =
        js_sys::Reflect::get(&detector, &JsValue::from_str("detect")).ok()?.dyn_into().ok()?;
    let promise: js_sys::Promise = detect.call1(&detector, canvas).ok()?.dyn_into().ok()?;
    let found = JsFuture::from(promise).await.ok()?;
    let first = js_sys::Array::from(&found).get(0);
    if first.is_undefined() {
        return None;
    }
    js_sys::Reflect::get(&first, &JsValue::from_str("rawValue")).ok()?.as_string().filter(|t| !t.is_empty())
}

/// Which shades the WASM decoder tries.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shades {
    /// Dark modules on a light ground, as printed.
    AsShown,
    /// Light on dark: the image inverted first.
    Inverted,
    Both,
}

/// The WASM decoder, for browsers whose `BarcodeDetector` is missing or
/// silent.
fn rqrr_detect(ctx: &web_sys::CanvasRenderingContext2d, width: u32, height: u32, shades: Shades) -> Option<String> {
    let data = ctx.get_image_data(0.0, 0.0, f64::from(width), f64::from(height)).ok()?.data();
    let (w, h) = (width as usize, height as usize);
    let luma = |x: usize, y: usize| -> u8 {
        let i = (y * w + x) * 4;
        let px = |k: usize| u32::from(data.get(i + k).copied().unwrap_or(0));
        u8::try_from((px(0) * 299 + px(1) * 587 + px(2) * 114) / 1000).unwrap_or(u8::MAX)
    };
    let read = |invert: bool| {
        let mut img =
            rqrr::PreparedImage::prepare_from_greyscale(
                w,
                h,
                |x, y| if invert { 255 - luma(x, y) } else { luma(x, y) },
            );
        img.detect_grids().into_iter().find_map(|g| g.decode().ok().map(|(_, text)| text))
    };
    match shades {
        Shades::AsShown => read(false),
        Shades::Inverted => read(true),
        // The likely shade first: a code on its light quiet zone is mostly
        // light, one shown light on dark (a phone in a forced dark mode)
        // mostly dark; the other shade's pass reads nothing and, in rqrr,
        // can take long over a dark image.
        Shades::Both => {
            let dark = mostly_dark(w, h, &luma);
            read(dark).or_else(|| read(!dark))
        }
    }
}

/// Whether the image's mean grey level, sampled every 4th pixel each way,
/// is below the middle.
fn mostly_dark(w: usize, h: usize, luma: &impl Fn(usize, usize) -> u8) -> bool {
    let (mut sum, mut n) = (0_u64, 0_u64);
    for y in (0..h).step_by(4) {
        for x in (0..w).step_by(4) {
            sum += u64::from(luma(x, y));
            n += 1;
        }
    }
    n > 0 && sum < n * 128
}

async fn detect(source: &web_sys::HtmlElement, width: u32, height: u32, shades: Shades) -> Option<String> {
    let (canvas, ctx) = canvas(width, height)?;
    if let Ok(video) = source.clone().dyn_into::<web_sys::HtmlVideoElement>() {
        ctx.draw_image_with_html_video_element(&video, 0.0, 0.0).ok()?;
    } else if let Ok(image) = source.clone().dyn_into::<web_sys::HtmlImageElement>() {
        ctx.draw_image_with_html_image_element(&image, 0.0, 0.0).ok()?;
    }
    match native_detect(&canvas).await {
        Some(text) => Some(text),
        None => rqrr_detect(&ctx, width, height, shades),
    }
}

/// Starts the back camera and scans until a code is read.
pub fn start_camera(video: NodeRef<html::Video>, status: RwSignal<String>) {
    let lang = use_lang();
    leptos::task::spawn_local(async move {
        let Some(el) = video.get_untracked() else { return };
        let Some(devices) = web_sys::window().and_then(|w| w.navigator().media_devices().ok()) else {
            status.set(Msg::NoCamera.text(lang).to_string());
            return;
        };
        let constraints = web_sys::MediaStreamConstraints::new();
        let video_wanted = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&video_wanted, &"facingMode".into(), &"environment".into());
        constraints.set_video(&video_wanted);
        let Ok(promise) = devices.get_user_media_with_constraints(&constraints) else {
            status.set(Msg::NoCamera.text(lang).to_string());
            return;
        };
        let Ok(stream) = JsFuture::from(promise).await.and_then(|s| s.dyn_into::<web_sys::MediaStream>()) else {
            status.set(Msg::NoCamera.text(lang).to_string());
            return;
        };
        el.set_hidden(false);
        el.set_src_object(Some(&stream));
        let _ = el.play();
        status.set(Msg::Scanning.text(lang).to_string());
        // Frames alternate between the two shades, so a slow phone spends
        // one decode per frame rather than two.
        for frame in 0_u64.. {
            sleep(300).await;
            let (w, h) = (el.video_width(), el.video_height());
            if w == 0 || h == 0 {
                continue;
            }
            let shades = if frame % 2 == 0 { Shades::AsShown } else { Shades::Inverted };
            if let Some(text) = detect(&el, w, h, shades).await {
                for track in stream.get_tracks().iter() {
                    if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                        track.stop();
                    }
                }
                go_check(&text);
                return;
            }
        }
    });
}

/// Reads a QR code from a chosen photo (or a screenshot the visitor sent).
pub fn decode_file(input: NodeRef<html::Input>, status: RwSignal<String>) {
    let lang = use_lang();
    leptos::task::spawn_local(async move {
        let Some(file) = input.get_untracked().and_then(|i| i.files()).and_then(|f| f.get(0)) else { return };
        let Ok(url) = web_sys::Url::create_object_url_with_blob(&file) else { return };
        let Some(img) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.create_element("img").ok())
            .and_then(|e| e.dyn_into::<web_sys::HtmlImageElement>().ok())
        else {
            return;
        };
        // Settled either way: a file that is not an image must end with
        // "no code found", not leave the guard waiting.
        let loaded = js_sys::Promise::new(&mut |resolve, _| {
            img.set_onload(Some(&resolve));
            img.set_onerror(Some(&resolve));
        });
        img.set_src(&url);
        let _ = JsFuture::from(loaded).await;
        let found = detect(&img, img.natural_width(), img.natural_height(), Shades::Both).await;
        let _ = web_sys::Url::revoke_object_url(&url);
        match found {
            Some(text) => go_check(&text),
            None => status.set(Msg::NoQrFound.text(lang).to_string()),
        }
    });
}
