#!/usr/bin/env bash
# specs/sandbox.schema.json, the JSON Schema that editors use for spec
# files (examples/ name it in a yaml-language-server comment): it is a
# valid schema, every document of examples/ and deploy/k8s/specs/ and of
# the spec tests' valid files passes it, and it rejects what sc-apply
# rejects (an unknown key, a bad name, a timeout out of range, a bad
# state). When sc-apply is built, it must agree on the same documents.
#   tests/deploy/schema.sh [SC_APPLY_BIN]
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
sc_apply=${1:-${SC_APPLY_BIN:-}}
schema=${SC_SCHEMA:-$SC_SOURCE_DIR/specs/sandbox.schema.json}
make_work_dir

if [ ! -f "$schema" ]; then
	skip "specs/sandbox.schema.json does not exist (yet): nothing to check"
	finish
fi
check "specs/sandbox.schema.json is JSON" python3 -m json.tool "$schema" >/dev/null
for example in "$SC_SOURCE_DIR"/examples/*.yaml; do
	check "$(basename "$example") names the schema" \
		grep -q 'yaml-language-server: \$schema=../specs/sandbox.schema.json' "$example"
done
if ! python3 -c 'import yaml, jsonschema' 2>/dev/null; then
	skip "python3 with PyYAML and jsonschema (python3-yaml, python3-jsonschema) is missing"
	finish
fi

# Documents that must fail, each a change to a valid one.
cat >"$work/base.yaml" <<'YAML'
apiVersion: sc-apply/v1
kind: Sandbox
metadata: {name: ok-name, set: schema-test}
spec: {template: base, replicas: 1, timeout: 600}
YAML
python3 - "$schema" "$work" "$SC_SOURCE_DIR" >"$work/checks" <<'PY'
import copy, glob, os, sys, yaml, jsonschema

schema_path, work, root = sys.argv[1:4]
schema = yaml.safe_load(open(schema_path))

def report(ok, what):
    print(("ok: " if ok else "FAIL: ") + what)

cls = jsonschema.validators.validator_for(schema)
try:
    cls.check_schema(schema)
    report(True, "the schema is a valid %s schema" % cls.__name__)
except jsonschema.SchemaError as e:
    report(False, "the schema is invalid: %s" % e.message)
    sys.exit(0)
validator = cls(schema)

valid = sorted(glob.glob(os.path.join(root, "examples", "*.yaml")) +
               glob.glob(os.path.join(root, "deploy", "k8s", "specs", "*.yaml")) +
               [os.path.join(root, "tests", "data", "spec", n)
                for n in ("full.yaml", "minimal.yaml", "multi.yaml")
                if os.path.exists(os.path.join(root, "tests", "data", "spec", n))])
for path in valid:
    for i, doc in enumerate(d for d in yaml.safe_load_all(open(path)) if d is not None):
        errors = sorted(validator.iter_errors(doc), key=str)
        report(not errors, "%s document %d passes%s" % (os.path.relpath(path, root), i + 1,
               "" if not errors else ": " + errors[0].message))

base = yaml.safe_load(open(os.path.join(work, "base.yaml")))
report(not list(validator.iter_errors(base)), "the minimal test document passes")
bad = {
    "an unknown key in spec": ("spec", "replica", 2),
    "an unknown key in metadata": ("metadata", "nmae", "x"),
    "a name with capitals": ("metadata", "name", "Bad_Name"),
    "timeout 0": ("spec", "timeout", 0),
    "timeout 86401": ("spec", "timeout", 86401),
    "timeout \"30m\"": ("spec", "timeout", "30m"),
    "state stopped": ("spec", "state", "stopped"),
    "negative replicas": ("spec", "replicas", -1),
    "kind Pod": (None, "kind", "Pod"),
}
for what, (section, key, value) in bad.items():
    doc = copy.deepcopy(base)
    (doc[section] if section else doc)[key] = value
    report(bool(list(validator.iter_errors(doc))), "the schema rejects " + what)
    with open(os.path.join(work, "bad-%s.yaml" % what.replace(" ", "-").replace('"', "")), "w") as f:
        yaml.safe_dump(doc, f)
PY
while IFS= read -r line; do
	case $line in
	"ok: "*) pass "${line#ok: }" ;;
	*) fail "${line#FAIL: }" ;;
	esac
done <"$work/checks"

# sc-apply agrees: it accepts the base and rejects each bad document.
if [ -n "$sc_apply" ] && [ -x "$sc_apply" ]; then
	check "sc-apply validate accepts the minimal test document" \
		"$sc_apply" validate -f "$work/base.yaml"
	for bad in "$work"/bad-*.yaml; do
		rejects() {
			! "$sc_apply" validate -f "$1" >/dev/null 2>&1
		}
		check "sc-apply validate rejects it too: $(basename "$bad" .yaml)" rejects "$bad"
	done
else
	skip "sc-apply is not built: its verdicts are not compared with the schema's"
fi
finish
