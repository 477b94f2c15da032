//! `vlr translate export`: the texts a language needs, as XLIFF for a CAT tool.
//!
//! A unit per text (a paragraph, a list, a table, a label, a chart's texts…),
//! a segment per string. Only texts that need work are exported (all with
//! `--all`); in a stale text only the segments whose source changed are open
//! (state `initial`, the old translation as a starting point, the source it
//! was made from in a note); the others come along translated, as context.
//! Each unit says where the book prints it and, where the layout limits it,
//! how long it may be; each placeholder shows what it prints in the language.

use std::path::{Path, PathBuf};

use super::context::Context;
use super::xliff::{self, Note};
use super::{Outcome, Texts, export_form, load_texts};
use crate::data::fingerprint::{SegState, State, Status};
use crate::diag::{Diag, Sources};

/// The folder exports go to by default, in the project (kept in git).
pub const FOLDER: &str = "translations";

/// `vlr translate export`: writes the XLIFF of what `lang` needs (or, with
/// `all`, of everything) to `out` (default: `translations/<output>.<lang>.xlf`).
pub fn export(root: &Path, lang: &str, all: bool, out: Option<&Path>) -> Result<Outcome, (Sources, Vec<Diag>)> {
    let l = load_texts(root, lang)?;
    let statuses = l.status();
    let idx = l.index();
    // What each placeholder prints in this language's edition, shown on its code.
    let texts: Vec<String> =
        statuses.iter().flat_map(|st| &st.source.segs).map(|s| export_form(s, l.src_locale.cjk)).collect();
    let shown = crate::data::resolve::placeholder_words(
        &l.project,
        &idx,
        &l.sources,
        &l.locale,
        texts.iter().map(String::as_str),
    );
    let ctx = Context::new(&l.project, &l.loaded, &idx, l.locale.cjk, &shown);
    let mut files: Vec<xliff::File> = Vec::new();
    let (mut count, mut stale, mut open) = (0, 0, 0);
    for st in &statuses {
        if !all && st.state == State::Current {
            continue;
        }
        count += 1;
        stale += usize::from(st.state.is_stale());
        let (mut notes, max_len) = ctx.of(st);
        let mut segs = Vec::new();
        for s in &st.source.segs {
            let t = st.translation.as_ref().and_then(|t| t.seg(&s.id));
            // Current translations are exported as translated; stale ones as a
            // starting point the translator confirms (state `initial` is not imported).
            let seg = match (st.seg_state(s), t) {
                (SegState::Current, Some(t)) => (s, Some((t, "translated"))),
                (SegState::Stale(previous), Some(t)) => {
                    if let Some(p) = previous {
                        notes.push(Note {
                            category: "previous-source",
                            applies_to: Some("source"),
                            text: format!(
                                "Changed: {}. Its translation was made from this earlier source: \u{201c}{p}\u{201d}",
                                seg_name(&s.id)
                            ),
                        });
                    }
                    (s, Some((t, "initial")))
                }
                _ => (s, None),
            };
            open += usize::from(seg.1.is_none_or(|(_, state)| state == "initial"));
            segs.push(seg);
        }
        notes.extend(state_notes(st));
        let unit = xliff::Unit { id: st.source.key.id(), fingerprint: st.source.fingerprint(), notes, max_len, segs };
        match files.last_mut() {
            Some(f) if f.id == st.file => f.units.push(unit),
            _ => files.push(xliff::File {
                id: st.file.clone(),
                original: l.source_path(st).display().to_string(),
                units: vec![unit],
            }),
        }
    }
    let xml = xliff::write(&l.src_locale, &l.locale, &files, &shown);
    let path = destination(&l, lang, out).map_err(|d| (l.sources.clone(), vec![d]))?;
    crate::export::write_atomic(&path, xml.as_bytes()).map_err(|e| {
        let d = Diag::general(format!("cannot write {}: {e}", path.display()));
        (l.sources.clone(), vec![d])
    })?;
    let mut out = Outcome::default();
    let line = if all {
        format!("{lang}: all {count} text(s), in {} file(s)", files.len())
    } else {
        format!(
            "{lang}: {count} of {} text(s) need translating ({stale} stale): {open} segment(s) to translate, in {} file(s)",
            statuses.len(),
            files.len()
        )
    };
    out.lines.push(("Exported".into(), line));
    out.lines.push(("Written".into(), crate::diag::display_path(Path::new("/"), &path)));
    Ok(out)
}

/// Where the XLIFF goes: `out`, else `translations/<output>.<lang>.xlf` in
/// the project (the folder is created; one that is a symlink is refused).
fn destination(l: &Texts, lang: &str, out: Option<&Path>) -> Result<PathBuf, Diag> {
    if let Some(p) = out {
        return Ok(std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()));
    }
    let dir = l.project.root.join(FOLDER);
    match std::fs::symlink_metadata(&dir) {
        Ok(m) if !m.is_dir() => {
            return Err(Diag::general(format!("{FOLDER} is not a real folder of the project: nothing written"))
                .with_hint("make it a folder, or pass -o FILE"));
        }
        Ok(_) => {}
        Err(_) => {
            std::fs::create_dir_all(&dir).map_err(|e| Diag::general(format!("cannot create {}: {e}", dir.display())))?
        }
    }
    Ok(dir.join(format!("{}.{lang}.xlf", l.project.file.project.output.get_ref())))
}

/// Notes on how a stale or unstamped text stands as a whole.
fn state_notes(st: &Status) -> Vec<Note> {
    let note = |text: String| Note { category: "state", applies_to: None, text };
    let mut out = Vec::new();
    match &st.state {
        State::Unstamped => out.push(note(
            "Translated before vlr recorded fingerprints: check it against the source.".to_string(),
        )),
        State::Stale if st.from.is_none() => out.push(note(
            "The source has changed since this was translated; the earlier source is not recorded (translated before vlr kept it): check every segment against the source.".to_string(),
        )),
        _ => {}
    }
    for (id, text) in st.dropped() {
        out.push(note(format!(
            "The source no longer has {} (\u{201c}{text}\u{201d}): importing this text drops it from the translation too.",
            seg_name(id)
        )));
    }
    out
}

/// A segment as a translator reads it: "list item 3 (`list.2`)".
fn seg_name(id: &str) -> String {
    let parts: Vec<&str> = id.split('.').collect();
    let n = |s: &str| s.parse::<usize>().map_or_else(|_| s.to_string(), |i| (i + 1).to_string());
    let name = match parts.as_slice() {
        ["list", i] => format!("list item {}", n(i)),
        ["table", "rows", r, c] => format!("the table's cell in row {}, column {}", n(r), n(c)),
        ["table", "header", c] => format!("the table's header cell {}", n(c)),
        ["p"] => "the paragraph".to_string(),
        ["text"] => "the label".to_string(),
        _ => return format!("segment `{id}`"),
    };
    format!("{name} (segment `{id}`)")
}
