//! Checks of a chart spec against the indexed data, and what a chart draws
//! from them (its unit, its periods, its sources): pure data, no drawing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::citation::{Citation, citation};
use super::indexed::Index;
use super::model::ChartSpec;
use super::series::{self, Period, indicator_ref};
use crate::diag::Diag;
use crate::i18n::units;
use toml::Spanned;

/// The unit of a chart: as written, or its indicators' unit.
pub fn unit<'a>(idx: &'a Index, c: &'a ChartSpec) -> Option<&'a str> {
    c.unit
        .as_ref()
        .map(|u| u.get_ref().as_str())
        .or_else(|| c.indicators.first().and_then(|id| idx.indicators.get(id.get_ref().as_str())).map(|i| i.unit()))
}

/// Checks a chart spec against the indicators; warns when points are not given.
pub fn validate(idx: &Index, path: &Path, c: &ChartSpec, diags: &mut Vec<Diag>) {
    let id = c.id.get_ref();
    if let Some(u) = &c.unit
        && units::kind(&units::canonical(u.get_ref()), &idx.units).is_none()
    {
        diags.push(
            Diag::error(path, Some(u.span()), format!("unknown unit `{}`", u.get_ref()))
                .with_hint(format!("known units: {}", units::listing())),
        );
    }
    if let Some(src) = &c.source
        && let Err(e) = citation(src.get_ref())
    {
        diags.push(Diag::error(path, Some(src.span()), e));
    }
    let by_period = !c.indicators.is_empty();
    if by_period == (!c.series.is_empty() || !c.categories.is_empty()) {
        diags.push(
            Diag::error(path, Some(c.id.span()), format!("chart `{id}` needs either `indicators` (series over periods) or `categories` and `series`, not both"))
                .with_hint("indicators = [\"co2-emissions\"] draws each indicator over its periods"),
        );
        return;
    }
    if by_period {
        validate_periods(idx, path, c, diags);
        return;
    }
    if c.unit.is_none() {
        diags.push(Diag::error(path, Some(c.id.span()), format!("chart `{id}` needs a `unit`")));
    }
    if c.categories.is_empty() {
        diags.push(Diag::error(path, Some(c.id.span()), format!("chart `{id}` has no categories: nothing to draw")));
    } else if c.categories.len() > MAX_CATEGORIES {
        diags.push(
            Diag::error(
                path,
                Some(c.id.span()),
                format!("chart `{id}` has {} categories: at most {MAX_CATEGORIES} fit a chart", c.categories.len()),
            )
            .with_hint("split it into several charts, or show the figures in a table"),
        );
    }
    let chart_unit = c.unit.as_ref().map(|u| u.get_ref().as_str()).unwrap_or_default();
    let mut gaps = Vec::new();
    for s in &c.series {
        if s.values.len() != c.categories.len() {
            diags.push(Diag::error(
                path,
                Some(s.key.span()),
                format!(
                    "series `{}` has {} values for {} categories",
                    s.key.get_ref(),
                    s.values.len(),
                    c.categories.len()
                ),
            ));
        }
        for (v, cat) in s.values.iter().zip(&c.categories) {
            let vid = v.get_ref();
            if vid.is_empty() {
                gaps.push(cat.get_ref().clone());
                continue;
            }
            let (vid, period) = indicator_ref(vid);
            match idx.indicators.get(vid) {
                None => diags.push(Diag::error(path, Some(v.span()), format!("unknown indicator `{vid}`"))),
                Some(ind) if !units::chart_may_show(chart_unit, ind.unit(), &idx.units) => diags.push(Diag::error(
                    path,
                    Some(v.span()),
                    format!("indicator `{vid}` is in `{}`, the chart in `{chart_unit}`", ind.unit()),
                )),
                Some(ind) => match period.map(Period::parse) {
                    Some(Err(e)) => diags.push(Diag::error(path, Some(v.span()), e)),
                    Some(Ok(p)) if ind.series.at(&p).and_then(|pt| pt.value).is_some_and(|x| x < 0.0) => {
                        diags.push(negative(path, v, vid, &p.label));
                    }
                    None if ind.current(idx.edition).and_then(|(_, pt)| pt.value).is_some_and(|x| x < 0.0) => {
                        let label = ind.current(idx.edition).map(|(p, _)| p.label.clone()).unwrap_or_default();
                        diags.push(negative(path, v, vid, &label));
                    }
                    Some(Ok(p)) if ind.series.at(&p).and_then(|pt| pt.value).is_none() => {
                        gaps.push(cat.get_ref().clone())
                    }
                    None if ind.current(idx.edition).is_none() => gaps.push(cat.get_ref().clone()),
                    _ => {}
                },
            }
        }
    }
    if !gaps.is_empty() {
        diags.push(
            Diag::warning(
                path,
                Some(c.id.span()),
                format!("chart `{id}` is incomplete: no data for {}", gaps.join(", ")),
            )
            .with_hint("only the points the source gives are drawn"),
        );
    }
}

