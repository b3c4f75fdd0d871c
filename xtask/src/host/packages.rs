//! Installing and fetching what the project needs: Debian's packages (the
//! only place that runs apt-get, dpkg or `cargo install`), bindgen-cli from
//! crates.io, and downloads through a private apt configuration: the
//! pristine 5.10.223 tarball, a static busybox for each guest and the
//! oldest supported rustc. Only `commands` calls the functions that
//! install or fetch; the layers below find what they fetched through
//! `host::toolchain` (and `pristine_tarball`) and fail if it is missing.

use crate::host::toolchain::{self, BINDGEN_VERSION, LLVM_BIN};
use crate::leaf::arch::Arch;
use crate::leaf::ctx::Ctx;
use crate::leaf::process::{self, note, step};
use anyhow::{bail, Context, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Packages from Debian 12 ("bookworm") itself. They are installed without
/// their recommendations, which would add Debian's cargo, rust-lld with all
/// of LLVM 22 (Debian's rustc links with `cc`), LLVM 19's development files
/// and test tools, an ssh client with X11 libraries and more; what the
/// project needs beyond their dependencies is named here.
const PACKAGES: &[&str] = &[
    // The C toolchain the kernel is built with.
    "clang-19",
    "lld-19",
    "llvm-19",
    "libclang-19-dev",
    // The Rust toolchain with its library source, and its tools.
    "rustc-web",
    "rust-web-src",
    "rustfmt-web",
    "rust-web-clippy",
    "bindgen",
    // What a kernel build needs besides the compiler.
    "make",
    "bc",
    "flex",
    "bison",
    "libelf-dev",
    "libssl-dev",
    "cpio",
    "kmod",
    "perl",
    "git",
    "xz-utils",
    // `cargo install bindgen-cli` fetches from crates.io over HTTPS (git
    // only recommends it).
    "ca-certificates",
    // checkpatch's SPDX licence check: it runs scripts/spdxcheck.py as
    // `python`, which imports ply and git (GitPython). Without them, or
    // without a `python`, checkpatch silently takes every identifier as
    // valid. Debian's packages, never pip into the system's interpreter;
    // `cargo xtask series` proves that the check runs.
    "python-is-python3",
    "python3-ply",
    "python3-git",
    // Static test programs for the guests.
    "libc6-dev",
    "libc6-dev-arm64-cross",
    "libgcc-12-dev-arm64-cross",
];

/// Packages taken from bookworm-backports: bookworm's own QEMU 7.2 cannot be
/// installed beside the machine's newer qemu-utils. Without recommendations:
/// those are the GTK and SDL displays, SPICE, OpenGL, audio, UEFI firmware
/// and qemu-utils, none of which a guest booted with `-kernel`, `-display
/// none` and `-nic none` uses (the arm64 `virt` board loads no firmware at
/// all).
const BACKPORTS: &[&str] = &[
    "qemu-system-arm",
    "qemu-system-x86",
    // The x86_64 guest's firmware: the default `pc` machine boots through
    // SeaBIOS's bios-256k.bin, and its VGA card needs vgabios-stdvga.bin.
    // qemu-system-x86 depends on it today; named so that it stays. (Its
    // other firmware dependency, ipxe-qemu, is only used by network cards.)
    "seabios",
];
const BACKPORTS_SOURCE: &str = "deb http://deb.debian.org/debian bookworm-backports main";

fn missing(packages: &[&str]) -> Result<Vec<String>> {
    let out = Command::new("dpkg-query")
        .args(["-W", "-f=${Package} ${db:Status-Status}\n"])
        .args(packages)
        .output()
        .context("cannot run dpkg-query: is this Debian?")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let installed: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_suffix(" installed"))
        .collect();
    Ok(packages
        .iter()
        .filter(|p| !installed.contains(p))
        .map(|p| p.to_string())
        .collect())
}

