//! `build/tree`, the patched kernel tree, for building and hacking.
//!
//! `build/tree` is a git repository that borrows the base's objects. Its
//! branch `series` holds one commit per patch. `refs/xtask/generated`
//! remembers what the tool last checked out: while the branch still points
//! there and nothing is modified, the tree follows the series; once a
//! developer commits or edits, it is theirs until `sync` or `tree --force`.

use crate::leaf::ctx::Ctx;
use crate::leaf::manifest::Manifest;
use crate::leaf::process::{self, git, note, step};
use crate::source::repo::{self, rev, Repo, GENERATED};
use crate::source::series;
use anyhow::{bail, Result};

/// Brings `build/tree` up to date with the series, unless it holds a
/// developer's work (then it is left alone, or dropped with `force`).
pub fn checkout(ctx: &Ctx, force: bool) -> Result<Repo> {
    let manifest = Manifest::load(&ctx.root)?;
    manifest.validate(&ctx.root)?;
    let mut repo = repo::repo(ctx)?;
    let applied = series::apply(&ctx.root, &repo.dir, &repo.base, &manifest)?;
    let new = applied.head().to_string();
    let dir = &repo.dir;
    let head = rev(dir, "HEAD");
    let generated = rev(dir, GENERATED);
    let switch = |why: &str| -> Result<()> {
        step(why);
        process::run(git(dir).args(["checkout", "-q", "-f", "-B", "series", &new]))?;
        if force {
            process::run(git(dir).args(["clean", "-q", "-fd"]))?;
        }
        process::run(git(dir).args(["update-ref", GENERATED, &new]))
    };
    let Some(head) = head else {
        switch("checking out the patched tree in build/tree (first time only)")?;
        repo.synced = true;
        return Ok(repo);
    };
    let dirty = !process::output(git(dir).args(["status", "--porcelain"]))?.is_empty();
    if head == new && !dirty {
        process::run(git(dir).args(["update-ref", GENERATED, &new]))?;
        repo.synced = true;
    } else if force {
        switch("resetting build/tree to the series (--force)")?;
        repo.synced = true;
    } else if generated.as_deref() == Some(head.as_str()) && !dirty {
        switch("updating build/tree to the changed series")?;
        repo.synced = true;
    } else if generated.as_deref() == Some(new.as_str()) {
        note("build/tree has work that is not in the series yet; using it as it is");
        note("(`cargo xtask sync` brings committed work back into linux/, diffs/ and series.toml)");
    } else {
        bail!(
            "build/tree has work that is not in the series, and the series changed since it was \
             checked out.\nKeep the work with `cargo xtask sync` (after committing it), or drop it \
             with `cargo xtask tree --force`"
        );
    }
    Ok(repo)
}
