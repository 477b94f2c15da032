//! `vlr watch` rebuilds on an edit, and a broken edit keeps the last good PDF.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{self, Fixture, pdf_text};

fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < Duration::from_secs(30), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `vlr watch --lang en` running in a fixture, its stderr in `log` (outside
/// the project: writing it must not trigger rebuilds); stopped when dropped,
/// a failed test included.
struct Watch {
    child: Child,
    log: PathBuf,
    _logs: tempfile::TempDir,
}

impl Watch {
    /// Starts watch and waits for its first build.
    fn start(f: &Fixture) -> Self {
        Self::start_with(f, &[])
    }

    /// Starts watch with these options before the command (`-v`), and
    /// waits for its first build.
    fn start_with(f: &Fixture, options: &[&str]) -> Self {
        let logs = tempfile::tempdir().unwrap();
        let log = logs.path().join("watch.log");
        let child = Command::new(env!("CARGO_BIN_EXE_vlr"))
            .args(options)
            .args(["watch", "--lang", "en"])
            .current_dir(f.root())
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let w = Watch { child, log, _logs: logs };
        wait_until("the first build", || read(&w.log).contains("watching"));
        w
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read(log: &Path) -> String {
    std::fs::read_to_string(log).unwrap_or_default()
}

fn child_gone(child: &mut Child) -> bool {
    child.try_wait().map(|s| s.is_some()).unwrap_or(true)
}

#[test]
fn rebuilds_on_edit_and_keeps_last_good_pdf() {
    let f = Fixture::new("basic");
    let w = Watch::start(&f);
    let pdf = f.root().join("dist/testville.en.pdf");
    let read_log = || read(&w.log);
    assert!(pdf_text(&pdf).contains("Economic Growth"));

    f.write("text/en/intro.toml", &f.read("text/en/intro.toml").replace("Economic Growth", "Economic Progress"));
    wait_until("the rebuild", || read_log().contains("Rebuilt in") && read_log().contains("text/en/intro.toml"));
    assert!(pdf_text(&pdf).contains("Economic Progress"));
    let good = std::fs::read(&pdf).unwrap();

    f.write("text/en/intro.toml", &f.read("text/en/intro.toml").replace("{trips} trips", "{tripz} trips"));
    wait_until("the failed rebuild", || read_log().contains("unknown indicator `tripz`"));
    wait_until("the failure line", || read_log().contains("Failed in"));
    assert_eq!(std::fs::read(&pdf).unwrap(), good, "a broken edit must keep the last good PDF");
}

/// Watch keeps the templates parsed across rebuilds: each edit to one is
/// laid out (the second edit reparses what the first left).
#[test]
fn rebuilds_on_template_edits() {
    let f = Fixture::new("basic");
    let w = Watch::start(&f);
    let pdf = f.root().join("dist/testville.en.pdf");
    let main = f.read("templates/main.typ");
    for (n, mark) in ["Template mark one", "Template mark two"].iter().enumerate() {
        f.write("templates/main.typ", &format!("{main}\n#[{mark}]\n"));
        wait_until("the rebuild", || read(&w.log).matches("after a change to templates/main.typ").count() > n);
        let text = pdf_text(&pdf);
        assert!(text.contains(mark), "the PDF must show the edit `{mark}`:\n{}", read(&w.log));
        assert_eq!(text.matches("Template mark").count(), 1, "only the last edit shows");
    }
    // A broken edit to a reparsed template is placed at its line, and keeps the PDF.
    let good = std::fs::read(&pdf).unwrap();
    let lines = main.lines().count();
    f.write("templates/main.typ", &format!("{main}\n#[Template mark two]\n#no-such-function()\n"));
    wait_until("the failed rebuild", || read(&w.log).contains("Failed in"));
    let at = format!("templates/main.typ:{}:", lines + 3);
    assert!(read(&w.log).contains(&at), "the error must be at {at}:\n{}", read(&w.log));
    assert_eq!(std::fs::read(&pdf).unwrap(), good, "a broken edit must keep the last good PDF");
}

#[test]
fn survives_a_font_rewritten_in_place() {
    let f = Fixture::new("basic");
    // Real copies (the fixture links the repository's fonts, which must stay
    // untouched). Noto Sans Bold is the charts' face: the first of its family.
    let fonts: Vec<_> = ["NotoSans-Bold.ttf", "NotoSans-Regular.ttf"]
        .iter()
        .map(|name| {
            let font = f.root().join("fonts").join(name);
            let bytes = std::fs::read(&font).unwrap();
            std::fs::remove_file(&font).unwrap();
            std::fs::write(&font, &bytes).unwrap();
            (font, bytes)
        })
        .collect();
    let mut w = Watch::start(&f);
    let read_log = || read(&w.log);
    // Truncated in place and rebuilt while truncated (a mapped file raises
    // SIGBUS when a page past its new end is read), then written back.
    for (font, _) in &fonts {
        std::fs::OpenOptions::new().write(true).open(font).unwrap().set_len(1).unwrap();
    }
    wait_until("a rebuild after the fonts were emptied", || read_log().contains("after a change to fonts/"));
    f.write("text/en/intro.toml", &f.read("text/en/intro.toml").replace("Economic Growth", "Economic Growth!"));
    wait_until("a rebuild with the fonts emptied", || read_log().contains("text/en/intro.toml"));
    assert!(w.child.try_wait().unwrap().is_none(), "watch must still run:\n{}", read_log());
    // Rewritten in place with a smaller font (as `cp other.ttf NotoSans-Bold.ttf` does).
    let small = std::fs::read(f.root().join("fonts/NotoNaskhArabic-Regular.ttf")).unwrap();
    for (font, _) in &fonts {
        std::fs::write(font, &small).unwrap();
    }
    let rebuilt = read_log().matches("Rebuilt in").count() + read_log().matches("Failed in").count();
    f.write("text/en/intro.toml", &f.read("text/en/intro.toml").replace("Economic Growth!", "Economic Growth?"));
    wait_until("a rebuild with the smaller fonts", || {
        read_log().matches("Rebuilt in").count() + read_log().matches("Failed in").count() > rebuilt
            || child_gone(&mut w.child)
    });
    std::thread::sleep(Duration::from_millis(500));
    assert!(w.child.try_wait().unwrap().is_none(), "watch must still run:\n{}", read_log());
    for (font, bytes) in &fonts {
        std::fs::write(font, bytes).unwrap();
    }
    f.write("text/en/intro.toml", &f.read("text/en/intro.toml").replace("Economic Growth?", "Economic Progress"));
    wait_until("the new PDF", || pdf_text(&f.root().join("dist/testville.en.pdf")).contains("Economic Progress"));
    assert!(w.child.try_wait().unwrap().is_none(), "watch must still run:\n{}", read_log());
}

#[test]
fn waits_for_a_removed_project_folder_and_rebuilds() {
    let f = Fixture::new("basic");
    let mut w = Watch::start(&f);
    let read_log = || read(&w.log);
    let keep = tempfile::tempdir().unwrap();
    common::copy_dir(f.root(), keep.path());
    std::fs::remove_dir_all(f.root()).unwrap();
    wait_until("the wait", || read_log().contains("waiting for it to come back"));
    common::copy_dir(keep.path(), f.root());
    wait_until("the rebuild", || read_log().contains("is back"));
    assert!(read_log().contains("Rebuilt in"), "{}", read_log());
    assert!(w.child.try_wait().unwrap().is_none(), "watch must still run:\n{}", read_log());
    f.write("text/en/intro.toml", &f.read("text/en/intro.toml").replace("Economic Growth", "Economic Progress"));
    wait_until("the new PDF", || pdf_text(&f.root().join("dist/testville.en.pdf")).contains("Economic Progress"));
}

#[cfg(target_os = "linux")]
#[test]
fn font_changes_do_not_leak() {
    // An RSS that cannot be read fails the test: read as 0, it would pass.
    let rss = |pid: u32| -> u64 {
        let path = format!("/proc/{pid}/status");
        let s = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
        s.lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
            .unwrap_or_else(|| panic!("no VmRSS in {path}:\n{s}"))
    };
    let f = Fixture::new("basic");
    let w = Watch::start(&f);
    let read_log = || read(&w.log);
    let rebuilds = || read_log().matches("after a change to fonts/").count();
    // A real copy (the fixture links the repository's fonts), rebuilt before
    // the changes are counted.
    let font = f.root().join("fonts/NotoSans-Regular.ttf");
    let bytes = std::fs::read(&font).unwrap();
    std::fs::remove_file(&font).unwrap();
    std::fs::write(&font, &bytes).unwrap();
    wait_until("the rebuild after the font was copied", || rebuilds() > 0);
    let mut touched = 0;
    let mut touch = |n: usize| {
        for _ in 0..n {
            touched += 1;
            let done = rebuilds();
            // Touched, as `touch` does: a change under fonts/, the same font.
            let when = std::time::SystemTime::now() + Duration::from_secs(touched);
            std::fs::File::options().write(true).open(&font).unwrap().set_modified(when).unwrap();
            // Each change is rebuilt before the next is made: n changes, n rebuilds.
            wait_until(&format!("the rebuild after font change {touched}"), || rebuilds() > done);
        }
    };
    // Warm up typst's caches (kept for ten rebuilds), then measure.
    touch(12);
    let before = rss(w.child.id());
    touch(20);
    let after = rss(w.child.id());
    drop(w);
    // Each change used to keep the whole fonts/ folder mapped (32 MB), and
    // then about 4 MB that mimalloc kept until asked to let go.
    assert!(after < before + 40_000, "RSS grew from {before} kB to {after} kB over 20 font changes");
}

/// After an edit, watch's quick pass sets the chapters as copyfitting chose
/// before; its full pass then copyfits anew. The PDF it leaves is the one
/// `vlr build` makes, also when the edit changes what copyfitting chooses.
#[test]
fn refits_after_an_edit_and_leaves_the_built_pdf() {
    use crate::copyfit::{fixture, page_of};
    let f = fixture();
    // Without its last paragraph the chapter needs no copyfitting.
    let full = f.read("text/en/background.toml");
    let cut = full.find("\n[[block]]\nid = \"p19\"").expect("the fixture's last paragraph");
    f.write("text/en/background.toml", &full[..cut]);
    let w = Watch::start(&f);
    let pdf = f.root().join("dist/testville.en.pdf");
    assert_eq!(page_of(&pdf, "Marker19"), None);

    // The last paragraph comes back: alone on a page as written, so copyfitted.
    f.write("text/en/background.toml", &full);
    wait_until("the refit", || read(&w.log).contains("Refitted"));
    let (last, before) = (page_of(&pdf, "Marker19"), page_of(&pdf, "Marker18"));
    assert!(last.is_some() && last == before, "refitted, the last paragraph ends the page before: {last:?} {before:?}");
    let built = f.run(&["build", "--lang", "en", "-o", "built"]);
    assert!(built.status.success(), "{}", common::stderr(&built));
    let watched = std::fs::read(&pdf).unwrap();
    assert!(watched == std::fs::read(f.root().join("built/testville.en.pdf")).unwrap(), "watch leaves build's PDF");
}

/// The rounds typst took for each layout `-v` timed in `log`, in order.
fn rounds(log: &str) -> Vec<usize> {
    log.lines()
        .filter_map(|l| l.split("first layout in ").nth(1))
        .filter_map(|rest| rest.split(' ').next()?.parse().ok())
        .collect()
}

/// Watch's quick pass starts typst from the edition's last layout instead
/// of from nothing: a save that changes nothing settles in one round, where
/// the first build took several (the contents page and the running heads
/// read the layout before), and makes the same PDF.
#[test]
fn a_quick_pass_starts_from_the_last_layout() {
    let f = Fixture::new("basic");
    let w = Watch::start_with(&f, &["-v"]);
    let pdf = f.root().join("dist/testville.en.pdf");
    let built = std::fs::read(&pdf).unwrap();
    let first = rounds(&read(&w.log));
    assert!(first.len() == 1 && first[0] >= 2, "from nothing typst takes two rounds or more: {first:?}");

    f.write("text/en/intro.toml", &f.read("text/en/intro.toml"));
    wait_until("the rebuild", || read(&w.log).contains("Rebuilt in"));
    let all = rounds(&read(&w.log));
    assert_eq!(all.get(1), Some(&1), "the quick pass settles at once: {all:?}\n{}", read(&w.log));
    assert!(std::fs::read(&pdf).unwrap() == built, "the same PDF");
}

/// The full pass prints the problems of its own layouts, which the quick
/// pass before it did not have: here a book that settles from its last
/// layout (counting on from where it stopped) but not from nothing, where
/// it needs more rounds than typst is given.
#[test]
fn the_full_pass_says_what_only_its_layout_found() {
    let f = Fixture::new("basic");
    let count = "\n#context { let q = query(<m>); let v = if q.len() > 0 { q.first().value } else { 0 }\n\
                 [#metadata(calc.min(v + 1, 14)) <m>] }\n";
    f.write("templates/main.typ", &format!("{}{count}", f.read("templates/main.typ")));
    let w = Watch::start(&f);
    let unsettled = "did not converge within 10 attempts";
    assert_eq!(read(&w.log).matches(unsettled).count(), 1, "from nothing: {}", read(&w.log));

    f.write("text/en/intro.toml", &f.read("text/en/intro.toml"));
    wait_until("the rebuild", || read(&w.log).contains("Rebuilt in"));
    wait_until("the full pass's warning", || read(&w.log).matches(unsettled).count() == 2);
    let log = read(&w.log);
    let quick = log.find("Rebuilt in").unwrap();
    assert_eq!(log[..quick].matches(unsettled).count(), 1, "the quick pass settles from the last layout: {log}");
}
