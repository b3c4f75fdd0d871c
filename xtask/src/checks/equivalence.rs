//! Two kernels that must be the same to their users: a scenario with
//! `same_as` is compared with the scenario it names. This is how the
//! series keeps its promise that, with `CONFIG_RUST=n`, the patched tree
//! builds and boots exactly like pristine 5.10.223 (the `pl061-c-pristine`
//! scenario): both kernels pass the same guest checks (that is each
//! scenario's own business), and
//!
//! - their configurations agree: a symbol set in both has the same value,
//!   and a symbol only the patched tree has is one the series adds, off or
//!   describing the Rust toolchain (`HAVE_RUST`, `RUSTC_VERSION_TEXT`, ...;
//!   see `may_be_one_sided`);
//! - their boot messages, up to the start of init, are the same lines in
//!   the same order, once the timestamps are dropped and two kinds of lines
//!   are masked: the build banner (build number and date) and the memory
//!   and init section sizes, which follow the image size;
//! - their kernels have the same symbols (`/proc/kallsyms`, names only)
//!   and the same sysfs (every path under `/sys`), as the guests saw them
//!   after the script (the `kallsyms` and `sysfs` data blobs).
//!
//! Everything compared comes from this run: the two builds' `.config`
//! files and the two boots as the host read them, never an earlier log.

use crate::guest::boot::Boot;
use crate::kernel::build::Kernel;
use crate::leaf::ctx::Ctx;
use crate::leaf::kconfig::parse_config;
use crate::leaf::outcome::Outcome;
use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// What `compare` reports, as `same-as.ID.NAME`.
pub const OUTCOMES: &[&str] = &["config", "boot-log", "kallsyms", "sysfs"];

/// How many names a difference quotes from each side.
const QUOTED: usize = 5;

/// The outcomes `same-as.ID.NAME` for each NAME of `OUTCOMES`, comparing
/// the scenario `id` (`ours`) with the one it names (`theirs`).
pub fn compare(
    ctx: &Ctx,
    id: String,
    ours: (&Kernel, &Boot),
    theirs: (&Kernel, &Boot),
) -> Vec<Outcome> {
    let id = format!("same-as.{id}");
    let config = (|| {
        let (patched, pristine) = match (ours.0.spec.pristine, theirs.0.spec.pristine) {
            (false, true) => (ours.0, theirs.0),
            (true, false) => (theirs.0, ours.0),
            _ => bail!(
                "the configurations of {} and {} cannot be compared: the comparison is of \
                 the patched tree with pristine 5.10.223, and these are not one of each",
                ours.0.name,
                theirs.0.name
            ),
        };
        let read = |k: &Kernel| {
            fs::read_to_string(k.out.join(".config"))
                .with_context(|| format!("no .config in {}", k.out.display()))
        };
        configs_agree(
            &read(patched)?,
            &read(pristine)?,
            &added_symbols(&ctx.root)?,
        )
    })();
    let log = boot_logs_agree(&ours.1.console, &theirs.1.console);
    let sides = (
        (ours.0.name.as_str(), ours.1),
        (theirs.0.name.as_str(), theirs.1),
    );
    let kallsyms = blobs_agree("kallsyms", sides.0, sides.1);
    let sysfs = blobs_agree("sysfs", sides.0, sides.1);
    vec![
        Outcome::from_result(&format!("{id}.config"), config),
        Outcome::from_result(&format!("{id}.boot-log"), log),
        Outcome::from_result(&format!("{id}.kallsyms"), kallsyms),
        Outcome::from_result(&format!("{id}.sysfs"), sysfs),
    ]
}

/// A Kconfig symbol the series adds: whether the user can set it (it has
/// a prompt), or Kconfig sets it itself (selected, or a computed default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Added {
    pub prompt: bool,
}

