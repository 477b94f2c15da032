//! Issue 21: the data cycle. Plausibility on entry, the CSV's `scale`,
//! `checked` and comment lines.

use crate::common::{Fixture, dist_pdf, pdf_text, stderr};

/// The `basic` fixture (English only) rolled to edition 2021, with `gdp`'s
/// growth declared as its change.
fn rolled() -> Fixture {
    let f = Fixture::new("basic");
    let project = f.read("vlr.toml").replace("languages = [\"en\", \"zh\"]", "languages = [\"en\"]");
    f.write("vlr.toml", &project);
    let data = f.read("data/figures.toml")
        + "\n[[indicator]]\nid = \"gdp-growth\"\nunit = \"percent\"\nchange-of = \"gdp\"\nvalues = { 2020 = 3.9 }\n";
    f.write("data/figures.toml", &data);
    let text = f
        .read("text/en/intro.toml")
        .replace("{gdp} in 2020,", "{gdp} in {gdp:period},")
        .replace("[\"2020\", \"{trips}\"]", "[\"{trips:period}\", \"{trips}\"]");
    f.write("text/en/intro.toml", &text);
    let out = f.run(&["new-edition", "2021"]);
    assert!(out.status.success(), "{}", stderr(&out));
    f
}

#[test]
fn a_value_at_the_wrong_scale_stops_the_release_at_its_csv_line() {
    let f = rolled();
    // The bureau's figure in 亿元, without its scale; a growth typed as a fraction.
    let csv = "# GDP from the statistics bureau, 2022-03-01\nindicator,period,value\ngdp,2021,1589.6\ntrips,2021,1010\ngdp-growth,2021,0.043\n";
    f.write("data/2021.csv", csv);
    let out = f.run(&["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("implausible value: `gdp` for 2021 is 1589.6"), "{err}");
    assert!(err.contains("data/2021.csv:3:10"), "at the value's cell: {err}");
    assert!(err.contains("implausible value: `gdp-growth` for 2021 is 0.043%"), "{err}");
    assert!(
        !f.root().join("dist/testville-vlr-2021.en.pdf").exists() && !f.root().join("dist/testville.en.pdf").exists()
    );
    // A draft builds, with warnings.
    let out = f.run(&["build", "--draft"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("warning: implausible value"), "{}", stderr(&out));

    // The bureau's unit in a `scale` column, the growth in percent: the release builds.
    let csv = "indicator,period,value,scale\n# in 亿元\ngdp,2021,1589.6,1e8\ntrips,2021,1010,\ngdp-growth,2021,4.3,\n";
    f.write("data/2021.csv", csv);
    let out = f.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = dist_pdf(&f, "en");
    assert!(pdf_text(&pdf).contains("158.96 billion yuan"), "the scaled value prints");
}

#[test]
fn a_checked_value_passes_and_a_share_over_100_does_not() {
    let f = rolled();
    let data = f.read("data/figures.toml")
        + "\n[[indicator]]\nid = \"coverage\"\nunit = \"percent\"\nvalues = { 2020 = 98.7 }\n";
    f.write("data/figures.toml", &data);
    f.write("data/2021.csv", "indicator,period,value\ngdp,2021,1589.6\ntrips,2021,1010\ncoverage,2021,103.6\n");
    let err = stderr(&f.run(&["check"]));
    assert!(err.contains("`coverage` for 2021 is 103.6%: a share lies between 0 and 100"), "{err}");
    assert!(err.contains("`gdp` for 2021 is 1589.6"), "{err}");
    // A person looked at it: `checked` leaves the value alone.
    f.write(
        "data/2021.csv",
        "indicator,period,value,checked\ngdp,2021,1589.6,yes\ntrips,2021,1010,\ncoverage,2021,99.1,\n",
    );
    let err = stderr(&f.run(&["check"]));
    assert!(!err.contains("implausible"), "{err}");
    // A bad scale is located.
    f.write("data/2021.csv", "indicator,period,value,scale\ngdp,2021,1589.6,lots\n");
    let err = stderr(&f.run(&["check"]));
    assert!(err.contains("`lots` is not a scale") && err.contains("data/2021.csv:2:"), "{err}");
}

#[test]
fn the_request_lists_what_the_release_demands_and_filled_in_clears_it() {
    let f = rolled();
    // With the default lag of a year, edition 2022 needs 2021 values.
    assert!(f.run(&["new-edition", "2022"]).status.success());
    let out = f.run(&["build"]);
    let demanded: std::collections::BTreeSet<String> = stderr(&out)
        .lines()
        .filter_map(|l| l.strip_prefix("error: indicator `")?.split('`').next().map(str::to_string))
        .collect();
    assert!(!demanded.is_empty(), "{}", stderr(&out));
    let out = f.run(&["data", "request", "--lang", "zh"]);
    assert_eq!(out.status.code(), Some(2), "not a language of the project: {}", stderr(&out));
    let out = f.run(&["data", "request"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let request = f.read("requests/testville.csv");
    let rows: Vec<&str> = request.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(rows[0].starts_with("indicator,period,value,scale,note,label,unit,last_period,last_value"), "{request}");
    let asked: std::collections::BTreeSet<String> =
        rows[1..].iter().map(|r| r.split(',').next().unwrap().to_string()).collect();
    assert_eq!(asked, demanded, "the request asks for exactly what the release demands");
    assert!(request.contains("gdp,2021,,,,Regional GDP,yuan,2020,148560000000"), "{request}");
    // Filled in (here: last year's values again) and copied into data/, it clears them.
    let filled: String = request
        .lines()
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            if l.starts_with('#') || cells[0] == "indicator" {
                return format!("{l}\n");
            }
            let mut cells: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
            cells[2] = cells[8].clone();
            format!("{}\n", cells.join(","))
        })
        .collect();
    f.write("data/2021.csv", &filled);
    let out = f.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The status says every printed figure is current.
    let out = f.run(&["data", "status", "--format", "json"]);
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let states: Vec<&str> =
        status["indicators"].as_array().unwrap().iter().map(|i| i["state"].as_str().unwrap()).collect();
    assert!(!states.contains(&"needs-data"), "{status}");
    assert_eq!(status["edition"], 2022);
}

#[test]
fn a_gap_declared_with_its_reason_passes_a_release_and_prints_the_latest_value_with_its_period() {
    let f = rolled();
    assert!(f.run(&["new-edition", "2022"]).status.success());
    // Edition 2022 expects 2021 values: GDP's is not published, and says why.
    f.write(
        "data/2021.csv",
        "indicator,period,value,note\ngdp,2021,,survey postponed to 2023\ntrips,2021,1010,\nroutes,2021,15,\nstations,2021,8,\n",
    );
    let out = f.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = dist_pdf(&f, "en");
    let text = pdf_text(&pdf);
    // The panel gives the period and the reason; the sentence already names the period.
    assert!(text.contains("148.56 billion yuan (2020)"), "{text}");
    assert!(text.contains("survey postponed to 2023"), "{text}");
    assert!(text.contains("GDP reached 148.56 billion yuan in 2020"), "{text}");
    // A gap without a reason is no declaration: the release still asks for the value.
    f.write(
        "data/2021.csv",
        "indicator,period,value,note\ngdp,2021,,\ntrips,2021,1010,\nroutes,2021,15,\nstations,2021,8,\n",
    );
    let out = f.run(&["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("indicator `gdp` needs data for 2021"), "{}", stderr(&out));
}

#[test]
fn a_census_figure_is_asked_for_only_when_it_is_due() {
    let f = rolled();
    let data = f.read("data/figures.toml")
        + "\n[[indicator]]\nid = \"census-growth\"\nunit = \"percent\"\nvalues = { 2020 = 50.68 }\nrecurs = 10\n\n[[panel]]\nid = \"census\"\nitems = [\"census-growth\"]\n";
    f.write("data/figures.toml", &data);
    f.write("data/2021.csv", "indicator,period,value\ngdp,2021,150e9\ntrips,2021,1010\n");
    let text = f.read("text/en/intro.toml").replace("[labels]", "[[block]]\nid = \"census\"\npanel = \"census\"\ntitle = \"Census\"\n\n[labels]\n\"census-growth\" = \"Growth in ten years\"\n");
    f.write("text/en/intro.toml", &text);
    let out = f.run(&["build"]);
    assert!(out.status.success(), "not due in 2021: {}", stderr(&out));
    let status = f.run(&["data", "status", "--format", "csv"]);
    let csv = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(csv.lines().any(|l| l.starts_with("census-growth,") && l.contains(",every 10 years,")), "{csv}");
    // In 2031 (the default lag of a year: 2030's figure) it is due.
    assert!(f.run(&["new-edition", "2031", "--force"]).status.success());
    let err = stderr(&f.run(&["check"]));
    assert!(err.contains("indicator `census-growth` needs data for 2030"), "{err}");
}

#[test]
fn a_reason_that_is_a_label_is_printed_in_each_language() {
    let f = Fixture::new("basic");
    assert!(f.run(&["new-edition", "2022"]).status.success());
    f.write(
        "data/2021.csv",
        "indicator,period,value,note\ngdp,2021,,survey-postponed\ntrips,2021,,survey-postponed\nroutes,2021,15,\nstations,2021,8,\n",
    );
    let en = f
        .read("text/en/intro.toml")
        .replace("[labels]\n", "[labels]\nsurvey-postponed = \"survey postponed to 2023\"\n");
    f.write("text/en/intro.toml", &en);
    let zh = f.read("text/zh/intro.toml").replace("[labels]\n", "[labels]\nsurvey-postponed = \"调查推迟至2023年\"\n");
    f.write("text/zh/intro.toml", &zh);
    assert!(f.run(&["translate", "stamp", "--lang", "zh"]).status.success());
    let out = f.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = |lang: &str| dist_pdf(&f, lang);
    let en = pdf_text(&pdf("en"));
    assert!(en.contains("survey postponed to 2023"), "{en}");
    let zh = pdf_text(&pdf("zh")).replace(' ', "");
    assert!(zh.contains("调查推迟至2023年"), "{zh}");
    assert!(zh.contains("（2020年）"), "the period after the value, as Chinese writes it: {zh}");
}

#[test]
fn a_provisional_value_carries_its_mark_with_a_legend() {
    let f = rolled();
    f.write(
        "data/2021.csv",
        "indicator,period,value,value_status\ngdp,2021,150e9,provisional\ntrips,2021,1010,\nroutes,2021,15,estimated\n",
    );
    let out = f.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = dist_pdf(&f, "en");
    let text = pdf_text(&pdf);
    // The text and the panel mark the value; the imprint says what the marks mean; the chart's note too.
    assert!(text.replace(' ', "").matches("150billionyuanp").count() >= 2, "{text}");
    assert!(text.contains("Symbols : p provisional"), "{text}");
    assert!(text.contains("Freight routes (2021): estimated"), "the note names the series and its period: {text}");
    // A status that is not one is located.
    f.write("data/2021.csv", "indicator,period,value,value_status\ngdp,2021,150e9,maybe\n");
    let err = stderr(&f.run(&["check"]));
    assert!(err.contains("`maybe` is not a value's status") && err.contains("data/2021.csv:2:"), "{err}");
}

#[test]
fn an_indicators_note_is_in_the_annex() {
    let f = Fixture::new("dashboard");
    let data = f.read("data/figures.toml").replacen(
        "id = \"life\"\n",
        "id = \"life\"\nnote = \"Period life expectancy at birth, both sexes.\"\n",
        1,
    );
    f.write("data/figures.toml", &data);
    let out = f.run(&["build", "--lang", "en"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = dist_pdf(&f, "en");
    assert!(pdf_text(&pdf).contains("Period life expectancy at birth, both sexes."));
}

#[test]
fn csv_cells_with_control_characters_twin_columns_and_too_many_digits_are_reported() {
    let f = rolled();
    f.write("data/2021.csv", "indicator,period,value,note\ngdp,2021,150e9,\"\u{1b}[31mred\"\n");
    let err = stderr(&f.run(&["check"]));
    assert!(err.contains("this cell holds the control character U+001B") && err.contains("data/2021.csv:2:"), "{err}");
    assert!(!err.contains('\u{1b}'), "never echoed raw: {err}");
    f.write("data/2021.csv", "indicator,period,value,value\ngdp,2021,150e9,1\n");
    let err = stderr(&f.run(&["check"]));
    assert!(err.contains("the header has two `value` columns") && err.contains("data/2021.csv:1:"), "{err}");
    f.write("data/2021.csv", "indicator,period,value\ngdp,2021,150000000000.000000001\ntrips,2021,1010\n");
    let err = stderr(&f.run(&["check"]));
    assert!(err.contains("significant digits") && err.contains("data/2021.csv:2:"), "{err}");
}
