/* ${} expansion: the rules, and that values never reach a message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "spec/private/expand.h"
#include "spec_test.h"

static const char *const vars[] = {
    "NAME=py",           "EMPTY=",       "SECRET=hunter2-secret",
    "YAMLISH=a: b\n- c", "TEAM=ml",      "DIR=/data",
    "NET=10.0.0.0/8",    "DOLLAR=$HOME", NULL};

/* Expands text; returns the result or "ERR: " and the messages joined by "|". */
static char *expand(const char *text)
{
	sc_buf out = SC_BUF_INIT;
	sc_strlist errors = {NULL, 0};

	test_vars = vars;
	if (sc_spec_expand(&out, text, strlen(text), test_lookup, NULL, &errors) == 0) {
		CHECK_INT(errors.count, 0);
		return sc_buf_detach(&out);
	}
	sc_buf_reset(&out);
	sc_buf_puts(&out, "ERR: ");
	for (size_t i = 0; i < errors.count; i++)
		sc_buf_printf(&out, "%s%s", i ? "|" : "", errors.items[i]);
	sc_spec_strlist_release(&errors);
	return sc_buf_detach(&out);
}

#define CHECK_EXPANDS(text, want)                                                        \
	do {                                                                             \
		char *got = expand(text);                                                \
		CHECK_STR(got, want);                                                    \
		free(got);                                                               \
	} while (0)

TEST(plain_text_is_kept)
{
	CHECK_EXPANDS("", "");
	CHECK_EXPANDS("hello world", "hello world");
	CHECK_EXPANDS("$HOME and $1 and a$", "$HOME and $1 and a$");
	CHECK_EXPANDS("{NAME}", "{NAME}");
}

TEST(variables)
{
	CHECK_EXPANDS("${NAME}", "py");
	CHECK_EXPANDS("x-${NAME}-${NAME}-y", "x-py-py-y");
	CHECK_EXPANDS("${EMPTY}", "");
	CHECK_EXPANDS("${YAMLISH}", "a: b\n- c");
	CHECK_EXPANDS("${DOLLAR}", "$HOME");
}

TEST(dollar_dollar_is_a_dollar)
{
	CHECK_EXPANDS("$$", "$");
	CHECK_EXPANDS("$${NAME}", "${NAME}");
	CHECK_EXPANDS("$$$${NAME}", "$${NAME}");
	CHECK_EXPANDS("$$${NAME}", "$py");
	CHECK_EXPANDS("cost: $$5", "cost: $5");
}

TEST(defaults)
{
	CHECK_EXPANDS("${UNSET:-fallback}", "fallback");
	CHECK_EXPANDS("${EMPTY:-fallback}", "fallback");
	CHECK_EXPANDS("${NAME:-fallback}", "py");
	CHECK_EXPANDS("${UNSET:-}", "");
	CHECK_EXPANDS("${UNSET:-a b:c-d}", "a b:c-d");
}

TEST(unset_is_an_error_naming_the_variable)
{
	CHECK_EXPANDS("${UNSET}",
	              "ERR: variable UNSET is not set (write ${UNSET:-default} "
	              "for a default)");
	CHECK_EXPANDS("${A1}${B2}",
	              "ERR: variable A1 is not set (write ${A1:-default} for a "
	              "default)|variable B2 is not set (write ${B2:-default} "
	              "for a default)");
}

TEST(required_with_message)
{
	CHECK_EXPANDS("${UNSET:?set it in .env}",
	              "ERR: variable UNSET is not set: set it in .env");
	CHECK_EXPANDS("${EMPTY:?must not be empty}",
	              "ERR: variable EMPTY is empty: must not be "
	              "empty");
	CHECK_EXPANDS("${NAME:?unused}", "py");
}

TEST(required_without_message_ends_at_the_name)
{
	CHECK_EXPANDS("${UNSET:?}", "ERR: variable UNSET is not set");
	CHECK_EXPANDS("${EMPTY:?}", "ERR: variable EMPTY is empty");
}

