//! `vlr new-edition <year>`: moves the project's reporting period on.
//!
//! Only `vlr.toml` changes (edition, publication date, output name); the data
//! files are never rewritten, so every number keeps its spelling and every
//! comment stays. Which indicators need a value for the new edition follows
//! from their series and the reporting lag: `vlr check` and `vlr build` list
//! each at its file and line.

use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, value};

use crate::data::series::YEARS;
use crate::diag::Diag;
use crate::project::PROJECT_FILE;
use crate::report::{ExitStatus, Failure, Reporter};

/// Runs `vlr new-edition`.
pub fn run(args: &crate::cli::NewEditionArgs, r: &mut Reporter) -> ExitStatus {
    let rolled = super::project_root(args.root.as_deref())
        .map_err(|f| Refused::Project(f.diags.first().map(|d| d.message.clone()).unwrap_or_default()))
        .and_then(|root| new_edition(&root, args.year, args.force));
    match rolled {
        Ok(rolled) => {
            let n = rolled.needing.len();
            let files: std::collections::BTreeSet<_> = rolled.needing.iter().map(|(f, _, _)| f).collect();
            let (from, to, count) = (rolled.from, args.year, files.len());
            r.status("Rolled", &format!("edition {from} → {to}: {n} indicator(s) in {count} file(s) need data"));
            for (file, line, id) in rolled.needing.iter().take(20) {
                r.item(&format!("{}:{line}: {id}", file.display()));
            }
            if n > 20 {
                r.item(&format!(
                    "… and {} more (`vlr data status` lists every one; `vlr data request` writes them for the bureaus)",
                    n - 20
                ));
            }
            let texts: std::collections::BTreeSet<_> = rolled.old_years.iter().map(|(f, _, _)| f).collect();
            if !rolled.old_years.is_empty() {
                r.status(
                    "Review",
                    &format!(
                        "{} text(s) in {} file(s) still type the year {from}: is each a fact of history (mark it `{{{from}}}`) or should it follow the data (`{{edition}}`, `{{id:period}}`)?",
                        rolled.old_years.len(),
                        texts.len()
                    ),
                );
                for file in texts {
                    let lines: Vec<String> = rolled
                        .old_years
                        .iter()
                        .filter(|(f, _, _)| f == file)
                        .map(|(_, l, c)| format!("{l}:{c}"))
                        .collect();
                    r.item(&format!("{}: {}", file.display(), lines.join(", ")));
                }
            }
            r.status("Next", "add the new values, then `vlr check`; check `published` in vlr.toml");
            ExitStatus::Success
        }
        Err(e) => {
            // A year the project cannot move to is a usage error, as a bad `--edition` of `init` is.
            let exit = if matches!(e, Refused::Year(_)) { ExitStatus::Usage } else { ExitStatus::Problems };
            r.fail(Failure::general(Diag::general(e.to_string()), exit), Path::new("."))
        }
    }
}

/// How far ahead a new edition may go without `--force`.
pub const MAX_STEP: i64 = 5;

/// What the roll changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rolled {
    /// The edition before.
    pub from: i64,
    /// Indicators without a value for the new edition: data file, line, id.
    pub needing: Vec<(PathBuf, usize, String)>,
    /// Texts, in every language, that type the old edition's year: file, line, column.
    pub old_years: Vec<(PathBuf, usize, usize)>,
}

/// Why `new-edition` did nothing.
#[derive(Debug)]
pub enum Refused {
    /// The year asked for is not one the project can move to (a usage error).
    Year(String),
    /// The project could not be read or written.
    Project(String),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Year(m) | Refused::Project(m) => f.write_str(m),
        }
    }
}

impl From<String> for Refused {
    fn from(m: String) -> Self {
        Refused::Project(m)
    }
}

