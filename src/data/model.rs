//! The serde model of `data/*.toml` and `text/<lang>/*.toml`.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use toml::Spanned;

use super::keyword::{self, Keyword};

/// One file under `data/`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataFile {
    /// Indicators: the figures.
    #[serde(default)]
    pub indicator: Vec<Indicator>,
    /// Key-figure panels.
    #[serde(default)]
    pub panel: Vec<Panel>,
    /// Chart specifications.
    #[serde(default)]
    pub chart: Vec<ChartSpec>,
    /// No longer used (each language lists its own acronyms in its
    /// `meta.toml`): read only to warn where it is written.
    #[serde(default)]
    pub acronym: Vec<Acronym>,
}

/// An acronym declared in `data/` (the former, shared list).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acronym {
    /// The short form, e.g. `UCLG`; also the key of its expansion in `[acronyms]`.
    pub id: Spanned<String>,
}

/// An indicator: a figure over time, with its unit, provenance and target.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Indicator {
    /// Project-wide unique id.
    pub id: Spanned<String>,
    /// Shorthand for a one-point series: the value in base units (with `year`).
    pub value: Option<Spanned<f64>>,
    /// Values by period: `{ 2016 = 95.2, 2020 = 98.7, 2018 = { missing = "not published" } }`.
    pub values: Option<BTreeMap<Spanned<String>, Spanned<toml::Value>>>,
    /// The unit (see [`crate::i18n::units`]).
    pub unit: Spanned<String>,
    /// The period of `value` (default: the edition's year): `2020` or `"2022/23"`.
    pub year: Option<Spanned<toml::Value>>,
    /// SDG goal or target, e.g. `8` or `"8.1"`.
    pub sdg: Option<Spanned<toml::Value>>,
    /// Where the figure comes from: a citation, as text or `{ publisher, dataset, url }`.
    pub source: Option<Spanned<toml::Value>>,
    /// Where in the report the figure is discussed, e.g. `"4.1.3"`.
    pub section: Option<String>,
    /// The figure is not known at all: `true`, or the reason (reported, never invented).
    pub missing: Option<Spanned<toml::Value>>,
    /// A note on the figure (definitions, breaks in the series).
    pub note: Option<String>,
    /// Decimals to print (e.g. 2 for "1.90:1"); default: as written.
    pub decimals: Option<Spanned<u8>>,
    /// The target the city or a plan sets, with the period it is due.
    pub target: Option<Target>,
    /// The thresholds between the SDG dashboard's four bands, with their citation.
    pub thresholds: Option<Spanned<ThresholdSpec>>,
    /// The period changes are measured from (default: the first period with a value).
    pub baseline: Option<Spanned<toml::Value>>,
    /// Which way is progress: `"higher"` or `"lower"`.
    pub better: Option<Spanned<String>>,
    /// A fact that does not recur (a founding year, a past event): a new edition never asks for a newer value.
    #[serde(default)]
    pub fixed: bool,
    /// How the figure recurs: `"yearly"` (the default), every N years (`10`
    /// for a census), `"once"` (an event) or `"constant"` (a benchmark, a
    /// policy threshold): a new edition asks only for what is due.
    pub recurs: Option<Spanned<toml::Value>>,
    /// Years a value may lag behind the edition (default: `reporting-lag` in vlr.toml).
    pub lag: Option<Spanned<i64>>,
    /// Years before the edition a value may be and still be rated on the SDG
    /// dashboard (default: `[dashboard] years-used` in vlr.toml, else the lag).
    pub years_used: Option<Spanned<i64>>,
    /// An example value (from `vlr init`): warned about and marked on the page.
    #[serde(default)]
    pub example: bool,
    /// This indicator is the year-on-year change, in percent, of another
    /// (`change-of = "gdp"`): checked against it, and not a share of 0–100.
    pub change_of: Option<Spanned<String>>,
}

/// An indicator's target.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Target {
    /// The target value, in the indicator's unit.
    pub value: Spanned<f64>,
    /// The period it is due, e.g. `2030`.
    pub year: Spanned<toml::Value>,
    /// Who set it: an SDG target, a plan, a guideline.
    pub source: Option<Spanned<toml::Value>>,
}

