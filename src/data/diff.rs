//! What changed between two editions, or two revisions of one: the figures
//! each prints (value and period), its texts and its charts. Pure: `vlr diff`
//! (src/commands/diff.rs) takes a [`Snapshot`] of each side from the pipeline;
//! this compares them ([`compare`]); [`super::word_diff`] words a text's change.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::series::Period;

/// Where something is written: a file, as shown to the user, and a line.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct At {
    /// The file (project-relative, or with the other project's folder in front).
    pub file: String,
    /// The line, from 1.
    pub line: usize,
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A value as an edition prints it.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    /// In base units, as the indicators CSV writes it (`""` for a missing value).
    pub raw: String,
    /// As printed, with its unit (`148.56 billion yuan`, `n/a`).
    pub text: String,
    /// Where the value is written (a TOML or CSV line), if known.
    pub at: Option<At>,
}

impl Shown {
    /// Whether two values print alike (wherever they are written).
    pub fn same(&self, other: &Shown) -> bool {
        (&self.raw, &self.text) == (&other.raw, &other.text)
    }
}

/// An indicator as an edition prints it.
#[derive(Debug, Clone, Default)]
pub struct Figure {
    /// Its label, as printed.
    pub label: String,
    /// Where it is defined.
    pub at: At,
    /// Where the book prints it: `text`, `panel`, `chart`, `dashboard`, `annex`.
    pub uses: Vec<&'static str>,
    /// Every value up to the edition (what the annex prints), by period.
    pub values: BTreeMap<Period, Shown>,
    /// The period of the value printed for `{id}`: the latest up to the edition.
    pub current: Option<Period>,
    /// The year the edition needs a value for, when it has none that recent.
    pub due: Option<i32>,
    /// Why the figure is not known at all (`missing = …`).
    pub missing: Option<String>,
}

/// A text as an edition prints it.
#[derive(Debug, Clone, Default)]
pub struct Text {
    /// Which string of its block or file: `p`, `list.2`, `title`, `text`.
    pub part: String,
    /// Where it is written.
    pub at: At,
    /// As written, placeholders unfilled: tells a change of wording from a
    /// change of figures (`None` for a setting of vlr.toml, such as the edition).
    pub written: Option<String>,
    /// As printed.
    pub printed: String,
}

/// A chart as an edition prints it.
#[derive(Debug, Clone, Default)]
pub struct Chart {
    /// Where it is defined.
    pub at: At,
    /// Its title.
    pub title: String,
    /// The note under it.
    pub note: String,
    /// Its data in words (its alt text after the title).
    pub data: String,
    /// A fingerprint of its drawing (the SVG).
    pub drawing: u64,
}

/// An edition as [`compare`] sees it: what it prints.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// The edition's year.
    pub edition: i32,
    /// The figures the book prints, by indicator id.
    pub figures: BTreeMap<String, Figure>,
    /// Its texts, by key (`intro/block.p1`, `label.gdp`, `meta/title`).
    pub texts: BTreeMap<String, Text>,
    /// Its charts, by id.
    pub charts: BTreeMap<String, Chart>,
}

/// What a row is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A figure: an indicator's value and period.
    Figure,
    /// A text: a paragraph, heading, list item, table cell, caption, label, cover or imprint text.
    Text,
    /// A chart: its title, note, data or drawing.
    Chart,
}

impl Kind {
    /// The word for it (the CSV's `kind`).
    pub fn code(self) -> &'static str {
        match self {
            Kind::Figure => "figure",
            Kind::Text => "text",
            Kind::Chart => "chart",
        }
    }
}

/// How an item changed, in the order a sign-off reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// A figure now printed for a newer period.
    Updated,
    /// A figure of the same period printed otherwise (a revised value), or
    /// now of an earlier period than before.
    Revised,
    /// A text or a chart printed otherwise.
    Changed,
    /// Printed now, not before.
    New,
    /// Printed before, not now.
    Dropped,
    /// A figure that still prints the same period though the edition needs a newer one.
    NotUpdated,
    /// As before.
    Unchanged,
}

impl Change {
    /// The word for it (the CSV's `change`).
    pub fn code(self) -> &'static str {
        match self {
            Change::Updated => "updated",
            Change::Revised => "revised",
            Change::Changed => "changed",
            Change::New => "new",
            Change::Dropped => "dropped",
            Change::NotUpdated => "not-updated",
            Change::Unchanged => "unchanged",
        }
    }

    /// The status word a person reads.
    pub fn verb(self) -> &'static str {
        match self {
            Change::Updated => "Updated",
            Change::Revised => "Revised",
            Change::Changed => "Changed",
            Change::New => "New",
            Change::Dropped => "Dropped",
            Change::NotUpdated => "Not updated",
            Change::Unchanged => "Unchanged",
        }
    }
}

