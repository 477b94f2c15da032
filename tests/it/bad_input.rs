//! One fixture per kind of bad input: the exit code, the message, its
//! location (file:line:column of the offending text), and that the previous
//! PDF is untouched.

use crate::common::{self, Fixture, built, stderr};

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
    let (f, pdf, before) = built();
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
fn each_edition_lists_only_the_acronyms_its_text_uses() {
    let f = Fixture::new("basic");
    // The Chinese list holds GDP, which its text never writes .
    f.write(
        "text/zh/meta.toml",
        &f.read("text/zh/meta.toml").replace("[acronyms]\n", "[acronyms]\nGDP = \"国内生产总值（GDP）\"\n"),
    );
    let out = f.run(&["check"]);
    let err = stderr(&out);
    assert!(out.status.success(), "a warning, not an error: {err}");
    assert!(err.contains("`GDP` is listed but the zh text never uses it: left out of the list"), "{err}");
    let at = format!("text/zh/meta.toml:{}", locate(&f.read("text/zh/meta.toml"), "\"国内生产总值"));
    assert!(err.contains(&at), "expected {at} in {err}");
    let out = f.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let en = common::pdf_text(&f.root().join("dist/testville.en.pdf"));
    let zh = common::pdf_text(&f.root().join("dist/testville.zh.pdf"));
    assert!(en.contains("Sustainable Development Goal"), "the English list keeps SDG, which its pages print");
    assert!(!zh.contains("国内生产总值"), "the Chinese list leaves GDP out");
}

// ---------------------------------------------------------------------------
// Issue 16: hostile and clumsy input.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Runs vlr in the project with extra environment variables.
fn run_env(f: &Fixture, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vlr"));
    c.args(args).current_dir(f.root()).env("NO_COLOR", "1").env_remove("SOURCE_DATE_EPOCH");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run vlr")
}

/// Asserts the exit code, the message and (if given) the location `file:line:col` of `needle` in `file`.
fn expect(f: &Fixture, out: &Output, code: i32, message: &str, at: Option<(&str, &str)>) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(err.contains(message), "expected {message:?} in:\n{err}");
    if let Some((file, needle)) = at {
        let place = format!("{file}:{}", locate(&f.read(file), needle));
        assert!(err.contains(&place), "expected location {place} in:\n{err}");
    }
    err
}

fn edit(f: &Fixture, file: &str, from: &str, to: &str) {
    let text = f.read(file);
    let edited = text.replacen(from, to, 1);
    assert_ne!(edited, text, "the edit must change {file}");
    f.write(file, &edited);
}

/// Files in the folder holding the project (the temp dir's parent is shared:
/// only names that these tests could write are looked for).
fn exists_outside(name: &str) -> bool {
    std::env::temp_dir().join(name).exists()
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().map(|s| s.success()).unwrap_or(false);
    assert!(ok, "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn symlinked_text_leaving_the_project_is_refused() {
    let (f, pdf, before) = built();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.toml"), "title = \"TOP-SECRET-42\"\n").unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.toml"), f.root().join("text/en/secret.toml")).unwrap();
    let out = f.run(&["build", "--lang", "en"]);
    let err = expect(&f, &out, 1, "text/en/secret.toml leaves the project folder", None);
    assert!(!err.contains("TOP-SECRET-42"), "{err}");
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
}

