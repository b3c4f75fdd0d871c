//! Runs a scenario on its built kernel: each of its boots, then the
//! kernel-level checks it declares. `cargo xtask test` and `cargo xtask
//! boot` both go through here, so a scenario is judged the same way by
//! both.

use crate::checks::registry::{self, Input};
use crate::guest::boot::{self, Boot, Show};
use crate::guest::results::Record;
use crate::guest::scenario::Scenario;
use crate::host::toolchain;
use crate::kernel::build::Kernel;
use crate::leaf::ctx::Ctx;
use crate::leaf::outcome::{Counts, Outcome};
use crate::leaf::process::step;
use anyhow::{bail, Result};

/// Every boot of a scenario and everything it was judged on.
pub struct Run {
    pub boots: Vec<Boot>,
    pub outcomes: Vec<Outcome>,
}

/// Boots `scenario` as often as it asks and runs its checks after the
/// first boot, the ones that change the kernel last. Where several
/// scenarios share the kernel, `boot_and_check` and then, once all of them
/// booted, `last_checks`.
pub fn run(ctx: &Ctx, kernel: &Kernel, scenario: &Scenario, show: Show) -> Run {
    let mut run = boot_and_check(ctx, kernel, scenario, show);
    let more = last_checks(ctx, kernel, scenario, &run);
    run.outcomes.extend(more);
    run
}

/// Boots `scenario` and runs the checks that leave the kernel as it is.
pub fn boot_and_check(ctx: &Ctx, kernel: &Kernel, scenario: &Scenario, show: Show) -> Run {
    let mut boots = Vec::new();
    let mut outcomes = Vec::new();
    for n in 1..=scenario.repeat {
        match boot::boot_run(ctx, kernel, scenario, show, n) {
            Ok(b) => {
                outcomes.extend(b.outcomes.iter().cloned());
                boots.push(b);
            }
            Err(e) => {
                // Every name the boot owes fails with the reason.
                let why = format!("the boot could not start: {e:#}");
                outcomes.extend(
                    boot::judge(scenario, Vec::new())
                        .into_iter()
                        .map(|o| Outcome::fail(o.name, why.clone())),
                );
            }
        }
    }
    match boots.first() {
        Some(first) => {
            for check in registry::declared(scenario).into_iter().filter(|c| !c.last) {
                let input = Input {
                    ctx,
                    kernel,
                    scenario,
                    boot: first,
                };
                outcomes.extend(registry::run(check, &input));
            }
        }
        None => outcomes.extend(registry::not_run(
            scenario,
            false,
            "the scenario never booted",
        )),
    }
    Run { boots, outcomes }
}

/// The checks of `scenario` that change its kernel (so run after every
/// scenario on that kernel booted).
pub fn last_checks(ctx: &Ctx, kernel: &Kernel, scenario: &Scenario, run: &Run) -> Vec<Outcome> {
    let Some(first) = run.boots.first() else {
        return registry::not_run(scenario, true, "the scenario never booted");
    };
    let input = Input {
        ctx,
        kernel,
        scenario,
        boot: first,
    };
    registry::declared(scenario)
        .into_iter()
        .filter(|c| c.last)
        .flat_map(|c| registry::run(c, &input))
        .collect()
}

/// Prints every outcome of a run of one scenario, writes the results file
/// for `command`, and fails unless nothing failed.
pub fn finish(ctx: &Ctx, command: &str, scenario: &Scenario, run: &Run) -> Result<()> {
    let mut record = Record::new(ctx, command);
    record.tools(&toolchain::tool_versions(ctx));
    for boot in &run.boots {
        record.boot(boot);
    }
    for o in &run.outcomes {
        let detail = if o.detail.is_empty() {
            String::new()
        } else {
            format!(": {}", o.detail)
        };
        println!("{} {}{detail}", o.label(), o.name);
    }
    for m in &record.metrics {
        println!("metric {} = {} {}", m.name, m.value, m.unit);
    }
    record.outcomes = run.outcomes.clone();
    let path = record.write(ctx)?;
    let counts = Counts::of(&run.outcomes);
    step(format!(
        "{}: {counts} (results: {})",
        scenario.id(),
        path.display()
    ));
    if counts.failed > 0 {
        bail!("{} of {} checks failed", counts.failed, run.outcomes.len());
    }
    Ok(())
}
