//! Kernel builds: an out-of-tree (`O=`) kernel build of `build/tree`
//! with clang/LLVM 19, from allnoconfig plus Kconfig fragments from
//! `tests/configs/`. Each set of fragments gets its own output directory,
//! so builds stay incremental.

use crate::host::toolchain;
use crate::leaf::arch::{Arch, Rustc};
use crate::leaf::ctx::Ctx;
use crate::leaf::kconfig::{self, check_config, parse_config};
use crate::leaf::process::{self, note, step};
use crate::source::repo::{self, Repo};
use crate::tree::checkout;
use anyhow::{bail, Context, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// What a kernel is built from: the tree, the compiler and the fragments.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Spec {
    pub arch: Arch,
    /// Fragments on top of `base` and the architecture's own.
    pub configs: Vec<String>,
    pub rustc: Rustc,
    /// Built from pristine 5.10.223 rather than the patched tree.
    pub pristine: bool,
}

impl Spec {
    pub fn new(arch: Arch, configs: &[String]) -> Self {
        Spec {
            arch,
            configs: configs.to_vec(),
            rustc: Rustc::Current,
            pristine: false,
        }
    }

    /// The name of its build and output directory: the architecture, the
    /// extra fragments, then what differs from the usual tree and compiler:
    /// `arm64+gpio+pl061-c`, `pristine-arm64+gpio`, `x86_64+rustc-minimum`.
    pub fn name(&self) -> String {
        let mut name = String::new();
        if self.pristine {
            name.push_str("pristine-");
        }
        name.push_str(self.arch.name());
        for c in &self.configs {
            let stem = Path::new(c)
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy();
            name.push('+');
            name.push_str(&stem);
        }
        if self.rustc == Rustc::Minimum {
            name.push_str("+rustc-minimum");
        }
        name
    }

    /// The tree it is built from, brought up to date.
    pub fn tree(&self, ctx: &Ctx) -> Result<PathBuf> {
        self.tree_in(ctx, &checkout::checkout(ctx, false)?)
    }

    /// The same, for a caller that has already checked out `repo`.
    pub fn tree_in(&self, ctx: &Ctx, repo: &Repo) -> Result<PathBuf> {
        if self.pristine {
            repo::pristine_checkout(ctx, repo)
        } else {
            Ok(repo.dir.clone())
        }
    }
}

/// A built kernel.
#[derive(Clone)]
pub struct Kernel {
    pub spec: Spec,
    pub arch: Arch,
    /// `arm64`, `arm64+gpio+pl061-c`, ... (see `Spec::name`).
    pub name: String,
    /// The source tree.
    pub tree: PathBuf,
    /// The `O=` directory, where the modules are.
    pub out: PathBuf,
    pub image: PathBuf,
}

impl Kernel {
    /// The make command for this kernel's tree, output and compiler.
    pub fn make(&self, ctx: &Ctx) -> Result<Command> {
        toolchain::make(ctx, &self.tree, &self.out, self.arch, self.spec.rustc)
    }
}

/// Builds the kernel `spec` describes from `tree`: allnoconfig with the
/// `base` and architecture fragments plus the spec's.
pub fn build(ctx: &Ctx, tree: &Path, spec: &Spec) -> Result<Kernel> {
    build_as(ctx, tree, spec, &spec.name(), true)
}

