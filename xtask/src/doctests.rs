//! The kernel crate's documentation examples, run at boot as the KUnit suite
//! `rust_doctests_kernel` (`CONFIG_RUST_KERNEL_DOCTESTS`).
//!
//! `count` checks that a boot ran every example the build generated, and
//! that there are many. `broken_example` tests the harness itself: it
//! breaks one example in the source, rebuilds, boots, and requires exactly
//! that example's case to fail, at the file and line of the broken
//! assertion, and the suite with it.

use crate::boot;
use crate::build::Kernel;
use crate::scenario::Scenario;
use crate::util::{self, note, step, Ctx, Outcome};
use anyhow::{bail, Context, Result};
use std::fs;
use std::path::{Path, PathBuf};

pub const SUITE: &str = "rust_doctests_kernel";

/// Fewer examples than this means the harness lost some.
const MIN_EXAMPLES: usize = 100;

/// The file whose first assertion in an example `broken_example` breaks.
const BROKEN_FILE: &str = "rust/kernel/str.rs";

/// The case names the build generated, from the suite's C file.
fn generated_cases(kernel: &Kernel) -> Result<Vec<String>> {
    let path = kernel.out.join("rust/doctests_kernel_generated_kunit.c");
    let text =
        fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(text
        .lines()
        .filter_map(|l| {
            let name = l.trim().strip_prefix("KUNIT_CASE(")?;
            Some(name.trim_end_matches([')', ',']).to_string())
        })
        .collect())
}

/// The results of the suite's cases among a boot's outcomes:
/// (case name, outcome).
fn case_results<'a>(outcomes: &'a [Outcome], id: &str) -> Vec<(&'a str, &'a Outcome)> {
    let prefix = format!("{id}.kunit.{SUITE}.");
    outcomes
        .iter()
        .filter_map(|o| Some((o.name.strip_prefix(&prefix)?, o)))
        .collect()
}

/// Every generated example ran in the boot of `scenario` (whose outcomes
/// are `outcomes`), and there are at least `MIN_EXAMPLES` of them.
pub fn count(kernel: &Kernel, scenario: &Scenario, outcomes: &[Outcome]) -> Outcome {
    let name = "all-ran";
    let result = generated_cases(kernel).and_then(|cases| {
        let ran = case_results(outcomes, &scenario.id());
        let missing: Vec<&String> = cases
            .iter()
            .filter(|c| !ran.iter().any(|(r, _)| r == c))
            .collect();
        let passed = ran.iter().filter(|(_, o)| o.passed()).count();
        note(format!(
            "{}: {} documentation examples generated, {} ran, {passed} passed",
            scenario.id(),
            cases.len(),
            ran.len()
        ));
        if !missing.is_empty() {
            bail!(
                "{} of {} examples did not run, e.g. {}",
                missing.len(),
                cases.len(),
                missing[0]
            );
        }
        if ran.len() != cases.len() {
            bail!("{} cases ran for {} examples", ran.len(), cases.len());
        }
        if cases.len() < MIN_EXAMPLES {
            bail!(
                "only {} examples, expected at least {MIN_EXAMPLES}",
                cases.len()
            );
        }
        Ok(())
    });
    Outcome::from_result(name, result)
}

/// Puts a file back as it was when dropped.
struct Restore {
    path: PathBuf,
    original: String,
}

impl Drop for Restore {
    fn drop(&mut self) {
        if let Err(e) = fs::write(&self.path, &self.original) {
            eprintln!("cannot restore {}: {e}", self.path.display());
        }
    }
}

/// Where an example is broken: the case that must fail and the line of the
/// failing assertion.
struct Breakage {
    case: String,
    line: usize,
}

/// Inserts a failing assertion before the first assertion of an example
/// in `text` (the contents of `BROKEN_FILE`).
fn break_example(text: &str) -> Result<(String, Breakage)> {
    let lines: Vec<&str> = text.lines().collect();
    // The opening fence of the example around line `i`, if it is one that
    // runs (not `no_run`, `ignore` or `compile_fail`).
    let runnable_fence = |i: usize| {
        let fence = lines[..i]
            .iter()
            .rposition(|l| l.trim_start().starts_with("/// ```"))?;
        matches!(lines[fence].trim(), "/// ```" | "/// ```rust").then_some(fence)
    };
    let (at, fence) = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("/// assert_eq!("))
        .find_map(|(i, _)| Some((i, runnable_fence(i)?)))
        .with_context(|| format!("no `/// assert_eq!(` in a running example of {BROKEN_FILE}"))?;
    let indent = &lines[at][..lines[at].len() - lines[at].trim_start().len()];
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    out.insert(
        at,
        format!("{indent}/// assert_eq!(1 + 1, 3, \"broken on purpose\");"),
    );
    let stem = Path::new(BROKEN_FILE)
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .replace('.', "_");
    Ok((
        out.join("\n") + "\n",
        Breakage {
            case: format!("rust_doctest_kernel_{stem}_{}", fence + 1),
            line: at + 1,
        },
    ))
}

