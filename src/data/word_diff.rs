//! A text's change word by word, for a person: `vlr diff` shows a changed
//! paragraph as `… reached [-148.56-]{+160.1+} billion yuan …`, the words
//! taken out and put in with a little of the kept text around them.

/// A piece of a text's change: kept, taken out or put in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// In both.
    Same(String),
    /// Only in the earlier text.
    Removed(String),
    /// Only in the later text.
    Added(String),
}

/// The largest comparison table (words × words) worked out; longer texts
/// that differ in their middle are shown as replaced whole.
const MAX_CELLS: usize = 4_000_000;

/// The change from `a` to `b`, word by word (a CJK character, a punctuation
/// mark or a number is a word of its own), the common words kept once.
pub fn word_diff(a: &str, b: &str) -> Vec<Piece> {
    let (x, y) = (tokens(a), tokens(b));
    let pre = x.iter().zip(&y).take_while(|(p, q)| p == q).count();
    let suf = x[pre..].iter().rev().zip(y[pre..].iter().rev()).take_while(|(p, q)| p == q).count();
    let (xm, ym) = (&x[pre..x.len() - suf], &y[pre..y.len() - suf]);
    let mut ops: Vec<Piece> = x[..pre].iter().map(|t| Piece::Same(t.to_string())).collect();
    if xm.len() * ym.len() > MAX_CELLS {
        ops.extend(xm.iter().map(|t| Piece::Removed(t.to_string())));
        ops.extend(ym.iter().map(|t| Piece::Added(t.to_string())));
    } else {
        ops.extend(lcs(xm, ym));
    }
    ops.extend(x[x.len() - suf..].iter().map(|t| Piece::Same(t.to_string())));
    coalesce(ops)
}

