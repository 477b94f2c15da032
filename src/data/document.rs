//! The document handed to the templates: `/data.json` and one
//! `/data/chapter-NN.json` per chapter. These types are the contract a
//! city's templates are written against (docs/template-contract.md lists
//! every field); a field renamed here fails the contract test, not silently
//! in a template.
//!
//! The JSON is written with its keys sorted ([`to_json`]), as it always was.
//! A field that is always written is read directly in a template
//! (`d.meta.title`); one that may be absent (marked so below) is read with
//! `.at(key, default: …)`. An `Option` field that is not marked absent is
//! written as `null` (`none` in Typst).

use std::collections::BTreeMap;

use serde::Serialize;

use super::markup::Run;
use crate::i18n::Strings;

/// A text as styled runs (a paragraph, a title, one line of a table cell).
pub type Runs = Vec<Run>;

/// A table cell: one [`Runs`] per line.
pub type Cell = Vec<Runs>;

/// `/data.json`: one edition.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// The language tag (`en`, `zh`, `ar`, …).
    pub lang: String,
    /// The writing direction: `"ltr"` or `"rtl"`.
    pub dir: &'static str,
    /// The language's script and punctuation.
    pub typography: Typography,
    /// Built with `--draft`: missing translations fall back to the source language, marked.
    pub draft: bool,
    /// The interface strings of the edition's language (`src/i18n/<lang>.toml`,
    /// overlaid with the project's `i18n/<lang>.toml`), by key.
    pub strings: Strings,
    /// The 17 SDGs, goal 1 first.
    pub goals: Vec<Goal>,
    /// The cover and document metadata (`null` only when `text/<lang>/meta.toml`
    /// is missing, which stops the build).
    pub meta: Option<Meta>,
    /// The chapters in order, each in its own file (read with `json(ch.file)`).
    pub chapters: Vec<ChapterFile>,
    /// How much of the edition's text is translated.
    pub translation: Translation,
    /// What the templates need of each chart, by chart id.
    pub figures: BTreeMap<String, Figure>,
    /// The output profile: `"submission"`, `"print"` or `"screen"`.
    pub profile: &'static str,
    /// The marks the edition prints after values that are not final, with
    /// what each means (the legend, on the imprint page); empty when every value is final.
    pub symbols: Vec<Symbol>,
}

/// A mark printed after values, and what it means.
#[derive(Debug, Clone, Serialize)]
pub struct Symbol {
    /// The mark ("p").
    pub mark: String,
    /// What it means ("provisional").
    pub name: String,
}

/// The language's script and punctuation.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Typography {
    /// Written right to left.
    pub rtl: bool,
    /// Written in CJK characters, without spaces between words.
    pub cjk: bool,
    /// A colon with its spacing, after a label (`": "`, French `"\u{202F}: "`, Chinese `"："`).
    pub colon: String,
    /// Between the items of a short list.
    pub comma: String,
    /// Between the clauses of a note.
    pub semicolon: String,
    /// Between the numbers of a list (`", "`; `"; "` where the decimal mark is
    /// a comma: "10; 17,5; 25").
    pub numbers: String,
    /// The script it is written in (`latin`, `cjk`, `arabic`): the theme's fonts,
    /// leading and indent are chosen by it.
    pub script: crate::i18n::Script,
    /// The region the text follows, for typst's `text(region:)` (`"CN"`), or `null`.
    pub region: Option<String>,
    /// The line breaker's cost of a hyphenated line, relative to typst's
    /// default (1.0; `[typography] hyphenation-cost`).
    pub hyphenation_cost: f64,
    /// Words never hyphenated, by their beginning (`[typography] unhyphenated`).
    pub unhyphenated: Vec<String>,
    /// Ranges of figures set as one left-to-right run in a right-to-left
    /// language (`[typography] ltr-ranges`; UN Arabic "2019–2022").
    pub ltr_ranges: bool,
}

/// One of the 17 Sustainable Development Goals.
#[derive(Debug, Clone, Serialize)]
pub struct Goal {
    /// Its number, 1 to 17.
    pub n: usize,
    /// Its short name in the edition's language (`null` if the strings lack it).
    pub name: Option<String>,
    /// Its official icon in the edition's language, a path in the project
    /// (`vlr.toml`'s `sdg-icons`), or `null`: the templates draw a tile.
    pub icon: Option<String>,
}

