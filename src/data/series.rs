//! Indicators as time series: periods, points, and the series built from an
//! indicator's `value` + `year`, its `values = { … }` table and CSV rows.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;

use super::model::Indicator;
use crate::diag::Diag;

/// A reporting period: a calendar year (`2020`) or a labelled period spanning
/// two years, such as a fiscal year (`2022/23`). Periods order by their first
/// year, then their last.
#[derive(Debug, Clone)]
pub struct Period {
    /// The first year.
    pub start: i32,
    /// The last year.
    pub end: i32,
    /// The calendar year the period counts for (the edition it is printed
    /// in, the reporting lag): its last year, unless the project says
    /// `period-year = "start"`.
    pub year: i32,
    /// As written.
    pub label: String,
}

/// Periods are equal when they span the same years, however written.
impl PartialEq for Period {
    fn eq(&self, other: &Self) -> bool {
        (self.start, self.end) == (other.start, other.end)
    }
}

impl Eq for Period {}

impl std::hash::Hash for Period {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.start, self.end).hash(state);
    }
}

impl Ord for Period {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.start, self.end).cmp(&(other.start, other.end))
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

/// Years a period may name: wide enough for history and targets, narrow
/// enough to catch a typo such as `20200`.
pub const YEARS: std::ops::RangeInclusive<i32> = 1800..=2200;

impl Period {
    /// A calendar year.
    pub fn year(y: i32) -> Self {
        Self { start: y, end: y, year: y, label: y.to_string() }
    }

    /// Parses `2020`, `2022/23` or `2022/2023`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let year = |t: &str| -> Option<i32> {
            (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok()).flatten()
        };
        let bad =
            || format!("`{s}` is not a period: write a year (`2020`) or a year spanning two (`2022/23`, `2022/2023`)");
        let p = if let Some(y) = year(s) {
            Self::year(y)
        } else if let Some((a, b)) = s.split_once('/') {
            let start = year(a).ok_or_else(bad)?;
            let end = match b.len() {
                2 if b.bytes().all(|c| c.is_ascii_digit()) => {
                    let yy: i32 = b.parse().map_err(|_| bad())?;
                    let end = start - start.rem_euclid(100) + yy;
                    if end <= start { end + 100 } else { end }
                }
                4 => year(b).ok_or_else(bad)?,
                _ => return Err(bad()),
            };
            if end != start + 1 {
                return Err(format!("`{s}`: a two-year period runs from one year to the next (e.g. `2022/23`)"));
            }
            Self { start, end, year: end, label: s.to_string() }
        } else {
            return Err(bad());
        };
        if !YEARS.contains(&p.start) || !YEARS.contains(&p.end) {
            return Err(format!("`{s}`: years run from {} to {}", YEARS.start(), YEARS.end()));
        }
        Ok(p)
    }

    /// Whether the period spans two years (e.g. a fiscal year).
    pub fn is_split(&self) -> bool {
        self.start != self.end
    }

    /// The next period of the same kind (`2020` → `2021`, `2022/23` → `2023/24`).
    pub fn next(&self) -> Self {
        if self.is_split() {
            let short = self.label.split_once('/').is_some_and(|(_, b)| b.len() == 2);
            let end = self.end + 1;
            let label =
                if short { format!("{}/{:02}", self.end, end.rem_euclid(100)) } else { format!("{}/{end}", self.end) };
            Self { start: self.end, end, year: if self.year == self.start { self.end } else { end }, label }
        } else {
            Self::year(self.start + 1)
        }
    }
}

/// An indicator as panels and chart series name it: `id` (its value at the
/// edition) or `id@period` (its value for that period, as written).
pub fn indicator_ref(written: &str) -> (&str, Option<&str>) {
    match written.split_once('@') {
        Some((id, period)) => (id, Some(period)),
        None => (written, None),
    }
}

/// Where something was written: file and byte range.
#[derive(Debug, Clone, PartialEq)]
pub struct Loc {
    /// Project-relative file.
    pub file: PathBuf,
    /// Byte range in the file.
    pub span: Range<usize>,
}

