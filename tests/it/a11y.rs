//! Accessibility of the bundled editions, read from the PDFs themselves (the
//! structure tree, the marked content and the bookmarks), so what an
//! accessibility review found cannot come back unseen (#27): the headings
//! follow the document's outline, passages in another language carry their
//! /Lang, the lists of figures and tables are tables of contents, and no
//! structure element is left empty.

use std::collections::{BTreeMap, HashMap};

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::common::repo;
use crate::edition::{LANGS, pdf};

/// A structure element, flattened in document order.
struct Element {
    /// Its type (`H1`, `P`, `TOC`, …).
    kind: String,
    /// Its depth in the tree (0: the Document element; 1: its children).
    depth: usize,
    /// Its /Lang, or the nearest ancestor's.
    lang: Option<String>,
    /// Its /T (typst writes a heading's text there).
    title: Option<String>,
    /// Its marked content (page, MCID) and child elements, counted.
    kids: usize,
    /// The marked content it holds directly.
    mcids: Vec<(ObjectId, i64)>,
    /// A header cell for its row (a TH with /Scope /Row).
    row_header: bool,
}

/// A PDF string as text (UTF-16 with a BOM, else PDFDocEncoding taken as Latin-1).
fn string(o: &Object) -> Option<String> {
    let Object::String(bytes, _) = o else { return None };
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> =
            bytes[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
        Some(String::from_utf16_lossy(&units))
    } else {
        Some(bytes.iter().map(|&b| b as char).collect())
    }
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(o),
        _ => o,
    }
}

/// The structure tree in document order.
fn elements(doc: &Document) -> Vec<Element> {
    fn walk(
        doc: &Document,
        o: &Object,
        depth: usize,
        page: Option<ObjectId>,
        lang: Option<String>,
        out: &mut Vec<Element>,
    ) {
        let Ok(d) = deref(doc, o).as_dict() else { return };
        if d.get(b"Type").and_then(Object::as_name).is_ok_and(|t| t == b"MCR" || t == b"OBJR") {
            return;
        }
        let kind =
            d.get(b"S").and_then(Object::as_name).map(|s| String::from_utf8_lossy(s).into_owned()).unwrap_or_default();
        let page = d.get(b"Pg").and_then(Object::as_reference).ok().or(page);
        let lang = d.get(b"Lang").ok().and_then(string).or(lang);
        let title = d.get(b"T").ok().and_then(string);
        let attrs: Vec<&Object> = match d.get(b"A").map(|a| deref(doc, a)) {
            Ok(Object::Array(a)) => a.iter().map(|a| deref(doc, a)).collect(),
            Ok(a) => vec![a],
            Err(_) => vec![],
        };
        let row_header = attrs
            .iter()
            .filter_map(|a| a.as_dict().ok())
            .any(|a| a.get(b"Scope").and_then(Object::as_name).is_ok_and(|s| s == b"Row"));
        let kids: Vec<&Object> = match d.get(b"K").map(|k| deref(doc, k)) {
            Ok(Object::Array(a)) => a.iter().collect(),
            Ok(k) => vec![k],
            Err(_) => vec![],
        };
        let mut mcids = Vec::new();
        for k in &kids {
            match deref(doc, k) {
                Object::Integer(n) => mcids.extend(page.map(|p| (p, *n))),
                Object::Dictionary(m) if m.get(b"Type").and_then(Object::as_name).is_ok_and(|t| t == b"MCR") => {
                    let pg = m.get(b"Pg").and_then(Object::as_reference).ok().or(page);
                    if let (Some(p), Ok(n)) = (pg, m.get(b"MCID").and_then(Object::as_i64)) {
                        mcids.push((p, n));
                    }
                }
                _ => {}
            }
        }
        out.push(Element { kind, depth, lang: lang.clone(), title, kids: kids.len(), mcids, row_header });
        for k in kids {
            walk(doc, k, depth + 1, page, lang.clone(), out);
        }
    }
    let root = doc.catalog().unwrap().get(b"StructTreeRoot").unwrap();
    let root = deref(doc, root).as_dict().unwrap();
    let doc_lang = doc.catalog().unwrap().get(b"Lang").ok().and_then(string);
    let mut out = Vec::new();
    match root.get(b"K").map(|k| deref(doc, k)) {
        Ok(Object::Array(a)) => a.iter().for_each(|k| walk(doc, k, 0, None, doc_lang.clone(), &mut out)),
        Ok(k) => walk(doc, k, 0, None, doc_lang.clone(), &mut out),
        Err(_) => {}
    }
    out
}

