//! Where the city stands: each indicator's status and trend against its target
//! and thresholds, and each goal's dashboard tile, by the rules of the SDSN
//! Sustainable Development Report ([`super::rules`]; the method and its
//! sources are documented in
//! docs/data-format.md ("Targets, thresholds and the SDG dashboard").
//!
//! Only indicators with a target *and* thresholds are rated; every other is
//! "no target set" and left out of the goals' tiles. Nothing is guessed.

use super::indexed::{Ind, Index};
use super::model::Indicator;
use super::rules::{Aim, Band, GoalTile, Method, SDSN_HORIZON, Trend, band, goal_tile, trend};

/// One indicator's rating for an edition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rating {
    /// Rated: its band and trend.
    Rated(Band, Trend),
    /// No target: listed, not rated.
    NoTarget,
    /// A target but no thresholds: listed, not rated.
    NoThresholds,
    /// A target and thresholds, but no value up to the edition.
    NoData,
    /// A target and thresholds, but the latest value (of this year) is older
    /// than the indicator's years-used window.
    Outdated(i32),
}

impl Rating {
    /// The status code (CSV).
    pub fn status_code(self) -> &'static str {
        match self {
            Rating::Rated(b, _) => b.code(),
            Rating::NoTarget => "no-target",
            Rating::NoThresholds => "no-thresholds",
            Rating::NoData => "no-data",
            Rating::Outdated(_) => "outdated",
        }
    }

    /// The trend code (CSV); empty when not rated.
    pub fn trend_code(self) -> &'static str {
        match self {
            Rating::Rated(_, t) => t.code(),
            _ => "",
        }
    }
}

/// Rates an indicator for an edition, by the project's method
/// ([`Index::rating`]): its band from the latest value, if that is inside its
/// years-used window; its trend from the base year towards the green
/// threshold by 2030 (SDSN) or towards its target by the target's year.
pub fn rate(ind: &Ind, idx: &Index) -> Rating {
    let edition = idx.edition;
    let Some((tp, tv, _)) = &ind.target else { return Rating::NoTarget };
    let Some(th) = &ind.thresholds else { return Rating::NoThresholds };
    let Some((period, current)) = ind.current(edition) else { return Rating::NoData };
    let Some(value) = current.value else { return Rating::NoData };
    if period.year < edition - ind.years_used {
        return Rating::Outdated(period.year);
    }
    let points: Vec<(i32, f64)> = ind
        .series
        .points
        .iter()
        .filter(|(p, _)| p.year <= edition)
        .filter_map(|(p, pt)| Some((p.year, pt.value?)))
        .collect();
    let aim = match idx.rating.method {
        Method::Sdsn => Aim { value: th.green, year: SDSN_HORIZON },
        Method::Targets => Aim { value: *tv, year: tp.year },
    };
    Rating::Rated(band(value, th), trend(&points, idx.rating.base_year, aim, th.better))
}

/// The goal (1–17) of an indicator's `sdg`, if it has one.
pub fn goal_of(ind: &Indicator) -> Option<u8> {
    sdg_code(ind)?.split('.').next()?.parse().ok().filter(|g| super::sdg::is_goal(*g))
}

/// Every indicator's rating and each goal's tile, for an edition.
pub struct Dashboard<'a> {
    /// Indicators in goal, then SDG code, then id order; those without a goal last.
    pub indicators: Vec<(&'a Ind<'a>, Rating)>,
    /// Goals 1–17.
    pub goals: Vec<Goal>,
}

/// One goal on the dashboard: its tile, and how many indicators stand behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Goal {
    /// The tile, if any indicator of the goal is rated (it counts the rated ones and those with a trend).
    pub tile: Option<GoalTile>,
    /// The goal's indicators, rated or not.
    pub indicators: usize,
    /// The band from which an indicator sets the goal's band ([`super::rules::setting_band`]).
    pub setting: Option<Band>,
}

/// How many indicators are rated, and why the others are not: the one count
/// that `vlr check`, `vlr build` and the dashboard page all print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Every indicator.
    pub total: usize,
    /// Rated: a band (and a trend, or no trend data).
    pub rated: usize,
    /// Not rated for want of a target or thresholds.
    pub no_target: usize,
    /// A target and thresholds, but no value to rate (none, or none recent enough).
    pub no_data: usize,
}

