//! Writes translations and fingerprints into `text/<lang>/*.toml`, keeping
//! the files' comments and layout: only values that change are rewritten, and
//! a group the translation lacks is created where the source has it.

use std::collections::BTreeMap;

use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, TableLike, Value};

pub use crate::data::fingerprint::lines;
use crate::data::fingerprint::{Group, Key, Kind};
use crate::data::markup::join_lines;
pub use crate::files::toml_string as basic_string;

/// What to write for one group.
pub struct Edit<'a> {
    /// The group in the source language that the edit translates or stamps.
    pub source: &'a Group,
    /// The translated texts by segment id, as TOML string contents (`None`: only stamp).
    pub texts: Option<BTreeMap<String, String>>,
    /// The fingerprint to record.
    pub fingerprint: String,
    /// The source segments (id, text) it is recorded as made from, whose
    /// fingerprint `fingerprint` is (see [`crate::data::source_record`]).
    pub from: Vec<(String, String)>,
}

/// A string value written as a basic string.
fn string_value(s: &str) -> Value {
    match basic_string(s).parse::<Value>() {
        Ok(mut v) => {
            v.decor_mut().clear();
            v
        }
        // Unreachable: `basic_string` escapes everything TOML needs escaped.
        Err(_) => Value::from(s),
    }
}

/// Whether a value already says `new` (as the edition would print it).
fn same(old: &str, new: &str, kind: Kind, cjk: bool) -> bool {
    match kind {
        Kind::Markup => join_lines(old, cjk) == join_lines(new, cjk),
        Kind::Lines => lines(old) == lines(new),
        Kind::Plain => old == new,
    }
}

/// Sets `key` to `new` unless it already says so; keeps the value's decor.
fn set_str(t: &mut dyn TableLike, key: &str, new: &str, kind: Kind, cjk: bool) {
    match t.get_mut(key) {
        Some(Item::Value(v)) => {
            if v.as_str().is_some_and(|old| same(old, new, kind, cjk)) {
                return;
            }
            let decor = v.decor().clone();
            *v = string_value(new);
            *v.decor_mut() = decor;
        }
        _ => {
            t.insert(key, Item::Value(string_value(new)));
        }
    }
}

/// Sets an array of strings, element by element if its length is right,
/// else as a new array (one element a line if `multiline`).
fn set_strings(t: &mut dyn TableLike, key: &str, new: &[String], kind: Kind, cjk: bool, multiline: bool) {
    if let Some(arr) = t.get_mut(key).and_then(Item::as_array_mut)
        && arr.len() == new.len()
    {
        for (i, n) in new.iter().enumerate() {
            if let Some(v) = arr.get_mut(i)
                && !v.as_str().is_some_and(|old| same(old, n, kind, cjk))
            {
                let decor = v.decor().clone();
                *v = string_value(n);
                *v.decor_mut() = decor;
            }
        }
        return;
    }
    let mut arr = Array::new();
    for n in new {
        let mut v = string_value(n);
        if multiline {
            v.decor_mut().set_prefix("\n  ");
        }
        arr.push_formatted(v);
    }
    if multiline {
        arr.set_trailing_comma(true);
        arr.set_trailing("\n");
    } else {
        arr.fmt();
    }
    t.insert(key, Item::Value(Value::Array(arr)));
}

/// Sets table rows (arrays of cells), cell by cell if the shape is right.
fn set_rows(t: &mut dyn TableLike, key: &str, new: &[Vec<String>], cjk: bool) {
    if let Some(rows) = t.get_mut(key).and_then(Item::as_array_mut)
        && rows.len() == new.len()
        && rows.iter().zip(new).all(|(r, n)| r.as_array().is_some_and(|r| r.len() == n.len()))
    {
        for (i, n) in new.iter().enumerate() {
            if let Some(row) = rows.get_mut(i).and_then(Value::as_array_mut) {
                for (j, cell) in n.iter().enumerate() {
                    if let Some(v) = row.get_mut(j)
                        && !v.as_str().is_some_and(|old| same(old, cell, Kind::Lines, cjk))
                    {
                        let decor = v.decor().clone();
                        *v = string_value(cell);
                        *v.decor_mut() = decor;
                    }
                }
            }
        }
        return;
    }
    let mut arr = Array::new();
    for row in new {
        let mut r = Array::new();
        for cell in row {
            r.push(cell.as_str());
        }
        r.fmt();
        let mut v = Value::Array(r);
        v.decor_mut().set_prefix("\n  ");
        arr.push_formatted(v);
    }
    arr.set_trailing_comma(true);
    arr.set_trailing("\n");
    t.insert(key, Item::Value(Value::Array(arr)));
}

