//! The tree the series applies to: pristine Linux 5.10.223 from Debian's
//! archive (checked against its known SHA-256) turned into a git repository
//! with the single commit `Linux 5.10.223`, kept in the cache. `LINUX_BASE`
//! names another 5.10.y tarball or git tree instead.

use crate::setup::PrivateApt;
use crate::util::{self, note, step, Ctx};
use anyhow::{bail, Context, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARBALL: &str = "linux_5.10.223.orig.tar.xz";
const SHA256: &str = "5272175427d036677539b9ef88a6bc30e455aca2d4fe9a942b2926ef7967ad20";
const SOURCE_PACKAGE: &str = "linux=5.10.223-1";
/// The date of the 5.10.223 release, so that the base commit is the same
/// everywhere.
const DATE: &str = "2024-07-27T12:00:00+0200";

/// A base commit and the repository that holds its objects.
pub struct Base {
    /// A git directory (bare or `.git`) holding the base's objects.
    pub git_dir: PathBuf,
    pub commit: String,
}

/// Makes sure the base exists and returns it.
pub fn ensure(ctx: &Ctx) -> Result<Base> {
    match std::env::var_os("LINUX_BASE") {
        Some(path) if !path.is_empty() => from_user(ctx, Path::new(&path)),
        _ => {
            let tarball = download(ctx)?;
            import(ctx, &tarball, "linux-5.10.223")
        }
    }
}

fn from_user(ctx: &Ctx, path: &Path) -> Result<Base> {
    let path = path
        .canonicalize()
        .with_context(|| format!("LINUX_BASE={} does not exist", path.display()))?;
    if path.is_file() {
        let name = format!("user-{}", &util::sha256_file(&path)?[..16]);
        return import(ctx, &path, &name);
    }
    let git_dir = util::output(util::git(&path).args([
        "rev-parse",
        "--path-format=absolute",
        "--git-common-dir",
    ]))
    .with_context(|| {
        format!(
            "LINUX_BASE={} is neither a tarball nor a git tree",
            path.display()
        )
    })?;
    let commit = util::output(util::git(&path).args(["rev-parse", "HEAD^{commit}"]))?;
    let makefile = util::output(util::git(&path).args(["show", "HEAD:Makefile"]))?;
    check_version(&makefile).with_context(|| format!("LINUX_BASE={}", path.display()))?;
    Ok(Base {
        git_dir: PathBuf::from(git_dir),
        commit,
    })
}

/// Checks that a top-level Makefile is that of a 5.10.y kernel.
pub fn check_version(makefile: &str) -> Result<()> {
    let var = |name| make_var(makefile, name);
    let (v, p) = (var("VERSION"), var("PATCHLEVEL"));
    if (v.as_str(), p.as_str()) != ("5", "10") {
        bail!("the tree is Linux {v}.{p}, not 5.10.y");
    }
    Ok(())
}

/// Downloads the pristine tarball through apt, once, and checks it.
fn download(ctx: &Ctx) -> Result<PathBuf> {
    let dl = ctx.cache.join("dl");
    let tarball = dl.join(TARBALL);
    if tarball.exists() {
        if util::sha256_file(&tarball)? == SHA256 {
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
    let sum = util::sha256_file(&tarball).context("apt-get did not download the tarball")?;
    if sum != SHA256 {
        fs::remove_file(&tarball)?;
        bail!("{TARBALL} has SHA-256 {sum}, expected {SHA256}");
    }
    Ok(tarball)
}

/// Turns a tarball into a bare repository with one commit, once.
fn import(ctx: &Ctx, tarball: &Path, name: &str) -> Result<Base> {
    let dir = ctx.cache.join("base");
    let git_dir = dir.join(format!("{name}.git"));
    let git = |args: &[&str]| {
        let mut c = Command::new("git");
        c.arg("--git-dir")
            .arg(&git_dir)
            .args(["-c", "core.autocrlf=false", "-c", "gc.auto=0"])
            .args(args);
        c
    };
    if let Ok(commit) = util::output(&mut git(&[
        "rev-parse",
        "--verify",
        "-q",
        "refs/heads/base",
    ])) {
        return Ok(Base { git_dir, commit });
    }
    step(format!(
        "importing {} into {}",
        tarball.display(),
        git_dir.display()
    ));
    let work = dir.join(format!("{name}.extract"));
    let _ = fs::remove_dir_all(&work);
    let _ = fs::remove_dir_all(&git_dir);
    fs::create_dir_all(&work)?;
    util::run(
        Command::new("tar")
            .arg("-xf")
            .arg(tarball)
            .arg("-C")
            .arg(&work)
            .arg("--strip-components=1"),
    )?;
    let makefile = fs::read_to_string(work.join("Makefile"))
        .context("the tarball has no top-level Makefile")?;
    check_version(&makefile).with_context(|| tarball.display().to_string())?;
    util::run(
        Command::new("git")
            .args(["init", "-q", "--bare"])
            .arg(&git_dir),
    )?;
    // Force-add: upstream tracks a few files that its own .gitignore matches.
    util::run(
        git(&["--work-tree"])
            .arg(&work)
            .args(["add", "-A", "-f", "."]),
    )?;
    let tree = util::output(&mut git(&["write-tree"]))?;
    let title = version_title(&makefile);
    let commit = util::output(
        git(&["commit-tree", &tree, "-m", &title])
            .env("GIT_AUTHOR_NAME", "Pristine base")
            .env("GIT_AUTHOR_EMAIL", "base@xtask.invalid")
            .env("GIT_AUTHOR_DATE", DATE)
            .env("GIT_COMMITTER_NAME", "Pristine base")
            .env("GIT_COMMITTER_EMAIL", "base@xtask.invalid")
            .env("GIT_COMMITTER_DATE", DATE),
    )?;
    util::run(&mut git(&["update-ref", "refs/heads/base", &commit]))?;
    let _ = fs::remove_file(git_dir.join("index"));
    fs::remove_dir_all(&work)?;
    note(format!("base commit {commit} ({title})"));
    Ok(Base { git_dir, commit })
}

/// The value of a `NAME = value` line of a top-level Makefile.
fn make_var(makefile: &str, name: &str) -> String {
    makefile
        .lines()
        .find_map(|l| {
            l.strip_prefix(name)?
                .trim_start()
                .strip_prefix('=')
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_default()
}

/// `Linux 5.10.223` from a top-level Makefile.
fn version_title(makefile: &str) -> String {
    let var = |name| make_var(makefile, name);
    format!(
        "Linux {}.{}.{}",
        var("VERSION"),
        var("PATCHLEVEL"),
        var("SUBLEVEL")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAKEFILE: &str = "# SPDX-License-Identifier: GPL-2.0\nVERSION = 5\nPATCHLEVEL = 10\nSUBLEVEL = 223\nEXTRAVERSION =\n";

    #[test]
    fn reads_the_version() {
        check_version(MAKEFILE).unwrap();
        assert_eq!(version_title(MAKEFILE), "Linux 5.10.223");
        let six = MAKEFILE
            .replace("PATCHLEVEL = 10", "PATCHLEVEL = 1")
            .replace("VERSION = 5", "VERSION = 6");
        assert!(check_version(&six).unwrap_err().to_string().contains("6.1"));
    }
}
