//! Booting a kernel in QEMU with a scenario's initramfs: this module
//! reads the serial console, presses the power button through the QEMU
//! monitor when the guest asks, and turns what it saw into outcomes.

use crate::guest::initramfs;
use crate::guest::qemu;
use crate::guest::scenario::Scenario;
use crate::kernel::build::{self, Kernel};
use crate::leaf::console::{Console, Event, Metric};
use crate::leaf::ctx::Ctx;
use crate::leaf::klog;
use crate::leaf::outcome::Outcome;
use crate::leaf::process::{self, note, step};
use anyhow::{Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
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

/// What one boot showed.
#[derive(Debug, Default)]
pub struct Boot {
    /// The scenario's id, with `.runN` for its second and later boots: the
    /// prefix of this boot's outcomes and metrics.
    pub id: String,
    /// One per check, exactly the names the scenario expects.
    pub outcomes: Vec<Outcome>,
    pub metrics: Vec<Metric>,
    /// The whole console, as the host read it.
    pub console: String,
    /// The data blobs the guest handed over (`kmsg`, `sysfs`, ...), by name.
    pub blobs: BTreeMap<String, Vec<String>>,
    /// The QEMU command line, as a shell would take it.
    pub qemu: String,
}

/// The modules a scenario's initramfs carries: the kernel's own, if it
/// asks for them, and its out-of-tree ones, built against the kernel.
fn scenario_modules(
    ctx: &Ctx,
    kernel: &Kernel,
    scenario: &Scenario,
) -> Result<Vec<(String, PathBuf)>> {
    let mut modules = Vec::new();
    if scenario.modules {
        modules = self::modules(&kernel.out)?;
    }
    for dir in &scenario.external {
        for ko in build::external_module(ctx, kernel, &ctx.root.join(dir))? {
            let name = ko
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            modules.push((format!("lib/modules/{name}"), ko));
        }
    }
    Ok(modules)
}

/// Boots `kernel` with the scenario and returns what it showed. `run`
/// numbers the boots of a scenario that repeats (outcomes of the second
/// and later ones are named `ID.runN.*`).
pub fn boot(ctx: &Ctx, kernel: &Kernel, scenario: &Scenario, show: Show) -> Result<Boot> {
    boot_run(ctx, kernel, scenario, show, 1)
}

pub fn boot_run(
    ctx: &Ctx,
    kernel: &Kernel,
    scenario: &Scenario,
    show: Show,
    run: u32,
) -> Result<Boot> {
    let id = scenario.id();
    let modules = scenario_modules(ctx, kernel, scenario)?;
    let initrd = initramfs::build(ctx, scenario, &modules)?;
    let monitor = std::env::temp_dir().join(format!(
        "xtask-{}-{}.mon",
        std::process::id(),
        scenario.name
    ));
    let _ = fs::remove_file(&monitor);
    let run_id = if run == 1 {
        id.clone()
    } else {
        format!("{id}.run{run}")
    };
    let log_name = format!("boot-{run_id}.log");
    let log_path = ctx.logs()?.join(&log_name);
    let mut log = fs::File::create(&log_path)?;
    if show == Show::Quiet {
        step(format!("booting {id} (console: build/logs/{log_name})"));
    }
    let mut cmd = qemu::command_line(kernel, scenario, &initrd, &monitor);
    let command_line = process::describe(&cmd);
    let mut child = cmd
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
    let mut boot = Boot {
        qemu: command_line,
        ..Boot::default()
    };
    let mut results: Vec<Outcome> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    let mut recent: Vec<String> = Vec::new();
    let mut in_userspace = false;
    let mut done = false;
    let mut ended = None;
    let mut transcript = String::new();
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
        transcript.push_str(&line);
        transcript.push('\n');
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
            Show::Guest if in_userspace && !line.contains("@@T ") && !line.contains("@@D ") => {
                println!("  | {line}")
            }
            _ => {}
        }
        let Some(event) = event else { continue };
        let named = |name: &str| format!("{id}.{name}");
        match event {
            Event::Pass(name) => results.push(Outcome::pass(named(&name))),
            Event::Fail(name, why) => results.push(Outcome::fail(named(&name), why)),
            Event::Skip(name, why) => results.push(Outcome::skip(named(&name), why)),
            Event::Kunit {
                name,
                status,
                detail,
            } => results.push(Outcome::new(named(&name), status, detail)),
            Event::Metric(m) => {
                if show != Show::Quiet {
                    println!("  * {} = {} {}", m.name, m.value, m.unit);
                }
                boot.metrics.push(Metric {
                    name: named(&m.name),
                    ..m
                })
            }
            Event::Data(blob, text) => {
                if blob == "kmsg" {
                    let (_, message) = klog::parse_kmsg(&text);
                    if klog::classify(message).is_some() {
                        problems.push(message.trim().to_string());
                    }
                }
                boot.blobs.entry(blob).or_default().push(text);
            }
            Event::Req(action) if action == "powerdown" => {
                if show != Show::Quiet {
                    println!("  * pressing the power button (QEMU monitor: system_powerdown)");
                }
                if let Err(e) = qemu::monitor_command(&monitor, "system_powerdown") {
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
            Event::Malformed(line) => problems.push(line),
            Event::Panic(line) => {
                ended = Some(format!("kernel panic: {line}"));
                // Let the rest of the panic report reach the log.
                let until = Instant::now() + Duration::from_secs(3);
                while let Ok(l) = guest
                    .lines
                    .recv_timeout(until.saturating_duration_since(Instant::now()))
                {
                    writeln!(log, "{l}")?;
                    transcript.push_str(&l);
                    transcript.push('\n');
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
            process::fmt_duration(start.elapsed())
        ));
    }
    if done && !boot.blobs.contains_key("kmsg") {
        problems.push("the guest handed over no kernel log (@@D kmsg)".into());
    }
    // The console and the kmsg dump show most reports twice.
    let mut seen = BTreeSet::new();
    problems.retain(|p| seen.insert(p.clone()) && !klog::allowed(p, &scenario.allow_log));

    let tail = process::tail(&recent.join("\n"), 25);
    results.push(match (ended, done) {
        (Some(why), _) => Outcome::fail(
            format!("{id}.boot"),
            format!("{why}; last console lines:\n{tail}"),
        ),
        (None, false) => Outcome::fail(
            format!("{id}.boot"),
            format!("QEMU exited before the scenario finished; last console lines:\n{tail}"),
        ),
        (None, true) => Outcome::pass(format!("{id}.boot")),
    });
    results.push(if problems.is_empty() {
        Outcome::pass(format!("{id}.kernel-log-clean"))
    } else {
        Outcome::fail(format!("{id}.kernel-log-clean"), problems.join("\n"))
    });
    if scenario.qemu.smp > 1 {
        results.push(cpus_up(&id, scenario.qemu.smp, &transcript, &boot.blobs));
    }
    boot.outcomes = judge(scenario, results);
    if run > 1 {
        let prefix = format!("{id}.");
        let names = boot.outcomes.iter_mut().map(|o| &mut o.name);
        for name in names.chain(boot.metrics.iter_mut().map(|m| &mut m.name)) {
            if let Some(rest) = name.strip_prefix(&prefix) {
                *name = format!("{run_id}.{rest}");
            }
        }
    }
    boot.id = run_id;
    boot.console = transcript;
    Ok(boot)
}

/// `ID.cpus`: the kernel brought up all `want` CPUs QEMU gave it (a
/// concurrency test on one CPU would prove less than it claims, and x86
/// without ACPI, for one, quietly finds fewer CPUs than QEMU has).
fn cpus_up(id: &str, want: u32, console: &str, blobs: &BTreeMap<String, Vec<String>>) -> Outcome {
    let name = format!("{id}.cpus");
    // kernel/smp.c: "smp: Brought up 1 node, 2 CPUs".
    let kmsg = blobs
        .get("kmsg")
        .into_iter()
        .flatten()
        .map(|l| klog::parse_kmsg(l).1);
    let line = console
        .lines()
        .map(klog::strip_timestamp)
        .chain(kmsg)
        .find_map(|l| {
            l.split_once("smp: Brought up ")
                .map(|(_, rest)| rest.to_string())
        });
    match line {
        Some(rest) if rest.trim_end().ends_with(&format!(", {want} CPUs")) => Outcome::pass(name),
        Some(rest) => Outcome::fail(
            name,
            format!("QEMU has {want} CPUs, the kernel brought up {rest}"),
        ),
        None => Outcome::fail(name, "the kernel never said how many CPUs it brought up"),
    }
}

/// Holds what a boot reported to what the scenario expects: each expected
/// name once (a name reported twice keeps its worst result), nothing
/// unexpected, and no skip the scenario does not allow.
pub fn judge(scenario: &Scenario, reported: Vec<Outcome>) -> Vec<Outcome> {
    let mut by_name: BTreeMap<String, Outcome> = BTreeMap::new();
    for o in reported {
        let o = if !scenario.expects(&o.name) {
            Outcome::fail(
                o.name.clone(),
                format!(
                    "reported by the guest but expected by no list of the scenario ({}): {}",
                    o.label(),
                    o.detail
                ),
            )
        } else if o.skipped() && !scenario.may_skip(&o.name) {
            Outcome::fail(
                o.name.clone(),
                format!("skipped ({}), which this scenario does not allow", o.detail),
            )
        } else {
            o
        };
        match by_name.get(&o.name) {
            Some(old) if old.failed() || (old.skipped() && o.passed()) => {}
            _ => {
                by_name.insert(o.name.clone(), o);
            }
        }
    }
    for want in scenario.expected_boot() {
        by_name.entry(want.clone()).or_insert_with(|| {
            let why = if want.contains(".kunit.") {
                "the KUnit suite did not run"
            } else {
                "never reported by the guest"
            };
            Outcome::fail(want, why)
        });
    }
    by_name.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        let text = "[[scenario]]\nname = \"s\"\narch = \"arm64\"\nscript = \"x\"\n\
                    kunit = [\"suite\"]\nallow_skip = [\"maybe\"]\ntimeout = 5\n";
        let lists = |_: &str| Ok("one\nmaybe\nnever\n".to_string());
        crate::guest::scenario::parse(text, lists, |_| true, &crate::checks::registry::names())
            .unwrap()
            .remove(0)
    }

    fn find<'a>(out: &'a [Outcome], name: &str) -> &'a Outcome {
        out.iter()
            .find(|o| o.name == name)
            .unwrap_or_else(|| panic!("no {name} in {out:?}"))
    }

    #[test]
    fn an_unexpected_name_fails_and_a_missing_one_too() {
        let out = judge(
            &scenario(),
            vec![
                Outcome::pass("arm64.s.one"),
                Outcome::pass("arm64.s.surprise"),
                Outcome::pass("arm64.s.kunit.suite.case_1"),
                Outcome::pass("arm64.s.kunit.suite"),
                Outcome::pass("arm64.s.kunit.other.case_1"),
                Outcome::pass("arm64.s.boot"),
                Outcome::pass("arm64.s.kernel-log-clean"),
                Outcome::skip("arm64.s.maybe", "not here"),
            ],
        );
        assert!(find(&out, "arm64.s.one").passed());
        assert!(find(&out, "arm64.s.kunit.suite.case_1").passed());
        assert!(find(&out, "arm64.s.maybe").skipped());
        let surprise = find(&out, "arm64.s.surprise");
        assert!(surprise.failed() && surprise.detail.contains("expected by no list"));
        assert!(find(&out, "arm64.s.kunit.other.case_1").failed());
        assert!(find(&out, "arm64.s.never").failed());
        assert_eq!(out.iter().filter(|o| o.failed()).count(), 3, "{out:?}");
    }

    #[test]
    fn a_skip_the_scenario_does_not_allow_fails() {
        let out = judge(&scenario(), vec![Outcome::skip("arm64.s.one", "no tool")]);
        let one = find(&out, "arm64.s.one");
        assert!(one.failed() && one.detail.contains("no tool"), "{one:?}");
    }

    #[test]
    fn a_name_reported_twice_keeps_its_worst_result() {
        let out = judge(
            &scenario(),
            vec![
                Outcome::fail("arm64.s.one", "first"),
                Outcome::pass("arm64.s.one"),
            ],
        );
        assert!(find(&out, "arm64.s.one").failed());
        assert_eq!(out.iter().filter(|o| o.name == "arm64.s.one").count(), 1);
    }

    #[test]
    fn counts_the_cpus_brought_up() {
        let none = BTreeMap::new();
        assert!(cpus_up("a", 2, "[    0.1] smp: Brought up 1 node, 2 CPUs\n", &none).passed());
        let one = cpus_up("a", 2, "[    0.1] smp: Brought up 1 node, 1 CPU\n", &none);
        assert!(
            one.failed() && one.detail.contains("1 node, 1 CPU"),
            "{one:?}"
        );
        assert!(cpus_up("a", 2, "nothing\n", &none).failed());
        let kmsg = BTreeMap::from([(
            "kmsg".to_string(),
            vec!["<6>[    0.1] smp: Brought up 1 node, 2 CPUs".to_string()],
        )]);
        assert!(cpus_up("a", 2, "", &kmsg).passed());
    }

    #[test]
    fn a_missing_suite_fails() {
        let out = judge(&scenario(), Vec::new());
        assert_eq!(
            find(&out, "arm64.s.kunit.suite").detail,
            "the KUnit suite did not run"
        );
    }
}
