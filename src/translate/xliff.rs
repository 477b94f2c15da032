//! XLIFF 2.0: writing the texts to translate, and reading translations back.
//!
//! A `<file>` per text file, a `<unit>` per group (its `vlr:src` attribute is
//! the fingerprint of the source it shows), a `<segment>` per string.
//! Placeholders, `{{`/`}}` and line breaks in table cells are `<ph>` codes;
//! `**bold**`, `*italic*`, a passage in another language (`[…]{lang=en}`)
//! and a plural selection are `<pc>` codes around the text they hold, so a
//! translator moves them but cannot break them. A plural
//! selection's branches (`one {# place} other {# places}`) are text inside its
//! code: translators of Russian or Arabic add the branches their language needs.
//! A placeholder's code shows what it prints in the target language (`disp`
//! and `equiv`: `1485.6亿元`), its original data stays `{gdp}`.
//!
//! A unit's notes say where the text is printed (`category="location"`), how
//! long it may be (`length`; a unit of one segment also carries the Size and
//! Length Restriction module's `slr:sizeRestriction`, in code points), and for
//! each changed segment the source its old translation was made from
//! (`previous-source`, `appliesTo="source"`). Notes are what CAT tools show;
//! XLIFF 2.0's Change Tracking module (`ctr:`), meant for earlier versions,
//! is left out: it is not in XLIFF 2.2, and we know of no CAT tool that shows it.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;

use crate::data::fingerprint::{Kind, Seg};
use crate::data::markup::{Form, join_lines, lang_span, parse_placeholder, placeholder_len};

/// How deep elements may nest in a file read (xliff, file, unit, segment,
/// target, then inline codes: a real file needs about a dozen).
pub const MAX_DEPTH: usize = 100;

/// The XLIFF 2 namespace.
pub const NS: &str = "urn:oasis:names:tc:xliff:document:2.0";
/// vlr's namespace, for the fingerprint attribute.
pub const VLR_NS: &str = "urn:x-vlr:translate";

/// A piece of a text: plain text or an inline code.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Text(String),
    /// A standalone code with its original text (`{gdp}`, `{{`, a line break).
    Ph(String),
    /// The start of a paired code: its opening and closing text.
    Open(String, String),
    Close,
}

/// Cuts a text into text and codes, as its kind reads it.
fn tokens(text: &str, kind: Kind, cjk: bool) -> Vec<Tok> {
    match kind {
        Kind::Plain => {
            let mut out = Vec::new();
            for (i, line) in text.split('\n').enumerate() {
                if i > 0 {
                    out.push(Tok::Ph("\n".into()));
                }
                // Placeholders are codes here too; `*` is a star.
                out.extend(code_tokens(line, false));
            }
            out
        }
        Kind::Lines => {
            let mut out = Vec::new();
            for (i, line) in crate::translate::write::lines(text).split('\n').enumerate() {
                if i > 0 {
                    out.push(Tok::Ph("\n".into()));
                }
                out.extend(code_tokens(line, true));
            }
            out
        }
        Kind::Markup => code_tokens(&join_lines(text, cjk), true),
    }
}

