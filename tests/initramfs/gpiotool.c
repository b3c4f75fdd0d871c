// SPDX-License-Identifier: GPL-2.0
/*
 * gpiotool - a small client of the GPIO character device, uAPI v2
 * (<linux/gpio.h>, Linux 5.10 and later), for the guest side of the tests.
 *
 *   gpiotool info CHIP
 *       chip name, label and line count, then one line per GPIO line:
 *         chip name=gpiochip0 label=9030000.pl061 lines=8
 *         line 3 flags=used,input name="" consumer="GPIO Key Poweroff"
 *   gpiotool get CHIP LINE...
 *       requests the lines as inputs and prints their values on one line,
 *       in the order given, separated by spaces (e.g. "0 0 1").
 *   gpiotool set CHIP LINE VALUE
 *       requests the line as an output driving VALUE (0 or 1), reads it
 *       back through GPIO_V2_LINE_GET_VALUES_IOCTL on the same request and
 *       prints the value read.
 *   gpiotool watch CHIP LINE COUNT TIMEOUT_S [--req powerdown]
 *       requests the line as an input with both-edge detection, then (with
 *       --req) writes "@@T req powerdown" to /dev/console once armed, and
 *       prints each edge event as "rising" or "falling" until COUNT events
 *       arrived or TIMEOUT_S seconds passed since arming.
 *   gpiotool bench CHIP LINE N
 *       times what a driver does for the character device: requests the
 *       line as an output, then times N operations of each kind (after
 *       one untimed) with CLOCK_MONOTONIC and prints the mean time of
 *       one, in nanoseconds:
 *         set NS        GPIO_V2_LINE_SET_VALUES_IOCTL, values 1, 0, 1, ...
 *         get NS        GPIO_V2_LINE_GET_VALUES_IOCTL (each must read the
 *                       last value set)
 *         request NS    the line requested as an input and released again
 *         direction NS  GPIO_V2_LINE_SET_CONFIG_IOCTL on one request,
 *                       input, output, input, ...
 *       The line must be free. Under QEMU's -icount shift=0 a guest
 *       nanosecond is one instruction, so the numbers are counts of work.
 *   gpiotool help
 *
 * CHIP is a path (/dev/gpiochip0) or a bare name (gpiochip0).
 * Exit codes: 0 success; 1 a system call failed (message with strerror on
 * stderr); 2 usage error; 3 check failed (read-back mismatch or timeout).
 * Nothing blocks without a bound: event waits use poll() with a deadline.
 */
#include <linux/gpio.h>
#include <sys/ioctl.h>

#define PROG "gpiotool"

static const char usage_text[] =
	"usage: gpiotool info CHIP\n"
	"       gpiotool get CHIP LINE...\n"
	"       gpiotool set CHIP LINE VALUE\n"
	"       gpiotool watch CHIP LINE COUNT TIMEOUT_S [--req powerdown]\n"
	"       gpiotool bench CHIP LINE N\n"
	"CHIP is /dev/gpiochipN or gpiochipN.\n"
	"exit: 0 ok, 1 system call failed, 2 usage, 3 check failed/timeout\n";

#include "guest.h"

/* Parses a decimal number in [0, max]; exits with a usage error otherwise. */
static const char *chip_path(const char *chip, char *buf, size_t len)
{
	if (strchr(chip, '/'))
		return chip;
	snprintf(buf, len, "/dev/%s", chip);
	return buf;
}

static int open_chip(const char *chip)
{
	char buf[256];
	const char *path = chip_path(chip, buf, sizeof(buf));
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die(EXIT_SYSCALL, "open %s: %s", path, strerror(errno));
	return fd;
}

/*
 * A line configuration: flags for every line and, with with_value, value
 * as the output value of the first line (the only one ever set).
 */
static void line_config(struct gpio_v2_line_config *config, uint64_t flags,
			int with_value, int value)
{
	memset(config, 0, sizeof(*config));
	config->flags = flags;
	if (with_value) {
		config->num_attrs = 1;
		config->attrs[0].attr.id = GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES;
		config->attrs[0].attr.values = value ? 1 : 0;
		config->attrs[0].mask = 1;
	}
}

