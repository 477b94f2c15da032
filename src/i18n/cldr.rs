//! CLDR data through ICU4X: the scale words of compact numbers ("1,2 milliard",
//! "1,5 млн", "1485.6亿") and currencies (symbols, display names by plural
//! form, and where the symbol or name goes).
//!
//! ICU4X's formatters round compact numbers ("$1.2K") and force a currency's
//! minor digits ("£80,137.00"); a review prints figures exactly as the source
//! gives them, so vlr reads the same CLDR data and composes the text itself.

use icu_decimal::input::Decimal;
use icu_decimal::provider::{CompactPatterns, DecimalCompactLongV1, DecimalCompactShortV1};
use icu_experimental::dimension::provider::currency::essentials::CurrencyEssentialsV1;
use icu_experimental::dimension::provider::currency::extended::CurrencyExtendedDataV1;
use icu_experimental::dimension::provider::currency::patterns::CurrencyPatternsDataV1;
use icu_experimental::dimension::provider::currency::symbols::CurrencySymbolsV1;
use icu_locale_core::Locale;
use icu_pattern::SinglePlaceholder;
use icu_plurals::{PluralOperands, PluralRules};
use icu_provider::prelude::*;

/// Which CLDR compact form gives a language's scale words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompactStyle {
    /// "billion", "milliard", "Milliarden".
    Long,
    /// "bn", "млрд", "Mrd.".
    Short,
}

/// The compact-number patterns of one language.
pub struct Compact {
    data: DataPayload<DecimalCompactLongV1>,
}

impl std::fmt::Debug for Compact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Compact")
    }
}

/// Requests whose failure is an answer (no such currency), not a problem to log.
fn silent() -> DataRequestMetadata {
    let mut m = DataRequestMetadata::default();
    m.silent = true;
    m
}

fn data_locale(locale: &Locale) -> DataLocale {
    DataLocale::from(locale)
}

impl Compact {
    /// Loads the language's compact patterns (CLDR `decimalFormats-numberSystem-latn`).
    pub fn load(locale: &Locale, style: CompactStyle) -> Option<Self> {
        let loc = data_locale(locale);
        let req = DataRequest { id: DataIdentifierBorrowed::for_locale(&loc), metadata: silent() };
        let data: DataPayload<DecimalCompactLongV1> = match style {
            CompactStyle::Long => {
                DataProvider::<DecimalCompactLongV1>::load(&icu_decimal::provider::Baked, req).ok()?.payload
            }
            CompactStyle::Short => {
                DataProvider::<DecimalCompactShortV1>::load(&icu_decimal::provider::Baked, req).ok()?.payload.cast()
            }
        };
        Some(Self { data })
    }

    fn patterns(&self) -> &CompactPatterns<'_, SinglePlaceholder> {
        self.data.get()
    }

    /// The powers of ten the language has a scale word for (10^6 "million",
    /// 10^4 "万" …), smallest first.
    pub fn exponents(&self) -> Vec<u8> {
        let mut out: Vec<u8> = self
            .patterns()
            .0
            .iter()
            .map(|t| t.sized.saturating_sub(t.variable.get_default().0.get()))
            .filter(|e| *e > 0)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The pattern for 10^`exponent` and a significand, with `{n}` for the
    /// number: "{n} milliard", "{n}亿".
    pub fn pattern(&self, exponent: u8, significand: &Decimal, rules: &PluralRules) -> Option<String> {
        let op = PluralOperands::from(significand);
        self.patterns()
            .0
            .iter()
            .filter(|t| t.sized.saturating_sub(t.variable.get_default().0.get()) == exponent)
            .map(|t| t.variable.get(op, rules).1.interpolate(["{n}"]).to_string())
            .next()
    }
}

/// What CLDR says of a currency in one language.
#[derive(Debug, Clone)]
pub struct Currency {
    /// The symbol: "£", "€", "US$".
    pub symbol: String,
    /// Where the symbol goes, `{n}` for the number: "£{n}", "{n} €".
    pub symbol_pattern: String,
    /// Display names and their patterns by plural category: ("one", "{n} livre sterling").
    pub names: Vec<(&'static str, String)>,
}

/// Whether `code` is an ISO 4217 currency CLDR has data for (its English names).
pub fn is_currency(code: &str) -> bool {
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return false;
    }
    let Ok(attrs) = DataMarkerAttributes::try_from_str(code) else { return false };
    let en = DataLocale::from(&icu_locale_core::locale!("en"));
    let id = DataIdentifierBorrowed::for_marker_attributes_and_locale(attrs, &en);
    DataProvider::<CurrencyExtendedDataV1>::load(
        &icu_experimental::provider::Baked,
        DataRequest { id, metadata: silent() },
    )
    .is_ok()
}

