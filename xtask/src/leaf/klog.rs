//! The one place that knows what kernel trouble looks like. Every boot's
//! console and its whole kernel log (handed over by the guest at the end,
//! at every level, see `tests/initramfs/init`) go through `classify`;
//! a scenario may allow particular lines (fault injection is meant to
//! print), never a panic.

/// What a kernel log line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trouble {
    /// The kernel panicked: the boot is over.
    Panic,
    /// A report of a bug: an oops, a warning, a lockdep splat, a hung task,
    /// an RCU stall, a memory leak, a KASAN or UBSAN finding, ...
    Report,
}

/// The beginnings of reports, wherever they stand in the line (after the
/// time stamp, a `<level>` or a CPU prefix).
const REPORTS: &[&str] = &[
    // BUG(), oopses and their arch-specific first lines.
    "BUG: ",
    "kernel BUG at",
    "Unable to handle kernel",
    "Internal error: Oops",
    "general protection fault",
    "invalid opcode:",
    "stack segment: ",
    "Bad page state",
    "Bad page map",
    "Bad rss-counter",
    // WARN() and friends.
    "WARNING: CPU:",
    "------------[ cut here ]------------",
    // Sanitizers: KASAN's and KFENCE's reports start with "BUG: ",
    // UBSAN's with this.
    "UBSAN:",
    // Memory leaks found by kmemleak's scan.
    "kmemleak: ",
    // Hung tasks and soft/hard lockups.
    "blocked for more than",
    "soft lockup - CPU#",
    "hard LOCKUP",
    "Watchdog detected hard LOCKUP",
    // RCU CPU stall warnings, for every flavour of RCU.
    "detected stalls on CPUs/tasks",
    "self-detected stall on CPU",
    "rcu_preempt detected stall",
    "rcu_sched detected stall",
    // gpiolib removing a chip whose lines are still in use.
    "REMOVING GPIOCHIP WITH GPIOS STILL REQUESTED",
    "backing chip is gone",
    // Lists and refcounts found corrupt.
    "list_add corruption",
    "list_del corruption",
    "refcount_t: ",
];

/// kmemleak prints these on its own, and they are not leaks.
const NOT_REPORTS: &[&str] = &[
    "kmemleak: Kernel memory leak detector initialized",
    "kmemleak: Automatic memory scanning thread started",
];

/// Drops printk's `[    1.234567] ` time stamp, if any.
pub fn strip_timestamp(line: &str) -> &str {
    if let Some(rest) = line.strip_prefix('[') {
        if let Some((stamp, after)) = rest.split_once(']') {
            if stamp.trim().chars().all(|c| c.is_ascii_digit() || c == '.') {
                return after.strip_prefix(' ').unwrap_or(after);
            }
        }
    }
    line
}

/// `<6>[    1.234567] text` (a line of `dmesg -r`) to (level, `text`).
pub fn parse_kmsg(line: &str) -> (Option<u8>, &str) {
    let mut level = None;
    let mut rest = line;
    if let Some(after) = line.strip_prefix('<') {
        if let Some((n, after)) = after.split_once('>') {
            if let Ok(n) = n.parse::<u32>() {
                // The facility is in the high bits.
                level = Some((n & 7) as u8);
                rest = after;
            }
        }
    }
    (level, strip_timestamp(rest))
}

/// What, if anything, a kernel log line (time stamp stripped) reports.
pub fn classify(line: &str) -> Option<Trouble> {
    if line.contains("Kernel panic - not syncing") {
        return Some(Trouble::Panic);
    }
    if NOT_REPORTS.iter().any(|n| line.contains(n)) {
        return None;
    }
    // Lockdep's reports ("WARNING: possible circular locking dependency
    // detected", "WARNING: suspicious RCU usage") begin with a bare
    // "WARNING: "; so does "INFO: task ... blocked" for hung tasks.
    if REPORTS.iter().any(|t| line.contains(t))
        || line.starts_with("WARNING: ")
        || line.starts_with("INFO: ")
    {
        return Some(Trouble::Report);
    }
    None
}

/// Lines a scenario allows: each pattern is a substring of the line, or,
/// with a `*`, pieces that must appear in that order.
pub fn allowed(line: &str, patterns: &[String]) -> bool {
    patterns.iter().any(|p| {
        let mut rest = line;
        for piece in p.split('*').filter(|s| !s.is_empty()) {
            match rest.find(piece) {
                Some(i) => rest = &rest[i + piece.len()..],
                None => return false,
            }
        }
        true
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_every_kind_of_report() {
        let reports = [
            "WARNING: CPU: 0 PID: 1 at drivers/gpio/gpiolib.c:1 x",
            "WARNING: possible circular locking dependency detected",
            "INFO: task kworker/0:1:20 blocked for more than 120 seconds.",
            "rcu: INFO: rcu_preempt self-detected stall on CPU",
            "rcu: INFO: rcu_sched detected stalls on CPUs/tasks:",
            "BUG: Bad page state in process swapper  pfn:4242",
            "invalid opcode: 0000 [#1] SMP",
            "kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)",
            "BUG: KASAN: use-after-free in rust_sync_init+0x10/0x20",
            "UBSAN: shift-out-of-bounds in lib/foo.c:12:3",
            "Unable to handle kernel NULL pointer dereference at virtual address 0",
            "watchdog: BUG: soft lockup - CPU#1 stuck for 22s!",
            "gpio gpiochip0: REMOVING GPIOCHIP WITH GPIOS STILL REQUESTED",
        ];
        for r in reports {
            assert_eq!(classify(r), Some(Trouble::Report), "{r}");
        }
        assert_eq!(
            classify("Kernel panic - not syncing: Attempted to kill init!"),
            Some(Trouble::Panic)
        );
        for fine in [
            "kmemleak: Kernel memory leak detector initialized (mem pool available: 15)",
            "rust_sync: mutex: counter is 10",
            "gpio-keys gpio-keys: Button without keycode",
            "Run /init as init process",
        ] {
            assert_eq!(classify(fine), None, "{fine}");
        }
    }

    #[test]
    fn reads_dmesg_raw_lines() {
        assert_eq!(
            parse_kmsg("<7>[    2.000100] BUG: KASAN: slab-out-of-bounds"),
            (Some(7), "BUG: KASAN: slab-out-of-bounds")
        );
        assert_eq!(parse_kmsg("<14>[ 1.0] user"), (Some(6), "user"));
        assert_eq!(parse_kmsg("plain"), (None, "plain"));
    }

    #[test]
    fn allows_lines_by_pattern() {
        let p = vec![
            "FAULT_INJECTION: forcing a failure".to_string(),
            "CPU: * Comm: insmod".into(),
        ];
        assert!(allowed("FAULT_INJECTION: forcing a failure.", &p));
        assert!(allowed("CPU: 1 PID: 70 Comm: insmod Not tainted", &p));
        assert!(!allowed("CPU: 1 PID: 70 Comm: sh", &p));
    }
}
