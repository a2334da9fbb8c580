//! Reporting.

use super::*;

pub(crate) fn ms(duration: Duration) -> String {
    let ms = duration.as_secs_f64() * 1000.0;
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        format!("{ms:.1} ms")
    }
}

/// "p50 …, p99 …, max …" of unsorted samples.
pub(crate) fn spread(samples: &mut [Duration]) -> String {
    if samples.is_empty() {
        return "no samples".into();
    }
    samples.sort();
    format!(
        "p50 {}, p99 {}, max {} ({} samples)",
        ms(percentile(samples, 0.50)),
        ms(percentile(samples, 0.99)),
        ms(*samples.last().unwrap()),
        samples.len()
    )
}

pub(crate) fn counts(map: &BTreeMap<String, usize>) -> String {
    if map.is_empty() {
        return "none".into();
    }
    map.iter()
        .map(|(what, n)| format!("{what}: {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn table(title: &str) {
    println!("\n### {title}\n\n| measure | result |\n|---|---|");
}

pub(crate) fn row(label: &str, value: impl std::fmt::Display) {
    println!("| {label} | {value} |");
}

/// Problems found, for the closing summary.
#[derive(Default)]
pub(crate) struct Findings(pub(crate) Mutex<Vec<String>>);

impl Findings {
    pub(crate) fn check(&self, ok: bool, problem: impl FnOnce() -> String) {
        if !ok {
            let problem = problem();
            println!("\n> **problem:** {problem}");
            self.0.lock().unwrap().push(problem);
        }
    }
}
