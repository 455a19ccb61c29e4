#!/usr/bin/env bash
# deploy/k8s: renders the kustomization with `kubectl kustomize` and checks
# the objects: kinds, the CronJob's concurrencyPolicy and command, the
# agent's probes and metrics annotations, the key from a Secret only, no
# secret literal anywhere, non-root and read-only root filesystems, and that
# the specs in the ConfigMap validate with sc-apply (when it is built).
#   tests/deploy/k8s.sh [SC_APPLY_BIN]
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
sc_apply=${1:-${SC_APPLY_BIN:-}}
k8s=$SC_SOURCE_DIR/deploy/k8s
make_work_dir

for spec in "$k8s"/specs/*.yaml; do
	example=$SC_SOURCE_DIR/examples/$(basename "$spec")
	check "$(basename "$spec") is a copy of examples/ (kept in step)" cmp -s "$spec" "$example"
done

if [ -n "$sc_apply" ] && [ -x "$sc_apply" ]; then
	check "the ConfigMap's specs validate" "$sc_apply" validate -f "$k8s/specs"
else
	skip "sc-apply is not built: the ConfigMap's specs are not validated"
fi

if ! have kubectl; then
	skip "kubectl is not installed (Debian: kubernetes-client): the kustomization is not rendered"
	finish
fi
if kubectl kustomize "$k8s" >"$work/rendered.yaml" 2>"$work/error"; then
	pass "kubectl kustomize deploy/k8s renders"
else
	fail "kubectl kustomize deploy/k8s: $(cat "$work/error")"
	finish
fi

if ! python3 -c 'import yaml' 2>/dev/null; then
	skip "python3 with PyYAML (python3-yaml) is missing: the rendered objects are not checked"
	finish
fi

# The structured checks: one line per check, "ok: ..." or "FAIL: ...".
python3 - "$work/rendered.yaml" >"$work/checks" <<'PY'
import sys, yaml

docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
by_kind = {}
for d in docs:
    by_kind.setdefault(d["kind"], []).append(d)

def report(ok, what):
    print(("ok: " if ok else "FAIL: ") + what)

for kind in ("Namespace", "ServiceAccount", "ConfigMap", "Service", "Deployment", "CronJob"):
    report(kind in by_kind, "renders a " + kind)

def pod_spec(obj):
    if obj["kind"] == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return obj["spec"]["template"]["spec"]

def check_pod(obj):
    name = obj["kind"] + " " + obj["metadata"]["name"]
    pod = pod_spec(obj)
    report(pod.get("securityContext", {}).get("runAsNonRoot") is True, name + ": runAsNonRoot")
    report(pod.get("automountServiceAccountToken") is False, name + ": no service account token")
    specs_map = None
    for c in pod["containers"]:
        sc = c.get("securityContext", {})
        report(sc.get("readOnlyRootFilesystem") is True, name + ": readOnlyRootFilesystem")
        report(sc.get("allowPrivilegeEscalation") is False, name + ": no privilege escalation")
        keys = [e for e in c.get("env", []) if e["name"] == "SEACLOUD_API_KEY"]
        report(len(keys) == 1 and "secretKeyRef" in keys[0].get("valueFrom", {})
               and "value" not in keys[0],
               name + ": SEACLOUD_API_KEY comes from a secretKeyRef")
        literal = [e["name"] for e in c.get("env", []) if "value" in e
                   and any(w in e["name"].upper() for w in ("KEY", "TOKEN", "SECRET", "PASSWORD"))]
        report(not literal, name + ": no secret-looking env var with a literal value " + str(literal))
        args = " ".join(c.get("args", []) + c.get("command", []))
        report("key" not in args.lower(), name + ": no key option in args")
        mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
        report("/specs" in mounts, name + ": /specs mounted")
        specs_map = mounts.get("/specs")
    vols = {v["name"]: v for v in pod.get("volumes", [])}
    cm = vols.get(specs_map, {}).get("configMap", {}).get("name", "")
    report(cm.startswith("sc-apply-specs-"), name + ": /specs is the generated specs ConfigMap")
    return pod["containers"][0]

for cron in by_kind.get("CronJob", []):
    report(cron["spec"].get("concurrencyPolicy") == "Forbid", "CronJob: concurrencyPolicy Forbid")
    c = check_pod(cron)
    args = c.get("args", [])
    report(args[:3] == ["apply", "-f", "/specs"] and "--prune" in args and "--max-delete" in args,
           "CronJob: apply -f /specs --prune --max-delete N")

for dep in by_kind.get("Deployment", []):
    c = check_pod(dep)
    args = c.get("args", [])
    report(args[:3] == ["agent", "-f", "/specs"] and "--interval" in args,
           "Deployment: agent -f /specs --interval")
    listen = args[args.index("--listen-metrics") + 1] if "--listen-metrics" in args else ""
    report(listen == "0.0.0.0:9090", "Deployment: --listen-metrics 0.0.0.0:9090")
    live = c.get("livenessProbe", {}).get("httpGet", {})
    ready = c.get("readinessProbe", {}).get("httpGet", {})
    report(live.get("path") == "/healthz", "Deployment: liveness probe on /healthz")
    report(ready.get("path") == "/readyz", "Deployment: readiness probe on /readyz")
    ports = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
    report(ports.get("metrics") == 9090 and live.get("port") in ("metrics", 9090),
           "Deployment: probes on the metrics port 9090")
    ann = dep["spec"]["template"]["metadata"].get("annotations", {})
    report(ann.get("prometheus.io/scrape") == "true" and ann.get("prometheus.io/port") == "9090"
           and ann.get("prometheus.io/path") == "/metrics",
           "Deployment: prometheus.io scrape/port/path annotations")
    report(dep["spec"].get("replicas") == 1 and dep["spec"]["strategy"]["type"] == "Recreate",
           "Deployment: one agent at a time (replicas 1, Recreate)")

report("Secret" not in by_kind, "no Secret object (the key is created out of band)")
for cm in by_kind.get("ConfigMap", []):
    report(not any("KEY" in k for k in cm.get("data", {})), "ConfigMap " + cm["metadata"]["name"] + ": no key in it")
PY
while IFS= read -r line; do
	case $line in
	"ok: "*) pass "${line#ok: }" ;;
	*) fail "${line#FAIL: }" ;;
	esac
done <"$work/checks"
[ -s "$work/checks" ] || fail "the Python checks printed nothing"

# deploy/k8s-ha: the base with two agents electing a leader on one etcd lock.
if kubectl kustomize "$SC_SOURCE_DIR/deploy/k8s-ha" >"$work/ha.yaml" 2>"$work/ha-error"; then
	pass "kubectl kustomize deploy/k8s-ha renders"
else
	fail "kubectl kustomize deploy/k8s-ha: $(cat "$work/ha-error")"
	finish
fi
python3 - "$work/ha.yaml" >"$work/ha-checks" <<'PY'
import sys, yaml

docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
def report(ok, what):
    print(("ok: " if ok else "FAIL: ") + "k8s-ha: " + what)
deps = [d for d in docs if d["kind"] == "Deployment"]
report(len(deps) == 1, "one Deployment")
dep = deps[0]
c = dep["spec"]["template"]["spec"]["containers"][0]
args = c.get("args", [])
report(dep["spec"].get("replicas") == 2, "two agents")
report(dep["spec"]["strategy"]["type"] == "RollingUpdate", "rolling updates (a standby waits for the lease)")
report(args[:3] == ["agent", "-f", "/specs"] and args[-2:] == ["--lock", "$(SC_APPLY_LOCK)"],
       "agent args end with --lock $(SC_APPLY_LOCK)")
refs = [e.get("configMapRef", {}).get("name", "") for e in c.get("envFrom", [])]
cms = {d["metadata"]["name"]: d for d in docs if d["kind"] == "ConfigMap"}
config = [n for n in refs if n.startswith("sc-apply-config")]
lock = cms.get(config[0], {}).get("data", {}).get("SC_APPLY_LOCK", "") if config else ""
report(lock.startswith("etcd://") and "?ttl=" in lock, "SC_APPLY_LOCK is an etcd:// URL in the agent's ConfigMap")
report(c.get("readinessProbe", {}).get("httpGet", {}).get("path") == "/readyz", "readiness on /readyz")
report(any(d["kind"] == "CronJob" for d in docs), "the pruning CronJob kept")
PY
while IFS= read -r line; do
	case $line in
	"ok: "*) pass "${line#ok: }" ;;
	*) fail "${line#FAIL: }" ;;
	esac
done <"$work/ha-checks"
[ -s "$work/ha-checks" ] || fail "the k8s-ha checks printed nothing"
finish
