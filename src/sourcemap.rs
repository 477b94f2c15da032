//! Where the resolved document's texts come from, so that typst's complaints
//! about content — a glyph no font has, a heading level skipped (PDF/UA) —
//! point at the text or data file and line that produced it, not at the
//! template line that typeset it.
//!
//! The resolved document (`/data.json`) is built from text blocks whose
//! spans are known; resolving records each text with its file, span and, for
//! headings, its level, in document order ([`SourceMap`]).

use std::ops::Range;
use std::path::{Path, PathBuf};

use typst::diag::SourceDiagnostic;

use crate::data::source_map::SourceMap;
use crate::diag::{Diag, Sources};

/// The text typst names in "the text `…` could not be displayed with font …".
fn missing_glyph_text(message: &str) -> Option<String> {
    let rest = message.split_once("the text `")?.1;
    let repr = rest.split_once("` could not be displayed")?.0;
    let inner = repr.strip_prefix('"').and_then(|r| r.strip_suffix('"')).unwrap_or(repr);
    // Typst's string repr escapes quotes, backslashes and some characters as \u{…}.
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('u') => {
                let hex: String = chars.by_ref().skip_while(|c| *c == '{').take_while(|c| *c != '}').collect();
                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Where `needle` is written in a project file: first in the document's
/// texts (in order), then in any file read whose path starts with one of
/// `prefer` (the edition's text and strings), then in any file read.
fn find_written(
    map: &SourceMap,
    sources: &Sources,
    prefer: &[PathBuf],
    needle: &str,
) -> Option<(PathBuf, Range<usize>)> {
    let within = |file: &Path, span: &Range<usize>| -> Option<Range<usize>> {
        let text = sources.get(file)?;
        let raw = text.get(span.clone())?;
        raw.find(needle).map(|i| span.start + i..span.start + i + needle.len())
    };
    for e in &map.entries {
        if e.text.contains(needle) {
            // The character itself if it is written literally, else the whole string.
            let at = within(&e.file, &e.span).unwrap_or_else(|| e.span.clone());
            return Some((e.file.clone(), at));
        }
    }
    let mut files = sources.files();
    files.sort();
    let preferred = files.iter().filter(|f| prefer.iter().any(|p| f.starts_with(p)));
    for f in preferred.chain(files.iter()) {
        if let Some(i) = sources.get(f).and_then(|t| t.find(needle)) {
            return Some((f.clone(), i..i + needle.len()));
        }
    }
    None
}

/// Turns typst's complaints about content into problems at the project file
/// and line that produced that content; returns the diagnostics it could not
/// place (to be reported at typst's location) and the placed ones.
pub fn relocate(
    list: Vec<SourceDiagnostic>,
    map: &SourceMap,
    sources: &Sources,
    lang: &str,
) -> (Vec<SourceDiagnostic>, Vec<Diag>) {
    let mut left = Vec::new();
    let mut placed: Vec<Diag> = Vec::new();
    let mut jumps = map.heading_jumps().into_iter();
    let prefer = [Path::new("text").join(lang), crate::i18n::project_file(lang), PathBuf::from("data")];
    for d in list {
        let message = d.message.to_string();
        let (severity, hints) = crate::world::severity_and_hints(&d);
        let found =
            if message.contains("skipped from heading level") || message.contains("first heading must be of level 1") {
                jumps.next().map(|(e, prev)| {
                    let why = format!("this heading is level {} after a level-{prev} heading", e.heading.unwrap_or(0));
                    (e.file.clone(), e.span.clone(), Some(why))
                })
            } else if message.contains("could not be displayed with") {
                missing_glyph_text(&message).and_then(|needle| {
                    find_written(map, sources, &prefer, &needle).map(|(f, s)| {
                        let code: Vec<String> = needle.chars().map(|c| format!("U+{:04X}", c as u32)).collect();
                        (f, s, Some(format!("{} is not in the edition's fonts", code.join(" "))))
                    })
                })
            } else {
                None
            };
        match found {
            Some((file, span, why)) => {
                let mut notes = Vec::new();
                notes.extend(why.map(|w| format!("note: {w}")));
                notes.extend(hints);
                notes.push("note: found by typst's PDF export (the same check `vlr build` runs)".to_string());
                let diag = Diag { severity, message, file: Some(file), span: Some(span), notes };
                if !placed.contains(&diag) {
                    placed.push(diag);
                }
            }
            None => left.push(d),
        }
    }
    (left, placed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_text_typst_names() {
        let m = "PDF/A-2b error: the text `\"↑\"` could not be displayed with font \"Noto Serif\"";
        assert_eq!(missing_glyph_text(m).as_deref(), Some("↑"));
        let m = "PDF/UA-1 error: the text `\"\\u{2212}\"` could not be displayed with font \"Noto Serif\"";
        assert_eq!(missing_glyph_text(m).as_deref(), Some("\u{2212}"));
    }
}
