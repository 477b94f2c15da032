//! What is translatable, and whether a translation is current.
//!
//! The source language's text files are cut into *groups*: a chapter's heading
//! (title and subtitle), each block with text, each label, each chart's texts,
//! and a language's `meta.toml`. A group holds *segments*, one per string
//! (a paragraph, a list item, a table cell, a chart's category…).
//!
//! A translated group records the fingerprint of the source text it was
//! translated from: `src = "…"` in a block, in `[charts.<id>]`, at the top of a
//! chapter file (its heading) and of `meta.toml`, and `[labels-src]` for labels.
//! When the source changes, the fingerprints differ and the translation is stale.
//!
//! A fingerprint is FNV-1a (64-bit) over each segment's id and normalised text,
//! folded to 32 bits and written as 8 hexadecimal digits. Normalised: every run
//! of Unicode white space (line breaks included) is one space, and the ends are
//! trimmed; so re-wrapping a paragraph does not make its translations stale,
//! while any change of wording, figure, markup or punctuation does. Changing
//! this algorithm would make every recorded fingerprint stale.
//!
//! A fingerprint covers a group; which of its segments changed is told by
//! the record of the source each translation was made from
//! ([`super::source_record`]), where it has the group's entry
//! ([`Status::seg_state`], [`Status::changed`]). Without one, a stale group
//! is stale as a whole.

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;

use crate::data::load::LangTexts;
use crate::data::model::{Block, ChartText, MetaText, TextFile};
use crate::data::source_record::Record;

/// How a segment's text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Inline markup (placeholders, `**bold**`, `*italic*`); line breaks are only layout.
    Markup,
    /// Inline markup where each line is kept as a line (table cells).
    Lines,
    /// Plain text, printed as it is (labels, chart texts, alt text, metadata).
    Plain,
}

/// One translatable string.
#[derive(Debug, Clone, PartialEq)]
pub struct Seg {
    /// Its id within the group: `p`, `list.2`, `table.rows.0.1`, `categories.y2020`…
    pub id: String,
    /// The text as written in the file.
    pub text: String,
    /// How it is read.
    pub kind: Kind,
    /// Where the string is in its file.
    pub at: Range<usize>,
}

/// Which group: its key within a file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// A chapter's title and subtitle.
    Heading,
    /// A block, by id.
    Block(String),
    /// A label, by key.
    Label(String),
    /// A chart's texts, by chart id.
    Chart(String),
    /// `meta.toml`.
    Meta,
}

impl Key {
    /// The key as written in exported files and on the command line: `heading`,
    /// `block.<id>`, `label.<key>`, `chart.<id>`, `meta`.
    pub fn id(&self) -> String {
        match self {
            Key::Heading => "heading".into(),
            Key::Block(id) => format!("block.{id}"),
            Key::Label(k) => format!("label.{k}"),
            Key::Chart(id) => format!("chart.{id}"),
            Key::Meta => "meta".into(),
        }
    }

    /// What it is, for messages: "block `x`".
    pub fn describe(&self) -> String {
        match self {
            Key::Heading => "chapter title".into(),
            Key::Block(id) => format!("block `{id}`"),
            Key::Label(k) => format!("label `{k}`"),
            Key::Chart(id) => format!("texts of chart `{id}`"),
            Key::Meta => "cover and metadata".into(),
        }
    }
}

/// A group of segments translated together, with one fingerprint.
#[derive(Debug, Clone)]
pub struct Group {
    /// Which group.
    pub key: Key,
    /// Its strings, in file order.
    pub segs: Vec<Seg>,
    /// Where it is in its file (a block's id, a label's value, a title).
    pub at: Range<usize>,
    /// The fingerprint recorded in a translation, and its span.
    pub recorded: Option<(String, Range<usize>)>,
}

impl Group {
    /// The fingerprint of this group's text.
    pub fn fingerprint(&self) -> String {
        fingerprint(self.segs.iter().map(|s| (s.id.as_str(), s.text.as_str())))
    }

    /// A segment by id.
    pub fn seg(&self, id: &str) -> Option<&Seg> {
        self.segs.iter().find(|s| s.id == id)
    }
}

