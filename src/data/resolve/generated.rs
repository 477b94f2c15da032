//! The chapters vlr writes itself from the data: the SDG dashboard (kind
//! `dashboard`) and the statistical annex (kind `annex`). The ratings come
//! from [`crate::data::status`]; this only lays them out as the document the
//! templates read (templates/dashboard.typ).

use super::Resolver;
use crate::data::citation::citation;
use crate::data::document::{self as doc, Chapter, Generated};
use crate::data::indexed::Ind;
use crate::data::keyword::Keyword;
use crate::data::markup::Run;
use crate::data::project_file::{ChapterKind, ChapterSpec};
use crate::data::status::{self, Rating};
use crate::i18n::format;

impl Resolver<'_, '_> {
    /// A generated chapter: `base` is the chapter of its text file, if it has
    /// one (title and introductory blocks); else the title is the interface
    /// string.
    pub(super) fn generated(&mut self, spec: &ChapterSpec, base: Option<Chapter>) -> Chapter {
        let kind = spec.kind();
        let mut ch = base.unwrap_or_else(|| {
            let s = &self.strings.dashboard;
            let title = if kind == ChapterKind::Annex { &s.annex_title } else { &s.title };
            Chapter {
                id: spec.id.get_ref().clone(),
                number: spec.number.clone(),
                level: self.level,
                title: vec![Run::text(title.clone())],
                subtitle: None,
                goals: Vec::new(),
                opener: spec.opener().name(),
                new_page: self.new_page,
                fallback: false,
                blocks: Vec::new(),
                generated: None,
            }
        });
        let d = status::dashboard(self.idx);
        ch.generated = Some(if kind == ChapterKind::Annex {
            Generated::Annex { annex: self.annex(&d) }
        } else {
            Generated::Dashboard { dashboard: self.dashboard(&d) }
        });
        ch
    }

    /// The 17 tiles, and per rated goal the table of the indicators behind it.
    fn dashboard(&mut self, d: &status::Dashboard) -> doc::Dashboard {
        let tiles = d
            .goals
            .iter()
            .enumerate()
            .map(|(i, g)| doc::Tile {
                n: i + 1,
                band: g.tile.map(|t| t.band.code()),
                trend: g.tile.map(|t| t.trend.code()),
                indicators: g.indicators,
                rated: g.tile.map_or(0, |t| t.rated),
                with_trend: g.tile.map_or(0, |t| t.with_trend),
            })
            .collect();
        let mut tables = Vec::new();
        for g in crate::data::sdg::GOALS {
            let setting = d.goals[usize::from(g) - 1].setting;
            let rows: Vec<doc::DashboardRow> = d
                .indicators
                .iter()
                .filter(|(i, r)| {
                    status::goal_of(i.spec) == Some(g)
                        && matches!(r, Rating::Rated(..) | Rating::NoData | Rating::Outdated(_))
                })
                .map(|(i, r)| {
                    let (value, period) = self.current(i);
                    doc::DashboardRow {
                        sdg: status::sdg_code(i.spec).map(|c| self.locale.sdg_code(&c)),
                        label: self.label(i.spec.id.get_ref()),
                        value,
                        period,
                        target: self.target(i),
                        thresholds: self.thresholds(i),
                        status: r.status_code(),
                        trend: r.trend_code(),
                        sets_status: matches!((r, setting), (Rating::Rated(b, _), Some(s)) if *b >= s),
                    }
                })
                .collect();
            if !rows.is_empty() {
                // Numbered in the book's sequence of tables, as any other.
                self.table_no += 1;
                tables.push(doc::GoalTable { n: g, number: self.table_no, rows });
            }
        }
        let c = d.counts();
        let rating = self.idx.rating;
        doc::Dashboard {
            tiles,
            tables,
            total: c.total,
            rated: c.rated,
            unrated: c.total - c.rated,
            method: rating.method.code(),
            base_year: rating.base_year,
            priority: self.priority.clone(),
        }
    }

