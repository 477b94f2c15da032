//! Formats figures for a language: scale words (million, 亿, milliards),
//! digits, grouping and decimal marks (CLDR data through ICU4X) and unit
//! patterns (from the language's strings file).
//!
//! Values are printed exactly as stored — never rounded — so a figure reads
//! as the source gives it.

use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_decimal::options::{DecimalFormatterOptions, GroupingStrategy};
use icu_locale_core::Locale;

use super::{NumberRules, strings_ref};

/// Units an indicator may have.
pub const UNITS: &[&str] = &[
    "count",
    "people",
    "households",
    "yuan",
    "usd",
    "percent",
    "km",
    "km2",
    "m2",
    "m3",
    "ha",
    "mu",
    "tonne",
    "teu",
    "year",
    "years",
    "ratio",
    "ratio-to-1",
    "yuan-per-person",
];

/// Units whose large values are written with scale words.
const SCALABLE: &[&str] = &["count", "people", "households", "yuan", "usd", "m2", "m3", "tonne"];

/// Whether `unit` is known.
pub fn is_unit(unit: &str) -> bool {
    UNITS.contains(&unit)
}

/// How to print one figure.
#[derive(Debug, Clone, Copy)]
pub struct Figure<'a> {
    /// The value in base units.
    pub value: f64,
    /// Its unit.
    pub unit: &'a str,
    /// Fixed number of decimals, if any.
    pub decimals: Option<u8>,
}

/// A scale: divisor and the word for it in a language.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    /// What the value is divided by.
    pub divisor: f64,
    /// The word, e.g. "million" or "万".
    pub word: String,
}

impl Scale {
    fn one() -> Self {
        Self { divisor: 1.0, word: String::new() }
    }
}

/// Decimals needed to print `v` exactly (float noise removed), if at most `max`.
fn exact_decimals(v: f64, max: usize) -> Option<usize> {
    (0..=max).find(|&d| {
        let f = 10f64.powi(d as i32);
        ((v * f).round() / f - v).abs() <= v.abs() * 1e-12
    })
}

fn rules(lang: &str) -> &'static NumberRules {
    &strings_ref(lang).number
}

/// Picks the largest scale that keeps the value exact with few decimals.
pub fn pick_scale(lang: &str, value: f64, unit: &str) -> Scale {
    if !SCALABLE.contains(&unit) {
        return Scale::one();
    }
    let max_decimals = usize::from(rules(lang).max_decimals);
    first_scale(lang, |d| value.abs() >= d && exact_decimals(value / d, max_decimals).is_some())
}

/// The language's largest scale whose divisor passes `fits`, or none.
fn first_scale(lang: &str, fits: impl Fn(f64) -> bool) -> Scale {
    rules(lang)
        .scales
        .iter()
        .find(|s| fits(s.divisor))
        .map_or_else(Scale::one, |s| Scale { divisor: s.divisor, word: s.word.clone() })
}

/// Formats a plain number with the language's digits, grouping and decimal mark.
pub fn number(lang: &str, value: f64, decimals: Option<u8>, group: bool) -> String {
    let dec = decimals.map(usize::from).or_else(|| exact_decimals(value, 6)).unwrap_or(6);
    let text = format!("{value:.dec$}");
    let int_digits = text.trim_start_matches('-').split('.').next().map_or(0, str::len);
    let grouping = if group && int_digits >= usize::from(rules(lang).min_grouping_digits) {
        GroupingStrategy::Auto
    } else {
        GroupingStrategy::Never
    };
    let Ok(locale) = lang.parse::<Locale>() else { return text };
    let mut options = DecimalFormatterOptions::default();
    options.grouping_strategy = Some(grouping);
    match (DecimalFormatter::try_new((&locale).into(), options), Decimal::try_from_str(&text)) {
        (Ok(f), Ok(d)) => f.format(&d).to_string(),
        _ => text,
    }
}

fn with_unit(lang: &str, unit: &str, n: &str) -> String {
    let pattern = strings_ref(lang).units.get(unit).map_or("{n}", String::as_str);
    pattern.replace("{n}", n)
}

/// The number with its scale word, and whether a scale word was used.
fn scaled(lang: &str, f: Figure) -> (String, bool) {
    let scale = pick_scale(lang, f.value, f.unit);
    let n = number(lang, f.value / scale.divisor, if scale.divisor == 1.0 { f.decimals } else { None }, true);
    if scale.word.is_empty() { (n, false) } else { (format!("{n}{}{}", rules(lang).scale_sep, scale.word), true) }
}

/// Formats a figure with its unit, e.g. "148.56 billion yuan" or "1485.6亿元".
pub fn figure(lang: &str, f: Figure) -> String {
    let (n, is_scaled) = match f.unit {
        "ratio" | "ratio-to-1" => (number(lang, f.value, f.decimals, false), false),
        "year" => (number(lang, f.value, Some(0), false), false),
        _ => scaled(lang, f),
    };
    // After a scale word some languages word the unit differently ("milliards de yuans").
    match strings_ref(lang).scaled_units.get(f.unit).filter(|_| is_scaled) {
        Some(pattern) => pattern.replace("{n}", &n),
        None => with_unit(lang, f.unit, &n),
    }
}

