//! Tests of the Rust developer targets on a built tree: `make rustfmtcheck`
//! finds the sources formatted, `make rustdoc` writes HTML for the crates,
//! and a `CLIPPY=1` build of the Rust code gives no warning.

use crate::build::{self, Kernel};
use crate::util::{self, Ctx, Outcome};
use anyhow::{bail, Result};
use std::path::Path;

fn make(ctx: &Ctx, tree: &Path, kernel: &Kernel, args: &[&str], log: &str) -> Result<String> {
    let path = ctx.logs()?.join(format!("{log}-{}.log", kernel.name));
    util::run_logged(
        build::make(ctx, tree, &kernel.out, kernel.arch)?.args(args),
        &path,
        log,
    )?;
    Ok(std::fs::read_to_string(path)?)
}

/// Runs the checks on `kernel`, a build with `CONFIG_RUST=y`.
pub fn check(ctx: &Ctx, tree: &Path, kernel: &Kernel) -> Vec<Outcome> {
    let jobs = format!(
        "-j{}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    );
    let rustfmt = make(ctx, tree, kernel, &["rustfmtcheck"], "rustfmtcheck").map(|_| ());
    let rustdoc = make(ctx, tree, kernel, &["rustdoc"], "rustdoc").and_then(|_| {
        let docs = kernel.out.join("Documentation/output/rust/rustdoc");
        for krate in ["kernel", "macros"] {
            if !docs.join(krate).join("index.html").is_file() {
                bail!("no {krate}/index.html in {}", docs.display());
            }
        }
        Ok(())
    });
    let clippy = make(
        ctx,
        tree,
        kernel,
        &[&jobs, "CLIPPY=1", kernel.arch.image_target()],
        "clippy",
    )
    .and_then(|log| {
        let lints: Vec<&str> = log
            .lines()
            .filter(|l| l.starts_with("warning") || l.starts_with("error"))
            .collect();
        if log.lines().all(|l| !l.contains("CLIPPY")) {
            bail!("CLIPPY=1 ran clippy on nothing");
        }
        if !lints.is_empty() {
            bail!("clippy reported:\n{}", lints.join("\n"));
        }
        Ok(())
    });
    vec![
        Outcome::from_result(&format!("rust-tools.{}.rustfmtcheck", kernel.name), rustfmt),
        Outcome::from_result(&format!("rust-tools.{}.rustdoc", kernel.name), rustdoc),
        Outcome::from_result(&format!("rust-tools.{}.clippy", kernel.name), clippy),
    ]
}
