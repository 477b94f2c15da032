//! typst's compile loop, as `typst::compile` runs it (typst 0.15.1's
//! `compile_impl`, for paged documents), with one difference: it can start
//! from an earlier layout of the same edition instead of from nothing.
//!
//! typst lays a document out again and again until what each layout asked
//! of the one before (pages, positions, counters, queries) comes out the
//! same: the bundled book takes five layouts from nothing, each but the
//! first mostly from typst's caches. Started from the edition's last
//! layout (`vlr watch`'s quick pass, after an edit), the first layout
//! already reads almost everything as it will be, and after most edits it
//! settles in that one round.
//!
//! It also lays out up to [`MOST_ROUNDS`] rounds where typst stops at five.
//! The templates' figures settle one after another (a figure moved into
//! the text moves what follows it, see `float-or-flow`), so a book may need
//! more: the bundled English edition as written took seven, and after a
//! few words more in its preface, six. Stopped at five, typst warns that it
//! did not converge and gives a document whose contents page and "(continued)"
//! bands may not match its pages. The stock typst CLI, given `--emit-typst`'s
//! sources, makes the same document where it settles within five.
//!
//! A layout started from elsewhere may settle on another of the states the
//! templates allow (a figure that floats in one and is set in the text in
//! the other: see `float-or-flow` in the templates), so only watch's quick
//! pass starts from one; every other layout, the full pass after it
//! included, starts from nothing, and so `vlr build` and the PDF watch
//! leaves once the full pass is done are the same.
//!
//! Nor need it settle within [`MOST_ROUNDS`] where a layout from nothing
//! does: after an edit that moves every later page on by one, each figure
//! starts from where the last layout put it, and they move one after
//! another. Such a layout is not used: [`crate::pipeline::layout`] lays the
//! edition out again from nothing.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use comemo::{Track, Tracked};
use typst::World;
use typst::diag::{SourceDiagnostic, SourceResult};
use typst::ecow::EcoVec;
use typst::engine::{Engine, Route, Sink, Traced};
use typst::foundations::{Output, StyleChain, Target, TargetElem};
use typst::introspection::{EmptyIntrospector, Introspector, MAX_ITERS};
use typst::utils::Protected;
use typst_layout::{PagedDocument, PagedIntrospector};

/// The most layouts (rounds) of one document before it is given up as not
/// settling, with typst's warnings: twice typst's five (see the module's
/// comment). A document that swings between two states for good costs this
/// many rounds before its warnings.
pub const MOST_ROUNDS: usize = 2 * MAX_ITERS;

/// Lays out the edition in `world` as `typst::compile` does, its first
/// layout reading `seed` (an earlier layout's pages, positions, counters)
/// instead of nothing. Gives the document or typst's errors, its warnings,
/// how many layouts (rounds) it took, and whether it settled (typst warns
/// if not, and the document may contradict itself: a contents entry
/// pointing at a page that moved); `None` if `stop` was set when a round
/// ended unsettled. `lean`: after each round, let go of
/// typst's memoized work unused in that many evictions (one per edition
/// made at once, each evicting after its rounds), not in `vlr watch`.
pub fn relayout(
    world: &dyn World,
    seed: Option<&PagedIntrospector>,
    stop: Option<&AtomicBool>,
    lean: Option<usize>,
) -> Option<Relaid> {
    let mut sink = Sink::new();
    let traced = Traced::default();
    let (result, rounds, settled) = run(world.track(), traced.track(), &mut sink, seed, stop, lean)?;
    let mut warnings = sink.warnings();
    dedup(&mut warnings);
    let result = result.map_err(|mut errors| {
        dedup(&mut errors);
        errors
    });
    Some(Relaid { result, warnings: warnings.into_iter().collect(), rounds, settled })
}

/// What [`relayout`] gives.
pub struct Relaid {
    /// The document, or typst's errors.
    pub result: SourceResult<PagedDocument>,
    /// typst's warnings.
    pub warnings: Vec<SourceDiagnostic>,
    /// How many layouts (rounds) it took.
    pub rounds: usize,
    /// Whether the last round read what the round before it made (typst's
    /// test of a settled document); an error is not unsettled.
    pub settled: bool,
}

/// Drops repeated diagnostics (the same message at the same place), as
/// `typst::compile` does.
fn dedup(diags: &mut EcoVec<SourceDiagnostic>) {
    let mut seen = std::collections::HashSet::new();
    diags.retain(|d| seen.insert(typst::utils::hash128(&(&d.span, &d.message))));
}

