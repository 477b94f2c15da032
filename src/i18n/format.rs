//! Formats figures for a [`Locale`]: scale words ("1,2 milliard", "1485.6亿")
//! and digits, grouping and decimal marks from CLDR through ICU4X; currency
//! symbols and names from CLDR; units from the catalogue ([`super::units`]),
//! worded by the language's strings or the project.
//!
//! Values are printed exactly as stored — never rounded — so a figure reads
//! as the source gives it. Plural forms follow CLDR's plural rules for the
//! number as printed.

use icu_decimal::input::Decimal;

use super::units::{self, Kind};
use super::{CurrencyStyle, Grouping, Locale};

/// How to print one figure.
#[derive(Debug, Clone, Copy)]
pub struct Figure<'a> {
    /// The value in the unit's own measure.
    pub value: f64,
    /// Its unit.
    pub unit: &'a str,
    /// Fixed number of decimals, if any.
    pub decimals: Option<u8>,
    /// The place of the last digit written, as a power of ten (`10.60e9`: 7):
    /// a value printed with a scale word keeps the digits it was written
    /// with ("10.60 billion", "106.0亿"), never fewer than it needs.
    pub place: Option<i8>,
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

/// The decimals a significand scaled by 10^`e` shows to keep the digits its
/// value was written with (last digit at 10^`place`), if more than it needs
/// exactly: `10.60e9` in billions is 10.60, in 亿 106.0.
fn written_decimals(sig: f64, e: u8, place: Option<i8>) -> Option<usize> {
    let shown = usize::try_from(i32::from(e) - i32::from(place?)).ok()?.min(6);
    (shown > exact_decimals(sig, 6)?).then_some(shown)
}

fn decimal(v: f64, decimals: Option<usize>) -> Option<Decimal> {
    let dec = decimals.or_else(|| exact_decimals(v, 6)).unwrap_or(6);
    Decimal::try_from_str(&format!("{:.dec$}", v.abs())).ok()
}

