//! The SDG dashboard, the annex and the indicators' CSV, on a fixture whose
//! ratings are computed by hand (see tests/fixtures/dashboard/data/figures.toml).

use crate::common::{Fixture, pdf_text, stderr};

/// The text of one goal's tile: from its name to the next tile's number.
fn tile<'a>(text: &'a str, name: &str) -> &'a str {
    let start = text.find(name).unwrap_or_else(|| panic!("no tile `{name}` in {text}"));
    let rest = &text[start + name.len()..];
    let end = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn the_dashboard_shows_the_hand_computed_ratings() {
    let f = Fixture::new("dashboard");
    let out = f.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = pdf_text(&f.root().join("dist/testville.en.pdf"));
    // The dashboard page: from its heading to the tables behind the ratings.
    let at = text.find("1 No Poverty").expect("the tiles");
    let page = &text[at..text[at..].find("Table 1:").map_or(text.len(), |e| at + e)];
    // Goal 3: (challenges remain + major challenges) / 2 → significant; (on track + moderately) / 2 → moderately.
    let t3 = tile(page, "3 Good Health");
    assert!(t3.contains("Significant challenges") && t3.contains("Moderately improving"), "goal 3: {t3}");
    // Goal 4: the band from the two worst (major, significant); the trend from all four
    // with one, (3 + 2 + 0 + 0) / 4 → moderately improving (the two worst alone: decreasing).
    let t4 = tile(page, "4 Quality Education");
    assert!(t4.contains("Significant challenges") && t4.contains("Moderately improving"), "goal 4: {t4}");
    // Goal 6: (achieved + challenges remain) / 2 rounds to the worse; 1 of 2 with a trend
    // is under 75%: no trend data, though sanitation is decreasing.
    let t6 = tile(page, "6 Clean Water");
    assert!(t6.contains("Challenges remain") && t6.contains("No trend data"), "goal 6: {t6}");
    assert!(!t6.contains("Decreasing"), "goal 6: {t6}");
    // Goal 12: 4 → 5, lower is better, beyond the green threshold 10: maintaining.
    let t12 = tile(page, "12 Responsible");
    assert!(t12.contains("Achieved") && t12.contains("On track or maintaining achievement"), "goal 12: {t12}");
    // Goal 8 has no target, goal 11 no data, goal 17 a value older than its window:
    // none is rated, nothing is guessed. Its tile says what it has (the
    // legend says once what "not rated" means).
    for goal in ["8 Decent Work", "11 Sustainable Cities", "17 Partnerships", "1 No Poverty"] {
        let t = tile(page, goal);
        let says = t.contains("Indicators reported") || t.contains("No indicators");
        assert!(says && !t.contains("challenges") && !t.contains("Achieved"), "{goal}: {t}");
    }
    // An unrated goal beside rated ones is laid out as they are (its status,
    // "Not rated", at the top, its count at the foot: designer M5, even
    // boxes); in a row with no rated goal the hollow mark and the count
    // suffice, and the legend says once what it means.
    assert!(tile(page, "8 Decent Work").contains("Not rated"), "{}", tile(page, "8 Decent Work"));
    assert!(!tile(page, "13 Climate Action").contains("Not rated"), "{}", tile(page, "13 Climate Action"));
    assert_eq!(page.matches("Not rated: none").count(), 1, "one legend entry: {page}");
    assert!(page.contains("Not rated: none of the goal’s indicators can be rated"), "{page}");
    // How many indicators stand behind each tile.
    for coverage in
        ["Indicators rated: 2 of 2", "Indicators rated: 5 of 5", "Indicators rated: 2 of 3", "Indicators reported: 1"]
    {
        assert!(page.contains(coverage), "missing `{coverage}` in {page}");
    }
    assert!(page.contains("Of the 14 indicators, 10 are rated"), "{page}");
    // A goal no indicator is linked to says so on its tile.
    assert!(tile(page, "2 Zero Hunger").contains("No indicators"), "{}", tile(page, "2 Zero Hunger"));
    assert!(page.contains("Trends run from 2015 (or the first value after it)"), "{page}");
    // The tables behind the ratings: each indicator's status and trend, and the citations.
    let tables = &text[at + page.len()..];
    for expected in [
        // A star marks the indicators whose statuses the goal's averages:
        // its two worst-rated (goal 4: the red and the orange, not the greens).
        "Life expectancy 78 years (2020) 83 years (2030) Challenges remain * On track or maintaining achievement",
        "Road deaths 19 (2020) 10 (2030) Major challenges * Moderately improving",
        "4.1 Completion rate 58% (2020) 100% (2030) Major challenges * Decreasing",
        "4.2 Pre-primary participation 72% (2020) 100% (2030) Significant challenges * Stagnating",
        "4.3 Tertiary enrolment 95% (2020) 100% (2030) Achieved On track",
        "4.5 Gender parity index 96% (2020) 100% (2030) Achieved No trend data * Sets the goal’s status",
        "Safe drinking water 99% (2020) 100% (2030) Achieved * No trend data",
        "Safe sanitation 89% (2020) 100% (2030) Challenges remain * Decreasing",
        // A goal with one rated indicator: that one sets it, and the note says so.
        "Waste per person 5 (2020) 3 (2030) Achieved * On track or maintaining achievement * Sets the goal’s status: the goal’s only rated indicator.",
        "PM2.5 concentration n/a 5 (2030) No data",
        "Development aid 0.4% (2014) 0.7% (2030) Data too old to rate",
        "Thresholds (green, yellow, red): 80 years, 75 years, 70 years; Benchmark B.",
    ] {
        assert!(tables.contains(expected), "missing `{expected}` in {tables}");
    }
    // The annex lists every indicator, rated or not, goal by goal: its label
    // (its source a numbered note under the goal), its unit, its values in a
    // column per period, without unit or year; a status (and its target) only
    // where it is rated, an unrated target noted under the name, and a note
    // says a blank is not rated.
    let annex = &text[text.rfind("Statistical annex").expect("the annex")..];
    for expected in [
        "Only rated indicators show a status; a blank means the indicator is not rated",
        // A period with values for fewer than a tenth of the indicators
        // (theme.toml's [annex] period-least) goes into "Other years".
        "SDG Indicator Unit 2015 2020 Other years Status",
        "3 Good Health and Well-being 3 Life expectancy 1 years 78 2016: 70 Challenges remain On track or maintaining achievement Target 2030: 83 years",
        "3.6 Road deaths 1 19 2018: 20 Major challenges Moderately improving Target 2030: 10 Sources: 1 Testville City Government",
        "6.3 Wastewater treated 1 % 96.7 Sources: 1 Testville City Government",
        "8.1 Regional GDP 1 billion yuan 148.56 Sources",
        "11.6 PM2.5 concentration 1 Target 2030: 5 Sources",
    ] {
        assert!(annex.contains(expected), "missing `{expected}` in {annex}");
    }
    assert!(!annex.contains("No target set"), "{annex}");
    // The warning comes once, with the count.
    let err = stderr(&out);
    assert_eq!(
        err.matches("4 of 14 indicator(s) are not rated: 2 have no target or no thresholds, 2 no value to rate")
            .count(),
        1,
        "{err}"
    );
}