/// How much of an edition's text is translated (all of it in the source language).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Translation {
    /// Texts in all.
    pub total: usize,
    /// Texts missing or incomplete.
    pub missing: usize,
    /// Texts translated from an earlier version of their source (or unstamped).
    pub stale: usize,
}

/// The cover and document metadata (`text/<lang>/meta.toml` and vlr.toml).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Meta {
    /// The document title.
    pub title: String,
    /// The line above the title.
    pub kicker: Option<String>,
    /// The subtitle.
    pub subtitle: Option<String>,
    /// A motto.
    pub motto: Option<String>,
    /// The city's name.
    pub city: String,
    /// The author: the city government.
    pub author: String,
    /// The PDF keywords: the text's own, then `SDG n` for each goal a chapter treats.
    pub keywords: Vec<String>,
    /// The edition's year.
    pub edition: i32,
    /// The publication date, `YYYY-MM-DD`, if vlr.toml gives one.
    pub date: Option<String>,
    /// The publication month and year, worded in the edition's language.
    pub published: Option<String>,
    /// The title as set on the cover, `\n` where a line ends (default: the title).
    pub cover_title: String,
    /// The imprint page and back cover.
    pub imprint: Imprint,
    /// The imprint's link as a QR code: rows of dark (`true`) and light modules.
    pub qr: Option<Vec<Vec<bool>>>,
    /// The acronyms, sorted by short form.
    pub acronyms: Vec<Acronym>,
    /// The city's logo, a path in the project (`/images/logo.png`).
    pub logo: Option<String>,
    /// The cover photo, a path in the project.
    pub cover_photo: Option<String>,
    /// The cover photo's credit.
    pub cover_credit: Option<String>,
    /// The cover photo's alt text.
    pub cover_alt: Option<String>,
    /// The typst numbering of level-3 headings (`"(1)"`, `"（一）"`).
    pub h3_numbering: String,
}

/// What the imprint page and back cover print; every field is printed only
/// when given (never invented).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Imprint {
    /// The publisher (default: the author).
    pub publisher: Option<String>,
    /// Licence or copyright notice.
    pub licence: Option<String>,
    /// Disclaimer.
    pub disclaimer: Option<String>,
    /// Contact lines (address, e-mail, telephone).
    pub contact: Vec<String>,
    /// A link to the review online: printed, and as a QR code on the back cover.
    pub link: Option<String>,
    /// Further lines (prepared by, printed by, ISBN …), with the text's inline
    /// markup (a publication's title in italics).
    pub notes: Vec<Vec<Run>>,
    /// The copyright line.
    pub copyright: Option<String>,
    /// How to cite the review, with its inline markup (the title in italics).
    pub citation: Option<Runs>,
    /// An ISBN or UN document symbol, as printed.
    pub identifier: Option<String>,
    /// The original language ("Original: Chinese").
    pub original: Option<String>,
    /// Design, translation and photo credits.
    pub credits: Vec<String>,
}

/// An acronym spelt out.
#[derive(Debug, Clone, Serialize)]
pub struct Acronym {
    /// The short form (`UNDP`).
    pub short: String,
    /// The long form in the edition's language.
    pub long: String,
    /// The long form is the source language's: the translation lacks it (draft builds).
    pub fallback: bool,
}

/// An entry of [`Document::chapters`]: where the chapter is.
#[derive(Debug, Clone, Serialize)]
pub struct ChapterFile {
    /// The chapter's file, `/data/chapter-NN.json` (NN from 00, in order).
    pub file: String,
}

impl ChapterFile {
    /// The file of the chapter at `index` (from 0).
    pub fn at(index: usize) -> Self {
        ChapterFile { file: format!("/data/chapter-{index:02}.json") }
    }
}

