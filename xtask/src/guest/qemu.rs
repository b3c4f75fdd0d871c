//! QEMU: the command line that boots a kernel with a scenario's settings,
//! and its human monitor, through which the host presses the power button.

use crate::guest::scenario::Scenario;
use crate::kernel::build::Kernel;
use crate::leaf::arch::Arch;
use anyhow::{Context, Result};
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The QEMU command line for `kernel` with the scenario's settings.
pub fn command_line(
    kernel: &Kernel,
    scenario: &Scenario,
    initrd: &Path,
    monitor: &Path,
) -> Command {
    let (binary, machine, cpu, console): (&str, &[&str], Option<&str>, &str) = match kernel.arch {
        Arch::Arm64 => (
            "qemu-system-aarch64",
            &["-M", "virt"],
            Some("cortex-a57"),
            "ttyAMA0",
        ),
        Arch::X86_64 => ("qemu-system-x86_64", &[], None, "ttyS0"),
    };
    let q = &scenario.qemu;
    let mut cmd = Command::new(binary);
    cmd.args(machine);
    if let Some(cpu) = q.cpu.as_deref().or(cpu) {
        cmd.args(["-cpu", cpu]);
    }
    let mut append = format!("console={console} panic=-1");
    for arg in &scenario.cmdline {
        append.push(' ');
        append.push_str(arg);
    }
    cmd.arg("-m")
        .arg(q.memory.to_string())
        .arg("-smp")
        // One CPU per socket: the x86_64 kernels have no ACPI and find
        // their CPUs in SeaBIOS's MP table, which lists one per socket.
        .arg(format!("{n},sockets={n},cores=1,threads=1", n = q.smp))
        .args(["-display", "none", "-no-reboot", "-nic", "none"])
        .args(&q.args)
        .args(["-serial", "stdio", "-monitor"])
        .arg(format!("unix:{},server=on,wait=off", monitor.display()))
        .arg("-kernel")
        .arg(&kernel.image)
        .arg("-initrd")
        .arg(initrd)
        .arg("-append")
        .arg(append);
    cmd
}

/// Sends one command to QEMU's human monitor.
pub fn monitor_command(socket: &Path, command: &str) -> Result<()> {
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
