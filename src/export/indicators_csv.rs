//! `dist/<output>.indicators.csv`: the statistical annex as data, for the UN
//! DESA platform and for statisticians. One row per indicator and period; the
//! row of the edition's period also carries the target, thresholds, status and
//! trend. The same inputs give the same bytes.
//!
//! Spreadsheets evaluate a cell that starts with `=`, `+`, `-` or `@` as a
//! formula: a text cell (a label, a note, a source) that starts with one of
//! those, or with a tab or carriage return, is written with a `'` before it
//! (OWASP's rule for CSV injection). Number cells (value, target, green,
//! yellow, red) are numbers vlr formats itself, so `-3.5` stays a number.

use std::fmt::Write as _;

use crate::data::citation::citation;
use crate::data::resolve::SourceWords;
use crate::data::status::{self, Dashboard, Rating};

/// The header row.
pub const HEADER: &str = "goal,sdg,indicator,label,unit,period,value,note,target,target_year,target_source,green,yellow,red,thresholds_source,status,trend,source,section";

/// The CSV text, in the source language's words (`words`: its labels by
/// indicator id, its chapter titles by id, since a section naming a chapter
/// is written as its title, and its citations, placeholders filled).
pub fn write(d: &Dashboard, words: &SourceWords, edition: i32) -> String {
    let (labels, chapters) = (&words.labels, &words.chapters);
    let mut out = String::with_capacity(64 * 1024);
    out.push_str(HEADER);
    out.push('\n');
    for (ind, rating) in &d.indicators {
        let spec = ind.spec;
        let id = spec.id.get_ref().as_str();
        // A citation by label is written in the source language.
        let cite = |v: Option<&toml::Value>| {
            v.and_then(|v| citation(v).ok())
                .map(|c| c.text(|k| labels.get(k).cloned()))
                .map(|t| words.citations.get(&t).cloned().unwrap_or(t))
                .unwrap_or_default()
        };
        let head = [
            status::goal_of(spec).map(|g| g.to_string()).unwrap_or_default(),
            status::sdg_code(spec).unwrap_or_default(),
            id.to_string(),
            labels.get(id).map(|l| l.to_string()).unwrap_or_default(),
            ind.unit().to_string(),
        ];
        let current = ind.current(edition).map(|(p, _)| p.clone());
        // The rating's columns, on the edition's row.
        let rated = || {
            let (target, year, source) = match &ind.target {
                Some((p, v, dec)) => (
                    number(*v, *dec),
                    p.label.clone(),
                    cite(spec.target.as_ref().and_then(|t| t.source.as_ref()).map(|s| s.get_ref())),
                ),
                None => Default::default(),
            };
            let (green, yellow, red, tsource) = match &ind.thresholds {
                Some(t) => (
                    number(t.green, ind.threshold_decimals[0]),
                    number(t.yellow, ind.threshold_decimals[1]),
                    number(t.red, ind.threshold_decimals[2]),
                    cite(spec.thresholds.as_ref().map(|t| t.get_ref().source.get_ref())),
                ),
                None => Default::default(),
            };
            [target, year, source, green, yellow, red, tsource, rating_code(*rating), rating.trend_code().to_string()]
        };
        let tail = [
            cite(spec.source.as_ref().map(|s| s.get_ref())),
            spec.section.as_deref().map(|s| chapters.get(s).map_or(s, String::as_str).to_string()).unwrap_or_default(),
        ];
        let mut row = |period: String, value: String, note: String, rating: Option<[String; 9]>| {
            let cells = head
                .iter()
                .cloned()
                .chain([period, value, note])
                .chain(rating.unwrap_or_default())
                .chain(tail.iter().cloned());
            let line: Vec<String> =
                cells.enumerate().map(|(i, c)| quote(&if numeric(i) { c } else { neutralize(c) })).collect();
            let _ = writeln!(out, "{}", line.join(","));
        };
        for (period, pt) in &ind.series.points {
            let value = pt.value.map(|v| number(v, pt.decimals)).unwrap_or_default();
            let note = pt.missing.clone().or_else(|| pt.note.clone()).unwrap_or_default();
            let here = current.as_ref() == Some(period);
            row(period.label.clone(), value, note, here.then(rated));
        }
        if current.is_none() {
            // No value up to the edition (or none at all): a row of its own says so.
            let note = ind.missing.clone().unwrap_or_default();
            row(String::new(), String::new(), note, Some(rated()));
        }
    }
    out
}

fn rating_code(r: Rating) -> String {
    r.status_code().to_string()
}

/// A number in base units, with the decimals it was written with.
pub fn number(v: f64, decimals: Option<u8>) -> String {
    match decimals {
        Some(d) => format!("{v:.*}", usize::from(d)),
        None => format!("{v}"),
    }
}

/// Whether column `i` holds numbers vlr formatted (never a formula).
fn numeric(i: usize) -> bool {
    matches!(HEADER.split(',').nth(i), Some("value" | "target" | "green" | "yellow" | "red"))
}

/// A text cell a spreadsheet cannot take for a formula: one starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a `'` before it.
pub fn neutralize(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell }
}

