//! Tests of the Rust developer targets on a built tree: `make rustfmtcheck`
//! finds the sources formatted, `make rustdoc` writes HTML for the crates,
//! a `CLIPPY=1` build of the Rust code gives no warning, and
//! `scripts/decode_stacktrace.sh` turns a Rust function in a stack trace
//! into its demangled name and source line, and rustdoc finds an example
//! on every public item of the kernel crate that should have one.

use crate::build::Kernel;
use crate::setup::LLVM_BIN;
use crate::util::{self, Ctx, Outcome};
use anyhow::{bail, Context, Result};
use std::process::Command;

fn make(ctx: &Ctx, kernel: &Kernel, args: &[&str], log: &str) -> Result<String> {
    let path = ctx.logs()?.join(format!("{log}-{}.log", kernel.name));
    util::run_logged(kernel.make(ctx)?.args(args), &path, log)?;
    Ok(std::fs::read_to_string(path)?)
}

/// Runs the checks on `kernel`, a build with `CONFIG_RUST=y`.
pub fn check(ctx: &Ctx, kernel: &Kernel) -> Vec<Outcome> {
    let jobs = format!(
        "-j{}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    );
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
    util::note(format!(
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
    let demangled = util::output_with_input(
        &mut Command::new(format!("{LLVM_BIN}/llvm-cxxfilt")),
        candidates.join("\n").as_bytes(),
    )?;
    let (symbol, demangled) = candidates
        .iter()
        .zip(demangled.lines())
        .find(|(_, d)| d.starts_with("rust_minimal::") || d.starts_with("<rust_minimal::"))
        .context("no function of the rust_minimal sample in System.map")?;
    let path = crate::setup::llvm_path();
    let line = format!("[    1.000000]  {symbol}+0x4/0x40\n");
    let out = util::output_with_input(
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
/// found nothing to warn about in any Rust object of the build.
pub fn check_x86_hardening(ctx: &Ctx, kernel: &Kernel) -> Vec<Outcome> {
    let id = |what: &str| what.to_string();
    let object = kernel.out.join("rust/kernel.o");
    let tool = |name: &str, args: &[&str]| {
        util::output(
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
    let quiet = (|| {
        let mut log = ctx.logs()?.join(format!("build-{}.log", kernel.name));
        let mut text = std::fs::read_to_string(&log)?;
        if !text.contains("RUSTC") {
            // The kernel was already up to date (built by an earlier
            // command): build the kernel crate again to see objtool on it.
            std::fs::remove_file(kernel.out.join("rust/kernel.o"))?;
            text = make(
                ctx,
                kernel,
                &[kernel.arch.image_target()],
                "objtool-rebuild",
            )?;
            log = ctx
                .logs()?
                .join(format!("objtool-rebuild-{}.log", kernel.name));
        }
        let warnings: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("objtool:") && (l.contains("rust/") || l.contains("_R")))
            .collect();
        if !warnings.is_empty() {
            bail!("objtool warned about Rust code:\n{}", warnings.join("\n"));
        }
        if !text.contains("RUSTC") {
            bail!("{} shows no Rust object being built", log.display());
        }
        Ok(())
    })();
    vec![
        Outcome::from_result(&id("thunk-and-canary"), calls),
        Outcome::from_result(&id("objtool-sections"), sections),
        Outcome::from_result(&id("objtool-quiet"), quiet),
    ]
}

/// On an arm64 kernel with pointer authentication and BTI
/// (tests/configs/arm64-hardening.config), the Rust objects are marked, as
/// the C ones, as signing return addresses (PAC) and having landing pads
/// for indirect branches (BTI): the kernel crate, and a Rust module.
pub fn check_arm64_hardening(_ctx: &Ctx, kernel: &Kernel) -> Vec<Outcome> {
    [("kernel-crate", "rust/kernel.o"), ("module", "samples/rust/rust_minimal.ko")]
        .iter()
        .map(|(name, object)| {
            let result = util::output(
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
        let text = crate::build::parse_config(&config)
            .get("CONFIG_RUSTC_VERSION_TEXT")
            .cloned()
            .context("the kernel has no CONFIG_RUSTC_VERSION_TEXT: is Rust enabled?")?;
        let want = match kernel.spec.rustc {
            crate::build::Rustc::Minimum => crate::setup::minimum_rustc_version(ctx)?,
            crate::build::Rustc::Current => {
                let v = util::output(Command::new("/usr/bin/rustc").arg("--version"))?;
                v.split_whitespace().nth(1).unwrap_or_default().to_string()
            }
        };
        if !text.trim_matches('"').starts_with(&format!("rustc {want}")) {
            bail!("built with {text}, not rustc {want}");
        }
        util::note(format!("{}: built with {text}", kernel.name));
        Ok(())
    })();
    Outcome::from_result("matches", result)
}
