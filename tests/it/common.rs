//! Shared helpers: fixture projects copied into a temp dir, run through the real binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Gives a project the repository's fonts as hard links (copies where the
/// temp dir is on another file system): vlr reads nothing outside the
/// project, so a symlink to the repository's fonts would be skipped.
pub fn link_fonts(root: &Path) {
    let fonts = root.join("fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    for entry in std::fs::read_dir(repo().join("fonts")).unwrap() {
        let p = entry.unwrap().path();
        if !p.is_file() {
            continue;
        }
        let target = fonts.join(p.file_name().unwrap());
        if std::fs::hard_link(&p, &target).is_err() {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

/// A fixture project in a temp dir, with the repository's templates and fonts.
pub struct Fixture {
    /// Keeps the temp dir alive.
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// Copies `tests/fixtures/<name>` and the real templates; links the fonts.
    pub fn new(name: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(&repo().join("tests/fixtures").join(name), dir.path());
        if !dir.path().join("templates").exists() {
            copy_dir(&repo().join("templates"), &dir.path().join("templates"));
        }
        link_fonts(dir.path());
        Self { dir }
    }

    /// The project root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `vlr <args>` in the project root.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_vlr"))
            .args(args)
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .expect("run vlr")
    }

    /// Overwrites a file of the project.
    pub fn write(&self, rel: &str, text: &str) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Reads a file of the project.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).unwrap()
    }
}

/// The `basic` fixture with a good English PDF in dist/, that PDF's path and
/// its bytes: the previous PDF that a failed build must leave untouched. The
/// PDF is built once per test process and copied into each fixture (one typst
/// build instead of one per bad-input case).
pub fn built() -> (Fixture, PathBuf, Vec<u8>) {
    static GOOD: OnceLock<Vec<u8>> = OnceLock::new();
    let good = GOOD.get_or_init(|| {
        let f = Fixture::new("basic");
        let ok = f.run(&["build", "--lang", "en"]);
        assert!(ok.status.success(), "the basic fixture builds: {}", stderr(&ok));
        std::fs::read(f.root().join("dist/testville.en.pdf")).expect("the built PDF")
    });
    let f = Fixture::new("basic");
    let pdf = f.root().join("dist/testville.en.pdf");
    std::fs::create_dir_all(pdf.parent().unwrap()).unwrap();
    std::fs::write(&pdf, good).unwrap();
    (f, pdf, good.clone())
}

/// A folder under target/tmp for what the tests of one process share (a
/// static `TempDir` is never dropped, so never removed): `<name>-<pid>`,
/// emptied; the folders of finished test processes are removed first.
pub fn shared_dir(name: &str) -> PathBuf {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let prefix = format!("{name}-");
    for entry in std::fs::read_dir(base).into_iter().flatten().flatten() {
        let file = entry.file_name();
        if let Some(pid) = file.to_string_lossy().strip_prefix(&prefix)
            && cfg!(target_os = "linux")
            && !Path::new("/proc").join(pid).exists()
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    let dir = base.join(format!("{prefix}{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let p = entry.unwrap().path();
        let t = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &t);
        } else {
            std::fs::copy(&p, &t).unwrap();
        }
    }
}

/// Text of a PDF, whitespace collapsed.
pub fn pdf_text(path: &Path) -> String {
    let text = pdf_extract::extract_text(path).expect("extract PDF text");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Page count of a PDF.
pub fn pdf_pages(path: &Path) -> usize {
    lopdf::Document::load(path).expect("load PDF").get_pages().len()
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The PDF of a language in a fixture's `dist/`, whatever its output name
/// (`new-edition` renames it): `<output>.<lang>.pdf`.
pub fn dist_pdf(f: &Fixture, lang: &str) -> PathBuf {
    std::fs::read_dir(f.root().join("dist"))
        .expect("dist/")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(&format!(".{lang}.pdf")))
        .unwrap_or_else(|| panic!("no {lang} PDF in dist/"))
}
