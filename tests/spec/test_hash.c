/* The spec hash: stable, salted, and blind to what can change in place. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "spec_test.h"

#define BASE                                                                             \
	"apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n  name: web\n"               \
	"  labels: {team: ml}\n"

static const char *const vars[] = {"KEY=one", NULL};

/* Loads head + spec_text, which must hold one valid spec. */
static void load_one(sc_spec_list *list, const char *head, const char *spec_text)
{
	char *text = malloc(strlen(head) + strlen(spec_text) + 1);
	int r;

	strcpy(text, head);
	strcat(text, spec_text);
	test_vars = vars;
	char *errors = test_load(list, text, 1, &r);
	CHECK_STR(errors, "");
	free(errors);
	free(text);
}

/* The hash of head + spec_text with salt. */
static void hash_of(char out[SC_SPEC_HASH_HEX + 1], const char *head,
                    const char *spec_text, const char *salt)
{
	sc_spec_list list = {0};

	load_one(&list, head, spec_text);
	strcpy(out, "(not loaded)");
	if (list.count == 1)
		sc_spec_hash(out, &list.items[0], salt);
	sc_spec_list_release(&list);
}

#define SPEC                                                                             \
	"spec:\n  template: base\n  envVars: {A: \"${KEY}\", B: two}\n"                  \
	"  network: {allowOut: [1.2.3.4], denyOut: [10.0.0.0/8]}\n"                      \
	"  volumeMounts: [{name: d, path: /d}]\n"

TEST(stable_and_hex)
{
	char a[SC_SPEC_HASH_HEX + 1], b[SC_SPEC_HASH_HEX + 1];

	hash_of(a, BASE, SPEC, "salt-1");
	hash_of(b, BASE, SPEC, "salt-1");
	CHECK_STR(a, b);
	CHECK_INT(strlen(a), 32);
	CHECK_INT(strspn(a, "0123456789abcdef"), 32);
	/* Order of map keys as written does not matter. */
	hash_of(b, BASE,
	        "spec:\n  envVars: {B: two, A: one}\n  template: base\n"
	        "  volumeMounts: [{path: /d, name: d}]\n"
	        "  network: {denyOut: [10.0.0.0/8], allowOut: [1.2.3.4]}\n",
	        "salt-1");
	CHECK_STR(a, b);
	/* Defaults hash as if written. */
	hash_of(a, BASE, "", "s");
	hash_of(b, BASE,
	        "spec: {template: base, autoPause: false, autoResume: false, "
	        "network: {allowPublicTraffic: true, allowInternetAccess: true}}\n",
	        "s");
	CHECK_STR(a, b);
}

/* A known value: changing the encoding by mistake would replace every sandbox. */
/* Computed independently (Python hashlib over the documented encoding). */
#define KNOWN_HASH "b82117fd50f29a8f7ff6c0f94b0cbadc"

TEST(known_value)
{
	char a[SC_SPEC_HASH_HEX + 1];
	sc_spec spec;

	memset(&spec, 0, sizeof(spec));
	spec.template_id = "base";
	sc_spec_hash(a, &spec, "");
	char b[SC_SPEC_HASH_HEX + 1];
	hash_of(
	    b, "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n  name: web\n",
	    "spec: {network: {allowPublicTraffic: false, allowInternetAccess: false}}\n",
	    "");
	CHECK_STR(a, b);
	CHECK_STR(a, KNOWN_HASH);
}

