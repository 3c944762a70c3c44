//! How figures read on a page: ratios as percentages, milliseconds as durations, "–" for none.

pub fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{:.1} %", v * 100.0))
}

pub fn duration(ms: Option<i64>) -> String {
    match ms {
        None => "–".to_owned(),
        Some(ms) if ms < 60_000 => format!("{:.1} s", ms as f64 / 1000.0),
        Some(ms) => {
            let seconds = ms / 1000;
            let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
            if h > 0 {
                format!("{h} h {m:02} min")
            } else {
                format!("{m} min {s:02} s")
            }
        }
    }
}
