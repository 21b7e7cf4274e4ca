/**
 * A TypeScript port of `scripts/compare-result.py` (docs/SIMULATION.md: "compares two results field
 * by field the way they are judged"), plus a stage mask for scenario tests of an earlier stage.
 *
 * Unmasked (`covers` = every stage, the default) it is the Python tool: the same fields, the same
 * multiset semantics (`collections.Counter`), the same messages in the same order, so that
 * `formatReport(compareResults(e, a))` is byte for byte what `python3 compare-result.py e a` prints.
 * Python's semantics are reproduced where they show: `None`/`True`/`repr` formatting, ordering of
 * keys by `repr` (code-point order), `1 == 1.0 == True`, `float()` parsing of `hours`.
 * One limit: JSON numbers are JS numbers, so an integral float written `120.0` prints as `120`
 * (Python would print `120.0`); no field the results use is written that way.
 *
 * ## The stage mask
 * While a capability is still being built its events answer `NOT_IMPLEMENTED` and its outputs do
 * not exist yet (SIMULATION.md, last paragraph). A test of an earlier stage passes
 * `covers: Set<Stage>`; for every stage NOT in the set, these parts are dropped from BOTH the
 * expected and the actual result before the unmasked comparison runs:
 *
 * - `billing` (invoices, payments, interest, dunning — RULES §5–7, DETAILS I/L/D):
 *   - `invoices` (all of them);
 *   - notices of the billing types: `invoice_issued`, `payment_overdue`, `suspension_warning`,
 *     `suspended`, `service_resumed`, `termination_notice`, `terminated`;
 *   - desktop records with action `suspend` / `resume` (RULES §8, K2);
 *   - unit history entries `suspended` and `terminated`, and the `active` entry that directly
 *     follows a `suspended` one (the resumption, L5/H4);
 *   - a unit's `status` (on both sides) when the EXPECTED status is `suspended` or `terminated`.
 * - `outages` (outages, maintenance, compensation — RULES §10, DETAILS O/M1):
 *   - `compensations` (all of them);
 *   - notices `outage_threshold_reached`, `compensation_statement`, `maintenance_notice`.
 * - any uncovered stage: event results whose ACTUAL code is `NOT_IMPLEMENTED`, together with the
 *   expected result of the same index. When `scenario` is given, only events whose `type` belongs to
 *   an uncovered stage (`pay` → billing; `outage_start`, `outage_end`, `maintenance` → outages) are
 *   dropped, so a `NOT_IMPLEMENTED` answer to a lifecycle event still shows as a difference.
 *
 * What the mask does NOT hide: lifecycle consequences of billing (a termination ends the service, so
 * its `endedOn`, desktop deletions and data-retrieval reminders; `APPLICANT_DELINQUENT` answers;
 * `UNIT_NOT_ACTIVE` for suspended units). Scenarios meant to pass before billing lands must pay their
 * invoices on time (or end before any dunning), which every scenario under test/scenarios does except
 * where a suspension and its resumption are fully inside the mask above.
 */

export type Stage = 'lifecycle' | 'billing' | 'outages';
export const ALL_STAGES: ReadonlySet<Stage> = new Set<Stage>(['lifecycle', 'billing', 'outages']);

export const BILLING_NOTICE_TYPES: ReadonlySet<string> = new Set([
  'invoice_issued',
  'payment_overdue',
  'suspension_warning',
  'suspended',
  'service_resumed',
  'termination_notice',
  'terminated',
]);
export const OUTAGE_NOTICE_TYPES: ReadonlySet<string> = new Set([
  'outage_threshold_reached',
  'compensation_statement',
  'maintenance_notice',
]);
const EVENT_STAGE: Readonly<Record<string, Stage>> = {
  pay: 'billing',
  outage_start: 'outages',
  outage_end: 'outages',
  maintenance: 'outages',
};

export interface CompareOptions {
  /** The stages whose outputs are compared; default: all (exactly compare-result.py). */
  readonly covers?: ReadonlySet<Stage>;
  /** The scenario the results come from: narrows the NOT_IMPLEMENTED mask to events of uncovered stages. */
  readonly scenario?: unknown;
}

// ───────────────────────────── Python value semantics ─────────────────────────────

