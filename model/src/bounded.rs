//! Caps on the lists a client may send, enforced while the request is
//! parsed: a list longer than its cap is refused (422) before any element
//! past the cap is even decoded, so no later step can be made to work in
//! proportion to what an attacker sends. The caps are the product's own
//! limits (nine photos, five emergency contacts...) with room for
//! duplicates where duplicates are harmless.

use std::{fmt, marker::PhantomData};

use serde::{
    Deserialize, Deserializer,
    de::{self, SeqAccess, Visitor},
};

/// Photo ids on a report or a transition: twice the photos a report may
/// hold ([`super::repair::MAX_PHOTOS`]), so a repeated id still meets the
/// service's own, clearer message.
pub const MAX_PHOTO_IDS: usize = 2 * super::repair::MAX_PHOTOS;
/// Rating tags.
pub const MAX_TAGS: usize = 10;
/// Buildings an announcement is addressed to.
pub const MAX_BUILDINGS: usize = 200;
/// An elder's emergency contacts as sent: twice the five the service
/// accepts, so a sixth still meets its clearer message.
pub const MAX_CONTACTS: usize = 10;
/// A staff member's trades.
pub const MAX_TRADES: usize = 10;
/// Subscribe-message templates accepted at once.
pub const MAX_TEMPLATES: usize = 10;

struct AtMost<T, const N: usize>(PhantomData<T>);

impl<'de, T: Deserialize<'de>, const N: usize> Visitor<'de> for AtMost<T, N> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a list of at most {N} items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(N));
        while let Some(item) = seq.next_element()? {
            if items.len() == N {
                return Err(de::Error::invalid_length(N + 1, &self));
            }
            items.push(item);
        }
        Ok(items)
    }
}

/// `#[serde(deserialize_with = "at_most::<_, _, N>")]`: a list of at most `N`.
pub fn at_most<'de, D: Deserializer<'de>, T: Deserialize<'de>, const N: usize>(d: D) -> Result<Vec<T>, D::Error> {
    d.deserialize_seq(AtMost::<T, N>(PhantomData))
}

/// [`at_most`] for an optional list.
pub fn opt_at_most<'de, D: Deserializer<'de>, T: Deserialize<'de>, const N: usize>(
    d: D,
) -> Result<Option<Vec<T>>, D::Error> {
    struct Opt<T, const N: usize>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>, const N: usize> Visitor<'de> for Opt<T, N> {
        type Value = Option<Vec<T>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "null or a list of at most {N} items")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            at_most::<D, T, N>(d).map(Some)
        }
    }
    d.deserialize_option(Opt::<T, N>(PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug)]
    struct Body {
        #[serde(default, deserialize_with = "at_most::<_, _, 3>")]
        ids: Vec<String>,
        #[serde(default, deserialize_with = "opt_at_most::<_, _, 2>")]
        more: Option<Vec<u8>>,
    }

    #[test]
    fn lists_over_their_cap_are_refused_while_parsing() {
        let ok: Body = serde_json::from_str(r#"{"ids":["a","b","c"],"more":[1,2]}"#).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((ok.ids.len(), ok.more.map(|m| m.len())), (3, Some(2)));
        assert!(serde_json::from_str::<Body>(r#"{"ids":["a","b","c","d"]}"#).is_err());
        assert!(serde_json::from_str::<Body>(r#"{"more":[1,2,3]}"#).is_err());
        let none: Body = serde_json::from_str(r#"{"more":null}"#).unwrap_or_else(|e| panic!("{e}"));
        assert!(none.ids.is_empty() && none.more.is_none());
        // A huge list fails at the cap, without decoding the rest.
        let huge = format!(r#"{{"ids":[{}"x"]}}"#, "\"a\",".repeat(100_000));
        let err = serde_json::from_str::<Body>(&huge).map(|_| ()).unwrap_err().to_string();
        assert!(err.contains("at most 3"), "{err}");
    }
}
