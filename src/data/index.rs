//! Validation: indexes `data/` by id, builds each indicator's series (from
//! TOML and CSV) and reports duplicate ids, unknown units, bad periods and
//! dangling references — once for all editions.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use toml::Spanned;

use super::citation::citation;
use super::indexed::{Ind, Index, Recurs};
use super::load::Loaded;
use super::model::Indicator;
use super::rules::{Band, Better, RatingSettings, Thresholds, band};
use super::series::{self, Loc, Period, Point, indicator_ref};
use crate::diag::{Diag, Sources};
use crate::i18n::units;

/// The settings of the project the index needs.
#[derive(Debug, Clone, Copy)]
pub struct Settings<'a> {
    /// The edition's reporting year.
    pub edition: i32,
    /// Years a value may lag behind the edition, unless an indicator says otherwise.
    pub lag: i32,
    /// The calendar year a two-year period counts for.
    pub period_year: super::series::PeriodYear,
    /// Units the project defines in `vlr.toml`.
    pub units: &'a std::collections::BTreeMap<String, crate::i18n::units::UnitDef>,
    /// How the SDG dashboard rates.
    pub rating: RatingSettings,
}

/// `period-year = "start"`: every two-year period of an indicator counts for
/// its first year (`2023/24` is printed in edition 2023).
fn count_from_start(ind: &mut Ind) {
    let start = |p: &mut Period| p.year = p.start;
    let points = std::mem::take(&mut ind.series.points);
    ind.series.points = points.into_iter().map(|(mut p, pt)| (start(&mut p), (p, pt)).1).collect();
    if let Some((p, _, _)) = &mut ind.target {
        start(p);
    }
    if let Some(p) = &mut ind.baseline {
        start(p);
    }
}

/// The most items a key-figure panel holds: a panel is never split across
/// pages, and 36 figures (12 rows of 3) fill a page in every language.
pub const MAX_PANEL_ITEMS: usize = 36;