impl Dashboard<'_> {
    /// Indicators not rated, with their rating (the reason).
    pub fn unrated(&self) -> impl Iterator<Item = (&Ind<'_>, Rating)> {
        self.indicators.iter().filter(|(_, r)| !matches!(r, Rating::Rated(..))).map(|(i, r)| (*i, *r))
    }

    /// The counts of rated and unrated indicators.
    pub fn counts(&self) -> Counts {
        let count = |f: fn(&Rating) -> bool| self.indicators.iter().filter(|(_, r)| f(r)).count();
        Counts {
            total: self.indicators.len(),
            rated: count(|r| matches!(r, Rating::Rated(..))),
            no_target: count(|r| matches!(r, Rating::NoTarget | Rating::NoThresholds)),
            no_data: count(|r| matches!(r, Rating::NoData | Rating::Outdated(_))),
        }
    }
}

/// Rates every indicator and builds the goals' tiles.
pub fn dashboard<'a>(idx: &'a Index<'a>) -> Dashboard<'a> {
    let mut indicators: Vec<(&Ind, Rating)> = idx.indicators.values().map(|i| (i, rate(i, idx))).collect();
    // Each key made once per indicator (reading an SDG code makes a new
    // string); made inside the comparison, it cost 1 ms of each watch rebuild.
    indicators.sort_by_cached_key(|(i, _)| (goal_of(i.spec).unwrap_or(u8::MAX), sdg_key(i.spec), i.spec.id.get_ref()));
    let goal: Vec<Option<u8>> = indicators.iter().map(|(i, _)| goal_of(i.spec)).collect();
    let goals = super::sdg::GOALS
        .map(|g| {
            let of_goal: Vec<Rating> =
                indicators.iter().zip(&goal).filter(|(_, of)| **of == Some(g)).map(|((_, r), _)| *r).collect();
            let rated: Vec<(Band, Trend)> = of_goal
                .iter()
                .filter_map(|r| match r {
                    Rating::Rated(b, t) => Some((*b, *t)),
                    _ => None,
                })
                .collect();
            let bands: Vec<Band> = rated.iter().map(|(b, _)| *b).collect();
            Goal { tile: goal_tile(&rated), indicators: of_goal.len(), setting: super::rules::setting_band(&bands) }
        })
        .collect();
    Dashboard { indicators, goals }
}

/// Sort key of an SDG code: "4.10" after "4.2", "11.a" after "11.7".
fn sdg_key(ind: &Indicator) -> (u32, String) {
    let code = sdg_code(ind).unwrap_or_default();
    let target = code.split_once('.').map_or("", |(_, t)| t);
    match target.parse::<u32>() {
        Ok(n) => (n, String::new()),
        Err(_) if target.is_empty() => (0, String::new()),
        Err(_) => (u32::MAX, target.to_string()),
    }
}

