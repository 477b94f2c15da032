//! What an edition asks of its data: where each indicator is printed, what a
//! bureau must be asked for (`vlr data request`) and how far the data are
//! (`vlr data status`). Pure: the caller resolves the edition.

use std::collections::{BTreeMap, BTreeSet};

use super::citation::citation;
use super::indexed::{Ind, Index};
use super::load::Loaded;
use super::markup;
use super::project_file::{ChapterKind, Project};
use super::series::indicator_ref;
use super::years;

/// Where each indicator is printed: `text <chapter>`, `cover`, `panel <id>`,
/// `chart <id>`, `annex`.
pub fn uses(project: &Project, loaded: &Loaded, idx: &Index) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut add = |id: &str, place: String| {
        let id = indicator_ref(id).0;
        if idx.indicators.contains_key(id) {
            out.entry(id.to_string()).or_default().insert(place);
        }
    };
    let placeholders = |text: &str| -> Vec<String> {
        let mut ids = Vec::new();
        let _ = markup::fill(text, |ph| {
            ids.push(ph.id.clone());
            Ok((String::new(), None))
        });
        ids
    };
    if let Some(texts) = loaded.texts.get(project.source_language()) {
        for (chapter, (_, t)) in &texts.chapters {
            for (_, text) in years::chapter_fields(t) {
                for id in placeholders(text.get_ref()) {
                    add(&id, format!("text {chapter}"));
                }
            }
        }
        if let Some((_, m)) = &texts.meta {
            for (_, text) in years::meta_fields(m) {
                for id in placeholders(text.get_ref()) {
                    add(&id, "cover".into());
                }
            }
        }
    }
    for (id, (_, panel)) in &idx.panels {
        for item in &panel.items {
            add(item.get_ref(), format!("panel {id}"));
        }
    }
    for (_, chart) in &idx.charts {
        let id = chart.id.get_ref();
        let values = chart.series.iter().flat_map(|s| s.values.iter());
        for i in chart.indicators.iter().chain(values) {
            add(i.get_ref(), format!("chart {id}"));
        }
    }
    if project.file.chapter.iter().any(|c| c.kind() == ChapterKind::Annex) {
        for id in idx.indicators.keys() {
            add(id, "annex".into());
        }
    }
    out
}

/// An indicator's state for the edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    /// It has the value the edition expects.
    Current,
    /// It needs a newer value, and the edition prints it.
    NeedsData,
    /// It needs a newer value, but the edition does not print it.
    Stale,
    /// Its value is declared missing, with the reason.
    Missing,
    /// A fact that does not recur (`recurs = "once"`, `"constant"`, or `fixed = true`).
    OneOff,
}

impl State {
    /// The word for it in vlr's output, CSV and JSON.
    pub fn name(self) -> &'static str {
        match self {
            State::Current => "current",
            State::NeedsData => "needs-data",
            State::Stale => "stale-unprinted",
            State::Missing => "missing",
            State::OneOff => "one-off",
        }
    }

    /// Every state, in the order they are listed.
    pub const ALL: [State; 5] = [State::Current, State::NeedsData, State::Stale, State::Missing, State::OneOff];
}

/// An indicator's state: `needing` are the indicators the edition prints and needs a newer value of.
pub fn state(idx: &Index, ind: &Ind, needing: &BTreeSet<String>) -> State {
    if ind.recurs == super::indexed::Recurs::Once {
        return State::OneOff;
    }
    if ind.missing.is_some() {
        return State::Missing;
    }
    match ind.needs_data(idx.edition) {
        None => State::Current,
        Some((expected, _)) => {
            let declared = ind.series.points.iter().any(|(p, pt)| p.year == expected && pt.missing.is_some());
            if declared {
                State::Missing
            } else if needing.contains(ind.spec.id.get_ref().as_str()) {
                State::NeedsData
            } else {
                State::Stale
            }
        }
    }
}

/// A source as a request's `source` column: its text, a label looked up in `labels`.
pub fn source_text(ind: &Ind, labels: &BTreeMap<String, String>) -> String {
    ind.spec
        .source
        .as_ref()
        .and_then(|s| citation(s.get_ref()).ok())
        .map(|c| c.text(|k| labels.get(k).cloned()))
        .unwrap_or_default()
}

/// The chapter an indicator's `section` belongs to (`4.1.2` → the chapter
/// numbered `4.1`, `glance` → the chapter `glance`), by id.
pub fn chapter_of(project: &Project, section: Option<&str>) -> Option<String> {
    let section = section?;
    let by_id = project.file.chapter.iter().find(|c| c.id.get_ref() == section);
    let by_number = project
        .file
        .chapter
        .iter()
        .filter_map(|c| Some((c, c.number.as_deref()?)))
        .filter(|(_, n)| section == *n || section.starts_with(&format!("{n}.")))
        .max_by_key(|(_, n)| n.len())
        .map(|(c, _)| c);
    by_id.or(by_number).map(|c| c.id.get_ref().clone())
}
