#!/usr/bin/env python3
"""Checks that specs/sandbox.schema.json and `sc-apply validate` agree.

    tests/spec/schema_agreement.py path/to/sc-apply

Feeds each document below (valid and invalid variants of every field) to
both and prints every disagreement; exits 1 if there is any. Needs the
Python packages jsonschema (draft 2020-12) and PyYAML. PyYAML reads YAML
1.1, so the documents avoid what 1.1 and 1.2 read differently (yes/no,
leading zeros), where the validator is stricter than any schema can be.
"""
import json, os, subprocess, sys, tempfile
import yaml
from jsonschema import Draft202012Validator

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
schema = json.load(open(os.path.join(ROOT, 'specs/sandbox.schema.json')))
Draft202012Validator.check_schema(schema)
v = Draft202012Validator(schema)
env = dict(os.environ, KEY='value', NET='10.0.0.0/8', DIR='/data',
           OPENAI_API_KEY='sk-test')
H = "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n  name: web\n"
docs = [
 open(os.path.join(ROOT, 'tests/data/spec/full.yaml')).read(),
 open(os.path.join(ROOT, 'tests/data/spec/minimal.yaml')).read(),
 open(os.path.join(ROOT, 'tests/data/spec/rollout.yaml')).read(),
 open(os.path.join(ROOT, 'tests/data/spec/rollout-bad.yaml')).read(),
 H, H+"spec:\n", H+"spec: {}\n",
 H+"  labels: {a: b, example.com/x: y, v: 3, b: true, e: ''}\n",
 H+"  labels: {sc-apply/x: y}\n", H+"  labels: {-a: y}\n", H+"  labels: {a: 'x y'}\n",
 H+"  labels: {a: -1}\n", H+"  labels: {a: ~}\n", H+"  labels: {Ab.c/x: y}\n",
 H+"  labels: {" + "a"*64 + ": y}\n", H+"  labels: {" + "a"*63 + ": y}\n",
 H+"  labels: {x: " + "a"*64 + "}\n", H+"  labels: {" + ("a"*60+".")*4 + "com/x: y}\n",
 H+"  labels: {" + ("a"*60+".")*3 + "com/x: y}\n",
 H+"  set: Team\n", H+"  set: team\n", H+"  name2: x\n",
 "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n  name: Web\n",
 "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n  name: '${KEY}'\n",
 "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n  name: " + "a"*64 + "\n",
 "apiVersion: sc-apply/v2\nkind: Sandbox\nmetadata:\n  name: web\n",
 "apiVersion: sc-apply/v1\nkind: Pod\nmetadata:\n  name: web\n",
 "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {}\n",
 "apiVersion: sc-apply/v1\nkind: Sandbox\n",
 "kind: Sandbox\nmetadata: {name: web}\n",
 "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {name: web}\nextra: 1\n",
]
for f, good, bad in [
  ('template', ['x', "'tpl-1'"], ["''", '[a]', '{}', '~']),
  ('replicas', ['0', '1000'], ['-1', '1001', '"3"', '1.5', 'x', '~']),
  ('state', ['running', 'paused', '"paused"'], ['Running', 'stopped', '1']),
  ('timeout', ['1', '86400'], ['0', '86401', '"30"', '30m']),
  ('renewBefore', ['0', '299'], ['-1', '86400', '300']),
  ('waitReady', ['true', 'false'], ['"true"', '1', '~']),
  ('autoPause', ['true'], ['x']), ('autoResume', ['false'], ['[]']), ('protect', ['true'], ['0']),
  ('replace', ['create-first', 'delete-first'], ['create_first', 'x']),
  ('envVars', ['{A: b}', '{A_1: 3, _B: true, C: "${KEY}"}', '~', '{A: "", B: 1.5}'], ['{1A: b}', '{A: ~}', '{A: [1]}', '[a]', '{A-B: x}']),
  ('network', ['{}', '~', '{allowPublicTraffic: false, allowInternetAccess: true, allowOut: [1.2.3.4, 0.0.0.0/0], denyOut: [10.0.0.0/8, 255.255.255.255/32]}', '{allowOut: ~}', '{allowOut: ["${NET}"]}'],
      ['{allowOut: 1.2.3.4}', '{allowOut: [1.2.3.256]}', '{allowOut: [1.2.3.4/33]}', '{allowOut: [01.2.3.4]}', '{allowOut: [1.2.3.4/08]}', '{denyOut: [1.2.3]}', '{x: 1}', '{allowPublicTraffic: 1}', '[]']),
  ('volumeMounts', ['[]', '~', '[{name: a, path: /a}, {name: b, path: /b}]', '[{name: a, path: "${DIR}/x"}]'],
      ['[{name: a}]', '[{path: /a}]', '[{name: "", path: /a}]', '[{name: a, path: a}]', '[{name: a, path: /a, x: 1}]', '[a]', '{}']),
  ('readiness', ['running', 'heartbeat'], ['healthy', 'Heartbeat', '~', '1']),
  ('rollout', ['{}', '~', '{maxSurge: 0, maxUnavailable: 1}', '{maxSurge: 25%, maxUnavailable: "50%"}', '{maxSurge: 0%, maxUnavailable: 100%}', '{maxSurge: 0, maxUnavailable: 1%}', '{maxUnavailable: 0%}', '{maxSurge: 3, maxUnavailable: 2, progressDeadline: 86400}', '{maxUnavailable: 0}', '{progressDeadline: 1}'],
      ['{maxSurge: 0}', '{maxSurge: 0, maxUnavailable: 0}', '{maxSurge: -1}', '{maxSurge: 1001}', '{maxUnavailable: "1"}', '{progressDeadline: 0}', '{progressDeadline: 86401}', '{maxsurge: 1}', '[]', '1', '{maxSurge: 1.5}',
       '{maxSurge: 0%}', '{maxSurge: "0%", maxUnavailable: 0%}', '{maxSurge: 0, maxUnavailable: 0%}', '{maxSurge: 101%}', '{maxSurge: 05%}', '{maxSurge: "%"}', '{maxSurge: 1.5%}', '{maxUnavailable: -5%}', '{maxSurge: 25 %}', '{progressDeadline: 50%}']),
  ('bogus', [], ['1']),
]:
  for val in good + bad:
    docs.append(H + "spec:\n  %s: %s\n" % (f, val))
disagree = 0
with tempfile.TemporaryDirectory() as tmp:
  p = os.path.join(tmp, 'doc.yaml')
  for i, d in enumerate(docs):
    open(p, 'w').write(d)
    run = subprocess.run([sys.argv[1], 'validate', '-f', p, '--set', 'team-a'],
                         capture_output=True, text=True, env=env)
    ours = run.returncode == 0
    errs = list(v.iter_errors(yaml.safe_load(d)))
    if ours != (not errs):
      disagree += 1
      print('DISAGREE #%d: validator %s, schema %s\n%s--\n%s%s\n' % (
        i, 'accepts' if ours else 'rejects', 'rejects' if errs else 'accepts', d,
        run.stdout + run.stderr, [e.message for e in errs][:2]))
print(len(docs), 'documents,', disagree, 'disagreements')
sys.exit(1 if disagree else 0)
