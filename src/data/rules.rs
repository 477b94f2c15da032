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

/// Where an indicator is heading, from its recent annual rate of change
/// against the rate needed to reach its target by the target's year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Trend {
    /// On track to reach the target by its year, or maintaining achievement.
    OnTrack,
    /// Improving at least at half the required rate.
    ModeratelyImproving,
    /// Improving at less than half the required rate, or not moving.
    Stagnating,
    /// Moving away from the target.
    Decreasing,
    /// Fewer than two values in the trend window.
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

/// Years of history the trend looks back from the latest value.
pub const TREND_WINDOW: i32 = 5;

/// The trend of a series towards a target.
///
/// `points` are (year, value) in year order, up to the edition. The recent
/// annual rate is the change from the earliest value of the last
/// [`TREND_WINDOW`] years before the latest value to the latest, per year; the
/// required rate is what closes the gap from the latest value to the target by
/// its year (within one year if that year has come).
pub fn trend(points: &[(i32, f64)], target: f64, target_year: i32, better: Better) -> Trend {
    let Some(&(t1, v1)) = points.last() else { return Trend::NoData };
    let Some(&(t0, v0)) = points.iter().find(|(t, _)| *t >= t1 - TREND_WINDOW && *t < t1) else {
        return Trend::NoData;
    };
    let s = better.sign();
    let progress = s * (v1 - v0) / f64::from(t1 - t0);
    let tolerance = EPS * v1.abs().max(v0.abs()).max(1.0);
    if at_least(v1, target, better) {
        // Achieved: maintaining it unless moving away.
        return if progress >= -tolerance { Trend::OnTrack } else { Trend::Decreasing };
    }
    let needed = s * (target - v1) / f64::from((target_year - t1).max(1));
    if progress >= needed - tolerance {
        Trend::OnTrack
    } else if progress >= needed / 2.0 - tolerance {
        Trend::ModeratelyImproving
    } else if progress >= -tolerance {
        Trend::Stagnating
    } else {
        Trend::Decreasing
    }
}

/// A goal's tile from its rated indicators: the two worst-rated (the SDSN
/// rule). Their band ranks (0 achieved … 3 major challenges) are averaged and
/// a half rounds to the worse band, except that a goal is red only if both are
/// red (and green only if both are green, which the rounding gives). The trend
/// is the average of those two indicators' trends with data, a half rounding
/// to the worse; none with data: no trend data. A single rated indicator
/// rates the goal alone. `None` when no indicator is rated.
pub fn goal_tile(rated: &[(Band, Trend)]) -> Option<(Band, Trend)> {
    let mut sorted = rated.to_vec();
    // Worst band first; among equals, the worse trend (no data last).
    sorted.sort_by(|a, b| {
        let key = |(band, trend): &(Band, Trend)| (*band, trend_rank(*trend), *trend != Trend::NoData);
        key(b).cmp(&key(a))
    });
    let worst = &sorted[..sorted.len().min(2)];
    let band = match worst {
        [] => return None,
        [(b, _)] => *b,
        [(a, _), (b, _)] => {
            let r = (a.rank() + b.rank()).div_ceil(2);
            if r == 3 && a != b { Band::SignificantChallenges } else { Band::from_rank(r) }
        }
        _ => unreachable!("at most two"),
    };
    let ranks: Vec<u8> = worst.iter().filter(|(_, t)| *t != Trend::NoData).map(|(_, t)| trend_rank(*t)).collect();
    let trend = match ranks.as_slice() {
        [] => Trend::NoData,
        [r] => Trend::ALL[usize::from(*r)],
        [a, b] => Trend::ALL[usize::from((a + b).div_ceil(2))],
        _ => unreachable!("at most two"),
    };
    Some((band, trend))
}

