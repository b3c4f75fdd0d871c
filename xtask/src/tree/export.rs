//! The exported series: `git format-patch` of the series' commits with a
//! cover letter, the proof that `git am` of the export gives back exactly
//! the same trees and messages, and checkpatch on every patch.

use crate::leaf::ctx::Ctx;
use crate::leaf::manifest::Manifest;
use crate::leaf::outcome::Outcome;
use crate::leaf::process::{self, git, note, step};
use crate::source::repo;
use crate::source::series::{self, person, Applied};
use anyhow::{bail, Context, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// Exports the series to `out` (default `build/series`) and checks it. An
/// error means the checks could not run; each failed check is an outcome.
pub fn check(ctx: &Ctx, out: Option<&Path>) -> Result<Vec<Outcome>> {
    let manifest = Manifest::load(&ctx.root)?;
    let mut outcomes = vec![Outcome::from_result(
        "series.manifest",
        manifest.validate(&ctx.root),
    )];
    if !outcomes[0].passed() {
        return Ok(outcomes);
    }
    let repo = repo::repo(ctx)?;
    step(format!(
        "applying {} patches to the base",
        manifest.patches.len()
    ));
    let applied = series::apply(&ctx.root, &repo.dir, &repo.base, &manifest)?;
    let out = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| ctx.build.join("series"));
    let patches = export(&repo.dir, &applied, &manifest, &out)?;
    note(format!(
        "wrote {} patches and a cover letter to {}",
        patches.len(),
        out.display()
    ));

    let am = repo::am_checkout(ctx, &repo)?;
    outcomes.push(Outcome::from_result(
        "series.git-am-round-trip",
        round_trip(&am, &applied, &patches),
    ));
    outcomes.push(Outcome::from_result(
        "series.checkpatch-spdx-check-runs",
        spdx_check_runs(&am, &ctx.build.join("checkpatch-probe")),
    ));
    for (i, patch) in patches.iter().enumerate() {
        let name = format!(
            "series.checkpatch.{:04}-{}",
            i + 1,
            manifest.patches[i].name
        );
        outcomes.push(Outcome::from_result(&name, checkpatch(&am, patch)));
    }
    Ok(outcomes)
}

/// Writes the series with a cover letter to `out`; returns the patch files
/// (without the cover letter), in order.
pub fn export(
    repo: &Path,
    applied: &Applied,
    manifest: &Manifest,
    out: &Path,
) -> Result<Vec<PathBuf>> {
    fs::create_dir_all(out)?;
    for entry in fs::read_dir(out)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "patch") {
            fs::remove_file(path)?;
        }
    }
    let (name, mail) = person(&manifest.series.author);
    let range = format!("{}..{}", applied.base, applied.head());
    process::run(
        git(repo)
            .args([
                "-c",
                "format.signOff=false",
                "-c",
                "format.coverLetter=false",
            ])
            .args([
                "format-patch",
                "-q",
                "--cover-letter",
                "--no-signature",
                "--zero-commit",
            ])
            .arg(format!("--base={}", applied.base))
            .arg("-o")
            .arg(out)
            .arg(&range)
            .env("GIT_COMMITTER_NAME", name)
            .env("GIT_COMMITTER_EMAIL", mail)
            .env("GIT_COMMITTER_DATE", &manifest.series.date),
    )?;
    let mut files: Vec<PathBuf> = fs::read_dir(out)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "patch"))
        .collect();
    files.sort();
    let cover = files.remove(0);
    let text = fs::read_to_string(&cover)?;
    if !text.contains("*** SUBJECT HERE ***") || !text.contains("*** BLURB HERE ***") {
        bail!("{} does not look like a cover letter", cover.display());
    }
    let text = text
        .replace("*** SUBJECT HERE ***", &manifest.series.subject)
        .replace("*** BLURB HERE ***", manifest.series.message.trim());
    fs::write(&cover, text)?;
    if files.len() != applied.commits.len() {
        bail!(
            "format-patch wrote {} patches for {} commits",
            files.len(),
            applied.commits.len()
        );
    }
    Ok(files)
}

