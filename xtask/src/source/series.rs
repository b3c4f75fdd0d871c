//! The series as commits: one commit per patch of the manifest on top of
//! the base.
//!
//! Commits are made without a work tree, straight from `linux/`, `diffs/`
//! and the base's objects through a private index, so they are cheap to
//! make and the same inputs always give the same commit ids.

use crate::leaf::manifest::{Manifest, OVERLAY};
use crate::leaf::process::{self, git};
use anyhow::{bail, Context, Result};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The commits made for a manifest, in order.
pub struct Applied {
    pub base: String,
    pub commits: Vec<String>,
}

impl Applied {
    pub fn head(&self) -> &str {
        self.commits.last().unwrap_or(&self.base)
    }
}

/// Makes the series' commits in the repository at `repo` (which must hold
/// the base's objects) and returns them. The work tree is not touched.
pub fn apply(root: &Path, repo: &Path, base: &str, manifest: &Manifest) -> Result<Applied> {
    let git_dir = PathBuf::from(process::output(
        git(repo).args(["rev-parse", "--absolute-git-dir"]),
    )?);
    let index = git_dir.join("xtask-series.index");
    let _ = fs::remove_file(&index);
    let with_index = |args: &[&str]| {
        let mut c = git(repo);
        c.env("GIT_INDEX_FILE", &index).args(args);
        c
    };
    process::run(&mut with_index(&["read-tree", base]))?;
    let mut parent = base.to_string();
    let mut commits = Vec::new();
    for (i, patch) in manifest.patches.iter().enumerate() {
        let what = format!("patch {} `{}`", i + 1, patch.name);
        if !patch.files.is_empty() {
            // Files the series adds must not exist upstream.
            let existing = process::output(
                git(repo)
                    .args(["ls-tree", "-r", "--name-only", base, "--"])
                    .args(&patch.files),
            )?;
            if let Some(f) = existing.lines().next() {
                bail!(
                    "{what}: linux/{f} exists upstream; a change to it belongs in diffs/{}.diff",
                    patch.name
                );
            }
            let paths: Vec<PathBuf> = patch
                .files
                .iter()
                .map(|f| root.join(OVERLAY).join(f))
                .collect();
            let list: String = paths.iter().map(|p| format!("{}\n", p.display())).collect();
            let ids = process::output_with_input(
                git(repo).args(["hash-object", "-w", "--stdin-paths"]),
                list.as_bytes(),
            )?;
            let mut info = String::new();
            for ((file, path), id) in patch.files.iter().zip(&paths).zip(ids.lines()) {
                let exec = fs::metadata(path)?.permissions().mode() & 0o111 != 0;
                info += &format!("{} {id}\t{file}\n", if exec { "100755" } else { "100644" });
            }
            process::output_with_input(
                &mut with_index(&["update-index", "--add", "--index-info"]),
                info.as_bytes(),
            )?;
        }
        let diff = Manifest::diff_path(root, patch);
        if diff.exists() {
            process::run(with_index(&["apply", "--cached", "--whitespace=nowarn"]).arg(&diff))
                .with_context(|| format!("{what}: {} does not apply", diff.display()))?;
        }
        let tree = process::output(&mut with_index(&["write-tree"]))?;
        let (name, mail) = person(patch.author(&manifest.series));
        let date = &manifest.series.date;
        let commit = process::output_with_input(
            git(repo)
                .args(["commit-tree", &tree, "-p", &parent, "-F", "-"])
                .env("GIT_AUTHOR_NAME", name)
                .env("GIT_AUTHOR_EMAIL", mail)
                .env("GIT_AUTHOR_DATE", date)
                .env("GIT_COMMITTER_NAME", name)
                .env("GIT_COMMITTER_EMAIL", mail)
                .env("GIT_COMMITTER_DATE", date),
            patch.commit_message(&manifest.series).as_bytes(),
        )?;
        commits.push(commit.clone());
        parent = commit;
    }
    let _ = fs::remove_file(&index);
    Ok(Applied {
        base: base.to_string(),
        commits,
    })
}

/// Splits `Name <mail>`.
pub fn person(who: &str) -> (&str, &str) {
    match who.split_once(" <") {
        Some((name, mail)) => (name.trim(), mail.trim_end_matches('>')),
        None => (who, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_people() {
        assert_eq!(
            person("Jane Hacker <jane@example.org>"),
            ("Jane Hacker", "jane@example.org")
        );
    }
}