/// The sub-table `name` of `t` (dotted, inline or a table), created dotted if absent.
fn sub<'t>(t: &'t mut dyn TableLike, name: &str) -> Option<&'t mut dyn TableLike> {
    if !t.contains_key(name) {
        let mut d = Table::new();
        d.set_dotted(true);
        t.insert(name, Item::Table(d));
    }
    t.get_mut(name)?.as_table_like_mut()
}

/// Writes a group's texts into `t` (a block, a chart table, or the root).
fn set_texts(t: &mut dyn TableLike, group: &Group, texts: &BTreeMap<String, String>, cjk: bool) {
    let text = |id: &str| texts.get(id).map(String::as_str);
    // Arrays are written whole: (field, items).
    let mut arrays: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for s in &group.segs {
        let Some(new) = text(&s.id) else { continue };
        let parts: Vec<&str> = s.id.split('.').collect();
        match parts.as_slice() {
            ["list" | "keywords", _] => arrays.entry(parts[0]).or_default().push(new.to_string()),
            ["imprint", "contact", _] => arrays.entry("imprint.contact").or_default().push(new.to_string()),
            ["imprint", "notes", _] => arrays.entry("imprint.notes").or_default().push(new.to_string()),
            ["table", "header", _] => arrays.entry("table.header").or_default().push(new.to_string()),
            ["table", "rows", r, _] => {
                let r: usize = r.parse().unwrap_or(0);
                if rows.len() <= r {
                    rows.resize(r + 1, Vec::new());
                }
                rows[r].push(new.to_string());
            }
            [field] => set_str(t, field, new, s.kind, cjk),
            [table, field] => {
                if let Some(st) = sub(t, table) {
                    set_str(st, field, new, s.kind, cjk);
                }
            }
            _ => {}
        }
    }
    for (field, items) in &arrays {
        match *field {
            "table.header" => {
                if let Some(st) = sub(t, "table") {
                    set_strings(st, "header", items, Kind::Lines, cjk, false);
                }
            }
            "list" => set_strings(t, "list", items, Kind::Markup, cjk, true),
            "imprint.contact" | "imprint.notes" => {
                let name = field.trim_start_matches("imprint.");
                if let Some(st) = sub(t, "imprint") {
                    set_strings(st, name, items, Kind::Plain, cjk, false);
                }
            }
            _ => set_strings(t, field, items, Kind::Plain, cjk, false),
        }
    }
    if !rows.is_empty()
        && let Some(st) = sub(t, "table")
    {
        set_rows(st, "rows", &rows, cjk);
    }
}

/// Clears comments from a table cloned from the source file.
fn strip_comments(t: &mut Table) {
    t.decor_mut().set_prefix("\n");
    t.decor_mut().set_suffix("");
    t.set_position(None);
    for (mut k, _) in t.iter_mut() {
        let has_comment = k.leaf_decor().prefix().and_then(|p| p.as_str()).is_some_and(|p| p.contains('#'));
        if has_comment {
            k.leaf_decor_mut().clear();
        }
    }
}

/// The id of a `[[block]]` table.
fn block_id(t: &Table) -> Option<&str> {
    t.get("id").and_then(Item::as_str)
}

/// The order of keys after inserting `new` among `existing`, each after the
/// nearest key that precedes it in `source`.
fn spliced(existing: &[String], new: &str, source: &[String]) -> Vec<String> {
    let mut out = existing.to_vec();
    let at = source.iter().position(|s| s == new).unwrap_or(0);
    let after = source[..at].iter().rev().find_map(|p| out.iter().position(|e| e == p));
    out.insert(after.map_or(0, |i| i + 1), new.to_string());
    out
}

fn sort_like(t: &mut Table, order: &[String]) {
    let rank = |k: &str| order.iter().position(|o| o == k).unwrap_or(usize::MAX);
    t.sort_values_by(|a, _, b, _| rank(a.get()).cmp(&rank(b.get())));
}

