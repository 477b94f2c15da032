//! Citations: the source of an indicator, a target, thresholds or a chart,
//! as text, as fields (publisher, dataset, year, url) or as a label of the
//! text files, so it is translated with them; and the words a translated
//! citation keeps in the source language (a title cited in the original).

use super::markup::Run;

/// A citation as the data give it.
#[derive(Debug, Clone, PartialEq)]
pub enum Citation {
    /// Printed as written: text, or `{ publisher, dataset, year, url }` joined.
    Text(String),
    /// `{ label = "key" }`: the label `key` of the text files, so it is translated with them.
    Label(String),
}

impl Citation {
    /// The text, a label looked up with `label`.
    pub fn text(&self, label: impl FnOnce(&str) -> Option<String>) -> String {
        match self {
            Citation::Text(t) => t.clone(),
            Citation::Label(k) => label(k).unwrap_or_else(|| k.clone()),
        }
    }
}

/// Reads a citation: text, `{ publisher, dataset, year, url }`, or `{ label = "key" }`.
pub fn citation(v: &toml::Value) -> Result<Citation, String> {
    match v {
        toml::Value::String(s) if !s.trim().is_empty() => Ok(Citation::Text(s.trim().to_string())),
        toml::Value::Table(t) if t.contains_key("label") => match (t.len(), t.get("label").and_then(|l| l.as_str())) {
            (1, Some(k)) if !k.trim().is_empty() => Ok(Citation::Label(k.trim().to_string())),
            (1, _) => Err("`label` of a source is the key of a label in the text files".into()),
            _ => Err("a source with a `label` has no other field: its text is the label's".into()),
        },
        toml::Value::Table(t) => {
            let mut parts = Vec::new();
            for (k, v) in t {
                if !matches!(k.as_str(), "publisher" | "dataset" | "url" | "year" | "accessed") {
                    return Err(format!(
                        "unknown field `{k}` in a source (fields: publisher, dataset, year, url, accessed; or label alone)"
                    ));
                }
                if v.as_str().is_none() && v.as_integer().is_none() {
                    return Err(format!("`{k}` of a source is text"));
                }
            }
            for k in ["publisher", "dataset", "year", "url"] {
                if let Some(v) = t.get(k) {
                    parts.push(v.as_str().map_or_else(|| v.to_string(), str::to_string));
                }
            }
            if parts.is_empty() {
                return Err("a source needs at least a `publisher` or a `dataset`".into());
            }
            Ok(Citation::Text(parts.join(", ")))
        }
        _ => {
            Err("`source` is a citation: text, `{ publisher = …, dataset = …, url = … }` or `{ label = \"key\" }`"
                .into())
        }
    }
}

/// Marks, in a translated citation's runs, the words it keeps as the source
/// language's citation `source` writes them, as in the source language `lang`:
/// each longest run of at least two words, apart only by spaces, that the
/// source citation also has in that order ("Sustainable Development Report
/// 2025" in "SDSN، Sustainable Development Report 2025، دليل المؤشرات").
/// A single word (an acronym, a name) is left as it is: its language is not
/// known. Runs already in a language are left as they are.
pub fn mark_kept(runs: Vec<Run>, source: &str, lang: &str) -> Vec<Run> {
    let source: Vec<&str> = words(source).into_iter().map(|(a, b)| &source[a..b]).collect();
    let mut out = Vec::with_capacity(runs.len());
    for run in runs {
        if run.l.is_some() {
            out.push(run);
            continue;
        }
        let t = run.t.as_str();
        let ws = words(t);
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut i = 0;
        while i < ws.len() {
            // The longest phrase from word i on that the source has too.
            let mut best = i;
            for j in i + 1..ws.len() {
                let apart = t[ws[j - 1].1..ws[j].0].chars().all(|c| c == ' ' || c == '\u{A0}');
                let phrase: Vec<&str> = ws[i..=j].iter().map(|&(a, b)| &t[a..b]).collect();
                if !apart || !source.windows(phrase.len()).any(|w| w == phrase.as_slice()) {
                    break;
                }
                best = j;
            }
            let lettered = ws[i..=best]
                .iter()
                .filter(|&&(a, b)| t[a..b].chars().filter(|c| c.is_alphabetic()).count() >= 2)
                .count();
            if lettered >= 2 {
                spans.push((ws[i].0, ws[best].1));
                i = best + 1;
            } else {
                i += 1;
            }
        }
        let mut at = 0;
        for (a, b) in spans {
            if a > at {
                out.push(Run { t: t[at..a].to_string(), ..run.clone() });
            }
            out.push(Run { t: t[a..b].to_string(), l: Some(lang.to_string()), ..run.clone() });
            at = b;
        }
        if at < t.len() {
            out.push(Run { t: t[at..].to_string(), ..run });
        }
    }
    out
}

