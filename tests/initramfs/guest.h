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

#endif /* GUEST_H */
