//! `vlr translate stamp`: marks translations as made from the current source.
//!
//! Planned first, written after: `--all` marks stale translations current
//! without anyone reading them, so the command lists them and asks (or
//! wants `--yes`) before [`StampPlan::write`]; and a stale translation that
//! still types a year the data no longer support is never stamped by `--all`.

use std::path::Path;

use toml::Spanned;

use super::write::Edit;
use super::{Outcome, Texts, load_texts};
use crate::data::fingerprint::{self, State, Status};
use crate::data::source_record;
use crate::diag::{Diag, Severity, Sources};

/// What a stamp will do, before it is written.
pub struct StampPlan {
    texts: Texts,
    statuses: Vec<Status>,
    /// The groups to stamp, by index into `statuses`.
    chosen: Vec<usize>,
    /// Stale groups left as they are (no key named them, no `--all`).
    left_stale: usize,
    all: bool,
    /// Problems that do not stop the stamp (a stale year in a text named by key).
    pub warnings: Vec<Diag>,
}

/// Plans `vlr translate stamp`: by default the translations that record no
/// fingerprint yet; with `all`, stale ones too; with keys (`intro`,
/// `intro/block.p1`), just those. A stale year in a translation to stamp is
/// an error with `all` (nothing is stamped), a warning with keys.
pub fn plan_stamp(root: &Path, lang: &str, keys: &[String], all: bool) -> Result<StampPlan, (Sources, Vec<Diag>)> {
    let l = load_texts(root, lang)?;
    let statuses = l.status();
    let named = |st: &Status, k: &str| {
        let full = st.full_key();
        full == k || full.starts_with(&format!("{k}/")) || st.file == k
    };
    for k in keys {
        if !statuses.iter().any(|st| named(st, k)) {
            let d = Diag::general(format!("no text `{k}` in text/{}", l.src()))
                .with_hint("a key is a file (`intro`), or a file and a text as in vlr check's hints (`intro/block.p1`, `glance/label.gdp`, `meta`)");
            return Err((l.sources.clone(), vec![d]));
        }
    }
    let mut chosen = Vec::new();
    let mut left_stale = 0;
    for (i, st) in statuses.iter().enumerate() {
        if st.translation.is_none() {
            continue;
        }
        let take = match &st.state {
            State::Missing | State::Incomplete(_) | State::Current => false,
            _ if !keys.is_empty() => keys.iter().any(|k| named(st, k)),
            State::Unstamped => true,
            State::Stale => {
                left_stale += usize::from(!all);
                all
            }
        };
        if take {
            chosen.push(i);
        }
    }
    let years = stale_years(&l, chosen.iter().map(|&i| &statuses[i]));
    let mut plan = StampPlan { texts: l, statuses, chosen, left_stale, all, warnings: Vec::new() };
    if years.is_empty() {
        return Ok(plan);
    }
    if all {
        let n = years.len();
        let mut d = years;
        d.push(
            Diag::general(format!(
                "not stamped: {n} stale year(s) in translations `--all` would mark up to date; nothing written"
            ))
            .with_hint("translate them anew (`vlr translate export`), or fix the year and stamp each by key"),
        );
        return Err((plan.texts.sources, d));
    }
    plan.warnings = years.into_iter().map(|d| Diag { severity: Severity::Warning, ..d }).collect();
    Ok(plan)
}

/// A stale year in the translations about to be stamped, each at its place.
fn stale_years<'s>(l: &Texts, chosen: impl Iterator<Item = &'s Status>) -> Vec<Diag> {
    let idx = l.index();
    let mut out = Vec::new();
    for st in chosen {
        let Some(t) = &st.translation else { continue };
        for (seg, f) in crate::data::years::check_segs(&idx, &t.segs) {
            let spanned = Spanned::new(seg.at.clone(), seg.text.clone());
            let at = crate::data::resolve::locate(
                &l.sources,
                &st.path,
                &spanned,
                &seg.text,
                f.offset,
                4,
                &mut Default::default(),
            );
            out.push(
                Diag::error(&st.path, at.or(Some(seg.at.clone())), format!("stale year: {}", f.message))
                    .with_hint(crate::data::years::HINT),
            );
        }
    }
    out
}

impl StampPlan {
    /// Whether the plan marks stale translations current that no key named
    /// (`--all`): what must be confirmed.
    pub fn needs_confirmation(&self) -> bool {
        self.all && self.chosen.iter().any(|&i| self.statuses[i].state == State::Stale)
    }

    /// The stale translations it marks current, one line each: where, what, what changed.
    pub fn stale_listing(&self) -> Vec<String> {
        let l = &self.texts;
        self.chosen
            .iter()
            .map(|&i| &self.statuses[i])
            .filter(|st| st.state == State::Stale)
            .map(|st| {
                let line = st
                    .span()
                    .and_then(|s| l.sources.line_col(&st.path, s.start))
                    .map_or_else(String::new, |(line, _)| format!(":{line}"));
                format!("{}{line}: {}{}", st.path.display(), st.source.key.describe(), fingerprint::which_changed(st))
            })
            .collect()
    }

    /// The language stamped.
    pub fn lang(&self) -> &str {
        &self.texts.locale.lang
    }

    /// Texts of the files read, to locate problems in.
    pub fn sources(&self) -> &Sources {
        &self.texts.sources
    }

    /// Writes the fingerprints, and the source of every current translation
    /// into the record.
    pub fn write(self) -> Result<Outcome, (Sources, Vec<Diag>)> {
        let l = &self.texts;
        let edits: Vec<(&Status, Edit)> = self
            .chosen
            .iter()
            .map(|&i| {
                let st = &self.statuses[i];
                let from = st.source.segs.iter().map(|s| (s.id.clone(), source_record::stored(s))).collect();
                (st, Edit { source: &st.source, texts: None, fingerprint: st.source.fingerprint(), from })
            })
            .collect();
        let n = edits.len();
        let (files, recorded) = l.commit(&edits)?;
        let mut out = Outcome { warnings: self.warnings.clone(), ..Outcome::default() };
        out.lines.push((
            "Stamped".into(),
            format!("{}: {n} text(s) marked up to date with the source, in {files} file(s)", l.locale.lang),
        ));
        if recorded {
            out.lines.push((
                "Recorded".into(),
                format!("the source of every current translation in {}", source_record::PATH),
            ));
        }
        if self.left_stale > 0 {
            out.lines.push((
                "Left".into(),
                format!(
                    "{} stale text(s) as they are: translate them, or stamp them by key (or --all) if they are still right",
                    self.left_stale
                ),
            ));
        }
        Ok(out)
    }
}