/// Drops `{n}` from a pattern: the unit words alone ("km", "millions de tonnes").
fn words(pattern: &str) -> String {
    pattern.replace("{n}", "").split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Locale {
    /// Formats a plain number with the language's digits, grouping and decimal mark.
    pub fn number(&self, value: f64, decimals: Option<u8>, group: bool) -> String {
        let dec = decimals.map(usize::from).or_else(|| exact_decimals(value, 6)).unwrap_or(6);
        let text = format!("{value:.dec$}");
        let formatter = if group { &self.grouped } else { &self.ungrouped };
        match (formatter, Decimal::try_from_str(&text)) {
            (Some(f), Ok(d)) if group => {
                let (cldr, mark) = &self.group_mark;
                let mut out = f.format(&d).to_string();
                if cldr != mark && !cldr.is_empty() {
                    out = out.replace(cldr.as_str(), mark);
                }
                // ICU groups by CLDR's minimum (Spanish: from five digits); `always` groups four.
                if self.strings.number.grouping == Grouping::Always {
                    out = self.group_four(&out);
                }
                out
            }
            (Some(f), Ok(d)) => f.format(&d).to_string(),
            _ => text,
        }
    }

    /// Whether the language writes four-digit numbers solid but groups longer
    /// ones (Russian `min2`: "2970" but "16 025"; CLDR's Spanish).
    fn four_solid(&self) -> bool {
        let grouped = |v: f64| self.number(v, Some(0), true).chars().any(|c| !c.is_numeric() && c != '-');
        !grouped(1000.0) && grouped(10_000.0)
    }

    /// `text` with the integer part of every four-digit number in it grouped
    /// ("2970 чел." → "2 970 чел."); a year-like number beside a decimal
    /// mark or another group is left alone.
    fn group_four(&self, text: &str) -> String {
        let mark = &self.group_mark.1;
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len() + mark.len());
        let mut i = 0;
        while i < chars.len() {
            if !chars[i].is_numeric() {
                out.push(chars[i]);
                i += 1;
                continue;
            }
            let start = i;
            while i < chars.len() && chars[i].is_numeric() {
                i += 1;
            }
            let run: String = chars[start..i].iter().collect();
            // A run that continues a number (after a decimal mark or a group
            // mark) or is continued by a group is not an integer part of four.
            let joined = |c: Option<&char>, d: Option<&char>| {
                c.is_some_and(|c| !c.is_alphanumeric() && !c.is_whitespace() || mark.starts_with(*c))
                    && d.is_some_and(|d| d.is_numeric())
            };
            let before = start.checked_sub(1).map(|k| &chars[k]);
            let after = chars.get(i);
            let continues = joined(before, start.checked_sub(2).map(|k| &chars[k]));
            let grouped_on = after.is_some_and(|c| mark.starts_with(*c))
                && chars.get(i + 1).is_some_and(|d| d.is_numeric())
                && chars.get(i + 4).is_none_or(|d| !d.is_numeric())
                && chars[i + 1..].iter().take(3).all(|d| d.is_numeric());
            if run.chars().count() == 4 && !continues && !grouped_on {
                let mut cs = run.chars();
                out.extend(cs.next());
                out.push_str(mark);
                out.extend(cs);
            } else {
                out.push_str(&run);
            }
        }
        out
    }

    /// Whether numbers set together (one chart's labels, one panel, one
    /// column) group their four-digit numbers too: where the language writes
    /// those solid and any of `values` has five digits or more. Mixed forms,
    /// "3103" beside "16 025", read as a fault (UN Russian practice in tables).
    pub fn groups_four_in(&self, values: impl IntoIterator<Item = f64>) -> bool {
        self.four_solid() && values.into_iter().any(|v| v.abs().round() >= 10_000.0)
    }

    /// Like [`Locale::number`], grouped; `four`: a four-digit number grouped
    /// too (see [`Locale::groups_four_in`]).
    pub fn number_in_set(&self, value: f64, decimals: Option<u8>, four: bool) -> String {
        let out = self.number(value, decimals, true);
        if four && self.four_solid() { self.group_four(&out) } else { out }
    }

    /// Formatted numbers set together (a panel's values, an annex column):
    /// where any of them is grouped and the language writes four digits solid,
    /// their four-digit numbers are grouped too.
    pub fn group_alike(&self, texts: &mut [String]) {
        if !self.four_solid() {
            return;
        }
        let mark = &self.group_mark.1;
        let grouped = |t: &str| {
            let cs: Vec<char> = t.chars().collect();
            let m: Vec<char> = mark.chars().collect();
            (1..cs.len()).any(|k| {
                cs[k - 1].is_numeric()
                    && cs[k..].starts_with(&m)
                    && cs.len() >= k + m.len() + 3
                    && cs[k + m.len()..k + m.len() + 3].iter().all(|d| d.is_numeric())
            })
        };
        if texts.iter().any(|t| grouped(t)) {
            for t in texts.iter_mut() {
                *t = self.group_four(t);
            }
        }
    }

    /// Whether large values of `unit` take scale words in this language.
    fn scalable(&self, unit: &str) -> bool {
        if let Some(def) = self.project_unit(unit) {
            return def.scale;
        }
        let list = &self.strings.number.scalable;
        let kind = units::kind(unit, &self.units);
        list.iter().any(|u| u == unit)
            || (list.iter().any(|u| u == "currency") && matches!(kind, Some(Kind::Currency(_))))
            || (!self.strings.number.prefixes && matches!(kind, Some(Kind::Prefixed(..))))
    }

    /// Whether `value` on a scale of `divisor` keeps every digit within the
    /// language's `max-decimals` (221 in 万 is 0.0221: not in Chinese, at most 2).
    pub fn keeps_digits(&self, value: f64, divisor: f64) -> bool {
        exact_decimals(value / divisor, usize::from(self.strings.number.max_decimals)).is_some()
    }

    /// The largest scale that keeps every digit with at most `max-decimals`
    /// decimals: its exponent and the scaled value.
    fn pick_exponent(&self, value: f64) -> Option<(u8, f64)> {
        let max = usize::from(self.strings.number.max_decimals);
        self.scales.iter().find_map(|&e| {
            let d = 10f64.powi(i32::from(e));
            (value.abs() >= d && exact_decimals(value / d, max).is_some()).then_some((e, value / d))
        })
    }

    /// The scale word pattern of 10^`e` for a significand ("{n} milliard").
    fn scale_pattern(&self, e: u8, significand: &Decimal) -> Option<String> {
        let rules = self.plurals.as_ref()?;
        let own = self.strings.number.scale_names.get(&e.to_string());
        if let Some(p) = own.and_then(|p| p.given(super::cldr::category_name(rules.category_for(significand)))) {
            return Some(p.to_string());
        }
        self.compact.as_ref()?.pattern(e, significand, rules)
    }

    /// The plural form of a noun after a scale word and on a chart axis:
    /// "other" ("millions de tonnes"), Russian "many" («млн юаней»).
    fn scaled_plural(&self) -> &'static str {
        match self.strings.number.scaled_plural.as_str() {
            "zero" => "zero",
            "one" => "one",
            "two" => "two",
            "few" => "few",
            "many" => "many",
            _ => "other",
        }
    }

    /// The number with its scale word, whether one was used, and the plural
    /// category the unit's noun takes.
    fn scaled(&self, f: Figure, unit: &str) -> (String, bool, &'static str) {
        if self.scalable(unit)
            && let Some((e, sig)) = self.pick_exponent(f.value)
            && let written = written_decimals(sig, e, f.place)
            && let Some(pattern) = decimal(sig, written).and_then(|d| self.scale_pattern(e, &d))
        {
            let n = self.number(sig, written.and_then(|d| u8::try_from(d).ok()), true);
            return (pattern.replace("{n}", &n), true, self.scaled_plural());
        }
        (self.number(f.value, f.decimals, true), false, self.plural(f.value, f.decimals))
    }

    /// The language's or the project's own pattern for a unit, if any.
    fn own_pattern(&self, unit: &str, original: &str, scaled: bool, cat: &str) -> Option<String> {
        if let Some(def) = self.project_unit(unit) {
            let p = if scaled {
                def.scaled.get(&self.lang).or_else(|| def.patterns.get(&self.lang))
            } else {
                def.patterns.get(&self.lang)
            };
            return p.map(|p| p.pick(cat).to_string());
        }
        let s = &self.strings;
        let table = |t: &'_ std::collections::BTreeMap<String, super::Pattern>| {
            t.get(unit).or_else(|| t.get(original)).map(|p| p.pick(cat).to_string())
        };
        if scaled && let Some(p) = table(&s.scaled_units) {
            return Some(p);
        }
        table(&s.units)
    }

    /// A currency's name after a scale word: "{n} de livres sterling", "{n} d’euros".
    fn currency_name_scaled(&self, code: &str, cat: &str) -> Option<String> {
        let c = self.currency(code)?;
        let name = c.names.iter().find(|(k, _)| *k == cat).or_else(|| c.names.iter().find(|(k, _)| *k == "other"))?;
        let name = words(&name.1);
        let mut pattern = self.strings.number.scaled_currency.clone();
        let vowel = name.chars().next().is_some_and(|c| "aeiouyàâéèêëîïôûüœhAEIOUYÉÈÊÎÔÛH".contains(c));
        if vowel {
            for (from, to) in &self.strings.number.elide {
                pattern = pattern.replace(&format!("{from}{{unit}}"), &format!("{to}{{unit}}"));
            }
        }
        Some(pattern.replace("{unit}", &name))
    }

    /// The pattern of a unit for a plural category; after a scale word if `scaled`.
    fn unit_pattern(&self, original: &str, scaled: bool, cat: &str) -> String {
        let unit = units::canonical(original);
        if let Some(p) = self.own_pattern(&unit, original, scaled, cat) {
            return p;
        }
        match units::kind(&unit, &self.units) {
            Some(Kind::Currency(code)) => {
                let c = self.currency(code);
                if self.strings.number.currency == CurrencyStyle::Name {
                    if scaled && let Some(p) = self.currency_name_scaled(code, cat) {
                        return p;
                    }
                    if let Some((_, p)) = c.as_ref().and_then(|c| {
                        c.names.iter().find(|(k, _)| *k == cat).or_else(|| c.names.iter().find(|(k, _)| *k == "other"))
                    }) {
                        return p.clone();
                    }
                }
                c.map_or_else(|| format!("{{n}}{}{code}", self.strings.number.unit_space), |c| c.symbol_pattern)
            }
            Some(Kind::Symbol(sym)) => format!("{{n}}{}{sym}", self.strings.number.unit_space),
            Some(Kind::Prefixed(family, step)) => {
                format!("{{n}}{}{}", self.strings.number.unit_space, family.steps[step].2)
            }
            Some(Kind::Ratio) => "1:{n}".into(),
            Some(Kind::RatioTo1) => "{n}:1".into(),
            _ => "{n}".into(),
        }
    }

    /// A value of a prefix-scaled family, in the largest step that keeps it exact:
    /// 1,360 kt prints "1.36 Mt CO₂e".
    fn prefixed(&self, family: &units::Family, own: usize, f: Figure) -> String {
        let base = f.value * family.steps[own].0;
        let max = usize::from(self.strings.number.max_decimals);
        let step = (0..family.steps.len())
            .rev()
            .find(|&s| {
                let d = family.steps[s].0;
                base.abs() >= d && exact_decimals(base / d, max).is_some()
            })
            .unwrap_or(own);
        let v = base / family.steps[step].0;
        let decimals = if step == own { f.decimals } else { None };
        let n = self.number(v, decimals, true);
        self.unit_pattern(family.steps[step].1, false, self.plural(v, decimals)).replace("{n}", &n)
    }

    /// Formats a figure with its unit: "148.56 billion yuan", "1485.6亿元",
    /// "£1.2 billion", "1,2 milliard de livres sterling", "1.36 Mt CO₂e".
    pub fn figure(&self, f: Figure) -> String {
        let unit = units::canonical(f.unit);
        match units::kind(&unit, &self.units) {
            Some(Kind::Year) => {
                let n = self.number(f.value, Some(0), false);
                self.unit_pattern(f.unit, false, "other").replace("{n}", &n)
            }
            Some(Kind::Ratio | Kind::RatioTo1) => {
                let n = self.number(f.value, f.decimals, false);
                self.unit_pattern(f.unit, false, "other").replace("{n}", &n)
            }
            Some(Kind::Prefixed(family, own)) if self.strings.number.prefixes => self.prefixed(family, own, f),
            // A language that writes such units with its scale words (Chinese 127.5万吨):
            // the family's smallest unit, scaled like any count.
            Some(Kind::Prefixed(family, own)) => {
                let (_, base, _) = family.steps[0];
                let value = f.value * family.steps[own].0;
                let decimals = if own == 0 { f.decimals } else { None };
                let (n, scaled, cat) = self.scaled(Figure { value, unit: base, decimals, place: None }, base);
                self.unit_pattern(base, scaled, cat).replace("{n}", &n)
            }
            _ => {
                let (n, scaled, cat) = self.scaled(f, &unit);
                self.unit_pattern(f.unit, scaled, cat).replace("{n}", &n)
            }
        }
    }

    /// Formats only the number of a figure (with its scale word, without unit).
    pub fn figure_number(&self, f: Figure) -> String {
        let unit = units::canonical(f.unit);
        match units::kind(&unit, &self.units) {
            // A year never prints with grouping ("2030", not "2,030").
            Some(Kind::Year) => self.number(f.value, Some(0), false),
            Some(Kind::Ratio | Kind::RatioTo1) => self.number(f.value, f.decimals, false),
            Some(Kind::Prefixed(..)) => self.number(f.value, f.decimals, true),
            _ => self.scaled(f, &unit).0,
        }
    }

    /// Formats a change with its sign: "+104.34 km²", "-3.2%".
    pub fn change(&self, f: Figure) -> String {
        if f.value < 0.0 {
            // The language's minus sign comes from CLDR, through the number formatter.
            let abs = self.figure(Figure { value: -f.value, ..f });
            let minus = self.number(-1.0, Some(0), false).replace('1', "");
            return format!("{minus}{abs}");
        }
        let sign = if f.value > 0.0 { "+" } else { "" };
        format!("{sign}{}", self.figure(f))
    }

    /// A ratio's tick label on a chart axis: "1:13.2", Chinese "1∶13.2".
    pub fn ratio(&self, unit: &str, n: &str) -> String {
        match units::kind(unit, &self.units) {
            Some(Kind::Ratio | Kind::RatioTo1) => self.unit_pattern(unit, false, "other").replace("{n}", n),
            _ => n.to_string(),
        }
    }

    /// The axis of a chart: the scale chosen for its largest value and the
    /// unit words, in the plural ("billion yuan", "millions de tonnes", "kt CO₂e").
    pub fn axis(&self, unit: &str, max: f64) -> (Scale, String) {
        self.unit_words(unit, max, true)
    }

    /// The scale and unit words of `axis`; with `titled`, a project unit's
    /// own axis title where it words one ("عدد المدارس", "number of
    /// schools"), else the unit's words ("مدرسة", as a table's unit column).
    fn unit_words(&self, unit: &str, max: f64, titled: bool) -> (Scale, String) {
        let canonical = units::canonical(unit);
        // A project unit may word its axis itself ("عدد المدارس" for "{n} مدرسة").
        if let Some(title) = self.project_unit(&canonical).and_then(|d| d.axis.get(&self.lang))
            && titled
            && !self.scalable(&canonical)
        {
            return (Scale::one(), title.clone());
        }
        let kind = units::kind(&canonical, &self.units);
        match kind {
            Some(Kind::Ratio | Kind::RatioTo1 | Kind::Year) => (Scale::one(), String::new()),
            Some(Kind::Prefixed(family, own)) if !self.strings.number.prefixes => {
                let (_, base, _) = family.steps[0];
                let (scale, words) = self.scaled_axis(base, base, None, max * family.steps[own].0);
                (Scale { divisor: scale.divisor / family.steps[own].0, ..scale }, words)
            }
            Some(Kind::Prefixed(family, own)) => {
                let base = max * family.steps[own].0;
                let step = (0..family.steps.len()).rev().find(|&s| base >= family.steps[s].0).unwrap_or(own);
                let divisor = family.steps[step].0 / family.steps[own].0;
                let w = words(&self.unit_pattern(family.steps[step].1, false, "other"));
                (Scale { divisor, word: String::new() }, w)
            }
            _ => {
                let code = match kind {
                    Some(Kind::Currency(code)) => Some(code),
                    _ => None,
                };
                self.scaled_axis(&canonical, unit, code, max)
            }
        }
    }

    /// The axis of a unit that may take scale words (`code`: a currency's).
    fn scaled_axis(&self, canonical: &str, unit: &str, code: Option<&str>, max: f64) -> (Scale, String) {
        let e = if self.scalable(canonical) {
            self.scales.iter().copied().find(|&e| max >= 10f64.powi(i32::from(e)))
        } else {
            None
        };
        // The plural of a scale word ("millions"), as on an axis of many values.
        let word = e.and_then(|e| Some((e, words(&self.scale_pattern(e, &Decimal::from(100))?))));
        match word {
            Some((e, word)) => {
                let pattern = match code {
                    Some(code) if self.own_pattern(canonical, unit, true, "other").is_none() => {
                        self.currency_name_scaled(code, self.scaled_plural()).unwrap_or_else(|| "{n}".into())
                    }
                    _ => self.unit_pattern(unit, true, self.scaled_plural()),
                };
                let scale = Scale { divisor: 10f64.powi(i32::from(e)), word: word.clone() };
                (scale, pattern.replace("{n}", &word).split_whitespace().collect::<Vec<_>>().join(" "))
            }
            None => (Scale::one(), words(&self.unit_pattern(unit, false, self.scaled_plural()))),
        }
    }

    /// Figures of one unit set in a table's columns: the unit's words, for a
    /// column of their own ("million", "billion yuan", "%", "km²"; `""` for a
    /// plain count), and each number without them. The scale is the row's, one
    /// for all its figures: the largest that keeps every digit of every figure
    /// (700,000 and 1,859,400 people: "million", 0.7 and 1.8594; Chinese keeps
    /// 221 as 221, never 0.0221万). Ratios keep their pattern ("1:25"), years
    /// their digits ungrouped; neither has unit words.
    pub fn columns(&self, unit: &str, figures: &[Figure]) -> (String, Vec<String>) {
        let canonical = units::canonical(unit);
        let max = figures.iter().map(|f| f.value.abs()).fold(0.0, f64::max);
        match units::kind(&canonical, &self.units) {
            Some(Kind::Ratio | Kind::RatioTo1) => (String::new(), figures.iter().map(|&f| self.figure(f)).collect()),
            Some(Kind::Year) => (String::new(), figures.iter().map(|f| self.number(f.value, Some(0), false)).collect()),
            Some(Kind::Prefixed(..)) => {
                let (scale, words) = self.axis(unit, max);
                let decimals = |f: &Figure| if scale.divisor == 1.0 { f.decimals } else { None };
                (words, figures.iter().map(|f| self.number(f.value / scale.divisor, decimals(f), true)).collect())
            }
            _ => {
                // The largest scale every figure keeps its digits on; none (the
                // unit's words alone) if there is none.
                let e = if self.scalable(&canonical) {
                    self.scales.iter().copied().find(|&e| {
                        let d = 10f64.powi(i32::from(e));
                        max >= d && figures.iter().all(|f| self.keeps_digits(f.value, d))
                    })
                } else {
                    None
                };
                let (scale, words) = self.unit_words(unit, e.map_or(0.0, |e| 10f64.powi(i32::from(e))), false);
                let numbers = figures
                    .iter()
                    .map(|f| match e {
                        Some(e) => {
                            let sig = f.value / scale.divisor;
                            let written = written_decimals(sig, e, f.place).and_then(|d| u8::try_from(d).ok());
                            self.number(sig, written, true)
                        }
                        None => self.number(f.value, f.decimals, true),
                    })
                    .collect();
                (words, numbers)
            }
        }
    }

    /// Whether this language can print `unit`; if not, what to add where.
    pub fn can_print(&self, unit: &str) -> Result<(), String> {
        let canonical = units::canonical(unit);
        if let Some(def) = self.project_unit(&canonical) {
            return if def.patterns.contains_key(&self.lang) {
                Ok(())
            } else {
                Err(format!(
                    "unit `{unit}` has no `{}` pattern: add `{} = \"{{n}} …\"` under [units.{unit}] in vlr.toml",
                    self.lang, self.lang
                ))
            };
        }
        match units::kind(&canonical, &self.units) {
            None => Err(format!("unknown unit `{unit}`")),
            Some(Kind::Worded) if self.own_pattern(&canonical, unit, false, "other").is_none() => Err(format!(
                "unit `{unit}` has no `{}` pattern: add `{unit} = \"{{n}} …\"` under [units] in {}",
                self.lang,
                super::project_file(&self.lang).display()
            )),
            Some(Kind::Currency(code))
                if self.currency(code).is_none() && self.own_pattern(&canonical, unit, false, "other").is_none() =>
            {
                Err(format!("CLDR has no `{}` data for the currency `{code}`", self.lang))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(lang: &str, value: f64, unit: &str) -> String {
        Locale::builtin(lang).figure(Figure { value, unit, decimals: None, place: None })
    }

    fn number(lang: &str, value: f64, decimals: Option<u8>, group: bool) -> String {
        Locale::builtin(lang).number(value, decimals, group)
    }

    #[test]
    fn money_in_english_and_chinese() {
        assert_eq!(fig("en", 148.56e9, "yuan"), "148.56 billion yuan");
        assert_eq!(fig("zh", 148.56e9, "yuan"), "1485.6亿元");
        assert_eq!(fig("zh", 148.56e9, "CNY"), "1485.6亿元");
        assert_eq!(fig("en", 80_137.0, "yuan"), "80,137 yuan");
        assert_eq!(fig("zh", 34.52e6, "yuan"), "3452万元");
    }

    #[test]
    fn any_currency_by_its_code_from_cldr() {
        assert_eq!(fig("en", 1.2e9, "GBP"), "£1.2 billion");
        assert_eq!(fig("en", 80_137.0, "GBP"), "£80,137");
        assert_eq!(fig("en", 2.5e6, "EUR"), "€2.5 million");
        assert_eq!(fig("fr", 1.2e9, "GBP"), "1,2 milliard de\u{A0}livres sterling");
        assert_eq!(fig("fr", 3.4e9, "GBP"), "3,4 milliards de\u{A0}livres sterling");
        assert_eq!(fig("fr", 2.5e6, "EUR"), "2,5 millions d’euros");
        assert_eq!(fig("fr", 80_137.0, "GBP"), "80\u{202F}137 livres sterling");
        assert_eq!(fig("fr", 1.0, "EUR"), "1 euro");
        assert_eq!(fig("zh", 1.2e9, "GBP"), "12亿英镑");
        assert_eq!(fig("ru", 1.5e6, "yuan"), "1,5\u{A0}млн\u{A0}юаней");
        assert_eq!(fig("en", 3.0e6, "usd"), "US$3 million");
    }

    #[test]
    fn french_scale_words_are_singular_below_two() {
        assert_eq!(fig("fr", 1.36e6, "tonne"), "1,36 million de\u{A0}tonnes");
        assert_eq!(fig("fr", 148.56e9, "yuan"), "148,56 milliards de\u{A0}yuans");
        assert_eq!(fig("fr", 1.5, "tonne"), "1,5\u{A0}tonne");
        assert_eq!(fig("fr", 2.0, "tonne"), "2\u{A0}tonnes");
    }

    #[test]
    fn arabic_scale_words_take_their_plural_in_un_usage() {
        assert_eq!(fig("ar", 4e9, "CNY"), "4\u{A0}بلايين\u{A0}يوان");
        assert_eq!(fig("ar", 148.56e9, "CNY"), "148.56\u{A0}بليون\u{A0}يوان");
        assert_eq!(fig("ar", 15e9, "CNY"), "15\u{A0}بليون\u{A0}يوان");
        assert_eq!(fig("ar", 3e6, "CNY"), "3\u{A0}ملايين\u{A0}يوان");
    }

    #[test]
    fn a_scaled_figure_keeps_the_digits_it_was_written_with() {
        let written = |lang: &str, place| {
            Locale::builtin(lang).figure(Figure { value: 10.60e9, unit: "yuan", decimals: None, place })
        };
        assert_eq!(written("en", Some(7)), "10.60 billion yuan", "written 10.60e9");
        assert_eq!(written("zh", Some(7)), "106.0亿元");
        assert_eq!(written("en", None), "10.6 billion yuan");
        // Never fewer digits than the value needs.
        let en = Locale::builtin("en");
        assert_eq!(
            en.figure(Figure { value: 148.56e9, unit: "yuan", decimals: None, place: Some(8) }),
            "148.56 billion yuan"
        );
    }

    #[test]
    fn plural_forms_follow_cldr() {
        assert_eq!(fig("ru", 21.0, "years"), "21\u{A0}год");
        assert_eq!(fig("ru", 24.0, "years"), "24\u{A0}года");
        assert_eq!(fig("ru", 25.0, "years"), "25\u{A0}лет");
        assert_eq!(fig("en", 1.0, "people"), "1 person");
        assert_eq!(fig("en", 1.0, "pp"), "1 percentage point");
        assert_eq!(
            Locale::builtin("en").figure(Figure { value: 1.0, unit: "pp", decimals: Some(1), place: None }),
            "1.0 percentage points"
        );
        // Arabic: the six CLDR categories.
        let ar = Locale::builtin("ar");
        let cats: Vec<&str> = [0.0, 1.0, 2.0, 3.0, 11.0, 100.0].iter().map(|v| ar.plural(*v, None)).collect();
        assert_eq!(cats, ["zero", "one", "two", "few", "many", "other"]);
        let people: Vec<String> = [3.0, 11.0, 100.0].iter().map(|v| fig("ar", *v, "people")).collect();
        assert_eq!(people, ["3\u{A0}أشخاص", "11\u{A0}شخصًا", "100\u{A0}شخص"]);
    }

    #[test]
    fn prefixed_families_scale_by_prefix() {
        assert_eq!(fig("en", 412.3, "kt-co2e"), "412.3 kt CO₂e");
        assert_eq!(fig("en", 1360.0, "kt-co2e"), "1.36 Mt CO₂e");
        assert_eq!(fig("en", 850.0, "t-co2e"), "850 t CO₂e");
        assert_eq!(fig("fr", 1360.0, "kt-co2e"), "1,36\u{A0}Mt CO₂e");
        assert_eq!(fig("en", 2400.0, "gwh"), "2.4 TWh");
        assert_eq!(fig("en", 12.5, "ug-m3"), "12.5 µg/m³");
        assert_eq!(fig("en", 312.4, "per-100k"), "312.4 per 100,000 people");
        assert_eq!(Locale::builtin("en").axis("kt-co2e", 1360.0).1, "Mt CO₂e");
        assert_eq!(Locale::builtin("en").axis("kt-co2e", 1360.0).0.divisor, 1000.0);
        // Chinese writes them with its scale words instead: 万吨, 亿千瓦时.
        assert_eq!(fig("zh", 1275.0, "kt-co2e"), "127.5万吨二氧化碳当量");
        assert_eq!(fig("zh", 845.0, "gwh"), "8.45亿千瓦时");
        // At most two decimals after 万 or 亿 (zh.toml rule 2).
        assert_eq!(fig("zh", 845.2, "gwh"), "84520万千瓦时");
        let (scale, words) = Locale::builtin("zh").axis("kt-co2e", 1480.0);
        assert_eq!((scale.divisor, words.as_str()), (10.0, "万吨二氧化碳当量"));
    }

    #[test]
    fn four_digit_numbers_are_grouped_where_their_set_holds_a_grouped_one() {
        let ru = Locale::builtin("ru");
        let nb = '\u{A0}';
        // Alone, Russian writes four digits solid (min2); beside 16 025 they are grouped.
        assert_eq!(ru.number(3103.0, None, true), "3103");
        assert!(!ru.groups_four_in([3103.0, 9311.0]));
        assert!(ru.groups_four_in([3103.0, 16_025.0]));
        assert_eq!(ru.number_in_set(3103.0, None, true), format!("3{nb}103"));
        assert_eq!(ru.number_in_set(3103.0, None, false), "3103");
        assert_eq!(ru.number_in_set(16_025.0, None, true), format!("16{nb}025"));
        assert_eq!(ru.number_in_set(2970.5, Some(1), true), format!("2{nb}970,5"));
        assert_eq!(ru.number_in_set(970.1234, None, true), "970,1234", "decimals are never grouped");
        // A panel's or a column's formatted values.
        let mut set = vec![format!("2970{nb}чел."), format!("258{nb}000{nb}чел."), format!("1,5{nb}млн")];
        ru.group_alike(&mut set);
        assert_eq!(set, [format!("2{nb}970{nb}чел."), format!("258{nb}000{nb}чел."), format!("1,5{nb}млн")]);
        let mut alone = vec!["2970".to_string(), "3726".to_string()];
        ru.group_alike(&mut alone);
        assert_eq!(alone, ["2970", "3726"], "no grouped number: four digits stay solid");
        // Languages that group four digits anyway, or never group, are untouched.
        let en = Locale::builtin("en");
        assert!(!en.groups_four_in([3103.0, 16_025.0]));
        let mut en_set = vec!["3,103".to_string(), "16,025".to_string()];
        en.group_alike(&mut en_set);
        assert_eq!(en_set, ["3,103", "16,025"]);
        let zh = Locale::builtin("zh");
        assert!(!zh.groups_four_in([3103.0, 16_025.0]));
    }

    /// A locale of `lang` with its number rules changed.
    fn with_rules(lang: &str, change: impl FnOnce(&mut crate::i18n::NumberRules)) -> Locale {
        let mut strings: crate::i18n::Strings =
            toml::from_str(crate::i18n::builtin_source(lang).unwrap_or_default()).unwrap_or_else(|e| panic!("{e}"));
        change(&mut strings.number);
        Locale::new(lang, strings, Default::default())
    }

    #[test]
    fn grouping_follows_the_house_style() {
        use crate::i18n::Grouping;
        // UN Spanish groups four-digit numbers (CLDR does not); UN Russian writes them solid.
        assert_eq!(number("es", 2970.0, None, true), "2.970");
        assert_eq!(number("es", 80_392.0, None, true), "80.392");
        assert_eq!(number("ru", 2970.0, None, true), "2970");
        assert_eq!(number("ru", 80_392.0, None, true), "80\u{A0}392");
        // CLDR's own rule, for comparison: Spanish leaves four digits solid, Russian groups them.
        let cldr = |lang| with_rules(lang, |n| n.grouping = Grouping::Cldr).number(2970.0, None, true);
        assert_eq!((cldr("es"), cldr("ru")), ("2970".to_string(), "2\u{A0}970".to_string()));
        assert_eq!(with_rules("en", |n| n.grouping = Grouping::Never).number(80_392.0, None, true), "80392");
        // Ungrouped numbers (years) stay solid whatever the rule.
        assert_eq!(number("es", 2030.0, Some(0), false), "2030");
    }

    #[test]
    fn a_group_separator_replaces_cldrs() {
        let ar = with_rules("ar", |n| n.group_separator = Some("\u{202F}".into()));
        assert_eq!(ar.number(70_000.0, None, true), "70\u{202F}000");
        assert_eq!(ar.number(1_250_000.5, Some(1), true), "1\u{202F}250\u{202F}000.5");
        // Only between groups: the decimal mark and an ungrouped number are left alone.
        assert_eq!(ar.number(2.5, Some(1), true), "2.5");
        assert_eq!(ar.number(70_000.0, None, false), "70000");
        // In a figure with its unit too.
        assert_eq!(ar.figure(Figure { value: 70_000.0, unit: "count", decimals: None, place: None }), "70\u{202F}000");
    }

    #[test]
    fn counts_scale_only_when_exact() {
        assert_eq!(fig("en", 1_859_400.0, "count"), "1.8594 million");
        assert_eq!(fig("zh", 1_859_400.0, "count"), "185.94万");
        assert_eq!(fig("en", 75_000.0, "count"), "75,000");
        assert_eq!(fig("zh", 80_392.0, "teu"), "80392标箱"); // Chinese government style: no grouping
        assert_eq!(fig("en", 80_392.0, "teu"), "80,392 TEUs");
        assert_eq!(fig("en", 1_234_567.0, "count"), "1,234,567");
        // Chinese scales lengths as its statistical bulletins do (zh.toml rule 2).
        assert_eq!(fig("zh", 100_000.0, "km"), "10万公里");
    }

    #[test]
    fn percentages_ratios_units() {
        let en = Locale::builtin("en");
        assert_eq!(fig("en", 5.2, "percent"), "5.2%");
        assert_eq!(en.figure(Figure { value: 1.9, unit: "ratio-to-1", decimals: Some(2), place: None }), "1.90:1");
        assert_eq!(fig("en", 13.2, "ratio"), "1:13.2");
        assert_eq!(fig("zh", 13.2, "ratio"), "1∶13.2");
        assert_eq!(Locale::builtin("zh").ratio("ratio", "13.2"), "1∶13.2");
        assert_eq!(fig("en", 1559.0, "km"), "1,559 km");
        assert_eq!(fig("zh", 1559.0, "km"), "1559公里");
        assert_eq!(fig("en", 2020.0, "year"), "2020");
        assert_eq!(
            en.figure_number(Figure { value: 148.56e9, unit: "yuan", decimals: None, place: None }),
            "148.56 billion"
        );
        assert_eq!(en.figure_number(Figure { value: 2030.0, unit: "year", decimals: None, place: None }), "2030");
        assert_eq!(en.change(Figure { value: 104.34, unit: "km2", decimals: None, place: None }), "+104.34 km²");
        assert_eq!(en.change(Figure { value: -3.2, unit: "percent", decimals: Some(1), place: None }), "-3.2%");
    }

    #[test]
    fn other_un_languages_follow_cldr() {
        assert_eq!(fig("fr", 1559.0, "km"), "1\u{202F}559\u{A0}km");
        assert_eq!(fig("fr", 5.2, "percent"), "5,2\u{202F}%");
        // Spanish and Russian group as UN documents do (`grouping` in their strings).
        assert_eq!(fig("es", 1559.0, "km"), "1.559\u{A0}km");
        assert_eq!(fig("es", 80_392.0, "count"), "80.392");
        assert_eq!(fig("ru", 1559.5, "km"), "1559,5\u{A0}км");
        assert_eq!(fig("ru", 21_559.5, "km"), "21\u{A0}559,5\u{A0}км");
        // CLDR (through ICU4X) prescribes Latin digits for generic `ar`, and
        // Arabic-Indic digits where the region uses them (e.g. Egypt).
        assert_eq!(fig("ar", 1559.5, "count"), "1,559.5");
        assert_eq!(number("ar-EG", 1559.5, None, true), "١٬٥٥٩٫٥");
    }

    #[test]
    fn columns_share_the_rows_scale_and_drop_the_unit() {
        let f = |value: f64| Figure { value, unit: "count", decimals: None, place: None };
        let en = Locale::builtin("en");
        assert_eq!(
            en.columns("count", &[f(700_000.0), f(1_859_400.0)]),
            ("million".into(), vec!["0.7".into(), "1.8594".into()])
        );
        assert_eq!(
            en.columns("count", &[f(221.0), f(116_451.0)]),
            (String::new(), vec!["221".into(), "116,451".into()])
        );
        let yuan = Figure { value: 148.56e9, unit: "yuan", decimals: None, place: None };
        assert_eq!(en.columns("yuan", &[yuan]), ("billion yuan".into(), vec!["148.56".into()]));
        let pct = Figure { value: 4.0, unit: "percent", decimals: Some(1), place: None };
        assert_eq!(en.columns("percent", &[pct]), ("%".into(), vec!["4.0".into()]));
        let ratio = Figure { value: 25.0, unit: "ratio", decimals: None, place: None };
        assert_eq!(en.columns("ratio", &[ratio]), (String::new(), vec!["1:25".into()]));
        // Chinese keeps 221 whole: no 万 with four decimals.
        let zh = Locale::builtin("zh");
        assert_eq!(zh.columns("count", &[f(221.0), f(116_451.0)]).0, "");
        assert_eq!(zh.columns("yuan", &[yuan]).0, "亿元");
    }

    #[test]
    fn axis_units() {
        assert_eq!(Locale::builtin("en").axis("yuan", 312e9).1, "billion yuan");
        assert_eq!(Locale::builtin("zh").axis("yuan", 312e9).1, "亿元");
        assert_eq!(Locale::builtin("en").axis("percent", 90.0).1, "%");
        assert_eq!(Locale::builtin("fr").axis("tonne", 3.2e6).1, "millions de tonnes");
        assert_eq!(Locale::builtin("fr").axis("GBP", 3.2e9).1, "milliards de livres sterling");
        assert_eq!(Locale::builtin("en").axis("GBP", 3.2e9).1, "billion British pounds");
    }
}
