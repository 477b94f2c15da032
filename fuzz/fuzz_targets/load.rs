//! Fuzzes the project loader, CSV data, chart drawing, `vlr check` and
//! `vlr translate import`: arbitrary bytes as vlr.toml, a data file, a CSV
//! data file, a chapter text and an XLIFF file must give diagnostics, never a
//! panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

/// The project folder (one per fuzzing process), with the real templates.
fn project_dir() -> &'static std::path::Path {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("vlr-fuzz-{}", std::process::id()));
        for sub in ["data", "text/en", "templates", "fonts"] {
            let _ = std::fs::create_dir_all(dir.join(sub));
        }
        let _ = std::fs::write(dir.join("templates/main.typ"), include_str!("../../templates/main.typ"));
        let _ = std::fs::write(dir.join("templates/lib.typ"), include_str!("../../templates/lib.typ"));
        let _ = std::fs::write(dir.join("templates/dashboard.typ"), include_str!("../../templates/dashboard.typ"));
        let _ = std::fs::write(dir.join("templates/theme.toml"), include_str!("../../templates/theme.toml"));
        let _ = std::fs::write(dir.join("text/en/meta.toml"), "title = \"t\"\ncity = \"c\"\nauthor = \"a\"\n");
        dir
    })
}

/// A fixed two-language project that XLIFF files are imported into (one per
/// fuzzing process); its French text is restored after every import.
fn import_dir() -> &'static std::path::Path {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("vlr-fuzz-import-{}", std::process::id()));
        for sub in ["data", "text/en", "text/fr"] {
            let _ = std::fs::create_dir_all(dir.join(sub));
        }
        let _ = std::fs::write(dir.join("vlr.toml"), IMPORT_PROJECT);
        let _ = std::fs::write(dir.join("data/d.toml"), "[[indicator]]\nid = \"gdp\"\nvalue = 1.5e9\nunit = \"yuan\"\nyear = 2020\n");
        let _ = std::fs::write(dir.join("text/en/intro.toml"), IMPORT_EN);
        let _ = std::fs::write(dir.join("text/en/meta.toml"), "title = \"t\"\ncity = \"c\"\nauthor = \"a\"\n");
        dir
    })
}

const IMPORT_PROJECT: &str = "[project]\ncity = \"c\"\nedition = 2020\npublished = 2021-07-01\noutput = \"c\"\nlanguages = [\"en\", \"fr\"]\n\n[[chapter]]\nid = \"intro\"\n";
const IMPORT_EN: &str = "title = \"Growth\"\n\n[[block]]\nid = \"p1\"\np = \"GDP reached {gdp} in {gdp:period}.\"\n\n[[block]]\nid = \"l1\"\nlist = [\"one **bold**\", \"two *it*\"]\n";

fuzz_target!(|input: &[u8]| {
    // Split the input into five files at NUL bytes.
    let mut parts = input.splitn(5, |b| *b == 0).map(|p| String::from_utf8_lossy(p).into_owned());
    let mut next = || parts.next().unwrap_or_default();
    let (project, data, csv, text, xliff) = (next(), next(), next(), next(), next());
    let dir = project_dir();
    let _ = std::fs::write(dir.join("vlr.toml"), &project);
    let _ = std::fs::write(dir.join("data/d.toml"), &data);
    let _ = std::fs::write(dir.join("data/d.csv"), &csv);
    let _ = std::fs::write(dir.join("text/en/intro.toml"), &text);
    let mut out = Vec::new();
    let mut sink = vlr::diag::NoColor::new(&mut out);
    if let Ok(session) = vlr::pipeline::Session::load(dir, &[])
        && let Ok(fonts) = session.fonts(false)
    {
        // The same validation as every command (index, citations, glyphs).
        let data = session.validate(fonts);
        let mut diags = data.diags.clone();
        for lang in session.project.languages() {
            let locale = session.locale(&lang);
            let opts = vlr::data::resolve::ResolveOptions { locale: &locale, draft: true, profile: "submission" };
            let (project, sources) = (&session.project, &session.sources);
            let _ = vlr::data::resolve::resolve(project, &session.loaded, &data.index, sources, opts, &mut diags);
            // Every chart is drawn, whatever validation said: drawing must
            // never panic, even on data that failed validation.
            let Ok(theme) = &session.theme else { continue };
            for (_, spec) in &data.index.charts {
                let prepared = vlr::charts::prepare(&data.index, spec, None, &locale, &|id: &str| id.to_string());
                let _ = vlr::charts::render(&prepared, &locale, &theme.charts, theme.goal_colour(8));
            }
        }
        vlr::diag::emit(&mut sink, &session.sources, &diags, dir);
    }
    // The whole of `vlr check`: validation, text, charts and typst.
    let _ = vlr::commands::check::check(dir, &[], &mut vlr::Reporter::new(&mut sink, vlr::Verbosity::Quiet));
    comemo::evict(0);
    // The inline markup parser on its own.
    let _ = vlr::data::markup::parse(&text, |_| Ok((String::new(), None)));
    // The XLIFF reader of `vlr translate import`, then the whole import
    // (checks and writing) into a project that loads.
    let _ = vlr::translate::xliff::read(&xliff);
    let import = import_dir();
    let _ = std::fs::write(import.join("received.xlf"), &xliff);
    let _ = vlr::translate::import(import, &import.join("received.xlf"));
    let _ = std::fs::remove_dir_all(import.join("text/fr"));
    let _ = std::fs::create_dir_all(import.join("text/fr"));
});