#[cfg(unix)]
#[test]
fn symlinked_data_to_system_files_is_refused_without_echoing_them() {
    let (f, pdf, before) = built();
    std::os::unix::fs::symlink("/proc/self/environ", f.root().join("data/env.toml")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", f.root().join("data/passwd.toml")).unwrap();
    let out = run_env(&f, &["build", "--lang", "en"], &[("VLR_TEST_SECRET", "hunter2-secret")]);
    let err = expect(&f, &out, 1, "data/env.toml leaves the project folder", None);
    assert!(err.contains("data/passwd.toml leaves the project folder"), "{err}");
    assert!(!err.contains("hunter2-secret") && !err.contains("root:x:0"), "{err}");
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
}

#[test]
fn output_in_vlr_toml_may_not_leave_the_output_folder() {
    let (f, pdf, before) = built();
    let name = format!("vlr-escape-{}", std::process::id());
    let abs = std::env::temp_dir().join(&name).join("x");
    for bad in [abs.display().to_string(), format!("../../../{name}/x"), "a/../../x".to_string()] {
        let text = f.read("vlr.toml");
        f.write("vlr.toml", &text.replace("output = \"testville\"", &format!("output = {bad:?}")));
        let out = f.run(&["build", "--lang", "en"]);
        expect(&f, &out, 1, "leaves the output folder", Some(("vlr.toml", &format!("{bad:?}"))));
        assert!(!exists_outside(&name), "nothing may be written outside the project");
        f.write("vlr.toml", &text);
    }
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
    // -o on the command line is the user's own choice and may go anywhere.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = f.run(&["build", "--lang", "en", "-o", elsewhere.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(elsewhere.path().join("testville.en.pdf").is_file());
}

#[test]
fn check_with_a_series_shorter_than_its_categories_does_not_panic() {
    for kind in ["bar", "hbar", "grouped-bar", "line"] {
        let f = Fixture::new("basic");
        if kind != "bar" {
            edit(&f, "data/figures.toml", "kind = \"bar\"", &format!("kind = \"{kind}\""));
        }
        edit(
            &f,
            "data/figures.toml",
            "values = [\"trips-2019\", \"trips\"] }]",
            "values = [\"trips-2019\", \"trips\"] }, { key = \"b\", values = [\"trips\"] }]",
        );
        let out = f.run(&["check"]);
        let err = expect(&f, &out, 1, "series `b` has 1 values for 2 categories", Some(("data/figures.toml", "\"b\"")));
        assert!(!err.contains("panicked"), "{err}");
        let out = f.run(&["build", "--lang", "en"]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(!f.root().join("dist").exists());
    }
}

#[test]
fn compiling_has_a_time_limit_naming_edition_and_template() {
    let (f, pdf, before) = built();
    edit(
        &f,
        "templates/main.typ",
        "#let d = json(\"/data.json\")",
        "#let d = json(\"/data.json\")\n#for i in range(1000000) { for j in range(1000000) { } }",
    );
    let t0 = Instant::now();
    let out = f.run(&["build", "--lang", "en", "--time-limit", "2"]);
    expect(&f, &out, 1, "compiling the en edition (templates/main.typ) took longer than the time limit of 2 s", None);
    assert!(t0.elapsed() < Duration::from_secs(30));
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
    // The same from vlr.toml, and for `check`.
    edit(&f, "vlr.toml", "output = \"testville\"", "output = \"testville\"\ntime-limit = 1");
    let out = f.run(&["check", "--lang", "en"]);
    expect(&f, &out, 1, "took longer than the time limit of 1 s", None);
    assert!(!f.root().read_dir().unwrap().any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".tmp")));
}

#[cfg(unix)]
#[test]
fn fifos_are_never_read() {
    let (f, pdf, before) = built();
    // In the template's reach.
    mkfifo(&f.root().join("templates/pipe.txt"));
    edit(
        &f,
        "templates/main.typ",
        "#let d = json(\"/data.json\")",
        "#let d = json(\"/data.json\")\n#let x = read(\"pipe.txt\")",
    );
    let t0 = Instant::now();
    let out = f.run(&["build", "--lang", "en", "--time-limit", "60"]);
    expect(&f, &out, 1, "not a regular file", Some(("templates/main.typ", "\"pipe.txt\"")));
    assert!(t0.elapsed() < Duration::from_secs(30));
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
    // As the project file, with --root.
    let other = tempfile::tempdir().unwrap();
    mkfifo(&other.path().join("vlr.toml"));
    let out = f.run(&["check", "--root", other.path().to_str().unwrap()]);
    expect(&f, &out, 1, "vlr.toml is not a regular file", None);
    // As a data file.
    mkfifo(&f.root().join("data/pipe.toml"));
    let out = f.run(&["build", "--lang", "en"]);
    expect(&f, &out, 1, "data/pipe.toml is not a regular file", None);
    assert!(t0.elapsed() < Duration::from_secs(60));
}

