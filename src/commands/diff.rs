//! `vlr diff`: what changed between two editions, for the office that signs
//! the new one off. By default the project's edition against the one before,
//! from the same data and texts (after `vlr new-edition` and the new figures
//! keyed in, what the new edition prints otherwise); with `--against DIR`,
//! against another copy of the project (last year's checkout). Every figure
//! the book prints (value and period), every text and chart, listed in full;
//! `--csv FILE` writes the same as rows.
//!
//! Each side is resolved by the pipeline as a build resolves it (a draft, so
//! a figure still missing does not stop it); [`crate::data::diff`] compares.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use crate::cli::DiffArgs;
use crate::data::diff::{self, At, Change, Chart, Figure, Kind, Row, Shown, Snapshot, Text};
use crate::data::fingerprint;
use crate::data::markup::{self, Form};
use crate::data::project_file::{ChapterKind, PROJECT_FILE};
use crate::data::resolve::Index;
use crate::data::series::indicator_ref;
use crate::data::status::{self, Rating};
use crate::data::word_diff;
use crate::diag::{Diag, display_path, visible};
use crate::export::{diff_csv, indicators_csv};
use crate::pipeline::{Data, EditionOptions, Session};
use crate::report::{ExitStatus, Failure, Reporter};

/// Characters of unchanged text shown on each side of a change.
const CONTEXT: usize = 40;

/// Runs `vlr diff`.
pub fn run(args: &DiffArgs, r: &mut Reporter) -> ExitStatus {
    let root = match super::project_root(args.root.as_deref()) {
        Ok(root) => root,
        Err(f) => return r.fail(f, Path::new(".")),
    };
    let langs: Vec<String> = args.lang.iter().cloned().collect();
    let this = match Session::load(&root, &langs) {
        Ok(s) => s,
        Err(f) => return r.fail(f, &root),
    };
    let lang = args.lang.clone().unwrap_or_else(|| this.project.source_language().to_string());
    let edition = *this.project.file.project.edition.get_ref();
    let usage = |msg: String, hint: &str| Failure::general(Diag::general(msg).with_hint(hint), ExitStatus::Usage);
    // Checked before any work: every CSV in data/ is read as figures, so
    // the next check would fail on this one.
    let csv = args.csv.as_ref().map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone()));
    let data_dir = this.project.root.join("data").canonicalize().ok();
    if let Some(path) = &csv
        && data_dir.is_some()
        && path.parent().and_then(|p| p.canonicalize().ok()) == data_dir
    {
        let f = usage(
            format!("--csv {}: data/ holds the project's figures, and every CSV there is read as data", path.display()),
            "write the comparison elsewhere, e.g. `--csv dist/diff.csv`",
        );
        return r.fail(f, &root);
    }
    let other = match &args.against {
        Some(dir) => match load_other(dir, &lang) {
            Ok(s) => Some((dir.as_path(), s)),
            Err(f) => return r.fail(f, dir),
        },
        None => None,
    };
    let from_year = match (args.from, &other) {
        (Some(y), _) => y,
        (None, Some((_, o))) => *o.project.file.project.edition.get_ref(),
        (None, None) => edition - 1,
    };
    if other.is_none() && from_year >= edition {
        let f = usage(
            format!("--from {from_year}: the project is at edition {edition}; compare it with an earlier one"),
            "`vlr diff` alone compares with the edition before; `--against DIR` compares with another copy of the project",
        );
        return r.fail(f, &root);
    }
    let fonts = match this.fonts(false) {
        Ok(f) => f,
        Err(f) => return r.fail(f, &root),
    };
    let to_data = this.validate(fonts.clone());
    if let Some(exit) = stop_on_errors(r, &to_data, &root) {
        return exit;
    }
    let from_data = match &other {
        Some((dir, o)) => {
            let fonts = match o.fonts(false) {
                Ok(f) => f,
                Err(f) => return r.fail(f, dir),
            };
            let data = o.validate_at(fonts, from_year);
            if let Some(exit) = stop_on_errors(r, &data, &o.project.root) {
                return exit;
            }
            data
        }
        None => this.validate_at(fonts, from_year),
    };
    let from_root = other.as_ref().map(|(_, o)| o.project.root.as_path());
    let whose = match &other {
        Some((dir, _)) => format!("{} (edition {from_year}) → this project (edition {edition})", dir.display()),
        None => format!("edition {from_year} → {edition}, from the same data and texts"),
    };
    r.status("Comparing", &format!("{whose}, in {lang}"));
    let from = snapshot(&from_data, &lang, from_root);
    let to = snapshot(&to_data, &lang, None);
    let rows = diff::compare(&from, &to);
    print(r, &rows, args.all);
    r.status("Compared", &format!("edition {from_year} → {edition}: {}", summary(&rows)));
    if let Some(path) = &csv {
        let listed: Vec<Row> = rows.into_iter().filter(|row| args.all || row.change != Change::Unchanged).collect();
        if let Err(e) = crate::export::write_atomic(path, diff_csv::write(&listed).as_bytes()) {
            let d = Diag::general(format!("cannot write {}: {e}", path.display()));
            return r.fail(Failure::general(d, ExitStatus::Usage), &root);
        }
        r.status("Written", &format!("{} ({} rows)", display_path(Path::new("/"), path), listed.len()));
    }
    ExitStatus::Success
}

