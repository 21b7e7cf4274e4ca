import { describe, expect, it } from 'vitest';
import { formatDuration, loggedProgress, Progress } from '#runtime/progress.ts';

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, columns: 200, write: (s: string) => out.push(s) } };
}

describe('Progress', () => {
  it('without a terminal writes one plain line per interval with the date reached and an estimate, then a summary', () => {
    let t = 0;
    const { out, stream } = sink(false);
    const p = new Progress({ label: 'catch-up', total: 10, unit: 'days', stream, lineEveryMs: 5000, now: () => t });
    p.update(1, '2025-04-01'); // first line at once
    t = 1000;
    p.update(2, '2025-04-02'); // within the interval: nothing
    t = 6000;
    p.update(3, '2025-04-03');
    expect(out).toHaveLength(2);
    expect(out[1]).toBe('catch-up: 3/10 days (30 %) · 2025-04-03, 0:06 elapsed, ETA 0:14\n');
    t = 8000;
    p.update(10, '2025-04-10'); // the last one is always shown
    p.finish('10 days run, 42 units due');
    expect(out.at(-2)).toContain('10/10 days (100 %)');
    expect(out.at(-1)).toBe('catch-up: 10 days run, 42 units due (in 0:08)\n');
    expect(out.join('')).not.toContain('\r');
  });

  it('on a terminal redraws one bar in place and replaces it by the summary', () => {
    let t = 0;
    const { out, stream } = sink(true);
    const p = new Progress({ label: 'simulating', total: 4, unit: 'days', stream, now: () => t });
    expect(p.eta()).toBeNull();
    t = 2000;
    p.update(1, '2024-01-01');
    expect(out[0]).toBe(
      `\r\x1b[2Ksimulating [######${'-'.repeat(out[0]!.length ? (out[0]!.match(/-+/)?.[0].length ?? 0) : 0)}]  25% 1/4 days · 2024-01-01 · 0:02 · ETA 0:06`,
    );
    expect(p.eta()).toBe(6);
    t = 2050;
    p.update(2, '2024-01-02'); // within 100 ms: no redraw
    expect(out).toHaveLength(1);
    t = 4000;
    p.finish('4 days');
    expect(out.at(-1)).toBe('\r\x1b[2Ksimulating: 4 days (in 0:04)\n');
  });

  it('formats durations as m:ss or h:mm:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(83)).toBe('1:23');
    expect(formatDuration(3723)).toBe('1:02:03');
  });

  it('into a log: nothing for a short job, then a line at most every 5 s with the estimate', () => {
    let t = 0;
    const lines: string[] = [];
    const quick = loggedProgress((m) => lines.push(m), { label: 'bank file', unit: 'deposits', now: () => t });
    t = 40;
    quick(3, 3);
    expect(lines).toEqual([]); // done in 40 ms: no line
    const slow = loggedProgress((m) => lines.push(m), { label: 'bank file', unit: 'deposits', now: () => t });
    t = 4_000;
    slow(2_000, 10_000);
    expect(lines).toEqual([]);
    t = 5_040;
    slow(2_500, 10_000);
    expect(lines).toEqual(['bank file: 2500/10000 deposits (25 %), 0:05 elapsed, ETA 0:15']);
    t = 7_000;
    slow(3_500, 10_000); // within 5 s of the last line
    expect(lines).toHaveLength(1);
    t = 10_100;
    slow(5_000, 10_000);
    expect(lines.at(-1)).toBe('bank file: 5000/10000 deposits (50 %), 0:10 elapsed, ETA 0:10');
  });

  it('draws the total at once, once, and then at its pace while the rest drains', () => {
    let t = 0;
    const { out, stream } = sink(false);
    const p = new Progress({ label: 'daily run', total: 10, unit: 'due units', stream, now: () => t });
    t = 1000;
    p.update(2);
    t = 1200;
    p.update(10, '5 queued');
    expect(out).toHaveLength(2);
    t = 1400;
    p.update(10, '3 queued');
    t = 1600;
    p.update(10, '1 queued');
    expect(out).toHaveLength(2);
    t = 6300;
    p.update(10, '0 queued');
    expect(out).toHaveLength(3);
  });
});
