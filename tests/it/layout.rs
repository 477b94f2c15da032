//! vlr's own run of typst's layout loop (`pipeline/relayout.rs`): a template
//! that never settles is reported as typst reports it, round by round.

use crate::common::{Fixture, stderr};

/// Each round adds one element more than the round before read, so the
/// book never settles: after ten rounds (typst stops at five), the warning
/// names the query and what each of the last five rounds saw, numbered as
/// they are: the sixth round saw the fifth's five elements.
#[test]
fn a_template_that_never_settles_is_reported_round_by_round() {
    let f = Fixture::new("basic");
    let main = f.read("templates/main.typ");
    let grow = "#context { let n = query(<vlr-grow>).len(); for i in range(n + 1) [#metadata(i)<vlr-grow>] }\n";
    f.write("templates/main.typ", &format!("{main}\n{grow}"));
    let out = f.run(&["build", "--lang", "en"]);
    let err = stderr(&out);
    assert!(err.contains("document did not converge within 10 attempts"), "{err}");
    assert!(err.contains("the PDF is made, but what it says of its own pages"), "{err}");
    assert!(err.contains("number of elements labelled `<vlr-grow>` did not stabilize"), "{err}");
    let seen: Vec<&str> =
        err.lines().filter(|l| l.trim_start().starts_with("- run ") || l.contains("- final:")).collect();
    let seen: Vec<&str> = seen.iter().map(|l| l.trim()).collect();
    assert_eq!(seen, ["- run 6: 5", "- run 7: 6", "- run 8: 7", "- run 9: 8", "- run 10: 9", "- final: 10"], "{err}");
}