TEST(changes_with_what_cannot_change_in_place)
{
	static const struct {
		const char *head;
		const char *spec;
		const char *salt;
	} changed[] = {
	    {BASE, SPEC, "salt-2"},
	    {BASE, SPEC, ""},
	    {BASE,
	     "spec:\n  template: node\n  envVars: {A: \"${KEY}\", B: two}\n"
	     "  network: {allowOut: [1.2.3.4], denyOut: [10.0.0.0/8]}\n"
	     "  volumeMounts: [{name: d, path: /d}]\n",
	     "salt-1"},
	    {BASE,
	     "spec:\n  template: base\n  envVars: {A: \"${KEY}\", B: three}\n"
	     "  network: {allowOut: [1.2.3.4], denyOut: [10.0.0.0/8]}\n"
	     "  volumeMounts: [{name: d, path: /d}]\n",
	     "salt-1"},
	    {BASE,
	     "spec:\n  template: base\n  envVars: {A: \"${KEY}\", B: two, C: \"\"}\n"
	     "  network: {allowOut: [1.2.3.4], denyOut: [10.0.0.0/8]}\n"
	     "  volumeMounts: [{name: d, path: /d}]\n",
	     "salt-1"},
	    {"apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n  name: web\n"
	     "  labels: {team: ai}\n",
	     SPEC, "salt-1"},
	    {"apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n  name: web\n", SPEC,
	     "salt-1"},
	    {BASE,
	     "spec:\n  template: base\n  envVars: {A: \"${KEY}\", B: two}\n"
	     "  network: {allowOut: [1.2.3.5], denyOut: [10.0.0.0/8]}\n"
	     "  volumeMounts: [{name: d, path: /d}]\n",
	     "salt-1"},
	    {BASE,
	     "spec:\n  template: base\n  envVars: {A: \"${KEY}\", B: two}\n"
	     "  network: {allowOut: [1.2.3.4], denyOut: []}\n"
	     "  volumeMounts: [{name: d, path: /d}]\n",
	     "salt-1"},
	    {BASE,
	     "spec:\n  template: base\n  envVars: {A: \"${KEY}\", B: two}\n"
	     "  network: {allowOut: [10.0.0.0/8], denyOut: [1.2.3.4]}\n"
	     "  volumeMounts: [{name: d, path: /d}]\n",
	     "salt-1"},
	    {BASE,
	     "spec:\n  template: base\n  envVars: {A: \"${KEY}\", B: two}\n"
	     "  network: {allowOut: [1.2.3.4], denyOut: [10.0.0.0/8], "
	     "allowPublicTraffic: false}\n"
	     "  volumeMounts: [{name: d, path: /d}]\n",
	     "salt-1"},
	    {BASE,
	     "spec:\n  template: base\n  envVars: {A: \"${KEY}\", B: two}\n"
	     "  network: {allowOut: [1.2.3.4], denyOut: [10.0.0.0/8], "
	     "allowInternetAccess: false}\n"
	     "  volumeMounts: [{name: d, path: /d}]\n",
	     "salt-1"},
	    {BASE,
	     "spec:\n  template: base\n  envVars: {A: \"${KEY}\", B: two}\n"
	     "  network: {allowOut: [1.2.3.4], denyOut: [10.0.0.0/8]}\n"
	     "  volumeMounts: [{name: e, path: /d}]\n",
	     "salt-1"},
	    {BASE,
	     "spec:\n  template: base\n  envVars: {A: \"${KEY}\", B: two}\n"
	     "  network: {allowOut: [1.2.3.4], denyOut: [10.0.0.0/8]}\n"
	     "  volumeMounts: [{name: d, path: /e}]\n",
	     "salt-1"},
	    {BASE,
	     "spec:\n  template: base\n  envVars: {A: \"${KEY}\", B: two}\n"
	     "  network: {allowOut: [1.2.3.4], denyOut: [10.0.0.0/8]}\n",
	     "salt-1"},
	    {BASE, SPEC "  autoPause: true\n", "salt-1"},
	    {BASE, SPEC "  autoResume: true\n", "salt-1"},
	};
	char base[SC_SPEC_HASH_HEX + 1], other[SC_SPEC_HASH_HEX + 1];

	hash_of(base, BASE, SPEC, "salt-1");
	for (size_t i = 0; i < sizeof(changed) / sizeof(changed[0]); i++) {
		hash_of(other, changed[i].head, changed[i].spec, changed[i].salt);
		if (!strcmp(base, other))
			TEST_FAILURE("case %zu did not change the hash", i);
	}
}

/* The expanded value counts, not the text written. */
TEST(changes_with_the_expanded_value)
{
	static const char *const other_vars[] = {"KEY=two", NULL};
	char a[SC_SPEC_HASH_HEX + 1], b[SC_SPEC_HASH_HEX + 1];
	sc_spec_list list = {0};

	hash_of(a, BASE, SPEC, "s");
	test_vars = other_vars;
	sc_diag diag = SC_DIAG_INIT;
	const char *text = BASE SPEC;
	CHECK_INT(sc_spec_load_text(&list, "t.yaml", text, strlen(text),
	                            &test_options_set, &diag),
	          0);
	if (list.count == 1)
		sc_spec_hash(b, &list.items[0], "s");
	CHECK(strcmp(a, b) != 0);
	sc_diag_release(&diag);
	sc_spec_list_release(&list);
}

