//! The pipeline, step by step: project → data and text → validation →
//! charts → world → typst → PDF → atomic write.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use typst::diag::{Severity, SourceDiagnostic};
use typst_layout::PagedDocument;

use crate::charts;
use crate::data::load::{self, Loaded};
use crate::data::resolve::{self, ResolveOptions};
use crate::diag::{Diag, Sources};
use crate::export::{self, Profile};
use crate::fonts::Fonts;
use crate::project::Project;
use crate::world::VlrWorld;

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Languages to build; empty means all of the project's.
    pub langs: Vec<String>,
    /// Fall back to the source language where text is missing.
    pub draft: bool,
    /// Output profile.
    pub profile: Profile,
    /// Output folder (relative paths are relative to the project root).
    pub out_dir: PathBuf,
    /// Also use system fonts.
    pub system_fonts: bool,
    /// Also write each edition's Typst sources, data and charts here.
    pub emit_typst: Option<PathBuf>,
}

impl From<&crate::cli::BuildArgs> for BuildOptions {
    fn from(args: &crate::cli::BuildArgs) -> Self {
        Self {
            langs: args.project.langs.clone(),
            draft: args.draft,
            profile: args.profile,
            out_dir: args.out.clone(),
            system_fonts: args.system_fonts,
            emit_typst: args.emit_typst.clone(),
        }
    }
}

/// A project loaded and checked, ready to build editions from.
pub struct Prepared {
    /// The project.
    pub project: Project,
    /// Texts of every file read, for diagnostics.
    pub sources: Sources,
    /// Data and text.
    pub loaded: Loaded,
    /// Problems found (errors and warnings).
    pub diags: Vec<Diag>,
    /// Each language's strings: built in, overlaid with the project's `i18n/<lang>.toml`.
    pub strings: std::collections::BTreeMap<String, crate::i18n::Strings>,
}

/// How the message for a `--lang` the project does not have begins (a usage error).
pub const NOT_IN_PROJECT: &str = "--lang";

/// The exit code for a failed [`prepare`]: a usage error for a `--lang` the
/// project does not have, else problems in the project's files.
pub fn prepare_exit(diags: &[Diag]) -> u8 {
    if diags.iter().any(|d| d.file.is_none() && d.message.starts_with(NOT_IN_PROJECT)) {
        crate::EXIT_USAGE
    } else {
        crate::EXIT_PROBLEMS
    }
}

/// Loads and validates the project for the given languages.
pub fn prepare(root: &Path, langs: &[String]) -> Result<Prepared, (Sources, Vec<Diag>)> {
    let mut sources = Sources::default();
    let project = Project::load(root, &mut sources).map_err(|d| (sources.clone(), d))?;
    let mut all = project.languages();
    for l in langs {
        if !all.contains(l) {
            return Err((
                sources,
                vec![Diag::general(format!("{NOT_IN_PROJECT} `{l}` is not in vlr.toml (it has: {})", all.join(", ")))],
            ));
        }
    }
    if !langs.is_empty() {
        all.retain(|l| langs.contains(l) || l == project.source_language());
    }
    let mut diags = Vec::new();
    let mut strings = std::collections::BTreeMap::new();
    for lang in &all {
        match crate::i18n::load_strings(&project.root, lang, &mut sources) {
            Ok(s) => {
                strings.insert(lang.clone(), s);
            }
            Err(mut d) => diags.append(&mut d),
        }
    }
    let loaded = load::load(&project.root, &all, &mut sources, &mut diags);
    Ok(Prepared { project, sources, loaded, diags, strings })
}

/// One edition's document and the virtual files it needs.
pub struct Edition {
    /// The language.
    pub lang: String,
    /// `/data.json` and `/charts/*.svg`.
    pub files: HashMap<String, Vec<u8>>,
    /// Texts translated and current, texts in all, and stale texts
    /// (source-language editions: all translated).
    pub translated: (usize, usize, usize),
    /// Where the document's texts come from, to locate typst's complaints about them.
    pub map: crate::data::source_map::SourceMap,
}

/// The locale of an edition: its language's strings (the project's overrides
/// included) and the project's units.
pub fn locale(p: &Prepared, lang: &str) -> crate::i18n::Locale {
    let strings = p.strings.get(lang).cloned().unwrap_or_else(|| crate::i18n::Locale::builtin(lang).strings);
    crate::i18n::Locale::new(lang, strings, p.project.units.clone())
}

