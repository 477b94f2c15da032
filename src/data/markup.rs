//! Inline markup of text files: `**strong**`, `*emphasis*`, `{indicator}`
//! placeholders, `[passage]{lang=en}` in another language and `{{`/`}}`
//! escapes, parsed into runs for the templates.

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
    /// Kept on one line (a figure, in scripts with spaces).
    #[serde(skip_serializing_if = "is_false")]
    pub v: bool,
    /// A formatted figure (from a placeholder).
    #[serde(skip_serializing_if = "is_false")]
    pub f: bool,
    /// A mark printed with a figure that is not this edition's (draft builds) or an example.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub m: Option<String>,
    /// The status mark of a figure that is not final ("p" provisional, "e" estimated).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s: Option<String>,
    /// The language of the run, where it is not the edition's (a title cited
    /// in the original, `[…]{lang=en}`): a PDF's /Lang, for a screen reader's voice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub l: Option<String>,
    /// The address the run links to: a link written `[text](https://…)`, or
    /// an address written out in the text (`https://…`, `www.…`, `mailto:…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub u: Option<String>,
}

impl Run {
    /// A run of plain text: no style, no figure, in the edition's language.
    pub fn text(t: impl Into<String>) -> Self {
        Run { t: t.into(), b: false, i: false, v: false, f: false, m: None, s: None, l: None, u: None }
    }
}

/// A passage in another language, `[text]{lang=en}`, opened by the `[` at
/// `pos`: where its text ends (the `]`), the length of `]{lang=…}` and the
/// language. `None` if that `[` opens no passage (it is printed as written:
/// its first `]` is not followed by `{lang=`); an error if the language is
/// not a language tag.
pub fn lang_span(text: &str, pos: usize) -> Option<Result<(usize, usize, String), MarkupError>> {
    let end = pos + text[pos..].find(']')?;
    let rest = text[end + 1..].strip_prefix("{lang=")?;
    let Some(close) = rest.find('}') else {
        return Some(Err(MarkupError { message: "unclosed `{lang=`".into(), offset: end + 1, len: 6 }));
    };
    let tag = rest[..close].trim();
    let len = 1 + "{lang=".len() + close + 1;
    if !is_lang_tag(tag) {
        let message = format!("`{tag}` is not a language tag (`{{lang=en}}`, `{{lang=fr}}`, `{{lang=zh-Hant}}`)");
        return Some(Err(MarkupError { message, offset: end + 1, len: len - 1 }));
    }
    Some(Ok((end, len, tag.to_string())))
}

/// A link, `[text](address)`, opened by the `[` at `pos`: where its text
/// ends (the `]`), the length of `](address)` and the address. `None` if that
/// `[` opens no link (its first `]` is not followed by `(` and an address
/// without spaces that starts as a web or mail address does, then `)`).
pub fn link_span(text: &str, pos: usize) -> Option<(usize, usize, String)> {
    let end = pos + text[pos..].find(']')?;
    let rest = text[end + 1..].strip_prefix('(')?;
    let close = rest.find(')')?;
    let address = &rest[..close];
    if address.is_empty() || address.chars().any(char::is_whitespace) || url_start(address) != Some(0) {
        return None;
    }
    Some((end, 1 + 1 + close + 1, target(address)))
}

/// The beginnings of an address written out in the text.
const SCHEMES: [&str; 4] = ["https://", "http://", "mailto:", "www."];

/// Where an address starts in `s` at or after byte 0: at the start of a word.
/// Only where a scheme's first letter stands (an ASCII byte: a character's
/// start) is anything more looked at.
fn url_start(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    (0..b.len()).find(|&i| {
        SCHEMES.iter().any(|k| k.as_bytes().first() == Some(&b[i].to_ascii_lowercase()))
            && SCHEMES.iter().any(|k| b[i..].get(..k.len()).is_some_and(|h| h.eq_ignore_ascii_case(k.as_bytes())))
            && s[..i].chars().next_back().is_none_or(|p| p.is_whitespace() || "([«“‘\"'<（「".contains(p))
    })
}

