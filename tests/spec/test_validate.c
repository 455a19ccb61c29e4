/* Validation: every rejection with its exact place and text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "spec_test.h"
#include "support/process.h"

/* Lines 1-5; a field of spec written next is on line 6. */
#define HEAD "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n  name: web\nspec:\n"
/* Lines 1-3; a field of metadata written next is on line 4. */
#define META "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n"

typedef struct error_case {
	const char *yaml;
	const char *errors; /* every diagnostic, one per line */
} error_case;

static const error_case cases[] = {
    /* integers */
    {HEAD "  timeout: 30m\n", "t.yaml:6:12: error: spec.timeout: must be an integer from "
                              "1 to 86400, got \"30m\"\n"},
    {HEAD "  timeout: \"30\"\n",
     "t.yaml:6:12: error: spec.timeout: must be an integer from 1 to 86400, got \"30\" "
     "(a quoted string: write the number without quotes)\n"},
    {HEAD "  timeout: 0\n",
     "t.yaml:6:12: error: spec.timeout: must be an integer from 1 to 86400, got \"0\"\n"},
    {HEAD "  timeout: 86401\n", "t.yaml:6:12: error: spec.timeout: must be an integer "
                                "from 1 to 86400, got \"86401\"\n"},
    {HEAD "  timeout: 1.5\n", "t.yaml:6:12: error: spec.timeout: must be an integer from "
                              "1 to 86400, got \"1.5\"\n"},
    {HEAD "  timeout: 99999999999999999999999\n",
     "t.yaml:6:12: error: spec.timeout: must be an integer from 1 to 86400, got "
     "\"99999999999999999999999\"\n"},
    {HEAD "  timeout: [300]\n", "t.yaml:6:12: error: spec.timeout: must be an integer "
                                "from 1 to 86400, got a sequence\n"},
    {HEAD "  timeout: {seconds: 300}\n", "t.yaml:6:12: error: spec.timeout: must be an "
                                         "integer from 1 to 86400, got a mapping\n"},
    {HEAD "  timeout:\n",
     "t.yaml:6:11: error: spec.timeout: must be an integer from 1 to 86400, got null\n"},
    {HEAD "  replicas: 1001\n", "t.yaml:6:13: error: spec.replicas: must be an integer "
                                "from 0 to 1000, got \"1001\"\n"},
    {HEAD "  replicas: 010\n",
     "t.yaml:6:13: error: spec.replicas: must be an integer from 0 to 1000, got \"010\" "
     "(write it without a sign or leading zeros)\n"},
    {HEAD "  replicas: +5\n",
     "t.yaml:6:13: error: spec.replicas: must be an integer from 0 to 1000, got \"+5\" "
     "(write it without a sign or leading zeros)\n"},
    {HEAD "  replicas: 0\n", ""},
    {HEAD "  replicas: -1\n", "t.yaml:6:13: error: spec.replicas: must be an integer "
                              "from 0 to 1000, got \"-1\"\n"},
    {HEAD "  renewBefore: 300\n", "t.yaml:6:16: error: spec.renewBefore: must be less "
                                  "than spec.timeout (300), got \"300\"\n"},
    {HEAD "  timeout: 60\n  renewBefore: 59\n", ""},
    {HEAD "  renewBefore: 86400\n",
     "t.yaml:6:16: error: spec.renewBefore: must be an integer from 0 to 86399, got "
     "\"86400\"\n"},
    /* booleans: true and false only */
    {HEAD "  waitReady: yes\n",
     "t.yaml:6:14: error: spec.waitReady: must be true or false, got \"yes\" (only true "
     "and false are booleans here, not yes/no/on/off)\n"},
    {HEAD "  autoPause: off\n",
     "t.yaml:6:14: error: spec.autoPause: must be true or false, got \"off\" (only true "
     "and false are booleans here, not yes/no/on/off)\n"},
    {HEAD "  autoResume: True\n", "t.yaml:6:15: error: spec.autoResume: must be true or "
                                  "false, got \"True\" (only true "
                                  "and false are booleans here, not yes/no/on/off)\n"},
    {HEAD "  protect: \"true\"\n",
     "t.yaml:6:12: error: spec.protect: must be true or false, got \"true\"\n"},
    {HEAD "  protect: 1\n",
     "t.yaml:6:12: error: spec.protect: must be true or false, got \"1\"\n"},
    /* enums */
    {HEAD "  state: Running\n",
     "t.yaml:6:10: error: spec.state: must be one of running, paused, got \"Running\"\n"},
    {HEAD "  state: [running]\n",
     "t.yaml:6:10: error: spec.state: must be one of running, paused, got a sequence\n"},
    {HEAD "  replace: later\n",
     "t.yaml:6:12: error: spec.replace: must be one of create-first, delete-first, got "
     "\"later\"\n"},
    /* strings */
    {HEAD "  template: \"\"\n",
     "t.yaml:6:13: error: spec.template: must not be empty (leave it out for base)\n"},
    {HEAD "  template: 123\n", "t.yaml:6:13: error: spec.template: must be a string, got "
                               "the number 123 (quote it)\n"},
    {HEAD "  template: false\n",
     "t.yaml:6:13: error: spec.template: must be a string, got the boolean false (quote "
     "it)\n"},
    {HEAD "  template: [base]\n",
     "t.yaml:6:13: error: spec.template: must be a string, got a sequence\n"},
    {HEAD "  template: \"a\\0b\"\n",
     "t.yaml:6:13: error: spec.template: must not contain a NUL character\n"},
    /* envVars */
    {HEAD "  envVars: [A=1]\n",
     "t.yaml:6:12: error: spec.envVars: must be a mapping, got a sequence\n"},
    /* A secret written as the whole value is never echoed. */
    {HEAD "  envVars: OPENAI_API_KEY=sk-live-123\n",
     "t.yaml:6:12: error: spec.envVars: must be a mapping of NAME: value, got a scalar "
     "(its text is not shown: it may hold a secret)\n"},
    {HEAD "  envVars:\n    OPENAI_API_KEY=sk-live-123: x\n",
     "t.yaml:7:5: error: spec.envVars: invalid name (a name containing '='): must match "
     "[A-Za-z_][A-Za-z0-9_]*\n"},
    {HEAD "  envVars:\n    KEY: \"sk-live-${oops:=x}\"\n",
     "t.yaml:7:10: error: spec.envVars.KEY: malformed ${...} at character 9: expected "
     "${NAME}, ${NAME:-default} or ${NAME:?message}, where NAME matches "
     "[A-Za-z_][A-Za-z0-9_]*\n"},
    {HEAD "  envVars:\n    9LIVES: x\n    BAD-NAME: y\n    _ok_1: z\n",
     "t.yaml:7:5: error: spec.envVars: invalid name \"9LIVES\": must match "
     "[A-Za-z_][A-Za-z0-9_]*\n"
     "t.yaml:8:5: error: spec.envVars: invalid name \"BAD-NAME\": must match "
     "[A-Za-z_][A-Za-z0-9_]*\n"},
    {HEAD "  envVars:\n    A:\n    B: {x: 1}\n",
     "t.yaml:7:7: error: spec.envVars.A: must be a string, got null (write \"\" for an "
     "empty value)\n"
     "t.yaml:8:8: error: spec.envVars.B: must be a string, got a mapping\n"},
    {HEAD "  envVars:\n    A: 1\n    B: 2\n    A: 3\n",
     "t.yaml:9:5: error: spec.envVars.A: duplicate key (first at 7:5)\n"},
    /* labels */
    {META "  name: web\n  labels:\n    sc-apply/set: x\n",
     "t.yaml:6:5: error: metadata.labels.sc-apply/set: the prefix sc-apply/ is reserved "
     "for sc-apply's own labels\n"},
    {META
     "  name: web\n  labels: {Bad.Prefix/x: a, a/b/c: b, -x: c, ok.example/y_z: d}\n",
     "t.yaml:5:12: error: metadata.labels: invalid label key \"Bad.Prefix/x\": must be "
     "[prefix/]name, the prefix a DNS subdomain of at most 253 characters, the name at "
     "most 63 of A-Z, a-z, 0-9, '-', '_' and '.', starting and ending with a letter or "
     "digit\n"
     "t.yaml:5:29: error: metadata.labels: invalid label key \"a/b/c\": must be "
     "[prefix/]name, the prefix a DNS subdomain of at most 253 characters, the name at "
     "most 63 of A-Z, a-z, 0-9, '-', '_' and '.', starting and ending with a letter or "
     "digit\n"
     "t.yaml:5:39: error: metadata.labels: invalid label key \"-x\": must be "
     "[prefix/]name, the prefix a DNS subdomain of at most 253 characters, the name at "
     "most 63 of A-Z, a-z, 0-9, '-', '_' and '.', starting and ending with a letter or "
     "digit\n"},
    {META "  name: web\n  labels:\n    a: x y\n    b: "
          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n    c: ~\n",
     "t.yaml:6:8: error: metadata.labels.a: must be a label value: empty, or at most 63 "
     "of "
     "A-Z, a-z, 0-9, '-', '_' and '.', starting and ending with a letter or digit, got "
     "\"x y\"\n"
     "t.yaml:7:8: error: metadata.labels.b: must be a label value: empty, or at most 63 "
     "of "
     "A-Z, a-z, 0-9, '-', '_' and '.', starting and ending with a letter or digit, got "
     "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n"
     "t.yaml:8:8: error: metadata.labels.c: must be a string, got null (write \"\" for "
     "an "
     "empty value)\n"},
    {META "  name: web\n  labels: [a]\n",
     "t.yaml:5:11: error: metadata.labels: must be a mapping, got a sequence\n"},
    /* names */
    {META "  name: Py_Runner\n",
     "t.yaml:4:9: error: metadata.name: must be a DNS-1123 label (1 to 63 of a-z, 0-9 "
     "and "
     "'-', starting and ending with a letter or digit), got \"Py_Runner\"\n"},
    {META "  name: web-\n",
     "t.yaml:4:9: error: metadata.name: must be a DNS-1123 label (1 to 63 of a-z, 0-9 "
     "and "
     "'-', starting and ending with a letter or digit), got \"web-\"\n"},
    {META "  name: "
          "a234567890123456789012345678901234567890123456789012345678901234\n",
     "t.yaml:4:9: error: metadata.name: must be a DNS-1123 label (1 to 63 of a-z, 0-9 "
     "and "
     "'-', starting and ending with a letter or digit), got "
     "\"a234567890123456789012345678901234567890123456789012345678901234\"\n"},
    {META "  name: web\n  set: Team\n",
     "t.yaml:5:8: error: metadata.set: must be a DNS-1123 label (1 to 63 of a-z, 0-9 and "
     "'-', starting and ending with a letter or digit), got \"Team\"\n"},
    {META "  set: team\n", "t.yaml:3:1: error: metadata.name: required\n"},
    {META "  - name: web\n",
     "t.yaml:3:1: error: metadata.name: required\n"
     "t.yaml:4:3: error: metadata: must be a mapping, got a sequence\n"},
    /* the document */
    {"apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {name: web}\nspecs: {}\n",
     "t.yaml:4:1: error: specs: unknown field, did you mean \"spec\"?\n"},
    {"apiVersion: sc-apply/v1\nKind: Sandbox\nmetadata: {name: web}\n",
     "t.yaml:1:1: error: kind: required (kind: Sandbox)\n"
     "t.yaml:2:1: error: Kind: unknown field, did you mean \"kind\"?\n"},
    {"apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {name: web}\nstatus: {}\n",
     "t.yaml:4:1: error: status: unknown field (known: apiVersion, kind, metadata, "
     "spec)\n"},
    {"apiVersion: v1\nkind: Pod\nmetadata: {name: web}\n",
     "t.yaml:1:13: error: apiVersion: must be \"sc-apply/v1\", got \"v1\"\n"
     "t.yaml:2:7: error: kind: must be \"Sandbox\", got \"Pod\"\n"},
    {"metadata: {name: web}\n",
     "t.yaml:1:1: error: apiVersion: required (apiVersion: sc-apply/v1)\n"
     "t.yaml:1:1: error: kind: required (kind: Sandbox)\n"},
    {"apiVersion: sc-apply/v1\nkind: Sandbox\n",
     "t.yaml:1:1: error: metadata: required (with name)\n"},
    {"- apiVersion: sc-apply/v1\n",
     "t.yaml:1:1: error: document: must be a mapping with apiVersion, kind, metadata and "
     "spec, got a sequence\n"},
    {"just text\n",
     "t.yaml:1:1: error: document: must be a mapping with apiVersion, kind, metadata and "
     "spec, got \"just text\"\n"},
    {HEAD "  replicas: 1\n  replicas: 2\n",
     "t.yaml:7:3: error: spec.replicas: duplicate key (first at 6:3)\n"},
    {"kind: Sandbox\n? [a, b]\n: c\napiVersion: sc-apply/v1\nmetadata: {name: web}\n",
     "t.yaml:2:3: error: document: keys must be strings, got a sequence\n"},
    {HEAD "  spec: {}\n",
     "t.yaml:6:3: error: spec.spec: unknown field (known: template, replicas, state, "
     "timeout, renewBefore, waitReady, autoPause, autoResume, protect, replace, readiness, "
     "rollout, envVars, network, volumeMounts)\n"},
    {HEAD "  renew_before: 10\n  waitready: true\n  env: {}\n",
     "t.yaml:6:3: error: spec.renew_before: unknown field, did you mean "
     "\"renewBefore\"?\n"
     "t.yaml:7:3: error: spec.waitready: unknown field, did you mean \"waitReady\"?\n"
     "t.yaml:8:3: error: spec.env: unknown field (known: template, replicas, state, "
     "timeout, renewBefore, waitReady, autoPause, autoResume, protect, replace, readiness, "
     "rollout, envVars, network, volumeMounts)\n"},
    {"apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {name: web}\nreplicas: 2\n"
     "Labels: {}\n",
     "t.yaml:4:1: error: replicas: unknown field, did you mean \"spec.replicas\"?\n"
     "t.yaml:5:1: error: Labels: unknown field, did you mean \"metadata.labels\"?\n"},
    {HEAD "  TIMEOUT: 5\n  allowOut: []\n  name: x\n",
     "t.yaml:6:3: error: spec.TIMEOUT: unknown field, did you mean \"timeout\"?\n"
     "t.yaml:7:3: error: spec.allowOut: unknown field, did you mean "
     "\"spec.network.allowOut\"?\n"
     "t.yaml:8:3: error: spec.name: unknown field, did you mean \"metadata.name\"?\n"},
    /* readiness and rollout */
    {HEAD "  readiness: heartbeat\n  rollout: {maxSurge: 0, maxUnavailable: 1}\n", ""},
    {HEAD "  rollout:\n", ""},
    {HEAD "  readiness: healthy\n",
     "t.yaml:6:14: error: spec.readiness: must be one of running, heartbeat, got "
     "\"healthy\"\n"},
    {HEAD "  rollout: {maxSurge: 0}\n",
     "t.yaml:6:23: error: spec.rollout: maxSurge and maxUnavailable must not both be 0 "
     "(the rollout could never start)\n"},
    {HEAD "  rollout: {maxSurge: 0, maxUnavailable: 0}\n",
     "t.yaml:6:23: error: spec.rollout: maxSurge and maxUnavailable must not both be 0 "
     "(the rollout could never start)\n"},
    {HEAD "  rollout: {progressDeadline: 0, maxsurge: 2}\n",
     "t.yaml:6:31: error: spec.rollout.progressDeadline: must be an integer from 1 to "
     "86400, got \"0\"\n"
     "t.yaml:6:34: error: spec.rollout.maxsurge: unknown field, did you mean "
     "\"maxSurge\"?\n"},
    {HEAD "  rollout: {maxSurge: 25%, maxUnavailable: \"100%\"}\n", ""},
    {HEAD "  rollout: {maxSurge: 101%, maxUnavailable: 05%}\n",
     "t.yaml:6:23: error: spec.rollout.maxSurge: must be a percentage from 0% to 100% (no "
     "leading zeros), got \"101%\"\n"
     "t.yaml:6:45: error: spec.rollout.maxUnavailable: must be a percentage from 0% to 100% "
     "(no leading zeros), got \"05%\"\n"},
    {HEAD "  rollout: {maxSurge: 0%, maxUnavailable: 0}\n",
     "t.yaml:6:23: error: spec.rollout: maxSurge and maxUnavailable must not both be 0 "
     "(the rollout could never start)\n"},
    {HEAD "  replicas: 50%\n", "t.yaml:6:13: error: spec.replicas: must be an integer "
                              "from 0 to 1000, got \"50%\"\n"},
    {HEAD "  rollout: 1\n",
     "t.yaml:6:12: error: spec.rollout: must be a mapping, got \"1\"\n"},
    /* network */
    {HEAD "  network: [a]\n",
     "t.yaml:6:12: error: spec.network: must be a mapping, got a sequence\n"},
    {HEAD "  network:\n    allowout: []\n    allowPublicTraffic: no\n",
     "t.yaml:7:5: error: spec.network.allowout: unknown field, did you mean "
     "\"allowOut\"?\n"
     "t.yaml:8:25: error: spec.network.allowPublicTraffic: must be true or false, got "
     "\"no\" "
     "(only true and false are booleans here, not yes/no/on/off)\n"},
    {HEAD "  network:\n    allowOut: 10.0.0.0/8\n",
     "t.yaml:7:15: error: spec.network.allowOut: must be a sequence of IPv4 addresses or "
     "CIDRs, got \"10.0.0.0/8\"\n"},
    {HEAD
     "  network:\n    denyOut: [1.2.3.4, 1.2.3.4/0, 255.255.255.255/32, 1.2.3, "
     "1.2.3.4.5, 01.2.3.4, 1.2.3.4/, 1.2.3.4/33, 256.1.1.1, \"::1\", [1], 1.2.3.4/8/8]\n",
     "t.yaml:7:55: error: spec.network.denyOut[3]: must be an IPv4 address or CIDR "
     "(a.b.c.d or a.b.c.d/0-32), got \"1.2.3\"\n"
     "t.yaml:7:62: error: spec.network.denyOut[4]: must be an IPv4 address or CIDR "
     "(a.b.c.d or a.b.c.d/0-32), got \"1.2.3.4.5\"\n"
     "t.yaml:7:73: error: spec.network.denyOut[5]: must be an IPv4 address or CIDR "
     "(a.b.c.d or a.b.c.d/0-32), got \"01.2.3.4\"\n"
     "t.yaml:7:83: error: spec.network.denyOut[6]: must be an IPv4 address or CIDR "
     "(a.b.c.d or a.b.c.d/0-32), got \"1.2.3.4/\"\n"
     "t.yaml:7:93: error: spec.network.denyOut[7]: must be an IPv4 address or CIDR "
     "(a.b.c.d or a.b.c.d/0-32), got \"1.2.3.4/33\"\n"
     "t.yaml:7:105: error: spec.network.denyOut[8]: must be an IPv4 address or CIDR "
     "(a.b.c.d or a.b.c.d/0-32), got \"256.1.1.1\"\n"
     "t.yaml:7:116: error: spec.network.denyOut[9]: must be an IPv4 address or CIDR "
     "(a.b.c.d or a.b.c.d/0-32), got \"::1\"\n"
     "t.yaml:7:123: error: spec.network.denyOut[10]: must be a string, got a sequence\n"
     "t.yaml:7:128: error: spec.network.denyOut[11]: must be an IPv4 address or CIDR "
     "(a.b.c.d or a.b.c.d/0-32), got \"1.2.3.4/8/8\"\n"},
    /* volumeMounts */
    {HEAD "  volumeMounts: {name: a, path: /a}\n",
     "t.yaml:6:17: error: spec.volumeMounts: must be a sequence of {name, path}, got a "
     "mapping\n"},
    {HEAD "  volumeMounts:\n    - /data\n    - {name: a, pth: /a}\n    - {name: \"\", "
          "path: x}\n"
          "    - {name: b, path: /b}\n    - {name: c, path: /b}\n",
     "t.yaml:7:7: error: spec.volumeMounts[0]: must be a mapping {name, path}, got "
     "\"/data\"\n"
     "t.yaml:8:7: error: spec.volumeMounts[1].path: required\n"
     "t.yaml:8:17: error: spec.volumeMounts[1].pth: unknown field, did you mean "
     "\"path\"?\n"
     "t.yaml:9:14: error: spec.volumeMounts[2].name: must not be empty\n"
     "t.yaml:9:24: error: spec.volumeMounts[2].path: must be an absolute path, got "
     "\"x\"\n"
     "t.yaml:11:23: error: spec.volumeMounts[4].path: path \"/b\" is repeated (first at "
     "10:23)\n"},
};

