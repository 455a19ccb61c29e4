#!/usr/bin/env bash
# The man pages and the bash completion against the code: every long
# option of src/cli/options.c's table is in sc-apply.1 and offered by the
# completion (--api-key only named, since it is always refused); every
# command of src/cli/cli.c, every -o value and every environment variable
# the CLI reads is documented; the same for sc-sandboxd's options, its
# completion and sc-sandboxd.1; the binaries' --help mention nothing the
# pages miss; and `man --warnings` renders both pages without a warning.
#   tests/deploy/docs.sh [SC_APPLY_BIN [SC_SANDBOXD_BIN]]
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
sc_apply=${1:-${SC_APPLY_BIN:-}}
sc_sandboxd=${2:-${SC_SANDBOXD_BIN:-}}
src=$SC_SOURCE_DIR/src
man_apply=$SC_SOURCE_DIR/docs/man/sc-apply.1
man_sandboxd=$SC_SOURCE_DIR/docs/man/sc-sandboxd.1
completion=$SC_SOURCE_DIR/completion/sc-apply
completion_sandboxd=$SC_SOURCE_DIR/completion/sc-sandboxd
make_work_dir

# in_man PAGE WORD: WORD (an option such as --max-delete) is in the roff
# source, where every '-' is written '\-'.
in_man() {
	local escaped=${2//-/\\-}
	grep -qF -- "$escaped" "$1"
}

# The commands and the options each takes, from sc-apply itself: its
# help lists the commands, `sc-apply options COMMAND` the options (both are
# made from the one option table of src/cli/).
if [ -z "$sc_apply" ] || [ ! -x "$sc_apply" ]; then
	fail "sc-apply is not built: its commands and options cannot be compared"
	finish
fi
"$sc_apply" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p' >"$work/commands"
check "sc-apply --help lists the commands" [ "$(wc -l <"$work/commands")" -ge 6 ]
: >"$work/options"
while read -r command; do
	"$sc_apply" options "$command" >"$work/options-$command"
	cat "$work/options-$command" >>"$work/options"
	# The help of a command lists exactly the options it takes.
	"$sc_apply" "$command" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u >"$work/help-$command"
	sort -u "$work/options-$command" >"$work/taken-$command"
	check "sc-apply $command --help lists exactly the options it takes" \
		cmp -s "$work/help-$command" "$work/taken-$command"
done <"$work/commands"
sort -u -o "$work/options" "$work/options"
count=$(wc -l <"$work/options")
check "the commands take options ($count in all)" [ "$count" -ge 20 ]
while read -r option; do
	check "sc-apply.1 documents $option" in_man "$man_apply" "$option"
done <"$work/options"
check "sc-apply.1 names --api-key (to say it is refused)" in_man "$man_apply" "--api-key"

while read -r command; do
	check "sc-apply.1 documents the command $command" grep -qx -- ".B $command" "$man_apply"
	check "the completion offers the command $command" \
		grep -qE -- "^_sc_apply_commands=\".*\\b$command\\b" "$completion"
done <"$work/commands"

for value in text json table; do
	check "sc-apply.1 documents -o $value" grep -qE -- "^\.B $value\$" "$man_apply"
done
for code in 0 1 2 64; do
	check "sc-apply.1 documents exit status $code" grep -qx -- ".B $code" "$man_apply"
done
for variable in $(grep -ho 'getenv("[A-Z_]*")' "$src"/cli/*.c "$src"/reconcile/*.c | sed 's/getenv("\(.*\)")/\1/' | sort -u); do
	check "sc-apply.1 documents \$$variable" grep -qx -- ".B $variable" "$man_apply"
done

# The completion itself, in bash: commands, option values, every option.
if [ -r "$completion" ]; then
	bash -c '
		source "$1"
		complete_line() {
			COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
			COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
			COMPREPLY=(); _sc_apply; echo "${COMPREPLY[*]}"
		}
		echo "commands: $(complete_line sc-apply "")"
		echo "plan -o: $(complete_line sc-apply plan -o "")"
		echo "get -o: $(complete_line sc-apply get -o "")"
		echo "files: $(cd "$2" && complete_line sc-apply -f examples/)"
	' _ "$completion" "$SC_SOURCE_DIR" >"$work/completed" 2>"$work/completion.err"
	check "the completion runs without errors" [ ! -s "$work/completion.err" ]
	check "completes the commands" grep -qx "commands: $(tr '\n' ' ' <"$work/commands" | sed 's/ $//')" "$work/completed"
	check "completes plan -o with text json" grep -qx "plan -o: text json" "$work/completed"
	check "completes get -o with table json" grep -qx "get -o: table json" "$work/completed"
	check "completes -f with the spec files" grep -q "^files: .*examples/warm-pool.yaml" "$work/completed"
	while read -r command; do
		offered=$(PATH="$(dirname "$sc_apply"):$PATH" bash -c '
			source "$1"
			COMP_WORDS=(sc-apply "$2" --); COMP_CWORD=2
			COMP_LINE="sc-apply $2 --"; COMP_POINT=${#COMP_LINE}
			COMPREPLY=(); _sc_apply; printf "%s\n" "${COMPREPLY[@]}"
		' _ "$completion" "$command" | sort)
		check "the completion offers exactly the options of $command" \
			[ "$offered" = "$(sort "$work/options-$command")" ]
	done <"$work/commands"
else
	fail "completion/sc-apply is missing"
fi

# sc-sandboxd: its options are the "--name" strings of its option parser.
if [ -r "$src/sandboxd/options.c" ]; then
	grep -o '"--[a-z-]*' "$src/sandboxd/options.c" | tr -d '"' | sort -u >"$work/sd-options"
	check "src/sandboxd/options.c: the options are found" [ "$(wc -l <"$work/sd-options")" -ge 15 ]
	while read -r option; do
		check "sc-sandboxd.1 documents $option" in_man "$man_sandboxd" "$option"
		check "the sc-sandboxd completion offers $option" \
			grep -qE -- "(^|[[:space:]\"])$option([[:space:]\"]|$)" "$completion_sandboxd"
	done <"$work/sd-options"
	for variable in $(grep -ho 'getenv("[A-Z_]*")' "$src"/sandboxd/*.c | sed 's/getenv("\(.*\)")/\1/' | sort -u); do
		check "sc-sandboxd.1 documents \$$variable" grep -qx -- ".B $variable" "$man_sandboxd"
	done
else
	skip "src/sandboxd/options.c does not exist yet: sc-sandboxd's options are not compared"
fi

# What sc-sandboxd's --help says, its page must say too.
if [ -n "$sc_sandboxd" ] && [ -x "$sc_sandboxd" ]; then
	for option in $("$sc_sandboxd" --help 2>&1 | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
		check "sc-sandboxd.1 documents $option (from --help)" in_man "$man_sandboxd" "$option"
	done
else
	skip "sc-sandboxd is not built: its --help is not compared with the page"
fi

if have man && have groff; then
	for page in "$man_apply" "$man_sandboxd"; do
		if MANWIDTH=80 man --warnings -l "$page" >"$work/rendered" 2>"$work/warnings" &&
			[ ! -s "$work/warnings" ] && [ -s "$work/rendered" ]; then
			pass "man --warnings renders $(basename "$page") cleanly"
		else
			fail "man --warnings $(basename "$page"): $(cat "$work/warnings")"
		fi
	done
else
	skip "man or groff is not installed: the pages are not rendered"
fi
finish
