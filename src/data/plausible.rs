//! Plausibility on entry: a value keyed in at the wrong scale (the bureau's
//! 亿元 figure without its scale), a share outside 0–100, or a growth rate
//! that contradicts the levels beside it. Only values the edition brings in
//! (from the previous edition's year on) are checked, and a value marked
//! `checked` is left alone: a person has looked at it.

use super::indexed::{Ind, Index};
use super::series::{Loc, Period, Point};

/// A value that looks wrong: where it was written and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Doubt {
    /// Where the value is written.
    pub at: Loc,
    /// What is wrong with it.
    pub message: String,
    /// What to do.
    pub hint: String,
}

/// How far apart two consecutive values may be before one is doubted.
const JUMP: f64 = 10.0;

/// Two values at most this many years apart are compared.
const NEAR: i32 = 5;

/// The doubts about an indicator's recent values.
pub fn doubts(idx: &Index, ind: &Ind) -> Vec<Doubt> {
    let id = ind.spec.id.get_ref();
    let recent = |p: &Period| p.year >= idx.edition - 1;
    let valued: Vec<(&Period, &Point, f64)> =
        ind.series.points.iter().filter_map(|(p, pt)| Some((p, pt, pt.value?))).collect();
    let checked = "mark the value `checked` if it is right: `{ value = …, checked = true }`, or a `checked` column saying yes in CSV";
    let mut out = Vec::new();
    let change_of = ind.spec.change_of.as_ref().map(|c| c.get_ref().as_str());
    for (n, &(p, pt, v)) in valued.iter().enumerate() {
        if !recent(p) || pt.checked || p.year > idx.edition {
            continue;
        }
        if ind.unit() == "percent" && change_of.is_none() && !(0.0..=100.0).contains(&v) {
            out.push(Doubt {
                at: pt.at.clone(),
                message: format!("`{id}` for {p} is {v}%: a share lies between 0 and 100"),
                hint: format!("if `{id}` is a rate of change, say of what: `change-of = \"…\"`; else {checked}"),
            });
            continue;
        }
        // A change of a level: compared with the change the levels give.
        if let Some(level) = change_of.and_then(|l| idx.indicators.get(l)) {
            let at = |q: &Period| level.series.at(q).and_then(|pt| pt.value);
            // Year on year: the level's value of the period just before.
            let before = level.series.points.keys().rfind(|q| *q < p).filter(|q| p.year - q.year == 1);
            if let (Some(now), Some(q), Some(then)) = (at(p), before, before.and_then(at))
                && then != 0.0
            {
                let implied = (now / then - 1.0) * 100.0;
                if contradicts(v, implied) {
                    out.push(Doubt {
                        at: pt.at.clone(),
                        message: format!(
                            "`{id}` for {p} is {v}%, but `{}` went from {then} ({q}) to {now} ({p}): {implied:.1}%",
                            level.spec.id.get_ref()
                        ),
                        hint: format!("is it in percent (4.3, not 0.043)? {checked}"),
                    });
                }
            }
            continue;
        }
        if change_of.is_some() {
            continue;
        }
        // A jump of an order of magnitude from the value a few years before
        // (over decades a city may well grow twentyfold).
        if let Some(&(q, _, prev)) = n.checked_sub(1).and_then(|m| valued.get(m))
            && p.year - q.year <= NEAR
            && prev != 0.0
            && v != 0.0
            && prev.signum() == v.signum()
        {
            let ratio = v / prev;
            if !(1.0 / JUMP..JUMP).contains(&ratio) {
                let how = if ratio > 1.0 { format!("{:.0} times", ratio) } else { format!("1/{:.0}", 1.0 / ratio) };
                out.push(Doubt {
                    at: pt.at.clone(),
                    message: format!("`{id}` for {p} is {v}, {how} its value for {q} ({prev}): a slip of scale?"),
                    hint: format!(
                        "values are in base units ({}): a CSV may give the bureau's unit in a `scale` column (1e8 for 亿); {checked}",
                        ind.unit()
                    ),
                });
            }
        }
    }
    out
}

/// A stated rate of change against the one the levels imply: opposite signs
/// (by more than two points), or a factor of ten apart.
fn contradicts(stated: f64, implied: f64) -> bool {
    let apart = (stated - implied).abs();
    let opposite = stated.signum() != implied.signum() && apart > 2.0;
    let (a, b) = (stated.abs(), implied.abs());
    let scale = a.min(b) >= 0.1 && a.max(b) / a.min(b) >= JUMP;
    let tiny = a < 0.1 && b >= 1.0;
    opposite || scale || tiny
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_contradicts_the_levels_when_signs_or_scales_differ() {
        assert!(!contradicts(4.3, 4.5), "comparable prices differ a little");
        assert!(contradicts(0.043, 4.5), "a fraction typed for a percentage");
        assert!(contradicts(-3.0, 4.0), "opposite directions");
        assert!(!contradicts(-0.5, 0.5), "around zero, signs are noise");
        assert!(contradicts(45.0, 4.5), "a factor of ten");
    }
}