/// Cuts a line into text and codes: placeholders, `{{` and `}}`, and with
/// `emphasis` (inline markup) `**` and `*`.
fn code_tokens(text: &str, emphasis: bool) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::new();
    let push_text = |out: &mut Vec<Tok>, s: &str| match out.last_mut() {
        Some(Tok::Text(t)) => t.push_str(s),
        _ => out.push(Tok::Text(s.to_string())),
    };
    let (mut bold, mut ital) = (false, false);
    // Where the passage in another language the text is in ends, and the length of its `]{lang=…}`.
    let mut lang: Option<(usize, usize)> = None;
    let mut pos = 0;
    while pos < text.len() {
        let rest = &text[pos..];
        if lang.is_some_and(|(end, _)| end == pos) {
            out.push(Tok::Close);
            pos += lang.take().map_or(1, |(_, len)| len);
        } else if rest.starts_with('[')
            && lang.is_none()
            && let Some(Ok((end, len, _))) = lang_span(text, pos)
        {
            out.push(Tok::Open("[".into(), text[end..end + len].to_string()));
            lang = Some((end, len));
            pos += 1;
        } else if rest.starts_with("{{") || rest.starts_with("}}") {
            out.push(Tok::Ph(rest[..2].to_string()));
            pos += 2;
        } else if emphasis && rest.starts_with("**") {
            out.push(if bold { Tok::Close } else { Tok::Open("**".into(), "**".into()) });
            bold = !bold;
            pos += 2;
        } else if emphasis && rest.starts_with('*') {
            out.push(if ital { Tok::Close } else { Tok::Open("*".into(), "*".into()) });
            ital = !ital;
            pos += 1;
        } else if rest.starts_with('{')
            && let Some(len) = placeholder_len(rest)
        {
            let whole = &rest[..len];
            match plural_head(whole) {
                Some(head) => {
                    out.push(Tok::Open(whole[..head].to_string(), "}".into()));
                    push_text(&mut out, &whole[head..len - 1]);
                    out.push(Tok::Close);
                }
                None => out.push(Tok::Ph(whole.to_string())),
            }
            pos += len;
        } else {
            let ch = rest.chars().next().unwrap_or(' ');
            push_text(&mut out, &rest[..ch.len_utf8()]);
            pos += ch.len_utf8();
        }
    }
    // Emphasis that does not nest with other codes stays as standalone codes.
    let mut depth: Vec<usize> = Vec::new();
    let mut nested = true;
    for (i, t) in out.iter().enumerate() {
        match t {
            Tok::Open(..) => depth.push(i),
            Tok::Close => nested &= depth.pop().is_some(),
            _ => {}
        }
    }
    if !nested || !depth.is_empty() {
        let mut stack: Vec<String> = Vec::new();
        out = out
            .into_iter()
            .map(|t| match t {
                Tok::Open(a, b) if a.starts_with('*') || a == "[" => {
                    stack.push(b);
                    Tok::Ph(a)
                }
                Tok::Close => Tok::Ph(stack.pop().unwrap_or_else(|| "}".into())),
                t => t,
            })
            .collect();
    }
    out
}

/// If `whole` is a plural selection `{id, plural, …}`: the length of its head
/// (up to the first branch).
fn plural_head(whole: &str) -> Option<usize> {
    let inner = whole.get(1..whole.len() - 1)?;
    let (_, _, form) = parse_placeholder(inner).ok()?;
    if !matches!(form, Form::Plural(_)) {
        return None;
    }
    let first_comma = whole.find(',')?;
    let plural = first_comma + whole[first_comma..].find("plural")? + "plural".len();
    let second = plural + whole[plural..].find(',')? + 1;
    let ws = whole[second..].len() - whole[second..].trim_start().len();
    Some(second + ws)
}

