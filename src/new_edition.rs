//! `vlr new-edition <year>`: rolls a project to the next reporting year.
//!
//! Every indicator of the current edition keeps its value as history
//! (`previous`, `previous-year`) and is marked `stale`, so `vlr check` lists
//! each figure that needs this year's value. Comments and layout of the data
//! files are preserved.

use std::path::Path;

use toml_edit::{DocumentMut, Item, value};

use crate::data::load::toml_files;
use crate::project::PROJECT_FILE;

/// What the roll changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rolled {
    /// The edition before.
    pub from: i64,
    /// Indicators marked stale.
    pub marked: usize,
    /// Data files rewritten.
    pub files: usize,
}

fn parse(path: &Path) -> Result<DocumentMut, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    text.parse::<DocumentMut>().map_err(|e| format!("{}: {e}", path.display()))
}

/// Rolls the project at `root` to `year`; writes nothing if any file fails to parse.
pub fn new_edition(root: &Path, year: i64) -> Result<Rolled, String> {
    let project_path = root.join(PROJECT_FILE);
    let mut project = parse(&project_path)?;
    let from = project["project"]["edition"].as_integer().ok_or("vlr.toml: [project] edition is not a number")?;
    if year <= from {
        return Err(format!("the project is at edition {from}; the new edition must be later"));
    }
    project["project"]["edition"] = value(year);
    if let Some(d) = project["project"]["published"].as_datetime().and_then(|d| d.date) {
        let date = toml_edit::Datetime {
            date: Some(toml_edit::Date { year: (d.year as i64 + year - from) as u16, month: d.month, day: d.day }),
            time: None,
            offset: None,
        };
        project["project"]["published"] = value(date);
    }
    if let Some(out) = project["project"]["output"].as_str().map(|o| o.replace(&from.to_string(), &year.to_string())) {
        project["project"]["output"] = value(out);
    }
    let mut rolled = Rolled { from, ..Rolled::default() };
    let mut outputs = vec![(project_path, project.to_string())];
    for rel in toml_files(root, Path::new("data")) {
        let path = root.join(&rel);
        let mut doc = parse(&path)?;
        let mut changed = false;
        if let Some(inds) = doc.get_mut("indicator").and_then(Item::as_array_of_tables_mut) {
            for ind in inds.iter_mut() {
                let current = ind.get("year").and_then(Item::as_integer).is_none_or(|y| y == from);
                let Some(v) = ind.get("value").and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
                else {
                    continue;
                };
                if !current || ind.get("stale").and_then(Item::as_bool) == Some(true) {
                    continue;
                }
                ind["previous"] = value(v);
                ind["previous-year"] = value(from);
                ind["year"] = value(year);
                ind["stale"] = value(true);
                rolled.marked += 1;
                changed = true;
            }
        }
        if changed {
            rolled.files += 1;
            outputs.push((path, doc.to_string()));
        }
    }
    for (path, text) in outputs {
        crate::export::write_atomic(&path, text.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(rolled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolls_current_figures_and_keeps_history_and_comments() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(PROJECT_FILE),
            "[project]\ncity = \"x\"\nedition = 2020 # year\npublished = 2021-07-01\noutput = \"x-vlr-2020\"\nlanguages = [\"en\"]\n",
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        std::fs::write(
            dir.path().join("data/d.toml"),
            "# figures\n[[indicator]]\nid = \"a\"\nvalue = 4.0 # as published\nunit = \"percent\"\nyear = 2020\n\n[[indicator]]\nid = \"old\"\nvalue = 700\nunit = \"count\"\nyear = 2015\n",
        )
        .unwrap();
        let r = new_edition(dir.path(), 2021).unwrap();
        assert_eq!(r, Rolled { from: 2020, marked: 1, files: 1 });
        let data = std::fs::read_to_string(dir.path().join("data/d.toml")).unwrap();
        assert!(data.contains("# figures") && data.contains("# as published"), "{data}");
        assert!(
            data.contains("previous = 4.0") && data.contains("previous-year = 2020") && data.contains("stale = true"),
            "{data}"
        );
        assert!(data.contains("year = 2015"), "history stays: {data}");
        let project = std::fs::read_to_string(dir.path().join(PROJECT_FILE)).unwrap();
        assert!(
            project.contains("edition = 2021")
                && project.contains("published = 2022-07-01")
                && project.contains("x-vlr-2021"),
            "{project}"
        );
        assert!(new_edition(dir.path(), 2021).is_err());
    }
}
