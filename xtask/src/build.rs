//! `cargo xtask build`: an out-of-tree (`O=`) kernel build of `build/tree`
//! with clang/LLVM 19, from allnoconfig plus Kconfig fragments from
//! `tests/configs/`. Each set of fragments gets its own output directory,
//! so builds stay incremental.

use crate::args::Args;
use crate::tree;
use crate::util::{self, note, step, Ctx};
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Arch {
    Arm64,
    X86_64,
}

impl Arch {
    pub const ALL: [Arch; 2] = [Arch::Arm64, Arch::X86_64];

    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "arm64" | "aarch64" => Ok(Arch::Arm64),
            "x86_64" | "x86-64" | "amd64" => Ok(Arch::X86_64),
            _ => bail!("unknown architecture `{s}` (arm64 or x86_64)"),
        }
    }

    /// The kernel's name, which is also the fragment's name.
    pub fn name(self) -> &'static str {
        match self {
            Arch::Arm64 => "arm64",
            Arch::X86_64 => "x86_64",
        }
    }

    /// Debian's name for it.
    pub fn debian(self) -> &'static str {
        match self {
            Arch::Arm64 => "arm64",
            Arch::X86_64 => "amd64",
        }
    }

    /// The GNU triple: clang's target for guest programs, and the
    /// `CROSS_COMPILE` prefix from which 5.10 derives clang's target.
    pub fn triple(self) -> &'static str {
        match self {
            Arch::Arm64 => "aarch64-linux-gnu",
            Arch::X86_64 => "x86_64-linux-gnu",
        }
    }

    fn make_vars(self) -> Vec<String> {
        let mut v = vec![format!("ARCH={}", self.name())];
        if self == Arch::Arm64 {
            v.push(format!("CROSS_COMPILE={}-", self.triple()));
        }
        v
    }

    pub fn image_target(self) -> &'static str {
        match self {
            Arch::Arm64 => "Image",
            Arch::X86_64 => "bzImage",
        }
    }

    pub fn image_path(self) -> &'static str {
        match self {
            Arch::Arm64 => "arch/arm64/boot/Image",
            Arch::X86_64 => "arch/x86/boot/bzImage",
        }
    }
}

/// The Rust compiler a kernel is built with (with its rustdoc and library
/// source).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rustc {
    /// Debian's current `rustc-web`, installed in /usr/bin.
    #[default]
    Current,
    /// The oldest version the series supports, unpacked from Debian's
    /// bookworm `rustc-web` into the cache (see `setup::minimum_rustc`).
    Minimum,
}

impl Rustc {
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "current" => Ok(Rustc::Current),
            "minimum" => Ok(Rustc::Minimum),
            _ => bail!("unknown rustc `{s}` (current or minimum)"),
        }
    }

    /// `RUSTC=` and `RUSTDOC=` for make.
    fn make_vars(self, ctx: &Ctx) -> Result<[String; 2]> {
        let bin = match self {
            Rustc::Current => PathBuf::from("/usr/bin"),
            Rustc::Minimum => crate::setup::minimum_rustc(ctx)?,
        };
        Ok([
            format!("RUSTC={}", bin.join("rustc").display()),
            format!("RUSTDOC={}", bin.join("rustdoc").display()),
        ])
    }
}

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
        self.tree_in(ctx, &tree::checkout(ctx, false)?)
    }

    /// The same, for a caller that has already checked out `repo`.
    pub fn tree_in(&self, ctx: &Ctx, repo: &tree::Repo) -> Result<PathBuf> {
        if self.pristine {
            tree::pristine_checkout(ctx, repo)
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
        make(ctx, &self.tree, &self.out, self.arch, self.spec.rustc)
    }
}

pub fn command(ctx: &Ctx, args: &mut Args) -> Result<()> {
    let arch = Arch::parse(&args.value("arch")?.context("--arch is required")?)?;
    let mut spec = Spec::new(arch, &args.values("config")?);
    if let Some(rustc) = args.value("rustc")? {
        spec.rustc = Rustc::parse(&rustc)?;
    }
    spec.pristine = args.flag("pristine");
    args.finish()?;
    let kernel = build(ctx, &spec.tree(ctx)?, &spec)?;
    step(format!("kernel image: {}", kernel.image.display()));
    Ok(())
}

/// The fragment file for a name or a path.
fn fragment_path(ctx: &Ctx, name: &str) -> Result<PathBuf> {
    let path = if name.contains('/') {
        PathBuf::from(name)
    } else {
        ctx.root
            .join("tests/configs")
            .join(format!("{name}.config"))
    };
    if !path.is_file() {
        bail!("no Kconfig fragment {} (for `{name}`)", path.display());
    }
    Ok(path)
}

