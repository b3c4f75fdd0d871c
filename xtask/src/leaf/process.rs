//! Running programs and logging what they do: progress lines, commands
//! as a shell would show them, long commands with their output in a log,
//! and the small file and time helpers that go with them.

use anyhow::{bail, Context, Result};
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Prints a progress line for a step.
pub fn step(msg: impl std::fmt::Display) {
    println!("==> {msg}");
}

/// Prints an indented detail line.
pub fn note(msg: impl std::fmt::Display) {
    println!("    {msg}");
}

/// A command as a shell would take it (arguments with spaces are quoted).
pub fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        let a = a.to_string_lossy();
        s.push(' ');
        if a.is_empty() || a.contains([' ', '"', '\'', '$', '\\']) {
            s.push('\'');
            s.push_str(&a.replace('\'', "'\\''"));
            s.push('\'');
        } else {
            s.push_str(&a);
        }
    }
    s
}

/// Runs a command that prints little; fails with its stderr.
pub fn run(cmd: &mut Command) -> Result<()> {
    output(cmd).map(|_| ())
}

/// Runs a command and returns its standard output (trimmed of the last newline).
pub fn output(cmd: &mut Command) -> Result<String> {
    let out = output_bytes(cmd)?;
    let mut s =
        String::from_utf8(out).with_context(|| format!("`{}` printed non-UTF-8", describe(cmd)))?;
    if s.ends_with('\n') {
        s.pop();
    }
    Ok(s)
}

/// Runs a command and returns its raw standard output.
pub fn output_bytes(cmd: &mut Command) -> Result<Vec<u8>> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run `{}`", describe(cmd)))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let err = err.trim();
        bail!(
            "`{}` failed ({}){}{}",
            describe(cmd),
            out.status,
            if err.is_empty() { "" } else { ":\n" },
            err
        );
    }
    Ok(out.stdout)
}

/// Runs a command with the given text as standard input.
pub fn output_with_input(cmd: &mut Command, input: &[u8]) -> Result<String> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run `{}`", describe(cmd)))?;
    let mut stdin = child.stdin.take().context("no stdin")?;
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output()?;
    writer.join().expect("writer thread panicked")?;
    if !out.status.success() {
        bail!(
            "`{}` failed ({}):\n{}",
            describe(cmd),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
}

/// A `git` command working in `dir`, unaffected by the user's settings that
/// would change what it writes.
pub fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C")
        .arg(dir)
        .args(["-c", "core.autocrlf=false", "-c", "core.fileMode=true"])
        .args([
            "-c",
            "diff.noprefix=false",
            "-c",
            "diff.mnemonicPrefix=false",
        ])
        .args(["-c", "advice.detachedHead=false", "-c", "gc.auto=0"])
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE");
    cmd
}

/// Writes a file only when its content changes, so that `make` sees no
/// change when there is none. Returns whether it wrote.
pub fn write_if_changed(path: &Path, content: &[u8]) -> Result<bool> {
    if fs::read(path).ok().as_deref() == Some(content) {
        return Ok(false);
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(path, content).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(true)
}

/// The SHA-256 of a file, in hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    use sha2::{Digest, Sha256};
    let mut f = fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Formats a duration as `1m05s`.
pub fn fmt_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{}.{}s", s, d.subsec_millis() / 100)
    }
}

/// Runs a long command with its whole output in `log`, printing a progress
/// line now and then. On failure, shows the first error found in the log.
pub fn run_logged(cmd: &mut Command, log: &Path, label: &str) -> Result<()> {
    let start = Instant::now();
    let file = fs::File::create(log).with_context(|| format!("cannot create {}", log.display()))?;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run `{}`", describe(cmd)))?;
    let file = Arc::new(Mutex::new(file));
    let lines = Arc::new(AtomicUsize::new(0));
    let last = Arc::new(Mutex::new(String::new()));
    let readers: Vec<_> = [
        Box::new(child.stdout.take().expect("piped")) as Box<dyn Read + Send>,
        Box::new(child.stderr.take().expect("piped")),
    ]
    .into_iter()
    .map(|stream| {
        let (file, lines, last) = (file.clone(), lines.clone(), last.clone());
        std::thread::spawn(move || {
            for line in BufReader::new(stream).split(b'\n').map_while(|l| l.ok()) {
                let line = String::from_utf8_lossy(&line).into_owned();
                let _ = writeln!(file.lock().expect("log lock"), "{line}");
                lines.fetch_add(1, Ordering::Relaxed);
                *last.lock().expect("last lock") = line;
            }
        })
    })
    .collect();
    let done = Arc::new(AtomicBool::new(false));
    let ticker = {
        let (done, lines, last, label) =
            (done.clone(), lines.clone(), last.clone(), label.to_string());
        std::thread::spawn(move || {
            let mut next = Duration::from_secs(30);
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(200));
                if start.elapsed() >= next {
                    next += Duration::from_secs(30);
                    let last = last.lock().expect("last lock").trim().to_string();
                    let last: String = last.chars().take(60).collect();
                    note(format!(
                        "[{label}] {} elapsed, {} lines of output, last: {last}",
                        fmt_duration(start.elapsed()),
                        lines.load(Ordering::Relaxed)
                    ));
                }
            }
        })
    };
    let status = child.wait()?;
    for r in readers {
        let _ = r.join();
    }
    done.store(true, Ordering::Relaxed);
    let _ = ticker.join();
    if !status.success() {
        let text = fs::read_to_string(log).unwrap_or_default();
        let first = first_error(&text).unwrap_or_else(|| tail(&text, 15));
        bail!(
            "{label} failed ({status}) after {}; first error:\n{first}\nfull log: {}",
            fmt_duration(start.elapsed()),
            log.display()
        );
    }
    Ok(())
}

/// The first line of a build log that reports an error, with a little context.
pub fn first_error(log: &str) -> Option<String> {
    let lines: Vec<&str> = log.lines().collect();
    let i = lines.iter().position(|l| {
        l.contains("error:") || l.contains("Error ") || l.contains("*** ") || l.starts_with("ERROR")
    })?;
    Some(lines[i..lines.len().min(i + 8)].join("\n"))
}

/// The last `n` lines of a text.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Whether we run as root (needed to install packages).
pub fn is_root() -> bool {
    output(Command::new("id").arg("-u"))
        .map(|u| u == "0")
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_error_of_a_build_log() {
        let log = "  CC      init/main.o\nfoo.c:3:1: error: expected ';'\n  1 | x\nmake[1]: *** [x] Error 1\n";
        assert!(first_error(log)
            .unwrap()
            .starts_with("foo.c:3:1: error: expected ';'"));
        assert_eq!(first_error("  CC      a.o\n  LD      vmlinux\n"), None);
    }

    #[test]
    fn formats_durations() {
        assert_eq!(fmt_duration(Duration::from_millis(2500)), "2.5s");
        assert_eq!(fmt_duration(Duration::from_secs(65)), "1m05s");
    }
}
