import { describe, expect, test } from 'vitest';
import { ConsoleParser, HELLO, MAGIC, READY, WARM, sanitize, type ConsoleEvent } from '../../src/vm/protocol.js';

const TOKEN = 'a'.repeat(32);
const b64 = (s: string) => Buffer.from(s).toString('base64');
/** A result's texts as checkers/lib.sh sends them: one base64 field, NUL between them. */
const texts = (...t: string[]) => b64(t.join('\0'));
const result = (name: string, status = 'pass', output = '', trace = '') =>
  `${MAGIC}${TOKEN} result\t00\t${name}\t${status}\t12\t${texts('msg', '', '', 'rd run', output, trace)}`;
const all = (p: ConsoleParser, ...chunks: (string | Buffer)[]) => [...chunks.flatMap((c) => p.push(c)), ...p.end()];

describe('console protocol', () => {
  test('separates free text, hello and signed records', () => {
    const events = all(new ConsoleParser(TOKEN), `boot text\n${HELLO}\n${result('one')}\n${MAGIC}${TOKEN} end\t1\n`);
    expect(events.map((e) => e.type)).toEqual(['log', 'hello', 'record', 'record']);
    expect(events[2]).toMatchObject({ record: { kind: 'result', result: { name: 'one', status: 'pass', ms: 12, message: 'msg', command: 'rd run' } } });
    expect(events[3]).toEqual({ type: 'record', record: { kind: 'end', count: 1 } });
  });

  test('ready and warm are unsigned lines of their own (the host decides what each may mean when)', () => {
    const events = all(new ConsoleParser(TOKEN), `${READY}\n${WARM}\n${MAGIC}warmer\n`);
    expect(events.map((e) => e.type)).toEqual(['ready', 'warm', 'forged']);
  });

  test('a record without this run\'s token never counts', () => {
    const forged = `${MAGIC}${'b'.repeat(32)} result\t00\tone\tpass\t1\t${texts('', '', '', '', '', '')}`;
    const events = all(new ConsoleParser(TOKEN), forged + '\n', `${MAGIC}result\t00\tone\tpass\n`);
    expect(events.map((e) => e.type)).toEqual(['forged', 'forged']);
  });

  test('malformed records with the right token are rejected, not half-read', () => {
    const empty = texts('', '', '', '', '', '');
    const bad = [
      `${MAGIC}${TOKEN} result\t00\tone\tmaybe\t1\t${empty}`,
      `${MAGIC}${TOKEN} end\t-1`,
      `${MAGIC}${TOKEN} result\t00\t../x\tpass\t1\t${empty}`,
      `${MAGIC}${TOKEN} result\t00\tone\tpass\t1\t${texts('five', '', '', '', '')}`,
      `${MAGIC}${TOKEN} result\t00\tone\tpass\t1\t${texts('seven', '', '', '', '', '', '')}`,
      `${MAGIC}${TOKEN} nonsense`,
    ];
    const events = all(new ConsoleParser(TOKEN), bad.join('\n') + '\n');
    expect(events.every((e) => e.type === 'forged')).toBe(true);
  });

  test('reassembles records split across chunks, even inside a multi-byte character', () => {
    const line = Buffer.from(result('one', 'fail', 'sortie: éè') + '\n');
    const p = new ConsoleParser(TOKEN);
    const events: ConsoleEvent[] = [];
    for (let i = 0; i < line.length; i += 7) events.push(...p.push(line.subarray(i, i + 7)));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ record: { result: { output: 'sortie: éè', status: 'fail' } } });
  });

  test('a record after text printed without a newline is still found', () => {
    const events = all(new ConsoleParser(TOKEN), `partial output${result('one')}\n`);
    expect(events.map((e) => e.type)).toEqual(['log', 'record']);
    expect(events[0]).toEqual({ type: 'log', line: 'partial output' });
  });

  test("by hand, the harness's stream tags give stdout and stderr apart; checks never read them", () => {
    const text = '\x1f1 to stdout\n\x1f2 to stderr\n\x1f2 \x1f1 stderr that looks tagged\nthe kernel\n';
    const byHand = all(new ConsoleParser(TOKEN, undefined, true), text);
    expect(byHand).toEqual([
      { type: 'log', line: 'to stdout', stream: 'stdout' },
      { type: 'log', line: 'to stderr', stream: 'stderr' },
      { type: 'log', line: '1 stderr that looks tagged', stream: 'stderr' },
      { type: 'log', line: 'the kernel' },
    ]);
    expect(all(new ConsoleParser(TOKEN), text).every((e) => e.type === 'log' && !('stream' in e))).toBe(true);
  });

  test('interleaved stderr and carriage returns come out as clean lines', () => {
    const events = all(new ConsoleParser(TOKEN), 'out 1\r\nerr: boom\r\nprogress 10%\rprogress 100%\n');
    expect(events).toEqual([
      { type: 'log', line: 'out 1' }, { type: 'log', line: 'err: boom' }, { type: 'log', line: 'progress 10%progress 100%' },
    ]);
  });

  test('strips terminal escape sequences from guest text', () => {
    expect(sanitize('\x1b[31mred\x1b[0m \x1b]0;title\x07bell\x07 \x1b[2J\x00ok')).toBe('red bell ok');
    const events = all(new ConsoleParser(TOKEN), '\x1b[2J\x1b[Hclear screen\n');
    expect(events).toEqual([{ type: 'log', line: 'clear screen' }]);
  });

  test('bounds line length and total output', () => {
    const p = new ConsoleParser(TOKEN, { maxLine: 10, maxLog: 100 });
    const long = all(p, 'x'.repeat(50) + '\n');
    expect(long).toEqual([{ type: 'log', line: 'x'.repeat(10) + '…' }]);
    const flood = all(p, ...Array.from({ length: 50 }, () => 'yyyyyyyyy\n'), result('after-flood') + '\n');
    const logs = flood.filter((e) => e.type === 'log');
    expect(logs.length).toBeLessThan(12);
    expect(logs.at(-1)).toEqual({ type: 'log', line: '[output cut: more than 100 bytes]' });
    expect(flood.at(-1)).toMatchObject({ type: 'record', record: { result: { name: 'after-flood' } } });
  });

  test('a line that never ends does not grow without bound', () => {
    const p = new ConsoleParser(TOKEN);
    const events = p.push('z'.repeat(200_000));
    expect(events.length).toBe(1);
    expect(p.end().length).toBeLessThanOrEqual(1);
  });

  test('record fields are bounded and sanitised', () => {
    const huge = '\x1b[31m' + 'o'.repeat(20_000);
    const line = `${MAGIC}${TOKEN} result\t00\tone\tfail\t5\t${texts('m', '', '', '', huge, huge)}`;
    const [ev] = all(new ConsoleParser(TOKEN), line + '\n');
    expect(ev.type).toBe('record');
    const { output, trace } = (ev as { record: { result: { output: string; trace: string } } }).record.result;
    expect(output.length).toBeLessThanOrEqual(8001);
    expect(output).not.toContain('\x1b');
    expect(trace.length).toBeLessThanOrEqual(12_201);
    expect(trace).not.toContain('\x1b');
  });

  test("a failure carries rd's trace; a result without one has none", () => {
    const trace = '*init 418 unshare(CLONE_NEWNS) = 0\n init 418 chdir("/") = 0';
    const [failed, passed] = all(new ConsoleParser(TOKEN), `${result('one', 'fail', 'out', trace)}\n${result('two')}\n`);
    expect(failed).toMatchObject({ record: { result: { name: 'one', output: 'out', trace } } });
    expect((passed as { record: { result: object } }).record.result).not.toHaveProperty('trace');
  });

  test('a record in an earlier shape, a field for each text, is rejected', () => {
    const events = all(new ConsoleParser(TOKEN), `${MAGIC}${TOKEN} result\t00\tone\tpass\t1\t${b64('m')}\t\t\t\t\t\n`);
    expect(events.map((e) => e.type)).toEqual(['forged']);
  });
});
