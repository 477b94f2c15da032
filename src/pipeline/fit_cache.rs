//! What copyfitting chose, kept with the project in `copyfit.lock` (like
//! `Cargo.lock`: vlr writes it, the project commits it), so an edition whose
//! inputs have not changed is laid out once, with the chapters set as tight
//! as chosen, instead of again with every trial (copyfitting is a search:
//! up to five layouts). That holds on any machine: a colleague's, CI's, the
//! print shop's, a fresh clone of the bundled project.
//!
//! An edition's entry holds a hash of everything its layout reads: its
//! resolved files (text, data, charts), every font, the publication date,
//! the profile, the versions of vlr and typst, and the source of the search
//! itself; and each project file typst read (templates, the theme, images)
//! with a hash of its bytes, checked again before the entry is used. Layout is deterministic, so the
//! same inputs make the same choice and the same PDF. A missing, unreadable
//! or foreign file is an empty memory: the next build searches again.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use toml_edit::{DocumentMut, Item, Table, value};

use super::Tightened;
use crate::export::Profile;
use crate::world::VlrWorld;

/// The file, at the project's root.
pub const FILE: &str = "copyfit.lock";

/// What the file says of itself, above its entries.
const HEADER: &str = "\
# copyfit.lock: the chapters copyfitting set tighter in each edition, written
# by `vlr build`. Commit it with the project: a build of the same inputs, on
# any machine, then lays each edition out once as chosen here instead of
# searching again. An entry whose inputs changed is searched afresh and
# rewritten; delete the file to search every edition again.
";
/// The largest such file read.
pub const MAX_FILE: u64 = 1 << 20;

#[derive(Clone, PartialEq, Debug)]
struct Entry {
    /// The hash of the edition's own inputs, hex.
    key: String,
    /// The chapters set tighter: id and steps, in the book's order.
    tightened: Vec<(String, u8)>,
    /// The project files typst read: path and hash of the bytes, hex.
    files: Vec<(String, String)>,
}

/// The entries of a lock file, by slot; `None` if it is not one vlr wrote.
/// (`toml_edit`, not serde: its tables keep the order they are written in.)
fn parse(text: &str) -> Option<BTreeMap<String, Entry>> {
    let doc: DocumentMut = text.parse().ok()?;
    let mut entries = BTreeMap::new();
    for (slot, item) in doc.iter() {
        let table = item.as_table_like()?;
        let pairs = |name: &str| table.get(name).and_then(Item::as_table_like).map(|t| t.iter());
        let tightened = pairs("tightened")?
            .map(|(id, n)| Some((id.to_string(), u8::try_from(n.as_integer()?).ok()?)))
            .collect::<Option<_>>()?;
        let files = pairs("files")?
            .map(|(path, h)| Some((path.to_string(), h.as_str()?.to_string())))
            .collect::<Option<_>>()?;
        let key = table.get("key")?.as_str()?.to_string();
        entries.insert(slot.to_string(), Entry { key, tightened, files });
    }
    Some(entries)
}

/// The lock file of these entries.
fn render(entries: &BTreeMap<String, Entry>) -> String {
    let mut doc = DocumentMut::new();
    for (slot, entry) in entries {
        let mut table = Table::new();
        table.insert("key", value(entry.key.as_str()));
        let mut tightened = Table::new();
        for (id, steps) in &entry.tightened {
            tightened.insert(id, value(i64::from(*steps)));
        }
        table.insert("tightened", Item::Table(tightened));
        let mut files = Table::new();
        for (path, hash) in &entry.files {
            files.insert(path, value(hash.as_str()));
        }
        table.insert("files", Item::Table(files));
        doc.insert(slot, Item::Table(table));
    }
    format!("{HEADER}\n{doc}")
}

/// The remembered choices of a project (its `copyfit.lock`), by edition.
#[derive(Default, Debug)]
pub struct FitCache {
    entries: Mutex<(BTreeMap<String, Entry>, bool)>,
}

fn hex(h: u128) -> String {
    format!("{h:032x}")
}

/// The hash of an edition's own inputs (`files` as resolved, before any
/// copyfitting): what its entry is found by.
pub fn key(files: &HashMap<String, Vec<u8>>, fonts: u128, edition: &str) -> u128 {
    let mut sorted: Vec<(&String, &Vec<u8>)> = files.iter().collect();
    sorted.sort();
    let typst = typst::syntax::package::PackageVersion::compiler().to_string();
    typst::utils::hash128(&(env!("CARGO_PKG_VERSION"), SEARCH, typst, edition, fonts, sorted))
}

/// The code that makes the choice (the search, and typst's compile loop it
/// runs), as compiled in: a change to it is a change of inputs, even while
/// vlr's version stays the same (a project's lock then searches again).
const SEARCH: [&str; 2] = [include_str!("fit.rs"), include_str!("relayout.rs")];

/// The name an edition's entry goes by: language, profile, and whether it
/// is a draft (`en.submission`, `en.print.draft`).
pub fn slot(lang: &str, profile: Profile, draft: bool) -> String {
    format!("{lang}{}", suffix(profile, draft))
}

/// What a slot's name ends with, after the language.
fn suffix(profile: Profile, draft: bool) -> String {
    format!(".{}{}", profile.name(), if draft { ".draft" } else { "" })
}

