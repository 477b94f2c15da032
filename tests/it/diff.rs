//! `vlr diff` (issue 21, item 7): after `vlr new-edition` and a value keyed
//! in, the sign-off view lists the changed figure with both values and
//! periods, the figures not updated, and the texts and charts that print
//! otherwise, for a person and as CSV.

use crate::common::{Fixture, stderr};

/// The `basic` fixture rolled to 2021 (no reporting lag, so every figure
/// needs 2021 data) with GDP's 2021 value keyed in as the README says: a
/// CSV in `data/`.
fn rolled() -> Fixture {
    let f = Fixture::new("basic");
    let project = f.read("vlr.toml").replace("edition = 2020", "edition = 2020\nreporting-lag = 0");
    f.write("vlr.toml", &project);
    let out = f.run(&["new-edition", "2021"]);
    assert!(out.status.success(), "{}", stderr(&out));
    f.write("data/2021.csv", "indicator,period,value\ngdp,2021,160100000000\n");
    f
}

#[test]
fn the_previous_edition_against_this_one_lists_the_changed_figure_with_both_values_and_periods() {
    let f = rolled();
    let out = f.run(&["diff", "--csv", "diff.csv"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("Comparing edition 2020 → 2021, from the same data and texts, in en"), "{err}");
    // The figure keyed in: both values and periods, at the CSV line that holds it.
    assert!(
        err.contains("Updated 1 figure(s):\n             data/2021.csv:2: gdp (Regional GDP): 148.56 billion yuan (2020) → 160.1 billion yuan (2021) [text, panel]"),
        "{err}"
    );
    // The others still print 2020: listed, each at its indicator, none left out.
    assert!(err.contains("Not updated 3 figure(s) still print an older period than the edition needs:"), "{err}");
    assert!(
        err.contains(
            "data/figures.toml:11: trips (Railway express trips): 974 (2020) [text, panel, chart; needs data for 2021]"
        ),
        "{err}"
    );
    assert!(!err.contains("more"), "nothing is capped: {err}");
    // The paragraph that prints GDP, word by word.
    assert!(
        err.contains("text/en/intro.toml:5: intro/block.p1 (figures): Testville's GDP reached [-148.56-]{+160.1+} billion yuan in 2020"),
        "{err}"
    );
    assert!(err.contains("Compared edition 2020 → 2021: figures: 1 updated, 3 not updated, 1 unchanged"), "{err}");
    let csv = f.read("diff.csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "kind,change,id,label,from_period,from_value,from_printed,to_period,to_value,to_printed,note,at"
    );
    assert_eq!(
        lines[1],
        "figure,updated,gdp,Regional GDP,2020,148560000000,148.56 billion yuan,2021,160100000000,160.1 billion yuan,\"text, panel\",data/2021.csv:2"
    );
    assert!(
        lines.contains(&"figure,not-updated,trips,Railway express trips,2020,974,974,2020,974,974,\"text, panel, chart; needs data for 2021\",data/figures.toml:11"),
        "{csv}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("text,changed,intro/block.p1,p,,\"Testville's GDP reached 148.56 billion yuan")),
        "{csv}"
    );
    // Unchanged texts and charts are rows only when asked for.
    assert!(!csv.contains(",unchanged,"), "{csv}");
    let out = f.run(&["diff", "--all", "--csv", "all.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(f.read("all.csv").contains("chart,unchanged,stations,"), "{}", f.read("all.csv"));
}

#[test]
fn against_last_years_copy_lists_figures_texts_and_charts_that_changed() {
    let last_year = Fixture::new("basic");
    let f = rolled();
    // A new value drawn in a chart, and a sentence reworded.
    let data = f.read("data/figures.toml").replace(
        "values = { 2018 = 9, 2019 = 11, 2020 = 14 }",
        "values = { 2018 = 9, 2019 = 11, 2020 = 14, 2021 = 16 }",
    );
    f.write("data/figures.toml", &data);
    let text = f.read("text/en/intro.toml").replace("and the railway express ran", "and the railway express made");
    f.write("text/en/intro.toml", &text);
    let against = last_year.root().to_str().unwrap();
    let out = f.run(&["diff", "--against", against, "--csv", "diff.csv"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("(edition 2020) → this project (edition 2021), in en"), "{err}");
    assert!(err.contains("gdp (Regional GDP): 148.56 billion yuan (2020) → 160.1 billion yuan (2021)"), "{err}");
    assert!(err.contains("routes (Freight routes): 14 (2020) → 16 (2021)"), "{err}");
    assert!(
        err.contains("intro/block.p1 (wording): Testville's GDP reached [-148.56-]{+160.1+} billion yuan in 2020, and the railway express [-ran-]{+made+} 974 trips."),
        "{err}"
    );
    assert!(err.contains("data/figures.toml:45: routes (data): 2018 9; 2019 11; 2020 14{+; 2021 16+}."), "{err}");
    // The edition and publication date of vlr.toml, as the cover prints them.
    assert!(err.contains("vlr.toml:3: meta/edition: [-2020-]{+2021+}"), "{err}");
    let csv = f.read("diff.csv");
    assert!(csv.contains("\nchart,changed,routes,data,,"), "{csv}");
    assert!(csv.contains("\nfigure,updated,routes,Freight routes,2020,14,14,2021,16,16,"), "{csv}");
}

#[test]
fn a_bad_folder_or_year_is_a_usage_error_and_bad_data_a_problem() {
    let f = rolled();
    let empty = tempfile::tempdir().unwrap();
    let out = f.run(&["diff", "--against", empty.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no vlr.toml there"), "{}", stderr(&out));
    for year in ["2021", "2030"] {
        let out = f.run(&["diff", "--from", year]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("the project is at edition 2021"), "{}", stderr(&out));
    }
    let out = f.run(&["diff", "--from", "20"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // Not into data/, where every CSV is read as figures.
    let out = f.run(&["diff", "--csv", "data/diff.csv"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!f.root().join("data/diff.csv").exists());
    // Data that do not validate are not compared.
    f.write("data/more.toml", "[[indicator]]\nid = \"gdp\"\nvalue = 1\nunit = \"count\"\n");
    let out = f.run(&["diff", "--csv", "diff.csv"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("duplicate indicator id `gdp`"), "{}", stderr(&out));
    assert!(!f.root().join("diff.csv").exists());
}
