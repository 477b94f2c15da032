//! `vlr diff --csv FILE`: every difference between two editions as a row, for
//! the office's sign-off sheet. A figure's values are numbers in base units
//! (as in the indicators' CSV) beside the figure as printed; a text's or a
//! chart's values are the texts as printed.
//!
//! Text cells are neutralized as in the indicators' CSV
//! ([`neutralize`]): one starting with `=`, `+`, `-`, `@`, a
//! tab or a carriage return gets a `'` before it. A figure's value cells are
//! numbers vlr formatted, written as they are (`-2.5` stays a number).

use crate::data::diff::{Kind, Row, Side};
use crate::export::indicators_csv::{neutralize, quote};

/// The header row.
pub const HEADER: &str =
    "kind,change,id,label,from_period,from_value,from_printed,to_period,to_value,to_printed,note,at";

/// The CSV text of `rows`, in their order.
pub fn write(rows: &[Row]) -> String {
    let mut out = String::with_capacity(64 * rows.len() + HEADER.len() + 1);
    out.push_str(HEADER);
    out.push('\n');
    for row in rows {
        let side = |s: &Option<Side>| match s {
            Some(s) => [s.period.clone(), s.value.clone(), s.printed.clone()],
            None => Default::default(),
        };
        let [fp, fv, fs] = side(&row.from);
        let [tp, tv, ts] = side(&row.to);
        let text = |c: String| quote(&neutralize(c));
        // A figure's value is a number vlr wrote; anything else is text.
        let value = |c: String| if row.kind == Kind::Figure { quote(&c) } else { text(c) };
        let cells = [
            text(row.kind.code().to_string()),
            text(row.change.code().to_string()),
            text(row.id.clone()),
            text(row.label.clone()),
            text(fp),
            value(fv),
            text(fs),
            text(tp),
            value(tv),
            text(ts),
            text(row.note.clone()),
            text(row.at.to_string()),
        ];
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::diff::{At, Change};

    fn row(kind: Kind, from: Side, to: Side, label: &str) -> Row {
        Row {
            kind,
            change: Change::Changed,
            id: "x".into(),
            label: label.into(),
            from: Some(from),
            to: Some(to),
            note: String::new(),
            at: At { file: "data/d.toml".into(), line: 4 },
        }
    }

    #[test]
    fn one_row_per_difference_with_numbers_as_numbers_and_formulas_neutralized() {
        let figure = Row {
            change: Change::Updated,
            note: "text, annex".into(),
            ..row(
                Kind::Figure,
                Side { period: "2020".into(), value: "-2.5".into(), printed: "−2.5%".into() },
                Side { period: "2021".into(), value: "1000.5".into(), printed: "1,000.5%".into() },
                "Growth, \"real\"",
            )
        };
        let text = row(
            Kind::Text,
            Side { value: "=HYPERLINK(\"http://x\")".into(), ..Side::default() },
            Side { value: "-2 and more".into(), ..Side::default() },
            "@p",
        );
        let csv = write(&[figure, text]);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], HEADER);
        assert_eq!(
            lines[1],
            "figure,updated,x,\"Growth, \"\"real\"\"\",2020,-2.5,−2.5%,2021,1000.5,\"1,000.5%\",\"text, annex\",data/d.toml:4"
        );
        assert_eq!(lines[2], "text,changed,x,'@p,,\"'=HYPERLINK(\"\"http://x\"\")\",,,'-2 and more,,,data/d.toml:4");
    }
}
