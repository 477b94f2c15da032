//! Words from a closed list (a chart kind, a chapter kind, an opener style),
//! read from TOML straight into an enum: an unknown word is an error at its
//! place that lists the words, and everything after loading matches on
//! variants, never on strings.

use serde::Deserialize;
use serde::de::{Deserializer, Error};

use crate::files::hinted;

/// An enum written in TOML as one of a few words.
pub trait Keyword: Copy + PartialEq + Sized + 'static {
    /// Every variant, in the order a hint lists them.
    const ALL: &'static [Self];
    /// What the word names, as in "unknown chart kind `pie`".
    const WHAT: &'static str;

    /// The word, as written in TOML and handed to the templates.
    fn name(self) -> &'static str;

    /// What follows an unknown word: the words there are.
    fn hint() -> String {
        format!("kinds: {}", Self::ALL.iter().map(|k| k.name()).collect::<Vec<_>>().join(", "))
    }

    /// The variant a word names.
    fn parse(word: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.name() == word)
    }

    /// The error for an unknown word, with its hint.
    fn unknown(word: &str) -> String {
        hinted(format!("unknown {} `{word}`", Self::WHAT), Self::hint())
    }
}

/// Reads a keyword: the `Deserialize` of a [`Keyword`] enum.
pub fn deserialize<'de, D: Deserializer<'de>, K: Keyword>(d: D) -> Result<K, D::Error> {
    let word = String::deserialize(d)?;
    K::parse(&word).ok_or_else(|| D::Error::custom(K::unknown(&word)))
}
