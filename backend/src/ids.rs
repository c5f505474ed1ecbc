//! Opaque identifiers and secret tokens.

use base64::Engine as _;
use rand::{Rng as _, seq::IndexedRandom as _};
use sha2::{Digest as _, Sha256};

const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// A new record key: 20 characters of `[a-z0-9]` starting with a letter
/// (about 103 bits), so ids are not guessable and never parse as numbers.
pub fn new_key() -> String {
    let mut rng = rand::rng();
    let mut key = String::with_capacity(20);
    // A letter first, then letters and digits; `choose` never indexes out.
    let letters = ALPHABET.get(..26).unwrap_or(ALPHABET);
    key.push(char::from(*letters.choose(&mut rng).unwrap_or(&b'a')));
    for _ in 1..20 {
        key.push(char::from(*ALPHABET.choose(&mut rng).unwrap_or(&b'a')));
    }
    key
}

/// Whether `key` could be one of ours; anything else is rejected before it
/// reaches a query (it would only ever be "not found" anyway).
pub fn is_plausible_key(key: &str) -> bool {
    (1..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A bearer secret of 256 random bits, URL-safe.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What we store instead of a token: its SHA-256, hex. Tokens have 256 bits
/// of entropy, so a fast hash is enough (no need for a password hash).
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_distinct_and_well_formed() {
        let a = new_key();
        let b = new_key();
        assert_ne!(a, b);
        assert_eq!(a.len(), 20);
        assert!(a.as_bytes()[0].is_ascii_lowercase());
        assert!(is_plausible_key(&a));
        assert!(!is_plausible_key("x'; DELETE user"));
        assert!(!is_plausible_key(""));
    }

    #[test]
    fn tokens_are_long_and_hashed_deterministically() {
        let t = new_token();
        assert!(t.len() >= 43);
        assert_eq!(token_hash(&t), token_hash(&t));
        assert_ne!(token_hash(&t), token_hash(&new_token()));
        assert_eq!(token_hash(&t).len(), 64);
    }
}
