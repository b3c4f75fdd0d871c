# The PL061 reference battery, for the arm64 `virt` board.
#
# Driver-agnostic: it finds whichever driver is bound to 9030000.pl061 and
# only uses the sysfs driver core, the GPIO character device and evdev, so
# it runs unchanged against the C driver and a Rust one. Every check has its
# own name (see pl061.expect); a failed check does not stop the later ones,
# which then fail on their own if they depend on it. The unbind/bind cycles
# are timed too (metric pl061.rebind-50, in ms).
#
# Order matters: gpio-keys holds line 3 while bound, so it is unbound before
# line 3 is requested here and before the PL061 is unbound (unbinding the
# PL061 under gpio-keys would leave it with a stale descriptor), and bound
# again at the end.

. /etc/test-lib.sh

T=30		# seconds to wait for the events of one power button press
CYCLES=50	# unbind/bind cycles of the PL061 driver

info "pl061 battery on Linux $(uname -r) $(uname -m)"

# need_chip NAME: fails NAME if no gpiochip of the PL061 was found.
need_chip() {
	[ -n "$CHIP" ] && return 0
	fail "$1" "no gpiochip of $PL061_NAME to test"
	return 1
}

# --- A driver binds to the PL061 -----------------------------------------
DRV=
if [ ! -e "$PL061_DEV" ]; then
	fail pl061.bound "no device $PL061_DEV"
elif wait_for 5 pl061_driver; then
	DRV=$(pl061_driver)
	pass pl061.bound
	info "driver bound to $PL061_NAME: $DRV"
else
	fail pl061.bound "no driver bound to $PL061_NAME after 5 s"
fi

# --- Its gpiochip, with 8 lines --------------------------------------------
CHIP=$(pl061_gpiochip)
if [ -z "$CHIP" ]; then
	fail pl061.gpiochip "no gpiochip* under $PL061_DEV"
elif [ ! -c "$CHIP" ]; then
	fail pl061.gpiochip "$CHIP is not a character device"
else
	n=$(chip_lines "$CHIP" 2>&1)
	if [ "$n" = 8 ]; then
		pass pl061.gpiochip
		info "gpiochip of $PL061_NAME: $CHIP, 8 lines"
	else
		fail pl061.gpiochip "$CHIP: expected 8 lines, got '$n'"
	fi
fi

# --- Line info of all 8 lines ----------------------------------------------
if need_chip pl061.lineinfo && OUT=$(gpiotool info "$CHIP" 2>&1); then
	printf '%s\n' "$OUT" | sed 's/^/    /'
	got=$(oneline "$(printf '%s\n' "$OUT" | sed -n 's/^line \([0-9]*\) .*/\1/p')")
	if [ "$got" = "0 1 2 3 4 5 6 7" ]; then
		pass pl061.lineinfo
	else
		fail pl061.lineinfo "expected info of lines 0..7, got lines '$got'"
	fi
	# gpio-keys holds line 3 (the power button).
	if printf '%s\n' "$OUT" | grep -q '^line 3 flags=[a-z,-]*used'; then
		pass pl061.lineinfo.used
	else
		fail pl061.lineinfo.used "line 3 not reported used while gpio-keys is bound: $(printf '%s\n' "$OUT" | grep '^line 3 ')"
	fi
else
	[ -n "$CHIP" ] && fail pl061.lineinfo "gpiotool info $CHIP: $OUT"
	fail pl061.lineinfo.used "no line info"
fi

# --- Power button -> gpio-keys -> KEY_POWER press and release ---------------
wait_for 5 keys_event
EV=$(keys_event)
if [ -n "$EV" ]; then
	info "gpio-keys input device: $EV; asking for a power button press"
	check_output pl061.keys.power "name=gpio-keys key $KEY_POWER 1 key $KEY_POWER 0" \
		evwatch "$EV" 2 $T --req powerdown
else
	fail pl061.keys.power "no input device under $KEYS_DEV (gpio-keys driver: $(driver_of "$KEYS_DEV" || echo none))"
fi

# --- Unbind gpio-keys, freeing line 3 ---------------------------------------
if [ ! -e "$KEYS_DEV/driver" ]; then
	fail pl061.keys.unbind "gpio-keys is not bound to $KEYS_DEV"
elif ! err=$(sysfs_write "$KEYS_DRV/unbind" "$KEYS_NAME"); then
	fail pl061.keys.unbind "$err"
elif [ -e "$KEYS_DEV/driver" ]; then
	fail pl061.keys.unbind "gpio-keys still bound after unbind"
else
	pass pl061.keys.unbind
fi

