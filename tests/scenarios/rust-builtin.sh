# The Rust samples, built in: what each printed at boot, and the module
# parameters sample's parameters in sysfs.

. /etc/test-lib.sh

log_has rust.minimal \
	"rust_minimal: Rust minimal sample (init)" \
	"rust_minimal: Am I built-in? true"

log_has rust.print.levels \
	"rust_print: Emergency message (level 0) without args" \
	"rust_print: Alert message (level 1) without args" \
	"rust_print: Critical message (level 2) without args" \
	"rust_print: Error message (level 3) without args" \
	"rust_print: Warning message (level 4) without args" \
	"rust_print: Notice message (level 5) without args" \
	"rust_print: Info message (level 6) without args"

log_has rust.print.cont \
	"rust_print: A line that is continued with args"

log_has rust.print.formatting \
	"rust_print: integers: -1 255 -9223372036854775808 18446744073709551615" \
	"rust_print: bool and char: true r '\\n'" \
	"rust_print: options and results: Some(1) None Err(EINVAL)"

log_has rust.params.printed \
	"rust_module_parameters: Rust module parameters sample (init)" \
	"rust_module_parameters:   my_i32:   42" \
	"rust_module_parameters:   my_str:   default str val" \
	"rust_module_parameters:   my_array: 1,2,3 (3 values)"

P=/sys/module/rust_module_parameters/parameters
check_output rust.params.sysfs "42 default str val 1,2,3" \
	cat $P/my_i32 $P/my_str $P/my_array

# A writable parameter takes a new value; a bad one is refused and the
# old value stays.
if sysfs_write $P/my_i32 -7 >/dev/null && [ "$(cat $P/my_i32)" = "-7" ]; then
	pass rust.params.write
else
	fail rust.params.write "writing -7 to $P/my_i32 gave '$(cat $P/my_i32)'"
fi
if ! sysfs_write $P/my_u8 999 >/dev/null && [ "$(cat $P/my_u8)" = "8" ]; then
	pass rust.params.write-refused
else
	fail rust.params.write-refused "999 written to my_u8 (a u8) was not refused: '$(cat $P/my_u8)'"
fi

rust_sync_steps rust.sync.steps

# The misc device sample; bad pointers must not hurt the kernel, which the
# host's check of the kernel log and the scenario's end confirm.
miscdev_checks rust.miscdev
exit 0
