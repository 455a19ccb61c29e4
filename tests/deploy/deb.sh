#!/usr/bin/env bash
# The .deb: configures a Release build in a temporary directory
# (-DCMAKE_INSTALL_PREFIX=/usr, no tests), builds the two programs, runs
# `cpack -G DEB`, and checks with dpkg-deb what the package holds (the
# programs, both man pages, the completion, the systemd units, the
# environment file /etc/sc-apply/env mode 0600 as a conffile), its control
# fields and Depends (each runtime library, and every package that
# dpkg-shlibdeps derives from the binaries), that the unpacked programs
# run, and, as root, that dpkg would install it here (--dry-run).
# Prints the size and `dpkg-deb -I`. Skips when cpack or dpkg-deb is missing.
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
make_work_dir

for tool in cpack dpkg-deb cmake; do
	if ! have "$tool"; then
		skip "$tool is not installed: no .deb is built"
		finish
	fi
done
build=$work/build
if ! cmake -S "$SC_SOURCE_DIR" -B "$build" -DCMAKE_BUILD_TYPE=Release -DSC_TESTS=OFF \
	-DCMAKE_INSTALL_PREFIX=/usr >"$work/configure.log" 2>&1; then
	fail "cmake configure: $(tail -n 20 "$work/configure.log")"
	finish
fi
if ! cmake --build "$build" -j"$(nproc)" >"$work/build.log" 2>&1; then
	fail "cmake --build: $(grep -m5 -E 'error|Error' "$work/build.log")"
	finish
fi
if ! (cd "$build" && cpack -G DEB) >"$work/cpack.log" 2>&1; then
	fail "cpack -G DEB: $(tail -n 20 "$work/cpack.log")"
	finish
fi
version=$(sed -n 's/^project(sc-apply VERSION \([0-9.]*\).*/\1/p' "$SC_SOURCE_DIR/CMakeLists.txt")
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
deb=$build/sc-apply_${version}_${arch}.deb
if [ -f "$deb" ]; then
	pass "cpack -G DEB made $(basename "$deb")"
else
	fail "no $(basename "$deb"); cpack made: $(ls "$build"/*.deb 2>/dev/null)"
	finish
fi

dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's#^\./#/#' >"$work/contents"
for path in /usr/bin/sc-apply /usr/bin/sc-sandboxd \
	/usr/share/man/man1/sc-apply.1.gz /usr/share/man/man1/sc-sandboxd.1.gz \
	/usr/share/bash-completion/completions/sc-apply \
	/usr/share/bash-completion/completions/sc-sandboxd \
	/usr/lib/systemd/system/sc-apply.service /usr/lib/systemd/system/sc-apply.timer \
	/usr/lib/systemd/system/sc-apply-agent.service /usr/share/doc/sc-apply/README.md \
	/usr/share/doc/sc-apply/copyright /usr/share/doc/sc-apply/changelog.gz \
	/usr/share/doc/sc-apply/examples/warm-pool.yaml \
	/usr/share/doc/sc-apply/specs/sandbox.schema.json; do
	check "holds $path" grep -qx -- "$path" "$work/contents"
done
check "holds nothing outside /usr but /etc/sc-apply/env" \
	bash -c "! grep -v '^/usr' '$work/contents' | grep -vxE '/|/etc/|/etc/sc-apply/|/etc/sc-apply/env'"
# The env file may hold the secrets the specs' \${VARS} name: root's alone.
env_mode=$(dpkg-deb -c "$deb" | awk '$NF == "./etc/sc-apply/env" {print $1, $2}')
check "/etc/sc-apply/env is -rw------- root/root (got '$env_mode')" [ "$env_mode" = "-rw------- root/root" ]
conffiles=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles 2>/dev/null)
check "/etc/sc-apply/env is a conffile (an upgrade keeps the admin's copy)" \
	[ "$conffiles" = /etc/sc-apply/env ]
check "everything is owned by root" \
	bash -c "! dpkg-deb -c '$deb' | awk '{print \$2}' | grep -vx 'root/root'"

field() {
	dpkg-deb -f "$deb" "$1"
}
check "Package: sc-apply" [ "$(field Package)" = sc-apply ]
check "Version: $version" [ "$(field Version)" = "$version" ]
check "Architecture: $arch" [ "$(field Architecture)" = "$arch" ]
depends=$(field Depends)
for package in libcurl4 libyaml-0-2 libcyaml1 libcjson1 libmicrohttpd12; do
	check "Depends on $package" bash -c "[[ ', $depends,' == *', $package '* ]]"
done

dpkg-deb -x "$deb" "$work/root"
for program in sc-apply sc-sandboxd; do
	version_line=$("$work/root/usr/bin/$program" --version 2>&1)
	check "the unpacked $program runs: $version_line" [ "$version_line" = "$program $version" ]
done
check "the binaries are stripped" bash -c "! file '$work/root/usr/bin/sc-apply' | grep -q 'not stripped'"
check "the units start /usr/bin/sc-apply" \
	grep -q '^ExecStart=/usr/bin/sc-apply ' "$work/root/usr/lib/systemd/system/sc-apply.service"
check "the changelog's version is $version" \
	bash -c "zcat '$work/root/usr/share/doc/sc-apply/changelog.gz' | head -n1 | grep -qF 'sc-apply ($version)'"
check "the man page is gzipped roff" bash -c "zcat '$work/root/usr/share/man/man1/sc-apply.1.gz' | grep -q '^\.TH SC-APPLY 1'"

# What the binaries really link, as dpkg-shlibdeps sees it.
if have dpkg-shlibdeps; then
	mkdir -p "$work/shlibs/debian"
	printf 'Source: sc-apply\n\nPackage: sc-apply\nArchitecture: any\n' >"$work/shlibs/debian/control"
	if (cd "$work/shlibs" && dpkg-shlibdeps -O "$work/root/usr/bin/sc-apply" \
		"$work/root/usr/bin/sc-sandboxd") >"$work/shlibdeps" 2>"$work/shlibdeps.err"; then
		for package in $(sed 's/^shlibs:Depends=//' "$work/shlibdeps" | tr ',' '\n' |
			sed 's/^ *\([^ ]*\).*/\1/'); do
			check "Depends covers $package (dpkg-shlibdeps)" \
				bash -c "[[ ', $depends,' == *', $package '* || ', $depends,' == *', $package,'* ]]"
		done
	else
		fail "dpkg-shlibdeps: $(cat "$work/shlibdeps.err")"
	fi
else
	skip "dpkg-shlibdeps (dpkg-dev) is missing: Depends is not compared with the binaries' libraries"
fi

if [ "$(id -u)" -eq 0 ] && have dpkg; then
	dry_run() {
		dpkg --dry-run -i "$deb" >"$work/dry-run.log" 2>&1 || { cat "$work/dry-run.log"; false; }
	}
	check "dpkg --dry-run -i accepts it here" dry_run
else
	skip "not root: dpkg --dry-run -i is not tried"
fi
if have lintian; then
	lint() {
		lintian --tag-display-limit 0 "$deb" >"$work/lintian.log" 2>/dev/null
		grep '^[EW]:' "$work/lintian.log"
		! grep -q '^E:' "$work/lintian.log"
	}
	check "lintian finds no error" lint
else
	skip "lintian is not installed: the package is not linted"
fi

echo "--- $(basename "$deb"): $(stat -c %s "$deb") bytes"
dpkg-deb -I "$deb"
echo "---"
finish