/// Escapes text for XML; characters XML cannot hold become `<cp hex="…"/>`.
pub fn escape(s: &str, attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\n' if attr => out.push_str("&#10;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c as u32, 0xFFFE | 0xFFFF) => {
                if attr {
                    out.push_str(&format!("U+{:04X}", c as u32));
                } else {
                    out.push_str(&format!("<cp hex=\"{:04X}\"/>", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The inline codes of one unit: original data shared by its source and target.
#[derive(Default)]
struct Codes<'d> {
    /// What each placeholder prints in the target language, by its text (`{gdp}` → `1485.6亿元`).
    shown: Option<&'d HashMap<String, String>>,
    /// Original data, by id `d1`, `d2`…
    data: Vec<String>,
    /// Codes of the source: (id, original start, original end).
    source: Vec<(usize, String, Option<String>)>,
    /// Where the current segment's source codes start in `source`.
    seg_from: usize,
    next: usize,
}

impl Codes<'_> {
    fn data_ref(&mut self, original: &str) -> String {
        let i = match self.data.iter().position(|d| d == original) {
            Some(i) => i,
            None => {
                self.data.push(original.to_string());
                self.data.len() - 1
            }
        };
        format!("d{}", i + 1)
    }

    /// Renders tokens as XLIFF content. In a target, a code takes the id of
    /// the source's code with the same original text, if one is left.
    fn render(&mut self, toks: &[Tok], target: bool) -> String {
        let mut out = String::new();
        let mut used: Vec<usize> = Vec::new();
        if !target {
            self.seg_from = self.source.len();
        }
        let mut id_for = |codes: &mut Codes<'_>, start: &str, end: Option<&str>| -> usize {
            if target
                && let Some((id, _, _)) = codes.source[codes.seg_from..]
                    .iter()
                    .find(|(id, s, e)| !used.contains(id) && s == start && e.as_deref() == end)
            {
                used.push(*id);
                return *id;
            }
            codes.next += 1;
            if !target {
                codes.source.push((codes.next, start.to_string(), end.map(str::to_string)));
            }
            codes.next
        };
        for t in toks {
            match t {
                Tok::Text(s) => out.push_str(&escape(s, false)),
                Tok::Ph(orig) => {
                    let id = id_for(self, orig, None);
                    let dref = self.data_ref(orig);
                    // A placeholder shows what it prints in the target language
                    // (`disp`, and `equiv` for word counts and checks of length).
                    let (kind, disp, equiv) = match orig.as_str() {
                        "\n" => (" type=\"fmt\" subType=\"xlf:lb\"", "↵".to_string(), None),
                        "{{" => ("", "{".to_string(), Some("{".to_string())),
                        "}}" => ("", "}".to_string(), Some("}".to_string())),
                        o => match self.shown.and_then(|m| m.get(o)) {
                            Some(printed) => ("", printed.clone(), Some(printed.clone())),
                            None => ("", o.to_string(), None),
                        },
                    };
                    let equiv = equiv.map_or_else(String::new, |e| format!(" equiv=\"{}\"", escape(&e, true)));
                    let _ = write!(
                        out,
                        "<ph id=\"{id}\"{kind} dataRef=\"{dref}\"{equiv} disp=\"{}\"/>",
                        escape(&disp, true)
                    );
                }
                Tok::Open(start, end) => {
                    let id = id_for(self, start, Some(end));
                    let (ds, de) = (self.data_ref(start), self.data_ref(end));
                    let kind = match start.as_str() {
                        "**" => " type=\"fmt\" subType=\"xlf:b\"",
                        "*" => " type=\"fmt\" subType=\"xlf:i\"",
                        "[" => " type=\"other\" subType=\"vlr:lang\"",
                        _ => " type=\"other\" subType=\"vlr:plural\"",
                    };
                    let disp = if start.starts_with('{') {
                        format!(" dispStart=\"{}\"", escape(start.trim_end(), true))
                    } else if start == "[" {
                        // The language, for the translator: `lang=en`.
                        format!(" dispEnd=\"{}\"", escape(end.trim_start_matches("]{").trim_end_matches('}'), true))
                    } else {
                        String::new()
                    };
                    let _ = write!(out, "<pc id=\"{id}\"{kind} dataRefStart=\"{ds}\" dataRefEnd=\"{de}\"{disp}>");
                }
                Tok::Close => out.push_str("</pc>"),
            }
        }
        out
    }
}

/// A note for the translator: what it is about (`category`), whether it is
/// about the source or the target, and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// `location` (where the text is printed), `length`, `previous-source`, `state`.
    pub category: &'static str,
    /// `source` or `target`, if the note is about one of them.
    pub applies_to: Option<&'static str>,
    /// The text.
    pub text: String,
}

/// One unit to export.
pub struct Unit<'a> {
    /// Its id: `block.intro`, `label.gdp`…
    pub id: String,
    /// The source's fingerprint.
    pub fingerprint: String,
    /// Notes for the translator.
    pub notes: Vec<Note>,
    /// The most characters its one segment's translation may have (`slr:sizeRestriction`).
    pub max_len: Option<usize>,
    /// Segments: the source, and the translation with its state if there is one.
    pub segs: Vec<(&'a Seg, Option<(&'a Seg, &'static str)>)>,
}

/// One file to export.
pub struct File<'a> {
    /// The chapter id, or `meta`.
    pub id: String,
    /// The source file, e.g. `text/en/intro.toml`.
    pub original: String,
    /// Its units.
    pub units: Vec<Unit<'a>>,
}

