//! The kernel crate's documentation examples, run at boot as the KUnit suite
//! `rust_doctests_kernel` (`CONFIG_RUST_KERNEL_DOCTESTS`).
//!
//! `count` checks that a boot ran every example the build generated, and
//! that there are many. `broken_example` tests the harness itself: it
//! breaks one example in the source, rebuilds, boots, and requires exactly
//! that example's case to fail, at the file and line of the broken
//! assertion, and the suite with it, while every other example still runs
//! and passes and the boot ends well.
//!
//! The broken source must never outlive the check: it is restored when
//! the check ends however it ends, on Ctrl-C (a SIGINT handler), and, for
//! a run killed outright, by the next run (`restore_leftover`, from a copy
//! saved in `build/broken-example.orig` before the file was broken).

use crate::guest::boot;
use crate::guest::scenario::Scenario;
use crate::kernel::build::Kernel;
use crate::leaf::ctx::Ctx;
use crate::leaf::outcome::Outcome;
use crate::leaf::process::{self, note, step};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once, PoisonError};

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

/// The outcomes of `broken_example`, as the check `broken-example`
/// declares them (a unit test holds the two together).
pub const BROKEN_OUTCOMES: [&str; 6] = [
    "boot",
    "kernel-log-clean",
    "case-fails",
    "suite-fails",
    "others-pass",
    "all-ran",
];

/// The file `broken_example` has broken, while it is broken. A `Drop`
/// guard does not run when Ctrl-C kills the process, so the SIGINT handler
/// finds here what to put back. It is taken, and the file written, under
/// the lock, so the handler never exits while the file is half written.
static BROKEN: Mutex<Option<Broken>> = Mutex::new(None);

/// A broken file and what puts it back.
struct Broken {
    path: PathBuf,
    original: String,
    /// The side file holding the same (see `Leftover`).
    side: PathBuf,
}

impl Broken {
    /// Writes the original back, then drops the side file (kept if the
    /// write failed, for `restore_leftover` to try again).
    fn restore(&self) -> Result<()> {
        fs::write(&self.path, &self.original)
            .with_context(|| format!("cannot restore {}", self.path.display()))?;
        remove_if_there(&self.side)
    }
}

/// What `broken_example` writes to `build/broken-example.orig` before it
/// breaks the file, so that a run killed outright (SIGKILL, a machine
/// that stopped), which no handler sees, is repaired by the next run.
#[derive(Serialize, Deserialize)]
struct Leftover {
    path: PathBuf,
    original: String,
}

fn leftover_path(ctx: &Ctx) -> PathBuf {
    ctx.build.join("broken-example.orig")
}

fn remove_if_there(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// Puts back whatever `broken_example` has broken now, if anything.
fn restore_now() -> Result<()> {
    let mut broken = BROKEN.lock().unwrap_or_else(PoisonError::into_inner);
    let result = broken.as_ref().map_or(Ok(()), Broken::restore);
    *broken = None;
    result
}

/// Restores the broken file when dropped: on every way out of
/// `broken_example` but an interrupt (see `catch_interrupt`) or a kill
/// (see `restore_leftover`).
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        if let Err(e) = restore_now() {
            eprintln!("{e:#}");
        }
    }
}

/// From now on, Ctrl-C restores the broken file, if there is one, and
/// exits with 130 as an interrupted program does. Installed once for the
/// process, since there can be only one handler.
fn catch_interrupt(side: &Path) {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let installed = ctrlc::set_handler(|| {
            let path = (BROKEN.lock().unwrap_or_else(PoisonError::into_inner).as_ref())
                .map(|b| b.path.clone());
            match (restore_now(), path) {
                (Err(e), _) => eprintln!("\ninterrupted: {e:#}"),
                (Ok(()), Some(path)) => eprintln!("\ninterrupted: restored {}", path.display()),
                (Ok(()), None) => {}
            }
            std::process::exit(130);
        });
        if let Err(e) = installed {
            note(format!(
                "cannot catch Ctrl-C ({e}): if interrupted, the next run restores {BROKEN_FILE} from {}",
                side.display()
            ));
        }
    });
}