TEST(malformed)
{
	static const char *const bad[] = {"${}",    "${1A}",  "${A-b}", "${A:x}",
	                                  "${A B}", "${A?m}", "${:-x}", "${A:}"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *got = expand(bad[i]);
		CHECK_CONTAINS(got, "ERR: malformed ${");
		CHECK_CONTAINS(got,
		               "expected ${NAME}, ${NAME:-default} or ${NAME:?message}");
		free(got);
	}
	CHECK_EXPANDS("abc ${NAME", "ERR: malformed ${ at character 5: no closing }");
	CHECK_EXPANDS("${", "ERR: malformed ${ at character 1: no closing }");
}

/* A default is expanded as strictly as the value: ${A:-${B}} never becomes "${B}". */
TEST(nested_defaults)
{
	CHECK_EXPANDS("${UNSET:-${NAME}}", "py");
	CHECK_EXPANDS("${UNSET:-${EMPTY:-deep}}", "deep");
	CHECK_EXPANDS("${UNSET:-x-${NAME}-${TEAM}-y}z", "x-py-ml-yz");
	CHECK_EXPANDS("${UNSET:-${NOPE}}",
	              "ERR: variable NOPE is not set (write ${NOPE:-default} for a "
	              "default)");
	CHECK_EXPANDS("${UNSET:-${NOPE:?needed}}", "ERR: variable NOPE is not set: needed");
	/* A default that is not used is not looked at. */
	CHECK_EXPANDS("${NAME:-${NOPE}}", "py");
	CHECK_EXPANDS("${UNSET:-$${NAME}}", "${NAME}");
	CHECK_EXPANDS("${UNSET:-{x}}", "{x}");
	CHECK_EXPANDS("${UNSET:-a}b}", "ab}");
	/* Places count from the start of the whole value. */
	CHECK_EXPANDS("${UNSET:-${1x}}",
	              "ERR: malformed ${...} at character 10: expected ${NAME}, "
	              "${NAME:-default} or ${NAME:?message}, where NAME matches "
	              "[A-Za-z_][A-Za-z0-9_]*");
	CHECK_EXPANDS("${UNSET:-${NAME}", "ERR: malformed ${ at character 1: no closing }");
	/* A message is the user's text, shown as written, not expanded. */
	CHECK_EXPANDS("${UNSET:?ask ${SECRET}}", "ERR: variable UNSET is not set: ask ${SECRET}");
}

TEST(nesting_is_bounded)
{
	sc_buf text = SC_BUF_INIT;
	for (int i = 0; i < 40; i++)
		sc_buf_puts(&text, "${U:-");
	for (int i = 0; i < 40; i++)
		sc_buf_putc(&text, '}');
	char *got = expand(sc_buf_cstr(&text));
	CHECK_STR(got, "ERR: ${...} at character 81: defaults nest more than 16 deep");
	free(got);
	sc_buf_release(&text);
	CHECK(sc_spec_has_reference("a${B}", 5));
	CHECK(sc_spec_has_reference("$$${B}", 6));
	CHECK(!sc_spec_has_reference("$${B}", 5));
	CHECK(!sc_spec_has_reference("$B {B} $", 8));
}

TEST(getenv_when_no_lookup)
{
	sc_buf out = SC_BUF_INIT;
	sc_strlist errors = {NULL, 0};

	setenv("SC_SPEC_TEST_VAR", "from-env", 1);
	CHECK_INT(sc_spec_expand(&out, "${SC_SPEC_TEST_VAR}", 19, NULL, NULL, &errors),
	          0);
	CHECK_STR(sc_buf_cstr(&out), "from-env");
	unsetenv("SC_SPEC_TEST_VAR");
	sc_buf_reset(&out);
	CHECK_INT(sc_spec_expand(&out, "${SC_SPEC_TEST_VAR}", 19, NULL, NULL, &errors),
	          -1);
	CHECK_INT(errors.count, 1);
	sc_spec_strlist_release(&errors);
	sc_buf_release(&out);
}

#define DOC "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n"

