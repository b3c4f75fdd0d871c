//! `cargo xtask sync`'s work: the way back from commits made in
//! `build/tree` to `linux/`, `diffs/` and `series.toml`.

use crate::leaf::manifest::{self, Manifest, Patch, DIFFS, OVERLAY};
use crate::leaf::process::{self, git, note};
use crate::source::repo::{rev, GENERATED};
use crate::source::series::{self, Applied};
use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Splits a commit message into subject, body and `Signed-off-by:` names.
pub fn split_message(raw: &str) -> (String, String, Vec<String>) {
    let mut lines: Vec<&str> = raw.trim_end().lines().collect();
    let subject = if lines.is_empty() {
        String::new()
    } else {
        lines.remove(0).trim().to_string()
    };
    let mut signers = Vec::new();
    while let Some(last) = lines.last() {
        if let Some(who) = last.strip_prefix("Signed-off-by:") {
            signers.insert(0, who.trim().to_string());
            lines.pop();
        } else if last.trim().is_empty() && !signers.is_empty() {
            lines.pop();
            break;
        } else {
            break;
        }
    }
    (subject, lines.join("\n").trim().to_string(), signers)
}

/// Rewrites `linux/`, `diffs/` and the manifest under `root` from the
/// commits on top of `base` in the repository `dir`, then checks that the
/// series made from them gives the same tree.
pub fn sync(root: &Path, dir: &Path, base: &str) -> Result<Manifest> {
    let old = Manifest::load(root)?;
    if rev(dir, "HEAD").is_none() {
        bail!("build/tree has no checkout yet: run `cargo xtask tree` first");
    }
    let status = process::output(git(dir).args(["status", "--porcelain"]))?;
    if !status.is_empty() {
        bail!(
            "build/tree has uncommitted changes; commit them first (each commit becomes a patch, \
             `git commit --fixup` and `git rebase -i --autosquash` put a change into an existing one):\n{status}"
        );
    }
    process::run(git(dir).args(["merge-base", "--is-ancestor", base, "HEAD"]))
        .context("build/tree's HEAD is not based on the base commit")?;
    let range = format!("{base}..HEAD");
    if !process::output(git(dir).args(["rev-list", "--merges", &range]))?.is_empty() {
        bail!("build/tree has merge commits; a series is linear (rebase first)");
    }
    let commits = process::output(git(dir).args(["rev-list", "--reverse", &range]))?;
    let commits: Vec<&str> = commits.lines().collect();

    let mut owner: BTreeMap<String, usize> = BTreeMap::new();
    let mut patches: Vec<Patch> = Vec::new();
    let mut diffs: Vec<Option<Vec<u8>>> = Vec::new();
    let mut names = BTreeSet::new();
    for (i, c) in commits.iter().enumerate() {
        let author = process::output(git(dir).args(["log", "-1", "--format=%an <%ae>", c]))?;
        let raw = process::output(git(dir).args(["log", "-1", "--format=%B", c]))?;
        let (subject, message, signers) = split_message(&raw);
        let mut name = old
            .patches
            .iter()
            .find(|p| p.subject == subject)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| manifest::slug(&subject));
        if names.contains(&name) {
            name = (2..)
                .map(|n| format!("{name}-{n}"))
                .find(|n| !names.contains(n))
                .expect("unbounded");
        }
        names.insert(name.clone());

        let changes = process::output(git(dir).args([
            "diff-tree",
            "-r",
            "--no-renames",
            "--name-status",
            &format!("{c}^"),
            c,
        ]))?;
        let changes: Vec<(char, String)> = changes
            .lines()
            .filter_map(|l| l.split_once('\t'))
            .map(|(s, p)| (s.chars().next().unwrap_or('M'), p.to_string()))
            .collect();
        let paths: Vec<&str> = changes.iter().map(|(_, p)| p.as_str()).collect();
        let upstream: BTreeSet<String> = if paths.is_empty() {
            BTreeSet::new()
        } else {
            process::output(
                git(dir)
                    .args(["ls-tree", "-r", "--name-only", base, "--"])
                    .args(&paths),
            )?
            .lines()
            .map(String::from)
            .collect()
        };
        let mut touched_upstream = Vec::new();
        for (status, path) in &changes {
            if upstream.contains(path) {
                touched_upstream.push(path.clone());
                continue;
            }
            match (status, owner.get(path)) {
                ('A', None) => {
                    owner.insert(path.clone(), i);
                }
                ('D', Some(_)) => {
                    note(format!("`{subject}` deletes {path}, which leaves the series"));
                    owner.remove(path);
                }
                (_, Some(&first)) if first != i => note(format!(
                    "`{subject}` changes {path}, which `{}` adds: the final version goes into that patch",
                    patches[first].subject
                )),
                _ => bail!("`{subject}`: cannot tell what to do with {status} {path}"),
            }
        }
        diffs.push(if touched_upstream.is_empty() {
            None
        } else {
            Some(process::output_bytes(
                git(dir)
                    .args([
                        "diff",
                        "--binary",
                        "--no-renames",
                        "--no-color",
                        "--no-ext-diff",
                    ])
                    .args([&format!("{c}^"), *c, "--"])
                    .args(&touched_upstream),
            )?)
        });
        patches.push(Patch {
            name,
            subject,
            message,
            author: (author != old.series.author).then_some(author.clone()),
            // Only a sign-off other than the author's own needs spelling out.
            signed_off_by: if signers == [author.clone()] {
                Vec::new()
            } else {
                signers
            },
            files: Vec::new(),
        });
    }
    for (path, &i) in &owner {
        patches[i].files.push(path.clone());
    }

    // Write linux/ as the final state of every added file.
    let overlay = root.join(OVERLAY);
    for stale in manifest::list_files(&overlay)? {
        if !owner.contains_key(&stale) {
            fs::remove_file(overlay.join(&stale))?;
        }
    }
    remove_empty_dirs(&overlay)?;
    for path in owner.keys() {
        let content =
            process::output_bytes(git(dir).args(["cat-file", "blob", &format!("HEAD:{path}")]))?;
        let mode = process::output(git(dir).args(["ls-tree", "HEAD", "--", path]))?;
        let target = overlay.join(path);
        process::write_if_changed(&target, &content)?;
        let perm = if mode.starts_with("100755") {
            0o755
        } else {
            0o644
        };
        fs::set_permissions(&target, fs::Permissions::from_mode(perm))?;
    }
    let diff_dir = root.join(DIFFS);
    fs::create_dir_all(&diff_dir)?;
    for stale in manifest::list_files(&diff_dir)? {
        fs::remove_file(diff_dir.join(stale))?;
    }
    for (patch, diff) in patches.iter().zip(&diffs) {
        if let Some(diff) = diff {
            fs::write(Manifest::diff_path(root, patch), diff)?;
        }
    }
    let manifest = Manifest {
        series: old.series.clone(),
        patches,
    };
    fs::write(root.join(manifest::FILE), manifest.to_toml())?;
    manifest.validate(root)?;

    // The series made from what was written must give the tree back.
    let applied: Applied = series::apply(root, dir, base, &manifest)?;
    let tree = |c: &str| process::output(git(dir).args(["rev-parse", &format!("{c}^{{tree}}")]));
    if tree(applied.head())? != tree("HEAD")? {
        bail!("the regenerated series does not give build/tree's tree back; this is a bug in xtask sync");
    }
    process::run(git(dir).args(["reset", "-q", "--hard", applied.head()]))?;
    process::run(git(dir).args(["update-ref", GENERATED, applied.head()]))?;
    Ok(manifest)
}