/// Every Kconfig symbol the series adds, as `CONFIG_NAME`: the `config`
/// and `menuconfig` entries of the Kconfig files it adds (under `linux/`)
/// and those its diffs add to upstream Kconfig files (`diffs/*.diff`).
pub fn added_symbols(root: &Path) -> Result<BTreeMap<String, Added>> {
    let mut added = BTreeMap::new();
    let mut files = Vec::new();
    kconfig_files(&root.join("linux"), &mut files)?;
    for file in files {
        let text =
            fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
        added.extend(kconfig_entries(&text));
    }
    let diffs = root.join("diffs");
    let mut names: Vec<_> = fs::read_dir(&diffs)
        .with_context(|| format!("cannot read {}", diffs.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "diff"))
        .collect();
    names.sort();
    for diff in names {
        let text =
            fs::read_to_string(&diff).with_context(|| format!("cannot read {}", diff.display()))?;
        added.extend(added_in_diff(&text));
    }
    if !added.contains_key("CONFIG_RUST") {
        bail!("found no `config RUST` in the series' Kconfig files: cannot tell what it adds");
    }
    Ok(added)
}

/// Whether a file is a Kconfig file: `Kconfig`, `Kconfig.debug`, ...
fn is_kconfig(path: &str) -> bool {
    Path::new(path)
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("Kconfig"))
}

fn kconfig_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            kconfig_files(&path, found)?;
        } else if is_kconfig(&path.to_string_lossy()) {
            found.push(path);
        }
    }
    Ok(())
}

/// The entries a diff adds to Kconfig files: each run of added lines of
/// such a file is read as Kconfig text (an entry is added whole, in one
/// run; lines added to an existing entry, such as a `select`, define
/// nothing).
fn added_in_diff(diff: &str) -> BTreeMap<String, Added> {
    let mut added = BTreeMap::new();
    let mut kconfig = false;
    let mut run = String::new();
    for line in diff.lines() {
        if let Some(path) = line.strip_prefix("+++ ") {
            kconfig = is_kconfig(path.trim());
            continue;
        }
        match line.strip_prefix('+') {
            Some(text) if kconfig => {
                run.push_str(text);
                run.push('\n');
            }
            _ => {
                added.extend(kconfig_entries(&run));
                run.clear();
            }
        }
    }
    added.extend(kconfig_entries(&run));
    added
}

/// The width of a line's indentation, tabs counting to the next multiple
/// of 8 as Kconfig counts them.
fn indentation(line: &str) -> usize {
    let mut width = 0;
    for c in line.chars() {
        match c {
            ' ' => width += 1,
            '\t' => width = (width / 8 + 1) * 8,
            _ => break,
        }
    }
    width
}

/// The `config` and `menuconfig` entries of Kconfig text, as
/// `CONFIG_NAME`, each with whether it has a prompt: a type followed by a
/// quoted string (`bool "Rust support"`, conditional or not) or a
/// `prompt` line. Help texts are skipped as Kconfig does: they end at the
/// first line indented less than their first line.
fn kconfig_entries(text: &str) -> BTreeMap<String, Added> {
    let mut entries = BTreeMap::new();
    let mut current: Option<String> = None;
    // In a help text: the indentation of its first line, once seen.
    let mut help: Option<Option<usize>> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(indent) = help {
            if trimmed.is_empty() {
                continue;
            }
            match indent {
                None => {
                    help = Some(Some(indentation(line)));
                    continue;
                }
                Some(i) if indentation(line) >= i => continue,
                Some(_) => help = None,
            }
        }
        let mut words = trimmed.split_whitespace();
        let first = words.next().unwrap_or("");
        match first {
            "config" | "menuconfig" => {
                let name = format!("CONFIG_{}", words.next().unwrap_or(""));
                entries.insert(name.clone(), Added { prompt: false });
                current = Some(name);
            }
            "help" | "---help---" => help = Some(None),
            "bool" | "tristate" | "string" | "int" | "hex" | "prompt"
                if trimmed[first.len()..].trim_start().starts_with('"') =>
            {
                if let Some(entry) = current.as_ref().and_then(|c| entries.get_mut(c)) {
                    entry.prompt = true;
                }
            }
            // Anything else unindented (`menu`, `endmenu`, `if`, `source`,
            // `comment`, ...) ends the entry.
            _ if !trimmed.is_empty() && indentation(line) == 0 => current = None,
            _ => {}
        }
    }
    entries
}

