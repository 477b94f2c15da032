//! Issue 20: next year's edition stays true. Placeholders in every printed
//! field, edition placeholders, charts that follow the data, the stale-year
//! check, and drafts that cannot pass for releases.

use crate::common::{Fixture, pdf_text, stderr};

/// The `basic` fixture (English only) with a placeholder in every kind of
/// printed field.
fn every_field() -> Fixture {
    let f = Fixture::new("basic");
    let project = f.read("vlr.toml").replace("languages = [\"en\", \"zh\"]", "languages = [\"en\"]");
    f.write("vlr.toml", &project);
    let data = f.read("data/figures.toml").replace(
        "year = 2020\nsdg = \"8.1\"",
        "year = 2020\nsdg = \"8.1\"\nsource = \"Testville Statistical Yearbook {edition+1}\"",
    ) + "\n[[chart]]\nid = \"routes-latest\"\nkind = \"line\"\nindicators = [\"routes\"]\nperiods = [2018, \"latest\"]\n";
    f.write("data/figures.toml", &data);
    let text = f
        .read("text/en/intro.toml")
        .replace("title = \"Economic Growth\"", "title = \"Economic Growth in {edition}\"\nsubtitle = \"Data of {gdp:period}\"")
        .replace("h = \"Overview\"", "h = \"Overview, {edition-1} to {edition}\"")
        .replace("Testville's GDP reached {gdp} in 2020,", "Testville's GDP reached {gdp} in {gdp:period}, after a plan of {2019},")
        .replace("title = \"Key figures\"", "title = \"Key figures, {gdp:period}\"")
        .replace("table.caption = \"Trips by year\"", "table.caption = \"Trips in {trips:period}\"")
        .replace("[\"2020\", \"{trips}\"]", "[\"{trips:period}\", \"{trips}\"]")
        .replace("gdp = \"Regional GDP\"", "gdp = \"Regional GDP, {gdp:period}\"")
        .replace("title = \"Railway express trips\"", "title = \"Railway express trips, {edition}\"\nnote = \"Counted in {trips:period}.\"\naxis = \"trips per year ({edition})\"")
        .replace("series = { trips = \"Trips\" }", "series = { trips = \"Trips in {trips:period}\" }")
        .replace("title = \"Freight routes\"", "title = \"Freight routes, {routes-latest:range}\"")
        + "\n[charts.routes-latest]\ntitle = \"Routes, {routes-latest:range}\"\n";
    let text = text.replace(
        "[[block]]\nfigure = \"routes\"",
        "[[block]]\nfigure = \"routes\"\n\n[[block]]\nfigure = \"routes-latest\"",
    );
    f.write("text/en/intro.toml", &text);
    let meta = f
        .read("text/en/meta.toml")
        .replace("title = \"Testville Voluntary Local Review\"", "title = \"Testville Voluntary Local Review {edition}\"\nkicker = \"Edition {edition}\"\nkeywords = [\"VLR {edition}\"]\ncover-title = \"Testville Local\\nReview {edition}\"")
        .replace("licence = \"Licensed under CC BY 4.0.\"", "licence = \"Licensed under CC BY 4.0.\"\nnotes = [\"Data as of {edition}, published {published}.\"]\ncopyright = \"© {edition+1} Testville\"\noriginal = \"Original: English\"\ncredits = [\"Design: Testville Print Office\"]")
        .replace("SDG = \"Sustainable Development Goal\"", "SDG = \"Sustainable Development Goal ({edition+10} Agenda)\"");
    f.write("text/en/meta.toml", &meta);
    f
}