/// Formats only the number of a figure (with its scale word, without unit).
pub fn figure_number(lang: &str, f: Figure) -> String {
    match f.unit {
        // A year never prints with grouping ("2030", not "2,030").
        "year" => number(lang, f.value, Some(0), false),
        "ratio" | "ratio-to-1" => number(lang, f.value, f.decimals, false),
        _ => scaled(lang, f).0,
    }
}

/// Formats a change with its sign: "+104.34 km²", "-3.2%".
pub fn change(lang: &str, f: Figure) -> String {
    let sign = if f.value > 0.0 { "+" } else { "" };
    if f.value < 0.0 {
        // The language's minus sign comes from CLDR, through the number formatter.
        let abs = figure(lang, Figure { value: -f.value, ..f });
        let minus = number(lang, -1.0, Some(0), false).replace('1', "");
        return format!("{minus}{abs}");
    }
    format!("{sign}{}", figure(lang, f))
}

/// The axis unit of a chart: the scale chosen for its largest value and the unit words.
pub fn axis(lang: &str, unit: &str, max: f64) -> (Scale, String) {
    let scale = if SCALABLE.contains(&unit) { first_scale(lang, |d| max >= d) } else { Scale::one() };
    let words = match unit {
        "ratio" | "ratio-to-1" | "year" => String::new(),
        _ => with_unit(lang, unit, &scale.word),
    };
    (scale, words.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(lang: &str, value: f64, unit: &str) -> String {
        figure(lang, Figure { value, unit, decimals: None })
    }

    #[test]
    fn money_in_english_and_chinese() {
        assert_eq!(fig("en", 148.56e9, "yuan"), "148.56 billion yuan");
        assert_eq!(fig("zh", 148.56e9, "yuan"), "1485.6亿元");
        assert_eq!(fig("en", 80_137.0, "yuan"), "80,137 yuan");
        assert_eq!(fig("zh", 34.52e6, "yuan"), "3452万元");
    }

    #[test]
    fn counts_scale_only_when_exact() {
        assert_eq!(fig("en", 1_859_400.0, "count"), "1.8594 million");
        assert_eq!(fig("zh", 1_859_400.0, "count"), "185.94万");
        assert_eq!(fig("en", 75_000.0, "count"), "75,000");
        assert_eq!(fig("zh", 80_392.0, "teu"), "80392标箱"); // Chinese government style: no grouping
        assert_eq!(fig("en", 80_392.0, "teu"), "80,392 TEUs");
        assert_eq!(fig("en", 1_234_567.0, "count"), "1,234,567");
    }

    #[test]
    fn percentages_ratios_units() {
        assert_eq!(fig("en", 5.2, "percent"), "5.2%");
        assert_eq!(figure("en", Figure { value: 1.9, unit: "ratio-to-1", decimals: Some(2) }), "1.90:1");
        assert_eq!(fig("en", 13.2, "ratio"), "1:13.2");
        assert_eq!(fig("en", 1559.0, "km"), "1,559 km");
        assert_eq!(fig("zh", 1559.0, "km"), "1559公里");
        assert_eq!(fig("en", 2020.0, "year"), "2020");
        assert_eq!(figure_number("en", Figure { value: 148.56e9, unit: "yuan", decimals: None }), "148.56 billion");
        assert_eq!(figure_number("en", Figure { value: 2030.0, unit: "year", decimals: None }), "2030");
        assert_eq!(change("en", Figure { value: 104.34, unit: "km2", decimals: None }), "+104.34 km²");
        assert_eq!(change("en", Figure { value: -3.2, unit: "percent", decimals: Some(1) }), "-3.2%");
    }

    #[test]
    fn other_un_languages_follow_cldr() {
        assert_eq!(fig("fr", 148.56e9, "yuan"), "148,56 milliards de yuans");
        assert_eq!(fig("fr", 1559.0, "km"), "1\u{202F}559\u{A0}km");
        assert_eq!(fig("fr", 5.2, "percent"), "5,2\u{202F}%");
        assert_eq!(fig("es", 1559.0, "km"), "1559\u{A0}km");
        assert_eq!(fig("es", 80_392.0, "count"), "80.392");
        assert_eq!(fig("ru", 1559.5, "km"), "1\u{A0}559,5\u{A0}км");
        // CLDR (through ICU4X) prescribes Latin digits for generic `ar`, and
        // Arabic-Indic digits where the region uses them (e.g. Egypt).
        assert_eq!(fig("ar", 1559.5, "count"), "1,559.5");
        assert_eq!(number("ar-EG", 1559.5, None, true), "١٬٥٥٩٫٥");
    }

    #[test]
    fn axis_units() {
        assert_eq!(axis("en", "yuan", 312e9).1, "billion yuan");
        assert_eq!(axis("zh", "yuan", 312e9).1, "亿元");
        assert_eq!(axis("en", "percent", 90.0).1, "%");
    }
}