/// The fingerprint of segments given as (id, text): see the module's documentation.
pub fn fingerprint<'a>(segs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;
    let mut h = OFFSET;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(PRIME);
        }
    };
    for (id, text) in segs {
        eat(id.as_bytes());
        eat(&[0x1f]);
        // The normalised text (see `normalise`), without building it.
        for (i, word) in text.split_whitespace().enumerate() {
            if i > 0 {
                eat(b" ");
            }
            eat(word.as_bytes());
        }
        eat(&[0x1e]);
    }
    format!("{:08x}", (h >> 32) ^ (h & 0xffff_ffff))
}

/// A text as fingerprints see it: white-space runs made one space, ends trimmed.
pub fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A table cell's lines, as the edition prints them.
pub fn lines(s: &str) -> String {
    s.split('\n').map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}

fn seg(id: impl Into<String>, text: &Spanned<String>, kind: Kind) -> Seg {
    Seg { id: id.into(), text: text.get_ref().clone(), kind, at: text.span() }
}

fn plain(id: impl Into<String>, text: &Spanned<String>) -> Seg {
    seg(id, text, Kind::Plain)
}

/// The segments of a block (none for a figure, SDG tiles or a panel without title).
pub fn block_segs(b: &Block) -> Vec<Seg> {
    block_fields(b).into_iter().map(|(id, text, kind)| seg(id, text, kind)).collect()
}

/// Every string of a block with its segment id and how it is read, in
/// segment order: what [`block_segs`] fingerprints, with each string's span.
pub fn block_fields(b: &Block) -> Vec<(String, &Spanned<String>, Kind)> {
    let mut out = Vec::new();
    for (name, v) in [("p", &b.p), ("h", &b.h), ("h3", &b.h3), ("h4", &b.h4)] {
        if let Some(t) = v {
            out.push((name.to_string(), t, Kind::Markup));
        }
    }
    if let Some(items) = &b.list {
        out.extend(items.iter().enumerate().map(|(i, t)| (format!("list.{i}"), t, Kind::Markup)));
    }
    if let Some(t) = &b.title {
        out.push(("title".to_string(), t, Kind::Markup));
    }
    if let Some(t) = &b.table {
        out.push(("table.caption".to_string(), &t.caption, Kind::Markup));
        out.extend(t.header.iter().enumerate().map(|(i, c)| (format!("table.header.{i}"), c, Kind::Lines)));
        for (r, row) in t.rows.iter().enumerate() {
            out.extend(row.iter().enumerate().map(|(c, cell)| (format!("table.rows.{r}.{c}"), cell, Kind::Lines)));
        }
        if let Some(s) = &t.source {
            out.push(("table.source".to_string(), s, Kind::Markup));
        }
    }
    if let Some(ph) = &b.photo {
        out.push(("photo.caption".to_string(), &ph.caption, Kind::Markup));
        if let Some(c) = &ph.credit {
            out.push(("photo.credit".to_string(), c, Kind::Markup));
        }
        out.push(("photo.alt".to_string(), &ph.alt, Kind::Plain));
    }
    out
}

fn chart_segs(c: &ChartText) -> Vec<Seg> {
    let mut out = vec![plain("title", &c.title)];
    out.extend(c.categories.iter().map(|(k, v)| plain(format!("categories.{k}"), v)));
    out.extend(c.series.iter().map(|(k, v)| plain(format!("series.{k}"), v)));
    if let Some(n) = &c.note {
        out.push(plain("note", n));
    }
    if let Some(a) = &c.axis {
        out.push(plain("axis", a));
    }
    out.extend(c.references.iter().map(|(k, v)| plain(format!("references.{k}"), v)));
    out
}

fn recorded(src: Option<&Spanned<String>>) -> Option<(String, Range<usize>)> {
    src.map(|s| (s.get_ref().clone(), s.span()))
}

