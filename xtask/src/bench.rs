//! `cargo xtask bench`: what Rust support costs a kernel that does not use
//! it. Builds the same allnoconfig-based kernel twice from scratch, once
//! with `CONFIG_RUST=n` and once with `CONFIG_RUST=y` and no Rust user
//! (tests/configs/rust.config), and reports the build times and the sizes
//! of the two vmlinux files. It reports; it asserts nothing: times on a
//! shared machine vary from run to run, so read them as an order of
//! magnitude.

use crate::args::Args;
use crate::build::{self, Arch, Spec};
use crate::setup::LLVM_BIN;
use crate::util::{self, step, Ctx};
use anyhow::{Context, Result};
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// One measured build.
struct Measure {
    spec: Spec,
    time: Duration,
    /// `.text` of vmlinux, in bytes.
    text: u64,
    /// text, data and bss as `llvm-size` counts them (Berkeley format).
    berkeley: [u64; 3],
}

pub fn command(ctx: &Ctx, args: &mut Args) -> Result<()> {
    let arches = match args.value("arch")? {
        Some(a) => vec![Arch::parse(&a)?],
        None => vec![Arch::Arm64],
    };
    args.finish()?;
    let tree = Spec::new(Arch::Arm64, &[]).tree(ctx)?;
    let mut rows = Vec::new();
    for arch in arches {
        for configs in [vec![], vec!["rust".to_string()]] {
            rows.push(measure(ctx, &tree, Spec::new(arch, &configs))?);
        }
    }
    println!();
    println!(
        "{:<14} {:>10} {:>12} {:>12} {:>12} {:>10}",
        "kernel", "build", ".text", "text", "data", "bss"
    );
    for m in &rows {
        println!(
            "{:<14} {:>10} {:>12} {:>12} {:>12} {:>10}",
            m.spec.name(),
            util::fmt_duration(m.time),
            m.text,
            m.berkeley[0],
            m.berkeley[1],
            m.berkeley[2]
        );
    }
    for pair in rows.chunks(2) {
        let [off, on] = pair else { continue };
        println!(
            "\n{}: CONFIG_RUST=y with no Rust user adds {} to a clean build ({:+.0}%), \
             {:+} bytes of .text ({:+.2}%) and {:+} bytes of text+data+bss",
            off.spec.arch.name(),
            util::fmt_duration(on.time.saturating_sub(off.time)),
            percent(on.time.as_secs_f64(), off.time.as_secs_f64()),
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
    let kernel = build::build(ctx, tree, &spec)?;
    let time = start.elapsed();
    let vmlinux = kernel.out.join("vmlinux");
    let size = |args: &[&str]| {
        util::output(
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
        text,
        berkeley,
    })
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
}
