/**
 * 全銀協 deposit files (docs/MONEY-IN.md §1): 振込入金通知 (種別 `01`) and 入出金取引明細 (種別 `03`).
 * Fixed records of 200 bytes, with or without a CRLF (or LF) after each; per account a header (1),
 * data records (2) and a trailer (8); an end record (9) closes the file.
 *
 * Pure: bytes in, the file's accounts and deposits out, or a BANK_FILE_INVALID refusal naming the
 * record (1-based) and the reason (B1: the whole file is checked before anything is recorded). The
 * character decoding of the C fields (CP932 / JIS X 0201) is passed in, so this module needs no
 * package; `formatTransferFile` writes a valid `01` file the same way (tests, the simulator,
 * `npm run bank-file`).
 */
import { localDate, parseLocalDate, type LocalDate } from './calendar.ts';
import { DomainError } from './errors.ts';
import { NotJisX0201 } from './jis-x0201.ts';

export const RECORD_BYTES = 200;

export type BankFileKind = '01' | '03';

export interface BankAccountHeader {
  readonly kind: BankFileKind;
  readonly createdOn: LocalDate;
  readonly bankCode: string;
  readonly bankName: string;
  readonly branchCode: string;
  readonly branchName: string;
  /** 1 普通, 2 当座, 4 貯蓄. */
  readonly accountType: string;
  /** 7 digits (a `03` file's 10-digit number without its leading zeros). */
  readonly accountNumber: string;
  readonly accountName: string;
}

/** One 振込 (or 振替) to match, or (`01`, 取消区分 1) the cancellation of an earlier one (B5). */
export interface BankDeposit {
  /** The record's number in the file (1-based). */
  readonly record: number;
  readonly bankCode: string;
  readonly branchCode: string;
  readonly accountNumber: string;
  /** 勘定日. */
  readonly valueDate: LocalDate;
  /** 照会番号. */
  readonly inquiry: string;
  readonly amount: number;
  readonly remitterCode: string;
  /** 振込依頼人名 as the bank wrote it (half-width kana). */
  readonly remitter: string;
  readonly remitterBank: string;
  readonly remitterBranch: string;
  readonly cancels: boolean;
  readonly edi: string;
}

export interface BankFile {
  readonly kind: BankFileKind;
  readonly records: number;
  readonly accounts: readonly { readonly header: BankAccountHeader; readonly dataRecords: number }[];
  /** Every deposit to match and every cancellation, in file order. */
  readonly deposits: readonly BankDeposit[];
  /** Data records that are not deposits to match (`03`: withdrawals, cash, corrections …). */
  readonly ignored: number;
}

export type Decoder = (bytes: Uint8Array) => string;

export class BankFileError extends DomainError {
  constructor(
    readonly record: number,
    readonly reason: string,
  ) {
    super('BANK_FILE_INVALID', `record ${record}: ${reason}`, { record, reason });
    this.name = 'BankFileError';
  }
}

/** Splits the bytes into 200-byte records (with or without CRLF / LF after each; a final EOF 0x1A is allowed). */
export function splitRecords(input: Uint8Array): Uint8Array[] {
  let bytes = input;
  if (bytes.length > 0 && bytes[bytes.length - 1] === 0x1a) bytes = bytes.subarray(0, bytes.length - 1);
  if (bytes.length === 0) throw new BankFileError(1, 'the file is empty');
  const sep = bytes[RECORD_BYTES] === 0x0d && bytes[RECORD_BYTES + 1] === 0x0a ? 2 : bytes[RECORD_BYTES] === 0x0a ? 1 : 0;
  const out: Uint8Array[] = [];
  if (sep === 0) {
    // Fixed length: a record that does not end where the next begins is short (or the file has a stray byte).
    if (bytes.includes(0x0a)) {
      const at = bytes.indexOf(0x0a);
      const rec = Math.floor(at / RECORD_BYTES) + 1;
      throw new BankFileError(
        rec,
        `record ${rec} is ${at - (rec - 1) * RECORD_BYTES - (bytes[at - 1] === 0x0d ? 1 : 0)} bytes, expected ${RECORD_BYTES}`,
      );
    }
    if (bytes.length % RECORD_BYTES !== 0) {
      const last = Math.ceil(bytes.length / RECORD_BYTES);
      throw new BankFileError(
        last,
        `the file is ${bytes.length} bytes, not a multiple of ${RECORD_BYTES}: a record at or before record ${last} is short or long`,
      );
    }
    for (let i = 0; i < bytes.length; i += RECORD_BYTES) out.push(bytes.subarray(i, i + RECORD_BYTES));
    return out;
  }
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    const lineEnd = end > start && bytes[end - 1] === 0x0d ? end - 1 : end;
    const rec = bytes.subarray(start, lineEnd);
    if (rec.length !== RECORD_BYTES)
      throw new BankFileError(out.length + 1, `record ${out.length + 1} is ${rec.length} bytes, expected ${RECORD_BYTES}`);
    out.push(rec);
    start = end + 1;
  }
  return out;
}