/// The most categories a chart shows (its labels stay legible).
pub const MAX_CATEGORIES: usize = 40;

/// A negative value a chart would draw: the charts' axes start at zero.
fn negative(path: &Path, at: &Spanned<String>, id: &str, period: &str) -> Diag {
    Diag::error(
        path,
        Some(at.span()),
        format!("indicator `{id}` is negative in {period}: charts draw from zero up and cannot show it"),
    )
    .with_hint("show the figures in a table, or chart a quantity that is not negative")
}

fn validate_periods(idx: &Index, path: &Path, c: &ChartSpec, diags: &mut Vec<Diag>) {
    let id = c.id.get_ref();
    let mut units = Vec::new();
    for i in &c.indicators {
        match idx.indicators.get(i.get_ref().as_str()) {
            None => diags.push(Diag::error(path, Some(i.span()), format!("unknown indicator `{}`", i.get_ref()))),
            Some(ind) => {
                if let Some(u) = &c.unit
                    && !units::chart_may_show(u.get_ref(), ind.unit(), &idx.units)
                {
                    diags.push(Diag::error(
                        path,
                        Some(i.span()),
                        format!("indicator `{}` is in `{}`, the chart in `{}`", i.get_ref(), ind.unit(), u.get_ref()),
                    ));
                }
                units.push((i, ind.unit()));
            }
        }
    }
    if let Some((first, u)) = units.first()
        && let Some((other, v)) = units.iter().find(|(_, v)| v != u)
    {
        diags.push(Diag::error(
            path,
            Some(other.span()),
            format!("indicator `{}` is in `{v}`, `{}` in `{u}`: one chart, one unit", other.get_ref(), first.get_ref()),
        ));
    }
    for p in c.periods.iter().flatten() {
        if !is_latest(p)
            && let Err(e) = series::period_of(p)
        {
            diags.push(Diag::error(path, Some(p.span()), format!("{e}, or \"latest\" for the latest period")));
        }
    }
    if diags.iter().any(Diag::is_error) {
        return;
    }
    let axis = periods(idx, c);
    // Fixed periods that leave out a newer value: next year's edition would
    // print last year's chart beside this year's text.
    if let Some(list) = &c.periods
        && let Some(last) = axis.last()
        && let Some(newest) = latest(idx, c)
        && newest > *last
    {
        let at = list.iter().max_by_key(|p| series::period_of(p).ok()).map_or_else(|| c.id.span(), |p| p.span());
        diags.push(
            Diag::warning(
                path,
                Some(at),
                format!(
                    "chart `{id}` stops at {last}, but its data go to {newest}: the chart leaves out the newest value"
                ),
            )
            .with_hint(format!("write \"latest\" for the latest period: periods = [{}, \"latest\"]", axis[0])),
        );
    }
    let mut gaps = Vec::new();
    for i in &c.indicators {
        let Some(ind) = idx.indicators.get(i.get_ref().as_str()) else { continue };
        for p in &axis {
            match ind.series.at(p) {
                Some(pt) if pt.value.is_some_and(|x| x < 0.0) => diags.push(negative(path, i, i.get_ref(), &p.label)),
                Some(pt) if pt.value.is_some() => {}
                Some(pt) => gaps.push(format!(
                    "{p}{}",
                    pt.missing.as_deref().filter(|m| !m.is_empty()).map_or_else(String::new, |m| format!(" ({m})"))
                )),
                None => gaps.push(p.label.clone()),
            }
        }
    }
    if !gaps.is_empty() {
        let values = (axis.len() * c.indicators.len()).saturating_sub(gaps.len());
        let hint = if values == 1 {
            "one value is all there is: it prints as a key figure noted as incomplete, or not at all where its section's text already gives the value"
        } else {
            "a missing period is drawn as a gap, never filled in"
        };
        diags.push(
            Diag::warning(path, Some(c.id.span()), format!("chart `{id}` has gaps: no data for {}", gaps.join(", ")))
                .with_hint(hint),
        );
    }
}

