#!/usr/bin/env bash
# deploy/ci: both pipelines are valid YAML with the promised shape (GitHub
# Actions: plan on pull requests into the job summary with -o json and a
# text plan, apply on main; GitLab: the same with merge requests and the
# default branch), plan and apply with the same options (one variable,
# SC_APPLY_FLAGS; ci_parity.sh runs both), the key only from the CI's
# secret store, and their shell scripts pass shellcheck.
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
ci=$SC_SOURCE_DIR/deploy/ci
make_work_dir

check "no key literal in the pipelines" \
	bash -c "! grep -nE 'SEACLOUD_API_KEY: *[^\$ ]|--api-key[ =]' '$ci'/*.yml"

if ! python3 -c 'import yaml' 2>/dev/null; then
	skip "python3 with PyYAML (python3-yaml) is missing: the pipelines are not parsed"
	finish
fi

python3 - "$ci" "$work" >"$work/checks" <<'PY'
import os, sys, yaml

ci, work = sys.argv[1], sys.argv[2]

def report(ok, what):
    print(("ok: " if ok else "FAIL: ") + what)

def load(name):
    try:
        with open(os.path.join(ci, name)) as f:
            doc = yaml.safe_load(f)
        report(isinstance(doc, dict), name + " parses as a YAML mapping")
        return doc if isinstance(doc, dict) else {}
    except yaml.YAMLError as e:
        report(False, name + " parses: " + str(e).replace("\n", " "))
        return {}

def save_script(name, text):
    with open(os.path.join(work, name + ".sh"), "w") as f:
        f.write("#!/bin/bash\nset -eo pipefail\n" + text + "\n")

gh = load("github-actions.yml")
on = gh.get("on", gh.get(True, {}))  # YAML 1.1 reads a bare `on` as true
report("pull_request" in on, "github: runs on pull requests")
report("main" in on.get("push", {}).get("branches", []), "github: runs on pushes to main")
jobs = gh.get("jobs", {})
plan, apply = jobs.get("plan", {}), jobs.get("apply", {})
report("pull_request" in plan.get("if", ""), "github: plan only on pull requests")
report("refs/heads/main" in apply.get("if", ""), "github: apply only on main")
report(apply.get("concurrency", {}).get("cancel-in-progress") is False,
       "github: applies never overlap nor cancel each other")
def runs(job):
    return "\n".join(s.get("run", "") for s in job.get("steps", []))
report("plan -f" in runs(plan) and "-o json" in runs(plan), "github: sc-apply plan -o json")
report("--color never >plan.txt" in runs(plan), "github: a readable text plan too")
report("GITHUB_STEP_SUMMARY" in runs(plan), "github: the plan goes to the job summary")
flags = str(gh.get("env", {}).get("SC_APPLY_FLAGS", ""))
report("--prune" in flags.split() and "--max-delete" in flags.split(),
       "github: SC_APPLY_FLAGS prunes with --max-delete")
report('apply -f "$SPECS" $SC_APPLY_FLAGS' in runs(apply), "github: apply takes $SC_APPLY_FLAGS")
report(runs(plan).count('plan -f "$SPECS" $SC_APPLY_FLAGS') == 2,
       "github: both plans take $SC_APPLY_FLAGS, as apply does")
report("--prune" not in runs(plan) + runs(apply) and "--max-delete" not in runs(plan) + runs(apply),
       "github: no option outside SC_APPLY_FLAGS that plan and apply could disagree on")
report("install-deps" in runs(plan) and "cmake" in runs(plan),
       "github: builds with scripts/install-deps and cmake")
for job_name, job in jobs.items():
    for step in job.get("steps", []):
        key = step.get("env", {}).get("SEACLOUD_API_KEY")
        if key is not None:
            report(key == "${{ secrets.SEACLOUD_API_KEY }}",
                   "github: %s/%s: the key from secrets" % (job_name, step.get("name")))
        if "run" in step:
            save_script("github-%s-%s" % (job_name, step.get("name", "").replace(" ", "-")),
                        step["run"])
report(gh.get("permissions") == {"contents": "read"}, "github: read-only token")

gl = load("gitlab-ci.yml")
report(gl.get("stages") == ["plan", "apply"], "gitlab: stages plan, apply")
template = gl.get(".sc-apply", {})
glplan, glapply = gl.get("plan", {}), gl.get("apply", {})
report(any("merge_request_event" in r.get("if", "") for r in glplan.get("rules", [])),
       "gitlab: plan on merge requests")
report(all("CI_DEFAULT_BRANCH" in r.get("if", "") for r in glapply.get("rules", [{}])),
       "gitlab: apply on the default branch only")
report(glapply.get("resource_group") == "sc-apply", "gitlab: applies never overlap")
plan_script = "\n".join(glplan.get("script", []))
apply_script = "\n".join(glapply.get("script", []))
glflags = str(gl.get("variables", {}).get("SC_APPLY_FLAGS", "")).split()
report("--prune" in glflags and "--max-delete" in glflags,
       "gitlab: SC_APPLY_FLAGS prunes with --max-delete")
report('apply -f "$SPECS" $SC_APPLY_FLAGS' in apply_script, "gitlab: apply takes $SC_APPLY_FLAGS")
report(plan_script.count('plan -f "$SPECS" $SC_APPLY_FLAGS') == 2,
       "gitlab: both plans take $SC_APPLY_FLAGS, as apply does")
report("--prune" not in plan_script + apply_script and "--max-delete" not in plan_script + apply_script,
       "gitlab: no option outside SC_APPLY_FLAGS that plan and apply could disagree on")
report("-o json" in plan_script and "plan.txt" in plan_script, "gitlab: json and text plans")
report("plan.json" in glplan.get("artifacts", {}).get("paths", []), "gitlab: the plan is kept")
report("install-deps" in " ".join(template.get("before_script", [])),
       "gitlab: builds with scripts/install-deps")
for name in ("plan", "apply"):
    job = gl.get(name, {})
    report(job.get("extends") == ".sc-apply", "gitlab: %s extends .sc-apply" % name)
    save_script("gitlab-" + name,
                "\n".join(template.get("before_script", []) + job.get("script", [])))
report("SEACLOUD_API_KEY" not in gl.get("variables", {}), "gitlab: no key in variables")
PY
while IFS= read -r line; do
	case $line in
	"ok: "*) pass "${line#ok: }" ;;
	*) fail "${line#FAIL: }" ;;
	esac
done <"$work/checks"
[ -s "$work/checks" ] || fail "the Python checks printed nothing"

if have shellcheck; then
	for script in "$work"/*.sh; do
		# SC2154: variables come from the CI (SPECS, SC_APPLY_FLAGS, ...).
		check "shellcheck $(basename "$script" .sh)" \
			shellcheck -S warning -e SC2154 "$script"
	done
else
	skip "shellcheck is not installed: the pipelines' scripts are not linted"
fi
finish
