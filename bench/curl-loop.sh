#!/usr/bin/env bash
# The script a user writes today instead of sc-apply: for each spec, list
# what exists with curl, then create what is missing, one request at a
# time. It is the baseline bench/run measures sc-apply against. It knows
# nothing about drift in TTL, state or hash: it only tops up counts, so it
# does strictly less work than sc-apply.
#   bench/curl-loop.sh SPECS REPLICAS SET
# needs SEACLOUD_API_BASE_URL and SEACLOUD_API_KEY.
set -euo pipefail
specs=$1 replicas=$2 set=$3
auth=(-H "X-API-Key: $SEACLOUD_API_KEY")

for s in $(seq 1 "$specs"); do
	name="spec-$s"
	have=0
	token=""
	while :; do
		url="$SEACLOUD_API_BASE_URL/sandboxes?limit=100&metadata%5Bsc-apply%2Fset%5D=$set&metadata%5Bsc-apply%2Fname%5D=$name"
		[ -n "$token" ] && url="$url&nextToken=$token"
		headers=$(mktemp)
		body=$(curl -sS --fail -D "$headers" "${auth[@]}" "$url")
		have=$((have + $( (grep -o '"sandboxID"' <<<"$body" || true) | wc -l)))
		token=$(grep -i '^x-next-token:' "$headers" | cut -d' ' -f2 | tr -d '\r' || true)
		rm -f "$headers"
		[ -z "$token" ] && break
	done
	for _ in $(seq $((have + 1)) "$replicas"); do
		curl -sS --fail -o /dev/null "${auth[@]}" -H "Content-Type: application/json" \
			-X POST "$SEACLOUD_API_BASE_URL/sandboxes" \
			--data "{\"templateID\":\"base\",\"timeout\":3600,\"waitReady\":true,\"metadata\":{\"sc-apply/set\":\"$set\",\"sc-apply/name\":\"$name\"}}"
	done
done
