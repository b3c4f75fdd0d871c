//! The result of one check, as `cargo xtask test` counts it: passed,
//! failed, or skipped with a reason.

use anyhow::Result;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Skip,
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub name: String,
    pub status: Status,
    /// Why it failed or was skipped; empty when it passed.
    pub detail: String,
}

impl Outcome {
    pub fn pass(name: impl Into<String>) -> Self {
        Self::new(name, Status::Pass, "")
    }

    pub fn fail(name: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(name, Status::Fail, detail)
    }

    /// A check that could not run here, and why.
    pub fn skip(name: impl Into<String>, why: impl Into<String>) -> Self {
        Self::new(name, Status::Skip, why)
    }

    pub fn new(name: impl Into<String>, status: Status, detail: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            status,
            detail: detail.into(),
        }
    }

    pub fn from_result(name: &str, result: Result<()>) -> Self {
        match result {
            Ok(()) => Self::pass(name),
            Err(e) => Self::fail(name, format!("{e:#}")),
        }
    }

    pub fn passed(&self) -> bool {
        self.status == Status::Pass
    }

    pub fn failed(&self) -> bool {
        self.status == Status::Fail
    }

    pub fn skipped(&self) -> bool {
        self.status == Status::Skip
    }

    /// `PASS`, `FAIL` or `SKIP`.
    pub fn label(&self) -> &'static str {
        match self.status {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Skip => "SKIP",
        }
    }

    /// This outcome, renamed with `prefix.` in front.
    pub fn prefixed(mut self, prefix: &str) -> Self {
        self.name = format!("{prefix}.{}", self.name);
        self
    }
}

/// How many passed, failed and were skipped.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Counts {
    pub fn of(outcomes: &[Outcome]) -> Self {
        let mut c = Self::default();
        for o in outcomes {
            match o.status {
                Status::Pass => c.passed += 1,
                Status::Fail => c.failed += 1,
                Status::Skip => c.skipped += 1,
            }
        }
        c
    }
}

impl std::fmt::Display for Counts {
    /// `N passed, N failed, N skipped`: the line CI reads.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_status() {
        let o = [
            Outcome::pass("a"),
            Outcome::fail("b", "why"),
            Outcome::skip("c", "no rustup here"),
            Outcome::pass("d"),
        ];
        let c = Counts::of(&o);
        assert_eq!(c.to_string(), "2 passed, 1 failed, 1 skipped");
        assert!(o[2].skipped() && !o[2].failed() && !o[2].passed());
    }
}
