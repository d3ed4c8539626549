import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { chromium, screenshot } from '../../scripts/chromium.mjs';
import { classHtml } from '../../src/grade/class-html.js';
import { classSummary, rowFromResult } from '../../src/grade/summary.js';
import { check, levels, result } from '../unit/grade/results-fixture.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-e2e-report-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const evil = '<script>document.title="pwned"</script><img src=x onerror="document.title=\'pwned\'">';
const results = [
  result('ana', [check('00', 'runs'), check('01', 'chroot')]),
  result('ben', [check('00', 'runs'), check('01', 'chroot', 'the root is still /', { output: evil })]),
  result('chen', [check('00', 'runs', evil)], { path: `/class/${evil}` }),
];
const summary = classSummary(results.map((r) => rowFromResult(r, `results/${r.learner}.json`)), '01', levels, { toolVersion: '1.0.0', checkersSha256: 'c'.repeat(64), vmAssetsDigest: 'v'.repeat(64) }, new Date(0));
const page = path.join(root, 'class.html');
fs.writeFileSync(page, classHtml(summary, results));
const url = `file://${page}`;

describe('class.html in a real browser (Debian chromium, headless)', () => {
  test('opens the learner a link points at, and shows learner text as text, never as markup', () => {
    const dom = chromium(['--dump-dom', `${url}#learner-ben`]);
    expect(dom).toMatch(/<details id="learner-ben" open="">/);
    expect(dom).toMatch(/<details id="learner-ana">/);
    expect(dom).toContain('<title>Class report, levels 00–01</title>');
    expect(dom).not.toContain('pwned</title>');
    expect(dom).not.toContain('<img');
    expect(dom.match(/<script>/g)).toHaveLength(1);
    expect(dom).toContain('&lt;script&gt;document.title="pwned"&lt;/script&gt;');
  });

  test('paints the heatmap: levels all passed, none passed and never run each cover a block of the screen', () => {
    const png = path.join(root, 'shot.png');
    screenshot(url, png, { width: 1000, height: 700 });
    const { width, height, pixels } = decodePng(fs.readFileSync(png));
    expect([width, height]).toEqual([1000, 700]);
    const count = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      let n = 0;
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i] === r && pixels[i + 1] === g && pixels[i + 2] === b) n++;
      return n;
    };
    // ana's levels and ben's 00 all passed (purple); ben's 01 and chen's 00 none passed (orange).
    expect(count('#542788')).toBeGreaterThan(500);
    expect(count('#b35806')).toBeGreaterThan(500);
    expect(count('#e6e6e6')).toBeGreaterThan(500); // chen's level 01 never ran
  });
});

/** The RGBA pixels of an 8-bit RGB or RGBA, non-interlaced PNG (what chromium writes). */
function decodePng(buf: Buffer): { width: number; height: number; pixels: Uint8Array } {
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const idat: Buffer[] = [];
  let width = 0, height = 0, channels = 0;
  for (let at = 8; at < buf.length; ) {
    const len = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)];
      expect([data[8], data[12]]).toEqual([8, 0]);
      channels = data[9] === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const cur = new Uint8Array(stride);
    for (let x = 0; x < stride; x++) {
      const [a, b, c] = [x >= channels ? cur[x - channels]! : 0, prev[x]!, x >= channels ? prev[x - channels]! : 0];
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      cur[x] = (line[x]! + [0, a, b, (a + b) >> 1, paeth][filter]!) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      pixels.set([cur[x * channels]!, cur[x * channels + 1]!, cur[x * channels + 2]!, channels === 4 ? cur[x * channels + 3]! : 255], (y * width + x) * 4);
    }
    prev = cur;
  }
  return { width, height, pixels };
}