/// Indexes `data/`, builds the series and reports every problem.
pub fn index<'a>(loaded: &'a Loaded, sources: &Sources, settings: Settings<'_>, diags: &mut Vec<Diag>) -> Index<'a> {
    let mut idx = Index {
        indicators: HashMap::new(),
        panels: HashMap::new(),
        charts: Vec::new(),
        edition: settings.edition,
        units: settings.units.clone(),
        rating: settings.rating,
    };
    let mut chart_ids = HashSet::new();
    for (path, file) in &loaded.data {
        let text = sources.get(path).unwrap_or_default();
        for ind in &file.indicator {
            let built = indicator(path, ind, text, settings, diags);
            let id = ind.id.get_ref().as_str();
            if super::markup::is_reserved(id) {
                diags.push(Diag::error(
                    path,
                    Some(ind.id.span()),
                    format!(
                        "`{id}` is reserved: `{{{id}}}` in text prints a year or the edition's date; choose another id"
                    ),
                ));
            }
            if idx.indicators.contains_key(ind.id.get_ref().as_str()) {
                diags.push(Diag::error(
                    path,
                    Some(ind.id.span()),
                    format!("duplicate indicator id `{}`", ind.id.get_ref()),
                ));
            } else {
                idx.indicators.insert(ind.id.get_ref(), built);
            }
        }
        for p in &file.panel {
            if idx.panels.insert(p.id.get_ref(), (path, p)).is_some() {
                diags.push(Diag::error(path, Some(p.id.span()), format!("duplicate panel id `{}`", p.id.get_ref())));
            }
        }
        for c in &file.chart {
            if !chart_ids.insert(c.id.get_ref().as_str()) {
                diags.push(Diag::error(path, Some(c.id.span()), format!("duplicate chart id `{}`", c.id.get_ref())));
            }
            idx.charts.push((path, c));
        }
    }
    merge_csv(loaded, &mut idx, diags);
    if settings.period_year == series::PeriodYear::Start {
        for ind in idx.indicators.values_mut() {
            count_from_start(ind);
        }
    }
    for ind in idx.indicators.values() {
        let (path, span) = ind.loc();
        let id = ind.spec.id.get_ref();
        if ind.series.points.is_empty() && ind.missing.is_none() {
            diags.push(
                Diag::error(path, Some(span.clone()), format!("indicator `{id}` has no value"))
                    .with_hint("give `value = …` (with `year`), `values = { 2020 = … }`, rows in a data/*.csv file, or `missing = \"why\"` if the figure is not known"),
            );
        }
        // A value the edition cannot print is said, never skipped in silence:
        // "2023/24" counts as 2024, after edition 2023.
        for (p, pt) in &ind.series.points {
            if p.year <= settings.edition || pt.value.is_none() {
                continue;
            }
            let why = if p.start <= settings.edition {
                format!("a two-year period counts as its last year, {}, which is after the edition", p.year)
            } else {
                "it is after the edition".to_string()
            };
            let at = if pt.at.file.as_os_str().is_empty() {
                (path.to_path_buf(), span.clone())
            } else {
                (pt.at.file.clone(), pt.at.span.clone())
            };
            diags.push(
                Diag::warning(
                    &at.0,
                    Some(at.1),
                    format!("the value of `{id}` for {p} is not printed in edition {}: {why}", settings.edition),
                )
                .with_hint(if p.start < p.year {
                    format!(
                        "it is printed from edition {} on; if `{p}` is your {} figure, set `period-year = \"start\"` in vlr.toml",
                        p.year, p.start
                    )
                } else {
                    format!("it is printed from edition {} on", p.year)
                }),
            );
        }
        if let Some(of) = &ind.spec.change_of {
            let known = idx.indicators.get(of.get_ref().as_str());
            let msg = match known {
                None => Some(format!("`change-of`: unknown indicator `{}`", of.get_ref())),
                Some(_) if ind.unit() != "percent" => {
                    Some(format!("`change-of`: a rate of change is in percent, `{id}` in `{}`", ind.unit()))
                }
                Some(_) => None,
            };
            if let Some(msg) = msg {
                diags.push(Diag::error(path, Some(of.span()), msg));
            }
        }
        if ind.missing.is_some() && !ind.series.points.is_empty() {
            diags.push(Diag::error(
                path,
                Some(span.clone()),
                format!("indicator `{id}` is marked `missing` but has values"),
            ));
        }
        if let Some(b) = &ind.baseline
            && ind.series.at(b).and_then(|p| p.value).is_none()
        {
            let at = ind.spec.baseline.as_ref().map(Spanned::span);
            diags.push(Diag::error(path, at, format!("indicator `{id}` has no value for its baseline {b}")));
        }
        if ind.target.is_some()
            && ind.thresholds.is_some()
            && let Some((p, pt)) = ind.current(settings.edition)
            && pt.value.is_some()
            && p.year < settings.edition - ind.years_used
        {
            let from = settings.edition - ind.years_used;
            diags.push(
                Diag::warning(
                    path,
                    Some(span.clone()),
                    format!(
                        "indicator `{id}` is not rated: its latest value ({p}) is older than its years-used window ({from} to {})",
                        settings.edition
                    ),
                )
                .with_hint("give a newer value, or widen the window with `years-used = N` (years before the edition) on the indicator or in `[dashboard]`"),
            );
        }
        if ind.spec.example {
            diags.push(Diag::warning(
                path,
                Some(span),
                format!("indicator `{id}` holds an example value: give the city's figure and remove `example = true`"),
            ));
        }
    }
    for (path, file) in &loaded.data {
        for p in &file.panel {
            if p.items.len() > MAX_PANEL_ITEMS {
                diags.push(
                    Diag::error(
                        path,
                        Some(p.id.span()),
                        format!(
                            "panel `{}` has {} items: at most {MAX_PANEL_ITEMS} fit on a page",
                            p.id.get_ref(),
                            p.items.len()
                        ),
                    )
                    .with_hint("split it into several panels"),
                );
                continue;
            }
            for item in &p.items {
                let (id, period) = indicator_ref(item.get_ref());
                match (idx.indicators.get(id), period.map(Period::parse)) {
                    (None, _) => diags.push(Diag::error(path, Some(item.span()), format!("unknown indicator `{id}`"))),
                    (Some(_), Some(Err(e))) => diags.push(Diag::error(path, Some(item.span()), e)),
                    (Some(ind), Some(Ok(per))) if ind.series.at(&per).is_none() => diags.push(Diag::error(
                        path,
                        Some(item.span()),
                        format!("indicator `{id}` has no value for {per}"),
                    )),
                    _ => {}
                }
            }
        }
        for c in &file.chart {
            super::chart_spec::validate(&idx, path, c, diags);
        }
    }
    idx
}