/// The other copy of the project: a folder holding vlr.toml (a usage error
/// otherwise) that has the language compared.
fn load_other(dir: &Path, lang: &str) -> Result<Session, Failure> {
    let usage = |msg: String, hint: String| Failure::general(Diag::general(msg).with_hint(hint), ExitStatus::Usage);
    if !dir.join(PROJECT_FILE).is_file() {
        return Err(usage(
            format!("--against {}: no {PROJECT_FILE} there", dir.display()),
            "name a copy of the project: a folder holding vlr.toml (last year's checkout, say)".into(),
        ));
    }
    let other = Session::load(dir, &[])?;
    let langs = other.project.languages();
    if !langs.iter().any(|l| l == lang) {
        return Err(usage(
            format!("--against {}: that project has no `{lang}` edition (it has: {})", dir.display(), langs.join(", ")),
            "compare a language both projects have (`--lang`)".into(),
        ));
    }
    Ok(other)
}

/// Prints the data's errors, if any, and the exit status they mean: a
/// comparison of data that do not validate would mislead.
fn stop_on_errors(r: &mut Reporter, data: &Data, base: &Path) -> Option<ExitStatus> {
    let errors: Vec<Diag> = data.diags.iter().filter(|d| d.is_error()).cloned().collect();
    if errors.is_empty() {
        return None;
    }
    r.diags(&data.session.sources, &errors, base);
    r.status("Failed", "nothing compared: fix the errors above first (`vlr check` lists every problem)");
    Some(ExitStatus::Problems)
}

/// What `data` prints in `lang`; paths are shown with `base` in front (the
/// other project's folder), else project-relative.
fn snapshot(data: &Data, lang: &str, base: Option<&Path>) -> Snapshot {
    let s = data.session;
    let idx = &data.index;
    let opts = EditionOptions::submission(true);
    let ed = data.resolve(lang, &opts);
    let locale = s.locale(lang);
    let at = |path: &Path, offset: usize| At {
        file: match base {
            Some(b) => display_path(b, path),
            None => path.display().to_string(),
        },
        line: s.sources.line_col(path, offset).map_or(0, |(line, _)| line),
    };
    let printed = printed(s, idx);
    let mut snap = Snapshot { edition: idx.edition, ..Snapshot::default() };
    for (id, ind) in &idx.indicators {
        let Some(uses) = printed.figures.get(*id) else { continue };
        let values = ind
            .series
            .points
            .iter()
            .filter(|(p, _)| p.year <= idx.edition)
            .map(|(p, pt)| {
                let (raw, text) = match pt.value {
                    Some(v) => {
                        let f = crate::i18n::format::Figure {
                            value: v,
                            unit: ind.unit(),
                            decimals: pt.decimals,
                            place: pt.place,
                        };
                        (indicators_csv::number(v, pt.decimals), locale.figure(f))
                    }
                    None => (String::new(), locale.strings.not_available.clone()),
                };
                let written = (!pt.at.file.as_os_str().is_empty()).then(|| at(&pt.at.file, pt.at.span.start));
                (p.clone(), Shown { raw, text, at: written })
            })
            .collect();
        let (path, span) = ind.loc();
        let figure = Figure {
            label: ed.labels.get(*id).cloned().unwrap_or_else(|| id.to_string()),
            at: at(path, span.start),
            uses: uses.clone(),
            values,
            current: ind.current(idx.edition).map(|(p, _)| p.clone()),
            due: ind.needs_data(idx.edition).map(|(year, _)| year),
            missing: ind.missing.clone(),
        };
        snap.figures.insert(id.to_string(), figure);
    }
    snap.texts = texts(s, lang, &ed, &at);
    let doc: serde_json::Value =
        serde_json::from_slice(ed.files.get("/data.json").map_or(&[][..], |f| f)).unwrap_or_default();
    for (path, spec) in &idx.charts {
        let id = spec.id.get_ref();
        if !printed.charts.contains(id.as_str()) {
            continue;
        }
        let fig = &doc["figures"][id];
        let word = |k: &str| fig[k].as_str().unwrap_or_default().to_string();
        let (title, alt) = (word("title"), word("alt"));
        // The alt text says the chart's kind and title, then its data.
        let data = alt
            .split_once(title.as_str())
            .map(|(_, rest)| rest.trim_start_matches(['.', '。', ' ']).to_string())
            .filter(|_| !title.is_empty())
            .unwrap_or(alt);
        let mut h = std::collections::hash_map::DefaultHasher::new();
        ed.files.get(&format!("/charts/{id}.svg")).hash(&mut h);
        let chart = Chart { at: at(path, spec.id.span().start), title, note: word("note"), data, drawing: h.finish() };
        snap.charts.insert(id.clone(), chart);
    }
    snap
}

