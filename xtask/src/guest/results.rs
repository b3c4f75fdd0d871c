//! The machine-readable record of a run of `cargo xtask test`, `boot` or
//! `bench`: every outcome and metric, every QEMU command line, the commit
//! and whether `build/tree` was the series as committed, and the versions
//! of the tools. Written to `build/results/COMMAND-UNIXTIME.json`, and
//! copied to `build/results/COMMAND-latest.json`.

use crate::guest::boot::Boot;
use crate::leaf::console::Metric;
use crate::leaf::ctx::Ctx;
use crate::leaf::outcome::{Counts, Outcome};
use crate::leaf::process;
use anyhow::Result;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Serialize)]
pub struct BootRecord {
    pub scenario: String,
    pub qemu: String,
    pub metrics: Vec<Metric>,
}

/// One metric of a scenario as a ratio of the same metric of another.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Ratio {
    pub metric: String,
    pub scenario: String,
    pub baseline: String,
    pub value: f64,
    pub baseline_value: f64,
    pub unit: String,
    pub ratio: f64,
}

#[derive(Serialize)]
pub struct Record {
    pub command: String,
    pub started: u64,
    pub finished: u64,
    /// `git describe --always --dirty` of this repository.
    pub commit: String,
    /// Whether `build/tree` held exactly the committed series (not a
    /// developer's unsynced work).
    pub tree_synced: Option<bool>,
    pub tools: BTreeMap<String, String>,
    pub boots: Vec<BootRecord>,
    pub outcomes: Vec<Outcome>,
    pub metrics: Vec<Metric>,
    pub ratios: Vec<Ratio>,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Record {
    pub fn new(ctx: &Ctx, command: &str) -> Self {
        let commit = process::output(
            Command::new("git")
                .current_dir(&ctx.root)
                .args(["describe", "--always", "--dirty"]),
        )
        .unwrap_or_else(|e| format!("unknown ({e:#})"));
        Self {
            command: command.to_string(),
            started: now(),
            finished: 0,
            commit,
            tree_synced: None,
            tools: BTreeMap::new(),
            boots: Vec::new(),
            outcomes: Vec::new(),
            metrics: Vec::new(),
            ratios: Vec::new(),
            passed: 0,
            failed: 0,
            skipped: 0,
        }
    }

    /// The first line each tool prints for its version.
    pub fn tools(&mut self, tools: &[(&str, Command)]) {
        for (name, _) in tools {
            self.tools.remove(*name);
        }
        for (name, cmd) in tools {
            let mut cmd = Command::new(cmd.get_program());
            let version = process::output(cmd.arg("--version"))
                .map(|v| v.lines().next().unwrap_or("").to_string())
                .unwrap_or_else(|e| format!("not available ({e:#})"));
            self.tools.insert(name.to_string(), version);
        }
    }

    pub fn boot(&mut self, boot: &Boot) {
        self.metrics.extend(boot.metrics.iter().cloned());
        self.boots.push(BootRecord {
            scenario: boot.id.clone(),
            qemu: boot.qemu.clone(),
            metrics: boot.metrics.clone(),
        });
    }

    /// Writes the record; returns where.
    pub fn write(&mut self, ctx: &Ctx) -> Result<PathBuf> {
        self.finished = now();
        let c = Counts::of(&self.outcomes);
        (self.passed, self.failed, self.skipped) = (c.passed, c.failed, c.skipped);
        let dir = ctx.build.join("results");
        std::fs::create_dir_all(&dir)?;
        let text = serde_json::to_string_pretty(self)?;
        let path = dir.join(format!("{}-{}.json", self.command, self.started));
        std::fs::write(&path, &text)?;
        std::fs::write(dir.join(format!("{}-latest.json", self.command)), &text)?;
        Ok(path)
    }
}

/// Each metric `ID.NAME` of scenario `ours` over metric `BASE.NAME` of
/// `baseline`, for the names both have in the same unit.
pub fn ratios(metrics: &[Metric], ours: &str, baseline: &str) -> Vec<Ratio> {
    let of = |id: &str| -> BTreeMap<String, &Metric> {
        metrics
            .iter()
            .filter_map(|m| Some((m.name.strip_prefix(id)?.strip_prefix('.')?.to_string(), m)))
            .collect()
    };
    let (a, b) = (of(ours), of(baseline));
    a.iter()
        .filter_map(|(name, m)| {
            let base = b.get(name)?;
            (base.unit == m.unit && base.value != 0.0).then(|| Ratio {
                metric: name.clone(),
                scenario: ours.to_string(),
                baseline: baseline.to_string(),
                value: m.value,
                baseline_value: base.value,
                unit: m.unit.clone(),
                ratio: m.value / base.value,
            })
        })
        .collect()
}

/// The table `cargo xtask test` and `bench` print for ratios.
pub fn ratio_table(ratios: &[Ratio]) -> String {
    let mut out = format!(
        "{:<40} {:>14} {:>14} {:>8}\n",
        "metric", "scenario", "baseline", "ratio"
    );
    for r in ratios {
        out += &format!(
            "{:<40} {:>14} {:>14} {:>8.3}\n",
            format!("{} ({})", r.metric, r.unit),
            format!("{}", r.value),
            format!("{}", r.baseline_value),
            r.ratio
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(name: &str, value: f64, unit: &str) -> Metric {
        Metric {
            name: name.into(),
            value,
            unit: unit.into(),
        }
    }

    #[test]
    fn compares_the_metrics_two_scenarios_share() {
        let metrics = [
            m("arm64.rust.get", 110.0, "ns"),
            m("arm64.rust.set", 50.0, "ns"),
            m("arm64.rust.only", 1.0, "ns"),
            m("arm64.c.get", 100.0, "ns"),
            m("arm64.c.set", 50.0, "ms"),
        ];
        let r = ratios(&metrics, "arm64.rust", "arm64.c");
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].metric, "get");
        assert!((r[0].ratio - 1.1).abs() < 1e-9);
        assert!(ratio_table(&r).contains("1.100"));
    }
}
