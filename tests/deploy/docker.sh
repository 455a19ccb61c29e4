#!/usr/bin/env bash
# deploy/docker/Dockerfile: built where a Docker engine answers (and the
# image runs, as non-root); checked statically everywhere: multi-stage on
# debian:12-slim, the build stage uses scripts/install-deps and cmake as
# the README does, the runtime stage installs exactly the .deb's runtime
# libraries and runs as a non-root numeric user.
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
dockerfile=$SC_SOURCE_DIR/deploy/docker/Dockerfile
make_work_dir

# The instructions, continuation lines joined, comments dropped.
sed -e '/^[[:space:]]*#/d' "$dockerfile" | sed -e ':a' -e '/\\$/N; s/\\\n//; ta' >"$work/instructions"
froms=$(grep -c '^FROM ' "$work/instructions")
check "multi-stage: $froms FROM lines" [ "$froms" -ge 2 ]
check "the base is debian:12-slim" grep -qx 'ARG DEBIAN_IMAGE=debian:12-slim' "$work/instructions"
check "every stage starts from that base" \
	bash -c "! grep '^FROM ' '$work/instructions' | grep -v '^FROM \${DEBIAN_IMAGE}'"
check "the first stage is the build stage" \
	bash -c "grep -m1 '^FROM ' '$work/instructions' | grep -q ' AS build\$'"
# The stages, split: build.txt is the first, runtime.txt the last.
awk '/^FROM /{n++} {print > (n == 1 ? "'"$work"'/build.txt" : "'"$work"'/runtime.txt")}' \
	"$work/instructions"
check "build: runs scripts/install-deps" grep -q '^RUN scripts/install-deps' "$work/build.txt"
check "build: configures and builds with cmake" \
	grep -q 'cmake -S . -B .*&& *cmake --build' "$work/build.txt"
check "the README builds with scripts/install-deps too" \
	grep -q 'scripts/install-deps' "$SC_SOURCE_DIR/README.md" "$SC_SOURCE_DIR/scripts/demo"
check "runtime: copies the programs from the build stage" \
	grep -q '^COPY --from=build .*sc-apply.*sc-sandboxd' "$work/runtime.txt"
check "runtime: no compiler, no install-deps" \
	bash -c "! grep -qE 'install-deps|build-essential|-dev\\b' '$work/runtime.txt'"
user=$(sed -n 's/^USER \([^:[:space:]]*\).*/\1/p' "$work/runtime.txt" | tail -n1)
check "runtime: USER is non-root (\"$user\")" bash -c "[[ '$user' =~ ^[0-9]+\$ && '$user' != 0 ]]"
check "runtime: the entrypoint is sc-apply" grep -q '^ENTRYPOINT \["/usr/bin/sc-apply"\]' "$work/runtime.txt"
check "no key in the image" bash -c "! grep -qiE 'SEACLOUD_API_KEY|api-key' '$work/instructions'"

# The runtime libraries are the .deb's Depends (cmake/ScDeploy.cmake).
deb_libs=$(sed -n '/set(CPACK_DEBIAN_PACKAGE_DEPENDS/,/)/p' "$SC_SOURCE_DIR/cmake/ScDeploy.cmake" | grep -oE 'lib[a-z0-9.-]+[a-z0-9]' | grep -v '^libc6$' | sort -u)
image_libs=$(grep 'apt-get install' "$work/runtime.txt" | grep -oE '\blib[a-z0-9.-]+[a-z0-9]' | sort -u)
same_libs() {
	[ -n "$deb_libs" ] && [ "$deb_libs" = "$image_libs" ]
}
check "runtime libraries = the .deb's ($(echo $deb_libs))" same_libs
check "a Dockerfile.dockerignore keeps build trees out" \
	grep -qx 'build' "$SC_SOURCE_DIR/deploy/docker/Dockerfile.dockerignore"

if ! have docker || ! docker info >/dev/null 2>&1; then
	skip "no Docker engine here ('docker info' fails): the image is not built; static checks only"
	finish
fi
tag=sc-apply-test:$$
if docker build -q -f "$dockerfile" -t "$tag" "$SC_SOURCE_DIR" >"$work/build.log" 2>&1; then
	pass "docker build"
	check "the image runs sc-apply --version" docker run --rm "$tag" --version
	check "the image runs as uid 10001" \
		bash -c "[ \"\$(docker run --rm --entrypoint id '$tag' -u)\" = 10001 ]"
	docker rmi -f "$tag" >/dev/null 2>&1
else
	fail "docker build: $(tail -n 20 "$work/build.log")"
fi
finish
