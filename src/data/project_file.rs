//! The project file, `vlr.toml`, as read: its serde model, and the project
//! it describes (root folder, file, units), which every step of a build reads.

use std::path::PathBuf;

use serde::de::{Error, Visitor};
use serde::{Deserialize, Deserializer};
use toml::Spanned;

use super::keyword::{self, Keyword};

/// The project file's name.
pub const PROJECT_FILE: &str = "vlr.toml";

/// The parsed `vlr.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProjectFile {
    /// The `[project]` table.
    pub project: ProjectMeta,
    /// The chapters, in print order.
    #[serde(default)]
    pub chapter: Vec<ChapterSpec>,
    /// Units the project defines beyond the built-in catalogue, with a pattern per language.
    #[serde(default)]
    pub units: std::collections::BTreeMap<String, Spanned<crate::i18n::units::UnitDef>>,
    /// How the SDG dashboard rates (`[dashboard]`).
    #[serde(default)]
    pub dashboard: DashboardSettings,
}

/// The `[dashboard]` table of `vlr.toml`: the rating method's settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DashboardSettings {
    /// `"sdsn"` (default: towards the green threshold by 2030) or `"targets"`
    /// (towards each indicator's own target by its year).
    pub method: Option<Spanned<String>>,
    /// The year trends are measured from (default 2015, the SDR's).
    pub base_year: Option<Spanned<i64>>,
    /// Years before the edition a value may be and still be rated (default: each indicator's lag).
    pub years_used: Option<Spanned<i64>>,
}

/// The `[project]` table of `vlr.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProjectMeta {
    /// A short key for the city, e.g. `yiwu`.
    pub city: String,
    /// The reporting year.
    pub edition: Spanned<i32>,
    /// The publication date, stamped into the PDF.
    pub published: Spanned<toml::value::Datetime>,
    /// Output file stem: `dist/<output>.<lang>.pdf`. It stays inside the
    /// output folder: absolute paths and `..` are refused.
    pub output: Spanned<String>,
    /// The Typst entry template, relative to the project root.
    #[serde(default = "default_template")]
    pub template: Spanned<String>,
    /// Languages to build; the first is the source language.
    pub languages: Vec<Spanned<String>>,
    /// Years an indicator's latest value may lag behind the edition (statistics
    /// are often published a year or two late); default 1.
    #[serde(default = "default_lag")]
    pub reporting_lag: Spanned<i64>,
    /// The calendar year a two-year period such as `2023/24` counts for:
    /// `"end"` (2024, the default) or `"start"` (2023, as UK councils count
    /// their financial years).
    #[serde(default)]
    pub period_year: Option<Spanned<super::series::PeriodYear>>,
    /// The city's logo (SVG or PNG in the project), on the cover and back cover.
    pub logo: Option<Spanned<String>>,
    /// A photo for the cover (JPEG or PNG in the project); its credit and alt
    /// text are in each language's `meta.toml`.
    pub cover_photo: Option<Spanned<String>>,
    /// A folder of the official SDG icons: one folder per language inside it
    /// (`<sdg-icons>/<lang>/`), each holding the UN's 17 icons as SVG, PNG or
    /// JPEG files whose names end in the goal's number (`1.svg`,
    /// `E-WEB-Goal-01.png`). Without it, or for a language without its
    /// folder, the templates draw their own goal tiles.
    pub sdg_icons: Option<Spanned<String>>,
    /// Numbering of level-3 headings by language, overriding the language's
    /// own (`"(1)"` in English, `"（一）"` in Chinese): a typst numbering
    /// pattern such as `"(a)"` or `"1."`.
    #[serde(default)]
    pub numbering: std::collections::BTreeMap<String, Spanned<String>>,
    /// Seconds compiling one edition may take (default 300; `--time-limit` overrides).
    pub time_limit: Option<Spanned<i64>>,
}

fn default_lag() -> Spanned<i64> {
    Spanned::new(0..0, 1)
}

fn default_template() -> Spanned<String> {
    Spanned::new(0..0, "templates/main.typ".to_string())
}

/// One `[[chapter]]` of `vlr.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ChapterSpec {
    /// The chapter's id: its text lives in `text/<lang>/<id>.toml`.
    pub id: Spanned<String>,
    /// The printed chapter number, if any.
    pub number: Option<String>,
    /// SDGs the chapter covers; the first sets the opener's colour.
    #[serde(default)]
    pub goals: Vec<Spanned<u8>>,
    /// How the chapter opens (`"full"`, `"half"`, `"none"`, or `true` /
    /// `false` for full / none). Default: full for chapters with goals, none
    /// for the others ([`ChapterSpec::opener`]).
    #[serde(default)]
    pub opener: Option<Spanned<Opener>>,
    /// What the chapter holds (`"text"`, `"dashboard"` or `"annex"`).
    /// Default: its text file.
    pub kind: Option<Spanned<ChapterKind>>,
    /// Whether it starts a new page (default: [`chapter_new_pages`]).
    pub new_page: Option<bool>,
}

