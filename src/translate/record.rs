//! Keeps `translations/translated-from.toml` (see [`crate::data::source_record`])
//! in step with what an import or a stamp writes.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use crate::data::fingerprint::{self, Status};
use crate::data::source_record::{self, EntryKey};

use super::Texts;
use super::write::Edit;

/// The record once `edits` are written into the target language: their
/// entries, an entry for every current translation of every language that
/// has none yet (its source is the current one, so that is known), and only
/// the entries a translation still records. `None` if the file would not
/// change. Entries are dropped only if every language's texts were read (a
/// language whose file did not load keeps its entries).
pub fn updated(l: &Texts, edits: &[(&Status, Edit)]) -> Option<(PathBuf, String)> {
    let mut record = l.loaded.record.clone().unwrap_or_default();
    let before = record.clone();
    let mut written: HashMap<(&str, String), &str> = HashMap::new();
    // What is written is referenced, whether or not the translation had the text before.
    let mut referenced: HashSet<EntryKey> = HashSet::new();
    for (st, e) in edits {
        let fp = record.insert(&st.file, &st.source.key.id(), e.from.clone());
        debug_assert_eq!(fp, e.fingerprint, "an edit records the fingerprint of its `from`");
        written.insert((st.file.as_str(), st.source.key.id()), e.fingerprint.as_str());
        referenced.insert((st.file.clone(), st.source.key.id(), fp));
    }
    let empty = Default::default();
    let src = l.loaded.texts.get(l.src()).unwrap_or(&empty);
    let order = l.chapter_order();
    for lang in l.project.languages().iter().filter(|g| *g != l.src()) {
        let statuses = fingerprint::status(src, l.loaded.texts.get(lang), lang, &order, None);
        let ours = *lang == l.locale.lang;
        for st in &statuses {
            let Some((recorded, _)) = st.translation.as_ref().and_then(|t| t.recorded.as_ref()) else { continue };
            let key = st.source.key.id();
            let fp = match written.get(&(st.file.as_str(), key.clone())) {
                Some(fp) if ours => fp.to_string(),
                _ => recorded.clone(),
            };
            if fp == st.source.fingerprint() && record.get(&st.file, &key, &fp).is_none() {
                let segs = st.source.segs.iter().map(|s| (s.id.clone(), source_record::stored(s))).collect();
                record.insert(&st.file, &key, segs);
            }
            referenced.insert((st.file.clone(), key, fp));
        }
    }
    if l.others_loaded {
        record.retain(|k| referenced.contains(k));
    }
    let exists = l.sources.get(std::path::Path::new(source_record::PATH)).is_some();
    if record == before && (exists || record.is_empty()) {
        return None;
    }
    // The file follows the book: chapters in their order, then `meta`; groups as the source has them.
    let statuses = fingerprint::status(src, None, l.src(), &order, None);
    let rank: HashMap<(&str, String), (usize, usize)> =
        statuses.iter().enumerate().map(|(i, st)| ((st.file.as_str(), st.source.key.id()), (0, i))).collect();
    let text = record.to_toml(|f, g| rank.get(&(f, g.to_string())).copied().unwrap_or((1, 0)));
    if l.sources.get(std::path::Path::new(source_record::PATH)) == Some(text.as_str()) {
        return None;
    }
    Some((PathBuf::from(source_record::PATH), text))
}
