//! `vlr build`: every requested edition into `dist/`, and the indicators' CSV.
//!
//! An edition that fails writes nothing: its previous PDF stays untouched.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Instant;

use crate::data::status;
use crate::diag::{self, Diag};
use crate::export::{self, OutDir, OutDirError};
use crate::fonts::Fonts;
use crate::pipeline::fit_cache;
use crate::pipeline::{Data, Edition, EditionOptions, Outcome, Session};
use crate::report::{ExitStatus, Reporter, dedup};

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Languages to build; empty means all of the project's.
    pub langs: Vec<String>,
    /// Output folder (relative paths are relative to the project root).
    pub out_dir: PathBuf,
    /// Whether the user named the output folder (`-o`): the default `dist`
    /// is written only if it is a real folder, not a symlink.
    pub out_named: bool,
    /// Also use system fonts.
    pub system_fonts: bool,
    /// Editions made at once; `None`: one per two cores.
    pub jobs: Option<NonZeroUsize>,
    /// How each edition is made.
    pub edition: EditionOptions,
    /// The project's files as parsed by the build before (`vlr watch`).
    pub kept: Option<Arc<crate::data::load::Kept>>,
}

impl From<&crate::cli::BuildArgs> for BuildOptions {
    fn from(args: &crate::cli::BuildArgs) -> Self {
        Self {
            langs: args.project.langs.clone(),
            out_dir: args.out.clone().unwrap_or_else(|| PathBuf::from("dist")),
            out_named: args.out.is_some(),
            system_fonts: args.system_fonts,
            jobs: args.jobs,
            edition: EditionOptions {
                profile: args.profile,
                emit_typst: args.emit_typst.clone(),
                ..EditionOptions::submission(args.draft)
            },
            kept: None,
        }
    }
}

/// Runs `vlr build`.
pub fn run(args: &crate::cli::BuildArgs, r: &mut Reporter) -> ExitStatus {
    match super::project_root(args.project.root.as_deref()) {
        Ok(root) => build(&root, &BuildOptions::from(args), None, r),
        Err(f) => r.fail(f, Path::new(".")),
    }
}

/// Builds every requested edition, with fonts already loaded if given
/// (watch keeps them across rebuilds); writes nothing for an edition that fails.
pub fn build(root: &Path, opts: &BuildOptions, fonts: Option<Arc<Fonts>>, r: &mut Reporter) -> ExitStatus {
    let started = Instant::now();
    let session = match Session::load_kept(root, &opts.langs, opts.kept.as_deref()) {
        Ok(s) => s,
        Err(f) => return r.fail(f, root),
    };
    let base = session.project.root.clone();
    let langs = session.languages(&opts.langs);
    let fonts = match fonts.map_or_else(|| session.fonts(opts.system_fonts), Ok) {
        Ok(f) => f,
        Err(f) => return r.fail(f, root),
    };
    // Data are checked once for all editions, so a data error is reported once.
    let data = session.validate(fonts);
    if !data.ok() {
        return fail(r, &session, data.diags);
    }
    let out = match output_folder(&session, opts) {
        Ok(out) => out,
        Err(d) => {
            r.diags(&session.sources, &[d], &base);
            return ExitStatus::Usage;
        }
    };
    let dashboard = data.dashboard();
    let mut diags = data.diags.clone();
    diags.extend(unrated_warning(&dashboard));
    if let Err(e) = export::source_date_epoch() {
        r.diags(&session.sources, &[Diag::general(e)], &base);
        return ExitStatus::Usage;
    }
    r.timing(&format!("load and check {} ms", started.elapsed().as_millis()));
    let bar = r.start_progress(langs.len());
    if bar.is_none() {
        r.status("Compiling", &format!("{} edition(s): {}", langs.len(), langs.join(", ")));
    }
    let mut exit = ExitStatus::Success;
    let mut reported: Vec<Diag> = Vec::new();
    let mut fatal = false;
    // Each edition is printed and written as soon as it and those before it
    // are done, and then freed.
    // Copyfitting's memory of its choices (watch's, held across rebuilds),
    // with what the project's `copyfit.lock` keeps.
    let remembered = opts.edition.fit_cache.clone().unwrap_or_default();
    let lock = project_folder(&session);
    remembered.recall(lock.as_ref().and_then(|l| l.read(fit_cache::FILE, fit_cache::MAX_FILE)).as_deref());
    let edition = EditionOptions { fit_cache: Some(remembered.clone()), ..opts.edition.clone() };
    editions(&data, &langs, &edition, opts.jobs, bar, |ed| {
        let lang = ed.resolved.lang.as_str();
        match ed.outcome {
            Outcome::Failed => {
                // A problem in the data (e.g. an indicator that needs data) is the
                // same in every edition: print it once, with the first edition.
                let fresh: Vec<Diag> = dedup(ed.resolved.diags).into_iter().filter(|d| !reported.contains(d)).collect();
                reported.extend(fresh.iter().cloned());
                r.diags(&session.sources, &fresh, &base);
                r.status("Failed", &format!("{lang}: not written (fix the errors above)"));
                exit = exit.max(ExitStatus::Problems);
            }
            // Only `vlr watch`'s full pass stops: a newer change came in.
            Outcome::Stopped => {
                exit = exit.max(ExitStatus::Problems);
                return ControlFlow::Break(());
            }
            Outcome::Fatal(d, status) => {
                r.diags(&session.sources, &[d], &base);
                (exit, fatal) = (status, true);
                return ControlFlow::Break(());
            }
            Outcome::Compiled(c) => {
                if let Some(at) = &ed.emitted {
                    r.status("Emitted", &format!("{lang} Typst sources to {}", at.display()));
                }
                let (layout, pdf) = c.timings;
                if r.verbose() && !c.tightened.is_empty() {
                    let list: Vec<String> = c.tightened.iter().map(|(id, n)| format!("{id} ({n})")).collect();
                    let how = if c.recalled { ", as the last build chose (nothing it read has changed)" } else { "" };
                    r.status("Copyfitted", &format!("{lang}: set tighter by steps: {}{how}", list.join(", ")));
                }
                let rounds = c.rounds;
                exit = exit.max(write_edition(r, &session, &out, opts, lang, *c, ed.secs));
                r.timing(&format!(
                    "{lang}: text and charts {} ms, typst compile {layout} ms (first layout in {rounds} {}), PDF export {pdf} ms",
                    ed.resolved.ms,
                    if rounds == 1 { "round" } else { "rounds" }
                ));
                diags.extend(ed.resolved.diags);
            }
        }
        ControlFlow::Continue(())
    });
    if fatal {
        r.finish_progress();
        return exit;
    }
    r.finish_progress();
    // The annex as data, once for all editions; like the PDFs, only from a build that succeeded.
    if exit.is_success() {
        exit = write_indicators_csv(r, &data, &out, opts, &dashboard);
    }
    // A memory that cannot be written (a read-only checkout) is only a
    // slower next build.
    if let (Some(lock), Some(bytes)) = (&lock, remembered.to_file()) {
        let _ = lock.write_changed(fit_cache::FILE, &bytes);
    }
    let warnings: Vec<Diag> = dedup(diags).into_iter().filter(|d| !d.is_error()).collect();
    r.diags(&session.sources, &warnings, &base);
    if r.verbose() {
        r.status("Finished", &format!("in {:.1}s", started.elapsed().as_secs_f64()));
    }
    exit
}