/// A font's ToUnicode map: glyph code → text.
fn to_unicode(doc: &Document, font: &Dictionary) -> HashMap<u16, String> {
    let mut map = HashMap::new();
    let Ok(Object::Stream(s)) = font.get(b"ToUnicode").map(|o| deref(doc, o)) else { return map };
    let data = s.decompressed_content().unwrap_or_else(|_| s.content.clone());
    let text = String::from_utf8_lossy(&data);
    for block in text.split("beginbfchar").skip(1) {
        let block = block.split("endbfchar").next().unwrap_or("");
        for line in block.lines() {
            let hex: Vec<&str> = line.split(['<', '>']).filter(|p| !p.trim().is_empty()).collect();
            if let [code, uni] = hex[..]
                && let Ok(code) = u16::from_str_radix(code, 16)
            {
                let units: Vec<u16> =
                    (0..uni.len() / 4).filter_map(|i| u16::from_str_radix(&uni[i * 4..i * 4 + 4], 16).ok()).collect();
                map.insert(code, String::from_utf16_lossy(&units));
            }
        }
    }
    map
}

/// One marked-content sequence with an MCID: its text (its /ActualText where
/// it has one) and its own /Lang.
struct Marked {
    text: String,
    lang: Option<String>,
}

/// Every marked-content sequence with an MCID, by (page, MCID).
fn marked(doc: &Document) -> HashMap<(ObjectId, i64), Marked> {
    let mut out = HashMap::new();
    for page in doc.get_pages().into_values() {
        let fonts: BTreeMap<Vec<u8>, HashMap<u16, String>> =
            doc.get_page_fonts(page).unwrap().into_iter().map(|(name, f)| (name, to_unicode(doc, f))).collect();
        let content = Content::decode(&doc.get_page_content(page)).unwrap();
        // Open sequences: (MCID, /Lang, /ActualText).
        let mut stack: Vec<(Option<i64>, Option<String>, Option<String>)> = Vec::new();
        let mut font: Option<&HashMap<u16, String>> = None;
        for op in &content.operations {
            match op.operator.as_str() {
                "BDC" => {
                    let props = op.operands.get(1).map(|o| deref(doc, o)).and_then(|o| o.as_dict().ok());
                    let get = |k: &[u8]| props.and_then(|p| p.get(k).ok());
                    let mcid = get(b"MCID").and_then(|o| o.as_i64().ok());
                    let lang = get(b"Lang").and_then(string);
                    let actual = get(b"ActualText").and_then(string);
                    if let Some(t) = &actual
                        && let Some(m) = stack.iter().rev().find_map(|(m, _, _)| *m)
                    {
                        out.entry((page, m)).or_insert(Marked { text: String::new(), lang: None }).text.push_str(t);
                    }
                    if let Some(m) = mcid {
                        out.entry((page, m)).or_insert(Marked { text: String::new(), lang: lang.clone() });
                    }
                    stack.push((mcid, lang, actual));
                }
                "BMC" => stack.push((None, None, None)),
                "EMC" => {
                    stack.pop();
                }
                "Tf" => {
                    font = op.operands.first().and_then(|o| o.as_name().ok()).and_then(|n| fonts.get(n));
                }
                "Tj" | "TJ" | "'" | "\"" => {
                    if stack.iter().any(|(_, _, a)| a.is_some()) {
                        continue;
                    }
                    let Some(m) = stack.iter().rev().find_map(|(m, _, _)| *m) else { continue };
                    let mut text = String::new();
                    let mut show = |o: &Object| {
                        if let Object::String(bytes, _) = o {
                            for c in bytes.chunks(2) {
                                let code = u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]);
                                text.push_str(font.and_then(|f| f.get(&code)).map_or("\u{FFFD}", String::as_str));
                            }
                        }
                    };
                    for o in &op.operands {
                        match o {
                            Object::Array(a) => a.iter().for_each(&mut show),
                            o => show(o),
                        }
                    }
                    out.entry((page, m)).or_insert(Marked { text: String::new(), lang: None }).text.push_str(&text);
                }
                _ => {}
            }
        }
    }
    out
}

