//! `vlr translate import`: a translated XLIFF file checked, then written into
//! `text/<lang>/*.toml` (all or nothing), with the record of the source
//! each segment was translated from.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::write::Edit;
use super::{Outcome, Texts, export_form, load_texts, xliff};
use crate::data::fingerprint::{self, Kind, Seg, SegState, Status};
use crate::data::markup::{self, Form};
use crate::data::source_record;
use crate::diag::{Diag, Sources};
use crate::i18n::Locale;
use crate::project::Project;

/// Plural selections of a translation that lack a category its language
/// distinguishes: (byte range, message).
fn plural_gaps(target: &str, locale: &Locale) -> Vec<(std::ops::Range<usize>, String)> {
    let (wanted, lang) = (locale.plural_categories(), &locale.lang);
    let mut out = Vec::new();
    let _ = markup::parse(target, |ph| {
        if let Form::Plural(branches) = &ph.form {
            let absent: Vec<&str> = wanted.iter().copied().filter(|c| !branches.iter().any(|(k, _)| k == c)).collect();
            if !absent.is_empty() {
                out.push((
                    ph.offset..ph.offset + ph.len,
                    format!("the plural of `{}` has no {} branch, which `{lang}` distinguishes: `other` is printed for those numbers", ph.id, absent.join(", ")),
                ));
            }
        }
        Ok((String::new(), None))
    });
    out
}

/// A placeholder as a translation must keep it: the indicator, its period,
/// and what it prints (a value, a number and a plural selection all print the value);
/// with where it is.
fn placeholders(text: &str, kind: Kind) -> Vec<(String, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut seen = |ph: &markup::Placeholder| {
        let form = match &ph.form {
            Form::Value | Form::Number | Form::Plural(_) => "",
            Form::Period => ":period",
            Form::Change => ":change",
            Form::ChangePercent => ":change%",
            Form::Target => ":target",
            Form::TargetPeriod => ":target-period",
            Form::Range => ":range",
        };
        let period = ph.period.as_ref().map_or_else(String::new, |p| format!("@{p}"));
        out.push((format!("{{{}{period}{form}}}", ph.id), ph.offset..ph.offset + ph.len));
        Ok((String::new(), None))
    };
    // A plain field knows no emphasis: a `*` is a star there.
    if kind == Kind::Plain {
        let _ = markup::fill(text, &mut seen);
    } else {
        let _ = markup::parse(text, &mut seen);
    }
    out
}

/// Checks one translated segment against its source: markup that parses,
/// the same placeholders. Problems are (byte range in the text, message).
fn check_segment(source: &str, target: &str, kind: Kind) -> Vec<(std::ops::Range<usize>, String)> {
    let mut out = Vec::new();
    // A table cell is read line by line.
    let mut at = 0;
    let parts: Vec<&str> = if kind == Kind::Lines { target.split('\n').collect() } else { vec![target] };
    for part in parts {
        let parsed = match kind {
            Kind::Plain => markup::fill(part, |_| Ok((String::new(), None))).map(|_| ()),
            _ => markup::parse(part, |_| Ok((String::new(), None))).map(|_| ()),
        };
        if let Err(errors) = parsed {
            for e in errors {
                let hint = if e.message.contains('{') || e.message.contains('}') {
                    " (keep the source's codes; write `{{` or `}}` for a literal brace)"
                } else {
                    ""
                };
                out.push((at + e.offset..at + e.offset + e.len, format!("{}{hint}", e.message)));
            }
        }
        at += part.len() + 1;
    }
    if !out.is_empty() {
        return out;
    }
    let (mut want, have) = (placeholders(source, kind), placeholders(target, kind));
    let mut extra = Vec::new();
    for (h, at) in have {
        match want.iter().position(|(w, _)| *w == h) {
            Some(i) => {
                want.remove(i);
            }
            None => extra.push((h, at)),
        }
    }
    for (w, _) in want {
        out.push((0..0, format!("placeholder `{w}` of the source is missing from the translation")));
    }
    for (x, at) in extra {
        out.push((at, format!("placeholder `{x}` is not in the source")));
    }
    out
}

/// `vlr translate import`: reads a translated XLIFF file, checks it, and
/// writes it into `text/<lang>/`. Any error: nothing is written.
pub fn import(root: &Path, file: &Path) -> Result<Outcome, (Sources, Vec<Diag>)> {
    let x = Received::read(file)?;
    let l = x.texts(root)?;
    let statuses = l.status();
    let plan = x.plan(&l, &statuses).map_err(|d| (l.sources.clone(), d))?;
    plan.write(&l)
}

