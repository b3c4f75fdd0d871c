# Lockdep and the Rust locks: the samples (built in) and the documentation
# examples have run at boot under PROVE_LOCKING; the misc device is used
# here. Lockdep must know the Rust locks, each class named after the code
# that made it, and must have reported nothing: it turns debug_locks off
# at its first report.

. /etc/test-lib.sh

debug_locks() { sed -n 's/^ *debug_locks: *//p' /proc/lockdep_stats; }

if [ "$(debug_locks)" = 1 ]; then
	pass lockdep.on
else
	fail lockdep.on "debug_locks is '$(debug_locks)' in /proc/lockdep_stats at start"
fi

rust_sync_steps rust.sync.steps
miscdev_checks rust.miscdev

# lock_class NAME CLASS: lockdep has a class called CLASS.
lock_class() {
	if grep -q " $2\$" /proc/lockdep; then
		pass "lockdep.class.$1"
	else
		fail "lockdep.class.$1" "no lock class '$2' in /proc/lockdep"
	fi
}

# The classes of rust_sync's and rust_miscdev's locks, by the names given to
# new_mutex!() and friends, and one named by its file and line (a lock made
# without a name by a documentation example). Lockdep registers a class
# when its lock is first taken, so this comes after the locks were used.
lock_class init-count rust_sync::INIT_COUNT
lock_class counter rust_sync::counter
lock_class spin rust_sync::spin
lock_class raw rust_sync::raw
lock_class handshake rust_sync::handshake
lock_class handshake-cv rust_sync::handshake_cv
lock_class contents rust_miscdev::contents
lock_class changed rust_miscdev::changed
_fl=$(grep -Eo ' rust/[a-z_/]+\.rs:[0-9]+$' /proc/lockdep | head -n 1)
if [ -n "$_fl" ]; then
	pass lockdep.class.file-line
	info "a lock class named after its file and line:$_fl"
else
	fail lockdep.class.file-line "no class named after a rust/ file and line"
fi

if [ "$(debug_locks)" = 1 ]; then
	pass lockdep.no-report
else
	fail lockdep.no-report "lockdep turned debug_locks off: $(dmesg | grep -m1 -E 'WARNING: |BUG: ')"
fi
exit 0