/// One side of a row: what one edition prints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Side {
    /// A figure's period (`""` for a text or a chart).
    pub period: String,
    /// A figure's value in base units; a text or chart part as printed.
    pub value: String,
    /// A figure as printed, with its unit (`""` for a text or a chart).
    pub printed: String,
}

impl Side {
    /// What a person reads: the figure as printed, or the text.
    pub fn shown(&self) -> &str {
        if self.printed.is_empty() { &self.value } else { &self.printed }
    }
}

/// One difference (or, listed on request, one sameness).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// What it is about.
    pub kind: Kind,
    /// How it changed.
    pub change: Change,
    /// An indicator (`gdp`, or `gdp@2019` for a value of another period than
    /// the one printed for `{gdp}`), a text's key, or a chart's id.
    pub id: String,
    /// A figure's label, a text's part, a chart's part (`title`, `note`, `data`, `drawing`).
    pub label: String,
    /// What the earlier side prints.
    pub from: Option<Side>,
    /// What the later side prints.
    pub to: Option<Side>,
    /// A figure's uses and the year it still needs; whether a text's wording
    /// or only its figures changed; why a figure is dropped.
    pub note: String,
    /// Where it is written (the later side's file, if it has it).
    pub at: At,
}

/// Every difference between `from` and `to`, unchanged items included
/// (marked so), ordered by kind, change, file and line.
pub fn compare(from: &Snapshot, to: &Snapshot) -> Vec<Row> {
    let mut rows = Vec::new();
    figures(from, to, &mut rows);
    texts(from, to, &mut rows);
    charts(from, to, &mut rows);
    rows.sort_by(|a, b| (a.kind, a.change, &a.at, &a.id).cmp(&(b.kind, b.change, &b.at, &b.id)));
    rows
}

fn figure_side(p: &Period, s: &Shown) -> Side {
    Side { period: p.label.clone(), value: s.raw.clone(), printed: s.text.clone() }
}

/// The value printed for `{id}`, with its period.
fn current(f: Option<&Figure>) -> Option<(&Period, &Shown)> {
    let f = f?;
    let p = f.current.as_ref()?;
    Some((p, f.values.get(p)?))
}

fn figures(from: &Snapshot, to: &Snapshot, rows: &mut Vec<Row>) {
    let ids: BTreeSet<&String> = from.figures.keys().chain(to.figures.keys()).collect();
    for id in ids {
        let (f, t) = (from.figures.get(id), to.figures.get(id));
        let Some(fig) = t.or(f) else { continue };
        let (fc, tc) = (current(f), current(t));
        let due = t.and_then(|t| t.due);
        let change = match (fc, tc) {
            (None, Some(_)) => Change::New,
            (Some(_), None) => Change::Dropped,
            (Some((fp, _)), Some((tp, _))) if tp > fp => Change::Updated,
            (Some((fp, fs)), Some((tp, ts))) if tp < fp || !fs.same(ts) => Change::Revised,
            _ if due.is_some() => Change::NotUpdated,
            _ => Change::Unchanged,
        };
        let mut note = fig.uses.join(", ");
        let mut add = |s: String| {
            if !note.is_empty() {
                note.push_str("; ");
            }
            note.push_str(&s);
        };
        if let Some(y) = due {
            add(format!("needs data for {y}"));
        }
        if change == Change::Dropped {
            match t {
                None => add("no longer in the data".into()),
                Some(t) => add(match &t.missing {
                    Some(why) if !why.is_empty() => format!("missing: {why}"),
                    _ => "no value up to the edition".into(),
                }),
            }
        }
        // At the value where it is written (a CSV line, say), else at the
        // indicator; the earlier side's only when the indicator is gone.
        let row = |change, id: String, from: Option<(&Period, &Shown)>, to: Option<(&Period, &Shown)>| Row {
            kind: Kind::Figure,
            change,
            id,
            label: fig.label.clone(),
            at: match (to, t) {
                (Some((_, s)), _) => s.at.clone(),
                (None, Some(_)) => None,
                (None, None) => from.and_then(|(_, s)| s.at.clone()),
            }
            .unwrap_or_else(|| fig.at.clone()),
            from: from.map(|(p, s)| figure_side(p, s)),
            to: to.map(|(p, s)| figure_side(p, s)),
            note: note.clone(),
        };
        rows.push(row(change, id.clone(), fc, tc));
        // The values of other periods (the annex's, a chart's): revised, given
        // for the first time, or taken out. The row above has the edition's own.
        let empty = BTreeMap::new();
        let (fv, tv) = (f.map_or(&empty, |f| &f.values), t.map_or(&empty, |t| &t.values));
        let periods: BTreeSet<&Period> = fv.keys().chain(tv.keys()).collect();
        for p in periods {
            let (a, b) = (fv.get(p), tv.get(p));
            let on_row = |c: Option<(&Period, &Shown)>| c.is_some_and(|(cp, _)| cp == p);
            let on_main_row = match change {
                Change::Updated | Change::New => on_row(tc) && a.is_none(),
                Change::Revised => on_row(tc) && on_row(fc),
                Change::Dropped => on_row(fc) && b.is_none(),
                _ => false,
            };
            let change = match (a, b) {
                (Some(a), Some(b)) if a.same(b) => continue,
                (Some(_), Some(_)) => Change::Revised,
                (None, _) => Change::New,
                (_, None) => Change::Dropped,
            };
            if on_main_row {
                continue;
            }
            rows.push(row(change, format!("{id}@{}", p.label), a.map(|a| (p, a)), b.map(|b| (p, b))));
        }
    }
}

