#!/usr/bin/env bash
# The commands the deploy files run, run for real against a local
# sc-sandboxd: the GitHub Actions plan and apply steps' scripts (the plan
# lands in the job summary, a second plan finds no changes) and GitLab's
# plan script; the Kubernetes CronJob's and Deployment's args (the agent
# answers its probes' paths, /readyz after a cycle, and serves /metrics);
# the systemd units' ExecStart lines (%d, %t and $SC_APPLY_FLAGS filled in)
# and the agent's ExecReload signal. Paths such as /specs become a copy of
# deploy/k8s/specs; listen addresses become 127.0.0.1:0.
#   tests/deploy/run.sh SC_APPLY_BIN SC_SANDBOXD_BIN
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
sc_apply=${1:-${SC_APPLY_BIN:-}}
sc_sandboxd=${2:-${SC_SANDBOXD_BIN:-}}
deploy=$SC_SOURCE_DIR/deploy
make_work_dir
pids=()
cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT

if [ -z "$sc_apply" ] || [ ! -x "$sc_apply" ] || [ -z "$sc_sandboxd" ] || [ ! -x "$sc_sandboxd" ]; then
	skip "sc-apply and sc-sandboxd are not both built: the deploy files' commands are not run"
	finish
fi
for tool in curl python3; do
	if ! have "$tool"; then
		skip "$tool is not installed: the deploy files' commands are not run"
		finish
	fi
done
if ! python3 -c 'import yaml' 2>/dev/null; then
	skip "python3 with PyYAML (python3-yaml) is missing: the commands cannot be read"
	finish
fi

# A PATH where sc-apply is the built one, as the pipelines call it by name.
mkdir -p "$work/bin" "$work/repo/specs" "$work/run"
ln -s "$(cd "$(dirname "$sc_apply")" && pwd)/$(basename "$sc_apply")" "$work/bin/sc-apply"
export PATH=$work/bin:$PATH
cp "$deploy"/k8s/specs/*.yaml "$work/repo/specs/"
specs=$work/repo/specs

SEACLOUD_API_KEY=run-test-$$-$RANDOM
export SEACLOUD_API_KEY
printf '%s\n' "$SEACLOUD_API_KEY" >"$work/api-key"
SC_SANDBOXD_API_KEY=$SEACLOUD_API_KEY "$sc_sandboxd" --listen 127.0.0.1:0 \
	--port-file "$work/port" 2>"$work/sandboxd.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
if [ ! -s "$work/port" ]; then
	fail "sc-sandboxd did not start: $(cat "$work/sandboxd.log")"
	finish
fi
SEACLOUD_API_BASE_URL=http://127.0.0.1:$(cat "$work/port")/api/v1/sandbox
export SEACLOUD_API_BASE_URL

# Each run step of a workflow job, each script of a GitLab job, and the
# containers' args of the rendered kustomization, as files in $work/run.
python3 - "$deploy" "$work/run" <<'PY'
import os, subprocess, sys, yaml
deploy, out = sys.argv[1:3]
def save(name, text):
    with open(os.path.join(out, name), "w") as f:
        f.write(text)
gh = yaml.safe_load(open(os.path.join(deploy, "ci", "github-actions.yml")))
for job in ("plan", "apply"):
    for step in gh["jobs"][job]["steps"]:
        if step.get("name") in ("Plan", "Apply"):
            save("github-" + job, step["run"])
save("github-flags", str(gh["env"]["SC_APPLY_FLAGS"]))
gl = yaml.safe_load(open(os.path.join(deploy, "ci", "gitlab-ci.yml")))
save("gitlab-plan", "\n".join(gl["plan"]["script"]))
save("gitlab-flags", str(gl["variables"]["SC_APPLY_FLAGS"]))
try:
    rendered = subprocess.run(["kubectl", "kustomize", os.path.join(deploy, "k8s")],
                              capture_output=True, text=True, check=True).stdout
except (OSError, subprocess.CalledProcessError):
    sys.exit(0)
for doc in yaml.safe_load_all(rendered):
    if doc and doc["kind"] in ("CronJob", "Deployment"):
        spec = doc["spec"]
        pod = spec["jobTemplate"]["spec"]["template"]["spec"] if doc["kind"] == "CronJob" \
            else spec["template"]["spec"]
        save("k8s-" + doc["kind"], "\n".join(pod["containers"][0]["args"]) + "\n")
PY

# GitHub Actions runs `shell: bash` steps as bash --noprofile --norc -eo pipefail.
github_step() {
	(cd "$work/repo" && SPECS=specs SC_APPLY_FLAGS=$(cat "$work/run/github-flags") \
		GITHUB_STEP_SUMMARY=$work/summary \
		GITHUB_OUTPUT=$work/output bash --noprofile --norc -eo pipefail "$work/run/github-$1") \
		>"$work/step.log" 2>&1
}
: >"$work/summary"
: >"$work/output"
check "github plan step runs (exit 0 with changes)" github_step plan
check "github plan: changes=true" grep -qx 'changes=true' "$work/output"
check "github plan: the summary has the text plan" grep -qE '^ *\+ create .*warm-pool/' "$work/summary"
check "github plan: the summary has the JSON plan" grep -q '"formatVersion": *"1"' "$work/summary"
check "github apply step runs (exit 0)" github_step apply
check "github apply: the summary has the report" grep -q '^## sc-apply apply (exit 0)' "$work/summary"
: >"$work/output"
check "github plan step after apply runs" github_step plan
check "github plan after apply: changes=false" grep -qx 'changes=false' "$work/output"
check "the key is in no summary nor log" bash -c "! grep -qF '$SEACLOUD_API_KEY' '$work/summary' '$work/step.log'"
gitlab_plan() {
	(cd "$work/repo" && SPECS=specs SC_APPLY_FLAGS=$(cat "$work/run/gitlab-flags") \
		bash -eo pipefail "$work/run/gitlab-plan") >"$work/gitlab.log" 2>&1
}
check "gitlab plan script runs (exit 0)" gitlab_plan
check "gitlab plan: no changes after apply" grep -q '^No changes' "$work/gitlab.log"
check "gitlab plan: plan.json kept" grep -q '"formatVersion"' "$work/repo/plan.json"

# run_args FILE: the args of a container, /specs replaced.
args_of() {
	sed "s#^/specs\$#$specs#; s#^0.0.0.0:9090\$#127.0.0.1:0#" "$work/run/$1"
}
# The metrics address an agent logged at start, from its log file.
metrics_address() {
	local log=$1 address=""
	for _ in $(seq 100); do
		address=$(sed -n 's/.*"metrics":"\([0-9.:]*\)".*/\1/p; s/.* metrics=\([0-9.:]*\).*/\1/p' "$log" | head -n1)
		[ -n "$address" ] && break
		sleep 0.05
	done
	echo "$address"
}
http_status() {
	curl -s -o /dev/null -w '%{http_code}' "http://$1$2"
}
wait_ready() {
	for _ in $(seq 100); do
		[ "$(http_status "$1" /readyz)" = 200 ] && return 0
		sleep 0.1
	done
	return 1
}
# check_agent NAME LOG PID: probes, metrics, SIGHUP, SIGTERM.
check_agent() {
	local name=$1 log=$2 pid=$3 address
	address=$(metrics_address "$log")
	if [ -z "$address" ]; then
		fail "$name: no metrics address in its log: $(head -c 2000 "$log")"
		kill "$pid" 2>/dev/null
		return
	fi
	check "$name: /healthz answers 200" [ "$(http_status "$address" /healthz)" = 200 ]
	check "$name: /readyz answers 200 after a cycle" wait_ready "$address"
	curl -s "http://$address/metrics" >"$work/metrics"
	check "$name: /metrics has sc_apply_reconcile_total" grep -q '^sc_apply_reconcile_total' "$work/metrics"
	local cycles_before
	cycles_before=$(grep -c 'cycle' "$log")
	kill -HUP "$pid"
	sleep 1
	check "$name: SIGHUP (reload) runs a cycle" [ "$(grep -c 'cycle' "$log")" -gt "$cycles_before" ]
	kill -TERM "$pid"
	wait "$pid"
	local status=$?
	check "$name: SIGTERM stops it with exit 0 (got $status)" [ "$status" -eq 0 ]
	check "$name: the key is not in its log" bash -c "! grep -qF '$SEACLOUD_API_KEY' '$log'"
}

