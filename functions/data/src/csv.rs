//! CSV (RFC 4180) from the same serialisable rows the JSON answers use: the header is the rows'
//! field names in declaration order, `null` is an empty field, lists and objects are JSON text.

use serde::Serialize;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

/// A row's fields in declaration order. `serde_json::Value` would sort them by name, so the row
/// is written as JSON text (which keeps the order) and read back field by field.
struct Fields(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldsVisitor;
        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = Fields;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a row object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    fields.push(entry);
                }
                Ok(Fields(fields))
            }
        }
        deserializer.deserialize_map(FieldsVisitor)
    }
}

fn fields<T: Serialize>(row: &T) -> Result<Fields, serde_json::Error> {
    serde_json::from_str(&serde_json::to_string(row)?)
}

/// `blank` names the columns when there are no rows.
pub fn render<T: Serialize>(rows: &[T], blank: &T) -> Result<String, serde_json::Error> {
    let mut out = String::new();
    let header = fields(rows.first().unwrap_or(blank))?;
    push_line(&mut out, header.0.iter().map(|(name, _)| name.clone()));
    for row in rows {
        push_line(&mut out, fields(row)?.0.into_iter().map(|(_, v)| text(v)));
    }
    Ok(out)
}

fn text(value: Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s,
        other => other.to_string(),
    }
}

fn push_line(out: &mut String, cells: impl Iterator<Item = String>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_cell(out, &defuse(cell));
    }
    out.push_str("\r\n");
}

fn push_cell(out: &mut String, cell: &str) {
    if cell.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(cell);
    }
}

/// Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` as a formula, and an SMS body is
/// written by anyone who can text the org. Such cells get a leading `'`, except numbers and phone
/// numbers (`+1 (212) 555-0100`, `-5`), which are harmless and must stay readable.
fn defuse(cell: String) -> String {
    let Some(first) = cell.chars().next() else {
        return cell;
    };
    let phone_like = |rest: &str| {
        rest.chars()
            .all(|c| c.is_ascii_digit() || " ()-.".contains(c))
    };
    let risky = match first {
        '=' | '@' | '\t' | '\r' => true,
        '+' | '-' => !phone_like(&cell[1..]),
        _ => false,
    };
    if risky { format!("'{cell}") } else { cell }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[derive(Serialize)]
    struct Row {
        zeta: &'static str,
        alpha: Option<i64>,
        tags: Vec<&'static str>,
    }

    #[test]
    fn keeps_field_order_quotes_and_defuses_formulas() {
        let rows = [
            Row {
                zeta: "a,\"b\"\nc",
                alpha: None,
                tags: vec!["x"],
            },
            Row {
                zeta: "=HYPERLINK(\"evil\")",
                alpha: Some(-5),
                tags: vec![],
            },
            Row {
                zeta: "+1 (212) 555-0100",
                alpha: Some(7),
                tags: vec![],
            },
        ];
        let blank = Row {
            zeta: "",
            alpha: None,
            tags: vec![],
        };
        let csv = render(&rows, &blank).unwrap();
        assert_eq!(
            csv,
            "zeta,alpha,tags\r\n\"a,\"\"b\"\"\nc\",,\"[\"\"x\"\"]\"\r\n\"'=HYPERLINK(\"\"evil\"\")\",-5,[]\r\n+1 (212) 555-0100,7,[]\r\n"
        );
        assert_eq!(render(&[], &blank).unwrap(), "zeta,alpha,tags\r\n");
    }
}
