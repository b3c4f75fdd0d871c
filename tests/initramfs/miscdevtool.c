// SPDX-License-Identifier: GPL-2.0
/*
 * miscdevtool - exercises samples/rust/rust_miscdev.rs from user space.
 *
 *   miscdevtool share       a write through one open file is what a read
 *                           through another returns; the GET_WRITES ioctl
 *                           counts it; an unknown ioctl is ENOTTY
 *   miscdevtool concurrent  two processes, each writing its own pattern
 *                           (of its own length) and reading, many times;
 *                           every read must return one whole write, and
 *                           GET_WRITES must count every write
 *   miscdevtool efault      reads and writes with NULL, a kernel address
 *                           and a buffer running into an unmapped page
 *                           fail with EFAULT and change nothing
 *   miscdevtool too-big     a write larger than the buffer is EFBIG
 *   miscdevtool poll        an empty write empties the buffer, which is then
 *                           writable but not readable; a process sleeping
 *                           in poll() and one in epoll_wait() wake up
 *                           readable when another writes
 *
 * The device is /dev/rust_miscdev, a 256-byte buffer shared by every open
 * file. Exit codes: 0 success; 1 a system call failed unexpectedly; 2 usage
 * error; 3 a check failed. The reason goes to stderr.
 */
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define PROG "miscdevtool"

static const char usage_text[] =
	"usage: miscdevtool share|concurrent|efault|too-big|poll\n"
	"exit: 0 ok, 1 system call failed, 2 usage, 3 check failed\n";

#include "guest.h"

#define DEV "/dev/rust_miscdev"
#define CAPACITY 256
#define GET_WRITES _IO('r', 1)
#define ROUNDS 3000

static int open_dev(void)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die(EXIT_SYSCALL, "open %s: %s", DEV, strerror(errno));
	return fd;
}

/* Replaces the contents with len bytes of buf. */
static void put(int fd, const void *buf, size_t len)
{
	ssize_t n = write(fd, buf, len);

	if (n < 0)
		die(EXIT_SYSCALL, "write of %zu bytes: %s", len, strerror(errno));
	if ((size_t)n != len)
		die(EXIT_CHECK, "write of %zu bytes wrote %zd", len, n);
}

/* Reads the contents (from offset 0) into buf; returns their length. */
static size_t get(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size, 0);

	if (n < 0)
		die(EXIT_SYSCALL, "read: %s", strerror(errno));
	return (size_t)n;
}

static int writes(int fd)
{
	int n = ioctl(fd, GET_WRITES);

	if (n < 0)
		die(EXIT_SYSCALL, "ioctl GET_WRITES: %s", strerror(errno));
	return n;
}

static void expect_contents(int fd, const char *want, size_t len,
			    const char *after)
{
	char buf[CAPACITY];
	size_t n = get(fd, buf, sizeof(buf));

	if (n != len || memcmp(buf, want, len))
		die(EXIT_CHECK, "after %s: read '%.*s', expected '%.*s'",
		    after, (int)n, buf, (int)len, want);
}

static void share(void)
{
	int a = open_dev(), b = open_dev();
	int before = writes(b);

	put(a, "hello", 5);
	expect_contents(b, "hello", 5, "writing 'hello' through another file");
	if (writes(b) != before + 1)
		die(EXIT_CHECK, "GET_WRITES: %d before one write, %d after",
		    before, writes(b));
	if (ioctl(a, _IO('r', 99)) != -1 || errno != ENOTTY)
		die(EXIT_CHECK, "an unknown ioctl did not fail with ENOTTY: %s",
		    strerror(errno));
	close(a);
	close(b);
}

/*
 * Writes pattern c (len bytes) and reads back ROUNDS times; every read
 * must be one whole write: len bytes of c, or other_len bytes of other.
 * Returns the number of torn reads.
 */
static int hammer(char c, size_t len, char other, size_t other_len)
{
	int fd = open_dev(), torn = 0, i;
	char pattern[CAPACITY], buf[CAPACITY];

	memset(pattern, c, len);
	for (i = 0; i < ROUNDS; i++) {
		size_t n, j;
		char first;

		put(fd, pattern, len);
		n = get(fd, buf, sizeof(buf));
		first = n ? buf[0] : 0;
		if (!((first == c && n == len) ||
		      (first == other && n == other_len))) {
			torn++;
			continue;
		}
		for (j = 1; j < n; j++)
			if (buf[j] != first) {
				torn++;
				break;
			}
	}
	close(fd);
	return torn;
}