fn text_side(value: &str) -> Side {
    Side { value: value.to_string(), ..Side::default() }
}

fn texts(from: &Snapshot, to: &Snapshot, rows: &mut Vec<Row>) {
    let keys: BTreeSet<&String> = from.texts.keys().chain(to.texts.keys()).collect();
    for key in keys {
        let (f, t) = (from.texts.get(key), to.texts.get(key));
        let Some(text) = t.or(f) else { continue };
        let written = |t: &Text| t.written.as_deref().map(super::fingerprint::normalise);
        let (change, note) = match (f, t) {
            (Some(f), Some(t)) if f.printed == t.printed => (Change::Unchanged, ""),
            (Some(f), Some(t)) => match (written(f), written(t)) {
                (Some(a), Some(b)) if a == b => (Change::Changed, "figures"),
                (Some(_), Some(_)) => (Change::Changed, "wording"),
                _ => (Change::Changed, ""),
            },
            (None, _) => (Change::New, ""),
            (_, None) => (Change::Dropped, ""),
        };
        rows.push(Row {
            kind: Kind::Text,
            change,
            id: key.clone(),
            label: text.part.clone(),
            from: f.map(|f| text_side(&f.printed)),
            to: t.map(|t| text_side(&t.printed)),
            note: note.to_string(),
            at: text.at.clone(),
        });
    }
}

