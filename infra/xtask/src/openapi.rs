//! The API document of the whole system: every HTTP function's part merged into one, kept in
//! `infra/openapi.json` and checked for freshness by `cargo xtask openapi --check` and a test.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::functions::FUNCTIONS;

/// Where the merged document is kept.
pub fn document_path() -> PathBuf {
    let xtask = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask.parent().unwrap_or(xtask).join("openapi.json")
}

/// The merged document: one title and version, each path and component once. Two functions that
/// document the same operation or component differently are an error, not a silent pick of one
/// (the shared `/api/health`, `/api/openapi.json` and error shapes are identical everywhere).
pub fn merged() -> Result<Value, String> {
    let parts = FUNCTIONS
        .iter()
        .map(|f| {
            serde_json::to_value((f.openapi)())
                .map(|doc| (f.name, doc))
                .map_err(|e| format!("{}: {e}", f.name))
        })
        .collect::<Result<Vec<_>, _>>()?;
    merge(&parts)
}

fn merge(parts: &[(&'static str, Value)]) -> Result<Value, String> {
    let mut paths = Map::new();
    let mut components: Map<String, Value> = Map::new();
    let mut tags: Vec<Value> = Vec::new();
    let mut security: Vec<Value> = Vec::new();
    let mut owners = HashMap::new();
    for &(function, ref part) in parts {
        for (path, item) in object(&part["paths"]) {
            let merged = paths
                .entry(path.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            for (method, operation) in object(item) {
                let at = format!("{} {path}", method.to_uppercase());
                insert_once(merged, method, operation, &at, function, &mut owners)?;
            }
        }
        for (kind, entries) in object(&part["components"]) {
            let merged = components
                .entry(kind.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            for (name, value) in object(entries) {
                let at = format!("components.{kind}.{name}");
                insert_once(merged, name, value, &at, function, &mut owners)?;
            }
        }
        union(&mut tags, &part["tags"]);
        union(&mut security, &part["security"]);
    }
    let mut doc = Map::new();
    doc.insert("openapi".into(), "3.1.0".into());
    doc.insert(
        "info".into(),
        serde_json::json!({ "title": "VictorySync API", "version": env!("CARGO_PKG_VERSION") }),
    );
    doc.insert("paths".into(), Value::Object(paths));
    doc.insert("components".into(), Value::Object(components));
    doc.insert("security".into(), Value::Array(security));
    if !tags.is_empty() {
        doc.insert("tags".into(), Value::Array(tags));
    }
    Ok(Value::Object(doc))
}

/// The file's text: pretty JSON with a trailing newline. Keys are sorted (serde_json's map is
/// ordered by key), so the text changes only when the document does.
pub fn render() -> Result<String, String> {
    let doc = merged()?;
    serde_json::to_string_pretty(&doc)
        .map(|text| text + "\n")
        .map_err(|e| e.to_string())
}

/// Whether `infra/openapi.json` is what the functions document now.
pub fn is_fresh() -> Result<bool, String> {
    let path = document_path();
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    Ok(kept == render()?)
}

fn object(value: &Value) -> impl Iterator<Item = (&String, &Value)> {
    value.as_object().into_iter().flatten()
}

fn union(list: &mut Vec<Value>, values: &Value) {
    for value in values.as_array().into_iter().flatten() {
        if !list.contains(value) {
            list.push(value.clone());
        }
    }
}

/// Puts `value` under `key` unless an identical one is there; a different one is a conflict.
fn insert_once(
    target: &mut Value,
    key: &str,
    value: &Value,
    at: &str,
    function: &'static str,
    owners: &mut HashMap<String, &'static str>,
) -> Result<(), String> {
    let Some(target) = target.as_object_mut() else {
        return Err(format!("{at}: not an object"));
    };
    match target.get(key) {
        Some(existing) if existing != value => Err(format!(
            "{at} is documented differently by {} and {function}",
            owners.get(at).copied().unwrap_or("another function")
        )),
        Some(_) => Ok(()),
        None => {
            target.insert(key.to_owned(), value.clone());
            owners.insert(at.to_owned(), function);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::merge;

    fn part(operation: &str, schema: &str) -> serde_json::Value {
        json!({
            "paths": {
                "/api/health": { "get": { "operationId": "health" } },
                "/api/x": { "get": { "operationId": operation } },
            },
            "components": { "schemas": { "Shared": { "type": schema } } },
            "security": [{ "bearer": [] }],
        })
    }

    #[test]
    fn identical_parts_appear_once() {
        let doc = merge(&[("a", part("x", "string")), ("b", part("x", "string"))]).unwrap();
        assert_eq!(doc["paths"].as_object().unwrap().len(), 2);
        assert_eq!(doc["security"], json!([{ "bearer": [] }]));
        assert_eq!(doc["info"]["title"], "VictorySync API");
    }

    #[test]
    fn differing_parts_are_an_error_naming_both_functions() {
        let operation = merge(&[("a", part("x", "string")), ("b", part("y", "string"))]);
        assert_eq!(
            operation.unwrap_err(),
            "GET /api/x is documented differently by a and b"
        );
        let schema = merge(&[("a", part("x", "string")), ("b", part("x", "integer"))]);
        assert_eq!(
            schema.unwrap_err(),
            "components.schemas.Shared is documented differently by a and b"
        );
    }
}