/// Rolls the project at `root` to `year`. Writes `vlr.toml` only, atomically,
/// and nothing at all if the year is refused.
pub fn new_edition(root: &Path, year: i64, force: bool) -> Result<Rolled, Refused> {
    // One roll at a time: two at once would both read the old edition and
    // one update would be lost.
    let _lock = Lock::take(root)?;
    let project_path = written_path(root)?;
    let text = crate::files::read_confined(root, Path::new(PROJECT_FILE))?;
    let mut project: DocumentMut = text.parse().map_err(|e| format!("{PROJECT_FILE}: {e}"))?;
    let from = project["project"]["edition"]
        .as_integer()
        .ok_or_else(|| "vlr.toml: [project] edition is not a number".to_string())?;
    if year <= from {
        return Err(Refused::Year(format!("the project is at edition {from}; the new edition must be later")));
    }
    if !YEARS.contains(&(year as i32)) || i32::try_from(year).is_err() {
        return Err(Refused::Year(format!("{year} is not a reporting year ({} to {})", YEARS.start(), YEARS.end())));
    }
    if year > from + MAX_STEP && !force {
        return Err(Refused::Year(format!(
            "{year} is {} years after edition {from}: pass --force if that is meant (the next edition is {})",
            year - from,
            from + 1
        )));
    }
    set(&mut project, "edition", value(year));
    if let Some(d) = project["project"]["published"].as_datetime().and_then(|d| d.date) {
        let y = i64::from(d.year) + year - from;
        let y = u16::try_from(y)
            .ok()
            .filter(|y| (1..=9999).contains(y))
            .ok_or_else(|| Refused::Year("the publication date would leave the calendar".into()))?;
        // 29 February moves to the 28th in a common year.
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let day = if d.month == 2 && d.day == 29 && !leap { 28 } else { d.day };
        let date = toml_edit::Datetime {
            date: Some(toml_edit::Date { year: y, month: d.month, day }),
            time: None,
            offset: None,
        };
        set(&mut project, "published", value(date));
    }
    if let Some(out) = project["project"]["output"].as_str().map(|o| o.replace(&from.to_string(), &year.to_string())) {
        set(&mut project, "output", value(out));
    }
    // Compare and swap: an editor that saved vlr.toml meanwhile keeps its change.
    if crate::files::read_confined(root, Path::new(PROJECT_FILE))? != text {
        return Err(Refused::Project(format!("{PROJECT_FILE} changed while rolling it: nothing written; run again")));
    }
    // Written beneath the project's handle (the file a symlinked vlr.toml
    // points to is inside the project, or this was refused above).
    let inside = root.canonicalize().ok();
    let rel = inside.as_ref().and_then(|r| project_path.strip_prefix(r).ok()).unwrap_or(Path::new(PROJECT_FILE));
    crate::files::Root::open(root)
        .and_then(|handle| crate::export::write_in(&handle, rel, project.to_string().as_bytes()))
        .map_err(|e| format!("cannot write {}: {e}", project_path.display()))?;
    Ok(Rolled { from, needing: needing(root), old_years: old_years(root, from as i32) })
}

