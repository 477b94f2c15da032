//! `vlr data request` and `vlr data status`: the figures an edition asks of
//! the city's bureaus, as a file they fill in, and how far the data are.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use crate::cli::{DataCommand, DataRequestArgs, DataStatusArgs, StatusFormat};
use crate::data::coverage::{self, State};
use crate::data::indexed::Ind;
use crate::data::series::Period;
use crate::data::status;
use crate::diag::Diag;
use crate::export::OutDirError;
use crate::export::indicators_csv::{neutralize, number, quote};
use crate::pipeline::{Data, EditionOptions, Session};
use crate::report::{ExitStatus, Failure, Reporter};

/// Runs `vlr data …`.
pub fn run(cmd: &DataCommand, r: &mut Reporter) -> ExitStatus {
    let dir = match cmd {
        DataCommand::Request(a) => &a.root,
        DataCommand::Status(a) => &a.root,
    };
    let root = match super::project_root(dir.as_deref()) {
        Ok(root) => root,
        Err(f) => return r.fail(f, Path::new(".")),
    };
    let session = match Session::load(&root, &[]) {
        Ok(s) => s,
        Err(f) => return r.fail(f, &root),
    };
    let fonts = match session.fonts(false) {
        Ok(f) => f,
        Err(f) => return r.fail(f, &root),
    };
    let data = session.validate(fonts);
    if !data.ok() {
        let diags = data.diags.clone();
        return r.fail(Failure::new(session.sources.clone(), diags, ExitStatus::Problems), &root);
    }
    // What a release of the source language demands: the indicators it prints
    // without the value the edition expects.
    let src = session.project.source_language();
    let opts = EditionOptions::submission(false);
    let needing = data.resolve(src, &opts).needing;
    match cmd {
        DataCommand::Request(a) => request(&data, &needing, a, r),
        DataCommand::Status(a) => status(&data, &needing, a, r),
    }
}

/// The period an indicator is asked for: the year the edition expects, or for
/// a series of two-year periods the period that counts for it.
fn asked_period(expected: i32, latest: Option<&Period>) -> String {
    match latest {
        Some(p) if p.is_split() => {
            let mut next = p.next();
            for _ in 0..100 {
                if next.year >= expected {
                    break;
                }
                next = next.next();
            }
            next.label
        }
        _ => expected.to_string(),
    }
}