TEST(every_string_value_is_expanded)
{
	sc_spec_list list = {0};
	int r;

	test_vars = vars;
	char *errors =
	    test_load(&list,
	              DOC "  name: ${NAME}-runner\n  set: team-${TEAM}\n"
	                  "  labels: {team: \"${TEAM}\"}\nspec:\n"
	                  "  template: tpl-${NAME}\n"
	                  "  envVars: {KEY: \"${SECRET}\", RAW: \"$${SECRET}\", "
	                  "Y: \"${YAMLISH}\"}\n"
	                  "  network: {allowOut: [\"${NET}\"]}\n"
	                  "  volumeMounts: [{name: \"${NAME}\", path: \"${DIR}\"}]\n",
	              0, &r);
	CHECK_INT(r, 0);
	CHECK_STR(errors, "");
	if (list.count == 1) {
		const sc_spec *s = &list.items[0];
		CHECK_STR(s->name, "py-runner");
		CHECK_STR(s->set, "team-ml");
		CHECK_STR(sc_kv_get(&s->labels, "team"), "ml");
		CHECK_STR(s->template_id, "tpl-py");
		CHECK_STR(sc_kv_get(&s->env, "KEY"), "hunter2-secret");
		CHECK_STR(sc_kv_get(&s->env, "RAW"), "${SECRET}");
		CHECK_STR(sc_kv_get(&s->env, "Y"), "a: b\n- c");
		CHECK_STR(s->network.allow_out.items[0], "10.0.0.0/8");
		CHECK_STR(s->mounts[0].name, "py");
		CHECK_STR(s->mounts[0].path, "/data");
	}
	free(errors);
	sc_spec_list_release(&list);
}

TEST(keys_are_never_expanded)
{
	test_vars = vars;
	char *errors =
	    test_errors(DOC "  name: web\nspec:\n  envVars:\n    ${NAME}: x\n");
	CHECK_STR(errors,
	          "t.yaml:7:5: error: spec.envVars: invalid name \"${NAME}\": must match "
	          "[A-Za-z_][A-Za-z0-9_]*\n");
	free(errors);
}

TEST(errors_name_the_place_and_variable)
{
	test_vars = vars;
	char *errors =
	    test_errors(DOC "  name: web\nspec:\n  template: ${TPL}\n  envVars:\n"
	                    "    OPENAI_API_KEY: ${OPENAI_API_KEY}\n"
	                    "    B: ${EMPTY:?B needs EMPTY}\n    C: \"x ${oops\"\n");
	CHECK_STR(
	    errors,
	    "t.yaml:6:13: error: spec.template: variable TPL is not set (write "
	    "${TPL:-default} for a default)\n"
	    "t.yaml:8:21: error: spec.envVars.OPENAI_API_KEY: variable OPENAI_API_KEY is "
	    "not set (write ${OPENAI_API_KEY:-default} for a default)\n"
	    "t.yaml:9:8: error: spec.envVars.B: variable EMPTY is empty: B needs EMPTY\n"
	    "t.yaml:10:8: error: spec.envVars.C: malformed ${ at character 3: no "
	    "closing }\n");
	free(errors);
}

TEST(expanded_values_are_validated)
{
	test_vars = vars;
	char *errors =
	    test_errors(DOC "  name: ${TEAM}_x\n  labels: {a: \"${YAMLISH}\"}\n");
	CHECK_STR(
	    errors,
	    "t.yaml:4:9: error: metadata.name: must be a DNS-1123 label (1 to 63 of a-z, "
	    "0-9 and '-', starting and ending with a letter or digit), got a value from "
	    "\"${TEAM}_x\" (not shown)\n"
	    "t.yaml:5:15: error: metadata.labels.a: must be a label value: empty, or at "
	    "most 63 of A-Z, a-z, 0-9, '-', '_' and '.', starting and ending with a "
	    "letter or digit, got a value from \"${YAMLISH}\" (not shown)\n");
	free(errors);
}