/* Requests lines; returns the request's file descriptor. */
static int request_lines(int chip_fd, const char *chip,
			 const unsigned int *offsets, unsigned int n,
			 uint64_t flags, int with_value, int value)
{
	struct gpio_v2_line_request req;
	unsigned int i;

	memset(&req, 0, sizeof(req));
	for (i = 0; i < n; i++)
		req.offsets[i] = offsets[i];
	req.num_lines = n;
	snprintf(req.consumer, sizeof(req.consumer), "gpiotool");
	line_config(&req.config, flags, with_value, value);
	if (ioctl(chip_fd, GPIO_V2_GET_LINE_IOCTL, &req) < 0) {
		int e = errno;

		if (n == 1)
			die(EXIT_SYSCALL, "%s: request line %u: GPIO_V2_GET_LINE_IOCTL: %s",
			    chip, offsets[0], strerror(e));
		die(EXIT_SYSCALL, "%s: request %u lines: GPIO_V2_GET_LINE_IOCTL: %s",
		    chip, n, strerror(e));
	}
	return req.fd;
}

static uint64_t get_values(int req_fd, const char *chip, unsigned int n)
{
	struct gpio_v2_line_values vals;

	memset(&vals, 0, sizeof(vals));
	vals.mask = n >= 64 ? ~0ULL : (1ULL << n) - 1;
	if (ioctl(req_fd, GPIO_V2_LINE_GET_VALUES_IOCTL, &vals) < 0)
		die(EXIT_SYSCALL, "%s: GPIO_V2_LINE_GET_VALUES_IOCTL: %s", chip,
		    strerror(errno));
	return vals.bits;
}

static void print_flags(uint64_t flags)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} names[] = {
		{ GPIO_V2_LINE_FLAG_USED, "used" },
		{ GPIO_V2_LINE_FLAG_ACTIVE_LOW, "active-low" },
		{ GPIO_V2_LINE_FLAG_INPUT, "input" },
		{ GPIO_V2_LINE_FLAG_OUTPUT, "output" },
		{ GPIO_V2_LINE_FLAG_EDGE_RISING, "edge-rising" },
		{ GPIO_V2_LINE_FLAG_EDGE_FALLING, "edge-falling" },
		{ GPIO_V2_LINE_FLAG_OPEN_DRAIN, "open-drain" },
		{ GPIO_V2_LINE_FLAG_OPEN_SOURCE, "open-source" },
		{ GPIO_V2_LINE_FLAG_BIAS_PULL_UP, "pull-up" },
		{ GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN, "pull-down" },
		{ GPIO_V2_LINE_FLAG_BIAS_DISABLED, "bias-disabled" },
	};
	const char *sep = "";
	uint64_t known = 0;
	size_t i;

	printf("flags=");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		known |= names[i].bit;
		if (flags & names[i].bit) {
			printf("%s%s", sep, names[i].name);
			sep = ",";
		}
	}
	if (flags & ~known) {
		printf("%s0x%llx", sep, (unsigned long long)(flags & ~known));
		sep = ",";
	}
	if (!*sep)
		printf("none");
}

static int cmd_info(int argc, char **argv)
{
	struct gpiochip_info ci;
	unsigned int i;
	int fd;

	if (argc != 1)
		usage("info takes exactly one CHIP");
	fd = open_chip(argv[0]);
	memset(&ci, 0, sizeof(ci));
	if (ioctl(fd, GPIO_GET_CHIPINFO_IOCTL, &ci) < 0)
		die(EXIT_SYSCALL, "%s: GPIO_GET_CHIPINFO_IOCTL: %s", argv[0],
		    strerror(errno));
	printf("chip name=%.*s label=%.*s lines=%u\n", (int)sizeof(ci.name),
	       ci.name, (int)sizeof(ci.label), ci.label, ci.lines);
	for (i = 0; i < ci.lines; i++) {
		struct gpio_v2_line_info li;
		unsigned int a;

		memset(&li, 0, sizeof(li));
		li.offset = i;
		if (ioctl(fd, GPIO_V2_GET_LINEINFO_IOCTL, &li) < 0)
			die(EXIT_SYSCALL, "%s: line %u: GPIO_V2_GET_LINEINFO_IOCTL: %s",
			    argv[0], i, strerror(errno));
		printf("line %u ", li.offset);
		print_flags(li.flags);
		for (a = 0; a < li.num_attrs && a < GPIO_V2_LINE_NUM_ATTRS_MAX; a++)
			if (li.attrs[a].id == GPIO_V2_LINE_ATTR_ID_DEBOUNCE)
				printf(" debounce=%uus", li.attrs[a].debounce_period_us);
		printf(" name=\"%.*s\" consumer=\"%.*s\"\n", (int)sizeof(li.name),
		       li.name, (int)sizeof(li.consumer), li.consumer);
	}
	close(fd);
	return 0;
}