/// Writes `broken` over `path` (whose content is `original`), saving the
/// original in the side file first; the file is put back when the
/// returned guard is dropped, on Ctrl-C, or by the next run's
/// `restore_leftover`.
fn break_file(ctx: &Ctx, path: &Path, original: &str, broken: &str) -> Result<Restore> {
    let side = leftover_path(ctx);
    catch_interrupt(&side);
    let record = serde_json::to_string(&Leftover {
        path: path.to_path_buf(),
        original: original.to_string(),
    })?;
    // Whole or not at all: a torn side file would be worse than none.
    let tmp = side.with_extension("tmp");
    fs::write(&tmp, record).with_context(|| format!("cannot write {}", tmp.display()))?;
    fs::rename(&tmp, &side).with_context(|| format!("cannot write {}", side.display()))?;
    let mut slot = BROKEN.lock().unwrap_or_else(PoisonError::into_inner);
    *slot = Some(Broken {
        path: path.to_path_buf(),
        original: original.to_string(),
        side,
    });
    let written = fs::write(path, broken);
    drop(slot);
    let restore = Restore;
    written.with_context(|| format!("cannot write {}", path.display()))?;
    Ok(restore)
}

/// Puts back the file a killed run of `broken_example` left broken (it
/// finds it in `build/broken-example.orig`); does nothing when there is
/// no such leftover. Call it before anything builds or syncs the tree,
/// which would otherwise take the broken example for an edit.
///
/// It only writes over the file if it is exactly as `broken_example`
/// left it (or already restored); a file changed since is left alone and
/// this fails, saying where the original is, rather than losing an edit.
pub fn restore_leftover(ctx: &Ctx) -> Result<()> {
    let side = leftover_path(ctx);
    let text = match fs::read_to_string(&side) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", side.display())),
    };
    let left: Leftover = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a record of a broken file", side.display()))?;
    match fs::read_to_string(&left.path).ok() {
        Some(now) if now == left.original => {}
        Some(now) if break_example(&left.original).is_ok_and(|(broken, _)| broken == now) => {
            fs::write(&left.path, &left.original)
                .with_context(|| format!("cannot restore {}", left.path.display()))?;
            step(format!(
                "restored {}, which an interrupted run had broken on purpose",
                left.path.display()
            ));
        }
        // The tree is gone (or was made anew): nothing to put back.
        None => {}
        Some(_) => bail!(
            "{} was broken on purpose by an interrupted run and has changed since; \
             its original content is in {} (JSON, `original`): put back what you \
             want, then delete that file",
            left.path.display(),
            side.display()
        ),
    }
    remove_if_there(&side)
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
/// the suite must fail, every other example must still run and pass, and
/// the boot itself must end well with a clean kernel log (a broken example
/// that panicked or hung the kernel is no harness test). The source is
/// restored as soon as the rebuild is over (the boot does not need it);
/// the next build of this kernel rebuilds it from the restored file.
///
/// The boot is the scenario's under another name, `NAME-broken-example`,
/// so that its console log does not overwrite the real boot's.
pub fn broken_example(ctx: &Ctx, kernel: &Kernel, scenario: &Scenario) -> Vec<Outcome> {
    let outcomes = (|| -> Result<Vec<Outcome>> {
        let path = kernel.tree.join(BROKEN_FILE);
        let original =
            fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let (broken, breakage) = break_example(&original)?;
        let restore = break_file(ctx, &path, &original, &broken)?;
        step(format!(
            "breaking the example {} on purpose, at {BROKEN_FILE}:{}",
            breakage.case, breakage.line
        ));
        let log = ctx
            .logs()?
            .join(format!("build-{}-broken-example.log", kernel.name));
        process::run_logged(
            kernel.make(ctx)?.arg("-j2").arg(kernel.arch.image_target()),
            &log,
            "rebuild with a broken example",
        )?;
        drop(restore);
        // The cases of the broken build: the inserted line moved the
        // examples below it, and so their names.
        let generated = generated_cases(kernel)?;
        let mut broken_run = scenario.clone();
        broken_run.name = format!("{}-broken-example", scenario.name);
        let booted = boot::boot(ctx, kernel, &broken_run, boot::Show::Quiet)?.outcomes;
        Ok(judge(&broken_run.id(), &breakage, &generated, &booted))
    })();
    outcomes.unwrap_or_else(|e| {
        let why = format!("{e:#}");
        BROKEN_OUTCOMES
            .iter()
            .map(|name| Outcome::fail(*name, why.clone()))
            .collect()
    })
}

