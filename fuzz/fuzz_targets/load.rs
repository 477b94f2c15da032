//! Fuzzes the project loader, chart drawing and `vlr check`: arbitrary bytes
//! as vlr.toml, a data file and a chapter text must give diagnostics, never
//! a panic.
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

fuzz_target!(|input: &[u8]| {
    // Split the input into three files at NUL bytes.
    let mut parts = input.splitn(3, |b| *b == 0).map(|p| String::from_utf8_lossy(p).into_owned());
    let (project, data, text) =
        (parts.next().unwrap_or_default(), parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    let dir = project_dir();
    let _ = std::fs::write(dir.join("vlr.toml"), &project);
    let _ = std::fs::write(dir.join("data/d.toml"), &data);
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
    // The XLIFF reader of `vlr translate import`.
    let _ = vlr::translate::xliff::read(&text);
});