/// The address a link opens: `www.…` is a web address.
fn target(address: &str) -> String {
    if address.get(..4).is_some_and(|h| h.eq_ignore_ascii_case("www.")) {
        format!("https://{address}")
    } else {
        address.to_string()
    }
}

/// Splits text at the addresses written out in it: `(text, None)` and
/// `(address, Some(target))` pieces, in order. An address ends before a
/// space, a quotation mark or a CJK character; punctuation that ends a
/// sentence or a clause after it (`.`, `,`, `)` without its `(` …) is not
/// part of it.
pub fn split_urls(s: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = url_start(rest) {
        let tail = &rest[start..];
        let mut end =
            tail.find(|c: char| c.is_whitespace() || "<>\"“”«»‘’「」".contains(c) || is_cjk(c)).unwrap_or(tail.len());
        while let Some(last) = tail[..end].chars().last() {
            let unbalanced = last == ')' && tail[..end].matches('(').count() < tail[..end].matches(')').count();
            if ".,;:!?'".contains(last) || unbalanced {
                end -= last.len_utf8();
            } else {
                break;
            }
        }
        let address = &tail[..end];
        // A scheme alone ("http://") is no address.
        if SCHEMES.iter().any(|k| address.eq_ignore_ascii_case(k)) {
            out.push((rest[..start + end.max(1)].to_string(), None));
            rest = &rest[start + end.max(1)..];
            continue;
        }
        if start > 0 {
            out.push((rest[..start].to_string(), None));
        }
        out.push((address.to_string(), Some(target(address))));
        rest = &tail[end..];
    }
    if !rest.is_empty() {
        out.push((rest.to_string(), None));
    }
    // Pieces of plain text next to each other (a scheme alone) are one.
    let mut merged: Vec<(String, Option<String>)> = Vec::new();
    for (t, u) in out {
        match merged.last_mut() {
            Some((prev, None)) if u.is_none() => prev.push_str(&t),
            _ => merged.push((t, u)),
        }
    }
    merged
}

/// A BCP 47 language tag as far as a PDF needs one: a language of two or three
/// letters, then subtags of letters and digits (`en`, `pt-BR`, `zh-Hant`).
pub fn is_lang_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let lang = parts.next().unwrap_or("");
    (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// What a placeholder prints.
#[derive(Debug, Clone, PartialEq)]
pub enum Form {
    /// `{id}`: the value with its unit.
    Value,
    /// `{id:n}`: the number only (with its scale word).
    Number,
    /// `{id:period}`: the period of the value `{id}` prints.
    Period,
    /// `{id:change}`: the change since a period, with its unit and sign.
    Change,
    /// `{id:change%}`: the relative change since a period, in percent.
    ChangePercent,
    /// `{id:target}`: the indicator's target value.
    Target,
    /// `{id:target-period}`: the period the indicator's target is due.
    TargetPeriod,
    /// `{chart:range}`: a chart's first and last period ("2016–2020").
    Range,
    /// `{id, plural, one {# place} other {# places}}`: ICU plural selection;
    /// `#` in the chosen branch prints the number.
    Plural(Vec<(String, String)>),
}

/// A placeholder found in text, with its byte offset:
/// `{id}`, `{id:n}`, `{id@2015}`, `{id:period}`, `{id:change@2015}`,
/// `{id, plural, one {…} other {…}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Placeholder {
    /// The indicator id.
    pub id: String,
    /// The period after `@`: the value's period, or for a change the period compared with.
    pub period: Option<String>,
    /// What to print.
    pub form: Form,
    /// Byte offset of `{` in the text.
    pub offset: usize,
    /// Byte length including braces.
    pub len: usize,
}

/// CLDR plural categories, and `=N` for an exact value.
const PLURAL_KEYS: &[&str] = &["zero", "one", "two", "few", "many", "other"];

