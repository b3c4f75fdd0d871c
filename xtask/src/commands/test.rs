//! `cargo xtask test`: everything. xtask's own unit tests, the series export
//! and its checks, every kernel the scenarios need (each built once), and
//! every scenario booted in QEMU with the checks it declares. The last line
//! is `N passed, N failed, N skipped`; the results file is in
//! `build/results/`.

use crate::checks::equivalence;
use crate::checks::registry;
use crate::checks::runner::{self, Run};
use crate::checks::rustavailable;
use crate::commands::{ensure, Needs};
use crate::guest::boot::{self, Show};
use crate::guest::results::{self, Record};
use crate::guest::scenario::{self, Kind, Scenario};
use crate::host::toolchain;
use crate::kernel::build::{self, Kernel};
use crate::leaf::ctx::Ctx;
use crate::leaf::outcome::{Counts, Outcome};
use crate::leaf::process::{self, step};
use crate::tree::checkout;
use crate::tree::export;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::process::Command;
use std::time::Instant;

/// `cargo xtask test [--filter PATTERN] [--list]`.
#[derive(clap::Args, Debug)]
pub struct Options {
    /// Run only what PATTERN selects: scenario ids (`arm64.rust-modules`),
    /// `xtask`, `series` or `rustavailable`; a substring, or a pattern with
    /// `*` matching the whole name
    #[arg(long, value_name = "PATTERN")]
    pub filter: Option<String>,
    /// List the scenarios, what they expect, and the checks they can
    /// declare, and run nothing
    #[arg(long)]
    pub list: bool,
}

pub fn command(ctx: &Ctx, options: &Options) -> Result<()> {
    let filter = options.filter.clone();
    if options.list {
        return print_list(ctx);
    }
    let start = Instant::now();
    ensure(
        ctx,
        &Needs {
            packages: true,
            ..Needs::default()
        },
    )?;
    let mut record = Record::new(ctx, "test");
    let selected = |group: &str| filter.as_deref().is_none_or(|f| selects(f, group));
    let mut outcomes = Vec::new();
    if selected("xtask") {
        let unit = unit_tests(ctx);
        report(&unit);
        outcomes.extend(unit);
    }
    if selected("series") {
        let base = Needs {
            base: true,
            ..Needs::default()
        };
        let series = ensure(ctx, &base)
            .and_then(|()| export::check(ctx, None))
            .unwrap_or_else(|e| vec![Outcome::fail("series", format!("{e:#}"))]);
        report(&series);
        outcomes.extend(series);
    }
    outcomes.extend(
        kernels(ctx, &selected, &mut record)
            .unwrap_or_else(|e| vec![Outcome::fail("kernels", format!("{e:#}"))]),
    );
    if outcomes.is_empty() {
        outcomes.push(Outcome::fail(
            "filter",
            format!(
                "--filter {} selects nothing",
                filter.as_deref().unwrap_or("")
            ),
        ));
    }

    let shown: Vec<&Outcome> = outcomes.iter().filter(|o| !o.passed()).collect();
    if !shown.is_empty() {
        println!();
        for o in &shown {
            println!("{} {}: {}", o.label(), o.name, o.detail.trim());
        }
    }
    if !record.ratios.is_empty() {
        println!("\n{}", results::ratio_table(&record.ratios));
    }
    record.outcomes = outcomes;
    match record.write(ctx) {
        Ok(path) => println!("\nresults: {}", path.display()),
        Err(e) => println!("\ncannot write the results file: {e:#}"),
    }
    println!("took {}", process::fmt_duration(start.elapsed()));
    let counts = Counts::of(&record.outcomes);
    println!("{counts}");
    if counts.failed > 0 {
        std::process::exit(1);
    }
    Ok(())
}

/// `cargo xtask test --list`: the scenarios with what they expect, and the
/// checks they can declare.
fn print_list(ctx: &Ctx) -> Result<()> {
    for s in scenario::load(&ctx.root, &registry::names())? {
        println!(
            "{:<28} {:<5} kernel {}; expects {} names from {}{}{}",
            s.id(),
            format!("{:?}", s.kind).to_lowercase(),
            s.spec().name(),
            s.expect.len(),
            s.expect_lists.join(", "),
            if s.kunit.is_empty() {
                String::new()
            } else {
                format!("; KUnit {}", s.kunit.join(", "))
            },
            if s.checks.is_empty() {
                String::new()
            } else {
                format!("; checks {}", s.checks.join(", "))
            },
        );
    }
    println!("\nchecks:");
    for c in registry::ALL {
        println!("  {:<24} {} ({})", c.name, c.about, c.outcomes.join(", "));
    }
    Ok(())
}