/// Sorts a table or an inline table's keys like `order`.
fn sort_item(item: Option<&mut Item>, order: &[String]) {
    let rank = |k: &str| order.iter().position(|o| o == k).unwrap_or(usize::MAX);
    match item {
        Some(Item::Table(t)) => sort_like(t, order),
        Some(Item::Value(Value::InlineTable(t))) => t.sort_values_by(|a, _, b, _| rank(a.get()).cmp(&rank(b.get()))),
        _ => {}
    }
}

/// The source file's order of blocks, labels and charts.
pub struct Order {
    /// Block ids.
    pub blocks: Vec<String>,
    /// Label keys.
    pub labels: Vec<String>,
    /// Chart ids.
    pub charts: Vec<String>,
}

impl Order {
    /// The order of a source document.
    pub fn of(doc: &DocumentMut) -> Self {
        let keys = |name: &str| -> Vec<String> {
            doc.get(name)
                .and_then(Item::as_table_like)
                .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
                .unwrap_or_default()
        };
        let blocks = doc
            .get("block")
            .and_then(Item::as_array_of_tables)
            .map(|a| a.iter().filter_map(|t| block_id(t).map(str::to_string)).collect())
            .unwrap_or_default();
        Self { blocks, labels: keys("labels"), charts: keys("charts") }
    }
}

/// Applies edits to a translation document; `source` is the source language's
/// document (new blocks and charts copy its structure).
pub fn apply<'e, 'g: 'e>(
    doc: &mut DocumentMut,
    source: &DocumentMut,
    edits: impl IntoIterator<Item = &'e Edit<'g>>,
    cjk: bool,
) {
    let order = Order::of(source);
    for e in edits {
        match &e.source.key {
            Key::Heading | Key::Meta => {
                let root = doc.as_table_mut();
                // meta.toml's sub-tables are written as tables of their own: [imprint], [acronyms].
                for name in ["imprint", "acronyms"] {
                    let wanted = e.source.segs.iter().any(|s| s.id.starts_with(&format!("{name}.")));
                    if wanted && !root.contains_key(name) {
                        root.insert(name, Item::Table(Table::new()));
                    }
                }
                if let Some(texts) = &e.texts {
                    set_texts(root, e.source, texts, cjk);
                }
                set_str(root, "src", &e.fingerprint, Kind::Plain, cjk);
            }
            Key::Block(id) => {
                let Some(t) = block_mut(doc, source, id, &order) else { continue };
                if let Some(texts) = &e.texts {
                    set_texts(t, e.source, texts, cjk);
                }
                set_str(t, "src", &e.fingerprint, Kind::Plain, cjk);
            }
            Key::Label(k) => {
                if let Some(texts) = &e.texts
                    && let Some(text) = texts.get("text")
                    && let Some(labels) = table_after(doc, "labels", None)
                {
                    let fresh = !labels.contains_key(k);
                    set_str(labels, k, text, Kind::Plain, cjk);
                    if fresh {
                        let existing: Vec<String> =
                            labels.iter().map(|(x, _)| x.to_string()).filter(|x| x != k).collect();
                        let order = spliced(&existing, k, &order.labels);
                        sort_item(doc.get_mut("labels"), &order);
                    }
                }
                let labels_order: Vec<String> = doc
                    .get("labels")
                    .and_then(Item::as_table_like)
                    .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
                    .unwrap_or_default();
                if let Some(fps) = table_after(doc, "labels-src", Some("labels")) {
                    let fresh = !fps.contains_key(k);
                    set_str(fps, k, &e.fingerprint, Kind::Plain, cjk);
                    if fresh {
                        sort_item(doc.get_mut("labels-src"), &labels_order);
                    }
                }
            }
            Key::Chart(id) => {
                let Some(t) = chart_mut(doc, source, id, &order) else { continue };
                if let Some(texts) = &e.texts {
                    set_texts(t, e.source, texts, cjk);
                }
                set_str(t, "src", &e.fingerprint, Kind::Plain, cjk);
            }
        }
    }
}

