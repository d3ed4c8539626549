// Debian's chromium, headless, for looking at the pages rubber-workshop writes (class.html): a throwaway
// profile, no sandbox (it may run as root in CI), and nothing that reaches the network on its own.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Runs chromium with `args` (e.g. --dump-dom URL) and returns what it printed on stdout. */
export function chromium(args, { timeoutMs = 90_000 } = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-chromium-'));
  try {
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--hide-scrollbars', `--user-data-dir=${profile}`];
    // TMPDIR inside the profile: chromium's own temporary folders (org.chromium.Chromium.*) go with it.
    const env = { ...process.env, TMPDIR: profile };
    const r = spawnSync(CHROMIUM, [...flags, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env });
    if (r.error) throw new Error(`cannot run ${CHROMIUM} (${r.error.message}): apt-get install -y chromium`);
    if (r.status !== 0) throw new Error(`${CHROMIUM} exited ${r.status}:\n${r.stderr}`);
    return r.stdout;
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/** Saves a screenshot of `url` as a PNG of `width`×`height` CSS pixels. */
export function screenshot(url, file, { width = 1280, height = 900 } = {}) {
  chromium([`--window-size=${width},${height}`, `--screenshot=${file}`, url]);
  if (!fs.existsSync(file)) throw new Error(`chromium did not write ${file}`);
}
