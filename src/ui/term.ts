/** Plain text when piped or NO_COLOR is set; colours and a spinner on a terminal. */
export function useColour(stream: NodeJS.WriteStream = process.stdout, env = process.env): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in env && env.NO_COLOR !== '') && env.TERM !== 'dumb';
}

const codes = { red: 31, green: 32, yellow: 33, blue: 34, dim: 2, bold: 1 } as const;
export type Colour = keyof typeof codes;

export function paint(colour: Colour, text: string, on = useColour()): string {
  return on ? `\x1b[${codes[colour]}m${text}\x1b[0m` : text;
}

/** A spinner's frames, 80 ms apart: the status line's and the workshop's. */
export const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * A reader that went away (`check | head -1`) is no reason to stop: without this, the first write after it
 * (EPIPE) would end the process before a check's progress is saved. Other errors end it as before.
 */
export function outliveReader(stream: NodeJS.EventEmitter): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  });
}

/**
 * One status line. On a terminal it spins and is rewritten in place, appearing only after half a second;
 * elsewhere each finished step is printed once as a plain line. Lines logged above it go to `out` (a
 * check's results to standard output, its spinner to standard error).
 */
export class Status {
  private text = '';
  private frame = 0;
  private timer: NodeJS.Timeout | null = null;
  private shown = false;

  constructor(
    private stream: NodeJS.WriteStream = process.stderr,
    private out: NodeJS.WriteStream = stream,
  ) {}

  private get tty(): boolean {
    return Boolean(this.stream.isTTY);
  }

  start(text: string): void {
    this.text = text;
    if (!this.tty) return;
    this.stopTimer();
    this.timer = setTimeout(() => {
      this.timer = setInterval(() => this.draw(), 80);
      this.draw();
    }, 500);
  }

  /** Ends the current step with a final line (kept on screen). */
  done(line: string): void {
    this.stopTimer();
    this.clear();
    this.stream.write(line + '\n');
  }

  /** Prints a line above the spinner without disturbing it. */
  log(line: string): void {
    this.clear();
    this.out.write(line + '\n');
    if (this.timer) this.draw();
  }

  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }

  stop(): void {
    this.stopTimer();
    this.clear();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private draw(): void {
    const cols = this.stream.columns || 80;
    const line = `${FRAMES[this.frame++ % FRAMES.length]} ${this.text}`.slice(0, cols - 1);
    this.stream.write(`\r\x1b[2K${paint('blue', line, useColour(this.stream))}`);
    this.shown = true;
  }
}