/// Installs the Debian packages that are missing. Quick when none are.
pub fn install_packages() -> Result<()> {
    let main = missing(PACKAGES)?;
    let backports = missing(BACKPORTS)?;
    if main.is_empty() && backports.is_empty() {
        return Ok(());
    }
    let all: Vec<&str> = main.iter().chain(&backports).map(String::as_str).collect();
    if !process::is_root() {
        bail!(
            "these Debian packages are missing and installing them needs root: {}\n\
             run `sudo cargo xtask setup` (or install them yourself; {} come from bookworm-backports)",
            all.join(" "),
            BACKPORTS.join(" ")
        );
    }
    step(format!("installing Debian packages: {}", all.join(" ")));
    if !backports.is_empty() {
        add_backports()?;
    }
    apt(&["update", "-q"])?;
    if !main.is_empty() {
        install(&main, &[])?;
    }
    if !backports.is_empty() {
        install(&backports, &["-t", "bookworm-backports"])?;
    }
    let still = missing(&all)?;
    if !still.is_empty() {
        bail!(
            "apt-get finished but these packages are still missing: {}",
            still.join(" ")
        );
    }
    Ok(())
}

fn add_backports() -> Result<()> {
    let listed = Command::new("grep")
        .args([
            "-rqs",
            "bookworm-backports",
            "/etc/apt/sources.list",
            "/etc/apt/sources.list.d",
        ])
        .status()?
        .success();
    if !listed {
        note("adding bookworm-backports to /etc/apt/sources.list.d/");
        fs::write(
            "/etc/apt/sources.list.d/xtask-bookworm-backports.list",
            format!("{BACKPORTS_SOURCE}\n"),
        )?;
    }
    Ok(())
}

fn apt(args: &[&str]) -> Result<()> {
    let status = Command::new("apt-get")
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .context("cannot run apt-get")?;
    if !status.success() {
        bail!("apt-get {} failed ({status})", args.join(" "));
    }
    Ok(())
}

/// Installs `packages` and what they depend on, but not what they only
/// recommend: what the project needs beyond that is in the lists above.
fn install(packages: &[String], extra: &[&str]) -> Result<()> {
    let mut args = vec!["install", "-y", "-q", "--no-install-recommends"];
    args.extend_from_slice(extra);
    args.extend(packages.iter().map(String::as_str));
    if apt(&args).is_ok() {
        return Ok(());
    }
    // An interrupted earlier run leaves dpkg half-done: repair, then retry once.
    note("apt-get failed; repairing dpkg's state and trying again");
    let _ = Command::new("dpkg").args(["--configure", "-a"]).status();
    apt(&["-f", "install", "-y", "-q", "--no-install-recommends"])?;
    apt(&args)
}

/// Builds bindgen-cli BINDGEN_VERSION from crates.io into the cache, once:
/// Debian 12's 0.60 is older than the series' minimum.
pub fn install_bindgen(ctx: &Ctx) -> Result<PathBuf> {
    if let Ok(bin) = toolchain::bindgen(ctx) {
        return Ok(bin);
    }
    let root = toolchain::bindgen_root(ctx);
    let bin = root.join("bin/bindgen");
    step(format!(
        "building bindgen-cli {BINDGEN_VERSION} from crates.io (cargo install, a few minutes, once)"
    ));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "install",
            "--locked",
            "--quiet",
            "--version",
            BINDGEN_VERSION,
        ])
        .args(["bindgen-cli", "--root"])
        .arg(&root)
        .env(
            "LIBCLANG_PATH",
            format!("{}/lib", LLVM_BIN.trim_end_matches("/bin")),
        )
        .status()
        .context("cannot run cargo install")?;
    if !status.success() || !bin.exists() {
        bail!("cargo install bindgen-cli --version {BINDGEN_VERSION} failed ({status})");
    }
    Ok(bin)
}

/// A private apt configuration and package index under the cache directory:
/// downloads without touching the system's sources or dpkg's architectures.
struct PrivateApt {
    dir: PathBuf,
    archs: Vec<&'static str>,
}

