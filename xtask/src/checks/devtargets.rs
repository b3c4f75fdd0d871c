//! Tests of the Rust developer targets on a built tree: `make rustfmtcheck`
//! finds the sources formatted, `make rustdoc` writes HTML for the crates,
//! a `CLIPPY=1` build of the Rust code gives no warning, and
//! `scripts/decode_stacktrace.sh` turns a Rust function in a stack trace
//! into its demangled name and source line, and rustdoc finds an example
//! on every public item of the kernel crate that should have one.

use crate::host::toolchain::{self, LLVM_BIN};
use crate::kernel::build::Kernel;
use crate::leaf::arch::Rustc;
use crate::leaf::ctx::Ctx;
use crate::leaf::kconfig::parse_config;
use crate::leaf::outcome::Outcome;
use crate::leaf::process;
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;

fn make(ctx: &Ctx, kernel: &Kernel, args: &[&str], log: &str) -> Result<String> {
    let path = ctx.logs()?.join(format!("{log}-{}.log", kernel.name));
    process::run_logged(kernel.make(ctx)?.args(args), &path, log)?;
    Ok(std::fs::read_to_string(path)?)
}

/// Runs the checks on `kernel`, a build with `CONFIG_RUST=y`.
pub fn check(ctx: &Ctx, kernel: &Kernel) -> Vec<Outcome> {
    let jobs = format!("-j{}", jobs());
    let rustfmt = make(ctx, kernel, &["rustfmtcheck"], "rustfmtcheck").map(|_| ());
    let rustdoc = make(ctx, kernel, &["rustdoc"], "rustdoc").and_then(|_| {
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
        Outcome::from_result("decode-stacktrace", decode_stacktrace(kernel)),
        Outcome::from_result("rustfmtcheck", rustfmt),
        Outcome::from_result("rustdoc", rustdoc),
        Outcome::from_result("clippy", clippy),
    ]
}

/// One source file in `rustdoc --show-coverage`'s JSON report.
#[derive(serde::Deserialize)]
struct Coverage {
    total: u32,
    with_docs: u32,
    total_examples: u32,
    with_examples: u32,
}

/// rustdoc's own count of documentation and examples: every public item of
/// the kernel crate is documented, and every one rustdoc expects an
/// example for (functions, methods, types, traits, macros) has one, so
/// every such item has a test in `rust_doctests_kernel`.
pub fn example_coverage(ctx: &Ctx, kernel: &Kernel) -> Result<()> {
    let log = make(
        ctx,
        kernel,
        &[
            "RUSTDOC=/usr/bin/rustdoc -Zunstable-options --show-coverage --output-format json",
            "rustdoc",
        ],
        "example-coverage",
    )?;
    let mut items = (0, 0);
    let mut missing = Vec::new();
    for line in log.lines().filter(|l| l.starts_with('{')) {
        let files: std::collections::BTreeMap<String, Coverage> =
            serde_json::from_str(line).context("cannot read rustdoc's coverage report")?;
        for (file, c) in files {
            let Some((_, rel)) = file.split_once("/rust/kernel/") else {
                continue;
            };
            items.0 += c.total;
            items.1 += c.total_examples;
            if c.with_docs < c.total || c.with_examples < c.total_examples {
                missing.push(format!(
                    "rust/kernel/{rel}: {} of {} items documented, {} of {} examples",
                    c.with_docs, c.total, c.with_examples, c.total_examples
                ));
            }
        }
    }
    if items.0 == 0 {
        bail!("rustdoc reported no coverage for the kernel crate");
    }
    if !missing.is_empty() {
        bail!(
            "items without documentation or an example:\n{}",
            missing.join("\n")
        );
    }
    process::note(format!(
        "rustdoc: all {} public items of the kernel crate documented, all {} that need an example have one",
        items.0, items.1
    ));
    Ok(())
}

/// A stack trace line naming a function of the rust_minimal sample
/// (mangled, as the kernel prints it) goes through
/// `scripts/decode_stacktrace.sh`, which must demangle it and find its line
/// in samples/rust/rust_minimal.rs. Needs a kernel with debug info and the
/// sample built in.
fn decode_stacktrace(kernel: &Kernel) -> Result<()> {
    let map = std::fs::read_to_string(kernel.out.join("System.map"))?;
    let candidates: Vec<&str> = map
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() == 3 && f[1].eq_ignore_ascii_case("t")).then(|| f[2])
        })
        .filter(|s| s.starts_with("_R") && s.contains("12rust_minimal"))
        .collect();
    // Generic code of other crates instantiated in the sample mentions it
    // too: take a function of the sample itself.
    let demangled = process::output_with_input(
        &mut Command::new(format!("{LLVM_BIN}/llvm-cxxfilt")),
        candidates.join("\n").as_bytes(),
    )?;
    let (symbol, demangled) = candidates
        .iter()
        .zip(demangled.lines())
        .find(|(_, d)| d.starts_with("rust_minimal::") || d.starts_with("<rust_minimal::"))
        .context("no function of the rust_minimal sample in System.map")?;
    let path = toolchain::llvm_path();
    let line = format!("[    1.000000]  {symbol}+0x4/0x40\n");
    let out = process::output_with_input(
        Command::new(kernel.tree.join("scripts/decode_stacktrace.sh"))
            .arg(kernel.out.join("vmlinux"))
            .arg(&kernel.tree)
            .env("LLVM", "1")
            .env("PATH", path),
        line.as_bytes(),
    )?;
    if !out.contains(&format!("{demangled} (samples/rust/rust_minimal.rs:")) {
        bail!(
            "decode_stacktrace.sh turned\n  {line}into\n  {out}\n\
             not `{demangled} (samples/rust/rust_minimal.rs:N)`"
        );
    }
    Ok(())
}