fn is_id(s: &str) -> bool {
    // `edition+1`: a year after the edition.
    let s = s.strip_prefix("edition+").unwrap_or(s);
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `2019`: four digits, a year as written.
pub fn is_year(id: &str) -> bool {
    id.len() == 4 && id.bytes().all(|b| b.is_ascii_digit())
}

/// The names placeholders keep for the edition and for years of history:
/// `edition`, `edition-1`, `edition+1`, `published`, `2019`.
pub fn is_reserved(id: &str) -> bool {
    id == "edition" || id == "published" || id.starts_with("edition-") || id.starts_with("edition+") || is_year(id)
}

/// The byte length of a placeholder starting at `{` (nested braces allowed), if closed.
pub fn placeholder_len(rest: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in rest.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            '\n' if depth == 1 => return None,
            _ => {}
        }
    }
    None
}

/// Parses the inside of a placeholder (without the outer braces).
pub fn parse_placeholder(inner: &str) -> Result<(String, Option<String>, Form), String> {
    let not = || format!("`{{{inner}}}` is not a placeholder (write `{{{{` for a literal brace)");
    if let Some((head, rest)) = inner.split_once(',') {
        let rest = rest.trim_start();
        let Some(branches) = rest.strip_prefix("plural") else {
            return Err(format!(
                "`{{{inner}}}`: only `plural` selection is supported, as in `{{id, plural, one {{# item}} other {{# items}}}}`"
            ));
        };
        let (id, period) = split_period(head.trim());
        if !is_id(id) {
            return Err(not());
        }
        let mut branches = branches.trim_start().strip_prefix(',').ok_or_else(not)?.trim();
        let mut out = Vec::new();
        while !branches.is_empty() {
            let open = branches.find('{').ok_or_else(|| format!("plural branch `{branches}` has no `{{text}}`"))?;
            let key = branches[..open].trim();
            let valid = PLURAL_KEYS.contains(&key) || key.strip_prefix('=').is_some_and(|n| n.parse::<f64>().is_ok());
            if !valid {
                return Err(format!("`{key}` is not a plural category (zero, one, two, few, many, other, or =N)"));
            }
            let len =
                placeholder_len(&branches[open..]).ok_or_else(|| format!("plural branch `{key}` is not closed"))?;
            let text = &branches[open + 1..open + len - 1];
            if text.contains('{') {
                return Err(format!("plural branch `{key}` holds a brace; write `#` for the number"));
            }
            out.push((key.to_string(), text.to_string()));
            branches = branches[open + len..].trim_start();
        }
        if !out.iter().any(|(k, _)| k == "other") {
            return Err(format!("`{{{inner}}}` needs an `other {{…}}` branch"));
        }
        return Ok((id.to_string(), period.map(str::to_string), Form::Plural(out)));
    }
    let (head, form) = match inner.split_once(':') {
        Some((h, f)) => (h, f),
        None => (inner, ""),
    };
    // `{id:change@2015}` is the same as `{id@2015:change}`.
    let (head, form, late_period) = match form.split_once('@') {
        Some((f, p)) => (head, f, Some(p)),
        None => (head, form, None),
    };
    let (id, period) = split_period(head);
    if !is_id(id) {
        return Err(not());
    }
    let form = match form {
        "" => Form::Value,
        "n" => Form::Number,
        "period" => Form::Period,
        "change" => Form::Change,
        "change%" => Form::ChangePercent,
        "target" => Form::Target,
        "target-period" => Form::TargetPeriod,
        "range" => Form::Range,
        other => {
            return Err(format!(
                "unknown placeholder form `:{other}` (forms: `:n`, `:period`, `:change`, `:change%`, `:target`, `:target-period`, `:range`)"
            ));
        }
    };
    let period = match (period, late_period) {
        (Some(_), Some(_)) => return Err(format!("`{{{inner}}}` names a period twice")),
        (p, q) => p.or(q),
    };
    if period.is_some_and(str::is_empty) {
        return Err(format!("`{{{inner}}}`: a period after `@`, e.g. `@2015`"));
    }
    Ok((id.to_string(), period.map(str::to_string), form))
}