#[test]
fn placeholders_print_in_every_field_and_charts_follow_the_data() {
    let f = every_field();
    let out = f.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = f.root().join("dist/testville.en.pdf");
    let text = pdf_text(&pdf);
    for want in [
        "Economic Growth in 2020",
        "Data of 2020",
        "Overview, 2019 to 2020",
        "reached 148.56 billion yuan in 2020",
        "after a plan of 2019",
        "Key figures, 2020",
        "Trips in 2020",
        "Regional GDP, 2020",
        "Railway express trips, 2020",
        "Counted in 2020.",
        "Routes, 2018–2020",
        "Freight routes, 2018–2020",
        "Edition 2020",
        // An imprint note is set as runs, like the body: its figures are
        // boxes, which the text extraction spaces off ("2020 ,").
        "Data as of 2020",
        "published July 2021",
        "Sustainable Development Goal (2030 Agenda)",
        "© 2021 Testville",
        // Labelled like "Publisher", its label muted: extracted as a run of its own.
        "Original : English",
        "Design: Testville Print Office",
    ] {
        assert!(text.contains(want), "`{want}` is printed: {text}");
    }
    assert!(!text.contains('{') && !text.contains('}'), "no placeholder prints raw: {text}");
    let info = lopdf::Document::load(&pdf).unwrap();
    let title =
        info.trailer.get_deref(b"Info", &info).and_then(|i| i.as_dict()?.get(b"Title")).map(|t| format!("{t:?}"));
    assert!(title.is_ok_and(|t| t.contains("Review 2020")), "the PDF title is filled");
    // The CSV writes the source filled, too.
    let csv = f.read("dist/testville.indicators.csv");
    assert!(csv.contains("Testville Statistical Yearbook 2021"), "{csv}");
    assert!(!csv.contains('{'), "{csv}");
    // The chart with `latest` draws 2018 to 2020; fixed periods that leave
    // out a newer value warn at their line.
    let data = f.read("data/figures.toml").replace("periods = [2018, \"latest\"]", "periods = [2018, 2019]");
    f.write("data/figures.toml", &data);
    let out = f.run(&["check"]);
    let err = stderr(&out);
    assert!(err.contains("chart `routes-latest` stops at 2019, but its data go to 2020"), "{err}");
    assert!(err.contains("data/figures.toml:"), "{err}");
}

#[test]
fn a_bad_placeholder_in_a_plain_field_is_located_in_check_and_build() {
    let f = every_field();
    let text =
        f.read("text/en/intro.toml").replace("Railway express trips, {edition}", "Railway express trips, {editon}");
    f.write("text/en/intro.toml", &text);
    let meta = f.read("text/en/meta.toml").replace("Edition {edition}", "Edition {edition:n}");
    f.write("text/en/meta.toml", &meta);
    for cmd in ["check", "build"] {
        let out = f.run(&[cmd]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("unknown indicator `editon`"), "{err}");
        let line = text.lines().position(|l| l.contains("{editon}")).unwrap() + 1;
        assert!(err.contains(&format!("text/en/intro.toml:{line}:")), "{cmd}: {err}");
        assert!(err.contains("`{edition}` takes no period or form"), "{err}");
    }
    assert!(!f.root().join("dist/testville.en.pdf").exists());
}

