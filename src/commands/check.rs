//! `vlr check`: validates the project and compiles and exports every
//! edition, with the same PDF standards as `vlr build`, without writing PDFs.

use std::path::Path;

use crate::cli::ProjectArgs;
use crate::data::status::Rating;
use crate::diag::Diag;
use crate::export;
use crate::pipeline::{Data, EditionOptions, Fit, Fitting, Outcome, Session};
use crate::report::{ExitStatus, Reporter, dedup};

/// Runs `vlr check`.
pub fn run(args: &ProjectArgs, r: &mut Reporter) -> ExitStatus {
    match super::project_root(args.root.as_deref()) {
        Ok(root) => check(&root, &args.langs, r),
        Err(f) => r.fail(f, Path::new(".")),
    }
}

/// Checks the project at `root` in the given languages (all if empty).
pub fn check(root: &Path, langs: &[String], r: &mut Reporter) -> ExitStatus {
    let session = match Session::load(root, langs) {
        Ok(s) => s,
        Err(f) => return r.fail(f, root),
    };
    let base = session.project.root.clone();
    let langs = session.languages(langs);
    let fonts = match session.fonts(false) {
        Ok(f) => f,
        Err(f) => return r.fail(f, root),
    };
    let data = session.validate(fonts);
    let mut diags = data.diags.clone();
    if let Err(e) = export::source_date_epoch() {
        diags.push(Diag::general(e));
    }
    let opts = EditionOptions::submission(false);
    let mut typst_failed = false;
    for lang in &langs {
        let mut ed = data.resolve(lang, &opts);
        if lang != session.project.source_language() {
            let t = ed.translated;
            // Rounded down: 399 of 400 is not 100%.
            let pct = (t.done * 100).checked_div(t.total).unwrap_or(100);
            let stale = if t.stale == 0 { String::new() } else { format!("; {} stale", t.stale) };
            r.status("Translated", &format!("{lang}: {} of {} texts ({pct}%){stale}", t.done, t.total));
        }
        let ok = !ed.diags.iter().any(Diag::is_error);
        diags.append(&mut ed.diags);
        // The same compilation and export as `vlr build` (PDF/A and PDF/UA
        // checks included), for data that passed and while nothing failed;
        // only the writing is left out.
        if !(ok && data.ok() && !diags.iter().any(Diag::is_error)) {
            continue;
        }
        let files = std::mem::take(&mut ed.files);
        match data.compile(lang, files, &ed.map, opts.profile, Fitting::new(Fit::No)).0 {
            Outcome::Compiled(c) => {
                typst_failed |= c.typst.iter().any(Diag::is_error);
                diags.extend(c.placed);
                r.diags(&c.typst_sources, &c.typst, &base);
            }
            Outcome::Fatal(d, _) => diags.push(d),
            Outcome::Failed | Outcome::Stopped => {}
        }
        crate::pipeline::free_edition_caches();
    }
    let diags = dedup(diags);
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    r.diags(&session.sources, &diags, &base);
    list_unrated(r, &session, &data);
    if errors == 0 && !typst_failed {
        let city = &session.project.file.project.city;
        r.status("Checked", &format!("{city} ({}): no errors, {warnings} warning(s)", langs.join(", ")));
        ExitStatus::Success
    } else {
        r.status("Checked", &format!("{errors} error(s), {warnings} warning(s)"));
        ExitStatus::Problems
    }
}

/// Lists the indicators that are not rated, each with its reason; the counts
/// are the dashboard's ("4 of 7 indicators are rated").
fn list_unrated(r: &mut Reporter, session: &Session, data: &Data) {
    let dashboard = data.dashboard();
    let c = dashboard.counts();
    if c.rated == c.total || r.quiet() {
        return;
    }
    r.status("Not rated", &format!("{} of {} indicator(s) ({} rated):", c.total - c.rated, c.total, c.rated));
    let mut at: Vec<(&Path, usize, &str, String)> = dashboard
        .unrated()
        .map(|(ind, rating)| {
            let (path, span) = ind.loc();
            let line = session.sources.line_col(path, span.start).map_or(0, |(line, _)| line);
            let why = match rating {
                Rating::NoTarget => "no target".to_string(),
                Rating::NoThresholds => "no thresholds".to_string(),
                Rating::Outdated(year) => {
                    format!("its latest value, of {year}, is older than its years-used window")
                }
                _ => "no value to rate".to_string(),
            };
            (path, line, ind.spec.id.get_ref().as_str(), why)
        })
        .collect();
    at.sort();
    for (path, line, id, why) in at {
        r.item(&format!("{}:{line}: {id} ({why})", path.display()));
    }
}
