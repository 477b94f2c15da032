//! Fuzzes the project loader: arbitrary bytes as vlr.toml, a data file and a
//! chapter text must give diagnostics, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    // Split the input into three files at NUL bytes.
    let mut parts = input.splitn(3, |b| *b == 0).map(|p| String::from_utf8_lossy(p).into_owned());
    let (project, data, text) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    let dir = std::env::temp_dir().join(format!("vlr-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(dir.join("data"));
    let _ = std::fs::create_dir_all(dir.join("text/en"));
    let _ = std::fs::write(dir.join("vlr.toml"), &project);
    let _ = std::fs::write(dir.join("data/d.toml"), &data);
    let _ = std::fs::write(dir.join("text/en/intro.toml"), &text);
    let _ = std::fs::write(dir.join("text/en/meta.toml"), "title = \"t\"\ncity = \"c\"\nauthor = \"a\"\n");
    if let Ok(p) = vlr::build::prepare(&dir, &[]) {
        let mut diags = Vec::new();
        let idx = vlr::data::resolve::index(&p.loaded, &p.sources, p.project.settings(), &mut diags);
        for lang in p.project.languages() {
            let strings = p.strings.get(&lang).cloned().unwrap_or_else(|| vlr::i18n::Locale::builtin("en").strings);
            let locale = vlr::i18n::Locale::new(&lang, strings, p.project.units.clone());
            let opts = vlr::data::resolve::ResolveOptions { locale: &locale, draft: true };
            let _ = vlr::data::resolve::resolve(&p.project, &p.loaded, &idx, &p.sources, opts, &mut diags);
        }
        let mut out = Vec::new();
        let mut sink = codespan_reporting_sink(&mut out);
        vlr::diag::emit(&mut sink, &p.sources, &diags, &dir);
    }
    // The inline markup parser on its own.
    let _ = vlr::data::markup::parse(&text, |_| Ok((String::new(), None)));
    // The XLIFF reader of `vlr translate import`.
    let _ = vlr::translate::xliff::read(&text);
});

fn codespan_reporting_sink(out: &mut Vec<u8>) -> vlr::diag::NoColor<&mut Vec<u8>> {
    vlr::diag::NoColor::new(out)
}