/* A document with a secret and many errors: the secret is in no message. */
TEST(secrets_never_in_messages)
{
	test_vars = vars;
	char *errors =
	    test_errors(DOC "  name: web\nspec:\n  timeout: ${SECRET}\n"
	                    "  template: [\"${SECRET}\"]\n"
	                    "  envVars:\n    A: ${SECRET}\n    A: ${SECRET}x\n"
	                    "    B: ${SECRET:?no}\n    C: [\"${SECRET}\"]\n"
	                    "    \"D E\": ${SECRET}\n    F: \"${SECRET}${NOPE}\"\n");
	CHECK(*errors);
	CHECK_NOT_CONTAINS(errors, "hunter2");
	CHECK_CONTAINS(errors, "spec.envVars.F: variable NOPE is not set");
	free(errors);
}

static const char *const secret_vars[] = {"SECRET=Hunter2_Secret", "TOKEN=tok-4242",
                                          "DIR=/data", "REL=tok-dir", NULL};

#define SECRET_RULE_END "got a value from \"${SECRET}\" (not shown)\n"

/* A value that came from ${} is never shown in an error, whatever the check. */
TEST(expanded_values_are_never_echoed)
{
	sc_spec_list list = {0};
	int r;

	test_vars = secret_vars;
	char *errors = test_errors(DOC "  name: ${SECRET}\n  set: ${SECRET}\nspec:\n"
	                               "  network: {allowOut: [\"${SECRET}\"]}\n"
	                               "  volumeMounts: [{name: a, path: \"${UNSET:-${SECRET}}\"}]\n");
	CHECK_STR(errors,
	          "t.yaml:4:9: error: metadata.name: must be a DNS-1123 label (1 to 63 of "
	          "a-z, 0-9 and '-', starting and ending with a letter or digit), "
	          SECRET_RULE_END
	          "t.yaml:5:8: error: metadata.set: must be a DNS-1123 label (1 to 63 of "
	          "a-z, 0-9 and '-', starting and ending with a letter or digit), "
	          SECRET_RULE_END
	          "t.yaml:7:24: error: spec.network.allowOut[0]: must be an IPv4 address or "
	          "CIDR (a.b.c.d or a.b.c.d/0-32), " SECRET_RULE_END
	          "t.yaml:8:34: error: spec.volumeMounts[0].path: must be an absolute path, "
	          "got a value from \"${UNSET:-${SECRET}}\" (not shown)\n");
	free(errors);

	/* A valid value can still be named in a duplicate: it is not shown either. */
	errors = test_load(&list,
	                   DOC "  name: ${TOKEN}\n  set: s-${REL}\n---\n" DOC
	                       "  name: ${TOKEN}\n  set: s-${REL}\n",
	                   0, &r);
	CHECK_INT(r, -1);
	CHECK_STR(errors, "t.yaml:10:9: error: metadata.name: duplicate name (a value from "
	                  "\"${TOKEN}\", not shown) in set (a value from \"s-${REL}\", not "
	                  "shown) (first at t.yaml:4:9)\n");
	CHECK_NOT_CONTAINS(errors, "tok-");
	free(errors);
	errors = test_errors(DOC "  name: web\nspec:\n  volumeMounts:\n"
	                         "  - {name: a, path: \"${DIR}/${REL}\"}\n"
	                         "  - {name: b, path: \"${DIR}/${REL}\"}\n");
	CHECK_STR(errors, "t.yaml:8:21: error: spec.volumeMounts[1].path: path (a value from "
	                  "\"${DIR}/${REL}\", not shown) is repeated (first at 7:21)\n");
	CHECK_NOT_CONTAINS(errors, "tok-");
	free(errors);
	sc_spec_list_release(&list);
	test_vars = NULL;
}

int main(void)
{
	RUN(plain_text_is_kept);
	RUN(variables);
	RUN(dollar_dollar_is_a_dollar);
	RUN(defaults);
	RUN(unset_is_an_error_naming_the_variable);
	RUN(required_with_message);
	RUN(required_without_message_ends_at_the_name);
	RUN(malformed);
	RUN(nested_defaults);
	RUN(nesting_is_bounded);
	RUN(getenv_when_no_lookup);
	RUN(every_string_value_is_expanded);
	RUN(keys_are_never_expanded);
	RUN(errors_name_the_place_and_variable);
	RUN(expanded_values_are_validated);
	RUN(secrets_never_in_messages);
	RUN(expanded_values_are_never_echoed);
	return test_summary();
}