/// The Size and Length Restriction module's namespace.
pub const SLR_NS: &str = "urn:oasis:names:tc:xliff:sizerestriction:2.0";

/// Writes an XLIFF 2.0 document; `shown` is what each placeholder prints in
/// the target language (shown on its code).
pub fn write(
    src: &crate::i18n::Locale,
    trg: &crate::i18n::Locale,
    files: &[File],
    shown: &HashMap<String, String>,
) -> String {
    let (src_lang, trg_lang) = (src.lang.as_str(), trg.lang.as_str());
    let (src_cjk, trg_cjk) = (src.cjk, trg.cjk);
    let sized = files.iter().any(|f| f.units.iter().any(|u| u.max_len.is_some()));
    let slr = if sized { format!(" xmlns:slr=\"{SLR_NS}\"") } else { String::new() };
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<xliff xmlns=\"{NS}\" xmlns:vlr=\"{VLR_NS}\"{slr} version=\"2.0\" srcLang=\"{src_lang}\" trgLang=\"{trg_lang}\">"
    );
    for f in files {
        let _ = writeln!(
            out,
            "  <file id=\"{}\" original=\"{}\" canResegment=\"no\" xml:space=\"preserve\">",
            nmtoken(&f.id),
            escape(&f.original, true)
        );
        if f.units.iter().any(|u| u.max_len.is_some()) {
            // Sizes count characters (code points); a code counts as nothing.
            out.push_str("    <slr:profiles generalProfile=\"xliff:codepoints\"/>\n");
        }
        for u in &f.units {
            let size = u.max_len.map_or_else(String::new, |n| format!(" slr:sizeRestriction=\"{n}\""));
            let _ = writeln!(out, "    <unit id=\"{}\" vlr:src=\"{}\"{size}>", nmtoken(&u.id), u.fingerprint);
            if !u.notes.is_empty() {
                out.push_str("      <notes>\n");
                for n in &u.notes {
                    let applies = n.applies_to.map_or_else(String::new, |a| format!(" appliesTo=\"{a}\""));
                    let _ = writeln!(
                        out,
                        "        <note category=\"{}\"{applies}>{}</note>",
                        n.category,
                        escape(&n.text, false)
                    );
                }
                out.push_str("      </notes>\n");
            }
            let mut codes = Codes { shown: Some(shown), ..Codes::default() };
            let mut body = String::new();
            for (s, t) in &u.segs {
                let state = t.map_or(String::new(), |(_, st)| format!(" state=\"{st}\""));
                let _ = writeln!(body, "      <segment id=\"{}\"{state}>", nmtoken(&s.id));
                let src = codes.render(&tokens(&s.text, s.kind, src_cjk), false);
                let _ = writeln!(body, "        <source>{src}</source>");
                if let Some((t, _)) = t {
                    let trg = codes.render(&tokens(&t.text, s.kind, trg_cjk), true);
                    let _ = writeln!(body, "        <target>{trg}</target>");
                }
                let _ = writeln!(body, "      </segment>");
            }
            if !codes.data.is_empty() {
                out.push_str("      <originalData>\n");
                for (i, d) in codes.data.iter().enumerate() {
                    let _ = writeln!(out, "        <data id=\"d{}\">{}</data>", i + 1, escape(d, false));
                }
                out.push_str("      </originalData>\n");
            }
            out.push_str(&body);
            out.push_str("    </unit>\n");
        }
        out.push_str("  </file>\n");
    }
    out.push_str("</xliff>\n");
    out
}

/// Makes an id an XML name token: any other character becomes `_xHHHH_`.
pub fn nmtoken(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for c in id.chars() {
        if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ':') {
            out.push(c);
        } else {
            let _ = write!(out, "_x{:04X}_", c as u32);
        }
    }
    out
}

/// A problem in an XLIFF file, at a byte range.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The bytes of the file at fault.
    pub at: Range<usize>,
    /// What is wrong there.
    pub message: String,
}

fn problem(at: Range<usize>, message: impl Into<String>) -> Problem {
    Problem { at, message: message.into() }
}