#[cfg(test)]
fn rules_for(locale: &Locale) -> Option<PluralRules> {
    PluralRules::try_new_cardinal(locale.into()).ok()
}

/// A number of each plural category of a language (probes for its names).
fn probes(rules: &PluralRules) -> Vec<(&'static str, Decimal)> {
    // Small integers and a few decimals reach every category CLDR defines.
    let mut out: Vec<(&'static str, Decimal)> = Vec::new();
    let candidates = (0..=111).map(|i| i.to_string()).chain(["0.5", "1.5", "2.5"].iter().map(|s| s.to_string()));
    for text in candidates {
        let Ok(d) = Decimal::try_from_str(&text) else { continue };
        let cat = category_name(rules.category_for(&d));
        if !out.iter().any(|(c, _)| *c == cat) {
            out.push((cat, d));
        }
    }
    out
}

/// The CLDR name of a plural category.
pub fn category_name(c: icu_plurals::PluralCategory) -> &'static str {
    use icu_plurals::PluralCategory as P;
    match c {
        P::Zero => "zero",
        P::One => "one",
        P::Two => "two",
        P::Few => "few",
        P::Many => "many",
        _ => "other",
    }
}

/// Loads a currency's symbol, names and patterns in a language.
pub fn currency(locale: &Locale, code: &str, rules: &Option<PluralRules>) -> Option<Currency> {
    let rules = rules.as_ref()?;
    let loc = data_locale(locale);
    let attrs = DataMarkerAttributes::try_from_str(code).ok()?;
    let id = DataIdentifierBorrowed::for_marker_attributes_and_locale(attrs, &loc);
    let baked = &icu_experimental::provider::Baked;
    let names: DataPayload<CurrencyExtendedDataV1> =
        DataProvider::<CurrencyExtendedDataV1>::load(baked, DataRequest { id, metadata: silent() }).ok()?.payload;
    let symbol = DataProvider::<CurrencySymbolsV1>::load(baked, DataRequest { id, metadata: silent() })
        .ok()
        .map(|r| r.payload.get().as_str().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| code.to_string());
    let plain = DataIdentifierBorrowed::for_locale(&loc);
    let essentials: DataPayload<CurrencyEssentialsV1> =
        DataProvider::<CurrencyEssentialsV1>::load(baked, DataRequest { id: plain, metadata: silent() }).ok()?.payload;
    let starts = symbol.chars().next().is_some_and(char::is_alphabetic);
    let ends = symbol.chars().last().is_some_and(char::is_alphabetic);
    let symbol_pattern = essentials.get().get_positive(starts, ends).interpolate(("{n}", symbol.as_str())).to_string();
    let patterns: DataPayload<CurrencyPatternsDataV1> =
        DataProvider::<CurrencyPatternsDataV1>::load(baked, DataRequest { id: plain, metadata: silent() })
            .ok()?
            .payload;
    let mut out = Vec::new();
    for (cat, probe) in probes(rules) {
        let op = PluralOperands::from(&probe);
        let name = names.get().get(op, rules);
        let pattern = patterns.get().get(op, rules);
        out.push((cat, pattern.interpolate(("{n}", name)).to_string()));
    }
    Some(Currency { symbol, symbol_pattern, names: out })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(s: &str) -> Locale {
        s.parse().unwrap()
    }

    #[test]
    fn compact_scale_words_come_from_cldr() {
        let fr = loc("fr");
        let rules = rules_for(&fr).unwrap();
        let c = Compact::load(&fr, CompactStyle::Long).unwrap();
        assert!(c.exponents().contains(&9), "{:?}", c.exponents());
        let one = Decimal::try_from_str("1.2").unwrap();
        let other = Decimal::try_from_str("148.56").unwrap();
        assert_eq!(c.pattern(9, &one, &rules).unwrap(), "{n} milliard");
        assert_eq!(c.pattern(9, &other, &rules).unwrap(), "{n} milliards");
        let zh = loc("zh");
        let c = Compact::load(&zh, CompactStyle::Long).unwrap();
        assert_eq!(c.pattern(8, &other, &rules_for(&zh).unwrap()).unwrap(), "{n}亿");
    }

    #[test]
    fn currencies_come_from_cldr() {
        assert!(is_currency("GBP") && is_currency("EUR") && is_currency("CNY"));
        assert!(!is_currency("XYZ") && !is_currency("gbp"));
        let en = loc("en");
        let gbp = currency(&en, "GBP", &rules_for(&en)).unwrap();
        assert_eq!(gbp.symbol_pattern, "£{n}");
        let fr = loc("fr");
        let gbp = currency(&fr, "GBP", &rules_for(&fr)).unwrap();
        assert!(gbp.names.contains(&("other", "{n} livres sterling".to_string())), "{:?}", gbp.names);
    }
}