/// Rank of a trend, best first; no data ranks best (it says nothing).
fn trend_rank(t: Trend) -> u8 {
    match t {
        Trend::NoData => 0,
        t => t as u8,
    }
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

    /// Target 100 in 2040; the latest value 60 in 2020: 2 a year needed.
    fn higher(v0: f64, v1: f64) -> Trend {
        trend(&[(2015, v0), (2020, v1)], 100.0, 2040, Better::Higher)
    }

    #[test]
    fn trends_at_their_boundaries() {
        // 5 years: rate = (v1 − v0) / 5; needed = (100 − 60) / 20 = 2 a year.
        assert_eq!(higher(50.0, 60.0), Trend::OnTrack, "exactly the required rate");
        assert_eq!(higher(45.0, 60.0), Trend::OnTrack, "faster");
        assert_eq!(higher(50.5, 60.0), Trend::ModeratelyImproving, "1.9 a year");
        assert_eq!(higher(55.0, 60.0), Trend::ModeratelyImproving, "exactly half the required rate");
        assert_eq!(higher(55.5, 60.0), Trend::Stagnating, "0.9 a year: less than half");
        assert_eq!(higher(60.0, 60.0), Trend::Stagnating, "no change");
        assert_eq!(higher(60.5, 60.0), Trend::Decreasing, "falling");
    }

    #[test]
    fn trends_lower_is_better() {
        // PM2.5: 24 in 2020, target 5 in 2030: 1.9 a year needed.
        let t = |v0: f64| trend(&[(2018, v0), (2020, 24.0)], 5.0, 2030, Better::Lower);
        assert_eq!(t(27.8), Trend::OnTrack, "−1.9 a year");
        assert_eq!(t(25.9), Trend::ModeratelyImproving, "−0.95 a year: exactly half");
        assert_eq!(t(25.0), Trend::Stagnating, "−0.5 a year");
        assert_eq!(t(22.0), Trend::Decreasing, "rising");
    }

    #[test]
    fn achieved_targets_are_maintained_or_decreasing() {
        let t = |v0: f64, v1: f64| trend(&[(2018, v0), (2020, v1)], 100.0, 2030, Better::Higher);
        assert_eq!(t(99.0, 100.0), Trend::OnTrack);
        assert_eq!(t(100.0, 100.0), Trend::OnTrack, "maintaining achievement");
        assert_eq!(t(101.0, 100.0), Trend::Decreasing, "achieved but falling");
    }

    #[test]
    fn a_target_year_that_has_come_asks_for_the_gap_in_one_year() {
        // 2 short of the target due in 2020: 2 a year needed.
        let t = |v0: f64| trend(&[(2019, v0), (2020, 98.0)], 100.0, 2020, Better::Higher);
        assert_eq!(t(96.0), Trend::OnTrack);
        assert_eq!(t(97.0), Trend::ModeratelyImproving);
        assert_eq!(t(97.5), Trend::Stagnating);
    }

    #[test]
    fn single_points_and_old_history_give_no_trend() {
        assert_eq!(trend(&[], 100.0, 2030, Better::Higher), Trend::NoData);
        assert_eq!(trend(&[(2020, 60.0)], 100.0, 2030, Better::Higher), Trend::NoData, "a single point");
        // The window is the 5 years before the latest value: 2014 is too old.
        assert_eq!(trend(&[(2014, 50.0), (2020, 60.0)], 100.0, 2030, Better::Higher), Trend::NoData);
        // 2015 is in it; the earliest value in the window is the base.
        let pts = [(2010, 0.0), (2015, 50.0), (2018, 59.0), (2020, 60.0)];
        assert_eq!(trend(&pts, 100.0, 2040, Better::Higher), Trend::OnTrack, "from 2015: 2 a year");
    }

    use Band::*;
    use Trend::*;

    #[test]
    fn a_goal_takes_its_two_worst_indicators() {
        assert_eq!(goal_tile(&[]), None, "nothing rated");
        assert_eq!(goal_tile(&[(ChallengesRemain, NoData)]), Some((ChallengesRemain, NoData)), "one alone");
        // The two worst of four: major and significant; the two best do not count.
        let four = [
            (Achieved, OnTrack),
            (MajorChallenges, Decreasing),
            (Achieved, OnTrack),
            (SignificantChallenges, Stagnating),
        ];
        assert_eq!(
            goal_tile(&four),
            Some((SignificantChallenges, Decreasing)),
            "(3 + 2) / 2 = 2.5: red only if both red"
        );
        assert_eq!(
            goal_tile(&[(MajorChallenges, Decreasing), (MajorChallenges, Stagnating), (Achieved, OnTrack)]),
            Some((MajorChallenges, Decreasing)),
            "both red: red; trends (3 + 2) / 2 rounds to the worse"
        );
        assert_eq!(
            goal_tile(&[(Achieved, OnTrack), (Achieved, OnTrack), (Achieved, NoData)]),
            Some((Achieved, OnTrack))
        );
        assert_eq!(
            goal_tile(&[(Achieved, OnTrack), (ChallengesRemain, OnTrack)]),
            Some((ChallengesRemain, OnTrack)),
            "green only if both green: 0.5 rounds to the worse"
        );
        assert_eq!(
            goal_tile(&[(Achieved, NoData), (MajorChallenges, NoData)]),
            Some((SignificantChallenges, NoData)),
            "(0 + 3) / 2 = 1.5 rounds to significant"
        );
        assert_eq!(
            goal_tile(&[(ChallengesRemain, NoData), (MajorChallenges, NoData)]),
            Some((SignificantChallenges, NoData))
        );
        assert_eq!(
            goal_tile(&[(SignificantChallenges, OnTrack), (SignificantChallenges, NoData)]),
            Some((SignificantChallenges, OnTrack)),
            "only one trend with data"
        );
        assert_eq!(
            goal_tile(&[(Achieved, ModeratelyImproving), (Achieved, OnTrack)]),
            Some((Achieved, ModeratelyImproving))
        );
    }

    #[test]
    fn ties_pick_the_worse_trend() {
        let rated = [(ChallengesRemain, OnTrack), (ChallengesRemain, Decreasing), (ChallengesRemain, Stagnating)];
        // The two worst are the decreasing and the stagnating one: (3 + 2) / 2 → decreasing.
        assert_eq!(goal_tile(&rated), Some((ChallengesRemain, Decreasing)));
    }
}