/** 和暦 YYMMDD without the era, resolved against 令和 (year = YY + 2018). */
export function warekiDate(yymmdd: string): LocalDate | null {
  if (!/^\d{6}$/.test(yymmdd)) return null;
  return parseLocalDate(localDate(Number(yymmdd.slice(0, 2)) + 2018, Number(yymmdd.slice(2, 4)), Number(yymmdd.slice(4, 6))));
}

/** The inverse of warekiDate (for files this project writes). */
export function toWareki(d: LocalDate): string {
  const y = Number(d.slice(0, 4)) - 2018;
  if (y < 1 || y > 99) throw new Error(`${d} cannot be written as a 令和 YYMMDD`);
  return `${String(y).padStart(2, '0')}${d.slice(5, 7)}${d.slice(8, 10)}`;
}

class Record200 {
  constructor(
    readonly n: number,
    private readonly bytes: Uint8Array,
    private readonly decode: Decoder,
  ) {}
  /** An N field (bytes `from`–`to`, 1-based inclusive): digits only. */
  num(from: number, to: number, what: string): string {
    const b = this.bytes.subarray(from - 1, to);
    for (const c of b) if (c < 0x30 || c > 0x39) throw new BankFileError(this.n, `${what} (bytes ${from}–${to}) must be digits`);
    return String.fromCharCode(...b);
  }
  int(from: number, to: number, what: string): number {
    return Number(this.num(from, to, what));
  }
  /** A C field, decoded, trailing spaces removed (0x5C is ¥ in JIS X 0201). A byte the decoder refuses refuses the file. */
  text(from: number, to: number): string {
    let s: string;
    try {
      s = this.decode(this.bytes.subarray(from - 1, to));
    } catch (e) {
      if (!(e instanceof NotJisX0201)) throw e;
      throw new BankFileError(this.n, `byte ${from + e.at} (field bytes ${from}–${to}): ${e.message}`);
    }
    return s.replace(/\\/g, '¥').replace(/[ \u3000]+$/u, '');
  }
  date(from: number, to: number, what: string): LocalDate {
    const d = warekiDate(this.num(from, to, what));
    if (!d) throw new BankFileError(this.n, `${what} (bytes ${from}–${to}) is not a date (和暦 YYMMDD)`);
    return d;
  }
  get type(): string {
    return String.fromCharCode(this.bytes[0]!);
  }
}

const account7 = (digits: string) => digits.replace(/^0+(?=\d{7})/, '').padStart(7, '0');

function header(r: Record200, expectKind: BankFileKind | null): BankAccountHeader {
  // コード区分 1 is EBCDIC; so is a file whose first byte is not an ASCII digit (EBCDIC '1' = 0xF1).
  if (r.type !== '1')
    throw new BankFileError(
      r.n,
      r.n === 1 && r.type.charCodeAt(0) >= 0x80
        ? 'EBCDIC files are not supported (コード区分 1): ask the bank for JIS'
        : `expected a header record (データ区分 1), found "${r.type}"`,
    );
  const kind = r.num(2, 3, '種別コード');
  if (kind !== '01' && kind !== '03')
    throw new BankFileError(r.n, `種別コード ${kind} is not supported (01 振込入金通知 or 03 入出金取引明細)`);
  if (expectKind && kind !== expectKind)
    throw new BankFileError(r.n, `種別コード ${kind} differs from the file's first header (${expectKind})`);
  const code = r.num(4, 4, 'コード区分');
  if (code === '1') throw new BankFileError(r.n, 'EBCDIC files are not supported (コード区分 1): ask the bank for JIS');
  if (code !== '0') throw new BankFileError(r.n, `コード区分 ${code} is unknown (0 JIS)`);
  const createdOn = r.date(5, 10, '作成日');
  const common = {
    kind,
    createdOn,
    bankCode: r.num(23, 26, '銀行コード'),
    bankName: r.text(27, 41),
    branchCode: r.num(42, 44, '支店コード'),
    branchName: r.text(45, 59),
  } as const;
  if (kind === '01')
    return { ...common, accountType: r.num(60, 60, '預金種目'), accountNumber: r.num(61, 67, '口座番号'), accountName: r.text(68, 107) };
  return {
    ...common,
    accountType: r.num(63, 63, '預金種目'),
    accountNumber: account7(r.num(64, 73, '口座番号')),
    accountName: r.text(74, 113),
  };
}