/// An indicator's thresholds: `{ green = 90, red = 75, source = "…" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdSpec {
    /// From this value on (in the direction of `better`): achieved.
    pub green: Spanned<f64>,
    /// The boundary between challenges remain and significant challenges
    /// (default: midway between green and red).
    pub yellow: Option<Spanned<f64>>,
    /// Beyond this value: major challenges.
    pub red: Spanned<f64>,
    /// Who set them: a citation (text, or `{ publisher, dataset, url }`).
    pub source: Spanned<toml::Value>,
}

/// A key-figure panel.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Panel {
    /// Project-wide unique id.
    pub id: Spanned<String>,
    /// Indicator ids shown, in order.
    pub items: Vec<Spanned<String>>,
}

/// What a chart draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// `bar`: a column per category.
    Bar,
    /// `hbar`: a bar per category, in rows (long category labels).
    Hbar,
    /// `grouped-bar`: a column per series, grouped by category.
    GroupedBar,
    /// `line`: points joined by lines; a missing period leaves a gap.
    Line,
}

impl Keyword for ChartKind {
    const ALL: &'static [Self] = &[ChartKind::Bar, ChartKind::Hbar, ChartKind::GroupedBar, ChartKind::Line];
    const WHAT: &'static str = "chart kind";

    fn name(self) -> &'static str {
        match self {
            ChartKind::Bar => "bar",
            ChartKind::Hbar => "hbar",
            ChartKind::GroupedBar => "grouped-bar",
            ChartKind::Line => "line",
        }
    }
}

impl<'de> Deserialize<'de> for ChartKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        keyword::deserialize(d)
    }
}

/// A chart specification.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartSpec {
    /// Project-wide unique id.
    pub id: Spanned<String>,
    /// What it draws.
    pub kind: Spanned<ChartKind>,
    /// The unit of every value (charts of indicators take their indicators' unit).
    pub unit: Option<Spanned<String>>,
    /// Category keys (labels in the text files), for a chart of categories.
    #[serde(default)]
    pub categories: Vec<Spanned<String>>,
    /// The series of a chart of categories.
    #[serde(default)]
    pub series: Vec<SeriesSpec>,
    /// Indicators drawn over their periods (a chart of time series), one series each.
    #[serde(default)]
    pub indicators: Vec<Spanned<String>>,
    /// Only these periods, in this order (default: every period from the first to the last).
    pub periods: Option<Vec<Spanned<toml::Value>>>,
    /// Draw each indicator's target as a line.
    #[serde(default)]
    pub targets: bool,
    /// Reference lines (e.g. a WHO guideline): a value and a key for its label in the text files.
    #[serde(default)]
    pub reference: Vec<Reference>,
    /// A citation for the chart's data (default: the indicators' sources).
    pub source: Option<Spanned<toml::Value>>,
    /// Where in the report the figures are discussed.
    pub section: Option<String>,
}

/// A horizontal reference line on a chart.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// The value, in the chart's unit.
    pub value: Spanned<f64>,
    /// Key of its label under `[charts.<id>] references` in the text files.
    pub key: Spanned<String>,
}

/// One series of a chart.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesSpec {
    /// Series key (label in the text files).
    pub key: Spanned<String>,
    /// One indicator id per category, or "" where the source gives none.
    pub values: Vec<Spanned<String>>,
}

/// One chapter's text in one language.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextFile {
    /// The chapter title.
    pub title: Spanned<String>,
    /// An optional subtitle.
    pub subtitle: Option<Spanned<String>>,
    /// The chapter's blocks, in order.
    #[serde(default)]
    pub block: Vec<Block>,
    /// Labels of indicators.
    #[serde(default)]
    pub labels: BTreeMap<String, Spanned<String>>,
    /// Texts of charts.
    #[serde(default)]
    pub charts: BTreeMap<String, ChartText>,
    /// Translations: the fingerprint of the source `title` and `subtitle` this was translated from.
    pub src: Option<Spanned<String>>,
    /// Translations: the fingerprint of each source label, by key (see [`crate::data::fingerprint`]).
    #[serde(default, rename = "labels-src")]
    pub labels_src: BTreeMap<String, Spanned<String>>,
}