static void concurrent(void)
{
	int fd = open_dev(), before = writes(fd), status, torn;
	pid_t pid = fork();

	if (pid < 0)
		die(EXIT_SYSCALL, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(hammer('b', 100, 'a', CAPACITY) ? EXIT_CHECK : 0);
	torn = hammer('a', CAPACITY, 'b', 100);
	if (waitpid(pid, &status, 0) < 0)
		die(EXIT_SYSCALL, "waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		die(EXIT_CHECK, "the other process failed (status 0x%x)",
		    status);
	if (torn)
		die(EXIT_CHECK, "%d of %d reads were not one whole write", torn,
		    ROUNDS);
	if (writes(fd) != before + 2 * ROUNDS)
		die(EXIT_CHECK, "GET_WRITES: %d writes made, %d counted",
		    2 * ROUNDS, writes(fd) - before);
	close(fd);
}

/* A syscall result that must be -1 with EFAULT. */
static void expect_efault(ssize_t n, const char *what)
{
	if (n != -1 || errno != EFAULT)
		die(EXIT_CHECK, "%s: returned %zd (%s), expected EFAULT", what,
		    n, n < 0 ? strerror(errno) : "no error");
}

static void efault(void)
{
	int fd = open_dev(), before;
	long page = sysconf(_SC_PAGESIZE);
	/* Mapped on both arm64 and x86_64, never for user space. */
	void *kaddr = (void *)~0xfffUL;
	char *map, *edge;

	/* Two pages, the second unmapped: 2 bytes before a hole. */
	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		die(EXIT_SYSCALL, "mmap: %s", strerror(errno));
	if (munmap(map + page, page))
		die(EXIT_SYSCALL, "munmap: %s", strerror(errno));
	edge = map + page - 2;
	memcpy(edge, "zz", 2);

	put(fd, "intact", 6);
	before = writes(fd);
	expect_efault(write(fd, NULL, 4), "write from NULL");
	expect_efault(write(fd, kaddr, 4), "write from a kernel address");
	expect_efault(write(fd, edge, 6),
		      "write from a buffer running into an unmapped page");
	expect_efault(pread(fd, NULL, 6, 0), "read into NULL");
	expect_efault(pread(fd, kaddr, 6, 0), "read into a kernel address");
	expect_efault(pread(fd, edge, 6, 0),
		      "read into a buffer running into an unmapped page");
	expect_contents(fd, "intact", 6, "the failed writes");
	if (writes(fd) != before)
		die(EXIT_CHECK, "GET_WRITES counted %d failed writes",
		    writes(fd) - before);
	close(fd);
}

static void too_big(void)
{
	int fd = open_dev();
	char big[CAPACITY + 1];

	put(fd, "small", 5);
	memset(big, 'x', sizeof(big));
	if (write(fd, big, sizeof(big)) != -1 || errno != EFBIG)
		die(EXIT_CHECK, "a write of %zu bytes did not fail with EFBIG",
		    sizeof(big));
	put(fd, big, CAPACITY);
	expect_contents(fd, big, CAPACITY, "a write of exactly the capacity");
	close(fd);
}

/* The events poll() reports at once for fd. */
static short ready_now(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT };

	if (poll(&pfd, 1, 0) < 0)
		die(EXIT_SYSCALL, "poll: %s", strerror(errno));
	return pfd.revents;
}

/* Whether process pid is asleep ('S' in /proc/PID/stat). */
static int asleep(pid_t pid)
{
	char path[64], stat[256], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, stat, sizeof(stat) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	stat[n] = '\0';
	p = strrchr(stat, ')');
	return p && p[1] == ' ' && p[2] == 'S';
}

/*
 * Child: waits (poll() or epoll_wait(), up to 10 s) for fd to become
 * readable; exits 0 if it did, EXIT_CHECK if not.
 */
static void wait_readable(int use_epoll)
{
	int fd = open_dev(), n;

	if (use_epoll) {
		struct epoll_event ev = { .events = EPOLLIN }, got;
		int ep = epoll_create1(EPOLL_CLOEXEC);

		if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
			die(EXIT_SYSCALL, "epoll: %s", strerror(errno));
		n = epoll_wait(ep, &got, 1, 10000);
		if (n < 0)
			die(EXIT_SYSCALL, "epoll_wait: %s", strerror(errno));
		_exit(n == 1 && (got.events & EPOLLIN) ? 0 : EXIT_CHECK);
	} else {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		n = poll(&pfd, 1, 10000);
		if (n < 0)
			die(EXIT_SYSCALL, "poll: %s", strerror(errno));
		_exit(n == 1 && (pfd.revents & POLLIN) ? 0 : EXIT_CHECK);
	}
}

/* A process asleep waiting for fd to be readable wakes up on a write. */
static void check_wakeup(int fd, int use_epoll)
{
	const char *how = use_epoll ? "epoll_wait()" : "poll()";
	int64_t deadline = now_ms() + 5000;
	int status;
	pid_t pid;

	put(fd, "", 0);
	pid = fork();
	if (pid < 0)
		die(EXIT_SYSCALL, "fork: %s", strerror(errno));
	if (pid == 0)
		wait_readable(use_epoll);
	while (!asleep(pid)) {
		if (now_ms() > deadline)
			die(EXIT_CHECK, "the process in %s never went to sleep",
			    how);
		usleep(10000);
	}
	put(fd, "wake", 4);
	if (waitpid(pid, &status, 0) < 0)
		die(EXIT_SYSCALL, "waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		die(EXIT_CHECK, "a write did not wake the process in %s (status 0x%x)",
		    how, status);
}

static void poll_check(void)
{
	int fd = open_dev();
	short ev;
	char buf[8];

	put(fd, "", 0);
	if (get(fd, buf, sizeof(buf)) != 0)
		die(EXIT_CHECK, "an empty write did not empty the buffer");
	ev = ready_now(fd);
	if ((ev & (POLLIN | POLLOUT)) != POLLOUT)
		die(EXIT_CHECK, "empty: poll() reports 0x%x, expected POLLOUT only",
		    ev);
	put(fd, "data", 4);
	ev = ready_now(fd);
	if ((ev & (POLLIN | POLLOUT)) != (POLLIN | POLLOUT))
		die(EXIT_CHECK, "with data: poll() reports 0x%x, expected POLLIN|POLLOUT",
		    ev);
	check_wakeup(fd, 0);
	check_wakeup(fd, 1);
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc != 2)
		usage("one command expected");
	if (!strcmp(argv[1], "share"))
		share();
	else if (!strcmp(argv[1], "concurrent"))
		concurrent();
	else if (!strcmp(argv[1], "efault"))
		efault();
	else if (!strcmp(argv[1], "too-big"))
		too_big();
	else if (!strcmp(argv[1], "poll"))
		poll_check();
	else if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help"))
		usage("help");
	else
		usage("unknown command");
	return 0;
}
