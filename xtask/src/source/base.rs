//! The tree the series applies to: pristine Linux 5.10.223 from Debian's
//! archive (checked against its known SHA-256) turned into a git repository
//! with the single commit `Linux 5.10.223`, kept in the cache. `LINUX_BASE`
//! names another 5.10.y tarball or git tree instead.

use crate::host::packages;
use crate::leaf::ctx::Ctx;
use crate::leaf::process::{self, note, step};
use anyhow::{bail, Context, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The date of the 5.10.223 release, so that the base commit is the same
/// everywhere.
const DATE: &str = "2024-07-27T12:00:00+0200";

/// A base commit and the repository that holds its objects.
pub struct Base {
    /// A git directory (bare or `.git`) holding the base's objects.
    pub git_dir: PathBuf,
    pub commit: String,
}

/// The tree `LINUX_BASE` names, if it names one.
pub fn user_base() -> Option<PathBuf> {
    std::env::var_os("LINUX_BASE")
        .filter(|path| !path.is_empty())
        .map(PathBuf::from)
}

/// Makes sure the base exists and returns it. The pristine tarball must
/// have been downloaded (`host::packages::fetch_pristine_tarball`) unless
/// `LINUX_BASE` names another tree.
pub fn ensure(ctx: &Ctx) -> Result<Base> {
    match user_base() {
        Some(path) => from_user(ctx, &path),
        None => {
            let tarball = packages::pristine_tarball(ctx)?;
            import(ctx, &tarball, "linux-5.10.223")
        }
    }
}

fn from_user(ctx: &Ctx, path: &Path) -> Result<Base> {
    let path = path
        .canonicalize()
        .with_context(|| format!("LINUX_BASE={} does not exist", path.display()))?;
    if path.is_file() {
        let name = format!("user-{}", &process::sha256_file(&path)?[..16]);
        return import(ctx, &path, &name);
    }
    let git_dir = process::output(process::git(&path).args([
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
    let commit = process::output(process::git(&path).args(["rev-parse", "HEAD^{commit}"]))?;
    let makefile = process::output(process::git(&path).args(["show", "HEAD:Makefile"]))?;
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
    if let Ok(commit) = process::output(&mut git(&[
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
    process::run(
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
    process::run(
        Command::new("git")
            .args(["init", "-q", "--bare"])
            .arg(&git_dir),
    )?;
    // Force-add: upstream tracks a few files that its own .gitignore matches.
    process::run(
        git(&["--work-tree"])
            .arg(&work)
            .args(["add", "-A", "-f", "."]),
    )?;
    let tree = process::output(&mut git(&["write-tree"]))?;
    let title = version_title(&makefile);
    let commit = process::output(
        git(&["commit-tree", &tree, "-m", &title])
            .env("GIT_AUTHOR_NAME", "Pristine base")
            .env("GIT_AUTHOR_EMAIL", "base@xtask.invalid")
            .env("GIT_AUTHOR_DATE", DATE)
            .env("GIT_COMMITTER_NAME", "Pristine base")
            .env("GIT_COMMITTER_EMAIL", "base@xtask.invalid")
            .env("GIT_COMMITTER_DATE", DATE),
    )?;
    process::run(&mut git(&["update-ref", "refs/heads/base", &commit]))?;
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