/// The calendar year a two-year period counts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PeriodYear {
    /// `start`: `2023/24` counts for 2023.
    Start,
    /// `end`: `2023/24` counts for 2024.
    #[default]
    End,
}

impl super::keyword::Keyword for PeriodYear {
    const ALL: &'static [Self] = &[PeriodYear::Start, PeriodYear::End];
    const WHAT: &'static str = "period year";

    fn name(self) -> &'static str {
        match self {
            PeriodYear::Start => "start",
            PeriodYear::End => "end",
        }
    }

    fn hint() -> String {
        "`period-year` is \"start\" (2023/24 counts for 2023) or \"end\" (for 2024)".into()
    }
}

impl<'de> serde::Deserialize<'de> for PeriodYear {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        super::keyword::deserialize(d)
    }
}

/// Whether a value is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValueStatus {
    /// Final (the default).
    #[default]
    Final,
    /// Provisional: may be revised.
    Provisional,
    /// Estimated, not measured.
    Estimated,
}

impl ValueStatus {
    /// Reads `final`, `provisional` (`p`) or `estimated` (`e`); empty is final.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "final" => Ok(ValueStatus::Final),
            "provisional" | "p" => Ok(ValueStatus::Provisional),
            "estimated" | "estimate" | "e" => Ok(ValueStatus::Estimated),
            other => Err(format!("`{other}` is not a value's status (final, provisional or estimated)")),
        }
    }
}

/// One point of a series.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The value in base units; `None` when the point is missing.
    pub value: Option<f64>,
    /// Decimals as written (`4.0` → 1), printed so.
    pub decimals: Option<u8>,
    /// The place of the last digit written (`10.60e9` → 7), kept when the
    /// value prints with a scale word (see [`literal_place`]).
    pub place: Option<i8>,
    /// Why the value is not known (a missing point).
    pub missing: Option<String>,
    /// A note on the value (provisional, revised, …).
    pub note: Option<String>,
    /// Checked by a person: the plausibility checks leave it alone.
    pub checked: bool,
    /// Final, provisional or estimated.
    pub status: ValueStatus,
    /// Where the point was written.
    pub at: Loc,
}

/// An indicator's values by period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    /// Points in period order.
    pub points: BTreeMap<Period, Point>,
}

impl Series {
    /// The latest point with a value whose period ends in or before `year`.
    pub fn latest_until(&self, year: i32) -> Option<(&Period, &Point)> {
        self.points.iter().rev().find(|(p, pt)| p.year <= year && pt.value.is_some())
    }

    /// The point of a period, if any.
    pub fn at(&self, period: &Period) -> Option<&Point> {
        self.points.get(period)
    }

    /// The first point with a value.
    pub fn first(&self) -> Option<(&Period, &Point)> {
        self.points.iter().find(|(_, pt)| pt.value.is_some())
    }

    /// Adds a point; reports a period given twice.
    pub fn insert(&mut self, period: Period, mut point: Point, diags: &mut Vec<Diag>, id: &str) {
        // `-0.0` is zero: printed as 0, never as "-0".
        if point.value == Some(0.0) {
            point.value = Some(0.0);
        }
        if let Some(first) = self.points.get(&period) {
            diags.push(
                Diag::error(
                    &point.at.file,
                    Some(point.at.span.clone()),
                    format!("indicator `{id}` has two values for {period}"),
                )
                .with_hint(format!("the other is at {}", first.at.file.display())),
            );
            return;
        }
        if let Some(other) = self.points.keys().find(|p| p.is_split() != period.is_split()) {
            diags.push(Diag::error(
                &point.at.file,
                Some(point.at.span.clone()),
                format!("indicator `{id}` mixes calendar years and two-year periods ({other} and {period})"),
            ));
            return;
        }
        self.points.insert(period, point);
    }
}

/// Decimals of a number as written: `4.0` → 1, `148.56e9` → none (printed exactly).
pub fn literal_decimals(literal: &str) -> Option<u8> {
    let literal = literal.trim().replace('_', "");
    if literal.contains(['e', 'E']) {
        return None;
    }
    let (int, frac) = literal.split_once('.')?;
    if frac.is_empty() || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // A number holds about 15 significant digits: more would print as noise.
    let int_digits = int.trim_start_matches(['-', '+']).trim_start_matches('0').len();
    let keep = MAX_DIGITS.saturating_sub(int_digits).min(frac.len());
    u8::try_from(keep).ok()
}