    /// Every indicator: its values by period, target, status, trend and source.
    fn annex(&mut self, d: &status::Dashboard) -> doc::Annex {
        let rows = d
            .indicators
            .iter()
            .map(|(i, r)| {
                // The edition's own value, declared missing: why.
                let gap = i.declared_gap(self.idx.edition).map(|(gap, why)| (gap.label.clone(), self.reason_text(why)));
                let known: Vec<_> = i
                    .series
                    .points
                    .values()
                    .filter_map(|pt| pt.value.map(|v| self.fig(i, v, pt.decimals, pt.place)))
                    .collect();
                let (unit, mut numbers) = self.locale.columns(i.unit(), &known);
                numbers.reverse();
                let mut values = Vec::new();
                let mut marks = Vec::new();
                let mut figures = Vec::new();
                for (p, pt) in &i.series.points {
                    let v = match pt.value {
                        Some(v) => self.locale.figure(self.fig(i, v, pt.decimals, pt.place)),
                        None => match &gap {
                            Some((at, why)) if *at == p.label => {
                                let why = self.strings.reason.replace("{reason}", why);
                                format!("{}{why}", self.strings.not_available)
                            }
                            _ => self.strings.not_available.clone(),
                        },
                    };
                    let n = match pt.value {
                        Some(_) => numbers.pop().unwrap_or_default(),
                        None => self.strings.not_available.clone(),
                    };
                    marks.push(if pt.value.is_some() { self.status_mark(pt.status) } else { None });
                    values.push((p.label.clone(), v));
                    figures.push((p.label.clone(), n));
                }
                let cite = i.spec.source.as_ref().and_then(|s| citation(s.get_ref()).ok()).map(|c| self.cite(&c));
                doc::AnnexRow {
                    sdg: status::sdg_code(i.spec).map(|c| self.locale.sdg_code(&c)),
                    label: self.label(i.spec.id.get_ref()),
                    values,
                    marks,
                    unit,
                    numbers: figures,
                    gap: gap.map(|(_, why)| why),
                    note: i.spec.note.as_deref().filter(|n| !n.trim().is_empty()).map(|n| self.reason_text(n)),
                    target: self.target(i),
                    status: r.status_code(),
                    trend: r.trend_code(),
                    citation: cite,
                    section: i.spec.section.as_deref().map(|s| self.section_ref(s)),
                }
            })
            .collect::<Vec<doc::AnnexRow>>();
        doc::Annex { rows: self.group_columns(rows) }
    }

    /// Each column of the annex (a period) grouped alike: where one of its
    /// numbers is grouped, its four-digit ones are too (Russian "3 103"
    /// beside "16 025", as UN Russian tables set them).
    fn group_columns(&self, mut rows: Vec<doc::AnnexRow>) -> Vec<doc::AnnexRow> {
        let periods: std::collections::BTreeSet<String> =
            rows.iter().flat_map(|r| r.numbers.iter().map(|(p, _)| p.clone())).collect();
        for period in periods {
            let mut column: Vec<String> = rows
                .iter()
                .flat_map(|r| r.numbers.iter().filter(|(p, _)| *p == period).map(|(_, n)| n.clone()))
                .collect();
            self.locale.group_alike(&mut column);
            let mut column = column.into_iter();
            for r in &mut rows {
                for (p, n) in &mut r.numbers {
                    if *p == period
                        && let Some(g) = column.next()
                    {
                        *n = g;
                    }
                }
            }
        }
        rows
    }

    fn fig<'i>(&self, ind: &'i Ind, value: f64, decimals: Option<u8>, place: Option<i8>) -> format::Figure<'i> {
        format::Figure { value, unit: ind.unit(), decimals, place }
    }

    /// The edition's value, formatted, and its period.
    fn current(&self, ind: &Ind) -> (Option<String>, Option<String>) {
        match ind.current(self.idx.edition) {
            Some((p, pt)) => {
                let v = pt.value.map(|v| self.locale.figure(self.fig(ind, v, pt.decimals, pt.place)));
                (v, Some(p.label.clone()))
            }
            None => (None, None),
        }
    }

    /// The thresholds, formatted, with their citation.
    fn thresholds(&mut self, ind: &Ind) -> Option<doc::Thresholds> {
        let t = ind.thresholds.as_ref()?;
        let source = ind
            .spec
            .thresholds
            .as_ref()
            .and_then(|s| citation(s.get_ref().source.get_ref()).ok())
            .map(|c| self.cite(&c));
        let [g, y, r] = ind.threshold_decimals;
        let f = |v: f64, d: Option<u8>| self.locale.figure(self.fig(ind, v, d, None));
        Some(doc::Thresholds { green: f(t.green, g), yellow: f(t.yellow, y), red: f(t.red, r), source })
    }

    /// The target, formatted, with its year and citation.
    fn target(&mut self, ind: &Ind) -> Option<doc::Target> {
        let (period, value, decimals) = ind.target.as_ref()?;
        let source = ind
            .spec
            .target
            .as_ref()
            .and_then(|t| t.source.as_ref())
            .and_then(|s| citation(s.get_ref()).ok())
            .map(|c| self.cite(&c));
        Some(doc::Target {
            value: self.locale.figure(self.fig(ind, *value, *decimals, None)),
            year: period.label.clone(),
            source,
        })
    }
}
