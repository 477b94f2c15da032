//! Reads the project's TOML files, keeping their text for diagnostics.

use std::any::Any;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use toml::Spanned;

use super::model::{DataFile, MetaText, TextFile};
use crate::diag::{Diag, Sources};
use crate::files::{parse_toml, read_confined};

/// Everything read from `data/` and `text/`.
#[derive(Debug, Default)]
pub struct Loaded {
    /// `data/*.toml`, by project-relative path.
    pub data: Vec<(PathBuf, DataFile)>,
    /// Rows of `data/*.csv` (series in the long layout), by file.
    pub csv: Vec<(PathBuf, Vec<CsvRow>)>,
    /// Per language: chapter id → (path, text).
    pub texts: std::collections::BTreeMap<String, LangTexts>,
    /// The source texts translations were made from (`translations/translated-from.toml`), if kept.
    pub record: Option<super::source_record::Record>,
}

/// One language's text files.
#[derive(Debug, Default)]
pub struct LangTexts {
    /// `text/<lang>/meta.toml`.
    pub meta: Option<(PathBuf, MetaText)>,
    /// Chapter id → text.
    pub chapters: std::collections::BTreeMap<String, (PathBuf, TextFile)>,
}

/// Lists `*.toml` files of a folder, sorted; an absent folder is empty.
pub fn toml_files(root: &Path, rel_dir: &Path) -> Vec<PathBuf> {
    files_with(root, rel_dir, "toml")
}

/// Lists the files of a folder with an extension, sorted; the folder is
/// listed beneath the project's handle (a `data` swapped for a symlink that
/// leads out lists nothing).
pub fn files_with(root: &Path, rel_dir: &Path, ext: &str) -> Vec<PathBuf> {
    let Ok(entries) = crate::files::Root::open(root).and_then(|r| r.entries(rel_dir)) else { return Vec::new() };
    entries
        .into_iter()
        .map(|(name, _)| rel_dir.join(name))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect()
}

fn read(root: &Path, rel: &Path, sources: &mut Sources) -> Result<String, Diag> {
    let text = read_confined(root, rel).map_err(Diag::general)?;
    sources.insert(rel, text.clone());
    Ok(text)
}

/// Files parsed by an earlier load, kept for the next (`vlr watch`): a file
/// read again with the same text (compared whole) is not parsed again.
/// Only what parsed without a problem is kept.
#[derive(Default)]
pub struct Kept(Mutex<HashMap<PathBuf, KeptFile>>);

/// A kept file's text and what it parsed to.
type KeptFile = (String, Arc<dyn Any + Send + Sync>);

impl std::fmt::Debug for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let files = self.0.lock().map_or(0, |m| m.len());
        f.debug_struct("Kept").field("files", &files).finish()
    }
}

impl Kept {
    /// `parse(rel, text)`, or its value kept from a load before.
    fn get_or<T, E>(
        kept: Option<&Kept>,
        rel: &Path,
        text: &str,
        parse: impl FnOnce(&Path, &str) -> Result<T, E>,
    ) -> Result<T, E>
    where
        T: Clone + Send + Sync + 'static,
    {
        let Some(kept) = kept else { return parse(rel, text) };
        if let Ok(map) = kept.0.lock()
            && let Some((was, value)) = map.get(rel)
            && was == text
            && let Some(value) = value.downcast_ref::<T>()
        {
            return Ok(value.clone());
        }
        let value = parse(rel, text)?;
        if let Ok(mut map) = kept.0.lock() {
            map.insert(rel.to_path_buf(), (text.to_string(), Arc::new(value.clone())));
        }
        Ok(value)
    }
}

