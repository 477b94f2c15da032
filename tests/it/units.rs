//! Units, currencies and locales as data: a European city's review (made with
//! `vlr init`, then given GBP and EUR, kt CO₂e, GWh, µg/m³ and per-100,000
//! indicators, and English, French and German editions, German strings in the
//! project's `i18n/de.toml`) built through the real binary.

use crate::common::{Fixture, pdf_text, stderr};

/// Text extraction puts spaces around styled runs (figures): compare without spaces.
fn assert_all(text: &str, wanted: &[&str]) {
    let squeezed = text.replace(' ', "");
    for w in wanted {
        assert!(squeezed.contains(&w.replace(' ', "")), "missing {w:?} in:\n{text}");
    }
}

#[test]
fn european_city_builds_in_english_french_and_german() {
    let f = Fixture::new("europe");
    let out = f.run(&["build", "--emit-typst", "typst"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let en = pdf_text(&f.root().join("dist/kingsbridge-vlr-2023.en.pdf"));
    assert_all(
        &en,
        &[
            "Kingsbridge had 262,100 people",
            "spent £1.2 billion",
            "received €2.5 million",
            "Emissions fell to 1.275 Mt CO₂e (1.36 Mt CO₂e in 2020)",
            "845.2 GWh of electricity",
            "averaged 21.4 µg/m³, against a target of 10 µg/m³",
            "3.1 per 100,000 people",
            "collected 1.36 million tonnes of waste",
            "rose by 1 percentage point.",
            "It runs 41 bus routes, with 1 bus route added",
        ],
    );
    let fr = pdf_text(&f.root().join("dist/kingsbridge-vlr-2023.fr.pdf"));
    assert_all(
        &fr,
        &[
            "Kingsbridge comptait 262 100 personnes",
            "a dépensé 1,2 milliard de livres sterling",
            "a reçu 2,5 millions d’euros",
            "tombées à 1,275 Mt CO₂e (1,36 Mt CO₂e en 2020)",
            "845,2 GWh d’électricité",
            "21,4 µg/m³",
            "3,1 pour 100 000 habitants",
            "collecté 1,36 million de tonnes de déchets",
            "progressé de 1 point de pourcentage.",
            "Elle exploite 41 lignes de bus, dont 1 ligne de bus ouverte",
            "Chiffres clés",
        ],
    );
    let de = pdf_text(&f.root().join("dist/kingsbridge-vlr-2023.de.pdf"));
    assert_all(
        &de,
        &[
            "hatte Kingsbridge 262.100 Einwohner",
            "gab 1,2 Milliarden Britische Pfund aus",
            "erhielt 2,5 Millionen Euro",
            "sanken auf 1,275 Mt CO₂e (1,36 Mt CO₂e im Jahr 2020)",
            "verbrauchte 845,2 GWh Strom",
            "21,4 µg/m³",
            "3,1 je 100.000 Einwohner",
            "sammelte 1,36 Millionen Tonnen Abfall",
            "stieg um 1 Prozentpunkt.",
            "Sie betreibt 41 Buslinien, davon 1 Buslinie neu",
            "Kennzahlen",
            "Nachhaltige Städte und Gemeinden",
        ],
    );
    // Chart axes word the unit in the plural of each language.
    let svg = |lang: &str, chart: &str| f.read(&format!("typst/{lang}/charts/{chart}.svg"));
    assert!(svg("fr", "waste").contains("millions de tonnes"), "{}", svg("fr", "waste"));
    assert!(svg("en", "waste").contains("million tonnes"), "{}", svg("en", "waste"));
    assert!(svg("de", "waste").contains("Millionen Tonnen"), "{}", svg("de", "waste"));
    assert!(svg("en", "emissions").contains("Mt CO₂e"), "{}", svg("en", "emissions"));
}

#[test]
fn a_language_without_strings_is_refused_and_a_missing_key_is_located() {
    let f = Fixture::new("europe");
    f.write("vlr.toml", &f.read("vlr.toml").replace("\"de\"]", "\"de\", \"pt\"]"));
    let out = f.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("unsupported language `pt`"), "{err}");
    assert!(err.contains("i18n/pt.toml"), "{err}");

    let f = Fixture::new("europe");
    f.write("i18n/de.toml", &f.read("i18n/de.toml").replace("key-figures = \"Kennzahlen\"\n", ""));
    let out = f.run(&["build", "--lang", "de"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("missing key `key-figures` in i18n/de.toml"), "{err}");
    assert!(!f.root().join("dist/kingsbridge-vlr-2023.de.pdf").exists());
}

#[test]
fn a_unit_the_language_cannot_word_is_located_in_the_data() {
    let f = Fixture::new("europe");
    f.write("i18n/de.toml", &f.read("i18n/de.toml").replace("per-100k = ", "# per-100k = "));
    let out = f.run(&["build", "--lang", "de"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("unit `per-100k` has no `de` pattern"), "{err}");
    assert!(err.contains("data/indicators.toml:47:8"), "{err}");
    assert!(err.contains("i18n/de.toml"), "{err}");
}

#[test]
fn check_finds_a_heading_level_jump_at_the_text_line() {
    let f = Fixture::new("europe");
    let text = f.read("text/en/intro.toml").replace("h = \"Emissions and waste\"", "h4 = \"Emissions and waste\"");
    f.write("text/en/intro.toml", &text);
    let line = text.lines().position(|l| l.starts_with("h4 = ")).unwrap() + 1;
    for cmd in ["check", "build"] {
        let out = f.run(&[cmd, "--lang", "en"]);
        assert_eq!(out.status.code(), Some(1), "{cmd}");
        let err = stderr(&out);
        // The panel before it ("Key figures") is a heading one below the chapter's title.
        assert!(err.contains("skipped from heading level 2 to 4"), "{cmd}: {err}");
        assert!(err.contains("this heading is level 4 after a level-2 heading"), "{cmd}: {err}");
        assert!(err.contains(&format!("text/en/intro.toml:{line}:6")), "{cmd}: {err}");
    }
    assert!(!f.root().join("dist/kingsbridge-vlr-2023.en.pdf").exists());
}

#[test]
fn check_finds_a_glyph_no_font_has_at_the_text_line() {
    let f = Fixture::new("europe");
    // U+16A0 RUNIC LETTER FEHU: in none of the bundled fonts.
    let text = f.read("text/en/intro.toml").replace("In {population:period}", "In ᚠ {population:period}");
    f.write("text/en/intro.toml", &text);
    let line = text.lines().position(|l| l.contains('ᚠ')).unwrap() + 1;
    let col = text.lines().nth(line - 1).unwrap().chars().position(|c| c == 'ᚠ').unwrap() + 1;
    // In a text file, vlr's own character check finds it before typst runs.
    let out = f.run(&["check", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("no font in fonts/ has `ᚠ` (U+16A0)"), "{err}");
    assert!(err.contains(&format!("text/en/intro.toml:{line}:{col}")), "{err}");

    // In the project's strings only typst sees it: its complaint is placed there.
    let f = Fixture::new("europe");
    let strings = f.read("i18n/de.toml").replace("contents = \"Inhalt\"", "contents = \"Inhalt ᚠ\"");
    f.write("i18n/de.toml", &strings);
    let line = strings.lines().position(|l| l.contains('ᚠ')).unwrap() + 1;
    let col = strings.lines().nth(line - 1).unwrap().chars().position(|c| c == 'ᚠ').unwrap() + 1;
    let out = f.run(&["check", "--lang", "de"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("could not be displayed with"), "{err}");
    assert!(err.contains(&format!("i18n/de.toml:{line}:{col}")), "{err}");
    assert!(err.contains("U+16A0"), "{err}");
}