/// The place of the last digit of a number as written, as a power of ten:
/// `10.60e9` → 7, `1.5e9` → 8, `4.0` → -1, `1e6` → 6, `230e6` → 7. `None` for an integer
/// written without exponent (`974`, `700_000`: exact, its zeros may be round).
pub fn literal_place(literal: &str) -> Option<i8> {
    let literal = literal.trim().replace('_', "");
    let (mantissa, exp) = match literal.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().ok()?),
        None => (literal.as_str(), 0),
    };
    let frac = match mantissa.split_once('.') {
        Some((_, f)) if f.chars().all(|c| c.is_ascii_digit()) => i32::try_from(f.len()).ok()?,
        Some(_) => return None,
        None if exp == 0 => return None,
        // An integer's trailing zeros may be round (`230e6`: 230 million, to
        // the ten million): they do not count, as in a number without exponent.
        None => {
            let digits = mantissa.trim_start_matches(['-', '+']);
            let zeros = digits.len() - digits.trim_end_matches('0').len();
            -i32::try_from(zeros.min(digits.len().saturating_sub(1))).ok()?
        }
    };
    i8::try_from(exp - frac).ok()
}

/// Significant digits a value keeps exactly (an f64 holds 15 to 17).
pub const MAX_DIGITS: usize = 15;

/// A warning for a literal with more significant digits than a value keeps.
pub fn too_many_digits(literal: &str) -> Option<String> {
    let literal = literal.trim().replace('_', "");
    let mantissa = literal.split(['e', 'E']).next().unwrap_or_default();
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0').trim_end_matches('0').len();
    (significant > MAX_DIGITS).then(|| {
        format!("`{literal}` has {significant} significant digits; vlr keeps {MAX_DIGITS} and prints it rounded")
    })
}

/// A number from TOML (integer or float), if it is one.
fn number(v: &toml::Value) -> Option<f64> {
    v.as_float().or_else(|| v.as_integer().map(|i| i as f64))
}

/// The most decimals `decimals` may ask for (values are at least a millionth).
pub const MAX_DECIMALS: u8 = 6;

/// Checks a value is printable: finite, and not absurdly large or small.
pub fn check_value(v: f64, unit: &str) -> Result<Option<String>, String> {
    if !v.is_finite() {
        return Err(format!("`{v}` is not a number a review can print"));
    }
    if v.abs() >= 1e15 {
        return Err("values of a quadrillion or more are not supported: check the exponent".into());
    }
    if v != 0.0 && v.abs() < 1e-6 {
        return Err("values smaller than one millionth are not supported: check the exponent".into());
    }
    let warn = match unit {
        "percent" if v.abs() > 10_000.0 => Some("a percentage above 10,000: is the value in percent (5.2 for 5.2%)?"),
        "people" | "households" | "teu" | "count" if v < 0.0 => Some("a negative count"),
        _ => None,
    };
    Ok(warn.map(str::to_string))
}

