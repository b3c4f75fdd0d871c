//! Tests of `make LLVM=1 rustavailable`: it must accept the project's
//! toolchain and refuse, with one reason and a fix, each way a toolchain
//! can be broken. Broken toolchains are made of the real tools behind
//! wrapper scripts, or of Debian's own too-old bindgen.

use crate::host::toolchain::{self, LLVM_BIN};
use crate::leaf::arch::{Arch, Rustc};
use crate::leaf::ctx::Ctx;
use crate::leaf::outcome::Outcome;
use crate::leaf::process;
use anyhow::Result;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

struct Case {
    name: &'static str,
    /// Make variables overriding the project's toolchain.
    vars: Vec<String>,
    succeeds: bool,
    /// What the output must say.
    says: Vec<String>,
    /// Why the case cannot run on this machine, if it cannot: it is then
    /// reported as skipped, with this reason, rather than left out.
    skip: Option<String>,
}

fn script(dir: &Path, name: &str, body: &str) -> Result<PathBuf> {
    let path = dir.join(name);
    fs::write(&path, format!("#!/bin/sh\n{body}\n"))?;
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755))?;
    Ok(path)
}

fn cases(ctx: &Ctx, fake: &Path) -> Result<Vec<Case>> {
    let bindgen = toolchain::bindgen(ctx)?;
    let empty = fake.join("empty");
    fs::create_dir_all(&empty)?;
    let old_rustc = script(
        fake,
        "rustc-1.80",
        "echo 'rustc 1.80.0 (051478957 2024-07-21)'",
    )?;
    // A compiler whose sysroot has no library source, like rustup's
    // without the rust-src component.
    let no_src = script(
        fake,
        "rustc-no-src",
        &format!(
            "[ \"$*\" = '--print sysroot' ] && echo {} && exit 0\nexec /usr/bin/rustc \"$@\"",
            empty.display()
        ),
    )?;
    let no_libclang = script(
        fake,
        "bindgen-no-libclang",
        &format!(
            "LIBCLANG_PATH={} PATH=/usr/bin:/bin exec {} \"$@\"",
            empty.display(),
            bindgen.display()
        ),
    )?;
    let other_clang = script(
        fake,
        "clang-15",
        &format!(
            "case \"$*\" in *-E*) echo '15.0.7' ;; *) exec {}/clang \"$@\" ;; esac",
            LLVM_BIN
        ),
    )?;
    // A libclang older than the minimum, as bindgen reports it when it
    // parses the script's probe header.
    let old_libclang = script(
        fake,
        "bindgen-old-libclang",
        &format!(
            "case \"$*\" in *rust_is_available_bindgen_libclang.h*)\n\
             \techo 'warning: rust_is_available_libclang 9.0.1 (tags/RELEASE_901/final)' >&2 ;;\n\
             *) exec {} \"$@\" ;;\nesac",
            bindgen.display()
        ),
    )?;
    let minimum = toolchain::minimum_rustc(ctx)?;
    let min_version = toolchain::minimum_rustc_version(ctx)?;
    let var = |k: &str, v: &Path| format!("{k}={}", v.display());
    let mut cases = vec![
        Case {
            name: "works",
            vars: vec![],
            succeeds: true,
            says: vec!["Rust is available: rustc 1.".into(), " bindgen 0.".into()],
            skip: None,
        },
        Case {
            name: "minimum-rustc",
            vars: vec![
                var("RUSTC", &minimum.join("rustc")),
                var("RUSTDOC", &minimum.join("rustdoc")),
            ],
            succeeds: true,
            says: vec![format!("Rust is available: rustc {min_version}")],
            skip: None,
        },
        Case {
            name: "rustc-missing",
            vars: vec!["RUSTC=/nonexistent/rustc".into()],
            succeeds: false,
            says: vec!["Rust compiler '/nonexistent/rustc' could not be found".into()],
            skip: None,
        },
        Case {
            name: "rustc-too-old",
            vars: vec![var("RUSTC", &old_rustc)],
            succeeds: false,
            says: vec![
                "is too old: 1.80.0".into(),
                "At least 1.85.0 is needed".into(),
            ],
            skip: None,
        },
        Case {
            name: "rust-src-missing",
            vars: vec![var("RUSTC", &no_src)],
            succeeds: false,
            says: vec![
                "The source of the Rust standard library was not found".into(),
                "RUSTC=/usr/bin/rustc".into(),
            ],
            skip: None,
        },
        Case {
            name: "bindgen-missing",
            vars: vec!["BINDGEN=/nonexistent/bindgen".into()],
            succeeds: false,
            says: vec!["'/nonexistent/bindgen' could not be found".into()],
            skip: None,
        },
        Case {
            name: "bindgen-too-old",
            vars: vec!["BINDGEN=/usr/bin/bindgen".into()],
            succeeds: false,
            says: vec![
                "is too old: 0.60".into(),
                "At least 0.65.1 is needed".into(),
            ],
            skip: None,
        },
        Case {
            name: "libclang-missing",
            vars: vec![var("BINDGEN", &no_libclang)],
            succeeds: false,
            says: vec!["could not find libclang".into(), "LIBCLANG_PATH".into()],
            skip: None,
        },
        Case {
            name: "libclang-too-old",
            vars: vec![var("BINDGEN", &old_libclang)],
            succeeds: false,
            says: vec![
                "is too old: 9.0.1".into(),
                "At least 10.0.1 is needed".into(),
            ],
            skip: None,
        },
        Case {
            name: "libclang-differs-from-clang",
            vars: vec![var("CC", &other_clang)],
            succeeds: true,
            says: vec!["differs".into(), "(15.0.7)".into()],
            skip: None,
        },
    ];
    cases.push(rustup_case(&var));
    Ok(cases)
}

