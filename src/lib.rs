//! vlr: turns a city's data and text into the print-ready, multilingual PDF
//! of its UN SDG Voluntary Local Review.
//!
//! The binary is a thin wrapper around [`run`], so tests can drive the CLI
//! in-process.

pub mod build;
pub mod charts;
pub mod cli;
pub mod data;
pub mod diag;
pub mod export;
pub mod files;
pub mod fonts;
pub mod guard;
pub mod i18n;
pub mod init;
pub mod limits;
pub mod new_edition;
pub mod project;
pub mod sourcemap;
pub mod translate;
pub mod watch;
pub mod world;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use codespan_reporting::term::termcolor::{ColorChoice, StandardStream, WriteColor};

use crate::build::{BuildOptions, Prepared};
use crate::cli::{Cli, Command, ProjectArgs};
use crate::data::{resolve, status};
use crate::diag::{Diag, Sources};

/// Exit code: problems in the project's files.
pub const EXIT_PROBLEMS: u8 = 1;
/// Exit code: usage or internal error.
pub const EXIT_USAGE: u8 = 2;

/// How chatty to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    /// Errors only.
    Quiet,
    /// Status lines and warnings.
    Normal,
    /// Also timings.
    Verbose,
}

/// Runs the CLI.
pub fn run(cli: Cli) -> ExitCode {
    let verbosity = if cli.quiet {
        Verbosity::Quiet
    } else if cli.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    if let Some(secs) = cli.time_limit {
        guard::set_time_limit(secs);
    }
    if let Some(mb) = cli.memory_limit {
        guard::set_memory_limit_mb(mb);
    }
    let mut err = StandardStream::stderr(if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    });
    let code = match cli.command {
        Command::Build(args) => {
            let opts = BuildOptions::from(&args);
            match root(&args.project) {
                Ok(root) => build(&root, &opts, verbosity, &mut err),
                Err(d) => report(&mut err, &Sources::default(), &[d], Path::new("."), verbosity, EXIT_USAGE),
            }
        }
        Command::Watch(args) => {
            let opts = BuildOptions::from(&args);
            match root(&args.project) {
                Ok(root) => watch::watch(&root, &opts, verbosity, &mut err),
                Err(d) => report(&mut err, &Sources::default(), &[d], Path::new("."), verbosity, EXIT_USAGE),
            }
        }
        Command::Init(args) => {
            let opts = init::InitOptions {
                city: args.city.clone(),
                edition: args.edition,
                fonts_from: args.fonts_from.clone(),
            };
            match init::init(&args.dir, &opts) {
                Ok(files) => {
                    status(&mut err, verbosity, "Created", &format!("{} ({} files)", args.dir.display(), files.len()));
                    status(&mut err, verbosity, "Next", &format!("cd {} && vlr build", args.dir.display()));
                    0
                }
                Err(e) => {
                    report(&mut err, &Sources::default(), &[Diag::general(e)], Path::new("."), verbosity, EXIT_USAGE)
                }
            }
        }
        Command::NewEdition(args) => {
            let found = root(&ProjectArgs { root: args.root.clone(), langs: Vec::new() });
            let rolled = found
                .map_err(|d| new_edition::Refused::Project(d.message))
                .and_then(|r| new_edition::new_edition(&r, args.year, args.force));
            match rolled {
                Ok(r) => {
                    let n = r.needing.len();
                    let files: std::collections::BTreeSet<_> = r.needing.iter().map(|(f, _, _)| f).collect();
                    status(
                        &mut err,
                        verbosity,
                        "Rolled",
                        &format!(
                            "edition {} → {}: {n} indicator(s) in {} file(s) need data",
                            r.from,
                            args.year,
                            files.len()
                        ),
                    );
                    if verbosity != Verbosity::Quiet {
                        for (file, line, id) in r.needing.iter().take(20) {
                            let _ = writeln!(err, "             {}:{line}: {id}", file.display());
                        }
                        if n > 20 {
                            let _ = writeln!(err, "             … and {} more (`vlr check` lists every one)", n - 20);
                        }
                    }
                    status(
                        &mut err,
                        verbosity,
                        "Next",
                        "add the new values, then `vlr check`; check `published` in vlr.toml",
                    );
                    0
                }
                Err(e) => {
                    // A year the project cannot move to is a usage error, as a bad `--edition` of `init` is.
                    let code = if matches!(e, new_edition::Refused::Year(_)) { EXIT_USAGE } else { EXIT_PROBLEMS };
                    report(
                        &mut err,
                        &Sources::default(),
                        &[Diag::general(e.to_string())],
                        Path::new("."),
                        verbosity,
                        code,
                    )
                }
            }
        }
        Command::Translate(cmd) => translate_command(cmd, verbosity, &mut err),
        Command::Check(args) => match root(&args) {
            Ok(root) => check(&root, &args.langs, verbosity, &mut err),
            Err(d) => report(&mut err, &Sources::default(), &[d], Path::new("."), verbosity, EXIT_USAGE),
        },
    };
    ExitCode::from(code)
}

