#!/usr/bin/env bash
# deploy/systemd: the units carry the hardening and key handling they
# promise, and `systemd-analyze verify` accepts them. verify needs the
# ExecStart binary to exist, so it runs on temporary copies whose
# /usr/bin/sc-apply is rewritten to the built binary (or /bin/true); it
# exits 0 even on unknown keys, so any line it prints is a failure.
#   tests/deploy/systemd.sh [SC_APPLY_BIN]
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
sc_apply=${1:-${SC_APPLY_BIN:-}}
units=$SC_SOURCE_DIR/deploy/systemd
make_work_dir

# has UNIT LINE: the unit holds that exact line.
has() {
	grep -qxF -- "$2" "$units/$1"
}

for line in Type=oneshot DynamicUser=yes ProtectSystem=strict NoNewPrivileges=yes \
	ProtectHome=yes PrivateTmp=yes CapabilityBoundingSet= \
	LoadCredential=api-key:/etc/sc-apply/api-key EnvironmentFile=/etc/sc-apply/env; do
	check "sc-apply.service: $line" has sc-apply.service "$line"
done
check "sc-apply.service: the key comes from the credential" \
	grep -q -- '^ExecStart=/usr/bin/sc-apply apply .*--api-key-file %d/api-key' "$units/sc-apply.service"
check "sc-apply.service: its --lock is in its own RuntimeDirectory" \
	bash -c "grep -qx 'RuntimeDirectory=sc-apply-service' '$units/sc-apply.service' &&
	         grep -q -- '--lock %t/sc-apply-service/apply.lock' '$units/sc-apply.service'"
# /run/sc-apply is root's default lock directory: a unit that claimed it
# would hand it to its dynamic user and remove it (root's locks) at stop.
check "no unit claims /run/sc-apply (root's default lock directory)" \
	bash -c "! grep -qE '^(RuntimeDirectory|StateDirectory|CacheDirectory)=(.* )?sc-apply( |\$)' '$units'/*.service"
check "sc-apply.timer: starts sc-apply.service" has sc-apply.timer Unit=sc-apply.service
check "sc-apply.timer: installed into timers.target" has sc-apply.timer WantedBy=timers.target
for line in Restart=on-failure 'ExecReload=/bin/kill -HUP $MAINPID' DynamicUser=yes \
	ProtectSystem=strict NoNewPrivileges=yes LoadCredential=api-key:/etc/sc-apply/api-key; do
	check "sc-apply-agent.service: $line" has sc-apply-agent.service "$line"
done
check "sc-apply-agent.service: agent with metrics on loopback" \
	grep -q -- '^ExecStart=/usr/bin/sc-apply agent -f /etc/sc-apply/specs .*--listen-metrics 127.0.0.1:' \
	"$units/sc-apply-agent.service"
check "no unit passes a key on the command line or in Environment=" \
	bash -c "! grep -nE -- '--api-key |--api-key=|^Environment=.*KEY' '$units'/*.service"
check "the env example holds no key" bash -c "! grep -q '^SEACLOUD_API_KEY' '$units/sc-apply.env.example'"

if ! have systemd-analyze; then
	skip "systemd-analyze is not installed: the units are not verified"
	finish
fi
target=/bin/true
[ -n "$sc_apply" ] && [ -x "$sc_apply" ] && target=$(cd "$(dirname "$sc_apply")" && pwd)/$(basename "$sc_apply")
for unit in sc-apply.service sc-apply.timer sc-apply-agent.service; do
	sed "s#/usr/bin/sc-apply#$target#g" "$units/$unit" >"$work/$unit"
done
(cd "$work" && systemd-analyze verify --man=no ./sc-apply.service ./sc-apply.timer \
	./sc-apply-agent.service) >"$work/verify.out" 2>&1
status=$?
if [ $status -eq 0 ] && [ ! -s "$work/verify.out" ]; then
	pass "systemd-analyze verify: no errors, no warnings (ExecStart=$target)"
else
	fail "systemd-analyze verify (exit $status): $(cat "$work/verify.out")"
fi

# The exposure score of systemd's own security audit; 10 is unconfined.
for unit in sc-apply.service sc-apply-agent.service; do
	score=$(cd "$work" && systemd-analyze security --offline=true --no-pager "./$unit" 2>/dev/null |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	if [ -z "$score" ]; then
		skip "$unit: systemd-analyze security --offline gave no score"
	elif awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'; then
		pass "$unit: exposure $score <= 2.0"
	else
		fail "$unit: exposure $score > 2.0"
	fi
done
finish