/// Whether the symbol `symbol`, set to `value` in the patched kernel's
/// configuration only, may stay out of pristine's: it must be one the
/// series adds (`added`), and be off, or be one the user cannot set.
///
/// This is safe because the comparison is of `CONFIG_RUST=n` kernels.
/// Every option the series adds that a user can set (one with a prompt)
/// either depends on `RUST` or is a test option that the same fragments
/// leave off on both sides, so here it must be `n` (or absent); one that
/// is on is a real difference. The only added options that can be on are
/// those without a prompt, which Kconfig sets by itself: `HAVE_RUST`,
/// which an architecture selects to say it can build Rust, and
/// `RUST_IS_AVAILABLE`, `RUSTC_VERSION_TEXT`, `RUSTC_VERSION` and
/// `BINDGEN_VERSION_TEXT`, which Kconfig computes from the toolchain. They
/// describe the build machine, not the kernel, and only Rust code and
/// `RUST`'s own dependencies read them; should one ever change what the C
/// side builds, the boot-log, kallsyms and sysfs comparisons would show it.
fn may_be_one_sided(
    symbol: &str,
    value: &str,
    added: &BTreeMap<String, Added>,
) -> Result<(), String> {
    match added.get(symbol) {
        None => Err("the series does not add it".into()),
        Some(_) if value == "n" => Ok(()),
        Some(Added { prompt: false }) => Ok(()),
        Some(Added { prompt: true }) => {
            Err("an option the series adds that a user can set, and it is on".into())
        }
    }
}

/// The patched kernel's configuration `patched` against pristine's
/// `pristine`, given the symbols the series adds.
fn configs_agree(patched: &str, pristine: &str, added: &BTreeMap<String, Added>) -> Result<()> {
    let (a, b) = (parse_config(patched), parse_config(pristine));
    if a.get("CONFIG_RUST").is_some_and(|v| v != "n") {
        bail!("CONFIG_RUST is enabled: this comparison is about CONFIG_RUST=n");
    }
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let mut problems = Vec::new();
    for key in keys {
        match (a.get(key), b.get(key)) {
            (Some(x), Some(y)) if x != y => {
                problems.push(format!("{key}: {x} in the patched tree, {y} in pristine"))
            }
            (Some(v), None) => {
                if let Err(why) = may_be_one_sided(key, v, added) {
                    problems.push(format!("{key}={v} in the patched tree only: {why}"));
                }
            }
            (None, Some(v)) => problems.push(format!(
                "{key}={v} in pristine only: the series removes or hides it"
            )),
            _ => {}
        }
    }
    if !problems.is_empty() {
        bail!("the configurations differ:\n{}", problems.join("\n"));
    }
    Ok(())
}

/// The kernel's messages up to the start of init, comparable across builds.
fn boot_messages(log: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for line in log.lines() {
        // The serial console ends its lines with `\r\n`.
        let line = line.trim_end_matches('\r');
        // `[    0.123456] text`: the timestamp goes.
        let Some(text) = line
            .strip_prefix('[')
            .and_then(|l| l.split_once("] "))
            .map(|(_, t)| t)
        else {
            continue;
        };
        let masked = if text.starts_with("Linux version ") {
            "Linux version (build banner)".to_owned()
        } else if text.starts_with("Memory: ") || text.starts_with("Freeing unused kernel") {
            text.replace(|c: char| c.is_ascii_digit(), "#")
        } else {
            text.to_owned()
        };
        let init = text.starts_with("Run /init as init process");
        out.push(masked);
        if init {
            return Ok(out);
        }
    }
    bail!("the boot never got to running /init")
}

fn boot_logs_agree(a: &str, b: &str) -> Result<()> {
    let (a, b) = (boot_messages(a)?, boot_messages(b)?);
    for (i, pair) in a.iter().zip(&b).enumerate() {
        if pair.0 != pair.1 {
            bail!(
                "boot message {} differs:\n  {}\nagainst\n  {}",
                i + 1,
                pair.0,
                pair.1
            );
        }
    }
    if a.len() != b.len() {
        bail!("{} boot messages against {}", a.len(), b.len());
    }
    Ok(())
}