/// The root's table `name`, created (right after the table `after`) if absent.
fn table_after<'d>(doc: &'d mut DocumentMut, name: &str, after: Option<&str>) -> Option<&'d mut dyn TableLike> {
    let root = doc.as_table_mut();
    if !root.contains_key(name) {
        let position = after
            .and_then(|a| root.get(a))
            .and_then(Item::as_table)
            .and_then(Table::position)
            .or_else(|| last_position(root));
        let mut t = Table::new();
        t.decor_mut().set_prefix("\n");
        t.set_position(position);
        root.insert(name, Item::Table(t));
        if let Some(a) = after {
            let mut keys: Vec<String> = root.iter().map(|(k, _)| k.to_string()).filter(|k| k != name).collect();
            let at = keys.iter().position(|k| k == a).map_or(keys.len(), |i| i + 1);
            keys.insert(at, name.to_string());
            sort_like(root, &keys);
        }
    }
    root.get_mut(name)?.as_table_like_mut()
}

/// The largest position of the document's tables (where a new table goes last).
fn last_position(root: &Table) -> Option<isize> {
    let mut max = None;
    for (_, item) in root.iter() {
        match item {
            Item::Table(t) => {
                max = max.max(t.position());
                for (_, i) in t.iter() {
                    if let Item::Table(s) = i {
                        max = max.max(s.position());
                    }
                }
            }
            Item::ArrayOfTables(a) => {
                for t in a.iter() {
                    max = max.max(t.position());
                }
            }
            _ => {}
        }
    }
    max
}

/// The translation's block `id`, created from the source's if absent.
fn block_mut<'d>(doc: &'d mut DocumentMut, source: &DocumentMut, id: &str, order: &Order) -> Option<&'d mut Table> {
    let root = doc.as_table_mut();
    let exists =
        root.get("block").and_then(Item::as_array_of_tables).is_some_and(|a| a.iter().any(|t| block_id(t) == Some(id)));
    if !exists {
        let mut t = source
            .get("block")
            .and_then(Item::as_array_of_tables)
            .and_then(|a| a.iter().find(|t| block_id(t) == Some(id)))?
            .clone();
        t.remove("src");
        t.remove("panel");
        if let Some(tt) = t.get_mut("table").and_then(Item::as_table_like_mut) {
            tt.remove("widths");
        }
        strip_comments(&mut t);
        let fallback = last_position(root);
        if !root.contains_key("block") {
            root.insert("block", Item::ArrayOfTables(ArrayOfTables::new()));
            let mut keys: Vec<String> = root.iter().map(|(k, _)| k.to_string()).filter(|k| k != "block").collect();
            let first_table =
                keys.iter().position(|k| root.get(k).is_some_and(|i| !i.is_value())).unwrap_or(keys.len());
            keys.insert(first_table, "block".into());
            sort_like(root, &keys);
        }
        let blocks = root.get_mut("block").and_then(Item::as_array_of_tables_mut)?;
        let at = order.blocks.iter().position(|b| b == id).unwrap_or(0);
        let after =
            order.blocks[..at].iter().rev().find_map(|p| blocks.iter().position(|t| block_id(t) == Some(p.as_str())));
        let (index, position) = match after {
            Some(i) => (i + 1, blocks.get(i).and_then(Table::position)),
            None => (0, blocks.get(0).and_then(Table::position).map(|p| p - 1).or(fallback)),
        };
        t.set_position(position);
        blocks.insert(index, t);
    }
    root.get_mut("block")?.as_array_of_tables_mut()?.iter_mut().find(|t| block_id(t) == Some(id))
}

