#!/usr/bin/env bash
# Where each deploy target keeps its secrets (the API key and the values of
# the specs' ${VARS}), as deploy/README.md's table promises: nothing that
# installs an env or key file makes it readable by others; the Kubernetes
# containers take the specs' variables from a Secret (envFrom) and the key
# from a secretKeyRef, never a literal; GitHub's Plan and Apply steps carry
# the same environment (a variable the apply expands, the plan expands
# too); GitLab's File variable of NAME=value lines reaches sc-apply's
# environment; the image holds no secret. (The .deb's /etc/sc-apply/env
# mode is checked in deb.sh.)
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
deploy=$SC_SOURCE_DIR/deploy
make_work_dir

# Every `install` of a file under /etc/sc-apply that the docs show is 0600.
no_loose_install() {
	! grep -rhE 'install .*/etc/sc-apply/(env|api-key)' "$deploy" | grep -vE 'install -m 0600 '
}
check "every documented install of /etc/sc-apply/env or api-key is mode 0600" no_loose_install
check "the units read /etc/sc-apply/env and say it is 0600" \
	bash -c "grep -qx 'EnvironmentFile=/etc/sc-apply/env' '$deploy/systemd/sc-apply.service' &&
	         grep -q '/etc/sc-apply/env .*mode 0600' '$deploy/systemd/sc-apply.service' &&
	         grep -q '/etc/sc-apply/env .*mode 0600' '$deploy/systemd/sc-apply-agent.service'"
env_permissions() {
	grep -A1 'DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/sc-apply RENAME env$' \
		"$SC_SOURCE_DIR/cmake/ScDeploy.cmake" | grep -qx ' *PERMISSIONS OWNER_READ OWNER_WRITE)'
}
check "cmake installs /etc/sc-apply/env readable by its owner only" env_permissions
check "the image sets no secret (no ENV or ARG of a key, secret, token or password)" \
	bash -c "! grep -inE '^(ENV|ARG) .*(KEY|SECRET|TOKEN|PASSW)' '$deploy/docker/Dockerfile'"
check "the Dockerfile shows the specs' variables coming from --env-file" \
	grep -q -- '--env-file ./spec.env' "$deploy/docker/Dockerfile"

if ! python3 -c 'import yaml' 2>/dev/null; then
	skip "python3 with PyYAML (python3-yaml) is missing: the pipelines and objects are not read"
	finish
fi

python3 - "$deploy" "$work" >"$work/checks" <<'PY'
import os, subprocess, sys, yaml
deploy, work = sys.argv[1:3]

def report(ok, what):
    print(("ok: " if ok else "FAIL: ") + what)

gh = yaml.safe_load(open(os.path.join(deploy, "ci", "github-actions.yml")))
steps = {}
for job, name in (("plan", "Plan"), ("apply", "Apply")):
    steps[name] = next(s for s in gh["jobs"][job]["steps"] if s.get("name") == name)
report(steps["Plan"].get("env") == steps["Apply"].get("env"),
       "github: the Plan and Apply steps have the same env")
for name, step in steps.items():
    for key, value in (step.get("env") or {}).items():
        report(str(value).startswith("${{ secrets.") or str(value).startswith("${{ vars."),
               "github: %s: %s comes from secrets or vars" % (name, key))
text = open(os.path.join(deploy, "ci", "github-actions.yml")).read()
report(text.count("# OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}") == 2,
       "github: both steps show where the specs' ${VARS} go")

gl = yaml.safe_load(open(os.path.join(deploy, "ci", "gitlab-ci.yml")))
source = [c for c in gl[".sc-apply"]["before_script"] if "SC_APPLY_SPEC_ENV" in c]
report(len(source) == 1, "gitlab: .sc-apply sources SC_APPLY_SPEC_ENV")
with open(os.path.join(work, "gitlab-source.sh"), "w") as f:
    f.write("\n".join(source) + '\nprintf "%s" "$SPEC_SECRET" >"$1"\n')
for key in gl.get("variables", {}):
    report(not any(w in key.upper() for w in ("KEY", "SECRET", "TOKEN", "PASSW")),
           "gitlab: variables: %s is no secret" % key)

try:
    rendered = subprocess.run(["kubectl", "kustomize", os.path.join(deploy, "k8s")],
                              capture_output=True, text=True, check=True).stdout
except (OSError, subprocess.CalledProcessError):
    print("SKIP: kubectl is missing: the Kubernetes objects are not rendered")
    sys.exit(0)
for doc in yaml.safe_load_all(rendered):
    if not doc or doc["kind"] not in ("CronJob", "Deployment"):
        continue
    spec = doc["spec"]
    pod = spec["jobTemplate"]["spec"]["template"]["spec"] if doc["kind"] == "CronJob" \
        else spec["template"]["spec"]
    for c in pod["containers"]:
        what = "k8s %s/%s" % (doc["kind"], c["name"])
        refs = [e["secretRef"] for e in c.get("envFrom", []) if "secretRef" in e]
        report(refs == [{"name": "sc-apply-spec-env", "optional": True}],
               what + ": the specs' variables from Secret sc-apply-spec-env (envFrom, optional)")
        key = [e for e in c.get("env", []) if e["name"] == "SEACLOUD_API_KEY"]
        report(len(key) == 1 and "secretKeyRef" in key[0].get("valueFrom", {}),
               what + ": the key from a secretKeyRef")
        report(all("value" not in e for e in c.get("env", [])),
               what + ": no literal value in env")
PY
while IFS= read -r line; do
	case $line in
	"ok: "*) pass "${line#ok: }" ;;
	"SKIP: "*) skip "${line#SKIP: }" ;;
	*) fail "${line#FAIL: }" ;;
	esac
done <"$work/checks"
[ -s "$work/checks" ] || fail "the Python checks printed nothing"

# GitLab's File variable: a file of NAME=value lines reaches the job's shell.
if [ -s "$work/gitlab-source.sh" ]; then
	install -m 0600 /dev/null "$work/spec.env"
	printf 'SPEC_SECRET="from the file"\n' >"$work/spec.env"
	gitlab_source() {
		SC_APPLY_SPEC_ENV=$work/spec.env bash -eo pipefail "$work/gitlab-source.sh" "$work/got" &&
			[ "$(cat "$work/got")" = "from the file" ]
	}
	check "gitlab: SC_APPLY_SPEC_ENV's variables reach the job's environment" gitlab_source
	no_file() {
		env -u SC_APPLY_SPEC_ENV SPEC_SECRET=unset bash -eo pipefail "$work/gitlab-source.sh" "$work/got"
	}
	check "gitlab: without SC_APPLY_SPEC_ENV the job runs on" no_file
fi
finish
