import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { outliveReader } from '../../src/ui/term.js';

const failure = (code: string) => Object.assign(new Error(code), { code });

describe('outliveReader', () => {
  it('lets the process go on when the reader of its output went away (EPIPE), and after', () => {
    const stream = new EventEmitter();
    outliveReader(stream);
    expect(() => stream.emit('error', failure('EPIPE'))).not.toThrow();
    expect(() => stream.emit('error', failure('ERR_STREAM_DESTROYED'))).not.toThrow();
  });

  it('still ends it on any other error of the stream', () => {
    const stream = new EventEmitter();
    outliveReader(stream);
    expect(() => stream.emit('error', failure('ENOSPC'))).toThrow('ENOSPC');
  });
});
