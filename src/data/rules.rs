//! The rules of the SDSN Sustainable Development Report, pure: the band of a
//! value between three thresholds, the trend of a series towards a target,
//! and a goal's tile from its indicators' ratings. They know nothing of
//! files or indexes ([`super::status`] applies them to the data).

/// How far an indicator or a goal is from achievement: the four SDSN bands,
/// best first (their order is their rank).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Band {
    /// Green: at or beyond the green threshold.
    Achieved,
    /// Yellow: between the green and the yellow threshold.
    ChallengesRemain,
    /// Orange: between the yellow and the red threshold.
    SignificantChallenges,
    /// Red: beyond the red threshold.
    MajorChallenges,
}

impl Band {
    /// All bands, best first.
    pub const ALL: [Band; 4] =
        [Band::Achieved, Band::ChallengesRemain, Band::SignificantChallenges, Band::MajorChallenges];

    /// The stable code (CSV, templates, string keys).
    pub fn code(self) -> &'static str {
        match self {
            Band::Achieved => "achieved",
            Band::ChallengesRemain => "challenges-remain",
            Band::SignificantChallenges => "significant-challenges",
            Band::MajorChallenges => "major-challenges",
        }
    }

    fn rank(self) -> u8 {
        self as u8
    }

    fn from_rank(r: u8) -> Self {
        Self::ALL[usize::from(r.min(3))]
    }
}

/// Where an indicator is heading: its annual rate of change since the base
/// year against the rate needed to reach the aim (see [`trend`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Trend {
    /// On track to reach the aim by its year, or maintaining achievement.
    OnTrack,
    /// Improving at least at half the required rate.
    ModeratelyImproving,
    /// Improving at less than half the required rate, or not moving.
    Stagnating,
    /// Moving away from the aim.
    Decreasing,
    /// No value from the base year on before the latest one.
    NoData,
}

impl Trend {
    /// All trends, best first.
    pub const ALL: [Trend; 5] =
        [Trend::OnTrack, Trend::ModeratelyImproving, Trend::Stagnating, Trend::Decreasing, Trend::NoData];

    /// The stable code (CSV, templates, string keys).
    pub fn code(self) -> &'static str {
        match self {
            Trend::OnTrack => "on-track",
            Trend::ModeratelyImproving => "moderately-improving",
            Trend::Stagnating => "stagnating",
            Trend::Decreasing => "decreasing",
            Trend::NoData => "no-trend-data",
        }
    }
}

/// Which way is progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// More is better (enrolment rates).
    Higher,
    /// Less is better (PM2.5 concentration).
    Lower,
}

impl Better {
    /// +1 when more is better, −1 when less is: progress is the sign times the change.
    pub fn sign(self) -> f64 {
        match self {
            Better::Higher => 1.0,
            Better::Lower => -1.0,
        }
    }

    /// Parses `"higher"` or `"lower"`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "higher" => Some(Better::Higher),
            "lower" => Some(Better::Lower),
            _ => None,
        }
    }
}

/// The three thresholds between the four bands, in the indicator's unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// From here on (inclusive): achieved.
    pub green: f64,
    /// From here on, up to green: challenges remain. Default: midway between green and red.
    pub yellow: f64,
    /// From here on, up to yellow: significant challenges; beyond it: major challenges.
    pub red: f64,
    /// Which way is progress.
    pub better: Better,
}

/// Values this close (relative) to a threshold or a required rate count as on
/// it, so a value written as exactly the threshold is never lost to rounding.
const EPS: f64 = 1e-9;

/// `a` is at or beyond `b` in the direction of progress.
fn at_least(a: f64, b: f64, better: Better) -> bool {
    better.sign() * (a - b) >= -EPS * a.abs().max(b.abs()).max(1.0)
}

/// The band of a value. A value on a threshold takes the better band.
pub fn band(value: f64, t: &Thresholds) -> Band {
    if at_least(value, t.green, t.better) {
        Band::Achieved
    } else if at_least(value, t.yellow, t.better) {
        Band::ChallengesRemain
    } else if at_least(value, t.red, t.better) {
        Band::SignificantChallenges
    } else {
        Band::MajorChallenges
    }
}

/// The year the SDSN measures trends from and the year it measures them to
/// (SDR 2021 and 2024 methods summaries: progress since the SDGs' adoption in
/// 2015, against the pace that reaches the green threshold by 2030).
pub const SDSN_BASE_YEAR: i32 = 2015;
/// The SDGs' horizon: the year the SDSN's trend reaches the green threshold by.
pub const SDSN_HORIZON: i32 = 2030;