/// A translated segment read back.
#[derive(Debug, Clone)]
pub struct Target {
    /// The text, codes restored to their original text.
    pub text: String,
    /// Where the `<target>` element is in the file.
    pub at: Range<usize>,
    /// Pieces of `text` and where they come from: (range in `text`, range in the file, text copied as is).
    pub pieces: Vec<(Range<usize>, Range<usize>, bool)>,
}

impl Target {
    /// The file range of a byte range of the text.
    pub fn locate(&self, src: &str, at: Range<usize>) -> Range<usize> {
        for (r, x, exact) in &self.pieces {
            if r.start <= at.start && at.start < r.end.max(r.start + 1) {
                // Offsets carry over only where the file holds the text as it is (no entities).
                if *exact && src.get(x.clone()).is_some() && src.get(x.clone()) == self.text.get(r.clone()) {
                    let start = x.start + (at.start - r.start);
                    return start..(start + at.len()).min(x.end.max(start));
                }
                return x.clone();
            }
        }
        self.at.clone()
    }
}

/// A segment read back.
#[derive(Debug, Clone)]
pub struct XSeg {
    /// The segment's id as exported (see [`nmtoken`]).
    pub id: String,
    /// Its source text as exported, codes restored (`None` if a tool broke its codes).
    pub source: Option<String>,
    /// Where the `<segment>` element is in the file.
    pub at: Range<usize>,
    /// `state`, if given.
    pub state: Option<String>,
    /// The target, if any.
    pub target: Option<Target>,
}

/// A unit read back.
#[derive(Debug, Clone)]
pub struct XUnit {
    /// The text's key as exported: `block.intro`, `label.gdp`… (see [`nmtoken`]).
    pub id: String,
    /// The unit element's start tag.
    pub at: Range<usize>,
    /// The fingerprint of the source it was exported with.
    pub fingerprint: Option<String>,
    /// Its segments.
    pub segs: Vec<XSeg>,
}

/// A file read back.
#[derive(Debug, Clone)]
pub struct XFile {
    /// The chapter id, or `meta`, as exported (see [`nmtoken`]).
    pub id: String,
    /// The file element's start tag.
    pub at: Range<usize>,
    /// Its units.
    pub units: Vec<XUnit>,
}

/// An XLIFF document read back.
#[derive(Debug, Clone)]
pub struct Xliff {
    /// `srcLang`.
    pub src_lang: String,
    /// `trgLang`.
    pub trg_lang: String,
    /// Where `trgLang` is.
    pub trg_at: Range<usize>,
    /// Its files.
    pub files: Vec<XFile>,
}

fn start_tag(n: roxmltree::Node) -> Range<usize> {
    let r = n.range();
    r.start..r.start + 1 + n.tag_name().name().len()
}

fn children<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    n.children().filter(move |c| c.is_element() && c.tag_name().namespace() == Some(NS) && c.tag_name().name() == name)
}

/// The byte offset of a 1-based row and column (in characters).
fn offset_of(text: &str, row: u32, col: u32) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(row.saturating_sub(1) as usize).map(str::len).sum();
    let line = &text[line_start.min(text.len())..];
    line_start + line.chars().take(col.saturating_sub(1) as usize).map(char::len_utf8).sum::<usize>()
}