/// The longest translation of one segment (a review's longest chapter is ~100 kB).
const MAX_TARGET: usize = 1 << 20;

/// A translated XLIFF file as read: where it is (as shown), its text and what it holds.
struct Received {
    shown: PathBuf,
    text: String,
    doc: xliff::Xliff,
}

/// Whether an XLIFF file's language tag names the project's language `ours`
/// (BCP 47, case-insensitive). Script counts: `zh-Hant` (or `zh-TW`, whose
/// script is Traditional) is not `zh`, Simplified. A region counts when the
/// project names one; where it names none, a CAT tool's region of the same
/// script is the same language (`zh-CN` is `zh`, `en-US` is `en`).
fn same_language(ours: &str, theirs: &str) -> bool {
    let (a, b) = (Tag::parse(ours), Tag::parse(theirs));
    a.lang == b.lang && a.rest == b.rest && a.script() == b.script() && (a.region.is_none() || a.region == b.region)
}

/// The subtags of a BCP 47 language tag, lower-cased.
struct Tag {
    lang: String,
    script: Option<String>,
    region: Option<String>,
    /// Variants and extensions, as written.
    rest: Vec<String>,
}

impl Tag {
    fn parse(tag: &str) -> Self {
        let lower = tag.to_ascii_lowercase().replace('_', "-");
        let mut parts = lower.split('-').map(str::to_string);
        let mut t = Tag { lang: parts.next().unwrap_or_default(), script: None, region: None, rest: Vec::new() };
        for p in parts {
            let alpha = p.chars().all(|c| c.is_ascii_alphabetic());
            let digits = p.chars().all(|c| c.is_ascii_digit());
            if t.script.is_none() && t.region.is_none() && t.rest.is_empty() && p.len() == 4 && alpha {
                t.script = Some(p);
            } else if t.region.is_none() && t.rest.is_empty() && ((p.len() == 2 && alpha) || (p.len() == 3 && digits)) {
                t.region = Some(p);
            } else {
                t.rest.push(p);
            }
        }
        t
    }

    /// The script, written or implied (Chinese: Traditional in Taiwan, Hong
    /// Kong and Macao, else Simplified).
    fn script(&self) -> Option<&str> {
        match (&self.script, self.lang.as_str()) {
            (Some(s), _) => Some(s),
            (None, "zh") => Some(match self.region.as_deref() {
                Some("tw" | "hk" | "mo") => "hant",
                _ => "hans",
            }),
            (None, _) => None,
        }
    }
}