static int cmd_get(int argc, char **argv)
{
	unsigned int offsets[GPIO_V2_LINES_MAX];
	unsigned int n, i;
	uint64_t bits;
	int fd, req;

	if (argc < 2)
		usage("get takes CHIP and at least one LINE");
	n = argc - 1;
	if (n > GPIO_V2_LINES_MAX)
		die(EXIT_USAGE, "get: at most %d lines", GPIO_V2_LINES_MAX);
	for (i = 0; i < n; i++)
		offsets[i] = parse_num("LINE", argv[i + 1], 0xffffffffUL);
	fd = open_chip(argv[0]);
	req = request_lines(fd, argv[0], offsets, n, GPIO_V2_LINE_FLAG_INPUT, 0, 0);
	bits = get_values(req, argv[0], n);
	for (i = 0; i < n; i++)
		printf("%s%d", i ? " " : "", (int)((bits >> i) & 1));
	printf("\n");
	close(req);
	close(fd);
	return 0;
}

static int cmd_set(int argc, char **argv)
{
	unsigned int offset;
	int fd, req, value, got;

	if (argc != 3)
		usage("set takes CHIP LINE VALUE");
	offset = parse_num("LINE", argv[1], 0xffffffffUL);
	value = parse_num("VALUE", argv[2], 1);
	fd = open_chip(argv[0]);
	req = request_lines(fd, argv[0], &offset, 1, GPIO_V2_LINE_FLAG_OUTPUT, 1,
			    value);
	got = get_values(req, argv[0], 1) & 1;
	printf("%d\n", got);
	close(req);
	close(fd);
	if (got != value)
		die(EXIT_CHECK, "%s: line %u: set to %d but reads back %d",
		    argv[0], offset, value, got);
	return 0;
}

static int cmd_watch(int argc, char **argv)
{
	unsigned int offset, count, timeout_s, got = 0;
	int fd, req, want_req = 0;
	int64_t deadline;
	char what[128];

	if (argc == 6 && strcmp(argv[4], "--req") == 0) {
		if (strcmp(argv[5], "powerdown") != 0)
			usage("watch: --req only knows 'powerdown'");
		want_req = 1;
		argc -= 2;
	}
	if (argc != 4)
		usage("watch takes CHIP LINE COUNT TIMEOUT_S [--req powerdown]");
	offset = parse_num("LINE", argv[1], 0xffffffffUL);
	count = parse_num("COUNT", argv[2], 1000000);
	timeout_s = parse_num("TIMEOUT_S", argv[3], 86400);
	snprintf(what, sizeof(what), "%s: line %u", argv[0], offset);

	fd = open_chip(argv[0]);
	req = request_lines(fd, argv[0], &offset, 1,
			    GPIO_V2_LINE_FLAG_INPUT | GPIO_V2_LINE_FLAG_EDGE_RISING |
			    GPIO_V2_LINE_FLAG_EDGE_FALLING, 0, 0);
	if (want_req)
		request_powerdown();
	deadline = now_ms() + (int64_t)timeout_s * 1000;

	while (got < count) {
		struct gpio_v2_line_event ev[16];
		size_t i, n;

		n = read_records(req, ev, sizeof(ev), sizeof(ev[0]), deadline, what);
		if (n == 0)
			die(EXIT_CHECK, "%s: timed out after %u s with %u of %u edge events",
			    what, timeout_s, got, count);
		for (i = 0; i < n && got < count; i++) {
			if (ev[i].id == GPIO_V2_LINE_EVENT_RISING_EDGE)
				printf("rising\n");
			else if (ev[i].id == GPIO_V2_LINE_EVENT_FALLING_EDGE)
				printf("falling\n");
			else
				printf("unknown(%u)\n", ev[i].id);
			fflush(stdout);
			got++;
		}
	}
	close(req);
	close(fd);
	return 0;
}

/* The mean of n operations that took ns in all, rounded to a nanosecond. */
static unsigned long long per_op(int64_t ns, unsigned long n)
{
	return ((unsigned long long)ns + n / 2) / n;
}

/*
 * Each kind of operation is done once untimed, then n times timed: the
 * first one pays for page faults, cold caches and, without -icount, QEMU
 * translating code, none of which belong in the mean. In the messages,
 * operation 0 is that warm-up.
 */
