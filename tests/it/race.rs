//! Confinement under a race: another local process swaps a folder of the
//! project for a symlink that leads outside, over and over, while vlr reads
//! and writes. No byte from outside may reach vlr's output (its messages or
//! its PDFs), and nothing may be written outside.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::common::{Fixture, pdf_text};

/// What the outside files say: it must never appear in vlr's output.
const MARKER: &str = "OUTSIDE-MARKER-7431";

/// A thread that swaps `folder` with a symlink to `outside` and back, as fast
/// as it can, until stopped; it restores the real folder and counts swaps.
struct Swapper {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<usize>>,
}

impl Swapper {
    fn start(folder: PathBuf, outside: PathBuf) -> Self {
        let link = folder.with_extension("link");
        let hold = folder.with_extension("hold");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let mut swaps = 0;
            while !flag.load(Ordering::Relaxed) {
                // The real folder aside, the symlink in its place …
                let aside = std::fs::rename(&folder, &hold).is_ok();
                let linked = aside && std::fs::rename(&link, &folder).is_ok();
                std::thread::yield_now();
                // … and back (vlr may have made a folder in the gap).
                if linked {
                    let _ = std::fs::rename(&folder, &link);
                }
                if aside && std::fs::rename(&hold, &folder).is_err() {
                    let _ = std::fs::remove_dir(&folder);
                    let _ = std::fs::rename(&hold, &folder);
                }
                std::thread::yield_now();
                swaps += usize::from(linked);
            }
            swaps
        });
        Self { stop, handle: Some(handle) }
    }

    /// Stops the swapper; the number of swaps it made.
    fn stop(mut self) -> usize {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.take().unwrap().join().unwrap()
    }
}

impl Drop for Swapper {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// An outside folder holding the same file names as the project's `rel`
/// folder, each carrying the marker: `meta.toml` parses (so it would be
/// printed on the cover), the others do not (so a line would be quoted in an
/// error).
fn outside_copy(f: &Fixture, rel: &str) -> tempfile::TempDir {
    let outside = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(f.root().join(rel)).unwrap() {
        let name = entry.unwrap().file_name();
        let text = if name == "meta.toml" {
            format!("title = \"{MARKER}\"\ncity = \"{MARKER}\"\nauthor = \"{MARKER}\"\n")
        } else {
            format!("{MARKER} = = \"{MARKER}\"\n")
        };
        std::fs::write(outside.path().join(name), text).unwrap();
    }
    outside
}

/// Many more text files (not chapters: read, never printed), so that each
/// run opens many files for the swapper to race with.
fn many_files(f: &Fixture) {
    for i in 0..200 {
        f.write(&format!("text/en/extra-{i:03}.toml"), "title = \"Extra\"\n");
    }
}

/// Runs `vlr args` again and again for `secs`; every run's output.
fn runs(f: &Fixture, args: &[&str], secs: f64, min_runs: usize) -> Vec<String> {
    let started = Instant::now();
    let mut outs = Vec::new();
    while outs.len() < min_runs || started.elapsed() < Duration::from_secs_f64(secs) {
        let out = f.run(args);
        outs.push(format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)));
    }
    outs
}

#[test]
fn a_folder_swapped_for_a_symlink_never_gets_an_outside_file_read() {
    let f = Fixture::new("basic");
    many_files(&f);
    let text = outside_copy(&f, "text/en");
    let data = outside_copy(&f, "data");
    let swappers = [
        Swapper::start(f.root().join("text/en"), text.path().to_path_buf()),
        Swapper::start(f.root().join("data"), data.path().to_path_buf()),
    ];
    let outs = runs(&f, &["check", "--lang", "en"], 3.0, 10);
    let swaps: Vec<usize> = swappers.into_iter().map(Swapper::stop).collect();
    assert!(swaps.iter().all(|&n| n > 100), "the swappers must really race: {swaps:?} swaps");
    for out in &outs {
        assert!(!out.contains(MARKER), "an outside file was read:\n{out}");
    }
    // The race was real: some runs saw the folder missing or refused.
    assert!(outs.iter().any(|o| o.contains("error")), "no run noticed the swapping");
}

#[test]
fn a_build_under_a_swapping_text_folder_prints_nothing_from_outside() {
    let f = Fixture::new("basic");
    many_files(&f);
    let outside = outside_copy(&f, "text/en");
    let swapper = Swapper::start(f.root().join("text/en"), outside.path().to_path_buf());
    let pdf = f.root().join("dist/testville.en.pdf");
    let mut built = 0;
    let started = Instant::now();
    while built < 3 && started.elapsed() < Duration::from_secs(60) {
        let out = f.run(&["build", "--lang", "en"]);
        let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!said.contains(MARKER), "an outside file was read:\n{said}");
        if out.status.success() && pdf.exists() {
            built += 1;
            assert!(!pdf_text(&pdf).contains(MARKER), "a PDF holds an outside file's text");
        }
    }
    let swaps = swapper.stop();
    assert!(swaps > 100, "the swapper must really race: {swaps} swaps");
}

#[test]
fn a_swapped_output_folder_never_sends_a_write_outside() {
    let f = Fixture::new("basic");
    std::fs::create_dir(f.root().join("dist")).unwrap();
    let outside = tempfile::tempdir().unwrap();
    let swapper = Swapper::start(f.root().join("dist"), outside.path().to_path_buf());
    let started = Instant::now();
    let mut written = 0;
    while written < 3 && started.elapsed() < Duration::from_secs(60) {
        let out = f.run(&["build", "--lang", "en"]);
        written += usize::from(out.status.success());
        let left: Vec<PathBuf> = std::fs::read_dir(outside.path()).unwrap().map(|e| e.unwrap().path()).collect();
        assert!(left.is_empty(), "written outside the project: {left:?}");
    }
    let swaps = swapper.stop();
    assert!(swaps > 100, "the swapper must really race: {swaps} swaps");
    assert!(is_empty(outside.path()));
}

fn is_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().next().is_none()
}
