//! Photo upload from the browser with a progress bar: one file per
//! request to `/api/v1/uploads`, as the mini-program does. (`fetch` has no
//! upload progress; `XMLHttpRequest` does.)

#[cfg(feature = "hydrate")]
use crate::model::{Lang, Msg, job::Photo};

/// Uploads `file`, calling `progress(0.0..=1.0)` as bytes go out. A
/// refusal comes back as the server's message, already in the reader's
/// language (the server reads the language cookie).
#[cfg(feature = "hydrate")]
pub async fn upload(file: web_sys::File, lang: Lang, progress: impl Fn(f64) + 'static) -> Result<Photo, String> {
    use wasm_bindgen::{JsCast, JsValue, closure::Closure};

    let network = || Msg::ErrNetwork.text(lang).to_string();
    let xhr = web_sys::XmlHttpRequest::new().map_err(|_| network())?;
    xhr.open("POST", "/api/v1/uploads").map_err(|_| network())?;
    let _ = xhr.set_request_header("Accept", "application/json");
    let form = web_sys::FormData::new().map_err(|_| network())?;
    form.append_with_blob("file", &file).map_err(|_| network())?;

    let on_progress = Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
        if ev.length_computable() && ev.total() > 0.0 {
            progress(ev.loaded() / ev.total());
        }
    });
    if let Ok(up) = xhr.upload() {
        up.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }

    let done = js_sys::Promise::new(&mut |resolve, _reject| {
        let resolve_load = resolve.clone();
        let on_load = Closure::<dyn Fn()>::new(move || {
            let _ = resolve_load.call0(&JsValue::NULL);
        });
        let on_fail = Closure::<dyn Fn()>::new(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
        xhr.set_onerror(Some(on_fail.as_ref().unchecked_ref()));
        on_load.forget();
        on_fail.forget();
    });
    xhr.send_with_opt_form_data(Some(&form)).map_err(|_| network())?;
    let _ = wasm_bindgen_futures::JsFuture::from(done).await;
    drop(on_progress);

    let status = xhr.status().unwrap_or(0);
    let body = xhr.response_text().ok().flatten().unwrap_or_default();
    match status {
        200 | 201 => serde_json::from_str::<Photo>(&body).map_err(|_| Msg::ErrInternal.text(lang).to_string()),
        0 => Err(network()),
        _ => Err(envelope_message(&body).unwrap_or_else(|| Msg::ErrInternal.text(lang).to_string())),
    }
}

/// The `message` of an API error envelope.
#[cfg(feature = "hydrate")]
fn envelope_message(body: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    v.get("error")?.get("message")?.as_str().map(str::to_string)
}