/// What a chapter holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChapterKind {
    /// `text`: its text file.
    Text,
    /// `dashboard`: the SDG dashboard and the indicators behind each goal's rating.
    Dashboard,
    /// `annex`: the statistical annex of every indicator.
    Annex,
}

impl Keyword for ChapterKind {
    const ALL: &'static [Self] = &[ChapterKind::Text, ChapterKind::Dashboard, ChapterKind::Annex];
    const WHAT: &'static str = "chapter kind";

    fn name(self) -> &'static str {
        match self {
            ChapterKind::Text => "text",
            ChapterKind::Dashboard => "dashboard",
            ChapterKind::Annex => "annex",
        }
    }
}

impl<'de> Deserialize<'de> for ChapterKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        keyword::deserialize(d)
    }
}

/// How a chapter opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opener {
    /// `full` (or `true`): a page in the chapter's colour.
    Full,
    /// `half`: a new page whose top half carries the title, goal tiles,
    /// measures and key figures.
    Half,
    /// `none` (or `false`): the chapter runs on after the previous one.
    RunOn,
}

impl Keyword for Opener {
    const ALL: &'static [Self] = &[Opener::Full, Opener::Half, Opener::RunOn];
    const WHAT: &'static str = "opener style";

    fn name(self) -> &'static str {
        match self {
            Opener::Full => "full",
            Opener::Half => "half",
            Opener::RunOn => "none",
        }
    }

    fn hint() -> String {
        "openers: \"full\", \"half\" or \"none\"".into()
    }
}

/// An opener is a style's name or a boolean (`true`: full, `false`: none).
impl<'de> Deserialize<'de> for Opener {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Written;
        impl Visitor<'_> for Written {
            type Value = Opener;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("\"full\", \"half\", \"none\", true or false")
            }

            fn visit_bool<E: Error>(self, v: bool) -> Result<Opener, E> {
                Ok(if v { Opener::Full } else { Opener::RunOn })
            }

            fn visit_str<E: Error>(self, v: &str) -> Result<Opener, E> {
                Opener::parse(v).ok_or_else(|| E::custom(Opener::unknown(v)))
            }
        }
        d.deserialize_any(Written)
    }
}

impl ChapterSpec {
    /// What the chapter holds (default: its text).
    pub fn kind(&self) -> ChapterKind {
        self.kind.as_ref().map_or(ChapterKind::Text, |k| *k.get_ref())
    }

    /// How the chapter opens: as written, else full for a chapter with goals
    /// and running on for the others.
    pub fn opener(&self) -> Opener {
        match self.opener.as_ref().map(Spanned::get_ref) {
            Some(o) => *o,
            None if self.goals.is_empty() => Opener::RunOn,
            None => Opener::Full,
        }
    }
}

/// A project: its root folder and parsed project file, loaded and checked by `Project::load`.
#[derive(Debug, Clone)]
pub struct Project {
    /// The folder holding `vlr.toml` (canonical).
    pub root: PathBuf,
    /// The parsed project file.
    pub file: ProjectFile,
    /// The units the project defines (`[units.<id>]`).
    pub units: std::collections::BTreeMap<String, crate::i18n::units::UnitDef>,
}

impl Project {
    /// The project's languages, source language first.
    pub fn languages(&self) -> Vec<String> {
        self.file.project.languages.iter().map(|l| l.get_ref().clone()).collect()
    }