# --- Every line's value reads through the char device -----------------------
if need_chip pl061.values; then
	if OUT=$(gpiotool get "$CHIP" 0 1 2 3 4 5 6 7 2>&1); then
		info "line values 0..7: $OUT"
		set -- $OUT
		if [ $# -ne 8 ]; then
			fail pl061.values "expected 8 values, got '$OUT'"
		elif [ "$4" != 0 ]; then
			fail pl061.values "line 3 (power button, at rest) reads '$4', expected 0"
		else
			pass pl061.values
		fi
	else
		fail pl061.values "gpiotool get $CHIP 0..7: $OUT"
	fi
fi

# --- Output lines read back what was set -------------------------------------
if need_chip pl061.output; then
	why=
	for line in 0 7; do
		for v in 1 0; do
			got=$(gpiotool set "$CHIP" $line $v 2>&1)
			rc=$?
			[ $rc -eq 0 ] && [ "$got" = "$v" ] ||
				why="$why line $line set to $v: '$(oneline "$got")' (exit $rc);"
		done
	done
	if [ -z "$why" ]; then
		pass pl061.output
	else
		fail pl061.output "$why"
	fi
fi

# --- Line events on line 3: rising then falling edge --------------------------
if need_chip pl061.events; then
	info "watching line 3 of $CHIP; asking for a power button press"
	check_output pl061.events "rising falling" \
		gpiotool watch "$CHIP" 3 2 $T --req powerdown
fi

# --- Unbind and bind the PL061 driver $CYCLES times ---------------------------
if [ -z "$DRV" ]; then
	fail pl061.rebind "no driver was bound to $PL061_NAME"
	need_chip pl061.rebind.events
else
	DRVDIR=/sys/bus/amba/drivers/$DRV
	why=
	start=$(uptime_ms)
	i=0
	while [ $i -lt $CYCLES ]; do
		i=$((i + 1))
		err=$(sysfs_write "$DRVDIR/unbind" "$PL061_NAME") ||
			{ why="cycle $i: $err"; break; }
		[ -e "$PL061_DEV/driver" ] &&
			{ why="cycle $i: still bound after unbind"; break; }
		g=$(pl061_gpiochip) &&
			{ why="cycle $i: $g still there after unbind"; break; }
		err=$(sysfs_write "$DRVDIR/bind" "$PL061_NAME") ||
			{ why="cycle $i: $err"; break; }
		d=$(pl061_driver)
		[ "$d" = "$DRV" ] ||
			{ why="cycle $i: driver after bind is '$d', expected $DRV"; break; }
		CHIP=$(pl061_gpiochip) ||
			{ why="cycle $i: no gpiochip after bind"; break; }
		n=$(chip_lines "$CHIP" 2>&1)
		[ "$n" = 8 ] ||
			{ why="cycle $i: $CHIP: expected 8 lines, got '$n'"; break; }
	done
	if [ -z "$why" ]; then
		ms=$(($(uptime_ms) - start))
		pass pl061.rebind
		# What the cycles cost, sysfs and gpiotool included, to compare
		# drivers by (only when all of them ran).
		metric pl061.rebind-$CYCLES $ms ms
		info "$CYCLES unbind/bind cycles took $ms ms; gpiochip now $CHIP"
	else
		fail pl061.rebind "$why"
		# Leave the PL061 bound, if possible, for the checks below.
		[ -e "$PL061_DEV/driver" ] || sysfs_write "$DRVDIR/bind" "$PL061_NAME" >/dev/null
		CHIP=$(pl061_gpiochip)
	fi
	if need_chip pl061.rebind.events; then
		info "watching line 3 of $CHIP after the cycles; asking for a power button press"
		check_output pl061.rebind.events "rising falling" \
			gpiotool watch "$CHIP" 3 2 $T --req powerdown
	fi
fi

# --- Bind gpio-keys again: the power button works as before ------------------
if ! err=$(sysfs_write "$KEYS_DRV/bind" "$KEYS_NAME"); then
	fail pl061.keys.rebind "$err"
elif ! wait_for 5 keys_event; then
	fail pl061.keys.rebind "no input device under $KEYS_DEV after bind"
elif [ -n "$CHIP" ] && ! gpiotool info "$CHIP" | grep -q '^line 3 flags=[a-z,-]*used'; then
	fail pl061.keys.rebind "gpio-keys bound but line 3 of $CHIP not used"
else
	pass pl061.keys.rebind
fi
EV=$(keys_event)
if [ -n "$EV" ]; then
	info "gpio-keys input device: $EV; asking for a power button press"
	check_output pl061.keys.power.again "name=gpio-keys key $KEY_POWER 1 key $KEY_POWER 0" \
		evwatch "$EV" 2 $T --req powerdown
else
	fail pl061.keys.power.again "no gpio-keys input device"
fi
exit 0
