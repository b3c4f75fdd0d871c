# The Rust samples as modules: each loads and unloads, parameters given
# on the insmod line show up in sysfs, and bad values are refused with a
# message while the module stays out.
#
# Argument (optional): `pac-bti`, on arm64 kernels built with pointer
# authentication and BTI (arm64-hardening): first check that the kernel
# turned both on, so the modules below run with return addresses signed
# and indirect branches checked (names in pac-bti.expect).

. /etc/test-lib.sh

M=/lib/modules
P=/sys/module/rust_module_parameters/parameters

# cpu_feature NAME LINE...: pass NAME if one of the LINEs is in the kernel
# log (after the time stamp), else fail with the features it says were
# detected. The lines are arch/arm64/kernel/cpufeature.c's: its pr_fmt
# "CPU features: ", then "detected: " and the capability's .desc.
cpu_feature() {
	_t=$1; shift
	_log=$(dmesg | sed 's/^\[[^]]*\] //')
	_none=
	for _want in "$@"; do
		if printf '%s\n' "$_log" | grep -qxF "$_want"; then
			pass "$_t"
			return 0
		fi
		_none="${_none:+$_none or }'$_want'"
	done
	_found=$(printf '%s\n' "$_log" | sed -n 's/^CPU features: detected: //p' |
		tr '\n' ';' | sed 's/;$//; s/;/; /g')
	fail "$_t" "no line $_none in the kernel log; CPU features detected: ${_found:-none} (QEMU's cortex-a57 has neither PAC nor BTI)"
	return 1
}

case $1 in
'') ;;
pac-bti)
	if [ "$(uname -m)" != aarch64 ]; then
		fail arm64.pac "pac-bti given on $(uname -m), not arm64"
		fail arm64.bti "pac-bti given on $(uname -m), not arm64"
	else
		cpu_feature arm64.pac \
			"CPU features: detected: Address authentication (architected algorithm)" \
			"CPU features: detected: Address authentication (IMP DEF algorithm)"
		cpu_feature arm64.bti \
			"CPU features: detected: Branch Target Identification"
	fi ;;
*)
	fail rust.args "unknown argument '$1' (known: pac-bti)" ;;
esac

# load_unload NAME MODULE INIT_LINE EXIT_LINE: insmod, check, rmmod, check.
# (Shell variables are global: log_has owns $_n.)
load_unload() {
	_t=$1; _mod=$2; _init=$3; _exit=$4
	if ! OUT=$(insmod $M/$_mod.ko 2>&1); then
		fail "$_t.insmod" "insmod $_mod.ko: $OUT"
		return 1
	fi
	pass "$_t.insmod"
	log_has "$_t.init" "$_init"
	[ -d /sys/module/$_mod ] && pass "$_t.sysfs" ||
		fail "$_t.sysfs" "no /sys/module/$_mod after insmod"
	if OUT=$(rmmod $_mod 2>&1) && [ ! -d /sys/module/$_mod ]; then
		pass "$_t.rmmod"
	else
		fail "$_t.rmmod" "rmmod $_mod: $OUT"
	fi
	log_has "$_t.exit" "$_exit"
}

load_unload rust.minimal rust_minimal \
	"rust_minimal: Rust minimal sample (init)" \
	"rust_minimal: Rust minimal sample (exit)"
log_has rust.minimal.state \
	"rust_minimal: Am I built-in? false" \
	"rust_minimal: My numbers are [72, 108, 200]"

load_unload rust.print rust_print \
	"rust_print: Rust printing macros sample (init)" \
	"rust_print: Rust printing macros sample (exit)"

load_unload rust.sync rust_sync \
	"rust_sync: Rust synchronisation sample (init)" \
	"rust_sync: Rust synchronisation sample (exit)"
rust_sync_steps rust.sync.steps