/// The words of a text, as byte ranges: letters and digits, with a `-`, `.`
/// or apostrophe between two of them (`E-trans`, `PM2.5`, `Yiwu's`).
fn words(t: &str) -> Vec<(usize, usize)> {
    let cs: Vec<(usize, char)> = t.char_indices().collect();
    let mut out = Vec::new();
    let mut k = 0;
    while k < cs.len() {
        if !cs[k].1.is_alphanumeric() {
            k += 1;
            continue;
        }
        let start = cs[k].0;
        let mut end = k;
        while end + 1 < cs.len() {
            let c = cs[end + 1].1;
            let joined =
                matches!(c, '-' | '.' | '\'' | '\u{2019}') && cs.get(end + 2).is_some_and(|(_, n)| n.is_alphanumeric());
            if c.is_alphanumeric() || joined {
                end += 1;
            } else {
                break;
            }
        }
        let stop = cs.get(end + 1).map_or(t.len(), |(i, _)| *i);
        out.push((start, stop));
        k = end + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_translated_citation_keeps_the_source_title_in_its_language() {
        let kept = |t: &str, src: &str| -> Vec<(String, Option<String>)> {
            mark_kept(vec![Run::text(t)], src, "en").into_iter().map(|r| (r.t, r.l)).collect()
        };
        let en = "SDSN, Sustainable Development Report 2025, indicator codebook: annual mean concentration of PM2.5";
        assert_eq!(
            kept("SDSN، Sustainable Development Report 2025، دليل المؤشرات: PM2.5", en),
            vec![
                ("SDSN، ".into(), None),
                ("Sustainable Development Report 2025".into(), Some("en".into())),
                ("، دليل المؤشرات: PM2.5".into(), None)
            ]
        );
        // A Spanish citation too; a word alone (SDSN, PM2.5) keeps the edition's language.
        let es = kept("SDSN, Sustainable Development Report 2025, guía de indicadores: PM2,5", en);
        assert_eq!(
            es.iter().filter(|(_, l)| l.is_some()).map(|(t, _)| t.as_str()).collect::<Vec<_>>(),
            ["Sustainable Development Report 2025"]
        );
        // Nothing kept: nothing marked; a phrase is words the source has in that order.
        assert_eq!(
            kept("SDSN《2025年可持续发展报告》指标手册", en),
            vec![("SDSN《2025年可持续发展报告》指标手册".into(), None)]
        );
        assert_eq!(kept("Report Development", en).len(), 1);
        assert_eq!(words("E-trans, PM2.5 Yiwu's -x"), vec![(0, 7), (9, 14), (15, 21), (23, 24)]);
    }

    #[test]
    fn citations_are_text_fields_or_a_label() {
        let v = |t: &str| -> toml::Value { toml::from_str::<toml::Table>(&format!("s = {t}")).unwrap()["s"].clone() };
        assert_eq!(citation(&v(r#""WHO (2021)""#)), Ok(Citation::Text("WHO (2021)".into())));
        assert_eq!(
            citation(&v(r#"{ publisher = "ONS", dataset = "Emissions", year = 2024 }"#)),
            Ok(Citation::Text("ONS, Emissions, 2024".into()))
        );
        assert_eq!(citation(&v(r#"{ label = "cite-who" }"#)), Ok(Citation::Label("cite-who".into())));
        assert!(citation(&v(r#"{ label = "cite-who", publisher = "WHO" }"#)).is_err());
        assert!(citation(&v(r#"{ label = "" }"#)).is_err());
        // A label's text comes from the text files; without one, the key is printed.
        let c = Citation::Label("k".into());
        assert_eq!(c.text(|_| Some("Plan".into())), "Plan");
        assert_eq!(c.text(|_| None), "k");
    }
}