#[test]
fn huge_strings_and_arrays_in_templates_end_with_a_clear_message() {
    for expr in ["\"x\" * 100000000000", "range(400000000)"] {
        let (f, pdf, before) = built();
        edit(
            &f,
            "templates/main.typ",
            "#let d = json(\"/data.json\")",
            &format!("#let d = json(\"/data.json\")\n#let big = {expr}"),
        );
        let out = f.run(&["build", "--lang", "en"]);
        let err = expect(&f, &out, 1, "compiling the en edition (templates/main.typ) needed more memory", None);
        assert!(!err.contains("memory allocation of"), "{err}");
        assert_eq!(std::fs::read(&pdf).unwrap(), before);
        let leftovers: Vec<String> = std::fs::read_dir(f.root().join("dist"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "no temporary file is left: {leftovers:?}");
    }
}

/// A PNG that declares `w`×`h` pixels (one tiny IDAT; the check never decodes).
fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    b.extend(w.to_be_bytes());
    b.extend(h.to_be_bytes());
    b.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
    b.extend(b"\x00\x00\x00\x00IDAT\x00\x00\x00\x00\x00\x00\x00\x00IEND\xaeB`\x82");
    b
}

#[test]
fn image_bombs_are_refused_from_their_header() {
    let (f, pdf, before) = built();
    std::fs::write(f.root().join("images/bomb.png"), png_bomb(100_000, 100_000)).unwrap();
    edit(&f, "text/en/intro.toml", "images/market.png", "images/bomb.png");
    let out = f.run(&["build", "--lang", "en"]);
    expect(&f, &out, 1, "100000×100000 pixels", Some(("text/en/intro.toml", "\"images/bomb.png\"")));
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
    // The same image reached from a template.
    edit(&f, "text/en/intro.toml", "images/bomb.png", "images/market.png");
    edit(&f, "templates/main.typ", "#cover(d)", "#image(\"/images/bomb.png\")\n#cover(d)");
    let out = f.run(&["build", "--lang", "en"]);
    expect(&f, &out, 1, "100000×100000 pixels", Some(("templates/main.typ", "\"/images/bomb.png\"")));
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
    edit(&f, "templates/main.typ", "#image(\"/images/bomb.png\")\n", "");
    // An SVG logo of a few hundred bytes carrying a 400-megapixel PNG.
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(png_bomb(20_000, 20_000));
    let svg = format!("<svg xmlns='http://www.w3.org/2000/svg'><image href='data:image/png;base64,{b64}'/></svg>");
    std::fs::write(f.root().join("images/logo.svg"), svg).unwrap();
    edit(&f, "vlr.toml", "cover-photo =", "logo = \"images/logo.svg\"\ncover-photo =");
    let out = f.run(&["build", "--lang", "en"]);
    expect(&f, &out, 1, "an image inside the SVG: the image is 20000×20000", Some(("vlr.toml", "\"images/logo.svg\"")));
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
}

#[test]
fn thousands_of_bad_placeholders_are_reported_fast_and_briefly() {
    let (f, pdf, before) = built();
    let many: Vec<String> = (0..2000).map(|i| format!("{{nope{i}}}")).collect();
    edit(&f, "text/en/intro.toml", "{trips} trips", &many.join(" "));
    let t0 = Instant::now();
    let out = f.run(&["build", "--lang", "en"]);
    assert!(t0.elapsed() < Duration::from_secs(20), "took {:?}", t0.elapsed());
    let err = expect(&f, &out, 1, "unknown indicator `nope0`", Some(("text/en/intro.toml", "{nope0}")));
    assert!(err.contains("1980 more problem(s) in text/en/intro.toml"), "{err}");
    assert!(err.len() < 50_000, "{} bytes of diagnostics", err.len());
    assert!(err.lines().all(|l| l.chars().count() < 400), "long lines are cut");
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
}

