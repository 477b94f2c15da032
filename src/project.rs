//! Finds and parses the project file, `vlr.toml`.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Diag, Sources};
use crate::files::{parse_toml, read_confined};

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
    /// The city's logo (SVG or PNG in the project), on the cover and back cover.
    pub logo: Option<Spanned<String>>,
    /// A photo for the cover (JPEG or PNG in the project); its credit and alt
    /// text are in each language's `meta.toml`.
    pub cover_photo: Option<Spanned<String>>,
    /// Numbering of level-3 headings by language, overriding the language's
    /// own (`"(1)"` in English, `"（一）"` in Chinese): a typst numbering
    /// pattern such as `"(a)"` or `"1."`.
    #[serde(default)]
    pub numbering: std::collections::BTreeMap<String, String>,
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
    /// How the chapter opens: `"full"` (a page in the chapter's colour),
    /// `"half"` (a new page whose top half carries the title, goal tiles,
    /// measures and key figures) or `"none"` (runs on after the previous
    /// chapter). `true` / `false` are accepted for `"full"` / `"none"`.
    /// Default: full for chapters with goals, none for the others.
    #[serde(default)]
    pub opener: Option<Spanned<OpenerSpec>>,
    /// What the chapter holds: `"text"` (the default: its text file),
    /// `"dashboard"` (the SDG dashboard and the indicators behind each goal's
    /// rating) or `"annex"` (the statistical annex of every indicator).
    pub kind: Option<Spanned<String>>,
}

/// The kinds of chapter.
pub const CHAPTER_KINDS: &[&str] = &["text", "dashboard", "annex"];

/// An opener as written in `vlr.toml`: a style name or a boolean.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OpenerSpec {
    /// `opener = true` (full) or `false` (none).
    Bool(bool),
    /// `opener = "full" | "half" | "none"`.
    Style(String),
}

/// The opener styles.
pub const OPENERS: &[&str] = &["full", "half", "none"];

impl ChapterSpec {
    /// The chapter's kind: `text`, `dashboard` or `annex`.
    pub fn kind(&self) -> &str {
        self.kind.as_ref().map_or("text", |k| k.get_ref().as_str())
    }

    /// The chapter's opener style: `full`, `half` or `none`.
    pub fn opener(&self) -> &str {
        match self.opener.as_ref().map(Spanned::get_ref) {
            Some(OpenerSpec::Bool(true)) => "full",
            Some(OpenerSpec::Bool(false)) => "none",
            Some(OpenerSpec::Style(s)) => OPENERS.iter().find(|o| **o == s).copied().unwrap_or("none"),
            None if self.goals.is_empty() => "none",
            None => "full",
        }
    }
}

