//! Inline markup of text files: `**strong**`, `*emphasis*`, `{indicator}`
//! placeholders and `{{`/`}}` escapes, parsed into runs for the templates.

use serde::Serialize;

/// A run of text with its style.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    /// The text.
    pub t: String,
    /// Bold.
    #[serde(skip_serializing_if = "is_false")]
    pub b: bool,
    /// Italic.
    #[serde(skip_serializing_if = "is_false")]
    pub i: bool,
    /// A formatted figure (from a placeholder).
    #[serde(skip_serializing_if = "is_false")]
    pub v: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A placeholder found in text: `{id}` or `{id:n}`, with its byte offset.
#[derive(Debug, Clone, PartialEq)]
pub struct Placeholder {
    /// The indicator id.
    pub id: String,
    /// Number only (no unit).
    pub number_only: bool,
    /// Byte offset of `{` in the text.
    pub offset: usize,
    /// Byte length including braces.
    pub len: usize,
}

/// A problem in inline markup, at a byte offset of the text.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkupError {
    /// What is wrong.
    pub message: String,
    /// Byte offset in the text.
    pub offset: usize,
    /// Length of the offending part.
    pub len: usize,
}

/// Joins the lines of a paragraph: a space in most scripts, nothing between CJK characters.
pub fn join_lines(text: &str, cjk: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut lines = text.trim().split('\n').map(str::trim).peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        if let Some(next) = lines.peek() {
            let prev_cjk = line.chars().last().is_some_and(is_cjk);
            let next_cjk = next.chars().next().is_some_and(is_cjk);
            if !(cjk && (prev_cjk || next_cjk)) && !line.is_empty() {
                out.push(' ');
            }
        }
    }
    out
}

/// Whether a character is CJK (ideograph, kana, CJK punctuation, full-width form).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// Parses inline markup; `resolve` turns a placeholder into its formatted text.
pub fn parse(
    text: &str,
    mut resolve: impl FnMut(&Placeholder) -> Result<String, String>,
) -> Result<Vec<Run>, Vec<MarkupError>> {
    let mut runs: Vec<Run> = Vec::new();
    let mut errors = Vec::new();
    let (mut bold, mut ital) = (false, false);
    let mut buf = String::new();
    let flush = |buf: &mut String, runs: &mut Vec<Run>, b: bool, i: bool| {
        if !buf.is_empty() {
            runs.push(Run { t: std::mem::take(buf), b, i, v: false });
        }
    };
    let bytes = text.as_bytes();
    let mut pos = 0;
    let (mut bold_at, mut ital_at) = (0, 0);
    while pos < text.len() {
        let rest = &text[pos..];
        if rest.starts_with("{{") || rest.starts_with("}}") {
            buf.push_str(&rest[..1]);
            pos += 2;
        } else if rest.starts_with("**") {
            flush(&mut buf, &mut runs, bold, ital);
            bold = !bold;
            bold_at = pos;
            pos += 2;
        } else if bytes[pos] == b'*' {
            flush(&mut buf, &mut runs, bold, ital);
            ital = !ital;
            ital_at = pos;
            pos += 1;
        } else if bytes[pos] == b'{' {
            let Some(end) = rest.find('}') else {
                errors.push(MarkupError { message: "unclosed `{`".into(), offset: pos, len: 1 });
                break;
            };
            let inner = &rest[1..end];
            let (id, number_only) = match inner.strip_suffix(":n") {
                Some(id) => (id, true),
                None => (inner, false),
            };
            let ph = Placeholder { id: id.to_string(), number_only, offset: pos, len: end + 1 };
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                errors.push(MarkupError {
                    message: format!("`{{{inner}}}` is not a placeholder (write `{{{{` for a literal brace)"),
                    offset: pos,
                    len: end + 1,
                });
            } else {
                match resolve(&ph) {
                    Ok(value) => {
                        flush(&mut buf, &mut runs, bold, ital);
                        runs.push(Run { t: value, b: bold, i: ital, v: true });
                    }
                    Err(message) => errors.push(MarkupError { message, offset: pos, len: end + 1 }),
                }
            }
            pos += end + 1;
        } else if bytes[pos] == b'}' {
            errors.push(MarkupError {
                message: "unmatched `}` (write `}}` for a literal brace)".into(),
                offset: pos,
                len: 1,
            });
            pos += 1;
        } else {
            let ch = rest.chars().next().unwrap_or(' ');
            buf.push(ch);
            pos += ch.len_utf8();
        }
    }
    flush(&mut buf, &mut runs, bold, ital);
    if bold {
        errors.push(MarkupError { message: "`**` is never closed".into(), offset: bold_at, len: 2 });
    }
    if ital {
        errors.push(MarkupError { message: "`*` is never closed".into(), offset: ital_at, len: 1 });
    }
    if errors.is_empty() { Ok(runs) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(runs: &[Run]) -> String {
        runs.iter().map(|r| r.t.as_str()).collect()
    }

    #[test]
    fn resolves_placeholders_and_styles() {
        let runs = parse("GDP **grew** to {gdp} in *2020*", |ph| Ok(format!("<{}>", ph.id))).unwrap();
        assert_eq!(plain(&runs), "GDP grew to <gdp> in 2020");
        assert!(runs[1].b && !runs[0].b);
        assert!(runs[3].v);
        assert!(runs[5].i);
    }

    #[test]
    fn escapes_and_errors() {
        let runs = parse("a {{b}} c", |_| Ok(String::new())).unwrap();
        assert_eq!(plain(&runs), "a {b} c");
        let errs = parse("x {nope} y {bad id}", |ph| Err(format!("unknown `{}`", ph.id))).unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].offset, 2);
        assert_eq!(errs[1].offset, 11);
        assert!(parse("**open", |_| Ok(String::new())).is_err());
    }

    #[test]
    fn joins_lines_per_script() {
        assert_eq!(join_lines("one\n  two", false), "one two");
        assert_eq!(join_lines("义乌市\n位于浙江", true), "义乌市位于浙江");
        assert_eq!(join_lines("义乌 GDP\nrose", true), "义乌 GDP rose");
    }
}