/// One block of a chapter.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Block {
    /// Stable key; translations match on it.
    pub id: Option<Spanned<String>>,
    /// A paragraph.
    pub p: Option<Spanned<String>>,
    /// A level-2 heading.
    pub h: Option<Spanned<String>>,
    /// A level-3 heading.
    pub h3: Option<Spanned<String>>,
    /// A level-4 heading.
    pub h4: Option<Spanned<String>>,
    /// A bulleted list.
    pub list: Option<Vec<Spanned<String>>>,
    /// A chart id.
    pub figure: Option<Spanned<String>>,
    /// A panel id.
    pub panel: Option<Spanned<String>>,
    /// The panel's title.
    pub title: Option<Spanned<String>>,
    /// A row of SDG tiles.
    pub goals: Option<Vec<Spanned<u8>>>,
    /// A table.
    pub table: Option<TableSpec>,
    /// A photo.
    pub photo: Option<PhotoSpec>,
    /// Translations: the fingerprint of the source block's text this was translated from.
    pub src: Option<Spanned<String>>,
}

/// What a block holds: its one kind, from the fields of [`Block`].
#[derive(Debug, Clone, Copy)]
pub enum BlockContent<'a> {
    /// `p`: a paragraph.
    P(&'a Spanned<String>),
    /// `h`, `h3`, `h4`: a heading of level 2, 3 or 4.
    H(u8, &'a Spanned<String>),
    /// `list`: a bulleted list.
    List(&'a [Spanned<String>]),
    /// `figure`: a chart id.
    Figure(&'a Spanned<String>),
    /// `panel`: a panel id (the block's `title` is its title).
    Panel(&'a Spanned<String>),
    /// `goals`: a row of SDG tiles.
    Goals(&'a [Spanned<u8>]),
    /// `table`: a table.
    Table(&'a TableSpec),
    /// `photo`: a photo.
    Photo(&'a PhotoSpec),
}

impl Block {
    /// The block's one kind; `Err` with how many it has when not exactly one.
    pub fn content(&self) -> Result<BlockContent<'_>, usize> {
        use BlockContent as C;
        let kinds = [
            self.p.as_ref().map(C::P),
            self.h.as_ref().map(|h| C::H(2, h)),
            self.h3.as_ref().map(|h| C::H(3, h)),
            self.h4.as_ref().map(|h| C::H(4, h)),
            self.list.as_deref().map(C::List),
            self.figure.as_ref().map(C::Figure),
            self.panel.as_ref().map(C::Panel),
            self.goals.as_deref().map(C::Goals),
            self.table.as_ref().map(C::Table),
            self.photo.as_ref().map(C::Photo),
        ];
        let mut present = kinds.into_iter().flatten();
        match (present.next(), present.count()) {
            (Some(c), 0) => Ok(c),
            (None, _) => Err(0),
            (Some(_), more) => Err(1 + more),
        }
    }

    /// The heading of a level (2, 3 or 4), if the block is one.
    pub fn heading(&self, level: u8) -> Option<&Spanned<String>> {
        match level {
            2 => self.h.as_ref(),
            3 => self.h3.as_ref(),
            _ => self.h4.as_ref(),
        }
    }
}

/// A table written in a text file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    /// The caption.
    pub caption: Spanned<String>,
    /// Header cells.
    pub header: Vec<Spanned<String>>,
    /// Body rows.
    pub rows: Vec<Vec<Spanned<String>>>,
    /// Relative column widths, one a column.
    pub widths: Option<Spanned<Vec<f64>>>,
    /// A source line.
    pub source: Option<Spanned<String>>,
}

/// A photo with caption, credit and alt text.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhotoSpec {
    /// JPEG or PNG, relative to the project root.
    pub file: Spanned<String>,
    /// The caption.
    pub caption: Spanned<String>,
    /// Who took it.
    pub credit: Option<Spanned<String>>,
    /// Alternative text for screen readers.
    pub alt: Spanned<String>,
}

/// A chart's texts in one language.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartText {
    /// The title (also the caption).
    pub title: Spanned<String>,
    /// Category labels by key.
    #[serde(default)]
    pub categories: BTreeMap<String, Spanned<String>>,
    /// Series labels by key.
    #[serde(default)]
    pub series: BTreeMap<String, Spanned<String>>,
    /// A note under the caption.
    pub note: Option<Spanned<String>>,
    /// The value axis title (default: the unit).
    pub axis: Option<Spanned<String>>,
    /// Labels of reference lines by key.
    #[serde(default)]
    pub references: BTreeMap<String, Spanned<String>>,
    /// Translations: the fingerprint of the source chart texts this was translated from.
    pub src: Option<Spanned<String>>,
}

/// `text/<lang>/meta.toml`: the cover and document metadata.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MetaText {
    /// The document title.
    pub title: Spanned<String>,
    /// The line above the title.
    pub kicker: Option<Spanned<String>>,
    /// The subtitle.
    pub subtitle: Option<Spanned<String>>,
    /// A motto.
    pub motto: Option<Spanned<String>>,
    /// The city's name.
    pub city: Spanned<String>,
    /// The author: the city government.
    pub author: Spanned<String>,
    /// Extra keywords.
    #[serde(default)]
    pub keywords: Vec<Spanned<String>>,
    /// Translations: the fingerprint of the source metadata this was translated from.
    pub src: Option<Spanned<String>>,
    /// The title as set on the cover, with line breaks where the phrases end
    /// (default: the title, broken where it must).
    pub cover_title: Option<Spanned<String>>,
    /// The imprint (copyright page) and back cover.
    #[serde(default)]
    pub imprint: Imprint,
    /// Acronyms spelt out, by short form (the short forms are listed in `data/`).
    #[serde(default)]
    pub acronyms: BTreeMap<String, Spanned<String>>,
    /// Credit of the cover photo.
    pub cover_credit: Option<Spanned<String>>,
    /// Alt text of the cover photo.
    pub cover_alt: Option<Spanned<String>>,
}

/// What the imprint page and back cover print; every field is optional and
/// printed only when given (never invented).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Imprint {
    /// The publisher (default: the author).
    pub publisher: Option<Spanned<String>>,
    /// Licence or copyright notice.
    pub licence: Option<Spanned<String>>,
    /// Disclaimer.
    pub disclaimer: Option<Spanned<String>>,
    /// Contact lines (address, e-mail, telephone).
    #[serde(default)]
    pub contact: Vec<Spanned<String>>,
    /// A link to the review online: printed, and as a QR code on the back cover.
    pub link: Option<Spanned<String>>,
    /// Further lines (prepared by, printed by, ISBN …).
    #[serde(default)]
    pub notes: Vec<Spanned<String>>,
    /// The copyright line ("© 2021 Yiwu Municipal Government").
    pub copyright: Option<Spanned<String>>,
    /// How to cite the review.
    pub citation: Option<Spanned<String>>,
    /// An ISBN, a UN document symbol or another identifier, as printed.
    pub identifier: Option<Spanned<String>>,
    /// The language the review was written in ("Original: Chinese").
    pub original: Option<Spanned<String>>,
    /// Design, translation and photo credits, a line each.
    #[serde(default)]
    pub credits: Vec<Spanned<String>>,
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::files::parse_toml;

    #[test]
    fn a_chart_kind_is_read_into_its_variant_and_an_unknown_one_is_located() {
        let text = "[[chart]]\nid = \"c\"\nkind = \"grouped-bar\"\nindicators = [\"a\"]\n";
        let file: DataFile = parse_toml(Path::new("data/d.toml"), text).unwrap();
        assert_eq!(*file.chart[0].kind.get_ref(), ChartKind::GroupedBar);
        let text = text.replace("grouped-bar", "pie");
        let d = parse_toml::<DataFile>(Path::new("data/d.toml"), &text).unwrap_err();
        assert_eq!(d.message, "unknown chart kind `pie`");
        assert_eq!(d.notes, ["hint: kinds: bar, hbar, grouped-bar, line"]);
        assert_eq!(&text[d.span.unwrap()], "\"pie\"");
    }
}
