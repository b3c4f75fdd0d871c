# Smoke test, for x86_64 and arm64: the kernel reached userspace and the
# basics of the test environment work.

. /etc/test-lib.sh

arch=$(uname -m)
case "$arch" in
x86_64 | aarch64)
	pass smoke.arch
	info "running on $arch" ;;
*)
	fail smoke.arch "uname -m is '$arch', expected x86_64 or aarch64" ;;
esac

if grep -q '^proc /proc proc ' /proc/mounts 2>/dev/null && [ -r /proc/self/status ]; then
	pass smoke.proc
else
	fail smoke.proc "proc is not mounted on /proc"
fi

if grep -q '^sysfs /sys sysfs ' /proc/mounts 2>/dev/null && [ -d /sys/kernel ]; then
	pass smoke.sysfs
else
	fail smoke.sysfs "sysfs is not mounted on /sys"
fi

if grep -q '^devtmpfs /dev devtmpfs ' /proc/mounts 2>/dev/null && [ -c /dev/null ]; then
	pass smoke.devtmpfs
else
	fail smoke.devtmpfs "devtmpfs is not mounted on /dev"
fi

# A static C program (built by the host) runs.
if OUT=$(gpiotool help 2>&1) && printf '%s\n' "$OUT" | grep -q '^usage: gpiotool'; then
	pass smoke.static-c
else
	fail smoke.static-c "gpiotool help: $OUT"
fi

release=$(uname -r)
case "$release" in
5.10.223 | 5.10.223[!0-9]*)
	pass smoke.version
	info "kernel release $release" ;;
*)
	fail smoke.version "uname -r is '$release', expected 5.10.223" ;;
esac
info "$(cat /proc/version)"
exit 0
