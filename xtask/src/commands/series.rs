//! `cargo xtask series`: exports the series and checks it (see
//! `tree::export`); with `--check-each`, builds the tree after every patch
//! instead.

use crate::commands::{ensure, Needs};
use crate::kernel::build::{self, Spec};
use crate::leaf::arch::{Arch, Rustc};
use crate::leaf::ctx::Ctx;
use crate::leaf::kconfig::parse_config;
use crate::leaf::manifest::Manifest;
use crate::leaf::outcome::Outcome;
use crate::leaf::process::{self, git, step};
use crate::source::repo;
use crate::source::series;
use crate::tree::export;
use anyhow::{bail, Context, Result};
use std::fs;
use std::path::PathBuf;
use std::time::Instant;

/// `cargo xtask series [--out DIR]` and `cargo xtask series --check-each
/// [--arch A]`.
#[derive(clap::Args, Debug)]
pub struct Options {
    /// Where to write the patches and the cover letter (default:
    /// build/series)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Instead of exporting, build the tree after each patch, in order
    /// (incrementally, as when bisecting), and stop at the first patch that
    /// does not build
    #[arg(long)]
    pub check_each: bool,
    /// The architecture --check-each builds for: arm64 (the default) or
    /// x86_64
    #[arg(long, value_name = "ARCH", requires = "check_each")]
    pub arch: Option<Arch>,
}

pub fn command(ctx: &Ctx, options: &Options) -> Result<()> {
    if options.check_each {
        let arch = options.arch.unwrap_or(Arch::Arm64);
        ensure(ctx, &Needs::build(Rustc::Current))?;
        return check_each(ctx, arch);
    }
    ensure(ctx, &Needs::tree())?;
    let outcomes = export::check(ctx, options.out.as_deref())?;
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| !o.passed()).collect();
    if !failed.is_empty() {
        for f in &failed {
            println!("FAIL {}: {}", f.name, f.detail);
        }
        bail!(
            "{} of {} series checks failed",
            failed.len(),
            outcomes.len()
        );
    }
    step(format!("series OK: {} checks passed", outcomes.len()));
    Ok(())
}

/// The fragments every patch is built with by `--check-each`: Rust and
/// its samples, as modules, the KUnit tests and the documentation tests.
/// Options that a patch does not have yet are simply off.
const CHECK_EACH_CONFIGS: [&str; 4] = ["rust-samples-m", "kunit-tests", "rust-doctests", "gpio"];

/// Builds the tree after each patch of the series, in order, in one output
/// directory (so each build is incremental over the previous one, as in a
/// bisection), and reports each patch's build time. Fails at the first
/// patch that does not build.
fn check_each(ctx: &Ctx, arch: Arch) -> Result<()> {
    let manifest = Manifest::load(&ctx.root)?;
    manifest.validate(&ctx.root)?;
    let repo = repo::repo(ctx)?;
    let applied = series::apply(&ctx.root, &repo.dir, &repo.base, &manifest)?;
    let dir = repo::base_worktree(ctx, &repo, "check-each", "to build each patch")?;
    let spec = Spec::new(arch, &CHECK_EACH_CONFIGS.map(String::from));
    let name = format!("check-each-{}", arch.name());
    let start = Instant::now();
    let mut times = Vec::new();
    for (i, (patch, commit)) in manifest.patches.iter().zip(&applied.commits).enumerate() {
        step(format!(
            "[{}/{}] {}",
            i + 1,
            manifest.patches.len(),
            patch.subject
        ));
        process::run(git(&dir).args(["checkout", "-q", "-f", "--detach", commit]))?;
        process::run(git(&dir).args(["clean", "-q", "-fdx"]))?;
        let t = Instant::now();
        let kernel = build::build_as(ctx, &dir, &spec, &name, false).with_context(|| {
            format!(
                "patch {} ({}) does not build on {}",
                i + 1,
                patch.name,
                arch.name()
            )
        })?;
        let rust = parse_config(&fs::read_to_string(kernel.out.join(".config"))?)
            .get("CONFIG_RUST")
            .is_some_and(|v| v == "y");
        times.push((patch.name.clone(), t.elapsed(), rust));
    }
    println!();
    for (i, (name, time, rust)) in times.iter().enumerate() {
        println!(
            "{:>2} {:<28} {:>8}{}",
            i + 1,
            name,
            process::fmt_duration(*time),
            if *rust { "  (CONFIG_RUST=y)" } else { "" }
        );
    }
    step(format!(
        "all {} patches build on {} ({} in all)",
        times.len(),
        arch.name(),
        process::fmt_duration(start.elapsed())
    ));
    Ok(())
}
