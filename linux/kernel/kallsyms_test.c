// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit test for kallsyms with long symbol names.
 *
 * Names of up to KSYM_NAME_LEN - 1 characters have to survive the name
 * compression done by scripts/kallsyms, including names whose compressed
 * entry is too long for the one-byte length that most symbols use. Rust's
 * mangled names are often that long. Check that a name well past 128
 * characters and one of the maximum length can be found by name and by
 * address, and are printed in full.
 */

#include <kunit/test.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/stringify.h>

#include <asm/sections.h>

#define KT_PASTE(a, b)		a##b
#define KT_CAT(a, b)		KT_PASTE(a, b)

/*
 * KT_ADD<n>(id) appends <n> characters to the identifier id. The pieces
 * alternate digits and letters so that their character pairs are rare in
 * other symbol names and the kallsyms compressor cannot shrink them much:
 * the compressed entries of these names must still need a two-byte length.
 */
#define KT_ADD16(id)		KT_CAT(id, _0a1b2c3d4e5f6g7)
#define KT_ADD32(id)		KT_CAT(KT_ADD16(id), _8h9i0j1k2l3m4n5)
#define KT_ADD64(id) \
	KT_CAT(KT_CAT(KT_ADD32(id), _6o7p8q9r0s1t2u3), _4v5w6x7y8z9a0b1)
#define KT_ADD128(id)		KT_ADD64(KT_ADD64(id))
#define KT_ADD256(id)		KT_ADD128(KT_ADD128(id))

/* 25 + 256 + 32 = 313 characters */
#define KT_LONG_NAME \
	KT_ADD32(KT_ADD256(kallsyms_test_long_symbol))

/* 31 + 256 + 128 + 64 + 32 = 511 characters: the longest name allowed */
#define KT_MAX_NAME \
	KT_ADD32(KT_ADD64(KT_ADD128(KT_ADD256( \
		kallsyms_test_max_length_symbol))))

static_assert(sizeof(__stringify(KT_LONG_NAME)) - 1 == 313);
static_assert(sizeof(__stringify(KT_MAX_NAME)) - 1 == KSYM_NAME_LEN - 1);

/* Only the addresses and names of these two functions matter. */
static noinline int KT_LONG_NAME(void)
{
	return 1;
}

static noinline int KT_MAX_NAME(void)
{
	return 2;
}

static void kallsyms_test_check(struct kunit *test, void *fn,
				const char *name)
{
	void *start = dereference_function_descriptor(fn);
	unsigned long addr = (unsigned long)start;
	size_t len = strlen(name);
	char *buf;

	buf = kunit_kzalloc(test, KSYM_SYMBOL_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);

	/* The symbol can be found by its full name... */
	KUNIT_EXPECT_PTR_EQ(test, (void *)kallsyms_lookup_name(name), start);

	/* ...and its address maps back to that name. */
	KUNIT_EXPECT_EQ(test, lookup_symbol_name(addr, buf), 0);
	KUNIT_EXPECT_STREQ(test, buf, name);

	/* sprint_symbol() prints "<name>+0x0/<size>". */
	sprint_symbol(buf, addr);
	KUNIT_EXPECT_TRUE_MSG(test,
			      !strncmp(buf, name, len) &&
			      str_has_prefix(buf + len, "+0x0/"),
			      "sprint_symbol() gave %s", buf);

	/* "%ps" prints the name alone. */
	snprintf(buf, KSYM_SYMBOL_LEN, "%ps", fn);
	KUNIT_EXPECT_STREQ(test, buf, name);
}

static void kallsyms_test_long_name(struct kunit *test)
{
	kallsyms_test_check(test, KT_LONG_NAME, __stringify(KT_LONG_NAME));
}

static void kallsyms_test_max_name(struct kunit *test)
{
	kallsyms_test_check(test, KT_MAX_NAME, __stringify(KT_MAX_NAME));
}

static struct kunit_case kallsyms_test_cases[] = {
	KUNIT_CASE(kallsyms_test_long_name),
	KUNIT_CASE(kallsyms_test_max_name),
	{}
};

static struct kunit_suite kallsyms_test_suite = {
	.name = "kallsyms",
	.test_cases = kallsyms_test_cases,
};

kunit_test_suites(&kallsyms_test_suite);