/// Breaks one example of `kernel`'s tree, rebuilds `kernel` and boots
/// `scenario` on it: that example's case must fail with its file and line,
/// the suite must fail, and every other example must still pass. The
/// source is restored afterwards; the next build of this kernel rebuilds
/// it from the restored file.
pub fn broken_example(ctx: &Ctx, kernel: &Kernel, scenario: &Scenario) -> Vec<Outcome> {
    let prefix = format!("{}.doctests.broken-example", scenario.id());
    let outcomes = (|| -> Result<Vec<Outcome>> {
        let path = kernel.tree.join(BROKEN_FILE);
        let original = fs::read_to_string(&path)?;
        let (broken, breakage) = break_example(&original)?;
        let restore = Restore { path, original };
        fs::write(&restore.path, broken)?;
        step(format!(
            "breaking the example {} on purpose, at {BROKEN_FILE}:{}",
            breakage.case, breakage.line
        ));
        let log = ctx
            .logs()?
            .join(format!("build-{}-broken-example.log", kernel.name));
        util::run_logged(
            kernel.make(ctx)?.arg("-j2").arg(kernel.arch.image_target()),
            &log,
            "rebuild with a broken example",
        )?;
        let booted = boot::boot(ctx, kernel, scenario, boot::Show::Quiet)?.outcomes;
        drop(restore);
        Ok(judge(&prefix, &scenario.id(), &breakage, &booted))
    })();
    outcomes.unwrap_or_else(|e| vec![Outcome::fail("case-fails", format!("{e:#}"))])
}

/// What a boot with `breakage` must have shown.
fn judge(prefix: &str, id: &str, breakage: &Breakage, booted: &[Outcome]) -> Vec<Outcome> {
    let cases = case_results(booted, id);
    let suite = booted
        .iter()
        .find(|o| o.name == format!("{id}.kunit.{SUITE}"));
    let want = format!("ASSERTION FAILED at {BROKEN_FILE}:{}", breakage.line);
    let broken = cases.iter().find(|(c, _)| *c == breakage.case);
    let case = match broken {
        None => Outcome::fail(
            "case-fails",
            format!("no result for the case {}", breakage.case),
        ),
        Some((_, o)) if o.passed() => Outcome::fail(
            "case-fails",
            format!("{} passed although broken", breakage.case),
        ),
        Some((_, o)) if !o.detail.contains(&want) => Outcome::fail(
            "case-fails",
            format!("{} failed without `{want}`: {}", breakage.case, o.detail),
        ),
        Some(_) => Outcome::pass("case-fails"),
    };
    let suite = match suite {
        Some(o) if !o.passed() => Outcome::pass("suite-fails"),
        Some(_) => Outcome::fail("suite-fails", "the suite passed"),
        None => Outcome::fail("suite-fails", "the suite did not run"),
    };
    let others: Vec<&str> = cases
        .iter()
        .filter(|(c, o)| *c != breakage.case && !o.passed())
        .map(|(c, _)| *c)
        .collect();
    let others = if cases.len() < 2 {
        Outcome::fail("others-pass", "no other case ran")
    } else if others.is_empty() {
        Outcome::pass("others-pass")
    } else {
        Outcome::fail(
            "others-pass",
            format!("other cases failed too: {}", others.join(", ")),
        )
    };
    vec![case, suite, others]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_the_first_assertion_of_an_example() {
        let text = "//! Doc.\n\n/// Text.\n///\n/// ```\n/// let a = 1;\n/// assert_eq!(a, 1);\n/// ```\npub fn f() {}\n";
        let (broken, b) = break_example(text).unwrap();
        assert_eq!(b.case, "rust_doctest_kernel_str_rs_5");
        assert_eq!(b.line, 7);
        let lines: Vec<&str> = broken.lines().collect();
        assert_eq!(lines[6], "/// assert_eq!(1 + 1, 3, \"broken on purpose\");");
        assert_eq!(lines[7], "/// assert_eq!(a, 1);");
    }

    #[test]
    fn skips_examples_that_do_not_run() {
        let text = "/// ```no_run\n/// assert_eq!(f(), 1);\n/// ```\n///\n/// ```\n/// assert_eq!(g(), 2);\n/// ```\n";
        let (_, b) = break_example(text).unwrap();
        assert_eq!(b.case, "rust_doctest_kernel_str_rs_5");
        assert_eq!(b.line, 6);
    }

    #[test]
    fn judges_a_boot() {
        let b = Breakage {
            case: "rust_doctest_kernel_str_rs_5".into(),
            line: 7,
        };
        let id = "x86_64.rust-builtin";
        let case = |n: &str, ok: bool, detail: &str| {
            let name = format!("{id}.kunit.{SUITE}.{n}");
            if ok {
                Outcome::pass(name)
            } else {
                Outcome::fail(name, detail)
            }
        };
        let good = vec![
            case(
                "rust_doctest_kernel_str_rs_5",
                false,
                "# rust_doctest_kernel_str_rs_5: ASSERTION FAILED at rust/kernel/str.rs:7",
            ),
            case("rust_doctest_kernel_str_rs_20", true, ""),
            Outcome::fail(format!("{id}.kunit.{SUITE}"), ""),
        ];
        assert!(judge("p", id, &b, &good).iter().all(|o| o.passed()));
        let mut wrong_line = good.clone();
        wrong_line[0] = case(
            "rust_doctest_kernel_str_rs_5",
            false,
            "ASSERTION FAILED at rust/kernel/str.rs:8",
        );
        assert!(!judge("p", id, &b, &wrong_line)[0].passed());
        let mut all_pass = good.clone();
        all_pass[0] = case("rust_doctest_kernel_str_rs_5", true, "");
        all_pass[2] = Outcome::pass(format!("{id}.kunit.{SUITE}"));
        let j = judge("p", id, &b, &all_pass);
        assert!(!j[0].passed() && !j[1].passed());
    }
}
