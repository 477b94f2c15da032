//! Output profiles (`--profile submission|print|screen`) on the `basic` fixture:
//! every profile builds in both languages and claims its standards; the print
//! edition has a 3 mm bleed with a TrimBox, no crop marks, bare blank pages and
//! colour fields that run into the bleed, and is reproducible.

use std::path::{Path, PathBuf};

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::common::{self, Fixture, pdf_pages, pdf_text, stderr};

/// 3 mm in PDF points.
const BLEED: f64 = 3.0 / 25.4 * 72.0;
/// A4 in PDF points.
const A4: (f64, f64) = (210.0 / 25.4 * 72.0, 297.0 / 25.4 * 72.0);
/// Tolerance for coordinates typst writes as 32-bit floats.
const TOL: f64 = 0.01;

/// Builds every language of the fixture in `profile` ("" for the default).
fn build(f: &Fixture, profile: &str) {
    let mut args = vec!["build"];
    if !profile.is_empty() {
        args.extend(["--profile", profile]);
    }
    let out = f.run(&args);
    assert!(out.status.success(), "vlr {args:?} failed:\n{}", stderr(&out));
}

fn output(f: &Fixture, lang: &str, suffix: &str) -> PathBuf {
    f.root().join(format!("dist/testville.{lang}{suffix}.pdf"))
}

// ---------------------------------------------------------------------------
// Standards