/// One indicator: its series from TOML, its target, baseline and settings.
fn indicator<'a>(
    path: &'a Path,
    ind: &'a Indicator,
    text: &str,
    settings: Settings<'_>,
    diags: &mut Vec<Diag>,
) -> Ind<'a> {
    let unit = ind.unit.get_ref();
    if units::kind(&units::canonical(unit), settings.units).is_none() {
        diags.push(
            Diag::error(path, Some(ind.unit.span()), format!("unknown unit `{unit}`"))
                .with_hint(format!("known units: {}", units::listing())),
        );
    }
    let series = series::from_toml(path, ind, text, settings.edition, diags);
    let missing = match ind.missing.as_ref().map(|m| (m.span(), m.get_ref())) {
        None | Some((_, toml::Value::Boolean(false))) => None,
        Some((_, toml::Value::Boolean(true))) => Some(ind.note.clone().unwrap_or_default()),
        Some((_, toml::Value::String(s))) => Some(s.clone()),
        Some((span, _)) => {
            diags.push(Diag::error(path, Some(span), "`missing` is `true` or the reason, as text"));
            None
        }
    };
    let target = ind.target.as_ref().and_then(|t| {
        let period =
            series::period_of(&t.year).map_err(|e| diags.push(Diag::error(path, Some(t.year.span()), e))).ok()?;
        let v = *t.value.get_ref();
        if let Err(e) = series::check_value(v, unit) {
            diags.push(Diag::error(path, Some(t.value.span()), e));
            return None;
        }
        Some((period, v, series::literal_decimals(text.get(t.value.span()).unwrap_or_default())))
    });
    let baseline = ind
        .baseline
        .as_ref()
        .and_then(|b| series::period_of(b).map_err(|e| diags.push(Diag::error(path, Some(b.span()), e))).ok());
    if let Some(b) = &ind.better
        && !matches!(b.get_ref().as_str(), "higher" | "lower")
    {
        diags.push(Diag::error(path, Some(b.span()), "`better` is \"higher\" or \"lower\""));
    }
    if let Some(sdg) = &ind.sdg
        && let Err(e) = check_sdg(sdg.get_ref())
    {
        diags.push(Diag::error(path, Some(sdg.span()), e));
    }
    if let Some(src) = &ind.source
        && let Err(e) = citation(src.get_ref())
    {
        diags.push(Diag::error(path, Some(src.span()), e));
    }
    let lag = match &ind.lag {
        Some(l) if !(0..=10).contains(l.get_ref()) => {
            diags.push(Diag::error(path, Some(l.span()), "`lag` is a number of years from 0 to 10"));
            settings.lag
        }
        Some(l) => *l.get_ref() as i32,
        None => settings.lag,
    };
    let years_used = match &ind.years_used {
        Some(y) if !(0..=30).contains(y.get_ref()) => {
            diags.push(Diag::error(path, Some(y.span()), "`years-used` is a number of years from 0 to 30"));
            None
        }
        Some(y) => Some(*y.get_ref() as i32),
        None => None,
    }
    .or(settings.rating.years_used)
    .unwrap_or(lag);
    if let (Some(t), Some((period, _, _))) = (&ind.target, &target)
        && period.year < settings.edition
    {
        diags.push(
            Diag::warning(
                path,
                Some(t.year.span()),
                format!("the target's year ({}) has passed: the edition is {}", period.label, settings.edition),
            )
            .with_hint(
                "give the target that follows it (an SDG target runs to 2030), or say in the text that it was due",
            ),
        );
    }
    let thresholds = thresholds(path, ind, text, diags);
    let threshold_decimals = thresholds.as_ref().map_or([None; 3], |th| decimals_as_written(ind, th, text));
    let recurs = Recurs::read(ind.recurs.as_ref().map(Spanned::get_ref), ind.fixed).unwrap_or_else(|e| {
        diags.push(Diag::error(path, Some(ind.recurs.as_ref().map_or_else(|| ind.id.span(), Spanned::span)), e));
        Recurs::Yearly
    });
    Ind { path, spec: ind, series, target, thresholds, threshold_decimals, baseline, lag, years_used, missing, recurs }
}