fn split_period(head: &str) -> (&str, Option<&str>) {
    match head.split_once('@') {
        Some((id, p)) => (id, Some(p)),
        None => (head, None),
    }
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

/// What a resolver makes of a placeholder: its text and a mark, or why not.
pub type Filled = Result<(String, Option<String>), String>;

/// A placeholder's length in the text and what it prints (or the error).
type Placed = (Option<usize>, Result<(String, Option<String>), MarkupError>);

/// The placeholder at `pos` (a `{`) of `text`, resolved: its length (`None`
/// if it is never closed, which ends the text) and what it prints.
fn placeholder_at(text: &str, pos: usize, resolve: &mut impl FnMut(&Placeholder) -> Filled) -> Placed {
    let Some(len) = placeholder_len(&text[pos..]) else {
        let message = "unclosed `{` (write `{{` for a literal brace)".into();
        return (None, Err(MarkupError { message, offset: pos, len: 1 }));
    };
    let filled = parse_placeholder(&text[pos + 1..pos + len - 1])
        .and_then(|(id, period, form)| resolve(&Placeholder { id, period, form, offset: pos, len }))
        .map_err(|message| MarkupError { message, offset: pos, len });
    (Some(len), filled)
}

/// A passage in another language inside another.
fn nested(pos: usize) -> MarkupError {
    MarkupError {
        message: "a passage in another language (`[…]{lang=…}`) inside another".into(), offset: pos, len: 1
    }
}

/// A `}` with no `{` before it.
fn unmatched(pos: usize) -> MarkupError {
    MarkupError { message: "unmatched `}` (write `}}` for a literal brace)".into(), offset: pos, len: 1 }
}

/// Fills the placeholders of a plain field (a label, a chart's texts, the
/// cover and imprint): only `{…}`, `{{` and `}}` are markup there, `*` is a star.
pub fn fill(text: &str, mut resolve: impl FnMut(&Placeholder) -> Filled) -> Result<String, Vec<MarkupError>> {
    let mut out = String::with_capacity(text.len());
    let mut errors = Vec::new();
    // Where the passages in another language end, and the length of their `]{lang=…}`.
    let mut close_at: Vec<(usize, usize)> = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let rest = &text[pos..];
        if rest.starts_with("{{") || rest.starts_with("}}") {
            out.push_str(&rest[..1]);
            pos += 2;
        } else if rest.starts_with('{') {
            let (len, filled) = placeholder_at(text, pos, &mut resolve);
            match filled {
                Ok((value, _)) => out.push_str(&value),
                Err(e) => errors.push(e),
            }
            let Some(len) = len else { break };
            pos += len;
        } else if rest.starts_with('}') {
            errors.push(unmatched(pos));
            pos += 1;
        } else if rest.starts_with('[')
            && let Some(span) = lang_span(text, pos)
        {
            // A plain field prints a passage's text (its language is kept
            // where the field is printed as runs: a citation).
            match span {
                Ok(_) if !close_at.is_empty() => errors.push(nested(pos)),
                Ok((end, len, _)) => close_at.push((end, len)),
                Err(e) => errors.push(e),
            }
            pos += 1;
        } else if close_at.last().is_some_and(|(end, _)| *end == pos) {
            let (_, len) = close_at.pop().unwrap_or((pos, 1));
            pos += len;
        } else {
            let ch = rest.chars().next().unwrap_or(' ');
            out.push(ch);
            pos += ch.len_utf8();
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// Parses inline markup; `resolve` turns a placeholder into its formatted text
/// and, where the figure needs one, a mark.
pub fn parse(text: &str, resolve: impl FnMut(&Placeholder) -> Filled) -> Result<Vec<Run>, Vec<MarkupError>> {
    parse_runs(text, true, resolve)
}

/// Parses a plain field into runs, for where it is printed as runs (a
/// citation): placeholders and passages in another language are markup,
/// `*` is a star (as in [`fill`]).
pub fn parse_plain(text: &str, resolve: impl FnMut(&Placeholder) -> Filled) -> Result<Vec<Run>, Vec<MarkupError>> {
    parse_runs(text, false, resolve)
}

/// Parses markup into runs; `styles`: `**` and `*` are markup.
fn parse_runs(
    text: &str,
    styles: bool,
    mut resolve: impl FnMut(&Placeholder) -> Filled,
) -> Result<Vec<Run>, Vec<MarkupError>> {
    let mut runs: Vec<Run> = Vec::new();
    let mut errors = Vec::new();
    let (mut bold, mut ital) = (false, false);
    // The passage in another language the text is in: where it ends, the
    // length of its `]{lang=…}`, its language.
    let mut lang: Option<(usize, usize, String)> = None;
    // The link the text is in: where its text ends, the length of its
    // `](address)`, its address.
    let mut link: Option<(usize, usize, String)> = None;
    let mut buf = String::new();
    let flush = |buf: &mut String,
                 runs: &mut Vec<Run>,
                 b: bool,
                 i: bool,
                 l: &Option<(usize, usize, String)>,
                 u: &Option<(usize, usize, String)>| {
        if !buf.is_empty() {
            let l = l.as_ref().map(|(_, _, l)| l.clone());
            let text = std::mem::take(buf);
            match u {
                Some((_, _, u)) => runs.push(Run { b, i, l, u: Some(u.clone()), ..Run::text(text) }),
                // Addresses written out in the text link too.
                None => {
                    for (t, u) in split_urls(&text) {
                        runs.push(Run { b, i, l: l.clone(), u, ..Run::text(t) });
                    }
                }
            }
        }
    };
    let bytes = text.as_bytes();
    let mut pos = 0;
    let (mut bold_at, mut ital_at) = (0, 0);
    while pos < text.len() {
        let rest = &text[pos..];
        if link.as_ref().is_some_and(|(end, _, _)| *end == pos) {
            flush(&mut buf, &mut runs, bold, ital, &lang, &link);
            pos += link.take().map_or(1, |(_, len, _)| len);
        } else if lang.as_ref().is_some_and(|(end, _, _)| *end == pos) {
            flush(&mut buf, &mut runs, bold, ital, &lang, &link);
            pos += lang.take().map_or(1, |(_, len, _)| len);
        } else if rest.starts_with("{{") || rest.starts_with("}}") {
            buf.push_str(&rest[..1]);
            pos += 2;
        } else if styles && rest.starts_with("**") {
            flush(&mut buf, &mut runs, bold, ital, &lang, &link);
            bold = !bold;
            bold_at = pos;
            pos += 2;
        } else if styles && bytes[pos] == b'*' {
            flush(&mut buf, &mut runs, bold, ital, &lang, &link);
            ital = !ital;
            ital_at = pos;
            pos += 1;
        } else if bytes[pos] == b'{' {
            let (len, filled) = placeholder_at(text, pos, &mut resolve);
            match filled {
                Ok((value, mark)) => {
                    flush(&mut buf, &mut runs, bold, ital, &lang, &link);
                    let l = lang.as_ref().map(|(_, _, l)| l.clone());
                    let u = link.as_ref().map(|(_, _, u)| u.clone());
                    runs.push(Run { b: bold, i: ital, v: true, f: true, m: mark, l, u, ..Run::text(value) });
                }
                Err(e) => errors.push(e),
            }
            let Some(len) = len else { break };
            pos += len;
        } else if bytes[pos] == b'}' {
            errors.push(unmatched(pos));
            pos += 1;
        } else if bytes[pos] == b'['
            && let Some(span) = lang_span(text, pos)
        {
            match span {
                Ok(_) if lang.is_some() => errors.push(nested(pos)),
                Ok(span) => {
                    flush(&mut buf, &mut runs, bold, ital, &lang, &link);
                    lang = Some(span);
                }
                Err(e) => errors.push(e),
            }
            pos += 1;
        } else if bytes[pos] == b'['
            && link.is_none()
            && let Some(span) = link_span(text, pos)
        {
            flush(&mut buf, &mut runs, bold, ital, &lang, &link);
            link = Some(span);
            pos += 1;
        } else {
            let ch = rest.chars().next().unwrap_or(' ');
            buf.push(ch);
            pos += ch.len_utf8();
        }
    }
    flush(&mut buf, &mut runs, bold, ital, &lang, &link);
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
        let runs = parse("GDP **grew** to {gdp} in *2020*", |ph| Ok((format!("<{}>", ph.id), None))).unwrap();
        assert_eq!(plain(&runs), "GDP grew to <gdp> in 2020");
        assert!(runs[1].b && !runs[0].b);
        assert!(runs[3].v);
        assert!(runs[5].i);
    }

    #[test]
    fn escapes_and_errors() {
        let runs = parse("a {{b}} c", |_| Ok((String::new(), None))).unwrap();
        assert_eq!(plain(&runs), "a {b} c");
        let errs = parse("x {nope} y {bad id}", |ph| Err(format!("unknown `{}`", ph.id))).unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].offset, 2);
        assert_eq!(errs[1].offset, 11);
        assert!(parse("**open", |_| Ok((String::new(), None))).is_err());
    }

    #[test]
    fn plain_fields_fill_placeholders_only() {
        let fill = |t: &str| {
            fill(t, |ph| if ph.id == "x" { Err("unknown".into()) } else { Ok((format!("<{}>", ph.id), None)) })
        };
        assert_eq!(fill("Air *quality*, {edition}").unwrap(), "Air *quality*, <edition>");
        assert_eq!(fill("{{literal}}").unwrap(), "{literal}");
        let errs = fill("a {x} b {gdp:bogus} c }").unwrap_err();
        assert_eq!(errs.iter().map(|e| e.offset).collect::<Vec<_>>(), vec![2, 8, 22]);
        assert!(errs[1].message.contains("unknown placeholder form"));
        assert!(fill("open {gdp").unwrap_err()[0].message.contains("unclosed"));
    }

    #[test]
    fn placeholder_forms() {
        let p = |s: &str| parse_placeholder(s);
        assert_eq!(p("gdp"), Ok(("gdp".into(), None, Form::Value)));
        assert_eq!(p("gdp:n"), Ok(("gdp".into(), None, Form::Number)));
        assert_eq!(p("gdp@2015"), Ok(("gdp".into(), Some("2015".into()), Form::Value)));
        assert_eq!(p("gdp@2022/23:n"), Ok(("gdp".into(), Some("2022/23".into()), Form::Number)));
        assert_eq!(p("gdp:period"), Ok(("gdp".into(), None, Form::Period)));
        assert_eq!(p("gdp:change@2015"), Ok(("gdp".into(), Some("2015".into()), Form::Change)));
        assert_eq!(p("gdp:change%"), Ok(("gdp".into(), None, Form::ChangePercent)));
        assert!(p("gdp:bogus").unwrap_err().contains("unknown placeholder form"));
        assert_eq!(p("gdp:target-period"), Ok(("gdp".into(), None, Form::TargetPeriod)));
        assert_eq!(p("air:range"), Ok(("air".into(), None, Form::Range)));
        assert_eq!(p("edition-1"), Ok(("edition-1".into(), None, Form::Value)));
        assert!(p("gdp@").is_err());
        assert!(p("bad id").is_err());
        let (_, _, form) = p("n, plural, one {# stand} few {# stands} =0 {none} other {# stands}").unwrap();
        assert_eq!(
            form,
            Form::Plural(vec![
                ("one".into(), "# stand".into()),
                ("few".into(), "# stands".into()),
                ("=0".into(), "none".into()),
                ("other".into(), "# stands".into())
            ])
        );
        assert!(p("n, plural, one {# x}").unwrap_err().contains("other"));
        assert!(p("n, plural, lots {# x} other {y}").unwrap_err().contains("plural category"));
        assert!(p("n, select, a {x} other {y}").is_err());
    }

    #[test]
    fn plural_placeholders_nest_braces() {
        let runs = parse("more than {c, plural, one {# country} other {# countries}}.", |ph| {
            assert!(matches!(ph.form, Form::Plural(_)));
            Ok(("37 countries".into(), None))
        })
        .unwrap();
        assert_eq!(plain(&runs), "more than 37 countries.");
    }

    #[test]
    fn passages_in_another_language_carry_it() {
        let ok = |_: &Placeholder| Ok(("2025".to_string(), None));
        let runs = parse("وفقًا لمنهجية [*Sustainable Development Report* {y}]{lang=en} الصادر", ok).unwrap();
        assert_eq!(plain(&runs), "وفقًا لمنهجية Sustainable Development Report 2025 الصادر");
        let langs: Vec<_> = runs.iter().map(|r| (r.t.as_str(), r.l.as_deref(), r.i)).collect();
        assert_eq!(
            langs,
            vec![
                ("وفقًا لمنهجية ", None, false),
                ("Sustainable Development Report", Some("en"), true),
                (" ", Some("en"), false),
                ("2025", Some("en"), false),
                (" الصادر", None, false)
            ]
        );
        // A bracket that opens no passage prints as written.
        assert_eq!(plain(&parse("see [1] and [x]", ok).unwrap()), "see [1] and [x]");
        assert!(parse("[a]{lang=english}", ok).unwrap_err()[0].message.contains("not a language tag"));
        assert!(parse("[a [b]{lang=en}]{lang=fr}", ok).is_err());
        // A plain field prints the passage's text; as runs (a citation), its language too, and `*` as a star.
        assert_eq!(fill("SDSN, [Report *{y}*]{lang=en}, codebook", ok).unwrap(), "SDSN, Report *2025*, codebook");
        let runs = parse_plain("SDSN، [Report *{y}*]{lang=en}", ok).unwrap();
        assert_eq!(plain(&runs), "SDSN، Report *2025*");
        assert_eq!(
            runs.iter().filter(|r| r.l.as_deref() == Some("en")).map(|r| r.t.as_str()).collect::<String>(),
            "Report *2025*"
        );
        assert!(is_lang_tag("zh-Hant") && is_lang_tag("pt-BR") && !is_lang_tag("e") && !is_lang_tag("en_GB"));
    }

    #[test]
    fn links_written_as_markup_or_out_in_the_text() {
        let runs = parse("See [the review](https://example.org/vlr) now.", |_| Ok(("".into(), None))).unwrap();
        let linked: Vec<_> = runs.iter().filter(|r| r.u.is_some()).collect();
        assert_eq!(linked.len(), 1);
        assert_eq!(linked[0].t, "the review");
        assert_eq!(linked[0].u.as_deref(), Some("https://example.org/vlr"));
        assert_eq!(plain(&runs), "See the review now.");
        // Written out: the address links, the full stop after it does not.
        let runs = parse("Online at https://example.org/a?b=1. Or www.yiwu.gov.cn, (mailto:x@y.org)", |_| {
            Ok(("".into(), None))
        })
        .unwrap();
        let linked: Vec<_> = runs.iter().filter_map(|r| r.u.as_deref().map(|u| (r.t.as_str(), u))).collect();
        assert_eq!(
            linked,
            [
                ("https://example.org/a?b=1", "https://example.org/a?b=1"),
                ("www.yiwu.gov.cn", "https://www.yiwu.gov.cn"),
                ("mailto:x@y.org", "mailto:x@y.org")
            ]
        );
        assert_eq!(plain(&runs), "Online at https://example.org/a?b=1. Or www.yiwu.gov.cn, (mailto:x@y.org)");
        // Not links: a bracket without an address, a scheme alone, a word that contains one.
        for text in ["[a](b)", "[a] (x.org)", "http:// alone", "xhttps://x.org", "义乌www.x.org"] {
            assert!(parse(text, |_| Ok(("".into(), None))).unwrap().iter().all(|r| r.u.is_none()), "{text}");
        }
        // Any case, after an opening bracket or quotation mark of any script.
        let addresses = |s: &str| split_urls(s).into_iter().filter_map(|(_, u)| u).collect::<Vec<_>>();
        assert_eq!(addresses("见（WWW.Yiwu.gov.cn）和«HTTPS://x.org»"), ["https://WWW.Yiwu.gov.cn", "HTTPS://x.org"]);
    }

    #[test]
    fn joins_lines_per_script() {
        assert_eq!(join_lines("one\n  two", false), "one two");
        assert_eq!(join_lines("义乌市\n位于浙江", true), "义乌市位于浙江");
        assert_eq!(join_lines("义乌 GDP\nrose", true), "义乌 GDP rose");
    }
}
