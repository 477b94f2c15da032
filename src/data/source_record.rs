//! The source texts translations were made from: `translations/translated-from.toml`.
//!
//! A translation records only the fingerprint of the source it was made from
//! (`src`, see [`super::fingerprint`]). A fingerprint tells *that* a source
//! changed, not what it said; so vlr also keeps each recorded source itself,
//! segment by segment, once per version: an entry is keyed by its file, its
//! group and the fingerprint the translation records, and languages translated
//! from the same source share it. With it, a stale group is stale only in the
//! segments that changed, and an export shows the translator the source each
//! old translation was made from.
//!
//! ```toml
//! ["key-messages"]
//! "block.messages@1f2e3d4c"."list.0" = "Sustainable economic growth (SDG 8). …"
//! "block.messages@1f2e3d4c"."list.1" = "…"
//! ```
//!
//! `vlr translate import` and `vlr translate stamp` write it: an entry for
//! every translation whose source is current, each older entry a translation
//! still records, nothing else. An entry whose texts do not give its
//! fingerprint (edited by hand) is ignored. Without an entry, a stale group is
//! stale as a whole, as before the file existed.

use std::collections::BTreeMap;
use std::path::Path;

use super::fingerprint::{Kind, Seg, fingerprint, lines};
use crate::diag::Diag;
use crate::files::toml_string;

/// Where the record is, relative to the project root.
pub const PATH: &str = "translations/translated-from.toml";

/// An entry's key: the file's stem (a chapter id or `meta`), the group's key
/// (`block.intro`, `label.gdp`…, see [`super::fingerprint::Key::id`]) and the fingerprint.
pub type EntryKey = (String, String, String);

/// The recorded source texts, by entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    /// Each entry's segments, (id, text) in the order of the source they were recorded from.
    entries: BTreeMap<EntryKey, Vec<(String, String)>>,
}

/// A segment's text as the record keeps it: white space as fingerprints see
/// it (a paragraph on one line), a table cell's lines, plain text as it is.
pub fn stored(seg: &Seg) -> String {
    match seg.kind {
        Kind::Markup => super::fingerprint::normalise(&seg.text),
        Kind::Lines => lines(&seg.text),
        Kind::Plain => seg.text.clone(),
    }
}

impl Record {
    /// Reads the record; syntax and shape errors are located in it.
    pub fn parse(path: &Path, text: &str) -> Result<Record, Vec<Diag>> {
        let doc = toml_edit::Document::parse(text.to_string())
            .map_err(|e| vec![Diag::error(path, e.span(), e.message().to_string())])?;
        let mut record = Record::default();
        let mut errors = Vec::new();
        let shape = "an entry is `\"<group>@<fingerprint>\".<segment> = \"text\"` under its file's table";
        for (file, item) in doc.as_table().iter() {
            let at = doc.as_table().key(file).and_then(toml_edit::Key::span);
            let Some(table) = item.as_table_like() else {
                errors.push(Diag::error(path, at, format!("`{file}` is not a table")).with_hint(shape));
                continue;
            };
            for (key, entry) in table.iter() {
                let at = table.get_key_value(key).and_then(|(k, _)| k.span());
                let parsed = key.rsplit_once('@').filter(|(g, fp)| !g.is_empty() && is_fingerprint(fp));
                let (Some((group, fp)), Some(segs)) = (parsed, entry.as_table_like()) else {
                    errors.push(Diag::error(path, at, format!("`{key}` is not an entry")).with_hint(shape));
                    continue;
                };
                let mut out = Vec::new();
                for (seg, v) in segs.iter() {
                    match v.as_str() {
                        Some(s) => out.push((seg.to_string(), s.to_string())),
                        None => errors.push(
                            Diag::error(path, v.span().or(at.clone()), format!("`{key}.{seg}` is not a string"))
                                .with_hint(shape),
                        ),
                    }
                }
                // An entry edited by hand no longer says what the fingerprint was made from.
                if fingerprint(out.iter().map(|(i, t)| (i.as_str(), t.as_str()))) == fp {
                    record.entries.insert((file.to_string(), group.to_string(), fp.to_string()), out);
                }
            }
        }
        if errors.is_empty() { Ok(record) } else { Err(errors) }
    }