/// The decimals the thresholds were written with (green, yellow, red); a
/// yellow midway between green and red keeps theirs, or one more if the
/// midpoint needs it (midway between 1 and 2 is 1.5).
fn decimals_as_written(ind: &Indicator, th: &Thresholds, text: &str) -> [Option<u8>; 3] {
    let Some(spec) = ind.thresholds.as_ref().map(Spanned::get_ref) else { return [None; 3] };
    let dec = |v: &Spanned<f64>| {
        series::literal_decimals(text.get(v.span()).unwrap_or_default())
            .or_else(|| (v.get_ref().fract() == 0.0).then_some(0))
    };
    let (green, red) = (dec(&spec.green), dec(&spec.red));
    let yellow = match &spec.yellow {
        Some(y) => dec(y),
        None => green.zip(red).map(|(g, r)| {
            let d = g.max(r);
            let scale = 10f64.powi(i32::from(d));
            let exact = ((th.yellow * scale).round() / scale - th.yellow).abs() <= 1e-9 * th.yellow.abs().max(1.0);
            if exact { d } else { d + 1 }
        }),
    };
    [green, yellow, red]
}

/// Checks an indicator's `thresholds` against its `better` and target.
fn thresholds(path: &Path, ind: &Indicator, text: &str, diags: &mut Vec<Diag>) -> Option<Thresholds> {
    let spec = ind.thresholds.as_ref()?;
    let span = spec.span();
    let t = spec.get_ref();
    let Some(better) = ind.better.as_ref().and_then(|b| Better::parse(b.get_ref())) else {
        if ind.better.is_none() {
            diags.push(
                Diag::error(path, Some(span), "`thresholds` need `better = \"higher\"` or `\"lower\"`")
                    .with_hint("say which way is progress, so the bands can be read"),
            );
        }
        return None;
    };
    if let Err(e) = citation(t.source.get_ref()) {
        diags.push(Diag::error(path, Some(t.source.span()), e));
        return None;
    }
    let num = |v: &Spanned<f64>, diags: &mut Vec<Diag>| match series::check_value(*v.get_ref(), "count") {
        Ok(_) => Some(*v.get_ref()),
        Err(e) => {
            diags.push(Diag::error(path, Some(v.span()), e));
            None
        }
    };
    let green = num(&t.green, diags)?;
    let red = num(&t.red, diags)?;
    let yellow = match &t.yellow {
        Some(y) => num(y, diags)?,
        None => (green + red) / 2.0,
    };
    let th = Thresholds { green, yellow, red, better };
    let s = better.sign();
    if !(s * (green - yellow) > 0.0 && s * (yellow - red) > 0.0) {
        let order = match better {
            Better::Higher => "green > yellow > red",
            Better::Lower => "green < yellow < red",
        };
        // Equal thresholds would leave a band empty: it would silently vanish.
        let b = ind.better.as_ref().map(|b| b.get_ref().as_str()).unwrap_or_default();
        diags.push(
            Diag::error(
                path,
                Some(span),
                format!(
                    "with `better = \"{b}\"`, thresholds run {order} (here green {green}, yellow {yellow}, red {red})"
                ),
            )
            .with_hint("no two may be equal: the band between them would vanish"),
        );
        return None;
    }
    match &ind.target {
        None => diags.push(
            Diag::error(path, Some(span), "`thresholds` without a `target`: the trend is measured towards the target")
                .with_hint("add `target = { value = …, year = …, source = \"…\" }`, or remove the thresholds"),
        ),
        Some(target) => {
            if target.source.is_none() {
                diags.push(Diag::error(
                    path,
                    Some(target.value.span()),
                    "a rated indicator's target needs its `source` (an SDG target, a plan, a guideline)",
                ));
            }
            if band(*target.value.get_ref(), &th) != Band::Achieved {
                let lit = text.get(target.value.span()).unwrap_or_default();
                diags.push(Diag::warning(
                    path,
                    Some(target.value.span()),
                    format!("reaching the target ({lit}) would not reach the green threshold ({green})"),
                ));
            }
        }
    }
    Some(th)
}