/// A loaded project: its root folder and parsed project file.
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
    /// Loads the project whose root is `root`.
    pub fn load(root: &Path, sources: &mut Sources) -> Result<Self, Vec<Diag>> {
        let path = root.join(PROJECT_FILE);
        let hint = "run `vlr init <dir>` to start a project, or pass --root";
        if !path.exists() {
            let msg = format!("no project file: {} not found", path.display());
            return Err(vec![Diag::general(msg).with_hint(hint)]);
        }
        let root = root.canonicalize().map_err(|e| vec![Diag::general(format!("{}: {e}", root.display()))])?;
        // A regular file inside the project only: a FIFO would block forever.
        let text = read_confined(&root, Path::new(PROJECT_FILE)).map_err(|e| vec![Diag::general(e).with_hint(hint)])?;
        let rel = Path::new(PROJECT_FILE);
        sources.insert(rel, text.clone());
        let file: ProjectFile = parse_toml(rel, &text).map_err(|d| vec![d])?;
        let units = file.units.iter().map(|(k, v)| (k.clone(), v.get_ref().clone())).collect();
        let project = Self { root, file, units };
        let problems = project.validate();
        if problems.iter().any(Diag::is_error) {
            return Err(problems);
        }
        Ok(project)
    }

    fn validate(&self) -> Vec<Diag> {
        let mut out = Vec::new();
        let rel = Path::new(PROJECT_FILE);
        let meta = &self.file.project;
        if !(0..=10).contains(meta.reporting_lag.get_ref()) {
            out.push(Diag::error(
                rel,
                Some(meta.reporting_lag.span()),
                "`reporting-lag` is a number of years from 0 to 10",
            ));
        }
        if !crate::data::series::YEARS.contains(meta.edition.get_ref()) {
            out.push(Diag::error(
                rel,
                Some(meta.edition.span()),
                format!(
                    "`edition` is a year from {} to {}",
                    crate::data::series::YEARS.start(),
                    crate::data::series::YEARS.end()
                ),
            ));
        }
        if let Some(t) = &meta.time_limit
            && !(1..=86_400).contains(t.get_ref())
        {
            out.push(Diag::error(rel, Some(t.span()), "`time-limit` is a number of seconds from 1 to 86400"));
        }
        let output = meta.output.get_ref();
        let stays = crate::files::confined(Path::new(output)).is_some_and(|p| !p.as_os_str().is_empty());
        if !stays || output.chars().any(char::is_control) || output.ends_with('/') {
            out.push(
                Diag::error(rel, Some(meta.output.span()), format!("`output = {output:?}` leaves the output folder"))
                    .with_hint("`output` is a file name such as \"city-vlr-2024\"; pass `-o DIR` to write elsewhere"),
            );
        }
        if meta.languages.is_empty() {
            out.push(Diag::error(rel, None, "`languages` must list at least one language"));
        }
        for lang in &meta.languages {
            if !crate::i18n::is_supported(&self.root, lang.get_ref()) {
                out.push(
                    Diag::error(rel, Some(lang.span()), format!("unsupported language `{}`", lang.get_ref()))
                        .with_hint(format!(
                            "built in: {}; any other language with CLDR data needs its strings in {} (the keys of vlr's src/i18n/en.toml)",
                            crate::i18n::SUPPORTED.join(", "),
                            crate::i18n::project_file(lang.get_ref()).display()
                        )),
                );
            }
        }
        for (id, spanned) in &self.file.units {
            let def = spanned.get_ref();
            let bad = def
                .patterns
                .iter()
                .chain(&def.scaled)
                .find(|(_, p)| p.texts().iter().any(|t| t.matches("{n}").count() != 1));
            if let Some((lang, _)) = bad {
                out.push(Diag::error(
                    rel,
                    Some(spanned.span()),
                    format!("the `{lang}` pattern of unit `{id}` under [units.{id}] needs `{{n}}` exactly once"),
                ));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for ch in &self.file.chapter {
            if !seen.insert(ch.id.get_ref().clone()) {
                out.push(Diag::error(rel, Some(ch.id.span()), format!("duplicate chapter `{}`", ch.id.get_ref())));
            }
            if let Some(k) = &ch.kind
                && !CHAPTER_KINDS.contains(&k.get_ref().as_str())
            {
                out.push(
                    Diag::error(rel, Some(k.span()), format!("unknown chapter kind `{}`", k.get_ref()))
                        .with_hint(format!("kinds: {}", CHAPTER_KINDS.join(", "))),
                );
            }
            if let Some(o) = &ch.opener
                && let OpenerSpec::Style(style) = o.get_ref()
                && !OPENERS.contains(&style.as_str())
            {
                out.push(
                    Diag::error(rel, Some(o.span()), format!("unknown opener style `{style}`"))
                        .with_hint("openers: \"full\", \"half\" or \"none\""),
                );
            }
            for g in &ch.goals {
                if !(1..=17).contains(g.get_ref()) {
                    out.push(Diag::error(rel, Some(g.span()), "an SDG goal is a number from 1 to 17"));
                }
            }
        }
        out
    }

    /// The project's languages, source language first.
    pub fn languages(&self) -> Vec<String> {
        self.file.project.languages.iter().map(|l| l.get_ref().clone()).collect()
    }

    /// What the data index needs to know of the project.
    pub fn settings(&self) -> crate::data::index::Settings<'_> {
        crate::data::index::Settings {
            edition: *self.file.project.edition.get_ref(),
            lag: *self.file.project.reporting_lag.get_ref() as i32,
            units: &self.units,
        }
    }

    /// The time limit for compiling one edition.
    pub fn time_limit(&self) -> std::time::Duration {
        crate::guard::time_limit(self.file.project.time_limit.as_ref().map(|t| t.get_ref().unsigned_abs()))
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
}

/// Walks up from `start` to the nearest folder holding `vlr.toml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find(|dir| dir.join(PROJECT_FILE).is_file()).map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Project, Vec<Diag>> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(PROJECT_FILE), text).unwrap();
        Project::load(dir.path(), &mut Sources::default())
    }

    const OK: &str = "[project]\ncity = \"x\"\nedition = 2020\npublished = 2021-07-01\noutput = \"x\"\nlanguages = [\"en\", \"zh\"]\n\n[[chapter]]\nid = \"a\"\ngoals = [8]\n";

    #[test]
    fn loads_a_valid_project() {
        let p = load(OK).unwrap();
        assert_eq!(p.languages(), ["en", "zh"]);
        assert_eq!(p.source_language(), "en");
        assert_eq!(p.published(), Some((2021, 7, 1)));
        assert_eq!(p.file.project.template.get_ref(), "templates/main.typ");
        // Goal chapters open on a full page by default; the others run on.
        assert_eq!(p.file.chapter[0].opener(), "full");
        let p = load(&OK.replace("goals = [8]", "opener = \"half\"")).unwrap();
        assert_eq!(p.file.chapter[0].opener(), "half");
        let p = load(&OK.replace("goals = [8]", "")).unwrap();
        assert_eq!(p.file.chapter[0].opener(), "none");
        let p = load(&OK.replace("goals = [8]", "opener = false\ngoals = [8]")).unwrap();
        assert_eq!(p.file.chapter[0].opener(), "none");
    }

    #[test]
    fn rejects_bad_values_with_locations() {
        let bad = OK.replace("\"zh\"]", "\"xx\"]");
        let errs = load(&bad).unwrap_err();
        assert!(errs[0].message.contains("unsupported language `xx`"));
        let span = errs[0].span.clone().unwrap();
        assert_eq!(&bad[span], "\"xx\"");
        let errs = load(&OK.replace("goals = [8]", "goals = [18]")).unwrap_err();
        assert!(errs[0].message.contains("1 to 17"));
        let bad = OK.replace("goals = [8]", "kind = \"dashbord\"");
        let errs = load(&bad).unwrap_err();
        assert!(errs[0].message.contains("unknown chapter kind `dashbord`"), "{errs:?}");
        assert_eq!(&bad[errs[0].span.clone().unwrap()], "\"dashbord\"");
        let errs = load(&OK.replace("goals = [8]", "goals = [8]\nopener = \"quarter\"")).unwrap_err();
        assert!(errs[0].message.contains("unknown opener style `quarter`"), "{errs:?}");
        for bad in ["/abs/x", "../../../x", "a/../../x", "", "a\\u0000b"] {
            let errs = load(&OK.replace("output = \"x\"", &format!("output = \"{bad}\""))).unwrap_err();
            assert!(errs[0].message.contains("leaves the output folder"), "{bad}: {:?}", errs[0]);
        }
        assert!(load(&OK.replace("output = \"x\"", "output = \"sub/x\"")).is_ok());
        let errs = load(&OK.replace("edition = 2020", "edition = \"2020\"")).unwrap_err();
        assert!(errs[0].span.is_some(), "{:?}", errs[0]);
    }

    #[test]
    fn project_units_are_read_and_a_bad_pattern_is_located() {
        let units = "\n[units.bus-routes]\nen = { one = \"{n} bus route\", other = \"{n} bus routes\" }\n";
        let p = load(&format!("{OK}{units}")).unwrap();
        assert!(p.units["bus-routes"].patterns.contains_key("en"));
        let bad = format!("{OK}{}", units.replace("{n} bus routes", "bus routes"));
        let errs = load(&bad).unwrap_err();
        assert!(errs[0].message.contains("`en` pattern of unit `bus-routes`"), "{}", errs[0].message);
        assert_eq!(&bad[errs[0].span.clone().unwrap()], "[units.bus-routes]", "{errs:?}");
    }

    #[test]
    fn finds_the_root_upwards() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(PROJECT_FILE), OK).unwrap();
        let sub = dir.path().join("text/en");
        std::fs::create_dir_all(&sub).unwrap();
        assert_eq!(find_root(&sub).as_deref(), Some(dir.path()));
    }
}
