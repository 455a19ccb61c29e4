#include "cli/private/option_table.h"

#include <string.h>

const sc_cli_option sc_cli_option_table[SC_OPT_COUNT] = {
    [SC_OPT_FILENAME] = {"filename", 'f', "PATH", "Input",
                         "a file, a directory (*.yaml, *.yml) or - (stdin); repeatable"},
    [SC_OPT_SET] = {"set", 0, "SET", "Input", "the set of specs that name none (metadata.set)"},
    [SC_OPT_ONLINE] = {"online", 0, NULL, "Input",
                       "also look each spec's template up on the service (takes\n"
                       "the connection options; without it nothing is contacted)"},
    [SC_OPT_PLAN] = {"plan", 0, "FILE", "Input",
                     "carry out a plan the plan command saved, exactly, or refuse\n"
                     "it whole if anything it was decided on changed since"},
    [SC_OPT_PRUNE] = {"prune", 0, NULL, "Safety", "delete sandboxes of the set that no spec names"},
    [SC_OPT_ALLOW_EMPTY] = {"allow-empty", 0, NULL, "Safety",
                            "allow --prune of a set with no specs at all"},
    [SC_OPT_MAX_DELETE] = {"max-delete", 0, "N", "Safety",
                           "refuse a plan that deletes more than N sandboxes"},
    [SC_OPT_FORCE] = {"force", 0, NULL, "Safety", "delete and replace protected sandboxes too"},
    [SC_OPT_LOCK] = {"lock", 0, "FILE", "Safety",
                     "hold FILE locked for the run instead of the sets' locks;\n"
                     "etcd://HOST:PORT[,...]/KEY[?ttl=S]: an etcd lease lock\n"
                     "(the agent: leader election)"},
    [SC_OPT_NO_LOCK] = {"no-lock", 0, NULL, "Safety",
                        "take no lock (by default runs on one set serialize)"},
    [SC_OPT_LOCK_WAIT] = {"lock-wait", 0, "D", "Safety",
                          "wait this long for a lock another run holds, 0: fail\n"
                          "at once (default: the --timeout run bound, 10m)"},
    [SC_OPT_PARALLEL] = {"parallel", 0, "N", "Execution", "requests in flight (default 16)"},
    [SC_OPT_TIMEOUT] = {"timeout", 0, "D", "Execution",
                        "bound on listing and on running, each (default 2m, 10m)"},
    [SC_OPT_INTERVAL] = {"interval", 0, "D", "Agent", "time between cycles (default 60s)"},
    [SC_OPT_GRACE] = {"grace", 0, "D", "Agent",
                      "how long a stop waits for the running cycle (default 30s)"},
    [SC_OPT_LISTEN_METRICS] = {"listen-metrics", 0, "A:P", "Agent",
                               "serve /metrics (Prometheus), /healthz and /readyz"},
    [SC_OPT_LOG_FORMAT] = {"log-format", 0, "F", "Agent",
                           "text (default) or json, one event per line on stderr"},
    [SC_OPT_API_URL] = {"api-url", 0, "URL", "Connection",
                        "the API base URL (default: $SEACLOUD_API_BASE_URL)"},
    [SC_OPT_API_KEY_FILE] = {"api-key-file", 0, "FILE", "Connection",
                             "read the API key from FILE (default: $SEACLOUD_API_KEY);\n"
                             "the key is never taken from the command line"},
    [SC_OPT_API_KEY] = {"api-key", 0, "KEY", "Connection", "refused: see --api-key-file", true},
    [SC_OPT_INSECURE] = {"insecure", 0, NULL, "Connection",
                         "do not verify the server's TLS certificate"},
    [SC_OPT_CA_FILE] = {"ca-file", 0, "FILE", "Connection",
                        "verify the server's TLS certificate with the CA\n"
                        "certificates (PEM) in FILE instead of the system's"},
    [SC_OPT_FILTER_STYLE] = {"filter-style", 0, "STYLE", "Connection",
                             "page: metadata[k]=v (default); e2b: metadata=k%3Dv"},
    [SC_OPT_REQUEST_TIMEOUT] = {"request-timeout", 0, "D", "Connection",
                                "per request (default 30s)"},
    [SC_OPT_MAX_LIST_ITEMS] = {"max-list-items", 0, "N", "Connection",
                               "the most sandboxes one listing may hold (default\n"
                               "100000): a server sending more fails the run"},
    [SC_OPT_OUTPUT] = {"output", 'o', "FORMAT", "Output", NULL /* from the command's formats */},
    [SC_OPT_OUT] = {"out", 0, "FILE", "Output",
                    "also save the plan to FILE, for apply to carry out later"},
    [SC_OPT_COLOR] = {"color", 0, "WHEN", "Output",
                      "auto (default: on a terminal), always or never"},
    [SC_OPT_NO_COLOR] = {"no-color", 0, NULL, "Output", "the same as --color never"},
    [SC_OPT_VERBOSE] = {"verbose", 'v', NULL, "Output",
                        "one line per HTTP request on stderr (never a secret)"},
    [SC_OPT_HELP] = {"help", 'h', NULL, "General", "this help"},
    [SC_OPT_VERSION] = {"version", 0, NULL, "General", "the version of sc-apply"},
};

const sc_cli_option *sc_cli_option_find(const char *name)
{
	for (int id = 0; id < SC_OPT_COUNT; id++) {
		if (!strcmp(sc_cli_option_table[id].name, name))
			return &sc_cli_option_table[id];
	}
	return NULL;
}