/// The longest common subsequence of two token lists, as pieces.
fn lcs(x: &[&str], y: &[&str]) -> Vec<Piece> {
    let (n, m) = (x.len(), y.len());
    // table[i][j]: the common length of x[i..] and y[j..].
    let mut table = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[at(i, j)] =
                if x[i] == y[j] { table[at(i + 1, j + 1)] + 1 } else { table[at(i + 1, j)].max(table[at(i, j + 1)]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n || j < m {
        if i < n && j < m && x[i] == y[j] {
            out.push(Piece::Same(x[i].to_string()));
            (i, j) = (i + 1, j + 1);
        } else if j < m && (i == n || table[at(i, j + 1)] >= table[at(i + 1, j)]) {
            out.push(Piece::Added(y[j].to_string()));
            j += 1;
        } else {
            out.push(Piece::Removed(x[i].to_string()));
            i += 1;
        }
    }
    out
}

/// Joins neighbouring pieces: white space kept between two changes joins
/// them, so `a b` → `c d` reads as one replacement, not two.
fn coalesce(ops: Vec<Piece>) -> Vec<Piece> {
    let is_change = |p: Option<&Piece>| matches!(p, Some(Piece::Removed(_) | Piece::Added(_)));
    let mut out: Vec<Piece> = Vec::new();
    // The current run of changes: what it takes out and puts in.
    let (mut removed, mut added) = (String::new(), String::new());
    let flush = |out: &mut Vec<Piece>, removed: &mut String, added: &mut String| {
        if !removed.is_empty() {
            out.push(Piece::Removed(std::mem::take(removed)));
        }
        if !added.is_empty() {
            out.push(Piece::Added(std::mem::take(added)));
        }
    };
    for (i, op) in ops.iter().enumerate() {
        match op {
            Piece::Removed(t) => removed.push_str(t),
            Piece::Added(t) => added.push_str(t),
            Piece::Same(t)
                if t.trim().is_empty() && i > 0 && is_change(ops.get(i - 1)) && is_change(ops.get(i + 1)) =>
            {
                removed.push_str(t);
                added.push_str(t);
            }
            Piece::Same(t) => {
                flush(&mut out, &mut removed, &mut added);
                match out.last_mut() {
                    Some(Piece::Same(s)) => s.push_str(t),
                    _ => out.push(Piece::Same(t.clone())),
                }
            }
        }
    }
    flush(&mut out, &mut removed, &mut added);
    out
}

/// Splits a text into words, runs of white space, and marks of their own:
/// each CJK character and each punctuation mark is a word; `.` and `,`
/// between two digits or letters belong to their word (`148.56`, `1,589`).
fn tokens(s: &str) -> Vec<&str> {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        Space,
        Word,
        Alone,
    }
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let class = |k: usize| {
        let c = chars[k].1;
        let alnum = |k: Option<usize>| k.and_then(|k| chars.get(k)).is_some_and(|(_, c)| c.is_alphanumeric());
        if c.is_whitespace() {
            Class::Space
        } else if super::markup::is_cjk(c) {
            Class::Alone
        } else if c.is_alphanumeric()
            || matches!(c, '%' | '\'' | '’' | '-' | '_')
            || (matches!(c, '.' | ',') && alnum(k.checked_sub(1)) && alnum(Some(k + 1)))
        {
            Class::Word
        } else {
            Class::Alone
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut run: Option<Class> = None;
    for (k, &(at, _)) in chars.iter().enumerate() {
        let c = class(k);
        if run != Some(c) || c == Class::Alone {
            if at > start {
                out.push(&s[start..at]);
            }
            start = at;
        }
        run = Some(c);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// A change as one line, `git diff --word-diff` style: `[-taken out-]{+put
/// in+}`, with up to `context` characters of the kept text around each
/// change (`…` where kept text is left out). White space is shown as one space.
pub fn render(pieces: &[Piece], context: usize) -> String {
    let flat = |s: &str| {
        let mut t = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if s.starts_with(char::is_whitespace) && !t.is_empty() {
            t.insert(0, ' ');
        }
        if s.ends_with(char::is_whitespace) && !s.trim().is_empty() {
            t.push(' ');
        }
        if s.trim().is_empty() && !s.is_empty() { " ".to_string() } else { t }
    };
    let mut out = String::new();
    let last = pieces.len().saturating_sub(1);
    for (i, p) in pieces.iter().enumerate() {
        match p {
            Piece::Removed(t) => out.push_str(&format!("[-{}-]", flat(t))),
            Piece::Added(t) => out.push_str(&format!("{{+{}+}}", flat(t))),
            Piece::Same(t) => {
                let t: Vec<char> = flat(t).chars().collect();
                let n = t.len();
                let (first, end) = (i == 0, i == last);
                let head = || t[..cut(&t, context, true)].iter().collect::<String>();
                let tail = || t[cut(&t, n - context, false)..].iter().collect::<String>();
                if first && end {
                    out.extend(&t);
                } else if first && n > context {
                    out.push('…');
                    out.push_str(&tail());
                } else if end && n > context {
                    out.push_str(&head());
                    out.push('…');
                } else if !first && !end && n > 2 * context {
                    out.push_str(&head());
                    out.push('…');
                    out.push_str(&tail());
                } else {
                    out.extend(&t);
                }
            }
        }
    }
    out
}

/// Where to cut kept text near `at`: at a space within a few characters
/// before it (`before`, the end of a head) or after it (the start of a tail),
/// so no word is cut in two; at `at` itself in a text without spaces (Chinese).
fn cut(t: &[char], at: usize, before: bool) -> usize {
    let space = |k: usize| t.get(k) == Some(&' ');
    if at == 0 || at >= t.len() || space(at) || space(at - 1) {
        return at;
    }
    let reach = 15;
    if before {
        (at.saturating_sub(reach)..at).rev().find(|&k| space(k)).map_or(at, |k| k + 1)
    } else {
        (at..(at + reach).min(t.len())).find(|&k| space(k)).unwrap_or(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_diff_keeps_numbers_whole_and_shows_the_change_in_context() {
        let a = "In 2020, Yiwu's import transactions reached 148.56 billion yuan, an increase of 5.1%.";
        let b = "In 2021, Yiwu's import transactions reached 160.1 billion yuan, an increase of 5.1%.";
        let pieces = word_diff(a, b);
        assert_eq!(pieces[0], Piece::Same("In ".into()));
        assert_eq!(pieces[1], Piece::Removed("2020".into()));
        assert_eq!(pieces[2], Piece::Added("2021".into()));
        assert_eq!(render(&pieces, 12), "In [-2020-]{+2021+}, Yiwu's … reached [-148.56-]{+160.1+} billion …");
        // Without spaces (Chinese), kept text is cut where it reaches the context.
        assert_eq!(render(&word_diff("一二三四五六七八甲", "一二三四五六七八乙"), 3), "…六七八[-甲-]{+乙+}");
        // Neighbouring words read as one replacement.
        assert_eq!(render(&word_diff("a b c d", "a x y d"), 10), "a [-b c-]{+x y+} d");
        // Chinese, without spaces: character by character.
        assert_eq!(render(&word_diff("全年进口额5.1亿元", "全年进口额6.2亿元"), 10), "全年进口额[-5.1-]{+6.2+}亿元");
        // Identical texts and texts with nothing in common.
        assert_eq!(render(&word_diff("same", "same"), 10), "same");
        assert_eq!(render(&word_diff("", "new text"), 10), "{+new text+}");
    }

    #[test]
    fn tokens_split_punctuation_off_words_but_not_off_numbers() {
        assert_eq!(tokens("GDP 1,589.6 yuan, up."), ["GDP", " ", "1,589.6", " ", "yuan", ",", " ", "up", "."]);
        assert_eq!(tokens("“quoted” (x)"), ["“", "quoted", "”", " ", "(", "x", ")"]);
    }
}
