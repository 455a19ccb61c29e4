# Shared by the tests/deploy/*.sh checks: counting, skipping, the summary.
# Every check is a pass, a fail or a loud skip (a skip counts as passed for
# that check only, and says why); the last line is "N passed, N failed" and
# the exit status is non-zero when anything failed.
# shellcheck shell=bash

SC_SOURCE_DIR=${SC_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
passed=0
failed=0
skipped=0

pass() {
	passed=$((passed + 1))
	echo "ok: $*"
}

fail() {
	failed=$((failed + 1))
	echo "FAIL: $*"
}

skip() {
	passed=$((passed + 1))
	skipped=$((skipped + 1))
	echo "SKIP: $*"
}

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	local description=$1
	shift
	if "$@"; then
		pass "$description"
	else
		fail "$description"
	fi
}

have() {
	command -v "$1" >/dev/null 2>&1
}

# A temporary directory removed on exit.
make_work_dir() {
	work=$(mktemp -d "${TMPDIR:-/tmp}/sc-deploy-test.XXXXXX")
	trap 'rm -rf "$work"' EXIT
}

finish() {
	[ "$skipped" -eq 0 ] || echo "($skipped check(s) skipped, see SKIP lines above)"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}
