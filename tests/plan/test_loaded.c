/*
 * The plan, on tables. The plan of specs read by the real loader.
 */
#include "plan_fixture.h"

/* ---- with the real loader ---- */

static const char loaded_yaml[] = "apiVersion: sc-apply/v1\n"
                                  "kind: Sandbox\n"
                                  "metadata: {name: web, set: team, labels: {team: ml}}\n"
                                  "spec:\n"
                                  "  replicas: 2\n"
                                  "  timeout: 1800\n"
                                  "  renewBefore: 600\n"
                                  "  envVars: {TOKEN: '${TOKEN}'}\n";

static const char *loaded_token;

static const char *lookup_token(void *ctx, const char *name)
{
	(void)ctx;
	return strcmp(name, "TOKEN") ? NULL : loaded_token;
}

/* Loads loaded_yaml into f's specs with TOKEN set to token. */
static void load_specs(fixture *f, const char *token)
{
	sc_spec_load_options options = {NULL, lookup_token, NULL};
	sc_diag diag = SC_DIAG_INIT;

	free(f->specs.items);
	memset(&f->specs, 0, sizeof(f->specs));
	loaded_token = token;
	CHECK_INT(sc_spec_load_text(&f->specs, "web.yaml", loaded_yaml,
	                            strlen(loaded_yaml), &options, &diag),
	          0);
	CHECK_INT(diag.count, 0);
	sc_diag_release(&diag);
}

static void release_loaded(fixture *f)
{
	sc_spec_list_release(&f->specs);
	memset(&f->specs, 0, sizeof(f->specs));
	fixture_release(f);
}

TEST(loaded_specs_converge_then_replace_on_a_changed_secret)
{
	fixture f;
	fixture_init(&f, "team");
	load_specs(&f, "tok-one-s3cr3t");
	if (f.specs.count != 1) {
		release_loaded(&f);
		return;
	}
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f, {SC_ACTION_CREATE, "web", NULL, "replicas: 0 of 2 present"},
	               {SC_ACTION_CREATE, "web", NULL, "replicas: 0 of 2 present"});
	sc_plan_release(&f.plan);

	add_sandbox(&f, "sb-1", "running", &f.specs.items[0]);
	add_sandbox(&f, "sb-2", "running", &f.specs.items[0]);
	CHECK_INT(plan(&f), 0);
	EXPECT_NO_ACTIONS(&f);
	sc_plan_release(&f.plan);

	sc_spec_list_release(&f.specs);
	load_specs(&f, "tok-two-s3cr3t");
	CHECK_INT(plan(&f), 0);
	EXPECT_ACTIONS(&f,
	               {SC_ACTION_REPLACE, "web", "sb-1", "spec changed (hash differs)"},
	               {SC_ACTION_REPLACE, "web", "sb-2", "spec changed (hash differs)"});
	CHECK_STR(f.plan.actions[0].reason, "spec changed (hash differs)");
	check_no_secret(&f);
	CHECK_STR(f.diag.count ? f.diag.entries[0].message : "", "");
	release_loaded(&f);
}

int main(void)
{
	RUN(loaded_specs_converge_then_replace_on_a_changed_secret);
	return test_summary();
}
