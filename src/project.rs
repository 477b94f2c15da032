//! Finds, reads and checks the project file, `vlr.toml` (its model is
//! [`crate::data::project_file`]).

use std::path::{Path, PathBuf};

use crate::data::project_file::ProjectFile;
pub use crate::data::project_file::{PROJECT_FILE, Project};
use crate::data::sdg;
use crate::diag::{Diag, Sources};
use crate::files::{parse_toml, read_confined};

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
        let d = &self.file.dashboard;
        if let Some(m) = &d.method
            && !matches!(m.get_ref().as_str(), "sdsn" | "targets")
        {
            out.push(
                Diag::error(rel, Some(m.span()), format!("unknown rating method `{}`", m.get_ref()))
                    .with_hint("`method` is \"sdsn\" (towards the green threshold by 2030) or \"targets\" (towards each target by its year)"),
            );
        }
        if let Some(b) = &d.base_year
            && !(2000..=i64::from(*meta.edition.get_ref())).contains(b.get_ref())
        {
            out.push(Diag::error(
                rel,
                Some(b.span()),
                format!("`base-year` is a year from 2000 to the edition ({})", meta.edition.get_ref()),
            ));
        }
        if let Some(y) = &d.years_used
            && !(0..=30).contains(y.get_ref())
        {
            out.push(Diag::error(rel, Some(y.span()), "`years-used` is a number of years from 0 to 30"));
        }
        if let Some(t) = &meta.time_limit
            && !(1..=86_400).contains(t.get_ref())
        {
            out.push(Diag::error(rel, Some(t.span()), "`time-limit` is a number of seconds from 1 to 86400"));
        }
        for (lang, pattern) in &meta.numbering {
            if pattern.get_ref().parse::<typst::model::NumberingPattern>().is_err() {
                out.push(
                    Diag::error(rel, Some(pattern.span()), format!("`{}` is not a numbering pattern", pattern.get_ref()))
                        .with_hint("a pattern holds a counting symbol (1, a, A, i, I, 一 …) with what surrounds it, e.g. \"(1)\", \"a)\" or \"（一）\""),
                );
            }
            if !meta.languages.iter().any(|l| l.get_ref() == lang) {
                out.push(Diag::warning(
                    rel,
                    Some(pattern.span()),
                    format!("`{lang}` is not a language of the project: this numbering is never used"),
                ));
            }
        }
        let output = meta.output.get_ref();
        let stays = crate::files::confined(Path::new(output)).is_some_and(|p| !p.as_os_str().is_empty());
        if !stays || output.chars().any(char::is_control) || output.ends_with('/') {
            out.push(
                Diag::error(rel, Some(meta.output.span()), format!("`output = {output:?}` leaves the output folder"))
                    .with_hint("`output` is a file name such as \"city-vlr-2024\"; pass `-o DIR` to write elsewhere"),
            );
        }
        if let Some(c) = output.chars().find(|&c| !c.is_control() && crate::data::chars::forbidden(c).is_some()) {
            out.push(
                Diag::error(
                    rel,
                    Some(meta.output.span()),
                    format!(
                        "`output` holds U+{:04X}, a bidirectional control that disguises the file's name",
                        u32::from(c)
                    ),
                )
                .with_hint("`output` is a file name such as \"city-vlr-2024\""),
            );
        }
        let published = meta.published.get_ref();
        match published.date {
            None => out.push(
                Diag::error(rel, Some(meta.published.span()), "`published` needs a date: a time alone is not a day")
                    .with_hint("write the day the review is published, e.g. `published = 2021-07-01`"),
            ),
            Some(d) if !crate::data::series::YEARS.contains(&i32::from(d.year)) => out.push(Diag::error(
                rel,
                Some(meta.published.span()),
                format!(
                    "`published` is in the year {}: a publication date is from {} to {}",
                    d.year,
                    crate::data::series::YEARS.start(),
                    crate::data::series::YEARS.end()
                ),
            )),
            Some(_) => {}
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
            out.extend(ch.goals.iter().filter_map(|g| sdg::check_goal(rel, g)));
        }
        out
    }

    /// The time limit for compiling one edition.
    pub fn time_limit(&self) -> std::time::Duration {
        crate::guard::time_limit(self.file.project.time_limit.as_ref().map(|t| t.get_ref().unsigned_abs()))
    }
}

/// Walks up from `start` to the nearest folder holding `vlr.toml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find(|dir| dir.join(PROJECT_FILE).is_file()).map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::project_file::Opener;

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
        assert_eq!(p.file.chapter[0].opener(), Opener::Full);
        let p = load(&OK.replace("goals = [8]", "opener = \"half\"")).unwrap();
        assert_eq!(p.file.chapter[0].opener(), Opener::Half);
        let p = load(&OK.replace("goals = [8]", "")).unwrap();
        assert_eq!(p.file.chapter[0].opener(), Opener::RunOn);
        let p = load(&OK.replace("goals = [8]", "opener = false\ngoals = [8]")).unwrap();
        assert_eq!(p.file.chapter[0].opener(), Opener::RunOn);
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
        assert_eq!(errs[0].notes, ["hint: kinds: text, dashboard, annex"]);
        let bad = OK.replace("goals = [8]", "goals = [8]\nopener = \"quarter\"");
        let errs = load(&bad).unwrap_err();
        assert!(errs[0].message.contains("unknown opener style `quarter`"), "{errs:?}");
        assert_eq!(&bad[errs[0].span.clone().unwrap()], "\"quarter\"");
        assert_eq!(errs[0].notes, ["hint: openers: \"full\", \"half\" or \"none\""]);
        let bad = OK.replace("goals = [8]", "opener = 2");
        let errs = load(&bad).unwrap_err();
        assert_eq!(&bad[errs[0].span.clone().unwrap()], "2", "{errs:?}");
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
