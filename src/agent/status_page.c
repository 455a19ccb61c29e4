/*
 * The status page (GET /): one self-contained HTML document, no external
 * asset (it must work in an air-gapped cluster). Its inline script reads
 * /api/status (same origin) every 2 seconds and builds the page from it
 * with text nodes only: no server string is ever parsed as markup. It is
 * served with a Content-Security-Policy that allows that script (by its
 * hash), the inline style and same-origin fetches, and nothing else.
 */
#include "agent/status_page.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/sha256.h"

static const char head[] =
    "<!doctype html>\n"
    "<html lang=\"en\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>sc-apply agent</title>\n"
    "<style>\n"
    ":root { color-scheme: light; --fg: #1d2327; --muted: #5f6b73; --line: #d9dee2;\n"
    "  --ok: #1a7f37; --bad: #c62828; --warn: #9a6700; --bar: #4f7cac; --dur: #d9822b; }\n"
    "* { box-sizing: border-box; }\n"
    "body { margin: 0; padding: 16px 24px; font: 14px/1.45 system-ui, -apple-system, \"Segoe UI\",\n"
    "  \"DejaVu Sans\", sans-serif; color: var(--fg); background: #f7f8f9; }\n"
    "header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px 16px; }\n"
    "h1 { font-size: 20px; margin: 0; }\n"
    "h2 { font-size: 16px; margin: 20px 0 8px; }\n"
    ".muted { color: var(--muted); }\n"
    ".badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600;\n"
    "  font-size: 12px; color: #fff; background: var(--muted); }\n"
    ".badge.ok { background: var(--ok); } .badge.bad { background: var(--bad); }\n"
    "#banner { margin: 12px 0 0; padding: 8px 12px; border-radius: 4px; background: #fdecea;\n"
    "  color: var(--bad); }\n"
    "table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }\n"
    "th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--line);\n"
    "  vertical-align: top; }\n"
    "th { background: #eef1f3; font-weight: 600; }\n"
    "td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }\n"
    "td { white-space: nowrap; } td.messages { white-space: normal; width: 100%; }\n"
    "tr.set-row td { background: #f2f5f7; font-weight: 600; }\n"
    "td.short { color: var(--warn); font-weight: 600; }\n"
    "td.stale-some { color: var(--warn); font-weight: 600; }\n"
    "progress { width: 80px; vertical-align: middle; margin-right: 6px; }\n"
    "ul.messages { margin: 0; padding-left: 18px; }\n"
    "li.error { color: var(--bad); } li.warning { color: var(--warn); }\n"
    ".text { white-space: pre-wrap; overflow-wrap: anywhere; }\n"
    "#chart { display: block; width: 100%; max-width: 900px; height: 170px; background: #fff;\n"
    "  border: 1px solid var(--line); margin-bottom: 10px; }\n"
    ".legend { font-size: 12px; color: var(--muted); margin: 0 0 6px; }\n"
    ".legend span { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 12px; }\n"
    "</style>\n"
    "</head>\n"
    "<body>\n"
    "<header>\n"
    "<h1>sc-apply agent</h1>\n"
    "<span id=\"summary\" class=\"badge\">loading</span>\n"
    "<span id=\"updated\" class=\"muted\"></span>\n"
    "</header>\n"
    "<p id=\"banner\" role=\"alert\" hidden></p>\n"
    "<h2>Specs</h2>\n"
    "<table id=\"specs\">\n"
    "<thead><tr><th>Set</th><th>Spec</th><th>State</th><th class=\"num\">Desired</th>\n"
    "<th class=\"num\">Ready</th><th class=\"num\">Stale</th><th class=\"num\">TTL left</th>\n"
    "<th>Rollout</th></tr></thead>\n"
    "<tbody></tbody>\n"
    "</table>\n"
    "<p id=\"listed\" class=\"muted\"></p>\n"
    "<h2>Cycles</h2>\n"
    "<p class=\"legend\"><span style=\"background:var(--bar)\"></span>actions\n"
    "<span style=\"background:var(--dur)\"></span>duration</p>\n"
    "<svg id=\"chart\" viewBox=\"0 0 900 170\" preserveAspectRatio=\"none\" role=\"img\"\n"
    " aria-label=\"actions and duration per cycle\"></svg>\n"
    "<table id=\"cycles\">\n"
    "<thead><tr><th class=\"num\">Cycle</th><th>Started</th><th class=\"num\">Duration</th>\n"
    "<th>Result</th><th class=\"num\">Drift</th><th>Actions</th><th>Errors and warnings</th></tr></thead>\n"
    "<tbody></tbody>\n"
    "</table>\n"
    "<script>";