#[test]
fn stale_temporary_pdfs_are_removed_at_the_next_build() {
    let (f, _pdf, _) = built();
    let mut child = Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let stale = f.root().join(format!("dist/.testville.en.pdf.{dead}.tmp"));
    std::fs::write(&stale, vec![0u8; 4096]).unwrap();
    let out = f.run(&["build", "--lang", "en"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stale.exists(), "the stale temporary file of a dead build must go");
}

#[cfg(unix)]
#[test]
fn sigterm_and_sigint_end_a_build_cleanly() {
    for (sig, code) in [("TERM", 143), ("INT", 130)] {
        let f = Fixture::new("basic");
        edit(
            &f,
            "templates/main.typ",
            "#let d = json(\"/data.json\")",
            "#let d = json(\"/data.json\")\n#for i in range(1000000) { for j in range(1000000) { } }",
        );
        let child = Command::new(env!("CARGO_BIN_EXE_vlr"))
            .args(["build", "--lang", "en"])
            .current_dir(f.root())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(800));
        let killed = Command::new("kill").args([&format!("-{sig}"), &child.id().to_string()]).status().unwrap();
        assert!(killed.success());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(code), "SIG{sig} ends vlr through its handler");
        assert!(!f.root().join("dist").exists() || f.root().join("dist").read_dir().unwrap().next().is_none());
    }
}

#[test]
fn glyphs_no_font_has_are_located() {
    for (to, at, message) in [
        ("in 2020 𓀀,", "𓀀", "no font in fonts/ has `𓀀` (U+13000)"),
        ("in 2020 \u{7},", "in 2020", "control character U+0007"),
        ("in 2020 \\u0007,", "\"\"\"Testville", "control character U+0007"),
        ("in 2020 \\u0000,", "\"\"\"Testville", "control character U+0000"),
        ("in 2020 \\U00013000,", "\"\"\"Testville", "no font in fonts/ has `𓀀`"),
        ("in 2020 \u{202E}lanoitan,", "\u{202E}", "bidirectional control U+202E"),
        ("in 2020 \\u2067,", "\"\"\"Testville", "bidirectional control U+2067"),
    ] {
        let (f, pdf, before) = built();
        edit(&f, "text/en/intro.toml", "in 2020,", to);
        let out = f.run(&["build", "--lang", "en"]);
        let err = stderr(&out);
        if to.contains('\u{7}') {
            // A raw control character is a TOML error already, at its place.
            assert_eq!(out.status.code(), Some(1), "{err}");
            assert!(err.contains("text/en/intro.toml:5:"), "{err}");
        } else {
            expect(&f, &out, 1, message, Some(("text/en/intro.toml", at)));
        }
        assert_eq!(std::fs::read(&pdf).unwrap(), before);
    }
}

#[test]
fn photo_that_is_not_an_image() {
    run(&Case {
        file: "text/en/intro.toml",
        from: "images/market.png",
        to: "vlr.toml",
        at: Some("\"vlr.toml\""),
        message: "photo `vlr.toml`: is not an image",
        args: &[],
        code: 1,
    });
}

#[test]
fn goals_block_outside_1_to_17() {
    for goal in ["0", "18"] {
        run(&Case {
            file: "text/en/intro.toml",
            from: "[[block]]\nid = \"s1\"",
            to: &*Box::leak(format!("[[block]]\ngoals = [8, {goal}]\n\n[[block]]\nid = \"s1\"").into_boxed_str()),
            at: Some(&*Box::leak(format!(" {goal}]").trim_start().to_string().into_boxed_str())),
            message: "an SDG goal is a number from 1 to 17",
            args: &[],
            code: 1,
        });
    }
}

#[test]
fn table_widths_must_match_the_columns() {
    for widths in ["[1, 2, 3]", "[1, -1]", "[1, nan]"] {
        run(&Case {
            file: "text/en/intro.toml",
            from: "table.rows",
            to: &*Box::leak(format!("table.widths = {widths}\ntable.rows").into_boxed_str()),
            at: Some(&*Box::leak(widths.to_string().into_boxed_str())),
            message: "widths",
            args: &[],
            code: 1,
        });
    }
}

#[test]
fn invalid_source_date_epoch() {
    for value in ["abc", "-5", "99999999999999"] {
        let (f, pdf, before) = built();
        let out = run_env(&f, &["build", "--lang", "en"], &[("SOURCE_DATE_EPOCH", value)]);
        expect(&f, &out, 2, &format!("SOURCE_DATE_EPOCH={value:?} is not a time"), None);
        assert_eq!(std::fs::read(&pdf).unwrap(), before);
    }
}

