//! Fake outside services on loopback that misbehave on demand: the SMS
//! gateway ([`FakeSms`]) and WeChat's server API ([`FakeWeChat`]).
//!
//! Each is a small axum server on `127.0.0.1:<port>`. Its behaviour is
//! switched at runtime (`set_mode`), and it records everything it
//! receives, with the time and the mode the request met, so that a drill
//! can compare what Linli promised with what the outside world got.
//!
//! The shared plumbing (a closable loopback server) is in `endpoint`, the
//! SMS gateway in `sms`, WeChat in `wechat`.

mod endpoint;
mod sms;
mod wechat;

use std::sync::{Mutex, MutexGuard, PoisonError};

pub use self::{
    sms::{FakeSms, SmsMode, SmsRequest},
    wechat::{FakeWeChat, TokenFetch, WeChatMode, WeChatSend, invalid_subscribe_value},
};

/// A lock that survives a panicked holder (the data is only records).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