/// The machine's own rustup compiler, when it has no library source (the
/// rust-src component): the mistake the series' advice is for, made with
/// the real thing rather than a wrapper. Without rustup, or with rust-src
/// installed, there is no such compiler here, and the case is skipped,
/// saying which.
fn rustup_case(var: &dyn Fn(&str, &Path) -> String) -> Case {
    let home = std::env::var("HOME").unwrap_or_default();
    let rustup = Path::new(&home).join(".cargo/bin/rustc");
    let skip = rustup_skip(&rustup);
    Case {
        name: "rustup-without-rust-src",
        vars: vec![var("RUSTC", &rustup)],
        succeeds: false,
        says: vec!["was not found".into(), "RUSTC=/usr/bin/rustc".into()],
        skip,
    }
}

/// Why the case for the rustup compiler at `rustup` cannot run here, if
/// it cannot: there is none, it cannot run, or it has its library source.
fn rustup_skip(rustup: &Path) -> Option<String> {
    if !rustup.exists() {
        return Some(format!(
            "no rustup here ({} does not exist): the case needs rustup's rustc without rust-src",
            rustup.display()
        ));
    }
    match process::output(std::process::Command::new(rustup).args(["--print", "sysroot"])) {
        Err(e) => Some(format!(
            "rustup's rustc ({}) cannot say its sysroot (no default toolchain?): {e:#}",
            rustup.display()
        )),
        Ok(sysroot)
            if Path::new(&sysroot)
                .join("lib/rustlib/src/rust/library/core")
                .exists() =>
        {
            Some(format!(
                "rustup's rustc here has its library source (rust-src is installed in {sysroot}), \
                 so it is not the broken toolchain this case needs"
            ))
        }
        Ok(_) => None,
    }
}

/// Runs every case against the tree; one outcome each.
pub fn check(ctx: &Ctx, tree: &Path) -> Result<Vec<Outcome>> {
    let fake = ctx.build.join("fake-tools");
    fs::create_dir_all(&fake)?;
    let out = ctx.build.join("out/rustavailable");
    fs::create_dir_all(&out)?;
    let mut outcomes = Vec::new();
    for case in cases(ctx, &fake)? {
        let name = format!("rustavailable.{}", case.name);
        if let Some(why) = case.skip {
            outcomes.push(Outcome::skip(name, why));
            continue;
        }
        let result = toolchain::make(ctx, tree, &out, Arch::X86_64, Rustc::Current)?
            .args(&case.vars)
            .arg("rustavailable")
            .output()?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&result.stdout),
            String::from_utf8_lossy(&result.stderr)
        );
        let missing: Vec<&String> = case
            .says
            .iter()
            .filter(|s| !text.contains(s.as_str()))
            .collect();
        outcomes.push(if result.status.success() != case.succeeds {
            Outcome::fail(
                name,
                format!(
                    "expected {}, got {}:\n{text}",
                    if case.succeeds { "success" } else { "failure" },
                    result.status
                ),
            )
        } else if !missing.is_empty() {
            Outcome::fail(
                name,
                format!("the output does not say {missing:?}:\n{text}"),
            )
        } else {
            Outcome::pass(name)
        });
    }
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rustup_case_says_why_it_is_skipped() {
        let dir = std::env::temp_dir().join(format!("xtask-rustavailable-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let sysroot = dir.join("sysroot");
        fs::create_dir_all(&sysroot).unwrap();
        let why = rustup_skip(&dir.join("none/rustc")).unwrap();
        assert!(why.starts_with("no rustup here"), "{why}");
        let failing = script(
            &dir,
            "failing",
            "echo 'error: no default toolchain' >&2; exit 1",
        )
        .unwrap();
        let why = rustup_skip(&failing).unwrap();
        assert!(
            why.contains("cannot say its sysroot") && why.contains("no default toolchain"),
            "{why}"
        );
        let rustc = script(&dir, "rustc", &format!("echo {}", sysroot.display())).unwrap();
        // Without rust-src: the case runs.
        assert_eq!(rustup_skip(&rustc), None);
        fs::create_dir_all(sysroot.join("lib/rustlib/src/rust/library/core")).unwrap();
        let why = rustup_skip(&rustc).unwrap();
        assert!(why.contains("has its library source"), "{why}");
        let case = rustup_case(&|k: &str, v: &Path| format!("{k}={}", v.display()));
        assert_eq!(case.name, "rustup-without-rust-src");
        fs::remove_dir_all(&dir).unwrap();
    }
}
