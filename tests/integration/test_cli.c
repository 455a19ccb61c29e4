/*
 * The command line as a user meets it, through the real binary: each
 * command takes exactly the options its help lists, refuses the others
 * by name (exit 64), and says what was wrong as text, never a raw byte.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "support/cli_run.h"

#define MAX_OPTIONS 64

typedef struct known_option {
	char name[40];   /* "--max-delete" */
	bool has_value;  /* its help shows a value ("--max-delete N") */
} known_option;

static const char *const commands[] = {"apply", "plan", "validate", "get",
                                       "delete", "agent", "version", "options"};
#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

static int run(const char *const *args, test_run *out)
{
	return test_run_apply(NULL, args, NULL, NULL, out);
}

/* The options a command's help lists, with whether each takes a value. */
static int help_options(const char *command, known_option *out, int max)
{
	test_run help;
	int count = 0;

	if (run((const char *[]){command, "--help", NULL}, &help) || help.exit_code != 0) {
		TEST_FAILURE("sc-apply %s --help failed", command);
		test_run_release(&help);
		return 0;
	}
	for (char *line = strtok(help.out, "\n"); line && count < max; line = strtok(NULL, "\n")) {
		char *dashes = strstr(line, "--");
		if (strncmp(line, "  -", 3) || !dashes)
			continue;
		size_t len = strspn(dashes, "-abcdefghijklmnopqrstuvwxyz");
		snprintf(out[count].name, sizeof(out[count].name), "%.*s", (int)len, dashes);
		out[count].has_value = dashes[len] == ' ' && dashes[len + 1] != ' ';
		count++;
	}
	test_run_release(&help);
	return count;
}

static bool listed(const known_option *options, int count, const char *name)
{
	for (int i = 0; i < count; i++) {
		if (!strcmp(options[i].name, name))
			return true;
	}
	return false;
}

TEST(help_of_each_command_matches_its_option_list)
{
	for (size_t c = 0; c < COMMAND_COUNT; c++) {
		known_option options[MAX_OPTIONS];
		int count = help_options(commands[c], options, MAX_OPTIONS);
		test_run list;
		CHECK_INT(run((const char *[]){"options", commands[c], NULL}, &list), 0);
		int lines = 0;
		for (char *line = strtok(list.out, "\n"); line; line = strtok(NULL, "\n")) {
			lines++;
			if (!listed(options, count, line))
				TEST_FAILURE("%s: 'options' lists %s, help does not", commands[c], line);
		}
		CHECK_INT(lines, count);
		test_run_release(&list);
	}
}

/* Every option any command takes, refused by name by each command that does not take it. */
TEST(an_option_a_command_does_not_take_is_a_usage_error_naming_it)
{
	known_option all[MAX_OPTIONS * 2];
	int all_count = 0, refusals = 0;

	for (size_t c = 0; c < COMMAND_COUNT; c++) {
		known_option options[MAX_OPTIONS];
		int count = help_options(commands[c], options, MAX_OPTIONS);
		for (int i = 0; i < count; i++) {
			if (!listed(all, all_count, options[i].name))
				all[all_count++] = options[i];
		}
	}
	CHECK(all_count >= 20);
	/* Under valgrind (SC_TEST_WRAP) a few refusals a command show the memory is clean. */
	int most = getenv("SC_TEST_WRAP") ? 2 : MAX_OPTIONS * 2;
	for (size_t c = 0; c < COMMAND_COUNT; c++) {
		known_option taken[MAX_OPTIONS];
		int taken_count = help_options(commands[c], taken, MAX_OPTIONS), tried = 0;
		for (int i = 0; i < all_count && tried < most; i++) {
			if (listed(taken, taken_count, all[i].name))
				continue;
			tried++;
			test_run out;
			const char *args[] = {commands[c], all[i].name, all[i].has_value ? "1" : NULL,
			                      NULL};
			CHECK_INT(run(args, &out), 0);
			char expected[128];
			snprintf(expected, sizeof(expected), "option \"%.40s\" is not taken", all[i].name);
			if (out.exit_code != 64 || !strstr(out.err, expected))
				TEST_FAILURE("sc-apply %s %s: exit %d, stderr: %s", commands[c],
				             all[i].name, out.exit_code, out.err);
			refusals++;
			test_run_release(&out);
		}
	}
	CHECK(refusals > (getenv("SC_TEST_WRAP") ? 8 : 20));
}