/// A CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break.
pub fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) { format!("\"{}\"", cell.replace('"', "\"\"")) } else { cell.to_string() }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use super::*;
    use crate::data::index::{Settings, index};
    use crate::data::load::{Loaded, parse_csv};
    use crate::diag::Sources;
    use crate::files::parse_toml;

    const DATA: &str = r#"
[[indicator]]
id = "pm25"
values = { 2018 = 27.0, 2019 = { missing = "monitor moved" }, 2020 = 24, 2021 = 22 }
unit = "count"
sdg = "11.6"
better = "lower"
source = { publisher = "City statistics office", dataset = "Air, 2020" }
target = { value = 5, year = 2030, source = "WHO guideline, 2021" }
thresholds = { green = 10, red = 25, source = "SDSN" }

[[indicator]]
id = "plan"
missing = "only the plan is known"
unit = "count"
target = { value = 3000, year = 2021, source = "5G plan" }

[[indicator]]
id = "gdp"
value = 148.56e9
unit = "yuan"
"#;

    /// The CSV of a data file (edition 2020), which must index without an
    /// error (a value after the edition is a warning, and still a row).
    fn csv_of(data: &str, labels: &BTreeMap<&str, &str>) -> String {
        let labels = labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let words = SourceWords { labels, ..Default::default() };
        let path = PathBuf::from("data/d.toml");
        let mut sources = Sources::default();
        sources.insert(&path, data.to_string());
        let loaded = Loaded { data: vec![(path.clone(), parse_toml(&path, data).unwrap())], ..Default::default() };
        let mut diags = Vec::new();
        let settings = Settings {
            edition: 2020,
            lag: 0,
            units: &Default::default(),
            rating: Default::default(),
            period_year: Default::default(),
        };
        let idx = index(&loaded, &sources, settings, &mut diags);
        assert!(diags.iter().all(|d| !d.is_error() && d.message.contains("not printed in edition 2020")), "{diags:?}");
        write(&status::dashboard(&idx), &words, 2020)
    }

    #[test]
    fn one_row_per_indicator_and_period_with_the_rating_on_the_editions_row() {
        let labels = BTreeMap::from([("pm25", "PM2.5, annual mean (μg/m³)"), ("gdp", "GDP")]);
        let csv = csv_of(DATA, &labels);
        let expected = format!(
            "{HEADER}\n\
             11,11.6,pm25,\"PM2.5, annual mean (μg/m³)\",count,2018,27.0,,,,,,,,,,,\"City statistics office, Air, 2020\",\n\
             11,11.6,pm25,\"PM2.5, annual mean (μg/m³)\",count,2019,,monitor moved,,,,,,,,,,\"City statistics office, Air, 2020\",\n\
             11,11.6,pm25,\"PM2.5, annual mean (μg/m³)\",count,2020,24,,5,2030,\"WHO guideline, 2021\",10,17.5,25,SDSN,significant-challenges,on-track,\"City statistics office, Air, 2020\",\n\
             11,11.6,pm25,\"PM2.5, annual mean (μg/m³)\",count,2021,22,,,,,,,,,,,\"City statistics office, Air, 2020\",\n\
             ,,gdp,GDP,yuan,2020,148560000000,,,,,,,,,no-target,,,\n\
             ,,plan,,count,,,only the plan is known,3000,2021,5G plan,,,,,no-thresholds,,,\n"
        );
        assert_eq!(csv, expected);
        // The file reads back with vlr's own CSV reader (as many cells in every row as in the header).
        assert!(parse_csv(&PathBuf::from("x.csv"), &csv).is_ok());
    }

    #[test]
    fn thresholds_print_as_written() {
        // (0.8 + 0.4) / 2 is 0.6000000000000001 in binary; (0.1 + 0.2) / 2 needs one decimal more.
        let data = "[[indicator]]\nid = \"a\"\nvalue = 0.5\nyear = 2020\nunit = \"count\"\nbetter = \"higher\"\n\
                    target = { value = 1, year = 2030, source = \"plan\" }\n\
                    thresholds = { green = 0.80, red = 0.4, source = \"SDSN\" }\n\n\
                    [[indicator]]\nid = \"b\"\nvalue = 0.5\nyear = 2020\nunit = \"count\"\nbetter = \"lower\"\n\
                    target = { value = 0, year = 2030, source = \"plan\" }\n\
                    thresholds = { green = 0.1, red = 0.2, source = \"SDSN\" }\n";
        let csv = csv_of(data, &BTreeMap::new());
        assert!(csv.contains(",0.80,0.60,0.4,SDSN,"), "{csv}");
        assert!(csv.contains(",0.1,0.15,0.2,SDSN,"), "{csv}");
    }

    #[test]
    fn text_cells_that_a_spreadsheet_would_evaluate_are_neutralized_numbers_are_not() {
        for (cell, want) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("GDP - real", "GDP - real"),
            ("", ""),
        ] {
            assert_eq!(neutralize(cell.to_string()), want);
        }
        let cols: Vec<&str> = HEADER.split(',').collect();
        let numeric_cols: Vec<&str> = (0..cols.len()).filter(|&i| numeric(i)).map(|i| cols[i]).collect();
        assert_eq!(numeric_cols, ["value", "target", "green", "yellow", "red"]);
    }
}