fn charts(from: &Snapshot, to: &Snapshot, rows: &mut Vec<Row>) {
    let ids: BTreeSet<&String> = from.charts.keys().chain(to.charts.keys()).collect();
    for id in ids {
        let (f, t) = (from.charts.get(id), to.charts.get(id));
        let Some(chart) = t.or(f) else { continue };
        let row = |change, label: &str, from: Option<&str>, to: Option<&str>| Row {
            kind: Kind::Chart,
            change,
            id: id.clone(),
            label: label.to_string(),
            from: from.map(text_side),
            to: to.map(text_side),
            note: String::new(),
            at: chart.at.clone(),
        };
        let (f, t) = match (f, t) {
            (Some(f), Some(t)) => (f, t),
            (None, _) => {
                rows.push(row(Change::New, &chart.title, None, Some(&chart.data)));
                continue;
            }
            (_, None) => {
                rows.push(row(Change::Dropped, &chart.title, Some(&chart.data), None));
                continue;
            }
        };
        let parts = [("title", &f.title, &t.title), ("note", &f.note, &t.note), ("data", &f.data, &t.data)];
        let mut changed = false;
        for (part, a, b) in parts {
            if a != b {
                rows.push(row(Change::Changed, part, Some(a.as_str()), Some(b.as_str())));
                changed = true;
            }
        }
        if !changed {
            // Only the drawing: its axis, colours or layout.
            let change = if f.drawing == t.drawing { Change::Unchanged } else { Change::Changed };
            let (label, shown) =
                if change == Change::Changed { ("drawing", "") } else { (t.title.as_str(), t.data.as_str()) };
            rows.push(row(change, label, Some(shown), Some(shown)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize) -> At {
        At { file: "data/d.toml".into(), line }
    }

    fn shown(raw: &str, text: &str) -> Shown {
        Shown { raw: raw.into(), text: text.into(), at: None }
    }

    /// A figure printing `values` (period, raw, printed), its current value the latest.
    fn figure(line: usize, values: &[(i32, &str, &str)], due: Option<i32>) -> Figure {
        let values: BTreeMap<Period, Shown> =
            values.iter().map(|(y, raw, text)| (Period::year(*y), shown(raw, text))).collect();
        let current = values.iter().rev().find(|(_, s)| !s.raw.is_empty()).map(|(p, _)| p.clone());
        Figure { label: "GDP".into(), at: at(line), uses: vec!["text", "annex"], values, current, due, missing: None }
    }

    fn snapshot(edition: i32, figures: &[(&str, Figure)]) -> Snapshot {
        let figures = figures.iter().map(|(id, f)| (id.to_string(), f.clone())).collect();
        Snapshot { edition, figures, ..Snapshot::default() }
    }

    fn side(period: &str, value: &str, printed: &str) -> Option<Side> {
        Some(Side { period: period.into(), value: value.into(), printed: printed.into() })
    }

    #[test]
    fn a_figure_of_a_newer_period_is_updated_with_both_values_and_periods() {
        let gdp_2020 = (2020, "148560000000", "148.56 billion yuan");
        let from = snapshot(2020, &[("gdp", figure(2, &[gdp_2020], None))]);
        let mut to =
            snapshot(2021, &[("gdp", figure(2, &[gdp_2020, (2021, "160100000000", "160.1 billion yuan")], None))]);
        let rows = compare(&from, &to);
        assert_eq!(rows[0].at.to_string(), "data/d.toml:2", "at the indicator");
        // At the value itself where it is written (keyed into a CSV).
        let keyed = At { file: "data/2021.csv".into(), line: 3 };
        to.figures.get_mut("gdp").unwrap().values.get_mut(&Period::year(2021)).unwrap().at = Some(keyed.clone());
        let rows = compare(&from, &to);
        assert_eq!(rows[0].at, keyed);
        assert_eq!(rows.len(), 1, "{rows:?}");
        let r = &rows[0];
        assert_eq!((r.kind, r.change, r.id.as_str(), r.label.as_str()), (Kind::Figure, Change::Updated, "gdp", "GDP"));
        assert_eq!(r.from, side("2020", "148560000000", "148.56 billion yuan"));
        assert_eq!(r.to, side("2021", "160100000000", "160.1 billion yuan"));
        assert_eq!(r.note, "text, annex");
    }

    #[test]
    fn the_same_period_is_not_updated_when_the_edition_needs_a_newer_one_and_unchanged_otherwise() {
        let old = figure(5, &[(2020, "3", "3")], None);
        let from = snapshot(2020, &[("a", old.clone()), ("fixed", old.clone())]);
        let to = snapshot(2021, &[("a", figure(5, &[(2020, "3", "3")], Some(2021))), ("fixed", old)]);
        let rows = compare(&from, &to);
        let changes: Vec<(&str, Change)> = rows.iter().map(|r| (r.id.as_str(), r.change)).collect();
        assert_eq!(changes, [("a", Change::NotUpdated), ("fixed", Change::Unchanged)]);
        assert_eq!(rows[0].note, "text, annex; needs data for 2021");
        assert_eq!(rows[0].from, rows[0].to);
    }

    #[test]
    fn a_revised_value_of_any_period_is_its_own_row() {
        let from = snapshot(2021, &[("gdp", figure(2, &[(2019, "1.2", "1.2"), (2020, "5", "5")], None))]);
        let to = snapshot(2021, &[("gdp", figure(2, &[(2019, "1.3", "1.3"), (2020, "5.5", "5.5")], None))]);
        let rows = compare(&from, &to);
        let got: Vec<(&str, Change, &str, &str)> = rows
            .iter()
            .map(|r| {
                (
                    r.id.as_str(),
                    r.change,
                    r.from.as_ref().unwrap().value.as_str(),
                    r.to.as_ref().unwrap().value.as_str(),
                )
            })
            .collect();
        assert_eq!(got, [("gdp", Change::Revised, "5", "5.5"), ("gdp@2019", Change::Revised, "1.2", "1.3")]);
        // Updated and a past value revised too: both are said.
        let to =
            snapshot(2021, &[("gdp", figure(2, &[(2019, "1.3", "1.3"), (2020, "5", "5"), (2021, "6", "6")], None))]);
        let rows = compare(&from, &to);
        let got: Vec<(&str, Change)> = rows.iter().map(|r| (r.id.as_str(), r.change)).collect();
        assert_eq!(got, [("gdp", Change::Updated), ("gdp@2019", Change::Revised)]);
        // A period given as missing for the first time is new in the annex.
        let to = snapshot(
            2021,
            &[("gdp", figure(2, &[(2019, "1.2", "1.2"), (2020, "5", "5"), (2021, "", "n/a")], Some(2021)))],
        );
        let rows = compare(&from, &to);
        let got: Vec<(&str, Change)> = rows.iter().map(|r| (r.id.as_str(), r.change)).collect();
        assert_eq!(got, [("gdp@2021", Change::New), ("gdp", Change::NotUpdated)]);
    }

    #[test]
    fn figures_new_and_dropped_say_why() {
        let from = snapshot(2020, &[("old", figure(9, &[(2020, "1", "1")], None))]);
        let mut gone = figure(9, &[], None);
        gone.missing = Some("survey stopped".into());
        let to = snapshot(2021, &[("new", figure(3, &[(2021, "2", "2")], None)), ("old", gone)]);
        let rows = compare(&from, &to);
        let got: Vec<(&str, Change, &str)> = rows.iter().map(|r| (r.id.as_str(), r.change, r.note.as_str())).collect();
        assert_eq!(
            got,
            [("new", Change::New, "text, annex"), ("old", Change::Dropped, "text, annex; missing: survey stopped")]
        );
        assert_eq!((rows[0].from.as_ref(), rows[1].to.as_ref()), (None, None));
        let rows = compare(&from, &snapshot(2021, &[]));
        assert_eq!(rows[0].note, "text, annex; no longer in the data");
        assert_eq!(rows[0].at.line, 9, "at the indicator where it was");
    }

    fn text(written: &str, printed: &str) -> Text {
        Text {
            part: "p".into(),
            at: At { file: "text/en/a.toml".into(), line: 3 },
            written: Some(written.into()),
            printed: printed.into(),
        }
    }

    #[test]
    fn texts_tell_a_change_of_wording_from_a_change_of_figures() {
        let mut from = Snapshot::default();
        from.texts.insert("a/block.p1".into(), text("GDP was {gdp}.", "GDP was 5."));
        from.texts.insert("a/block.p2".into(), text("Old.", "Old."));
        from.texts.insert("a/block.p3".into(), text("Same.", "Same."));
        from.texts.insert("a/block.gone".into(), text("Gone.", "Gone."));
        let mut to = Snapshot::default();
        to.texts.insert("a/block.p1".into(), text("GDP was\n{gdp}.", "GDP was 6."));
        to.texts.insert("a/block.p2".into(), text("New.", "New."));
        to.texts.insert("a/block.p3".into(), text("Same.", "Same."));
        to.texts.insert("a/block.added".into(), text("Added.", "Added."));
        let rows = compare(&from, &to);
        let got: Vec<(&str, Change, &str)> = rows.iter().map(|r| (r.id.as_str(), r.change, r.note.as_str())).collect();
        assert_eq!(
            got,
            [
                ("a/block.p1", Change::Changed, "figures"),
                ("a/block.p2", Change::Changed, "wording"),
                ("a/block.added", Change::New, ""),
                ("a/block.gone", Change::Dropped, ""),
                ("a/block.p3", Change::Unchanged, ""),
            ]
        );
        assert_eq!(rows[0].to.as_ref().map(Side::shown), Some("GDP was 6."));
    }

    #[test]
    fn a_chart_says_which_of_its_parts_changed() {
        let chart = |title: &str, data: &str, drawing| Chart {
            at: at(20),
            title: title.into(),
            note: String::new(),
            data: data.into(),
            drawing,
        };
        let mut from = Snapshot::default();
        from.charts.insert("c".into(), chart("Trips, 2016–2020", "2020 974", 1));
        from.charts.insert("d".into(), chart("D", "x", 1));
        from.charts.insert("e".into(), chart("E", "x", 1));
        let mut to = Snapshot::default();
        to.charts.insert("c".into(), chart("Trips, 2016–2021", "2020 974; 2021 1,100", 2));
        to.charts.insert("d".into(), chart("D", "x", 2));
        to.charts.insert("e".into(), chart("E", "x", 1));
        let rows = compare(&from, &to);
        let got: Vec<(&str, Change, &str)> = rows.iter().map(|r| (r.id.as_str(), r.change, r.label.as_str())).collect();
        assert_eq!(
            got,
            [
                ("c", Change::Changed, "title"),
                ("c", Change::Changed, "data"),
                ("d", Change::Changed, "drawing"),
                ("e", Change::Unchanged, "E"),
            ]
        );
    }
}
