#!/usr/bin/env bash
# deploy/ci: a pull (merge) request's plan shows what merging it applies.
# For each pipeline, its plan step's and its apply step's scripts, as the
# file has them, run with the pipeline's own variables against a local
# sc-sandboxd that holds what main applied before; the pull request's specs
# drop one spec (its sandboxes must go). The actions that the plan's
# `-o json` lists are exactly those that the apply's `-o json` reports,
# the deletions included.
#   tests/deploy/ci_parity.sh SC_APPLY_BIN SC_SANDBOXD_BIN
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
sc_apply=${1:-${SC_APPLY_BIN:-}}
sc_sandboxd=${2:-${SC_SANDBOXD_BIN:-}}
deploy=$SC_SOURCE_DIR/deploy
make_work_dir
sandboxd_pid=""
cleanup() {
	if [ -n "$sandboxd_pid" ]; then
		kill "$sandboxd_pid" 2>/dev/null && wait "$sandboxd_pid" 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT

if [ -z "$sc_apply" ] || [ ! -x "$sc_apply" ] || [ -z "$sc_sandboxd" ] || [ ! -x "$sc_sandboxd" ]; then
	skip "sc-apply and sc-sandboxd are not both built: the pipelines' steps are not compared"
	finish
fi
if ! python3 -c 'import yaml' 2>/dev/null; then
	skip "python3 with PyYAML (python3-yaml) is missing: the pipelines cannot be read"
	finish
fi

mkdir -p "$work/bin"
ln -s "$(cd "$(dirname "$sc_apply")" && pwd)/$(basename "$sc_apply")" "$work/bin/sc-apply"
export PATH=$work/bin:$PATH

# Per pipeline: its variables (a file to source), its plan and apply
# scripts; and the pull request's specs: the example without its last spec.
python3 - "$deploy" "$work" <<'PY'
import os, shlex, sys, yaml
deploy, work = sys.argv[1:3]

def save(name, text):
    with open(os.path.join(work, name), "w") as f:
        f.write(text)

def variables(*maps):
    lines = []
    for m in maps:
        for key, value in (m or {}).items():
            if isinstance(value, dict) or "${{" in str(value) or key.startswith("SEACLOUD_"):
                continue  # CI expressions and secrets: the test's own stand in
            lines.append("%s=%s" % (key, shlex.quote(str(value))))
    return "\n".join(lines) + "\n"

gh = yaml.safe_load(open(os.path.join(deploy, "ci", "github-actions.yml")))
for job, step_name in (("plan", "Plan"), ("apply", "Apply")):
    spec = gh["jobs"][job]
    step = next(s for s in spec["steps"] if s.get("name") == step_name)
    save("github-%s.sh" % job, step["run"])
    save("github-%s.env" % job, variables(gh.get("env"), spec.get("env"), step.get("env")))
gl = yaml.safe_load(open(os.path.join(deploy, "ci", "gitlab-ci.yml")))
for job in ("plan", "apply"):
    spec = gl[job]
    save("gitlab-%s.sh" % job, "\n".join(spec["script"]) + "\n")
    save("gitlab-%s.env" % job, variables(gl.get("variables"), spec.get("variables")))

docs = [d for d in yaml.safe_load_all(open(os.path.join(deploy, "k8s", "specs", "warm-pool.yaml"))) if d]
os.makedirs(os.path.join(work, "main", "specs"))
os.makedirs(os.path.join(work, "pr", "specs"))
save("main/specs/fleet.yaml", yaml.safe_dump_all(docs))
save("pr/specs/fleet.yaml", yaml.safe_dump_all(docs[:-1]))
save("dropped", docs[-1]["metadata"]["name"])
PY
dropped=$(cat "$work/dropped")

start_sandboxd() {
	SEACLOUD_API_KEY=parity-test-$$-$RANDOM
	export SEACLOUD_API_KEY
	rm -f "$work/port"
	SC_SANDBOXD_API_KEY=$SEACLOUD_API_KEY "$sc_sandboxd" --listen 127.0.0.1:0 \
		--port-file "$work/port" 2>"$work/sandboxd.log" &
	sandboxd_pid=$!
	for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
	SEACLOUD_API_BASE_URL=http://127.0.0.1:$(cat "$work/port" 2>/dev/null)/api/v1/sandbox
	export SEACLOUD_API_BASE_URL
	[ -s "$work/port" ]
}

stop_sandboxd() {
	kill "$sandboxd_pid" 2>/dev/null && wait "$sandboxd_pid" 2>/dev/null
	sandboxd_pid=""
}

# run_step PIPELINE JOB: the job's script in the pull request's checkout,
# with the pipeline's variables, as the CI's bash runs it.
run_step() {
	(
		cd "$work/pr" || exit 1
		set -a
		# shellcheck disable=SC1090
		source "$work/$1-$2.env"
		set +a
		GITHUB_STEP_SUMMARY=$work/summary GITHUB_OUTPUT=$work/output \
			bash --noprofile --norc -eo pipefail "$work/$1-$2.sh"
	) >"$work/$1-$2.log" 2>&1
}

seed_main() {
	sc-apply apply -f "$work/main/specs" --color never -o json >"$work/seed.json" 2>&1
}

# The actions of a -o json document, one "action set name" a line, sorted.
actions_of() {
	python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
for a in sorted((a["action"], a["set"], a["name"]) for a in doc["actions"]):
    print(" ".join(a))' "$1"
}

for pipeline in github gitlab; do
	if ! start_sandboxd; then
		fail "$pipeline: sc-sandboxd did not start: $(cat "$work/sandboxd.log")"
		continue
	fi
	rm -f "$work/pr/plan.json" "$work/pr/apply.json"
	check "$pipeline: main's sandboxes are there first" seed_main
	check "$pipeline: the plan step runs" run_step "$pipeline" plan
	check "$pipeline: the apply step runs" run_step "$pipeline" apply
	if [ -s "$work/pr/plan.json" ] && [ -s "$work/pr/apply.json" ]; then
		actions_of "$work/pr/plan.json" >"$work/plan.actions"
		actions_of "$work/pr/apply.json" >"$work/apply.actions"
		check "$pipeline: the plan shows the deletion of '$dropped' (removed from the specs)" \
			grep -q "^delete [^ ]* $dropped\$" "$work/plan.actions"
		if diff -u "$work/plan.actions" "$work/apply.actions" >"$work/diff"; then
			pass "$pipeline: plan -o json lists the actions apply -o json made ($(wc -l <"$work/plan.actions"))"
		else
			fail "$pipeline: plan and apply differ: $(cat "$work/diff")"
		fi
	else
		fail "$pipeline: no plan.json or apply.json: $(tail -n 5 "$work/$pipeline-plan.log" "$work/$pipeline-apply.log")"
	fi
	check "$pipeline: the key is in no log" \
		bash -c "! grep -qF '$SEACLOUD_API_KEY' '$work/$pipeline-plan.log' '$work/$pipeline-apply.log' '$work/pr/plan.json' '$work/pr/apply.json'"
	stop_sandboxd
done
finish