/// The data blob `blob` of two boots, each given with its kernel's name:
/// the same lines, order aside. A boot that did not hand it over fails.
fn blobs_agree(blob: &str, a: (&str, &Boot), b: (&str, &Boot)) -> Result<()> {
    lines_agree(blob, (a.0, blob_of(blob, a)?), (b.0, blob_of(blob, b)?))
}

fn blob_of<'a>(blob: &str, (name, boot): (&str, &'a Boot)) -> Result<&'a [String]> {
    boot.blobs.get(blob).map(Vec::as_slice).with_context(|| {
        format!(
            "the boot of {name} handed over no `{blob}` data (is `{blob}` in its scenario's `collect`?)"
        )
    })
}

/// Two lists of names, each with whose it is, hold the same names as
/// many times each; if not, says how many are on one side only, quoting
/// the first few of each side.
fn lines_agree(what: &str, a: (&str, &[String]), b: (&str, &[String])) -> Result<()> {
    fn sorted(lines: &[String]) -> Vec<&str> {
        let mut v: Vec<&str> = lines.iter().map(|l| l.trim_end()).collect();
        v.sort_unstable();
        v
    }
    let (x, y) = (sorted(a.1), sorted(b.1));
    if x == y {
        return Ok(());
    }
    // Walk both sorted lists at once: what one has and the other lacks.
    let (mut only_x, mut only_y) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    loop {
        match (x.get(i), y.get(j)) {
            (None, None) => break,
            (Some(p), Some(q)) if p == q => {
                i += 1;
                j += 1;
            }
            (Some(p), Some(q)) if p > q => {
                only_y.push(*q);
                j += 1;
            }
            (Some(p), _) => {
                only_x.push(*p);
                i += 1;
            }
            (None, Some(q)) => {
                only_y.push(*q);
                j += 1;
            }
        }
    }
    let side = |name: &str, only: &[&str]| {
        if only.is_empty() {
            return String::new();
        }
        let more = only.len().saturating_sub(QUOTED);
        format!(
            "\n{} only in {name}: {}{}",
            only.len(),
            only[..only.len().min(QUOTED)].join(", "),
            if more > 0 {
                format!(", ... ({more} more)")
            } else {
                String::new()
            }
        )
    };
    bail!(
        "the {what} lists differ ({} names against {}):{}{}",
        x.len(),
        y.len(),
        side(a.0, &only_x),
        side(b.0, &only_y)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn added() -> BTreeMap<String, Added> {
        let mut m = BTreeMap::new();
        for (s, prompt) in [
            ("CONFIG_HAVE_RUST", false),
            ("CONFIG_RUSTC_VERSION_TEXT", false),
            ("CONFIG_RUST", true),
            ("CONFIG_KALLSYMS_KUNIT_TEST", true),
        ] {
            m.insert(s.to_string(), Added { prompt });
        }
        m
    }

    #[test]
    fn configs_may_differ_only_in_what_the_series_adds() {
        let pristine = "CONFIG_GPIOLIB=y\nCONFIG_LOG_BUF_SHIFT=17\n";
        let patched = "CONFIG_GPIOLIB=y\nCONFIG_LOG_BUF_SHIFT=17\nCONFIG_HAVE_RUST=y\n\
                       CONFIG_RUSTC_VERSION_TEXT=\"rustc 1.96.0\"\n# CONFIG_RUST is not set\n\
                       # CONFIG_KALLSYMS_KUNIT_TEST is not set\n";
        configs_agree(patched, pristine, &added()).unwrap();
        let changed = patched.replace("SHIFT=17", "SHIFT=14");
        let err = configs_agree(&changed, pristine, &added())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("CONFIG_LOG_BUF_SHIFT: 14 in the patched tree, 17 in pristine"),
            "{err}"
        );
        // A symbol the series does not add, even one named like Rust's.
        for extra in [
            "CONFIG_FOO=y",
            "# CONFIG_FOO is not set",
            "CONFIG_RUST_OTHER=y",
        ] {
            let err = configs_agree(&format!("{patched}{extra}\n"), pristine, &added())
                .unwrap_err()
                .to_string();
            assert!(err.contains("the series does not add it"), "{extra}: {err}");
        }
        // An added option a user sets, on.
        let on = patched.replace(
            "# CONFIG_KALLSYMS_KUNIT_TEST is not set",
            "CONFIG_KALLSYMS_KUNIT_TEST=y",
        );
        let err = configs_agree(&on, pristine, &added())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("CONFIG_KALLSYMS_KUNIT_TEST=y in the patched tree only"),
            "{err}"
        );
        // Something only pristine has.
        let err = configs_agree(
            patched,
            &format!("{pristine}CONFIG_OLD_THING=y\n"),
            &added(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("in pristine only"), "{err}");
        let rust = patched.replace("# CONFIG_RUST is not set", "CONFIG_RUST=y");
        assert!(configs_agree(&rust, pristine, &added()).is_err());
    }

    #[test]
    fn reads_kconfig_entries_and_their_prompts() {
        let text = "menuconfig SAMPLES_RUST\n\tbool \"Rust samples\"\n\tdepends on RUST\n\thelp\n\
                    \t  config IN_HELP is not an entry\n\n\t  nor is this.\n\n\
                    config HAVE_RUST\n\tbool\n\thelp\n\t  Selected by an architecture.\n\
                    \t    bool \"deeper help\" is still help.\n\n\
                    config RUST_IS_AVAILABLE\n\tdef_bool $(success,true)\n\n\
                    config KALLSYMS_KUNIT_TEST\n\tbool \"KUnit test\" if !KUNIT_ALL_TESTS\n\n\
                    config PROMPTED\n\tint\n\tprompt \"A number\"\n\n\
                    menu \"Rust hacking\"\n\tbool \"not an entry's prompt\"\nendmenu\n";
        let e = kconfig_entries(text);
        let names: Vec<&str> = e.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "CONFIG_HAVE_RUST",
                "CONFIG_KALLSYMS_KUNIT_TEST",
                "CONFIG_PROMPTED",
                "CONFIG_RUST_IS_AVAILABLE",
                "CONFIG_SAMPLES_RUST"
            ]
        );
        let prompt = |s: &str| e[s].prompt;
        assert!(
            prompt("CONFIG_SAMPLES_RUST")
                && prompt("CONFIG_KALLSYMS_KUNIT_TEST")
                && prompt("CONFIG_PROMPTED")
        );
        assert!(!prompt("CONFIG_HAVE_RUST") && !prompt("CONFIG_RUST_IS_AVAILABLE"));
    }

    #[test]
    fn reads_the_entries_a_diff_adds_to_kconfig_files() {
        let diff =
            "diff --git a/init/Kconfig b/init/Kconfig\n--- a/init/Kconfig\n+++ b/init/Kconfig\n\
                    @@ -1,3 +1,9 @@ config X\n \tselect FOO\n+\tselect HAVE_RUST\n \n\
                    +config RUSTC_VERSION_TEXT\n+\tstring\n+\tdefault \"x\"\n+\n\
                    +config RUST\n+\tbool \"Rust support\"\n+\n config OLD\n-config REMOVED\n\
                    diff --git a/Makefile b/Makefile\n--- a/Makefile\n+++ b/Makefile\n\
                    @@ -1 +1,2 @@\n+config NOT_KCONFIG\n";
        let e = added_in_diff(diff);
        let names: Vec<&str> = e.keys().map(String::as_str).collect();
        assert_eq!(names, ["CONFIG_RUST", "CONFIG_RUSTC_VERSION_TEXT"]);
        assert!(e["CONFIG_RUST"].prompt && !e["CONFIG_RUSTC_VERSION_TEXT"].prompt);
    }

    #[test]
    fn the_series_adds_the_rust_symbols_and_only_toolchain_ones_lack_a_prompt() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let added = added_symbols(root).unwrap();
        for s in [
            "CONFIG_RUST",
            "CONFIG_SAMPLES_RUST",
            "CONFIG_SAMPLE_RUST_MINIMAL",
            "CONFIG_RUST_KERNEL_DOCTESTS",
        ] {
            assert!(added[s].prompt, "{s}");
        }
        let unprompted: Vec<&str> = added
            .iter()
            .filter(|(_, a)| !a.prompt)
            .map(|(s, _)| s.as_str())
            .collect();
        assert_eq!(
            unprompted,
            [
                "CONFIG_BINDGEN_VERSION_TEXT",
                "CONFIG_HAVE_RUST",
                "CONFIG_RUSTC_VERSION",
                "CONFIG_RUSTC_VERSION_TEXT",
                "CONFIG_RUST_IS_AVAILABLE"
            ],
            "a new option without a prompt: make sure it only describes the toolchain, \
             then add it here"
        );
        assert!(!added.contains_key("CONFIG_GPIOLIB"));
    }

    #[test]
    fn boot_logs_compare_without_times_banner_and_sizes() {
        let a = "[    0.000000] Linux version 5.10.223 (root@vm) #1 SMP Mon\r\n\
                 [    0.000000] Memory: 507416K/524288K available (1918K kernel code)\n\
                 [    0.100000] gpio-pl061: probed\n\
                 [    0.410539] Freeing unused kernel memory: 320K\n\
                 [    0.424136] Run /init as init process\n\
                 after init, ignored\n";
        let b = "[    0.000000] Linux version 5.10.223 (root@vm) #7 SMP Tue\n\
                 [    0.000000] Memory: 507412K/524288K available (1922K kernel code)\n\
                 [    0.200000] gpio-pl061: probed\r\n\
                 [    0.410539] Freeing unused kernel memory: 324K\n\
                 [    0.524136] Run /init as init process\n\
                 [    1.000000] something else entirely\n";
        boot_logs_agree(a, b).unwrap();
        let c = b.replace("probed", "failed to probe");
        let err = boot_logs_agree(a, &c).unwrap_err().to_string();
        assert!(err.contains("boot message 3 differs"), "{err}");
        let short = "[    0.1] Linux version x\n[    0.2] Run /init as init process\n";
        assert!(boot_logs_agree(a, short).is_err());
        assert!(boot_logs_agree(a, "no init here\n").is_err());
    }

    fn names(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn name_lists_must_hold_the_same_names() {
        let a = names("start_kernel pl061_probe do_one_initcall");
        let b = names("do_one_initcall start_kernel pl061_probe");
        lines_agree("kallsyms", ("patched", &a), ("pristine", &b)).unwrap();
        let c = names("do_one_initcall start_kernel rust_helper_x rust_helper_y");
        let err = lines_agree("kallsyms", ("patched", &c), ("pristine", &b))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("the kallsyms lists differ (4 names against 3)"),
            "{err}"
        );
        assert!(
            err.contains("2 only in patched: rust_helper_x, rust_helper_y"),
            "{err}"
        );
        assert!(err.contains("1 only in pristine: pl061_probe"), "{err}");
        // A name twice on one side, once on the other.
        let twice = names("do_one_initcall start_kernel pl061_probe pl061_probe");
        let err = lines_agree("kallsyms", ("a", &b), ("b", &twice))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("1 only in b: pl061_probe") && !err.contains("only in a"),
            "{err}"
        );
        // Many: only the first few are quoted.
        let many: Vec<String> = (0..20).map(|i| format!("/sys/x{i:02}")).collect();
        let err = lines_agree("sysfs", ("a", &many), ("b", &[]))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(
                "20 only in a: /sys/x00, /sys/x01, /sys/x02, /sys/x03, /sys/x04, ... (15 more)"
            ),
            "{err}"
        );
    }

    #[test]
    fn a_missing_blob_fails() {
        let mut with = Boot::default();
        with.blobs.insert("sysfs".into(), names("/sys /sys/bus"));
        let without = Boot::default();
        blobs_agree("sysfs", ("a", &with), ("b", &with)).unwrap();
        let err = blobs_agree("sysfs", ("a", &with), ("b", &without))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("the boot of b handed over no `sysfs` data"),
            "{err}"
        );
        assert!(blobs_agree("kallsyms", ("a", &with), ("b", &with)).is_err());
    }
}