/// On an x86_64 kernel with RETHUNK, SLS and the strong stack protector
/// (tests/configs/x86-hardening.config), Rust code follows the C side:
/// the kernel crate returns through `__x86_return_thunk` and checks stack
/// canaries, objtool recorded its return sites and ORC data, and objtool
/// found nothing to warn about in any Rust object of the kernel (see
/// `objtool_quiet`).
pub fn check_x86_hardening(ctx: &Ctx, kernel: &Kernel) -> Vec<Outcome> {
    let id = |what: &str| what.to_string();
    let object = kernel.out.join("rust/kernel.o");
    let tool = |name: &str, args: &[&str]| {
        process::output(
            Command::new(format!("{LLVM_BIN}/{name}"))
                .args(args)
                .arg(&object),
        )
    };
    let calls = tool("llvm-nm", &["-u"]).and_then(|undefined| {
        for symbol in ["__x86_return_thunk", "__stack_chk_fail"] {
            if !undefined
                .lines()
                .any(|l| l.split_whitespace().last() == Some(symbol))
            {
                bail!("rust/kernel.o does not call {symbol}");
            }
        }
        Ok(())
    });
    let sections = tool("llvm-objdump", &["-h"]).and_then(|headers| {
        for section in [".return_sites", ".orc_unwind"] {
            if !headers
                .lines()
                .any(|l| l.split_whitespace().nth(1) == Some(section))
            {
                bail!("rust/kernel.o has no {section} section: did objtool run on it?");
            }
        }
        Ok(())
    });
    let quiet = objtool_quiet(ctx, kernel);
    vec![
        Outcome::from_result(&id("thunk-and-canary"), calls),
        Outcome::from_result(&id("objtool-sections"), sections),
        Outcome::from_result(&id("objtool-quiet"), quiet),
    ]
}