# The misc device: used from user space, held while a file is open, gone
# once unloaded, and loadable again (its minor number was given back).
miscdev_module() {
	_t=$1; shift
	if ! OUT=$(insmod $M/rust_miscdev.ko 2>&1); then
		fail "$_t.insmod" "insmod rust_miscdev.ko: $OUT"
		return 1
	fi
	pass "$_t.insmod"
	if wait_for 5 test -c /dev/rust_miscdev; then
		"$@"
	else
		fail "$_t.node" "no /dev/rust_miscdev after insmod"
	fi
	# A process holding the device open holds the module.
	sleep 60 </dev/rust_miscdev &
	_holder=$!
	if ! wait_for 5 sh -c "readlink /proc/$_holder/fd/0 | grep -q rust_miscdev"; then
		fail "$_t.busy" "could not keep /dev/rust_miscdev open"
	elif rmmod rust_miscdev 2>/dev/null; then
		fail "$_t.busy" "rmmod succeeded while /dev/rust_miscdev was open"
	elif [ "$(cat /sys/module/rust_miscdev/refcnt)" != 1 ]; then
		fail "$_t.busy" "refcnt is $(cat /sys/module/rust_miscdev/refcnt) with one open file"
	else
		pass "$_t.busy"
	fi
	kill $_holder
	wait $_holder 2>/dev/null
	if OUT=$(rmmod rust_miscdev 2>&1) && [ ! -d /sys/module/rust_miscdev ] &&
		wait_for 5 test ! -e /dev/rust_miscdev; then
		pass "$_t.rmmod"
	else
		fail "$_t.rmmod" "rmmod rust_miscdev: $OUT"
	fi
}
miscdev_module rust.miscdev miscdev_checks rust.miscdev
log_has rust.miscdev.exit "rust_miscdev: Rust misc device sample (exit)"
miscdev_module rust.miscdev.again check rust.miscdev.again.shared miscdevtool share

# A module built out of tree (tests/oot) against this kernel.
load_unload rust.oot rust_out_of_tree \
	"rust_out_of_tree: built out of tree, 2 + 3 = 5" \
	"rust_out_of_tree: unloading (built out of tree, 2 + 3 = 5)"

# Parameters on the insmod line.
if OUT=$(insmod $M/rust_module_parameters.ko my_i32=-5 my_u8=200 \
	my_str=hello my_array=4,5 2>&1); then
	pass rust.params.insmod
	check_output rust.params.sysfs "-5 200 hello 4,5" \
		cat $P/my_i32 $P/my_u8 $P/my_str $P/my_array
	log_has rust.params.printed \
		"rust_module_parameters:   my_i32:   -5" \
		"rust_module_parameters:   my_str:   hello"
	OUT=$(rmmod rust_module_parameters 2>&1) && pass rust.params.rmmod ||
		fail rust.params.rmmod "rmmod rust_module_parameters: $OUT"
else
	fail rust.params.insmod "insmod rust_module_parameters.ko: $OUT"
fi

# refused NAME ARG MESSAGE: insmod with ARG must fail, leave the module
# unloaded and say MESSAGE in the kernel log.
refused() {
	_n=$1; _arg=$2; _msg=$3
	if OUT=$(insmod $M/rust_module_parameters.ko "$_arg" 2>&1); then
		fail "$_n" "insmod with $_arg succeeded"
		rmmod rust_module_parameters 2>/dev/null
		return 1
	fi
	if [ -d /sys/module/rust_module_parameters ]; then
		fail "$_n" "insmod with $_arg failed but the module is loaded"
	elif ! dmesg | tail -n 5 | grep -qF "$_msg"; then
		fail "$_n" "no '$_msg' message for $_arg (insmod: $OUT)"
	else
		pass "$_n"
	fi
}
refused rust.params.out-of-range my_u8=999 \
	"\`999' invalid for parameter \`my_u8'"
refused rust.params.wrong-type my_i32=abc \
	"\`abc' invalid for parameter \`my_i32'"
refused rust.params.bad-array my_array=1,2,3,4,5 \
	"\`1,2,3,4,5' invalid for parameter \`my_array'"
# A misspelt name is refused too (module! asks for strict parameters),
# where a C module would only warn.
refused rust.params.unknown-name my_i23=1 \
	"rust_module_parameters: Unknown parameter \`my_i23'"
exit 0