/// Writes the request file.
fn request(data: &Data, needing: &BTreeSet<String>, args: &DataRequestArgs, r: &mut Reporter) -> ExitStatus {
    let session = data.session;
    let project = &session.project;
    let root = &project.root;
    let words = data.source_words();
    let other = args.lang.as_ref().map(|l| (l.clone(), data.words(l)));
    if let Some((lang, _)) = &other
        && !project.languages().contains(lang)
    {
        let d =
            Diag::general(format!("`{lang}` is not a language of this project ({})", project.languages().join(", ")));
        return r.fail(Failure::general(d, ExitStatus::Usage), root);
    }
    let uses = coverage::uses(project, &session.loaded, &data.index);
    let edition = data.index.edition;
    let mut rows: Vec<(String, String, Vec<String>)> = Vec::new();
    for id in needing {
        let Some(ind) = data.index.indicators.get(id.as_str()) else { continue };
        let Some((expected, latest)) = ind.needs_data(edition) else { continue };
        let last = ind.current(edition);
        let source = coverage::source_text(ind, &words.labels);
        let mut cells = vec![
            id.clone(),
            asked_period(expected, latest),
            String::new(),
            String::new(),
            String::new(),
            words.labels.get(id).cloned().unwrap_or_default(),
        ];
        if let Some((_, w)) = &other {
            cells.push(w.labels.get(id).cloned().unwrap_or_default());
        }
        cells.extend([
            ind.unit().to_string(),
            last.map(|(p, _)| p.label.clone()).unwrap_or_default(),
            last.and_then(|(_, pt)| Some(number(pt.value?, pt.decimals))).unwrap_or_default(),
            source.clone(),
            uses.get(id).map(|u| u.iter().cloned().collect::<Vec<_>>().join("; ")).unwrap_or_default(),
            status::sdg_code(ind.spec).unwrap_or_default(),
        ]);
        rows.push((source, id.clone(), cells));
    }
    // Grouped by provider: each bureau finds its rows together.
    rows.sort();
    let mut header = vec!["indicator", "period", "value", "scale", "note", "label"];
    let other_label = other.as_ref().map(|(l, _)| format!("label_{l}"));
    if let Some(l) = &other_label {
        header.push(l);
    }
    header.extend(["unit", "last_period", "last_value", "source", "used_in", "sdg"]);
    let mut csv = String::new();
    let _ = writeln!(
        csv,
        "# {}: the figures edition {edition} needs. Fill in `value` in the unit's base units\n\
         # (yuan, not 亿元), or give the unit you counted in under `scale` (1e8 for 亿, 1e4 for 万, 1000);\n\
         # leave `value` empty and say why under `note` if a figure is not known. The file goes into\n\
         # data/ as it is: vlr reads indicator, period, value, scale, note and checked, and ignores the rest.",
        project.file.project.output.get_ref()
    );
    csv.push_str(&header.join(","));
    csv.push('\n');
    for (_, _, cells) in &rows {
        let line: Vec<String> = cells.iter().map(|c| quote(&neutralize(c.clone()))).collect();
        csv.push_str(&line.join(","));
        csv.push('\n');
    }
    // The default folder, requests/, must be a real folder of the project;
    // the file is written beneath its handle.
    let written = match &args.out {
        Some(p) => {
            let path = std::path::absolute(p).unwrap_or_else(|_| p.clone());
            crate::export::write_atomic(&path, csv.as_bytes()).map(|()| path)
        }
        None => {
            let name = format!("{}.csv", project.file.project.output.get_ref());
            let dir = crate::files::Root::open(root)
                .map_err(OutDirError::Io)
                .and_then(|handle| crate::export::OutDir::real(&handle, Path::new("requests")));
            match dir {
                Ok(dir) => dir.write(&name, csv.as_bytes()).map(|()| dir.path().join(&name)),
                Err(OutDirError::Io(e)) => Err(e),
                Err(_) => {
                    let d = Diag::general("requests is not a real folder of the project: nothing written")
                        .with_hint("remove it, or pass -o FILE");
                    return r.fail(Failure::general(d, ExitStatus::Problems), root);
                }
            }
        }
    };
    let path = match written {
        Ok(path) => path,
        Err(e) => {
            let shown = match &args.out {
                Some(p) => p.display().to_string(),
                None => format!("requests/{}.csv", project.file.project.output.get_ref()),
            };
            let d = Diag::general(format!("cannot write {shown}: {e}"));
            return r.fail(Failure::general(d, ExitStatus::Problems), root);
        }
    };
    let providers: BTreeSet<&str> = rows.iter().map(|(s, _, _)| s.as_str()).collect();
    r.status(
        "Requested",
        &format!("{} figure(s) for edition {edition}, from {} source(s)", rows.len(), providers.len()),
    );
    r.status("Written", &crate::diag::display_path(root, &path));
    r.status("Next", "send it to the bureaus; copy the filled file into data/, then `vlr check`");
    ExitStatus::Success
}

