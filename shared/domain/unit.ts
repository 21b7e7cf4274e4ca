import type { LocalDate } from './calendar.ts';
import type { Config } from './config.ts';
import type { Invoice } from './invoices.ts';

/** Art 11 (DETAILS P1): only these kinds may contract. */
export const ELIGIBLE_KINDS = ['corporation', 'public_body'] as const;

export interface Person {
  readonly name: string;
  readonly email: string;
  /** The agent's name in katakana (MONEY-IN B3b): a registered remitter name when the agent pays. */
  readonly nameKana?: string;
}

export interface Contractor {
  readonly kind: string;
  readonly name: string;
  readonly corporateNumber: string;
  /** The contractor's name in katakana (half- or full-width), a registered remitter name (MONEY-IN B3b). */
  readonly nameKana?: string;
  readonly accountManager: Person;
  readonly agent: Person | null;
}

/** received: waiting in the FIFO (blocks later ones); deferred: 承諾延期 (does not block). */
export type ApplicationStatus = 'received' | 'deferred' | 'accepted' | 'rejected';
/** Every status a unit can have, in lifecycle order (the one list: schemas, OpenAPI and the store read it). */
export const UNIT_STATUSES = ['pending', 'active', 'suspended', 'cancelled', 'terminated', 'rejected', 'deferred'] as const;
export type UnitStatus = (typeof UNIT_STATUSES)[number];

export interface HistoryEntry {
  readonly date: LocalDate;
  readonly status: UnitStatus;
  /** The instant it took effect (epoch ms): the daily run's 00:05, or the event that caused it (O1, O2). */
  readonly at?: number;
}

/** One WorkSpaces user of a line (plan kokona): `<short code>-0001` … */
export interface Account {
  readonly userName: string;
  readonly workspaceId?: string;
}

/** An accepted cancellation (Art 18): the service ends at the end of `end`. */
export interface Cancellation {
  readonly end: LocalDate;
  readonly requestedOn: LocalDate;
}

export interface Line {
  readonly id: string;
  readonly kind: 'basic' | 'additional';
  readonly accounts: number;
  readonly startDate: LocalDate;
  /** Set when the line starts (H5: termEnd null for a line that never started). */
  readonly started: boolean;
  /** The instant it started (epoch ms): the daily run's 00:05 of its start date, or the request (X2). */
  readonly startedAt?: number;
  /** The current term: its first day (the start date, or T+1 after a renewal) and its end. */
  readonly termStart?: LocalDate | null;
  readonly termEnd: LocalDate | null;
  /** The first term's end, fixed at the start (the first-term fee covers month(start)+1 … month(firstTermEnd)). */
  readonly firstTermEnd?: LocalDate | null;
  readonly endedOn: LocalDate | null;
  /** A line-level cancellation (reduction of accounts, Art 18). */
  readonly cancellation?: Cancellation | null;
  /** The number of its first account (1-based; numbering continues across the unit's lines): user names derive from it (W2, W10). */
  readonly firstAccount?: number;
  /** Only in data written before W10 (user names `<unit>-NNN` stored as a list); new lines derive theirs. */
  readonly userNames?: readonly string[];
  /** Creation date of the line (additions: the request date). */
  readonly createdOn?: LocalDate;
}

export interface Unit {
  readonly id: string;
  readonly plan: string;
  readonly accounts: number;
  readonly contractor: Contractor;
  readonly status: UnitStatus;
  readonly history: readonly HistoryEntry[];
  readonly receivedOn: LocalDate;
  /** Global receipt order (Art 6-1, DETAILS P9); assigned by the store when the application is recorded. */
  readonly receivedSeq: number;
  readonly application: {
    readonly status: ApplicationStatus;
    readonly reason?: string;
    readonly expectedOn?: LocalDate;
    readonly decidedOn?: LocalDate;
  };
  readonly startDate: LocalDate | null;
  readonly lines: readonly Line[];
  /** A unit-level cancellation (Art 18); it ends every line. */
  readonly cancellation: Cancellation | null;
  /** The last day of service (cancellation end or termination date). */
  readonly endedOn: LocalDate | null;
  /** Invoices of the unit (Art 27–31), in issue order. */
  readonly invoices: readonly Invoice[];
  /** The date of the current suspension for non-payment (Art 23), null when not suspended. */
  readonly suspendedOn: LocalDate | null;
  /** The daily run has applied every date up to and including this one. */
  readonly processedThrough: LocalDate | null;
  /** W2: the short code user names derive from, assigned at acceptance (plan kokona), never reused. */
  readonly shortCode?: string;
  /** Only in data written before W10; desktop ids now live on the account items (AccountRepository). */
  readonly desktops?: Readonly<Record<string, string>>;
  /** The payer's virtual account (MONEY-IN B3a), assigned at acceptance; printed on invoices as 振込先. */
  readonly virtualAccount?: string;
  readonly version: number;
}

/** In service: started and not ended (active, or suspended for non-payment). */
export const inService = (u: Unit): boolean => u.status === 'active' || u.status === 'suspended';
/** A line that has started and not ended. */
export const isLive = (l: Line): boolean => l.started && l.endedOn === null;
/** The unit's basic contract (its first line, created by the acceptance). */
export const basicLine = (u: Unit): Line | undefined => u.lines.find((l) => l.kind === 'basic');
/** Plan kokona: one WorkSpaces desktop per account (Art 45). */
export const hasDesktops = (u: Unit, config: Config): boolean => config.plans[u.plan]?.desktops === true;

/** A stored unit that does not have the shape of a unit (the store answers with it instead of a cast). */
export class MalformedUnitError extends Error {
  constructor(
    readonly id: unknown,
    reason: string,
  ) {
    super(`stored unit ${String(id)} is malformed: ${reason}`);
    this.name = 'MalformedUnitError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A unit as read from the store: its shape checked (a clear error, never a blind cast), and the fields
 * that units written before they existed lack given their empty value (no invoices, no cancellation).
 */
export function decodeUnit(raw: unknown): Unit {
  if (!isRecord(raw)) throw new MalformedUnitError(undefined, 'not an object');
  const id = raw.id;
  if (typeof id !== 'string' || id === '') throw new MalformedUnitError(id, 'no id');
  if (typeof raw.plan !== 'string') throw new MalformedUnitError(id, 'no plan');
  if (typeof raw.status !== 'string' || !(UNIT_STATUSES as readonly string[]).includes(raw.status))
    throw new MalformedUnitError(id, `status ${String(raw.status)}`);
  if (!Array.isArray(raw.lines) || !raw.lines.every(isRecord)) throw new MalformedUnitError(id, 'lines is not a list');
  if (!Array.isArray(raw.history)) throw new MalformedUnitError(id, 'history is not a list');
  if (!isRecord(raw.contractor) || !isRecord(raw.application)) throw new MalformedUnitError(id, 'no contractor or application');
  if (typeof raw.version !== 'number') throw new MalformedUnitError(id, 'no version');
  if (raw.invoices !== undefined && !Array.isArray(raw.invoices)) throw new MalformedUnitError(id, 'invoices is not a list');
  return {
    ...(raw as unknown as Unit),
    invoices: (raw.invoices as Invoice[] | undefined) ?? [],
    cancellation: (raw.cancellation as Cancellation | null | undefined) ?? null,
    endedOn: (raw.endedOn as LocalDate | null | undefined) ?? null,
    suspendedOn: (raw.suspendedOn as LocalDate | null | undefined) ?? null,
  };
}
