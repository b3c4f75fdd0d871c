// SPDX-License-Identifier: GPL-2.0
/*
 * evwatch - prints the key events of an evdev device, for the guest tests.
 *
 *   evwatch DEV COUNT TIMEOUT_S [--req powerdown]
 *
 * Opens DEV (/dev/input/eventN), prints "name=NAME" (the device's name),
 * then (with --req) writes "@@T req powerdown" to /dev/console once the
 * device is open, and prints every EV_KEY event as "key CODE VALUE"
 * (e.g. "key 116 1" for KEY_POWER pressed) until COUNT key events arrived
 * or TIMEOUT_S seconds passed since the device was opened. Events of other
 * types (EV_SYN, EV_MSC, ...) are neither printed nor counted.
 *
 *   evwatch help
 *
 * Exit codes: 0 success; 1 a system call failed (message with strerror on
 * stderr); 2 usage error; 3 timeout. Waits use poll() with a deadline.
 */
#include <linux/input.h>
#include <sys/ioctl.h>

#define PROG "evwatch"

static const char usage_text[] =
	"usage: evwatch DEV COUNT TIMEOUT_S [--req powerdown]\n"
	"prints EV_KEY events as 'key CODE VALUE'\n"
	"exit: 0 ok, 1 system call failed, 2 usage, 3 timeout\n";

#include "guest.h"

int main(int argc, char **argv)
{
	unsigned int count, timeout_s, got = 0;
	const char *dev;
	char name[256];
	int fd, want_req = 0;
	int64_t deadline;

	if (argc == 2 && (strcmp(argv[1], "help") == 0 ||
			  strcmp(argv[1], "--help") == 0)) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (argc == 6 && strcmp(argv[4], "--req") == 0) {
		if (strcmp(argv[5], "powerdown") != 0)
			usage("--req only knows 'powerdown'");
		want_req = 1;
		argc -= 2;
	}
	if (argc != 4)
		usage("expected DEV COUNT TIMEOUT_S [--req powerdown]");
	dev = argv[1];
	count = parse_num("COUNT", argv[2], 1000000);
	timeout_s = parse_num("TIMEOUT_S", argv[3], 86400);

	fd = open(dev, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		die(EXIT_SYSCALL, "open %s: %s", dev, strerror(errno));
	memset(name, 0, sizeof(name));
	if (ioctl(fd, EVIOCGNAME(sizeof(name) - 1), name) < 0)
		die(EXIT_SYSCALL, "%s: EVIOCGNAME: %s", dev, strerror(errno));
	printf("name=%s\n", name);
	fflush(stdout);
	deadline = now_ms() + (int64_t)timeout_s * 1000;
	if (want_req)
		request_powerdown();

	while (got < count) {
		struct input_event ev[32];
		size_t i, n;

		n = read_records(fd, ev, sizeof(ev), sizeof(ev[0]), deadline, dev);
		if (n == 0)
			die(EXIT_CHECK, "%s: timed out after %u s with %u of %u key events",
			    dev, timeout_s, got, count);
		for (i = 0; i < n && got < count; i++) {
			if (ev[i].type != EV_KEY)
				continue;
			printf("key %u %d\n", ev[i].code, ev[i].value);
			fflush(stdout);
			got++;
		}
	}
	close(fd);
	return 0;
}
