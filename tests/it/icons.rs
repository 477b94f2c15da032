//! Official SDG icons supplied by the project (`vlr.toml`'s `sdg-icons`, a
//! folder per language): used where they are given, checked at load with
//! an error at `sdg-icons`. The icons here are plain grey placeholders,
//! drawn by the test: no SDG artwork is stored in the repository.

use crate::common::{Fixture, dist_pdf, stderr};

/// A plain grey square PNG, `w`×`h` pixels, its shade from `n` (each
/// goal's differs, so the PDF keeps seventeen images, not one).
fn placeholder(w: u32, h: u32, n: u8) -> Vec<u8> {
    let mut p = tiny_skia::Pixmap::new(w, h).unwrap();
    let g = 40 + n * 10;
    p.fill(tiny_skia::Color::from_rgba8(g, g, g, 255));
    p.encode_png().unwrap()
}

/// The basic fixture with `sdg-icons = "images/sdg-icons"` and English icons
/// for `goals`, named as the UN names its files (`E-WEB-Goal-01.png`).
fn with_icons(goals: impl Iterator<Item = u8>) -> Fixture {
    let f = Fixture::new("basic");
    let toml = f.read("vlr.toml").replacen("[project]\n", "[project]\nsdg-icons = \"images/sdg-icons\"\n", 1);
    f.write("vlr.toml", &toml);
    let dir = f.root().join("images/sdg-icons/en");
    std::fs::create_dir_all(&dir).unwrap();
    for n in goals {
        std::fs::write(dir.join(format!("E-WEB-Goal-{n:02}.png")), placeholder(400, 400, n)).unwrap();
    }
    // Not an icon: the UN's set also holds the wheel; a file without a goal's number is passed over.
    std::fs::write(dir.join("README.txt"), "placeholders").unwrap();
    f
}

/// The images a PDF holds (image XObjects).
fn images(pdf: &std::path::Path) -> usize {
    let doc = lopdf::Document::load(pdf).unwrap();
    doc.objects
        .values()
        .filter(|o| {
            o.as_stream().is_ok_and(|s| s.dict.get(b"Subtype").and_then(|v| v.as_name()).is_ok_and(|n| n == b"Image"))
        })
        .count()
}

#[test]
fn icons_are_used_where_given_and_a_language_without_them_draws_its_tiles() {
    let f = with_icons(1..=17);
    let out = f.run(&["build"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    // zh has no folder: a warning at sdg-icons, and the zh edition draws its own tiles.
    assert!(err.contains("no SDG icons for `zh`") && err.contains("vlr.toml:"), "{err}");
    let (en, zh) = (images(&dist_pdf(&f, "en")), images(&dist_pdf(&f, "zh")));
    // The cover photo, and the seventeen icons (cover strip, opener).
    assert!(en >= zh + 17, "en has {en} images, zh {zh}");
}

#[test]
fn a_missing_or_misshapen_icon_is_an_error_at_sdg_icons() {
    let f = with_icons((1..=17).filter(|&n| n != 9));
    std::fs::write(f.root().join("images/sdg-icons/en/E-WEB-Goal-03.png"), placeholder(400, 300, 3)).unwrap();
    let out = f.run(&["check"]);
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("SDG icons missing in `images/sdg-icons/en` for goal(s) 9"), "{err}");
    assert!(err.contains("E-WEB-Goal-03.png") && err.contains("square"), "{err}");
    assert!(err.contains("vlr.toml:"), "located at sdg-icons: {err}");
}

#[test]
fn two_icons_for_one_goal_are_an_error() {
    let f = with_icons(1..=17);
    std::fs::write(f.root().join("images/sdg-icons/en/9.png"), placeholder(400, 400, 9)).unwrap();
    let out = f.run(&["check"]);
    let err = stderr(&out);
    assert!(!out.status.success() && err.contains("two SDG icons for goal 9"), "{err}");
}