/** Parses and checks a whole file (B1). Throws BankFileError with the record number and the reason. */
export function parseBankFile(bytes: Uint8Array, decode: Decoder): BankFile {
  const raw = splitRecords(bytes);
  const recs = raw.map((b, i) => new Record200(i + 1, b, decode));
  const accounts: { header: BankAccountHeader; dataRecords: number }[] = [];
  const deposits: BankDeposit[] = [];
  let ignored = 0;
  let kind: BankFileKind | null = null;
  let i = 0;
  let totalData = 0;
  while (i < recs.length && recs[i]!.type !== '9') {
    const h = header(recs[i]!, kind);
    kind = h.kind;
    i++;
    const sums = { in: 0, inAmount: 0, out: 0, outAmount: 0, count: 0 };
    while (i < recs.length && recs[i]!.type === '2') {
      const r = recs[i]!;
      sums.count++;
      if (kind === '01') {
        const amount = r.int(20, 29, '金額');
        const cancels = r.num(128, 128, '取消区分') === '1';
        if (cancels) {
          sums.out++;
          sums.outAmount += amount;
        } else {
          sums.in++;
          sums.inAmount += amount;
        }
        deposits.push({
          record: r.n,
          bankCode: h.bankCode,
          branchCode: h.branchCode,
          accountNumber: h.accountNumber,
          inquiry: r.num(2, 7, '照会番号'),
          valueDate: r.date(8, 13, '勘定日'),
          amount,
          remitterCode: r.num(40, 49, '振込依頼人コード'),
          remitter: r.text(50, 97),
          remitterBank: r.text(98, 112),
          remitterBranch: r.text(113, 127),
          cancels,
          edi: r.text(129, 148),
        });
      } else {
        const direction = r.num(22, 22, '入払区分');
        const txType = r.num(23, 24, '取引区分');
        const amount = r.int(25, 36, '取引金額');
        const valueDate = r.date(10, 15, '勘定日');
        if (direction === '1') {
          sums.in++;
          sums.inAmount += amount;
        } else if (direction === '2') {
          sums.out++;
          sums.outAmount += amount;
        } else throw new BankFileError(r.n, `入払区分 ${direction} is unknown (1 入金, 2 出金)`);
        if (direction === '1' && (txType === '11' || txType === '14'))
          deposits.push({
            record: r.n,
            bankCode: h.bankCode,
            branchCode: h.branchCode,
            accountNumber: h.accountNumber,
            inquiry: r.num(2, 9, '照会番号'),
            valueDate,
            amount,
            remitterCode: r.num(72, 81, '振込依頼人コード'),
            remitter: r.text(82, 129),
            remitterBank: r.text(130, 144),
            remitterBranch: r.text(145, 159),
            cancels: false,
            edi: r.text(180, 199),
          });
        else ignored++;
      }
      i++;
    }
    const t = recs[i];
    if (!t) throw new BankFileError(recs.length + 1, 'the file ends without a trailer record (データ区分 8)');
    if (t.type !== '8') throw new BankFileError(t.n, `expected a data (2) or trailer (8) record, found "${t.type}"`);
    const mismatch = (what: string, stated: number, actual: number) => {
      if (stated !== actual) throw new BankFileError(t.n, `trailer ${what} is ${stated}, the data records give ${actual}`);
    };
    if (kind === '01') {
      mismatch('振込合計件数', t.int(2, 7, '振込合計件数'), sums.in);
      mismatch('振込合計金額', t.int(8, 19, '振込合計金額'), sums.inAmount);
      mismatch('取消合計件数', t.int(20, 25, '取消合計件数'), sums.out);
      mismatch('取消合計金額', t.int(26, 37, '取消合計金額'), sums.outAmount);
    } else {
      mismatch('入金件数', t.int(2, 7, '入金件数'), sums.in);
      mismatch('入金額合計', t.int(8, 20, '入金額合計'), sums.inAmount);
      mismatch('出金件数', t.int(21, 26, '出金件数'), sums.out);
      mismatch('出金額合計', t.int(27, 39, '出金額合計'), sums.outAmount);
      mismatch('データレコード件数', t.int(55, 61, 'データレコード件数'), sums.count);
    }
    totalData += sums.count;
    accounts.push({ header: h, dataRecords: sums.count });
    i++;
  }
  const end = recs[i];
  if (accounts.length === 0)
    throw new BankFileError(1, end ? 'the file has no account (header record) before its end record' : 'the file has no header record');
  if (!end) throw new BankFileError(recs.length + 1, 'the file ends without an end record (データ区分 9)');
  if (kind === '03') {
    // レコード総件数: counted with or without the end record itself (banks differ).
    const stated = end.int(2, 11, 'レコード総件数');
    if (stated !== recs.length && stated !== recs.length - 1 && stated !== i + 1 && stated !== i)
      throw new BankFileError(end.n, `end record レコード総件数 is ${stated}, the file has ${i + 1} records`);
    const n = end.int(12, 16, '口座数');
    if (n !== accounts.length) throw new BankFileError(end.n, `end record 口座数 is ${n}, the file has ${accounts.length} accounts`);
  }
  if (i + 1 < recs.length) throw new BankFileError(i + 2, 'records follow the end record (データ区分 9)');
  void totalData;
  return { kind: kind!, records: recs.length, accounts, deposits, ignored };
}