fn remove_empty_dirs(dir: &Path) -> Result<bool> {
    let mut empty = true;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() && remove_empty_dirs(&entry.path())? {
            fs::remove_dir(entry.path())?;
        } else {
            empty = false;
        }
    }
    Ok(empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_commit_messages() {
        let raw = "kallsyms: grow names\n\nWhy it matters.\n\nMore.\n\nSigned-off-by: A <a@x>\nSigned-off-by: B <b@x>\n";
        let (subject, body, sob) = split_message(raw);
        assert_eq!(subject, "kallsyms: grow names");
        assert_eq!(body, "Why it matters.\n\nMore.");
        assert_eq!(sob, ["A <a@x>", "B <b@x>"]);
        let (_, body, sob) = split_message("x: y\n\nNo sign-off here.\n");
        assert_eq!(body, "No sign-off here.");
        assert!(sob.is_empty());
    }
}

/// The whole loop on a toy base: manifest to commits, a developer's commit
/// on top, `sync` back into files, and the same tree out of them again.
#[cfg(test)]
mod round_trip {
    use super::*;
    use std::process::Command;

    fn git_in(dir: &Path, args: &[&str]) -> String {
        process::output(
            git(dir)
                .args(args)
                .env("GIT_AUTHOR_NAME", "Dev")
                .env("GIT_AUTHOR_EMAIL", "dev@example.org")
                .env("GIT_COMMITTER_NAME", "Dev")
                .env("GIT_COMMITTER_EMAIL", "dev@example.org"),
        )
        .unwrap()
    }

