//! `vlr translate`: the XLIFF round trip, stale translations, located import errors.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::{self, Fixture, pdf_text, repo, stderr};

/// A copy of the repository's project in a temp dir (fonts linked).
fn bundled(langs: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["data", "text", "templates"] {
        common::copy_dir(&repo().join(sub), &dir.path().join(sub));
    }
    let project = std::fs::read_to_string(repo().join("vlr.toml")).unwrap();
    let start = project.find("languages = [").expect("languages in vlr.toml");
    let end = start + project[start..].find(']').expect("a closed list") + 1;
    let project = format!("{}languages = [{langs}]{}", &project[..start], &project[end..]);
    std::fs::write(dir.path().join("vlr.toml"), project).unwrap();
    common::link_fonts(dir.path());
    dir
}

fn vlr(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vlr")).args(args).current_dir(root).env("NO_COLOR", "1").output().expect("run vlr")
}

/// Every file of a folder, by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// Exports everything of `lang`, imports it again, and checks every text file is unchanged.
fn round_trip(root: &Path, lang: &str) -> String {
    let before = files(&root.join("text").join(lang));
    let xlf = root.join(format!("{lang}.xlf"));
    let out = vlr(root, &["translate", "export", "--lang", lang, "--all", "-o", xlf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = vlr(root, &["translate", "import", xlf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("0 file(s) changed"), "{}", stderr(&out));
    let after = files(&root.join("text").join(lang));
    assert_eq!(before.len(), after.len());
    for ((name, a), (_, b)) in before.iter().zip(&after) {
        assert!(a == b, "text/{lang}/{name} changed in the round trip");
    }
    std::fs::read_to_string(xlf).unwrap()
}

#[test]
fn xliff_round_trip_reproduces_the_bundled_translations_byte_for_byte() {
    let dir = bundled("\"en\", \"zh\", \"ru\", \"ar\"");
    let zh = round_trip(dir.path(), "zh");
    // Placeholders and markup travel as inline codes, never as bare text.
    assert!(zh.contains("<ph id=\"1\" dataRef=\"d1\" disp=\"{rail-express-trips}\"/>"), "{zh}");
    assert!(zh.contains("subType=\"xlf:b\""), "bold is a paired code");
    assert!(zh.contains("subType=\"xlf:lb\""), "line breaks in table cells are codes");
    assert!(!zh.contains(">{rail-express-trips}<") || zh.contains("<data"), "placeholders are original data");
    // A plural selection's branches are translatable text inside a code.
    let ru = round_trip(dir.path(), "ru");
    assert!(
        ru.contains("dispStart=\"{trade-countries, plural,\">one {# страну и регион} few"),
        "plural branches are text"
    );
    round_trip(dir.path(), "ar");
}

#[test]
fn xliff_round_trip_reproduces_the_fixture_and_recreates_what_is_missing() {
    let f = Fixture::new("basic");
    let xlf = round_trip(f.root(), "zh");
    // CAT tools may name the language with a region.
    f.write(
        "zh-CN.xlf",
        &xlf.replace("trgLang=\"zh\"", "trgLang=\"zh-CN\"").replace("srcLang=\"en\"", "srcLang=\"en-US\""),
    );
    let out = vlr(f.root(), &["translate", "import", "zh-CN.xlf"]);
    assert!(stderr(&out).contains("Imported zh: 15 text(s), 0 file(s) changed"), "{}", stderr(&out));
    // Missing texts are created in the source's order, in the layout of the original.
    let original = f.read("text/zh/intro.toml");
    let xlf = f.root().join("all.xlf");
    assert!(
        vlr(f.root(), &["translate", "export", "--lang", "zh", "--all", "-o", xlf.to_str().unwrap()]).status.success()
    );
    let cut = original
        .replace("[[block]]\nid = \"s1\"\nh = \"概述\"\nsrc = \"98037332\"\n\n", "")
        .replace("trips = \"铁路快运开行列数\"\n", "")
        .replace("trips = \"4c5fcd26\"\n", "");
    assert_ne!(cut, original);
    f.write("text/zh/intro.toml", &cut);
    let meta = f.read("text/zh/meta.toml");
    std::fs::remove_file(f.root().join("text/zh/meta.toml")).unwrap();
    let out = vlr(f.root(), &["translate", "import", xlf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(f.read("text/zh/intro.toml"), original);
    // All but the acronym list, which is each language's own writing and
    // not exported (it is not a translation of the English list).
    let (without_acronyms, _) = meta.split_once("\n[acronyms]").expect("the fixture lists acronyms");
    assert_eq!(f.read("text/zh/meta.toml"), without_acronyms);
    let check = vlr(f.root(), &["check", "--lang", "zh"]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(stderr(&check).contains("zh: 15 of 15 texts (100%)"), "{}", stderr(&check));
}

#[test]
fn editing_one_english_paragraph_makes_that_block_stale_in_every_other_language() {
    let dir = bundled("\"en\", \"zh\", \"ar\", \"es\", \"fr\", \"ru\"");
    let en = dir.path().join("text/en/glance.toml");
    let text = std::fs::read_to_string(&en).unwrap();
    let edited = text.replace("realizing a full coverage", "achieving full coverage");
    assert_ne!(edited, text);
    std::fs::write(&en, edited).unwrap();
    let out = vlr(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.matches("error:").count(), 5, "{err}");
    assert_eq!(
        err.matches(
            "stale translation: block `urban-note` was translated from an earlier version of text/en/glance.toml"
        )
        .count(),
        5,
        "{err}"
    );
    for lang in ["zh", "ar", "es", "fr", "ru"] {
        let tr = std::fs::read_to_string(dir.path().join(format!("text/{lang}/glance.toml"))).unwrap();
        // Reported at the block's fingerprint, at its line.
        let line = tr[..tr.find("id = \"urban-note\"").unwrap()].matches('\n').count() + 3;
        assert!(err.contains(&format!("text/{lang}/glance.toml:{line}:7")), "{lang} at line {line}: {err}");
        let line = err.lines().find(|l| l.contains(&format!("Translated {lang}: "))).unwrap_or_default();
        let (done, total) = line
            .split_once(": ")
            .and_then(|(_, r)| r.split_once(" texts"))
            .map(|(n, _)| n)
            .and_then(|n| n.split_once(" of "))
            .unwrap_or_default();
        let (done, total): (usize, usize) = (done.parse().unwrap_or(0), total.parse().unwrap_or(0));
        assert!(done + 1 == total && line.ends_with("(99%); 1 stale"), "{lang}: {line}");
        assert!(err.contains(&format!("vlr translate stamp --lang {lang} glance/block.urban-note")), "{err}");
    }
    // Re-wrapping the paragraph is not a change.
    let rewrapped = text
        .replace("p = \"Fitness facilities", "p = \"\"\"Fitness facilities")
        .replace("realizing a full coverage", "realizing a full\n  coverage")
        .replace("sports facilities.\"", "sports facilities.\"\"\"");
    assert_eq!(rewrapped.matches("\"\"\"").count(), 2);
    std::fs::write(&en, rewrapped).unwrap();
    let out = vlr(dir.path(), &["check", "--lang", "zh"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn stale_text_fails_a_release_build_and_is_marked_in_a_draft() {
    let f = Fixture::new("basic");
    let en = f.read("text/en/intro.toml");
    f.write("text/en/intro.toml", &en.replace("h = \"Overview\"", "h = \"At a glance\""));
    let out = f.run(&["build", "--lang", "zh"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("stale translation: block `s1`"), "{}", stderr(&out));
    assert!(!f.root().join("dist/testville.zh.pdf").exists());
    let out = f.run(&["build", "--lang", "zh", "--draft"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("warning: stale translation: block `s1`"), "{}", stderr(&out));
    let text = pdf_text(&f.root().join("dist/testville.zh.draft.pdf")).replace(' ', "");
    assert!(text.contains("概述"), "the stale translation is shown: {text}");
    assert!(text.contains("译文已过时"), "and marked: {text}");

    // The translator's round trip: only the stale block is exported, with the old
    // translation as a starting point that is not imported until confirmed.
    let xlf = f.root().join("zh.xlf");
    let out = f.run(&["translate", "export", "--lang", "zh", "-o", "zh.xlf"]);
    assert!(stderr(&out).contains("1 of 15 text(s) need translating (1 stale)"), "{}", stderr(&out));
    let exported = std::fs::read_to_string(&xlf).unwrap();
    assert!(exported.contains("<unit id=\"block.s1\""), "{exported}");
    assert!(exported.contains("state=\"initial\""), "{exported}");
    assert!(!exported.contains("block.p1"), "current texts are not exported: {exported}");
    let before = f.read("text/zh/intro.toml");
    let out = f.run(&["translate", "import", "zh.xlf"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("1 not confirmed (state `initial`), left as they were"), "{}", stderr(&out));
    assert_eq!(f.read("text/zh/intro.toml"), before);
    let done = exported.replace("state=\"initial\"", "state=\"translated\"").replace(">概述<", ">概览<");
    std::fs::write(&xlf, done).unwrap();
    let out = f.run(&["translate", "import", "zh.xlf"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after = f.read("text/zh/intro.toml");
    assert!(after.contains("h = \"概览\"\nsrc = \""), "{after}");
    assert_eq!(after.lines().count(), before.lines().count(), "only values change:\n{after}");
    assert!(f.run(&["check", "--lang", "zh"]).status.success());
}

#[test]
fn stamp_marks_translations_current() {
    let f = Fixture::new("basic");
    let zh = f.read("text/zh/intro.toml");
    let unstamped: String = zh.lines().filter(|l| !l.starts_with("src = ")).map(|l| format!("{l}\n")).collect();
    f.write("text/zh/intro.toml", &unstamped);
    let out = f.run(&["check", "--lang", "zh"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("translations in this file, from the chapter title on, record no fingerprint"),
        "{}",
        stderr(&out)
    );
    let out = f.run(&["translate", "stamp", "--lang", "zh", "intro/block.p1"]);
    assert!(stderr(&out).contains("Stamped zh: 1 text(s)"), "{}", stderr(&out));
    let out = f.run(&["translate", "stamp", "--lang", "zh"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(f.read("text/zh/intro.toml"), zh, "stamping writes the fingerprints where they were");
    let out = f.run(&["translate", "stamp", "--lang", "zh", "nowhere"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no text `nowhere`"), "{}", stderr(&out));
}

/// Writes an edited export and imports it: returns stderr, after checking the import failed and wrote nothing.
fn failed_import(f: &Fixture, edit: impl Fn(&str) -> String) -> String {
    let out = f.run(&["translate", "export", "--lang", "zh", "--all", "-o", "zh.xlf"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let xlf = f.read("zh.xlf");
    let edited = edit(&xlf);
    assert_ne!(edited, xlf, "the edit applies");
    f.write("zh.xlf", &edited);
    let before = f.read("text/zh/intro.toml");
    let out = f.run(&["translate", "import", "zh.xlf"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(f.read("text/zh/intro.toml"), before, "nothing written");
    stderr(&out)
}

/// `zh.xlf:line:column` of the first occurrence of `needle` in the edited file.
fn at(f: &Fixture, needle: &str) -> String {
    let xlf = f.read("zh.xlf");
    let i = xlf.find(needle).expect("needle in file");
    let line = xlf[..i].matches('\n').count() + 1;
    let col = xlf[..i].rsplit('\n').next().unwrap().chars().count() + 1;
    format!("zh.xlf:{line}:{col}")
}

#[test]
fn a_broken_placeholder_is_located_in_the_xliff_file() {
    let f = Fixture::new("basic");
    let err = failed_import(&f, |x| x.replace("<target>年份</target>", "<target>年份 {trips</target>"));
    assert!(err.contains("unclosed `{`"), "{err}");
    assert!(err.contains(&at(&f, "{trips</target>")), "{err}");
}

#[test]
fn a_missing_or_extra_placeholder_is_located_in_the_xliff_file() {
    let f = Fixture::new("basic");
    let err = failed_import(&f, |x| {
        let i = x.find("<target>2020年，").unwrap();
        let j = i + x[i..].find("<ph ").unwrap();
        let k = j + x[j..].find("/>").unwrap() + 2;
        format!("{}{}", &x[..j], &x[k..])
    });
    assert!(err.contains("placeholder `{gdp}` of the source is missing from the translation"), "{err}");
    assert!(err.contains(&at(&f, "<target>2020年，")), "{err}");
    let err = failed_import(&f, |x| x.replace("<target>概述</target>", "<target>概述 {gdp:change%@2015}</target>"));
    assert!(err.contains("placeholder `{gdp@2015:change%}` is not in the source"), "{err}");
    assert!(err.contains(&at(&f, "{gdp:change%@2015}")), "{err}");
}

#[test]
fn an_unknown_key_is_located_in_the_xliff_file() {
    let f = Fixture::new("basic");
    let err = failed_import(&f, |x| x.replace("<unit id=\"block.s1\"", "<unit id=\"block.s9\""));
    assert!(err.contains("unknown key `block.s9` in `intro`"), "{err}");
    assert!(err.contains(&at(&f, "<unit id=\"block.s9\"")), "{err}");
    let err = failed_import(&f, |x| x.replace("<target>概述</target>", "<target>概述</targ>"));
    assert!(err.contains("not well-formed XML"), "{err}");
    assert!(err.contains("zh.xlf:"), "{err}");
}

/// Exports every text of `zh` to zh.xlf (the translations as they are).
fn export_all_zh(f: &Fixture) {
    let out = f.run(&["translate", "export", "--lang", "zh", "--all", "-o", "zh.xlf"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_translation_that_cannot_be_read_is_not_rewritten_from_the_xliff_alone() {
    let f = Fixture::new("basic");
    export_all_zh(&f);
    let path = f.root().join("text/zh/intro.toml");
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend(b"# \xff\n");
    std::fs::write(&path, &bytes).unwrap();
    let out = f.run(&["translate", "import", "zh.xlf"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("text/zh/intro.toml is not UTF-8 text"), "{err}");
    assert!(err.contains("nothing written"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "the translation is left as it was");
}

#[cfg(unix)]
#[test]
fn import_never_writes_through_a_symlinked_language_folder() {
    let f = Fixture::new("basic");
    export_all_zh(&f);
    let outside = tempfile::tempdir().unwrap();
    std::fs::remove_dir_all(f.root().join("text/zh")).unwrap();
    std::os::unix::fs::symlink(outside.path(), f.root().join("text/zh")).unwrap();
    let out = f.run(&["translate", "import", "zh.xlf"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("text/zh is a symlink: vlr does not write through it"), "{err}");
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0, "nothing created outside the project");
}

#[test]
fn deeply_nested_codes_are_refused_without_overflowing_the_stack() {
    let f = Fixture::new("basic");
    let n = 40_000;
    let err = failed_import(&f, |x| {
        let deep = format!("{}概述{}", "<mrk id=\"m\">".repeat(n), "</mrk>".repeat(n));
        x.replace("<target>概述</target>", &format!("<target>{deep}</target>"))
    });
    assert!(err.contains("elements nested more than 100 deep"), "{err}");
    assert!(err.contains("zh.xlf:"), "{err}");
}

#[test]
fn language_tags_are_compared_in_full() {
    let f = Fixture::new("basic");
    let err = failed_import(&f, |x| x.replacen("trgLang=\"zh\"", "trgLang=\"zh-Hant\"", 1));
    assert!(err.contains("this file translates into `zh-Hant`, which is not a language of the project"), "{err}");
    assert!(err.contains("the project's edition is `zh`"), "{err}");
    let err = failed_import(&f, |x| x.replacen("trgLang=\"zh\"", "trgLang=\"fr\"", 1));
    assert!(err.contains("`fr`, which is not a language of the project"), "{err}");
    assert!(!f.root().join("text/fr").exists(), "no folder for a language the project does not have");
    let err = failed_import(&f, |x| x.replacen("trgLang=\"zh\"", "trgLang=\"zh-TW\"", 1));
    assert!(err.contains("the project's edition is `zh`, and `zh-TW` is another script or region"), "{err}");
    let err = failed_import(&f, |x| x.replacen("srcLang=\"en\"", "srcLang=\"en-x-pseudo\"", 1));
    assert!(err.contains("this file translates from `en-x-pseudo`"), "{err}");
    // The same tag in another case is the same language.
    let out = f.run(&["translate", "export", "--lang", "zh", "--all", "-o", "zh.xlf"]);
    assert!(out.status.success());
    f.write("zh.xlf", &f.read("zh.xlf").replacen("trgLang=\"zh\"", "trgLang=\"ZH\"", 1));
    let out = f.run(&["translate", "import", "zh.xlf"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn imported_targets_get_the_builds_checks() {
    let f = Fixture::new("basic");
    for (target, message) in [
        ("概<cp hex=\"0000\"/>述", "control character U+0000"),
        ("概<cp hex=\"001B\"/>[31m述", "control character U+001B"),
        ("概\u{202E}述", "bidirectional control U+202E"),
        ("  ", "the translation is empty but confirmed"),
    ] {
        let err = failed_import(&f, |x| x.replace("<target>概述</target>", &format!("<target>{target}</target>")));
        assert!(err.contains(message), "{target}: {err}");
        assert!(err.contains("zh.xlf:"), "{err}");
    }
    let big = "述".repeat(400_000);
    let err = failed_import(&f, |x| x.replace("<target>概述</target>", &format!("<target>{big}</target>")));
    assert!(err.contains("more than any text takes (1024 kB)"), "{err}");
    let err = failed_import(&f, |x| {
        let i = x.find("<target>概述</target>").unwrap();
        let start = x[..i].rfind("<segment").unwrap();
        let end = i + x[i..].find("</segment>").unwrap() + "</segment>".len();
        let seg = &x[start..end];
        format!("{}{seg}\n{seg}{}", &x[..start], &x[end..])
    });
    assert!(err.contains("is given twice"), "{err}");
}