#[test]
fn the_chinese_dashboard_is_localized() {
    let f = Fixture::new("dashboard");
    let out = f.run(&["build", "--lang", "zh"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = pdf_text(&f.root().join("dist/testville.zh.pdf")).replace(' ', "");
    for expected in [
        "可持续发展目标指示板",
        "仍存在重大挑战",
        "适度改善",
        "仍存在挑战",
        "倒退",
        "统计附件",
        "未设定目标",
        "人均预期寿命",
        // Chinese punctuation in the notes under a goal's table: the source after "；", a "。" at the end.
        "；BenchmarkB。",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in {text}");
    }
}

#[test]
fn every_build_writes_the_indicators_csv_the_same() {
    let f = Fixture::new("dashboard");
    let out = f.run(&["build", "--lang", "en"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = f.root().join("dist/testville.indicators.csv");
    let first = std::fs::read_to_string(&path).expect("the CSV is written");
    let lines: Vec<&str> = first.lines().collect();
    assert!(lines[0].starts_with("goal,sdg,indicator,label,unit,period,value,"), "{}", lines[0]);
    assert!(lines[0].contains(",target,target_year,") && lines[0].contains(",status,trend,source"), "{}", lines[0]);
    // One row per indicator and period (22), the rating on the edition's row only.
    assert_eq!(lines.len(), 23, "{first}");
    assert!(lines.contains(&"3,3,life,Life expectancy,years,2016,70,,,,,,,,,,,,"), "{first}");
    assert!(
        lines.contains(&"3,3.6,deaths,Road deaths,count,2020,19,,10,2030,Plan A,12,15,18,Benchmark B,major-challenges,moderately-improving,,"),
        "{first}"
    );
    assert!(lines.contains(&"8,8.1,gdp,Regional GDP,yuan,2020,148560000000,,,,,,,,,no-target,,,"), "{first}");
    assert!(lines.iter().any(|l| l.starts_with("11,11.6,pm25,PM2.5 concentration,count,,,not measured,5,2030,")));
    assert!(
        lines.contains(
            &"12,12.5,waste,Waste per person,count,2020,5,,3,2030,Plan A,10,15,20,Benchmark B,achieved,on-track,,"
        ),
        "{first}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("17,17.2,oda,") && l.contains(",0.7,0.45,0.2,Benchmark B,outdated,")),
        "{first}"
    );
    // Same inputs, same bytes; and no temporary file is left behind.
    let out = f.run(&["build", "--lang", "en"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), first);
    let stray: Vec<_> = std::fs::read_dir(f.root().join("dist"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn check_lists_the_indicators_without_a_target() {
    let f = Fixture::new("dashboard");
    let out = f.run(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    // The same count as the dashboard's "Of the 14 indicators, 10 are rated".
    assert!(err.contains("Not rated 4 of 14 indicator(s) (10 rated):"), "{err}");
    let text = std::fs::read_to_string(f.root().join("data/figures.toml")).unwrap();
    for (id, why) in [
        ("treated", "no target"),
        ("gdp", "no target"),
        ("pm25", "no value to rate"),
        ("oda", "its latest value, of 2014, is older than its years-used window"),
    ] {
        let line = text.lines().position(|l| l == format!("id = \"{id}\"")).unwrap() + 1;
        assert!(err.contains(&format!("data/figures.toml:{line}: {id} ({why})")), "{id} at line {line}: {err}");
    }
    assert!(!err.contains(": life"), "{err}");
}

#[test]
fn bad_thresholds_and_kinds_are_errors_at_their_place() {
    let f = Fixture::new("dashboard");
    let data = std::fs::read_to_string(f.root().join("data/figures.toml")).unwrap();
    let bad = data.replacen("green = 80, red = 70", "green = 70, red = 80", 1);
    f.write("data/figures.toml", &bad);
    let line = bad.lines().position(|l| l.contains("green = 70, red = 80")).unwrap() + 1;
    let out = f.run(&["build", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("thresholds run green > yellow > red"), "{err}");
    assert!(err.contains(&format!("data/figures.toml:{line}:14")), "{err}");
    assert!(!f.root().join("dist/testville.indicators.csv").exists(), "a failed build writes no CSV");
    f.write("data/figures.toml", &data);
    let project = std::fs::read_to_string(f.root().join("vlr.toml")).unwrap();
    f.write("vlr.toml", &project.replace("kind = \"annex\"", "kind = \"appendix\""));
    let out = f.run(&["build", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("unknown chapter kind `appendix`") && err.contains("vlr.toml:19:8"), "{err}");
}

#[test]
fn a_source_by_label_is_translated_and_a_missing_one_is_located() {
    let f = Fixture::new("dashboard");
    let data =
        f.read("data/figures.toml").replacen(r#"source = "Benchmark B""#, r#"source = { label = "bench-b" }"#, 1);
    f.write("data/figures.toml", &data);
    let en = f.read("text/en/intro.toml").replacen("[labels]\n", "[labels]\nbench-b = \"Benchmark B\"\n", 1);
    f.write("text/en/intro.toml", &en);
    let zh = f.read("text/zh/intro.toml").replacen("[labels]\n", "[labels]\nbench-b = \"基准B\"\n", 1);
    f.write("text/zh/intro.toml", &zh);
    assert!(f.run(&["translate", "stamp", "--lang", "zh"]).status.success());
    let out = f.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The Chinese edition prints the translation, the CSV the source language's text.
    let text = pdf_text(&f.root().join("dist/testville.zh.pdf")).replace(' ', "");
    // (The fixture's other thresholds still cite "Benchmark B" as text.)
    assert!(text.contains("阈值（绿、黄、红）：80岁、75岁、70岁；基准B。"), "{text}");
    let csv = std::fs::read_to_string(f.root().join("dist/testville.indicators.csv")).unwrap();
    assert!(csv.contains(",Benchmark B,") && !csv.contains("bench-b"), "{csv}");
    // Without the label, the error points at the citation, whichever edition is built.
    f.write("text/en/intro.toml", &en.replacen("bench-b = \"Benchmark B\"\n", "", 1));
    let at = data.find(r#"{ label = "bench-b" }"#).unwrap();
    let line = data[..at].matches('\n').count() + 1;
    let col = data[..at].rsplit('\n').next().unwrap().chars().count() + 1;
    for lang in ["en", "zh"] {
        let out = f.run(&["build", "--lang", lang]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert_eq!(err.matches("the source's label `bench-b` is in no text file").count(), 1, "{err}");
        assert!(err.contains(&format!("data/figures.toml:{line}:{col}")), "{err}");
    }
}

#[test]
fn the_rating_settings_are_checked_at_their_place() {
    let f = Fixture::new("dashboard");
    let project = f.read("vlr.toml");
    f.write("vlr.toml", &format!("{project}\n[dashboard]\nmethod = \"sdns\"\nbase-year = 2025\n"));
    let line = project.lines().count() + 3;
    let out = f.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("unknown rating method `sdns`") && err.contains(&format!("vlr.toml:{line}:10")), "{err}");
    assert!(err.contains("`base-year` is a year from 2000 to the edition (2020)"), "{err}");
    // The project's own targets, from 2016: the method line says so.
    f.write("vlr.toml", &format!("{project}\n[dashboard]\nmethod = \"targets\"\nbase-year = 2016\n"));
    let out = f.run(&["build", "--lang", "en"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = pdf_text(&f.root().join("dist/testville.en.pdf"));
    assert!(text.contains("Trends run from 2016 (or the first value after it) and are compared with the pace that reaches each indicator's own target by its year"), "{text}");
}

#[test]
fn csv_text_cells_cannot_be_spreadsheet_formulas_and_negative_numbers_stay_numbers() {
    let f = Fixture::new("dashboard");
    let en = f.read("text/en/intro.toml").replacen(
        "gdp = \"Regional GDP\"",
        "gdp = \"=HYPERLINK(\\\"http://evil.example\\\",\\\"GDP\\\")\"",
        1,
    );
    f.write("text/en/intro.toml", &en);
    let data = f.read("data/figures.toml").replacen("value = 148.56e9", "value = -2.5e9\nsource = \"@SUM(A1)\"", 1);
    f.write("data/figures.toml", &data);
    let out = f.run(&["build", "--lang", "en"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = std::fs::read_to_string(f.root().join("dist/testville.indicators.csv")).unwrap();
    let row = csv.lines().find(|l| l.contains(",gdp,")).expect("the gdp row");
    assert_eq!(
        row,
        "8,8.1,gdp,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"GDP\"\")\",yuan,2020,-2500000000,,,,,,,,,no-target,,'@SUM(A1),"
    );
}
