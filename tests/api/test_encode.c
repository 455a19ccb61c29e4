/* Requests: URLs with escaped ids and filters, and the create body. */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "api/request.h"
#include "common/mem.h"
#include "harness.h"

static char *allow_out[] = {"203.0.113.0/24"};
static char *deny_out[] = {"10.0.0.0/8", "192.168.1.1"};
static sc_mount mounts[] = {{"datasets", "/data"}};

/* A spec as the loader would leave it; only the fields a create sends. */
static void make_spec(sc_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->name = "py-runner";
	spec->set = "team-ml";
	spec->template_id = "code-interpreter";
	spec->replicas = 1;
	spec->timeout = 1800;
	spec->wait_ready = true;
	spec->auto_pause = true;
	spec->auto_resume = false;
	spec->network.allow_public_traffic = false;
	spec->network.allow_internet_access = true;
	spec->network.allow_out = (sc_strlist){allow_out, 1};
	spec->network.deny_out = (sc_strlist){deny_out, 2};
	spec->mounts = mounts;
	spec->mount_count = 1;
	sc_kv_set(&spec->env, "LOG_LEVEL", "info");
	sc_kv_set(&spec->env, "OPENAI_API_KEY", "sk-secret-value");
}

TEST(escape_keeps_unreserved_only)
{
	sc_buf buf = SC_BUF_INIT;
	sc_api_escape(&buf, "aZ09-._~ /?&=%+[]é");
	CHECK_STR(sc_buf_cstr(&buf), "aZ09-._~%20%2F%3F%26%3D%25%2B%5B%5D%C3%A9");
	sc_buf_release(&buf);
}

TEST(base_url_trailing_slashes_trimmed)
{
	char *a = sc_api_base_trim("http://h/api/v1/sandbox//");
	char *b = sc_api_base_trim("http://h/api/v1/sandbox");
	CHECK_STR(a, "http://h/api/v1/sandbox");
	CHECK_STR(b, "http://h/api/v1/sandbox");
	free(a);
	free(b);
}

TEST(sandbox_urls_escape_the_id)
{
	char *plain = sc_api_sandbox_url("http://h/b", NULL, NULL);
	char *one = sc_api_sandbox_url("http://h/b", "sandbox_abc-1", "");
	char *odd = sc_api_sandbox_url("http://h/b", "a/../b c?d#e", "/connect");
	CHECK_STR(plain, "http://h/b/sandboxes");
	CHECK_STR(one, "http://h/b/sandboxes/sandbox_abc-1");
	CHECK_STR(odd, "http://h/b/sandboxes/a%2F..%2Fb%20c%3Fd%23e/connect");
	free(plain);
	free(one);
	free(odd);
}

TEST(list_url_page_filter)
{
	sc_kv filter = SC_KV_INIT;
	sc_kv_set(&filter, "sc-apply/set", "team ml");
	sc_kv_set(&filter, "sc-apply/create-token", "abc");
	char *url = sc_api_list_url("http://h/b", &filter, SC_FILTER_PAGE, 100, NULL);
	CHECK_STR(url, "http://h/b/sandboxes?metadata[sc-apply%2Fcreate-token]=abc&"
	               "metadata[sc-apply%2Fset]=team%20ml&limit=100");
	free(url);
	url = sc_api_list_url("http://h/b", &filter, SC_FILTER_PAGE, 100, "t/1=");
	CHECK_CONTAINS(url, "&limit=100&nextToken=t%2F1%3D");
	free(url);
	sc_kv_release(&filter);
}

TEST(list_url_e2b_filter)
{
	sc_kv filter = SC_KV_INIT;
	sc_kv_set(&filter, "sc-apply/set", "a&b");
	sc_kv_set(&filter, "team", "ml");
	char *url = sc_api_list_url("http://h/b", &filter, SC_FILTER_E2B, 50, NULL);
	/* inner: sc-apply%2Fset=a%26b&team=ml, then escaped once more */
	CHECK_STR(url,
	          "http://h/b/sandboxes?metadata=sc-apply%252Fset%3Da%2526b%26team%3Dml"
	          "&limit=50");
	free(url);
	sc_kv_release(&filter);
}

