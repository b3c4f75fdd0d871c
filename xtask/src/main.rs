//! `cargo xtask`: the tool that turns this repository into a patch series
//! against Linux 5.10, builds kernels from it and tests them in QEMU.
//!
//! Every command lives in its own module under `commands`, on top of the
//! layers below it, lowest first: `leaf`, `host`, `source`, `tree`,
//! `kernel`, `guest`, `checks` (see `leaf` for what each holds). This file
//! declares them, reads the command line and hands it to the command.

mod checks;
mod commands;
mod guest;
mod host;
mod kernel;
mod layers;
mod leaf;
mod source;
mod tree;

use checks::doctests;
use clap::{CommandFactory, Parser, Subcommand};
use leaf::ctx::Ctx;

/// The `--help` text after the commands and options.
const ENVIRONMENT: &str = "\
Environment:
  LINUX_BASE=PATH  a 5.10.y tarball or git tree to use as the base instead of
                   the pristine 5.10.223 download
  XTASK_CACHE=DIR  where downloads and the base repository are cached
                   (default: $XDG_CACHE_HOME/linux-rust-5.10)";

/// Builds, exports and tests the Rust-for-Linux 5.10 patch series.
#[derive(Parser, Debug)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", after_help = ENVIRONMENT)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Install what the project needs (Debian packages, pristine base,
    /// static busybox); run by the others
    Setup,
    /// Export the series with git format-patch, prove that it git-am's back
    /// to the same tree, run checkpatch; with --check-each, build the tree
    /// after each patch
    Series(commands::series::Options),
    /// Materialise the patched tree in build/tree
    Tree(commands::tree::Options),
    /// Bring commits made in build/tree back into linux/, diffs/ and
    /// series.toml
    Sync,
    /// Build a kernel from allnoconfig plus tests/configs fragments, with
    /// the current or the oldest supported rustc, or from pristine 5.10.223
    Build(commands::build::Options),
    /// Boot a scenario of tests/scenarios.toml in QEMU
    Boot(commands::boot::Options),
    /// Build the arm64 kernel, boot it and show the PL061 GPIO driver at
    /// work
    Run,
    /// Everything; the last line is `N passed, N failed, N skipped`
    Test(commands::test::Options),
    /// Run the bench scenarios (metrics and ratios under -icount), then
    /// report what CONFIG_RUST=y with no Rust user adds to a clean build's
    /// time and to vmlinux's size
    Bench(commands::bench::Options),
}

/// Runs `command`.
fn dispatch(ctx: &Ctx, command: &Command) -> anyhow::Result<()> {
    match command {
        Command::Setup => commands::setup::command(ctx),
        Command::Series(options) => commands::series::command(ctx, options),
        Command::Tree(options) => commands::tree::command(ctx, options),
        Command::Sync => commands::sync::command(ctx),
        Command::Build(options) => commands::build::command(ctx, options),
        Command::Boot(options) => commands::boot::command(ctx, options),
        Command::Run => commands::run::command(ctx),
        Command::Test(options) => commands::test::command(ctx, options),
        Command::Bench(options) => commands::bench::command(ctx, options),
    }
}

fn main() {
    if let Err(err) = Ctx::new().and_then(|ctx| doctests::restore_leftover(&ctx)) {
        eprintln!("xtask: error: {err:#}");
        std::process::exit(1);
    }
    let Some(command) = Cli::parse().command else {
        // `cargo xtask` alone: the same as `cargo xtask help`.
        let _ = Cli::command().print_help();
        return;
    };
    if let Err(err) = Ctx::new().and_then(|ctx| dispatch(&ctx, &command)) {
        eprintln!("xtask: error: {err:#}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leaf::arch::{Arch, Rustc};

    fn parse(line: &str) -> Result<Command, clap::Error> {
        let args = std::iter::once("xtask").chain(line.split_whitespace());
        Ok(Cli::try_parse_from(args)?.command.expect("a command"))
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_command_flags_and_values() {
        let Command::Build(b) =
            parse("build --arch arm64 --config=gpio --config pl061-c --pristine").unwrap()
        else {
            panic!("not build");
        };
        assert_eq!(b.arch, Arch::Arm64);
        assert_eq!(b.configs, ["gpio", "pl061-c"]);
        assert_eq!(b.rustc, Rustc::Current);
        assert!(b.pristine);
        let Command::Build(b) = parse("build --arch=amd64 --rustc minimum").unwrap() else {
            panic!("not build");
        };
        assert_eq!((b.arch, b.rustc), (Arch::X86_64, Rustc::Minimum));
        let Command::Boot(b) = parse("boot --scenario pl061-c --verbose").unwrap() else {
            panic!("not boot");
        };
        assert_eq!(
            (b.scenario.as_str(), b.arch, b.verbose),
            ("pl061-c", None, true)
        );
        let Command::Series(s) = parse("series --check-each --arch x86_64").unwrap() else {
            panic!("not series");
        };
        assert!(s.check_each && s.arch == Some(Arch::X86_64) && s.out.is_none());
        let Command::Test(t) = parse("test --filter arm64.* --list").unwrap() else {
            panic!("not test");
        };
        assert_eq!((t.filter.as_deref(), t.list), (Some("arm64.*"), true));
        let Command::Bench(b) = parse("bench --arch x86_64 --scenarios-only").unwrap() else {
            panic!("not bench");
        };
        assert!(b.arch == Some(Arch::X86_64) && b.scenarios_only);
        for line in [
            "setup",
            "series --out /tmp/s",
            "tree --force",
            "sync",
            "run",
        ] {
            parse(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        }
    }

    #[test]
    fn rejects_leftovers_and_missing_values() {
        for line in [
            "boot --scenario",
            "boot",
            "tree --frobnicate",
            "build --arch arm64 --arch x86_64",
            "build --arch sparc",
            "build --config gpio",
            "build --arch arm64 --rustc newest",
            "series --arch arm64",
            "sync extra",
            "frobnicate",
        ] {
            assert!(parse(line).is_err(), "`{line}` parsed");
        }
    }

    #[test]
    fn help_names_every_command_and_the_environment() {
        let help = Cli::command().render_long_help().to_string();
        for word in [
            "setup",
            "series",
            "tree",
            "sync",
            "build",
            "boot",
            "run",
            "test",
            "bench",
            "help",
            "LINUX_BASE",
            "XTASK_CACHE",
        ] {
            assert!(help.contains(word), "{word} is not in:\n{help}");
        }
    }
}