/// objtool runs on each Rust object as part of the command that builds it
/// (`cmd_rustc_o_rs` and `cmd_rustc_library` end with `cmd_objtool`), so
/// its warnings are in the log of the build that built the object. The
/// last build may have rebuilt only some of them (or none, when an earlier
/// command had built the kernel): every Rust object the build log does not
/// show being built is deleted and rebuilt, so that each one was seen by
/// objtool in one log or the other. Then no objtool warning may mention a
/// Rust object or a Rust function, and every Rust object must have been
/// built in one of the two logs.
///
/// An object deleted that the rebuild does not make again is no longer
/// part of the kernel (left over from a configuration or a series that
/// had it): its `.cmd` file goes too, so that it is not found again.
fn objtool_quiet(ctx: &Ctx, kernel: &Kernel) -> Result<()> {
    let mut objects = rust_objects(&kernel.out)?;
    if objects.is_empty() {
        bail!(
            "no Rust object in {}: no `.X.o.cmd` there names rustc",
            kernel.out.display()
        );
    }
    let log = ctx.logs()?.join(format!("build-{}.log", kernel.name));
    let text = std::fs::read_to_string(&log)
        .with_context(|| format!("cannot read the build log {}", log.display()))?;
    let built = rustc_built(&text);
    let stale: Vec<&String> = objects.iter().filter(|o| !built.contains(*o)).collect();
    let mut rebuilt_text = String::new();
    if !stale.is_empty() {
        process::note(format!(
            "objtool: {} of {} Rust objects were not built by the last build; rebuilding them (log: build/logs/objtool-rebuild-{}.log)",
            stale.len(),
            objects.len(),
            kernel.name
        ));
        for o in &stale {
            remove_if_there(&kernel.out.join(o))?;
        }
        let config = std::fs::read_to_string(kernel.out.join(".config"))?;
        let mut targets = vec![
            format!("-j{}", jobs()),
            kernel.arch.image_target().to_string(),
        ];
        if parse_config(&config)
            .get("CONFIG_MODULES")
            .map(String::as_str)
            == Some("y")
        {
            targets.push("modules".into());
        }
        let targets: Vec<&str> = targets.iter().map(String::as_str).collect();
        rebuilt_text = make(ctx, kernel, &targets, "objtool-rebuild")?;
        let gone: Vec<String> = stale
            .iter()
            .filter(|o| !kernel.out.join(o.as_str()).exists())
            .map(|o| o.to_string())
            .collect();
        for o in &gone {
            remove_if_there(&kernel.out.join(cmd_file(o)))?;
            process::note(format!(
                "objtool: {o} is no longer built, a leftover: dropped"
            ));
        }
        objects.retain(|o| !gone.contains(o));
    }
    let rebuilt = rustc_built(&rebuilt_text);
    let warnings: Vec<&str> = text
        .lines()
        .chain(rebuilt_text.lines())
        .filter(|l| l.contains("objtool:") && mentions_rust(l, &objects))
        .collect();
    if !warnings.is_empty() {
        bail!("objtool warned about Rust code:\n{}", warnings.join("\n"));
    }
    let unseen: Vec<&str> = objects
        .iter()
        .filter(|o| !built.contains(*o) && !rebuilt.contains(*o))
        .map(String::as_str)
        .collect();
    if !unseen.is_empty() {
        bail!(
            "{} Rust objects were built by neither {} nor the rebuild, so objtool's verdict on them is unknown: {}",
            unseen.len(),
            log.display(),
            unseen.join(", ")
        );
    }
    process::note(format!(
        "objtool: quiet on all {} Rust objects",
        objects.len()
    ));
    Ok(())
}

fn jobs() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
}

fn remove_if_there(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// `dir/.X.o.cmd`, kbuild's record of how `dir/X.o` was made.
fn cmd_file(object: &str) -> String {
    match object.rsplit_once('/') {
        Some((dir, name)) => format!("{dir}/.{name}.cmd"),
        None => format!(".{object}.cmd"),
    }
}

/// Every object under `out` that rustc built, relative to `out`, sorted:
/// each `X.o` whose `.X.o.cmd` records a rustc command (`rust/core.o`,
/// `rust/kernel.o`, ..., `samples/rust/rust_minimal.o`). Symbolic links
/// (the `source` link to the tree) are not followed.
fn rust_objects(out: &Path) -> Result<Vec<String>> {
    fn walk(dir: &Path, rel: &str, found: &mut Vec<String>) -> Result<()> {
        for entry in
            std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?
        {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel_name = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            let kind = entry.file_type()?;
            if kind.is_dir() {
                walk(&entry.path(), &rel_name, found)?;
                continue;
            }
            let Some(object) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".cmd")) else {
                continue;
            };
            if !kind.is_file() || !object.ends_with(".o") {
                continue;
            }
            let mut first = String::new();
            let file = std::fs::File::open(entry.path())?;
            std::io::BufRead::read_line(&mut std::io::BufReader::new(file), &mut first)?;
            if is_rustc_command(&first) {
                found.push(if rel.is_empty() {
                    object.to_string()
                } else {
                    format!("{rel}/{object}")
                });
            }
        }
        Ok(())
    }
    let mut found = Vec::new();
    walk(out, "", &mut found)?;
    found.sort();
    Ok(found)
}