/// The bookmarks, in order: (depth from 1, title).
fn bookmarks(doc: &Document) -> Vec<(usize, String)> {
    fn walk(doc: &Document, first: Option<&Object>, depth: usize, out: &mut Vec<(usize, String)>) {
        let mut next = first.and_then(|o| o.as_reference().ok());
        while let Some(id) = next {
            let Ok(item) = doc.get_dictionary(id) else { break };
            out.push((depth, item.get(b"Title").ok().and_then(string).unwrap_or_default()));
            walk(doc, item.get(b"First").ok(), depth + 1, out);
            next = item.get(b"Next").and_then(Object::as_reference).ok();
        }
    }
    let mut out = Vec::new();
    if let Ok(outlines) = doc.catalog().unwrap().get(b"Outlines").map(|o| deref(doc, o))
        && let Ok(outlines) = outlines.as_dict()
    {
        walk(doc, outlines.get(b"First").ok(), 1, &mut out);
    }
    out
}

/// The level of a heading element (`H2` → 2).
fn level(kind: &str) -> Option<usize> {
    kind.strip_prefix('H').and_then(|n| n.parse().ok())
}

/// The chapters' numbers in vlr.toml, with the level the document's outline
/// gives each (vlr's `chapter_levels`).
fn chapter_numbers() -> Vec<(String, u8)> {
    let project: toml::Table = toml::from_str(&std::fs::read_to_string(repo().join("vlr.toml")).unwrap()).unwrap();
    let numbers: Vec<Option<String>> = project["chapter"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.get("number").and_then(|n| n.as_str()).map(str::to_string))
        .collect();
    let levels = vlr::data::project_file::chapter_levels(numbers.iter().map(Option::as_deref));
    numbers.into_iter().zip(levels).filter_map(|(n, l)| Some((n?, l))).collect()
}

/// In every edition the headings are the document's outline: a chapter's
/// title is a heading at its level (4.1, a section of chapter 4, is an H2
/// under 4's H1), its numbered sections one level below, the levels never
/// skip, the first heading is the cover's title, and the bookmarks nest as
/// the headings they lead to.
#[test]
fn headings_and_bookmarks_follow_the_document_outline() {
    let chapters = chapter_numbers();
    assert!(chapters.iter().any(|(_, l)| *l == 2), "the bundled project nests a chapter under another: {chapters:?}");
    for lang in LANGS {
        let doc = Document::load(pdf(lang)).unwrap();
        let headings: Vec<(usize, String)> = elements(&doc)
            .into_iter()
            .filter_map(|e| Some((level(&e.kind)?, e.title.unwrap_or_default().replace('\u{A0}', " "))))
            .collect();
        assert!(headings.len() > 50, "{lang}: {} headings", headings.len());
        // The first is the document's title, an H1.
        let title = doc
            .trailer
            .get(b"Info")
            .ok()
            .and_then(|i| deref(&doc, i).as_dict().ok())
            .and_then(|i| i.get(b"Title").ok())
            .and_then(string);
        assert_eq!(headings[0].0, 1, "{lang}: the first heading is an H1: {:?}", headings[0]);
        assert_eq!(Some(headings[0].1.clone()), title, "{lang}: the first heading is the document's title");
        let mut prev = 0;
        for (l, t) in &headings {
            assert!(*l <= prev + 1, "{lang}: `{t}` is an H{l} after an H{prev}");
            prev = *l;
        }
        for (number, chapter_level) in &chapters {
            let at = |prefix: &str| {
                headings.iter().filter(|(_, t)| t.starts_with(prefix)).map(|(l, _)| *l).collect::<Vec<_>>()
            };
            let own = at(&format!("{number} "));
            assert_eq!(own, vec![*chapter_level as usize], "{lang}: chapter {number}'s title");
            // Its sections (4.1.1 …), unless a section is a chapter of its own (4.1 under 4).
            for k in 1..10 {
                let section = format!("{number}.{k}");
                if chapters.iter().any(|(n, _)| *n == section) {
                    continue;
                }
                for l in at(&format!("{section} ")) {
                    assert_eq!(l, *chapter_level as usize + 1, "{lang}: section {section}");
                }
            }
        }
        // Each bookmark sits as deep as its heading's level.
        let marks = bookmarks(&doc);
        assert!(marks.len() > 30, "{lang}: {} bookmarks", marks.len());
        for (depth, t) in &marks {
            let t = t.replace('\u{A0}', " ");
            let l = headings.iter().find(|(_, h)| *h == t).map(|(l, _)| *l);
            assert_eq!(l, Some(*depth), "{lang}: bookmark `{t}` at depth {depth}");
        }
    }
}

