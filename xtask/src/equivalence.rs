//! Two kernels that must be the same to their users: a scenario with
//! `same_as` is compared with the scenario it names. This is how the
//! series keeps its promise that, with `CONFIG_RUST=n`, the patched tree
//! builds and boots exactly like pristine 5.10.223 (the `pl061-c-pristine`
//! scenario): both kernels pass the same guest checks (that is each
//! scenario's own business), and
//!
//! - their configurations agree: a symbol set in both has the same value,
//!   and a symbol only one tree has is off or describes the Rust toolchain
//!   (`HAVE_RUST`, `RUSTC_VERSION_TEXT`, ...);
//! - their boot messages, up to the start of init, are the same lines in
//!   the same order, once the timestamps are dropped and two kinds of lines
//!   are masked: the build banner (build number and date) and the memory
//!   and init section sizes, which follow the image size.

use crate::build::{parse_config, Kernel};
use crate::boot::Boot;
use crate::util::{Ctx, Outcome};
use anyhow::{bail, Context, Result};
use std::collections::BTreeSet;
use std::fs;

/// What `compare` reports, as `same-as.ID.NAME`.
pub const OUTCOMES: &[&str] = &["config", "boot-log"];

/// The outcomes `same-as.ID.config` and `same-as.ID.boot-log`.
pub fn compare(
    _ctx: &Ctx,
    id: String,
    ours: (&Kernel, &Boot),
    theirs: (&Kernel, &Boot),
) -> Vec<Outcome> {
    let id = format!("same-as.{id}");
    let config = (|| {
        let read = |k: &Kernel| {
            fs::read_to_string(k.out.join(".config"))
                .with_context(|| format!("no .config in {}", k.out.display()))
        };
        configs_agree(&read(ours.0)?, &read(theirs.0)?)
    })();
    let log = boot_logs_agree(&ours.1.console, &theirs.1.console);
    vec![
        Outcome::from_result(&format!("{id}.config"), config),
        Outcome::from_result(&format!("{id}.boot-log"), log),
    ]
}

/// Whether a symbol only one of the trees has may differ: options that are
/// off change nothing, and the Rust toolchain's description is there
/// whether or not Rust is enabled.
fn may_be_one_sided(symbol: &str, value: &str) -> bool {
    value == "n" || symbol.contains("RUST") || symbol.contains("BINDGEN")
}

fn configs_agree(a: &str, b: &str) -> Result<()> {
    let (a, b) = (parse_config(a), parse_config(b));
    if a.get("CONFIG_RUST").is_some_and(|v| v != "n")
        || b.get("CONFIG_RUST").is_some_and(|v| v != "n")
    {
        bail!("CONFIG_RUST is enabled: this comparison is about CONFIG_RUST=n");
    }
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let mut problems = Vec::new();
    for key in keys {
        match (a.get(key), b.get(key)) {
            (Some(x), Some(y)) if x != y => problems.push(format!("{key}: {x} against {y}")),
            (Some(v), None) | (None, Some(v)) if !may_be_one_sided(key, v) => {
                problems.push(format!("{key}={v} on one side only"))
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configs_may_differ_only_in_rust_and_off_symbols() {
        let pristine = "CONFIG_GPIOLIB=y\nCONFIG_LOG_BUF_SHIFT=17\n";
        let patched = "CONFIG_GPIOLIB=y\nCONFIG_LOG_BUF_SHIFT=17\nCONFIG_HAVE_RUST=y\n\
                       CONFIG_RUSTC_VERSION_TEXT=\"rustc 1.96.0\"\n# CONFIG_RUST is not set\n\
                       # CONFIG_KALLSYMS_KUNIT_TEST is not set\n";
        configs_agree(patched, pristine).unwrap();
        let changed = patched.replace("SHIFT=17", "SHIFT=14");
        let err = configs_agree(&changed, pristine).unwrap_err().to_string();
        assert!(err.contains("CONFIG_LOG_BUF_SHIFT: 14 against 17"), "{err}");
        let extra = format!("{patched}CONFIG_FOO=y\n");
        assert!(configs_agree(&extra, pristine).is_err());
        let rust = format!("{patched}CONFIG_RUST=y\n");
        assert!(configs_agree(&rust, pristine).is_err());
    }

    #[test]
    fn boot_logs_compare_without_times_banner_and_sizes() {
        let a = "[    0.000000] Linux version 5.10.223 (root@vm) #1 SMP Mon\n\
                 [    0.000000] Memory: 507416K/524288K available (1918K kernel code)\n\
                 [    0.100000] gpio-pl061: probed\n\
                 [    0.410539] Freeing unused kernel memory: 320K\n\
                 [    0.424136] Run /init as init process\n\
                 after init, ignored\n";
        let b = "[    0.000000] Linux version 5.10.223 (root@vm) #7 SMP Tue\n\
                 [    0.000000] Memory: 507412K/524288K available (1922K kernel code)\n\
                 [    0.200000] gpio-pl061: probed\n\
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
}
