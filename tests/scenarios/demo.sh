# Demo for `cargo xtask run` (arm64 `virt`): shows the PL061 GPIO driver at
# work to a human, and reports pass/fail for what it checks (demo.expect).

. /etc/test-lib.sh

T=30	# seconds to wait for the events of one power button press

info "PL061 GPIO demo on Linux $(uname -r) $(uname -m)"

wait_for 5 pl061_driver
DRV=$(pl061_driver)
if [ -n "$DRV" ]; then
	pass demo.bound
	info "driver bound to $PL061_NAME: $DRV"
else
	fail demo.bound "no driver bound to $PL061_NAME"
fi

CHIP=$(pl061_gpiochip)
if [ -z "$CHIP" ]; then
	fail demo.gpiochip "no gpiochip* under $PL061_DEV"
elif OUT=$(gpiotool info "$CHIP" 2>&1); then
	pass demo.gpiochip
	label=$(printf '%s\n' "$OUT" | sed -n 's/^chip .*label=\([^ ]*\) .*/\1/p')
	lines=$(printf '%s\n' "$OUT" | sed -n 's/^chip .* lines=\([0-9]*\)$/\1/p')
	info "gpiochip $CHIP: label $label, $lines lines:"
	printf '%s\n' "$OUT" | sed 's/^/    /'
	used=$(printf '%s\n' "$OUT" | grep '^line [0-9]* flags=[a-z,-]*used' |
		sed 's/^line \([0-9]*\) .* consumer=\(.*\)$/line \1 (consumer \2)/')
	info "in use: $(oneline "${used:-no line}")"
else
	fail demo.gpiochip "gpiotool info $CHIP: $OUT"
fi

# Line 3 is the power button, held by gpio-keys: read the others.
if [ -z "$CHIP" ]; then
	fail demo.values "no gpiochip to read"
elif OUT=$(gpiotool get "$CHIP" 0 1 2 4 5 6 7 2>&1); then
	pass demo.values
	set -- $OUT
	info "line values: 0=$1 1=$2 2=$3 4=$4 5=$5 6=$6 7=$7 (line 3 is held by gpio-keys)"
else
	fail demo.values "gpiotool get $CHIP: $OUT"
fi

wait_for 5 keys_event
EV=$(keys_event)
if [ -n "$EV" ]; then
	info "gpio-keys reports the power button on $EV; pressing it (asking the host)"
	if check_output demo.keys.power "name=gpio-keys key $KEY_POWER 1 key $KEY_POWER 0" \
		evwatch "$EV" 2 $T --req powerdown; then
		info "KEY_POWER ($KEY_POWER) pressed (value 1), then released (value 0)"
	fi
else
	fail demo.keys.power "no gpio-keys input device"
fi

info "unbinding gpio-keys to watch line 3 directly"
if err=$(sysfs_write "$KEYS_DRV/unbind" "$KEYS_NAME"); then
	pass demo.keys.unbind
else
	fail demo.keys.unbind "$err"
fi

if [ -n "$CHIP" ]; then
	info "watching line 3 of $CHIP for edges; pressing the power button again"
	if check_output demo.events "rising falling" \
		gpiotool watch "$CHIP" 3 2 $T --req powerdown; then
		info "line 3 went high (rising edge), then low again (falling edge)"
	fi
else
	fail demo.events "no gpiochip"
fi

# Leave things as they were.
if err=$(sysfs_write "$KEYS_DRV/bind" "$KEYS_NAME") && wait_for 5 keys_event; then
	pass demo.keys.rebind
	info "gpio-keys bound again: $(keys_event)"
else
	fail demo.keys.rebind "${err:-no input device after bind}"
fi
exit 0