/// Every text, in every language, that types `year` outside a placeholder
/// (file, line, column): after a roll, each is a year of history to mark or
/// a year to take from data.
pub fn old_years(root: &Path, year: i32) -> Vec<(PathBuf, usize, usize)> {
    use crate::data::resolve::{Cursor, locate};
    use crate::data::years;
    let Ok(p) = crate::pipeline::Session::load(root, &[]) else { return Vec::new() };
    let mut out = Vec::new();
    for texts in p.loaded.texts.values() {
        let chapters =
            texts.chapters.values().flat_map(|(path, t)| years::chapter_fields(t).into_iter().map(move |f| (path, f)));
        let meta = texts.meta.iter().flat_map(|(path, m)| years::meta_fields(m).into_iter().map(move |f| (path, f)));
        for (path, (_, text)) in chapters.chain(meta) {
            let mut at = Cursor::default();
            for y in years::typed(text.get_ref(), year) {
                let span = locate(&p.sources, path, text, text.get_ref(), y.offset, 4, &mut at);
                if let Some((line, col)) = span.and_then(|s| p.sources.line_col(path, s.start)) {
                    out.push((path.clone(), line, col));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Where the new vlr.toml is written: the file itself, or, if it is a
/// symlink, the file it points to (it stays a symlink), which must be inside
/// the project.
fn written_path(root: &Path) -> Result<PathBuf, String> {
    let path = root.join(PROJECT_FILE);
    if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Ok(path);
    }
    let cannot = |e: std::io::Error| format!("cannot read {PROJECT_FILE}: {e}");
    let real = path.canonicalize().map_err(cannot)?;
    let inside = root.canonicalize().map_err(cannot)?;
    if real.starts_with(&inside) {
        Ok(real)
    } else {
        Err(format!("{PROJECT_FILE} leaves the project folder (a symlink): refused"))
    }
}

/// `.vlr.toml.lock` in the project, held while a roll reads and writes
/// vlr.toml (created exclusively; it holds the roll's process id). A lock
/// whose process no longer runs is stale and taken over.
struct Lock(PathBuf);

impl Lock {
    const NAME: &str = ".vlr.toml.lock";

    fn take(root: &Path) -> Result<Lock, String> {
        use std::io::{Read, Write};
        use std::os::unix::fs::OpenOptionsExt;
        let path = root.join(Self::NAME);
        let open = |create: bool| {
            let mut o = std::fs::OpenOptions::new();
            if create {
                o.write(true).create_new(true);
            } else {
                o.read(true);
            }
            o.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK).open(&path)
        };
        for _ in 0..2 {
            match open(true) {
                Ok(mut f) => {
                    crate::guard::temp_started(&path);
                    let _ = write!(f, "{}", std::process::id());
                    return Ok(Lock(path));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let mut held = String::new();
                    let _ = open(false).map(|f| f.take(32).read_to_string(&mut held));
                    match held.trim().parse::<u32>() {
                        Ok(pid) if !crate::guard::alive(pid) => {
                            let _ = std::fs::remove_file(&path);
                        }
                        _ => break,
                    }
                }
                Err(e) => return Err(format!("cannot create {}: {e}", Self::NAME)),
            }
        }
        Err(format!(
            "another `vlr new-edition` is rolling this project (it holds {}): nothing written; run again when it is done, or remove the file if no vlr runs",
            Self::NAME
        ))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        crate::guard::temp_done(&self.0);
    }
}

/// Sets `[project] key`, keeping the spaces and the comment around its value.
fn set(project: &mut DocumentMut, key: &str, new: toml_edit::Item) {
    let decor = project["project"][key].as_value().map(|v| v.decor().clone());
    project["project"][key] = new;
    if let (Some(decor), Some(v)) = (decor, project["project"][key].as_value_mut()) {
        *v.decor_mut() = decor;
    }
}

/// Every indicator without a value for the project's edition (its file, line and id).
pub fn needing(root: &Path) -> Vec<(PathBuf, usize, String)> {
    let Ok(p) = crate::pipeline::Session::load(root, &[]) else { return Vec::new() };
    let mut diags = Vec::new();
    let idx = p.index(&mut diags);
    let mut out: Vec<(PathBuf, usize, String)> = idx
        .indicators
        .values()
        .filter(|i| i.needs_data(idx.edition).is_some())
        .map(|i| {
            let (path, span) = i.loc();
            let line = p.sources.line_col(path, span.start).map_or(0, |(line, _)| line);
            (path.to_path_buf(), line, i.spec.id.get_ref().clone())
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROJECT: &str = "[project]\ncity = \"x\"\nedition = 2020 # the reporting year\npublished = 2021-07-01 # stamped\noutput = \"x-vlr-2020\"\nlanguages = [\"en\"]\nreporting-lag = 0\n";
    const DATA: &str = "# figures\n[[indicator]]\nid = \"a\"\nvalues = { 2019 = 4.0, 2020 = 1.2e9 } # as published\nunit = \"count\"\n\n[[indicator]]\nid = \"founded\"\nvalue = 1982\nyear = 1982\nunit = \"year\"\nfixed = true\n";

    fn project() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(PROJECT_FILE), PROJECT).unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        std::fs::write(dir.path().join("data/d.toml"), DATA).unwrap();
        dir
    }

    #[test]
    fn rolls_the_project_file_only_and_lists_what_needs_data() {
        let dir = project();
        let r = new_edition(dir.path(), 2021, false).unwrap();
        assert_eq!(r.from, 2020);
        assert_eq!(r.needing, vec![(PathBuf::from("data/d.toml"), 3, "a".to_string())]);
        // The data keep their spelling and comments: they are not touched at all.
        assert_eq!(std::fs::read_to_string(dir.path().join("data/d.toml")).unwrap(), DATA);
        let project = std::fs::read_to_string(dir.path().join(PROJECT_FILE)).unwrap();
        assert!(project.contains("edition = 2021 # the reporting year"), "{project}");
        assert!(project.contains("published = 2022-07-01 # stamped"), "{project}");
        assert!(project.contains("\"x-vlr-2021\""), "{project}");
        // Rolling again moves on and still lists the same indicator.
        let r = new_edition(dir.path(), 2022, false).unwrap();
        assert_eq!(r.needing.len(), 1);
        assert!(new_edition(dir.path(), 2022, false).is_err());
    }

    #[test]
    fn one_roll_at_a_time_and_a_stale_lock_is_taken_over() {
        let dir = project();
        let held = Lock::take(dir.path()).unwrap();
        let e = new_edition(dir.path(), 2021, false).unwrap_err().to_string();
        assert!(e.contains("another `vlr new-edition` is rolling this project"), "{e}");
        assert_eq!(std::fs::read_to_string(dir.path().join(PROJECT_FILE)).unwrap(), PROJECT);
        drop(held);
        assert!(!dir.path().join(Lock::NAME).exists());
        // Left by a process that no longer runs: taken over.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        std::fs::write(dir.path().join(Lock::NAME), dead.to_string()).unwrap();
        assert_eq!(new_edition(dir.path(), 2021, false).unwrap().from, 2020);
        assert!(!dir.path().join(Lock::NAME).exists());
    }

    #[test]
    fn a_symlinked_project_file_stays_a_symlink() {
        let dir = project();
        std::fs::create_dir(dir.path().join("conf")).unwrap();
        std::fs::rename(dir.path().join(PROJECT_FILE), dir.path().join("conf/vlr.toml")).unwrap();
        std::os::unix::fs::symlink("conf/vlr.toml", dir.path().join(PROJECT_FILE)).unwrap();
        new_edition(dir.path(), 2021, false).unwrap();
        let link = std::fs::symlink_metadata(dir.path().join(PROJECT_FILE)).unwrap();
        assert!(link.file_type().is_symlink());
        let text = std::fs::read_to_string(dir.path().join("conf/vlr.toml")).unwrap();
        assert!(text.contains("edition = 2021"), "{text}");
        // One pointing out of the project is refused, and nothing outside is written.
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("vlr.toml"), PROJECT).unwrap();
        std::fs::remove_file(dir.path().join(PROJECT_FILE)).unwrap();
        std::os::unix::fs::symlink(outside.path().join("vlr.toml"), dir.path().join(PROJECT_FILE)).unwrap();
        let e = new_edition(dir.path(), 2022, false).unwrap_err().to_string();
        assert!(e.contains("leaves the project folder"), "{e}");
        assert_eq!(std::fs::read_to_string(outside.path().join("vlr.toml")).unwrap(), PROJECT);
    }

    #[test]
    fn refuses_far_or_impossible_years_and_writes_nothing() {
        let dir = project();
        for year in [20211, 70000, 2026, 2020, 1999] {
            assert!(new_edition(dir.path(), year, false).is_err(), "{year}");
        }
        assert!(new_edition(dir.path(), 70000, true).is_err());
        assert_eq!(std::fs::read_to_string(dir.path().join(PROJECT_FILE)).unwrap(), PROJECT);
        assert!(new_edition(dir.path(), 2026, true).is_ok());
    }
}
