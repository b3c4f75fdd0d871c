//! `cargo xtask boot`: boots a kernel in QEMU with a scenario's initramfs,
//! reads the serial console, presses the power button through the QEMU
//! monitor when the guest asks, and turns what it saw into outcomes.

use crate::args::Args;
use crate::build::{self, Arch, Kernel};
use crate::console::{Console, Event};
use crate::initramfs;
use crate::scenario::{self, Scenario};
use crate::util::{self, note, step, Ctx, Outcome};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How much of the console a boot shows while it runs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Show {
    /// Only the result.
    Quiet,
    /// What the guest's programs print (after the kernel started /init).
    Guest,
    /// Every console line.
    All,
}

pub fn command(ctx: &Ctx, args: &mut Args) -> Result<()> {
    let name = args.value("scenario")?.context("--scenario is required")?;
    let arch = args.value("arch")?.map(|a| Arch::parse(&a)).transpose()?;
    let verbose = args.flag("verbose");
    args.finish()?;
    let all = scenario::load(&ctx.root)?;
    let scenario = scenario::find(&all, &name, arch)?;
    let spec = scenario.spec();
    let kernel = build::build(ctx, &spec.tree(ctx)?, &spec)?;
    let show = if verbose { Show::All } else { Show::Guest };
    let outcomes = boot(ctx, &kernel, &scenario, show)?;
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| !o.passed).collect();
    for o in &outcomes {
        println!(
            "{} {}{}",
            if o.passed { "PASS" } else { "FAIL" },
            o.name,
            detail(o)
        );
    }
    if !failed.is_empty() {
        anyhow::bail!("{} of {} checks failed", failed.len(), outcomes.len());
    }
    step(format!(
        "{}: all {} checks passed",
        scenario.id(),
        outcomes.len()
    ));
    Ok(())
}

fn detail(o: &Outcome) -> String {
    if o.detail.is_empty() {
        String::new()
    } else {
        format!(": {}", o.detail)
    }
}

fn qemu(kernel: &Kernel, initrd: &Path, monitor: &Path) -> Command {
    let (binary, machine, console): (&str, &[&str], &str) = match kernel.arch {
        Arch::Arm64 => (
            "qemu-system-aarch64",
            &["-M", "virt", "-cpu", "cortex-a57"],
            "ttyAMA0",
        ),
        Arch::X86_64 => ("qemu-system-x86_64", &[], "ttyS0"),
    };
    let mut cmd = Command::new(binary);
    cmd.args(machine)
        .args([
            "-m",
            "512",
            "-smp",
            "1",
            "-display",
            "none",
            "-no-reboot",
            "-nic",
            "none",
        ])
        .args(["-serial", "stdio", "-monitor"])
        .arg(format!("unix:{},server=on,wait=off", monitor.display()))
        .arg("-kernel")
        .arg(&kernel.image)
        .arg("-initrd")
        .arg(initrd)
        .arg("-append")
        .arg(format!("console={console} panic=-1"));
    cmd
}

/// Sends one command to QEMU's human monitor.
fn monitor_command(socket: &Path, command: &str) -> Result<()> {
    let mut s = UnixStream::connect(socket)
        .with_context(|| format!("cannot reach the QEMU monitor at {}", socket.display()))?;
    s.set_read_timeout(Some(Duration::from_secs(2)))?;
    s.write_all(format!("{command}\n").as_bytes())?;
    // Wait for the monitor to echo the command, so it has been read.
    let mut seen = Vec::new();
    let mut buf = [0; 256];
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 {
            break;
        }
        seen.extend_from_slice(&buf[..n]);
        if String::from_utf8_lossy(&seen).matches("(qemu)").count() >= 2 {
            break;
        }
    }
    Ok(())
}

struct Guest {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Drop for Guest {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The kernel's modules, as (`lib/modules/NAME.ko`, file) pairs.
fn modules(out: &Path) -> Result<Vec<(String, PathBuf)>> {
    fn walk(dir: &Path, found: &mut Vec<(String, PathBuf)>) -> Result<()> {
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                walk(&path, found)?;
            } else if path.extension().is_some_and(|e| e == "ko") {
                let name = path
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                found.push((format!("lib/modules/{name}"), path));
            }
        }
        Ok(())
    }
    let mut found = Vec::new();
    walk(out, &mut found)?;
    found.sort();
    Ok(found)
}