/// What the book prints: each indicator with where (`text`, `panel`,
/// `chart`, `dashboard`, `annex`), and the charts set in its chapters.
struct Printed {
    figures: HashMap<String, Vec<&'static str>>,
    charts: BTreeSet<String>,
}

fn printed(s: &Session, idx: &Index) -> Printed {
    let mut figures: HashMap<String, Vec<&'static str>> = HashMap::new();
    let mut add = |id: &str, what: &'static str| {
        let uses = figures.entry(indicator_ref(id).0.to_string()).or_default();
        if !uses.contains(&what) {
            uses.push(what);
        }
    };
    let mut charts = BTreeSet::new();
    let src = s.loaded.texts.get(s.project.source_language());
    let chapters = s.project.file.chapter.iter().filter_map(|c| src?.chapters.get(c.id.get_ref()));
    let mut panels = Vec::new();
    let mut texts: Vec<&str> = src.and_then(|t| t.meta.as_ref()).map_or_else(Vec::new, |(_, m)| {
        crate::data::years::meta_fields(m).into_iter().map(|(_, t)| t.get_ref().as_str()).collect()
    });
    for (_, t) in chapters {
        texts.extend(crate::data::years::chapter_fields(t).into_iter().map(|(_, t)| t.get_ref().as_str()));
        for b in &t.block {
            panels.extend(b.panel.as_ref().map(|p| p.get_ref().as_str()));
            charts.extend(b.figure.as_ref().map(|f| f.get_ref().clone()));
        }
    }
    for text in texts {
        let _ = markup::fill(text, |ph| {
            if ph.form != Form::Range && idx.indicators.contains_key(ph.id.as_str()) {
                add(&ph.id, "text");
            }
            Ok((String::new(), None))
        });
    }
    for p in panels {
        for item in idx.panels.get(p).map_or(&[][..], |(_, p)| &p.items) {
            add(item.get_ref(), "panel");
        }
    }
    for (_, c) in idx.charts.iter().filter(|(_, c)| charts.contains(c.id.get_ref())) {
        let ids = c.indicators.iter().chain(c.series.iter().flat_map(|s| &s.values));
        for id in ids.filter(|i| !i.get_ref().is_empty()) {
            add(id.get_ref(), "chart");
        }
    }
    let kinds: Vec<ChapterKind> = s.project.file.chapter.iter().map(|c| c.kind()).collect();
    let dashboard = status::dashboard(idx);
    for (ind, rating) in &dashboard.indicators {
        let id = ind.spec.id.get_ref();
        let rated = matches!(rating, Rating::Rated(..) | Rating::NoData | Rating::Outdated(_));
        if kinds.contains(&ChapterKind::Dashboard) && rated && status::goal_of(ind.spec).is_some() {
            add(id, "dashboard");
        }
        if kinds.contains(&ChapterKind::Annex) {
            add(id, "annex");
        }
    }
    figures.retain(|id, _| idx.indicators.contains_key(id.as_str()));
    Printed { figures, charts }
}

