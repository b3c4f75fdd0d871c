//! Reading a guest's serial console: the test protocol the guest programs
//! speak, KUnit's TAP output, and the kernel's own reports of trouble
//! (which `klog` recognises).
//!
//! The protocol is one marker per line, which may stand anywhere in the
//! line because kernel messages can interleave with the guest's output:
//!
//! ```text
//! @@T pass NAME            a check passed
//! @@T fail NAME: REASON    a check failed
//! @@T skip NAME: REASON    a check could not run here
//! @@T metric NAME V UNIT   a measurement: a decimal number and its unit
//! @@T req ACTION           the guest asks the host to act (`powerdown`)
//! @@T info TEXT            for a human
//! @@T done                 the scenario is over
//! @@D NAME TEXT            one line of the data blob NAME (the whole
//!                          kernel log, `kmsg`; a sysfs listing, ...)
//! ```

use crate::leaf::klog::{self, Trouble};
use crate::leaf::outcome::Status;

/// Something seen on the console.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Pass(String),
    Fail(String, String),
    Skip(String, String),
    Metric(Metric),
    /// A line of a data blob: (blob, text).
    Data(String, String),
    Req(String),
    Info(String),
    Done,
    /// A KUnit case (`kunit.SUITE.CASE`) or suite (`kunit.SUITE`) result,
    /// with the suite's diagnostics when it failed.
    Kunit {
        name: String,
        status: Status,
        detail: String,
    },
    /// The kernel panicked.
    Panic(String),
    /// The kernel reported a bug, an oops, a warning, ... (see `klog`).
    Trouble(String),
    /// The guest broke the protocol.
    Malformed(String),
}

/// A number the guest or the host measured.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Metric {
    pub name: String,
    pub value: f64,
    pub unit: String,
}

const MARKER: &str = "@@T ";
const DATA: &str = "@@D ";

/// Reads console lines one at a time.
#[derive(Default)]
pub struct Console {
    suite: Option<String>,
    /// Cases reported in the open suite.
    cases: usize,
    diagnostics: Vec<String>,
}

/// `ok 1 - name`, `not ok 1 - name` or `ok 1 - name # SKIP why`:
/// (status, name, why it was skipped).
fn tap_result(line: &str) -> Option<(Status, String, String)> {
    let (ok, rest) = if let Some(r) = line.strip_prefix("not ok ") {
        (false, r)
    } else {
        (true, line.strip_prefix("ok ")?)
    };
    let (num, name) = rest.split_once(" - ")?;
    num.parse::<u32>().ok()?;
    let (name, directive) = name.split_once(" # ").unwrap_or((name, ""));
    let directive = directive.trim();
    let skip = directive
        .get(..4)
        .is_some_and(|d| d.eq_ignore_ascii_case("skip"));
    let status = match (ok, skip) {
        (_, true) => Status::Skip,
        (true, false) => Status::Pass,
        (false, false) => Status::Fail,
    };
    let why = if skip { directive[4..].trim() } else { "" };
    Some((status, name.trim().to_string(), why.to_string()))
}

impl Console {
    pub fn feed(&mut self, raw: &str) -> Option<Event> {
        let raw = raw.trim_end_matches(['\r', '\n']);
        if let Some(i) = raw.find(DATA) {
            let rest = &raw[i + DATA.len()..];
            let (blob, text) = rest.split_once(' ').unwrap_or((rest, ""));
            return Some(if valid_name(blob) {
                Event::Data(blob.to_string(), text.to_string())
            } else {
                Event::Malformed(format!("malformed data line: @@D {rest}"))
            });
        }
        if let Some(i) = raw.find(MARKER) {
            return Some(parse_marker(&raw[i + MARKER.len()..]));
        }
        let line = klog::strip_timestamp(raw);
        match klog::classify(line) {
            Some(Trouble::Panic) => return Some(Event::Panic(line.trim().to_string())),
            Some(Trouble::Report) => return Some(Event::Trouble(line.trim().to_string())),
            None => {}
        }
        self.kunit(line)
    }