/// Builds the series an indicator's TOML gives (`value` + `year`, or `values`).
/// `text` is the data file's text, to read how numbers were written.
pub fn from_toml(path: &Path, ind: &Indicator, text: &str, edition: i32, diags: &mut Vec<Diag>) -> Series {
    let id = ind.id.get_ref();
    let mut s = Series::default();
    let loc = |span: Range<usize>| Loc { file: path.to_path_buf(), span };
    let lit = |span: &Range<usize>| text.get(span.clone()).unwrap_or_default();
    let check = |v: f64, span: &Range<usize>, diags: &mut Vec<Diag>| -> bool {
        if let Some(w) = too_many_digits(lit(span)) {
            diags.push(Diag::warning(path, Some(span.clone()), w));
        }
        match check_value(v, ind.unit.get_ref()) {
            Ok(None) => true,
            Ok(Some(w)) => {
                diags.push(Diag::warning(path, Some(span.clone()), w));
                true
            }
            Err(e) => {
                diags.push(Diag::error(path, Some(span.clone()), e));
                false
            }
        }
    };
    if let Some(d) = &ind.decimals
        && *d.get_ref() > MAX_DECIMALS
    {
        diags.push(Diag::error(
            path,
            Some(d.span()),
            format!("`decimals = {}`: a figure is printed with at most {MAX_DECIMALS} decimals", d.get_ref()),
        ));
    }
    if let Some(v) = &ind.value {
        let period = match &ind.year {
            None => Ok(Period::year(edition)),
            Some(y) => period_of(y),
        };
        match period {
            Ok(p) if check(*v.get_ref(), &v.span(), diags) => {
                let decimals = ind.decimals.as_ref().map(|d| *d.get_ref()).or_else(|| literal_decimals(lit(&v.span())));
                let point = Point {
                    value: Some(*v.get_ref()),
                    decimals,
                    place: literal_place(lit(&v.span())),
                    missing: None,
                    note: None,
                    checked: false,
                    status: ValueStatus::Final,
                    at: loc(v.span()),
                };
                s.insert(p, point, diags, id);
            }
            Ok(_) => {}
            Err(e) => diags.push(Diag::error(path, ind.year.as_ref().map(Spanned::span), e)),
        }
    } else if let Some(y) = &ind.year
        && ind.values.is_none()
        && let Err(e) = period_of(y)
    {
        diags.push(Diag::error(path, Some(y.span()), e));
    }
    if let Some(values) = &ind.values {
        if ind.value.is_some() {
            diags.push(Diag::error(
                path,
                Some(ind.id.span()),
                "give either `value` (with `year`) or `values`, not both",
            ));
        }
        for (key, val) in values {
            let period = match Period::parse(key.get_ref()) {
                Ok(p) => p,
                Err(e) => {
                    diags.push(Diag::error(path, Some(key.span()), e));
                    continue;
                }
            };
            let span = val.span();
            let point = match val.get_ref() {
                v if number(v).is_some() => {
                    let n = number(v).unwrap_or_default();
                    if !check(n, &span, diags) {
                        continue;
                    }
                    let decimals = ind.decimals.as_ref().map(|d| *d.get_ref()).or_else(|| literal_decimals(lit(&span)));
                    Point {
                        value: Some(n),
                        decimals,
                        place: literal_place(lit(&span)),
                        missing: None,
                        note: None,
                        checked: false,
                        status: ValueStatus::Final,
                        at: loc(span),
                    }
                }
                toml::Value::Table(t) => match point_table(t, ind.unit.get_ref()) {
                    Ok(mut pt) => {
                        if pt.value.is_some() {
                            // The literal inside the inline table, for its decimals.
                            let inner = lit(&span);
                            let literal = inner.split_once("value").and_then(|(_, r)| {
                                let r = r.trim_start().strip_prefix('=')?;
                                let end = r.find([',', '}']).unwrap_or(r.len());
                                Some(&r[..end])
                            });
                            pt.decimals = ind
                                .decimals
                                .as_ref()
                                .map(|d| *d.get_ref())
                                .or_else(|| literal.and_then(literal_decimals));
                            pt.place = literal.and_then(literal_place);
                        }
                        pt.at = loc(span);
                        pt
                    }
                    Err(e) => {
                        diags.push(Diag::error(path, Some(span), e));
                        continue;
                    }
                },
                _ => {
                    diags.push(
                        Diag::error(path, Some(span), format!("the value for {period} is not a number"))
                            .with_hint("write a number, or `{ missing = \"why\" }` for a value that is not known"),
                    );
                    continue;
                }
            };
            s.insert(period, point, diags, id);
        }
    }
    s
}

/// A year written as an integer (`2020`) or a string (`"2022/23"`).
pub fn period_of(v: &Spanned<toml::Value>) -> Result<Period, String> {
    match v.get_ref() {
        toml::Value::Integer(y) => Period::parse(&y.to_string()),
        toml::Value::String(s) => Period::parse(s),
        other => Err(format!("`{other}` is not a period: write a year (2020) or a string such as \"2022/23\"")),
    }
}