/// The SDG code as written: "4.1", "11", "9.c".
pub fn sdg_code(ind: &Indicator) -> Option<String> {
    match ind.sdg.as_ref()?.get_ref() {
        toml::Value::Integer(n) => Some(n.to_string()),
        toml::Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::data::index::{Settings, index};
    use crate::data::load::Loaded;
    use crate::data::rules::RatingSettings;
    use crate::diag::{Diag, Sources};
    use crate::files::parse_toml;

    const DATA: &str = r#"
[[indicator]]
id = "rated"
values = { 2019 = 80, 2020 = 86 }
unit = "percent"
sdg = "4.1"
better = "higher"
target = { value = 100, year = 2030, source = "SDG target 4.1" }
thresholds = { green = 90, red = 75, source = "SDSN SDR 2025" }

[[indicator]]
id = "single"
value = 24
unit = "count"
sdg = "11.6"
better = "lower"
target = { value = 5, year = 2030, source = "WHO guideline" }
thresholds = { green = 10, yellow = 15, red = 25, source = "SDSN SDR 2025" }

[[indicator]]
id = "target-only"
value = 3
unit = "count"
sdg = "4"
target = { value = 10, year = 2030, source = "plan" }

[[indicator]]
id = "bare"
value = 3
unit = "count"

[[indicator]]
id = "unknown"
missing = "not published"
unit = "percent"
sdg = "4.2"
better = "higher"
target = { value = 100, year = 2030, source = "SDG target 4.2" }
thresholds = { green = 90, red = 70, source = "SDSN SDR 2025" }
"#;

    fn with<T>(data: &str, f: impl FnOnce(&Index, &[Diag]) -> T) -> T {
        let path = PathBuf::from("data/d.toml");
        let mut sources = Sources::default();
        sources.insert(&path, data.to_string());
        let file = parse_toml(&path, data).expect("parses");
        let loaded = Loaded { data: vec![(path, file)], ..Default::default() };
        let mut diags = Vec::new();
        let idx = index(
            &loaded,
            &sources,
            Settings {
                edition: 2020,
                lag: 0,
                units: &Default::default(),
                rating: Default::default(),
                period_year: Default::default(),
            },
            &mut diags,
        );
        f(&idx, &diags)
    }

    #[test]
    fn only_indicators_with_target_and_thresholds_are_rated() {
        with(DATA, |idx, diags| {
            assert!(diags.is_empty(), "{diags:?}");
            let rating = |id: &str| rate(&idx.indicators[id], idx);
            // 86 is under green 90, over the midpoint 82.5; +6 a year against (100 − 86) / 10 = 1.4 needed.
            assert_eq!(rating("rated"), Rating::Rated(Band::ChallengesRemain, Trend::OnTrack));
            assert_eq!(rating("single"), Rating::Rated(Band::SignificantChallenges, Trend::NoData), "a single point");
            assert_eq!(rating("target-only"), Rating::NoThresholds, "no thresholds: not rated");
            assert_eq!(rating("bare"), Rating::NoTarget);
            assert_eq!(rating("unknown"), Rating::NoData, "a target but no value: not rated, not guessed");
            let d = dashboard(idx);
            let order: Vec<&str> = d.indicators.iter().map(|(i, _)| i.spec.id.get_ref().as_str()).collect();
            assert_eq!(order, ["target-only", "rated", "unknown", "single", "bare"], "by goal, target, id");
            let tile = |g: usize| d.goals[g - 1].tile.map(|t| (t.band, t.trend));
            assert_eq!(tile(4), Some((Band::ChallengesRemain, Trend::OnTrack)), "goal 4: its one rated indicator");
            assert_eq!((d.goals[3].indicators, d.goals[3].tile.map(|t| t.rated)), (3, Some(1)), "1 of goal 4's 3");
            assert_eq!(tile(11), Some((Band::SignificantChallenges, Trend::NoData)));
            assert_eq!(d.goals.iter().filter(|g| g.tile.is_some()).count(), 2);
            let unrated: Vec<&str> = d.unrated().map(|(i, _)| i.spec.id.get_ref().as_str()).collect();
            assert_eq!(unrated, ["target-only", "unknown", "bare"]);
            assert_eq!(d.counts(), Counts { total: 5, rated: 2, no_target: 2, no_data: 1 });
        });
    }

    #[test]
    fn a_value_older_than_its_window_is_not_rated_and_is_reported() {
        // Edition 2020, lag 0: the window is 2020 alone unless `years-used` widens it.
        let data = DATA.replacen("values = { 2019 = 80, 2020 = 86 }", "values = { 2016 = 80, 2018 = 86 }", 1);
        with(&data, |idx, diags| {
            assert_eq!(rate(&idx.indicators["rated"], idx), Rating::Outdated(2018));
            let d = diags.iter().find(|d| d.message.contains("is not rated")).expect("reported");
            assert!(
                !d.is_error() && d.message.contains("(2018) is older than its years-used window (2020 to 2020)"),
                "{d:?}"
            );
            assert_eq!(&data[d.span.clone().unwrap()], "\"rated\"");
            assert_eq!(dashboard(idx).goals[3].tile, None, "goal 4 had only it");
        });
        // Two years back: 2018 is inside it.
        let data = data.replacen("id = \"rated\"\n", "id = \"rated\"\nyears-used = 2\n", 1);
        with(&data, |idx, diags| {
            assert!(diags.is_empty(), "{diags:?}");
            // From 2016 = 80 to 86 in 2018: 3 a year against (90 − 80) / 14 needed.
            assert_eq!(rate(&idx.indicators["rated"], idx), Rating::Rated(Band::ChallengesRemain, Trend::OnTrack));
        });
    }

    #[test]
    fn a_project_may_measure_trends_to_its_own_targets() {
        // 80 (2019) → 86 (2020): 6 a year. Towards green 90 by 2030 (SDSN): on track. Towards
        // the target 100 by 2021 from 2019: (100 − 80) / 2 = 10 a year needed; 6 is over half.
        let data = DATA.replacen(
            "value = 100, year = 2030, source = \"SDG target 4.1\"",
            "value = 100, year = 2021, source = \"SDG target 4.1\"",
            1,
        );
        let path = PathBuf::from("data/d.toml");
        let mut sources = Sources::default();
        sources.insert(&path, data.clone());
        let loaded = Loaded { data: vec![(path.clone(), parse_toml(&path, &data).unwrap())], ..Default::default() };
        let rated = |method: Method| {
            let rating = RatingSettings { method, ..Default::default() };
            let settings =
                Settings { edition: 2020, lag: 0, units: &Default::default(), rating, period_year: Default::default() };
            let idx = index(&loaded, &sources, settings, &mut Vec::new());
            rate(&idx.indicators["rated"], &idx)
        };
        assert_eq!(rated(Method::Sdsn), Rating::Rated(Band::ChallengesRemain, Trend::OnTrack));
        assert_eq!(rated(Method::Targets), Rating::Rated(Band::ChallengesRemain, Trend::ModeratelyImproving));
    }

    #[test]
    fn bad_thresholds_are_located_errors() {
        let cases = [
            ("better = \"higher\"\n", "", "need `better"),
            ("green = 90, red = 75", "green = 75, red = 90", "green > yellow > red"),
            ("green = 90, red = 75", "green = 90, yellow = 95, red = 75", "green > yellow > red"),
            // Equal thresholds: a band would vanish.
            ("green = 90, red = 75", "green = 90, yellow = 75, red = 75", "green > yellow > red"),
            ("green = 90, red = 75", "green = 90, yellow = 90, red = 75", "green > yellow > red"),
            ("green = 10, yellow = 15, red = 25", "green = 10, yellow = 10, red = 25", "green < yellow < red"),
            ("target = { value = 100, year = 2030, source = \"SDG target 4.1\" }\n", "", "without a `target`"),
            ("source = \"SDG target 4.1\" }", "}", "needs its `source`"),
        ];
        for (from, to, message) in cases {
            let data = DATA.replacen(from, to, 1);
            with(&data, |_, diags| {
                let d = diags
                    .iter()
                    .find(|d| d.message.contains(message))
                    .unwrap_or_else(|| panic!("{message}: {diags:?}"));
                assert!(d.is_error(), "{d:?}");
                let at = &data[d.span.clone().expect("located")];
                assert!(at.starts_with('{') || at == "100", "{message}: points at {at:?}");
            });
        }
        // A target short of the green threshold is allowed, with a warning.
        let data = DATA.replacen("value = 100, year = 2030", "value = 85, year = 2030", 1);
        with(&data, |_, diags| {
            assert_eq!(diags.len(), 1, "{diags:?}");
            assert!(!diags[0].is_error() && diags[0].message.contains("green threshold"), "{diags:?}");
        });
        // A target whose year has passed: a warning at the year.
        let data = DATA.replacen("value = 100, year = 2030", "value = 100, year = 2019", 1);
        with(&data, |_, diags| {
            assert_eq!(diags.len(), 1, "{diags:?}");
            let d = &diags[0];
            assert!(!d.is_error() && d.message.contains("the target's year (2019) has passed"), "{d:?}");
            assert_eq!(&data[d.span.clone().expect("located")], "2019");
        });
        // The edition's own year has not passed.
        let data = DATA.replacen("value = 100, year = 2030", "value = 100, year = 2020", 1);
        with(&data, |_, diags| assert!(diags.is_empty(), "{diags:?}"));
    }
}
