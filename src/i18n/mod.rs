//! Languages: one [`Locale`] per edition — interface strings, goal names,
//! CLDR plural rules, number formatting, units and typography — built once
//! and passed down.
//!
//! The six UN languages are built in (`src/i18n/<lang>.toml`); a project adds
//! a language, or overrides built-in strings, with `i18n/<lang>.toml` in its
//! folder (the same keys).

pub mod cldr;
pub mod format;
pub mod units;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::diag::{Diag, Sources};

/// The languages vlr ships interface strings for.
pub const SUPPORTED: &[&str] = &["ar", "en", "es", "fr", "ru", "zh"];

/// Whether vlr has built-in strings for `lang`.
pub fn is_builtin(lang: &str) -> bool {
    SUPPORTED.contains(&lang)
}

/// Where a project adds or overrides a language's strings.
pub fn project_file(lang: &str) -> PathBuf {
    Path::new("i18n").join(format!("{lang}.toml"))
}

/// Whether a project can build an edition in `lang`: the language has CLDR
/// data (a valid BCP 47 tag) and strings, built in or in `i18n/<lang>.toml`.
pub fn is_supported(root: &Path, lang: &str) -> bool {
    lang.parse::<icu_locale_core::Locale>().is_ok() && (is_builtin(lang) || root.join(project_file(lang)).is_file())
}

/// A unit pattern, `{n}` standing for the number: one text, or one per CLDR
/// plural category (`{ one = "{n} год", few = "{n} года", many = "{n} лет", other = "{n} года" }`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Pattern {
    /// The same for every number.
    One(String),
    /// By plural category; `other` is the fallback.
    Plural(BTreeMap<String, String>),
}

impl Pattern {
    /// The pattern for a plural category.
    pub fn pick(&self, category: &str) -> &str {
        match self {
            Pattern::One(s) => s,
            Pattern::Plural(m) => m.get(category).or_else(|| m.get("other")).map_or("{n}", String::as_str),
        }
    }

    /// The pattern given for exactly this category, if any (no fallback).
    pub fn given(&self, category: &str) -> Option<&str> {
        match self {
            Pattern::One(s) => Some(s),
            Pattern::Plural(m) => m.get(category).map(String::as_str),
        }
    }

    /// Every text of the pattern.
    pub fn texts(&self) -> Vec<&str> {
        match self {
            Pattern::One(s) => vec![s.as_str()],
            Pattern::Plural(m) => m.values().map(String::as_str).collect(),
        }
    }
}

/// Interface strings and number style of one language.
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
    /// The mark on every page of a draft, and in its PDF title.
    #[serde(default = "default_draft")]
    pub draft: String,
    /// A range of periods (`{chart:range}`): `{from}`, `{to}`.
    #[serde(default = "default_range")]
    pub range: String,
    /// After a value older than the edition, printed because this year's is
    /// declared missing: `{period}` is its period (" (2020)", Chinese "（2020年）").
    #[serde(default = "default_as_of")]
    pub as_of: String,
    /// Why a value is missing, after "n/a" in the annex: `{reason}` (" (…)", Chinese "（…）").
    #[serde(default = "default_reason")]
    pub reason: String,
    /// A period on a chart's axis that its texts do not label (a new
    /// edition's year): `{period}` (Chinese `{period}年`).
    #[serde(default = "default_period")]
    pub period: String,
    /// A figure that is not known ("n/a").
    pub not_available: String,
    /// After a label carried over to a new page: "(continued)".
    pub continued: String,
    /// Mark of a figure older than the edition expects (draft builds); `{period}` is its period.
    pub stale: String,
    /// Mark of an example value.
    pub example: String,
    /// Label of a target line on a chart; `{period}` is the year it is due.
    pub target: String,
    /// A reference to a section of this report in a source line; `{section}` is its number.
    pub report_section: String,
    /// A reference to a numbered chapter (a section number without a dot,
    /// "1"), where the language words it otherwise (Chinese "本报告第{section}部分");
    /// default: `report-section`.
    #[serde(default)]
    pub report_part: Option<String>,
    /// A reference to a chapter of this report without a number; `{title}` is its title.
    pub report_chapter: String,
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
    #[serde(default)]
    pub number: NumberRules,
    /// Unit patterns, `{n}` standing for the number (currencies by ISO code).
    #[serde(default)]
    pub units: BTreeMap<String, Pattern>,
    /// Unit patterns after a scale word, where the language differs ("milliards de yuans").
    #[serde(default)]
    pub scaled_units: BTreeMap<String, Pattern>,
    /// Direction and script.
    #[serde(default)]
    pub typography: Typography,
    /// The SDG dashboard and the statistical annex.
    pub dashboard: DashboardStrings,
    /// The marks of provisional and estimated values, and their legend.
    #[serde(default)]
    pub marks: MarkStrings,
    /// What vlr words on the imprint page from the project's facts: the
    /// suggested citation and the original language.
    #[serde(default)]
    pub imprint: ImprintStrings,
}

