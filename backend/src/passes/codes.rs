//! Pass credentials: the token in the link and QR code, the short code
//! derived from it, and how both are stored (hashes only).

use sha2::{Digest as _, Sha256};

use linli_model::pass::{self, CODE_ALPHABET, CODE_LEN};

/// The stored form of a pass code: HMAC-SHA256 under the deployment's
/// code key (RFC 2104). A code has only ~40 bits, so an unkeyed hash in a
/// stolen backup could be reversed by trying every code; without the key,
/// which is never stored in the database, it cannot.
pub(crate) fn code_hash(key: &[u8], code: &str) -> String {
    use hmac::{Hmac, Mac as _};
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else { return crate::ids::token_hash(code) };
    mac.update(code.as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// The hashes a code may be stored under: keyed, and (for passes made
/// before codes were keyed, all expired within [`MAX_WINDOW_DAYS`] of the
/// change) the plain SHA-256 they were stored with then; the values `$h0`
/// and `$h1` of the stores' `code_lookup!`.
pub(super) fn code_hash_pair(key: &[u8], code: &str) -> [String; 2] {
    [code_hash(key, code), crate::ids::token_hash(code)]
}

/// The short code of a token: deterministic, so the visitor's page can show
/// it without it being stored, and as unpredictable as the token itself.
pub fn code_for(token: &str) -> String {
    let digest = Sha256::digest(format!("linli-pass-code:{token}").as_bytes());
    digest
        .chunks(2)
        .take(CODE_LEN)
        .map(|c| {
            let n = c.iter().fold(0_usize, |n, b| n << 8 | usize::from(*b));
            char::from(CODE_ALPHABET.get(n % CODE_ALPHABET.len()).copied().unwrap_or(b'2'))
        })
        .collect()
}

/// What a guard scanned or typed: a link (from the QR), a bare token, or a code.
pub(super) enum Credential {
    Token(String),
    Code(String),
}

pub(super) fn credential(input: &str) -> Option<Credential> {
    // What a scanner or a paste hands over may carry invisible characters.
    let input = linli_model::text::line(input);
    let input = input.as_str();
    let token = input.rsplit_once("/v/").map_or(input, |(_, t)| t);
    let token = token.split(['?', '#', '/']).next().unwrap_or("");
    if token.len() >= 40 && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Some(Credential::Token(token.to_string()));
    }
    let code = pass::normalize_code(input);
    pass::is_code(&code).then_some(Credential::Code(code))
}