impl PrivateApt {
    fn new(ctx: &Ctx, name: &str, source: &str, archs: &[&'static str]) -> Result<Self> {
        let dir = ctx.cache.join("apt").join(name);
        fs::create_dir_all(dir.join("lists/partial"))?;
        process::write_if_changed(&dir.join("sources.list"), format!("{source}\n").as_bytes())?;
        let apt = Self {
            dir,
            archs: archs.to_vec(),
        };
        let has_index = fs::read_dir(apt.dir.join("lists"))?
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().ends_with("Release"));
        if !has_index {
            apt.run(&["update", "-q"], &apt.dir)?;
        }
        Ok(apt)
    }

    /// Debian bookworm's main archive (its point release, without the
    /// security updates), for amd64 and arm64.
    fn bookworm(ctx: &Ctx) -> Result<Self> {
        Self::new(
            ctx,
            "bookworm",
            "deb [arch=amd64,arm64] http://deb.debian.org/debian bookworm main",
            &["amd64", "arm64"],
        )
    }

    fn run(&self, args: &[&str], cwd: &Path) -> Result<()> {
        let mut cmd = Command::new("apt-get");
        cmd.current_dir(cwd)
            .arg("-o")
            .arg(format!(
                "Dir::Etc::sourcelist={}",
                self.dir.join("sources.list").display()
            ))
            .args(["-o", "Dir::Etc::sourceparts=/dev/null"])
            .arg("-o")
            .arg(format!(
                "Dir::State::Lists={}",
                self.dir.join("lists").display()
            ))
            .args([
                "-o",
                "Dir::State::status=/dev/null",
                "-o",
                "APT::Sandbox::User=root",
            ]);
        for a in &self.archs {
            cmd.arg("-o").arg(format!("APT::Architectures::={a}"));
        }
        process::run(cmd.args(args))
    }

    /// Downloads into `dir` what `args` names (`source --download-only ...`
    /// or `download ...`), refreshing the index once if the first try fails.
    fn fetch(&self, args: &[&str], dir: &Path) -> Result<()> {
        fs::create_dir_all(dir)?;
        if self.run(args, dir).is_ok() {
            return Ok(());
        }
        self.run(&["update", "-q"], &self.dir)?;
        self.run(args, dir)
    }
}

/// The pristine base: Debian's copy of the 5.10.223 release tarball.
const TARBALL: &str = "linux_5.10.223.orig.tar.xz";
const SHA256: &str = "5272175427d036677539b9ef88a6bc30e455aca2d4fe9a942b2926ef7967ad20";
const SOURCE_PACKAGE: &str = "linux=5.10.223-1";

/// Where the pristine tarball is kept once downloaded.
fn pristine_tarball_path(ctx: &Ctx) -> PathBuf {
    ctx.cache.join("dl").join(TARBALL)
}

/// The pristine tarball that `fetch_pristine_tarball` downloaded and
/// checked.
pub fn pristine_tarball(ctx: &Ctx) -> Result<PathBuf> {
    let tarball = pristine_tarball_path(ctx);
    if !tarball.is_file() {
        bail!(
            "the pristine {TARBALL} is not downloaded yet (no {}): run `cargo xtask setup`",
            tarball.display()
        );
    }
    Ok(tarball)
}

/// Downloads the pristine tarball through apt, once, and checks it.
pub fn fetch_pristine_tarball(ctx: &Ctx) -> Result<PathBuf> {
    let dl = ctx.cache.join("dl");
    let tarball = pristine_tarball_path(ctx);
    if tarball.exists() {
        if process::sha256_file(&tarball)? == SHA256 {
            return Ok(tarball);
        }
        note(format!(
            "{} is corrupt; downloading it again",
            tarball.display()
        ));
        fs::remove_file(&tarball)?;
    }
    step(format!(
        "downloading {TARBALL} (122 MB) from Debian's archive"
    ));
    let apt = PrivateApt::new(
        ctx,
        "bullseye-src",
        "deb-src http://deb.debian.org/debian bullseye main",
        &[],
    )?;
    apt.fetch(
        &["source", "--download-only", "--only-source", SOURCE_PACKAGE],
        &dl,
    )?;
    let sum = process::sha256_file(&tarball).context("apt-get did not download the tarball")?;
    if sum != SHA256 {
        fs::remove_file(&tarball)?;
        bail!("{TARBALL} has SHA-256 {sum}, expected {SHA256}");
    }
    Ok(tarball)
}