/// Prints the problems that stop a build before any edition.
fn fail(r: &mut Reporter, session: &Session, diags: Vec<Diag>) -> ExitStatus {
    r.diags(&session.sources, &dedup(diags), &session.project.root);
    ExitStatus::Problems
}

/// Makes the editions, `jobs` at once, by default one per two cores the
/// machine has (one at a time on two cores): they share fonts, the data
/// index and typst's caches. typst already lays one edition's page runs out
/// in parallel, about 1.2 cores' worth on this book, and each edition at
/// once holds its layout in memory: on the 2-core machine, six editions one
/// at a time take 5.4–6.4 s and 234–240 MB, two at once 4.3–5.1 s and
/// 382–401 MB (BENCHMARKS.md, 2026-12-07), so two at once is the user's
/// choice (`--jobs 2`), not the default. `done` gets each
/// edition in the order of `langs`, as soon as it and those before it are
/// made, so problems print in that order and each PDF is written, and freed,
/// early. `done` may stop the rest.
fn editions(
    data: &Data,
    langs: &[String],
    opts: &EditionOptions,
    jobs: Option<NonZeroUsize>,
    bar: Option<indicatif::ProgressBar>,
    mut done: impl FnMut(Edition) -> ControlFlow<()>,
) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = jobs.map_or(cores / 2, NonZeroUsize::get).clamp(1, langs.len().max(1));
    let opts = &EditionOptions { at_once: workers, ..opts.clone() };
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, Edition)>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (tx, bar, next) = (tx.clone(), bar.clone(), &next);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(lang) = langs.get(i) else { break };
                    let e = data.edition(lang, opts);
                    if !opts.keep_caches {
                        // Here, not where the edition is written: the next
                        // edition would be under way by then, beside this
                        // one's caches. With editions made at once, only
                        // what was not used since the last eviction goes:
                        // emptied, the caches of the editions still under
                        // way would be worked out again.
                        crate::pipeline::free_caches(if workers == 1 { 0 } else { 1 });
                    }
                    if let Some(b) = &bar {
                        b.inc(1);
                    }
                    if tx.send((i, e)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut waiting = BTreeMap::new();
        let mut due = 0;
        for (i, e) in rx {
            waiting.insert(i, e);
            while let Some(e) = waiting.remove(&due) {
                due += 1;
                if done(e).is_break() {
                    // No new edition is started; those under way finish unseen.
                    next.store(langs.len(), Ordering::Relaxed);
                    return;
                }
            }
        }
    });
}