/// Loads `data/` and the text of the given languages, collecting every
/// problem; files whose text is unchanged are taken from `kept`, if given.
pub fn load(
    root: &Path,
    langs: &[String],
    sources: &mut Sources,
    diags: &mut Vec<Diag>,
    kept: Option<&Kept>,
) -> Loaded {
    let mut loaded = Loaded::default();
    for rel in toml_files(root, Path::new("data")) {
        match read(root, &rel, sources).and_then(|t| Kept::get_or(kept, &rel, &t, parse_toml::<DataFile>)) {
            Ok(file) => loaded.data.push((rel, file)),
            Err(d) => diags.push(d),
        }
    }
    for rel in files_with(root, Path::new("data"), "csv") {
        match read(root, &rel, sources) {
            Ok(text) => match Kept::get_or(kept, &rel, &text, parse_csv) {
                Ok(rows) => loaded.csv.push((rel, rows)),
                Err(mut d) => diags.append(&mut d),
            },
            Err(d) => diags.push(d),
        }
    }
    for lang in langs {
        let dir = Path::new("text").join(lang);
        let mut texts = LangTexts::default();
        for rel in toml_files(root, &dir) {
            let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
            let text = match read(root, &rel, sources) {
                Ok(t) => t,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            if stem == "meta" {
                match Kept::get_or(kept, &rel, &text, parse_toml::<MetaText>) {
                    Ok(m) => texts.meta = Some((rel, m)),
                    Err(d) => diags.push(d),
                }
            } else {
                match Kept::get_or(kept, &rel, &text, parse_toml::<TextFile>) {
                    Ok(t) => {
                        texts.chapters.insert(stem, (rel, t));
                    }
                    Err(d) => diags.push(d),
                }
            }
        }
        loaded.texts.insert(lang.clone(), texts);
    }
    let rel = Path::new(super::source_record::PATH);
    if std::fs::symlink_metadata(root.join(rel)).is_ok() {
        match read(root, rel, sources).map_err(|d| vec![d]).and_then(|t| super::source_record::Record::parse(rel, &t)) {
            Ok(r) => loaded.record = Some(r),
            Err(mut d) => diags.append(&mut d),
        }
    }
    loaded
}

/// A CSV value: the number, its decimals as written, and the place of its
/// last digit (see [`crate::data::series::literal_place`]).
pub type CsvValue = (f64, Option<u8>, Option<i8>);

/// One row of a CSV series file: `indicator,period,value[,note]`.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvRow {
    /// The indicator id and its cell's span.
    pub indicator: Spanned<String>,
    /// The period as written and its span.
    pub period: Spanned<String>,
    /// The value (none: a missing point) with its decimals as written, and the cell's span.
    pub value: Spanned<Option<CsvValue>>,
    /// The value's cell as written.
    pub written: String,
    /// The note, if the file has a `note` column.
    pub note: Option<String>,
    /// Checked by a person (a `checked` column saying `yes`, `true` or `1`):
    /// the plausibility checks leave the value alone.
    pub checked: bool,
    /// The value's status (a `value_status` column: provisional, estimated, final).
    pub status: crate::data::series::ValueStatus,
}

/// Splits CSV text (RFC 4180: quotes, `""` escapes, CRLF or LF) into records
/// of cells with their byte spans.
/// A CSV cell: its text and its byte span.
type Cell = (String, std::ops::Range<usize>);

fn csv_records(text: &str) -> Result<Vec<Vec<Cell>>, usize> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    loop {
        // One cell.
        let start = i;
        let mut cell = String::new();
        if bytes.get(i) == Some(&b'"') {
            i += 1;
            loop {
                match bytes.get(i) {
                    None => return Err(start),
                    Some(b'"') if bytes.get(i + 1) == Some(&b'"') => {
                        cell.push('"');
                        i += 2;
                    }
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(_) => {
                        let ch = text[i..].chars().next().unwrap_or('\0');
                        cell.push(ch);
                        i += ch.len_utf8();
                    }
                }
            }
        }
        while let Some(&b) = bytes.get(i) {
            if b == b',' || b == b'\n' || b == b'\r' {
                break;
            }
            let ch = text[i..].chars().next().unwrap_or('\0');
            cell.push(ch);
            i += ch.len_utf8();
        }
        record.push((cell, start..i));
        match bytes.get(i) {
            Some(b',') => i += 1,
            Some(b'\r') | Some(b'\n') | None => {
                if bytes.get(i) == Some(&b'\r') {
                    i += 1;
                }
                if bytes.get(i) == Some(&b'\n') {
                    i += 1;
                }
                let blank = record.len() == 1 && record[0].0.trim().is_empty();
                if !blank {
                    records.push(std::mem::take(&mut record));
                } else {
                    record.clear();
                }
                if i >= bytes.len() {
                    return Ok(records);
                }
            }
            Some(_) => unreachable!("cells end at a comma or a line end"),
        }
    }
}