/// `git am` of the exported patches onto a fresh base must give the same
/// tree after every patch, and the same commit messages.
fn round_trip(am: &Path, applied: &Applied, patches: &[PathBuf]) -> Result<()> {
    let _ = process::run(git(am).args(["am", "--abort"]));
    process::run(git(am).args(["reset", "-q", "--hard", &applied.base]))?;
    process::run(git(am).args(["clean", "-q", "-fdx"]))?;
    process::run(
        git(am)
            .args(["am", "-q", "--no-3way"])
            .args(patches)
            .env("GIT_COMMITTER_NAME", "xtask")
            .env("GIT_COMMITTER_EMAIL", "xtask@localhost"),
    )
    .context("git am of the exported series failed")?;
    let range = format!("{}..HEAD", applied.base);
    let got = process::output(git(am).args(["rev-list", "--reverse", &range]))?;
    let got: Vec<&str> = got.lines().collect();
    if got.len() != applied.commits.len() {
        bail!(
            "git am made {} commits, the series has {}",
            got.len(),
            applied.commits.len()
        );
    }
    for (i, (a, b)) in got.iter().zip(&applied.commits).enumerate() {
        let tree = |c: &str| process::output(git(am).args(["rev-parse", &format!("{c}^{{tree}}")]));
        if tree(a)? != tree(b)? {
            let diff = process::output(git(am).args(["diff", "--stat", b, a]))?;
            bail!(
                "after patch {} the tree differs from base + overlay + diffs:\n{diff}",
                i + 1
            );
        }
        let msg =
            |c: &str| process::output(git(am).args(["log", "-1", "--format=%an <%ae>%n%B", c]));
        if msg(a)? != msg(b)? {
            bail!(
                "patch {}'s author or message changed through format-patch and am",
                i + 1
            );
        }
    }
    Ok(())
}

/// checkpatch runs scripts/spdxcheck.py as `python`, the first in PATH. We
/// put /usr/bin first, so that it is Debian's python3 (python-is-python3)
/// with the ply and GitPython that setup installs, and not a pyenv or
/// virtualenv `python` of the user's that may lack them.
const CHECKPATCH_PATH: &str = "/usr/bin";