/// The imprint's own words: the suggested citation vlr builds from the
/// project's facts where the text gives none, and "Original: English" in a
/// translated edition.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct ImprintStrings {
    /// The citation's heading ("Suggested citation").
    pub citation_label: String,
    /// The citation: `{author}`, `{year}` (of publication), `{title}` (with
    /// its subtitle); `*{title}*` sets the title in italics.
    pub citation: String,
    /// The title with its subtitle, for `{title}`: `{title}`, `{subtitle}`
    /// (`{subtitle:lower-first}`: its first letter lower-cased).
    pub citation_title: String,
    /// After it where the publisher is not the author: `{publisher}`.
    pub citation_publisher: String,
    /// After it where the imprint gives a link: `{link}`.
    pub citation_link: String,
    /// In a translated edition: `{language}`, the source language's name below.
    pub original: String,
    /// Languages' names as `original` needs them, by tag.
    pub languages: BTreeMap<String, String>,
}

impl Default for ImprintStrings {
    fn default() -> Self {
        ImprintStrings {
            citation_label: "Suggested citation".into(),
            citation: "{author} ({year}). {title}.".into(),
            citation_title: "{title}: {subtitle}".into(),
            citation_publisher: " {publisher}.".into(),
            citation_link: " Available at {link}.".into(),
            original: "Original: {language}".into(),
            languages: BTreeMap::new(),
        }
    }
}

/// The marks of values that are not final, printed after them, and the
/// legend that explains them (on the imprint page).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct MarkStrings {
    /// The mark of a provisional value ("p").
    pub provisional: String,
    /// What it means ("provisional").
    pub provisional_name: String,
    /// The mark of an estimated value ("e").
    pub estimated: String,
    /// What it means ("estimated").
    pub estimated_name: String,
    /// The legend's title ("Symbols").
    pub symbols: String,
    /// Between a mark and its meaning in the legend (a no-break space; Russian " — ").
    pub separator: String,
}

impl Default for MarkStrings {
    fn default() -> Self {
        MarkStrings {
            provisional: "p".into(),
            provisional_name: "provisional".into(),
            estimated: "e".into(),
            estimated_name: "estimated".into(),
            symbols: "Symbols".into(),
            separator: "\u{a0}".into(),
        }
    }
}

fn default_draft() -> String {
    "DRAFT".into()
}

fn default_reason() -> String {
    " ({reason})".into()
}

fn default_as_of() -> String {
    " ({period})".into()
}

fn default_period() -> String {
    "{period}".into()
}

fn default_range() -> String {
    "{from}–{to}".into()
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
    /// An indicator whose latest value is older than its years-used window.
    pub outdated: String,
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
    /// The note on the mark of the indicators that set a goal's status.
    pub sets_status: String,
    /// The same, for a goal with one rated indicator.
    pub sets_status_one: String,
    /// A tile's line for a goal no indicator is linked to.
    pub no_indicators: String,
    /// The annex's heading over indicators linked to no goal.
    pub no_goal: String,
    /// After the summary, how many indicators are linked to no goal (`{n}`).
    pub unlinked: String,
    /// Over the dashboard's first tiles: the goals the review treats in depth.
    /// This and the next three may be left out by a language of the
    /// project's own (`i18n/<lang>.toml`): the dashboard then prints no
    /// heading over its rows, the coverage line, and `not-rated`.
    #[serde(default)]
    pub priority: String,
    /// Over the dashboard's other tiles, after the priority goals.
    #[serde(default)]
    pub other_goals: String,
    /// On an unrated goal's tile: its `{n}` indicators.
    #[serde(default)]
    pub reported: String,
    /// The legend's entry for an unrated goal: what "not rated" means.
    #[serde(default)]
    pub not_rated_note: String,
    /// Column: the unit of an indicator's figures.
    pub unit: String,
    /// Column: the values of periods without a column of their own.
    pub other_years: String,
    /// Before the numbered sources of a group of indicators.
    pub sources: String,
    /// Under the annex: a blank status is an indicator not rated.
    pub annex_unrated: String,
    /// Before the three thresholds of an indicator.
    pub thresholds: String,
    /// Column: values by period.
    pub values: String,
    /// Under the dashboard: `{rated}`, `{total}`, `{unrated}`.
    pub summary: String,
    /// Under the summary, with the SDSN method: `{base}` is the base year.
    pub method_sdsn: String,
    /// Under the summary, with the project's own targets: `{base}` is the base year.
    pub method_targets: String,
    /// On a goal's tile: `{rated}` of its `{indicators}`.
    pub coverage: String,
    /// Caption of a goal's table: `{n}` is the goal, `{name}` its name.
    pub goal_table: String,
}