TEST(list_url_without_filter)
{
	char *url = sc_api_list_url("http://h/b", NULL, SC_FILTER_E2B, 100, NULL);
	CHECK_STR(url, "http://h/b/sandboxes?limit=100");
	free(url);
}

static int count_members(const cJSON *object)
{
	int n = 0;
	const cJSON *item;
	cJSON_ArrayForEach(item, object) n++;
	return n;
}

TEST(create_body_has_exactly_the_right_fields)
{
	sc_spec spec;
	sc_kv metadata = SC_KV_INIT;
	make_spec(&spec);
	sc_kv_set(&metadata, "team", "ml");
	sc_kv_set(&metadata, "sc-apply/set", "team-ml");
	char *body = sc_api_create_body(&spec, &metadata);
	cJSON *root = cJSON_Parse(body);
	CHECK(root != NULL);
	CHECK_INT(count_members(root), 10);
	CHECK_STR(cJSON_GetObjectItem(root, "templateID")->valuestring,
	          "code-interpreter");
	CHECK_INT(cJSON_GetObjectItem(root, "timeout")->valueint, 1800);
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(root, "waitReady")));
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(root, "autoPause")));
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(root, "autoResume")));
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(root, "allowInternetAccess")));
	cJSON *md = cJSON_GetObjectItem(root, "metadata");
	CHECK_INT(count_members(md), 2);
	CHECK_STR(cJSON_GetObjectItem(md, "sc-apply/set")->valuestring, "team-ml");
	cJSON *env = cJSON_GetObjectItem(root, "envVars");
	CHECK_STR(cJSON_GetObjectItem(env, "OPENAI_API_KEY")->valuestring,
	          "sk-secret-value");
	cJSON *net = cJSON_GetObjectItem(root, "network");
	CHECK_INT(count_members(net), 4);
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(net, "allowPublicTraffic")));
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(net, "allowInternetAccess")));
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(net, "allowOut")), 1);
	CHECK_STR(cJSON_GetArrayItem(cJSON_GetObjectItem(net, "denyOut"), 1)->valuestring,
	          "192.168.1.1");
	cJSON *vm = cJSON_GetObjectItem(root, "volumeMounts");
	CHECK_INT(cJSON_GetArraySize(vm), 1);
	CHECK_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(vm, 0), "path")->valuestring,
	          "/data");
	CHECK_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(vm, 0), "name")->valuestring,
	          "datasets");
	CHECK_NOT_CONTAINS(body, "timeoutMs");
	CHECK_NOT_CONTAINS(body, "secure");
	CHECK_NOT_CONTAINS(body, "mcp");
	CHECK_NOT_CONTAINS(body, "volume_mounts");
	cJSON_Delete(root);
	sc_api_secret_free(body);
	sc_kv_release(&metadata);
	sc_kv_release(&spec.env);
}

TEST(create_body_defaults_template_and_escapes_strings)
{
	sc_spec spec;
	sc_kv metadata = SC_KV_INIT;
	make_spec(&spec);
	spec.template_id = NULL;
	sc_kv_set(&metadata, "note", "quote \" and \\ and\nnewline");
	char *body = sc_api_create_body(&spec, &metadata);
	cJSON *root = cJSON_Parse(body);
	CHECK(root != NULL);
	CHECK_STR(cJSON_GetObjectItem(root, "templateID")->valuestring, "base");
	CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "metadata"), "note")
	              ->valuestring,
	          "quote \" and \\ and\nnewline");
	cJSON_Delete(root);
	sc_api_secret_free(body);
	sc_kv_release(&metadata);
	sc_kv_release(&spec.env);
}

TEST(timeout_body)
{
	char *body = sc_api_timeout_body(600);
	CHECK_STR(body, "{\"timeout\":600}");
	free(body);
	body = sc_api_timeout_body(0);
	CHECK_STR(body, "{\"timeout\":0}");
	free(body);
}

int main(void)
{
	RUN(escape_keeps_unreserved_only);
	RUN(base_url_trailing_slashes_trimmed);
	RUN(sandbox_urls_escape_the_id);
	RUN(list_url_page_filter);
	RUN(list_url_e2b_filter);
	RUN(list_url_without_filter);
	RUN(create_body_has_exactly_the_right_fields);
	RUN(create_body_defaults_template_and_escapes_strings);
	RUN(timeout_body);
	return test_summary();
}
