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
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define EXIT_SYSCALL 1
#define EXIT_USAGE 2
#define EXIT_CHECK 3

static const char usage_text[] =
	"usage: evwatch DEV COUNT TIMEOUT_S [--req powerdown]\n"
	"prints EV_KEY events as 'key CODE VALUE'\n"
	"exit: 0 ok, 1 system call failed, 2 usage, 3 timeout\n";

static void die(int code, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

static void die(int code, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("evwatch: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static void usage(const char *why) __attribute__((noreturn));

static void usage(const char *why)
{
	fprintf(stderr, "evwatch: %s\n%s", why, usage_text);
	exit(EXIT_USAGE);
}

static unsigned long parse_num(const char *what, const char *s,
			       unsigned long max)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		die(EXIT_USAGE, "%s: not a number: '%s'", what, s);
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end != '\0' || v > max)
		die(EXIT_USAGE, "%s: not a number in 0..%lu: '%s'", what, max, s);
	return v;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		die(EXIT_SYSCALL, "clock_gettime: %s", strerror(errno));
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Asks the host (through the console protocol) to press the power button. */
static void request_powerdown(void)
{
	static const char msg[] = "@@T req powerdown\n";
	int fd;
	ssize_t w;

	fflush(stdout);
	fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		die(EXIT_SYSCALL, "open /dev/console: %s", strerror(errno));
	w = write(fd, msg, sizeof(msg) - 1);
	if (w < 0)
		die(EXIT_SYSCALL, "write /dev/console: %s", strerror(errno));
	if ((size_t)w != sizeof(msg) - 1)
		die(EXIT_SYSCALL, "write /dev/console: short write (%zd bytes)", w);
	close(fd);
}

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
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - now_ms();
		ssize_t r;
		size_t i;
		int p;

		if (left <= 0)
			die(EXIT_CHECK, "%s: timed out after %u s with %u of %u key events",
			    dev, timeout_s, got, count);
		p = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (p < 0) {
			if (errno == EINTR)
				continue;
			die(EXIT_SYSCALL, "poll: %s", strerror(errno));
		}
		if (p == 0)
			continue;
		if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))
			die(EXIT_SYSCALL, "%s: poll reports revents 0x%x (device gone?)",
			    dev, pfd.revents);
		r = read(fd, ev, sizeof(ev));
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die(EXIT_SYSCALL, "%s: read: %s", dev, strerror(errno));
		}
		if (r == 0 || r % sizeof(ev[0]) != 0)
			die(EXIT_SYSCALL, "%s: read returned %zd bytes, not a multiple of %zu",
			    dev, r, sizeof(ev[0]));
		for (i = 0; i < (size_t)r / sizeof(ev[0]) && got < count; i++) {
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