static const char script[] =
    "\"use strict\";\n"
    "/* Every string from the server reaches the page as text (textContent,\n"
    "   text nodes, setAttribute), never as markup. */\n"
    "const REFRESH_MS = 2000;\n"
    "const FORMAT = \"1\";\n"
    "const SVG = \"http://www.w3.org/2000/svg\";\n"
    "\n"
    "function el(tag, attrs, children) {\n"
    "  const node = document.createElement(tag);\n"
    "  for (const [key, value] of Object.entries(attrs || {}))\n"
    "    node.setAttribute(key, String(value));\n"
    "  for (const child of children || [])\n"
    "    node.append(child instanceof Node ? child : document.createTextNode(String(child)));\n"
    "  return node;\n"
    "}\n"
    "\n"
    "function svg(tag, attrs, text) {\n"
    "  const node = document.createElementNS(SVG, tag);\n"
    "  for (const [key, value] of Object.entries(attrs || {}))\n"
    "    node.setAttribute(key, String(value));\n"
    "  if (text !== undefined)\n"
    "    node.textContent = String(text);\n"
    "  return node;\n"
    "}\n"
    "\n"
    "function duration(seconds) {\n"
    "  if (seconds === null || seconds === undefined)\n"
    "    return \"\\u2014\";\n"
    "  const s = Math.max(0, Math.floor(seconds));\n"
    "  if (s < 60) return s + \"s\";\n"
    "  if (s < 3600) return Math.floor(s / 60) + \"m \" + (s % 60) + \"s\";\n"
    "  return Math.floor(s / 3600) + \"h \" + Math.floor((s % 3600) / 60) + \"m\";\n"
    "}\n"
    "\n"
    "function millis(ms) {\n"
    "  return ms < 1000 ? ms + \" ms\" : (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + \" s\";\n"
    "}\n"
    "\n"
    "function clock(text) {\n"
    "  if (!text) return \"\\u2014\";\n"
    "  const date = new Date(text);\n"
    "  return isNaN(date) ? String(text) : date.toLocaleTimeString();\n"
    "}\n"
    "\n"
    "function rolloutCell(rollout) {\n"
    "  if (!rollout)\n"
    "    return el(\"td\", {class: \"rollout\"}, [\"none\"]);\n"
    "  const total = Number(rollout.total) || 0, updated = Number(rollout.updated) || 0;\n"
    "  const bar = el(\"progress\", {max: Math.max(total, 1), value: Math.min(updated, total)});\n"
    "  return el(\"td\", {class: \"rollout\"},\n"
    "            [bar, rollout.phase + \" \" + updated + \"/\" + total]);\n"
    "}\n"
    "\n"
    "function specRow(spec) {\n"
    "  const short = spec.state === \"running\" && spec.ready < spec.desired;\n"
    "  return el(\"tr\", {class: \"spec-row\", \"data-set\": spec.set, \"data-spec\": spec.name}, [\n"
    "    el(\"td\", {class: \"set\"}, [spec.set]),\n"
    "    el(\"td\", {class: \"spec\"}, [spec.name]),\n"
    "    el(\"td\", {class: \"state\"}, [spec.state]),\n"
    "    el(\"td\", {class: \"num desired\"}, [spec.desired]),\n"
    "    el(\"td\", {class: \"num ready\" + (short ? \" short\" : \"\")}, [spec.ready]),\n"
    "    el(\"td\", {class: \"num stale\" + (spec.stale ? \" stale-some\" : \"\")}, [spec.stale]),\n"
    "    el(\"td\", {class: \"num ttl\"}, [duration(spec.ttlLeftSeconds)]),\n"
    "    rolloutCell(spec.rollout),\n"
    "  ]);\n"
    "}\n"
    "\n"
    "function setRow(set) {\n"
    "  const counts = Object.entries(set.sandboxes || {})\n"
    "    .filter(([, n]) => n > 0).map(([state, n]) => n + \" \" + state);\n"
    "  return el(\"tr\", {class: \"set-row\", \"data-set\": set.name}, [\n"
    "    el(\"td\", {colspan: 8}, [\"set \" + set.name + \": \" +\n"
    "                            (counts.length ? counts.join(\", \") : \"no sandboxes\")]),\n"
    "  ]);\n"
    "}\n"
    "\n"
    "function renderSpecs(status) {\n"
    "  const body = document.querySelector(\"#specs tbody\");\n"
    "  const rows = [];\n"
    "  for (const set of status.sets) {\n"
    "    rows.push(setRow(set));\n"
    "    for (const spec of status.specs.filter(s => s.set === set.name))\n"
    "      rows.push(specRow(spec));\n"
    "  }\n"
    "  const known = new Set(status.sets.map(s => s.name));\n"
    "  for (const spec of status.specs.filter(s => !known.has(s.set)))\n"
    "    rows.push(specRow(spec));\n"
    "  if (!rows.length)\n"
    "    rows.push(el(\"tr\", {}, [el(\"td\", {colspan: 8, class: \"muted\"},\n"
    "                                    [\"no sandboxes listed yet\"])]));\n"
    "  body.replaceChildren(...rows);\n"
    "  document.getElementById(\"listed\").textContent = status.listedInCycle\n"
    "    ? \"as cycle \" + status.listedInCycle + \" left them, \" + clock(status.listedAt)\n"
    "    : \"\";\n"
    "}\n"
    "\n"
    "function actionText(actions) {\n"
    "  const parts = [];\n"
    "  for (const [kind, results] of Object.entries(actions || {}))\n"
    "    for (const [result, n] of Object.entries(results))\n"
    "      if (n > 0) parts.push(kind + \" \" + n + \" \" + result);\n"
    "  return parts.length ? parts.join(\", \") : \"none\";\n"
    "}\n"
    "\n"
    "function messagesCell(cycle) {\n"
    "  const items = cycle.messages.map(m =>\n"
    "    el(\"li\", {class: m.level}, [el(\"span\", {class: \"text\"}, [m.level + \": \" + m.text])]));\n"
    "  if (cycle.messagesDropped)\n"
    "    items.push(el(\"li\", {class: \"muted\"}, [cycle.messagesDropped + \" more not kept\"]));\n"
    "  return el(\"td\", {class: \"messages\"},\n"
    "            items.length ? [el(\"ul\", {class: \"messages\"}, items)] : []);\n"
    "}\n"
    "\n"
    "function cycleRow(cycle) {\n"
    "  return el(\"tr\", {class: \"cycle-row\", \"data-cycle\": cycle.number}, [\n"
    "    el(\"td\", {class: \"num\"}, [cycle.number]),\n"
    "    el(\"td\", {}, [clock(cycle.startedAt)]),\n"
    "    el(\"td\", {class: \"num\"}, [millis(cycle.durationMs)]),\n"
    "    el(\"td\", {}, [el(\"span\", {class: \"badge \" + (cycle.ok ? \"ok\" : \"bad\")},\n"
    "                     [cycle.ok ? \"ok\" : \"failed\"])]),\n"
    "    el(\"td\", {class: \"num\"}, [cycle.drift === null ? \"\\u2014\" : cycle.drift]),\n"
    "    el(\"td\", {class: \"actions\"}, [actionText(cycle.actions)]),\n"
    "    messagesCell(cycle),\n"
    "  ]);\n"
    "}\n"
    "\n"
    "/* Bars: actions per cycle (left scale); dots and line: duration (right scale). */\n"
    "function renderChart(cycles) {\n"
    "  const chart = document.getElementById(\"chart\");\n"
    "  const width = 900, height = 170, top = 14, bottom = 22, left = 36, right = 52;\n"
    "  const list = cycles.slice().reverse();\n"
    "  const nodes = [];\n"
    "  const maxActions = Math.max(1, ...list.map(c => c.actionsTotal));\n"
    "  const maxMs = Math.max(1, ...list.map(c => c.durationMs));\n"
    "  const plotH = height - top - bottom;\n"
    "  const slot = (width - left - right) / Math.max(list.length, 20);\n"
    "  nodes.push(svg(\"line\", {x1: left, y1: height - bottom, x2: width - right,\n"
    "                          y2: height - bottom, stroke: \"#9aa5ad\"}));\n"
    "  nodes.push(svg(\"text\", {x: left - 4, y: top + 4, \"text-anchor\": \"end\", \"font-size\": 11,\n"
    "                          fill: \"#4f7cac\"}, maxActions));\n"
    "  nodes.push(svg(\"text\", {x: width - right + 4, y: top + 4, \"font-size\": 11,\n"
    "                          fill: \"#d9822b\"}, millis(maxMs)));\n"
    "  const points = [];\n"
    "  list.forEach((cycle, i) => {\n"
    "    const x = left + i * slot;\n"
    "    const h = plotH * cycle.actionsTotal / maxActions;\n"
    "    const bar = svg(\"rect\", {class: \"bar\", x: x + slot * 0.2, y: height - bottom - h,\n"
    "                             width: Math.max(slot * 0.6, 1), height: h,\n"
    "                             fill: cycle.ok ? \"#4f7cac\" : \"#c62828\"});\n"
    "    bar.append(svg(\"title\", {}, \"cycle \" + cycle.number + \": \" + cycle.actionsTotal +\n"
    "                                \" actions, \" + millis(cycle.durationMs)));\n"
    "    nodes.push(bar);\n"
    "    const cx = x + slot / 2, cy = height - bottom - plotH * cycle.durationMs / maxMs;\n"
    "    points.push(cx.toFixed(1) + \",\" + cy.toFixed(1));\n"
    "    nodes.push(svg(\"circle\", {class: \"dot\", cx: cx, cy: cy, r: 3, fill: \"#d9822b\"}));\n"
    "    nodes.push(svg(\"text\", {x: cx, y: height - 6, \"text-anchor\": \"middle\",\n"
    "                            \"font-size\": 10, fill: \"#5f6b73\"}, cycle.number));\n"
    "  });\n"
    "  if (points.length > 1)\n"
    "    nodes.splice(1, 0, svg(\"polyline\", {points: points.join(\" \"), fill: \"none\",\n"
    "                                        stroke: \"#d9822b\", \"stroke-width\": 1.5}));\n"
    "  chart.replaceChildren(...nodes);\n"
    "}\n"
    "\n"
    "function renderSummary(status) {\n"
    "  const summary = document.getElementById(\"summary\");\n"
    "  const last = status.recentCycles[0];\n"
    "  summary.dataset.cycles = status.cycles;\n"
    "  if (!last) {\n"
    "    summary.className = \"badge\";\n"
    "    summary.textContent = \"no cycle yet\";\n"
    "  } else if (last.ok) {\n"
    "    summary.className = \"badge ok\";\n"
    "    summary.textContent = \"cycle \" + last.number + \" ok\";\n"
    "  } else {\n"
    "    summary.className = \"badge bad\";\n"
    "    summary.textContent = \"cycle \" + last.number + \" failed (\" +\n"
    "                          status.consecutiveFailures + \" in a row)\";\n"
    "  }\n"
    "  document.getElementById(\"updated\").textContent =\n"
    "    \"last success \" + clock(status.lastSuccessAt) + \" \\u00b7 updated \" +\n"
    "    clock(status.generatedAt);\n"
    "}\n"
    "\n"
    "function render(status) {\n"
    "  if (status.formatVersion !== FORMAT)\n"
    "    throw new Error(\"unsupported status format \" + JSON.stringify(status.formatVersion));\n"
    "  renderSummary(status);\n"
    "  renderSpecs(status);\n"
    "  renderChart(status.recentCycles);\n"
    "  document.querySelector(\"#cycles tbody\").replaceChildren(...status.recentCycles.map(cycleRow));\n"
    "}\n"
    "\n"
    "function showProblem(text) {\n"
    "  const banner = document.getElementById(\"banner\");\n"
    "  banner.textContent = text;\n"
    "  banner.hidden = !text;\n"
    "}\n"
    "\n"
    "async function refresh() {\n"
    "  try {\n"
    "    const response = await fetch(\"api/status\", {cache: \"no-store\"});\n"
    "    if (!response.ok)\n"
    "      throw new Error(\"HTTP \" + response.status);\n"
    "    render(await response.json());\n"
    "    showProblem(\"\");\n"
    "    document.body.dataset.loaded = \"true\";\n"
    "  } catch (error) {\n"
    "    showProblem(\"cannot read the agent's status: \" + error.message);\n"
    "  } finally {\n"
    "    setTimeout(refresh, REFRESH_MS);\n"
    "  }\n"
    "}\n"
    "\n"
    "refresh();\n";