/** A Python tuple (prints `(a, b)`), as opposed to a list (`[a, b]`). */
class Tup {
  constructor(readonly items: readonly unknown[]) {}
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Tup);
/** `d.get(k)` (None when missing). */
const get = (d: unknown, k: string): unknown => (isObj(d) && Object.hasOwn(d, k) ? d[k] : null);
/** `d.get(k, [])` for the lists the results hold. */
const list = (d: unknown, k: string): unknown[] => {
  const v = isObj(d) && Object.hasOwn(d, k) ? d[k] : [];
  return Array.isArray(v) ? v : [];
};

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function reprStr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x7f) out += ch;
    else if (ch !== ' ' && NON_PRINTABLE.test(ch))
      out +=
        cp < 0x100
          ? `\\x${cp.toString(16).padStart(2, '0')}`
          : cp < 0x10000
            ? `\\u${cp.toString(16).padStart(4, '0')}`
            : `\\U${cp.toString(16).padStart(8, '0')}`;
    else out += ch;
  }
  return out + quote;
}

function reprNum(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n)) return BigInt(n).toString(); // a JSON integer is a Python int
  if (Math.abs(n) < 1e-4) {
    const [m, e] = n.toExponential().split('e') as [string, string];
    const sign = e.startsWith('-') ? '-' : '+';
    return `${m}e${sign}${e.replace(/^[-+]/, '').padStart(2, '0')}`;
  }
  return String(n);
}

/** Python `repr()`. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return reprNum(v);
  if (typeof v === 'string') return reprStr(v);
  if (v instanceof Tup) return v.items.length === 1 ? `(${pyRepr(v.items[0])},)` : `(${v.items.map(pyRepr).join(', ')})`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (isObj(v))
    return `{${Object.entries(v)
      .map(([k, x]) => `${reprStr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  return String(v);
}

/** Python `str()` / f-string `{x}`. */
export function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

const truthy = (v: unknown): boolean => {
  if (v === null || v === undefined || v === false) return false;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Tup) return v.items.length > 0;
  if (isObj(v)) return Object.keys(v).length > 0;
  return true;
};

const numeric = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : undefined);

/** Python `==` on JSON values (True == 1 == 1.0). */
export function pyEq(a: unknown, b: unknown): boolean {
  a ??= null;
  b ??= null;
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined || nb !== undefined) return na !== undefined && nb !== undefined && na === nb;
  if (a === null || b === null) return a === b;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a instanceof Tup || b instanceof Tup)
    return a instanceof Tup && b instanceof Tup && a.items.length === b.items.length && a.items.every((x, i) => pyEq(x, b.items[i]));
  if (Array.isArray(a) || Array.isArray(b))
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => pyEq(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && pyEq(a[k], b[k]));
  }
  return false;
}

