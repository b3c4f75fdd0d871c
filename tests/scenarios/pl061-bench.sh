# The cost of the PL061 driver's work for the GPIO character device, for
# the arm64 `virt` board: setting and reading a line, requesting and
# releasing it, changing its direction (gpiotool bench, on line 0, which
# nothing else uses). Each kind gets a pass name and a metric in ns per
# operation (see pl061-bench.expect); under QEMU's -icount shift=0 that is
# instructions, so the C and a Rust driver can be compared run to run.
#
# Like pl061.sh it finds whichever driver is bound to 9030000.pl061, so it
# runs unchanged against both.
#
# Argument: the number of operations of each kind (default 2000).

. /etc/test-lib.sh

N=${1:-2000}
LINE=0
STEPS="set get request direction"

# fail_all REASON: every step fails for REASON.
fail_all() {
	for step in $STEPS; do
		fail "pl061.bench.$step" "$1"
	done
}

case $N in
'' | *[!0-9]*)
	fail_all "the number of operations '$N' is not a number"
	exit 0 ;;
esac

if [ ! -e "$PL061_DEV" ]; then
	fail_all "no device $PL061_DEV"
	exit 0
fi
if ! wait_for 5 pl061_driver; then
	fail_all "no driver bound to $PL061_NAME after 5 s"
	exit 0
fi
CHIP=$(pl061_gpiochip)
if [ -z "$CHIP" ]; then
	fail_all "no gpiochip* under $PL061_DEV"
	exit 0
fi
info "pl061 bench on Linux $(uname -r) $(uname -m): driver $(pl061_driver), $CHIP line $LINE, $N operations of each kind"

# gpiotool prints one "STEP NS" line per step as it finishes, so when it
# stops early the steps before still count and the rest fail with its
# message.
OUT=$(gpiotool bench "$CHIP" $LINE "$N" 2>/tmp/.bench.err)
rc=$?
for step in $STEPS; do
	ns=$(printf '%s\n' "$OUT" | sed -n "s/^$step \([0-9][0-9]*\)\$/\1/p")
	if [ -n "$ns" ]; then
		pass "pl061.bench.$step"
		metric "pl061.bench.$step" "$ns" ns
	else
		fail "pl061.bench.$step" "gpiotool bench $CHIP $LINE $N exited $rc: $(cat /tmp/.bench.err) output: '$(oneline "$OUT")'"
	fi
done
exit 0
