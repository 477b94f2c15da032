//! Formats figures for a language: scale words (million, 亿), grouping,
//! decimal marks and units.
//!
//! Values are printed exactly as stored — never rounded — so a figure reads
//! as the source gives it.

/// Units an indicator may have.
pub const UNITS: &[&str] = &[
    "count",
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
    "people",
    "households",
];

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
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// What the value is divided by.
    pub divisor: f64,
    /// The word, e.g. "million" or "万".
    pub word: &'static str,
}

const ONE: Scale = Scale { divisor: 1.0, word: "" };

fn scales(lang: &str) -> &'static [Scale] {
    match lang {
        "zh" => &[Scale { divisor: 1e8, word: "亿" }, Scale { divisor: 1e4, word: "万" }],
        _ => &[Scale { divisor: 1e9, word: "billion" }, Scale { divisor: 1e6, word: "million" }],
    }
}

/// Decimals needed to print `v` exactly (float noise removed), if at most `max`.
fn exact_decimals(v: f64, max: usize) -> Option<usize> {
    (0..=max).find(|&d| {
        let f = 10f64.powi(d as i32);
        ((v * f).round() / f - v).abs() <= v.abs() * 1e-12
    })
}

/// Picks the largest scale that keeps the value exact with few decimals.
pub fn pick_scale(lang: &str, value: f64, unit: &str) -> Scale {
    if !matches!(unit, "count" | "yuan" | "usd" | "m2" | "m3" | "people" | "households" | "tonne") {
        return ONE;
    }
    let max_dec = if lang == "zh" { 2 } else { 4 };
    scales(lang)
        .iter()
        .copied()
        .find(|s| value.abs() >= s.divisor && exact_decimals(value / s.divisor, max_dec).is_some())
        .unwrap_or(ONE)
}

/// Formats a plain number: grouping and decimal mark of the language.
pub fn number(lang: &str, value: f64, decimals: Option<u8>, group: bool) -> String {
    let dec = decimals.map(usize::from).or_else(|| exact_decimals(value, 6)).unwrap_or(6);
    let text = format!("{:.*}", dec, value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let (sep, point) = separators(lang);
    let mut out = String::new();
    if value < 0.0 {
        out.push('-');
    }
    let digits: Vec<char> = int.chars().collect();
    let grouping = group && !(lang == "zh" && digits.len() <= 4) && digits.len() > 3;
    for (i, c) in digits.iter().enumerate() {
        if grouping && i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(*c);
    }
    if !frac.is_empty() {
        out.push_str(point);
        out.push_str(frac);
    }
    out
}

fn separators(lang: &str) -> (&'static str, &'static str) {
    match lang {
        "fr" => ("\u{202F}", ","),
        "ru" => ("\u{00A0}", ","),
        "es" => (".", ","),
        _ => (",", "."),
    }
}

/// The unit's words around a number in a language: (prefix, suffix).
pub fn unit_affixes(lang: &str, unit: &str, plural: bool) -> (&'static str, &'static str) {
    if lang == "zh" {
        return (
            "",
            match unit {
                "yuan" => "元",
                "usd" => "美元",
                "percent" => "%",
                "km" => "公里",
                "km2" => "平方公里",
                "m2" => "平方米",
                "m3" => "立方米",
                "ha" => "公顷",
                "mu" => "亩",
                "tonne" => "吨",
                "teu" => "标箱",
                "year" => "年",
                "years" => "岁",
                "yuan-per-person" => "元/人",
                "people" => "人",
                "households" => "户",
                _ => "",
            },
        );
    }
    match unit {
        "yuan" => ("", " yuan"),
        "usd" => ("US$", ""),
        "percent" => ("", "%"),
        "km" => ("", " km"),
        "km2" => ("", " km²"),
        "m2" => ("", " m²"),
        "m3" => ("", " m³"),
        "ha" => ("", " hectares"),
        "mu" => ("", " mu"),
        "tonne" => ("", if plural { " tonnes" } else { " tonne" }),
        "teu" => ("", if plural { " TEUs" } else { " TEU" }),
        "years" => ("", " years"),
        "yuan-per-person" => ("", " yuan per person"),
        "people" => ("", if plural { " people" } else { " person" }),
        "households" => ("", if plural { " households" } else { " household" }),
        _ => ("", ""),
    }
}

/// Formats a figure with its unit, e.g. "148.56 billion yuan" or "1485.6亿元".
pub fn figure(lang: &str, f: Figure) -> String {
    match f.unit {
        "ratio" => return format!("1:{}", number(lang, f.value, f.decimals, false)),
        "ratio-to-1" => return format!("{}:1", number(lang, f.value, f.decimals, false)),
        "year" => {
            let n = number(lang, f.value, Some(0), false);
            return if lang == "zh" { format!("{n}年") } else { n };
        }
        _ => {}
    }
    let scale = pick_scale(lang, f.value, f.unit);
    let n = number(lang, f.value / scale.divisor, if scale == ONE { f.decimals } else { None }, true);
    let plural = (f.value - 1.0).abs() > f64::EPSILON;
    let (pre, post) = unit_affixes(lang, f.unit, plural);
    let scaled = match (lang, scale.word) {
        (_, "") => n,
        ("zh", w) => format!("{n}{w}"),
        (_, w) => format!("{n} {w}"),
    };
    format!("{pre}{scaled}{post}")
}

/// Formats only the number of a figure (with scale word, without unit).
pub fn figure_number(lang: &str, f: Figure) -> String {
    figure(lang, Figure { unit: if f.unit == "percent" { "count" } else { f.unit }, ..f })
        .replace(unit_affixes(lang, f.unit, true).1, "")
        .replace(unit_affixes(lang, f.unit, false).1, "")
        .replace(unit_affixes(lang, f.unit, true).0, "")
}

/// The axis unit of a chart: the scale chosen for its largest value and the unit words.
pub fn axis(lang: &str, unit: &str, max: f64) -> (Scale, String) {
    let scale = match unit {
        "count" | "yuan" | "usd" | "m2" | "m3" | "people" | "households" | "tonne" => {
            scales(lang).iter().copied().find(|s| max >= s.divisor).unwrap_or(ONE)
        }
        _ => ONE,
    };
    let (pre, post) = unit_affixes(lang, unit, true);
    let words = format!("{}{}{}", pre.trim_end_matches('$'), scale.word, post);
    let words = match (unit, lang) {
        ("usd", "zh") => format!("{}美元", scale.word),
        ("usd", _) => format!("{} US$", scale.word).trim().to_string(),
        ("ratio", _) => String::new(),
        _ => words.trim().to_string(),
    };
    (scale, words)
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
        assert_eq!(fig("zh", 80_392.0, "teu"), "80,392标箱");
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
        assert_eq!(fig("fr", 1559.5, "km"), "1\u{202F}559,5 km");
        assert_eq!(fig("en", 2020.0, "year"), "2020");
        assert_eq!(figure_number("en", Figure { value: 148.56e9, unit: "yuan", decimals: None }), "148.56 billion");
    }

    #[test]
    fn axis_units() {
        assert_eq!(axis("en", "yuan", 312e9).1, "billion yuan");
        assert_eq!(axis("zh", "yuan", 312e9).1, "亿元");
        assert_eq!(axis("en", "percent", 90.0).1, "%");
    }
}