impl Received {
    /// Reads and parses the file; problems are located in it.
    fn read(file: &Path) -> Result<Self, (Sources, Vec<Diag>)> {
        let shown = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        let text = std::fs::read(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))
            .and_then(|b| String::from_utf8(b).map_err(|_| format!("{} is not UTF-8 text", file.display())))
            .map_err(|e| (Sources::default(), vec![Diag::general(e)]))?;
        let doc = match xliff::read(&text) {
            Ok(doc) => doc,
            Err(ps) => {
                let mut sources = Sources::default();
                sources.insert(&shown, text.clone());
                let d = ps.into_iter().map(|p| Diag::error(&shown, Some(p.at), p.message)).collect();
                return Err((sources, d));
            }
        };
        Ok(Self { shown, text, doc })
    }

    /// An error at a place in the file.
    fn located(&self, at: std::ops::Range<usize>, msg: String) -> Diag {
        Diag::error(&self.shown, Some(at), msg)
    }

    /// A warning at a place in the file.
    fn warning(&self, at: std::ops::Range<usize>, msg: String) -> Diag {
        Diag::warning(&self.shown, Some(at), msg)
    }

    /// The project's texts in the file's target language, with the file among
    /// their sources; a file that translates from another language than the
    /// project's source language is refused.
    fn texts(&self, root: &Path) -> Result<Texts, (Sources, Vec<Diag>)> {
        let refuse = |sources: Sources, d: Diag| {
            let mut sources = sources;
            sources.insert(&self.shown, self.text.clone());
            Err((sources, vec![d]))
        };
        // The language must be one of the project's, tag for tag.
        let mut sources = Sources::default();
        let project = match Project::load(root, &mut sources) {
            Ok(p) => p,
            Err(d) => return Err((sources, d)),
        };
        let trg = self.doc.trg_lang.as_str();
        let Some(lang) = project.languages().into_iter().find(|l| same_language(l, trg)) else {
            let near: Vec<String> = project
                .languages()
                .into_iter()
                .filter(|l| crate::i18n::base(l).eq_ignore_ascii_case(crate::i18n::base(trg)))
                .collect();
            let msg = format!("this file translates into `{trg}`, which is not a language of the project");
            let hint = match near.first() {
                Some(l) => format!(
                    "the project's edition is `{l}`, and `{trg}` is another script or region: export from vlr (trgLang=\"{l}\") and translate that"
                ),
                None => format!(
                    "the project's languages are {}; add `{trg}` to `languages` in vlr.toml first",
                    project.languages().join(", ")
                ),
            };
            return refuse(sources, self.located(self.doc.trg_at.clone(), msg).with_hint(hint));
        };
        if !same_language(project.source_language(), &self.doc.src_lang) {
            let d = self.located(
                0..0,
                format!(
                    "the source language is `{}`, but this file translates from `{}`",
                    project.source_language(),
                    self.doc.src_lang
                ),
            );
            return refuse(sources, d);
        }
        let mut l = match load_texts(root, &lang) {
            Ok(l) => l,
            Err((mut s, d)) => {
                s.insert(&self.shown, self.text.clone());
                // A problem with the language itself is the target language's.
                let d = d
                    .into_iter()
                    .map(|d| if d.file.is_none() { self.located(self.doc.trg_at.clone(), d.message) } else { d })
                    .collect();
                return Err((s, d));
            }
        };
        l.sources.insert(&self.shown, self.text.clone());
        Ok(l)
    }

    /// Matches the file's units to the project's texts and checks each: the
    /// edits to make, or every error found.
    fn plan<'s>(&self, l: &Texts, statuses: &'s [Status]) -> Result<Plan<'s>, Vec<Diag>> {
        let by_key: HashMap<(String, String), &Status> =
            statuses.iter().map(|s| ((xliff::nmtoken(&s.file), xliff::nmtoken(&s.source.key.id())), s)).collect();
        let mut plan = Plan::default();
        let mut errors = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for f in &self.doc.files {
            if !statuses.iter().any(|s| xliff::nmtoken(&s.file) == f.id) {
                errors.push(
                    self.located(f.at.clone(), format!("unknown file `{}`: no text/{}/{}.toml", f.id, l.src(), f.id)),
                );
                continue;
            }
            for u in &f.units {
                let Some(st) = by_key.get(&(f.id.clone(), u.id.clone())) else {
                    errors.push(self.located(u.at.clone(), format!("unknown key `{}` in `{}`", u.id, f.id)));
                    continue;
                };
                if !seen.insert((f.id.as_str(), u.id.as_str())) {
                    errors.push(
                        self.located(
                            u.at.clone(),
                            format!("`{}` in `{}` is translated twice in this file", u.id, f.id),
                        ),
                    );
                    continue;
                }
                match self.unit(u, st, l, &mut plan.warnings) {
                    Err(unit_errors) => errors.extend(unit_errors),
                    Ok(Imported::Skipped) => plan.skipped += 1,
                    Ok(Imported::Pending) => plan.pending += 1,
                    Ok(Imported::Edit(e)) => plan.edits.push((st, e)),
                }
            }
        }
        if errors.is_empty() { Ok(plan) } else { Err(errors) }
    }

    /// Checks one unit against the text it translates and decides what to do
    /// with it. A unit may hold only some segments of its text (an export
    /// of what changed): the others keep their translation, if it is there.
    /// Each segment is recorded as translated from the source it was exported
    /// with; if that is no longer the source, it stays stale.
    fn unit<'s>(
        &self,
        u: &xliff::XUnit,
        st: &'s Status,
        l: &Texts,
        warnings: &mut Vec<Diag>,
    ) -> Result<Imported<'s>, Vec<Diag>> {
        let current = st.source.fingerprint();
        let changed = u.fingerprint.as_deref() != Some(current.as_str());
        let Confirmed { texts, unconfirmed, sources } = self.segments(u, st, changed, &l.locale, warnings)?;
        if texts.is_empty() {
            let pending = u.segs.iter().any(|s| s.target.is_some() && s.state.as_deref() == Some("initial"));
            return Ok(if pending { Imported::Pending } else { Imported::Skipped });
        }
        let (mut merged, mut from) = (BTreeMap::new(), Vec::new());
        let (mut absent, mut older) = (Vec::new(), Vec::new());
        let existing = |id: &str| st.translation.as_ref().and_then(|t| t.seg(id)).map(|t| t.text.clone());
        for g in &st.source.segs {
            if let Some(t) = texts.get(&g.id) {
                merged.insert(g.id.clone(), t.clone());
                let exported = sources.get(&g.id).cloned().flatten();
                let made_from = match exported {
                    Some(x) if changed && x != export_form(g, l.src_locale.cjk) => {
                        older.push(g.id.as_str());
                        Seg { text: x, ..g.clone() }
                    }
                    // A tool that broke the source's codes: the unit's fingerprint says whether it changed.
                    None if changed => {
                        absent.push(g.id.as_str());
                        continue;
                    }
                    _ => g.clone(),
                };
                from.push((g.id.clone(), source_record::stored(&made_from)));
                continue;
            }
            match (st.seg_state(g), existing(&g.id)) {
                (SegState::Current, Some(t)) => {
                    merged.insert(g.id.clone(), t);
                    from.push((g.id.clone(), source_record::stored(g)));
                }
                (SegState::Stale(Some(old)), Some(t)) => {
                    merged.insert(g.id.clone(), t);
                    from.push((g.id.clone(), old));
                }
                // Not translated, or not known what from: it must be confirmed here.
                _ => absent.push(g.id.as_str()),
            }
        }
        if !absent.is_empty() {
            let why = if changed && unconfirmed.is_empty() {
                "its source has changed since the export: export it again".to_string()
            } else {
                format!("confirm every segment (not translated or in state `initial`: {})", absent.join(", "))
            };
            warnings.push(self.warning(u.at.clone(), format!("{} not imported: {why}", st.source.key.describe())));
            return Ok(Imported::Skipped);
        }
        if !older.is_empty() {
            warnings.push(self.warning(
                u.at.clone(),
                format!(
                    "{}: the source of {} has changed since the export; imported, and reported stale until translated anew",
                    st.source.key.describe(),
                    older.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        let fingerprint = fingerprint::fingerprint(from.iter().map(|(i, t)| (i.as_str(), t.as_str())));
        Ok(Imported::Edit(Edit { source: &st.source, texts: Some(merged), fingerprint, from }))
    }

    /// A unit's confirmed segments, each checked against the source's.
    fn segments(
        &self,
        u: &xliff::XUnit,
        st: &Status,
        changed: bool,
        locale: &Locale,
        warnings: &mut Vec<Diag>,
    ) -> Result<Confirmed, Vec<Diag>> {
        // Every segment of the source, each with a confirmed target.
        let mut texts = BTreeMap::new();
        let mut sources = BTreeMap::new();
        let mut unconfirmed = Vec::new();
        let mut errors = Vec::new();
        let mut ids = std::collections::HashSet::new();
        for s in &u.segs {
            if !ids.insert(s.id.as_str()) {
                errors.push(self.located(s.at.clone(), format!("segment `{}` of `{}` is given twice", s.id, u.id)));
                continue;
            }
            let Some(seg) = st.source.segs.iter().find(|g| xliff::nmtoken(&g.id) == s.id) else {
                if !changed {
                    errors.push(self.located(s.at.clone(), format!("unknown segment `{}` in `{}`", s.id, u.id)));
                }
                continue;
            };
            let Some(t) = s.target.as_ref().filter(|_| s.state.as_deref() != Some("initial")) else {
                unconfirmed.push(s.id.clone());
                continue;
            };
            let what = format!("{}, segment `{}`", st.source.key.describe(), seg.id);
            let place =
                |at: std::ops::Range<usize>| if at.is_empty() { t.at.clone() } else { t.locate(&self.text, at) };
            if t.text.len() > MAX_TARGET {
                errors.push(self.located(
                    t.at.clone(),
                    format!(
                        "{what}: the translation is {} kB, more than any text takes ({} kB)",
                        t.text.len() >> 10,
                        MAX_TARGET >> 10
                    ),
                ));
                continue;
            }
            if t.text.trim().is_empty() {
                errors.push(
                    self.located(t.at.clone(), format!("{what}: the translation is empty but confirmed"))
                        .with_hint("translate it, or leave the segment in state `initial`"),
                );
                continue;
            }
            if let Some((i, msg)) =
                t.text.char_indices().find_map(|(i, c)| crate::data::chars::forbidden(c).map(|m| (i, m)))
            {
                let len = t.text[i..].chars().next().map_or(1, char::len_utf8);
                errors.push(self.located(place(i..i + len), format!("{what}: {msg}")));
                continue;
            }
            for (at, msg) in check_segment(&seg.text, &t.text, seg.kind) {
                errors.push(self.located(place(at), format!("{what}: {msg}")));
            }
            if seg.kind != Kind::Plain {
                for (at, msg) in plural_gaps(&t.text, locale) {
                    warnings.push(self.warning(place(at), format!("{what}: {msg}")));
                }
            }
            texts.insert(seg.id.clone(), t.text.clone());
            sources.insert(seg.id.clone(), s.source.clone());
        }
        if errors.is_empty() { Ok(Confirmed { texts, unconfirmed, sources }) } else { Err(errors) }
    }
}

/// A unit's segments that passed their checks.
struct Confirmed {
    /// The confirmed translations by segment id.
    texts: BTreeMap<String, String>,
    /// Segments with no target, or one in state `initial`.
    unconfirmed: Vec<String>,
    /// The confirmed segments' source as exported, where it can be read.
    sources: BTreeMap<String, Option<String>>,
}

/// What becomes of one unit of the file.
enum Imported<'s> {
    /// Written into the translation.
    Edit(Edit<'s>),
    /// Left untranslated: nothing confirmed, or not every segment.
    Skipped,
    /// Translated but not confirmed (state `initial`), left as it was.
    Pending,
}

/// What an import will do, once every unit has passed its checks.
#[derive(Default)]
struct Plan<'s> {
    edits: Vec<(&'s Status, Edit<'s>)>,
    warnings: Vec<Diag>,
    skipped: usize,
    pending: usize,
}

impl Plan<'_> {
    /// Writes the edits and tells what was done.
    fn write(self, l: &Texts) -> Result<Outcome, (Sources, Vec<Diag>)> {
        let lang = &l.locale.lang;
        let n = self.edits.len();
        let (files, recorded) = l.commit(&self.edits)?;
        let mut out = Outcome { warnings: self.warnings, ..Outcome::default() };
        let mut rest = String::new();
        if self.skipped > 0 {
            rest.push_str(&format!("; {} left untranslated", self.skipped));
        }
        if self.pending > 0 {
            rest.push_str(&format!("; {} not confirmed (state `initial`), left as they were", self.pending));
        }
        out.lines.push(("Imported".into(), format!("{lang}: {n} text(s), {files} file(s) changed{rest}")));
        if recorded {
            out.lines.push(("Recorded".into(), format!("the source of each translation in {}", source_record::PATH)));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_may_stand_for_a_value_but_nothing_else() {
        let ok = check_segment(
            "{n} places in {y:period}",
            "{n, plural, one {# место} other {# места}} в {y:period}",
            Kind::Markup,
        );
        assert!(ok.is_empty(), "{ok:?}");
        let bad = check_segment("{n} places in {y:period}", "{n} мест в {y}", Kind::Markup);
        assert_eq!(bad.len(), 2, "{bad:?}");
        assert!(bad[0].1.contains("`{y:period}` of the source is missing"), "{bad:?}");
        assert!(bad[1].1.contains("`{y}` is not in the source"), "{bad:?}");
        let broken = check_segment("{n} places", "{n places", Kind::Markup);
        assert!(broken[0].1.contains("unclosed"), "{broken:?}");
    }

    #[test]
    fn language_tags_match_with_script_and_region() {
        assert!(same_language("zh", "zh") && same_language("zh", "ZH") && same_language("zh", "zh-CN"));
        assert!(same_language("zh", "zh-Hans") && same_language("zh", "zh-Hans-CN") && same_language("en", "en-US"));
        assert!(!same_language("zh", "zh-Hant") && !same_language("zh", "zh-TW") && !same_language("zh", "zh-Hant-CN"));
        assert!(same_language("zh-Hant", "zh-TW") && same_language("zh-Hant", "zh-hant-HK"));
        assert!(!same_language("zh-Hant", "zh") && !same_language("pt-BR", "pt") && !same_language("pt-BR", "pt-PT"));
        assert!(!same_language("sr", "sr-Latn") && !same_language("en", "fr") && !same_language("en", "en-x-pseudo"));
    }

    #[test]
    fn plurals_are_checked_against_the_languages_categories() {
        let text = "всего {n, plural, one {# место} other {# места}}";
        let gaps = plural_gaps(text, &Locale::builtin("ru"));
        assert_eq!(gaps.len(), 1);
        assert_eq!(&text[gaps[0].0.clone()], "{n, plural, one {# место} other {# места}}");
        assert!(gaps[0].1.contains("no few, many branch"), "{gaps:?}");
        assert!(plural_gaps("{n, plural, one {# place} other {# places}}", &Locale::builtin("en")).is_empty());
        assert!(plural_gaps("{n, plural, other {#个}}", &Locale::builtin("zh")).is_empty());
    }
}