    #[test]
    fn diff_round_trip() {
        let top = std::env::temp_dir().join(format!("xtask-round-trip-{}", std::process::id()));
        let _ = fs::remove_dir_all(&top);
        let (root, dir) = (top.join("repo"), top.join("tree"));
        fs::create_dir_all(root.join("linux/rust")).unwrap();
        fs::create_dir_all(root.join("diffs")).unwrap();
        fs::create_dir_all(dir.join("kernel")).unwrap();

        // The "upstream" base: two files.
        fs::write(dir.join("Makefile"), "VERSION = 5\nPATCHLEVEL = 10\n").unwrap();
        fs::write(dir.join("kernel/kallsyms.c"), "int len = 128;\n").unwrap();
        process::run(
            Command::new("git")
                .args(["init", "-q", "-b", "series"])
                .arg(&dir),
        )
        .unwrap();
        git_in(&dir, &["add", "-A"]);
        git_in(&dir, &["commit", "-q", "-m", "Linux 5.10.223"]);
        let base = git_in(&dir, &["rev-parse", "HEAD"]);

        // A one-patch series: a new file and a diff to an upstream file.
        fs::write(root.join("linux/rust/lib.rs"), "// SPDX\n").unwrap();
        fs::write(
            root.join("diffs/long-names.diff"),
            "diff --git a/kernel/kallsyms.c b/kernel/kallsyms.c\n--- a/kernel/kallsyms.c\n+++ b/kernel/kallsyms.c\n@@ -1 +1 @@\n-int len = 128;\n+int len = 512;\n",
        )
        .unwrap();
        let text = r#"
[series]
base = "5.10.223"
author = "Dev <dev@example.org>"
date = "2026-11-23T00:00:00+00:00"
subject = "Toy"
message = "A toy series."

[[patch]]
name = "long-names"
subject = "kallsyms: grow names"
files = ["rust/lib.rs"]
message = "Because."
"#;
        fs::write(root.join(manifest::FILE), text).unwrap();
        let m = Manifest::load(&root).unwrap();
        m.validate(&root).unwrap();
        let applied = series::apply(&root, &dir, &base, &m).unwrap();
        assert_eq!(applied.commits.len(), 1);
        // Same inputs, same commit.
        assert_eq!(
            series::apply(&root, &dir, &base, &m).unwrap().commits,
            applied.commits
        );
        git_in(
            &dir,
            &["checkout", "-q", "-f", "-B", "series", applied.head()],
        );
        assert_eq!(
            fs::read_to_string(dir.join("kernel/kallsyms.c")).unwrap(),
            "int len = 512;\n"
        );

        // The developer amends the file the first patch adds and commits a
        // second patch touching upstream and adding a file.
        fs::write(dir.join("rust/lib.rs"), "// SPDX\n// more\n").unwrap();
        git_in(&dir, &["commit", "-q", "-a", "--amend", "--no-edit"]);
        fs::write(
            dir.join("Makefile"),
            "VERSION = 5\nPATCHLEVEL = 10\nRUST = 1\n",
        )
        .unwrap();
        fs::write(dir.join("kernel/new.c"), "int x;\n").unwrap();
        git_in(&dir, &["add", "-A"]);
        git_in(&dir, &["commit", "-q", "-m", "kbuild: add Rust\n\nIt is time.\n\nSigned-off-by: Dev <dev@example.org>\nSigned-off-by: Other <o@example.org>"]);
        let head_tree = git_in(&dir, &["rev-parse", "HEAD^{tree}"]);

        let synced = sync(&root, &dir, &base).unwrap();
        assert_eq!(synced.patches.len(), 2);
        assert_eq!(synced.patches[0].name, "long-names");
        assert_eq!(synced.patches[0].files, ["rust/lib.rs"]);
        assert_eq!(synced.patches[1].name, "kbuild-add-rust");
        assert_eq!(synced.patches[1].files, ["kernel/new.c"]);
        assert_eq!(synced.patches[1].message, "It is time.");
        assert_eq!(synced.patches[1].signed_off_by.len(), 2);
        assert_eq!(
            fs::read_to_string(root.join("linux/rust/lib.rs")).unwrap(),
            "// SPDX\n// more\n"
        );
        assert!(fs::read_to_string(root.join("diffs/kbuild-add-rust.diff"))
            .unwrap()
            .contains("+RUST = 1"));
        assert!(fs::read_to_string(root.join("diffs/long-names.diff"))
            .unwrap()
            .contains("+int len = 512;"));

        // What sync wrote makes the same tree again, and reads back equal.
        let again = Manifest::load(&root).unwrap();
        assert_eq!(again, synced);
        let applied = series::apply(&root, &dir, &base, &again).unwrap();
        assert_eq!(
            git_in(
                &dir,
                &["rev-parse", &format!("{}^{{tree}}", applied.head())]
            ),
            head_tree
        );
        fs::remove_dir_all(&top).unwrap();
    }
}
