/**
 * Progress where people wait (the catch-up of `npm start`, `npm run simulate`, `npm run bench`, a large
 * import): on a terminal one bar redrawn in place — done/total, percent, what was reached (e.g. the
 * date), elapsed and an estimate of the time left — and on anything else (CI logs, a file) one plain
 * line every few seconds. `finish` replaces the bar by one line saying what was done and how long it took.
 * Writes to stderr by default, so a command's stdout (a Result, JSON) stays clean.
 */

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressOptions {
  /** What is being done: "catch-up", "simulating", "seeding". */
  readonly label: string;
  readonly total: number;
  /** The unit of `total`: "days", "units", "records". */
  readonly unit?: string;
  readonly stream?: ProgressStream;
  /** Without a terminal: at most one line per this many ms (default 5 s). */
  readonly lineEveryMs?: number;
  /** On a terminal: at most one redraw per this many ms (default 100). */
  readonly redrawEveryMs?: number;
  /** Milliseconds (tests); default performance.now. */
  readonly now?: () => number;
  /** When the work began, on the `now` clock (default: when the Progress is made). */
  readonly startedAt?: number;
}

/** `83 s` → `1:23`, `3723 s` → `1:02:03`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export class Progress {
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly started: number;
  private lastDraw = -Infinity;
  private drawn = false;
  private done = 0;
  private detail = '';

  constructor(private readonly opts: ProgressOptions) {
    this.stream = opts.stream ?? process.stderr;
    this.now = opts.now ?? (() => performance.now());
    this.started = opts.startedAt ?? this.now();
  }

  get tty(): boolean {
    return this.stream.isTTY === true;
  }

  /** Seconds left at the rate so far (null before anything is done). */
  eta(): number | null {
    if (this.done <= 0) return null;
    const elapsed = (this.now() - this.started) / 1000;
    return (elapsed / this.done) * Math.max(0, this.opts.total - this.done);
  }

  /** `done` of `total` finished; `detail` is what was reached (e.g. the date). */
  update(done: number, detail = ''): void {
    // Reaching the total draws at once, once; after that (work still draining) the usual pace again.
    const reached = done >= this.opts.total && this.done < this.opts.total;
    this.done = done;
    this.detail = detail;
    const t = this.now();
    const every = this.tty ? (this.opts.redrawEveryMs ?? 100) : (this.opts.lineEveryMs ?? 5000);
    if (t - this.lastDraw < every && !reached) return;
    this.lastDraw = t;
    this.draw();
  }

  /** Ends the bar with one line: `label: summary (in m:ss)`. */
  finish(summary: string): void {
    const elapsed = formatDuration((this.now() - this.started) / 1000);
    this.stream.write(`${this.tty && this.drawn ? '\r\x1b[2K' : ''}${this.opts.label}: ${summary} (in ${elapsed})\n`);
    this.drawn = false;
  }

  private draw(): void {
    const { label, total, unit = '' } = this.opts;
    const pct = total > 0 ? Math.min(100, Math.floor((100 * this.done) / total)) : 100;
    const eta = this.eta();
    const counts = `${this.done}/${total}${unit ? ` ${unit}` : ''}`;
    const reached = this.detail ? ` · ${this.detail}` : '';
    const elapsed = formatDuration((this.now() - this.started) / 1000);
    const left = eta === null ? 'ETA –' : `ETA ${formatDuration(eta)}`;
    if (this.tty) {
      const width = 24;
      const fill = Math.round((width * pct) / 100);
      const line = `${label} [${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${String(pct).padStart(3)}% ${counts}${reached} · ${elapsed} · ${left}`;
      this.stream.write(`\r\x1b[2K${line.slice(0, Math.max(20, (this.stream.columns ?? 120) - 1))}`);
      this.drawn = true;
    } else {
      this.stream.write(`${label}: ${counts} (${pct} %)${reached}, ${elapsed} elapsed, ${left}\n`);
    }
  }
}

/**
 * Progress for a log (a Lambda's, or the local server's, where no terminal is watching), as an
 * `onProgress(done, total)` callback: nothing while the work is younger than `everyMs` (default 5 s, so
 * a small file logs nothing), then one line at most every `everyMs` — done/total, percent, elapsed, the
 * estimate — through `log`. For a long step inside one request or event, e.g. the deposits of a large
 * bank file (the total is known only once the work has begun).
 */
export function loggedProgress(
  log: (message: string) => void,
  opts: { readonly label: string; readonly unit?: string; readonly everyMs?: number; readonly now?: () => number },
): (done: number, total: number) => void {
  const now = opts.now ?? (() => performance.now());
  const every = opts.everyMs ?? 5000;
  const started = now();
  let progress: Progress | undefined;
  return (done, total) => {
    // Made at the first report, when the total is known; it counts from when the work began.
    progress ??= new Progress({
      label: opts.label,
      total,
      unit: opts.unit,
      lineEveryMs: every,
      now,
      startedAt: started,
      stream: { write: (text: string) => log(text.trim()), isTTY: false },
    });
    if (now() - started >= every) progress.update(done);
  };
}
