//! Copyfitting (theme.toml's `[copyfit]`): a chapter that would leave a few
//! lines alone on its last page, before a chapter that starts a new page, is
//! set tighter so that they move back; without the table it is not.

use crate::common::*;

/// The fixture loaded in process, for its English edition, as the commands
/// load a project.
fn english(f: &Fixture) -> vlr::pipeline::Session {
    vlr::pipeline::Session::load(f.root(), &["en".to_string()]).unwrap_or_else(|e| panic!("loads: {:?}", e.diags))
}

/// The session's fonts, scanned.
fn scanned(session: &vlr::pipeline::Session) -> std::sync::Arc<vlr::fonts::Fonts> {
    session.fonts(false).unwrap_or_else(|e| panic!("fonts: {:?}", e.diags))
}

/// Worlds that each lay out one template of the fixture's alone, named by
/// its path (`templates/count.typ`), in its fonts: for the layout loop's tests.
fn template_world(f: &Fixture) -> impl Fn(&str) -> vlr::world::VlrWorld + '_ {
    let fonts = scanned(&english(f));
    move |main| vlr::world::VlrWorld::new(f.root(), main, fonts.clone(), Default::default(), (2021, 6, 1)).unwrap()
}

/// The `basic` fixture with a chapter of text before its numbered chapter:
/// 19 paragraphs of five sentences and a last one of two, which set as
/// written leave that last paragraph alone at the top of a page.
pub(crate) fn fixture() -> Fixture {
    let f = Fixture::new("basic");
    let toml = f.read("vlr.toml").replacen(
        "[[chapter]]\nid = \"intro\"",
        "[[chapter]]\nid = \"background\"\nopener = false\n\n[[chapter]]\nid = \"intro\"",
        1,
    );
    f.write("vlr.toml", &toml.replace("languages = [\"en\", \"zh\"]", "languages = [\"en\"]"));
    let sentence = "The city keeps its books in order and reports each year on what it has done, plainly and in full. ";
    let mut text = String::from("title = \"Background\"\n");
    for i in 0..20 {
        let n = if i == 19 { 2 } else { 5 };
        text += &format!("\n[[block]]\nid = \"p{i}\"\np = \"\"\"{}Marker{i}.\"\"\"\n", sentence.repeat(n));
    }
    f.write("text/en/background.toml", &text);
    f
}

/// The page (from 1) whose text holds `word`.
pub(crate) fn page_of(pdf: &std::path::Path, word: &str) -> Option<u32> {
    let doc = lopdf::Document::load(pdf).expect("load PDF");
    doc.get_pages().keys().copied().find(|&n| doc.extract_text(&[n]).unwrap_or_default().contains(word))
}

#[test]
fn a_few_lines_left_alone_move_back_and_only_with_the_theme_table() {
    let f = fixture();
    let built = f.run(&["build", "--lang", "en", "--emit-typst", "emit"]);
    assert!(built.status.success(), "{}", stderr(&built));
    let pdf = dist_pdf(&f, "en");
    let (last, before) = (page_of(&pdf, "Marker19"), page_of(&pdf, "Marker18"));
    assert!(
        last.is_some() && last == before,
        "copyfitted, the last paragraph ends the page before: {last:?} {before:?}"
    );
    // The emitted sources carry the choice, so the typst CLI makes the same book.
    let chapter = f.read("emit/en/data/chapter-00.json");
    assert!(chapter.contains("\"tighten\""), "{chapter}");
    assert!(!f.read("emit/en/data/chapter-01.json").contains("\"tighten\""), "the numbered chapter is as written");

    // Without `[copyfit]` the same text leaves its last paragraph alone on a page.
    let theme = f.read("templates/theme.toml");
    let start = theme.find("[copyfit]").expect("the bundled theme copyfits");
    let end = start + theme[start..].find("\n\n").expect("the table ends");
    f.write("templates/theme.toml", &format!("{}{}", &theme[..start], &theme[end..]));
    let plain = f.run(&["build", "--lang", "en", "--emit-typst", "emit2"]);
    assert!(plain.status.success(), "{}", stderr(&plain));
    let (last, before) = (page_of(&pdf, "Marker19"), page_of(&pdf, "Marker18"));
    assert_eq!(last, before.map(|p| p + 1), "as written, the last paragraph is alone on the next page");
    assert!(!f.read("emit2/en/data/chapter-00.json").contains("\"tighten\""));
}