/// Prints how far the data are, per chapter and per goal, and every
/// indicator that is not current.
fn status(data: &Data, needing: &BTreeSet<String>, args: &DataStatusArgs, r: &mut Reporter) -> ExitStatus {
    let session = data.session;
    let project = &session.project;
    let idx = &data.index;
    let words = data.source_words();
    let mut inds: Vec<&Ind> = idx.indicators.values().collect();
    inds.sort_by_key(|i| (i.path, i.spec.id.span().start));
    struct Row {
        id: String,
        label: String,
        chapter: String,
        goal: String,
        state: State,
        recurs: String,
        latest: String,
        at: String,
    }
    let rows: Vec<Row> = inds
        .iter()
        .map(|ind| {
            let (path, span) = ind.loc();
            let line = session.sources.line_col(path, span.start).map_or(0, |(l, _)| l);
            Row {
                id: ind.spec.id.get_ref().clone(),
                label: words.labels.get(ind.spec.id.get_ref()).cloned().unwrap_or_default(),
                chapter: coverage::chapter_of(project, ind.spec.section.as_deref()).unwrap_or_default(),
                goal: status::goal_of(ind.spec).map(|g| g.to_string()).unwrap_or_default(),
                state: coverage::state(idx, ind, needing),
                recurs: ind.recurs.name(),
                latest: ind.current(idx.edition).map(|(p, _)| p.label.clone()).unwrap_or_default(),
                at: format!("{}:{line}", path.display()),
            }
        })
        .collect();
    match args.format {
        StatusFormat::Csv => {
            let mut out = String::from("indicator,label,chapter,goal,state,recurs,latest_period,defined_at\n");
            for row in &rows {
                let cells =
                    [&row.id, &row.label, &row.chapter, &row.goal, row.state.name(), &row.recurs, &row.latest, &row.at];
                let line: Vec<String> = cells.iter().map(|c| quote(&neutralize(c.to_string()))).collect();
                out.push_str(&line.join(","));
                out.push('\n');
            }
            to_stdout(&out);
        }
        StatusFormat::Json => {
            let list: Vec<serde_json::Value> = rows
                .iter()
                .map(|row| {
                    serde_json::json!({
                        "indicator": row.id, "label": row.label, "chapter": row.chapter, "goal": row.goal,
                        "state": row.state.name(), "recurs": row.recurs, "latest_period": row.latest,
                        "defined_at": row.at,
                    })
                })
                .collect();
            let doc = serde_json::json!({ "edition": idx.edition, "indicators": list });
            to_stdout(&format!("{}\n", serde_json::to_string_pretty(&doc).unwrap_or_default()));
        }
        StatusFormat::Text => {
            let counts = |keep: &dyn Fn(&Row) -> bool| -> String {
                let parts: Vec<String> = State::ALL
                    .iter()
                    .filter_map(|s| {
                        let n = rows.iter().filter(|row| keep(row) && row.state == *s).count();
                        (n > 0).then(|| format!("{n} {}", s.name()))
                    })
                    .collect();
                parts.join(", ")
            };
            r.status("Edition", &format!("{}: {} indicator(s): {}", idx.edition, rows.len(), counts(&|_| true)));
            for ch in &project.file.chapter {
                let id = ch.id.get_ref();
                let line = counts(&|row| &row.chapter == id);
                if !line.is_empty() {
                    let name = ch.number.as_deref().map_or_else(|| id.clone(), |n| format!("{n} {id}"));
                    r.item(&format!("{name}: {line}"));
                }
            }
            let none = counts(&|row| row.chapter.is_empty());
            if !none.is_empty() {
                r.item(&format!("(no section): {none}"));
            }
            let goals: BTreeSet<u8> = rows.iter().filter_map(|row| row.goal.parse().ok()).collect();
            r.status("Goals", &format!("{} goal(s) with indicators", goals.len()));
            for g in goals {
                r.item(&format!("SDG {g}: {}", counts(&|row| row.goal == g.to_string())));
            }
            for s in [State::NeedsData, State::Missing, State::Stale] {
                let list: Vec<&Row> = rows.iter().filter(|row| row.state == s).collect();
                if list.is_empty() {
                    continue;
                }
                r.status(s.name(), &format!("{} indicator(s)", list.len()));
                for row in list {
                    r.item(&format!(
                        "{}: {} (latest {})",
                        row.at,
                        row.id,
                        if row.latest.is_empty() { "none" } else { &row.latest }
                    ));
                }
            }
        }
    }
    ExitStatus::Success
}

/// Writes to standard output; a reader that went away (`| head`) is no error.
fn to_stdout(text: &str) {
    use std::io::Write as _;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}