/// `/data/chapter-NN.json`: one chapter.
#[derive(Debug, Clone, Serialize)]
pub struct Chapter {
    /// Its id in vlr.toml.
    pub id: String,
    /// The printed chapter number, if any.
    pub number: Option<String>,
    /// The level of its title in the document's outline: 1 for a chapter, 2
    /// for a chapter that is a section of the one before (`4.1` after `4`),
    /// and so on; its own headings are that many levels further down.
    pub level: u8,
    /// The title.
    pub title: Runs,
    /// The subtitle.
    pub subtitle: Option<Runs>,
    /// The SDGs it treats (numbers 1 to 17), the first giving its colour.
    pub goals: Vec<u8>,
    /// How it opens: `"full"` (a page in its colour), `"half"` or `"none"` (runs on).
    pub opener: &'static str,
    /// It starts a new page (`new-page` in vlr.toml, or by default numbered,
    /// generated, full-opener and back-matter chapters).
    #[serde(rename = "new-page")]
    pub new_page: bool,
    /// Its text file is missing in this language: the whole chapter is the source language's (draft builds).
    pub fallback: bool,
    /// Its blocks in order.
    pub blocks: Vec<MarkedBlock>,
    /// A chapter vlr writes from the data: `kind` and the matching field.
    /// **Absent** (`kind` too) in a chapter of text.
    #[serde(flatten)]
    pub generated: Option<Generated>,
}

/// A block, and whether its text is not this edition's own.
#[derive(Debug, Clone, Serialize)]
pub struct MarkedBlock {
    /// The block, by its `kind`.
    #[serde(flatten)]
    pub block: Block,
    /// `true` when the block shows the source language's text or a translation
    /// that is not current (draft builds). **Absent** otherwise.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub fallback: bool,
    /// With `fallback`: the note to print when the translation is stale
    /// (absent when the source language is shown). **Absent** otherwise.
    #[serde(rename = "fallback-note", skip_serializing_if = "Option::is_none")]
    pub fallback_note: Option<String>,
}

/// A block of a chapter, told apart by `kind`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Block {
    /// `"p"`: a paragraph.
    P(Paragraph),
    /// `"h"`: a heading.
    H(Heading),
    /// `"list"`: a bulleted list.
    List(List),
    /// `"goals"`: a row of SDG tiles.
    Goals(Goals),
    /// `"panel"`: key figures.
    Panel(Panel),
    /// `"figure"`: a chart (its drawing and texts are in [`Document::figures`]).
    Figure(FigureBlock),
    /// `"table"`: a table.
    Table(Table),
    /// `"photo"`: a photograph.
    Photo(Photo),
}

impl Block {
    /// Marks every run of the block's text as in `lang`, unless a run is in a
    /// language of its own: a block shown in the source language (draft builds).
    pub fn set_lang(&mut self, lang: &str) {
        let mut set = |runs: &mut Runs| {
            for r in runs.iter_mut().filter(|r| r.l.is_none()) {
                r.l = Some(lang.to_string());
            }
        };
        match self {
            Block::P(p) => set(&mut p.runs),
            Block::H(h) => set(&mut h.runs),
            Block::List(l) => l.items.iter_mut().for_each(set),
            Block::Panel(p) => p.title.iter_mut().for_each(set),
            Block::Table(t) => {
                set(&mut t.caption);
                t.header.iter_mut().chain(t.rows.iter_mut().flatten()).flatten().for_each(&mut set);
                t.source.iter_mut().for_each(set);
            }
            Block::Photo(p) => {
                set(&mut p.caption);
                p.credit.iter_mut().for_each(set);
            }
            Block::Goals(_) | Block::Figure(_) => {}
        }
    }
}

/// A paragraph.
#[derive(Debug, Clone, Serialize)]
pub struct Paragraph {
    /// Its text.
    pub runs: Runs,
}

/// A heading inside a chapter (the chapter's title is level 1).
#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    /// 2, 3 or 4 (`h`, `h3`, `h4` in the text file).
    pub level: u8,
    /// Its text.
    pub runs: Runs,
}

/// A bulleted list.
#[derive(Debug, Clone, Serialize)]
pub struct List {
    /// The items' texts.
    pub items: Vec<Runs>,
}

/// A row of SDG tiles.
#[derive(Debug, Clone, Serialize)]
pub struct Goals {
    /// The goals' numbers, 1 to 17.
    pub goals: Vec<u8>,
}