// ------------------------------------------------------------------------------------------------
// Writing a 振込入金通知 (`01`) file.

export interface TransferFileSpec {
  readonly createdOn: LocalDate;
  readonly accounts: readonly {
    readonly bankCode: string;
    readonly bankName: string;
    readonly branchCode: string;
    readonly branchName: string;
    readonly accountType?: string;
    readonly accountNumber: string;
    readonly accountName: string;
    readonly deposits: readonly {
      readonly inquiry: string | number;
      readonly valueDate: LocalDate;
      readonly amount: number;
      readonly remitter: string;
      readonly remitterCode?: string;
      readonly remitterBank?: string;
      readonly remitterBranch?: string;
      readonly cancels?: boolean;
      readonly edi?: string;
    }[];
  }[];
}

/** Encodes text to exactly `width` bytes (JIS X 0201 / CP932), space-filled; longer text is cut. */
export type Encoder = (text: string) => Uint8Array;

export function formatTransferFile(spec: TransferFileSpec, encode: Encoder, opts: { crlf?: boolean } = {}): Uint8Array {
  const records: Uint8Array[] = [];
  const rec = () => new Uint8Array(RECORD_BYTES).fill(0x20);
  const put = (r: Uint8Array, from: number, to: number, value: string | Uint8Array) => {
    const b = typeof value === 'string' ? encode(value) : value;
    r.set(b.subarray(0, to - from + 1), from - 1);
  };
  const n = (v: string | number, width: number) => {
    const s = String(v);
    if (!/^\d+$/.test(s) || s.length > width) throw new Error(`${s} does not fit an N field of ${width} digits`);
    return s.padStart(width, '0');
  };
  for (const a of spec.accounts) {
    const h = rec();
    put(h, 1, 10, `1010${toWareki(spec.createdOn)}`);
    const dates = a.deposits.map((d) => d.valueDate).sort();
    put(h, 11, 16, toWareki(dates[0] ?? spec.createdOn));
    put(h, 17, 22, toWareki(dates.at(-1) ?? spec.createdOn));
    put(h, 23, 26, n(a.bankCode, 4));
    put(h, 27, 41, a.bankName);
    put(h, 42, 44, n(a.branchCode, 3));
    put(h, 45, 59, a.branchName);
    put(h, 60, 60, n(a.accountType ?? '1', 1));
    put(h, 61, 67, n(a.accountNumber, 7));
    put(h, 68, 107, a.accountName);
    records.push(h);
    const sums = { in: 0, inAmount: 0, out: 0, outAmount: 0 };
    for (const d of a.deposits) {
      const r = rec();
      put(r, 1, 1, '2');
      put(r, 2, 7, n(d.inquiry, 6));
      put(r, 8, 13, toWareki(d.valueDate));
      put(r, 14, 19, toWareki(d.valueDate));
      put(r, 20, 29, n(d.amount, 10));
      put(r, 30, 39, n(0, 10));
      put(r, 40, 49, n(d.remitterCode ?? 0, 10));
      put(r, 50, 97, d.remitter);
      put(r, 98, 112, d.remitterBank ?? '');
      put(r, 113, 127, d.remitterBranch ?? '');
      put(r, 128, 128, d.cancels ? '1' : '0');
      put(r, 129, 148, d.edi ?? '');
      records.push(r);
      if (d.cancels) {
        sums.out++;
        sums.outAmount += d.amount;
      } else {
        sums.in++;
        sums.inAmount += d.amount;
      }
    }
    const t = rec();
    put(t, 1, 37, `8${n(sums.in, 6)}${n(sums.inAmount, 12)}${n(sums.out, 6)}${n(sums.outAmount, 12)}`);
    records.push(t);
  }
  const e = rec();
  put(e, 1, 1, '9');
  records.push(e);
  const sep = opts.crlf ? 2 : 0;
  const out = new Uint8Array(records.length * (RECORD_BYTES + sep));
  records.forEach((r, i) => {
    out.set(r, i * (RECORD_BYTES + sep));
    if (sep) out.set([0x0d, 0x0a], i * (RECORD_BYTES + sep) + RECORD_BYTES);
  });
  return out;
}