static int cmd_bench(int argc, char **argv)
{
	struct gpio_v2_line_values vals;
	struct gpio_v2_line_config config;
	struct gpio_v2_line_info li;
	unsigned int offset;
	unsigned long n, i;
	int fd, req, last = 0;
	uint64_t want;
	int64_t start = 0, elapsed;

	if (argc != 3)
		usage("bench takes CHIP LINE N");
	offset = parse_num("LINE", argv[1], 0xffffffffUL);
	n = parse_num("N", argv[2], 100000000);
	if (n == 0)
		usage("bench: N must be at least 1");
	fd = open_chip(argv[0]);

	/*
	 * Values, on one request of the line as an output driving 0: the
	 * warm-up sets 0 again, then 1, 0, 1, ... Each get must read the
	 * last value set.
	 */
	req = request_lines(fd, argv[0], &offset, 1, GPIO_V2_LINE_FLAG_OUTPUT,
			    1, 0);
	for (i = 0; i <= n; i++) {
		if (i == 1)
			start = now_ns();
		last = i & 1;
		memset(&vals, 0, sizeof(vals));
		vals.mask = 1;
		vals.bits = last;
		if (ioctl(req, GPIO_V2_LINE_SET_VALUES_IOCTL, &vals) < 0)
			die(EXIT_SYSCALL,
			    "%s: line %u: set %lu of %lu: GPIO_V2_LINE_SET_VALUES_IOCTL: %s",
			    argv[0], offset, i, n, strerror(errno));
	}
	printf("set %llu\n", per_op(now_ns() - start, n));
	for (i = 0; i <= n; i++) {
		if (i == 1)
			start = now_ns();
		memset(&vals, 0, sizeof(vals));
		vals.mask = 1;
		if (ioctl(req, GPIO_V2_LINE_GET_VALUES_IOCTL, &vals) < 0)
			die(EXIT_SYSCALL,
			    "%s: line %u: get %lu of %lu: GPIO_V2_LINE_GET_VALUES_IOCTL: %s",
			    argv[0], offset, i, n, strerror(errno));
		if ((int)(vals.bits & 1) != last)
			die(EXIT_CHECK, "%s: line %u: get %lu of %lu read %d, but %d was set",
			    argv[0], offset, i, n, (int)(vals.bits & 1), last);
	}
	printf("get %llu\n", per_op(now_ns() - start, n));
	close(req);

	/*
	 * Requests: close() releases the line before it returns (the release
	 * runs on the way back to user space), so the next request finds the
	 * line free.
	 */
	for (i = 0; i <= n; i++) {
		if (i == 1)
			start = now_ns();
		close(request_lines(fd, argv[0], &offset, 1, GPIO_V2_LINE_FLAG_INPUT,
				    0, 0));
	}
	printf("request %llu\n", per_op(now_ns() - start, n));

	/*
	 * Directions, on one request of the line as an output: the warm-up
	 * makes it an output again, then input, output, input, ...
	 */
	req = request_lines(fd, argv[0], &offset, 1, GPIO_V2_LINE_FLAG_OUTPUT,
			    1, 0);
	for (i = 0; i <= n; i++) {
		if (i == 1)
			start = now_ns();
		if (i & 1)
			line_config(&config, GPIO_V2_LINE_FLAG_INPUT, 0, 0);
		else
			line_config(&config, GPIO_V2_LINE_FLAG_OUTPUT, 1, 0);
		if (ioctl(req, GPIO_V2_LINE_SET_CONFIG_IOCTL, &config) < 0)
			die(EXIT_SYSCALL,
			    "%s: line %u: direction change %lu of %lu: GPIO_V2_LINE_SET_CONFIG_IOCTL: %s",
			    argv[0], offset, i, n, strerror(errno));
	}
	elapsed = now_ns() - start;

	/* The last change took: the line info says so. */
	want = (n & 1) ? GPIO_V2_LINE_FLAG_INPUT : GPIO_V2_LINE_FLAG_OUTPUT;
	memset(&li, 0, sizeof(li));
	li.offset = offset;
	if (ioctl(fd, GPIO_V2_GET_LINEINFO_IOCTL, &li) < 0)
		die(EXIT_SYSCALL, "%s: line %u: GPIO_V2_GET_LINEINFO_IOCTL: %s",
		    argv[0], offset, strerror(errno));
	if (!(li.flags & want))
		die(EXIT_CHECK,
		    "%s: line %u: after %lu direction changes it is not an %s (flags 0x%llx)",
		    argv[0], offset, n,
		    want == GPIO_V2_LINE_FLAG_INPUT ? "input" : "output",
		    (unsigned long long)li.flags);
	printf("direction %llu\n", per_op(elapsed, n));
	close(req);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2)
		usage("missing command");
	cmd = argv[1];
	if (strcmp(cmd, "info") == 0)
		return cmd_info(argc - 2, argv + 2);
	if (strcmp(cmd, "get") == 0)
		return cmd_get(argc - 2, argv + 2);
	if (strcmp(cmd, "set") == 0)
		return cmd_set(argc - 2, argv + 2);
	if (strcmp(cmd, "watch") == 0)
		return cmd_watch(argc - 2, argv + 2);
	if (strcmp(cmd, "bench") == 0)
		return cmd_bench(argc - 2, argv + 2);
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	usage("unknown command");
}