impl FitCache {
    /// Adds what the project's file (`bytes`) remembers, for each edition
    /// this memory knows nothing of yet.
    pub fn recall(&self, bytes: Option<&[u8]>) {
        let Some(kept) = bytes.and_then(|b| std::str::from_utf8(b).ok()).and_then(parse) else { return };
        if let Ok(mut e) = self.entries.lock() {
            for (slot, entry) in kept {
                e.0.entry(slot).or_insert(entry);
            }
        }
    }

    /// The last choice known for each language's edition in `profile` (a
    /// draft's or a release's), whatever its inputs were (`vlr watch`'s
    /// quick pass after a change).
    pub fn chosen(&self, profile: Profile, draft: bool) -> Tightened {
        let suffix = suffix(profile, draft);
        let Ok(e) = self.entries.lock() else { return Tightened::new() };
        e.0.iter()
            .filter_map(|(slot, entry)| Some((slot.strip_suffix(&suffix)?.to_string(), entry.tightened.clone())))
            .collect()
    }

    /// The file to write back, if anything changed.
    pub fn to_file(&self) -> Option<Vec<u8>> {
        let e = self.entries.lock().ok()?;
        e.1.then(|| render(&e.0).into_bytes())
    }

    /// What copyfitting chose for `edition` with these inputs, if it is
    /// remembered and every project file typst read then is unchanged.
    pub fn lookup(&self, edition: &str, key: u128, world: &VlrWorld) -> Option<Vec<(String, u8)>> {
        let entry = self.entries.lock().ok()?.0.get(edition).cloned()?;
        if entry.key != hex(key) {
            return None;
        }
        for (path, hash) in &entry.files {
            let bytes = world.project_file(path)?;
            if hex(typst::utils::hash128(bytes.as_slice())) != *hash {
                return None;
            }
        }
        Some(entry.tightened)
    }

    /// Remembers what copyfitting chose for `edition`, with the project
    /// files `world` read to lay it out (nothing if it read a package's).
    pub fn store(&self, edition: &str, key: u128, world: &VlrWorld, tightened: &[(String, u8)]) {
        let Some(read) = world.files_read() else { return };
        let files = read.iter().map(|(p, b)| (p.clone(), hex(typst::utils::hash128(b.as_slice())))).collect();
        let entry = Entry { key: hex(key), files, tightened: tightened.to_vec() };
        if let Ok(mut e) = self.entries.lock()
            && e.0.get(edition) != Some(&entry)
        {
            e.0.insert(edition.to_string(), entry);
            e.1 = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lock reads back what it wrote, and anything else (a file of an
    /// older vlr, another format, bytes that are not text) is no memory.
    #[test]
    fn the_lock_reads_back_what_it_wrote_and_nothing_else() {
        let written = FitCache::default();
        {
            let mut e = written.entries.lock().unwrap();
            let entry = Entry {
                key: hex(7),
                files: vec![("/templates/lib.typ".into(), hex(9))],
                tightened: vec![("goal-3".into(), 2), ("annex-intro".into(), 1)],
            };
            e.0.insert(slot("en", Profile::Submission, false), entry);
            let none = Entry { key: hex(8), files: Vec::new(), tightened: Vec::new() };
            e.0.insert(slot("es", Profile::Submission, false), none);
            let draft = Entry { key: hex(9), files: Vec::new(), tightened: vec![("goal-3".into(), 1)] };
            e.0.insert(slot("en", Profile::Submission, true), draft);
            e.1 = true;
        }
        let bytes = written.to_file().expect("changed, so written");
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with("# copyfit.lock:"), "{text}");
        assert!(text.contains("[\"en.submission\"]"), "{text}");

        let read = FitCache::default();
        read.recall(Some(&bytes));
        let chosen = read.chosen(Profile::Submission, false);
        assert_eq!(chosen.get("en"), Some(&vec![("goal-3".to_string(), 2), ("annex-intro".to_string(), 1)]));
        assert_eq!(chosen.get("es"), Some(&Vec::new()), "an edition set as written");
        assert!(read.chosen(Profile::Print, false).is_empty(), "another profile's slot");
        let drafts = read.chosen(Profile::Submission, true);
        assert_eq!(drafts.get("en"), Some(&vec![("goal-3".to_string(), 1)]), "the draft's own slot");
        assert_eq!(drafts.len(), 1);
        assert!(read.to_file().is_none(), "what was read is not written back unchanged");

        let json = br#"{"en.submission": {"key": "07", "files": [], "tightened": [["goal-3", 2]]}}"#;
        // Edited by hand, in inline tables: read, unless a step is not one.
        let by_hand = "[\"en.submission\"]\nkey = \"07\"\ntightened = { goal-3 = 3 }\nfiles = {}\n";
        let c = FitCache::default();
        c.recall(Some(by_hand.as_bytes()));
        assert_eq!(c.chosen(Profile::Submission, false).get("en"), Some(&vec![("goal-3".to_string(), 3)]));
        let steps = by_hand.replace("= 3", "= 300").into_bytes();
        for junk in [&json[..], &steps[..], b"key = ", b"\xff\xfe", b""] {
            let c = FitCache::default();
            c.recall(Some(junk));
            assert!(c.chosen(Profile::Submission, false).is_empty(), "{}", String::from_utf8_lossy(junk));
        }
    }
}
