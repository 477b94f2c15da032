//! vlr's own run of typst's layout loop (`pipeline/relayout.rs`): a template
//! that never settles is reported as typst reports it, round by round.

use crate::common::{Fixture, stderr};

/// Each round adds one element more than the round before read, so the
/// book never settles: the warning names the query and what each round
/// saw, the second round the first round's one element (the first read
/// nothing).
#[test]
fn a_template_that_never_settles_is_reported_round_by_round() {
    let f = Fixture::new("basic");
    let main = f.read("templates/main.typ");
    let grow = "#context { let n = query(<vlr-grow>).len(); for i in range(n + 1) [#metadata(i)<vlr-grow>] }\n";
    f.write("templates/main.typ", &format!("{main}\n{grow}"));
    let out = f.run(&["build", "--lang", "en"]);
    let err = stderr(&out);
    assert!(err.contains("document did not converge within five attempts"), "{err}");
    assert!(err.contains("number of elements labelled `<vlr-grow>` did not stabilize"), "{err}");
    let seen: Vec<&str> =
        err.lines().filter(|l| l.trim_start().starts_with("- run ") || l.contains("- final:")).collect();
    let seen: Vec<&str> = seen.iter().map(|l| l.trim()).collect();
    assert_eq!(seen, ["- run 1: 0", "- run 2: 1", "- run 3: 2", "- run 4: 3", "- run 5: 4", "- final: 5"], "{err}");
}