/// Resolves an edition: data document and charts. Problems go to `diags`.
pub fn edition(
    p: &Prepared,
    lang: &str,
    draft: bool,
    profile: Profile,
    fonts: &Fonts,
    idx: &resolve::Index,
    diags: &mut Vec<Diag>,
) -> Edition {
    charts::register_fonts(fonts);
    // The edition's locale, built once and passed down.
    let locale = locale(p, lang);
    check_units(idx, &locale, diags);
    let (mut doc, map) =
        resolve::resolve(&p.project, &p.loaded, idx, &p.sources, ResolveOptions { locale: &locale, draft }, diags);
    let strings = &locale.strings;
    let texts = p.loaded.texts.get(lang);
    let src_texts = p.loaded.texts.get(p.project.source_language());
    let chart_text = |id: &str| find_chart_text(texts, id).or_else(|| find_chart_text(src_texts, id));
    let mut files = HashMap::new();
    let mut figures = serde_json::Map::new();
    let accents = chart_accents(&p.project, &p.loaded);
    for (path, spec) in &idx.charts {
        let id = spec.id.get_ref();
        let text = chart_text(id);
        if text.is_none() {
            diags.push(Diag::error(
                *path,
                Some(spec.id.span()),
                format!("chart `{id}` has no [charts.{id}] text in text/{lang}/"),
            ));
        }
        let label =
            |id: &str| find_label(texts, id).or_else(|| find_label(src_texts, id)).unwrap_or_else(|| id.to_string());
        let prepared = charts::prepare(idx, spec, text, &locale, &label);
        let title = crate::data::typography::apply_str(
            &locale,
            &text.map_or_else(|| id.clone(), |t| t.title.get_ref().clone()),
        );
        match charts::render(&prepared, &locale, accents.get(id.as_str()).copied()) {
            Ok(svg) => {
                files.insert(format!("/charts/{id}.svg"), svg.into_bytes());
            }
            Err(e) => diags.push(Diag::error(*path, Some(spec.id.span()), format!("cannot draw chart `{id}`: {e}"))),
        }
        let alt = charts::alt_text(&prepared, &title, &locale);
        let mut note = text.and_then(|t| t.note.clone()).unwrap_or_default();
        if !prepared.dropped.is_empty() {
            note = format!("{note} {}", strings.incomplete).trim().to_string();
        }
        // One or two values make a key-figure callout, not a chart; a chart of
        // few points is small (half the text block wide, paired with the next).
        let points: Vec<(usize, usize, f64)> = prepared
            .series
            .iter()
            .enumerate()
            .flat_map(|(si, (_, vals))| vals.iter().enumerate().filter_map(move |(ci, v)| v.map(|v| (si, ci, v))))
            .collect();
        // A chart of periods with a missing one stays a chart: the gap must show.
        let gaps = prepared.by_period && prepared.series.iter().any(|(_, vals)| vals.iter().any(Option::is_none));
        let callout = (points.len() <= 2 && prepared.lines.is_empty() && !points.is_empty() && !gaps).then(|| {
            points
                .iter()
                .map(|&(si, ci, v)| {
                    let decimals = prepared.decimals.get(si).and_then(|d| d.get(ci)).copied().flatten();
                    let value = locale.figure(crate::i18n::format::Figure { value: v, unit: &prepared.unit, decimals });
                    let cat = prepared.categories.get(ci).cloned().unwrap_or_default();
                    let label =
                        if prepared.series.len() > 1 { format!("{}, {cat}", prepared.series[si].0) } else { cat };
                    serde_json::json!({"value": value, "label": label})
                })
                .collect::<Vec<_>>()
        });
        figures.insert(
            id.clone(),
            serde_json::json!({"title": title, "alt": alt, "note": note, "path": format!("/charts/{id}.svg"),
                "callout": callout, "small": charts::is_small(&prepared)}),
        );
    }
    if let Some(o) = doc.as_object_mut() {
        o.insert("figures".into(), serde_json::Value::Object(figures));
        o.insert("profile".into(), profile.name().into());
    }
    let translated = translated(&doc);
    // One file per chapter, so an edit to one chapter leaves typst's cached
    // work on the others valid (watch mode); /data.json lists them.
    if let Some(chapters) = doc.get_mut("chapters").and_then(serde_json::Value::as_array_mut) {
        for (i, ch) in chapters.iter_mut().enumerate() {
            let path = format!("/data/chapter-{i:02}.json");
            files.insert(path.clone(), serde_json::to_vec_pretty(ch).unwrap_or_default());
            *ch = serde_json::json!({ "file": path });
        }
    }
    files.insert("/data.json".into(), serde_json::to_vec_pretty(&doc).unwrap_or_default());
    Edition { lang: lang.to_string(), files, translated, map }
}