/// Runs `vlr translate …`.
fn translate_command(cmd: cli::TranslateCommand, v: Verbosity, err: &mut dyn WriteColor) -> u8 {
    use cli::TranslateCommand as T;
    let dir = match &cmd {
        T::Export(a) => &a.root,
        T::Import(a) => &a.root,
        T::Stamp(a) => &a.root,
    };
    let root = match root(&ProjectArgs { root: dir.clone(), langs: Vec::new() }) {
        Ok(r) => r,
        Err(d) => return report(err, &Sources::default(), &[d], Path::new("."), v, EXIT_USAGE),
    };
    let done = match &cmd {
        T::Export(a) => translate::export(&root, &a.lang, a.all, a.out.as_deref()),
        T::Import(a) => translate::import(&root, &a.file),
        T::Stamp(a) => translate::stamp(&root, &a.lang, &a.keys, a.all),
    };
    match done {
        Ok(outcome) => {
            report(err, &Sources::default(), &outcome.warnings, &root, v, 0);
            for (verb, rest) in &outcome.lines {
                status(err, v, verb, rest);
            }
            0
        }
        Err((sources, diags)) => {
            report(err, &sources, &diags, &root, v, EXIT_PROBLEMS);
            status(err, v, "Failed", "nothing written (fix the errors above)");
            EXIT_PROBLEMS
        }
    }
}

fn root(args: &ProjectArgs) -> Result<PathBuf, Diag> {
    match &args.root {
        Some(r) => Ok(r.clone()),
        None => {
            let cwd = std::env::current_dir()
                .map_err(|e| Diag::general(format!("cannot read the working directory: {e}")))?;
            project::find_root(&cwd).ok_or_else(|| {
                Diag::general(format!("no {} found in {} or any parent folder", project::PROJECT_FILE, cwd.display()))
                    .with_hint("run vlr inside a project, pass --root DIR, or start one with `vlr init DIR`")
            })
        }
    }
}

fn report(out: &mut dyn WriteColor, sources: &Sources, diags: &[Diag], base: &Path, v: Verbosity, code: u8) -> u8 {
    let shown: Vec<Diag> = diags.iter().filter(|d| d.is_error() || v != Verbosity::Quiet).cloned().collect();
    diag::emit(out, sources, &shown, base);
    code
}

pub(crate) fn status(out: &mut dyn WriteColor, v: Verbosity, verb: &str, rest: &str) {
    if v == Verbosity::Quiet {
        return;
    }
    let _ = out.set_color(
        codespan_reporting::term::termcolor::ColorSpec::new()
            .set_fg(Some(codespan_reporting::term::termcolor::Color::Green))
            .set_bold(true),
    );
    let _ = write!(out, "{verb:>12}");
    let _ = out.reset();
    let _ = writeln!(out, " {rest}");
}

fn load_fonts(root: &Path, system: bool) -> Result<Arc<fonts::Fonts>, Diag> {
    let dir = root.join("fonts");
    fonts::Fonts::scan(&dir, system).map(Arc::new).map_err(|e| {
        Diag::general(format!("cannot read fonts from {}: {e}", dir.display()))
            .with_hint("the project's fonts live in fonts/")
    })
}

/// Builds every requested edition; writes nothing for an edition that fails.
pub fn build(root: &Path, opts: &BuildOptions, v: Verbosity, out: &mut dyn WriteColor) -> u8 {
    build_with(root, opts, None, v, out)
}