/// The translation's `[charts.<id>]`, created from the source's if absent.
fn chart_mut<'d>(doc: &'d mut DocumentMut, source: &DocumentMut, id: &str, order: &Order) -> Option<&'d mut Table> {
    let root = doc.as_table_mut();
    let fallback = last_position(root);
    if !root.contains_key("charts") {
        let mut c = Table::new();
        c.set_implicit(true);
        c.set_position(fallback);
        root.insert("charts", Item::Table(c));
    }
    let charts = root.get_mut("charts")?.as_table_mut()?;
    if !charts.contains_key(id) {
        let mut t = source.get("charts")?.get(id)?.as_table()?.clone();
        t.remove("src");
        strip_comments(&mut t);
        let existing: Vec<String> = charts.iter().map(|(k, _)| k.to_string()).collect();
        let keys = spliced(&existing, id, &order.charts);
        let at = keys.iter().position(|k| k == id).unwrap_or(0);
        let position = match at {
            0 => keys
                .get(1)
                .and_then(|k| charts.get(k))
                .and_then(Item::as_table)
                .and_then(Table::position)
                .map(|p| p - 1),
            i => keys.get(i - 1).and_then(|k| charts.get(k)).and_then(Item::as_table).and_then(Table::position),
        };
        t.set_position(position.or(fallback));
        charts.insert(id, Item::Table(t));
        sort_like(charts, &keys);
    }
    charts.get_mut(id)?.as_table_mut()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::fingerprint::chapter_groups;
    use crate::data::model::TextFile;

    const SOURCE: &str = "title = \"Growth\"\n\n# A comment\n[[block]]\nid = \"a\"\np = \"\"\"One\ntwo.\"\"\"\n\n[[block]]\nfigure = \"f\"\n\n[[block]]\nid = \"b\"\nlist = [\n  \"x\",\n  \"y\",\n]\n\n[[block]]\nid = \"c\"\nh = \"C\"\n\n[labels]\ngdp = \"GDP\"\npop = \"Population\"\n\n[charts.r]\ntitle = \"Trips\"\nseries = { t = \"Trips\" }\n";

    fn groups(text: &str) -> Vec<Group> {
        chapter_groups(&toml::from_str::<TextFile>(text).unwrap())
    }

    fn texts(pairs: &[(&str, &str)]) -> Option<BTreeMap<String, String>> {
        Some(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn creates_missing_groups_in_source_order_and_keeps_the_rest() {
        let tr = "title = \"增长\"\n\n# 译者注\n[[block]]\nid = \"c\"\nh = \"丙\"\n\n[labels]\npop = \"人口\"\n";
        let source: DocumentMut = SOURCE.parse().unwrap();
        let mut doc: DocumentMut = tr.parse().unwrap();
        let g = groups(SOURCE);
        let edits = vec![
            Edit { source: &g[1], texts: texts(&[("p", "一二。")]), fingerprint: "11111111".into(), from: vec![] },
            Edit {
                source: &g[2],
                texts: texts(&[("list.0", "甲"), ("list.1", "乙")]),
                fingerprint: "22222222".into(),
                from: vec![],
            },
            Edit { source: &g[3], texts: None, fingerprint: "33333333".into(), from: vec![] },
            Edit {
                source: &g[4],
                texts: texts(&[("text", "地区生产总值")]),
                fingerprint: "44444444".into(),
                from: vec![],
            },
            Edit {
                source: &g[6],
                texts: texts(&[("title", "列数"), ("series.t", "列")]),
                fingerprint: "55555555".into(),
                from: vec![],
            },
        ];
        apply(&mut doc, &source, &edits, true);
        let out = doc.to_string();
        let expected = "title = \"增长\"\n\n[[block]]\nid = \"a\"\np = \"一二。\"\nsrc = \"11111111\"\n\n[[block]]\nid = \"b\"\nlist = [\n  \"甲\",\n  \"乙\",\n]\nsrc = \"22222222\"\n\n# 译者注\n[[block]]\nid = \"c\"\nh = \"丙\"\nsrc = \"33333333\"\n\n[labels]\ngdp = \"地区生产总值\"\npop = \"人口\"\n\n[labels-src]\ngdp = \"44444444\"\n\n[charts.r]\ntitle = \"列数\"\nseries = { t = \"列\" }\nsrc = \"55555555\"\n";
        assert_eq!(out, expected);
        // Applying the same again changes nothing.
        apply(&mut doc, &source, &edits, true);
        assert_eq!(doc.to_string(), expected);
        assert!(toml::from_str::<TextFile>(&out).is_ok());
    }

    #[test]
    fn unchanged_text_keeps_its_spelling() {
        let tr = "title = \"T\"\n\n[[block]]\nid = \"a\"\np = \"\"\"Un\ndeux.\"\"\"\n";
        let mut doc: DocumentMut = tr.parse().unwrap();
        let g = groups(SOURCE);
        let edits =
            vec![Edit { source: &g[1], texts: texts(&[("p", "Un deux.")]), fingerprint: "1".into(), from: vec![] }];
        apply(&mut doc, &SOURCE.parse().unwrap(), &edits, false);
        assert_eq!(doc.to_string(), format!("{tr}src = \"1\"\n"));
    }

    #[test]
    fn basic_strings_escape() {
        assert_eq!(basic_string("a \"b\" \\ c\nd\u{1}"), "\"a \\\"b\\\" \\\\ c\\nd\\u0001\"");
    }
}
