//! Code that must not compile: the proof that a type-level soundness hole
//! of the kernel crate is closed. Each case is a small out-of-tree module,
//! `tests/compile-fail/NAME.rs`, with one line ending in
//! `// must-not-compile: EXXXX`. Built against the kernel it must fail with
//! rustc's error EXXXX; built again without that line it must build, so
//! the case fails for the reason it states and not for another one.

use crate::kernel::build::{try_module_source, Kernel};
use crate::leaf::ctx::Ctx;
use crate::leaf::outcome::Outcome;
use anyhow::{bail, Context, Result};
use std::fs;

/// The cases, by file name (a unit test holds this to the directory).
pub const CASES: [&str; 3] = [
    // `pr_*!` arguments are not evaluated inside the macro's `unsafe`.
    "pr-arg-unsafe",
    // Nor is the `permissions` expression of a `module!` parameter.
    "module-param-permissions-unsafe",
    // A module, made on one task and dropped on another, is `Send`.
    "module-not-send",
];

const MARK: &str = "// must-not-compile: ";

/// The case's source split at its marked line: (the error code, the
/// source without that line).
fn split(source: &str) -> Result<(String, String)> {
    let marked: Vec<(usize, &str)> = source
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(MARK))
        .collect();
    let [(at, line)] = marked.as_slice() else {
        bail!("{} lines carry `{MARK}EXXXX`, not one", marked.len());
    };
    let code = line.split(MARK).nth(1).unwrap_or_default().trim();
    let digits = code.strip_prefix('E').unwrap_or_default();
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        bail!("`{code}` is not a rustc error code (EXXXX)");
    }
    let without: Vec<&str> = source
        .lines()
        .enumerate()
        .filter(|(i, _)| i != at)
        .map(|(_, l)| l)
        .collect();
    Ok((code.to_string(), without.join("\n") + "\n"))
}

/// Whether rustc's output reports `error[CODE]`.
fn reports(log: &str, code: &str) -> bool {
    log.contains(&format!("error[{code}]"))
}

/// rustc's error lines in a build's output (`error[E0133]: ...`, and
/// `error: ...`; `process::first_error` looks for make's failures instead).
fn rustc_errors(log: &str) -> String {
    let errors: Vec<&str> = log.lines().filter(|l| l.starts_with("error")).collect();
    errors.join("\n")
}

fn case(ctx: &Ctx, kernel: &Kernel, name: &str) -> Result<()> {
    let path = ctx
        .root
        .join("tests/compile-fail")
        .join(format!("{name}.rs"));
    let source =
        fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let (code, without) = split(&source)?;
    let (built, log) = try_module_source(ctx, kernel, name, &source)?;
    if built {
        bail!("it compiled: the hole it proves closed is open");
    }
    if !reports(&log, &code) {
        bail!(
            "it failed, but not with error[{code}]:\n{}",
            rustc_errors(&log)
        );
    }
    let (built, log) = try_module_source(ctx, kernel, &format!("{name}-without"), &without)?;
    if !built {
        bail!(
            "without its marked line it does not compile either, so it proves nothing:\n{}",
            rustc_errors(&log)
        );
    }
    Ok(())
}

/// One outcome per case, named after it.
pub fn check(ctx: &Ctx, kernel: &Kernel) -> Vec<Outcome> {
    CASES
        .iter()
        .map(|name| Outcome::from_result(name, case(ctx, kernel, name)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_a_case_at_its_marked_line() {
        let src = "fn f() {\n    let x = *p; // must-not-compile: E0133\n}\n";
        let (code, without) = split(src).unwrap();
        assert_eq!(code, "E0133");
        assert_eq!(without, "fn f() {\n}\n");
        assert!(split("fn f() {}\n").is_err());
        assert!(split("a // must-not-compile: E1\n").is_err());
        assert!(split("a // must-not-compile: E0001\nb // must-not-compile: E0002\n").is_err());
        assert!(reports("error[E0133]: dereference of raw pointer", "E0133"));
        assert!(!reports("error[E0277]: x", "E0133"));
    }

    #[test]
    fn the_cases_are_the_files() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap()
            .join("tests/compile-fail");
        let mut files: Vec<String> = fs::read_dir(&dir)
            .map(|d| {
                d.filter_map(|e| {
                    let name = e.ok()?.file_name().to_string_lossy().into_owned();
                    Some(name.strip_suffix(".rs")?.to_string())
                })
                .collect()
            })
            .unwrap_or_default();
        files.sort();
        let mut cases: Vec<String> = CASES.iter().map(|c| c.to_string()).collect();
        cases.sort();
        assert_eq!(files, cases);
    }
}
