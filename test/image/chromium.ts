import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Opens `url` in Debian's headless chromium, waits until `ready` (a JavaScript expression evaluated in the
 * page) is true, then saves a PNG screenshot to `shot` and returns the page's text at that moment. Talks
 * the DevTools protocol over --remote-debugging-pipe (NUL-separated JSON on fds 3 and 4): no WebSocket.
 */
export async function screenshotWhen(url: string, ready: string, shot: string, timeoutMs: number): Promise<string> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-chromium-'));
  const browser = spawn('chromium', ['--headless=new', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--remote-debugging-pipe',
    '--window-size=1400,860', `--user-data-dir=${profile}`, 'about:blank'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, TMPDIR: profile } });
  const toBrowser = browser.stdio[3] as NodeJS.WritableStream;
  const fromBrowser = browser.stdio[4] as NodeJS.ReadableStream;
  const waiting = new Map<number, (msg: any) => void>();
  let buffered = '';
  fromBrowser.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let end;
    while ((end = buffered.indexOf('\0')) >= 0) {
      const msg = JSON.parse(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
      waiting.get(msg.id)?.(msg);
    }
  });
  let nextId = 1;
  const send = (method: string, params: object = {}, sessionId?: string): Promise<any> => new Promise((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, (msg) => (msg.error ? reject(new Error(`${method}: ${msg.error.message}`)) : resolve(msg.result)));
    toBrowser.write(JSON.stringify({ id, method, params, sessionId }) + '\0');
  });
  try {
    const { targetId } = await send('Target.createTarget', { url });
    const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
    const evaluate = async (expression: string) => (await send('Runtime.evaluate', { expression, returnByValue: true }, sessionId)).result.value;
    const end = Date.now() + timeoutMs;
    let isReady;
    while (!(isReady = await evaluate(`Boolean(${ready})`)) && Date.now() < end) await new Promise((r) => setTimeout(r, 500));
    // Saved either way: when the page never got ready, the screenshot shows why.
    const { data } = await send('Page.captureScreenshot', { format: 'png' }, sessionId);
    fs.writeFileSync(shot, Buffer.from(data, 'base64'));
    const text = String(await evaluate('document.body.innerText'));
    if (!isReady) throw new Error(`the page did not get ready in ${timeoutMs / 1000} s (see ${shot}): ${text.slice(0, 300)}`);
    return text;
  } finally {
    const exited = new Promise((r) => browser.once('exit', r));
    // The whole process group (detached: its own): the browser's helpers write the profile too.
    process.kill(-browser.pid!, 'SIGKILL');
    await exited;
    // A helper that left the group may still write for a moment: a profile left in /tmp is no failure.
    try {
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
    } catch (e) {
      console.warn(`left ${profile}: ${(e as Error).message}`);
    }
  }
}