/// The text with each line that starts with `#` (after spaces) replaced by
/// spaces of the same length.
fn blank_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with('#') {
            let body = line.trim_end_matches(['\n', '\r']);
            out.extend(std::iter::repeat_n(' ', body.len()));
            out.push_str(&line[body.len()..]);
        } else {
            out.push_str(line);
        }
    }
    out
}

/// A `scale` cell: a number (`1e8`, `10000`) or a word (`thousand`, `million`, `billion`, `万`, `亿`).
fn parse_scale(s: &str) -> Option<f64> {
    let k = match s.to_lowercase().as_str() {
        "thousand" | "thousands" | "千" => 1e3,
        "万" => 1e4,
        "million" | "millions" => 1e6,
        "亿" => 1e8,
        "billion" | "billions" => 1e9,
        other => other.replace('_', "").parse::<f64>().ok()?,
    };
    (k.is_finite() && k > 0.0).then_some(k)
}

/// Parses a series file in the long layout: a header with at least
/// `indicator,period,value` (and optionally `note`, `scale`, `checked` and `value_status`;
/// other columns are ignored; `#` starts a comment line),
/// then one row per indicator and period. Every bad cell is a located error.
pub fn parse_csv(rel: &Path, text: &str) -> Result<Vec<CsvRow>, Vec<Diag>> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let off = text.len() - body.len();
    // A line starting with `#` is a comment: blanked (its length kept, so
    // every span still points into the file) and skipped as a blank line.
    let uncommented = blank_comments(body);
    let body = uncommented.as_str();
    let records = csv_records(body).map_err(|at| {
        vec![
            Diag::error(rel, Some(off + at..off + at + 1), "this quoted cell is never closed")
                .with_hint("close it with `\"`; write `\"\"` for a quote inside a cell"),
        ]
    })?;
    let Some((header, rows)) = records.split_first() else {
        return Err(vec![Diag::error(rel, None, "empty CSV file: it needs a header `indicator,period,value`")]);
    };
    let col = |name: &str| header.iter().position(|(h, _)| h.trim().eq_ignore_ascii_case(name));
    let mut diags = Vec::new();
    // A column vlr reads, given twice: which one counts would be a guess.
    for name in ["indicator", "period", "value", "note", "scale", "checked", "value_status", "obs_status"] {
        let mut same = header.iter().filter(|(h, _)| h.trim().eq_ignore_ascii_case(name));
        if let (Some(_), Some((_, span))) = (same.next(), same.next()) {
            diags.push(Diag::error(
                rel,
                Some(off + span.start..off + span.end),
                format!("the header has two `{name}` columns"),
            ));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let (Some(ci), Some(cp), Some(cv)) = (col("indicator"), col("period"), col("value")) else {
        let span = header.first().map(|(_, s)| off + s.start..off + header.last().map_or(s.end, |(_, e)| e.end));
        return Err(vec![
            Diag::error(rel, span, "the header needs the columns `indicator`, `period` and `value`")
                .with_hint("the long layout: one row per indicator and period, e.g. `indicator,period,value,note`"),
        ]);
    };
    // A value's status: `value_status` (or SDMX's `obs_status`); `status` is
    // the SDG rating in the indicators CSV vlr writes, which reads back as it is.
    let (cn, cs, cc) = (col("note"), col("scale"), col("checked"));
    let cst = col("value_status").or_else(|| col("obs_status"));
    let mut out = Vec::new();
    for row in rows {
        let cell = |c: usize| row.get(c).map(|(t, s)| (t.trim().to_string(), off + s.start..off + s.end));
        // A control character (an escape sequence, a NUL) is no data, and would reach every CSV vlr writes.
        if let Some((t, span)) = row.iter().find(|(t, _)| t.chars().any(|c| c.is_control() && c != '\t')) {
            let c = t.chars().find(|c| c.is_control() && *c != '\t').unwrap_or('\0');
            diags.push(Diag::error(
                rel,
                Some(off + span.start..off + span.end),
                format!("this cell holds the control character U+{:04X}", c as u32),
            ));
            continue;
        }
        if row.len() != header.len() {
            let span = row.first().map(|(_, s)| off + s.start..off + row.last().map_or(s.end, |(_, e)| e.end));
            diags.push(Diag::error(
                rel,
                span,
                format!("this row has {} cells, the header {}", row.len(), header.len()),
            ));
            continue;
        }
        let (Some((id, ispan)), Some((period, pspan)), Some((value, vspan))) = (cell(ci), cell(cp), cell(cv)) else {
            continue;
        };
        if id.is_empty() {
            diags.push(Diag::error(rel, Some(ispan), "no indicator id in this row"));
            continue;
        }
        let value = if value.is_empty() || ["na", "n/a", ".."].contains(&value.to_ascii_lowercase().as_str()) {
            None
        } else {
            match value.replace('_', "").parse::<f64>() {
                Ok(v) if v.is_finite() => Some((v, crate::data::series::literal_decimals(&value), value.as_str())),
                _ => {
                    let hint = if value.contains(',') {
                        "write numbers without grouping, with `.` as decimal mark"
                    } else {
                        "write a number, or leave the cell empty for a missing value (say why in `note`)"
                    };
                    diags.push(Diag::error(rel, Some(vspan), format!("`{value}` is not a number")).with_hint(hint));
                    continue;
                }
            }
        };
        // `scale`: the unit the bureau counted in (`1e8` for 亿, `thousand`).
        let value = match (value, cs.and_then(cell).filter(|(t, _)| !t.is_empty())) {
            (Some((v, d, lit)), None) => Some((v, d, crate::data::series::literal_place(lit))),
            // The bureau's precision in its own unit: `106.0` in 亿 is to 10^7.
            (Some((v, _, lit)), Some((scale, sspan))) => match parse_scale(&scale) {
                Some(k) if (v * k).is_finite() => {
                    let shift = k.log10();
                    let place = (shift.fract() == 0.0)
                        .then(|| i32::from(crate::data::series::literal_place(lit).unwrap_or(0)) + shift as i32)
                        .and_then(|p| i8::try_from(p).ok());
                    Some((v * k, None, place))
                }
                _ => {
                    diags.push(
                        Diag::error(rel, Some(sspan), format!("`{scale}` is not a scale"))
                            .with_hint("a number such as `1e8` (亿), `1e4` (万), `1000`, or `thousand`, `million`, `billion`; empty for base units"),
                    );
                    continue;
                }
            },
            (None, _) => None,
        };
        let note = cn.and_then(cell).map(|(n, _)| n).filter(|n| !n.is_empty());
        let checked = cc
            .and_then(cell)
            .is_some_and(|(c, _)| matches!(c.to_ascii_lowercase().as_str(), "yes" | "true" | "1" | "x"));
        let status = match cst.and_then(cell) {
            None => crate::data::series::ValueStatus::Final,
            Some((t, span)) => match crate::data::series::ValueStatus::parse(&t) {
                Ok(s) => s,
                Err(e) => {
                    diags.push(Diag::error(rel, Some(span), e));
                    continue;
                }
            },
        };
        out.push(CsvRow {
            indicator: Spanned::new(ispan, id),
            period: Spanned::new(pspan, period),
            value: Spanned::new(vspan.clone(), value),
            written: text.get(vspan).unwrap_or_default().trim().to_string(),
            note,
            checked,
            status,
        });
    }
    if diags.is_empty() { Ok(out) } else { Err(diags) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kept file is parsed again only when its text changed, and a file
    /// that did not parse is not kept.
    #[test]
    fn kept_files_are_parsed_again_only_when_changed() {
        let kept = Kept::default();
        let calls = std::cell::Cell::new(0);
        let parse = |_: &Path, t: &str| {
            calls.set(calls.get() + 1);
            t.parse::<i32>().map_err(|_| "not a number")
        };
        let rel = Path::new("data/a.toml");
        assert_eq!(Kept::get_or(Some(&kept), rel, "1", parse), Ok(1));
        assert_eq!(Kept::get_or(Some(&kept), rel, "1", parse), Ok(1));
        assert_eq!(calls.get(), 1, "the same text is not parsed again");
        assert_eq!(Kept::get_or(Some(&kept), rel, "2", parse), Ok(2));
        assert_eq!(Kept::get_or(Some(&kept), Path::new("data/b.toml"), "2", parse), Ok(2));
        assert_eq!(calls.get(), 3, "a changed text, or another file, is");
        assert!(Kept::get_or(Some(&kept), rel, "x", parse).is_err());
        assert!(Kept::get_or(Some(&kept), rel, "x", parse).is_err());
        assert_eq!(Kept::get_or(Some(&kept), rel, "2", parse), Ok(2));
        assert_eq!(calls.get(), 5, "a problem is found again, and the last good parse stays");
        assert_eq!(Kept::get_or(None, rel, "2", parse), Ok(2));
        assert_eq!(calls.get(), 6, "nothing kept: always parsed");
    }

    fn at(text: &str, d: &Diag) -> String {
        text[d.span.clone().expect("span")].to_string()
    }

    #[test]
    fn csv_rows_with_quotes_notes_and_gaps() {
        let text = "\u{feff}indicator,period,value,note,unit\nco2,2005,1.20,,kt\n\"co2\",2006,,\"not published, see \"\"note\"\"\",kt\r\nco2,2022/23,1.2e3,provisional,kt\n\n";
        let rows = parse_csv(Path::new("data/co2.csv"), text).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].value.get_ref(), &Some((1.2, Some(2), Some(-2))));
        assert_eq!(rows[1].value.get_ref(), &None);
        assert_eq!(rows[1].note.as_deref(), Some("not published, see \"note\""));
        assert_eq!(rows[2].period.get_ref(), "2022/23");
        assert_eq!(&text[rows[2].period.span()], "2022/23");
    }

    #[test]
    fn csv_errors_are_located() {
        let text = "indicator,period,value\nco2,2005,1.2\nco2,2006,12,5\nco2,2007,abc\nco2,2008,inf\n";
        let errs = parse_csv(Path::new("d.csv"), text).unwrap_err();
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert_eq!(at(text, &errs[0]), "co2,2006,12,5");
        assert!(errs[0].message.contains("4 cells"), "{}", errs[0].message);
        assert_eq!(at(text, &errs[1]), "abc");
        assert_eq!(at(text, &errs[2]), "inf");
        let errs = parse_csv(Path::new("d.csv"), "id,year,value\nco2,2005,1\n").unwrap_err();
        assert!(errs[0].message.contains("`indicator`"), "{}", errs[0].message);
        let errs = parse_csv(Path::new("d.csv"), "indicator,period,value\nco2,2005,\"1\n").unwrap_err();
        assert_eq!(at("indicator,period,value\nco2,2005,\"1\n", &errs[0]), "\"");
    }

    #[test]
    fn syntax_error_is_located() {
        let err =
            parse_toml::<DataFile>(Path::new("data/x.toml"), "[[indicator]]\nid = \"a\"\nvalue = \n").unwrap_err();
        assert_eq!(err.file.as_deref(), Some(Path::new("data/x.toml")));
        let span = err.span.expect("span");
        assert!(span.start >= 22, "{span:?}");
    }

    #[test]
    fn unknown_field_is_located() {
        let text = "[[indicator]]\nid = \"a\"\nvalue = 1\nunit = \"count\"\ncolour = \"red\"\n";
        let err = parse_toml::<DataFile>(Path::new("d.toml"), text).unwrap_err();
        assert!(err.message.contains("colour"), "{}", err.message);
        let span = err.span.expect("span");
        assert_eq!(&text[span.start..span.start + 6], "colour");
    }
}
