//! Reference images: representative pages of the bundled English edition,
//! rendered with typst-render and compared with PNGs in tests/refs/ with a
//! tolerance. `UPDATE_REFS=1 cargo test --test it refs` rewrites them.

use std::path::Path;
use tiny_skia::Pixmap;
use typst_layout::PagedDocument;
use vlr::pipeline::EditionOptions;

use crate::common;

/// The command that rewrites the reference images.
const UPDATE: &str = "UPDATE_REFS=1 cargo test --test it refs";

/// (name, 0-based page index) of the pages under test: the chart page has a
/// numbered chart; the callout page a key-figure callout in its side column
/// (the book's callouts that only repeated their paragraph are left out).
const PAGES: &[(&str, usize)] = &[
    ("cover", 0),
    ("imprint", 1),
    ("contents", 2),
    ("key-figures", 7),
    ("chart", 27),
    ("callout", 57),
    ("table", 20),
    ("opener", 24),
];

pub(crate) fn compile(root: &Path, lang: &str) -> PagedDocument {
    let session = vlr::pipeline::Session::load(root, &[lang.to_string()])
        .unwrap_or_else(|f| panic!("project loads: {:?}", f.diags));
    let fonts = session.fonts(false).unwrap_or_else(|f| panic!("fonts: {:?}", f.diags));
    let data = session.validate(fonts);
    assert!(data.ok(), "{:?}", data.diags);
    let opts = EditionOptions::submission(false);
    let ed = data.resolve(lang, &opts);
    assert!(!ed.diags.iter().any(|d| d.is_error()), "{:?}", ed.diags);
    let world = data.world(ed.files).expect("world");
    typst::compile::<PagedDocument>(&world).output.expect("compiles")
}

/// Share of pixels whose colour differs by more than `tol` in any channel.
fn differing(a: &Pixmap, b: &Pixmap, tol: u8) -> f64 {
    let n = a.data().len() / 4;
    let bad = a
        .data()
        .chunks(4)
        .zip(b.data().chunks(4))
        .filter(|(x, y)| x.iter().zip(y.iter()).any(|(p, q)| p.abs_diff(*q) > tol))
        .count();
    bad as f64 / n as f64
}

fn check(doc: &PagedDocument, dir: &Path, prefix: &str, pages: &[(&str, usize)]) {
    let update = std::env::var_os("UPDATE_REFS").is_some();
    let mut failures = Vec::new();
    for (name, index) in pages {
        let page = doc.pages().get(*index).unwrap_or_else(|| panic!("page {index} exists"));
        let options =
            typst_render::RenderOptions { pixel_per_pt: typst::utils::Scalar::new(0.75), ..Default::default() };
        let pixmap = typst_render::render(page, &options);
        let path = dir.join(format!("{prefix}-{name}.png"));
        if update {
            std::fs::create_dir_all(dir).unwrap();
            pixmap.save_png(&path).unwrap();
            continue;
        }
        if !path.exists() {
            // A missing reference fails: written silently, a deleted one would pass.
            let actual = dir.join(format!("{prefix}-{name}.actual.png"));
            pixmap.save_png(&actual).unwrap();
            failures.push(format!(
                "{name}: no reference image {}; UPDATE_REFS=1 writes it (the page as rendered: {})",
                path.display(),
                actual.display()
            ));
            continue;
        }
        let reference = Pixmap::load_png(&path).unwrap();
        if (reference.width(), reference.height()) != (pixmap.width(), pixmap.height()) {
            failures.push(format!("{name}: size changed"));
            continue;
        }
        let share = differing(&reference, &pixmap, 40);
        if share > 0.005 {
            let actual = dir.join(format!("{prefix}-{name}.actual.png"));
            pixmap.save_png(&actual).unwrap();
            failures.push(format!("{name}: {:.2}% of pixels differ (see {})", share * 100.0, actual.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "pages do not match their reference images (`{UPDATE}` accepts them):\n{}",
        failures.join("\n")
    );
}

#[test]
fn english_pages_match_reference_images() {
    let repo = common::repo();
    let doc = compile(&repo, "en");
    check(&doc, &repo.join("tests/refs"), "en", PAGES);
}

#[test]
fn arabic_fixture_renders_right_to_left() {
    let f = common::Fixture::new("rtl");
    let doc = compile(f.root(), "ar");
    // Cover and the chapter page: text, panel, table columns and the chart's axis mirrored.
    check(&doc, &common::repo().join("tests/refs"), "ar", &[("cover", 0), ("chapter", 4)]);
}
