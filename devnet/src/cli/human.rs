//! Human output: the command's JSON object as aligned `key  value` lines,
//! nested lists indented, in the object's own key order.

use serde_json::Value;

/// One value on one line: strings bare, objects as `k=v` pairs.
pub fn inline(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        Value::Array(items) => items.iter().map(inline).collect::<Vec<_>>().join(", "),
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| match v {
                Value::Object(_) => format!("{k}={{{}}}", inline(v)),
                Value::Array(_) => format!("{k}=[{}]", inline(v)),
                _ => format!("{k}={}", inline(v)),
            })
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}

/// The object as text (ends with a newline).
pub fn render(command: &str, value: &Value) -> String {
    let Value::Object(map) = value else {
        return format!("{}\n", inline(value));
    };
    let width = map.keys().map(|k| k.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (key, v) in map {
        // Raw bytes duplicate the decoded result for people.
        if v.is_null() || (key == "return_data" && command != "tx") {
            continue;
        }
        match v {
            Value::Array(items) if items.iter().any(|i| i.is_object()) => {
                out.push_str(&format!("{key}:\n"));
                for item in items {
                    out.push_str(&format!("  - {}\n", inline(item)));
                }
            }
            Value::Array(items) if items.is_empty() => {}
            Value::Array(items) if items.len() > 3 => {
                out.push_str(&format!("{key}:\n"));
                for item in items {
                    out.push_str(&format!("  {}\n", inline(item)));
                }
            }
            _ => out.push_str(&format!("{key:<width$}  {}\n", inline(v))),
        }
    }
    out
}