    fn kunit(&mut self, line: &str) -> Option<Event> {
        if let Some(case) = line.strip_prefix("    ") {
            if let Some(name) = case.trim().strip_prefix("# Subtest: ") {
                self.suite = Some(name.trim().to_string());
                self.cases = 0;
                self.diagnostics.clear();
                return None;
            }
            let suite = self.suite.clone()?;
            if let Some((status, name, why)) = tap_result(case.trim_start()) {
                self.cases += 1;
                let detail = match status {
                    Status::Pass => String::new(),
                    Status::Skip => why,
                    Status::Fail => self.diagnostics.join("\n"),
                };
                self.diagnostics.clear();
                return Some(Event::Kunit {
                    name: format!("kunit.{suite}.{name}"),
                    status,
                    detail,
                });
            }
            if !case.trim().starts_with("1..") {
                self.diagnostics.push(case.trim().to_string());
            }
            return None;
        }
        let (mut status, name, why) = tap_result(line)?;
        let mut detail = why;
        // A top-level result closes the suite it names. A suite that ran
        // no case tested nothing, whatever it says.
        if self.suite.as_deref() == Some(name.as_str()) {
            self.suite = None;
            if self.cases == 0 {
                status = Status::Fail;
                detail = "the suite ran no test case".into();
            }
        } else if status != Status::Skip {
            status = Status::Fail;
            detail = "a suite result with no `# Subtest:` header or case before it".into();
        }
        Some(Event::Kunit {
            name: format!("kunit.{name}"),
            status,
            detail,
        })
    }
}

fn parse_marker(rest: &str) -> Event {
    let rest = rest.trim();
    let (word, arg) = rest.split_once(' ').unwrap_or((rest, ""));
    let arg = arg.trim();
    let with_reason = || {
        let (name, why) = arg.split_once(':').unwrap_or((arg, ""));
        (name.trim().to_string(), why.trim().to_string())
    };
    match word {
        "pass" if valid_name(arg) => Event::Pass(arg.to_string()),
        "fail" if valid_name(&with_reason().0) => {
            let (name, why) = with_reason();
            Event::Fail(name, why)
        }
        "skip" if valid_name(&with_reason().0) && !with_reason().1.is_empty() => {
            let (name, why) = with_reason();
            Event::Skip(name, why)
        }
        "metric" => parse_metric(arg).unwrap_or_else(|| {
            Event::Malformed(format!("malformed metric (NAME VALUE UNIT): @@T {rest}"))
        }),
        "req" if !arg.is_empty() => Event::Req(arg.to_string()),
        "info" => Event::Info(arg.to_string()),
        "done" => Event::Done,
        _ => Event::Malformed(format!("malformed test protocol line: @@T {rest}")),
    }
}

fn parse_metric(arg: &str) -> Option<Event> {
    let mut words = arg.split_whitespace();
    let (name, value, unit) = (words.next()?, words.next()?, words.next()?);
    if words.next().is_some() || !valid_name(name) || !valid_name(unit) {
        return None;
    }
    let value: f64 = value.parse().ok().filter(|v: &f64| v.is_finite())?;
    Some(Event::Metric(Metric {
        name: name.to_string(),
        value,
        unit: unit.to_string(),
    }))
}