/// Reports each unit the edition's language cannot word, at the data file that uses it.
fn check_units(idx: &resolve::Index, locale: &crate::i18n::Locale, diags: &mut Vec<Diag>) {
    let mut seen = std::collections::HashSet::new();
    let mut ids: Vec<_> = idx.indicators.values().map(|i| (i.path, &i.spec.unit)).collect();
    ids.sort_by_key(|(p, u)| (p.to_path_buf(), u.span().start));
    let chart_units = idx.charts.iter().filter_map(|(p, c)| Some((*p, c.unit.as_ref()?)));
    for (path, unit) in ids.into_iter().chain(chart_units) {
        if let Err(e) = locale.can_print(unit.get_ref())
            && seen.insert(unit.get_ref().clone())
        {
            diags.push(Diag::error(path, Some(unit.span()), e));
        }
    }
}

/// Texts translated and texts in all, from a resolved document.
pub fn translated(doc: &serde_json::Value) -> (usize, usize, usize) {
    let count = |k: &str| doc["translation"][k].as_u64().unwrap_or(0) as usize;
    (count("total").saturating_sub(count("missing") + count("stale")), count("total"), count("stale"))
}

/// Each chart drawn in the colour of the first goal of the chapter showing it.
fn chart_accents<'a>(project: &'a Project, loaded: &'a Loaded) -> HashMap<&'a str, &'static str> {
    let mut out = HashMap::new();
    let Some(texts) = loaded.texts.get(project.source_language()) else { return out };
    for ch in &project.file.chapter {
        let Some(goal) = ch.goals.first().map(|g| usize::from(*g.get_ref())) else { continue };
        let Some(colour) = goal.checked_sub(1).and_then(|i| crate::i18n::GOAL_COLOURS.get(i)) else { continue };
        if let Some((_, text)) = texts.chapters.get(ch.id.get_ref()) {
            for b in &text.block {
                if let Some(fig) = &b.figure {
                    out.insert(fig.get_ref().as_str(), *colour);
                }
            }
        }
    }
    out
}

fn find_label(t: Option<&load::LangTexts>, id: &str) -> Option<String> {
    t.and_then(|t| t.chapters.values().find_map(|(_, f)| f.labels.get(id).map(|l| l.get_ref().clone())))
}

fn find_chart_text<'a>(t: Option<&'a load::LangTexts>, id: &str) -> Option<&'a crate::data::model::ChartText> {
    t.and_then(|t| t.chapters.values().find_map(|(_, f)| f.charts.get(id)))
}

/// Typst's result for one edition.
pub struct Compiled {
    /// The PDF bytes, if compilation and export succeeded.
    pub pdf: Option<Vec<u8>>,
    /// Typst's errors and warnings.
    pub diagnostics: Vec<SourceDiagnostic>,
    /// Number of pages.
    pub pages: usize,
    /// Milliseconds spent in typst's compilation (layout) and in PDF export.
    pub timings: (u128, u128),
}

/// Lays an edition out: the document, if there were no errors, and typst's
/// warnings and errors.
pub fn layout(world: &VlrWorld) -> (Option<PagedDocument>, Vec<SourceDiagnostic>) {
    let warned = typst::compile::<PagedDocument>(world);
    let mut diagnostics: Vec<SourceDiagnostic> = warned.warnings.to_vec();
    match warned.output {
        Ok(doc) => (Some(doc), diagnostics),
        Err(errors) => {
            diagnostics.extend(errors.iter().cloned());
            (None, diagnostics)
        }
    }
}

