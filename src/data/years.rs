//! The stale-year check: a year typed in text that the data no longer
//! support. Next year's edition changes every figure; a year written beside
//! a figure, or the previous edition's year in a title, would then print a
//! statement the data do not make. A year that comes from data is a
//! placeholder (`{gdp:period}`, `{edition}`); a year of history is marked
//! `{2019}`; only the rest is checked here.

use super::fingerprint::Seg;
use super::indexed::Index;
use super::markup::{Form, Placeholder, parse_placeholder, placeholder_len};
use super::model::{MetaText, TextFile};
use super::series::Period;
use toml::Spanned;

/// Where a text is printed, which decides what is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Running text (paragraphs, list items, table cells): a year beside a figure.
    Prose,
    /// Titles, labels, chart texts, the cover and imprint: the previous edition's year.
    Title,
    /// A table cell: checked with the rest of its row ([`check_row`]).
    Cell,
}

/// A year typed in a text: its value and byte range in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Typed {
    /// The year.
    pub year: i32,
    /// Byte offset of its first digit.
    pub offset: usize,
}

/// One sentence of a text: the years typed in it and its placeholders.
#[derive(Debug, Default)]
struct Sentence {
    years: Vec<Typed>,
    placeholders: Vec<Placeholder>,
}

/// Splits a text into sentences (at `.`, `!`, `?` before a space or the end,
/// at [`ENDS`] and at line breaks), with the years typed outside
/// placeholders and the placeholders of each.
fn sentences(text: &str) -> Vec<Sentence> {
    let mut out = vec![Sentence::default()];
    let bytes = text.as_bytes();
    let mut pos = 0;
    while pos < text.len() {
        // What can neither open a placeholder, start a year nor end a
        // sentence is passed over a byte at a time (a char at a time, it was
        // 1 ms of each watch rebuild).
        match bytes[pos..].iter().position(|&b| NOTABLE[usize::from(b)]) {
            Some(n) => pos += n,
            None => break,
        }
        let rest = &text[pos..];
        if rest.starts_with("{{") || rest.starts_with("}}") {
            pos += 2;
            continue;
        }
        if rest.starts_with('{') {
            let Some(len) = placeholder_len(rest) else { break };
            if let Ok((id, period, form)) = parse_placeholder(&rest[1..len - 1]) {
                let ph = Placeholder { id, period, form, offset: pos, len };
                if let Some(s) = out.last_mut() {
                    s.placeholders.push(ph);
                }
            }
            pos += len;
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        if c.is_ascii_digit() {
            let run = rest.bytes().take_while(u8::is_ascii_digit).count();
            let before = text[..pos].chars().next_back();
            let after = text[pos + run..].chars().next();
            // A number with a decimal or group part ("2,020", "20.20") is no year.
            let joined = |ch: Option<char>, other: Option<u8>| {
                matches!(ch, Some('.' | ',')) && other.is_some_and(|b| b.is_ascii_digit())
            };
            let prev_digit = pos >= 2 && joined(before, bytes.get(pos - 2).copied());
            let next_digit = joined(after, bytes.get(pos + run + 1).copied());
            if run == 4 && !prev_digit && !next_digit {
                let year: i32 = rest[..4].parse().unwrap_or(0);
                if (1900..=2099).contains(&year)
                    && let Some(s) = out.last_mut()
                {
                    s.years.push(Typed { year, offset: pos });
                }
            }
            pos += run;
            continue;
        }
        let next = text[pos + c.len_utf8()..].chars().next();
        let ends = match c {
            '.' | '!' | '?' => next.is_none_or(char::is_whitespace),
            c => c == '\n' || ENDS.contains(&c),
        };
        if ends {
            out.push(Sentence::default());
        }
        pos += c.len_utf8();
    }
    out
}

/// What ends a sentence wherever it stands (besides a line break).
const ENDS: [char; 5] = ['。', '！', '？', '；', '؟'];

/// The bytes [`sentences`] looks closer at: a brace, a digit, an ASCII
/// sentence end or line break, or the first byte of one of [`ENDS`]. Never
/// a byte inside a character, so the scan stops only where a character
/// starts.
const NOTABLE: [bool; 256] = {
    let mut t = [false; 256];
    let ascii = b"{}0123456789.!?\n";
    let mut i = 0;
    while i < ascii.len() {
        t[ascii[i] as usize] = true;
        i += 1;
    }
    let mut i = 0;
    while i < ENDS.len() {
        let mut utf8 = [0; 4];
        t[ENDS[i].encode_utf8(&mut utf8).as_bytes()[0] as usize] = true;
        i += 1;
    }
    t
};

/// The periods a figure placeholder prints a value of (none for a year, a
/// range or the edition, which are not figures).
fn figure_periods(idx: &Index, ph: &Placeholder) -> Vec<Period> {
    let Some(ind) = idx.indicators.get(ph.id.as_str()) else { return Vec::new() };
    let asked = ph.period.as_deref().and_then(|p| Period::parse(p).ok());
    let current = || ind.current(idx.edition).map(|(p, _)| p.clone());
    match &ph.form {
        Form::Period | Form::TargetPeriod | Form::Range => Vec::new(),
        Form::Value | Form::Number | Form::Plural(_) => asked.or_else(current).into_iter().collect(),
        Form::Change | Form::ChangePercent => {
            let base = asked.or_else(|| ind.baseline.clone()).or_else(|| ind.series.first().map(|(p, _)| p.clone()));
            base.into_iter().chain(current()).collect()
        }
        Form::Target => ind.target.as_ref().map(|(p, _, _)| p.clone()).into_iter().collect(),
    }
}

/// A stale year found: where it is in the text and what to say.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Byte offset of the year in the text.
    pub offset: usize,
    /// The message.
    pub message: String,
}

