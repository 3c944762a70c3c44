//! CSV (RFC 4180, written by the `csv` crate) from the same serialisable rows the JSON answers use:
//! the header is the rows' field names in declaration order, `null` is an empty field, lists and
//! objects are JSON text, and cells a spreadsheet would run as formulas are defused.

use serde::Serialize;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

/// A row's fields in declaration order. `serde_json::Value` would sort them by name, so the row
/// is written as JSON text (which keeps the order, flattened fields included) and read back field
/// by field.
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

#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Csv(#[from] csv::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// A CSV file written in pieces: [`Sheet::take`] hands out what the rows pushed so far became.
pub struct Sheet {
    builder: csv::WriterBuilder,
    writer: csv::Writer<Vec<u8>>,
}

/// Makes Excel and other spreadsheet tools read the file as UTF-8.
const BOM: &[u8] = "\u{feff}".as_bytes();

impl Sheet {
    /// A file whose header row names `blank`'s fields, after a UTF-8 byte order mark when `bom`.
    pub fn new<T: Serialize>(blank: &T, bom: bool) -> Result<Self, CsvError> {
        let mut builder = csv::WriterBuilder::new();
        builder.terminator(csv::Terminator::CRLF);
        let buffer = if bom { BOM.to_vec() } else { Vec::new() };
        let mut writer = builder.from_writer(buffer);
        let header = fields(blank)?.0.into_iter().map(|(name, _)| defuse(name));
        writer.write_record(header)?;
        Ok(Self { builder, writer })
    }

    pub fn push<T: Serialize>(&mut self, row: &T) -> Result<(), CsvError> {
        let cells = fields(row)?.0.into_iter().map(|(_, v)| defuse(text(v)));
        Ok(self.writer.write_record(cells)?)
    }

    /// The bytes written since the last call. (The csv writer lends out no mutable buffer: a
    /// fresh writer takes over.)
    pub fn take(&mut self) -> Result<Vec<u8>, CsvError> {
        let fresh = self.builder.from_writer(Vec::new());
        let written = std::mem::replace(&mut self.writer, fresh);
        written
            .into_inner()
            .map_err(|e| CsvError::Io(e.into_error()))
    }
}

fn text(value: Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s,
        other => other.to_string(),
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

    fn render(rows: &[Row], bom: bool) -> String {
        let blank = Row {
            zeta: "",
            alpha: None,
            tags: vec![],
        };
        let mut sheet = Sheet::new(&blank, bom).unwrap();
        for row in rows {
            sheet.push(row).unwrap();
        }
        String::from_utf8(sheet.take().unwrap()).unwrap()
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
            Row {
                zeta: "@SUM(A1)",
                alpha: None,
                tags: vec!["-2+3"],
            },
        ];
        assert_eq!(
            render(&rows, false),
            "zeta,alpha,tags\r\n\"a,\"\"b\"\"\nc\",,\"[\"\"x\"\"]\"\r\n\"'=HYPERLINK(\"\"evil\"\")\",-5,[]\r\n+1 (212) 555-0100,7,[]\r\n'@SUM(A1),,\"[\"\"-2+3\"\"]\"\r\n"
        );
        assert_eq!(render(&[], false), "zeta,alpha,tags\r\n");
        assert_eq!(render(&[], true), "\u{feff}zeta,alpha,tags\r\n");
    }
}
