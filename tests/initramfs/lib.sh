# /etc/test-lib.sh: helpers that scenario scripts source (busybox sh).
#
# Console protocol: "@@T pass NAME", "@@T fail NAME: REASON",
# "@@T skip NAME: REASON", "@@T metric NAME VALUE UNIT", "@@T info TEXT"
# (and "@@T req powerdown", written by gpiotool/evwatch --req once armed).
# /init adds "@@D NAME TEXT" data lines (the kernel log, ...) and "@@T done".
# The kernel log is checked by the host, on every boot, for warnings, BUGs
# and oopses, so scenarios do not check it themselves.

# pass NAME
pass() { echo "@@T pass $1"; }

# fail NAME REASON...: the reason is squeezed onto one line.
fail() {
	_n=$1; shift
	echo "@@T fail $_n: $(printf '%s' "$*" | tr '\n\r\t' '   ')"
}

# skip NAME REASON...: NAME cannot run here (say, the CPU lacks the
# feature); the reason is squeezed onto one line, as for fail.
skip() {
	_n=$1; shift
	echo "@@T skip $_n: $(printf '%s' "$*" | tr '\n\r\t' '   ')"
}

# metric NAME VALUE UNIT: a measurement, VALUE a decimal number and UNIT
# one word (ms, ns, count, bytes). A VALUE that is not a number is a bug
# in the script: it is reported as a failure of NAME instead.
metric() {
	case $2 in
	'' | . | *[!0-9.]* | *.*.*)
		fail "$1" "metric value '$2' is not a decimal number"
		return 1 ;;
	esac
	case $3 in
	'' | *[!A-Za-z0-9_/%-]*)
		fail "$1" "metric unit '$3' is not one word"
		return 1 ;;
	esac
	echo "@@T metric $1 $2 $3"
}

# info TEXT...
info() { echo "@@T info $*"; }

# check NAME CMD...: runs CMD; pass if it exits 0, else fail with its
# output (stdout and stderr) and exit status as the reason. The output is
# kept in $OUT for the caller either way. Returns CMD's status.
check() {
	_n=$1; shift
	OUT=$("$@" 2>&1)
	_rc=$?
	if [ $_rc -eq 0 ]; then
		pass "$_n"
	else
		fail "$_n" "$* exited $_rc: $OUT"
	fi
	return $_rc
}

# wait_for SECONDS CMD...: runs CMD (quietly) every 0.1 s until it succeeds
# or SECONDS pass. Returns 0 on success, 1 on timeout.
wait_for() {
	_tries=$(($1 * 10)); shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ $_tries -le 0 ] && return 1
		_tries=$((_tries - 1))
		sleep 0.1
	done
}

# sysfs_write FILE VALUE: writes VALUE to FILE; on failure prints why.
sysfs_write() {
	_err=$({ echo "$2" >"$1"; } 2>&1) && return 0
	echo "write '$2' to $1 failed: ${_err:-unknown error}"
	return 1
}

# uptime_ms: milliseconds since boot, in steps of 10 ms. /proc/uptime has
# hundredths of a second; busybox's date has no %N for anything finer.
uptime_ms() {
	read -r _up _ </proc/uptime
	# 1XX - 100, so that "08" is not read as a bad octal number.
	echo $((${_up%.*} * 1000 + (1${_up#*.} - 100) * 10))
}

# The arm64 `virt` board's PL061 and its power button (gpio-keys, line 3).
PL061_DEV=/sys/bus/amba/devices/9030000.pl061
PL061_NAME=9030000.pl061
KEYS_DEV=/sys/bus/platform/devices/gpio-keys
KEYS_NAME=gpio-keys
KEYS_DRV=/sys/bus/platform/drivers/gpio-keys
KEY_POWER=116

# driver_of SYSFS_DEVICE: prints the name of the driver bound to it.
driver_of() {
	_d=$(readlink "$1/driver" 2>/dev/null) || return 1
	basename "$_d"
}

# pl061_driver: prints the name of the driver bound to the PL061.
pl061_driver() { driver_of "$PL061_DEV"; }

# pl061_gpiochip: prints /dev/gpiochipN of the PL061's gpio_device.
pl061_gpiochip() {
	for _g in "$PL061_DEV"/gpiochip*; do
		[ -e "$_g" ] && { echo "/dev/${_g##*/}"; return 0; }
	done
	return 1
}

# chip_lines CHIP: prints the number of lines the chip reports.
chip_lines() {
	gpiotool info "$1" | sed -n 's/^chip .* lines=\([0-9]*\)$/\1/p'
}

# keys_event: prints /dev/input/eventN of the gpio-keys input device.
keys_event() {
	for _e in "$KEYS_DEV"/input/input*/event*; do
		[ -e "$_e" ] && { echo "/dev/input/${_e##*/}"; return 0; }
	done
	return 1
}

# oneline TEXT: TEXT with its lines joined by single spaces.
oneline() { printf '%s\n' "$1" | tr '\n' ' ' | sed 's/  */ /g; s/^ //; s/ $//'; }

# check_output NAME EXPECTED CMD...: runs CMD; pass if it exits 0 and its
# stdout, lines joined by spaces, is EXPECTED; else fail saying what
# happened (stderr, exit status, output). Output is kept in $OUT.
check_output() {
	_n=$1; _want=$2; shift 2
	OUT=$("$@" 2>/tmp/.check.err)
	_rc=$?
	_got=$(oneline "$OUT")
	if [ $_rc -eq 0 ] && [ "$_got" = "$_want" ]; then
		pass "$_n"
		return 0
	fi
	fail "$_n" "$* exited $_rc: $(cat /tmp/.check.err) output: '$_got', expected '$_want'"
	return 1
}

# log_has NAME TEXT...: pass NAME if every TEXT is a whole line (after the
# time stamp) of the kernel log.
log_has() {
	_n=$1; shift
	_log=$(dmesg | sed 's/^\[[^]]*\] //')
	for _want in "$@"; do
		if ! printf '%s\n' "$_log" | grep -qxF "$_want"; then
			fail "$_n" "no line '$_want' in the kernel log"
			return 1
		fi
	done
	pass "$_n"
}

# rust_sync_steps NAME: the rust_sync sample printed every step of its
# init: each lock type, the static mutex, LockedBy, the handshake with its
# kernel thread through a CondVar, and the Revocable.
rust_sync_steps() {
	log_has "$1" \
		"rust_sync: Rust synchronisation sample (init)" \
		"rust_sync: static mutex: initialised 1 time(s)" \
		"rust_sync: mutex: counter is 10" \
		"rust_sync: spinlock: values are (1, 2)" \
		"rust_sync: raw spinlock: value is 10" \
		"rust_sync: locked by: counter is now 12" \
		"rust_sync: module: sending the ping" \
		"rust_sync: thread: got the ping, sending the pong" \
		"rust_sync: module: got the pong, thread joined" \
		"rust_sync: revocable: value is 42" \
		"rust_sync: revocable: available after revoke: false"
}

# miscdev_checks PREFIX: /dev/rust_miscdev from user space, through
# miscdevtool: shared contents, two processes at once, EFAULT for bad
# pointers, EFBIG for too much, poll() and epoll.
miscdev_checks() {
	check "$1.shared" miscdevtool share
	check "$1.concurrent" miscdevtool concurrent
	check "$1.efault" miscdevtool efault
	check "$1.too-big" miscdevtool too-big
	check "$1.poll" miscdevtool poll
}
