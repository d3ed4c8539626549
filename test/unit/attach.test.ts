import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import net from 'node:net';
import { connectSession, frame, FrameReader, liveSessions } from '../../src/vm/attach.js';

describe('shell --attach', () => {
  test('keys and window sizes travel as frames, whatever bytes the keys hold, however the stream is cut', () => {
    const keys = Buffer.from('ls\r\x03\x1b[A\x00w\x00\x00\x00\x05');
    const stream = Buffer.concat([frame('size', '30 100'), frame('keys', keys), frame('keys', '')]);
    const reader = new FrameReader();
    const frames = [...stream].flatMap((byte) => reader.push(Buffer.from([byte])));
    expect(frames.map((f) => [f.type, f.data.toString('latin1')])).toEqual([['size', '30 100'], ['keys', keys.toString('latin1')], ['keys', '']]);
  });

  test('a frame of an unknown type is skipped', () => {
    const odd = frame('keys', 'x');
    odd[0] = 0x7a;
    expect(new FrameReader().push(Buffer.concat([odd, frame('size', '1 2')]))).toEqual([{ type: 'size', data: Buffer.from('1 2') }]);
  });

  test("finds the sockets of live sessions only, newest first", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-attach-'));
    try {
      const session = (name: string, mtime: number) => {
        fs.mkdirSync(path.join(dir, name));
        fs.writeFileSync(path.join(dir, name, 'attach.sock'), '');
        fs.utimesSync(path.join(dir, name, 'attach.sock'), mtime, mtime);
      };
      session(`rubber-workshop-${process.pid}-old`, 1000);
      session(`rubber-workshop-${process.pid}-new`, 2000);
      session('rubber-workshop-999999999-gone', 3000); // its process is not running
      fs.mkdirSync(path.join(dir, `rubber-workshop-${process.pid}-payload`)); // a VM's payload folder: no socket
      expect(liveSessions(dir).map((s) => path.basename(path.dirname(s)))).toEqual([`rubber-workshop-${process.pid}-new`, `rubber-workshop-${process.pid}-old`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('attaches to the newest session that answers: one whose socket refuses (it is ending) is passed over', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-attach-'));
    const server = net.createServer((c) => c.end('hello from the session'));
    try {
      const live = path.join(dir, 'live.sock');
      await new Promise<void>((resolve) => server.listen(live, resolve));
      const refusing = path.join(dir, 'refusing.sock');
      fs.writeFileSync(refusing, ''); // a file where a socket was: connect() is refused
      const sock = await connectSession([refusing, live]);
      expect(sock).not.toBeNull();
      const said = await new Promise<string>((resolve) => { let got = ''; sock!.on('data', (d) => (got += d)).on('end', () => resolve(got)); });
      expect(said).toBe('hello from the session');
      expect(await connectSession([refusing])).toBeNull();
    } finally {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
