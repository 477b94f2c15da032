//! What copyfitting chose, remembered between builds in the output folder
//! (`.vlr-copyfit.json`), so an edition whose inputs have not changed is laid
//! out once, with the chapters set as tight as last time, instead of again
//! with every trial (copyfitting is a search: up to five layouts).
//!
//! An edition's entry holds a hash of everything its layout reads: its
//! resolved files (text, data, charts), every font, the date, the profile
//! and vlr's version; and each project file typst read (templates, the
//! theme, images) with a hash of its bytes, checked again before the entry
//! is used. Layout is deterministic, so the same inputs make the same choice
//! and the same PDF. A missing, unreadable or foreign file is an empty memory.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::Tightened;
use crate::export::Profile;
use crate::world::VlrWorld;

/// The file, in the output folder.
pub const FILE: &str = ".vlr-copyfit.json";
/// The largest such file read.
pub const MAX_FILE: u64 = 1 << 20;

#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
struct Entry {
    /// The hash of the edition's own inputs, hex.
    key: String,
    /// The project files typst read: path and hash of the bytes, hex.
    files: Vec<(String, String)>,
    /// The chapters set tighter: id and steps.
    tightened: Vec<(String, u8)>,
}

/// The remembered choices of one output folder, by edition.
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
    typst::utils::hash128(&(env!("CARGO_PKG_VERSION"), edition, fonts, sorted))
}

/// The name an edition's entry goes by: language and profile.
pub fn slot(lang: &str, profile: Profile) -> String {
    format!("{lang}.{}", profile.name())
}

impl FitCache {
    /// Adds what an output folder's file (`bytes`) remembers, for each
    /// edition this memory knows nothing of yet.
    pub fn recall(&self, bytes: Option<&[u8]>) {
        let Some(kept) = bytes.and_then(|b| serde_json::from_slice::<BTreeMap<String, Entry>>(b).ok()) else { return };
        if let Ok(mut e) = self.entries.lock() {
            for (slot, entry) in kept {
                e.0.entry(slot).or_insert(entry);
            }
        }
    }

    /// The last choice known for each language's edition in `profile`,
    /// whatever its inputs were (`vlr watch`'s quick pass after a change).
    pub fn chosen(&self, profile: Profile) -> Tightened {
        let suffix = format!(".{}", profile.name());
        let Ok(e) = self.entries.lock() else { return Tightened::new() };
        e.0.iter()
            .filter_map(|(slot, entry)| Some((slot.strip_suffix(&suffix)?.to_string(), entry.tightened.clone())))
            .collect()
    }

    /// The file to write back, if anything changed.
    pub fn to_json(&self) -> Option<Vec<u8>> {
        let e = self.entries.lock().ok()?;
        e.1.then(|| serde_json::to_vec_pretty(&e.0).ok()).flatten()
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