/// Key figures of a panel (`[[panel]]` in data/).
#[derive(Debug, Clone, Serialize)]
pub struct Panel {
    /// The panel's title.
    pub title: Option<Runs>,
    /// The figures, in order.
    pub items: Vec<PanelItem>,
}

/// One key figure of a panel.
#[derive(Debug, Clone, Serialize)]
pub struct PanelItem {
    /// The value, formatted with its unit (or the "not available" string).
    pub value: String,
    /// The indicator's label.
    pub label: String,
    /// Why the value is missing, if it is and a reason is given.
    pub note: Option<String>,
    /// A mark printed with the value: not this edition's (draft builds) or an example.
    pub mark: Option<String>,
    /// The value is not known.
    pub missing: bool,
    /// The status mark of a value that is not final ("p", "e"); *absent when final*.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// A chart in the text.
#[derive(Debug, Clone, Serialize)]
pub struct FigureBlock {
    /// The chart's id: its key in [`Document::figures`].
    pub chart: String,
    /// Its number in the book's sequence of figures, from 1; `None` for a
    /// chart printed as a key-figure callout (one or two values), which is
    /// not a figure: unnumbered, not in the list of figures.
    pub number: Option<usize>,
    /// The section of the review its data come from ("this review, section 4.1.2").
    pub source: Option<String>,
    /// Its sources, cited and joined.
    pub citation: Option<Runs>,
    /// A mark: the chart lacks this edition's data (draft builds).
    pub mark: Option<String>,
}

/// A table.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    /// Its number in the book's sequence of tables, from 1.
    pub number: usize,
    /// The caption.
    pub caption: Runs,
    /// The header cells.
    pub header: Vec<Cell>,
    /// The rows of cells.
    pub rows: Vec<Vec<Cell>>,
    /// Relative column widths, one per column.
    pub widths: Option<Vec<f64>>,
    /// Its source.
    pub source: Option<Runs>,
}

/// A photograph.
#[derive(Debug, Clone, Serialize)]
pub struct Photo {
    /// The image, a path in the project (`/images/market.jpg`).
    pub path: String,
    /// The caption.
    pub caption: Runs,
    /// The credit.
    pub credit: Option<Runs>,
    /// The alt text.
    pub alt: String,
}

/// A chapter vlr writes from the data, told apart by `kind`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Generated {
    /// `"dashboard"`: the SDG dashboard, in the field `dashboard`.
    Dashboard {
        /// The tiles and the tables behind them.
        dashboard: Dashboard,
    },
    /// `"annex"`: the statistical annex, in the field `annex`.
    Annex {
        /// Every indicator.
        annex: Annex,
    },
}

/// The SDG dashboard: a tile per goal, and per rated goal the indicators behind it.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    /// The 17 tiles, goal 1 first.
    pub tiles: Vec<Tile>,
    /// One table per goal with rated (or unrated for lack of data) indicators.
    pub tables: Vec<GoalTable>,
    /// Indicators in all.
    pub total: usize,
    /// Indicators rated.
    pub rated: usize,
    /// Indicators not rated.
    pub unrated: usize,
    /// The rating method: `"sdsn"` (trends towards the green threshold by
    /// 2030) or `"targets"` (towards each indicator's target by its year).
    pub method: &'static str,
    /// The year trends are measured from.
    pub base_year: i32,
    /// The goals the review treats in depth: those its chapters name
    /// (`goals` in `vlr.toml`), in the order the chapters take them up.
    pub priority: Vec<u8>,
}

/// A goal's tile on the dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct Tile {
    /// The goal, 1 to 17.
    pub n: usize,
    /// Its band (`"achieved"`, `"challenges-remain"`, `"significant-challenges"`,
    /// `"major-challenges"`), `null` if not rated.
    pub band: Option<&'static str>,
    /// Its trend (`"on-track"`, `"moderately-improving"`, `"stagnating"`,
    /// `"decreasing"`, `"no-trend-data"`), `null` if not rated.
    pub trend: Option<&'static str>,
    /// The goal's indicators, rated or not.
    pub indicators: usize,
    /// Those rated: the band is from the two worst of them.
    pub rated: usize,
    /// Those rated with a trend: the trend is their average, if they are at least three quarters of the rated.
    pub with_trend: usize,
}

