#!/usr/bin/env node
// Takes docs/tui.svg from a real run: a fresh workspace, `rubber-workshop` in tmux (100×30), one check of
// level 00's stub in the VM, then the screen (with its colours) drawn as SVG text.
//
//   npm run build && node docs/screenshot.mjs [OUT.svg] [-- COMMAND…]
//
// COMMAND defaults to `node dist/cli.js`. Needs tmux and the VM assets (`rubber-workshop setup`).
// docs/tui.png is the same image rendered with `rsvg-convert docs/tui.svg -o docs/tui.png` (librsvg2-bin).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '..');
const dash = process.argv.indexOf('--');
const args = dash < 0 ? process.argv.slice(2) : process.argv.slice(2, dash);
const command = dash < 0 ? [process.execPath, path.join(repo, 'dist/cli.js')] : process.argv.slice(dash + 1);
const out = path.resolve(args[0] ?? path.join(repo, 'docs/tui.svg'));
const [COLS, ROWS] = [100, 30];

const socket = `rw-screenshot-${process.pid}`;
const tmux = (...a) => spawnSync('tmux', ['-L', socket, ...a], { encoding: 'utf8' });
const capture = (colours) => tmux('capture-pane', '-p', ...(colours ? ['-e'] : []), '-t', 'tui').stdout;

async function waitFor(text, timeoutMs) {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((r) => setTimeout(r, 250))) {
    if (capture(false).includes(text)) return;
  }
  throw new Error(`the screen never showed "${text}":\n${capture(false)}`);
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-screenshot-'));
try {
  const ws = path.join(root, 'workshop');
  const init = spawnSync(process.execPath, [path.join(repo, 'dist/cli.js'), 'init', ws], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(init.stderr);
  const quoted = ['env', '-u', 'CI', '-u', 'NO_COLOR', 'TERM=xterm-256color', ...command].map((w) => `'${w}'`).join(' ');
  tmux('new-session', '-d', '-s', 'tui', '-x', String(COLS), '-y', String(ROWS), '-c', ws, `${quoted}; sleep 600`);
  await waitFor('c check', 30_000);
  tmux('send-keys', '-t', 'tui', 'c');
  await waitFor('not passed yet', 5 * 60_000);
  fs.writeFileSync(out, toSvg(capture(true)));
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
} finally {
  tmux('kill-server');
  fs.rmSync(root, { recursive: true, force: true });
}

// ANSI (as tmux capture-pane -e prints it) to SVG: one <text> per run of equally styled characters,
// stretched to its cells with textLength so the grid holds whatever monospace font the viewer has.
function toSvg(ansi) {
  const palette = ['#1e1e1e', '#f14c4c', '#23d18b', '#e5e510', '#3b8eea', '#d670d6', '#29b8db', '#cccccc',
    '#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#e5e5e5'];
  const [fg0, bg0] = ['#d4d4d4', '#1e1e1e'];
  const [cw, lh, pad, bar] = [8.4, 18, 14, 28];
  const xterm256 = (n) => {
    if (n < 16) return palette[n];
    if (n >= 232) return `rgb(${8 + (n - 232) * 10},${8 + (n - 232) * 10},${8 + (n - 232) * 10})`;
    const c = n - 16;
    const v = (k) => (k === 0 ? 0 : 55 + k * 40);
    return `rgb(${v(Math.floor(c / 36))},${v(Math.floor(c / 6) % 6)},${v(c % 6)})`;
  };
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const parts = [];
  let style = { fg: undefined, bg: undefined, bold: false, dim: false, italic: false, underline: false, inverse: false };
  const lines = ansi.replace(/\n$/, '').split('\n').slice(0, ROWS);
  lines.forEach((line, row) => {
    let col = 0;
    for (const token of line.match(/\x1b\[[0-9;]*m|[^\x1b]+/g) ?? []) {
      if (token.startsWith('\x1b[')) {
        style = applySgr(style, token.slice(2, -1), xterm256);
        continue;
      }
      const chars = [...token];
      const x = pad + col * cw;
      const y = bar + pad + row * lh;
      let fg = style.fg ?? fg0;
      let bg = style.bg;
      if (style.inverse) [fg, bg] = [bg ?? bg0, fg];
      if (bg) parts.push(`<rect x="${x}" y="${y - lh + 4}" width="${chars.length * cw}" height="${lh}" fill="${bg}"/>`);
      if (token.trim()) {
        const attrs = [
          `x="${x}" y="${y}" fill="${fg}" textLength="${chars.length * cw}" lengthAdjust="spacingAndGlyphs"`,
          style.bold ? 'font-weight="bold"' : '',
          style.dim ? 'fill-opacity="0.6"' : '',
          style.italic ? 'font-style="italic"' : '',
          style.underline ? 'text-decoration="underline"' : '',
        ].filter(Boolean);
        parts.push(`<text ${attrs.join(' ')}>${esc(token)}</text>`);
      }
      col += chars.length;
    }
  });
  const width = pad * 2 + COLS * cw;
  const height = bar + pad * 2 + ROWS * lh;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="'DejaVu Sans Mono', Menlo, Consolas, monospace" font-size="14" xml:space="preserve">`,
    `<rect width="100%" height="100%" rx="8" fill="${bg0}"/>`,
    ...['#ff5f56', '#ffbd2e', '#27c93f'].map((c, i) => `<circle cx="${18 + i * 20}" cy="14" r="6" fill="${c}"/>`),
    `<text x="${width / 2}" y="19" fill="#999999" text-anchor="middle" font-size="12">rubber-workshop</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

function applySgr(style, params, xterm256) {
  const codes = params === '' ? [0] : params.split(';').map(Number);
  const s = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c === 0) Object.assign(s, { fg: undefined, bg: undefined, bold: false, dim: false, italic: false, underline: false, inverse: false });
    else if (c === 1) s.bold = true;
    else if (c === 2) s.dim = true;
    else if (c === 3) s.italic = true;
    else if (c === 4) s.underline = true;
    else if (c === 7) s.inverse = true;
    else if (c === 22) s.bold = s.dim = false;
    else if (c === 23) s.italic = false;
    else if (c === 24) s.underline = false;
    else if (c === 27) s.inverse = false;
    else if (c >= 30 && c <= 37) s.fg = xterm256(c - 30);
    else if (c >= 90 && c <= 97) s.fg = xterm256(c - 90 + 8);
    else if (c >= 40 && c <= 47) s.bg = xterm256(c - 40);
    else if (c >= 100 && c <= 107) s.bg = xterm256(c - 100 + 8);
    else if (c === 39) s.fg = undefined;
    else if (c === 49) s.bg = undefined;
    else if (c === 38 || c === 48) {
      const key = c === 38 ? 'fg' : 'bg';
      if (codes[i + 1] === 5) {
        s[key] = xterm256(codes[i + 2]);
        i += 2;
      } else if (codes[i + 1] === 2) {
        s[key] = `rgb(${codes[i + 2]},${codes[i + 3]},${codes[i + 4]})`;
        i += 4;
      }
    }
  }
  return s;
}