/// How a language writes numbers. Digits, decimal marks, grouping and scale
/// words come from CLDR; these settings choose among them.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct NumberRules {
    /// Scale words: CLDR's `long` ("billion", "milliard") or `short` ("млрд") compact form, or `none`.
    pub scale_words: ScaleWords,
    /// The smallest scale written with a word (1e6 "million"; Chinese 1e4 "万").
    pub smallest_scale: f64,
    /// At most this many decimals after scaling; a value that needs more is written in full.
    pub max_decimals: u8,
    /// Digit grouping: `cldr` (the language's CLDR rule: "1,559", Spanish "1559" but "80.392"),
    /// `always` (from four digits: Spanish "2.970"), `min2` (from five digits: Russian "2970" but
    /// "80 392") or `never`.
    pub grouping: Grouping,
    /// The mark between groups of digits, where the language's house style differs from CLDR's
    /// (a space in UN Arabic documents: "70 000"); none: CLDR's.
    pub group_separator: Option<String>,
    /// Units written with scale words; `currency` stands for every currency.
    pub scalable: Vec<String>,
    /// Between a number and a unit symbol where the language has no pattern ("12 kt CO₂e").
    pub unit_space: String,
    /// Money: `symbol` ("£1.2 billion") or `name` ("1,2 milliard de livres sterling"), from CLDR.
    pub currency: CurrencyStyle,
    /// A currency's name after a scale word: `{n}` is the number with its scale word.
    pub scaled_currency: String,
    /// The plural form of a noun after a scale word and on chart axes (Russian `many`: «1,5 млн фунтов»).
    pub scaled_plural: String,
    /// Words elided before a vowel: `{ "de " = "d’" }` makes "d’euros".
    pub elide: BTreeMap<String, String>,
    /// CO₂e mass and energy scaled by prefix ("1.36 Mt CO₂e", "845.2 GWh"); `false`:
    /// in the smallest unit with scale words (Chinese "127.5万吨二氧化碳当量").
    pub prefixes: bool,
    /// Scale words by exponent and plural category, where the language's
    /// grammar needs forms CLDR's compact patterns lack (Arabic "4 مليارات"
    /// for 3–10, CLDR's one form "مليار"); a category not given keeps CLDR's.
    pub scale_names: BTreeMap<String, Pattern>,
}

impl Default for NumberRules {
    fn default() -> Self {
        Self {
            scale_words: ScaleWords::Long,
            smallest_scale: 1e6,
            max_decimals: 4,
            grouping: Grouping::Cldr,
            group_separator: None,
            scalable: ["count", "people", "households", "currency", "m2", "m3", "tonne"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            unit_space: "\u{A0}".into(),
            currency: CurrencyStyle::Symbol,
            scaled_currency: "{n} {unit}".into(),
            scaled_plural: "other".into(),
            elide: BTreeMap::new(),
            prefixes: true,
            scale_names: BTreeMap::new(),
        }
    }
}

/// Which scale words a language writes large numbers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScaleWords {
    /// CLDR's long compact form: "1.2 billion", "1,2 milliard".
    Long,
    /// CLDR's short compact form: "1,2 млрд".
    Short,
    /// None: numbers in full.
    None,
}

/// Whether a language groups digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grouping {
    /// By the language's CLDR rule: "1,559"; Spanish "1559" but "80.392".
    Cldr,
    /// From four digits: Spanish "2.970", as UN Spanish documents write them.
    Always,
    /// From five digits: Russian "2970" but "80 392", as UN Russian documents write them.
    Min2,
    /// Never: "80392".
    Never,
}

/// How a language writes an amount of money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CurrencyStyle {
    /// With the currency's symbol: "£1.2 billion".
    Symbol,
    /// With the currency's name: "1,2 milliard de livres sterling".
    Name,
}