/// Whether the first line of a `.cmd` file, `cmd_TARGET := COMMAND`,
/// records a command that runs rustc (or clippy-driver, which stands in
/// for it in a `CLIPPY=1` build): its first program, after any
/// `VAR=value` settings (`OBJTREE=...` for the crates in rust/), is one.
fn is_rustc_command(line: &str) -> bool {
    let Some((target, command)) = line.split_once(" := ") else {
        return false;
    };
    if !target.starts_with("cmd_") {
        return false;
    }
    let first = command.split(';').next().unwrap_or("");
    let program = first.split_whitespace().find(|w| {
        let setting = w.split_once('=').is_some_and(|(name, _)| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        !setting
    });
    program.is_some_and(|p| {
        let name = p.rsplit('/').next().unwrap_or(p);
        name.starts_with("rustc") || name == "clippy-driver"
    })
}

/// The objects a build log shows rustc building: kbuild's quiet lines
/// `  RUSTC L rust/core.o`, `  RUSTC [M] samples/rust/x.o`,
/// `  RUSTC   samples/rust/x.o` (`CLIPPY` in a `CLIPPY=1` build).
fn rustc_built(log: &str) -> std::collections::BTreeSet<String> {
    log.lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let first = words.next()?;
            let last = words.last()?;
            (matches!(first, "RUSTC" | "CLIPPY") && last.ends_with(".o")).then(|| last.to_string())
        })
        .collect()
}