    /// What the data index needs to know of the project.
    pub fn settings(&self) -> super::index::Settings<'_> {
        super::index::Settings {
            edition: *self.file.project.edition.get_ref(),
            lag: *self.file.project.reporting_lag.get_ref() as i32,
            period_year: self.file.project.period_year.as_ref().map(|p| *p.get_ref()).unwrap_or_default(),
            units: &self.units,
            rating: self.rating(),
        }
    }

    /// The rating method and its settings, as `[dashboard]` gives them (checked by `Project::validate`).
    pub fn rating(&self) -> crate::data::rules::RatingSettings {
        use crate::data::rules::{Method, RatingSettings, SDSN_BASE_YEAR};
        let d = &self.file.dashboard;
        RatingSettings {
            method: match d.method.as_ref().map(|m| m.get_ref().as_str()) {
                Some("targets") => Method::Targets,
                _ => Method::Sdsn,
            },
            base_year: d.base_year.as_ref().map_or(SDSN_BASE_YEAR, |b| *b.get_ref() as i32),
            years_used: d.years_used.as_ref().map(|y| *y.get_ref() as i32),
        }
    }

    /// The source language.
    pub fn source_language(&self) -> &str {
        self.file.project.languages.first().map_or("en", |l| l.get_ref())
    }

    /// The publication date as (year, month, day).
    pub fn published(&self) -> Option<(i32, u8, u8)> {
        let d = self.file.project.published.get_ref().date?;
        Some((i32::from(d.year), d.month, d.day))
    }

    /// The goals the review treats in depth: those its chapters name
    /// (`goals`), each once, in the order the chapters take them up.
    pub fn priority_goals(&self) -> Vec<u8> {
        let mut out: Vec<u8> = Vec::new();
        for g in self.file.chapter.iter().flat_map(|c| c.goals.iter().map(|g| *g.get_ref())) {
            if !out.contains(&g) {
                out.push(g);
            }
        }
        out
    }

    /// The level of each chapter's title in the document's outline, in the
    /// order of `[[chapter]]`s: see [`chapter_levels`].
    pub fn chapter_levels(&self) -> Vec<u8> {
        chapter_levels(self.file.chapter.iter().map(|c| c.number.as_deref()))
    }

    /// Whether each chapter starts a new page, in the order of
    /// `[[chapter]]`s: see [`chapter_new_pages`].
    pub fn chapter_new_pages(&self) -> Vec<bool> {
        chapter_new_pages(&self.file.chapter)
    }
}

/// Whether each chapter starts a new page: as its `new-page` says, else
/// when it is numbered, written by vlr (the dashboard, the annex), opens on
/// a full page, or is back matter (an unnumbered chapter after a numbered
/// one: conclusions, prospects). The unnumbered front matter (a preface, key
/// messages, a profile) runs on, so a short part wastes no page.
pub fn chapter_new_pages(specs: &[ChapterSpec]) -> Vec<bool> {
    let mut numbered_before = false;
    specs
        .iter()
        .map(|c| {
            let numbered = c.number.as_deref().is_some_and(|n| !n.trim().is_empty());
            let default = numbered || c.kind() != ChapterKind::Text || c.opener() == Opener::Full || numbered_before;
            numbered_before |= numbered;
            c.new_page.unwrap_or(default)
        })
        .collect()
}

/// The level of each chapter's title in the outline of the document, from
/// the chapters' numbers in order: a chapter whose number continues an
/// earlier chapter's (`4.1` after `4`, with only its sections between) is
/// a section of it, one level below; any other chapter, and one without a
/// number, is at level 1. So the book's structure (headings, bookmarks,
/// contents) follows its numbering, however the chapters are split into files.
pub fn chapter_levels<'a>(numbers: impl IntoIterator<Item = Option<&'a str>>) -> Vec<u8> {
    // The numbers of the chapters that the next one may be a section of.
    let mut open: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for number in numbers {
        let Some(n) = number.map(str::trim).filter(|n| !n.is_empty()) else {
            open.clear();
            out.push(1);
            continue;
        };
        while let Some(parent) = open.last() {
            let inside = n.strip_prefix(parent).and_then(|rest| rest.strip_prefix('.')).is_some_and(|r| !r.is_empty());
            if inside {
                break;
            }
            open.pop();
        }
        open.push(n);
        out.push(open.len().min(u8::MAX as usize) as u8);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::chapter_levels;

    /// The levels of chapters numbered as `numbers` says, `-` for none.
    fn levels(numbers: &str) -> Vec<u8> {
        chapter_levels(numbers.split(' ').map(|n| (n != "-").then_some(n)))
    }

    #[test]
    fn a_chapter_numbered_below_an_earlier_one_is_its_section() {
        assert_eq!(levels("- 1 2 - 3 4 4.1 4.2 4.2.1 5 -"), vec![1, 1, 1, 1, 1, 1, 2, 2, 3, 1, 1]);
    }

    #[test]
    fn only_a_continued_number_nests() {
        // 41 does not continue 4; 4.1 after an unnumbered chapter has no parent
        // to nest under; A.2 is a section of A after A.1's own section.
        assert_eq!(levels("4 41 4 - 4.1 A A.1 A.1.2 A.2"), vec![1, 1, 1, 1, 1, 1, 2, 3, 2]);
    }
}