TEST(each_rejection)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sc_spec_list list = {0};
		int r;
		char *errors = test_load(&list, cases[i].yaml, 1, &r);
		if (strcmp(errors, cases[i].errors) != 0)
			TEST_FAILURE("case %zu:\n%s\ngave:\n%s\nexpected:\n%s", i,
			             cases[i].yaml, errors, cases[i].errors);
		CHECK_INT(r, *cases[i].errors ? -1 : 0);
		CHECK_INT(list.count, *cases[i].errors ? 0 : 1);
		free(errors);
		sc_spec_list_release(&list);
	}
}

/* errors.yaml holds many errors in several documents: all reported, in order. */
TEST(every_error_of_a_file)
{
	const char *path = SC_TEST_DATA "/spec/errors.yaml";
	const char *paths[] = {path};
	sc_spec_list list = {0};
	sc_diag diag = SC_DIAG_INIT;
	char *expected = test_read_file(SC_TEST_DATA "/spec/errors.expected");
	sc_buf got = SC_BUF_INIT;

	CHECK_INT(sc_spec_load_paths(&list, paths, 1, &test_options, &diag), -1);
	for (size_t i = 0; i < diag.count; i++) {
		char *line = sc_diag_format(&diag.entries[i]);
		CHECK(
		    !strncmp(line, SC_TEST_DATA "/spec/", strlen(SC_TEST_DATA "/spec/")));
		sc_buf_printf(&got, "%s\n", line + strlen(SC_TEST_DATA "/spec/"));
		free(line);
	}
	CHECK_STR(sc_buf_cstr(&got), expected);
	CHECK_INT(sc_diag_error_count(&diag), 35);
	CHECK_INT(list.count, 0);
	sc_buf_release(&got);
	free(expected);
	sc_diag_release(&diag);
	sc_spec_list_release(&list);
}