/// The indicators behind one goal's rating.
#[derive(Debug, Clone, Serialize)]
pub struct GoalTable {
    /// The goal, 1 to 17.
    pub n: u8,
    /// Its number in the book's sequence of tables.
    pub number: usize,
    /// One row per indicator.
    pub rows: Vec<DashboardRow>,
}

/// An indicator on the dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct DashboardRow {
    /// Its SDG target or indicator code (`"11"`, `"11.6.2"`).
    pub sdg: Option<String>,
    /// Its label.
    pub label: String,
    /// The edition's value, formatted.
    pub value: Option<String>,
    /// The period of that value.
    pub period: Option<String>,
    /// Its target.
    pub target: Option<Target>,
    /// Its thresholds.
    pub thresholds: Option<Thresholds>,
    /// Its rating: a band (see [`Tile::band`]) or `"no-target"`, `"no-data"`, … (a key of `strings.dashboard`).
    pub status: &'static str,
    /// Its trend (see [`Tile::trend`]), `""` if not rated.
    pub trend: &'static str,
    /// Whether it is one of the goal's two worst-rated indicators, whose
    /// bands the goal's band averages (ties included): marked in the table.
    pub sets_status: bool,
}

/// An indicator's target.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    /// The value, formatted.
    pub value: String,
    /// The target's year (period).
    pub year: String,
    /// Its source, cited.
    pub source: Option<Runs>,
}

/// An indicator's rating thresholds, formatted.
#[derive(Debug, Clone, Serialize)]
pub struct Thresholds {
    /// From here on: achieved.
    pub green: String,
    /// From here on: challenges remain.
    pub yellow: String,
    /// From here on: significant challenges; beyond: major challenges.
    pub red: String,
    /// Their source, cited.
    pub source: Option<Runs>,
}

/// The statistical annex.
#[derive(Debug, Clone, Serialize)]
pub struct Annex {
    /// One row per indicator.
    pub rows: Vec<AnnexRow>,
}

/// An indicator in the annex.
#[derive(Debug, Clone, Serialize)]
pub struct AnnexRow {
    /// Its SDG code.
    pub sdg: Option<String>,
    /// Its label.
    pub label: String,
    /// Its values: `[period, value formatted]` pairs, oldest first.
    pub values: Vec<(String, String)>,
    /// The status mark of each value, in the same order (none: final).
    pub marks: Vec<Option<String>>,
    /// The unit's words for a column of their own, with the scale the row's
    /// figures share ("million", "billion yuan", "%"; `""` for a plain count,
    /// a ratio or a year).
    pub unit: String,
    /// Its values as numbers in `unit`, for columns by period:
    /// `[period, number]` pairs in the order of `values` ("n/a" where missing).
    pub numbers: Vec<(String, String)>,
    /// Why the edition's value is missing, where the data say.
    pub gap: Option<String>,
    /// The indicator's note (definitions, breaks in the series), if it has one.
    pub note: Option<String>,
    /// Its target.
    pub target: Option<Target>,
    /// Its rating (see [`DashboardRow::status`]).
    pub status: &'static str,
    /// Its trend, `""` if not rated.
    pub trend: &'static str,
    /// Its source, cited.
    pub citation: Option<Runs>,
    /// The section of the review it comes from.
    pub section: Option<String>,
}

/// What the templates need of a chart (the drawing is `path`).
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// The title (also the caption).
    pub title: String,
    /// The alt text: the chart's data in words.
    pub alt: String,
    /// A note under the caption (`""` if none).
    pub note: String,
    /// The SVG, `/charts/<id>.svg`.
    pub path: String,
    /// One or two values: printed as key figures instead of the chart.
    pub callout: Option<Vec<Callout>>,
    /// Few points: set half the text block wide, beside the next small figure.
    pub small: bool,
}