/// A point written as a table: `{ value = 1.2, note = "provisional" }` or `{ missing = "why" }`.
fn point_table(t: &toml::Table, unit: &str) -> Result<Point, String> {
    let mut pt = Point {
        value: None,
        decimals: None,
        place: None,
        missing: None,
        note: None,
        checked: false,
        status: ValueStatus::Final,
        at: Loc { file: PathBuf::new(), span: 0..0 },
    };
    for (k, v) in t {
        match (k.as_str(), v) {
            ("value", v) if number(v).is_some() => {
                let n = number(v).unwrap_or_default();
                check_value(n, unit)?;
                pt.value = Some(n);
            }
            ("missing", toml::Value::String(s)) => pt.missing = Some(s.clone()),
            ("missing", toml::Value::Boolean(true)) => pt.missing = Some(String::new()),
            ("note", toml::Value::String(s)) => pt.note = Some(s.clone()),
            ("checked", toml::Value::Boolean(b)) => pt.checked = *b,
            ("status", toml::Value::String(s)) => pt.status = ValueStatus::parse(s)?,
            (k @ ("value" | "missing" | "note" | "checked" | "status"), _) => {
                return Err(format!(
                    "`{k}` has the wrong type (value: a number; missing, note, status: text; checked: true or false)"
                ));
            }
            (k, _) => {
                return Err(format!("unknown field `{k}` in a point (fields: value, missing, note, status, checked)"));
            }
        }
    }
    match (pt.value.is_some(), pt.missing.is_some()) {
        (true, true) => Err("a point has either a `value` or `missing`, not both".into()),
        (false, false) => Err("a point needs a `value`, or `missing = \"why\"` if it is not known".into()),
        _ => Ok(pt),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_and_order() {
        let mut ps: Vec<Period> =
            ["2023/24", "2021", "2022/23", "1990"].iter().map(|s| Period::parse(s).unwrap()).collect();
        ps.sort();
        let labels: Vec<&str> = ps.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["1990", "2021", "2022/23", "2023/24"]);
        assert_eq!(Period::parse("2022/2023").unwrap().end, 2023);
        assert_eq!(Period::parse("1999/00").unwrap().end, 2000);
        assert_eq!(Period::parse("2022/23").unwrap().next().label, "2023/24");
        assert_eq!(Period::parse("2020").unwrap().next().label, "2021");
        for bad in ["20200", "2022/24", "2022-23", "abcd", "", "0999", "2022/"] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn literals_keep_their_decimals() {
        assert_eq!(literal_place("10.60e9"), Some(7));
        assert_eq!(literal_place("1.5e9"), Some(8));
        assert_eq!(literal_place("1e6"), Some(6));
        assert_eq!(literal_place("230e6"), Some(7), "a round integer's zeros do not count");
        assert_eq!(literal_place("230.0e6"), Some(5));
        assert_eq!(literal_place("4.0"), Some(-1));
        assert_eq!(literal_place("974"), None);
        assert_eq!(literal_place("700_000"), None);
        assert_eq!(literal_decimals("4.0"), Some(1));
        assert_eq!(literal_decimals(" 1.90 "), Some(2));
        assert_eq!(literal_decimals("148.56e9"), None);
        assert_eq!(literal_decimals("700_000"), None);
        assert_eq!(literal_decimals("974.1234567890123456789012345678901234567891"), Some(12));
        assert!(too_many_digits("974.1234567890123456789").is_some());
        assert!(too_many_digits("148.56e9").is_none() && too_many_digits("0.000123").is_none());
    }

    #[test]
    fn values_must_be_printable() {
        assert!(check_value(f64::NAN, "count").is_err());
        assert!(check_value(f64::INFINITY, "count").is_err());
        assert!(check_value(1e308, "count").is_err());
        assert!(check_value(1e-320, "count").is_err());
        assert!(check_value(1e9, "percent").unwrap().is_some());
        assert!(check_value(-3.0, "people").unwrap().is_some());
        assert_eq!(check_value(-3.0, "percent"), Ok(None));
    }
}
