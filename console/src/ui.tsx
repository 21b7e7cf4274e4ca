/** Shared pieces: data loading, errors in words, bar charts, links. */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.ts';
import { formatDate, refusal, scale } from './format.ts';

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: unknown; reload: () => void } {
  const [state, set] = useState<{ data: T | null; error: unknown }>({ data: null, error: null });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && set({ data, error: null }),
      (error: unknown) => live && set({ data: null, error }),
    );
    return () => {
      live = false;
    };
    // The effect re-runs when a dependency or the refresh counter changes (the caller's list).
  }, [...deps, n]);
  return { ...state, reload: useCallback(() => setN((x) => x + 1), []) };
}

/** An API refusal in words: the code, why, and what to do. */
export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  if (error instanceof ApiError) {
    const r = refusal(error.code);
    const earliest = typeof error.details.earliest === 'string' ? error.details.earliest : null;
    return (
      <div class="error" role="alert" data-code={error.code}>
        <strong>{r.why}</strong>
        <div>{r.todo}</div>
        {earliest && <div class="earliest">最も早い終了日: {formatDate(earliest)}</div>}
        <small>
          コード {error.code}: {error.message}
        </small>
      </div>
    );
  }
  return (
    <div class="error" role="alert">
      通信に失敗しました: {String(error)}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return <p aria-busy="true">{what}を読み込んでいます…</p>;
}

export const link = (path: string) => `#${path}`;

export function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  return (
    <section aria-labelledby={id ? `${id}-h` : undefined} id={id}>
      <h2 id={id ? `${id}-h` : undefined}>{title}</h2>
      {children}
    </section>
  );
}

/** A labelled vertical bar chart (SVG), with the numbers as a table for screen readers. */
export function BarChart({
  title,
  labels,
  series,
  format,
}: {
  title: string;
  labels: string[];
  series: { name: string; values: number[]; color: string }[];
  format: (n: number) => string;
}) {
  const h = 120;
  const bw = 14;
  const group = bw * series.length + 10;
  const scaled = series.map((s) => scale(s.values, h));
  const shared = scale(
    series.flatMap((s) => s.values),
    h,
  );
  const unify = series.length > 1;
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg role="img" aria-label={title} width={labels.length * group + 10} height={h + 40}>
        {labels.map((l, i) => (
          <g key={l} transform={`translate(${5 + i * group},0)`}>
            {series.map((s, k) => {
              const v = unify ? shared[k * labels.length + i]! : scaled[k]![i]!;
              return (
                <rect key={s.name} x={k * bw} y={h - v} width={bw - 2} height={v} fill={s.color}>
                  <title>{`${l} ${s.name}: ${format(s.values[i]!)}`}</title>
                </rect>
              );
            })}
            <text x={(bw * series.length) / 2} y={h + 14} font-size="10" text-anchor="middle">
              {l}
            </text>
          </g>
        ))}
      </svg>
      <div class="legend">
        {series.map((s) => (
          <span key={s.name}>
            <i style={{ background: s.color }} /> {s.name}
          </span>
        ))}
      </div>
      <table class="sr-only">
        <caption>{title}</caption>
        <tbody>
          {labels.map((l, i) => (
            <tr key={l}>
              <th>{l}</th>
              {series.map((s) => (
                <td key={s.name}>{format(s.values[i]!)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

export function Field({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <label class="field">
      <span>{label}</span>
      {children}
    </label>
  );
}
