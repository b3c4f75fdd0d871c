//! The guest's initramfs: Debian's static busybox, `tests/initramfs/init`
//! as /init, its helper library, the scenario script, and every C program
//! in `tests/initramfs/` compiled statically for the guest with clang.

use crate::guest::scenario::Scenario;
use crate::host::toolchain::{self, LLVM_BIN};
use crate::leaf::arch::Arch;
use crate::leaf::cpio::Cpio;
use crate::leaf::ctx::Ctx;
use crate::leaf::process;
use anyhow::{Context, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Compiles one guest program unless its binary is newer than its source
/// and the headers beside it.
fn compile(source: &Path, headers: &[PathBuf], out: &Path, arch: Arch) -> Result<()> {
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    let newest_input = headers
        .iter()
        .chain([&source.to_path_buf()])
        .filter_map(|p| modified(p))
        .max();
    if let (Some(bin), Some(input)) = (modified(out), newest_input) {
        if bin > input {
            return Ok(());
        }
    }
    let mut cmd = Command::new(format!("{LLVM_BIN}/clang"));
    cmd.arg(format!("--target={}", arch.triple()));
    if arch == Arch::Arm64 {
        cmd.args(["--sysroot=/usr/aarch64-linux-gnu", "--gcc-toolchain=/usr"]);
    }
    cmd.args([
        "-static",
        "-fuse-ld=lld",
        "-O2",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-o",
    ])
    .arg(out)
    .arg(source);
    process::run(&mut cmd).with_context(|| format!("cannot compile {}", source.display()))
}

/// The guest programs for `arch`: (name in /bin, binary).
pub fn programs(ctx: &Ctx, arch: Arch) -> Result<Vec<(String, PathBuf)>> {
    let src = ctx.root.join("tests/initramfs");
    let out_dir = ctx.build.join("guest").join(arch.name());
    fs::create_dir_all(&out_dir)?;
    let mut out = Vec::new();
    let files: Vec<PathBuf> = fs::read_dir(&src)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    let with_ext = |ext: &str| {
        let mut v: Vec<PathBuf> = files
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .cloned()
            .collect();
        v.sort();
        v
    };
    let headers = with_ext("h");
    for source in with_ext("c") {
        let name = source
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let bin = out_dir.join(&name);
        compile(&source, &headers, &bin, arch)?;
        out.push((name, bin));
    }
    Ok(out)
}

/// Builds the initramfs for a scenario, with `extra` files (guest path,
/// host file) added; returns its path.
pub fn build(ctx: &Ctx, scenario: &Scenario, extra: &[(String, PathBuf)]) -> Result<PathBuf> {
    let arch = scenario.arch;
    let src = ctx.root.join("tests/initramfs");
    let read = |p: PathBuf| fs::read(&p).with_context(|| format!("cannot read {}", p.display()));
    let mut c = Cpio::new();
    for d in ["bin", "dev", "etc", "proc", "sys", "tmp", "root"] {
        c.dir(d);
    }
    c.char_dev("dev/console", 0o600, 5, 1);
    c.file("bin/busybox", 0o755, &read(toolchain::busybox(ctx, arch)?)?);
    c.symlink("bin/sh", "busybox");
    c.file("init", 0o755, &read(src.join("init"))?);
    c.file("etc/test-lib.sh", 0o644, &read(src.join("lib.sh"))?);
    let script = ctx
        .root
        .join("tests/scenarios")
        .join(format!("{}.sh", scenario.script));
    c.file("scenario.sh", 0o755, &read(script)?);
    // Its arguments, one a line, and what to hand over after it (see
    // tests/initramfs/init).
    let lines = |items: &[String]| items.iter().map(|i| format!("{i}\n")).collect::<String>();
    c.file("etc/scenario.args", 0o644, lines(&scenario.args).as_bytes());
    c.file(
        "etc/scenario.collect",
        0o644,
        lines(&scenario.collect).as_bytes(),
    );
    for (name, bin) in programs(ctx, arch)? {
        c.file(&format!("bin/{name}"), 0o755, &read(bin)?);
    }
    let mut dirs = std::collections::BTreeSet::new();
    for (path, file) in extra {
        let mut parent = Path::new(path).parent();
        let mut missing = Vec::new();
        while let Some(p) = parent.filter(|p| !p.as_os_str().is_empty()) {
            if dirs.insert(p.to_path_buf()) {
                missing.push(p.to_string_lossy().into_owned());
            }
            parent = p.parent();
        }
        for d in missing.iter().rev() {
            c.dir(d);
        }
        c.file(path, 0o644, &read(file.clone())?);
    }
    let out = ctx
        .build
        .join("initramfs")
        .join(format!("{}.cpio", scenario.id()));
    process::write_if_changed(&out, &c.finish())?;
    Ok(out)
}