/// Whether `text` reports `want` (`ASSERTION FAILED at FILE:LINE`) for
/// that very line: the number must end there, so that `:7` is not taken
/// for `:70`.
fn reports_location(text: &str, want: &str) -> bool {
    text.match_indices(want)
        .any(|(i, m)| !text[i + m.len()..].starts_with(|c: char| c.is_ascii_digit()))
}

/// What a boot (called `id`, with outcomes `booted`) of a kernel built
/// with `breakage`, whose build generated the cases `generated`, must
/// have shown: the outcomes named in `BROKEN_OUTCOMES`.
fn judge(id: &str, breakage: &Breakage, generated: &[String], booted: &[Outcome]) -> Vec<Outcome> {
    // The boot's own two, under their short names.
    let own = |name: &str| match booted.iter().find(|o| o.name == format!("{id}.{name}")) {
        Some(o) => Outcome::new(name, o.status, o.detail.clone()),
        None => Outcome::fail(name, format!("the boot reported no {id}.{name}")),
    };
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
        Some((_, o)) if !reports_location(&o.detail, &want) => Outcome::fail(
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
    let other_cases: Vec<&str> = generated
        .iter()
        .map(String::as_str)
        .filter(|g| *g != breakage.case)
        .collect();
    let missing: Vec<&str> = other_cases
        .iter()
        .copied()
        .filter(|g| !cases.iter().any(|(c, _)| c == g))
        .collect();
    let all_ran = if other_cases.is_empty() {
        Outcome::fail("all-ran", "the broken build generated no other case")
    } else if missing.is_empty() {
        Outcome::pass("all-ran")
    } else {
        Outcome::fail(
            "all-ran",
            format!(
                "{} of the {} other generated cases did not run, e.g. {}",
                missing.len(),
                other_cases.len(),
                missing[..missing.len().min(5)].join(", ")
            ),
        )
    };
    vec![
        own("boot"),
        own("kernel-log-clean"),
        case,
        suite,
        others,
        all_ran,
    ]
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

    const ID: &str = "x86_64.rust-builtin-broken-example";

    fn breakage() -> Breakage {
        Breakage {
            case: "rust_doctest_kernel_str_rs_5".into(),
            line: 7,
        }
    }

    fn case(n: &str, ok: bool, detail: &str) -> Outcome {
        let name = format!("{ID}.kunit.{SUITE}.{n}");
        if ok {
            Outcome::pass(name)
        } else {
            Outcome::fail(name, detail)
        }
    }

    fn generated() -> Vec<String> {
        [
            "rust_doctest_kernel_str_rs_5",
            "rust_doctest_kernel_str_rs_20",
            "rust_doctest_kernel_str_rs_40",
        ]
        .map(String::from)
        .to_vec()
    }

    /// A boot that showed what a boot with `breakage()` must show.
    fn good() -> Vec<Outcome> {
        vec![
            case(
                "rust_doctest_kernel_str_rs_5",
                false,
                "# rust_doctest_kernel_str_rs_5: ASSERTION FAILED at rust/kernel/str.rs:7\n",
            ),
            case("rust_doctest_kernel_str_rs_20", true, ""),
            case("rust_doctest_kernel_str_rs_40", true, ""),
            Outcome::fail(format!("{ID}.kunit.{SUITE}"), ""),
            Outcome::pass(format!("{ID}.boot")),
            Outcome::pass(format!("{ID}.kernel-log-clean")),
        ]
    }

    fn judged(booted: &[Outcome]) -> Vec<Outcome> {
        judge(ID, &breakage(), &generated(), booted)
    }

    fn outcome<'a>(out: &'a [Outcome], name: &str) -> &'a Outcome {
        out.iter()
            .find(|o| o.name == name)
            .unwrap_or_else(|| panic!("no {name} in {out:?}"))
    }

    #[test]
    fn judges_a_good_boot_with_every_declared_outcome() {
        let out = judged(&good());
        assert!(out.iter().all(|o| o.passed()), "{out:?}");
        let names: Vec<&str> = out.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, BROKEN_OUTCOMES);
        let declared = crate::checks::registry::find("broken-example")
            .unwrap()
            .outcomes;
        assert_eq!(declared, BROKEN_OUTCOMES);
    }

    #[test]
    fn the_line_must_match_exactly() {
        for (detail, right) in [
            ("ASSERTION FAILED at rust/kernel/str.rs:7", true),
            ("ASSERTION FAILED at rust/kernel/str.rs:7\nExpected 2 == 3", true),
            ("ASSERTION FAILED at rust/kernel/str.rs:70", false),
            ("ASSERTION FAILED at rust/kernel/str.rs:8", false),
            ("ASSERTION FAILED at rust/kernel/str.rs:78 then rust/kernel/str.rs:7", false),
            ("ASSERTION FAILED at rust/kernel/str.rs:70; ASSERTION FAILED at rust/kernel/str.rs:7.", true),
            ("ASSERTION FAILED at rust/kernel/sync.rs:7", false),
        ] {
            let mut booted = good();
            booted[0] = case("rust_doctest_kernel_str_rs_5", false, detail);
            let out = judged(&booted);
            assert_eq!(outcome(&out, "case-fails").passed(), right, "{detail}: {out:?}");
        }
    }

    #[test]
    fn a_broken_case_that_passed_or_is_missing_fails() {
        let mut passed = good();
        passed[0] = case("rust_doctest_kernel_str_rs_5", true, "");
        passed[3] = Outcome::pass(format!("{ID}.kunit.{SUITE}"));
        let out = judged(&passed);
        assert!(outcome(&out, "case-fails")
            .detail
            .contains("passed although broken"));
        assert!(outcome(&out, "suite-fails").failed());
        let mut missing = good();
        missing.remove(0);
        let out = judged(&missing);
        assert!(outcome(&out, "case-fails").detail.contains("no result"));
        // The broken case is case-fails' business, not all-ran's.
        assert!(outcome(&out, "all-ran").passed(), "{out:?}");
    }

    #[test]
    fn another_case_that_did_not_run_or_failed_fails() {
        let mut missing = good();
        missing.remove(2);
        let out = judged(&missing);
        let all_ran = outcome(&out, "all-ran");
        assert!(
            all_ran.failed() && all_ran.detail.contains("rust_doctest_kernel_str_rs_40"),
            "{all_ran:?}"
        );
        assert!(
            all_ran.detail.starts_with("1 of the 2 other"),
            "{all_ran:?}"
        );
        assert!(outcome(&out, "others-pass").passed());
        let mut failed = good();
        failed[1] = case("rust_doctest_kernel_str_rs_20", false, "oops");
        let out = judged(&failed);
        assert!(outcome(&out, "others-pass")
            .detail
            .contains("rust_doctest_kernel_str_rs_20"));
        assert!(outcome(&out, "all-ran").passed());
        let out = judge(ID, &breakage(), &generated()[..1], &good());
        assert!(outcome(&out, "all-ran").failed());
    }

    #[test]
    fn a_boot_that_went_wrong_is_reported() {
        let mut booted = good();
        booted[4] = Outcome::fail(
            format!("{ID}.boot"),
            "kernel panic: Kernel panic - not syncing",
        );
        booted[5] = Outcome::fail(format!("{ID}.kernel-log-clean"), "BUG: unable to handle");
        let out = judged(&booted);
        assert!(outcome(&out, "boot").detail.contains("kernel panic"));
        assert!(outcome(&out, "kernel-log-clean").detail.contains("BUG: "));
        let out = judged(&booted[..4]);
        assert!(outcome(&out, "boot").failed() && outcome(&out, "kernel-log-clean").failed());
        // A hung boot that never got to the suite.
        let out = judged(&[Outcome::fail(format!("{ID}.boot"), "timed out after 500 s")]);
        assert!(out.iter().all(|o| o.failed()), "{out:?}");
        assert_eq!(out.len(), BROKEN_OUTCOMES.len());
    }

    /// A `Ctx` whose build directory is a fresh temporary one.
    fn scratch(name: &str) -> (Ctx, PathBuf) {
        let dir =
            std::env::temp_dir().join(format!("xtask-doctests-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("build")).unwrap();
        let ctx = Ctx {
            root: dir.clone(),
            build: dir.join("build"),
            cache: dir.join("cache"),
        };
        (ctx, dir)
    }

    const SOURCE: &str = "/// ```\n/// assert_eq!(f(), 1);\n/// ```\npub fn f() -> i32 { 1 }\n";

    #[test]
    fn the_file_is_restored_when_the_check_ends_and_leaves_no_leftover() {
        let (ctx, dir) = scratch("guard");
        let path = dir.join("str.rs");
        fs::write(&path, SOURCE).unwrap();
        let (broken, _) = break_example(SOURCE).unwrap();
        let guard = break_file(&ctx, &path, SOURCE, &broken).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), broken);
        let left: Leftover =
            serde_json::from_str(&fs::read_to_string(leftover_path(&ctx)).unwrap()).unwrap();
        assert_eq!(
            (left.path.as_path(), left.original.as_str()),
            (path.as_path(), SOURCE)
        );
        drop(guard);
        assert_eq!(fs::read_to_string(&path).unwrap(), SOURCE);
        assert!(!leftover_path(&ctx).exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_killed_run_s_leftover_is_restored() {
        let (ctx, dir) = scratch("leftover");
        let path = dir.join("str.rs");
        let (broken, _) = break_example(SOURCE).unwrap();
        let record = |original: &str| {
            let left = Leftover {
                path: path.clone(),
                original: original.into(),
            };
            fs::write(leftover_path(&ctx), serde_json::to_string(&left).unwrap()).unwrap();
        };
        // Nothing left over: nothing to do.
        restore_leftover(&ctx).unwrap();
        // Killed while broken.
        fs::write(&path, &broken).unwrap();
        record(SOURCE);
        restore_leftover(&ctx).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), SOURCE);
        assert!(!leftover_path(&ctx).exists());
        // Killed after breaking was recorded but before it was done.
        record(SOURCE);
        restore_leftover(&ctx).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), SOURCE);
        assert!(!leftover_path(&ctx).exists());
        // Changed since: left alone, and said so.
        let edited = format!("{broken}// an edit\n");
        fs::write(&path, &edited).unwrap();
        record(SOURCE);
        let err = format!("{:#}", restore_leftover(&ctx).unwrap_err());
        assert!(err.contains("has changed since"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), edited);
        assert!(leftover_path(&ctx).exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    /// Run by `ctrl_c_restores_the_file_and_exits_130` in a process of its
    /// own: breaks the file and waits to be interrupted.
    #[test]
    #[ignore = "run by ctrl_c_restores_the_file_and_exits_130"]
    fn breaks_a_file_and_waits() {
        let dir = PathBuf::from(std::env::var_os("XTASK_TEST_BROKEN_DIR").unwrap());
        let ctx = Ctx {
            root: dir.clone(),
            build: dir.join("build"),
            cache: dir.join("cache"),
        };
        let (broken, _) = break_example(SOURCE).unwrap();
        let _guard = break_file(&ctx, &dir.join("str.rs"), SOURCE, &broken).unwrap();
        println!("@@broken");
        std::thread::sleep(std::time::Duration::from_secs(60));
    }

    #[test]
    fn ctrl_c_restores_the_file_and_exits_130() {
        use std::io::BufRead;
        let (ctx, dir) = scratch("sigint");
        let path = dir.join("str.rs");
        fs::write(&path, SOURCE).unwrap();
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "checks::doctests::tests::breaks_a_file_and_waits",
            ])
            .args(["--ignored", "--nocapture", "--test-threads=1"])
            .env("XTASK_TEST_BROKEN_DIR", &dir)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let out = std::io::BufReader::new(child.stdout.take().unwrap());
        let said = out
            .lines()
            .map_while(|l| l.ok())
            .find(|l| l.contains("@@broken"));
        assert!(said.is_some(), "the child never broke the file");
        assert_ne!(fs::read_to_string(&path).unwrap(), SOURCE);
        let killed = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(130), "{status}");
        assert_eq!(fs::read_to_string(&path).unwrap(), SOURCE);
        assert!(!leftover_path(&ctx).exists());
        fs::remove_dir_all(&dir).unwrap();
    }
}
