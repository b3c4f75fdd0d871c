//! `cargo xtask`: the tool that turns this repository into a patch series
//! against Linux 5.10, builds kernels from it and tests them in QEMU.
//!
//! Every command lives in its own module under `commands`, on top of the
//! layers below it (see `leaf`).

mod args;
mod checks;
mod commands;
mod guest;
mod host;
mod kernel;
mod leaf;
mod source;
mod tree;

use anyhow::Result;
use args::Args;
use checks::doctests;
use leaf::ctx::Ctx;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  setup                      install what the project needs (Debian packages,
                             pristine base, static busybox); run by the others
  series [--out DIR]         export the series with git format-patch, prove that
                             it git-am's back to the same tree, run checkpatch
  series --check-each [--arch A]
                             build the tree after each patch (default arm64)
  tree [--force]             materialise the patched tree in build/tree
  sync                       bring commits made in build/tree back into linux/,
                             diffs/ and series.toml
  build --arch A [--config FRAGMENT]... [--rustc minimum] [--pristine]
                             build a kernel (A: arm64 or x86_64) from allnoconfig
                             plus tests/configs fragments (names or paths), with
                             the oldest supported rustc, or from pristine 5.10.223
  boot --scenario NAME [--verbose]
                             boot a scenario of tests/scenarios.toml in QEMU
  run                        build the arm64 kernel, boot it and show the PL061
                             GPIO driver at work
  test                       everything; the last line is `N passed, N failed`
  bench [--arch A]           report what CONFIG_RUST=y with no Rust user adds to
                             a clean build's time and to vmlinux's size

environment:
  LINUX_BASE=PATH            a 5.10.y tarball or git tree to use as the base
                             instead of the pristine 5.10.223 download
  XTASK_CACHE=DIR            where downloads and the base repository are cached
                             (default: $XDG_CACHE_HOME/linux-rust-5.10)
";

fn main() {
    if let Err(err) = Ctx::new().and_then(|ctx| doctests::restore_leftover(&ctx)) {
        eprintln!("xtask: error: {err:#}");
        std::process::exit(1);
    }
    let mut args = Args::from_env();
    let command = args.command();
    let result = match command.as_deref() {
        Some("setup") => Ctx::new().and_then(|ctx| commands::setup::command(&ctx, &mut args)),
        Some("series") => Ctx::new().and_then(|ctx| commands::series::command(&ctx, &mut args)),
        Some("tree") => Ctx::new().and_then(|ctx| commands::tree::command(&ctx, &mut args)),
        Some("sync") => Ctx::new().and_then(|ctx| commands::sync::command(&ctx, &mut args)),
        Some("build") => Ctx::new().and_then(|ctx| commands::build::command(&ctx, &mut args)),
        Some("boot") => Ctx::new().and_then(|ctx| commands::boot::command(&ctx, &mut args)),
        Some("run") => Ctx::new().and_then(|ctx| commands::run::command(&ctx, &mut args)),
        Some("test") => Ctx::new().and_then(|ctx| commands::test::command(&ctx, &mut args)),
        Some("bench") => Ctx::new().and_then(|ctx| commands::bench::command(&ctx, &mut args)),
        Some("help") | None => {
            print!("{USAGE}");
            return;
        }
        Some(other) => Err(anyhow::anyhow!(
            "unknown command `{other}` (see `cargo xtask help`)"
        )),
    };
    if let Err(err) = result {
        eprintln!("xtask: error: {err:#}");
        std::process::exit(1);
    }
}

/// Result type of every command.
pub type CmdResult = Result<()>;