TEST(syntax_errors_have_the_parser_place)
{
	char *errors = test_errors(HEAD "  timeout: [1\n");
	CHECK_STR(errors,
	          "t.yaml:7:1: error: syntax error: did not find expected ',' or ']' "
	          "(while parsing a flow sequence that started at 6:12)\n");
	free(errors);
	errors = test_errors(HEAD "  a: b\n c: d\n");
	CHECK_CONTAINS(errors, "t.yaml:7:2: error: syntax error: ");
	free(errors);
	errors = test_errors("a: 'unterminated\n");
	CHECK_CONTAINS(errors,
	               "t.yaml:2:1: error: syntax error: found unexpected end of stream");
	free(errors);
}

/* A syntax error ends the file; documents before it still count. */
TEST(syntax_error_after_good_documents)
{
	sc_spec_list list = {0};
	int r;
	char *errors =
	    test_load(&list, HEAD "  replicas: 2\n---\n" HEAD "  x: [\n", 1, &r);

	CHECK_INT(r, -1);
	CHECK_CONTAINS(errors, "t.yaml:14:1: error: syntax error: ");
	CHECK_INT(list.count, 1);
	free(errors);
	sc_spec_list_release(&list);
}

/* Where a misplaced key belongs is found in the field table, at any level. */
TEST(misplaced_keys_are_pointed_home)
{
	char *errors = test_errors(META "  name: web\n  template: x\n  Timeout: 5\n"
	                                "allowOut: []\nspec:\n  denyout: []\n"
	                                "  volumeMounts: [{name: a, path: /a, set: x}]\n");
	CHECK_STR(errors,
	          "t.yaml:5:3: error: metadata.template: unknown field, did you mean "
	          "\"spec.template\"?\n"
	          "t.yaml:6:3: error: metadata.Timeout: unknown field, did you mean "
	          "\"spec.timeout\"?\n"
	          "t.yaml:7:1: error: allowOut: unknown field, did you mean "
	          "\"spec.network.allowOut\"?\n"
	          "t.yaml:9:3: error: spec.denyout: unknown field, did you mean "
	          "\"spec.network.denyOut\"?\n"
	          "t.yaml:10:38: error: spec.volumeMounts[0].set: unknown field, did you "
	          "mean \"metadata.set\"?\n");
	free(errors);
}

int main(void)
{
	RUN(each_rejection);
	RUN(misplaced_keys_are_pointed_home);
	RUN(every_error_of_a_file);
	RUN(syntax_errors_have_the_parser_place);
	RUN(syntax_error_after_good_documents);
	return test_summary();
}