/// Every text the edition prints, by key: its chapters' texts (headings,
/// paragraphs, lists, tables, captions, panel titles), its labels and its
/// cover and imprint.
fn texts(
    s: &Session,
    lang: &str,
    ed: &crate::pipeline::Resolved,
    at: &dyn Fn(&Path, usize) -> At,
) -> BTreeMap<String, Text> {
    let src = s.project.source_language();
    // The language's files first: a text falls back to the source language's only where it has none.
    let files: Vec<&crate::data::load::LangTexts> = [lang, src].iter().filter_map(|l| s.loaded.texts.get(*l)).collect();
    // Where each string is written → its key and part.
    let mut keys: HashMap<(PathBuf, usize, usize), (String, String, String)> = HashMap::new();
    for (ch, (path, t)) in files.iter().flat_map(|f| &f.chapters) {
        let mut put = |group: String, part: String, text: &toml::Spanned<String>| {
            let span = text.span();
            keys.insert((path.clone(), span.start, span.end), (group, part, text.get_ref().clone()));
        };
        put(format!("{ch}/heading"), "title".into(), &t.title);
        if let Some(sub) = &t.subtitle {
            put(format!("{ch}/heading"), "subtitle".into(), sub);
        }
        for b in &t.block {
            let Some(id) = &b.id else { continue };
            for (part, text, _) in fingerprint::block_fields(b) {
                put(format!("{ch}/block.{}", id.get_ref()), part, text);
            }
        }
    }
    let mut out: BTreeMap<String, Text> = BTreeMap::new();
    for e in &ed.map.entries {
        let found = keys.get(&(e.file.clone(), e.span.start, e.span.end));
        let (key, part, written) = match found {
            Some((group, part, written)) if matches!(part.as_str(), "p" | "h" | "h3" | "h4" | "title") => {
                (group.clone(), part.clone(), written.clone())
            }
            Some((group, part, written)) => (format!("{group}/{part}"), part.clone(), written.clone()),
            None => (format!("{}:{}", e.file.display(), e.span.start), String::new(), e.text.clone()),
        };
        match out.get_mut(&key) {
            // A table cell prints a text per line.
            Some(t) => {
                t.printed.push('\n');
                t.printed.push_str(&e.text);
            }
            None => {
                let text =
                    Text { part, at: at(&e.file, e.span.start), written: Some(written), printed: e.text.clone() };
                out.insert(key, text);
            }
        }
    }
    for (key, printed) in &ed.labels {
        let written = files.iter().flat_map(|f| f.chapters.values()).find_map(|(p, t)| Some((p, t.labels.get(key)?)));
        let Some((path, written)) = written else { continue };
        let text = Text {
            part: "text".into(),
            at: at(path, written.span().start),
            written: Some(written.get_ref().clone()),
            printed: printed.clone(),
        };
        out.insert(format!("label.{key}"), text);
    }
    let doc: serde_json::Value =
        serde_json::from_slice(ed.files.get("/data.json").map_or(&[][..], |f| f)).unwrap_or_default();
    let mut meta = Vec::new();
    flatten("", &doc["meta"], &mut meta);
    let written: HashMap<String, (PathBuf, &toml::Spanned<String>)> = files
        .iter()
        .rev()
        .filter_map(|f| f.meta.as_ref())
        .flat_map(|(p, m)| fingerprint::meta_fields(m).into_iter().map(move |(k, t)| (k, (p.clone(), t))))
        .collect();
    let pf = &s.project.file.project;
    let in_project = |k: &str| match k {
        "edition" => Some(pf.edition.span()),
        "date" | "published" => Some(pf.published.span()),
        "logo" => pf.logo.as_ref().map(|l| l.span()),
        "cover-photo" => pf.cover_photo.as_ref().map(|l| l.span()),
        _ => None,
    };
    for (k, printed) in meta {
        let (at, w) = match (written.get(&k), in_project(&k)) {
            (Some((path, t)), _) => (at(path, t.span().start), Some(t.get_ref().clone())),
            (None, Some(span)) => (at(Path::new(PROJECT_FILE), span.start), None),
            (None, None) => continue,
        };
        out.insert(format!("meta/{k}"), Text { part: k, at, written: w, printed });
    }
    out
}

