//! Reading a guest's serial console: the test protocol the guest programs
//! speak, KUnit's TAP output, and the kernel's own reports of trouble.
//!
//! The protocol is one marker per line, which may stand anywhere in the
//! line because kernel messages can interleave with the guest's output:
//!
//! ```text
//! @@T pass NAME            a check passed
//! @@T fail NAME: REASON    a check failed
//! @@T req ACTION           the guest asks the host to act (`powerdown`)
//! @@T info TEXT            for a human
//! @@T done                 the scenario is over
//! ```

/// Something seen on the console.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Pass(String),
    Fail(String, String),
    Req(String),
    Info(String),
    Done,
    /// A KUnit case (`kunit.SUITE.CASE`) or suite (`kunit.SUITE`) result,
    /// with the suite's diagnostics when it failed.
    Kunit {
        name: String,
        ok: bool,
        detail: String,
    },
    /// The kernel panicked.
    Panic(String),
    /// The kernel reported a bug, an oops or a warning.
    Trouble(String),
}

const MARKER: &str = "@@T ";

/// Reads console lines one at a time.
#[derive(Default)]
pub struct Console {
    suite: Option<String>,
    diagnostics: Vec<String>,
}

/// Drops printk's `[    1.234567] ` time stamp, if any.
fn strip_timestamp(line: &str) -> &str {
    if let Some(rest) = line.strip_prefix('[') {
        if let Some((stamp, after)) = rest.split_once(']') {
            if stamp.trim().chars().all(|c| c.is_ascii_digit() || c == '.') {
                return after.strip_prefix(' ').unwrap_or(after);
            }
        }
    }
    line
}

/// `ok 1 - name` or `not ok 1 - name # SKIP why`: (passed, name).
fn tap_result(line: &str) -> Option<(bool, String)> {
    let (ok, rest) = if let Some(r) = line.strip_prefix("not ok ") {
        (false, r)
    } else {
        (true, line.strip_prefix("ok ")?)
    };
    let (num, name) = rest.split_once(" - ")?;
    num.parse::<u32>().ok()?;
    let name = name.split(" # ").next()?.trim();
    Some((ok, name.to_string()))
}

impl Console {
    pub fn feed(&mut self, raw: &str) -> Option<Event> {
        let raw = raw.trim_end_matches(['\r', '\n']);
        if let Some(i) = raw.find(MARKER) {
            return parse_marker(&raw[i + MARKER.len()..]);
        }
        let line = strip_timestamp(raw);
        if line.contains("Kernel panic - not syncing") {
            return Some(Event::Panic(line.trim().to_string()));
        }
        const TROUBLE: &[&str] = &[
            "BUG: ",
            "kernel BUG at",
            "WARNING: CPU:",
            "Unable to handle kernel",
            "Internal error: Oops",
            "general protection fault",
            "UBSAN:",
        ];
        // Lockdep's reports ("WARNING: possible circular locking
        // dependency detected", ...) begin with a bare "WARNING: ".
        if TROUBLE.iter().any(|t| line.contains(t)) || line.starts_with("WARNING: ") {
            return Some(Event::Trouble(line.trim().to_string()));
        }
        self.kunit(line)
    }

    fn kunit(&mut self, line: &str) -> Option<Event> {
        if let Some(case) = line.strip_prefix("    ") {
            if let Some(name) = case.trim().strip_prefix("# Subtest: ") {
                self.suite = Some(name.trim().to_string());
                self.diagnostics.clear();
                return None;
            }
            let suite = self.suite.clone()?;
            if let Some((ok, name)) = tap_result(case.trim_start()) {
                let detail = if ok {
                    String::new()
                } else {
                    self.diagnostics.join("\n")
                };
                self.diagnostics.clear();
                return Some(Event::Kunit {
                    name: format!("kunit.{suite}.{name}"),
                    ok,
                    detail,
                });
            }
            if !case.trim().starts_with("1..") {
                self.diagnostics.push(case.trim().to_string());
            }
            return None;
        }
        let (ok, name) = tap_result(line)?;
        // A top-level result closes the suite it names.
        if self.suite.as_deref() == Some(name.as_str()) {
            self.suite = None;
        }
        Some(Event::Kunit {
            name: format!("kunit.{name}"),
            ok,
            detail: String::new(),
        })
    }
}

fn parse_marker(rest: &str) -> Option<Event> {
    let rest = rest.trim();
    let (word, arg) = rest.split_once(' ').unwrap_or((rest, ""));
    let arg = arg.trim();
    match word {
        "pass" if valid_name(arg) => Some(Event::Pass(arg.to_string())),
        "fail" => {
            let (name, why) = arg.split_once(':').unwrap_or((arg, ""));
            Some(Event::Fail(name.trim().to_string(), why.trim().to_string()))
        }
        "req" if !arg.is_empty() => Some(Event::Req(arg.to_string())),
        "info" => Some(Event::Info(arg.to_string())),
        "done" => Some(Event::Done),
        _ => Some(Event::Trouble(format!(
            "malformed test protocol line: @@T {rest}"
        ))),
    }
}

fn valid_name(name: &str) -> bool {
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
            events.iter().all(|e| matches!(e, Event::Trouble(_))),
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
                ok: true,
                detail: String::new()
            }
        );
        match &events[1] {
            Event::Kunit {
                name,
                ok: false,
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
                ok: false,
                detail: String::new()
            }
        );
        assert_eq!(
            events[3],
            Event::Kunit {
                name: "kunit.other.works".into(),
                ok: true,
                detail: String::new()
            }
        );
        assert_eq!(
            events[4],
            Event::Kunit {
                name: "kunit.other".into(),
                ok: true,
                detail: String::new()
            }
        );
    }

    #[test]
    fn notices_kernel_trouble() {
        let events = feed_all(
            "[    3.1] ------------[ cut here ]------------\n\
             [    3.1] WARNING: CPU: 0 PID: 1 at drivers/gpio/gpiolib.c:1 x\n\
             [    4.0] Kernel panic - not syncing: Attempted to kill init!\n",
        );
        assert!(matches!(&events[0], Event::Trouble(l) if l.starts_with("WARNING: CPU: 0")));
        assert!(matches!(&events[1], Event::Panic(l) if l.contains("Attempted to kill init")));
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
