//! `cargo xtask bench`: what Rust support costs a kernel that does not use
//! it. Builds the same allnoconfig-based kernel twice from scratch, once
//! with `CONFIG_RUST=n` and once with `CONFIG_RUST=y` and no Rust user
//! (tests/configs/rust.config), and reports the build times and the sizes
//! of the two vmlinux files. It reports; it asserts nothing. Wall-clock
//! times on a shared machine vary from run to run; the CPU time of the
//! build (user and system time of every process make ran) varies much
//! less, so both are shown.

use crate::checks::registry;
use crate::checks::runner;
use crate::commands::{ensure, Needs};
use crate::guest::boot::Show;
use crate::guest::results::{self, Record};
use crate::guest::scenario::{self, Kind, Scenario};
use crate::host::toolchain::{self, LLVM_BIN};
use crate::kernel::build::{self, Spec};
use crate::leaf::arch::Arch;
use crate::leaf::ctx::Ctx;
use crate::leaf::outcome::Counts;
use crate::leaf::process::{self, step};
use crate::source::repo::Repo;
use crate::tree::checkout;
use anyhow::{Context, Result};
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// One measured build.
struct Measure {
    spec: Spec,
    time: Duration,
    /// User and system time of the build's processes.
    cpu: Duration,
    /// `.text` of vmlinux, in bytes.
    text: u64,
    /// text, data and bss as `llvm-size` counts them (Berkeley format).
    berkeley: [u64; 3],
}

/// `cargo xtask bench [--arch A] [--scenarios-only]`.
#[derive(clap::Args, Debug)]
pub struct Options {
    /// The architecture: arm64 (the default) or x86_64
    #[arg(long, value_name = "ARCH")]
    pub arch: Option<Arch>,
    /// Boot the `kind = "bench"` scenarios only, without the two clean
    /// builds
    #[arg(long)]
    pub scenarios_only: bool,
}

pub fn command(ctx: &Ctx, options: &Options) -> Result<()> {
    let arches = vec![options.arch.unwrap_or(Arch::Arm64)];
    let only_scenarios = options.scenarios_only;
    let all = scenario::load(&ctx.root, &registry::names())?;
    let benches: Vec<&Scenario> = all
        .iter()
        .filter(|s| s.kind == Kind::Bench && arches.contains(&s.arch))
        .collect();
    ensure(ctx, &Needs::boot(benches.iter().copied()))?;
    let repo = checkout::checkout(ctx, false)?;
    scenarios(ctx, &repo, &benches)?;
    if only_scenarios {
        return Ok(());
    }
    let tree = repo.dir;
    let mut rows = Vec::new();
    for arch in arches {
        for configs in [vec![], vec!["rust".to_string()]] {
            rows.push(measure(ctx, &tree, Spec::new(arch, &configs))?);
        }
    }
    println!();
    println!(
        "{:<14} {:>10} {:>10} {:>12} {:>12} {:>12} {:>10}",
        "kernel", "wall", "cpu", ".text", "text", "data", "bss"
    );
    for m in &rows {
        println!(
            "{:<14} {:>10} {:>10} {:>12} {:>12} {:>12} {:>10}",
            m.spec.name(),
            process::fmt_duration(m.time),
            process::fmt_duration(m.cpu),
            m.text,
            m.berkeley[0],
            m.berkeley[1],
            m.berkeley[2]
        );
    }
    for pair in rows.chunks(2) {
        let [off, on] = pair else { continue };
        println!(
            "\n{}: CONFIG_RUST=y with no Rust user adds {} of CPU time to a clean build \
             ({:+.0}%; {} of wall-clock time), {:+} bytes of .text ({:+.2}%) and {:+} bytes \
             of text+data+bss",
            off.spec.arch.name(),
            process::fmt_duration(on.cpu.saturating_sub(off.cpu)),
            percent(on.cpu.as_secs_f64(), off.cpu.as_secs_f64()),
            process::fmt_duration(on.time.saturating_sub(off.time)),
            on.text as i64 - off.text as i64,
            percent(on.text as f64, off.text as f64),
            on.berkeley.iter().sum::<u64>() as i64 - off.berkeley.iter().sum::<u64>() as i64,
        );
    }
    println!(
        "\n(one clean build each, -j{} on this machine; not an assertion)",
        jobs()
    );
    Ok(())
}

