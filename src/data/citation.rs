//! Citations: the source of an indicator, a target, thresholds or a chart,
//! as text, as fields (publisher, dataset, year, url) or as a label of the
//! text files, so it is translated with them.

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

#[cfg(test)]
mod tests {
    use super::*;

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