static const char tail[] =
    "</script>\n"
    "</body>\n"
    "</html>\n";

static char page[sizeof(head) + sizeof(script) + sizeof(tail)];
static char csp[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void base64(char *out, const uint8_t *bytes, size_t count)
{
	static const char digits[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < count; i += 3) {
		uint32_t group = (uint32_t)bytes[i] << 16;
		if (i + 1 < count)
			group |= (uint32_t)bytes[i + 1] << 8;
		if (i + 2 < count)
			group |= bytes[i + 2];
		*out++ = digits[(group >> 18) & 63];
		*out++ = digits[(group >> 12) & 63];
		*out++ = i + 1 < count ? digits[(group >> 6) & 63] : '=';
		*out++ = i + 2 < count ? digits[group & 63] : '=';
	}
	*out = '\0';
}

static void build(void)
{
	uint8_t digest[32];
	char hash[48];
	sc_sha256 sha;

	snprintf(page, sizeof(page), "%s%s%s", head, script, tail);
	sc_sha256_init(&sha);
	sc_sha256_update(&sha, script, strlen(script));
	sc_sha256_final(&sha, digest);
	base64(hash, digest, sizeof(digest));
	snprintf(csp, sizeof(csp),
	         "default-src 'none'; script-src 'sha256-%s'; style-src 'unsafe-inline'; "
	         "connect-src 'self'; img-src 'self' data:; base-uri 'none'; "
	         "form-action 'none'; frame-ancestors 'none'",
	         hash);
}

const char *sc_agent_status_page_html(void)
{
	pthread_once(&once, build);
	return page;
}

const char *sc_agent_status_page_csp(void)
{
	pthread_once(&once, build);
	return csp;
}