/// Direction and script of a language (by default from its code).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Typography {
    /// Written right to left (tables and charts mirrored).
    pub rtl: Option<bool>,
    /// Written in CJK characters without spaces: lines join without a space, figures may break.
    pub cjk: Option<bool>,
    /// A colon with its spacing, after a label ("Source: …"; French "Source\u{A0}: …"; Chinese "资料来源：…").
    pub colon: Option<String>,
    /// Between the items of a short list ("90%, 80%, 70%"; Chinese "90%、80%、70%"; Arabic "،").
    pub comma: Option<String>,
    /// Between the clauses of a note ("…; source"; French "\u{202F}; "; Chinese "；"; Arabic "؛").
    pub semicolon: Option<String>,
    /// The script, which picks the theme's fonts and paragraph style (default from the language code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub script: Option<Script>,
    /// Quotation marks, outer open and close, inner open and close, that straight
    /// quotes become (French `["«\u{202F}", "\u{202F}»", "“", "”"]`; default English).
    /// Applied in Rust (data/typography.rs), so not handed to the templates.
    #[serde(skip_serializing)]
    pub quotes: Option<[String; 4]>,
    /// A no-break space before a spaced dash, so a line never starts with one
    /// (Russian: «Иу — Синьцзян — Европа»).
    #[serde(default, skip_serializing)]
    pub dash_glue: bool,
    /// One-letter words written on to the next word (Arabic و ب ل ك ف): one
    /// that comes right before a figure is kept on its line.
    #[serde(default, skip_serializing)]
    pub proclitics: Vec<String>,
    /// The region whose conventions the text follows, for typst's shaping and
    /// line breaking (Simplified Chinese `"CN"`), unless the language tag names
    /// one (`pt-BR`). Handed to the templates as `d.typography.region`.
    #[serde(skip_serializing)]
    pub region: Option<String>,
    /// How an SDG target's code is written: the mark between goal and target
    /// (UN Arabic `"-"`: 4-1) and the letters of lettered targets, for a, b, c …
    /// (UN Arabic `["أ", "ب", "ج", …]`: 1-ب); unset: as in the data (4.1, 1.b).
    #[serde(default, skip_serializing)]
    pub target_codes: Option<TargetCodes>,
    /// How much a hyphenated line costs the line breaker, relative to typst's
    /// default (1.0): higher hyphenates less, short words and ladders of
    /// hyphenated lines first (Russian 2.0). Handed to the templates.
    #[serde(skip_serializing)]
    pub hyphenation_cost: Option<f64>,
    /// Words never hyphenated, by their beginning, so every form is covered
    /// (Russian "Синьцзян": Синьцзяна, Синьцзяне); for names the language's
    /// hyphenation patterns split wrongly. Handed to the templates.
    #[serde(default, skip_serializing)]
    pub unhyphenated: Vec<String>,
    /// A range of figures in a right-to-left language is set as one
    /// left-to-right run, its first figure on the left ("2019–2022", "3–6"),
    /// as UN Arabic documents print it, and never broken. A hyphen makes a
    /// range only between years ("2019-2022"): between shorter numbers it
    /// writes an SDG target code (UN Arabic 4-1, 11-6), which keeps the
    /// language's order. Handed to the templates.
    #[serde(default, skip_serializing)]
    pub ltr_ranges: bool,
}

impl Typography {
    /// The script of language `lang` as these settings give it: `script`
    /// if set, else CJK for a CJK language, Arabic for Arabic, Persian and
    /// Urdu, Latin for the rest (what the theme's fonts are picked by).
    pub fn script_of(&self, lang: &str) -> Script {
        let base = base(lang);
        self.script.unwrap_or(if self.cjk.unwrap_or(matches!(base, "zh" | "ja")) {
            Script::Cjk
        } else if matches!(base, "ar" | "fa" | "ur") {
            Script::Arabic
        } else {
            Script::Latin
        })
    }
}

/// How a language writes SDG target codes (`[typography] target-codes`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TargetCodes {
    /// Between the goal and the target ("." if unset).
    pub separator: Option<String>,
    /// The letters of lettered targets, in order (a, b, c … if unset).
    #[serde(default)]
    pub letters: Vec<String>,
}

/// A language's script, as the book's design sees it: it picks the theme's
/// fonts and paragraph style (theme.toml's `[fonts.<script>]`, `[paragraph.<script>]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Script {
    /// Latin, and the scripts the Latin faces also cover (Cyrillic, Greek).
    Latin,
    /// Chinese and Japanese characters.
    Cjk,
    /// The Arabic script (Arabic, Persian, Urdu).
    Arabic,
}

pub(crate) fn builtin_source(lang: &str) -> Option<&'static str> {
    Some(match lang {
        "ar" => include_str!("ar.toml"),
        "en" => include_str!("en.toml"),
        "es" => include_str!("es.toml"),
        "fr" => include_str!("fr.toml"),
        "ru" => include_str!("ru.toml"),
        "zh" => include_str!("zh.toml"),
        _ => return None,
    })
}

/// Overlays `over` onto `base`, table by table.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// The span of `key = ` (or `[key]`) in a TOML text, for a located error.
fn key_span(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let last = key.rsplit('.').next().unwrap_or(key);
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let lead = line.len() - t.len();
        if t.starts_with(&format!("[{key}]")) || (t.starts_with(last) && t[last.len()..].trim_start().starts_with('='))
        {
            return Some(at + lead..at + lead + t.trim_end().len());
        }
        at += line.len();
    }
    None
}

/// The key of a project strings file whose value does not fit (the built-in
/// English strings stand in for the rest), as `number.max-decimals`.
fn culprit(text: &str) -> Option<String> {
    let base: toml::Table = toml::from_str(builtin_source("en")?).ok()?;
    let over: toml::Table = toml::from_str(text).ok()?;
    let fails = |k: &str, v: &toml::Value| {
        let mut t = base.clone();
        let mut one = toml::Table::new();
        one.insert(k.to_string(), v.clone());
        merge(&mut t, one);
        toml::Value::Table(t).try_into::<Strings>().is_err()
    };
    for (k, v) in &over {
        if !fails(k, v) {
            continue;
        }
        if let toml::Value::Table(inner) = v {
            for (ik, iv) in inner {
                let mut sub = toml::Table::new();
                sub.insert(ik.clone(), iv.clone());
                if fails(k, &toml::Value::Table(sub)) {
                    return Some(format!("{k}.{ik}"));
                }
            }
        }
        return Some(k.clone());
    }
    None
}