TEST(blind_to_in_place_fields)
{
	char base[SC_SPEC_HASH_HEX + 1], other[SC_SPEC_HASH_HEX + 1];
	static const char *const extras[] = {
	    "  replicas: 7\n",           "  state: paused\n",    "  timeout: 3600\n",
	    "  renewBefore: 10\n",       "  waitReady: false\n", "  protect: true\n",
	    "  replace: delete-first\n",
	};

	hash_of(base, BASE, SPEC, "salt-1");
	for (size_t i = 0; i < sizeof(extras) / sizeof(extras[0]); i++) {
		char spec_text[512];
		snprintf(spec_text, sizeof(spec_text), "%s%s", SPEC, extras[i]);
		hash_of(other, BASE, spec_text, "salt-1");
		if (strcmp(base, other))
			TEST_FAILURE("%s changed the hash", extras[i]);
	}
	/* Another name or set is another sandbox, not another hash. */
	hash_of(other,
	        "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n  name: other\n"
	        "  set: elsewhere\n  labels: {team: ml}\n",
	        SPEC, "salt-1");
	CHECK_STR(other, base);
}

/* Length prefixes: moving a byte between neighbouring fields changes the hash. */
TEST(unambiguous)
{
	char a[SC_SPEC_HASH_HEX + 1], b[SC_SPEC_HASH_HEX + 1];

	hash_of(a, BASE, "spec: {envVars: {AB: c}}\n", "s");
	hash_of(b, BASE, "spec: {envVars: {A: bc}}\n", "s");
	CHECK(strcmp(a, b) != 0);
	hash_of(a, BASE, "spec: {template: ab}\n", "s");
	hash_of(b, BASE, "spec: {template: a}\n", "bs");
	CHECK(strcmp(a, b) != 0);
}

/* The parts of BASE + spec_text with salt. */
static void parts_of(char out[SC_SPEC_PARTS_LEN + 1], const char *spec_text, const char *salt)
{
	sc_spec_list list = {0};

	load_one(&list, BASE, spec_text);
	strcpy(out, "(not loaded)");
	if (list.count == 1)
		sc_spec_hash_parts(out, &list.items[0], salt);
	sc_spec_list_release(&list);
}

/*
 * Each group's part changes with that group alone; envVars has no part, so
 * a changed env value moves none (no hash of the secrets alone is stored).
 */
TEST(parts_change_one_group_at_a_time)
{
	char base[SC_SPEC_PARTS_LEN + 1], env[SC_SPEC_PARTS_LEN + 1], tpl[SC_SPEC_PARTS_LEN + 1],
	    other_salt[SC_SPEC_PARTS_LEN + 1];

	parts_of(base, SPEC, "salt");
	CHECK_INT(strlen(base), SC_SPEC_PARTS_LEN);
	for (int i = 0; i < SC_SPEC_PART_COUNT - 2; i++)
		CHECK(base[i * 9 + 8] == '.');
	parts_of(env, "spec:\n  template: base\n  envVars: {A: \"${KEY}\", B: three}\n"
	              "  network: {allowOut: [1.2.3.4], denyOut: [10.0.0.0/8]}\n"
	              "  volumeMounts: [{name: d, path: /d}]\n",
	         "salt");
	parts_of(tpl, "spec:\n  template: node\n  envVars: {A: \"${KEY}\", B: two}\n"
	              "  network: {allowOut: [1.2.3.4], denyOut: [10.0.0.0/8]}\n"
	              "  volumeMounts: [{name: d, path: /d}]\n",
	         "salt");
	parts_of(other_salt, SPEC, "pepper");
	CHECK_STR(env, base);
	for (int stored = 0; stored < SC_SPEC_PART_COUNT - 1; stored++) {
		size_t at = (size_t)stored * 9;
		/* The template is the first part stored. */
		CHECK((memcmp(base + at, tpl + at, 8) != 0) == (stored == SC_SPEC_PART_TEMPLATE));
		CHECK(memcmp(base + at, other_salt + at, 8) != 0);
	}
	CHECK_STR(sc_spec_part_name(SC_SPEC_PART_ENV), "envVars");
}

int main(void)
{
	RUN(stable_and_hex);
	RUN(known_value);
	RUN(changes_with_what_cannot_change_in_place);
	RUN(changes_with_the_expanded_value);
	RUN(blind_to_in_place_fields);
	RUN(unambiguous);
	RUN(parts_change_one_group_at_a_time);
	return test_summary();
}
