//! The bundled Yiwu editions: every heading and every figure reach the PDF, in
//! every language, and every language prints the same figures as the English.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::common::{self, pdf_text, repo, stderr};

/// The repository's project (fonts linked), built once per test process:
/// all six editions, their Typst sources emitted to `emitted/`. The tests
/// only read it (the book has 64 to 74 pages: one build of each edition in
/// all, not one per test). The build starts from the committed
/// `copyfit.lock`, which must be up to date: it is what lets a fresh clone
/// lay each edition out once, and a build that searched rewrites it.
pub(crate) fn yiwu() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = common::shared_dir("yiwu");
        for sub in ["data", "text", "templates"] {
            common::copy_dir(&repo().join(sub), &dir.join(sub));
        }
        for file in ["vlr.toml", "copyfit.lock"] {
            std::fs::copy(repo().join(file), dir.join(file)).unwrap();
        }
        common::link_fonts(&dir);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_vlr"))
            .args(["build", "--emit-typst", "emitted"])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let lock = |root: &Path| std::fs::read_to_string(root.join("copyfit.lock")).unwrap();
        assert!(
            lock(&dir) == lock(&repo()),
            "copyfit.lock is out of date (templates, text, data or the search changed): \
             run `cargo run -- build` and commit copyfit.lock"
        );
        dir
    })
}

/// The languages of the bundled editions.
pub(crate) const LANGS: [&str; 6] = ["ar", "en", "es", "fr", "ru", "zh"];

/// The PDF of one edition.
pub(crate) fn pdf(lang: &str) -> PathBuf {
    yiwu().join(format!("dist/yiwu-vlr-2020.{lang}.pdf"))
}

/// The text of one edition's PDF (whitespace collapsed), extracted once per
/// test process: extracting a 70-page PDF takes seconds.
fn text(lang: &str) -> &'static str {
    static TEXTS: [OnceLock<String>; LANGS.len()] = [const { OnceLock::new() }; LANGS.len()];
    let i = LANGS.iter().position(|l| *l == lang).unwrap_or_else(|| panic!("`{lang}` is not a bundled edition"));
    TEXTS[i].get_or_init(|| pdf_text(&pdf(lang)))
}

fn normalise(s: &str) -> String {
    // Whitespace, quotation marks and hyphens are dropped: text extraction may
    // split styled runs, and maps a hyphen and a soft hyphen (a line broken by
    // hyphenation) to the same glyph.
    s.chars().filter(|c| !c.is_whitespace() && !"\"'“”‘’«»„‚‹›-\u{ad}".contains(*c)).collect()
}

#[test]
fn english_edition_holds_every_heading_and_sample_figures() {
    edition_holds_headings_and_figures(
        "en",
        &["148.56 billion yuan", "1.8594 million", "80,392", "1.90:1", "312.95 billion yuan", "175,865 yuan"],
    );
    // A value keeps the decimals it is written with (10.60e9) wherever it
    // prints: the "Yiwu 2020" panel ("10.60 billion yuan") and the annex's
    // column in billion yuan ("10.60") alike, never "10.6".
    let t = normalise(text("en"));
    assert!(t.contains("10.60billionyuan") && !t.contains("10.6billion"), "budget revenue as written in the panel");
    assert!(text("en").matches("10.60").count() >= 2, "and in the annex");
}

#[test]
fn chinese_edition_holds_every_heading_and_sample_figures() {
    edition_holds_headings_and_figures(
        "zh",
        &["1485.6亿元", "185.94万", "80392标箱", "1.90∶1", "3129.5亿元", "175865元"],
    );
}

#[test]
fn every_edition_holds_every_heading_and_figure_of_the_english() {
    let dir = yiwu();
    let langs: Vec<String> = std::fs::read_dir(dir.join("emitted"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for lang in LANGS {
        assert!(langs.iter().any(|l| l == lang), "vlr.toml builds {lang}: {langs:?}");
    }
    let english = placeholders("en");
    for lang in &langs {
        // The same indicators are printed in every language.
        assert_eq!(placeholders(lang), english, "{lang} prints other figures than the English");
        // Every figure resolved for the edition reaches its PDF.
        let text = normalise(text(lang));
        let mut figures = Vec::new();
        for entry in std::fs::read_dir(dir.join("emitted").join(lang).join("data")).unwrap() {
            let json: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap()).unwrap();
            collect_figures(&json, &mut figures);
        }
        assert!(figures.len() >= 300, "{lang}: {} figures", figures.len());
        // Arabic text comes out of the PDF in presentation forms and visual
        // order: there, each figure's digits are looked for.
        let found = |f: &String| {
            if lang == "ar" {
                f.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
                    .filter(|n| n.chars().any(|c| c.is_ascii_digit()))
                    .all(|n| text.contains(n.trim_matches(['.', ','])))
            } else {
                text.contains(&normalise(f))
            }
        };
        let missing: Vec<&String> = figures.iter().filter(|f| !found(f)).collect();
        assert!(missing.is_empty(), "{lang}: figures missing from the PDF: {missing:?}");
        headings_reach_the_pdf(lang, &text);
    }
}

/// The indicator ids a language's text files print.
fn placeholders(lang: &str) -> std::collections::BTreeSet<String> {
    let mut ids = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(repo().join("text").join(lang)).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for (i, _) in text.match_indices('{') {
            let rest = &text[i + 1..];
            let id: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
            // `]{lang=en}` closes a passage in another language: not a placeholder.
            let passage = text[..i].ends_with(']') && rest.starts_with("lang=");
            if !id.is_empty() && !text[..i].ends_with('{') && !rest.starts_with('{') && !passage {
                ids.insert(id);
            }
        }
    }
    ids
}