/// Which aim trends are measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The SDSN's: the green threshold by 2030.
    Sdsn,
    /// The project's choice: each indicator's own target by its year.
    Targets,
}

impl Method {
    /// The stable code (`vlr.toml`, templates).
    pub fn code(self) -> &'static str {
        match self {
            Method::Sdsn => "sdsn",
            Method::Targets => "targets",
        }
    }
}

/// The project's rating settings (`[dashboard]` in `vlr.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RatingSettings {
    /// Which aim trends head for.
    pub method: Method,
    /// The year trends are measured from.
    pub base_year: i32,
    /// Years before the edition a value may be and still be rated; `None`: each indicator's lag.
    pub years_used: Option<i32>,
}

impl Default for RatingSettings {
    fn default() -> Self {
        RatingSettings { method: Method::Sdsn, base_year: SDSN_BASE_YEAR, years_used: None }
    }
}

/// Where a trend heads: the value that counts as achieved, and the year to
/// reach it by (the green threshold by 2030 in the SDSN method, or the
/// indicator's own target by its year).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Aim {
    /// The value to reach.
    pub value: f64,
    /// The year to reach it by.
    pub year: i32,
}

/// The trend of a series towards an aim, by the SDSN method.
///
/// `points` are (year, value) in year order, up to the edition. The base is
/// the value of `base_year`, or else the first value after it (values before
/// it are not used: progress is measured since then). A value beyond the aim
/// counts as on it, so movement beyond achievement is never progress or
/// regress. The latest value at or beyond the aim is *maintaining achievement*
/// ([`Trend::OnTrack`]). Otherwise the linear annual rate from the base to the
/// latest value is compared with the rate that would have reached the aim by
/// its year from the base: at least that rate, on track; at least half of it,
/// moderately improving; less than half, stagnating; negative, decreasing.
/// No base before the latest value: no trend data.
pub fn trend(points: &[(i32, f64)], base_year: i32, aim: Aim, better: Better) -> Trend {
    let Some(&(t1, v1)) = points.last() else { return Trend::NoData };
    let Some(&(t0, v0)) = points.iter().find(|(t, _)| *t >= base_year && *t < t1) else {
        return Trend::NoData;
    };
    if at_least(v1, aim.value, better) {
        return Trend::OnTrack;
    }
    // Beyond the aim is on it: a fall from beyond it counts only from the aim.
    let v0 = if at_least(v0, aim.value, better) { aim.value } else { v0 };
    let s = better.sign();
    let progress = s * (v1 - v0) / f64::from(t1 - t0);
    let needed = s * (aim.value - v0) / f64::from((aim.year - t0).max(1));
    let tolerance = EPS * v1.abs().max(v0.abs()).max(1.0);
    if progress < -tolerance {
        Trend::Decreasing
    } else if progress >= needed - tolerance {
        Trend::OnTrack
    } else if progress >= needed / 2.0 - tolerance {
        Trend::ModeratelyImproving
    } else {
        Trend::Stagnating
    }
}

/// The share of a goal's rated indicators that must have a trend for the goal
/// to have one (the SDSN's rule, stated in the Africa SDG Index and Dashboards
/// FAQ, 2018): three quarters.
pub const GOAL_TREND_COVERAGE: (usize, usize) = (3, 4);

/// A goal's tile: its band and trend, and how many indicators stand behind them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoalTile {
    /// From its two worst-rated indicators.
    pub band: Band,
    /// From all its indicators with a trend, if they are enough.
    pub trend: Trend,
    /// Its rated indicators.
    pub rated: usize,
    /// Those of them with a trend.
    pub with_trend: usize,
}

/// The band from which an indicator sets its goal's band: the second-worst
/// of the goal's rated bands (the worst when only one is rated). An
/// indicator at this band or worse is one of the two worst-rated that the
/// goal's band averages (with ties, every indicator at the band counts), so
/// a reader can reproduce the tile. `None` when none is rated.
pub fn setting_band(rated: &[Band]) -> Option<Band> {
    let mut bands = rated.to_vec();
    bands.sort_by(|a, b| b.cmp(a));
    bands.get(1).or(bands.first()).copied()
}