#[test]
fn unknown_language_is_a_usage_error() {
    let (f, pdf, before) = built();
    for args in [&["build", "--lang", "xx"][..], &["check", "--lang", "xx"], &["build", "--lang", "fr"]] {
        let out = f.run(args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("xx") || err.contains("`fr` is not in vlr.toml"), "{err}");
    }
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
}

#[test]
fn non_finite_and_absurd_numbers_are_refused_where_written() {
    for (value, message) in [
        ("nan", "not a number a review can print"),
        ("inf", "not a number a review can print"),
        ("-inf", "not a number a review can print"),
        ("1e308", "a quadrillion or more"),
        ("1e-320", "smaller than one millionth"),
    ] {
        run(&Case {
            file: "data/figures.toml",
            from: "value = 974",
            to: &*Box::leak(format!("value = {value}").into_boxed_str()),
            at: Some(&*Box::leak(value.to_string().into_boxed_str())),
            message,
            args: &[],
            code: 1,
        });
    }
}

#[test]
fn out_of_range_values_for_the_unit_warn() {
    let f = Fixture::new("basic");
    edit(&f, "data/figures.toml", "value = 974\nunit = \"count\"", "value = 1e9\nunit = \"percent\"");
    let out = f.run(&["check", "--lang", "en"]);
    let err = stderr(&out);
    assert!(err.contains("warning: a percentage above 10,000"), "{err}");
    assert!(err.contains(&format!("data/figures.toml:{}", locate(&f.read("data/figures.toml"), "1e9"))), "{err}");
}

#[test]
fn sdg_outside_the_goals() {
    run(&Case {
        file: "data/figures.toml",
        from: "sdg = \"8.1\"",
        to: "sdg = \"99\"",
        at: Some("\"99\""),
        message: "`99` is not an SDG goal",
        args: &[],
        code: 1,
    });
}

#[test]
fn new_edition_refuses_impossible_years_and_writes_nothing() {
    for year in ["20211", "70000"] {
        let f = Fixture::new("basic");
        let before = f.read("vlr.toml");
        let out = f.run(&["new-edition", year]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "a usage error: {err}");
        assert!(err.contains(year), "{err}");
        assert_eq!(f.read("vlr.toml"), before, "vlr.toml must stay as it was");
        let out = f.run(&["new-edition", year, "--force"]);
        assert_eq!(out.status.code(), Some(2), "--force does not make {year} a year: {}", stderr(&out));
        assert_eq!(f.read("vlr.toml"), before);
        let out = f.run(&["build", "--lang", "en"]);
        assert!(out.status.success(), "the project still builds: {}", stderr(&out));
    }
}