/// Names of checks, metrics, units and blobs: lowercase words with digits,
/// `_`, `.` and `-`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed_all(text: &str) -> Vec<Event> {
        let mut c = Console::default();
        text.lines().filter_map(|l| c.feed(l)).collect()
    }

    #[test]
    fn parses_the_protocol_even_behind_kernel_output() {
        let events = feed_all(
            "@@T pass pl061.bound\n\
             [   12.5] gpio-keys: something@@T fail pl061.lines: found 7 lines\n\
             @@T req powerdown\n\
             @@T info the chip is gpiochip0\n\
             @@T done\r\n\
             plain output\n",
        );
        assert_eq!(
            events,
            vec![
                Event::Pass("pl061.bound".into()),
                Event::Fail("pl061.lines".into(), "found 7 lines".into()),
                Event::Req("powerdown".into()),
                Event::Info("the chip is gpiochip0".into()),
                Event::Done,
            ]
        );
    }

    #[test]
    fn malformed_protocol_lines_are_trouble() {
        let events = feed_all("@@T pass Bad Name\n@@T frobnicate\n");
        assert!(
            events.iter().all(|e| matches!(e, Event::Malformed(_))),
            "{events:?}"
        );
        assert_eq!(events.len(), 2);
    }

    #[test]
    fn parses_kunit_tap() {
        let events = feed_all(
            "TAP version 14\n\
             1..2\n\
             \x20   # Subtest: kallsyms\n\
             \x20   1..2\n\
             \x20   ok 1 - kallsyms_test_long_name\n\
             \x20   # kallsyms_test_max_name: EXPECTATION FAILED at kernel/kallsyms_test.c:42\n\
             \x20   Expected addr == (unsigned long)fn, but\n\
             \x20   not ok 2 - kallsyms_test_max_name\n\
             not ok 1 - kallsyms\n\
             [    0.5]     # Subtest: other\n\
             [    0.5]     ok 1 - works # SKIP not here\n\
             [    0.5] ok 2 - other\n",
        );
        assert_eq!(events.len(), 5, "{events:?}");
        assert_eq!(
            events[0],
            Event::Kunit {
                name: "kunit.kallsyms.kallsyms_test_long_name".into(),
                status: Status::Pass,
                detail: String::new()
            }
        );
        match &events[1] {
            Event::Kunit {
                name,
                status: Status::Fail,
                detail,
            } => {
                assert_eq!(name, "kunit.kallsyms.kallsyms_test_max_name");
                assert!(detail.contains("kernel/kallsyms_test.c:42"), "{detail}");
            }
            e => panic!("{e:?}"),
        }
        assert_eq!(
            events[2],
            Event::Kunit {
                name: "kunit.kallsyms".into(),
                status: Status::Fail,
                detail: String::new()
            }
        );
        assert_eq!(
            events[3],
            Event::Kunit {
                name: "kunit.other.works".into(),
                status: Status::Skip,
                detail: "not here".into()
            }
        );
        assert_eq!(
            events[4],
            Event::Kunit {
                name: "kunit.other".into(),
                status: Status::Pass,
                detail: String::new()
            }
        );
    }

    #[test]
    fn a_suite_without_cases_fails_and_skips_are_skips() {
        let events = feed_all(
            "    # Subtest: empty\n\
             \x20   1..0\n\
             ok 1 - empty\n\
             \x20   # Subtest: some\n\
             \x20   ok 1 - case_a # SKIP needs hardware\n\
             ok 2 - some # SKIP all skipped\n\
             ok 3 - orphan\n",
        );
        assert_eq!(events.len(), 4, "{events:?}");
        assert!(
            matches!(&events[0], Event::Kunit { name, status: Status::Fail, detail }
            if name == "kunit.empty" && detail.contains("no test case"))
        );
        assert!(
            matches!(&events[1], Event::Kunit { name, status: Status::Skip, detail }
            if name == "kunit.some.case_a" && detail == "needs hardware")
        );
        assert!(matches!(
            &events[2],
            Event::Kunit {
                status: Status::Skip,
                ..
            }
        ));
        assert!(matches!(
            &events[3],
            Event::Kunit {
                status: Status::Fail,
                ..
            }
        ));
    }

    #[test]
    fn reads_skips_metrics_and_data() {
        let events = feed_all(
            "@@T skip pl061.wake: no wakeup source\n\
             @@T metric pl061.rebind-50 1234.5 ms\n\
             @@T metric pl061.bad x ms\n\
             @@T metric pl061.bad 1 ms extra\n\
             [    1.0] @@D kmsg <4>[    1.0] WARNING: x\n\
             @@D sysfs /sys/bus\n\
             @@T skip pl061.noreason\n",
        );
        assert_eq!(
            events[0],
            Event::Skip("pl061.wake".into(), "no wakeup source".into())
        );
        assert_eq!(
            events[1],
            Event::Metric(Metric {
                name: "pl061.rebind-50".into(),
                value: 1234.5,
                unit: "ms".into()
            })
        );
        assert!(matches!(events[2], Event::Malformed(_)));
        assert!(matches!(events[3], Event::Malformed(_)));
        assert_eq!(
            events[4],
            Event::Data("kmsg".into(), "<4>[    1.0] WARNING: x".into())
        );
        assert_eq!(events[5], Event::Data("sysfs".into(), "/sys/bus".into()));
        assert!(
            matches!(events[6], Event::Malformed(_)),
            "a skip needs a reason"
        );
    }

    #[test]
    fn notices_kernel_trouble() {
        let events = feed_all(
            "[    3.1] ------------[ cut here ]------------\n\
             [    3.1] WARNING: CPU: 0 PID: 1 at drivers/gpio/gpiolib.c:1 x\n\
             [    4.0] Kernel panic - not syncing: Attempted to kill init!\n",
        );
        assert!(matches!(&events[0], Event::Trouble(l) if l.contains("cut here")));
        assert!(matches!(&events[1], Event::Trouble(l) if l.starts_with("WARNING: CPU: 0")));
        assert!(matches!(&events[2], Event::Panic(l) if l.contains("Attempted to kill init")));
    }

    #[test]
    fn notices_lockdep_reports() {
        let events = feed_all(
            "[    5.2] ======================================================\n\
             [    5.2] WARNING: possible circular locking dependency detected\n\
             [    5.2] rust_sync: mutex: counter is 10\n",
        );
        assert_eq!(events.len(), 1, "{events:?}");
        assert!(matches!(&events[0], Event::Trouble(l) if l.contains("circular locking")));
    }
}
