//! `cargo xtask test`: everything. xtask's own unit tests, the series export
//! and its checks, every kernel the scenarios need (each built once), and
//! every scenario booted in QEMU. The last line is `N passed, N failed`.

use crate::args::Args;
use crate::build::{self, Arch, Kernel};
use crate::scenario::{self, Scenario};
use crate::util::{self, step, Ctx, Outcome};
use crate::{boot, devtargets, doctests, equivalence, series, tree};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::process::Command;
use std::time::Instant;

pub fn command(ctx: &Ctx, args: &mut Args) -> Result<()> {
    args.finish()?;
    let start = Instant::now();
    crate::setup::packages()?;
    let mut outcomes = unit_tests(ctx);
    report(&outcomes);
    let series = series::check(ctx, None)
        .unwrap_or_else(|e| vec![Outcome::fail("series", format!("{e:#}"))]);
    report(&series);
    outcomes.extend(series);
    outcomes
        .extend(kernels(ctx).unwrap_or_else(|e| vec![Outcome::fail("kernels", format!("{e:#}"))]));

    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| !o.passed).collect();
    if !failed.is_empty() {
        println!();
        for o in &failed {
            println!("FAIL {}: {}", o.name, o.detail.trim());
        }
    }
    println!("\ntook {}", util::fmt_duration(start.elapsed()));
    println!(
        "{} passed, {} failed",
        outcomes.len() - failed.len(),
        failed.len()
    );
    if !failed.is_empty() {
        std::process::exit(1);
    }
    Ok(())
}

/// `cargo test` of xtask itself, one outcome per test.
fn unit_tests(ctx: &Ctx) -> Vec<Outcome> {
    step("xtask's own tests");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(&ctx.root)
        .args(["test", "--release", "-p", "xtask"])
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            return vec![Outcome::fail(
                "xtask.unit-tests",
                format!("cannot run cargo test: {e}"),
            )]
        }
    };
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut outcomes = parse_cargo_test(&text);
    if outcomes.is_empty() || !out.status.success() && outcomes.iter().all(|o| o.passed) {
        outcomes.push(Outcome::fail(
            "xtask.unit-tests",
            format!("{}{}", text, String::from_utf8_lossy(&out.stderr)),
        ));
    }
    outcomes
}

/// One outcome per `test NAME ... ok|FAILED` line of libtest's output.
pub fn parse_cargo_test(text: &str) -> Vec<Outcome> {
    text.lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("test ")?;
            let (name, result) = rest.rsplit_once(" ... ")?;
            let name = format!("xtask.{}", name.trim());
            match result.trim() {
                "ok" => Some(Outcome::pass(name)),
                "FAILED" => Some(Outcome::fail(name, "see `cargo test -p xtask`")),
                _ => None,
            }
        })
        .collect()
}

/// Checks of particular kernels, besides their scenarios: the one with
/// these fragments on that architecture gets them.
type KernelCheck = fn(&Ctx, &Kernel) -> Vec<Outcome>;
const KERNEL_CHECKS: &[(Arch, &[&str], KernelCheck)] = &[
    // The Rust developer targets and decode_stacktrace.sh.
    (
        Arch::Arm64,
        &["rust-samples", "kunit-tests", "debug-info", "rust-doctests"],
        devtargets::check,
    ),
    // Rust code follows the C side's mitigations.
    (
        Arch::X86_64,
        &[
            "rust-samples",
            "x86-hardening",
            "kunit-tests",
            "rust-doctests",
            "lockdep",
        ],
        devtargets::check_x86_hardening,
    ),
    (
        Arch::Arm64,
        &["rust-samples-m", "arm64-hardening"],
        devtargets::check_arm64_hardening,
    ),
];

/// Builds each kernel the scenarios need once, boots every scenario, and
/// compares the scenarios that must match another.
fn kernels(ctx: &Ctx) -> Result<Vec<Outcome>> {
    let scenarios: Vec<Scenario> = scenario::load(&ctx.root)?
        .into_iter()
        .filter(|s| !s.demo)
        .collect();
    let repo = tree::checkout(ctx, false).context("cannot prepare build/tree")?;
    let mut outcomes = crate::rustavailable::check(ctx, &repo.dir)?;
    report(&outcomes);
    let mut groups: BTreeMap<String, Vec<&Scenario>> = BTreeMap::new();
    for s in &scenarios {
        groups.entry(s.spec().name()).or_default().push(s);
    }
    let mut built: BTreeMap<String, Kernel> = BTreeMap::new();
    for (name, group) in groups {
        let spec = group[0].spec();
        match spec
            .tree_in(ctx, &repo)
            .and_then(|tree| build::build(ctx, &tree, &spec))
        {
            Ok(kernel) => {
                outcomes.push(Outcome::pass(format!("build.{name}")));
                for s in &group {
                    let result = boot::boot(ctx, &kernel, s, boot::Show::Quiet);
                    let mut result =
                        result.unwrap_or_else(|e| vec![Outcome::fail(s.id(), format!("{e:#}"))]);
                    if s.kunit.iter().any(|k| k == doctests::SUITE) {
                        result.push(doctests::count(&kernel, s, &result));
                    }
                    report(&result);
                    outcomes.extend(result);
                }
                for (arch, configs, check) in KERNEL_CHECKS {
                    let configs: Vec<String> = configs.iter().map(|c| c.to_string()).collect();
                    if spec == build::Spec::new(*arch, &configs) {
                        let more = check(ctx, &kernel);
                        report(&more);
                        outcomes.extend(more);
                    }
                }
                // Last, as it leaves a broken kernel behind.
                for s in group.iter().filter(|s| s.break_example) {
                    let more = doctests::broken_example(ctx, &kernel, s);
                    report(&more);
                    outcomes.extend(more);
                }
                built.insert(name, kernel);
            }
            Err(e) => {
                let failed = Outcome::fail(format!("build.{name}"), format!("{e:#}"));
                report(std::slice::from_ref(&failed));
                outcomes.push(failed);
                for s in group {
                    outcomes.push(Outcome::fail(s.id(), "its kernel did not build"));
                }
            }
        }
    }
    for s in &scenarios {
        let Some(other) = &s.same_as else { continue };
        let result = scenario::find(&scenarios, other, Some(s.arch)).and_then(|o| {
            let kernel = |sc: &Scenario| {
                built
                    .get(&sc.spec().name())
                    .with_context(|| format!("{} has no kernel", sc.id()))
            };
            Ok(equivalence::compare(
                ctx,
                (s, kernel(s)?),
                (&o, kernel(&o)?),
            ))
        });
        let result = result.unwrap_or_else(|e| {
            vec![Outcome::fail(
                format!("same-as.{}", s.id()),
                format!("{e:#}"),
            )]
        });
        report(&result);
        outcomes.extend(result);
    }
    Ok(outcomes)
}

/// Says how a step went as soon as it is over.
fn report(outcomes: &[Outcome]) {
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| !o.passed).collect();
    util::note(format!(
        "{} passed, {} failed",
        outcomes.len() - failed.len(),
        failed.len()
    ));
    for o in failed {
        util::note(format!(
            "FAIL {}: {}",
            o.name,
            o.detail.lines().next().unwrap_or("")
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libtest_output() {
        let o = parse_cargo_test(
            "running 2 tests\ntest a::b ... ok\ntest c ... FAILED\n\ntest result: FAILED.",
        );
        assert_eq!(o.len(), 2);
        assert!(o[0].passed && o[0].name == "xtask.a::b");
        assert!(!o[1].passed);
    }
}