/// Every key the bundled editions write (data.json and each chapter's file,
/// in every language) is listed, under its object, in the contract the
/// templates are written against.
#[test]
fn every_key_of_the_document_is_in_the_template_contract() {
    let contract = std::fs::read_to_string(repo().join("docs/template-contract.md")).unwrap();
    let read = |p: &Path| serde_json::from_slice::<serde_json::Value>(&std::fs::read(p).unwrap()).unwrap();
    let mut unlisted = Vec::new();
    for lang in LANGS {
        let dir = yiwu().join("emitted").join(lang);
        let mut files = vec![(dir.join("data.json"), "document")];
        for entry in std::fs::read_dir(dir.join("data")).unwrap() {
            files.push((entry.unwrap().path(), "chapter"));
        }
        for (file, object) in files {
            let keys = vlr::data::document::unlisted_keys(&read(&file), object, &contract);
            unlisted.extend(keys.into_iter().map(|k| format!("{}: {k}", file.display())));
        }
    }
    assert!(unlisted.is_empty(), "not in docs/template-contract.md: {unlisted:#?}");
}

/// The texts of figure runs (`"f": true`) in a resolved chapter.
fn collect_figures(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(o) => {
            if o.get("f").and_then(serde_json::Value::as_bool) == Some(true)
                && let Some(t) = o.get("t").and_then(serde_json::Value::as_str)
            {
                out.push(t.to_string());
            }
            if let Some(t) = o.get("value").and_then(serde_json::Value::as_str) {
                out.push(t.to_string()); // a key-figure panel's value
            }
            o.values().for_each(|v| collect_figures(v, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect_figures(v, out)),
        _ => {}
    }
}

fn edition_holds_headings_and_figures(lang: &str, figures: &[&str]) {
    let text = normalise(text(lang));
    headings_reach_the_pdf(lang, &text);
    for figure in figures {
        assert!(text.contains(&normalise(figure)), "figure {figure} not in the PDF");
    }
}

fn headings_reach_the_pdf(lang: &str, text: &str) {
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(repo().join("text").join(lang)).unwrap() {
        let path = entry.unwrap().path();
        let doc: toml::Table = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut headings: Vec<String> =
            doc.get("title").and_then(|t| t.as_str()).map(String::from).into_iter().collect();
        for block in doc.get("block").and_then(|b| b.as_array()).into_iter().flatten() {
            for key in ["h", "h3", "h4"] {
                if let Some(h) = block.get(key).and_then(|h| h.as_str()) {
                    headings.push(h.to_string());
                }
            }
        }
        for h in headings {
            let raw = h.replace(['*'], "");
            let h = normalise(&raw);
            // Arabic comes out of the PDF in visual order, line by line, with its
            // vowel marks reordered and some mark ligatures mapped to other letters:
            // there, the words of the heading are looked for backwards, and at
            // least three in four must be found.
            let found = if lang == "ar" {
                let marks = |c: &char| !('\u{64b}'..='\u{670}').contains(c) && !"()/«»“”".contains(*c);
                let bare: String = text.chars().filter(marks).collect();
                let words: Vec<&str> = raw.split_whitespace().collect();
                let hits =
                    words.iter().filter(|w| bare.contains(&w.chars().rev().filter(marks).collect::<String>())).count();
                hits * 4 >= words.len() * 3
            } else {
                text.contains(&h)
            };
            if !h.contains('{') && !found {
                missing.push(format!("{}: {h}", path.display()));
            }
        }
    }
    assert!(missing.is_empty(), "headings missing from the PDF:\n{}", missing.join("\n"));
}

/// Names of the fonts a PDF embeds (subset prefixes dropped).
fn embedded_fonts(path: &Path) -> Vec<String> {
    let doc = lopdf::Document::load(path).unwrap();
    let mut names = Vec::new();
    for obj in doc.objects.values() {
        if let Ok(dict) = obj.as_dict()
            && let Ok(name) = dict.get(b"BaseFont").and_then(lopdf::Object::as_name)
        {
            let name = String::from_utf8_lossy(name);
            names.push(name.split_once('+').map_or(name.to_string(), |(_, n)| n.to_string()));
        }
    }
    names
}

#[test]
fn yiwu_editions_are_set_as_publications() {
    let (en, zh) = (text("en"), text("zh"));
    // The language's own quotes: straight double quotes in the source became “ ”.
    assert!(!en.contains('"'), "straight quotes in the English edition: {}", en.matches('"').count());
    assert!(en.contains("“Melting Pot”"), "curly quotes expected");
    // Chinese is set as Chinese: a bold CJK face, （一） headings.
    let fonts = embedded_fonts(&pdf("zh"));
    assert!(fonts.iter().any(|f| f == "NotoSansCJKsc-Bold"), "{fonts:?}");
    assert!(zh.contains("（一）") && zh.contains("（二）"), "level-3 headings numbered （一）");
    assert!(!zh.contains("(1) "), "no Latin (1) numbering in Chinese");
    // The lines of a table cell stay apart in the text layer (read aloud, copied):
    // "No Poverty" over "To end poverty…" is not "PovertyTo".
    assert!(en.contains("No Poverty To end poverty") && !en.contains("PovertyTo"), "a cell's lines run together");
    // A source line naming a chapter gives its title in the edition's language.
    assert!(en.contains("this review, “Yiwu 2020”") && !en.contains("section Yiwu 2020"), "chapter sources in English");
    assert!(
        zh.replace(' ', "").contains("本报告“义乌2020”部分") && !zh.contains("Yiwu 2020节"),
        "chapter sources in Chinese"
    );
    // Front and back matter from data, in both languages.
    for (text, words) in [
        (
            &en,
            &[
                "Publisher: Yiwu Municipal Government",
                "Published: July 2021",
                "Key messages",
                "Figures",
                "Tables",
                "Abbreviations and acronyms",
                "United Cities and Local Governments",
                "Figure 1: ",
            ][..],
        ),
        (
            &zh,
            &[
                "发布单位：义乌市人民政府",
                "发布日期：2021年7月",
                "要点",
                "图目录",
                "表目录",
                "缩略语",
                "世界城市和地方政府组织",
                "图1",
            ][..],
        ),
    ] {
        let squeezed: String = text.split_whitespace().collect();
        for w in words {
            let w: String = w.split_whitespace().collect();
            assert!(squeezed.contains(&w), "{w:?} missing");
        }
    }
}

/// Every page after the contents and its lists carries its running head (the
/// book's title on a verso, the chapter in force on a recto) or opens a
/// chapter under its title: a page break in the contents once dropped the
/// heads of ten later pages (#23, zh F10). Blank pages and the back cover
/// carry none.
#[test]
fn every_page_after_the_contents_has_its_running_head() {
    let emitted = yiwu().join("emitted/en");
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(emitted.join("data.json")).unwrap()).unwrap();
    let runs = |v: &serde_json::Value| -> String {
        v.as_array().into_iter().flatten().filter_map(|r| r["t"].as_str()).collect::<String>()
    };
    // The start of each head, as extracted (a long head is cut with an ellipsis).
    let start = |s: &str| normalise(s).chars().take(12).collect::<String>();
    let book = start(data["meta"]["title"].as_str().unwrap());
    let mut chapters = Vec::new();
    for i in 0.. {
        let Ok(json) = std::fs::read_to_string(emitted.join(format!("data/chapter-{i:02}.json"))) else { break };
        let ch: serde_json::Value = serde_json::from_str(&json).unwrap();
        chapters.push(start(&format!("{}{}", ch["number"].as_str().unwrap_or(""), runs(&ch["title"]))));
    }
    assert!(chapters.len() > 10, "{chapters:?}");
    let acronyms = normalise(data["strings"]["acronyms"].as_str().unwrap());
    let doc = lopdf::Document::load(pdf("en")).expect("load PDF");
    let pages: Vec<String> =
        doc.get_pages().keys().map(|&n| normalise(&doc.extract_text(&[n]).unwrap_or_default())).collect();
    let contents_end = pages.iter().position(|t| t.contains(&acronyms)).expect("the list of acronyms") + 1;
    let mut missing = Vec::new();
    for (i, text) in pages.iter().enumerate().take(pages.len() - 1).skip(contents_end) {
        if text.is_empty() {
            continue;
        }
        let p = i + 1;
        let head = if p % 2 == 0 { text.contains(&book) } else { chapters.iter().any(|c| text.contains(c)) };
        let opens = chapters.iter().any(|c| text.contains(c));
        if !head && !opens {
            missing.push(p);
        }
    }
    assert!(contents_end < 8, "the contents end on page {contents_end}");
    assert!(missing.is_empty(), "pages without a running head: {missing:?}");
}
