//! The lists of figures and tables give the page each figure and table
//! prints on, in every language: a figure's location (what the lists print)
//! is the page its caption is drawn on. A floating chart once kept the page
//! of its anchor in the text (#23: 8 of 21 wrong in Chinese).

use typst::foundations::NativeElement;
use typst::foundations::{Selector, Value};
use typst::layout::{Frame, FrameItem};
use typst::model::FigureElem;

use crate::common::repo;
use crate::edition::LANGS;

/// The text drawn on a page, as typst set it (in visual order per line).
fn drawn(frame: &Frame, out: &mut String) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(g) => drawn(&g.frame, out),
            FrameItem::Text(t) => {
                out.push_str(t.text.as_str());
                out.push(' ');
            }
            _ => {}
        }
    }
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether `page` shows `caption`: its start, unbroken (a caption's runs
/// follow one another); in a right-to-left edition, where runs of figures
/// and letters are drawn in visual order, each of its words.
fn shows(page: &str, caption: &str, rtl: bool) -> bool {
    if rtl {
        // Letters only: brackets, commas and figures are runs of their own.
        let letters = |w: &str| w.chars().filter(|c| c.is_alphabetic()).collect::<String>();
        caption.split_whitespace().map(letters).filter(|w| w.chars().count() >= 3).all(|w| page.contains(&w))
    } else {
        let start: String = squash(caption).chars().take(16).collect();
        squash(page).contains(&start)
    }
}

#[test]
fn every_figure_and_table_is_located_on_the_page_that_shows_its_caption() {
    for lang in LANGS {
        let doc = crate::refs::compile(&repo(), lang);
        let pages: Vec<String> = doc
            .pages()
            .iter()
            .map(|p| {
                let mut s = String::new();
                drawn(&p.frame, &mut s);
                s
            })
            .collect();
        let intro = doc.introspector();
        let figures = intro.elements().query(&Selector::Elem(FigureElem::ELEM, None));
        assert!(figures.len() >= 10, "{lang}: {} figures and tables", figures.len());
        let mut wrong = Vec::new();
        for f in figures.iter() {
            let caption = match f.get_by_name("caption") {
                Ok(Value::Content(c)) => {
                    c.get_by_name("body").ok().and_then(|b| b.cast::<typst::foundations::Content>().ok())
                }
                _ => None,
            };
            let Some(caption) = caption.map(|c| c.plain_text().to_string()) else { continue };
            let loc = f.location().expect("a figure is located");
            let page = intro.position(loc).expect("placed").page.get();
            if !shows(&pages[page - 1], &caption, lang == "ar") {
                let shown =
                    (1..=pages.len()).filter(|&p| shows(&pages[p - 1], &caption, lang == "ar")).collect::<Vec<_>>();
                wrong.push(format!("{caption:?}: listed on p{page}, drawn on {shown:?}"));
            }
        }
        assert!(wrong.is_empty(), "{lang}: {wrong:#?}");
    }
}