/** A hash key that is equal exactly when Python `==` (and `hash`) are. */
function canon(v: unknown): string {
  v ??= null;
  const n = numeric(v);
  if (n !== undefined) return `n${n}`;
  if (v === null) return 'N';
  if (typeof v === 'string') return `s${JSON.stringify(v)}`;
  if (v instanceof Tup) return `t[${v.items.map(canon).join(',')}]`;
  if (Array.isArray(v)) return `l[${v.map(canon).join(',')}]`;
  if (isObj(v))
    return `d{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canon(v[k])}`)
      .join(',')}}`;
  return `?${String(v)}`;
}

/** Code-point order (Python's string comparison; JS `<` compares UTF-16 units). */
function cmpStr(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Python `<` ordering for the keys that occur (numbers, strings, tuples); other mixes get a fixed order. */
function pyCmp(a: unknown, b: unknown): number {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return na - nb;
  if (typeof a === 'string' && typeof b === 'string') return cmpStr(a, b);
  if (a instanceof Tup && b instanceof Tup) {
    for (let i = 0; i < Math.min(a.items.length, b.items.length); i++) {
      const c = pyCmp(a.items[i], b.items[i]);
      if (c !== 0) return c;
    }
    return a.items.length - b.items.length;
  }
  const rank = (v: unknown) => (v === null || v === undefined ? 0 : numeric(v) !== undefined ? 1 : typeof v === 'string' ? 2 : 3);
  return rank(a) - rank(b) || cmpStr(pyRepr(a), pyRepr(b));
}

/** `collections.Counter`: insertion-ordered, the first occurrence is the stored key. */
class Counter {
  readonly m = new Map<string, { key: unknown; n: number }>();
  constructor(items: Iterable<unknown> = []) {
    for (const k of items) {
      const c = canon(k);
      const e = this.m.get(c);
      if (e) e.n++;
      else this.m.set(c, { key: k, n: 1 });
    }
  }
  /** `self - other`: positive counts only, keys from self. */
  minus(other: Counter): Counter {
    const r = new Counter();
    for (const [c, { key, n }] of this.m) {
      const d = n - (other.m.get(c)?.n ?? 0);
      if (d > 0) r.m.set(c, { key, n: d });
    }
    return r;
  }
  /** `sorted(counter, key=repr)` with the counts. */
  sortedByRepr(): { key: unknown; n: number }[] {
    return [...this.m.values()].sort((a, b) => cmpStr(pyRepr(a.key), pyRepr(b.key)));
  }
}

/** A dict keyed by Python equality: later entries replace earlier ones, the first key object stays. */
class PyDict<V> {
  readonly m = new Map<string, { key: unknown; value: V }>();
  set(key: unknown, value: V): void {
    const c = canon(key);
    const e = this.m.get(c);
    if (e) e.value = value;
    else this.m.set(c, { key, value });
  }
  get(key: unknown): V | undefined {
    return this.m.get(canon(key))?.value;
  }
  /** `sorted(set(self) | set(other), key=…)`. */
  static unionKeys(a: PyDict<unknown>, b: PyDict<unknown>, cmp: (x: unknown, y: unknown) => number = pyCmp): unknown[] {
    const all = new Map<string, unknown>();
    for (const [c, { key }] of a.m) all.set(c, key);
    for (const [c, { key }] of b.m) if (!all.has(c)) all.set(c, key);
    return [...all.values()].sort(cmp);
  }
}

const FLOAT_RE = /^\s*[+-]?(?:(?:(?:\d(?:_?\d)*)\.?(?:\d(?:_?\d)*)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?|inf|infinity|nan)\s*$/i;

/** Python `float(x)`; throws where Python raises TypeError/ValueError. */
function pyFloat(v: unknown): number {
  const n = numeric(v);
  if (n !== undefined) return n;
  if (typeof v !== 'string' || !FLOAT_RE.test(v)) throw new TypeError('not a float');
  const s = v.trim().replace(/_/g, '').toLowerCase();
  const sign = s.startsWith('-') ? -1 : 1;
  const body = s.replace(/^[+-]/, '');
  if (body === 'inf' || body === 'infinity') return sign * Infinity;
  if (body === 'nan') return NaN;
  return Number(s);
}

// ───────────────────────────── the comparison (compare-result.py) ─────────────────────────────

class Diff {
  readonly lines: string[] = [];
  private cur = '';
  section(name: string) {
    this.cur = name;
  }
  add(msg: string) {
    this.lines.push(`[${this.cur}] ${msg}`);
  }
}

function multiset(d: Diff, exp: unknown[], act: unknown[], fmt: (t: Tup) => string) {
  const e = new Counter(exp);
  const a = new Counter(act);
  for (const { key, n } of e.minus(a).sortedByRepr()) d.add(`missing ${fmt(key as Tup)}${n > 1 ? ` x${n}` : ''}`);
  for (const { key, n } of a.minus(e).sortedByRepr()) d.add(`unexpected ${fmt(key as Tup)}${n > 1 ? ` x${n}` : ''}`);
}

const t = (...items: unknown[]) => new Tup(items);
const at = (x: Tup, i: number) => x.items[i];

function events(d: Diff, exp: unknown, act: unknown) {
  d.section('events');
  const ea = new PyDict<unknown>();
  const aa = new PyDict<unknown>();
  for (const e of list(exp, 'events')) ea.set(get(e, 'index'), e);
  for (const e of list(act, 'events')) aa.set(get(e, 'index'), e);
  for (const i of PyDict.unionKeys(ea, aa)) {
    const e = ea.get(i);
    const a = aa.get(i);
    if (e === undefined || a === undefined) {
      d.add(`#${pyStr(i)}: ${a === undefined ? 'missing' : 'unexpected'} result`);
      continue;
    }
    const es = truthy(get(e, 'ok')) ? 'ok' : get(e, 'code');
    const as = truthy(get(a, 'ok')) ? 'ok' : get(a, 'code');
    if (!pyEq(es, as)) d.add(`#${pyStr(i)}: expected ${pyStr(es)}, got ${pyStr(as)}`);
    else if (isObj(e) && isObj(a) && Object.hasOwn(e, 'earliest') && Object.hasOwn(a, 'earliest') && !pyEq(e.earliest, a.earliest))
      d.add(`#${pyStr(i)}: earliest expected ${pyStr(e.earliest)}, got ${pyStr(a.earliest)}`);
  }
}

