//! The registry of kernel-level checks: what a scenario declares in `checks = [...]` runs
//! on its kernel after its boot. Each check has a fixed list of outcomes;
//! the runner requires exactly those (a missing one or an unexpected one is
//! a failure), and names them `ID.CHECK.OUTCOME`.

use crate::checks::compile_fail;
use crate::checks::devtargets;
use crate::checks::doctests;
use crate::guest::boot::Boot;
use crate::guest::scenario::Scenario;
use crate::kernel::build::Kernel;
use crate::leaf::ctx::Ctx;
use crate::leaf::kconfig::parse_config;
use crate::leaf::outcome::Outcome;
use std::collections::BTreeSet;

/// What a check is given: the kernel, the scenario that declared it and
/// that scenario's boot.
pub struct Input<'a> {
    pub ctx: &'a Ctx,
    pub kernel: &'a Kernel,
    pub scenario: &'a Scenario,
    pub boot: &'a Boot,
}

pub struct Check {
    pub name: &'static str,
    /// What it is for, for `cargo xtask test --list`.
    pub about: &'static str,
    /// The outcomes it reports (without the `ID.CHECK.` prefix).
    pub outcomes: &'static [&'static str],
    /// Kconfig options its kernel must have (`=y`): without them it would
    /// test nothing, so each of its outcomes fails instead.
    pub needs: &'static [&'static str],
    /// Whether it changes the kernel (so runs after every other check).
    pub last: bool,
    pub run: fn(&Input) -> Vec<Outcome>,
}

pub const ALL: &[Check] = &[
    Check {
        name: "rust-tools",
        about: "make rustfmtcheck, make rustdoc, CLIPPY=1 and decode_stacktrace.sh on Rust code",
        outcomes: &["decode-stacktrace", "rustfmtcheck", "rustdoc", "clippy"],
        needs: &["CONFIG_RUST", "CONFIG_DEBUG_INFO", "CONFIG_SAMPLE_RUST_MINIMAL"],
        last: false,
        run: |i| devtargets::check(i.ctx, i.kernel),
    },
    Check {
        name: "example-coverage",
        about: "rustdoc finds an example on every public item of the kernel crate",
        outcomes: &["all-items"],
        needs: &["CONFIG_RUST"],
        last: false,
        run: |i| vec![Outcome::from_result("all-items", devtargets::example_coverage(i.ctx, i.kernel))],
    },
    Check {
        name: "doctests-count",
        about: "every documentation example the build generated ran as a KUnit case",
        outcomes: &["all-ran"],
        needs: &["CONFIG_RUST_KERNEL_DOCTESTS"],
        last: false,
        run: |i| vec![doctests::count(i.kernel, i.scenario, &i.boot.outcomes)],
    },
    Check {
        name: "x86-hardening",
        about: "Rust code returns through the return thunk, checks canaries, and objtool is quiet on it",
        outcomes: &["thunk-and-canary", "objtool-sections", "objtool-quiet"],
        needs: &["CONFIG_RETHUNK", "CONFIG_SLS", "CONFIG_RETPOLINE", "CONFIG_STACKPROTECTOR_STRONG", "CONFIG_RUST"],
        last: false,
        run: |i| devtargets::check_x86_hardening(i.ctx, i.kernel),
    },
    Check {
        name: "arm64-branch-protection",
        about: "Rust objects are marked for PAC and BTI like the C ones",
        outcomes: &["kernel-crate", "module"],
        needs: &["CONFIG_ARM64_PTR_AUTH", "CONFIG_ARM64_BTI_KERNEL", "CONFIG_RUST"],
        last: false,
        run: |i| devtargets::check_arm64_hardening(i.ctx, i.kernel),
    },
    Check {
        name: "rustc-version",
        about: "the kernel was built with the rustc the scenario asks for (RUSTC_VERSION_TEXT)",
        outcomes: &["matches"],
        needs: &["CONFIG_RUST"],
        last: false,
        run: |i| vec![devtargets::rustc_version(i.ctx, i.kernel)],
    },
    Check {
        name: "must-not-compile",
        about: "each case of tests/compile-fail fails with its error and builds without its marked line",
        outcomes: &compile_fail::CASES,
        needs: &["CONFIG_RUST", "CONFIG_MODULES"],
        last: false,
        run: |i| compile_fail::check(i.ctx, i.kernel),
    },
    Check {
        name: "broken-example",
        about: "a deliberately broken documentation example fails at its file and line, alone",
        outcomes: &doctests::BROKEN_OUTCOMES,
        needs: &["CONFIG_RUST_KERNEL_DOCTESTS"],
        last: true,
        run: |i| doctests::broken_example(i.ctx, i.kernel, i.scenario),
    },
];

pub fn find(name: &str) -> Option<&'static Check> {
    ALL.iter().find(|c| c.name == name)
}

pub fn names() -> Vec<&'static str> {
    ALL.iter().map(|c| c.name).collect()
}

/// Runs `check` and holds what it reported to what it declares: every
/// declared outcome exactly once, nothing else.
pub fn run(check: &Check, input: &Input) -> Vec<Outcome> {
    let prefix = format!("{}.{}", input.scenario.id(), check.name);
    let reported = match missing_options(check, &input.kernel.out) {
        Ok(()) => (check.run)(input),
        Err(why) => check
            .outcomes
            .iter()
            .map(|o| Outcome::fail(*o, why.clone()))
            .collect(),
    };
    judge(check, &prefix, reported)
}

