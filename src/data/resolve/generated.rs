//! The chapters vlr writes itself from the data: the SDG dashboard (kind
//! `dashboard`) and the statistical annex (kind `annex`). The ratings come
//! from [`crate::data::status`]; this only lays them out as the document the
//! templates read (templates/dashboard.typ).

use serde_json::{Value, json};

use super::Resolver;
use crate::data::citation::citation;
use crate::data::indexed::Ind;
use crate::data::keyword::Keyword;
use crate::data::project_file::{ChapterKind, ChapterSpec};
use crate::data::status::{self, Rating};
use crate::i18n::format;

impl Resolver<'_, '_> {
    /// A generated chapter: `base` is the chapter of its text file, if it has
    /// one (title and introductory blocks); else the title is the interface
    /// string.
    pub(super) fn generated(&mut self, spec: &ChapterSpec, base: Option<Value>) -> Value {
        let kind = spec.kind();
        let mut ch = base.unwrap_or_else(|| {
            let s = &self.strings.dashboard;
            let title = if kind == ChapterKind::Annex { &s.annex_title } else { &s.title };
            json!({
                "id": spec.id.get_ref(), "number": spec.number, "title": [{"t": title}], "subtitle": null,
                "goals": [], "opener": spec.opener().name(), "fallback": false, "blocks": [],
            })
        });
        let d = status::dashboard(self.idx);
        let data = if kind == ChapterKind::Annex { self.annex(&d) } else { self.dashboard(&d) };
        if let Some(o) = ch.as_object_mut() {
            o.insert("kind".into(), kind.name().into());
            o.insert(kind.name().into(), data);
        }
        ch
    }

    /// The 17 tiles, and per rated goal the table of the indicators behind it.
    fn dashboard(&mut self, d: &status::Dashboard) -> Value {
        let tiles: Vec<Value> = d
            .goals
            .iter()
            .enumerate()
            .map(|(i, tile)| json!({"n": i + 1, "band": tile.map(|t| t.0.code()), "trend": tile.map(|t| t.1.code())}))
            .collect();
        let mut tables = Vec::new();
        for g in 1..=17u8 {
            let rows: Vec<Value> = d
                .indicators
                .iter()
                .filter(|(i, r)| status::goal_of(i.spec) == Some(g) && matches!(r, Rating::Rated(..) | Rating::NoData))
                .map(|(i, r)| {
                    let (value, period) = self.current(i);
                    json!({
                        "sdg": status::sdg_code(i.spec), "label": self.label(i.spec.id.get_ref()),
                        "value": value, "period": period, "target": self.target(i),
                        "thresholds": self.thresholds(i),
                        "status": r.status_code(), "trend": r.trend_code(),
                    })
                })
                .collect();
            if !rows.is_empty() {
                // Numbered in the book's sequence of tables, as any other.
                self.table_no += 1;
                tables.push(json!({"n": g, "number": self.table_no, "rows": rows}));
            }
        }
        let total = d.indicators.len();
        let rated = d.indicators.iter().filter(|(_, r)| matches!(r, Rating::Rated(..))).count();
        json!({"tiles": tiles, "tables": tables, "total": total, "rated": rated, "unrated": total - rated})
    }

    /// Every indicator: its values by period, target, status, trend and source.
    fn annex(&mut self, d: &status::Dashboard) -> Value {
        let rows: Vec<Value> = d
            .indicators
            .iter()
            .map(|(i, r)| {
                let values: Vec<Value> = i
                    .series
                    .points
                    .iter()
                    .map(|(p, pt)| {
                        let v = match pt.value {
                            Some(v) => self.locale.figure(self.fig(i, v, pt.decimals)),
                            None => self.strings.not_available.clone(),
                        };
                        json!([p.label, v])
                    })
                    .collect();
                let cite = i.spec.source.as_ref().and_then(|s| citation(s.get_ref()).ok()).map(|c| self.cite(&c));
                json!({
                    "sdg": status::sdg_code(i.spec), "label": self.label(i.spec.id.get_ref()), "values": values,
                    "target": self.target(i), "status": r.status_code(), "trend": r.trend_code(),
                    "citation": cite, "section": i.spec.section.as_deref().map(|s| self.section_ref(s)),
                })
            })
            .collect();
        json!({"rows": rows})
    }

    fn fig<'i>(&self, ind: &'i Ind, value: f64, decimals: Option<u8>) -> format::Figure<'i> {
        format::Figure { value, unit: ind.unit(), decimals }
    }

    /// The edition's value, formatted, and its period.
    fn current(&self, ind: &Ind) -> (Option<String>, Option<String>) {
        match ind.current(self.idx.edition) {
            Some((p, pt)) => {
                let v = pt.value.map(|v| self.locale.figure(self.fig(ind, v, pt.decimals)));
                (v, Some(p.label.clone()))
            }
            None => (None, None),
        }
    }

    /// The thresholds, formatted, with their citation.
    fn thresholds(&self, ind: &Ind) -> Value {
        let Some(t) = &ind.thresholds else { return Value::Null };
        let source = ind
            .spec
            .thresholds
            .as_ref()
            .and_then(|s| citation(s.get_ref().source.get_ref()).ok())
            .map(|c| self.cite(&c));
        let f = |v: f64| self.locale.figure(self.fig(ind, v, None));
        json!({"green": f(t.green), "yellow": f(t.yellow), "red": f(t.red), "source": source})
    }

    /// The target, formatted, with its year and citation.
    fn target(&self, ind: &Ind) -> Value {
        let Some((period, value, decimals)) = &ind.target else { return Value::Null };
        let source = ind
            .spec
            .target
            .as_ref()
            .and_then(|t| t.source.as_ref())
            .and_then(|s| citation(s.get_ref()).ok())
            .map(|c| self.cite(&c));
        json!({
            "value": self.locale.figure(self.fig(ind, *value, *decimals)),
            "year": period.label, "source": source,
        })
    }
}