/// Adds the rows of `data/*.csv` to their indicators.
fn merge_csv(loaded: &Loaded, idx: &mut Index, diags: &mut Vec<Diag>) {
    for (path, rows) in &loaded.csv {
        for row in rows {
            let id = row.indicator.get_ref();
            let Some(ind) = idx.indicators.get_mut(id.as_str()) else {
                diags.push(
                    Diag::error(path, Some(row.indicator.span()), format!("unknown indicator `{id}`"))
                        .with_hint("declare it in a data/*.toml file with its unit: [[indicator]] id = …, unit = …"),
                );
                continue;
            };
            let period = match Period::parse(row.period.get_ref()) {
                Ok(p) => p,
                Err(e) => {
                    diags.push(Diag::error(path, Some(row.period.span()), e));
                    continue;
                }
            };
            let (value, decimals, place) = match row.value.get_ref() {
                Some((v, d, place)) => {
                    if let Some(w) = series::too_many_digits(&row.written) {
                        diags.push(Diag::warning(path, Some(row.value.span()), w));
                    }
                    match series::check_value(*v, ind.unit()) {
                        Ok(Some(w)) => diags.push(Diag::warning(path, Some(row.value.span()), w)),
                        Ok(None) => {}
                        Err(e) => {
                            diags.push(Diag::error(path, Some(row.value.span()), e));
                            continue;
                        }
                    }
                    (Some(*v), ind.spec.decimals.as_ref().map(|d| *d.get_ref()).or(*d), *place)
                }
                None => (None, None, None),
            };
            let missing = value.is_none().then(|| row.note.clone().unwrap_or_default());
            let note = if value.is_some() { row.note.clone() } else { None };
            let at = Loc { file: path.clone(), span: row.value.span() };
            let (checked, status) = (row.checked, row.status);
            ind.series.insert(period, Point { value, decimals, place, missing, note, checked, status, at }, diags, id);
        }
    }
}