/// Fails unless the kernel in `out` has every option the check needs.
fn missing_options(check: &Check, out: &std::path::Path) -> Result<(), String> {
    let config = std::fs::read_to_string(out.join(".config"))
        .map_err(|e| format!("cannot read the kernel's .config: {e}"))?;
    let config = parse_config(&config);
    let missing: Vec<&str> = check
        .needs
        .iter()
        .copied()
        .filter(|o| config.get(*o).map(String::as_str) != Some("y"))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the kernel lacks {} (a fragment dropped from the scenario?): `{}` would test nothing",
            missing.join(", "),
            check.name
        ))
    }
}

fn judge(check: &Check, prefix: &str, reported: Vec<Outcome>) -> Vec<Outcome> {
    let declared: BTreeSet<&str> = check.outcomes.iter().copied().collect();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for o in reported {
        let name = o.name.clone();
        if !declared.contains(name.as_str()) {
            out.push(Outcome::fail(
                format!("{prefix}.{name}"),
                format!(
                    "the check `{}` reported an outcome it does not declare",
                    check.name
                ),
            ));
        } else if !seen.insert(name.clone()) {
            out.push(Outcome::fail(format!("{prefix}.{name}"), "reported twice"));
        } else {
            out.push(o.prefixed(prefix));
        }
    }
    for missing in declared.difference(&seen.iter().map(String::as_str).collect()) {
        out.push(Outcome::fail(
            format!("{prefix}.{missing}"),
            "the check produced no outcome for it",
        ));
    }
    out
}

/// The checks a scenario declares, the ones that change the kernel last.
pub fn declared(scenario: &Scenario) -> Vec<&'static Check> {
    let mut list: Vec<&Check> = scenario.checks.iter().filter_map(|c| find(c)).collect();
    list.sort_by_key(|c| c.last);
    list
}

/// The outcomes a scenario's checks must produce (those that change the
/// kernel, or the others), for a scenario that never booted: each fails.
pub fn not_run(scenario: &Scenario, last: bool, why: &str) -> Vec<Outcome> {
    declared(scenario)
        .iter()
        .filter(|c| c.last == last)
        .flat_map(|c| {
            c.outcomes.iter().map(move |o| {
                Outcome::fail(format!("{}.{}.{o}", scenario.id(), c.name), why.to_string())
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check() -> &'static Check {
        find("x86-hardening").unwrap()
    }

    #[test]
    fn every_check_has_a_unique_name_and_outcomes() {
        let names: BTreeSet<&str> = ALL.iter().map(|c| c.name).collect();
        assert_eq!(names.len(), ALL.len());
        assert!(ALL.iter().all(|c| !c.outcomes.is_empty()));
    }

    #[test]
    fn a_missing_outcome_fails() {
        let out = judge(
            check(),
            "p",
            vec![
                Outcome::pass("thunk-and-canary"),
                Outcome::pass("objtool-sections"),
            ],
        );
        let quiet = out.iter().find(|o| o.name == "p.objtool-quiet").unwrap();
        assert!(quiet.failed(), "{out:?}");
        assert_eq!(out.len(), 3);
    }

    #[test]
    fn an_unexpected_outcome_fails() {
        let mut reported: Vec<Outcome> =
            check().outcomes.iter().map(|o| Outcome::pass(*o)).collect();
        reported.push(Outcome::pass("surprise"));
        let out = judge(check(), "p", reported);
        assert_eq!(out.iter().filter(|o| o.failed()).count(), 1);
        assert!(out.iter().any(|o| o.name == "p.surprise" && o.failed()));
        assert!(out
            .iter()
            .any(|o| o.name == "p.objtool-quiet" && o.passed()));
    }

    #[test]
    fn a_dropped_fragment_fails_the_check() {
        let dir = std::env::temp_dir().join(format!("xtask-checks-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // The x86_64 Rust kernel as tests/configs/x86-hardening.config makes it...
        let full = "CONFIG_RUST=y\nCONFIG_RETHUNK=y\nCONFIG_SLS=y\nCONFIG_RETPOLINE=y\n\
                    CONFIG_STACKPROTECTOR_STRONG=y\n";
        std::fs::write(dir.join(".config"), full).unwrap();
        assert!(missing_options(check(), &dir).is_ok());
        // ... and with that fragment dropped from the scenario.
        std::fs::write(
            dir.join(".config"),
            "CONFIG_RUST=y\n# CONFIG_RETHUNK is not set\n",
        )
        .unwrap();
        let why = missing_options(check(), &dir).unwrap_err();
        assert!(
            why.contains("CONFIG_RETHUNK") && why.contains("CONFIG_SLS"),
            "{why}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_check_whose_kernel_did_not_build_fails() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap();
        let all = crate::guest::scenario::load(root, &names()).unwrap();
        let s = all
            .iter()
            .find(|s| !s.checks.is_empty())
            .expect("a scenario with checks");
        let mut out = not_run(s, false, "its kernel did not build");
        out.extend(not_run(s, true, "its kernel did not build"));
        assert!(!out.is_empty() && out.iter().all(|o| o.failed()));
    }
}