/// Reads an XLIFF 2 document: its structure and each target's text, codes
/// restored. Every problem found is returned, located.
pub fn read(text: &str) -> Result<Xliff, Vec<Problem>> {
    let opts = roxmltree::ParsingOptions { allow_dtd: false, ..Default::default() };
    let doc = roxmltree::Document::parse_with_options(text, opts).map_err(|e| {
        let pos = e.pos();
        let at = offset_of(text, pos.row, pos.col).min(text.len());
        let len = text[at..].chars().next().map_or(0, char::len_utf8);
        vec![problem(at..at + len, format!("not well-formed XML: {e}"))]
    })?;
    let root = doc.root_element();
    // Targets are walked recursively: their nesting is bounded first (roxmltree
    // itself parses without recursion), so 40,000 nested <mrk> cannot overflow the stack.
    // A node's depth is its parent's plus one: parents come first in document order.
    let mut depth: Vec<usize> = Vec::new();
    for n in doc.root().descendants() {
        let d = n.parent().and_then(|p| depth.get(p.id().get_usize()).copied()).map_or(0, |d| d + 1);
        let i = n.id().get_usize();
        if depth.len() <= i {
            depth.resize(i + 1, 0);
        }
        depth[i] = d;
        if d > MAX_DEPTH {
            return Err(vec![problem(
                start_tag(n),
                format!("elements nested more than {MAX_DEPTH} deep: no translation needs that many"),
            )]);
        }
    }
    if root.tag_name().name() != "xliff" || root.tag_name().namespace() != Some(NS) {
        return Err(vec![problem(
            start_tag(root),
            format!("not an XLIFF 2 document: the root must be <xliff xmlns=\"{NS}\">"),
        )]);
    }
    let mut problems = Vec::new();
    if !root.attribute("version").is_some_and(|v| v.starts_with("2.")) {
        problems.push(problem(start_tag(root), "only XLIFF version 2.x is read (version=\"2.0\")"));
    }
    let attr_at =
        |n: roxmltree::Node, name: &str| n.attribute_node(name).map_or_else(|| start_tag(n), |a| a.range_value());
    let src_lang = root.attribute("srcLang").unwrap_or_default().to_string();
    let Some(trg_lang) = root.attribute("trgLang") else {
        return Err(vec![problem(start_tag(root), "no `trgLang`: which language is translated?")]);
    };
    let mut files = Vec::new();
    for f in children(root, "file") {
        let mut units = Vec::new();
        for u in f
            .descendants()
            .filter(|n| n.is_element() && n.tag_name().namespace() == Some(NS) && n.tag_name().name() == "unit")
        {
            let data: HashMap<&str, String> = children(u, "originalData")
                .flat_map(|o| children(o, "data"))
                .filter_map(|d| Some((d.attribute("id")?, content_text(d))))
                .collect();
            let mut segs = Vec::new();
            for s in children(u, "segment") {
                let target = children(s, "target").next().map(|t| {
                    let mut tg = Target { text: String::new(), at: t.range(), pieces: Vec::new() };
                    restore(t, &data, &mut tg, &mut problems);
                    tg
                });
                // The source as exported tells what a translation was made from;
                // one whose codes a tool broke is not known.
                let source = children(s, "source").next().and_then(|n| {
                    let mut tg = Target { text: String::new(), at: n.range(), pieces: Vec::new() };
                    let mut broken = Vec::new();
                    restore(n, &data, &mut tg, &mut broken);
                    broken.is_empty().then_some(tg.text)
                });
                segs.push(XSeg {
                    id: s.attribute("id").unwrap_or_default().to_string(),
                    source,
                    at: start_tag(s),
                    state: s.attribute("state").map(str::to_string),
                    target,
                });
            }
            units.push(XUnit {
                id: u.attribute("id").unwrap_or_default().to_string(),
                at: start_tag(u),
                fingerprint: u.attribute((VLR_NS, "src")).map(str::to_string),
                segs,
            });
        }
        files.push(XFile { id: f.attribute("id").unwrap_or_default().to_string(), at: start_tag(f), units });
    }
    if problems.is_empty() {
        Ok(Xliff { src_lang, trg_lang: trg_lang.to_string(), trg_at: attr_at(root, "trgLang"), files })
    } else {
        Err(problems)
    }
}

/// The text of a `<data>` element (with `<cp>` characters).
fn content_text(n: roxmltree::Node) -> String {
    let mut out = String::new();
    for c in n.children() {
        if let Some(t) = c.text().filter(|_| c.is_text()) {
            out.push_str(t);
        } else if c.is_element() && c.tag_name().name() == "cp" {
            out.extend(c.attribute("hex").and_then(|h| u32::from_str_radix(h, 16).ok()).and_then(char::from_u32));
        }
    }
    out
}