/// Compiles an edition in a world and exports it.
pub fn compile(world: &VlrWorld, p: &Prepared, lang: &str, profile: Profile) -> Compiled {
    let t0 = std::time::Instant::now();
    let (doc, mut diagnostics) = layout(world);
    let layout_ms = t0.elapsed().as_millis();
    let Some(doc) = doc else {
        return Compiled { pdf: None, diagnostics, pages: 0, timings: (layout_ms, 0) };
    };
    let meta = &p.project.file.project;
    let ident = format!("{}-{}-{}", meta.city, meta.edition.get_ref(), lang);
    let when = p.project.published().and_then(export::timestamp);
    let t1 = std::time::Instant::now();
    let result = export::pdf(&doc, profile, &ident, when);
    let timings = (layout_ms, t1.elapsed().as_millis());
    match result {
        Ok(pdf) => Compiled { pdf: Some(pdf), diagnostics, pages: doc.pages().len(), timings },
        Err(errors) => {
            diagnostics.extend(errors);
            Compiled { pdf: None, diagnostics, pages: doc.pages().len(), timings }
        }
    }
}

/// Whether typst reported an error.
pub fn has_errors(d: &[SourceDiagnostic]) -> bool {
    d.iter().any(|d| d.severity == Severity::Error)
}

/// Creates the world for an edition.
pub fn world(p: &Prepared, fonts: Arc<Fonts>, files: HashMap<String, Vec<u8>>) -> Result<VlrWorld, String> {
    let today = p.project.published().unwrap_or((p.project.file.project.edition.get_ref() + 1, 1, 1));
    VlrWorld::new(&p.project.root, p.project.file.project.template.get_ref(), fonts, files, today)
}

/// The output path of an edition.
pub fn output_path(p: &Prepared, out_dir: &Path, lang: &str, profile: Profile) -> PathBuf {
    let dir = if out_dir.is_absolute() { out_dir.to_path_buf() } else { p.project.root.join(out_dir) };
    dir.join(format!("{}.{lang}{}.pdf", p.project.file.project.output.get_ref(), profile.suffix()))
}

/// The path of the indicators' CSV (the statistical annex as data), beside the PDFs.
pub fn indicators_csv_path(p: &Prepared, out_dir: &Path) -> PathBuf {
    let dir = if out_dir.is_absolute() { out_dir.to_path_buf() } else { p.project.root.join(out_dir) };
    dir.join(format!("{}.indicators.csv", p.project.file.project.output))
}

/// The source language's labels of indicators, by id.
/// The source language's chapter titles by chapter id (a `section` may name a chapter).
pub fn source_chapter_titles(p: &Prepared) -> std::collections::BTreeMap<&str, &str> {
    let mut out = std::collections::BTreeMap::new();
    if let Some(texts) = p.loaded.texts.get(p.project.source_language()) {
        for (id, (_, file)) in &texts.chapters {
            out.insert(id.as_str(), file.title.get_ref().as_str());
        }
    }
    out
}

pub fn source_labels(p: &Prepared) -> std::collections::BTreeMap<&str, &str> {
    let mut out = std::collections::BTreeMap::new();
    if let Some(texts) = p.loaded.texts.get(p.project.source_language()) {
        for (_, file) in texts.chapters.values() {
            for (id, label) in &file.labels {
                out.insert(id.as_str(), label.get_ref().as_str());
            }
        }
    }
    out
}

/// Writes an edition as plain Typst sources the stock typst CLI compiles to the
/// same document: `<dir>/<lang>/` holds the templates, `data.json`, the charts
/// and the images, with the project's folder layout.
pub fn emit_typst(p: &Prepared, dir: &Path, ed: &Edition) -> std::io::Result<PathBuf> {
    let out = dir.join(&ed.lang);
    for sub in ["templates", "images"] {
        let from = p.project.root.join(sub);
        if from.is_dir() {
            copy_dir(&p.project.root, &from, &out.join(sub), 0)?;
        }
    }
    for (virtual_path, bytes) in &ed.files {
        let path = out.join(virtual_path.trim_start_matches('/'));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, bytes)?;
    }
    Ok(out)
}

/// Copies a project folder: real folders (not followed through symlinks,
/// at most 16 deep) and regular files inside the project (a symlink that
/// leaves it, a FIFO or a device is skipped, as typst would refuse it).
fn copy_dir(root: &Path, from: &Path, to: &Path, depth: usize) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        let target = to.join(path.file_name().unwrap_or_default());
        if entry.file_type()?.is_dir() {
            if depth < 16 {
                copy_dir(root, &path, &target, depth + 1)?;
            }
            continue;
        }
        let Ok(real) = path.canonicalize() else { continue };
        if real.starts_with(root) && std::fs::metadata(&real).is_ok_and(|m| m.is_file()) {
            std::fs::copy(&real, &target)?;
        }
    }
    Ok(())
}
