//! `vlr watch`: rebuild whenever anything in the project changes.
//!
//! Fonts are scanned once and kept (rescanned only when `fonts/` changes);
//! typst's memoization caches survive between rebuilds, so only what an
//! edit touches is laid out again. A broken edit prints its errors and
//! keeps the last good PDF.
//!
//! Copyfitting lays an edition out several times. So a change is built in
//! two passes: first in one layout, with each chapter set as tight as
//! copyfitting chose last time, and started from the edition's last layout
//! instead of from nothing (the PDF a writer waits for: typst then settles
//! in one round after most edits, instead of five); then as `vlr build` makes it,
//! copyfitted in full and from nothing, which rewrites a PDF only if it
//! comes out different (its copyfitting chose otherwise, or the quick pass
//! settled a figure elsewhere). The PDF a watch leaves is the one
//! `vlr build` makes. The full pass waits for
//! the changes to pause (`QUIET`); a change that comes in
//! during the full pass stops it (at the end of typst's current round): the
//! new change is built at once, and copyfitted in full after it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{EventKind, RecursiveMode, Watcher};

use super::build::{BuildOptions, build};
use crate::diag::Diag;
use crate::fonts::Fonts;
use crate::pipeline::load_fonts;
use crate::report::{ExitStatus, Failure, Reporter};

/// Events arriving within this window are one change (an editor's save is
/// one burst of events, well inside it).
const DEBOUNCE: Duration = Duration::from_millis(5);

/// Whether a changed path should trigger a rebuild.
fn relevant(root: &Path, out_dir: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else { return false };
    let out = if out_dir.is_absolute() { out_dir.strip_prefix(root).unwrap_or(out_dir) } else { out_dir };
    // `copyfit.lock` is written by the build itself.
    let own = rel == Path::new(crate::pipeline::fit_cache::FILE);
    if own || rel.starts_with(out) || rel.starts_with("target") || rel.starts_with(".git") {
        return false;
    }
    // Editors' swap and backup files, and our own temporary PDFs.
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    !(name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        || name.ends_with(".log"))
}

/// How long the changes must pause before the full pass (copyfitting)
/// runs: while a writer saves every few moments, each save gets the quick
/// pass alone, at once.
const QUIET: Duration = Duration::from_millis(500);

/// What came of waiting for changes.
enum Next {
    /// A batch of relevant changes: their paths (never none).
    Changed(Vec<PathBuf>),
    /// No relevant change within the time given.
    Quiet,
    /// The watcher is gone.
    Closed,
}

/// The paths an event changes that should trigger a rebuild (none for a
/// mere access).
fn changes<'e>(event: &'e notify::Event, root: &Path, out_dir: &Path) -> impl Iterator<Item = &'e PathBuf> {
    let access = matches!(event.kind, EventKind::Access(_) | EventKind::Other);
    event.paths.iter().filter(move |p| !access && relevant(root, out_dir, p))
}

/// Waits for the next batch of relevant changes, at most `quiet` if given.
///
/// A batch ends once no event has come for [`DEBOUNCE`], or at once when
/// every change in it was a file written in place and that file has been
/// closed (an editor that saves by truncating and writing): the save is
/// whole, and waiting would only delay the rebuild. A batch that creates,
/// removes or renames a file (an editor that saves through a temporary
/// file) waits the pause, as the rename may still come.
fn next_change(rx: &Events, root: &Path, out_dir: &Path, quiet: Option<Duration>) -> Next {
    let deadline = quiet.map(|d| Instant::now() + d);
    let mut changed = Vec::new();
    // Files written in place and not yet closed; whether every change so
    // far was such a write (or a change of a file's attributes).
    let mut open: Vec<PathBuf> = Vec::new();
    let mut in_place = true;
    loop {
        let event = if changed.is_empty() {
            let got = match deadline {
                None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
                Some(t) => rx.recv_timeout(t.saturating_duration_since(Instant::now())),
            };
            match got {
                Ok(e) => e,
                Err(RecvTimeoutError::Timeout) => return Next::Quiet,
                Err(RecvTimeoutError::Disconnected) => return Next::Closed,
            }
        } else {
            match rx.recv_timeout(DEBOUNCE) {
                Ok(e) => e,
                Err(RecvTimeoutError::Timeout) => return Next::Changed(changed),
                Err(RecvTimeoutError::Disconnected) => return Next::Closed,
            }
        };
        if let Ok(event) = &event {
            let paths: Vec<&PathBuf> = changes(event, root, out_dir).collect();
            match event.kind {
                EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any) => {
                    for p in &paths {
                        if !open.contains(p) {
                            open.push((*p).clone());
                        }
                    }
                }
                EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
                    open.retain(|p| !event.paths.contains(p));
                }
                EventKind::Modify(ModifyKind::Metadata(_)) => {}
                _ if !paths.is_empty() => in_place = false,
                _ => {}
            }
            changed.extend(paths.into_iter().cloned());
        } else {
            in_place = false;
        }
        if in_place && open.is_empty() && !changed.is_empty() {
            return Next::Changed(changed);
        }
    }
}

