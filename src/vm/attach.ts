import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Duplex, Writable } from 'node:stream';
import { processAlive } from '../temp.js';
import { takeTerminal, type Terminal } from './terminal.js';

/** The socket a session listens on for `shell --attach`, in a folder of its own that only its user can enter. */
const SOCKET = 'attach.sock';
const SESSION_PREFIX = 'rubber-workshop-';

// From the attached terminal to the session: frames of a type byte, a 4-byte length and the bytes, so that
// window sizes travel beside the keys without any key sequence being taken for one.
const KEYS = 0x6b; // k
const SIZE = 0x77; // w

export function frame(type: 'keys' | 'size', data: Buffer | string): Buffer {
  const body = Buffer.from(data);
  const head = Buffer.alloc(5);
  head[0] = type === 'keys' ? KEYS : SIZE;
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

/** Splits a byte stream back into frames; unknown frame types are skipped. */
export class FrameReader {
  private pending = Buffer.alloc(0);

  push(chunk: Buffer): { type: 'keys' | 'size'; data: Buffer }[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    const frames: { type: 'keys' | 'size'; data: Buffer }[] = [];
    while (this.pending.length >= 5) {
      const length = this.pending.readUInt32BE(1);
      if (this.pending.length < 5 + length) break;
      const type = this.pending[0];
      const data = this.pending.subarray(5, 5 + length);
      this.pending = this.pending.subarray(5 + length);
      if (type === KEYS || type === SIZE) frames.push({ type: type === KEYS ? 'keys' : 'size', data });
    }
    return frames;
  }
}

const sizeOf = (output: NodeJS.WriteStream) => `${output.rows || 24} ${output.columns || 80}`;

/**
 * Serves the guest's second terminal (`guest`, its hvc0) on a socket in `dir`, to one attached terminal at a
 * time; window sizes go to the control port. Returns what closes it.
 */
export function serveAttach(dir: string, guest: Duplex, control: Writable): () => void {
  let client: net.Socket | null = null;
  guest.on('error', () => {});
  guest.on('data', (d: Buffer) => client?.write(d));
  const server = net.createServer((sock) => {
    sock.on('error', () => {});
    if (client) {
      sock.end('rubber-workshop: another terminal is attached to this VM already\r\n');
      return;
    }
    client = sock;
    const reader = new FrameReader();
    sock.on('data', (chunk: Buffer) => {
      for (const f of reader.push(chunk)) {
        if (f.type === 'keys') guest.write(f.data);
        else if (/^\d{1,4} \d{1,4}$/.test(f.data.toString())) control.write(`hvc0 ${f.data}\n`);
      }
    });
    sock.on('close', () => {
      if (client === sock) client = null;
    });
    guest.write('\x0c'); // Ctrl-L: the shell there draws its prompt again for the newcomer
  });
  server.on('error', () => {});
  server.listen(path.join(dir, SOCKET));
  return () => {
    server.close();
    client?.destroy();
  };
}

/** The attach sockets of this user's running sessions, newest first. */
export function liveSessions(dir = os.tmpdir()): string[] {
  const found: { socket: string; mtime: number }[] = [];
  for (const name of fs.readdirSync(dir)) {
    const pid = Number(/^(\d+)-/.exec(name.slice(SESSION_PREFIX.length))?.[1]);
    if (!name.startsWith(SESSION_PREFIX) || !pid || !processAlive(pid)) continue;
    const socket = path.join(dir, name, SOCKET);
    try {
      found.push({ socket, mtime: fs.statSync(socket).mtimeMs });
    } catch {
      // not a session's folder, or not listening yet
    }
  }
  return found.sort((a, b) => b.mtime - a.mtime).map((f) => f.socket);
}

/** A connection to the newest session that answers, or null: a session may be ending, its socket still there. */
export async function connectSession(sockets = liveSessions()): Promise<net.Socket | null> {
  for (const socket of sockets) {
    const sock = net.createConnection(socket);
    const answered = await new Promise<boolean>((resolve) => sock.once('connect', () => resolve(true)).once('error', () => resolve(false)));
    if (answered) return sock;
    sock.destroy();
  }
  return null;
}

/**
 * Puts this terminal on a session's second terminal until the escape key (detached: the session goes on)
 * or the session's end (ended).
 */
export async function attach(sock: net.Socket, term: Terminal): Promise<'detached' | 'ended'> {
  sock.on('error', () => {});
  const onResize = () => sock.write(frame('size', sizeOf(term.output)));
  onResize();
  term.output.on('resize', onResize);
  let how: 'detached' | 'ended' = 'ended';
  const release = takeTerminal(term, (keys) => {
    if (keys.length) sock.write(frame('keys', keys));
  }, () => {
    how = 'detached';
    sock.destroy();
  });
  sock.on('data', (d: Buffer) => term.output.write(d));
  try {
    await new Promise((resolve) => sock.once('close', resolve));
    return how;
  } finally {
    term.output.off('resize', onResize);
    release();
  }
}