/// Boots every `kind = "bench"` scenario of the chosen architectures
/// (`benches`), each kernel built once, and prints each metric of a scenario with a `compare` as a ratio
/// of its baseline's. The results file is `build/results/bench-*.json`.
fn scenarios(ctx: &Ctx, repo: &Repo, benches: &[&Scenario]) -> Result<()> {
    let mut record = Record::new(ctx, "bench");
    record.tree_synced = Some(repo.synced);
    record.tools(&toolchain::tool_versions(ctx));
    for s in benches {
        let spec = s.spec();
        let kernel = build::build(ctx, &spec.tree_in(ctx, repo)?, &spec)?;
        let run = runner::run(ctx, &kernel, s, Show::Quiet);
        for o in run.outcomes.iter().filter(|o| !o.passed()) {
            process::note(format!("{} {}: {}", o.label(), o.name, o.detail));
        }
        for boot in &run.boots {
            record.boot(boot);
        }
        record.outcomes.extend(run.outcomes);
    }
    for s in benches {
        if let Some(other) = &s.compare {
            let baseline = format!("{}.{other}", s.arch.name());
            record
                .ratios
                .extend(results::ratios(&record.metrics, &s.id(), &baseline));
        }
    }
    println!();
    for m in &record.metrics {
        println!("{:<50} {:>14} {}", m.name, m.value, m.unit);
    }
    if !record.ratios.is_empty() {
        println!("\n{}", results::ratio_table(&record.ratios));
    }
    let path = record.write(ctx)?;
    step(format!(
        "bench scenarios: {} (results: {})",
        Counts::of(&record.outcomes),
        path.display()
    ));
    Ok(())
}

fn percent(new: f64, old: f64) -> f64 {
    if old == 0.0 {
        0.0
    } else {
        (new - old) / old * 100.0
    }
}

fn jobs() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
}

/// A clean build of `spec`, timed, and the size of its vmlinux.
fn measure(ctx: &Ctx, tree: &Path, spec: Spec) -> Result<Measure> {
    let out = ctx.build.join("out").join(spec.name());
    step(format!("clean build of {} for the benchmark", spec.name()));
    let _ = fs::remove_dir_all(&out);
    let start = Instant::now();
    let cpu_before = children_cpu_time()?;
    let kernel = build::build(ctx, tree, &spec)?;
    let time = start.elapsed();
    let cpu = children_cpu_time()?.saturating_sub(cpu_before);
    let vmlinux = kernel.out.join("vmlinux");
    let size = |args: &[&str]| {
        process::output(
            Command::new(Path::new(LLVM_BIN).join("llvm-size"))
                .args(args)
                .arg(&vmlinux),
        )
    };
    let text = parse_section_size(&size(&["-A"])?, ".text")
        .with_context(|| format!("no .text in {}", vmlinux.display()))?;
    let berkeley = parse_berkeley(&size(&["-B"])?)
        .with_context(|| format!("cannot read llvm-size's output for {}", vmlinux.display()))?;
    Ok(Measure {
        spec,
        time,
        cpu,
        text,
        berkeley,
    })
}

/// The user and system time of this process's waited-for children (and
/// theirs), from /proc/self/stat.
fn children_cpu_time() -> Result<Duration> {
    let stat = fs::read_to_string("/proc/self/stat")?;
    let ticks = parse_children_ticks(&stat).context("cannot read /proc/self/stat")?;
    // USER_HZ, the unit of /proc times, is 100 on every Linux architecture.
    Ok(Duration::from_millis(ticks * 10))
}

/// cutime + cstime (fields 16 and 17) of a /proc/PID/stat line.
fn parse_children_ticks(stat: &str) -> Option<u64> {
    // The command name, field 2, is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3.
    Some(f.get(13)?.parse::<u64>().ok()? + f.get(14)?.parse::<u64>().ok()?)
}

/// The size of `section` in `llvm-size -A` output.
fn parse_section_size(text: &str, section: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        let mut f = l.split_whitespace();
        (f.next()? == section).then(|| f.next()?.parse().ok())?
    })
}

/// text, data and bss from `llvm-size -B` output.
fn parse_berkeley(text: &str) -> Option<[u64; 3]> {
    let line = text.lines().nth(1)?;
    let mut f = line.split_whitespace().map(|n| n.parse::<u64>().ok());
    Some([f.next()??, f.next()??, f.next()??])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_llvm_size() {
        let a = "vmlinux  :\nsection   size   addr\n.head.text  4096  0\n.text  1964032  1\n";
        assert_eq!(parse_section_size(a, ".text"), Some(1964032));
        assert_eq!(parse_section_size(a, ".data"), None);
        let b = "   text    data     bss     dec     hex filename\n 2493952  612345  241664 3347961 3315f9 vmlinux\n";
        assert_eq!(parse_berkeley(b), Some([2493952, 612345, 241664]));
        assert_eq!(parse_berkeley("junk"), None);
    }

    #[test]
    fn reads_children_cpu_time() {
        let stat = "42 (a (b) c) S 1 2 3 4 5 6 7 8 9 10 11 12 300 40 20 0 1";
        assert_eq!(parse_children_ticks(stat), Some(340));
        assert!(children_cpu_time().is_ok());
    }
}