/// A chapter file's groups, in file order: heading, blocks, labels, charts.
pub fn chapter_groups(t: &TextFile) -> Vec<Group> {
    let mut out = Vec::new();
    let mut heading = vec![seg("title", &t.title, Kind::Markup)];
    if let Some(s) = &t.subtitle {
        heading.push(seg("subtitle", s, Kind::Markup));
    }
    out.push(Group { key: Key::Heading, segs: heading, at: t.title.span(), recorded: recorded(t.src.as_ref()) });
    for b in &t.block {
        let Some(id) = &b.id else { continue };
        let segs = block_segs(b);
        if segs.is_empty() {
            continue;
        }
        out.push(Group {
            key: Key::Block(id.get_ref().clone()),
            segs,
            at: id.span(),
            recorded: recorded(b.src.as_ref()),
        });
    }
    for (k, v) in &t.labels {
        out.push(Group {
            key: Key::Label(k.clone()),
            segs: vec![plain("text", v)],
            at: v.span(),
            recorded: recorded(t.labels_src.get(k)),
        });
    }
    for (id, c) in &t.charts {
        out.push(Group {
            key: Key::Chart(id.clone()),
            segs: chart_segs(c),
            at: c.title.span(),
            recorded: recorded(c.src.as_ref()),
        });
    }
    out
}

/// `meta.toml` as one group.
pub fn meta_group(m: &MetaText) -> Group {
    let segs = meta_fields(m).into_iter().map(|(id, v)| plain(id, v)).collect();
    Group { key: Key::Meta, segs, at: m.title.span(), recorded: recorded(m.src.as_ref()) }
}

/// Every string of `meta.toml` with its segment id, in segment order: what
/// [`meta_group`] fingerprints, with each string's span.
pub fn meta_fields(m: &MetaText) -> Vec<(String, &Spanned<String>)> {
    let mut out = vec![("title".to_string(), &m.title)];
    for (name, v) in [("kicker", &m.kicker), ("subtitle", &m.subtitle), ("motto", &m.motto)] {
        if let Some(v) = v {
            out.push((name.to_string(), v));
        }
    }
    out.push(("city".to_string(), &m.city));
    out.push(("author".to_string(), &m.author));
    out.extend(m.keywords.iter().enumerate().map(|(i, k)| (format!("keywords.{i}"), k)));
    // The cover's and the imprint's texts.
    for (name, v) in [("cover-title", &m.cover_title), ("cover-credit", &m.cover_credit), ("cover-alt", &m.cover_alt)] {
        if let Some(v) = v {
            out.push((name.to_string(), v));
        }
    }
    let imprint = &m.imprint;
    for (name, v) in [
        ("imprint.publisher", &imprint.publisher),
        ("imprint.licence", &imprint.licence),
        ("imprint.disclaimer", &imprint.disclaimer),
        ("imprint.link", &imprint.link),
        ("imprint.copyright", &imprint.copyright),
        ("imprint.citation", &imprint.citation),
        ("imprint.identifier", &imprint.identifier),
        ("imprint.original", &imprint.original),
    ] {
        if let Some(v) = v {
            out.push((name.to_string(), v));
        }
    }
    out.extend(imprint.contact.iter().enumerate().map(|(i, c)| (format!("imprint.contact.{i}"), c)));
    out.extend(imprint.notes.iter().enumerate().map(|(i, n)| (format!("imprint.notes.{i}"), n)));
    out.extend(imprint.credits.iter().enumerate().map(|(i, c)| (format!("imprint.credits.{i}"), c)));
    // Not the acronyms: each language lists its own (keyed as it writes
    // them), which is its writing, not a translation of the source's list.
    out
}

/// The state of one group's translation.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    /// Translated from the current source text.
    Current,
    /// Translated from another version of the source text.
    Stale,
    /// Translated, but no fingerprint is recorded.
    Unstamped,
    /// Translated in part: the segments named have no translation.
    Incomplete(Vec<String>),
    /// Not translated.
    Missing,
}

impl State {
    /// Stale or unstamped: translated, but not known to be from the current source.
    pub fn is_stale(&self) -> bool {
        matches!(self, State::Stale | State::Unstamped)
    }

    /// Missing or incomplete.
    pub fn is_missing(&self) -> bool {
        matches!(self, State::Missing | State::Incomplete(_))
    }
}

/// One source group and its translation's state.
#[derive(Debug, Clone)]
pub struct Status {
    /// The file's stem: the chapter id, or `meta`.
    pub file: String,
    /// The translation's path (where it is, or would be).
    pub path: PathBuf,
    /// Whether the translation's file exists.
    pub file_exists: bool,
    /// The group in the source language.
    pub source: Group,
    /// The same group in the translation, if it is there.
    pub translation: Option<Group>,
    /// How the translation stands against the source.
    pub state: State,
    /// The source segments the translation was made from, (id, text), where
    /// the record keeps them (see [`super::source_record`]).
    pub from: Option<Vec<(String, String)>>,
}

