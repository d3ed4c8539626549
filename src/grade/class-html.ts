import crypto from 'node:crypto';
import type { JsonCheck } from '../report/json.js';
import { clock, oneLine } from '../report/text.js';
import { traceHeading, traceMark, type TraceLine } from '../report/trace.js';
import { firstFailed, firstFailures } from './class-insights.js';
import type { GradeResult } from './result.js';
import type { ClassRow, ClassSummary } from './summary.js';

/**
 * class.html: the class on one page an instructor can open from disk, with no network: a heatmap of
 * learners × levels, the checks the class fails first, time per learner, and each learner's failures one
 * click away, with what their rd did. Everything that came from a learner (names, paths, messages, output,
 * traces) is escaped, and the page's Content-Security-Policy runs only its own script, so a learner cannot
 * put code in it.
 */
export function classHtml(summary: ClassSummary, results: readonly GradeResult[]): string {
  const byLearner = new Map(results.map((r) => [r.learner, r]));
  const graded = summary.learners.flatMap((row) => byLearner.get(row.learner) ?? []);
  const maxTime = Math.max(1, ...summary.learners.map((r) => r.time_ms));
  const title = `Class report, levels ${summary.levels[0]}–${summary.level}`;
  const body = [
    `<header><h1>${esc(title)}</h1>${countsLine(summary)}</header>`,
    problemsSection(summary.merged?.problems ?? []),
    heatmapSection(summary, byLearner, maxTime),
    firstFailuresSection(graded, summary.learners.length),
    learnersSection(summary, byLearner),
    `<footer>${provenanceLine(summary)}</footer>`,
  ].join('\n');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src '${scriptHash}'; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** Text for HTML content and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The id of a learner's details; names are file-name-safe already, escaping keeps it so regardless. */
const learnerId = (learner: string) => `learner-${learner}`;
const learnerLink = (learner: string) => `<a href="#${esc(encodeURIComponent(learnerId(learner)))}">${esc(learner)}</a>`;

function countsLine(s: ClassSummary): string {
  const parts = (['pass', 'fail', 'error', 'pending'] as const)
    .filter((k) => k === 'pass' || s.counts[k] > 0)
    .map((k) => `<span class="status ${k}">${s.counts[k]} ${k}</span>`);
  return `<p class="counts">${s.learners.length} learner${s.learners.length === 1 ? '' : 's'}: ${parts.join(' ')}</p>`;
}

function problemsSection(problems: readonly string[]): string {
  if (problems.length === 0) return '';
  return `<section class="problems" role="alert"><h2>This merge is not complete</h2><ul>${problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul></section>`;
}

function firstFailuresSection(graded: readonly GradeResult[], classSize: number): string {
  const row = (label: string, learners: readonly string[], told: string) =>
    `<tr><th scope="row">${label}</th><td class="num">${learners.length} <span class="share">(${Math.round((100 * learners.length) / classSize)}%)</span></td><td>${told}</td><td class="who">${who(learners)}</td></tr>`;
  const rows = firstFailures(graded).map((f) => {
    const others = f.messages > 1 ? ` <span class="share">(and ${f.messages - 1} other message${f.messages > 2 ? 's' : ''})</span>` : '';
    return row(`<code>${esc(f.level)}/${esc(f.name)}</code>`, f.learners, esc(f.message) + others);
  });
  const errors = graded.filter((r) => r.status === 'error').map((r) => r.learner);
  if (errors.length > 0) rows.push(row('could not run', errors, 'did not build, hung, or crashed the VM: see each learner'));
  const content =
    rows.length === 0
      ? '<p>No learner failed a check.</p>'
      : `<table class="first"><thead><tr><th scope="col">check</th><th scope="col">learners</th><th scope="col">what they were told</th><th scope="col">who</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
  return `<section><h2>Where the class gets stuck</h2><p class="note">The first check each learner fails, most common first: what to explain again.</p>${content}</section>`;
}

/** Links to the learners, the first dozen of them: the heatmap has the rest. */
function who(learners: readonly string[]): string {
  const more = learners.length - 12;
  return learners.slice(0, 12).map(learnerLink).join(', ') + (more > 0 ? ` and ${more} more` : '');
}

function heatmapSection(s: ClassSummary, byLearner: ReadonlyMap<string, GradeResult>, maxTime: number): string {
  const head = `<tr><th scope="col">learner</th><th scope="col">status</th>${s.levels.map((l) => `<th scope="col" class="lvl">${esc(l)}</th>`).join('')}<th scope="col">total</th><th scope="col">time</th><th scope="col">stuck at</th></tr>`;
  const rows = s.learners.map((row) => {
    const result = byLearner.get(row.learner);
    const cells = s.levels.map((level) => levelCell(row, level, result)).join('');
    const width = Math.round((100 * row.time_ms) / maxTime);
    return `<tr><th scope="row">${learnerLink(row.learner)}</th><td><span class="status ${row.status}">${row.status}</span></td>${cells}<td class="num">${formatScore(row.total)}/${row.max}</td><td class="time"><span class="bar" style="width:${width}%"></span><span class="t">${clock(row.time_ms)}</span></td><td class="stuck">${stuckAt(row, result)}</td></tr>`;
  });
  const legend = [
    ['s0', '0/4', 'none passed'],
    ['s1', '1/4', 'under half'],
    ['s2', '3/4', 'half or more'],
    ['s3', '4/4', 'all passed'],
    ['none', '—', 'no check ran'],
  ]
    .map(([cls, sample, text]) => `<span class="cell ${cls}">${sample}</span> ${text}`)
    .join(' ');
  return `<section><h2>Levels</h2><p class="note">Checks passed of checks run, per level: ${legend}</p>
<div class="scroll"><table class="heat"><thead>${head}</thead><tbody>${rows.join('\n')}</tbody></table></div></section>`;
}

/** One level of one learner: checks passed of checks run, coloured by share (the text says it too). */
function levelCell(row: ClassRow, level: string, result: GradeResult | undefined): string {
  const score = result?.scores[level];
  if (!score || score.total === 0) return `<td class="cell none" title="level ${esc(level)}: no check ran">—</td>`;
  const cls = score.passed === score.total ? 's3' : score.score >= 0.5 ? 's2' : score.passed > 0 ? 's1' : 's0';
  return `<td class="cell ${cls}" title="${esc(`${row.learner}, level ${level}: ${score.passed} of ${score.total} checks passed`)}">${score.passed}/${score.total}</td>`;
}

/** Where a learner stopped, in a few words: the first failed check, or why nothing could be checked. */
function stuckAt(row: ClassRow, result: GradeResult | undefined): string {
  const failed = result && firstFailed(result);
  if (failed) return `<code>${esc(failed.level)}/${esc(failed.name)}</code>`;
  if (row.status === 'pass' || !row.reason) return '';
  const reason = oneLine(row.reason);
  return esc(reason.length > 48 ? `${reason.slice(0, 47)}…` : reason);
}

function learnersSection(s: ClassSummary, byLearner: ReadonlyMap<string, GradeResult>): string {
  const items = s.learners.map((row) => {
    const result = byLearner.get(row.learner);
    const summary = `<summary><b>${esc(row.learner)}</b> <span class="status ${row.status}">${row.status}</span> ${formatScore(row.total)}/${row.max} · ${clock(row.time_ms)}</summary>`;
    return `<details id="${esc(learnerId(row.learner))}">${summary}${result ? learnerDetails(result, row) : `<p>${esc(row.reason ?? 'no result')}</p>`}</details>`;
  });
  return `<section><h2>Each learner</h2>${items.join('\n')}</section>`;
}

function learnerDetails(r: GradeResult, row: ClassRow): string {
  const failed = r.report.tests.filter((t) => t.status === 'fail');
  const parts: string[] = [];
  if (r.status === 'error') parts.push(`<p class="why">Could not run: ${esc(r.report.message ?? r.reason ?? '')}</p>`);
  if (failed.length > 0) parts.push(`<ol class="checks">${failed.map(checkItem).join('')}</ol>`);
  else if (r.status === 'pass') parts.push('<p>Every check passed.</p>');
  if (r.report.tail?.length) parts.push(`<p>The VM's last lines:</p><pre>${esc(r.report.tail.join('\n'))}</pre>`);
  const commit = r.git_commit ? ` · commit <code>${esc(r.git_commit.slice(0, 12))}</code>` : '';
  const file = row.result_file ? ` · <a href="${esc(row.result_file.split('/').map(encodeURIComponent).join('/'))}">result file</a>` : '';
  parts.push(`<p class="meta"><code>${esc(r.path)}</code>${commit} · sources sha256 <code>${esc(r.provenance.sources_sha256.slice(0, 12))}</code>${file}</p>`);
  return parts.join('');
}

function checkItem(t: JsonCheck): string {
  const field = (label: string, value: string | undefined) => (value === undefined ? '' : `<dt>${label}</dt><dd><pre>${esc(value)}</pre></dd>`);
  const fields = field('expected', t.expected) + field('seen', t.actual) + field('command', t.command) + field('output', t.output) + traceField(t.trace);
  return `<li><code>${esc(t.level)}/${esc(t.name)}</code>: ${esc(t.message)}${fields ? `<dl>${fields}</dl>` : ''}</li>`;
}

/** What rd did during the check's command, marked as in the terminal: the pointed-at call bold, failed calls red. */
function traceField(trace: TraceLine[] | undefined): string {
  if (!trace?.length) return '';
  const lines = trace.map((l) => {
    const text = esc(`${traceMark(l)} ${l.call}`);
    return l.pointed ? `<b>${text}</b>` : l.failed ? `<span class="failed">${text}</span>` : text;
  });
  return `<dt>${esc(traceHeading(trace, trace.length))}</dt><dd><pre class="trace">${lines.join('\n')}</pre></dd>`;
}

function provenanceLine(s: ClassSummary): string {
  return `Generated ${esc(s.generated_at)} by rubber-workshop ${esc(s.tool_version)} · checkers sha256 <code>${esc(s.checkers_sha256.slice(0, 12))}</code> · VM assets <code>${esc(s.vm_assets_digest.slice(0, 12))}</code>`;
}

function formatScore(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

// Opens the learner a link (or the address) points at, since a closed <details> hides its target.
const SCRIPT = `function openTarget(){var id=decodeURIComponent(location.hash.slice(1));var el=id&&document.getElementById(id);if(el&&el.tagName==='DETAILS'){el.open=true;el.scrollIntoView();}}
window.addEventListener('hashchange',openTarget);openTarget();`;
const scriptHash = `sha256-${crypto.createHash('sha256').update(SCRIPT).digest('base64')}`;

// A colour-blind-safe orange–purple scale (ColorBrewer PuOr); each colour's text meets WCAG AA contrast.
const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:1.5rem;color:#1a1a1a;background:#fff;max-width:80rem}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:1.75rem 0 .5rem}
.note,.share,.meta,footer{color:#555}.share{font-size:.9em}
.counts .status{margin-right:.5rem}
.status{display:inline-block;padding:0 .4em;border-radius:3px;font-weight:600;font-size:.9em}
.status.pass{background:#542788;color:#fff}.status.fail{background:#b35806;color:#fff}
.status.error{background:#333;color:#fff}.status.pending{background:#e6e6e6;color:#333}
table{border-collapse:collapse}th,td{padding:.2rem .5rem;text-align:left;vertical-align:top}
thead th{border-bottom:2px solid #999;font-weight:600}
.first td,.first th{border-bottom:1px solid #ddd}.first th code{white-space:nowrap}.first .who{max-width:22rem}.num{text-align:right;white-space:nowrap}
.scroll{overflow-x:auto}
.heat td,.heat th{border-bottom:1px solid #eee}.heat tbody th{white-space:nowrap;font-weight:normal}
.cell{text-align:center;font-variant-numeric:tabular-nums;min-width:2.6rem;border:1px solid #fff}
.lvl{text-align:center}
.s0{background:#b35806;color:#fff}.s1{background:#f1a340;color:#000}.s2{background:#998ec3;color:#000}
.s3{background:#542788;color:#fff}.none{background:#e6e6e6;color:#333}
span.cell{display:inline-block;padding:0 .3em;border-radius:2px;min-width:auto}
.time{position:relative;min-width:8rem}.bar{position:absolute;left:0;top:25%;height:50%;background:#c9c9e3}
.t{position:relative;font-variant-numeric:tabular-nums}.stuck{white-space:nowrap;color:#333}
details{border-top:1px solid #eee;padding:.3rem 0}details[open]{background:#faf9fc}
summary{cursor:pointer}details:target summary,details[open] summary{font-weight:600}
pre{white-space:pre-wrap;word-break:break-word;background:#f3f3f3;padding:.3rem .5rem;margin:.2rem 0;max-height:16rem;overflow:auto}
dl{margin:.2rem 0 .6rem 1rem}.trace .failed{color:#b00}dt{font-weight:600;font-size:.9em}dd{margin:0}
.problems{border:2px solid #b35806;padding:.5rem 1rem;background:#fff4e6}
a{color:#3b1c78}
`;
