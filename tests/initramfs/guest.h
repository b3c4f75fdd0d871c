/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the guest test programs share: exit codes, error reporting, number
 * parsing, a monotonic clock and the console protocol's power button
 * request. Include it after defining PROG (the program's name) and
 * usage_text.
 */
#ifndef GUEST_H
#define GUEST_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define EXIT_SYSCALL 1
#define EXIT_USAGE 2
#define EXIT_CHECK 3

static void die(int code, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

static void die(int code, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static void usage(const char *why) __attribute__((noreturn));

static void usage(const char *why)
{
	fprintf(stderr, PROG ": %s\n%s", why, usage_text);
	exit(EXIT_USAGE);
}

static inline unsigned long parse_num(const char *what, const char *s,
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

static inline int64_t now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		die(EXIT_SYSCALL, "clock_gettime: %s", strerror(errno));
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* CLOCK_MONOTONIC in nanoseconds, for timing a run of system calls. */
static inline int64_t now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		die(EXIT_SYSCALL, "clock_gettime: %s", strerror(errno));
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Asks the host (through the console protocol) to press the power button. */
static inline void request_powerdown(void)
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

/*
 * Waits until fd is readable, at most until deadline (a now_ms() time),
 * then reads whole records of rec_size bytes into buf (size bytes).
 * Returns how many records were read, or 0 once the deadline has passed.
 * Any error ends the program; what names the file in messages.
 */
static inline size_t read_records(int fd, void *buf, size_t size,
				  size_t rec_size, int64_t deadline,
				  const char *what)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - now_ms();
		ssize_t r;
		int p;

		if (left <= 0)
			return 0;
		p = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (p < 0) {
			if (errno == EINTR)
				continue;
			die(EXIT_SYSCALL, "%s: poll: %s", what, strerror(errno));
		}
		if (p == 0)
			continue;
		if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))
			die(EXIT_SYSCALL, "%s: poll reports revents 0x%x (device gone?)",
			    what, pfd.revents);
		r = read(fd, buf, size);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die(EXIT_SYSCALL, "%s: read: %s", what, strerror(errno));
		}
		if (r == 0 || (size_t)r % rec_size != 0)
			die(EXIT_SYSCALL,
			    "%s: read returned %zd bytes, not a multiple of %zu",
			    what, r, rec_size);
		return (size_t)r / rec_size;
	}
}

#endif /* GUEST_H */