/// The make command for a kernel tree and output directory. The Rust tools
/// are named explicitly: the first `rustc` in PATH may be one without its
/// library source (such as rustup's), which the kernel cannot use.
pub fn make(ctx: &Ctx, tree: &Path, out: &Path, arch: Arch, rustc: Rustc) -> Result<Command> {
    let mut cmd = Command::new("make");
    let path = crate::setup::llvm_path();
    cmd.arg("-C")
        .arg(tree)
        .arg(format!("O={}", out.display()))
        .args(arch.make_vars())
        .args(["LLVM=1", "LLVM_IAS=1", "LOCALVERSION="])
        .args(rustc.make_vars(ctx)?)
        .arg("RUSTFMT=/usr/bin/rustfmt")
        .arg("CLIPPY_DRIVER=/usr/bin/clippy-driver")
        .arg(format!("BINDGEN={}", crate::setup::bindgen(ctx)?.display()))
        .env("PATH", path);
    Ok(cmd)
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
    let mut fragment = String::new();
    for c in ["base", arch.name()]
        .iter()
        .map(|s| s.to_string())
        .chain(configs.iter().cloned())
    {
        let path = fragment_path(ctx, &c)?;
        fragment += &format!("# {}\n", path.display());
        fragment += &fs::read_to_string(&path)?;
        fragment.push('\n');
    }
    let fragment_file = out.join("xtask-fragment.config");
    util::write_if_changed(&fragment_file, fragment.as_bytes())?;

    let logs = ctx.logs()?;
    let start = Instant::now();
    step(format!(
        "building the {name} kernel (log: build/logs/build-{name}.log)"
    ));
    util::run_logged(
        make(ctx, tree, &out, arch, spec.rustc)?
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
    util::run_logged(
        make(ctx, tree, &out, arch, spec.rustc)?
            .arg(format!("-j{jobs}"))
            .args(&targets),
        &logs.join(format!("build-{name}.log")),
        &format!("{name} build"),
    )?;
    note(format!(
        "{name} built in {}",
        util::fmt_duration(start.elapsed())
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
            util::write_if_changed(
                &dir.join(path.file_name().unwrap_or_default()),
                &fs::read(&path)?,
            )?;
        }
    }
    util::run_logged(
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

/// `CONFIG_FOO` to its value, `n` for `# CONFIG_FOO is not set`.
pub fn parse_config(text: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("# ") {
            if let Some(sym) = rest.strip_suffix(" is not set") {
                map.insert(sym.to_string(), "n".to_string());
            }
        } else if let Some((k, v)) = line.split_once('=') {
            if k.starts_with("CONFIG_") {
                map.insert(k.to_string(), v.to_string());
            }
        }
    }
    map
}

/// Every option a fragment asks for must be in the final configuration:
/// a misspelt or unreachable option is an error, not a silent no-op.
pub fn check_config(fragment: &str, config: &str) -> Result<()> {
    let want = parse_config(fragment);
    let have = parse_config(config);
    let mut wrong = Vec::new();
    for (k, v) in &want {
        let got = have.get(k).map(String::as_str).unwrap_or("n");
        if got != v {
            wrong.push(format!("{k}={v} (got {got})"));
        }
    }
    if !wrong.is_empty() {
        bail!(
            "these options did not take effect (misspelt, or a dependency is missing):\n  {}",
            wrong.join("\n  ")
        );
    }
    Ok(())
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

    #[test]
    fn checks_that_fragments_took_effect() {
        let fragment =
            "CONFIG_GPIOLIB=y\n# CONFIG_DEBUG_INFO is not set\nCONFIG_LOG_BUF_SHIFT=14\n";
        let good = "CONFIG_GPIOLIB=y\nCONFIG_LOG_BUF_SHIFT=14\n";
        check_config(fragment, good).unwrap();
        let bad = "# CONFIG_GPIOLIB is not set\nCONFIG_DEBUG_INFO=y\nCONFIG_LOG_BUF_SHIFT=17\n";
        let err = check_config(fragment, bad).unwrap_err().to_string();
        assert!(err.contains("CONFIG_GPIOLIB=y (got n)"), "{err}");
        assert!(err.contains("CONFIG_DEBUG_INFO=n (got y)"), "{err}");
        assert!(err.contains("CONFIG_LOG_BUF_SHIFT=14 (got 17)"), "{err}");
    }
}