const INVOICE_FIELDS = ['dueDate', 'taxableSubtotal', 'tax', 'nonTaxable', 'total', 'interest', 'paidOn'] as const;
const lineKey = (l: unknown) => t(get(l, 'line'), get(l, 'type'), get(l, 'months'), get(l, 'accounts'), get(l, 'amount'));

function invoices(d: Diff, exp: unknown, act: unknown) {
  d.section('invoices');
  const key = (v: unknown) => t(get(v, 'unit'), get(v, 'issueDate'), get(v, 'kind'));
  const ei = new PyDict<unknown>();
  const ai = new PyDict<unknown>();
  for (const v of list(exp, 'invoices')) ei.set(key(v), v);
  for (const v of list(act, 'invoices')) ai.set(key(v), v);
  const or = (v: unknown) => (truthy(v) ? v : '');
  const sortKey = (k: unknown) => t(or(at(k as Tup, 1)), or(at(k as Tup, 0)), or(at(k as Tup, 2)));
  for (const k of PyDict.unionKeys(ei, ai, (x, y) => pyCmp(sortKey(x), sortKey(y))) as Tup[]) {
    const e = ei.get(k);
    const a = ai.get(k);
    const name = `${pyStr(at(k, 0))} ${pyStr(at(k, 1))} ${pyStr(at(k, 2))}`;
    if (a === undefined) {
      d.add(`missing invoice ${name} total=${pyStr(get(e, 'total'))}`);
      continue;
    }
    if (e === undefined) {
      d.add(`unexpected invoice ${name} total=${pyStr(get(a, 'total'))}`);
      continue;
    }
    for (const f of INVOICE_FIELDS)
      if (!pyEq(get(e, f), get(a, f))) d.add(`${name}: ${f} expected ${pyRepr(get(e, f))}, got ${pyRepr(get(a, f))}`);
    const el = new Counter(list(e, 'lines').map(lineKey));
    const al = new Counter(list(a, 'lines').map(lineKey));
    for (const { key: l } of el.minus(al).sortedByRepr()) d.add(`${name}: missing line ${pyStr(l)}`);
    for (const { key: l } of al.minus(el).sortedByRepr()) d.add(`${name}: unexpected line ${pyStr(l)}`);
  }
}

function notices(d: Diff, exp: unknown, act: unknown) {
  d.section('notices');
  const k = (n: unknown) => t(get(n, 'date'), get(n, 'unit'), get(n, 'type'), get(n, 'to'));
  multiset(
    d,
    list(exp, 'notices').map(k),
    list(act, 'notices').map(k),
    (x) => `${pyStr(at(x, 0))} ${pyStr(at(x, 1))} ${pyStr(at(x, 2))} -> ${pyStr(at(x, 3))}`,
  );
}

function desktops(d: Diff, exp: unknown, act: unknown) {
  d.section('desktops');
  const k = (x: unknown) => t(get(x, 'date'), get(x, 'unit'), get(x, 'line'), get(x, 'action'), get(x, 'count'));
  multiset(
    d,
    list(exp, 'desktops').map(k),
    list(act, 'desktops').map(k),
    (x) => `${pyStr(at(x, 0))} ${pyStr(at(x, 1))}/${pyStr(at(x, 2))} ${pyStr(at(x, 3))} x${pyStr(at(x, 4))}`,
  );
}