/// The keys every strings file must give (the rest have defaults).
const REQUIRED: &[&str] = &[
    "contents",
    "chapter",
    "figure",
    "table",
    "source",
    "page",
    "notes",
    "goal",
    "key-figures",
    "not-given",
    "incomplete",
    "draft-fallback",
    "draft-stale",
    "not-available",
    "stale",
    "example",
    "target",
    "report-section",
    "report-chapter",
    "list-of-figures",
    "list-of-tables",
    "acronyms",
    "published",
    "publisher",
    "contact",
    "read-online",
    "h3-numbering",
    "months",
    "date",
    "chart-kinds",
    "goals",
    "dashboard",
];

/// A language's strings: the built-in ones, overlaid with the project's
/// `i18n/<lang>.toml` if there is one. Every problem is located in that file.
pub fn load_strings(root: &Path, lang: &str, sources: &mut Sources) -> Result<Strings, Vec<Diag>> {
    let rel = project_file(lang);
    let mut table: toml::Table = match builtin_source(lang) {
        Some(src) => {
            toml::from_str(src).map_err(|e| vec![Diag::general(format!("built-in strings of `{lang}`: {e}"))])?
        }
        None => toml::Table::new(),
    };
    let path = root.join(&rel);
    let mut text = String::new();
    if path.is_file() {
        text = crate::files::read_confined(root, &rel).map_err(|e| vec![Diag::general(e)])?;
        sources.insert(&rel, text.clone());
        let over: toml::Table = crate::files::parse_toml(&rel, &text).map_err(|d| vec![d])?;
        merge(&mut table, over);
    }
    let origin = if path.is_file() { rel.display().to_string() } else { format!("src/i18n/{lang}.toml") };
    let mut diags = Vec::new();
    for key in REQUIRED {
        if !table.contains_key(*key) {
            let d = Diag::error(&rel, None, format!("missing key `{key}` in {origin}"));
            diags.push(d.with_hint(format!(
                "`{lang}` has no built-in strings for it: give every key of the built-in files (see src/i18n/en.toml)"
            )));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let strings: Strings = toml::Value::Table(table).try_into().map_err(|e: toml::de::Error| {
        let msg = e.message().trim().to_string();
        let key = culprit(&text).unwrap_or_default();
        let what = if key.is_empty() { String::new() } else { format!(" at `{key}`") };
        vec![Diag::error(&rel, key_span(&text, &key), format!("{msg}{what} (in {origin})"))]
    })?;
    let mut diags = Vec::new();
    if strings.h3_numbering.parse::<typst::model::NumberingPattern>().is_err() {
        diags.push(
            Diag::error(
                &rel,
                key_span(&text, "h3-numbering"),
                format!("`{}` is not a numbering pattern", strings.h3_numbering),
            )
            .with_hint("a pattern holds a counting symbol (1, a, A, i, I, 一 …) with what surrounds it, e.g. \"(1)\""),
        );
    }
    if strings.goals.len() != 17 {
        diags.push(Diag::error(
            &rel,
            key_span(&text, "goals"),
            format!("`goals` lists {} names: the 17 goals need 17", strings.goals.len()),
        ));
    }
    for (table_name, map) in [("units", &strings.units), ("scaled-units", &strings.scaled_units)] {
        for (unit, p) in map {
            if p.texts().iter().any(|t| t.matches("{n}").count() != 1) {
                diags.push(Diag::error(
                    &rel,
                    key_span(&text, unit),
                    format!("the pattern of `{unit}` under [{table_name}] needs `{{n}}` exactly once"),
                ));
            }
        }
    }
    if diags.is_empty() { Ok(strings) } else { Err(diags) }
}

/// The language subtag of a BCP 47 tag (`fr` of `fr-CH`, `zh` of `zh_Hans`).
pub fn base(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}

/// Everything an edition needs to know of its language, built once.
pub struct Locale {
    /// The language tag, e.g. `fr`.
    pub lang: String,
    /// Interface strings and number style.
    pub strings: Strings,
    /// Written right to left.
    pub rtl: bool,
    /// Written in CJK characters without spaces.
    pub cjk: bool,
    /// The script: the theme's fonts and paragraph style.
    pub script: Script,
    /// A colon with its spacing after a label.
    pub colon: String,
    /// Between the items of a short list.
    pub comma: String,
    /// Between the clauses of a note.
    pub semicolon: String,
    /// Between the numbers of a list: the list separator, or the semicolon
    /// where the decimal mark is a comma ("10; 17,5; 25", not "10, 17,5, 25").
    pub numbers: String,
    /// Quotation marks: outer open, outer close, inner open, inner close.
    pub quotes: [String; 4],
    /// The region the text follows (`CN` for Simplified Chinese), if known.
    pub region: Option<String>,
    icu: icu_locale_core::Locale,
    plurals: Option<icu_plurals::PluralRules>,
    grouped: Option<icu_decimal::DecimalFormatter>,
    ungrouped: Option<icu_decimal::DecimalFormatter>,
    /// CLDR's group mark and the one the language writes (its `group-separator`, else CLDR's).
    group_mark: (String, String),
    compact: Option<cldr::Compact>,
    /// Exponents with a scale word, largest first.
    scales: Vec<u8>,
    /// Units the project defines.
    units: BTreeMap<String, units::UnitDef>,
    currencies: Mutex<HashMap<String, Option<cldr::Currency>>>,
}

impl std::fmt::Debug for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Locale({})", self.lang)
    }
}

