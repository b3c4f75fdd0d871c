//! The repository in `build/tree`: it borrows the base's objects, its
//! branch `series` holds one commit per patch, and it has work trees beside
//! it for the `git am` round trip, pristine 5.10.223 and `--check-each`.

use crate::leaf::ctx::Ctx;
use crate::leaf::process::{self, git, step};
use crate::source::base;
use anyhow::Result;
use std::fs;
use std::path::{Path, PathBuf};

/// What xtask last checked out in build/tree: while the branch `series`
/// still points there and nothing is modified, the tree follows the series.
pub const GENERATED: &str = "refs/xtask/generated";
/// The base commit, for `git rebase -i xtask/base`.
const BASE: &str = "refs/xtask/base";

/// The repository in `build/tree` and the base commit.
pub struct Repo {
    pub dir: PathBuf,
    pub base: String,
    /// Whether it holds exactly the committed series, rather than work
    /// not synced back yet.
    pub synced: bool,
}

/// Makes sure `build/tree` is a repository that can see the base's objects.
pub fn repo(ctx: &Ctx) -> Result<Repo> {
    let base = base::ensure(ctx)?;
    let dir = ctx.build.join("tree");
    if !dir.join(".git").exists() {
        fs::create_dir_all(&dir)?;
        process::run(git(&dir).args(["init", "-q", "-b", "series"]))?;
    }
    let alternates = dir.join(".git/objects/info/alternates");
    let objects = base.git_dir.join("objects");
    let current = fs::read_to_string(&alternates).unwrap_or_default();
    if !current.lines().any(|l| Path::new(l) == objects) {
        fs::write(&alternates, format!("{current}{}\n", objects.display()))?;
    }
    process::run(git(&dir).args(["update-ref", BASE, &base.commit]))?;
    Ok(Repo {
        dir,
        base: base.commit,
        synced: false,
    })
}

/// The commit `name` resolves to in the repository `dir`, if any.
pub fn rev(dir: &Path, name: &str) -> Option<String> {
    process::output(git(dir).args(["rev-parse", "--verify", "-q", name])).ok()
}

/// A second work tree of `build/tree` for `git am` checks.
pub fn am_checkout(ctx: &Ctx, repo: &Repo) -> Result<PathBuf> {
    base_worktree(ctx, repo, "am-check", "for the git am round trip")
}

/// A work tree of `build/tree` holding pristine 5.10.223, in
/// `build/pristine`, for the builds that compare against it.
pub fn pristine_checkout(ctx: &Ctx, repo: &Repo) -> Result<PathBuf> {
    let dir = base_worktree(ctx, repo, "pristine", "with pristine 5.10.223")?;
    if rev(&dir, "HEAD").as_deref() != Some(repo.base.as_str())
        || !process::output(git(&dir).args(["status", "--porcelain"]))?.is_empty()
    {
        process::run(git(&dir).args(["checkout", "-q", "-f", "--detach", &repo.base]))?;
        process::run(git(&dir).args(["clean", "-q", "-fdx"]))?;
    }
    Ok(dir)
}

/// `build/NAME`, a work tree of `build/tree` made at the base commit.
pub fn base_worktree(ctx: &Ctx, repo: &Repo, name: &str, purpose: &str) -> Result<PathBuf> {
    let dir = ctx.build.join(name);
    if !dir.join(".git").exists() {
        step(format!(
            "checking out a second tree in build/{name} {purpose} (first time only)"
        ));
        let _ = fs::remove_dir_all(&dir);
        process::run(git(&repo.dir).args(["worktree", "prune"]))?;
        process::run(
            git(&repo.dir)
                .args(["worktree", "add", "-q", "--detach", "-f"])
                .arg(&dir)
                .arg(&repo.base),
        )?;
    }
    Ok(dir)
}