/// Prints an edition's typst diagnostics and writes its PDF.
fn write_edition(
    r: &mut Reporter,
    session: &Session,
    out: &OutDir,
    opts: &BuildOptions,
    lang: &str,
    c: crate::pipeline::CompiledEdition,
    secs: f64,
) -> ExitStatus {
    let base = &session.project.root;
    r.diags(&session.sources, &c.placed, base);
    r.diags(&c.typst_sources, &c.typst, base);
    let name = session.output_name(lang, opts.edition.profile, opts.edition.draft);
    let path = out.path().join(&name);
    let failed = c.failed();
    match c.pdf {
        Some(pdf) if !failed => match out.write_changed(&name, &pdf) {
            Ok(written) => {
                let shown = diag::display_path(Path::new("/"), &path);
                let size = pdf.len() as f64 / 1e6;
                let pages = c.pages;
                let verb = if written { "Written" } else { "Unchanged" };
                r.status(verb, &format!("{shown} ({pages} pages, {size:.1} MB) in {secs:.1}s"));
                ExitStatus::Success
            }
            Err(e) => {
                r.diags(&session.sources, &[cannot_write(&path, e)], base);
                ExitStatus::Usage
            }
        },
        _ => {
            r.status("Failed", &format!("{lang}: not written; the previous PDF, if any, is untouched"));
            ExitStatus::Problems
        }
    }
}

/// The output folder, held open for the writes. The default `dist` must be
/// a real folder of the project (or not exist yet): one committed as a
/// symlink would send the PDFs and the CSV out of the project. A folder the
/// user named with `-o` is theirs to choose.
fn output_folder(session: &Session, opts: &BuildOptions) -> Result<OutDir, Diag> {
    let dir = session.out_dir(&opts.out_dir);
    let shown = diag::display_path(&session.project.root, &dir);
    let cannot = |e: std::io::Error| cannot_write(&dir, e);
    if opts.out_named {
        return OutDir::open(&dir).map_err(cannot);
    }
    let root = crate::files::Root::open(&session.project.root).map_err(cannot)?;
    OutDir::real(&root, &opts.out_dir).map_err(|e| match e {
        OutDirError::Symlink => {
            Diag::general(format!("{shown} is a symlink: vlr writes its output only into a real folder of the project"))
                .with_hint(format!(
                    "remove the symlink, or pass `-o {}` to write where it points",
                    opts.out_dir.display()
                ))
        }
        OutDirError::NotAFolder => Diag::general(format!("{shown} is not a folder: nothing written"))
            .with_hint("remove it, or pass -o DIR for another output folder"),
        OutDirError::Io(e) => cannot(e),
    })
}

/// The project's root, for `copyfit.lock` (`None` if it cannot be opened:
/// then nothing is remembered).
fn project_folder(session: &Session) -> Option<OutDir> {
    let root = crate::files::Root::open(&session.project.root).ok()?;
    OutDir::beneath(&root, Path::new("")).ok()
}

fn cannot_write(path: &Path, e: std::io::Error) -> Diag {
    Diag::general(format!("cannot write {}: {e}", path.display()))
        .with_hint("check that the output folder is writable (or pass --out DIR)")
}

/// The warning, once per build, that some indicators are not rated.
fn unrated_warning(d: &status::Dashboard) -> Option<Diag> {
    let c = d.counts();
    let n = c.total - c.rated;
    (n > 0).then(|| {
        let msg = format!(
            "{n} of {} indicator(s) are not rated: {} have no target or no thresholds, {} no value to rate (the annex says which)",
            c.total, c.no_target, c.no_data
        );
        Diag { severity: diag::Severity::Warning, ..Diag::general(msg) }
            .with_hint("`vlr check` lists them; a rating needs `target` and `thresholds`, each with its source")
    })
}

/// Writes `<output>.indicators.csv` beside the PDFs (atomically).
fn write_indicators_csv(
    r: &mut Reporter,
    data: &Data,
    out: &OutDir,
    opts: &BuildOptions,
    d: &status::Dashboard,
) -> ExitStatus {
    let session = data.session;
    let name = session.indicators_csv_name(opts.edition.draft);
    let path = out.path().join(&name);
    let csv =
        crate::export::indicators_csv::write(d, &data.source_words(), *session.project.file.project.edition.get_ref());
    match out.write_changed(&name, csv.as_bytes()) {
        Ok(written) => {
            let rows = csv.lines().count().saturating_sub(1);
            let verb = if written { "Written" } else { "Unchanged" };
            r.status(verb, &format!("{} ({rows} rows)", diag::display_path(Path::new("/"), &path)));
            ExitStatus::Success
        }
        Err(e) => {
            r.diags(&session.sources, &[cannot_write(&path, e)], &session.project.root);
            ExitStatus::Usage
        }
    }
}