/// A value of a key-figure callout.
#[derive(Debug, Clone, Serialize)]
pub struct Callout {
    /// The value, formatted.
    pub value: String,
    /// What it is (the category, and the series if there are several).
    pub label: String,
}

/// Writes a document or a chapter as the templates read it: pretty JSON with
/// its keys sorted (serde_json's map orders them; without its
/// `preserve_order` feature, which vlr does not turn on).
pub fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_value(value).and_then(|v| serde_json::to_vec_pretty(&v)).unwrap_or_default()
}

/// The keys of a written document or chapter (`object`: `"document"` or
/// `"chapter"`) that `contract` (docs/template-contract.md) does not list
/// under the heading of the object holding them, as paths
/// (`chapter.blocks[3].items[0].note`). The tests keep the contract and
/// the document in step with it.
pub fn unlisted_keys(value: &serde_json::Value, object: &str, contract: &str) -> Vec<String> {
    let mut listed: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut heading = "";
    for line in contract.lines() {
        if let Some(h) = line.strip_prefix("## ").or_else(|| line.strip_prefix("### ")) {
            heading = h.trim();
        } else if let Some((key, _)) = line.strip_prefix("| `").and_then(|row| row.split_once('`')) {
            listed.entry(heading).or_default().push(key);
        }
    }
    let mut out = Vec::new();
    walk(value, object, object, &listed, &mut out);
    out
}

/// Checks the keys of `v`, an `object` (a heading of the contract) at `path`, and what it holds.
fn walk(v: &serde_json::Value, object: &str, path: &str, listed: &BTreeMap<&str, Vec<&str>>, out: &mut Vec<String>) {
    use serde_json::Value;
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, object, &format!("{path}[{i}]"), listed, out);
            }
        }
        // The interface strings are listed in src/i18n/<lang>.toml.
        Value::Object(_) if object == "strings" => {}
        // Keyed by chart id.
        Value::Object(map) if object == "figures" => {
            for (id, figure) in map {
                walk(figure, "figure", &format!("{path}.{id}"), listed, out);
            }
        }
        Value::Object(map) => {
            let kind = map.get("kind").and_then(Value::as_str);
            let headings = match (object, kind) {
                ("block", Some(kind)) => vec!["block".to_string(), format!("block {kind}")],
                _ => vec![object.to_string()],
            };
            for (key, child) in map {
                let at = format!("{path}.{key}");
                if !headings.iter().any(|h| listed.get(h.as_str()).is_some_and(|keys| keys.contains(&key.as_str()))) {
                    out.push(format!("{at} (under “{}”)", headings.join("” or “")));
                }
                match held(object, kind, key) {
                    Some(inner) => walk(child, inner, &at, listed, out),
                    None if holds_object(child) => {
                        out.push(format!("{at} holds an object the contract test does not place"))
                    }
                    None => {}
                }
            }
        }
        _ => {}
    }
}

/// The contract's heading for what `key` of an `object` holds (`None`: no objects).
fn held(object: &str, kind: Option<&str>, key: &str) -> Option<&'static str> {
    Some(match (object, key) {
        ("document", "typography") => "typography",
        ("document", "goals") => "goal",
        ("document", "meta") => "meta",
        ("document", "chapters") => "chapter file",
        ("document", "translation") => "translation",
        ("document", "figures") => "figures",
        ("document", "strings") => "strings",
        ("document", "symbols") => "symbol",
        ("meta", "imprint") => "imprint",
        ("imprint", "notes" | "citation") => "run",
        ("meta", "acronyms") => "acronym",
        ("figure", "callout") => "callout",
        ("chapter", "title" | "subtitle") => "run",
        ("chapter", "blocks") => "block",
        ("chapter", "dashboard") => "dashboard",
        ("chapter", "annex") => "annex",
        ("block", "items") if kind == Some("panel") => "panel item",
        ("block", "runs" | "title" | "caption" | "credit" | "source" | "items" | "header" | "rows") => "run",
        ("dashboard", "tiles") => "tile",
        ("dashboard", "tables") => "goal table",
        ("goal table", "rows") => "dashboard row",
        ("dashboard row" | "annex row", "target") => "target",
        ("dashboard row", "thresholds") => "thresholds",
        ("block", "citation") | ("target" | "thresholds", "source") | ("annex row", "citation") => "run",
        ("annex", "rows") => "annex row",
        _ => return None,
    })
}