/// The cover's and imprint's texts of `/data.json`'s `meta`, as (key, text):
/// `title`, `imprint.notes.0`, `acronyms.SDG` (the keys of `meta.toml`).
fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    use serde_json::Value;
    let key = |k: &str| if prefix.is_empty() { k.to_string() } else { format!("{prefix}.{k}") };
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match k.as_str() {
                    // Drawn from the link, and a setting: not texts.
                    "qr" | "h3-numbering" => {}
                    "acronyms" => {
                        for a in v.as_array().into_iter().flatten() {
                            let (short, long) = (a["short"].as_str(), a["long"].as_str());
                            if let (Some(s), Some(l)) = (short, long) {
                                out.push((key(&format!("acronyms.{s}")), l.to_string()));
                            }
                        }
                    }
                    _ => flatten(&key(k), v, out),
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&key(&i.to_string()), v, out);
            }
        }
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        Value::Number(n) => out.push((prefix.to_string(), n.to_string())),
        _ => {}
    }
}

/// Prints the rows, a status line per kind and change, then each row.
fn print(r: &mut Reporter, rows: &[Row], all: bool) {
    let mut groups: Vec<((Kind, Change), Vec<&Row>)> = Vec::new();
    for row in rows.iter().filter(|row| all || row.change != Change::Unchanged) {
        match groups.last_mut() {
            Some((k, g)) if *k == (row.kind, row.change) => g.push(row),
            _ => groups.push(((row.kind, row.change), vec![row])),
        }
    }
    for ((kind, change), group) in groups {
        let n = group.iter().map(|row| &row.id).collect::<BTreeSet<_>>().len();
        let what = match kind {
            Kind::Figure if change == Change::NotUpdated => {
                "figure(s) still print an older period than the edition needs"
            }
            Kind::Figure => "figure(s)",
            Kind::Text => "text(s)",
            Kind::Chart => "chart(s)",
        };
        let n = if kind == Kind::Figure { group.len() } else { n };
        r.status(change.verb(), &format!("{n} {what}:"));
        for row in group {
            r.item(&visible(&line(row)));
        }
    }
}

/// One row for a person.
fn line(row: &Row) -> String {
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let (from, to) = (row.from.as_ref(), row.to.as_ref());
    match row.kind {
        Kind::Figure => {
            let value = |s: Option<&diff::Side>| match s {
                Some(s) => format!("{} ({})", s.shown(), s.period),
                None => "not printed".to_string(),
            };
            let change = match (from, to) {
                (Some(f), Some(t)) if f == t => value(Some(t)),
                (Some(f), Some(t)) if f.period == t.period => format!("{}: {} → {}", t.period, f.shown(), t.shown()),
                (None, Some(_)) => value(to),
                _ => format!("{} → {}", value(from), value(to)),
            };
            let note = if row.note.is_empty() { String::new() } else { format!(" [{}]", row.note) };
            format!("{}: {} ({}): {change}{note}", row.at, row.id, flat(&row.label))
        }
        Kind::Text | Kind::Chart => {
            let what = match (row.kind, row.note.as_str()) {
                (Kind::Chart, _) => format!(" ({})", row.label),
                (_, "") => String::new(),
                (_, note) => format!(" ({note})"),
            };
            let change = match (from, to) {
                (Some(_), Some(_)) if row.label == "drawing" && row.kind == Kind::Chart => {
                    "its drawing (axis, scale or colours)".to_string()
                }
                (Some(f), Some(t)) if f != t => word_diff::render(&word_diff::word_diff(f.shown(), t.shown()), CONTEXT),
                (_, Some(t)) => flat(t.shown()),
                (Some(f), None) => flat(f.shown()),
                (None, None) => String::new(),
            };
            format!("{}: {}{what}: {change}", row.at, row.id)
        }
    }
}

/// Counts by kind and change: `figures: 1 updated, 241 not updated; texts: 3 changed`.
fn summary(rows: &[Row]) -> String {
    let mut counts: BTreeMap<(Kind, Change), BTreeSet<String>> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        // A chart counts once however many of its parts changed; a figure's every value counts.
        let key = if row.kind == Kind::Figure { i.to_string() } else { row.id.clone() };
        counts.entry((row.kind, row.change)).or_default().insert(key);
    }
    let mut parts = Vec::new();
    for kind in [Kind::Figure, Kind::Text, Kind::Chart] {
        let of: Vec<String> = counts
            .iter()
            .filter(|((k, _), _)| *k == kind)
            .map(|((_, c), ids)| format!("{} {}", ids.len(), c.verb().to_lowercase()))
            .collect();
        if !of.is_empty() {
            parts.push(format!("{}s: {}", kind.code(), of.join(", ")));
        }
    }
    if parts.is_empty() { "nothing printed".to_string() } else { parts.join("; ") }
}
