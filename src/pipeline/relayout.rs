//! typst's compile loop, as `typst::compile` runs it (typst 0.15.1's
//! `compile_impl`, for paged documents), with one difference: it can start
//! from an earlier layout of the same edition instead of from nothing.
//!
//! typst lays a document out again and again until what each layout asked
//! of the one before (pages, positions, counters, queries) comes out the
//! same: the bundled book takes five layouts from nothing, each but the
//! first mostly from typst's caches. Started from the edition's last
//! layout (`vlr watch`'s quick pass, after an edit), the first layout
//! already reads almost everything as it will be, and two or three settle it.
//!
//! A layout started from elsewhere may settle on another of the states the
//! templates allow (a figure that floats in one and is set in the text in
//! the other: see `float-or-flow` in the templates), so only watch's quick
//! pass starts from one; every other layout, the full pass after it
//! included, starts from nothing, and so `vlr build` and the PDF watch
//! leaves once the full pass is done are the same.

use comemo::{Track, Tracked};
use typst::World;
use typst::diag::{SourceDiagnostic, SourceResult};
use typst::engine::{Engine, Route, Sink, Traced};
use typst::foundations::{Output, StyleChain, Target, TargetElem};
use typst::introspection::{EmptyIntrospector, Introspector, MAX_ITERS};
use typst::utils::Protected;
use typst_layout::{PagedDocument, PagedIntrospector};

/// Lays out the edition in `world` as `typst::compile` does, its first
/// layout reading `seed` (an earlier layout's pages, positions, counters)
/// instead of nothing. Gives the document or typst's errors, its warnings,
/// and how many layouts (rounds) it took to settle.
pub fn relayout(
    world: &dyn World,
    seed: Option<&PagedIntrospector>,
) -> (SourceResult<PagedDocument>, Vec<SourceDiagnostic>, usize) {
    let mut sink = Sink::new();
    let traced = Traced::default();
    let mut rounds = 0;
    let result = run(world.track(), traced.track(), &mut sink, seed, &mut rounds);
    let mut warnings: Vec<SourceDiagnostic> = sink.warnings().into_iter().collect();
    dedup(&mut warnings);
    let result = result.map_err(|e| {
        let mut v: Vec<SourceDiagnostic> = e.into_iter().collect();
        dedup(&mut v);
        v.into_iter().collect()
    });
    (result, warnings, rounds)
}

/// Drops repeated diagnostics (the same message at the same place), as
/// `typst::compile` does.
fn dedup(diags: &mut Vec<SourceDiagnostic>) {
    let mut seen = std::collections::HashSet::new();
    diags.retain(|d| seen.insert(typst::utils::hash128(&(&d.span, &d.message))));
}

/// The loop of `typst::compile` (`compile_impl`), for paged documents.
fn run(
    world: Tracked<dyn World + '_>,
    traced: Tracked<Traced>,
    sink: &mut Sink,
    seed: Option<&PagedIntrospector>,
    rounds: &mut usize,
) -> SourceResult<PagedDocument> {
    let library = world.library();
    let base = StyleChain::new(&library.styles);
    let target = TargetElem::target.set(Target::Paged).wrap();
    let styles = base.chain(&target);
    let empty = EmptyIntrospector;
    let main = world.main();
    let main = world
        .source(main)
        .map_err(|e| typst::ecow::eco_vec![SourceDiagnostic::error(typst::syntax::Span::detached(), e.to_string())])?;
    let content =
        typst_eval::eval(world, library, traced, sink.track_mut(), Route::default().track(), &main)?.content();

    let mut history: Vec<PagedDocument> = Vec::new();
    loop {
        let introspector: &dyn Introspector = match (history.last(), seed) {
            (Some(doc), _) => intro(doc),
            (None, Some(seed)) => seed,
            (None, None) => &empty,
        };
        let constraint = comemo::Constraint::new();
        let mut subsink = Sink::new();
        let mut engine = Engine {
            library,
            world,
            introspector: Protected::new(introspector.track_with(&constraint)),
            traced,
            sink: subsink.track_mut(),
            route: Route::default(),
        };
        let document = PagedDocument::create(&mut engine, &content, styles)?;
        *rounds += 1;
        if constraint.validate(intro(&document)) {
            sink.extend_from_sink(subsink);
            let delayed = sink.delayed();
            if !delayed.is_empty() {
                return Err(delayed);
            }
            return Ok(document);
        }
        if history.len() + 1 >= MAX_ITERS {
            let mut introspectors = [&empty as &dyn Introspector; MAX_ITERS + 1];
            for (i, doc) in history.iter().enumerate().skip(history.len() + 1 - (MAX_ITERS - 1)) {
                introspectors[i + 1] = intro(doc);
            }
            introspectors[MAX_ITERS] = intro(&document);
            let warnings = typst::introspection::analyze(world, introspectors, subsink.introspections());
            sink.extend_from_sink(subsink);
            for w in warnings {
                sink.warn(w);
            }
            let delayed = sink.delayed();
            if !delayed.is_empty() {
                return Err(delayed);
            }
            return Ok(document);
        }
        history.push(document);
    }
}

/// A document's introspector, as typst's compile loop reads it.
fn intro(doc: &PagedDocument) -> &dyn Introspector {
    Output::introspector(doc)
}
