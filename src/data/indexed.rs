//! The data indexed by id and checked once for all editions: what the index
//! builds (index.rs) and every later step reads.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::model::{ChartSpec, Indicator, Panel};
use super::rules::Thresholds;
use super::series::{Period, Point, Series};
use crate::i18n::units::UnitDef;

/// An indicator with its series, ready for every edition.
pub struct Ind<'a> {
    /// The data file declaring it.
    pub path: &'a Path,
    /// As written.
    pub spec: &'a Indicator,
    /// Its values by period (TOML and CSV merged).
    pub series: Series,
    /// The target value, its period and its decimals as written.
    pub target: Option<(Period, f64, Option<u8>)>,
    /// The thresholds of the SDG dashboard's bands, checked.
    pub thresholds: Option<Thresholds>,
    /// The decimals of green, yellow and red as written (a derived yellow: as its midpoint needs).
    pub threshold_decimals: [Option<u8>; 3],
    /// The period changes are measured from.
    pub baseline: Option<Period>,
    /// Years its latest value may lag behind the edition.
    pub lag: i32,
    /// Years before the edition its value may be and still be rated.
    pub years_used: i32,
    /// Why the whole indicator is not known (`missing = …`).
    pub missing: Option<String>,
    /// How the figure recurs.
    pub recurs: Recurs,
}

/// How a figure recurs, so a new edition asks only for what is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recurs {
    /// Every year (the default).
    Yearly,
    /// Every N years (a census).
    Every(i32),
    /// Once: an event, or a constant (`fixed = true`).
    Once,
}

impl Recurs {
    /// Reads `recurs` (and `fixed`): a located error for anything else.
    pub fn read(v: Option<&toml::Value>, fixed: bool) -> Result<Self, String> {
        let r = match v {
            None => Recurs::Yearly,
            Some(toml::Value::String(s)) => match s.as_str() {
                "yearly" => Recurs::Yearly,
                "once" | "constant" => Recurs::Once,
                other => {
                    return Err(format!(
                        "`recurs = \"{other}\"`: write \"yearly\", \"once\", \"constant\" or a number of years (10 for a census)"
                    ));
                }
            },
            Some(toml::Value::Integer(n)) if (1..=30).contains(n) => {
                if *n == 1 {
                    Recurs::Yearly
                } else {
                    Recurs::Every(*n as i32)
                }
            }
            Some(other) => {
                return Err(format!(
                    "`recurs = {other}`: write \"yearly\", \"once\", \"constant\" or a number of years from 1 to 30"
                ));
            }
        };
        match (fixed, v.is_some(), r) {
            (false, _, r) => Ok(r),
            (true, false, _) | (true, true, Recurs::Once) => Ok(Recurs::Once),
            (true, true, _) => {
                Err("`fixed = true` says the figure does not recur, `recurs` that it does: keep one".into())
            }
        }
    }

    /// The word for it in vlr's output.
    pub fn name(self) -> String {
        match self {
            Recurs::Yearly => "yearly".into(),
            Recurs::Every(n) => format!("every {n} years"),
            Recurs::Once => "once".into(),
        }
    }
}

impl Ind<'_> {
    /// The value an edition prints for `{id}`: the latest at or before the edition's year.
    pub fn current(&self, edition: i32) -> Option<(&Period, &Point)> {
        self.series.latest_until(edition)
    }

    /// If the edition needs a newer value: the year it expects, and the latest period there is.
    /// A gap declared for the expected year, with its reason, needs nothing: the
    /// edition prints the latest value, with its period ([`Ind::declared_gap`]).
    pub fn needs_data(&self, edition: i32) -> Option<(i32, Option<&Period>)> {
        if self.recurs == Recurs::Once || self.missing.is_some() || self.declared_gap(edition).is_some() {
            return None;
        }
        let expected = edition - self.lag;
        match (self.current(edition), self.recurs) {
            (Some((p, _)), _) if p.year >= expected => None,
            // A census value is due N years after the last one.
            (Some((p, _)), Recurs::Every(n)) if p.year + n > expected => None,
            (Some((p, _)), Recurs::Every(n)) => Some((p.year + n, Some(p))),
            (latest, _) => Some((expected, latest.map(|(p, _)| p))),
        }
    }

    /// A value the edition expects but the source has not got, declared
    /// missing with its reason (`2021 = { missing = "survey postponed" }`),
    /// while an older value stands in: that gap's period and reason.
    pub fn declared_gap(&self, edition: i32) -> Option<(&Period, &str)> {
        let expected = edition - self.lag;
        let (latest, _) = self.current(edition)?;
        if latest.year >= expected {
            return None;
        }
        self.series
            .points
            .iter()
            .rev()
            .find(|(p, pt)| p.year >= expected && p.year <= edition && pt.value.is_none())
            .and_then(|(p, pt)| Some((p, pt.missing.as_deref().filter(|m| !m.trim().is_empty())?)))
    }

    /// The data file and span to point at for this indicator.
    pub fn loc(&self) -> (&Path, std::ops::Range<usize>) {
        (self.path, self.spec.id.span())
    }

    /// The unit as written in its data file (`percent`, `GBP`).
    pub fn unit(&self) -> &str {
        self.spec.unit.get_ref()
    }
}

/// Data indexed by id, checked once for all languages.
pub struct Index<'a> {
    /// Indicators by id.
    pub indicators: HashMap<&'a str, Ind<'a>>,
    /// Panels by id.
    pub panels: HashMap<&'a str, (&'a Path, &'a Panel)>,
    /// Charts, in file order.
    pub charts: Vec<(&'a Path, &'a ChartSpec)>,
    /// The edition's reporting year.
    pub edition: i32,
    /// Units the project defines in `vlr.toml`.
    pub units: BTreeMap<String, UnitDef>,
    /// How the SDG dashboard rates.
    pub rating: super::rules::RatingSettings,
}

#[cfg(test)]
mod recurs_tests {
    use super::Recurs;

    #[test]
    fn recurrence_is_read_from_recurs_and_fixed() {
        let v = |t: &str| -> toml::Value { toml::from_str::<toml::Table>(&format!("r = {t}")).unwrap()["r"].clone() };
        assert_eq!(Recurs::read(None, false), Ok(Recurs::Yearly));
        assert_eq!(Recurs::read(None, true), Ok(Recurs::Once));
        assert_eq!(Recurs::read(Some(&v("10")), false), Ok(Recurs::Every(10)));
        assert_eq!(Recurs::read(Some(&v("\"constant\"")), false), Ok(Recurs::Once));
        assert_eq!(Recurs::read(Some(&v("\"once\"")), true), Ok(Recurs::Once));
        assert!(Recurs::read(Some(&v("10")), true).is_err(), "fixed and recurring at once");
        assert!(Recurs::read(Some(&v("\"monthly\"")), false).is_err());
        assert!(Recurs::read(Some(&v("0")), false).is_err());
    }
}