function units(d: Diff, exp: unknown, act: unknown) {
  d.section('units');
  const eu = new PyDict<unknown>();
  const au = new PyDict<unknown>();
  for (const u of list(exp, 'units')) eu.set(get(u, 'unit'), u);
  for (const u of list(act, 'units')) au.set(get(u, 'unit'), u);
  for (const ref of PyDict.unionKeys(eu, au)) {
    const e = eu.get(ref);
    const a = au.get(ref);
    if (e === undefined || a === undefined) {
      d.add(`${pyStr(ref)}: ${a === undefined ? 'missing' : 'unexpected'} unit`);
      continue;
    }
    if (!pyEq(get(e, 'status'), get(a, 'status')))
      d.add(`${pyStr(ref)}: status expected ${pyStr(get(e, 'status'))}, got ${pyStr(get(a, 'status'))}`);
    const eh = list(e, 'history').map((h) => t(get(h, 'date'), get(h, 'status')));
    const ah = list(a, 'history').map((h) => t(get(h, 'date'), get(h, 'status')));
    if (!pyEq(eh, ah)) d.add(`${pyStr(ref)}: history expected ${pyStr(eh)}, got ${pyStr(ah)}`);
    const el = new PyDict<unknown>();
    const al = new PyDict<unknown>();
    for (const l of list(e, 'lines')) el.set(get(l, 'line'), l);
    for (const l of list(a, 'lines')) al.set(get(l, 'line'), l);
    for (const ln of PyDict.unionKeys(el, al)) {
      const x = el.get(ln);
      const y = al.get(ln);
      if (x === undefined || y === undefined) {
        d.add(`${pyStr(ref)}/${pyStr(ln)}: ${y === undefined ? 'missing' : 'unexpected'} line`);
        continue;
      }
      for (const f of ['startDate', 'termEnd', 'endedOn'])
        if (!pyEq(get(x, f), get(y, f))) d.add(`${pyStr(ref)}/${pyStr(ln)}: ${f} expected ${pyStr(get(x, f))}, got ${pyStr(get(y, f))}`);
    }
  }
}

function compensations(d: Diff, exp: unknown, act: unknown) {
  d.section('compensations');
  const k = (c: unknown) => t(get(c, 'outage'), get(c, 'unit'));
  const ec = new PyDict<unknown>();
  const ac = new PyDict<unknown>();
  for (const c of list(exp, 'compensations')) ec.set(k(c), c);
  for (const c of list(act, 'compensations')) ac.set(k(c), c);
  for (const key of PyDict.unionKeys(ec, ac) as Tup[]) {
    const e = ec.get(key);
    const a = ac.get(key);
    const name = `${pyStr(at(key, 0))}/${pyStr(at(key, 1))}`;
    if (e === undefined || a === undefined) {
      const c = e ?? a;
      d.add(`${a === undefined ? 'missing' : 'unexpected'} ${name} days=${pyStr(get(c, 'days'))} amount=${pyStr(get(c, 'amount'))}`);
      continue;
    }
    for (const f of ['days', 'amount'])
      if (!pyEq(get(e, f), get(a, f))) d.add(`${name}: ${f} expected ${pyStr(get(e, f))}, got ${pyStr(get(a, f))}`);
    let bad: boolean;
    try {
      bad = Math.abs(pyFloat(get(e, 'hours')) - pyFloat(get(a, 'hours'))) > 0.01;
    } catch {
      bad = true;
    }
    if (bad) d.add(`${name}: hours expected ${pyStr(get(e, 'hours'))}, got ${pyStr(get(a, 'hours'))}`);
  }
}

// ───────────────────────────── the stage mask ─────────────────────────────

function eventTypes(scenario: unknown): Map<number, unknown> | undefined {
  const evs = get(scenario, 'events');
  if (!Array.isArray(evs)) return undefined;
  return new Map(evs.map((e, i) => [i, get(e, 'type')]));
}