/// A goal's tile from its rated indicators (`None` when none is rated).
///
/// **Band** (the SDR dashboards' rule): the average of the two worst-rated
/// indicators' bands (0 achieved … 3 major challenges), a half rounding to the
/// worse band, except that a goal is red only if both are red (and green only
/// if both are green, which the rounding gives); a single rated indicator
/// rates the goal alone (vlr's rule).
///
/// **Trend** (the SDSN's goal-trend rule, Africa SDG Index and Dashboards FAQ,
/// 2018): the average of the trends of *all* the rated indicators that have
/// one (on track 0 … decreasing 3), reported only if at least three quarters
/// of the rated indicators have one; else no trend data. A half rounds to the
/// worse trend (vlr's rounding; the SDSN bands the average on a 0–4 scale).
pub fn goal_tile(rated: &[(Band, Trend)]) -> Option<GoalTile> {
    let mut bands: Vec<Band> = rated.iter().map(|(b, _)| *b).collect();
    bands.sort_by(|a, b| b.cmp(a));
    let band = match bands.as_slice() {
        [] => return None,
        [b] => *b,
        [a, b, ..] => {
            let r = (a.rank() + b.rank()).div_ceil(2);
            if r == 3 && a != b { Band::SignificantChallenges } else { Band::from_rank(r) }
        }
    };
    let ranks: Vec<usize> = rated.iter().filter(|(_, t)| *t != Trend::NoData).map(|(_, t)| *t as usize).collect();
    let (num, den) = GOAL_TREND_COVERAGE;
    let trend = if !ranks.is_empty() && ranks.len() * den >= rated.len() * num {
        {
            // The mean, rounded to the nearest trend, a half to the worse.
            let (sum, n) = (ranks.iter().sum::<usize>(), ranks.len());
            Trend::ALL[((2 * sum + n) / (2 * n)).min(3)]
        }
    } else {
        Trend::NoData
    };
    Some(GoalTile { band, trend, rated: rated.len(), with_trend: ranks.len() })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HIGH: Thresholds = Thresholds { green: 90.0, yellow: 82.5, red: 75.0, better: Better::Higher };
    const LOW: Thresholds = Thresholds { green: 10.0, yellow: 17.5, red: 25.0, better: Better::Lower };

    #[test]
    fn bands_at_their_boundaries_higher_is_better() {
        assert_eq!(band(100.0, &HIGH), Band::Achieved);
        assert_eq!(band(90.0, &HIGH), Band::Achieved, "on the green threshold: achieved");
        assert_eq!(band(89.99, &HIGH), Band::ChallengesRemain);
        assert_eq!(band(82.5, &HIGH), Band::ChallengesRemain, "on the yellow threshold");
        assert_eq!(band(82.49, &HIGH), Band::SignificantChallenges);
        assert_eq!(band(75.0, &HIGH), Band::SignificantChallenges, "on the red threshold");
        assert_eq!(band(74.99, &HIGH), Band::MajorChallenges);
        assert_eq!(band(0.0, &HIGH), Band::MajorChallenges);
    }

    #[test]
    fn bands_at_their_boundaries_lower_is_better() {
        assert_eq!(band(5.0, &LOW), Band::Achieved);
        assert_eq!(band(10.0, &LOW), Band::Achieved);
        assert_eq!(band(10.01, &LOW), Band::ChallengesRemain);
        assert_eq!(band(17.5, &LOW), Band::ChallengesRemain);
        assert_eq!(band(17.51, &LOW), Band::SignificantChallenges);
        assert_eq!(band(24.0, &LOW), Band::SignificantChallenges);
        assert_eq!(band(25.0, &LOW), Band::SignificantChallenges);
        assert_eq!(band(25.01, &LOW), Band::MajorChallenges);
    }

    #[test]
    fn a_value_computed_onto_a_threshold_is_on_it() {
        // 0.1 + 0.2 is 0.30000000000000004 in binary: still on the threshold 0.3.
        let t = Thresholds { green: 0.3, yellow: 0.2, red: 0.1, better: Better::Higher };
        assert_eq!(band(0.1 + 0.2, &t), Band::Achieved);
        let t = Thresholds { green: 0.3, yellow: 0.4, red: 0.5, better: Better::Lower };
        assert_eq!(band(0.1 + 0.2, &t), Band::Achieved);
    }

    const AIM: Aim = Aim { value: 100.0, year: 2030 };

    /// Base 2015 = 40, aim 100 by 2030: 4 a year needed; the latest value in 2020.
    fn higher(v1: f64) -> Trend {
        trend(&[(2015, 40.0), (2020, v1)], 2015, AIM, Better::Higher)
    }

    #[test]
    fn trends_at_their_boundaries() {
        // rate = (v1 − 40) / 5; needed = (100 − 40) / 15 = 4 a year.
        assert_eq!(higher(60.0), Trend::OnTrack, "exactly the required rate");
        assert_eq!(higher(70.0), Trend::OnTrack, "faster");
        assert_eq!(higher(59.5), Trend::ModeratelyImproving, "3.9 a year");
        assert_eq!(higher(50.0), Trend::ModeratelyImproving, "exactly half the required rate");
        assert_eq!(higher(49.5), Trend::Stagnating, "1.9 a year: less than half");
        assert_eq!(higher(40.0), Trend::Stagnating, "no change");
        assert_eq!(higher(39.5), Trend::Decreasing, "falling");
    }

    #[test]
    fn the_issues_worked_example_is_moderately_improving() {
        // 35 (2015), 40 (2018), 65 (2023), green = 100 by 2030: 30 / 8 = 3.75 a year
        // since 2015 against 65 / 15 = 4.33 needed. (The last five years alone,
        // 25 / 5 = 5 against (100 − 65) / 7 = 5, would have said "on track".)
        let pts = [(2015, 35.0), (2018, 40.0), (2023, 65.0)];
        assert_eq!(trend(&pts, 2015, AIM, Better::Higher), Trend::ModeratelyImproving);
    }

    #[test]
    fn trends_lower_is_better() {
        // PM2.5: 30 in 2015, aim 10 by 2030: 4/3 a year needed; the latest value in 2021.
        let t = |v1: f64| trend(&[(2015, 30.0), (2021, v1)], 2015, Aim { value: 10.0, year: 2030 }, Better::Lower);
        assert_eq!(t(22.0), Trend::OnTrack, "−4/3 a year");
        assert_eq!(t(26.0), Trend::ModeratelyImproving, "−2/3 a year: exactly half");
        assert_eq!(t(27.0), Trend::Stagnating, "−0.5 a year");
        assert_eq!(t(31.0), Trend::Decreasing, "rising");
    }

    #[test]
    fn movement_beyond_the_aim_is_maintaining() {
        let low =
            |v0: f64, v1: f64| trend(&[(2015, v0), (2020, v1)], 2015, Aim { value: 10.0, year: 2030 }, Better::Lower);
        assert_eq!(low(4.0, 5.0), Trend::OnTrack, "4 → 5 beyond a green of 10: maintaining");
        assert_eq!(low(4.0, 10.0), Trend::OnTrack, "back onto the threshold: still achieved");
        // From beyond the aim to short of it: the fall counts from the aim only, and is a fall.
        assert_eq!(low(4.0, 10.5), Trend::Decreasing);
        let high = |v0: f64, v1: f64| trend(&[(2015, v0), (2020, v1)], 2015, AIM, Better::Higher);
        assert_eq!(high(99.0, 100.0), Trend::OnTrack, "reaching it");
        assert_eq!(high(101.0, 100.0), Trend::OnTrack, "beyond it, falling onto it: maintaining");
    }

    #[test]
    fn the_base_is_the_base_year_or_the_first_value_after_it() {
        // Values before the base year are not used: 2014 alone is no base.
        assert_eq!(trend(&[(2014, 50.0), (2020, 60.0)], 2015, AIM, Better::Higher), Trend::NoData);
        assert_eq!(trend(&[], 2015, AIM, Better::Higher), Trend::NoData);
        assert_eq!(trend(&[(2020, 60.0)], 2015, AIM, Better::Higher), Trend::NoData, "a single point");
        assert_eq!(trend(&[(2020, 100.0)], 2015, AIM, Better::Higher), Trend::NoData, "achieved, but one point");
        // No 2015 value: the first after it, 2016 = 44 (needed (100 − 44) / 14 = 4 a year).
        let pts = [(2010, 0.0), (2016, 44.0), (2018, 49.0), (2020, 60.0)];
        assert_eq!(trend(&pts, 2015, AIM, Better::Higher), Trend::OnTrack, "16 / 4 = 4 a year");
        let pts = [(2010, 0.0), (2016, 44.0), (2020, 59.9)];
        assert_eq!(trend(&pts, 2015, AIM, Better::Higher), Trend::ModeratelyImproving);
        // Another base year (a project's setting).
        assert_eq!(trend(&pts, 2010, AIM, Better::Higher), Trend::OnTrack, "from 2010 = 0: 5.99 a year against 5");
    }

    #[test]
    fn an_aim_whose_year_has_come_asks_for_the_gap_in_one_year() {
        // A project's own target due in 2016, 2 short of it at the base: 2 a year needed.
        let t = |v1: f64| trend(&[(2015, 98.0), (2020, v1)], 2015, Aim { value: 100.0, year: 2015 }, Better::Higher);
        assert_eq!(t(99.9), Trend::Stagnating, "0.38 a year");
        assert_eq!(t(100.0), Trend::OnTrack, "reached");
    }

    use Band::*;
    use Trend::*;

    fn tile(rated: &[(Band, Trend)]) -> Option<(Band, Trend)> {
        goal_tile(rated).map(|g| (g.band, g.trend))
    }

    #[test]
    fn the_indicators_that_set_a_goals_band_are_its_two_worst_with_ties() {
        use Band::*;
        assert_eq!(setting_band(&[]), None);
        assert_eq!(setting_band(&[ChallengesRemain]), Some(ChallengesRemain), "one rated sets it alone");
        assert_eq!(setting_band(&[Achieved, MajorChallenges, ChallengesRemain]), Some(ChallengesRemain));
        // Ties: both reds set it, the green does not.
        assert_eq!(setting_band(&[MajorChallenges, Achieved, MajorChallenges]), Some(MajorChallenges));
        assert_eq!(setting_band(&[Achieved, Achieved]), Some(Achieved));
    }

    #[test]
    fn a_goals_band_takes_its_two_worst_indicators() {
        assert_eq!(tile(&[]), None, "nothing rated");
        assert_eq!(tile(&[(ChallengesRemain, NoData)]), Some((ChallengesRemain, NoData)), "one alone");
        let four = [(Achieved, NoData), (MajorChallenges, NoData), (Achieved, NoData), (SignificantChallenges, NoData)];
        assert_eq!(tile(&four).map(|t| t.0), Some(SignificantChallenges), "(3 + 2) / 2 = 2.5: red only if both red");
        assert_eq!(
            tile(&[(MajorChallenges, NoData), (MajorChallenges, NoData), (Achieved, NoData)]).map(|t| t.0),
            Some(MajorChallenges)
        );
        assert_eq!(
            tile(&[(Achieved, NoData), (ChallengesRemain, NoData)]).map(|t| t.0),
            Some(ChallengesRemain),
            "0.5 rounds to the worse"
        );
        assert_eq!(
            tile(&[(Achieved, NoData), (MajorChallenges, NoData)]).map(|t| t.0),
            Some(SignificantChallenges),
            "1.5 rounds to significant"
        );
        assert_eq!(tile(&[(Achieved, NoData), (Achieved, NoData)]).map(|t| t.0), Some(Achieved));
    }

    #[test]
    fn a_goals_trend_averages_all_its_trends_when_three_quarters_have_one() {
        // All four, not the two worst: (0 + 0 + 0 + 3) / 4 = 0.75 rounds to moderately improving.
        let four =
            [(Achieved, OnTrack), (MajorChallenges, Decreasing), (Achieved, OnTrack), (SignificantChallenges, OnTrack)];
        assert_eq!(tile(&four), Some((SignificantChallenges, ModeratelyImproving)));
        // (0 + 1 + 2) / 3 = 1: moderately improving; (0 + 0 + 1) / 3 = 0.33: on track.
        assert_eq!(
            tile(&[(Achieved, OnTrack), (Achieved, ModeratelyImproving), (Achieved, Stagnating)]).map(|t| t.1),
            Some(ModeratelyImproving)
        );
        assert_eq!(
            tile(&[(Achieved, OnTrack), (Achieved, OnTrack), (Achieved, ModeratelyImproving)]).map(|t| t.1),
            Some(OnTrack)
        );
        // A half rounds to the worse: (2 + 3) / 2 = 2.5 → decreasing.
        assert_eq!(tile(&[(Achieved, Stagnating), (Achieved, Decreasing)]).map(|t| t.1), Some(Decreasing));
        // Coverage: 3 of 4 with a trend is 75%: reported; 2 of 3 (67%) is not.
        let three_of_four = [(Achieved, OnTrack), (Achieved, OnTrack), (Achieved, Stagnating), (Achieved, NoData)];
        let g = goal_tile(&three_of_four).unwrap();
        assert_eq!((g.trend, g.rated, g.with_trend), (ModeratelyImproving, 4, 3), "(0 + 0 + 2) / 3 = 0.67");
        let two_of_three = [(Achieved, OnTrack), (Achieved, OnTrack), (Achieved, NoData)];
        assert_eq!(goal_tile(&two_of_three).unwrap().trend, NoData);
        assert_eq!(tile(&[(Achieved, OnTrack), (Achieved, NoData)]).map(|t| t.1), Some(NoData), "1 of 2");
        assert_eq!(tile(&[(Achieved, OnTrack)]).map(|t| t.1), Some(OnTrack), "1 of 1");
    }
}
