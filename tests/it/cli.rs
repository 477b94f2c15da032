//! CLI tests: the real binary on fixture projects.

use crate::common::{self, Fixture, pdf_pages, pdf_text, stderr};

#[test]
fn builds_fixture_into_pdf_with_text_and_pages() {
    let f = Fixture::new("basic");
    let out = f.run(&["build", "--lang", "en"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = f.root().join("dist/testville.en.pdf");
    assert!(pdf.is_file());
    let text = pdf_text(&pdf);
    assert!(text.contains("148.56 billion yuan"), "{text}");
    assert!(text.contains("Economic Growth"), "{text}");
    assert!(text.contains("Railway express trips"), "{text}");
    // The photo's caption and credit (the format supports photos; the bundled edition has none).
    assert!(text.contains("The market at dawn"), "{text}");
    assert!(text.contains("Testville City Government"), "{text}");
    // Cover, imprint, contents, opener, text pages, back cover.
    let pages = pdf_pages(&pdf);
    assert!((4..=8).contains(&pages), "{pages} pages");
    // The chart's missing 2019 point is reported, not invented.
    assert!(stderr(&out).contains("chart `rail` is incomplete: no data for y2019"), "{}", stderr(&out));
}

#[test]
fn builds_chinese_with_locale_figures() {
    let f = Fixture::new("basic");
    let out = f.run(&["build", "--lang", "zh"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = pdf_text(&f.root().join("dist/testville.zh.pdf"));
    // Extraction may put spaces around styled runs; Chinese has none.
    assert!(text.replace(' ', "").contains("1485.6亿元"), "{text}");
    assert!(text.contains("经济增长"), "{text}");
}

#[test]
fn missing_project_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vlr"))
        .args(["build", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("error: no project file"), "{}", stderr(&out));
}

#[test]
fn toml_syntax_error_names_file_line_column_and_writes_nothing() {
    let (f, pdf, before) = common::built();
    f.write("data/figures.toml", &f.read("data/figures.toml").replace("value = 974", "value = 974 974"));
    let out = f.run(&["build", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error:"), "{err}");
    assert!(err.contains("data/figures.toml:11:"), "{err}");
    assert_eq!(std::fs::read(&pdf).unwrap(), before, "the previous PDF must stay untouched");
}

#[test]
fn unknown_placeholder_is_located() {
    let f = Fixture::new("basic");
    f.write("text/en/intro.toml", &f.read("text/en/intro.toml").replace("{trips} trips", "{tripz} trips"));
    let out = f.run(&["build", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("unknown indicator `tripz`"), "{err}");
    assert!(err.contains("text/en/intro.toml:6:29"), "{err}");
    assert!(!f.root().join("dist/testville.en.pdf").exists());
}

#[test]
fn template_error_is_located() {
    let f = Fixture::new("basic");
    f.write("templates/main.typ", &format!("{}\n#let x = (1 + )\n", f.read("templates/main.typ")));
    let out = f.run(&["build", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error:"), "{err}");
    assert!(err.contains("templates/main.typ:"), "{err}");
    assert!(!f.root().join("dist/testville.en.pdf").exists());
}

#[test]
fn same_inputs_give_byte_identical_pdfs() {
    let f = Fixture::new("basic");
    assert!(f.run(&["build", "--lang", "en"]).status.success());
    let first = std::fs::read(f.root().join("dist/testville.en.pdf")).unwrap();
    assert!(f.run(&["build", "--lang", "en"]).status.success());
    let second = std::fs::read(f.root().join("dist/testville.en.pdf")).unwrap();
    assert!(first == second, "two builds of the same inputs differ");
}

#[test]
fn editions_made_at_once_are_those_made_one_at_a_time() {
    let f = Fixture::new("basic");
    let one = f.run(&["build", "--lang", "en,zh", "-j", "1", "-o", "one"]);
    assert!(one.status.success(), "{}", stderr(&one));
    let two = f.run(&["build", "--lang", "en,zh", "--jobs", "2", "-o", "two"]);
    assert!(two.status.success(), "{}", stderr(&two));
    for lang in ["en", "zh"] {
        let name = format!("testville.{lang}.pdf");
        let a = std::fs::read(f.root().join("one").join(&name)).unwrap();
        let b = std::fs::read(f.root().join("two").join(&name)).unwrap();
        assert!(a == b, "{name}: two editions at once made another PDF than one at a time");
    }
    let zero = f.run(&["build", "-j", "0"]);
    assert_eq!(zero.status.code(), Some(2), "{}", stderr(&zero));
    assert!(stderr(&zero).contains("--jobs"), "{}", stderr(&zero));
}

#[test]
fn missing_translation_fails_release_and_is_marked_in_draft() {
    let f = Fixture::new("basic");
    let zh = f.read("text/zh/intro.toml");
    f.write("text/zh/intro.toml", &zh.replace("[[block]]\nid = \"s1\"\nh = \"概述\"\nsrc = \"98037332\"\n", ""));
    let out = f.run(&["build", "--lang", "zh"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("missing translation: block `s1`"), "{err}");
    assert!(err.contains("text/zh/intro.toml"), "{err}");
    assert!(!f.root().join("dist/testville.zh.pdf").exists());
    let check = f.run(&["check", "--lang", "zh"]);
    // Heading, blocks, labels, the charts' texts and the metadata: one missing.
    assert!(stderr(&check).contains("zh: 14 of 15 texts (93%)"), "{}", stderr(&check));

    let out = f.run(&["build", "--lang", "zh", "--draft"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!f.root().join("dist/testville.zh.pdf").exists(), "a draft never takes the release's name");
    let text = pdf_text(&f.root().join("dist/testville.zh.draft.pdf")).replace(' ', "");
    assert!(text.contains("Overview"), "the English heading stands in: {text}");
    assert!(text.contains("未翻译"), "the fallback is marked on the page: {text}");
}

#[test]
fn chinese_uses_only_simplified_chinese_faces() {
    let f = Fixture::new("basic");
    assert!(f.run(&["build", "--lang", "zh"]).status.success());
    let doc = lopdf::Document::load(f.root().join("dist/testville.zh.pdf")).unwrap();
    let mut names = Vec::new();
    for (_, obj) in doc.objects.iter() {
        if let Ok(dict) = obj.as_dict()
            && let Ok(name) = dict.get(b"BaseFont").and_then(|n| n.as_name())
        {
            names.push(String::from_utf8_lossy(name).into_owned());
        }
    }
    assert!(names.iter().any(|n| n.contains("CJKsc")), "{names:?}");
    assert!(!names.iter().any(|n| n.contains("CJKjp") || n.contains("CJKkr") || n.contains("CJKtc")), "{names:?}");
}

#[test]
fn init_scaffolds_a_project_that_builds_and_new_edition_asks_for_data() {
    let dir = tempfile::tempdir().unwrap();
    let vlr = env!("CARGO_BIN_EXE_vlr");
    let run = |args: &[&str], cwd: &std::path::Path| {
        std::process::Command::new(vlr).args(args).current_dir(cwd).env("NO_COLOR", "1").output().unwrap()
    };
    let out = run(&["init", "newtown", "--city", "Newtown", "--edition", "2024"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let project = dir.path().join("newtown");
    let out = run(&["build"], &project);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = pdf_text(&project.join("dist/newtown-vlr-2024.en.pdf"));
    assert!(text.contains("Newtown Voluntary Local Review"), "{text}");
    // The latest value (from TOML), a past one, the change, and the CSV series.
    assert!(text.contains("In 2024 , Newtown had 101,200 people [example value] , +2.7%"), "{text}");
    assert!(text.contains("98,500 people [example value]"), "{text}");
    assert!(text.contains("25.4%"), "{text}");
    // The example figures are flagged until replaced; the gap is reported, never filled in.
    let err = stderr(&out);
    assert!(err.contains("indicator `population` holds an example value"), "{err}");
    assert!(err.contains("no data for 2022 (census year: no estimate published)"), "{err}");

    // Replace the examples, then roll to 2025 with a reporting lag of 0: the
    // release build fails naming each indicator at its line; a draft builds.
    let data = std::fs::read_to_string(project.join("data/indicators.toml")).unwrap().replace("example = true\n", "");
    std::fs::write(project.join("data/indicators.toml"), &data).unwrap();
    let cfg =
        std::fs::read_to_string(project.join("vlr.toml")).unwrap().replace("reporting-lag = 1", "reporting-lag = 0");
    std::fs::write(project.join("vlr.toml"), cfg).unwrap();
    assert!(!stderr(&run(&["check"], &project)).contains("example value"));
    let out = run(&["new-edition", "2025"], &project);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("2 indicator(s) in 1 file(s) need data"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(project.join("data/indicators.toml")).unwrap(), data, "data are not rewritten");
    let out = run(&["build"], &project);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("indicator `population` needs data for 2025 (edition 2025): the latest is 2024"), "{err}");
    assert!(err.contains("data/indicators.toml:10:"), "{err}");
    assert!(!project.join("dist/newtown-vlr-2025.en.pdf").exists());
    let out = run(&["build", "--draft"], &project);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = pdf_text(&project.join("dist/newtown-vlr-2025.en.draft.pdf"));
    assert!(text.contains("[not updated: 2024 value]"), "{text}");
    assert!(std::fs::read_to_string(project.join("vlr.toml")).unwrap().contains("edition = 2025"));
}

#[test]
fn series_from_toml_and_csv_print_latest_past_and_missing_values() {
    let f = Fixture::new("basic");
    // A fiscal-year series with a gap, from CSV; a calendar series in TOML; a
    // panel with a missing figure.
    f.write(
        "data/budget.csv",
        "indicator,period,value,note\nbudget,2017/18,1.20e9,\nbudget,2018/19,,not audited yet\nbudget,2019/20,1.35e9,provisional\n",
    );
    let data = f.read("data/figures.toml")
        + "\n[[indicator]]\nid = \"budget\"\nunit = \"yuan\"\nfixed = true\n\n[[indicator]]\nid = \"trees\"\nunit = \"count\"\nvalues = { 2016 = 1200, 2018 = { missing = \"survey skipped\" }, 2020 = 1500 }\nbaseline = 2016\n\n[[panel]]\nid = \"more\"\nitems = [\"trees\", \"trees@2018\", \"trips-2019\"]\n\n[[chart]]\nid = \"budget\"\nkind = \"line\"\nindicators = [\"budget\"]\n";
    f.write("data/figures.toml", &data);
    let text = f.read("text/en/intro.toml").replace(
        "[labels]",
        "[[block]]\nid = \"p2\"\np = \"Trees: {trees} in {trees:period}, {trees@2016} in 2016 ({trees:change}, {trees:change%}); budget {budget:n} in {budget:period}.\"\n\n[[block]]\nid = \"panel2\"\npanel = \"more\"\ntitle = \"More\"\n\n[[block]]\nfigure = \"budget\"\n\n[labels]\ntrees = \"Street trees\"\nbudget = \"Budget\"\n\"trips-2019\" = \"Trips in {2019}\"\n",
    ) + "\n[charts.budget]\ntitle = \"Budget by fiscal year\"\n";
    f.write("text/en/intro.toml", &text);
    let out = f.run(&["build", "--lang", "en"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = pdf_text(&f.root().join("dist/testville.en.pdf"));
    let flat = pdf.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Trees: 1,500 in 2020 , 1,200 in 2016 ( +300 , +25.0% ); budget 1.35 billion in 2019/20"),
        "{flat}"
    );
    // The panel shows every item: a missing one as n/a with its reason.
    let bare: String = pdf.split_whitespace().collect();
    assert!(bare.contains("n/aStreettrees(2018)surveyskipped"), "{flat}");
    assert!(bare.contains("n/aTripsin2019"), "{flat}");
    // The chart's axis has the missing fiscal year as a gap, labelled n/a.
    assert!(bare.contains("2017/182018/192019/201.2n/a1.35"), "{flat}");
    assert!(bare.contains("Source:TestvilleCityGovernment"), "no citation: the city is the source: {flat}");
    let err = stderr(&out);
    assert!(err.contains("chart `budget` has gaps: no data for 2018/19 (not audited yet)"), "{err}");
}

#[test]
fn level_3_headings_are_numbered_per_language_and_project() {
    let f = Fixture::new("basic");
    let out = f.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let en = pdf_text(&f.root().join("dist/testville.en.pdf"));
    let zh = pdf_text(&f.root().join("dist/testville.zh.pdf"));
    assert!(en.contains("(1) Measures taken"), "{en}");
    assert!(zh.replace(' ', "").contains("（一）主要举措"), "{zh}");
    // A project sets its own style for a language.
    let toml = f
        .read("vlr.toml")
        .replace("languages = [\"en\", \"zh\"]", "languages = [\"en\", \"zh\"]\nnumbering = { en = \"(a)\" }");
    f.write("vlr.toml", &toml);
    let out = f.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let en = pdf_text(&f.root().join("dist/testville.en.pdf"));
    let zh = pdf_text(&f.root().join("dist/testville.zh.pdf"));
    assert!(en.contains("(a) Measures taken"), "{en}");
    assert!(zh.replace(' ', "").contains("（一）主要举措"), "{zh}");
}

#[test]
fn a_rebuild_that_changes_nothing_rewrites_nothing() {
    let f = Fixture::new("basic");
    let first = f.run(&["build", "--lang", "en"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stderr(&first).contains("Written"), "{}", stderr(&first));
    let pdf = f.root().join("dist/testville.en.pdf");
    let csv = f.root().join("dist/testville.indicators.csv");
    let mtime = |p: &std::path::Path| std::fs::metadata(p).unwrap().modified().unwrap();
    let (pdf_at, csv_at) = (mtime(&pdf), mtime(&csv));
    std::thread::sleep(std::time::Duration::from_millis(20));
    let again = f.run(&["build", "--lang", "en"]);
    assert!(again.status.success(), "{}", stderr(&again));
    let err = stderr(&again);
    assert!(err.contains("Unchanged") && !err.contains("Written"), "{err}");
    assert_eq!((mtime(&pdf), mtime(&csv)), (pdf_at, csv_at), "same bytes: the files are left as they were");
    // A change is written.
    f.write("text/en/intro.toml", &f.read("text/en/intro.toml").replacen("Testville", "Testville, ", 1));
    let changed = f.run(&["build", "--lang", "en"]);
    assert!(stderr(&changed).contains("Written"), "{}", stderr(&changed));
    assert_ne!(mtime(&pdf), pdf_at);
}