/** The parts of `expected` and `actual` that `covers` judges (see the module comment). */
export function maskResults(expected: unknown, actual: unknown, covers: ReadonlySet<Stage>, scenario?: unknown): [unknown, unknown] {
  const billing = covers.has('billing');
  const outages = covers.has('outages');
  if (billing && outages) return [expected, actual];
  const e = structuredClone(expected) as Obj;
  const a = structuredClone(actual) as Obj;
  if (!isObj(e) || !isObj(a)) return [e, a];

  // Events answered NOT_IMPLEMENTED (by a capability not covered).
  const types = eventTypes(scenario);
  const uncovered = (type: unknown) => {
    const stage = typeof type === 'string' ? EVENT_STAGE[type] : undefined;
    return stage !== undefined && !covers.has(stage);
  };
  const dropped = new Set<string>();
  for (const r of list(a, 'events'))
    if (get(r, 'code') === 'NOT_IMPLEMENTED' && (!types || uncovered(types.get(get(r, 'index') as number))))
      dropped.add(canon(get(r, 'index')));
  for (const side of [e, a]) if (Array.isArray(side.events)) side.events = side.events.filter((r) => !dropped.has(canon(get(r, 'index'))));

  const hiddenNotices = new Set<string>([...(billing ? [] : BILLING_NOTICE_TYPES), ...(outages ? [] : OUTAGE_NOTICE_TYPES)]);
  for (const side of [e, a])
    if (Array.isArray(side.notices)) side.notices = side.notices.filter((n) => !hiddenNotices.has(get(n, 'type') as string));

  if (!outages) for (const side of [e, a]) if (Object.hasOwn(side, 'compensations')) side.compensations = [];

  if (!billing) {
    for (const side of [e, a]) {
      if (Object.hasOwn(side, 'invoices')) side.invoices = [];
      if (Array.isArray(side.desktops))
        side.desktops = side.desktops.filter((x) => !['suspend', 'resume'].includes(get(x, 'action') as string));
      for (const u of list(side, 'units')) {
        if (!isObj(u) || !Array.isArray(u.history)) continue;
        const kept: unknown[] = [];
        let prev: unknown = null;
        for (const h of u.history) {
          const s = get(h, 'status');
          const resumption = s === 'active' && prev === 'suspended';
          prev = s;
          if (s === 'suspended' || s === 'terminated' || resumption) continue;
          kept.push(h);
        }
        u.history = kept;
      }
    }
    const hideStatus = new Set(
      list(e, 'units')
        .filter((u) => ['suspended', 'terminated'].includes(get(u, 'status') as string))
        .map((u) => canon(get(u, 'unit'))),
    );
    for (const side of [e, a]) for (const u of list(side, 'units')) if (isObj(u) && hideStatus.has(canon(u.unit))) delete u.status;
  }
  return [e, a];
}

/** Only when the expected Result has deposits (scenarios with deposit events): a multiset of (ref, status, sorted payments, credit). */
function deposits(d: Diff, exp: unknown, act: unknown) {
  if (!isObj(exp) || !Object.hasOwn(exp, 'deposits')) return;
  d.section('deposits');
  const pay = (p: unknown) => t(get(p, 'unit'), get(p, 'issueDate'), get(p, 'kind'), get(p, 'amount'));
  const k = (x: unknown) => {
    const ps = (Array.isArray(get(x, 'payments')) ? (get(x, 'payments') as unknown[]) : []).map(pay).map((p) => ({ p, c: canon(p) }));
    ps.sort((a, b) => (a.c < b.c ? -1 : a.c > b.c ? 1 : 0));
    const credit = get(x, 'credit');
    return t(get(x, 'ref'), get(x, 'status'), new Tup(ps.map((q) => q.p)), credit === undefined ? 0 : credit);
  };
  multiset(
    d,
    list(exp, 'deposits').map(k),
    list(act, 'deposits').map(k),
    (x) => `${pyStr(at(x, 0))} ${pyStr(at(x, 1))} payments=${canon(at(x, 2))} credit=${pyStr(at(x, 3))}`,
  );
}

/**
 * The differences between two Results, as compare-result.py lists them (without its summary line).
 * With `covers` short of every stage, the stage mask above applies first.
 */
export function compareResults(expected: unknown, actual: unknown, opts: CompareOptions = {}): string[] {
  const [exp, act] = maskResults(expected, actual, opts.covers ?? ALL_STAGES, opts.scenario);
  const d = new Diff();
  for (const check of [events, invoices, notices, desktops, units, compensations, deposits]) check(d, exp, act);
  return d.lines;
}

/** What compare-result.py prints (stdout) for these differences; its exit code is 0 iff empty. */
export function formatReport(diffs: readonly string[]): string {
  if (diffs.length === 0) return 'same\n';
  return `${diffs.join('\n')}\n${diffs.length} difference(s)\n`;
}