fn fail(r: &mut Reporter, message: String) -> ExitStatus {
    r.fail(Failure::general(Diag::general(message), ExitStatus::Usage), Path::new("."))
}

/// How many rebuilds typst's memoized work is kept unused before it is let
/// go of (`comemo::evict`'s age; the typst CLI's watch keeps it ten
/// compiles). Each full pass leaves the work of its copyfitting trials,
/// used by no later layout: kept ten rebuilds, the bundled English edition
/// grew from 265 MB to 1 GB over ten edits with a pause after each, and a
/// book four times its size by 300 MB an edit, past 5 GB. Three keeps the
/// first at 600-660 MB and the second at 3.5 GB. What an edit that reflows the book
/// lays out again is then less often at hand: such a rebuild took
/// 476 ms instead of 241 (BENCHMARKS.md, 2026-12-07, fifth session).
const KEPT_REBUILDS: usize = 3;

/// How often a removed project folder is looked for.
const POLL: Duration = Duration::from_millis(250);

type Events = Receiver<notify::Result<notify::Event>>;

/// Watches `root` recursively; sets `changed` when a relevant change comes in.
fn start(
    root: &Path,
    out_dir: &Path,
    changed: Arc<AtomicBool>,
) -> Result<(notify::RecommendedWatcher, Events), String> {
    let (tx, rx) = channel();
    let (base, out) = (root.to_path_buf(), out_dir.to_path_buf());
    let handler = move |event: notify::Result<notify::Event>| {
        if let Ok(e) = &event
            && changes(e, &base, &out).next().is_some()
        {
            changed.store(true, Ordering::Relaxed);
        }
        let _ = tx.send(event);
    };
    let mut watcher = notify::recommended_watcher(handler).map_err(|e| format!("cannot watch files: {e}"))?;
    watcher.watch(root, RecursiveMode::Recursive).map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    Ok((watcher, rx))
}

/// The quick pass after a change: each edition in one layout, its chapters
/// set as tight as copyfitting chose last time, started from its last
/// layout (see the module's comment). Also gives the problems it found.
fn quick(root: &Path, opts: &BuildOptions, fonts: Option<Arc<Fonts>>, r: &mut Reporter) -> (ExitStatus, Vec<Diag>) {
    let mut quick = opts.clone();
    quick.edition.fit_as =
        opts.edition.fit_cache.as_ref().map(|m| Arc::new(m.chosen(opts.edition.profile, opts.edition.draft)));
    quick.edition.from_last = true;
    r.remember();
    let status = build(root, &quick, fonts, r);
    (status, r.remembered())
}

/// The full pass after a quick one: copyfitting as `vlr build` does, which
/// rewrites only the PDFs whose copyfitting changed, and says which.
/// Of its problems it prints only those the quick pass did not find
/// (`found`), from the same text and data: those of its own layouts, a
/// book that does not settle as copyfitted. It stops, writing and printing
/// nothing more, once `changed` is set: a newer change.
fn refit(
    root: &Path,
    opts: &BuildOptions,
    fonts: Option<Arc<Fonts>>,
    changed: &Arc<AtomicBool>,
    found: Vec<Diag>,
    r: &mut Reporter,
) {
    let t0 = Instant::now();
    let chosen = || {
        opts.edition.fit_cache.as_ref().map(|m| m.chosen(opts.edition.profile, opts.edition.draft)).unwrap_or_default()
    };
    let before = chosen();
    let mut sink = crate::diag::NoColor::new(std::io::sink());
    let mut silent = Reporter::holding(&mut sink, found.into_iter().collect());
    let mut full = opts.clone();
    full.edition.stop = Some(changed.clone());
    build(root, &full, fonts, &mut silent);
    if changed.load(Ordering::Relaxed) {
        return;
    }
    silent.print_held(r);
    let after = chosen();
    let refitted: Vec<&str> =
        after.iter().filter(|(l, t)| before.get(*l) != Some(t)).map(|(l, _)| l.as_str()).collect();
    if !refitted.is_empty() {
        let ms = t0.elapsed().as_millis();
        r.status(
            "Refitted",
            &format!("{} in {ms} ms: copyfitting chose differently after the change", refitted.join(", ")),
        );
    }
}

