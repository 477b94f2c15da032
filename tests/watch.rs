//! `vlr watch` rebuilds on an edit, and a broken edit keeps the last good PDF.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Fixture, pdf_text};

fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < Duration::from_secs(30), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn rebuilds_on_edit_and_keeps_last_good_pdf() {
    let f = Fixture::new("basic");
    // The log lives outside the project: writing it must not trigger rebuilds.
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("watch.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_vlr"))
        .args(["watch", "--lang", "en"])
        .current_dir(f.root())
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let pdf = f.root().join("dist/testville.en.pdf");
    let read_log = || std::fs::read_to_string(&log).unwrap_or_default();
    wait_until("the first build", || read_log().contains("watching"));
    assert!(pdf_text(&pdf).contains("Economic Growth"));

    f.write("text/en/intro.toml", &f.read("text/en/intro.toml").replace("Economic Growth", "Economic Progress"));
    wait_until("the rebuild", || read_log().contains("Rebuilt in") && read_log().contains("text/en/intro.toml"));
    assert!(pdf_text(&pdf).contains("Economic Progress"));
    let good = std::fs::read(&pdf).unwrap();

    f.write("text/en/intro.toml", &f.read("text/en/intro.toml").replace("{trips} trips", "{tripz} trips"));
    wait_until("the failed rebuild", || read_log().contains("unknown indicator `tripz`"));
    wait_until("the failure line", || read_log().contains("Failed in"));
    assert_eq!(std::fs::read(&pdf).unwrap(), good, "a broken edit must keep the last good PDF");
    let _ = child.kill();
    let _ = child.wait();
}