    /// The segments recorded for a group's fingerprint.
    pub fn get(&self, file: &str, group: &str, fp: &str) -> Option<&[(String, String)]> {
        self.entries.get(&(file.to_string(), group.to_string(), fp.to_string())).map(Vec::as_slice)
    }

    /// Records segments (id, text as [`stored`]) of a group; returns their fingerprint.
    pub fn insert(&mut self, file: &str, group: &str, segs: Vec<(String, String)>) -> String {
        let fp = fingerprint(segs.iter().map(|(i, t)| (i.as_str(), t.as_str())));
        self.entries.insert((file.to_string(), group.to_string(), fp.clone()), segs);
        fp
    }

    /// Keeps only the entries `keep` wants.
    pub fn retain(&mut self, mut keep: impl FnMut(&EntryKey) -> bool) {
        self.entries.retain(|k, _| keep(k));
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The file's text: entries ordered by `rank` (file, then group), then by fingerprint.
    pub fn to_toml(&self, rank: impl Fn(&str, &str) -> (usize, usize)) -> String {
        let mut keys: Vec<&EntryKey> = self.entries.keys().collect();
        keys.sort_by_key(|(f, g, fp)| (rank(f, g), f.as_str(), g.as_str(), fp.as_str()));
        let mut out = String::from(HEADER);
        let mut file: Option<&str> = None;
        for k in keys {
            if file != Some(k.0.as_str()) {
                out.push_str(&format!("\n[{}]\n", key(&k.0)));
                file = Some(&k.0);
            }
            let entry = key(&format!("{}@{}", k.1, k.2));
            for (seg, text) in &self.entries[k] {
                out.push_str(&format!("{entry}.{} = {}\n", key(seg), toml_string(text)));
            }
        }
        out
    }
}

/// What the file says about itself.
const HEADER: &str = "\
# The source text each translation in text/<lang>/ was made from, segment by
# segment: what `vlr translate export` shows a translator when the source has
# changed since, and how only the changed segments of a text are reopened.
# Written by `vlr translate import` and `vlr translate stamp`; keep it in git
# with the translations, and do not edit it by hand.
";

fn is_fingerprint(s: &str) -> bool {
    s.len() == 8 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A TOML key: bare where it can be, else quoted.
fn key(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        s.to_string()
    } else {
        toml_string(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_ignores_entries_edited_by_hand() {
        let mut r = Record::default();
        let segs =
            vec![("list.0".to_string(), "One \"quoted\"".to_string()), ("list.1".to_string(), "Two".to_string())];
        let fp = r.insert("key-messages", "block.messages", segs.clone());
        let fp2 = r.insert("meta", "meta", vec![("title".into(), "Title\nbroken".into())]);
        let text = r.to_toml(|f, _| (usize::from(f == "key-messages"), 0));
        assert!(text.contains(&format!("\n[meta]\n\"meta@{fp2}\".title = \"Title\\nbroken\"\n")), "{text}");
        assert!(
            text.contains(&format!("\n[key-messages]\n\"block.messages@{fp}\".\"list.0\" = \"One \\\"quoted\\\"\"\n")),
            "{text}"
        );
        let back = Record::parse(Path::new(PATH), &text).unwrap();
        assert_eq!(back, r);
        assert_eq!(back.get("key-messages", "block.messages", &fp), Some(segs.as_slice()));
        let edited = text.replace("Two", "Three");
        assert_eq!(Record::parse(Path::new(PATH), &edited).unwrap().len(), 1, "the edited entry is ignored");
        let bad = Record::parse(Path::new(PATH), "[x]\n\"block.a\".p = \"t\"\n").unwrap_err();
        assert!(bad[0].message.contains("`block.a` is not an entry"), "{bad:?}");
        assert!(Record::parse(Path::new(PATH), "[x\n").is_err());
    }
}