#[test]
fn a_stale_year_fails_a_release_and_marks_a_draft() {
    let f = every_field();
    // Prose: a year beside a figure of another period; a chart title with the previous edition's year.
    let text = f
        .read("text/en/intro.toml")
        .replace("after a plan of {2019},", "after a plan of 2019,")
        .replace("Routes, {routes-latest:range}", "Routes up to 2019");
    f.write("text/en/intro.toml", &text);
    let out = f.run(&["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let line = |s: &str| text.lines().position(|l| l.contains(s)).unwrap() + 1;
    assert!(err.contains("stale year: `2019` is typed beside `{gdp}`, which prints a value of 2020"), "{err}");
    assert!(err.contains(&format!("text/en/intro.toml:{}:", line("a plan of 2019"))), "{err}");
    assert!(err.contains("stale year: `2019` is the previous edition's year"), "{err}");
    assert!(err.contains(&format!("text/en/intro.toml:{}:", line("Routes up to 2019"))), "{err}");
    assert!(!f.root().join("dist/testville.en.pdf").exists());
    // A draft builds, under its own name, marked on every page and in its metadata.
    let out = f.run(&["build", "--draft"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("warning: stale year"), "{}", stderr(&out));
    assert!(!f.root().join("dist/testville.en.pdf").exists(), "a draft never takes the release's name");
    let pdf = f.root().join("dist/testville.en.draft.pdf");
    let doc = lopdf::Document::load(&pdf).unwrap();
    let info = doc.trailer.get_deref(b"Info", &doc).and_then(|i| i.as_dict()).unwrap();
    let title = String::from_utf8_lossy(info.get(b"Title").and_then(|t| t.as_str()).unwrap()).into_owned();
    assert!(title.ends_with("(DRAFT)"), "{title}");
    let pages = doc.get_pages().len();
    let text = pdf_text(&pdf).replace(' ', "");
    assert!(text.matches("DRAFT").count() >= pages, "the mark is on every one of {pages} pages: {text}");
    assert!(f.root().join("dist/testville.indicators.draft.csv").exists());
}

#[test]
fn new_edition_lists_every_text_that_still_types_the_old_year() {
    let f = Fixture::new("basic");
    let text = f.read("text/zh/intro.toml");
    let out = f.run(&["new-edition", "2021"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("still type the year 2020"), "{err}");
    // The Chinese paragraph and table type 2020 (a chart's key `y2020` is no text).
    let zh: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("\"2020\"") || l.contains("\"2020年"))
        .map(|(n, _)| n + 1)
        .collect();
    assert_eq!(zh.len(), 2, "the fixture types 2020 twice in Chinese: {zh:?}");
    let listed = err.lines().find(|l| l.contains("text/zh/intro.toml:")).unwrap_or_default();
    for n in zh {
        assert!(listed.contains(&format!(" {n}:")) || listed.contains(&format!(": {n}:")), "line {n} is listed: {err}");
    }
}

#[test]
fn a_fiscal_year_after_the_edition_is_reported_not_skipped() {
    let f = Fixture::new("basic");
    f.write("data/budget.csv", "indicator,period,value\nbudget,2019/20,1.20e9\nbudget,2020/21,1.35e9\n");
    let data = f.read("data/figures.toml") + "\n[[indicator]]\nid = \"budget\"\nunit = \"yuan\"\n";
    f.write("data/figures.toml", &data);
    let out = f.run(&["check", "--lang", "en"]);
    let err = stderr(&out);
    assert!(
        err.contains("the value of `budget` for 2020/21 is not printed in edition 2020: a two-year period counts as its last year, 2021"),
        "{err}"
    );
    assert!(err.contains("data/budget.csv:3:"), "at its CSV line: {err}");
    // A UK council counts 2020/21 as its 2020 figure: the value then prints in edition 2020.
    let project = f.read("vlr.toml").replace("languages =", "period-year = \"start\"\nlanguages =");
    f.write("vlr.toml", &project);
    let text = f.read("text/en/intro.toml").replace("[labels]", "[[block]]\nid = \"p2\"\np = \"The budget was {budget} in {budget:period}.\"\n\n[labels]\nbudget = \"Budget\"\n");
    f.write("text/en/intro.toml", &text);
    let out = f.run(&["build", "--lang", "en"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("is not printed"), "{err}");
    let text = pdf_text(&f.root().join("dist/testville.en.pdf"));
    assert!(text.contains("The budget was 1.35 billion yuan in 2020/21"), "{text}");
    // A word that is neither is located.
    f.write("vlr.toml", &project.replace("period-year = \"start\"", "period-year = \"begin\""));
    let err = stderr(&f.run(&["check", "--lang", "en"]));
    assert!(err.contains("unknown period year `begin`") && err.contains("vlr.toml:"), "{err}");
}

#[test]
fn a_period_the_chart_texts_do_not_label_is_written_as_the_language_writes_a_year() {
    // The Chinese texts of the basic fixture name no category of the `routes`
    // chart (2018–2020): its axis says 2018年, as next year's new period will.
    let f = Fixture::new("basic");
    let out = f.run(&["build", "--lang", "zh"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = pdf_text(&f.root().join("dist/testville.zh.pdf")).replace(' ', "");
    assert!(text.contains("2018年2019年2020年"), "{text}");
}
