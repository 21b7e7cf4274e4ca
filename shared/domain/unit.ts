import type { LocalDate } from './calendar.ts';
import type { Invoice } from './invoices.ts';

/** Art 11 (DETAILS P1): only these kinds may contract. */
export const ELIGIBLE_KINDS = ['corporation', 'public_body'] as const;

export interface Person {
  readonly name: string;
  readonly email: string;
}

export interface Contractor {
  readonly kind: string;
  readonly name: string;
  readonly corporateNumber: string;
  readonly accountManager: Person;
  readonly agent: Person | null;
}

/** received: waiting in the FIFO (blocks later ones); deferred: 承諾延期 (does not block). */
export type ApplicationStatus = 'received' | 'deferred' | 'accepted' | 'rejected';
export type UnitStatus = 'pending' | 'active' | 'suspended' | 'cancelled' | 'terminated' | 'rejected' | 'deferred';

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
  readonly cancellation?: Cancellation | null;
  /** The last day of service (cancellation end or termination date). */
  readonly endedOn?: LocalDate | null;
  /** Invoices of the unit (Art 27–31), in issue order. */
  readonly invoices?: readonly Invoice[];
  /** The date of the current suspension for non-payment (Art 23), null when not suspended. */
  readonly suspendedOn?: LocalDate | null;
  /** The daily run has applied every date up to and including this one. */
  readonly processedThrough: LocalDate | null;
  /** W2: the short code user names derive from, assigned at acceptance (plan kokona), never reused. */
  readonly shortCode?: string;
  /** Only in data written before W10; desktop ids now live on the account items (AccountRepository). */
  readonly desktops?: Readonly<Record<string, string>>;
  readonly version: number;
}