/// Whether `--filter PATTERN` selects `name` (a scenario's id, or one of
/// `xtask`, `series`, `rustavailable`): a substring of it, or a `*`
/// pattern matching all of it.
pub fn selects(pattern: &str, name: &str) -> bool {
    if pattern.contains('*') {
        scenario::matches(pattern, name)
    } else {
        name.contains(pattern)
    }
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
    if outcomes.is_empty() || !out.status.success() && outcomes.iter().all(|o| o.passed()) {
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

/// Builds each kernel the selected scenarios need once, runs every
/// scenario on it, then compares the scenarios that must match or be
/// measured against another.
fn kernels(
    ctx: &Ctx,
    selected: &dyn Fn(&str) -> bool,
    record: &mut Record,
) -> Result<Vec<Outcome>> {
    let all = scenario::load(&ctx.root, &registry::names())?;
    let scenarios: Vec<&Scenario> = all
        .iter()
        .filter(|s| s.kind == Kind::Test && selected(&s.id()))
        .collect();
    let mut outcomes = Vec::new();
    let want_rustavailable = selected("rustavailable");
    if scenarios.is_empty() && !want_rustavailable {
        return Ok(outcomes);
    }
    // A scenario compared with another needs that one's boot too.
    let mut needed: Vec<&Scenario> = scenarios.clone();
    for s in &scenarios {
        for other in s.same_as.iter().chain(&s.compare) {
            let o = all
                .iter()
                .find(|o| o.arch == s.arch && &o.name == other)
                .expect("checked when loading");
            if !needed.iter().any(|n| n.id() == o.id()) {
                needed.push(o);
            }
        }
    }
    let mut needs = Needs::boot(needed.iter().copied());
    // rustavailable runs make with bindgen, and accepts the oldest rustc.
    needs.minimum_rustc |= want_rustavailable;
    ensure(ctx, &needs)?;
    let repo = checkout::checkout(ctx, false).context("cannot prepare build/tree")?;
    record.tree_synced = Some(repo.synced);
    record.tools(&toolchain::tool_versions(ctx));
    if want_rustavailable {
        let checked = rustavailable::check(ctx, &repo.dir)?;
        report(&checked);
        outcomes.extend(checked);
    }
    let mut groups: BTreeMap<String, Vec<&Scenario>> = BTreeMap::new();
    for s in &needed {
        groups.entry(s.spec().name()).or_default().push(s);
    }
    let mut runs: BTreeMap<String, (Kernel, Run)> = BTreeMap::new();
    for (name, group) in groups {
        let spec = group[0].spec();
        let kernel = spec
            .tree_in(ctx, &repo)
            .and_then(|tree| build::build(ctx, &tree, &spec));
        let kernel = match kernel {
            Ok(kernel) => {
                outcomes.push(Outcome::pass(format!("build.{name}")));
                kernel
            }
            Err(e) => {
                let failed = Outcome::fail(format!("build.{name}"), format!("{e:#}"));
                report(std::slice::from_ref(&failed));
                outcomes.push(failed);
                for s in group {
                    let why = "its kernel did not build";
                    outcomes.extend(
                        boot::judge(s, Vec::new())
                            .into_iter()
                            .map(|o| Outcome::fail(o.name, why)),
                    );
                    outcomes.extend(registry::not_run(s, false, why));
                    outcomes.extend(registry::not_run(s, true, why));
                }
                continue;
            }
        };
        // Checks that change the kernel run after all of its scenarios.
        let mut later = Vec::new();
        for s in &group {
            let run = runner::boot_and_check(ctx, &kernel, s, Show::Quiet);
            for boot in &run.boots {
                record.boot(boot);
                for m in &boot.metrics {
                    process::note(format!("metric {} = {} {}", m.name, m.value, m.unit));
                }
            }
            report(&run.outcomes);
            outcomes.extend(run.outcomes.iter().cloned());
            later.push((s.id(), run));
        }
        for (s, (id, run)) in group.iter().zip(later) {
            let more = runner::last_checks(ctx, &kernel, s, &run);
            report(&more);
            outcomes.extend(more);
            runs.insert(id, (kernel.clone(), run));
        }
    }
    for s in &scenarios {
        let find = |name: &str| -> Result<&(Kernel, Run)> {
            let id = format!("{}.{name}", s.arch.name());
            runs.get(&id).with_context(|| format!("{id} did not run"))
        };
        if let Some(other) = &s.same_as {
            let result = find(&s.name).and_then(|ours| {
                let theirs = find(other)?;
                let (Some(a), Some(b)) = (ours.1.boots.first(), theirs.1.boots.first()) else {
                    anyhow::bail!("{} or {} never booted", s.id(), other);
                };
                Ok(equivalence::compare(
                    ctx,
                    s.id(),
                    (&ours.0, a),
                    (&theirs.0, b),
                ))
            });
            let result = result.unwrap_or_else(|e| {
                equivalence::OUTCOMES
                    .iter()
                    .map(|o| Outcome::fail(format!("same-as.{}.{o}", s.id()), format!("{e:#}")))
                    .collect()
            });
            report(&result);
            outcomes.extend(result);
        }
        if let Some(other) = &s.compare {
            let baseline = format!("{}.{other}", s.arch.name());
            let ratios = results::ratios(&record.metrics, &s.id(), &baseline);
            if ratios.is_empty() {
                outcomes.push(Outcome::fail(
                    format!("compare.{}", s.id()),
                    format!("{} and {baseline} have no metric in common", s.id()),
                ));
            } else {
                outcomes.push(Outcome::pass(format!("compare.{}", s.id())));
            }
            record.ratios.extend(ratios);
        }
    }
    Ok(outcomes)
}

/// Says how a step went as soon as it is over.
fn report(outcomes: &[Outcome]) {
    process::note(Counts::of(outcomes));
    for o in outcomes.iter().filter(|o| !o.passed()) {
        process::note(format!(
            "{} {}: {}",
            o.label(),
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
        assert!(o[0].passed() && o[0].name == "xtask.a::b");
        assert!(!o[1].passed());
    }
}
