//! The serde model of `data/*.toml` and `text/<lang>/*.toml`.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

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
}

/// A figure with its unit, year and provenance.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Indicator {
    /// Project-wide unique id.
    pub id: Spanned<String>,
    /// The value in base units; absent when `missing`.
    pub value: Option<Spanned<f64>>,
    /// The unit (see [`crate::i18n::units`]).
    pub unit: Spanned<String>,
    /// The year the figure refers to.
    pub year: Option<i32>,
    /// SDG goal or target, e.g. `8` or `"8.1"`.
    pub sdg: Option<Spanned<toml::Value>>,
    /// Where in the source the figure is stated.
    pub source: Option<String>,
    /// The figure is not known (reported, never invented).
    #[serde(default)]
    pub missing: bool,
    /// Decimals to print (e.g. 2 for "1.90:1"); default: as many as the value has.
    pub decimals: Option<u8>,
    /// Set by `vlr new-edition`: last edition's value, kept as history.
    pub previous: Option<f64>,
    /// Set by `vlr new-edition`: the year of `previous`.
    pub previous_year: Option<i32>,
    /// Set by `vlr new-edition`: the value must be updated for this edition.
    #[serde(default)]
    pub stale: bool,
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

/// A chart specification.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartSpec {
    /// Project-wide unique id.
    pub id: Spanned<String>,
    /// bar | hbar | grouped-bar | line
    pub kind: Spanned<String>,
    /// The unit of every value.
    pub unit: Spanned<String>,
    /// Category keys (labels in the text files).
    pub categories: Vec<Spanned<String>>,
    /// The series.
    pub series: Vec<SeriesSpec>,
    /// Where in the source the figures are stated.
    pub source: Option<String>,
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
    /// Relative column widths.
    pub widths: Option<Vec<f64>>,
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
    pub categories: BTreeMap<String, String>,
    /// Series labels by key.
    #[serde(default)]
    pub series: BTreeMap<String, String>,
    /// A note under the caption.
    pub note: Option<String>,
}

/// `text/<lang>/meta.toml`: the cover and document metadata.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetaText {
    /// The document title.
    pub title: Spanned<String>,
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
    /// Extra keywords.
    #[serde(default)]
    pub keywords: Vec<String>,
}