/// Checks an SDG reference: a goal 1–17 (`8`, `"8"`) or a target (`"8.1"`, `"11.a"`).
pub fn check_sdg(v: &toml::Value) -> Result<(), String> {
    let s = match v {
        toml::Value::Integer(n) => n.to_string(),
        toml::Value::String(s) => s.clone(),
        _ => return Err("`sdg` is a goal (8) or a target (\"8.1\")".into()),
    };
    let (goal, target) = match s.split_once('.') {
        Some((g, t)) => (g, Some(t)),
        None => (s.as_str(), None),
    };
    let ok_goal = goal.parse::<u8>().is_ok_and(super::sdg::is_goal);
    let ok_target = target.is_none_or(|t| {
        !t.is_empty() && t.len() <= 2 && t.chars().all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
    });
    if ok_goal && ok_target {
        Ok(())
    } else {
        Err(format!("`{s}` is not an SDG goal (1 to 17) or target (such as \"8.1\" or \"11.a\")"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::load::Loaded;
    use crate::files::parse_toml;

    fn loaded(text: &str) -> (Loaded, Sources) {
        let path = std::path::PathBuf::from("data/d.toml");
        let mut sources = Sources::default();
        sources.insert(&path, text.to_string());
        let file = parse_toml(&path, text).unwrap();
        (Loaded { data: vec![(path, file)], ..Loaded::default() }, sources)
    }

    const SERIES: &str = "[[indicator]]\nid = \"a\"\nunit = \"count\"\nvalues = { 2018 = 1, 2019 = 2, 2021 = { missing = \"not yet published\" } }\n\n[[indicator]]\nid = \"b\"\nunit = \"count\"\nvalues = { 2018 = 1 }\nlag = 2\n\n[[indicator]]\nid = \"c\"\nunit = \"year\"\nvalue = 1982\nyear = 1982\nfixed = true\n";

    #[test]
    fn the_lag_rule_decides_what_needs_data() {
        let (l, sources) = loaded(SERIES);
        let mut diags = Vec::new();
        let at = |edition: i32, lag: i32, diags: &mut Vec<Diag>| {
            let idx = index(
                &l,
                &sources,
                Settings {
                    edition,
                    lag,
                    units: &Default::default(),
                    rating: Default::default(),
                    period_year: Default::default(),
                },
                diags,
            );
            type Needs = Option<(i32, Option<String>)>;
            let mut v: Vec<(String, Needs)> = idx
                .indicators
                .iter()
                .map(|(id, i)| (id.to_string(), i.needs_data(edition).map(|(y, p)| (y, p.map(|p| p.label.clone())))))
                .collect();
            v.sort();
            v
        };
        // Edition 2020, lag 1: a (2019) is fine; b lags 2 years by its own setting; c is fixed.
        assert_eq!(at(2020, 1, &mut diags), vec![("a".into(), None), ("b".into(), None), ("c".into(), None)]);
        // Lag 0: a needs 2020; the latest value it has is 2019.
        assert_eq!(at(2020, 0, &mut diags)[0], ("a".into(), Some((2020, Some("2019".into())))));
        // 2021 is declared missing with its reason: an honest gap, so a needs nothing
        // (the edition prints 2019's value with its period).
        assert_eq!(at(2021, 0, &mut diags)[0], ("a".into(), None));
        // 2022 is not declared: a needs it; the latest value it has is still 2019.
        assert_eq!(at(2022, 0, &mut diags)[0], ("a".into(), Some((2022, Some("2019".into())))));
        // b: edition 2021, its lag of 2 years expects 2019; it has 2018.
        assert_eq!(at(2021, 1, &mut diags)[1], ("b".into(), Some((2019, Some("2018".into())))));
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    }

    #[test]
    fn series_problems_are_located() {
        let text = "[[indicator]]\nid = \"a\"\nunit = \"count\"\nvalues = { 2018 = 1, 20x9 = 2, 2020 = \"3\", 2021 = nan, \"2022/23\" = 4 }\n";
        let (l, sources) = loaded(text);
        let mut diags = Vec::new();
        index(
            &l,
            &sources,
            Settings {
                edition: 2020,
                lag: 1,
                units: &Default::default(),
                rating: Default::default(),
                period_year: Default::default(),
            },
            &mut diags,
        );
        diags.sort_by_key(|d| d.span.clone().map(|s| s.start));
        let at: Vec<&str> = diags.iter().filter(|d| d.is_error()).map(|d| &text[d.span.clone().unwrap()]).collect();
        assert_eq!(at, ["20x9", "\"3\"", "nan", "4"], "{diags:?}");
        assert!(diags.iter().any(|d| d.message.contains("mixes calendar years and two-year periods")), "{diags:?}");
    }

    #[test]
    fn sdg_codes() {
        assert!(check_sdg(&toml::Value::Integer(8)).is_ok());
        assert!(check_sdg(&toml::Value::String("11.a".into())).is_ok());
        assert!(check_sdg(&toml::Value::String("99".into())).is_err());
        assert!(check_sdg(&toml::Value::Integer(0)).is_err());
        assert!(check_sdg(&toml::Value::String("8.".into())).is_err());
    }
}