/// The English passages of the translations are tagged as English: every
/// marked-content sequence that holds a word of the English title the
/// translations cite in the original (*Sustainable Development Report*, in
/// the text and, unmarked, in translated citations), or an English name the
/// Arabic or Chinese text keeps, carries /Lang en (its own or its element's).
#[test]
fn english_passages_of_the_translations_carry_lang_en() {
    let words: &[(&str, &[&str])] = &[
        ("ar", &["Sustainable", "Development", "Jiliang"]),
        ("es", &["Sustainable", "Development"]),
        ("fr", &["Sustainable", "Development"]),
        ("ru", &["Sustainable", "Development"]),
        // (Not "Global E-trans": an indicator's label, a plain field, prints it
        // in panels, and a plain field carries no language yet.)
        ("zh", &["Run with"]),
    ];
    for (lang, words) in words {
        let doc = Document::load(pdf(lang)).unwrap();
        let marked = marked(&doc);
        // The language each sequence is read in: its own, else its element's.
        let mut of: HashMap<(ObjectId, i64), Option<String>> = HashMap::new();
        for e in elements(&doc) {
            for id in e.mcids {
                of.insert(id, e.lang.clone());
            }
        }
        for word in *words {
            let found: Vec<(&Marked, Option<String>)> = marked
                .iter()
                .filter(|(_, m)| m.text.contains(word))
                .map(|(id, m)| (m, m.lang.clone().or_else(|| of.get(id).cloned().flatten())))
                .collect();
            assert!(!found.is_empty(), "{lang}: `{word}` is printed");
            for (m, l) in found {
                assert_eq!(l.as_deref(), Some("en"), "{lang}: `{}` is read as {l:?}", m.text);
            }
        }
    }
}

/// The lists of figures and tables are tables of contents (TOC, TOCI) like
/// the contents, not links among Divs; no structure element is left empty
/// but a table's cell; the list of acronyms is a table whose short forms
/// head their rows.
#[test]
fn lists_are_tables_of_contents_and_no_element_is_empty() {
    for lang in LANGS {
        let doc = Document::load(pdf(lang)).unwrap();
        let els = elements(&doc);
        // The contents and the two lists are TOCs under the Document, and no
        // link stands there on its own (the lists' entries were such links).
        let tocs = els.iter().filter(|e| e.kind == "TOC" && e.depth == 1).count();
        assert_eq!(tocs, 3, "{lang}: contents, figures and tables are each a TOC");
        for (i, e) in els.iter().enumerate() {
            if e.kind == "Link" && e.depth == 1 {
                panic!("{lang}: a link outside any list, element {i}");
            }
            if e.kids == 0 && !matches!(e.kind.as_str(), "TD" | "TH") {
                panic!("{lang}: an empty {} (element {i})", e.kind);
            }
        }
        // Each language lists its own acronyms (all of them used: `vlr check`
        // warns of one its text never uses).
        let meta: toml::Table =
            toml::from_str(&std::fs::read_to_string(repo().join(format!("text/{lang}/meta.toml"))).unwrap()).unwrap();
        let listed = meta.get("acronyms").and_then(|a| a.as_table()).map_or(0, |a| a.len());
        assert!(listed > 0, "{lang}: the bundled edition lists acronyms");
        let row_headers = els.iter().filter(|e| e.kind == "TH" && e.row_header).count();
        assert_eq!(row_headers, listed, "{lang}: the {listed} acronyms' short forms head their rows");
    }
}