/// Runs `vlr watch`.
pub fn run(args: &crate::cli::BuildArgs, r: &mut Reporter) -> ExitStatus {
    match super::project_root(args.project.root.as_deref()) {
        Ok(root) => {
            let mut opts = BuildOptions::from(args);
            opts.edition.keep_caches = true;
            // Copyfitting's choices and each edition's last layout, held
            // across rebuilds for the quick pass, and the parsed templates
            // and project files.
            opts.edition.fit_cache = Some(Arc::default());
            opts.edition.last_layouts = Some(Arc::default());
            opts.edition.parsed = Some(Arc::default());
            opts.kept = Some(Arc::default());
            watch(&root, &opts, r)
        }
        Err(f) => r.fail(f, Path::new(".")),
    }
}

/// Builds, then rebuilds on every change until interrupted.
///
/// If the project folder is removed (or its vlr.toml), watching waits for
/// it to come back, then watches the new folder and rebuilds.
pub fn watch(root: &Path, opts: &BuildOptions, r: &mut Reporter) -> ExitStatus {
    let root = match root.canonicalize() {
        Ok(r) => r,
        Err(e) => return fail(r, format!("cannot watch {}: {e}", root.display())),
    };
    // Set by the watcher when a relevant change comes in.
    let changed = Arc::new(AtomicBool::new(false));
    let (mut watcher, mut rx) = match start(&root, &opts.out_dir, changed.clone()) {
        Ok(w) => w,
        Err(e) => return fail(r, e),
    };
    // A font problem is reported by the build itself.
    // Every rebuild sets the same faces: each is kept once loaded.
    let load = || load_fonts(&root, opts.system_fonts).ok().map(|f| Arc::new(f.keeping()));
    let mut fonts = load();
    let t0 = Instant::now();
    build(&root, opts, fonts.clone(), r);
    let ms = t0.elapsed().as_millis();
    r.status("Built", &format!("in {ms} ms; watching {} for changes (Ctrl-C to stop)", root.display()));
    let project_file = root.join(crate::project::PROJECT_FILE);
    // A change that came in while waiting for a pause before the full pass.
    let mut early: Option<Vec<PathBuf>> = None;
    loop {
        let paths = match early.take() {
            Some(paths) => paths,
            None => match next_change(&rx, &root, &opts.out_dir, None) {
                Next::Changed(paths) => paths,
                Next::Quiet => continue,
                Next::Closed => break,
            },
        };
        if !project_file.is_file() {
            drop(watcher);
            let gone = project_file.display();
            r.status("Waiting", &format!("{gone} is gone; waiting for it to come back (Ctrl-C to stop)"));
            while !project_file.is_file() {
                std::thread::sleep(POLL);
            }
            // Give the rest of the project a moment to arrive.
            std::thread::sleep(POLL);
            (watcher, rx) = match start(&root, &opts.out_dir, changed.clone()) {
                Ok(w) => w,
                Err(e) => return fail(r, e),
            };
            fonts = load();
            let t0 = Instant::now();
            let verb = if build(&root, opts, fonts.clone(), r).is_success() { "Rebuilt" } else { "Failed" };
            r.status(verb, &format!("in {} ms; {} is back", t0.elapsed().as_millis(), root.display()));
            continue;
        }
        let t0 = Instant::now();
        // Changes from here on are the next batch's (or stop the full pass).
        changed.store(false, Ordering::Relaxed);
        if paths.iter().any(|p| p.starts_with(root.join("fonts"))) {
            // The old fonts are freed once typst's caches let go of them.
            fonts = load();
        }
        let (built, found) = quick(&root, opts, fonts.clone(), r);
        let what = paths
            .iter()
            .find(|p| p.is_file())
            .or(paths.first())
            .and_then(|p| p.strip_prefix(&root).ok())
            .map_or_else(String::new, |p| p.display().to_string());
        let verb = if built.is_success() { "Rebuilt" } else { "Failed" };
        r.status(verb, &format!("in {} ms after a change to {what}", t0.elapsed().as_millis()));
        // Keep typst's caches warm, but let go of results unused for a
        // while: now, while the writer reads the PDF, not once the next
        // change has come in (it takes some 20 ms).
        comemo::evict(KEPT_REBUILDS);
        if built.is_success() {
            match next_change(&rx, &root, &opts.out_dir, Some(QUIET)) {
                Next::Quiet => refit(&root, opts, fonts.clone(), &changed, found, r),
                Next::Changed(paths) => early = Some(paths),
                Next::Closed => break,
            }
        }
    }
    ExitStatus::Success
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_and_editor_files_are_ignored() {
        let root = Path::new("/p");
        let out = Path::new("dist");
        assert!(relevant(root, out, Path::new("/p/data/a.toml")));
        assert!(relevant(root, out, Path::new("/p/templates/lib.typ")));
        assert!(!relevant(root, out, Path::new("/p/dist/x.en.pdf")));
        assert!(!relevant(root, out, Path::new("/p/dist/.x.en.pdf.1.tmp")));
        assert!(!relevant(root, out, Path::new("/p/text/en/.a.toml.swp")));
        // The build's own memory of its copyfitting, and only that file.
        assert!(!relevant(root, out, Path::new("/p/copyfit.lock")));
        assert!(relevant(root, out, Path::new("/p/text/copyfit.lock")));
        assert!(!relevant(root, out, Path::new("/elsewhere/a.toml")));
    }

    fn event(path: &str) -> notify::Result<notify::Event> {
        Ok(notify::Event::new(EventKind::Modify(notify::event::ModifyKind::Any)).add_path(PathBuf::from(path)))
    }

    fn event_of(kind: EventKind, path: &str) -> notify::Result<notify::Event> {
        Ok(notify::Event::new(kind).add_path(PathBuf::from(path)))
    }

    fn batch(rx: &Events) -> Vec<PathBuf> {
        match next_change(rx, Path::new("/p"), Path::new("dist"), Some(Duration::from_secs(5))) {
            Next::Changed(paths) => paths,
            _ => panic!("a batch of changes"),
        }
    }

    /// A file written in place is one whole change once it is closed: a
    /// change queued after the close is the next batch. A save through a
    /// temporary file waits the pause, so its rename is in the same batch.
    #[test]
    fn a_file_written_in_place_is_a_change_once_closed() {
        let (tx, rx) = channel();
        let written = || EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Any));
        let closed = EventKind::Access(AccessKind::Close(AccessMode::Write));
        tx.send(event_of(written(), "/p/text/en/a.toml")).unwrap();
        tx.send(event_of(written(), "/p/text/en/a.toml")).unwrap();
        tx.send(event_of(closed, "/p/text/en/a.toml")).unwrap();
        tx.send(event_of(written(), "/p/data/b.toml")).unwrap();
        assert_eq!(batch(&rx), vec![PathBuf::from("/p/text/en/a.toml"); 2]);
        // Not closed: the pause ends the batch.
        assert_eq!(batch(&rx), vec![PathBuf::from("/p/data/b.toml")]);

        let create = EventKind::Create(notify::event::CreateKind::File);
        let rename = EventKind::Modify(ModifyKind::Name(notify::event::RenameMode::To));
        tx.send(event_of(create, "/p/text/en/a.toml.new")).unwrap();
        tx.send(event_of(written(), "/p/text/en/a.toml.new")).unwrap();
        tx.send(event_of(closed, "/p/text/en/a.toml.new")).unwrap();
        tx.send(event_of(rename, "/p/text/en/a.toml")).unwrap();
        let paths = batch(&rx);
        assert_eq!(paths.last(), Some(&PathBuf::from("/p/text/en/a.toml")), "{paths:?}");
    }

    /// The full pass waits for a pause: a relevant change within it is the
    /// next batch (not lost), the PDFs vlr writes are not a change, and
    /// without one the wait ends as quiet.
    #[test]
    fn waiting_for_a_pause_ends_at_the_next_relevant_change() {
        let (root, out) = (Path::new("/p"), Path::new("dist"));
        let (tx, rx) = channel();
        tx.send(event("/p/dist/x.en.pdf")).unwrap();
        tx.send(event("/p/text/en/a.toml")).unwrap();
        match next_change(&rx, root, out, Some(Duration::from_secs(5))) {
            Next::Changed(paths) => assert_eq!(paths, vec![PathBuf::from("/p/text/en/a.toml")]),
            _ => panic!("the text's change is the next batch"),
        }
        tx.send(event("/p/dist/x.en.pdf")).unwrap();
        let t0 = Instant::now();
        assert!(matches!(next_change(&rx, root, out, Some(Duration::from_millis(50))), Next::Quiet));
        assert!(t0.elapsed() >= Duration::from_millis(50), "it waited the whole pause");
        drop(tx);
        assert!(matches!(next_change(&rx, root, out, None), Next::Closed));
    }
}