/// Boots `kernel` with the scenario and returns one outcome per check.
pub fn boot(ctx: &Ctx, kernel: &Kernel, scenario: &Scenario, show: Show) -> Result<Vec<Outcome>> {
    let id = scenario.id();
    let mut modules = Vec::new();
    if scenario.modules {
        modules = self::modules(&kernel.out)?;
        for ko in build::external_module(ctx, kernel, &ctx.root.join("tests/oot"))? {
            let name = ko
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            modules.push((format!("lib/modules/{name}"), ko));
        }
    }
    let initrd = initramfs::build(ctx, scenario, &modules)?;
    let monitor = std::env::temp_dir().join(format!(
        "xtask-{}-{}.mon",
        std::process::id(),
        scenario.name
    ));
    let _ = fs::remove_file(&monitor);
    let log_path = ctx.logs()?.join(format!("boot-{id}.log"));
    let mut log = fs::File::create(&log_path)?;
    if show == Show::Quiet {
        step(format!("booting {id} (console: build/logs/boot-{id}.log)"));
    }
    let mut child = qemu(kernel, &initrd, &monitor)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot start QEMU")?;
    let (tx, lines) = mpsc::channel();
    for stream in [
        Box::new(child.stdout.take().expect("piped")) as Box<dyn Read + Send>,
        Box::new(child.stderr.take().expect("piped")),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).split(b'\n').map_while(|l| l.ok()) {
                if tx
                    .send(String::from_utf8_lossy(&line).into_owned())
                    .is_err()
                {
                    break;
                }
            }
        });
    }
    drop(tx);
    let guest = Guest { child, lines };

    let start = Instant::now();
    let deadline = start + Duration::from_secs(scenario.timeout);
    let mut console = Console::default();
    let mut results: BTreeMap<String, Outcome> = BTreeMap::new();
    let mut problems: Vec<String> = Vec::new();
    let mut recent: Vec<String> = Vec::new();
    let mut in_userspace = false;
    let mut done = false;
    let mut ended = None;
    loop {
        let now = Instant::now();
        let wait = if done {
            Duration::from_secs(10)
        } else {
            deadline.saturating_duration_since(now)
        };
        let line = match guest.lines.recv_timeout(wait) {
            Ok(line) => line,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if !done {
                    ended = Some(format!("timed out after {} s", scenario.timeout));
                }
                break;
            }
        };
        writeln!(log, "{line}")?;
        recent.push(line.clone());
        if recent.len() > 40 {
            recent.remove(0);
        }
        if line.contains("Run /init as init process") {
            in_userspace = true;
        }
        let event = console.feed(&line);
        match show {
            Show::All => println!("{line}"),
            Show::Guest if in_userspace && !line.contains("@@T ") => println!("  | {line}"),
            _ => {}
        }
        let Some(event) = event else { continue };
        match event {
            Event::Pass(name) => {
                let name = format!("{id}.{name}");
                results
                    .entry(name.clone())
                    .or_insert_with(|| Outcome::pass(name));
            }
            Event::Fail(name, why) => {
                let name = format!("{id}.{name}");
                results.insert(name.clone(), Outcome::fail(name, why));
            }
            Event::Kunit { name, ok, detail } => {
                let name = format!("{id}.{name}");
                let o = if ok {
                    Outcome::pass(&name)
                } else {
                    Outcome::fail(&name, detail)
                };
                results.insert(name, o);
            }
            Event::Req(action) if action == "powerdown" => {
                if show != Show::Quiet {
                    println!("  * pressing the power button (QEMU monitor: system_powerdown)");
                }
                if let Err(e) = monitor_command(&monitor, "system_powerdown") {
                    problems.push(format!("{e:#}"));
                }
            }
            Event::Req(other) => problems.push(format!(
                "the guest asked for `{other}`, which the host cannot do"
            )),
            Event::Info(text) => {
                if show != Show::Quiet {
                    println!("  * {text}");
                }
            }
            Event::Done => done = true,
            Event::Trouble(line) => problems.push(line),
            Event::Panic(line) => {
                ended = Some(format!("kernel panic: {line}"));
                // Let the rest of the panic report reach the log.
                let until = Instant::now() + Duration::from_secs(3);
                while let Ok(l) = guest
                    .lines
                    .recv_timeout(until.saturating_duration_since(Instant::now()))
                {
                    writeln!(log, "{l}")?;
                    recent.push(l);
                }
                break;
            }
        }
    }
    drop(guest);
    let _ = fs::remove_file(&monitor);
    if show == Show::Quiet {
        note(format!(
            "{id} ran for {}",
            util::fmt_duration(start.elapsed())
        ));
    }

    let mut outcomes: Vec<Outcome> = results.into_values().collect();
    for want in &scenario.expect {
        let name = format!("{id}.{want}");
        if !outcomes.iter().any(|o| o.name == name) {
            outcomes.push(Outcome::fail(name, "never reported by the guest"));
        }
    }
    for suite in &scenario.kunit {
        let name = format!("{id}.kunit.{suite}");
        if !outcomes.iter().any(|o| o.name == name) {
            outcomes.push(Outcome::fail(name, "the KUnit suite did not run"));
        }
    }
    let tail = util::tail(&recent.join("\n"), 25);
    let boot_name = format!("{id}.boot");
    outcomes.push(match (ended, done) {
        (Some(why), _) => Outcome::fail(boot_name, format!("{why}; last console lines:\n{tail}")),
        (None, false) => Outcome::fail(
            boot_name,
            format!("QEMU exited before the scenario finished; last console lines:\n{tail}"),
        ),
        (None, true) => Outcome::pass(boot_name),
    });
    outcomes.push(if problems.is_empty() {
        Outcome::pass(format!("{id}.kernel-log-clean"))
    } else {
        Outcome::fail(format!("{id}.kernel-log-clean"), problems.join("\n"))
    });
    Ok(outcomes)
}