/// How one segment of a translation stands against the source.
#[derive(Debug, Clone, PartialEq)]
pub enum SegState {
    /// Not translated.
    Missing,
    /// Translated from the current source text.
    Current,
    /// Translated from another source text: the one recorded, if it is known.
    Stale(Option<String>),
}

impl Status {
    /// `<file>/<key>`, as the `stamp` command takes it.
    pub fn full_key(&self) -> String {
        match self.source.key {
            Key::Meta => "meta".into(),
            _ => format!("{}/{}", self.file, self.source.key.id()),
        }
    }

    /// The source file's name: `<file>.toml`.
    pub fn source_file(&self) -> String {
        format!("{}.toml", self.file)
    }

    /// How the translation of one of the source's segments stands.
    pub fn seg_state(&self, seg: &Seg) -> SegState {
        let Some(t) = &self.translation else { return SegState::Missing };
        if t.seg(&seg.id).is_none() {
            return SegState::Missing;
        }
        if self.state == State::Current || t.recorded.as_ref().is_some_and(|(fp, _)| *fp == self.source.fingerprint()) {
            return SegState::Current;
        }
        match self.from.as_ref().and_then(|f| f.iter().find(|(id, _)| *id == seg.id)) {
            Some((_, old)) if normalise(old) == normalise(&seg.text) => SegState::Current,
            Some((_, old)) => SegState::Stale(Some(old.clone())),
            None => SegState::Stale(None),
        }
    }

    /// The source's segments whose translation is stale, where the record
    /// tells them apart (`None`: not known segment by segment).
    pub fn changed(&self) -> Option<Vec<&Seg>> {
        if !self.state.is_stale() || self.from.is_none() {
            return None;
        }
        Some(self.source.segs.iter().filter(|s| matches!(self.seg_state(s), SegState::Stale(_))).collect())
    }

    /// Segments the translation was made from that the source no longer has: (id, text).
    pub fn dropped(&self) -> Vec<(&str, &str)> {
        let Some(from) = &self.from else { return Vec::new() };
        from.iter().filter(|(id, _)| self.source.seg(id).is_none()).map(|(i, t)| (i.as_str(), t.as_str())).collect()
    }

    /// Where to point at in the translation: its fingerprint, else the group.
    pub fn span(&self) -> Option<Range<usize>> {
        let t = self.translation.as_ref()?;
        Some(t.recorded.as_ref().map_or_else(|| t.at.clone(), |(_, s)| s.clone()))
    }
}

/// What changed in a stale group's source, where the record tells it, for
/// messages: ` (segment `list.2` changed)`; empty if not known.
pub fn which_changed(st: &Status) -> String {
    let Some(changed) = st.changed() else { return String::new() };
    let quoted = |ids: Vec<&str>| ids.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ");
    let mut parts = Vec::new();
    match changed.len() {
        0 => {}
        1 => parts.push(format!("segment {} changed", quoted(vec![changed[0].id.as_str()]))),
        n => parts.push(format!("{n} segments changed: {}", quoted(changed.iter().map(|s| s.id.as_str()).collect()))),
    }
    let dropped = st.dropped();
    if !dropped.is_empty() {
        parts.push(format!("removed: {}", quoted(dropped.iter().map(|(i, _)| *i).collect())));
    }
    if parts.is_empty() { String::new() } else { format!(" ({})", parts.join("; ")) }
}

fn state(source: &Group, translation: Option<&Group>) -> State {
    let Some(t) = translation else { return State::Missing };
    let absent: Vec<String> = source.segs.iter().filter(|s| t.seg(&s.id).is_none()).map(|s| s.id.clone()).collect();
    if !absent.is_empty() {
        return State::Incomplete(absent);
    }
    match &t.recorded {
        None => State::Unstamped,
        Some((fp, _)) if *fp == source.fingerprint() => State::Current,
        Some(_) => State::Stale,
    }
}