/// Checks a table row: a year typed in one cell beside a figure of another
/// period in the same row (`["2020", "{trips}"]`). Findings by cell index.
pub fn check_row(idx: &Index, cells: &[&str]) -> Vec<(usize, Finding)> {
    let parsed: Vec<Vec<Sentence>> = cells.iter().map(|c| sentences(c)).collect();
    let figures: Vec<(&Placeholder, Vec<Period>)> = parsed
        .iter()
        .flatten()
        .flat_map(|s| s.placeholders.iter())
        .map(|ph| (ph, figure_periods(idx, ph)))
        .filter(|(_, p)| !p.is_empty())
        .collect();
    let Some((ph, periods)) = figures.first() else { return Vec::new() };
    let mut out = Vec::new();
    for (n, cell) in parsed.iter().enumerate() {
        for y in cell.iter().flat_map(|s| &s.years) {
            let covered = figures.iter().flat_map(|(_, ps)| ps).any(|p| (p.start..=p.end).contains(&y.year));
            if !covered {
                let of: Vec<&str> = periods.iter().map(|p| p.label.as_str()).collect();
                let message = format!(
                    "`{}` is typed in a table row beside `{{{}}}`, which prints a value of {}",
                    y.year,
                    ph.id,
                    of.join(" and ")
                );
                out.push((n, Finding { offset: y.offset, message }));
            }
        }
    }
    out
}

/// Every table's rows in a chapter file, cell by cell.
pub fn chapter_rows(t: &TextFile) -> Vec<Vec<&Spanned<String>>> {
    t.block.iter().filter_map(|b| b.table.as_ref()).flat_map(|t| t.rows.iter().map(|r| r.iter().collect())).collect()
}

/// Checks one text: in prose, a year typed in a sentence that prints a
/// figure of another period; in a title, the previous edition's year.
pub fn check(idx: &Index, field: Field, text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in sentences(text) {
        for y in &s.years {
            let message = match field {
                Field::Cell => continue,
                Field::Title if y.year == idx.edition - 1 => {
                    format!("`{}` is the previous edition's year, in a title of the {} edition", y.year, idx.edition)
                }
                Field::Title => continue,
                Field::Prose => {
                    let figures: Vec<(&Placeholder, Vec<Period>)> = s
                        .placeholders
                        .iter()
                        .map(|ph| (ph, figure_periods(idx, ph)))
                        .filter(|(_, p)| !p.is_empty())
                        .collect();
                    let covered = figures.iter().flat_map(|(_, ps)| ps).any(|p| (p.start..=p.end).contains(&y.year));
                    let Some((ph, periods)) = figures.first().filter(|_| !covered) else { continue };
                    let of: Vec<&str> = periods.iter().map(|p| p.label.as_str()).collect();
                    format!(
                        "`{}` is typed beside `{{{}}}`, which prints a value of {}",
                        y.year,
                        ph.id,
                        of.join(" and ")
                    )
                }
            };
            out.push(Finding { offset: y.offset, message });
        }
    }
    out
}

/// The hint for every finding.
pub const HINT: &str = "a year that goes with a figure or the edition comes from data: `{gdp:period}`, `{edition}`, `{edition-1}`, `{chart:range}`; a year of history is marked `{2019}`";