/// A progress bar for multi-edition builds on a terminal (plain lines otherwise).
fn progress(v: Verbosity, editions: usize) -> Option<indicatif::ProgressBar> {
    if v == Verbosity::Quiet || editions < 2 || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return None;
    }
    let bar = indicatif::ProgressBar::new(editions as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner:.green} [{bar:30.cyan/blue}] {pos}/{len} {msg} ({elapsed})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}

/// Runs `f` with the progress bar (if any) hidden, so lines print cleanly.
fn quietly<R>(bar: &Option<indicatif::ProgressBar>, f: impl FnOnce() -> R) -> R {
    match bar {
        Some(b) => b.suspend(f),
        None => f(),
    }
}

/// Builds with fonts already loaded (watch mode keeps them across rebuilds).
pub fn build_with(
    root: &Path,
    opts: &BuildOptions,
    fonts: Option<Arc<fonts::Fonts>>,
    v: Verbosity,
    out: &mut dyn WriteColor,
) -> u8 {
    let started = Instant::now();
    let p = match build::prepare(root, &opts.langs) {
        Ok(p) => p,
        Err((sources, d)) => return report(out, &sources, &d, root, v, build::prepare_exit(&d)),
    };
    let langs = if opts.langs.is_empty() { p.project.languages() } else { opts.langs.clone() };
    let fonts = match fonts.map_or_else(|| load_fonts(&p.project.root, opts.system_fonts), Ok) {
        Ok(f) => f,
        Err(d) => return report(out, &p.sources, &[d], root, v, EXIT_USAGE),
    };
    let bar = progress(v, langs.len());
    let mut code = 0;
    let mut diags = p.diags.clone();
    // A file that could not be read or parsed is left out of what follows: stop
    // here, so its one error is not followed by every reference to what it held.
    if diags.iter().any(Diag::is_error) {
        return report(out, &p.sources, &dedup(diags), &p.project.root, v, EXIT_PROBLEMS);
    }
    // Data are checked once for all editions, so a data error is reported once.
    let idx = resolve::index(&p.loaded, &p.sources, p.project.settings(), &mut diags);
    resolve::check_citations(&idx, &build::source_labels(&p), &mut diags);
    data::chars::check(&p.loaded, &p.sources, &|c| fonts.covers(c), &mut diags);
    if diags.iter().any(Diag::is_error) {
        return report(out, &p.sources, &dedup(diags), &p.project.root, v, EXIT_PROBLEMS);
    }
    let dashboard = status::dashboard(&idx);
    diags.extend(unrated_warning(&dashboard));
    if let Err(e) = export::source_date_epoch() {
        return report(out, &p.sources, &[Diag::general(e)], &p.project.root, v, EXIT_USAGE);
    }
    if v == Verbosity::Verbose {
        status(out, v, "Timings", &format!("load and check {} ms", started.elapsed().as_millis()));
    }
    if bar.is_none() {
        status(out, v, "Compiling", &format!("{} edition(s): {}", langs.len(), langs.join(", ")));
    }
    // Each edition is resolved (text, charts), compiled and exported in its
    // own thread: they share fonts, the data index and typst's caches.
    // Problems are reported afterwards, in the order of the languages.
    let (p, idx, fonts) = (&p, &idx, &fonts);
    let editions: Vec<Edition> = std::thread::scope(|scope| {
        let handles: Vec<_> = langs
            .iter()
            .map(|lang| {
                let bar = bar.clone();
                scope.spawn(move || {
                    let e = edition(p, opts, lang, fonts, idx);
                    if let Some(b) = bar {
                        b.inc(1);
                    }
                    e
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    let mut reported: Vec<Diag> = Vec::new();
    for (lang, ed) in langs.iter().zip(editions) {
        match ed {
            Edition::Failed(ed_diags) => {
                // A problem in the data (e.g. an indicator that needs data) is the
                // same in every edition: print it once, with the first edition.
                let fresh: Vec<Diag> = dedup(ed_diags).into_iter().filter(|d| !reported.contains(d)).collect();
                reported.extend(fresh.iter().cloned());
                quietly(&bar, || {
                    report(out, &p.sources, &fresh, &p.project.root, v, EXIT_PROBLEMS);
                    status(out, v, "Failed", &format!("{lang}: not written (fix the errors above)"));
                });
                code = EXIT_PROBLEMS;
            }
            Edition::Fatal(d, exit) => return report(out, &p.sources, &[d], &p.project.root, v, exit),
            Edition::Compiled { world, compiled, emitted, diags: ed_diags, placed, resolve_ms, secs } => {
                diags.extend(ed_diags);
                code = quietly(&bar, || {
                    if let Some(at) = emitted {
                        status(out, v, "Emitted", &format!("{lang} Typst sources to {}", at.display()));
                    }
                    let (layout, pdf) = compiled.timings;
                    let code = write_edition(p, opts, lang, &world, (compiled, &placed), secs, v, out, code);
                    if v == Verbosity::Verbose {
                        let t = format!(
                            "{lang}: text and charts {resolve_ms} ms, typst compile {layout} ms, PDF export {pdf} ms"
                        );
                        status(out, v, "Timings", &t);
                    }
                    code
                });
            }
        }
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    // The annex as data, once for all editions; like the PDFs, only from a build that succeeded.
    if code == 0 {
        code = write_indicators_csv(p, opts, &dashboard, v, out);
    }
    let warnings: Vec<Diag> = dedup(diags).into_iter().filter(|d| !d.is_error()).collect();
    report(out, &p.sources, &warnings, &p.project.root, v, 0);
    if v == Verbosity::Verbose {
        status(out, v, "Finished", &format!("in {:.1}s", started.elapsed().as_secs_f64()));
    }
    code
}

/// One edition's outcome, from its thread.
enum Edition {
    /// Problems in the data or text of this edition.
    Failed(Vec<Diag>),
    /// A problem that stops the whole build, with its exit code.
    Fatal(Diag, u8),
    /// Compiled (successfully or not: see `compiled`).
    Compiled {
        world: Box<world::VlrWorld>,
        compiled: build::Compiled,
        emitted: Option<PathBuf>,
        diags: Vec<Diag>,
        /// Typst's complaints about content, placed at the text or data file that produced it.
        placed: Vec<Diag>,
        resolve_ms: u128,
        secs: f64,
    },
}

/// Resolves, compiles and exports one edition (run in its own thread).
fn edition(p: &Prepared, opts: &BuildOptions, lang: &str, fonts: &Arc<fonts::Fonts>, idx: &resolve::Index) -> Edition {
    let t0 = Instant::now();
    let mut diags = Vec::new();
    let ed = build::edition(p, lang, opts.draft, opts.profile, fonts, idx, &mut diags);
    if diags.iter().any(Diag::is_error) {
        return Edition::Failed(diags);
    }
    let emitted = match &opts.emit_typst {
        Some(dir) => match build::emit_typst(p, dir, &ed) {
            Ok(at) => Some(at),
            Err(e) => return Edition::Fatal(Diag::general(format!("cannot write {}: {e}", dir.display())), EXIT_USAGE),
        },
        None => None,
    };
    let world = match build::world(p, fonts.clone(), ed.files) {
        Ok(w) => w,
        Err(e) => return Edition::Fatal(Diag::general(e), EXIT_PROBLEMS),
    };
    let resolve_ms = t0.elapsed().as_millis();
    let running = guard::Running::start(running(p, lang), p.project.time_limit());
    let mut compiled = build::compile(&world, p, lang, opts.profile);
    drop(running);
    let (left, placed) = sourcemap::relocate(std::mem::take(&mut compiled.diagnostics), &ed.map, &p.sources, lang);
    compiled.diagnostics = left;
    let secs = t0.elapsed().as_secs_f64();
    Edition::Compiled { world: Box::new(world), compiled, emitted, diags, placed, resolve_ms, secs }
}

/// Prints an edition's typst diagnostics and writes its PDF; returns the exit code so far.
#[allow(clippy::too_many_arguments)]
fn write_edition(
    p: &Prepared,
    opts: &BuildOptions,
    lang: &str,
    world: &world::VlrWorld,
    (compiled, placed): (build::Compiled, &[Diag]),
    secs: f64,
    v: Verbosity,
    out: &mut dyn WriteColor,
    mut code: u8,
) -> u8 {
    report(out, &p.sources, placed, &p.project.root, v, 0);
    if v != Verbosity::Quiet || build::has_errors(&compiled.diagnostics) {
        let shown: Vec<_> = compiled
            .diagnostics
            .iter()
            .filter(|d| v != Verbosity::Quiet || d.severity == typst::diag::Severity::Error)
            .cloned()
            .collect();
        let (diags, sources) = world.diagnostics(&shown);
        diag::emit(out, &sources, &diags, &p.project.root);
    }
    let path = build::output_path(p, &opts.out_dir, lang, opts.profile);
    match compiled.pdf {
        Some(pdf) if !build::has_errors(&compiled.diagnostics) && !placed.iter().any(Diag::is_error) => {
            match export::write_atomic(&path, &pdf) {
                Ok(()) => {
                    let shown = diag::display_path(Path::new("/"), &path);
                    let size = pdf.len() as f64 / 1e6;
                    status(
                        out,
                        v,
                        "Written",
                        &format!("{shown} ({} pages, {size:.1} MB) in {secs:.1}s", compiled.pages),
                    );
                }
                Err(e) => {
                    let d = Diag::general(format!("cannot write {}: {e}", path.display()))
                        .with_hint("check that the output folder is writable (or pass --out DIR)");
                    report(out, &p.sources, &[d], &p.project.root, v, EXIT_USAGE);
                    code = code.max(EXIT_USAGE);
                }
            }
        }
        _ => {
            status(out, v, "Failed", &format!("{lang}: not written; the previous PDF, if any, is untouched"));
            code = code.max(EXIT_PROBLEMS);
        }
    }
    code
}

/// The warning, once per build, that some indicators are not rated.
fn unrated_warning(d: &status::Dashboard) -> Option<Diag> {
    let n = d.without_target().count();
    (n > 0).then(|| {
        let msg = format!(
            "{n} of {} indicator(s) are not rated: they have no target or no thresholds (the annex says which)",
            d.indicators.len()
        );
        Diag { severity: diag::Severity::Warning, ..Diag::general(msg) }
            .with_hint("`vlr check` lists them; a rating needs `target` and `thresholds`, each with its source")
    })
}

/// Writes `<output>.indicators.csv` beside the PDFs (atomically); returns the exit code.
fn write_indicators_csv(
    p: &Prepared,
    opts: &BuildOptions,
    d: &status::Dashboard,
    v: Verbosity,
    out: &mut dyn WriteColor,
) -> u8 {
    let path = build::indicators_csv_path(p, &opts.out_dir);
    let csv = data::indicators_csv::write(
        d,
        &build::source_labels(p),
        &build::source_chapter_titles(p),
        *p.project.file.project.edition.get_ref(),
    );
    match export::write_atomic(&path, csv.as_bytes()) {
        Ok(()) => {
            let rows = csv.lines().count().saturating_sub(1);
            status(out, v, "Written", &format!("{} ({rows} rows)", diag::display_path(Path::new("/"), &path)));
            0
        }
        Err(e) => {
            let d = Diag::general(format!("cannot write {}: {e}", path.display()))
                .with_hint("check that the output folder is writable (or pass --out DIR)");
            report(out, &p.sources, &[d], &p.project.root, v, EXIT_USAGE)
        }
    }
}

/// Validates the project and compiles and exports every edition, with the
/// same PDF standards as `vlr build`, without writing PDFs.
pub fn check(root: &Path, langs: &[String], v: Verbosity, out: &mut dyn WriteColor) -> u8 {
    let p: Prepared = match build::prepare(root, langs) {
        Ok(p) => p,
        Err((sources, d)) => return report(out, &sources, &d, root, v, build::prepare_exit(&d)),
    };
    let langs = if langs.is_empty() { p.project.languages() } else { langs.to_vec() };
    let mut diags = p.diags.clone();
    // As in build: after a file that could not be parsed, nothing else is checked.
    if diags.iter().any(Diag::is_error) {
        return report(out, &p.sources, &dedup(diags), &p.project.root, v, EXIT_PROBLEMS);
    }
    let fonts = match load_fonts(&p.project.root, false) {
        Ok(f) => f,
        Err(d) => return report(out, &p.sources, &[d], root, v, EXIT_USAGE),
    };
    let idx = resolve::index(&p.loaded, &p.sources, p.project.settings(), &mut diags);
    resolve::check_citations(&idx, &build::source_labels(&p), &mut diags);
    let dashboard = status::dashboard(&idx);
    data::chars::check(&p.loaded, &p.sources, &|c| fonts.covers(c), &mut diags);
    if let Err(e) = export::source_date_epoch() {
        diags.push(Diag::general(e));
    }
    let mut typst_failed = false;
    // Charts are drawn only from data that passed validation.
    let data_ok = !diags.iter().any(Diag::is_error);
    for lang in &langs {
        let mut ed_diags = Vec::new();
        let (files, map, (done, total, stale)) = if data_ok {
            let ed = build::edition(&p, lang, false, export::Profile::Submission, &fonts, &idx, &mut ed_diags);
            (Some(ed.files), ed.map, ed.translated)
        } else {
            let locale = build::locale(&p, lang);
            let opts = resolve::ResolveOptions { locale: &locale, draft: false };
            let (doc, map) = resolve::resolve(&p.project, &p.loaded, &idx, &p.sources, opts, &mut ed_diags);
            (None, map, build::translated(&doc))
        };
        if lang != p.project.source_language() {
            // Rounded down: 399 of 400 is not 100%.
            let pct = (done * 100).checked_div(total).unwrap_or(100);
            let stale = if stale == 0 { String::new() } else { format!("; {stale} stale") };
            status(out, v, "Translated", &format!("{lang}: {done} of {total} texts ({pct}%){stale}"));
        }
        let ok = !ed_diags.iter().any(Diag::is_error);
        diags.extend(ed_diags);
        if ok
            && !diags.iter().any(Diag::is_error)
            && let Some(files) = files
            && let Ok(world) = build::world(&p, fonts.clone(), files)
        {
            // The same compilation and export as `vlr build` (PDF/A and PDF/UA
            // checks included); only the writing is left out.
            let running = guard::Running::start(running(&p, lang), p.project.time_limit());
            let compiled = build::compile(&world, &p, lang, export::Profile::Submission);
            drop(running);
            let (left, placed) = sourcemap::relocate(compiled.diagnostics, &map, &p.sources, lang);
            typst_failed |= build::has_errors(&left);
            diags.extend(placed);
            let (tdiags, sources) = world.diagnostics(&left);
            diag::emit(out, &sources, &tdiags, &p.project.root);
        }
    }
    let diags = dedup(diags);
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    report(out, &p.sources, &diags, &p.project.root, v, 0);
    list_unrated(&p, &dashboard, v, out);
    if errors == 0 && !typst_failed {
        status(
            out,
            v,
            "Checked",
            &format!("{} ({}): no errors, {warnings} warning(s)", p.project.file.project.city, langs.join(", ")),
        );
        0
    } else {
        status(out, v, "Checked", &format!("{errors} error(s), {warnings} warning(s)"));
        EXIT_PROBLEMS
    }
}

/// Lists the indicators that are not rated for want of a target or thresholds.
fn list_unrated(p: &Prepared, d: &status::Dashboard, v: Verbosity, out: &mut dyn WriteColor) {
    let unrated: Vec<_> = d.without_target().collect();
    if unrated.is_empty() || v == Verbosity::Quiet {
        return;
    }
    let rated = d.indicators.len() - unrated.len();
    status(
        out,
        v,
        "Not rated",
        &format!("{} indicator(s) have no target or no thresholds ({rated} rated):", unrated.len()),
    );
    let mut at: Vec<(&Path, usize, &str)> = unrated
        .iter()
        .map(|ind| {
            let (path, span) = ind.loc();
            let line = p.sources.line_col(path, span.start).map_or(0, |(line, _)| line);
            (path, line, ind.spec.id.get_ref().as_str())
        })
        .collect();
    at.sort();
    for (path, line, id) in at {
        let _ = writeln!(out, "             {}:{line}: {id}", path.display());
    }
}

/// What a compile is, for the messages of the limits.
fn running(p: &Prepared, lang: &str) -> String {
    format!("the {lang} edition ({})", p.project.file.project.template.get_ref())
}

/// Drops repeated diagnostics (the same problem seen once per edition).
fn dedup(diags: Vec<Diag>) -> Vec<Diag> {
    let mut seen = std::collections::HashSet::new();
    diags.into_iter().filter(|d| seen.insert(d.clone())).collect()
}
