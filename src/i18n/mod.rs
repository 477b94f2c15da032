//! Languages: interface strings, goal names and locale-aware formatting of figures.

pub mod format;

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// The languages vlr ships interface strings for.
pub const SUPPORTED: &[&str] = &["ar", "en", "es", "fr", "ru", "zh"];

/// The official colours of SDGs 1–17.
pub const GOAL_COLOURS: [&str; 17] = [
    "#E5243B", "#DDA63A", "#4C9F38", "#C5192D", "#FF3A21", "#26BDE2", "#FCC30B", "#A21942", "#FD6925", "#DD1367",
    "#FD9D24", "#BF8B2E", "#3F7E44", "#0A97D9", "#56C02B", "#00689D", "#19486A",
];

/// Whether vlr can build an edition in `lang`.
pub fn is_supported(lang: &str) -> bool {
    SUPPORTED.contains(&lang)
}

/// Interface strings of one language.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Strings {
    /// "Contents".
    pub contents: String,
    /// "Chapter".
    pub chapter: String,
    /// "Figure".
    pub figure: String,
    /// "Table".
    pub table: String,
    /// "Source".
    pub source: String,
    /// "Page".
    pub page: String,
    /// "Notes".
    pub notes: String,
    /// "Goal".
    pub goal: String,
    /// "Key figures".
    pub key_figures: String,
    /// Said of a chart point the source does not give.
    pub not_given: String,
    /// Note under an incomplete chart.
    pub incomplete: String,
    /// Marker of a draft fallback.
    pub draft_fallback: String,
    /// Chart kinds for alt text.
    pub chart_kinds: BTreeMap<String, String>,
    /// The 17 goals' official names.
    pub goals: Vec<String>,
    /// How numbers are written.
    pub number: NumberRules,
    /// Unit patterns, `{n}` standing for the number.
    pub units: BTreeMap<String, String>,
    /// Unit patterns after a scale word, where the language differs ("milliards de yuans").
    #[serde(default)]
    pub scaled_units: BTreeMap<String, String>,
}

/// How a language writes numbers.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct NumberRules {
    /// Scale words, largest first.
    pub scales: Vec<ScaleWord>,
    /// At most this many decimals after scaling.
    pub max_decimals: u8,
    /// Between number and scale word.
    pub scale_sep: String,
    /// Group digits from this many integer digits on.
    pub min_grouping_digits: u8,
}

/// One scale word.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleWord {
    /// 1e9, 1e8, 1e6, 1e4 …
    pub divisor: f64,
    /// "billion", "亿" …
    pub word: String,
}

fn source(lang: &str) -> &'static str {
    match lang {
        "ar" => include_str!("ar.toml"),
        "es" => include_str!("es.toml"),
        "fr" => include_str!("fr.toml"),
        "ru" => include_str!("ru.toml"),
        "zh" => include_str!("zh.toml"),
        _ => include_str!("en.toml"),
    }
}

/// The interface strings of a supported language (parsed once).
pub fn strings_ref(lang: &str) -> &'static Strings {
    static CACHE: LazyLock<HashMap<&'static str, Strings>> = LazyLock::new(|| {
        SUPPORTED
            .iter()
            // Compiled in and covered by a test, so this cannot fail at run time.
            .map(|l| {
                (*l, toml::from_str(source(l)).unwrap_or_else(|e| panic!("built-in strings for {l} are invalid: {e}")))
            })
            .collect()
    });
    CACHE.get(lang).or_else(|| CACHE.get("en")).unwrap_or_else(|| unreachable!("en is always supported"))
}

/// The interface strings of a supported language.
pub fn strings(lang: &str) -> Strings {
    strings_ref(lang).clone()
}

/// Whether a language is written right to left.
pub fn is_rtl(lang: &str) -> bool {
    matches!(lang, "ar" | "he" | "fa" | "ur")
}

/// Whether a language is written in CJK characters without spaces.
pub fn is_cjk(lang: &str) -> bool {
    matches!(lang, "zh" | "ja")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_all_strings_and_17_goals() {
        for lang in SUPPORTED {
            let s = strings(lang);
            assert_eq!(s.goals.len(), 17, "{lang}");
            for kind in ["bar", "hbar", "grouped-bar", "line"] {
                assert!(s.chart_kinds.contains_key(kind), "{lang}: {kind}");
            }
        }
        assert_eq!(strings("en").goals[13], "Life Below Water");
        for lang in SUPPORTED {
            let s = strings(lang);
            for unit in format::UNITS {
                let pattern = s.units.get(*unit).unwrap_or_else(|| panic!("{lang}: no pattern for unit {unit}"));
                assert_eq!(pattern.matches("{n}").count(), 1, "{lang}: {unit}");
            }
        }
        assert_eq!(strings("zh").goals[14], "陆地生物");
    }
}