/// A static busybox for the guest architecture, from Debian's
/// `busybox-static` package (downloaded, never installed).
pub fn fetch_busybox(ctx: &Ctx, arch: Arch) -> Result<PathBuf> {
    if let Ok(bin) = toolchain::busybox(ctx, arch) {
        return Ok(bin);
    }
    let dir = toolchain::busybox_dir(ctx, arch);
    let bin = dir.join("bin/busybox");
    step(format!("fetching busybox-static for {}", arch.debian()));
    let apt = PrivateApt::bookworm(ctx)?;
    let dl = ctx.cache.join("dl");
    apt.fetch(
        &["download", &format!("busybox-static:{}", arch.debian())],
        &dl,
    )?;
    let deb = fs::read_dir(&dl)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| {
            let n = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            n.starts_with("busybox-static_") && n.ends_with(&format!("_{}.deb", arch.debian()))
        })
        .context("apt-get download left no busybox-static package")?;
    fs::create_dir_all(&dir)?;
    process::run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&dir))?;
    if !bin.exists() {
        bail!("{} has no bin/busybox", deb.display());
    }
    Ok(bin)
}

/// The oldest rustc the series supports: Debian bookworm's own `rustc-web`
/// (the point release, not the security update in /usr/bin), with its
/// rustdoc, standard library and library source, unpacked into the cache
/// rather than installed. Returns a directory with `rustc` and `rustdoc`
/// wrappers that find the unpacked shared libraries.
pub fn fetch_minimum_rustc(ctx: &Ctx) -> Result<PathBuf> {
    if let Ok(bin) = toolchain::minimum_rustc(ctx) {
        return Ok(bin);
    }
    let root = toolchain::minimum_rustc_root(ctx);
    let bin = root.join("bin");
    let min = toolchain::minimum_rustc_version(ctx)?;
    step(format!(
        "fetching Debian bookworm's rustc-web {min}, the oldest supported rustc"
    ));
    let apt = PrivateApt::bookworm(ctx)?;
    let series = min.rsplit_once('.').map_or(min.as_str(), |(s, _)| s);
    let dl = ctx.cache.join("dl").join("rustc-minimum");
    let _ = fs::remove_dir_all(&dl);
    let std = format!("libstd-rust-web-{series}:amd64");
    apt.fetch(
        &[
            "download",
            "rustc-web:amd64",
            &std,
            "libstd-rust-web-dev:amd64",
            "rust-web-src",
        ],
        &dl,
    )?;
    let unpacked = root.join("root");
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(&bin)?;
    for deb in fs::read_dir(&dl)? {
        process::run(
            Command::new("dpkg-deb")
                .arg("-x")
                .arg(deb?.path())
                .arg(&unpacked),
        )?;
    }
    let libs = unpacked.join("usr/lib/x86_64-linux-gnu");
    for tool in ["rustc", "rustdoc"] {
        let wrapper = bin.join(tool);
        fs::write(
            &wrapper,
            format!(
                "#!/bin/sh\n# rustc-web {min} from Debian bookworm, unpacked by `cargo xtask setup`.\n\
                 LD_LIBRARY_PATH={libs}${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}} exec {real} \"$@\"\n",
                libs = libs.display(),
                real = unpacked.join("usr/bin").join(tool).display(),
            ),
        )?;
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&wrapper, fs::Permissions::from_mode(0o755))?;
    }
    match toolchain::rustc_version_in(&bin) {
        Some(v) if v.starts_with(&format!("rustc {min} ")) => Ok(bin),
        other => bail!(
            "bookworm's rustc-web is not the minimum rustc {min} the series declares (got {})",
            other.as_deref().unwrap_or("nothing that runs")
        ),
    }
}