/// The source segments a translated group was made from, if recorded.
fn recorded_from(
    record: Option<&Record>,
    file: &str,
    source: &Group,
    t: Option<&Group>,
) -> Option<Vec<(String, String)>> {
    let (fp, _) = t?.recorded.as_ref()?;
    Some(record?.get(file, &source.key.id(), fp)?.to_vec())
}

/// The state of every source group of the chapters listed (in their order)
/// and of `meta.toml`, in one language; `record` holds the source texts
/// translations were made from, where kept.
pub fn status(
    src: &LangTexts,
    tr: Option<&LangTexts>,
    lang: &str,
    chapters: &[String],
    record: Option<&Record>,
) -> Vec<Status> {
    let mut out = Vec::new();
    let dir = Path::new("text").join(lang);
    // Only the book's chapters: a text file vlr.toml does not list is never printed.
    for stem in chapters {
        let Some((_, source)) = src.chapters.get(stem) else { continue };
        let translated = tr.and_then(|t| t.chapters.get(stem));
        let path = translated.map_or_else(|| dir.join(format!("{stem}.toml")), |(p, _)| p.clone());
        let tgroups = translated.map(|(_, t)| chapter_groups(t)).unwrap_or_default();
        for g in chapter_groups(source) {
            let t = tgroups.iter().find(|t| t.key == g.key).cloned();
            out.push(Status {
                file: stem.clone(),
                path: path.clone(),
                file_exists: translated.is_some(),
                state: state(&g, t.as_ref()),
                from: recorded_from(record, stem, &g, t.as_ref()),
                source: g,
                translation: t,
            });
        }
    }
    if let Some((_, m)) = &src.meta {
        let translated = tr.and_then(|t| t.meta.as_ref());
        let path = translated.map_or_else(|| dir.join("meta.toml"), |(p, _)| p.clone());
        let g = meta_group(m);
        let t = translated.map(|(_, m)| meta_group(m));
        out.push(Status {
            file: "meta".into(),
            path,
            file_exists: translated.is_some(),
            state: state(&g, t.as_ref()),
            from: recorded_from(record, "meta", &g, t.as_ref()),
            source: g,
            translation: t,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_ignore_wrapping_but_not_wording() {
        let a = fingerprint([("p", "GDP grew to {gdp}\n  in 2020.")]);
        assert_eq!(a, fingerprint([("p", "GDP grew to {gdp} in 2020. ")]));
        assert_ne!(a, fingerprint([("p", "GDP grew to {gdp} in 2021.")]));
        assert_ne!(a, fingerprint([("h", "GDP grew to {gdp} in 2020.")]));
        assert_eq!(a.len(), 8);
        // Stable across versions and platforms: a changed algorithm would mark every translation stale.
        assert_eq!(fingerprint([("p", "a")]), "9815eb08");
        assert_eq!(fingerprint([("p", " a  b\n c ")]), fingerprint([("p", normalise(" a  b\n c ").as_str())]));
    }

    #[test]
    fn groups_of_a_chapter() {
        let t: TextFile = toml::from_str(
            "title = \"T\"\n[[block]]\nid = \"a\"\np = \"x\"\n[[block]]\nfigure = \"f\"\n[[block]]\nid = \"t\"\ntable.caption = \"c\"\ntable.header = [\"h1\", \"h2\"]\ntable.rows = [[\"1\", \"2\"]]\n[labels]\ngdp = \"GDP\"\n[labels-src]\ngdp = \"00000000\"\n[charts.c]\ntitle = \"C\"\ncategories = { a = \"A\" }\n",
        )
        .unwrap();
        let g = chapter_groups(&t);
        let keys: Vec<String> = g.iter().map(|g| g.key.id()).collect();
        assert_eq!(keys, ["heading", "block.a", "block.t", "label.gdp", "chart.c"]);
        let ids: Vec<&str> = g[2].segs.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["table.caption", "table.header.0", "table.header.1", "table.rows.0.0", "table.rows.0.1"]);
        assert_eq!(g[3].recorded.as_ref().map(|r| r.0.as_str()), Some("00000000"));
        assert_eq!(state(&g[3], Some(&g[3])), State::Stale);
        assert_eq!(state(&g[1], Some(&g[1])), State::Unstamped);
        assert_eq!(state(&g[1], None), State::Missing);
    }
}