/// Whether a log line names one of `objects` or a Rust function (a symbol
/// in Rust's v0 mangling, `_R` and a capital at the start of a word, as
/// objtool names functions in `vmlinux.o`).
fn mentions_rust(line: &str, objects: &[String]) -> bool {
    if objects.iter().any(|o| line.contains(o.as_str())) {
        return true;
    }
    line.match_indices("_R").any(|(i, _)| {
        let before = line[..i].chars().next_back();
        let after = line[i + 2..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && after.is_some_and(|c| c.is_ascii_uppercase())
    })
}

/// On an arm64 kernel with pointer authentication and BTI
/// (tests/configs/arm64-hardening.config), the Rust objects are marked, as
/// the C ones, as signing return addresses (PAC) and having landing pads
/// for indirect branches (BTI): the kernel crate, and a Rust module.
pub fn check_arm64_hardening(_ctx: &Ctx, kernel: &Kernel) -> Vec<Outcome> {
    [
        ("kernel-crate", "rust/kernel.o"),
        ("module", "samples/rust/rust_minimal.ko"),
    ]
    .iter()
    .map(|(name, object)| {
        let result = process::output(
            Command::new(format!("{LLVM_BIN}/llvm-readelf"))
                .arg("--notes")
                .arg(kernel.out.join(object)),
        )
        .and_then(|notes| {
            // `Properties:    aarch64 feature: BTI, PAC`
            let features = notes
                .lines()
                .find(|l| l.to_ascii_lowercase().contains("aarch64 feature:"))
                .with_context(|| format!("{object} has no AArch64 feature note"))?;
            if !features.contains("BTI") || !features.contains("PAC") {
                bail!("{object} is marked `{}`, not BTI and PAC", features.trim());
            }
            Ok(())
        });
        Outcome::from_result(name, result)
    })
    .collect()
}

/// The kernel was built with the rustc its spec asks for: its
/// `CONFIG_RUSTC_VERSION_TEXT` names that compiler's version.
pub fn rustc_version(ctx: &Ctx, kernel: &Kernel) -> Outcome {
    let result = (|| {
        let config = std::fs::read_to_string(kernel.out.join(".config"))?;
        let text = parse_config(&config)
            .get("CONFIG_RUSTC_VERSION_TEXT")
            .cloned()
            .context("the kernel has no CONFIG_RUSTC_VERSION_TEXT: is Rust enabled?")?;
        let want = match kernel.spec.rustc {
            Rustc::Minimum => toolchain::minimum_rustc_version(ctx)?,
            Rustc::Current => {
                let v = process::output(Command::new("/usr/bin/rustc").arg("--version"))?;
                v.split_whitespace().nth(1).unwrap_or_default().to_string()
            }
        };
        if !text.trim_matches('"').starts_with(&format!("rustc {want}")) {
            bail!("built with {text}, not rustc {want}");
        }
        process::note(format!("{}: built with {text}", kernel.name));
        Ok(())
    })();
    Outcome::from_result("matches", result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_rustc_commands_from_others() {
        for (line, rust) in [
            ("cmd_rust/core.o := OBJTREE=/w/build/out/x86_64 /usr/bin/rustc --edition=2021 --emit=obj=rust/core.o lib.rs; llvm-objcopy --redefine-sym __multi3=__rust__multi3 rust/core.o; ./tools/objtool/objtool orc generate rust/core.o\n", true),
            ("cmd_samples/rust/rust_minimal.o := /usr/bin/rustc --edition=2021 --emit=obj=samples/rust/rust_minimal.o samples/rust/rust_minimal.rs ; ./tools/objtool/objtool orc generate --module samples/rust/rust_minimal.o", true),
            ("cmd_rust/kernel.o := OBJTREE=/o /root/.cache/linux-rust-5.10/rustc-1.85.0/bin/rustc --crate-type rlib", true),
            ("cmd_samples/rust/rust_print.o := /usr/bin/clippy-driver --edition=2021", true),
            ("cmd_rust/helpers.o := clang -Wp,-MMD,rust/.helpers.o.d -nostdinc -c -o rust/helpers.o rust/helpers.c", false),
            ("cmd_rust/exports.o := clang -DRUSTC=1 -c -o rust/exports.o rust/exports.c", false),
            ("cmd_rust/doc := /usr/bin/rustdoc --edition=2021", false),
            ("source_rust/kernel.o := /usr/bin/rustc", false),
            ("", false),
        ] {
            assert_eq!(is_rustc_command(line), rust, "{line}");
        }
    }

    #[test]
    fn reads_what_a_build_log_built_with_rustc() {
        let log = "  CC      rust/helpers.o\n  RUSTC L rust/core.o\n  RUSTC P rust/libmacros.so\n\
                   \x20 RUSTC [M] samples/rust/rust_minimal.o\n  RUSTC   samples/rust/rust_print.o\n\
                   \x20 CLIPPY L rust/kernel.o\n  RUSTDOC T rust/kernel/lib.rs\n  LD      vmlinux.o\n";
        let built: Vec<String> = rustc_built(log).into_iter().collect();
        assert_eq!(
            built,
            [
                "rust/core.o",
                "rust/kernel.o",
                "samples/rust/rust_minimal.o",
                "samples/rust/rust_print.o"
            ]
        );
    }

    #[test]
    fn finds_objtool_warnings_about_rust() {
        let objects = vec![
            "rust/kernel.o".to_string(),
            "samples/rust/rust_sync.o".to_string(),
        ];
        for (line, rust) in [
            ("rust/kernel.o: warning: objtool: _RNvXs_NtCs1_6kernel3str+0x12: call without frame pointer", true),
            ("samples/rust/rust_sync.o: warning: objtool: missing symbol for section .text", true),
            ("vmlinux.o: warning: objtool: _RNvCs1_6kernel5panic()+0x5: call to foo() leaves .noinstr.text section", true),
            ("arch/x86/kernel/head64.o: warning: objtool: __startup_64()+0x3: unreachable instruction", false),
            ("kernel/sched/core.o: warning: objtool: MAX_RT_PRIO_Rx()+0x3: return with modified stack frame", false),
            ("fs/x.o: warning: objtool: do_IRQ_Rearm()+0x3: sibling call", false),
        ] {
            assert_eq!(mentions_rust(line, &objects), rust, "{line}");
        }
    }

    #[test]
    fn finds_the_rust_objects_of_an_output_directory() {
        let out = std::env::temp_dir().join(format!("xtask-devtargets-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        let write = |path: &str, text: &str| {
            let path = out.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("rust/.core.o.cmd", "cmd_rust/core.o := OBJTREE=/o /usr/bin/rustc --emit=obj=rust/core.o\n\nsource_rust/core.o := x\n");
        write(
            "rust/.helpers.o.cmd",
            "cmd_rust/helpers.o := clang -c -o rust/helpers.o\n",
        );
        write(
            "rust/.libmacros.so.cmd",
            "cmd_rust/libmacros.so := /usr/bin/rustc --crate-type proc-macro\n",
        );
        write(
            "samples/rust/.rust_minimal.o.cmd",
            "cmd_samples/rust/rust_minimal.o := /usr/bin/rustc x\n",
        );
        write(
            ".vmlinux.o.cmd",
            "cmd_vmlinux.o := ld.lld -r -o vmlinux.o\n",
        );
        write(
            "elsewhere/.note.cmd",
            "cmd_elsewhere/note := /usr/bin/rustc\n",
        );
        let tree = out.join("tree");
        write(
            "tree/rust/.kernel.o.cmd",
            "cmd_rust/kernel.o := /usr/bin/rustc\n",
        );
        std::os::unix::fs::symlink(&tree, out.join("source")).unwrap();
        assert_eq!(
            rust_objects(&out).unwrap(),
            [
                "rust/core.o",
                "samples/rust/rust_minimal.o",
                "tree/rust/kernel.o"
            ]
        );
        std::fs::remove_dir_all(&out).unwrap();
        assert_eq!(
            cmd_file("samples/rust/rust_minimal.o"),
            "samples/rust/.rust_minimal.o.cmd"
        );
        assert_eq!(cmd_file("vmlinux.o"), ".vmlinux.o.cmd");
    }
}