impl Locale {
    /// Builds the locale of `lang` from its strings and the project's units.
    pub fn new(lang: &str, strings: Strings, project_units: BTreeMap<String, units::UnitDef>) -> Self {
        use icu_decimal::options::{DecimalFormatterOptions, GroupingStrategy};
        let icu: icu_locale_core::Locale = lang.parse().unwrap_or(icu_locale_core::locale!("und"));
        let formatter = |g: GroupingStrategy| {
            let mut options = DecimalFormatterOptions::default();
            options.grouping_strategy = Some(g);
            icu_decimal::DecimalFormatter::try_new((&icu).into(), options).ok()
        };
        let grouping = match strings.number.grouping {
            Grouping::Cldr => GroupingStrategy::Auto,
            // CLDR's minimum grouping still applies to ICU's `Always`: four digits are grouped by hand.
            Grouping::Always => GroupingStrategy::Always,
            Grouping::Min2 => GroupingStrategy::Min2,
            Grouping::Never => GroupingStrategy::Never,
        };
        let compact = match strings.number.scale_words {
            ScaleWords::None => None,
            ScaleWords::Short => cldr::Compact::load(&icu, cldr::CompactStyle::Short),
            ScaleWords::Long => cldr::Compact::load(&icu, cldr::CompactStyle::Long),
        };
        let smallest = strings.number.smallest_scale.log10().round() as i64;
        let mut scales: Vec<u8> = compact
            .as_ref()
            .map(|c| c.exponents().into_iter().filter(|e| i64::from(*e) >= smallest).collect())
            .unwrap_or_default();
        scales.reverse();
        let base = base(lang);
        let rtl = strings.typography.rtl.unwrap_or(matches!(base, "ar" | "he" | "fa" | "ur"));
        let cjk = strings.typography.cjk.unwrap_or(matches!(base, "zh" | "ja"));
        let colon = strings.typography.colon.clone().unwrap_or_else(|| if cjk { "：" } else { ": " }.to_string());
        // A punctuation mark by script, unless the language's strings set it: (CJK, Arabic script, else).
        let script = strings.typography.script_of(lang);
        let arabic = script == Script::Arabic;
        let mark = |set: &Option<String>, [c, a, l]: [&str; 3]| {
            set.clone().unwrap_or_else(|| {
                (if cjk {
                    c
                } else if arabic {
                    a
                } else {
                    l
                })
                .to_string()
            })
        };
        let comma = mark(&strings.typography.comma, ["、", "، ", ", "]);
        let semicolon = mark(&strings.typography.semicolon, ["；", "؛ ", "; "]);
        let quotes = strings.typography.quotes.clone().unwrap_or_else(|| ["“", "”", "‘", "’"].map(String::from));
        let region = icu.id.region.map(|r| r.as_str().to_string()).or_else(|| strings.typography.region.clone());
        // CLDR's group mark (what separates the digits of ten thousand, grouped).
        let cldr_group: String = formatter(GroupingStrategy::Always)
            .map(|f| f.format(&icu_decimal::input::Decimal::from(10_000)).to_string())
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_numeric())
            .collect();
        let group_mark = strings.number.group_separator.clone().unwrap_or_else(|| cldr_group.clone());
        let mut locale = Self {
            colon,
            numbers: comma.clone(),
            comma,
            semicolon,
            quotes,
            region,
            lang: lang.to_string(),
            rtl,
            cjk,
            script,
            plurals: icu_plurals::PluralRules::try_new_cardinal((&icu).into()).ok(),
            grouped: formatter(grouping),
            ungrouped: formatter(GroupingStrategy::Never),
            group_mark: (cldr_group, group_mark),
            compact,
            scales,
            icu,
            strings,
            units: project_units,
            currencies: Mutex::new(HashMap::new()),
        };
        if locale.number(1.5, Some(1), false).contains(',') {
            locale.numbers = locale.semicolon.clone();
        }
        locale
    }

    /// The locale of a language with built-in strings only (tests, tools).
    pub fn builtin(lang: &str) -> Self {
        let strings = builtin_source(lang)
            .and_then(|s| toml::from_str(s).ok())
            .or_else(|| builtin_source("en").and_then(|s| toml::from_str(s).ok()));
        match strings {
            Some(s) => Self::new(lang, s, BTreeMap::new()),
            None => unreachable!("the built-in English strings are tested"),
        }
    }

    /// A text set apart from the edition's writing direction: in a right-to-left
    /// edition, between first-strong and pop-directional isolates (U+2068 … U+2069),
    /// so a Latin citation keeps its punctuation in place inside Arabic text.
    pub fn isolate(&self, text: String) -> String {
        if self.rtl { format!("\u{2068}{text}\u{2069}") } else { text }
    }

    /// An SDG code as the language writes it: `4.1`, `1.b`, a goal alone
    /// (`8`); UN Arabic 4-1 and 1-ب (`[typography] target-codes`). A code of
    /// another shape is left as it is.
    pub fn sdg_code(&self, code: &str) -> String {
        let Some(tc) = &self.strings.typography.target_codes else { return code.to_string() };
        let Some((goal, target)) = code.split_once('.') else { return code.to_string() };
        let target = match target.chars().collect::<Vec<_>>()[..] {
            [c] if c.is_ascii_lowercase() => {
                tc.letters.get(usize::from(c as u8 - b'a')).cloned().unwrap_or_else(|| target.to_string())
            }
            _ => target.to_string(),
        };
        format!("{goal}{}{target}", tc.separator.as_deref().unwrap_or("."))
    }

    /// The language subtag of the locale's tag (`fr` of `fr-CH`).
    pub fn base(&self) -> &str {
        base(&self.lang)
    }

    /// The CLDR plural categories the language distinguishes in cardinal
    /// numbers, as `zero`, `one`, `two`, `few`, `many` and `other`.
    pub fn plural_categories(&self) -> Vec<&'static str> {
        self.plurals.as_ref().map_or_else(Vec::new, |r| r.categories().map(cldr::category_name).collect())
    }

    /// The CLDR plural category of a number as printed (with its decimals):
    /// `zero`, `one`, `two`, `few`, `many` or `other`.
    pub fn plural(&self, value: f64, decimals: Option<u8>) -> &'static str {
        let text = match decimals {
            Some(d) => format!("{value:.*}", usize::from(d)),
            None => format!("{value}"),
        };
        let Ok(dec) = icu_decimal::input::Decimal::try_from_str(&text) else { return "other" };
        self.plurals.as_ref().map_or("other", |r| cldr::category_name(r.category_for(&dec)))
    }

    /// The project's definition of a unit, if it defines it.
    pub fn project_unit(&self, unit: &str) -> Option<&units::UnitDef> {
        self.units.get(unit)
    }

    /// CLDR's data for a currency in this language (loaded once).
    pub fn currency(&self, code: &str) -> Option<cldr::Currency> {
        let mut cache = self.currencies.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        cache.entry(code.to_string()).or_insert_with(|| cldr::currency(&self.icu, code, &self.plurals)).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_all_strings_and_17_goals() {
        use crate::data::keyword::Keyword;
        use crate::data::model::ChartKind;
        let dir = tempfile::tempdir().unwrap();
        for lang in SUPPORTED {
            let s = load_strings(dir.path(), lang, &mut Sources::default()).unwrap();
            assert_eq!(s.goals.len(), 17, "{lang}");
            for kind in ChartKind::ALL {
                assert!(s.chart_kinds.contains_key(kind.name()), "{lang}: {kind:?}");
            }
            // Every unit the language words itself has a pattern.
            for unit in units::WORDED {
                assert!(s.units.contains_key(*unit), "{lang}: no pattern for unit {unit}");
            }
        }
        assert_eq!(Locale::builtin("en").strings.goals[13], "Life Below Water");
        assert_eq!(Locale::builtin("zh").strings.goals[14], "陆地生物");
        for lang in SUPPORTED {
            let d = Locale::builtin(lang).strings.dashboard;
            for band in crate::data::rules::Band::ALL {
                assert!(d.bands.contains_key(band.code()), "{lang}: band {}", band.code());
            }
            for trend in crate::data::rules::Trend::ALL {
                assert!(d.trends.contains_key(trend.code()), "{lang}: trend {}", trend.code());
            }
            assert_eq!((d.bands.len(), d.trends.len()), (4, 5), "{lang}: no stray codes");
            for key in ["{rated}", "{total}", "{unrated}"] {
                assert!(d.summary.contains(key), "{lang}: summary lacks {key}");
            }
            assert!(d.goal_table.contains("{n}") && d.goal_table.contains("{name}"), "{lang}");
        }
        // Typography is data too: the colon after a label.
        let colons: Vec<String> = ["en", "fr", "zh"].iter().map(|l| Locale::builtin(l).colon).collect();
        assert_eq!(colons, [": ", "\u{A0}: ", "："]);
        assert!(Locale::builtin("ar").rtl && Locale::builtin("zh").cjk && !Locale::builtin("fr").cjk);
        // A list of numbers where the decimal mark is a comma takes semicolons.
        let numbers: Vec<String> =
            ["en", "fr", "es", "ru", "zh", "ar"].iter().map(|l| Locale::builtin(l).numbers).collect();
        assert_eq!(numbers, [", ", "\u{202F}; ", "; ", "; ", "、", "، "]);
        // And the list separator and semicolon of notes.
        let seps: Vec<(String, String)> =
            ["en", "fr", "zh", "ar"].iter().map(|l| Locale::builtin(l)).map(|l| (l.comma, l.semicolon)).collect();
        let want = [(", ", "; "), (", ", "\u{202F}; "), ("、", "；"), ("، ", "؛ ")];
        assert_eq!(seps, want.map(|(c, s)| (c.to_string(), s.to_string())));
        // A Latin citation in a right-to-left edition is isolated; elsewhere it is left alone.
        assert_eq!(Locale::builtin("ar").isolate("WHO (2021).".into()), "\u{2068}WHO (2021).\u{2069}");
        assert_eq!(Locale::builtin("en").isolate("WHO (2021).".into()), "WHO (2021).");
    }

    #[test]
    fn a_project_adds_a_language_and_a_missing_key_is_located() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("i18n")).unwrap();
        let en = include_str!("en.toml");
        let de = en.replace("contents = \"Contents\"", "contents = \"Inhalt\"").replace("chapter = \"Chapter\"\n", "");
        std::fs::write(dir.path().join("i18n/de.toml"), &de).unwrap();
        assert!(is_supported(dir.path(), "de") && !is_supported(dir.path(), "pt"));
        let errs = load_strings(dir.path(), "de", &mut Sources::default()).unwrap_err();
        assert_eq!(errs[0].file.as_deref(), Some(Path::new("i18n/de.toml")));
        assert!(errs[0].message.contains("missing key `chapter` in i18n/de.toml"), "{}", errs[0].message);
        std::fs::write(
            dir.path().join("i18n/de.toml"),
            de.replace("contents = ", "chapter = \"Kapitel\"\ncontents = "),
        )
        .unwrap();
        let s = load_strings(dir.path(), "de", &mut Sources::default()).unwrap();
        assert_eq!(s.contents, "Inhalt");
        // An override of a built-in language changes only the keys it gives.
        std::fs::write(dir.path().join("i18n/fr.toml"), "source = \"Sources\"\n").unwrap();
        let s = load_strings(dir.path(), "fr", &mut Sources::default()).unwrap();
        assert_eq!((s.source.as_str(), s.contents.as_str()), ("Sources", "Table des matières"));
        // A wrong type is located at its key.
        std::fs::write(dir.path().join("i18n/fr.toml"), "\n[number]\nmax-decimals = \"four\"\n").unwrap();
        let mut sources = Sources::default();
        let errs = load_strings(dir.path(), "fr", &mut sources).unwrap_err();
        let span = errs[0].span.clone().unwrap_or_else(|| panic!("not located: {errs:?}"));
        assert_eq!(sources.line_col(Path::new("i18n/fr.toml"), span.start), Some((3, 1)), "{errs:?}");
        // So is a number rule that is none of its words.
        std::fs::write(dir.path().join("i18n/fr.toml"), "\n[number]\ngrouping = \"sometimes\"\n").unwrap();
        let mut sources = Sources::default();
        let errs = load_strings(dir.path(), "fr", &mut sources).unwrap_err();
        assert!(
            errs[0].message.contains("unknown variant `sometimes`, expected one of `cldr`, `always`, `min2`, `never`"),
            "{errs:?}"
        );
        let span = errs[0].span.clone().unwrap_or_else(|| panic!("not located: {errs:?}"));
        assert_eq!(sources.line_col(Path::new("i18n/fr.toml"), span.start), Some((3, 1)), "{errs:?}");
    }

    #[test]
    fn target_codes_as_each_language_writes_them() {
        let (ar, en) = (Locale::builtin("ar"), Locale::builtin("en"));
        assert_eq!(
            (ar.sdg_code("4.1"), ar.sdg_code("1.b"), ar.sdg_code("3.d")),
            ("4-1".into(), "1-ب".into(), "3-د".into())
        );
        assert_eq!((ar.sdg_code("8"), ar.sdg_code("17.1x")), ("8".into(), "17-1x".into()));
        assert_eq!((en.sdg_code("4.1"), en.sdg_code("1.b")), ("4.1".into(), "1.b".into()));
    }

    fn plural_category(lang: &str, value: f64, decimals: Option<u8>) -> &'static str {
        Locale::builtin(lang).plural(value, decimals)
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