/// Appends a target's content to `tg`, codes replaced by their original text.
fn restore(n: roxmltree::Node, data: &HashMap<&str, String>, tg: &mut Target, problems: &mut Vec<Problem>) {
    let original = |c: roxmltree::Node, attr: &str, tg: &mut Target, problems: &mut Vec<Problem>| {
        let at = c.attribute_node(attr).map_or_else(|| start_tag(c), |a| a.range());
        match c.attribute(attr).and_then(|r| data.get(r)) {
            Some(d) => {
                let start = tg.text.len();
                tg.text.push_str(d);
                tg.pieces.push((start..tg.text.len(), c.range(), false));
            }
            None => problems.push(problem(
                at,
                format!(
                    "inline code <{}> has no `{attr}` naming its original data: copy the code from the source",
                    c.tag_name().name()
                ),
            )),
        }
    };
    for c in n.children() {
        if c.is_text() {
            let t = c.text().unwrap_or_default();
            let start = tg.text.len();
            tg.text.push_str(t);
            tg.pieces.push((start..tg.text.len(), c.range(), true));
            continue;
        }
        if !c.is_element() {
            continue;
        }
        match c.tag_name().name() {
            "ph" | "sc" | "ec" => original(c, "dataRef", tg, problems),
            "pc" => {
                original(c, "dataRefStart", tg, problems);
                restore(c, data, tg, problems);
                original(c, "dataRefEnd", tg, problems);
            }
            "cp" => {
                let ch = c.attribute("hex").and_then(|h| u32::from_str_radix(h, 16).ok()).and_then(char::from_u32);
                match ch {
                    Some(ch) => {
                        let start = tg.text.len();
                        tg.text.push(ch);
                        tg.pieces.push((start..tg.text.len(), c.range(), false));
                    }
                    None => problems.push(problem(start_tag(c), "<cp> needs `hex`, a character's code")),
                }
            }
            "mrk" => restore(c, data, tg, problems),
            "sm" | "em" => {}
            other => problems.push(problem(start_tag(c), format!("unexpected <{other}> in a target"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    fn seg(text: &str, kind: Kind) -> Seg {
        Seg { id: "p".into(), text: text.into(), kind, at: 0..0 }
    }

    #[test]
    fn codes_protect_placeholders_markup_and_plurals() {
        let t = tokens(
            "GDP **grew** to {gdp} in {n, plural, one {# place} other {# places}}, {{sic}}.",
            Kind::Markup,
            false,
        );
        assert_eq!(
            t,
            vec![
                Tok::Text("GDP ".into()),
                Tok::Open("**".into(), "**".into()),
                Tok::Text("grew".into()),
                Tok::Close,
                Tok::Text(" to ".into()),
                Tok::Ph("{gdp}".into()),
                Tok::Text(" in ".into()),
                Tok::Open("{n, plural, ".into(), "}".into()),
                Tok::Text("one {# place} other {# places}".into()),
                Tok::Close,
                Tok::Text(", ".into()),
                Tok::Ph("{{".into()),
                Tok::Text("sic".into()),
                Tok::Ph("}}".into()),
                Tok::Text(".".into()),
            ]
        );
        let cell = tokens("**No Poverty**\nEnd poverty", Kind::Lines, false);
        assert!(cell.contains(&Tok::Ph("\n".into())));
    }

    #[test]
    fn a_passage_in_another_language_is_a_paired_code() {
        let toks = tokens("per [*Sustainable Development Report*]{lang=en} and [1]", Kind::Markup, false);
        assert_eq!(
            toks,
            vec![
                Tok::Text("per ".into()),
                Tok::Open("[".into(), "]{lang=en}".into()),
                Tok::Open("*".into(), "*".into()),
                Tok::Text("Sustainable Development Report".into()),
                Tok::Close,
                Tok::Close,
                Tok::Text(" and [1]".into()),
            ]
        );
        let mut codes = Codes::default();
        let xml = codes.render(&toks, false);
        assert!(xml.contains("subType=\"vlr:lang\"") && xml.contains("dispEnd=\"lang=en\""), "{xml}");
    }

    #[test]
    fn round_trip_through_xml() {
        let s = seg("Ran {trips} *trips* a < b & {n, plural, one {# x} other {# xs}}", Kind::Markup);
        let t = seg("开行{trips}列 a < b & {n, plural, other {#个}}", Kind::Markup);
        let files = vec![File {
            id: "intro".into(),
            original: "text/en/intro.toml".into(),
            units: vec![Unit {
                id: "block.p1".into(),
                fingerprint: "0badcafe".into(),
                notes: vec![],
                max_len: None,
                segs: vec![(&s, Some((&t, "translated")))],
            }],
        }];
        let xml = write(&Locale::builtin("en"), &Locale::builtin("zh"), &files, &HashMap::new());
        assert!(xml.contains("<ph id=\"1\" dataRef=\"d1\" disp=\"{trips}\"/>"), "{xml}");
        let back = read(&xml).unwrap();
        assert_eq!(back.trg_lang, "zh");
        let u = &back.files[0].units[0];
        assert_eq!(u.fingerprint.as_deref(), Some("0badcafe"));
        assert_eq!(u.segs[0].target.as_ref().unwrap().text, t.text);
    }

    #[test]
    fn codes_show_what_they_print_and_units_carry_notes_and_limits() {
        let s = seg("GDP reached {gdp}, up {gdp-growth} {{sic}}.", Kind::Markup);
        let files = vec![File {
            id: "intro".into(),
            original: "text/en/intro.toml".into(),
            units: vec![Unit {
                id: "label.gdp".into(),
                fingerprint: "0badcafe".into(),
                notes: vec![Note { category: "location", applies_to: None, text: "In a <panel> & more".into() }],
                max_len: Some(32),
                segs: vec![(&s, None)],
            }],
        }];
        let shown = HashMap::from([("{gdp}".to_string(), "1485.6亿元".to_string())]);
        let xml = write(&Locale::builtin("en"), &Locale::builtin("zh"), &files, &shown);
        assert!(xml.contains("<ph id=\"1\" dataRef=\"d1\" equiv=\"1485.6亿元\" disp=\"1485.6亿元\"/>"), "{xml}");
        assert!(
            xml.contains("<ph id=\"2\" dataRef=\"d2\" disp=\"{gdp-growth}\"/>"),
            "one it cannot print shows itself: {xml}"
        );
        assert!(xml.contains("<ph id=\"3\" dataRef=\"d3\" equiv=\"{\" disp=\"{\"/>"), "{xml}");
        assert!(xml.contains(&format!(" xmlns:slr=\"{SLR_NS}\" ")), "{xml}");
        assert!(xml.contains("<unit id=\"label.gdp\" vlr:src=\"0badcafe\" slr:sizeRestriction=\"32\">"), "{xml}");
        assert!(xml.contains("<note category=\"location\">In a &lt;panel&gt; &amp; more</note>"), "{xml}");
        // The source reads back with its codes as written, what an import compares with the current source.
        let back = read(&xml).unwrap();
        assert_eq!(back.files[0].units[0].segs[0].source.as_deref(), Some(s.text.as_str()));
    }

    #[test]
    fn target_codes_match_their_own_segments_codes() {
        let (a, b) = (seg("{gdp} a", Kind::Markup), Seg { id: "q".into(), ..seg("{gdp} b", Kind::Markup) });
        let files = vec![File {
            id: "f".into(),
            original: "f".into(),
            units: vec![Unit {
                id: "block.l".into(),
                fingerprint: "0".into(),
                notes: vec![],
                max_len: None,
                segs: vec![(&a, Some((&a, "translated"))), (&b, Some((&b, "translated")))],
            }],
        }];
        let xml = write(&Locale::builtin("en"), &Locale::builtin("fr"), &files, &HashMap::new());
        assert_eq!(xml.matches("<ph id=\"1\"").count(), 2, "{xml}");
        assert_eq!(xml.matches("<ph id=\"2\"").count(), 2, "{xml}");
    }

    #[test]
    fn bad_xml_is_located() {
        let e = read("<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.0\">\n  <file>\n</xliff>")
            .unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(e[0].at.start > 60, "{e:?}");
        // Odd input gives problems, never a panic.
        for odd in [
            "",
            "é",
            "<xliff>é",
            "<a:b/>",
            "<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.0\" trgLang=\"x\"><file><unit><segment><target><ph dataRef=\"nope\"/><cp hex=\"zz\"/><b/></target></segment></unit></file></xliff>",
        ] {
            let e = read(odd).unwrap_err();
            assert!(!e.is_empty() && e.iter().all(|p| odd.get(p.at.clone()).is_some()), "{odd}: {e:?}");
        }
    }
}