/// The periods of a chart of indicators: as listed, or every period from the
/// first to the last point of any of its indicators, up to the edition.
pub fn periods(idx: &Index, c: &ChartSpec) -> Vec<Period> {
    if let Some(list) = &c.periods {
        let latest = latest(idx, c);
        let mut out: Vec<Period> =
            list.iter().filter_map(|p| if is_latest(p) { latest.clone() } else { series::period_of(p).ok() }).collect();
        out.dedup();
        return out;
    }
    let all: BTreeSet<&Period> = c
        .indicators
        .iter()
        .filter_map(|i| idx.indicators.get(i.get_ref().as_str()))
        .flat_map(|ind| ind.series.points.keys())
        .filter(|p| p.year <= idx.edition)
        .collect();
    let (Some(first), Some(last)) = (all.first(), all.last()) else { return Vec::new() };
    let mut out = vec![(*first).clone()];
    // Every period in between, so a missing one stays a visible gap (at most a century).
    while out.len() < 100 && out.last().is_some_and(|p| p < *last) {
        let next = out.last().map(Period::next).unwrap_or_else(|| (*last).clone());
        out.push(next);
    }
    out
}

/// A chart's texts as one edition prints them: its language's (or the
/// source language's), placeholders filled.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChartWords {
    /// The title (also the caption).
    pub title: String,
    /// Category labels by key.
    pub categories: BTreeMap<String, String>,
    /// Series labels by key.
    pub series: BTreeMap<String, String>,
    /// A note under the caption.
    pub note: Option<String>,
    /// The value axis title (default: the unit).
    pub axis: Option<String>,
    /// Labels of reference lines by key.
    pub references: BTreeMap<String, String>,
}

/// The values a chart draws that are not final: status, indicator id and periods.
pub fn not_final(idx: &Index, c: &ChartSpec) -> Vec<(super::series::ValueStatus, String, Vec<Period>)> {
    use super::series::ValueStatus;
    let mut points: Vec<(ValueStatus, String, Period)> = Vec::new();
    if c.indicators.is_empty() {
        for v in c.series.iter().flat_map(|s| s.values.iter()) {
            let (id, period) = super::series::indicator_ref(v.get_ref());
            let Some(ind) = idx.indicators.get(id) else { continue };
            let at = match period.and_then(|p| Period::parse(p).ok()) {
                Some(p) => ind.series.at(&p).map(|pt| (p.clone(), pt)),
                None => ind.current(idx.edition).map(|(p, pt)| (p.clone(), pt)),
            };
            if let Some((p, pt)) = at.filter(|(_, pt)| pt.value.is_some()) {
                points.push((pt.status, id.to_string(), p));
            }
        }
    } else {
        let axis = periods(idx, c);
        for i in &c.indicators {
            let Some(ind) = idx.indicators.get(i.get_ref().as_str()) else { continue };
            for p in &axis {
                if let Some(pt) = ind.series.at(p).filter(|pt| pt.value.is_some()) {
                    points.push((pt.status, i.get_ref().clone(), p.clone()));
                }
            }
        }
    }
    let mut out: Vec<(ValueStatus, String, Vec<Period>)> = Vec::new();
    for (st, id, p) in points.into_iter().filter(|(s, _, _)| *s != ValueStatus::Final) {
        match out.iter_mut().find(|(s, i, _)| *s == st && *i == id) {
            Some((_, _, ps)) if !ps.contains(&p) => ps.push(p),
            Some(_) => {}
            None => out.push((st, id, vec![p])),
        }
    }
    out
}

/// `"latest"` in a chart's `periods`: the latest period of its data.
fn is_latest(p: &toml::Spanned<toml::Value>) -> bool {
    p.get_ref().as_str() == Some("latest")
}

/// The latest period with a value of any of a chart's indicators, up to the edition.
fn latest(idx: &Index, c: &ChartSpec) -> Option<Period> {
    c.indicators
        .iter()
        .filter_map(|i| idx.indicators.get(i.get_ref().as_str()))
        .filter_map(|ind| ind.current(idx.edition).map(|(p, _)| p.clone()))
        .max()
}

/// The sources of a chart: its own citation, else its indicators' (each once).
pub fn citations(idx: &Index, c: &ChartSpec) -> Vec<Citation> {
    if let Some(s) = &c.source {
        return citation(s.get_ref()).ok().into_iter().collect();
    }
    let ids = c
        .indicators
        .iter()
        .map(|i| i.get_ref().as_str())
        .chain(c.series.iter().flat_map(|s| s.values.iter().map(|v| indicator_ref(v.get_ref()).0)));
    let mut out = Vec::new();
    for id in ids {
        if let Some(src) = idx.indicators.get(id).and_then(|i| i.spec.source.as_ref())
            && let Ok(cite) = citation(src.get_ref())
            && !out.contains(&cite)
        {
            out.push(cite);
        }
    }
    out
}
