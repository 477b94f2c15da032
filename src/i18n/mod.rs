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
    /// Marker of a translation whose source has changed (draft builds).
    pub draft_stale: String,
    /// A figure that is not known ("n/a").
    pub not_available: String,
    /// Mark of a figure older than the edition expects (draft builds); `{period}` is its period.
    pub stale: String,
    /// Mark of an example value.
    pub example: String,
    /// Label of a target line on a chart; `{period}` is the year it is due.
    pub target: String,
    /// A reference to a section of this report in a source line; `{section}` is its number.
    pub report_section: String,
    /// Title of the list of figures.
    pub list_of_figures: String,
    /// Title of the list of tables.
    pub list_of_tables: String,
    /// Title of the list of acronyms.
    pub acronyms: String,
    /// Imprint: "Published".
    pub published: String,
    /// Imprint: "Publisher".
    pub publisher: String,
    /// Imprint and back cover: "Contact".
    pub contact: String,
    /// Beside the QR code on the back cover.
    pub read_online: String,
    /// Typst numbering pattern of level-3 headings ("(1)", "（一）").
    pub h3_numbering: String,
    /// Month names, January first.
    pub months: Vec<String>,
    /// A month and year: `{month}`, `{year}`.
    pub date: String,
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
    /// The SDG dashboard and the statistical annex.
    pub dashboard: DashboardStrings,
}

/// Strings of the SDG dashboard and the statistical annex.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DashboardStrings {
    /// The dashboard chapter's title (unless its text file gives one).
    pub title: String,
    /// The annex chapter's title (unless its text file gives one).
    pub annex_title: String,
    /// The four status bands by code (`achieved` …).
    pub bands: BTreeMap<String, String>,
    /// The trends by code (`on-track` …).
    pub trends: BTreeMap<String, String>,
    /// An indicator without a target or thresholds.
    pub no_target: String,
    /// An indicator with a target but no thresholds.
    pub no_thresholds: String,
    /// An indicator with a target but no value.
    pub no_data: String,
    /// A goal without a rated indicator.
    pub not_rated: String,
    /// "Legend".
    pub legend: String,
    /// What the status says.
    pub legend_status: String,
    /// What the trend says.
    pub legend_trend: String,
    /// Column: status.
    pub status: String,
    /// Column: trend.
    pub trend: String,
    /// Column: indicator.
    pub indicator: String,
    /// Column: value.
    pub value: String,
    /// Column: target.
    pub target: String,
    /// Column: goal or target of the SDGs.
    pub goal_target: String,
    /// Before the three thresholds of an indicator.
    pub thresholds: String,
    /// Column: values by period.
    pub values: String,
    /// Under the dashboard: `{rated}`, `{total}`, `{unrated}`.
    pub summary: String,
    /// Caption of a goal's table: `{n}` is the goal.
    pub goal_table: String,
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

/// The CLDR plural category of a number in a language (`one`, `few`, `other` …),
/// for the number as printed (with its decimals).
pub fn plural_category(lang: &str, value: f64, decimals: Option<u8>) -> &'static str {
    use icu_plurals::{PluralCategory, PluralRules};
    static RULES: LazyLock<std::sync::Mutex<HashMap<String, Option<PluralRules>>>> = LazyLock::new(Default::default);
    let text = match decimals {
        Some(d) => format!("{value:.*}", usize::from(d)),
        None => format!("{value}"),
    };
    let Ok(dec) = icu_decimal::input::Decimal::try_from_str(&text) else { return "other" };
    let mut cache = RULES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let rules = cache.entry(lang.to_string()).or_insert_with(|| {
        let locale = lang.parse::<icu_locale_core::Locale>().ok()?;
        PluralRules::try_new_cardinal((&locale).into()).ok()
    });
    match rules.as_ref().map(|r| r.category_for(&dec)) {
        Some(PluralCategory::Zero) => "zero",
        Some(PluralCategory::One) => "one",
        Some(PluralCategory::Two) => "two",
        Some(PluralCategory::Few) => "few",
        Some(PluralCategory::Many) => "many",
        _ => "other",
    }
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
        for lang in SUPPORTED {
            let d = strings(lang).dashboard;
            for band in crate::data::status::Band::ALL {
                assert!(d.bands.contains_key(band.code()), "{lang}: band {}", band.code());
            }
            for trend in crate::data::status::Trend::ALL {
                assert!(d.trends.contains_key(trend.code()), "{lang}: trend {}", trend.code());
            }
            assert_eq!((d.bands.len(), d.trends.len()), (4, 5), "{lang}: no stray codes");
            for key in ["{rated}", "{total}", "{unrated}"] {
                assert!(d.summary.contains(key), "{lang}: summary lacks {key}");
            }
            assert!(d.goal_table.contains("{n}"), "{lang}");
        }
    }

    #[test]
    fn plural_categories_follow_cldr() {
        assert_eq!(plural_category("en", 1.0, None), "one");
        assert_eq!(plural_category("en", 1.0, Some(1)), "other"); // "1.0 tonnes"
        assert_eq!(plural_category("ru", 21.0, None), "one");
        assert_eq!(plural_category("ru", 24.0, None), "few");
        assert_eq!(plural_category("ru", 25.0, None), "many");
        assert_eq!(plural_category("ru", 1.5, Some(1)), "other");
        assert_eq!(plural_category("fr", 1.5, Some(1)), "one");
        assert_eq!(plural_category("fr", 2.0, None), "other");
        assert_eq!(plural_category("ar", 2.0, None), "two");
        assert_eq!(plural_category("ar", 11.0, None), "many");
        assert_eq!(plural_category("zh", 1.0, None), "other");
    }
}