/// The loop of `typst::compile` (`compile_impl`), for paged documents: the
/// document or typst's errors, the rounds laid out and whether the last
/// settled; `None` if stopped.
fn run(
    world: Tracked<dyn World + '_>,
    traced: Tracked<Traced>,
    sink: &mut Sink,
    seed: Option<&PagedIntrospector>,
    stop: Option<&AtomicBool>,
    lean: Option<usize>,
) -> Option<(SourceResult<PagedDocument>, usize, bool)> {
    let library = world.library();
    let base = StyleChain::new(&library.styles);
    let target = TargetElem::target.set(Target::Paged).wrap();
    let styles = base.chain(&target);
    let empty = EmptyIntrospector;
    let main = world.main();
    let main = match world.source(main) {
        Ok(main) => main,
        Err(e) => {
            let error = SourceDiagnostic::error(typst::syntax::Span::detached(), e.to_string());
            return Some((Err(typst::ecow::eco_vec![error]), 0, true));
        }
    };
    let content = match typst_eval::eval(world, library, traced, sink.track_mut(), Route::default().track(), &main) {
        Ok(module) => module.content(),
        Err(errors) => return Some((Err(errors), 0, true)),
    };

    // What the rounds laid out before this one know of themselves (read by
    // the next round, and by the diagnostics of a document that does not
    // settle). typst keeps the whole documents; their pages are not needed,
    // and held they would keep every round's frames in memory.
    let mut history: Vec<Arc<PagedIntrospector>> = Vec::new();
    loop {
        let introspector: &dyn Introspector = match (history.last(), seed) {
            (Some(earlier), _) => earlier.as_ref(),
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
        let rounds = history.len() + 1;
        let document = match PagedDocument::create(&mut engine, &content, styles) {
            Ok(document) => document,
            Err(errors) => return Some((Err(errors), rounds - 1, true)),
        };
        if constraint.validate(intro(&document)) {
            sink.extend_from_sink(subsink);
            return Some((finish(sink, document), rounds, true));
        }
        if stop.is_some_and(|s| s.load(Ordering::Relaxed)) {
            return None;
        }
        if rounds == MOST_ROUNDS {
            // Not settled: typst's warnings say what kept changing, from
            // the last rounds' introspectors (the first read nothing).
            let mut all: Vec<&dyn Introspector> = vec![&empty];
            all.extend(history.iter().map(|h| h.as_ref() as &dyn Introspector));
            all.push(intro(&document));
            let mut introspectors = [&empty as &dyn Introspector; MAX_ITERS + 1];
            introspectors.copy_from_slice(&all[all.len() - (MAX_ITERS + 1)..]);
            let mut warnings = typst::introspection::analyze(world, introspectors, subsink.introspections());
            // None: what kept changing was not what the templates read (a
            // query reduced to whether it found anything): settled after all.
            let settled = warnings.is_empty();
            if let Some(summary) = warnings.make_mut().first_mut() {
                summary.message = typst::ecow::eco_format!("document did not converge within {MOST_ROUNDS} attempts");
                // What it means for the book, before typst's own hints.
                summary.hint(
                    "the PDF is made, but what it says of its own pages (the contents, the lists of figures \
                     and tables, \"continued\" headings) may not match them",
                );
                summary.hints.make_mut().rotate_right(1);
            }
            // typst numbers the rounds it was shown from 1: they are the last.
            for w in warnings.make_mut() {
                for hint in w.hints.make_mut() {
                    hint.v = renumber(&hint.v, rounds - MAX_ITERS);
                }
            }
            sink.extend_from_sink(subsink);
            for w in warnings {
                sink.warn(w);
            }
            return Some((finish(sink, document), rounds, settled));
        }
        history.push(document.introspector().clone());
        drop(document);
        if let Some(age) = lean {
            // What only this round made (laid out from what the round
            // before knew) is let go once the next round has not used it.
            super::free_caches(age);
        }
    }
}

/// A hint of typst's analysis with its rounds ("- run 2: …") numbered
/// `by` more.
fn renumber(hint: &typst::ecow::EcoString, by: usize) -> typst::ecow::EcoString {
    let lines = hint.split('\n').map(|line| {
        let Some(rest) = line.strip_prefix("- run ") else { return line.to_string() };
        match rest.split_once(':').and_then(|(n, tail)| Some((n.parse::<usize>().ok()?, tail))) {
            Some((n, tail)) => format!("- run {}:{tail}", n + by),
            None => line.to_string(),
        }
    });
    lines.collect::<Vec<_>>().join("\n").into()
}

/// The document, unless typst delayed errors to the end.
fn finish(sink: &mut Sink, document: PagedDocument) -> SourceResult<PagedDocument> {
    let delayed = sink.delayed();
    if delayed.is_empty() { Ok(document) } else { Err(delayed) }
}

/// A document's introspector, as typst's compile loop reads it.
fn intro(doc: &PagedDocument) -> &dyn Introspector {
    Output::introspector(doc)
}