/// `build`, with the output directory and logs called `name`. With
/// `strict`, a fragment's setting that did not take effect is an error;
/// without, it is only reported (for trees older than the options).
pub fn build_as(ctx: &Ctx, tree: &Path, spec: &Spec, name: &str, strict: bool) -> Result<Kernel> {
    let (arch, configs) = (spec.arch, &spec.configs);
    let name = name.to_string();
    let out = ctx.build.join("out").join(&name);
    fs::create_dir_all(&out)?;
    let names: Vec<String> = ["base", arch.name()]
        .iter()
        .map(|s| s.to_string())
        .chain(configs.iter().cloned())
        .collect();
    let fragment = kconfig::read_fragments(&ctx.root, &names)?;
    let fragment_file = out.join("xtask-fragment.config");
    process::write_if_changed(&fragment_file, fragment.as_bytes())?;

    let logs = ctx.logs()?;
    let start = Instant::now();
    step(format!(
        "building the {name} kernel (log: build/logs/build-{name}.log)"
    ));
    process::run_logged(
        toolchain::make(ctx, tree, &out, arch, spec.rustc)?
            .arg(format!("KCONFIG_ALLCONFIG={}", fragment_file.display()))
            .arg("allnoconfig"),
        &logs.join(format!("config-{name}.log")),
        &format!("{name} allnoconfig"),
    )?;
    let config = fs::read_to_string(out.join(".config"))?;
    match check_config(&fragment, &config) {
        Err(e) if !strict => note(format!("{e:#}")),
        other => other?,
    }
    let mut targets = vec![arch.image_target().to_string()];
    if parse_config(&config)
        .get("CONFIG_MODULES")
        .map(String::as_str)
        == Some("y")
    {
        targets.push("modules".into());
    }
    let jobs = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    process::run_logged(
        toolchain::make(ctx, tree, &out, arch, spec.rustc)?
            .arg(format!("-j{jobs}"))
            .args(&targets),
        &logs.join(format!("build-{name}.log")),
        &format!("{name} build"),
    )?;
    note(format!(
        "{name} built in {}",
        process::fmt_duration(start.elapsed())
    ));
    Ok(Kernel {
        spec: spec.clone(),
        arch,
        image: out.join(arch.image_path()),
        name,
        tree: tree.to_path_buf(),
        out,
    })
}

/// Builds the out-of-tree module in `src` against `kernel` (from a copy, so
/// the build's files stay out of the repository); returns its `.ko` files.
pub fn external_module(ctx: &Ctx, kernel: &Kernel, src: &Path) -> Result<Vec<PathBuf>> {
    let name = src
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let dir = ctx.build.join("external").join(&kernel.name).join(&name);
    fs::create_dir_all(&dir)?;
    for entry in fs::read_dir(src)? {
        let path = entry?.path();
        if path.is_file() {
            process::write_if_changed(
                &dir.join(path.file_name().unwrap_or_default()),
                &fs::read(&path)?,
            )?;
        }
    }
    process::run_logged(
        kernel
            .make(ctx)?
            .arg(format!("M={}", dir.display()))
            .arg("modules"),
        &ctx.logs()?
            .join(format!("external-{name}-{}.log", kernel.name)),
        &format!("out-of-tree module {name}"),
    )?;
    let mut kos: Vec<PathBuf> = fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ko"))
        .collect();
    kos.sort();
    if kos.is_empty() {
        bail!("building {} made no module", src.display());
    }
    Ok(kos)
}

/// Builds a one-file module whose source is `source` against `kernel`, in
/// `build/external/KERNEL/NAME` (as `NAME.ko`, NAME with underscores), and
/// returns whether it built and what the build printed. A build that fails
/// is an answer here, not an error: the caller wants to know how it failed.
pub fn try_module_source(
    ctx: &Ctx,
    kernel: &Kernel,
    name: &str,
    source: &str,
) -> Result<(bool, String)> {
    let object = name.replace('-', "_");
    let dir = ctx.build.join("external").join(&kernel.name).join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir)?;
    fs::write(dir.join("Kbuild"), format!("obj-m := {object}.o\n"))?;
    fs::write(dir.join(format!("{object}.rs")), source)?;
    let out = kernel
        .make(ctx)?
        .arg(format!("M={}", dir.display()))
        .arg("modules")
        .output()
        .context("cannot run make")?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let built = out.status.success() && dir.join(format!("{object}.ko")).is_file();
    Ok((built, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_builds() {
        let mut spec = Spec::new(
            Arch::Arm64,
            &["gpio".into(), "tests/configs/pl061-c.config".into()],
        );
        assert_eq!(spec.name(), "arm64+gpio+pl061-c");
        spec.pristine = true;
        assert_eq!(spec.name(), "pristine-arm64+gpio+pl061-c");
        let mut spec = Spec::new(Arch::X86_64, &[]);
        assert_eq!(spec.name(), "x86_64");
        spec.rustc = Rustc::Minimum;
        assert_eq!(spec.name(), "x86_64+rustc-minimum");
    }
}