/// The document's XMP metadata as text.
fn xmp(doc: &Document) -> String {
    let stream = doc
        .catalog()
        .and_then(|c| c.get_deref(b"Metadata", doc))
        .and_then(Object::as_stream)
        .expect("XMP metadata stream");
    let bytes = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn every_profile_builds_in_both_languages_and_claims_its_standards() {
    let f = Fixture::new("basic");
    // (profile, file suffix, PDF/A-2b?)
    for (profile, suffix, pdfa) in [("", "", true), ("print", ".print", true), ("screen", ".screen", false)] {
        build(&f, profile);
        for (lang, phrase) in [("en", "Economic Growth"), ("zh", "经济增长")] {
            let path = output(&f, lang, suffix);
            assert!(path.is_file(), "{} missing", path.display());
            let text = pdf_text(&path);
            assert!(text.contains(phrase), "{profile:?} {lang}: {text}");
            assert!(pdf_pages(&path) >= 4, "{profile:?} {lang}");

            let doc = Document::load(&path).unwrap();
            let catalog = doc.catalog().unwrap();
            let meta = xmp(&doc);
            let what = format!("{profile:?} {lang}");
            // Every profile is tagged and PDF/UA-1, with a language.
            let marked = catalog
                .get_deref(b"MarkInfo", &doc)
                .and_then(Object::as_dict)
                .and_then(|m| m.get(b"Marked"))
                .and_then(Object::as_bool);
            assert_eq!(marked.ok(), Some(true), "{what}: not tagged");
            assert!(catalog.has(b"StructTreeRoot"), "{what}: no structure tree");
            assert!(catalog.has(b"Lang"), "{what}: no /Lang");
            assert!(meta.contains("<pdfuaid:part>1</pdfuaid:part>"), "{what}: no PDF/UA-1 claim");
            // PDF/A-2b (with its sRGB output intent) for submission and print only.
            assert_eq!(meta.contains("<pdfaid:part>2</pdfaid:part>"), pdfa, "{what}: PDF/A claim");
            assert_eq!(catalog.has(b"OutputIntents"), pdfa, "{what}: output intent");
        }
    }
}

// ---------------------------------------------------------------------------
// Page boxes

/// A rectangle in PDF points: (x0, y0, x1, y1), normalised.
#[derive(Debug, Clone, Copy)]
struct Rect {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

fn num(o: &Object) -> f64 {
    f64::from(o.as_float().expect("number"))
}

/// A box of a page (looked up through the page tree for inherited ones).
fn page_box(doc: &Document, page: ObjectId, key: &[u8]) -> Option<Rect> {
    let mut dict = doc.get_dictionary(page).ok()?;
    loop {
        if let Ok(b) = dict.get_deref(key, doc).and_then(Object::as_array) {
            let v: Vec<f64> = b.iter().map(num).collect();
            return Some(Rect { x0: v[0].min(v[2]), y0: v[1].min(v[3]), x1: v[0].max(v[2]), y1: v[1].max(v[3]) });
        }
        dict = dict.get_deref(b"Parent", doc).and_then(Object::as_dict).ok()?;
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < TOL
}

#[test]
fn print_media_box_is_the_trim_box_plus_3mm_on_every_side() {
    let f = Fixture::new("basic");
    build(&f, "print");
    build(&f, "");
    for lang in ["en", "zh"] {
        let doc = Document::load(output(&f, lang, ".print")).unwrap();
        for (n, page) in doc.get_pages() {
            let media = page_box(&doc, page, b"MediaBox").expect("MediaBox");
            let trim = page_box(&doc, page, b"TrimBox").unwrap_or_else(|| panic!("{lang} page {n}: no TrimBox"));
            let at = format!("{lang} page {n}: media {media:?}, trim {trim:?}");
            // The trim is the A4 page …
            assert!(close(trim.x1 - trim.x0, A4.0) && close(trim.y1 - trim.y0, A4.1), "{at}");
            // … and the media adds 3 mm (8.504 pt) of bleed on each side.
            for (outer, inner) in [(trim.x0, media.x0), (media.x1, trim.x1), (trim.y0, media.y0), (media.y1, trim.y1)] {
                assert!(close(outer - inner, BLEED), "{at}: {} pt instead of {BLEED:.3}", outer - inner);
            }
            // No other box narrows the bleed (absent means: the MediaBox).
            for key in [&b"CropBox"[..], b"BleedBox"] {
                if let Some(b) = page_box(&doc, page, key) {
                    let same = close(b.x0, media.x0) && close(b.y0, media.y0);
                    assert!(same && close(b.x1, media.x1) && close(b.y1, media.y1), "{at}: {b:?}");
                }
            }
        }
        // The submission edition has no bleed: the media is the A4 page itself.
        let doc = Document::load(output(&f, lang, "")).unwrap();
        for (n, page) in doc.get_pages() {
            let media = page_box(&doc, page, b"MediaBox").unwrap();
            assert!(close(media.x1 - media.x0, A4.0) && close(media.y1 - media.y0, A4.1), "{lang} page {n}");
            assert!(page_box(&doc, page, b"TrimBox").is_none(), "{lang} page {n}: TrimBox without bleed");
        }
    }
}

// ---------------------------------------------------------------------------
// What pages draw: a small content-stream interpreter

type Point = (f64, f64);

/// An affine transform [a b c d e f]: x' = a x + c y + e, y' = b x + d y + f.
#[derive(Debug, Clone, Copy)]
struct Matrix([f64; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn from_operands(ops: &[Object]) -> Option<Matrix> {
        let v: Vec<f64> = ops.iter().map(|o| o.as_float().ok().map(f64::from)).collect::<Option<_>>()?;
        (v.len() == 6).then(|| Matrix([v[0], v[1], v[2], v[3], v[4], v[5]]))
    }

    /// `self`, then `next`.
    fn then(self, next: Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = next.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn apply(self, (x, y): Point) -> Point {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }
}

/// A painted path in page space: its straight segments (curves by their chords),
/// and whether it is marked as a page artifact (`/Artifact <</Type /Page>>`: cut
/// marks and the like, which are not part of the document's content).
#[derive(Debug, Default)]
struct Painted {
    stroked: bool,
    filled: bool,
    page_artifact: bool,
    segments: Vec<(Point, Point)>,
}

impl Painted {
    fn bbox(&self) -> Rect {
        let pts = self.segments.iter().flat_map(|(a, b)| [*a, *b]);
        let mut r = Rect { x0: f64::MAX, y0: f64::MAX, x1: f64::MIN, y1: f64::MIN };
        for (x, y) in pts {
            r = Rect { x0: r.x0.min(x), y0: r.y0.min(y), x1: r.x1.max(x), y1: r.y1.max(y) };
        }
        r
    }
}

/// Every path a page paints, following form XObjects.
fn painted(doc: &Document, page: ObjectId) -> Vec<Painted> {
    let resources =
        doc.get_dictionary(page).and_then(|p| p.get_deref(b"Resources", doc)).and_then(Object::as_dict).ok();
    let mut out = Vec::new();
    walk(doc, &doc.get_page_content(page), resources, Matrix::IDENTITY, false, &mut out, 0);
    out
}

fn walk(
    doc: &Document,
    content: &[u8],
    resources: Option<&Dictionary>,
    ctm: Matrix,
    page_artifact: bool,
    out: &mut Vec<Painted>,
    depth: u32,
) {
    assert!(depth < 16, "form XObjects nested too deep");
    let ops = lopdf::content::Content::decode(content).expect("content stream").operations;
    let mut stack = Vec::new();
    let mut ctm = ctm;
    // Marked-content sequences: whether each open one is (in) a page artifact.
    let mut marked: Vec<bool> = Vec::new();
    let in_page_artifact = |marked: &[bool]| marked.last().copied().unwrap_or(page_artifact);
    let mut path = Painted::default();
    let (mut start, mut current): (Point, Point) = ((0.0, 0.0), (0.0, 0.0));
    let nums = |ops: &[Object]| -> Vec<f64> { ops.iter().filter_map(|o| o.as_float().ok().map(f64::from)).collect() };
    for op in ops {
        let v = nums(&op.operands);
        match op.operator.as_str() {
            "BDC" | "BMC" => {
                let artifact = op.operands.first().and_then(|o| o.as_name().ok()) == Some(&b"Artifact"[..]);
                let page_type = op
                    .operands
                    .get(1)
                    .and_then(|o| o.as_dict().ok())
                    .and_then(|d| d.get(b"Type").and_then(Object::as_name).ok())
                    == Some(&b"Page"[..]);
                marked.push(in_page_artifact(&marked) || (artifact && page_type));
            }
            "EMC" => {
                marked.pop();
            }
            "q" => stack.push(ctm),
            "Q" => ctm = stack.pop().unwrap_or(ctm),
            "cm" => {
                if let Some(m) = Matrix::from_operands(&op.operands) {
                    ctm = m.then(ctm);
                }
            }
            "m" if v.len() == 2 => {
                start = ctm.apply((v[0], v[1]));
                current = start;
            }
            "l" if v.len() == 2 => {
                let p = ctm.apply((v[0], v[1]));
                path.segments.push((current, p));
                current = p;
            }
            "c" | "v" | "y" if v.len() >= 4 => {
                let p = ctm.apply((v[v.len() - 2], v[v.len() - 1]));
                path.segments.push((current, p));
                current = p;
            }
            "h" => {
                path.segments.push((current, start));
                current = start;
            }
            "re" if v.len() == 4 => {
                let (x, y, w, h) = (v[0], v[1], v[2], v[3]);
                let corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)].map(|p| ctm.apply(p));
                for i in 0..4 {
                    path.segments.push((corners[i], corners[(i + 1) % 4]));
                }
                start = corners[0];
                current = start;
            }
            "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" | "n" => {
                let o = op.operator.as_str();
                path.stroked = matches!(o, "S" | "s" | "B" | "B*" | "b" | "b*");
                path.filled = matches!(o, "f" | "F" | "f*" | "B" | "B*" | "b" | "b*");
                path.page_artifact = in_page_artifact(&marked);
                let done = std::mem::take(&mut path);
                if (done.stroked || done.filled) && !done.segments.is_empty() {
                    out.push(done);
                }
            }
            "Do" => {
                let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) else { continue };
                let Some(xobject) = resources
                    .and_then(|r| r.get_deref(b"XObject", doc).and_then(Object::as_dict).ok())
                    .and_then(|x| x.get_deref(name, doc).and_then(Object::as_stream).ok())
                else {
                    continue;
                };
                if xobject.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(&b"Form"[..]) {
                    continue;
                }
                let matrix = xobject
                    .dict
                    .get(b"Matrix")
                    .and_then(Object::as_array)
                    .ok()
                    .and_then(|m| Matrix::from_operands(m))
                    .unwrap_or(Matrix::IDENTITY);
                let own = xobject.dict.get_deref(b"Resources", doc).and_then(Object::as_dict).ok();
                let content = xobject.decompressed_content().unwrap_or_else(|_| xobject.content.clone());
                walk(doc, &content, own.or(resources), matrix.then(ctm), in_page_artifact(&marked), out, depth + 1);
            }
            _ => {}
        }
    }
}

/// The trim corners (left/right, bottom/top) that have a crop mark: a stroked
/// horizontal line on the extension of the horizontal trim edge and a vertical
/// one on the extension of the vertical trim edge, both wholly outside the trim
/// and inside the media box, and both page artifacts.
fn corners_with_marks(paths: &[Painted], media: Rect, trim: Rect) -> Vec<(bool, bool)> {
    let lines: Vec<(Point, Point)> =
        paths.iter().filter(|p| p.stroked && p.page_artifact).flat_map(|p| p.segments.iter().copied()).collect();
    let inside_media = |&((x, y), (x2, y2)): &(Point, Point)| {
        [x, x2].iter().all(|x| (media.x0 - TOL..=media.x1 + TOL).contains(x))
            && [y, y2].iter().all(|y| (media.y0 - TOL..=media.y1 + TOL).contains(y))
    };
    let mut found = Vec::new();
    for right in [false, true] {
        for top in [false, true] {
            let (cx, cy) = (if right { trim.x1 } else { trim.x0 }, if top { trim.y1 } else { trim.y0 });
            // Wholly beyond the trim edge on this corner's side (a hairline's
            // width is not counted: the test is on the path itself).
            let beyond_x = |a: f64, b: f64| if right { a.min(b) > trim.x1 + TOL } else { a.max(b) < trim.x0 - TOL };
            let beyond_y = |a: f64, b: f64| if top { a.min(b) > trim.y1 + TOL } else { a.max(b) < trim.y0 - TOL };
            let horizontal = lines
                .iter()
                .filter(|s| inside_media(s))
                .any(|&((x, y), (x2, y2))| close(y, y2) && close(y, cy) && (x - x2).abs() > 1.0 && beyond_x(x, x2));
            let vertical = lines
                .iter()
                .filter(|s| inside_media(s))
                .any(|&((x, y), (x2, y2))| close(x, x2) && close(x, cx) && (y - y2).abs() > 1.0 && beyond_y(y, y2));
            if horizontal && vertical {
                found.push((right, top));
            }
        }
    }
    found
}

/// Whether the page can paint in registration colour (`/Separation /All`: every
/// plate), the colour of crop marks.
fn has_registration_colour(doc: &Document, page: ObjectId) -> bool {
    let Ok(spaces) = doc
        .get_dictionary(page)
        .and_then(|p| p.get_deref(b"Resources", doc))
        .and_then(Object::as_dict)
        .and_then(|r| r.get_deref(b"ColorSpace", doc))
        .and_then(Object::as_dict)
    else {
        return false;
    };
    spaces.iter().any(|(_, cs)| {
        let cs = doc.dereference(cs).map(|(_, o)| o).and_then(Object::as_array);
        matches!(
            cs.map(|a| (a.first().and_then(|o| o.as_name().ok()), a.get(1).and_then(|o| o.as_name().ok()))),
            Ok((Some(b"Separation"), Some(b"All")))
        )
    })
}

#[test]
fn print_has_no_crop_marks_and_bare_blank_pages() {
    // Print shops impose from the TrimBox and add their own marks; typst has no
    // slug beyond the bleed, so the print edition carries no marks at all.
    let f = Fixture::new("basic");
    build(&f, "print");
    for lang in ["en", "zh"] {
        let doc = Document::load(output(&f, lang, ".print")).unwrap();
        let mut blank = Vec::new();
        for (n, page) in doc.get_pages() {
            let media = page_box(&doc, page, b"MediaBox").unwrap();
            let trim = page_box(&doc, page, b"TrimBox").unwrap();
            let found = corners_with_marks(&painted(&doc, page), media, trim);
            assert!(found.is_empty(), "{lang} page {n}: crop marks at (right, top) corners {found:?}");
            assert!(!has_registration_colour(&doc, page), "{lang} page {n}: registration colour");
            if doc.extract_text(&[n]).unwrap_or_default().trim().is_empty() {
                blank.push(n);
                // A blank page before a right-hand chapter opener: no running
                // header, no rule, no folio.
                assert!(painted(&doc, page).is_empty(), "{lang} page {n}: a blank page with marks on it");
            }
        }
        assert!(!blank.is_empty(), "{lang}: the fixture's opener should need a blank left-hand page");
    }
}

#[test]
fn print_colour_fields_run_into_the_bleed() {
    let f = Fixture::new("basic");
    build(&f, "print");
    for lang in ["en", "zh"] {
        let doc = Document::load(output(&f, lang, ".print")).unwrap();
        let pages = doc.get_pages();
        // Pages with a fill that covers the whole media box, bleed included.
        let full: Vec<u32> = pages
            .iter()
            .filter(|&(_, &page)| {
                let media = page_box(&doc, page, b"MediaBox").unwrap();
                painted(&doc, page).iter().filter(|p| p.filled).any(|p| {
                    let b = p.bbox();
                    b.x0 <= media.x0 + TOL && b.y0 <= media.y0 + TOL && b.x1 >= media.x1 - TOL && b.y1 >= media.y1 - TOL
                })
            })
            .map(|(&n, _)| n)
            .collect();
        let last = *pages.keys().last().unwrap();
        // The cover, the chapter opener and the back cover.
        assert!(
            full.contains(&1) && full.contains(&last) && full.len() >= 3,
            "{lang}: full-bleed pages {full:?} of {last}"
        );
        // The back cover is an even page, so it is the outside of the book.
        assert!(last.is_multiple_of(2), "{lang}: {last} pages");
    }
}

// ---------------------------------------------------------------------------
// Reproducibility and colour

#[test]
fn same_inputs_give_byte_identical_print_pdfs() {
    let f = Fixture::new("basic");
    build(&f, "print");
    let first: Vec<Vec<u8>> = ["en", "zh"].map(|l| std::fs::read(output(&f, l, ".print")).unwrap()).into();
    build(&f, "print");
    for (lang, first) in ["en", "zh"].iter().zip(&first) {
        let second = std::fs::read(output(&f, lang, ".print")).unwrap();
        assert!(*first == second, "{lang}: two print builds of the same inputs differ");
    }
}

/// `print-cmyk` in templates/lib.typ is off because typst-pdf 0.15 cannot write
/// CMYK colours into a PDF/A file. This fails once it can: then turn CMYK on
/// for print (and update this test and the note in lib.typ).
#[test]
fn cmyk_in_print_is_still_refused_under_pdfa() {
    let f = Fixture::new("basic");
    let lib = f.read("templates/lib.typ");
    assert!(lib.contains("#let print-cmyk = false"), "print-cmyk is expected to be off");
    f.write("templates/lib.typ", &lib.replace("#let print-cmyk = false", "#let print-cmyk = true"));
    let out = f.run(&["build", "--profile", "print", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("PDF/A-2b error: the PDF is missing a CMYK profile"), "{}", stderr(&out));
    assert!(!Path::new(&output(&f, "en", ".print")).exists());
    // The other profiles never use the CMYK colours.
    build(&f, "screen");
}

#[test]
fn back_cover_carries_the_link_and_a_vector_qr_code() {
    let f = Fixture::new("basic");
    build(&f, "");
    for lang in ["en", "zh"] {
        let path = output(&f, lang, "");
        let doc = Document::load(&path).unwrap();
        let pages = doc.get_pages();
        let (&last, &page) = pages.iter().last().unwrap();
        let text = doc.extract_text(&[last]).unwrap_or_default();
        assert!(text.contains("testville.example/vlr"), "{lang}: {text}");
        // The code is drawn as filled black rectangles (one per run of dark
        // modules), not an image: a version-2 code has dozens of runs.
        let squares = painted(&doc, page).iter().filter(|p| p.filled && p.segments.len() >= 3).count();
        assert!(squares > 40, "{lang}: {squares} filled shapes on the back cover");
    }
    // The same link is printed on the imprint page, with the contact and licence.
    let text = common::pdf_text(&output(&f, "en", ""));
    assert!(text.contains("sdg@testville.example") && text.contains("CC BY 4.0"), "{text}");
}

#[test]
fn cover_photo_is_on_the_cover_and_credited_in_the_imprint() {
    let f = Fixture::new("basic");
    build(&f, "");
    let doc = Document::load(output(&f, "en", "")).unwrap();
    let (_, &cover) = doc.get_pages().iter().next().unwrap();
    let images = doc
        .get_dictionary(cover)
        .and_then(|p| p.get_deref(b"Resources", &doc))
        .and_then(Object::as_dict)
        .and_then(|r| r.get_deref(b"XObject", &doc))
        .and_then(Object::as_dict)
        .map(|x| x.len())
        .unwrap_or(0);
    assert!(images > 0, "the cover has no image");
    let imprint = doc.extract_text(&[2]).unwrap_or_default();
    assert!(imprint.contains("Cover photo: Testville City Government"), "{imprint}");
}
