//! What every daemon exposes and does the same way: Prometheus `/metrics`, `/health`, JSON
//! logs on stderr, and a graceful stop on SIGTERM or ctrl-c.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::routing::get;
use axum::Router;

/// Upper bounds (seconds) of the latency histograms' buckets.
const LATENCY_BUCKETS_SECS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    Counter,
    Gauge,
    Histogram,
}

struct Metric {
    help: &'static str,
    kind: MetricKind,
    value: AtomicU64,
    histogram: Mutex<Histogram>,
}

#[derive(Default)]
struct Histogram {
    buckets: [u64; LATENCY_BUCKETS_SECS.len()],
    count: u64,
    sum: f64,
}

/// The metrics of a `role` (as [`Metrics`] names them) that `doc` does not name in backquotes:
/// the operations docs are checked against what each program serves.
pub fn undocumented_metrics(
    role: &str,
    metrics: &[(&str, MetricKind, &str)],
    doc: &str,
) -> Vec<String> {
    metrics
        .iter()
        .map(|(name, _, _)| format!("inferix_{role}_{name}"))
        .filter(|full| !doc.contains(&format!("`{full}`")))
        .collect()
}

/// A daemon's metrics, named `inferix_<role>_<name>`; the set is fixed when it is made.
pub struct Metrics {
    prefix: String,
    metrics: BTreeMap<&'static str, Metric>,
}

impl Metrics {
    pub fn new(role: &str, metrics: &[(&'static str, MetricKind, &'static str)]) -> Self {
        Self {
            prefix: format!("inferix_{role}_"),
            metrics: metrics
                .iter()
                .map(|(name, kind, help)| {
                    (
                        *name,
                        Metric {
                            help,
                            kind: *kind,
                            value: AtomicU64::new(0),
                            histogram: Mutex::default(),
                        },
                    )
                })
                .collect(),
        }
    }

    fn get(&self, name: &str) -> &Metric {
        self.metrics
            .get(name)
            .unwrap_or_else(|| panic!("metric {name} is not registered"))
    }

    pub fn inc(&self, name: &str) {
        self.add(name, 1);
    }

    pub fn add(&self, name: &str, amount: u64) {
        self.get(name).value.fetch_add(amount, Ordering::Relaxed);
    }

    pub fn set(&self, name: &str, value: u64) {
        self.get(name).value.store(value, Ordering::Relaxed);
    }

    pub fn value(&self, name: &str) -> u64 {
        self.get(name).value.load(Ordering::Relaxed)
    }

    pub fn observe(&self, name: &str, seconds: f64) {
        let mut h = self.get(name).histogram.lock().expect("metrics lock");
        for (bucket, bound) in h.buckets.iter_mut().zip(LATENCY_BUCKETS_SECS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        h.count += 1;
        h.sum += seconds;
    }

    /// The Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (name, metric) in &self.metrics {
            let full = format!("{}{name}", self.prefix);
            let kind = match metric.kind {
                MetricKind::Counter => "counter",
                MetricKind::Gauge => "gauge",
                MetricKind::Histogram => "histogram",
            };
            out.push_str(&format!(
                "# HELP {full} {}\n# TYPE {full} {kind}\n",
                metric.help
            ));
            if metric.kind == MetricKind::Histogram {
                let h = metric.histogram.lock().expect("metrics lock");
                for (count, bound) in h.buckets.iter().zip(LATENCY_BUCKETS_SECS) {
                    out.push_str(&format!("{full}_bucket{{le=\"{bound}\"}} {count}\n"));
                }
                out.push_str(&format!("{full}_bucket{{le=\"+Inf\"}} {}\n", h.count));
                out.push_str(&format!("{full}_sum {}\n{full}_count {}\n", h.sum, h.count));
            } else {
                out.push_str(&format!(
                    "{full} {}\n",
                    metric.value.load(Ordering::Relaxed)
                ));
            }
        }
        out
    }
}

/// What `/health` reports: a JSON object the daemon fills.
pub type HealthReport = Arc<dyn Fn() -> serde_json::Value + Send + Sync>;

/// `/health` and `/metrics`.
pub fn ops_router(metrics: Arc<Metrics>, health: HealthReport) -> Router {
    Router::new()
        .route("/health", get(move || async move { axum::Json(health()) }))
        .route(
            "/metrics",
            get(move || async move {
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "text/plain; version=0.0.4",
                    )],
                    metrics.render(),
                )
            }),
        )
}

/// JSON lines on stderr, one object per event; `RUST_LOG` filters (default `info`).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_current_span(false)
        .try_init();
}

/// Resolves on SIGTERM or ctrl-c.
pub async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("a SIGTERM handler");
    tokio::select! {
        _ = ctrl_c => {}
        _ = term.recv() => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_render_in_prometheus_text_format() {
        let metrics = Metrics::new(
            "worker",
            &[
                ("jobs_rendered_total", MetricKind::Counter, "Jobs rendered."),
                (
                    "lease_latency_seconds",
                    MetricKind::Histogram,
                    "Lease round trip.",
                ),
            ],
        );
        metrics.add("jobs_rendered_total", 2);
        metrics.observe("lease_latency_seconds", 0.02);
        let text = metrics.render();
        assert!(text.contains("# TYPE inferix_worker_jobs_rendered_total counter\ninferix_worker_jobs_rendered_total 2\n"));
        assert!(text.contains("inferix_worker_lease_latency_seconds_bucket{le=\"0.01\"} 0\n"));
        assert!(text.contains("inferix_worker_lease_latency_seconds_bucket{le=\"0.025\"} 1\n"));
        assert!(text.contains("inferix_worker_lease_latency_seconds_count 1\n"));
    }
}