if [ -s "$work/run/k8s-CronJob" ]; then
	mapfile -t args < <(args_of k8s-CronJob)
	cron() {
		sc-apply "${args[@]}" >"$work/cron.json" 2>"$work/cron.log"
	}
	check "k8s CronJob: sc-apply ${args[*]} (exit 0)" cron
	check "k8s CronJob: a JSON report" grep -q '"formatVersion"' "$work/cron.json"
	mapfile -t args < <(args_of k8s-Deployment)
	sc-apply "${args[@]}" 2>"$work/k8s-agent.log" &
	pid=$!
	pids+=("$pid")
	check_agent "k8s Deployment (sc-apply ${args[*]})" "$work/k8s-agent.log" "$pid"
else
	skip "kubectl is missing: the Kubernetes objects' args are not run"
fi

# The systemd units' ExecStart, with what systemd would fill in.
exec_start() {
	sed -n 's/^ExecStart=\/usr\/bin\/sc-apply //p' "$deploy/systemd/$1" |
		sed -e "s#%d/#$work/#g; s#%t/sc-apply-service/#$work/#g; s#/etc/sc-apply/specs#$specs#g" \
			-e "s#127.0.0.1:9090#127.0.0.1:0#; s#\\\$SC_APPLY_FLAGS#--prune --max-delete 5#" \
			-e "s#\\\$SC_APPLY_AGENT_FLAGS##"
}
read -r -a args <<<"$(exec_start sc-apply.service)"
oneshot() {
	env -u SEACLOUD_API_KEY sc-apply "${args[@]}" >"$work/oneshot.log" 2>&1
}
check "systemd sc-apply.service: ExecStart runs (exit 0), the key from the credential file" oneshot
read -r -a args <<<"$(exec_start sc-apply-agent.service)"
env -u SEACLOUD_API_KEY sc-apply "${args[@]}" 2>"$work/unit-agent.log" &
pid=$!
pids+=("$pid")
check_agent "systemd sc-apply-agent.service" "$work/unit-agent.log" "$pid"
finish
