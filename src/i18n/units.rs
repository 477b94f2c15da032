//! The unit catalogue: what an indicator's `unit` may name.
//!
//! - any ISO 4217 currency by its code (`GBP`, `EUR`, `CNY`; `yuan` and `usd`
//!   are aliases): symbol and names from CLDR;
//! - families scaled by prefix: CO₂-equivalent mass (`t-co2e`, `kt-co2e`,
//!   `mt-co2e`) and energy (`kwh` … `twh`): "1,360 kt" prints "1.36 Mt CO₂e";
//! - measures with a symbol (`km`, `km2`, `m2`, `m3`, `ha`, `ug-m3`): the
//!   language may word them, else "{n}" + its unit space + the symbol;
//! - counts with nouns, rates, percent and percentage points, worded by each
//!   language's `[units]` (with CLDR plural forms where the noun changes);
//! - `count`, `year`, `ratio`, `ratio-to-1`;
//! - and the units a project defines in `vlr.toml` (`[units.<id>]`).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::Pattern;

/// A family of units scaled by prefix: each step's factor (in the family's
/// smallest unit), id and symbol.
#[derive(Debug, PartialEq)]
pub struct Family {
    /// The steps, smallest first.
    pub steps: &'static [(f64, &'static str, &'static str)],
}

/// CO₂-equivalent mass, in tonnes.
pub static CO2E: Family =
    Family { steps: &[(1.0, "t-co2e", "t CO₂e"), (1e3, "kt-co2e", "kt CO₂e"), (1e6, "mt-co2e", "Mt CO₂e")] };

/// Energy, in kilowatt-hours.
pub static ENERGY: Family =
    Family { steps: &[(1.0, "kwh", "kWh"), (1e3, "mwh", "MWh"), (1e6, "gwh", "GWh"), (1e9, "twh", "TWh")] };

/// Measures with a language-neutral symbol (a language may word them otherwise).
pub const SYMBOLS: &[(&str, &str)] =
    &[("km", "km"), ("km2", "km²"), ("m2", "m²"), ("m3", "m³"), ("ha", "ha"), ("ug-m3", "µg/m³")];

/// Units each language words itself in its `[units]` (nouns, rates, percent).
pub const WORDED: &[&str] = &[
    "people",
    "households",
    "percent",
    "pp",
    "per-1000",
    "per-100k",
    "tonne",
    "teu",
    "mu",
    "years",
    "yuan-per-person",
];

/// Units that name what a `count` counts: a chart of `count` indicators may
/// be in one of these (or a unit of the project's), so its axis says what it counts.
pub const COUNT_NOUNS: &[&str] = &["people", "households"];

/// Whether a chart in `chart` may show indicators in `indicator`: the same
/// unit, or plain counts charted as a noun ("schools", a project's unit).
pub fn chart_may_show(chart: &str, indicator: &str, project: &BTreeMap<String, UnitDef>) -> bool {
    chart == indicator || (indicator == "count" && (COUNT_NOUNS.contains(&chart) || project.contains_key(chart)))
}

/// Other names for units.
pub const ALIASES: &[(&str, &str)] = &[("yuan", "CNY"), ("usd", "USD")];

/// What kind of unit an id names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind<'a> {
    /// A plain number.
    Count,
    /// A calendar year: never grouped.
    Year,
    /// "1:{n}".
    Ratio,
    /// "{n}:1".
    RatioTo1,
    /// Money in an ISO 4217 currency (the code).
    Currency(&'a str),
    /// A member of a prefix-scaled family, and its step.
    Prefixed(&'static Family, usize),
    /// A measure with a symbol.
    Symbol(&'static str),
    /// Worded by the language (or the project).
    Worded,
}

/// A unit a project defines in `vlr.toml`: `[units.bus-stops]` with a pattern per language.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct UnitDef {
    /// Whether large values take scale words ("1.2 million bus stops").
    #[serde(default)]
    pub scale: bool,
    /// Patterns after a scale word, per language.
    #[serde(default)]
    pub scaled: BTreeMap<String, Pattern>,
    /// A chart's value-axis title per language, where the pattern's words
    /// ("مدرسة" of "{n} مدرسة") do not make one ("عدد المدارس").
    #[serde(default)]
    pub axis: BTreeMap<String, String>,
    /// Patterns per language: `en = "{n} bus stops"` or `fr = { one = "…", other = "…" }`.
    #[serde(flatten)]
    pub patterns: BTreeMap<String, Pattern>,
}

/// The canonical id of a unit: aliases resolved, currency codes upper-cased.
pub fn canonical(unit: &str) -> std::borrow::Cow<'_, str> {
    if let Some((_, to)) = ALIASES.iter().find(|(a, _)| *a == unit) {
        return (*to).into();
    }
    if unit.len() == 3 && unit.bytes().all(|b| b.is_ascii_alphabetic()) && !unit.bytes().all(|b| b.is_ascii_uppercase())
    {
        let upper = unit.to_ascii_uppercase();
        if super::cldr::is_currency(&upper) {
            return upper.into();
        }
    }
    unit.into()
}

/// The kind of a (canonical) unit id, if the catalogue or the project knows it.
pub fn kind<'a>(unit: &'a str, project: &BTreeMap<String, UnitDef>) -> Option<Kind<'a>> {
    if project.contains_key(unit) {
        return Some(Kind::Worded);
    }
    Some(match unit {
        "count" => Kind::Count,
        "year" => Kind::Year,
        "ratio" => Kind::Ratio,
        "ratio-to-1" => Kind::RatioTo1,
        _ => {
            for family in [&CO2E, &ENERGY] {
                if let Some(i) = family.steps.iter().position(|(_, id, _)| *id == unit) {
                    return Some(Kind::Prefixed(family, i));
                }
            }
            if let Some((_, sym)) = SYMBOLS.iter().find(|(id, _)| *id == unit) {
                return Some(Kind::Symbol(sym));
            }
            if WORDED.contains(&unit) {
                return Some(Kind::Worded);
            }
            if super::cldr::is_currency(unit) {
                return Some(Kind::Currency(unit));
            }
            return None;
        }
    })
}

/// Every unit id of the catalogue (currencies stand as "any ISO 4217 code").
pub fn listing() -> String {
    let mut ids: Vec<&str> = vec!["count", "year", "ratio", "ratio-to-1"];
    ids.extend(CO2E.steps.iter().chain(ENERGY.steps).map(|(_, id, _)| *id));
    ids.extend(SYMBOLS.iter().map(|(id, _)| *id));
    ids.extend(WORDED);
    format!(
        "{}; any ISO 4217 currency code (GBP, EUR, CNY …; `yuan`, `usd`); or one defined under [units] in vlr.toml",
        ids.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_knows_currencies_families_and_aliases() {
        let none = BTreeMap::new();
        assert_eq!(canonical("yuan"), "CNY");
        assert_eq!(canonical("gbp"), "GBP");
        assert_eq!(canonical("km"), "km");
        assert_eq!(kind("GBP", &none), Some(Kind::Currency("GBP")));
        assert!(matches!(kind("kt-co2e", &none), Some(Kind::Prefixed(_, 1))));
        assert!(matches!(kind("gwh", &none), Some(Kind::Prefixed(_, 2))));
        assert_eq!(kind("ug-m3", &none), Some(Kind::Symbol("µg/m³")));
        assert_eq!(kind("per-100k", &none), Some(Kind::Worded));
        assert_eq!(kind("furlongs", &none), None);
        let mut project = BTreeMap::new();
        project.insert("furlongs".to_string(), UnitDef::default());
        assert_eq!(kind("furlongs", &project), Some(Kind::Worded));
    }
}