/// Every text of a chapter file, with where it is printed.
pub fn chapter_fields(t: &TextFile) -> Vec<(Field, &Spanned<String>)> {
    let mut out = vec![(Field::Title, &t.title)];
    out.extend(t.subtitle.iter().map(|s| (Field::Title, s)));
    for b in &t.block {
        for h in [&b.h, &b.h3, &b.h4, &b.title].into_iter().flatten() {
            out.push((Field::Title, h));
        }
        out.extend(b.p.iter().map(|p| (Field::Prose, p)));
        out.extend(b.list.iter().flatten().map(|i| (Field::Prose, i)));
        if let Some(table) = &b.table {
            out.push((Field::Title, &table.caption));
            out.extend(table.header.iter().map(|h| (Field::Title, h)));
            out.extend(table.rows.iter().flatten().map(|c| (Field::Cell, c)));
            out.extend(table.source.iter().map(|s| (Field::Title, s)));
        }
        if let Some(photo) = &b.photo {
            out.push((Field::Title, &photo.caption));
            out.extend(photo.credit.iter().map(|c| (Field::Title, c)));
        }
    }
    out.extend(t.labels.values().map(|l| (Field::Title, l)));
    for c in t.charts.values() {
        out.push((Field::Title, &c.title));
        // A category keyed by a period (`"2019" = "2019"`) names that period: it is data.
        let categories = c.categories.iter().filter(|(k, _)| Period::parse(k).is_err()).map(|(_, v)| v);
        let maps = [&c.series, &c.references];
        out.extend(categories.chain(maps.into_iter().flat_map(|m| m.values())).map(|v| (Field::Title, v)));
        out.extend([&c.note, &c.axis].into_iter().flatten().map(|v| (Field::Title, v)));
    }
    out
}

/// Every text of `meta.toml` (all of it is a title: cover, imprint, acronyms),
/// as the fingerprints list them.
pub fn meta_fields(m: &MetaText) -> Vec<(Field, &Spanned<String>)> {
    let texts = super::fingerprint::meta_fields(m).into_iter().map(|(_, t)| t);
    texts.chain(m.acronyms.values()).map(|t| (Field::Title, t)).collect()
}

/// The stale years in a group's segments (a translation about to be marked
/// current): prose and a table's rows as the edition checks them, every
/// other text as a title. Findings by segment.
pub fn check_segs<'s>(idx: &Index, segs: &'s [Seg]) -> Vec<(&'s Seg, Finding)> {
    let mut out = Vec::new();
    let mut rows: Vec<(&str, Vec<&Seg>)> = Vec::new();
    for s in segs {
        let parts: Vec<&str> = s.id.split('.').collect();
        let field = match parts.as_slice() {
            ["p"] | ["list", _] => Field::Prose,
            ["table", "rows", r, _] => {
                match rows.iter_mut().find(|(k, _)| k == r) {
                    Some((_, cells)) => cells.push(s),
                    None => rows.push((r, vec![s])),
                }
                continue;
            }
            // A category keyed by a period names that period: it is data.
            ["categories", k] if Period::parse(k).is_ok() => continue,
            _ => Field::Title,
        };
        out.extend(check(idx, field, &s.text).into_iter().map(|f| (s, f)));
    }
    for (_, cells) in rows {
        let texts: Vec<&str> = cells.iter().map(|c| c.text.as_str()).collect();
        out.extend(check_row(idx, &texts).into_iter().map(|(n, f)| (cells[n], f)));
    }
    out
}

/// The years typed in a text that equal `year` (outside placeholders): the
/// texts that still hold an old edition's year.
pub fn typed(text: &str, year: i32) -> Vec<Typed> {
    sentences(text).into_iter().flat_map(|s| s.years).filter(|y| y.year == year).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_years_from_placeholders() {
        let s = sentences("In 2020 GDP was {gdp}. Founded in {1982}, it grew。In 2019 it had {n:period} 2,020 20.20");
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].years, vec![Typed { year: 2020, offset: 3 }]);
        assert_eq!(s[0].placeholders[0].id, "gdp");
        assert!(s[1].years.is_empty(), "{{1982}} is marked");
        assert_eq!(s[2].years.iter().map(|y| y.year).collect::<Vec<_>>(), vec![2019]);
        assert!(sentences("13.24 billion in 2020").iter().all(|s| s.years.len() == 1));
        assert!(sentences("2020年，{gdp}").first().is_some_and(|s| s.years.len() == 1));
        assert_eq!(typed("Yiwu 2020 and {2020}", 2020).len(), 1);
        // Ends in other scripts, beside characters that share their first byte.
        let years = |t: &str| sentences(t).iter().map(|s| s.years.len()).collect::<Vec<_>>();
        assert_eq!(years("В 2019 году（рост）؟ 在2020年の。x"), [1, 1, 0]);
    }

    #[test]
    fn segments_are_checked_as_the_edition_checks_their_fields() {
        let loaded = crate::data::load::Loaded::default();
        let settings = crate::data::index::Settings {
            edition: 2021,
            lag: 0,
            period_year: Default::default(),
            units: &Default::default(),
            rating: Default::default(),
        };
        let idx = crate::data::index::index(&loaded, &Default::default(), settings, &mut Vec::new());
        let seg = |id: &str, text: &str| Seg {
            id: id.into(),
            text: text.into(),
            kind: super::super::fingerprint::Kind::Markup,
            at: 0..0,
        };
        let segs = [seg("title", "Review 2020"), seg("p", "In 2020 it grew."), seg("categories.2020", "2020")];
        let found = check_segs(&idx, &segs);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0.id, "title");
        assert!(found[0].1.message.contains("previous edition's year"), "{found:?}");
    }
}