TEST(validate_with_prune_exits_64_naming_prune)
{
	test_run out;
	CHECK_INT(run((const char *[]){"validate", "-f", "x.yaml", "--prune", NULL}, &out), 0);
	CHECK_INT(out.exit_code, 64);
	CHECK(strstr(out.err, "validate: option \"--prune\" is not taken by this command") != NULL);
	/* One hint, to the command's own help. */
	CHECK(strstr(out.err, "(see 'sc-apply validate --help')") != NULL);
	CHECK(strstr(out.err, "(see 'sc-apply --help')") == NULL);
	test_run_release(&out);
}

static bool all_printable_ascii(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p >= 0x80 || (*p < 0x20 && *p != '\n'))
			return false;
	}
	return true;
}

TEST(a_flag_given_a_value_is_named_as_text)
{
	test_run out;
	CHECK_INT(run((const char *[]){"plan", "-f", "x.yaml", "--prune=true", NULL}, &out), 0);
	CHECK_INT(out.exit_code, 64);
	CHECK(strstr(out.err, "option \"--prune\" takes no value") != NULL);
	CHECK(all_printable_ascii(out.err));
	test_run_release(&out);

	CHECK_INT(run((const char *[]){"plan", "-f", "x.yaml", "--no-such-option", NULL}, &out), 0);
	CHECK_INT(out.exit_code, 64);
	CHECK(strstr(out.err, "unknown option \"--no-such-option\"") != NULL);
	test_run_release(&out);

	CHECK_INT(run((const char *[]){"plan", "-f", "x.yaml", "--bad\x1b[31m", NULL}, &out), 0);
	CHECK_INT(out.exit_code, 64);
	CHECK(strchr(out.err, '\x1b') == NULL);
	test_run_release(&out);
}

TEST(output_formats_are_each_commands_own)
{
	test_run out;
	CHECK_INT(run((const char *[]){"get", "--help", NULL}, &out), 0);
	CHECK(strstr(out.out, "table (default) or json") != NULL);
	test_run_release(&out);

	CHECK_INT(run((const char *[]){"plan", "--help", NULL}, &out), 0);
	CHECK(strstr(out.out, "text (default) or json") != NULL);
	test_run_release(&out);

	CHECK_INT(run((const char *[]){"plan", "-f", "x.yaml", "-o", "table", NULL}, &out), 0);
	CHECK_INT(out.exit_code, 64);
	CHECK(strstr(out.err, "plan: -o must be text or json, got \"table\"") != NULL);
	test_run_release(&out);
}

TEST(version_is_a_command_and_an_option)
{
	test_run a, b, c;
	CHECK_INT(run((const char *[]){"version", NULL}, &a), 0);
	CHECK_INT(run((const char *[]){"--version", NULL}, &b), 0);
	CHECK_INT(run((const char *[]){"plan", "--version", NULL}, &c), 0);
	CHECK_INT(a.exit_code, 0);
	CHECK(!strncmp(a.out, "sc-apply ", 9));
	CHECK_STR(a.out, b.out);
	CHECK_STR(a.out, c.out);
	test_run_release(&a);
	test_run_release(&b);
	test_run_release(&c);
}

int main(void)
{
	RUN(help_of_each_command_matches_its_option_list);
	RUN(an_option_a_command_does_not_take_is_a_usage_error_naming_it);
	RUN(validate_with_prune_exits_64_naming_prune);
	RUN(a_flag_given_a_value_is_named_as_text);
	RUN(output_formats_are_each_commands_own);
	RUN(version_is_a_command_and_an_option);
	return test_summary();
}