#[test]
fn init_with_a_quote_in_the_city_builds_and_bad_editions_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let vlr = env!("CARGO_BIN_EXE_vlr");
    let target = dir.path().join("quoted");
    let out =
        Command::new(vlr).args(["init", target.to_str().unwrap(), "--city", "Saint \"Q\" City"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = Command::new(vlr).args(["check"]).current_dir(&target).output().unwrap();
    assert!(out.status.code() != Some(2) && !stderr(&out).contains("TOML parse"), "{}", stderr(&out));
    for edition in ["0", "2147483647"] {
        let t = dir.path().join(format!("e{edition}"));
        let out = Command::new(vlr).args(["init", t.to_str().unwrap(), "--edition", edition]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("is not a reporting year"), "{}", stderr(&out));
        assert!(!t.exists());
    }
    let t = dir.path().join("fonts");
    let nowhere = dir.path().join("nowhere");
    let out = Command::new(vlr)
        .args(["init", t.to_str().unwrap(), "--fonts-from", nowhere.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!t.exists());
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 1, "only the quoted project: {left:?}");
}

#[cfg(unix)]
#[test]
fn emit_typst_copies_nothing_from_outside_and_never_blocks() {
    let f = Fixture::new("basic");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.typ"), "TOP-SECRET").unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.typ"), f.root().join("templates/secret.typ")).unwrap();
    std::os::unix::fs::symlink(f.root().join("templates"), f.root().join("templates/loop")).unwrap();
    mkfifo(&f.root().join("images/pipe.png"));
    let emitted = tempfile::tempdir().unwrap();
    let t0 = Instant::now();
    let out = f.run(&["build", "--lang", "en", "--emit-typst", emitted.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(t0.elapsed() < Duration::from_secs(60));
    assert!(emitted.path().join("en/templates/main.typ").is_file());
    assert!(!emitted.path().join("en/templates/secret.typ").exists());
    assert!(!emitted.path().join("en/images/pipe.png").exists());
}

#[test]
fn forty_decimals_print_rounded_not_as_float_noise() {
    let f = Fixture::new("basic");
    let literal = "974.1234567890123456789012345678901234567891";
    edit(&f, "data/figures.toml", "value = 974", &format!("value = {literal}"));
    let out = f.run(&["build", "--lang", "en"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("significant digits"), "{err}");
    assert!(err.contains(&format!("data/figures.toml:{}", locate(&f.read("data/figures.toml"), literal))), "{err}");
    let text = common::pdf_text(&f.root().join("dist/testville.en.pdf"));
    assert!(text.contains("974.123456789012"), "{text}");
    assert!(!text.contains("974.1234567890123"), "no digits past the 15th: {text}");
}

#[test]
fn indicator_without_a_label_points_at_its_definition() {
    let f = Fixture::new("basic");
    let text = "text/en/intro.toml";
    f.write(text, &f.read(text).replacen("gdp = \"Regional GDP\"\n", "", 1));
    let out = f.run(&["build", "--lang", "en"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("indicator `gdp` has no label in any text file"), "{err}");
    let data = f.read("data/figures.toml");
    let place = format!("data/figures.toml:{}", locate(&data, "\"gdp\""));
    assert!(err.contains(&place), "expected location {place} in:\n{err}");
}

#[test]
fn edition_out_of_range_is_located() {
    run(&Case {
        file: "vlr.toml",
        from: "edition = 2020",
        to: "edition = 20200",
        at: Some("20200"),
        message: "`edition` is a year from 1800 to 2200",
        args: &[],
        code: 1,
    });
}

#[test]
fn a_syntax_error_is_not_followed_by_its_consequences() {
    // The file holding `trips` does not parse: its one error is reported, not
    // every text that uses `trips` (in build and in check).
    let f = Fixture::new("basic");
    f.write("data/figures.toml", &f.read("data/figures.toml").replacen("value = 974", "value = = 974", 1));
    for cmd in ["build", "check"] {
        let out = f.run(&[cmd, "--lang", "en"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert_eq!(err.matches("error:").count(), 1, "{cmd}: one error expected:\n{err}");
        assert!(!err.contains("unknown indicator"), "{cmd}: {err}");
    }
}

#[test]
fn a_bad_colour_in_the_theme_is_located() {
    run(&Case {
        file: "templates/theme.toml",
        from: "grid = \"#DDDDDD\"",
        to: "grid = \"#DDDDD\"",
        at: Some("\"#DDDDD\""),
        message: "`#DDDDD` is not a colour",
        args: &[],
        code: 1,
    });
}

#[test]
fn a_theme_font_family_not_in_fonts_is_located() {
    run(&Case {
        file: "templates/theme.toml",
        from: "heading = [\"Noto Sans\"]",
        to: "heading = [\"Noto Sanz\"]",
        at: Some("\"Noto Sanz\""),
        message: "no font in fonts/ is of the family `Noto Sanz`",
        args: &[],
        code: 1,
    });
}

/// A family whose regular face is missing (a file deleted, or not yet
/// copied) would set the body in its bold or italic without a word: warned
/// at the line that names it.
#[test]
fn a_theme_font_family_without_its_regular_face_is_warned_of() {
    let f = Fixture::new("basic");
    // A hard link to the repository's file: removing it leaves that alone.
    std::fs::remove_file(f.root().join("fonts/NotoSerif-Regular.ttf")).unwrap();
    // Checked for English alone, the Chinese faces are not asked for.
    std::fs::remove_file(f.root().join("fonts/NotoSerifCJKsc-Regular.otf")).unwrap();
    let out = f.run(&["check", "--lang", "en"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "a warning, not an error:\n{err}");
    assert!(!err.contains("CJK"), "{err}");
    assert!(err.contains("fonts/ has `Noto Serif` only as bold, bold italic, italic: no regular face"), "{err}");
    let theme = f.read("templates/theme.toml");
    let place = format!("templates/theme.toml:{}", locate(&theme, "\"Noto Serif\""));
    assert!(err.contains(&place), "expected {place} in:\n{err}");
    // With Chinese, the CJK serif the theme names is missing: an error.
    let out = f.run(&["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("no font in fonts/ is of the family `Noto Serif CJK SC`"), "{}", stderr(&out));
}

#[test]
fn a_missing_theme_is_one_error_naming_it() {
    // Reported by vlr once, before typst would complain about it too.
    let f = Fixture::new("basic");
    std::fs::remove_file(f.root().join("templates/theme.toml")).unwrap();
    for cmd in ["build", "check"] {
        let out = f.run(&[cmd, "--lang", "en"]);
        let err = expect(&f, &out, 1, "cannot read templates/theme.toml", None);
        assert_eq!(err.matches("error:").count(), 1, "{cmd}: one error expected:\n{err}");
    }
}

#[cfg(unix)]
#[test]
fn a_dist_symlink_is_not_written_through_unless_named_with_o() {
    let f = Fixture::new("basic");
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), f.root().join("dist")).unwrap();
    let out = f.run(&["build", "--lang", "en"]);
    expect(&f, &out, 2, "dist is a symlink: vlr writes its output only into a real folder", None);
    assert!(stderr(&out).contains("pass `-o dist`"), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0, "nothing written outside the project");
    // Named on the command line, it is the user's choice.
    let out = f.run(&["build", "--lang", "en", "-o", "dist"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(outside.path().join("testville.en.pdf").is_file());
}

#[cfg(unix)]
#[test]
fn init_fonts_from_copies_only_regular_font_files() {
    let dir = tempfile::tempdir().unwrap();
    let from = dir.path().join("from");
    std::fs::create_dir_all(from.join("fonts")).unwrap();
    std::fs::copy(common::repo().join("fonts/NotoSans-Regular.ttf"), from.join("fonts/a.ttf")).unwrap();
    std::fs::write(from.join("fonts/OFL.txt"), "licence").unwrap();
    std::fs::write(dir.path().join("id_ed25519"), "PRIVATE-KEY-42").unwrap();
    std::os::unix::fs::symlink(dir.path().join("id_ed25519"), from.join("fonts/key.ttf")).unwrap();
    std::fs::write(from.join("fonts/id_rsa"), "PRIVATE-KEY-43").unwrap();
    let t = dir.path().join("new");
    let out = Command::new(env!("CARGO_BIN_EXE_vlr"))
        .args(["init", t.to_str().unwrap(), "--fonts-from", from.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut copied: Vec<String> =
        std::fs::read_dir(t.join("fonts")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    copied.sort();
    assert_eq!(copied, ["OFL.txt", "a.ttf"]);
}

#[test]
fn a_bidi_control_in_the_output_name_is_refused_where_written() {
    run(&Case {
        file: "vlr.toml",
        from: "output = \"testville\"",
        to: "output = \"testville\u{202E}fdp.exe\"",
        at: Some("\"testville\u{202E}"),
        message: "`output` holds U+202E, a bidirectional control that disguises the file's name",
        args: &[],
        code: 1,
    });
}

#[test]
fn a_publication_date_must_be_a_day_in_range() {
    for (to, message) in [
        ("published = 12:00:00", "`published` needs a date: a time alone is not a day"),
        ("published = 0000-07-01", "`published` is in the year 0: a publication date is from 1800 to 2200"),
    ] {
        let (f, pdf, before) = built();
        edit(&f, "vlr.toml", "published = 2021-07-01", to);
        let out = f.run(&["build", "--lang", "en"]);
        let err = expect(&f, &out, 1, message, Some(("vlr.toml", to.trim_start_matches("published = "))));
        assert!(!err.contains("missing document date"), "{err}");
        assert_eq!(std::fs::read(&pdf).unwrap(), before);
    }
}

#[test]
fn a_language_tag_without_strings_is_refused_at_its_place() {
    // A region or script vlr has no strings for (en-GB, zh-Hant) is located in
    // vlr.toml, with how to add it, not reported from inside the template.
    run(&Case {
        file: "vlr.toml",
        from: "languages = [\"en\", \"zh\"]",
        to: "languages = [\"en\", \"zh-Hant\"]",
        at: Some("\"zh-Hant\""),
        message: "unsupported language `zh-Hant`",
        args: &[],
        code: 1,
    });
}

#[test]
fn a_numbering_pattern_without_a_counter_is_refused_where_written() {
    run(&Case {
        file: "vlr.toml",
        from: "cover-photo =",
        to: "numbering = { en = \"(x)\" }\ncover-photo =",
        at: Some("\"(x)\""),
        message: "`(x)` is not a numbering pattern",
        args: &[],
        code: 1,
    });
}

#[test]
fn alt_text_longer_than_a_pdf_string_is_refused_where_written() {
    let long = "a market stall ".repeat(2500);
    run(&Case {
        file: "text/en/intro.toml",
        from: "photo.alt = \"",
        to: String::leak(format!("photo.alt = \"{long}")),
        at: Some("\"a market stall"),
        message: "this text is too long for the PDF: a PDF string holds at most 32,767 bytes",
        args: &[],
        code: 1,
    });
}

#[test]
fn decimals_past_what_a_figure_can_print_are_refused_where_written() {
    run(&Case {
        file: "data/figures.toml",
        from: "value = 974",
        to: "value = 974\ndecimals = 255",
        at: Some("255"),
        message: "`decimals = 255`: a figure is printed with at most 6 decimals",
        args: &[],
        code: 1,
    });
}

#[test]
fn a_negative_count_warns_and_negative_zero_prints_as_zero() {
    let f = Fixture::new("basic");
    // (Out of the chart, which cannot draw a negative value.)
    edit(&f, "data/figures.toml", "values = [\"trips-2019\", \"trips\"]", "values = [\"trips-2019\", \"\"]");
    edit(&f, "data/figures.toml", "value = 974", "value = -974");
    let out = f.run(&["build", "--lang", "en"]);
    expect(&f, &out, 0, "warning: a negative count", Some(("data/figures.toml", "-974")));
    edit(&f, "data/figures.toml", "value = -974", "value = -0.0");
    let out = f.run(&["build", "--lang", "en"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = common::pdf_text(&f.root().join("dist/testville.en.pdf"));
    assert!(text.contains("ran 0.0 trips"), "{text}");
    assert!(!text.contains("-0"), "{text}");
}

#[test]
fn an_escaped_control_character_in_the_metadata_is_located() {
    let (f, pdf, before) = built();
    edit(&f, "text/en/meta.toml", "subtitle = \"A fixture\"", "subtitle = \"A \\u0000fixture\"");
    let out = f.run(&["build", "--lang", "en"]);
    let err = expect(&f, &out, 1, "control character U+0000", Some(("text/en/meta.toml", "\\u0000")));
    assert!(!err.contains("PDF/UA-1 error"), "{err}");
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
}

#[test]
fn panels_and_charts_that_cannot_be_drawn_are_refused_where_written() {
    let items = vec!["\"gdp\""; 50_000].join(", ");
    for (from, to, message, at) in [
        (
            "items = [\"gdp\", \"trips\"]".to_string(),
            format!("items = [{items}]"),
            "panel `key` has 50000 items: at most 36 fit on a page",
            "\"key\"",
        ),
        (
            "categories = [\"y2019\", \"y2020\"]".to_string(),
            "categories = []".to_string(),
            "chart `rail` has no categories",
            "\"rail\"",
        ),
        (
            "value = 974".to_string(),
            "value = -974".to_string(),
            "indicator `trips` is negative in 2020",
            "\"trips\"] }",
        ),
    ] {
        let (f, pdf, before) = built();
        edit(&f, "data/figures.toml", &from, &to);
        let out = f.run(&["build", "--lang", "en"]);
        expect(&f, &out, 1, message, Some(("data/figures.toml", at)));
        assert_eq!(std::fs::read(&pdf).unwrap(), before);
    }
}
