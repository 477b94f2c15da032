//! One fixture per kind of bad input: the exit code, the message, its
//! location (file:line:column of the offending text), and that the previous
//! PDF is untouched.

mod common;

use common::{Fixture, stderr};

/// 1-based line and column of the first occurrence of `needle` in `text`.
fn locate(text: &str, needle: &str) -> String {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in the edited file"));
    let line = text[..at].matches('\n').count() + 1;
    let col = text[..at].rsplit('\n').next().unwrap().chars().count() + 1;
    format!("{line}:{col}")
}

struct Case {
    file: &'static str,
    from: &'static str,
    to: &'static str,
    /// The text the error should point at (in the edited file); None: no column expected.
    at: Option<&'static str>,
    message: &'static str,
    args: &'static [&'static str],
    code: i32,
}

fn run(case: &Case) {
    let f = Fixture::new("basic");
    let ok = f.run(&["build", "--lang", "en"]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let pdf = f.root().join("dist/testville.en.pdf");
    let before = std::fs::read(&pdf).unwrap();
    let edited = f.read(case.file).replacen(case.from, case.to, 1);
    assert_ne!(edited, f.read(case.file), "the edit must change {}", case.file);
    f.write(case.file, &edited);
    let mut args = vec!["build", "--lang", "en"];
    args.extend_from_slice(case.args);
    let out = f.run(&args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(case.code), "{err}");
    assert!(err.contains(case.message), "expected {:?} in:\n{err}", case.message);
    if let Some(at) = case.at {
        let place = format!("{}:{}", case.file, locate(&edited, at));
        assert!(err.contains(&place), "expected location {place} in:\n{err}");
    }
    assert_eq!(std::fs::read(&pdf).unwrap(), before, "the previous PDF must stay untouched");
}

#[test]
fn toml_syntax_error() {
    run(&Case {
        file: "data/figures.toml",
        from: "value = 974",
        to: "value = = 974",
        at: Some("= 974"),
        message: "error:",
        args: &[],
        code: 1,
    });
}

#[test]
fn unknown_field() {
    run(&Case {
        file: "data/figures.toml",
        from: "unit = \"count\"\nyear = 2020",
        to: "unit = \"count\"\ncolour = \"red\"\nyear = 2020",
        at: Some("colour"),
        message: "unknown field `colour`",
        args: &[],
        code: 1,
    });
}

#[test]
fn wrong_type() {
    run(&Case {
        file: "data/figures.toml",
        from: "value = 974",
        to: "value = \"974\"",
        at: Some("\"974\""),
        message: "invalid type",
        args: &[],
        code: 1,
    });
}

#[test]
fn dangling_reference() {
    run(&Case {
        file: "data/figures.toml",
        from: "items = [\"gdp\", \"trips\"]",
        to: "items = [\"gdp\", \"tripz\"]",
        at: Some("\"tripz\""),
        message: "unknown indicator `tripz`",
        args: &[],
        code: 1,
    });
}

#[test]
fn unknown_placeholder() {
    run(&Case {
        file: "text/en/intro.toml",
        from: "{trips} trips",
        to: "{tripz} trips",
        at: Some("{tripz}"),
        message: "unknown indicator `tripz`",
        args: &[],
        code: 1,
    });
}

#[test]
fn missing_image() {
    run(&Case {
        file: "text/en/intro.toml",
        from: "images/market.png",
        to: "images/nope.png",
        at: Some("\"images/nope.png\""),
        message: "photo `images/nope.png` not found",
        args: &[],
        code: 1,
    });
}

#[test]
fn path_traversal_in_data() {
    run(&Case {
        file: "text/en/intro.toml",
        from: "images/market.png",
        to: "../../etc/passwd",
        at: Some("\"../../etc/passwd\""),
        message: "leaves the project",
        args: &[],
        code: 1,
    });
}

#[test]
fn path_traversal_in_template() {
    run(&Case {
        file: "templates/main.typ",
        from: "#let d = json(\"/data.json\")",
        to: "#let d = json(\"/data.json\")\n#let secret = read(\"../../../etc/passwd\")",
        at: Some("\"../../../etc/passwd\""),
        message: "error:",
        args: &[],
        code: 1,
    });
}

#[test]
fn package_import_without_network() {
    run(&Case {
        file: "templates/main.typ",
        from: "#import \"lib.typ\": *",
        to: "#import \"lib.typ\": *\n#import \"@preview/cetz:0.3.0\"",
        at: Some("\"@preview/cetz:0.3.0\""),
        message: "vlr never downloads packages; vendor it under packages/preview/cetz/0.3.0",
        args: &[],
        code: 1,
    });
}

#[test]
fn unwritable_output() {
    let f = Fixture::new("basic");
    let out = f.run(&["build", "--lang", "en", "--out", "vlr.toml/dist"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot write"), "{}", stderr(&out));
    assert!(!f.root().join("dist").exists());
}

#[test]
fn unknown_opener_style() {
    run(&Case {
        file: "vlr.toml",
        from: "opener = true",
        to: "opener = \"quarter\"",
        at: Some("\"quarter\""),
        message: "unknown opener style `quarter`",
        args: &[],
        code: 1,
    });
}

#[test]
fn acronym_without_text_in_the_source_language() {
    run(&Case {
        file: "text/en/meta.toml",
        from: "SDG = \"Sustainable Development Goal\"",
        to: "",
        at: None,
        message: "acronym `SDG` is not spelt out",
        args: &[],
        code: 1,
    });
}

#[test]
fn acronym_missing_in_a_translation_falls_back_in_draft() {
    let f = Fixture::new("basic");
    let meta = f.read("text/zh/meta.toml").replace("SDG = \"可持续发展目标\"", "");
    f.write("text/zh/meta.toml", &meta);
    let out = f.run(&["build", "--lang", "zh"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("missing translation: 1 acronym(s) under [acronyms]: SDG"), "{err}");
    assert!(err.contains("text/zh/meta.toml"), "{err}");
    let out = f.run(&["build", "--lang", "zh", "--draft"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = common::pdf_text(&f.root().join("dist/testville.zh.pdf"));
    assert!(text.contains("Sustainable Development Goal"), "the source language's text is shown");
}