/// A build remembers copyfitting's choice in the project's `copyfit.lock`;
/// the next build of unchanged inputs lays the edition out once, as chosen,
/// and makes the same PDF, with or without the output folder (a fresh
/// clone); a draft is remembered apart; a changed template or text is
/// copyfitted anew.
#[test]
fn an_unchanged_edition_is_laid_out_as_the_last_build_chose() {
    let f = fixture();
    let first = f.run(&["-v", "build", "--lang", "en"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stderr(&first).contains("Copyfitted en: set tighter"), "{}", stderr(&first));
    assert!(!stderr(&first).contains("as the last build chose"), "{}", stderr(&first));
    let lock = f.read("copyfit.lock");
    assert!(lock.contains("[\"en.submission\"]") && lock.contains("background"), "the choice is remembered: {lock}");
    let pdf = dist_pdf(&f, "en");
    let made = std::fs::read(&pdf).unwrap();

    let again = f.run(&["-v", "build", "--lang", "en"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(stderr(&again).contains("as the last build chose"), "{}", stderr(&again));
    assert!(std::fs::read(&pdf).unwrap() == made, "the same PDF");
    assert_eq!(f.read("copyfit.lock"), lock, "nothing new to remember");

    // A fresh clone has no output folder: the project's lock is enough.
    std::fs::remove_dir_all(f.root().join("dist")).unwrap();
    let clone = f.run(&["-v", "build", "--lang", "en"]);
    assert!(clone.status.success(), "{}", stderr(&clone));
    assert!(stderr(&clone).contains("as the last build chose"), "{}", stderr(&clone));
    assert!(std::fs::read(&pdf).unwrap() == made, "the same PDF");

    // A step past the theme's floor, written into the lock by hand, is not
    // one vlr chose: searched again, to the same PDF, and written back.
    let (line, at) = lock.lines().find_map(|l| Some((l, l.strip_prefix("background = ")?))).expect("the entry");
    assert!(at.parse::<u8>().is_ok_and(|n| n <= 4), "{line}");
    f.write("copyfit.lock", &lock.replace(line, "background = 9"));
    let by_hand = f.run(&["-v", "build", "--lang", "en"]);
    assert!(by_hand.status.success(), "{}", stderr(&by_hand));
    assert!(!stderr(&by_hand).contains("as the last build chose"), "{}", stderr(&by_hand));
    assert!(std::fs::read(&pdf).unwrap() == made, "the same PDF");
    assert_eq!(f.read("copyfit.lock"), lock, "the lock as vlr wrote it");

    // A draft's pages differ: it is searched and remembered apart, and the
    // release's entry stays.
    let draft = f.run(&["-v", "build", "--lang", "en", "--draft"]);
    assert!(draft.status.success(), "{}", stderr(&draft));
    assert!(!stderr(&draft).contains("as the last build chose"), "{}", stderr(&draft));
    assert!(f.read("copyfit.lock").contains("[\"en.submission.draft\"]"), "{}", f.read("copyfit.lock"));
    let release = f.run(&["-v", "build", "--lang", "en"]);
    assert!(stderr(&release).contains("as the last build chose"), "{}", stderr(&release));

    // A template typst reads changes: copyfitted anew, to the same choice.
    let lib = f.read("templates/lib.typ");
    f.write("templates/lib.typ", &format!("{lib}\n// edited\n"));
    let edited = f.run(&["-v", "build", "--lang", "en"]);
    assert!(edited.status.success(), "{}", stderr(&edited));
    assert!(!stderr(&edited).contains("as the last build chose"), "{}", stderr(&edited));

    // The text changes so that nothing needs copyfitting: none is remembered wrongly.
    let text = f.read("text/en/background.toml");
    let cut = text.find("\n[[block]]\nid = \"p19\"").expect("the last paragraph");
    f.write("text/en/background.toml", &text[..cut]);
    let shorter = f.run(&["-v", "build", "--lang", "en"]);
    assert!(shorter.status.success(), "{}", stderr(&shorter));
    assert!(!stderr(&shorter).contains("Copyfitted"), "{}", stderr(&shorter));
    // What the lock remembers makes the PDF a search makes.
    std::fs::remove_file(f.root().join("copyfit.lock")).unwrap();
    let fresh = f.run(&["build", "--lang", "en", "-o", "fresh"]);
    assert!(fresh.status.success(), "{}", stderr(&fresh));
    assert!(std::fs::read(&pdf).unwrap() == std::fs::read(f.root().join("fresh/testville.en.pdf")).unwrap());
}

/// `vlr watch` stops its full pass when a newer change comes in: an edition
/// asked to stop is not made, copyfitting under way gives up before its
/// next trial, and a layout under way at the end of a round that did not
/// settle. Unstopped, the same edition is copyfitted and laid out (so a stop
/// that is ignored fails the test).
#[test]
fn a_stopped_edition_is_given_up_before_copyfitting_tries_a_step() {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;
    use vlr::pipeline::{EditionOptions, Fit, Fitting, Outcome};

    let f = fixture();
    let session = english(&f);
    let fonts = scanned(&session);
    let data = session.validate(fonts);
    assert!(data.ok(), "{:?}", data.diags);
    let compile = |stop: &AtomicBool| {
        let opts = EditionOptions::submission(false);
        let ed = data.resolve("en", &opts);
        let how = Fitting { stop: Some(stop), ..Fitting::new(Fit::Full) };
        data.compile("en", ed.files, &ed.map, opts.profile, how).0
    };
    match compile(&AtomicBool::new(false)) {
        Outcome::Compiled(c) => assert!(!c.tightened.is_empty(), "the fixture is copyfitted"),
        _ => panic!("the edition compiles"),
    }
    // Laid out once as written, then stopped before the first step.
    assert!(matches!(compile(&AtomicBool::new(true)), Outcome::Stopped));

    let mut opts = EditionOptions::submission(false);
    opts.stop = Some(Arc::new(AtomicBool::new(true)));
    assert!(matches!(data.edition("en", &opts).outcome, Outcome::Stopped));

    // From nothing the fixture takes two rounds or more: asked to stop, the
    // layout gives up after its first.
    let world = data.world(data.resolve("en", &EditionOptions::submission(false)).files).unwrap();
    let laid = vlr::pipeline::layout(&world, None, None, None).expect("not asked to stop");
    assert!(laid.rounds >= 2, "{} rounds", laid.rounds);
    assert!(vlr::pipeline::layout(&world, None, Some(&AtomicBool::new(true)), None).is_err());
    // Started from its own last layout it settles in its first round, which
    // a stop does not cut short.
    let last = laid.doc.expect("laid out").introspector().clone();
    let again =
        vlr::pipeline::layout(&world, Some(&*last), Some(&AtomicBool::new(true)), None).expect("settled at once");
    assert_eq!(again.rounds, 1);
}

/// `vlr watch`'s quick pass starts a layout from the edition's last one. A
/// start from which the layout swings between two states, where from
/// nothing it settles, is not used: the edition is laid
/// out again from nothing, and typst has nothing to warn of.
#[test]
fn a_layout_that_does_not_settle_from_the_last_one_is_laid_out_from_nothing() {
    let f = fixture();
    let world = template_world(&f);
    // The last layout held 1; from 1 the next holds 2, from 2 it holds 1
    // again; from nothing (0) it holds 0 and settles in two rounds.
    f.write("templates/last.typ", "#metadata(1) <m>\n");
    f.write(
        "templates/swing.typ",
        "#context { let q = query(<m>); let v = if q.len() > 0 { q.first().value } else { 0 }\n\
         [#metadata(if v == 0 { 0 } else { 3 - v }) <m>] }\n",
    );
    let last = vlr::pipeline::layout(&world("templates/last.typ"), None, None, None).unwrap();
    assert!(last.settled);
    let last = last.doc.expect("laid out").introspector().clone();

    let swing = world("templates/swing.typ");
    let fresh = vlr::pipeline::layout(&swing, None, None, None).unwrap();
    assert!(fresh.settled && fresh.rounds == 2, "{} rounds", fresh.rounds);
    let laid = vlr::pipeline::layout(&swing, Some(&*last), None, None).unwrap();
    assert!(laid.settled, "{:?}", laid.diagnostics);
    assert!(laid.diagnostics.is_empty(), "{:?}", laid.diagnostics);
    // Ten rounds from the last layout, then two from nothing.
    assert_eq!(laid.rounds, 12);
    let doc = laid.doc.expect("laid out");
    let held: Vec<_> = doc
        .introspector()
        .elements()
        .query(&typst::foundations::Selector::Label(
            typst::foundations::Label::new(typst::utils::PicoStr::intern("m")).unwrap(),
        ))
        .iter()
        .filter_map(|m| Some(m.to_packed::<typst::introspection::MetadataElem>()?.value.clone()))
        .collect();
    assert_eq!(held, vec![typst::foundations::Value::Int(0)]);
}

/// typst gives up after five layouts; vlr after ten. A document that needs
/// seven (each round reads the one before and counts on by one, to six)
/// settles, with nothing to warn of; one that swings between two states
/// for good is given up after ten, with typst's warnings.
#[test]
fn a_document_settles_in_up_to_ten_layouts() {
    let f = fixture();
    let world = template_world(&f);
    let count = "#context { let q = query(<m>); let v = if q.len() > 0 { q.first().value } else { 0 }\n\
                 [#metadata(calc.min(v + 1, 6)) <m>] }\n";
    f.write("templates/count.typ", count);
    f.write("templates/swing.typ", &count.replace("calc.min(v + 1, 6)", "1 - v"));

    let laid = vlr::pipeline::layout(&world("templates/count.typ"), None, None, None).unwrap();
    assert!(laid.settled && laid.diagnostics.is_empty(), "{:?}", laid.diagnostics);
    assert_eq!(laid.rounds, 7);

    let laid = vlr::pipeline::layout(&world("templates/swing.typ"), None, None, None).unwrap();
    assert!(!laid.settled);
    assert_eq!(laid.rounds, 10);
    let said: Vec<_> = laid.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(said.first(), Some(&"document did not converge within 10 attempts"), "{said:?}");

    assert!(laid.doc.is_some(), "made, with the warnings");
}

/// Fonts are read when typst first asks for a face: a font file replaced
/// between the scan and the layout is not set in its place. The edition
/// fails, naming the file, and nothing is written.
#[test]
fn a_font_file_replaced_during_a_build_fails_the_edition() {
    use vlr::pipeline::{EditionOptions, Fit, Fitting, Outcome};

    let f = fixture();
    let session = english(&f);
    let fonts = scanned(&session);
    let data = session.validate(fonts);
    assert!(data.ok(), "{:?}", data.diags);
    let opts = EditionOptions::submission(false);
    let ed = data.resolve("en", &opts);
    // The body face, replaced by a copy (another file; the repository's, hard
    // linked into the fixture, is left alone).
    let body = f.root().join("fonts/NotoSerif-Regular.ttf");
    std::thread::sleep(std::time::Duration::from_millis(50));
    let bytes = std::fs::read(&body).unwrap();
    std::fs::remove_file(&body).unwrap();
    std::fs::write(&body, bytes).unwrap();
    match data.compile("en", ed.files, &ed.map, opts.profile, Fitting::new(Fit::No)).0 {
        Outcome::Fatal(d, _) => {
            assert_eq!(d.file.as_deref(), Some(std::path::Path::new("fonts/NotoSerif-Regular.ttf")), "{d:?}");
            assert!(d.message.contains("changed"), "{d:?}");
        }
        _ => panic!("the edition must fail"),
    }
    // Scanned again, the fonts are the ones on disk.
    let fonts = session.fonts(false).unwrap_or_else(|e| panic!("fonts: {:?}", e.diags));
    let data = session.validate(fonts);
    let ed = data.resolve("en", &opts);
    let outcome = data.compile("en", ed.files, &ed.map, opts.profile, Fitting::new(Fit::No)).0;
    assert!(matches!(outcome, Outcome::Compiled(_)));
}
