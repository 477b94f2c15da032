//! The Sustainable Development Goals as numbers: which numbers are goals, and
//! the problem reported where a project names one that is not.

use std::ops::RangeInclusive;
use std::path::Path;

use toml::Spanned;

use crate::diag::Diag;

/// The goals' numbers.
pub const GOALS: RangeInclusive<u8> = 1..=17;

/// Whether `n` is the number of an SDG goal (1 to 17).
pub fn is_goal(n: u8) -> bool {
    GOALS.contains(&n)
}

/// An error at a goal number written in `file` that is not a goal.
pub fn check_goal(file: &Path, goal: &Spanned<u8>) -> Option<Diag> {
    (!is_goal(*goal.get_ref())).then(|| Diag::error(file, Some(goal.span()), "an SDG goal is a number from 1 to 17"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_are_one_to_seventeen() {
        assert_eq!((0..=255).filter(|n| is_goal(*n)).collect::<Vec<u8>>(), (1..=17).collect::<Vec<u8>>());
    }
}
