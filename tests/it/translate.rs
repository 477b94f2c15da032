//! `vlr translate`: the XLIFF round trip, stale translations, located import errors.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::{self, Fixture, pdf_text, repo, stderr};

/// A copy of the repository's project in a temp dir (fonts linked).
fn bundled(langs: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["data", "text", "templates", "translations"] {
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
    // Placeholders and markup travel as inline codes, never as bare text; a
    // code shows what it prints in the language, and comes back as the placeholder.
    assert!(zh.contains("<ph id=\"1\" dataRef=\"d1\" equiv=\"974\" disp=\"974\"/>"), "{zh}");
    assert!(zh.contains("<data id=\"d1\">{rail-express-trips}</data>"), "{zh}");
    let gdp = |xlf: &str| -> String {
        // The code of `{gdp}` in the key messages: its data id, then its first <ph>.
        let unit = &xlf[xlf.find("<unit id=\"block.messages\"").unwrap()..];
        let id = &unit[..unit.find(">{gdp}</data>").unwrap()];
        let id = &id[id.rfind("id=\"").unwrap() + 4..id.len() - 1];
        let at = unit.find(&format!("dataRef=\"{id}\"")).unwrap();
        unit[at..at + unit[at..].find("/>").unwrap()].to_string()
    };
    assert!(gdp(&zh).ends_with("equiv=\"1485.6亿元\" disp=\"1485.6亿元\""), "{}", gdp(&zh));
    assert!(zh.contains("subType=\"xlf:b\""), "bold is a paired code");
    assert!(zh.contains("subType=\"xlf:lb\""), "line breaks in table cells are codes");
    assert!(!zh.contains(">{rail-express-trips}<") || zh.contains("<data"), "placeholders are original data");
    // A plural selection's branches are translatable text inside a code.
    let ru = round_trip(dir.path(), "ru");
    assert!(
        ru.contains("dispStart=\"{trade-countries, plural,\">one {# страну и регион} few"),
        "plural branches are text"
    );
    // As the Russian edition prints it: no-break spaces within the figure.
    let printed = "148,56\u{a0}млрд\u{a0}юаней";
    assert!(gdp(&ru).ends_with(&format!("equiv=\"{printed}\" disp=\"{printed}\"")), "{}", gdp(&ru));
    let ar = round_trip(dir.path(), "ar");
    assert!(gdp(&ar).ends_with("disp=\"148.56\u{a0}بليون\u{a0}يوان\""), "{}", gdp(&ar));
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
    // The record of sources holds the texts created, as every other.
    let record = f.read("translations/translated-from.toml");
    assert!(record.contains("\"block.s1@98037332\".h = \"Overview\"\n"), "{record}");
    assert!(record.contains("\n[meta]\n\"meta@"), "{record}");
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

/// Replaces `from` by `to` in a project file, checking it was there.
fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} holds {from:?}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_one_item_change_in_an_english_list_reopens_that_item_alone_with_the_english_it_was_translated_from() {
    let dir = bundled("\"en\", \"zh\", \"fr\"");
    let root = dir.path();
    edit(root, "text/en/key-messages.toml", "rate of the permanent population", "rate of the resident population");
    let out = vlr(root, &["translate", "export", "--lang", "zh"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("(1 stale): 1 segment(s) to translate, in 1 file(s)"), "{}", stderr(&out));
    let xlf = std::fs::read_to_string(root.join("translations/yiwu-vlr-2020.zh.xlf")).unwrap();
    assert_eq!(xlf.matches("<unit ").count(), 1, "{xlf}");
    assert_eq!(xlf.matches("state=\"initial\"").count(), 1, "one segment is reopened: {xlf}");
    assert!(xlf.contains("<segment id=\"list.3\" state=\"initial\">"), "{xlf}");
    assert_eq!(xlf.matches("state=\"translated\"").count(), 4, "the other items come along as context: {xlf}");
    assert!(
        xlf.contains("<note category=\"previous-source\" appliesTo=\"source\">Changed: list item 4 (segment `list.3`). Its translation was made from this earlier source: “**Quality education (SDG 4).** The illiteracy rate of the permanent population was {illiteracy-rate}.”</note>"),
        "{xlf}"
    );
    assert_eq!(xlf.matches("category=\"previous-source\"").count(), 1, "{xlf}");
    assert!(
        xlf.contains("<note category=\"location\">The chapter “Key messages”: a bulleted list of 5 items"),
        "{xlf}"
    );
    let out = vlr(root, &["check", "--lang", "zh"]);
    assert!(
        stderr(&out).contains("block `messages` was translated from an earlier version of text/en/key-messages.toml (segment `list.3` changed)"),
        "{}",
        stderr(&out)
    );

    // The translator updates that item and confirms it: only it is written.
    let before = std::fs::read_to_string(root.join("text/zh/key-messages.toml")).unwrap();
    let done = xlf
        .replace("<segment id=\"list.3\" state=\"initial\">", "<segment id=\"list.3\" state=\"translated\">")
        .replace(">常住人口文盲率为<", ">常住人口的文盲率为<");
    assert_ne!(done, xlf);
    std::fs::write(root.join("translations/yiwu-vlr-2020.zh.xlf"), done).unwrap();
    let out = vlr(root, &["translate", "import", "translations/yiwu-vlr-2020.zh.xlf"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("Imported zh: 1 text(s), 1 file(s) changed"), "{}", stderr(&out));
    let after = std::fs::read_to_string(root.join("text/zh/key-messages.toml")).unwrap();
    let changed: Vec<(&str, &str)> = before.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(changed.len(), 2, "the item and the fingerprint: {changed:?}");
    assert!(changed[0].1.contains("常住人口的文盲率为") && changed[1].1.starts_with("src = "), "{changed:?}");
    assert!(vlr(root, &["check", "--lang", "zh"]).status.success());

    // French still has the item to update, and only it.
    let out = vlr(root, &["translate", "export", "--lang", "fr"]);
    assert!(stderr(&out).contains("(1 stale): 1 segment(s) to translate"), "{}", stderr(&out));
    // Without the record of sources (a project from before it), the stale text is reopened whole.
    std::fs::remove_file(root.join("translations/translated-from.toml")).unwrap();
    let out = vlr(root, &["translate", "export", "--lang", "fr"]);
    assert!(stderr(&out).contains("(1 stale): 5 segment(s) to translate"), "{}", stderr(&out));
    let xlf = std::fs::read_to_string(root.join("translations/yiwu-vlr-2020.fr.xlf")).unwrap();
    assert!(xlf.contains("the earlier source is not recorded"), "{xlf}");
}

#[test]
fn one_imprint_note_reopens_that_note_and_not_the_cover() {
    let dir = bundled("\"en\", \"ru\"");
    let root = dir.path();
    edit(
        root,
        "text/en/meta.toml",
        "Data in this review collected as of {edition}.",
        "Data in this review were collected up to {edition}.",
    );
    let out = vlr(root, &["translate", "export", "--lang", "ru", "-o", "ru.xlf"]);
    assert!(stderr(&out).contains("(1 stale): 1 segment(s) to translate"), "{}", stderr(&out));
    let xlf = std::fs::read_to_string(root.join("ru.xlf")).unwrap();
    assert!(xlf.contains("<unit id=\"meta\""), "{xlf}");
    assert_eq!(xlf.matches("state=\"initial\"").count(), 1, "{xlf}");
    assert!(xlf.contains("<segment id=\"imprint.notes.0\" state=\"initial\">"), "{xlf}");
    for kept in ["title", "kicker", "imprint.notes.1"] {
        assert!(xlf.contains(&format!("<segment id=\"{kept}\" state=\"translated\">")), "{kept}: {xlf}");
    }
    assert!(xlf.contains("earlier source: “Data in this review collected as of {edition}.”"), "{xlf}");
}

#[test]
fn a_label_and_a_chart_say_where_they_are_printed_and_how_long_they_may_be() {
    let f = Fixture::new("basic");
    let out = f.run(&["translate", "export", "--lang", "zh", "--all", "-o", "zh.xlf"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let xlf = f.read("zh.xlf");
    // A label printed in a key-figure panel: two lines of a third of the page.
    assert!(xlf.contains("<unit id=\"label.gdp\" vlr:src=\"10090cbe\" slr:sizeRestriction=\"32\">"), "{xlf}");
    assert!(xlf.contains("<slr:profiles generalProfile=\"xliff:codepoints\"/>"), "{xlf}");
    assert!(xlf.contains("printed under its figure in the key-figure panel(s) `key`"), "{xlf}");
    assert!(xlf.contains("at most 32 characters (two lines)"), "{xlf}");
    // The chapter title is the running head; a chart's category labels wrap under their columns.
    assert!(xlf.contains("on one line: at most about 58 characters"), "{xlf}");
    assert!(xlf.contains("Each category label wraps under its column, about"), "{xlf}");
    assert!(xlf.contains("Chapter 1 “Economic Growth”: a paragraph"), "{xlf}");
    // The XML reads back: notes and limits are not in the way of an import.
    let out = f.run(&["translate", "import", "zh.xlf"]);
    assert!(stderr(&out).contains("0 file(s) changed"), "{}", stderr(&out));
}

#[test]
fn stamp_all_lists_and_asks_and_refuses_without_a_terminal_or_yes() {
    let f = Fixture::new("basic");
    edit(f.root(), "text/en/intro.toml", "h = \"Overview\"", "h = \"At a glance\"");
    let before = f.read("text/zh/intro.toml");
    let out = f.run(&["translate", "stamp", "--lang", "zh", "--all"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("zh: 1 stale translation(s) would be marked up to date, unread by a translator:"), "{err}");
    assert!(err.contains("text/zh/intro.toml:18: block `s1`"), "{err}");
    assert!(
        err.contains("not stamped: `--all` marks 1 stale translation(s) up to date without anyone reading them, and there is no terminal to confirm on"),
        "{err}"
    );
    assert!(err.contains("pass --yes"), "{err}");
    assert_eq!(f.read("text/zh/intro.toml"), before, "nothing written");
    let out = f.run(&["translate", "stamp", "--lang", "zh", "--all", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("Stamped zh: 1 text(s)"), "{}", stderr(&out));
    assert!(f.run(&["check", "--lang", "zh"]).status.success());
}

#[test]
fn stamp_all_never_marks_current_a_translation_that_types_a_stale_year() {
    let f = Fixture::new("basic");
    // Next year's edition: the English follows the data, the Chinese still types 2020.
    edit(f.root(), "vlr.toml", "edition = 2020", "edition = 2021");
    f.write("data/2021.csv", "indicator,period,value\ngdp,2021,160.1e9\ntrips,2021,1001\n");
    edit(f.root(), "text/en/intro.toml", "reached {gdp} in 2020,", "reached {gdp} in {gdp:period},");
    let before = f.read("text/zh/intro.toml");
    let out = f.run(&["translate", "stamp", "--lang", "zh", "--all", "--yes"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("error: stale year: `2020` is typed beside `{gdp}`, which prints a value of 2021"), "{err}");
    assert!(err.contains("text/zh/intro.toml:6:8"), "{err}");
    assert!(
        err.contains("not stamped: 1 stale year(s) in translations `--all` would mark up to date; nothing written"),
        "{err}"
    );
    assert_eq!(f.read("text/zh/intro.toml"), before);
    // Named by key, it is stamped, with the year shown as a warning.
    let out = f.run(&["translate", "stamp", "--lang", "zh", "intro/block.p1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("warning: stale year: `2020`"), "{}", stderr(&out));
}

#[test]
fn exports_go_to_the_tracked_translations_folder() {
    let f = Fixture::new("basic");
    let out = f.run(&["translate", "export", "--lang", "zh", "--all"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("Written translations/testville.zh.xlf"), "{}", stderr(&out));
    assert!(f.root().join("translations/testville.zh.xlf").is_file());
    assert!(!std::fs::read_dir(f.root()).unwrap().any(|e| e.unwrap().path().extension().is_some_and(|x| x == "xlf")));
    let ignored = std::fs::read_to_string(repo().join(".gitignore")).unwrap();
    assert!(!ignored.lines().any(|l| l.contains("xlf") || l.contains("translations")), "{ignored}");
    // Importing it records the source of every translation beside it.
    let out = f.run(&["translate", "import", "translations/testville.zh.xlf"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("Recorded the source of each translation in translations/translated-from.toml"));
    let record = f.read("translations/translated-from.toml");
    assert!(record.contains("[intro]\n\"heading@7324fe85\".title = \"Economic Growth\"\n"), "{record}");
    // A `translations` that is not a folder of the project is refused.
    std::fs::remove_dir_all(f.root().join("translations")).unwrap();
    f.write("translations", "");
    let out = f.run(&["translate", "export", "--lang", "zh"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("translations is not a real folder of the project"), "{}", stderr(&out));
    // `-o` still writes where it is told.
    let out = f.run(&["translate", "export", "--lang", "zh", "-o", "elsewhere.xlf"]);
    assert!(out.status.success() && f.root().join("elsewhere.xlf").is_file(), "{}", stderr(&out));
}