fn holds_object(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Object(_) => true,
        serde_json::Value::Array(items) => items.iter().any(holds_object),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTRACT: &str = include_str!("../../docs/template-contract.md");

    fn runs(t: &str) -> Runs {
        vec![Run {
            t: t.into(),
            b: true,
            i: true,
            v: true,
            f: true,
            m: Some("mark".into()),
            s: Some("p".into()),
            l: Some("en".into()),
            u: Some("https://example.org".into()),
        }]
    }

    /// A document with every field given and every kind of block and
    /// chapter: a field added to a type must be added here (the struct
    /// literals do not compile without it), and so to the contract.
    fn sample() -> (Document, Vec<Chapter>) {
        let s = || Some("s".to_string());
        let imprint = Imprint {
            publisher: s(),
            licence: s(),
            disclaimer: s(),
            contact: vec!["c".into()],
            link: s(),
            notes: vec![runs("n")],
            copyright: s(),
            citation: Some(runs("c")),
            identifier: s(),
            original: s(),
            credits: vec!["c".into()],
        };
        let meta = Meta {
            title: "t".into(),
            kicker: s(),
            subtitle: s(),
            motto: s(),
            city: "c".into(),
            author: "a".into(),
            keywords: vec!["k".into()],
            edition: 2020,
            date: s(),
            published: s(),
            cover_title: "t".into(),
            imprint,
            qr: Some(vec![vec![true]]),
            acronyms: vec![Acronym { short: "UN".into(), long: "United Nations".into(), fallback: true }],
            logo: s(),
            cover_photo: s(),
            cover_credit: s(),
            cover_alt: s(),
            h3_numbering: "(1)".into(),
        };
        let figure = Figure {
            title: "t".into(),
            alt: "a".into(),
            note: "n".into(),
            path: "/charts/c.svg".into(),
            callout: Some(vec![Callout { value: "1".into(), label: "l".into() }]),
            small: true,
        };
        let blocks = vec![
            Block::P(Paragraph { runs: runs("p") }),
            Block::H(Heading { level: 2, runs: runs("h") }),
            Block::List(List { items: vec![runs("i")] }),
            Block::Goals(Goals { goals: vec![1] }),
            Block::Panel(Panel {
                title: Some(runs("t")),
                items: vec![PanelItem {
                    value: "1".into(),
                    label: "l".into(),
                    note: s(),
                    mark: s(),
                    missing: true,
                    status: s(),
                }],
            }),
            Block::Figure(FigureBlock {
                chart: "c".into(),
                number: Some(1),
                source: s(),
                citation: Some(runs("c")),
                mark: s(),
            }),
            Block::Table(Table {
                number: 1,
                caption: runs("c"),
                header: vec![vec![runs("h")]],
                rows: vec![vec![vec![runs("r")]]],
                widths: Some(vec![1.0]),
                source: Some(runs("s")),
            }),
            Block::Photo(Photo { path: "/p.jpg".into(), caption: runs("c"), credit: Some(runs("c")), alt: "a".into() }),
        ];
        let blocks = blocks
            .into_iter()
            .map(|block| MarkedBlock { block, fallback: true, fallback_note: Some("stale".into()) })
            .collect();
        let chapter = |generated| Chapter {
            id: "c".into(),
            number: s(),
            level: 2,
            title: runs("t"),
            subtitle: Some(runs("s")),
            goals: vec![1],
            opener: "full",
            new_page: true,
            fallback: true,
            blocks: Vec::new(),
            generated,
        };
        let target = || Some(Target { value: "1".into(), year: "2030".into(), source: Some(runs("s")) });
        let dashboard = Dashboard {
            tiles: vec![Tile {
                n: 1,
                band: Some("achieved"),
                trend: Some("on-track"),
                indicators: 2,
                rated: 1,
                with_trend: 1,
            }],
            tables: vec![GoalTable {
                n: 1,
                number: 1,
                rows: vec![DashboardRow {
                    sdg: s(),
                    label: "l".into(),
                    value: s(),
                    period: s(),
                    target: target(),
                    thresholds: Some(Thresholds {
                        green: "1".into(),
                        yellow: "2".into(),
                        red: "3".into(),
                        source: Some(runs("s")),
                    }),
                    status: "achieved",
                    trend: "on-track",
                    sets_status: true,
                }],
            }],
            total: 1,
            rated: 1,
            unrated: 0,
            method: "sdsn",
            base_year: 2015,
            priority: vec![1],
        };
        let annex = Annex {
            rows: vec![AnnexRow {
                sdg: s(),
                label: "l".into(),
                values: vec![("2020".into(), "1".into())],
                marks: vec![s()],
                unit: "u".into(),
                numbers: vec![("2020".into(), "1".into())],
                gap: s(),
                note: s(),
                target: target(),
                status: "achieved",
                trend: "on-track",
                citation: Some(runs("c")),
                section: s(),
            }],
        };
        let chapters = vec![
            Chapter { blocks, ..chapter(None) },
            chapter(Some(Generated::Dashboard { dashboard })),
            chapter(Some(Generated::Annex { annex })),
        ];
        let locale = crate::i18n::Locale::builtin("en");
        let document = Document {
            lang: "en".into(),
            dir: "ltr",
            typography: Typography {
                rtl: false,
                cjk: false,
                colon: ": ".into(),
                comma: ", ".into(),
                semicolon: "; ".into(),
                numbers: ", ".into(),
                script: crate::i18n::Script::Latin,
                region: Some("GB".into()),
                hyphenation_cost: 1.0,
                unhyphenated: Vec::new(),
                ltr_ranges: false,
            },
            draft: true,
            strings: locale.strings,
            goals: vec![Goal { n: 1, name: s(), icon: s() }],
            meta: Some(meta),
            chapters: (0..chapters.len()).map(ChapterFile::at).collect(),
            translation: Translation { total: 1, missing: 0, stale: 0 },
            figures: BTreeMap::from([("c".to_string(), figure)]),
            profile: "submission",
            symbols: vec![Symbol { mark: "p".into(), name: "provisional".into() }],
        };
        (document, chapters)
    }

    #[test]
    fn every_field_of_the_document_is_in_the_template_contract() {
        let (document, chapters) = sample();
        let json = |bytes: Vec<u8>| serde_json::from_slice::<serde_json::Value>(&bytes).unwrap();
        let mut unlisted = unlisted_keys(&json(to_json(&document)), "document", CONTRACT);
        for ch in &chapters {
            unlisted.extend(unlisted_keys(&json(to_json(ch)), "chapter", CONTRACT));
        }
        assert!(unlisted.is_empty(), "not in docs/template-contract.md: {unlisted:#?}");
    }

    #[test]
    fn a_key_missing_from_the_contract_is_found() {
        let (_, chapters) = sample();
        let v = serde_json::to_value(&chapters[0]).unwrap();
        let contract = CONTRACT.replace("| `fallback-note` |", "| fallback note |");
        let unlisted = unlisted_keys(&v, "chapter", &contract);
        assert_eq!(unlisted.len(), 8, "once per block: {unlisted:#?}");
        assert!(unlisted[0].starts_with("chapter.blocks[0].fallback-note"), "{unlisted:?}");
    }

    #[test]
    fn documents_are_written_with_sorted_keys_and_chapters_by_file() {
        let (document, chapters) = sample();
        let text = String::from_utf8(to_json(&document)).unwrap();
        let keys: Vec<&str> =
            text.lines().filter_map(|l| l.strip_prefix("  \"")?.split_once('"').map(|(k, _)| k)).collect();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        assert_eq!(keys, sorted);
        assert!(text.contains("\"file\": \"/data/chapter-02.json\""));
        let chapter = String::from_utf8(to_json(&chapters[1])).unwrap();
        assert!(chapter.contains("\"kind\": \"dashboard\""), "{chapter}");
        let text_chapter = String::from_utf8(to_json(&chapters[0])).unwrap();
        assert!(text_chapter.contains("\"kind\": \"p\"") && !text_chapter.contains("\"kind\": \"text\""));
    }
}