/// The tree's `scripts/checkpatch.pl` run on one patch file, in the tree:
/// its standard output, and the errors and warnings it counted.
fn checkpatch_output(tree: &Path, patch: &Path) -> Result<(String, u32, u32)> {
    let path = format!(
        "{CHECKPATCH_PATH}:{}",
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("perl")
        .current_dir(tree)
        .env("PATH", path)
        .args(["scripts/checkpatch.pl", "--no-color", "--show-types"])
        .arg(patch)
        .output()
        .context("cannot run checkpatch.pl")?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (errors, warnings) = checkpatch_totals(&text).with_context(|| {
        format!(
            "checkpatch printed no totals:\n{}{}",
            text,
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    Ok((text, errors, warnings))
}

/// Runs the tree's `scripts/checkpatch.pl` on one patch; errors fail it.
fn checkpatch(tree: &Path, patch: &Path) -> Result<()> {
    let (text, errors, warnings) = checkpatch_output(tree, patch)?;
    if errors > 0 {
        bail!("{errors} errors, {warnings} warnings:\n{text}");
    }
    if warnings > 0 {
        note(format!(
            "checkpatch: {} has {warnings} warnings",
            patch.file_name().unwrap_or_default().to_string_lossy()
        ));
        for line in text
            .lines()
            .filter(|l| l.starts_with("WARNING") || l.starts_with("CHECK"))
        {
            note(format!("  {line}"));
        }
    }
    Ok(())
}

/// The file the SPDX probe patches add.
const SPDX_PROBE_FILE: &str = "drivers/misc/xtask_spdx_probe.c";

/// checkpatch checks the SPDX identifier of every new file with
/// scripts/spdxcheck.py, and takes any identifier as valid when that cannot
/// run: no `python`, or one without ply or GitPython (spdxcheck.py then
/// fails on stderr, which checkpatch does not read). A clean checkpatch
/// proves nothing about licences unless the check is seen to work, so
/// checkpatch, run as on the series, must refuse a patch adding a file with
/// a misspelt identifier and accept the same file with a good one. The
/// probe patches are written to `dir`.
fn spdx_check_runs(tree: &Path, dir: &Path) -> Result<()> {
    fs::create_dir_all(dir)?;
    let run = |name: &str, id: &str| -> Result<String> {
        let patch = dir.join(name);
        fs::write(&patch, spdx_probe_patch(id))?;
        Ok(checkpatch_output(tree, &patch)?.0)
    };
    let bad = "GPL-2.0-or-latr";
    let text = run("bad-spdx.patch", bad)?;
    if !spdx_refused(&text, bad) {
        bail!(
            "checkpatch did not refuse `SPDX-License-Identifier: {bad}` in a new {SPDX_PROBE_FILE}, \
             so its SPDX check does not run: {}\ncheckpatch said:\n{text}",
            spdxcheck_diagnosis(tree)
        );
    }
    let text = run("good-spdx.patch", "GPL-2.0")?;
    if let Some(line) = text.lines().find(|l| l.contains("SPDX_LICENSE_TAG")) {
        bail!("checkpatch complained about `SPDX-License-Identifier: GPL-2.0`: {line}");
    }
    Ok(())
}

/// A patch, as format-patch writes it, that adds SPDX_PROBE_FILE with the
/// licence identifier `id` on its first line.
fn spdx_probe_patch(id: &str) -> String {
    let body = format!("// SPDX-License-Identifier: {id}\n\nstatic int xtask_spdx_probe;\n");
    let added: String = body.lines().map(|l| format!("+{l}\n")).collect();
    let lines = body.lines().count();
    format!(
        "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n\
         From: xtask <xtask@localhost>\n\
         Subject: [PATCH] misc: add an SPDX probe\n\
         \n\
         checkpatch must check the licence identifier of this new file.\n\
         \n\
         Signed-off-by: xtask <xtask@localhost>\n\
         ---\n\
         diff --git a/{f} b/{f}\n\
         new file mode 100644\n\
         index 0000000..0000000\n\
         --- /dev/null\n\
         +++ b/{f}\n\
         @@ -0,0 +1,{lines} @@\n\
         {added}",
        f = SPDX_PROBE_FILE
    )
}

/// Whether checkpatch's output has its complaint that identifier `id` is
/// not one of LICENSES/ (Linux 5.10's wording, with `--show-types`).
fn spdx_refused(checkpatch: &str, id: &str) -> bool {
    let complaint = format!(
        "WARNING:SPDX_LICENSE_TAG: 'SPDX-License-Identifier: {id}' is not supported in LICENSES/..."
    );
    checkpatch.lines().any(|l| l == complaint)
}

/// Why spdxcheck.py may not run in `tree`, as far as can be told: which
/// `python` checkpatch finds, and what spdxcheck.py itself says to a bad
/// identifier.
fn spdxcheck_diagnosis(tree: &Path) -> String {
    let path = format!(
        "{CHECKPATCH_PATH}:{}",
        std::env::var("PATH").unwrap_or_default()
    );
    let Some(python) = std::env::split_paths(&path)
        .map(|d| d.join("python"))
        .find(|p| p.exists())
    else {
        return "there is no `python` in PATH (Debian's python-is-python3 provides it)".into();
    };
    let mut cmd = std::process::Command::new(&python);
    cmd.current_dir(tree)
        .env("PATH", &path)
        .args(["scripts/spdxcheck.py", "-"]);
    match process::output_with_input(&mut cmd, b"SPDX-License-Identifier: GPL-2.0-or-latr\n") {
        Ok(out) if out.is_empty() => format!(
            "`{} scripts/spdxcheck.py -` accepts the bad identifier",
            python.display()
        ),
        Ok(out) => format!(
            "`{} scripts/spdxcheck.py -` refuses it ({out}), but checkpatch did not",
            python.display()
        ),
        Err(e) => {
            format!("{e:#}\n(python3-ply and python3-git provide the modules spdxcheck.py needs)")
        }
    }
}

/// Errors and warnings from checkpatch's `total:` line.
pub fn checkpatch_totals(text: &str) -> Option<(u32, u32)> {
    let line = text.lines().find(|l| l.starts_with("total: "))?;
    let words: Vec<&str> = line.split_whitespace().collect();
    let errors = words.get(1)?.parse().ok()?;
    let warnings = words.get(3)?.parse().ok()?;
    Some((errors, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_checkpatch_totals() {
        let out = "WARNING: x\n\ntotal: 2 errors, 1 warnings, 40 lines checked\n";
        assert_eq!(checkpatch_totals(out), Some((2, 1)));
        assert_eq!(checkpatch_totals("nothing"), None);
    }

    #[test]
    fn writes_an_spdx_probe_patch() {
        let patch = spdx_probe_patch("GPL-2.0");
        assert!(patch.contains(
            "+++ b/drivers/misc/xtask_spdx_probe.c\n@@ -0,0 +1,3 @@\n\
             +// SPDX-License-Identifier: GPL-2.0\n+\n+static int xtask_spdx_probe;\n"
        ));
        assert!(patch.ends_with(";\n"));
    }

    #[test]
    fn finds_checkpatch_spdx_complaint() {
        let out = "WARNING:SPDX_LICENSE_TAG: 'SPDX-License-Identifier: GPL-2.0-or-latr' \
                   is not supported in LICENSES/...\n#20: FILE: x.c:1:\n";
        assert!(spdx_refused(out, "GPL-2.0-or-latr"));
        assert!(!spdx_refused(out, "GPL-2.0"));
        assert!(!spdx_refused(
            "total: 0 errors, 0 warnings, 3 lines checked\n",
            "GPL-2.0-or-latr"
        ));
    }
}
