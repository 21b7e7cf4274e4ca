/** 全銀 files (MONEY-IN §1, B1): golden files of both formats, CP932 kana, 和暦 dates, every malformed case refused with its record. */
import { describe, expect, it } from 'vitest';
import { date } from '#domain/calendar.ts';
import iconv from 'iconv-lite';
import { NotJisX0201 } from '#domain/jis-x0201.ts';
import { BankFileError, parseBankFile, warekiDate } from '#domain/zengin.ts';
import { decodeCp932, encodeCp932, transferFile } from '#use-cases/deposits.ts';

const sp = (s: string, n: number) => {
  const b = encodeCp932(s);
  const out = new Uint8Array(n).fill(0x20);
  out.set(b.subarray(0, n));
  return out;
};
/** A record from [field, width] pairs, checked to be 200 bytes. */
function rec(...fields: [string, number][]): Uint8Array {
  const parts = fields.map(([v, n]) => sp(v, n));
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  expect(out.length).toBe(200);
  return out;
}
const join = (recs: Uint8Array[], sep = '') => Buffer.concat(recs.flatMap((r) => [Buffer.from(r), Buffer.from(sep)]));

// A golden 入出金取引明細 (03) file with two accounts: a 振込, a 振替, a cash deposit and a withdrawal.
function file03(): Uint8Array[] {
  const h = (acct: string) =>
    rec(
      ['1030060401', 10],
      ['060401', 6],
      ['060430', 6],
      ['0001', 4],
      ['ﾐｽﾞﾎ', 15],
      ['100', 3],
      ['ﾄｳｷﾖｳ', 15],
      ['000', 3],
      ['1', 1],
      [acct, 10],
      ['ｴﾇﾃｲﾃｲﾃｸﾉｸﾛｽ(ｶ', 40],
      ['1', 1],
      ['0', 1],
      ['00000001000000', 14],
      ['', 71],
    );
  const d = (ref: string, io: string, type: string, amount: string, name: string) =>
    rec(
      ['2', 1],
      [ref, 8],
      ['060410', 6],
      ['060410', 6],
      [io, 1],
      [type, 2],
      [amount.padStart(12, '0'), 12],
      ['000000000000', 12],
      ['000000', 6],
      ['000000', 6],
      ['0', 1],
      ['0000000', 7],
      ['000', 3],
      ['0000000000', 10],
      [name, 48],
      ['ﾐﾂｲｽﾐﾄﾓ', 15],
      ['ﾎﾝﾃﾝ', 15],
      ['ﾌﾘｺﾐ', 20],
      ['', 20],
      [' ', 1],
    );
  const t = (inN: string, inA: string, outN: string, outA: string, n: string) =>
    rec(
      ['8', 1],
      [inN.padStart(6, '0'), 6],
      [inA.padStart(13, '0'), 13],
      [outN.padStart(6, '0'), 6],
      [outA.padStart(13, '0'), 13],
      ['1', 1],
      ['00000001000000', 14],
      [n.padStart(7, '0'), 7],
      ['', 139],
    );
  return [
    h('0003000001'),
    d('00000001', '1', '11', '396000', 'ｶ)ｻﾝﾌﾟﾙ'),
    d('00000002', '1', '10', '5000', 'ｹﾞﾝｷﾝ'),
    d('00000003', '2', '11', '1000', 'ｼﾊﾗｲ'),
    t('2', '401000', '1', '1000', '3'),
    h('0003000002'),
    d('00000004', '1', '14', '792000', 'ﾀﾞｲﾘﾃﾝ'),
    t('1', '792000', '0', '0', '1'),
    rec(['9', 1], ['0000000009', 10], ['00002', 5], ['', 184]),
  ];
}

describe('全銀 01 (振込入金通知)', () => {
  const spec = {
    createdOn: date('2024-04-10'),
    accounts: [
      {
        bankCode: '0001',
        bankName: 'ﾐｽﾞﾎ',
        branchCode: '100',
        branchName: 'ﾄｳｷﾖｳ',
        accountNumber: '3000001',
        accountName: 'ｴﾇﾃｲﾃｲ',
        deposits: [{ inquiry: 1, valueDate: date('2024-04-10'), amount: 396000, remitter: 'ｶ)ｻﾝﾌﾟﾙｼﾖｳｼﾞ' }],
      },
      {
        bankCode: '0001',
        bankName: 'ﾐｽﾞﾎ',
        branchCode: '100',
        branchName: 'ﾄｳｷﾖｳ',
        accountNumber: '1234567',
        accountName: 'ｴﾇﾃｲﾃｲ',
        deposits: [
          { inquiry: 2, valueDate: date('2024-04-09'), amount: 1000, remitter: 'ﾔﾏﾀﾞ ﾀﾛｳ' },
          { inquiry: 2, valueDate: date('2024-04-10'), amount: 1000, remitter: 'ﾔﾏﾀﾞ ﾀﾛｳ', cancels: true },
        ],
      },
    ],
  };

  for (const crlf of [false, true]) {
    it(`reads a file with several accounts ${crlf ? 'with' : 'without'} CRLF, half-width kana through CP932`, () => {
      const bytes = transferFile(spec, { crlf });
      expect(bytes.length).toBe(8 * (crlf ? 202 : 200));
      const f = parseBankFile(bytes, decodeCp932);
      expect(f.kind).toBe('01');
      expect(f.accounts.map((a) => a.header.accountNumber)).toEqual(['3000001', '1234567']);
      expect(f.deposits.map((d) => [d.accountNumber, d.inquiry, d.valueDate, d.amount, d.remitter, d.cancels, d.record])).toEqual([
        ['3000001', '000001', '2024-04-10', 396000, 'ｶ)ｻﾝﾌﾟﾙｼﾖｳｼﾞ', false, 2],
        ['1234567', '000002', '2024-04-09', 1000, 'ﾔﾏﾀﾞ ﾀﾛｳ', false, 5],
        ['1234567', '000002', '2024-04-10', 1000, 'ﾔﾏﾀﾞ ﾀﾛｳ', true, 6],
      ]);
    });
  }

  it('round-trips every half-width katakana and the dakuten through CP932 (one byte each)', () => {
    const kana = 'ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝﾞﾟ';
    const b = encodeCp932(kana);
    expect(b.length).toBe(kana.length);
    expect(decodeCp932(b)).toBe(kana);
    expect(decodeCp932(Uint8Array.of(0x5c))).toBe('\\'); // the parser shows 0x5C as ¥ (JIS X 0201)
  });

  it('accepts a final EOF byte (0x1A) and a CRLF after the last record', () => {
    const bytes = Buffer.concat([Buffer.from(transferFile(spec, { crlf: true })), Buffer.from([0x1a])]);
    expect(parseBankFile(bytes, decodeCp932).deposits).toHaveLength(3);
  });
});

describe('全銀 03 (入出金取引明細)', () => {
  for (const sep of ['', '\r\n']) {
    it(`keeps only 入金 振込 / 振替 as deposits, checks trailer and end counts (${sep ? 'CRLF' : 'no CRLF'})`, () => {
      const f = parseBankFile(join(file03(), sep), decodeCp932);
      expect(f.kind).toBe('03');
      expect(f.deposits.map((d) => [d.accountNumber, d.inquiry, d.amount, d.remitter, d.valueDate])).toEqual([
        ['3000001', '00000001', 396000, 'ｶ)ｻﾝﾌﾟﾙ', '2024-04-10'],
        ['3000002', '00000004', 792000, 'ﾀﾞｲﾘﾃﾝ', '2024-04-10'],
      ]);
      expect(f.ignored).toBe(2);
      expect(f.accounts).toHaveLength(2);
    });
  }
});

describe('和暦 dates', () => {
  it.each([
    ['010501', '2019-05-01'],
    ['060229', '2024-02-29'],
    ['071231', '2025-12-31'],
  ])('%s → %s (令和 YY + 2018)', (w, d) => expect(warekiDate(w)).toBe(d));
  it.each(['050229', '061301', '06043X'])('%s is not a date', (w) => expect(warekiDate(w)).toBeNull());
});

describe('malformed files are refused whole, with the record number (B1)', () => {
  const good = () => file03();
  const refuse = (bytes: Uint8Array, record: number, reason: RegExp) => {
    let err: unknown;
    try {
      parseBankFile(bytes, decodeCp932);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BankFileError);
    expect((err as BankFileError).code).toBe('BANK_FILE_INVALID');
    expect((err as BankFileError).record).toBe(record);
    expect((err as BankFileError).reason).toMatch(reason);
  };
  it('a short record', () => {
    const r = good();
    r[2] = r[2]!.subarray(0, 150);
    refuse(join(r), 9, /1750 bytes, not a multiple of 200/); // without line ends only the total tells
    refuse(join(r, '\r\n'), 3, /record 3 is 150 bytes/);
  });
  it('wrong order: a data record after the trailer', () => {
    const r = good();
    [r[4], r[3]] = [r[3]!, r[4]!];
    refuse(join(r), 4, /trailer 出金件数 is 1, the data records give 0/);
  });
  it('wrong order: no header first', () => {
    const r = good();
    refuse(join(r.slice(1)), 1, /header/);
  });
  it('a trailer sum that does not match the data records', () => {
    const r = good();
    r[4] = Uint8Array.from(r[4]!);
    r[4].set(encodeCp932('0000000401001'), 7); // 入金額合計 off by one
    refuse(join(r), 5, /入金額合計 is 401001/);
  });
  it('a 01 trailer count that does not match', () => {
    const bytes = transferFile({
      createdOn: date('2024-04-10'),
      accounts: [
        {
          bankCode: '0001',
          bankName: 'X',
          branchCode: '100',
          branchName: 'Y',
          accountNumber: '1234567',
          accountName: 'Z',
          deposits: [{ inquiry: 1, valueDate: date('2024-04-10'), amount: 5, remitter: 'ｱ' }],
        },
      ],
    });
    bytes.set(encodeCp932('000002'), 401); // trailer 振込合計件数
    refuse(bytes, 3, /振込合計件数 is 2/);
  });
  it('EBCDIC (コード区分 1, or EBCDIC bytes)', () => {
    const r = good();
    r[0] = Uint8Array.from(r[0]!);
    r[0][3] = 0x31;
    refuse(join(r), 1, /EBCDIC/);
    const ebcdic = new Uint8Array(200).fill(0x40);
    ebcdic[0] = 0xf1;
    refuse(join([ebcdic, ...good().slice(1)]), 1, /EBCDIC/);
  });
  it('a non-numeric N field, a bad date, no end record, records after the end', () => {
    const r = good();
    r[1] = Uint8Array.from(r[1]!);
    r[1][30] = 0x41;
    refuse(join(r), 2, /取引金額|うち他店券金額/);
    const r2 = good();
    r2[1] = Uint8Array.from(r2[1]!);
    r2[1].set(encodeCp932('061341'), 9);
    refuse(join(r2), 2, /勘定日/);
    refuse(join(good().slice(0, -1)), 9, /end record/);
    refuse(join([...good(), good()[8]!]), 10, /follow the end record/);
  });
  it('an empty file', () => refuse(new Uint8Array(0), 1, /empty/));
  it('a byte outside JIS X 0201 in a text field (a CP932 kanji lead byte): refused, not guessed', () => {
    const r = good();
    r[1] = Uint8Array.from(r[1]!);
    r[1].set([0x8a, 0xbf], 90); // 漢 in CP932, inside the 振込依頼人名 (bytes 82–129)
    refuse(join(r), 2, /byte 91 .*0x8A is not JIS X 0201/);
  });
});

describe('the JIS X 0201 codec (replaces iconv-lite for 全銀 files)', () => {
  it('decodes and encodes every byte it accepts exactly as CP932 (iconv-lite) does', () => {
    const accepted = [...Array(256).keys()].filter((b) => b < 0x80 || (b >= 0xa1 && b <= 0xdf));
    expect(accepted).toHaveLength(128 + 63);
    const bytes = Uint8Array.from(accepted);
    const text = iconv.decode(Buffer.from(bytes), 'cp932');
    expect(decodeCp932(bytes)).toBe(text);
    expect(Buffer.from(encodeCp932(text)).equals(iconv.encode(text, 'cp932'))).toBe(true);
    expect(encodeCp932('¥')).toEqual(Uint8Array.of(0x5c));
  });
  it('refuses every other byte and any character it cannot write in one byte', () => {
    for (let b = 0x80; b < 0x100; b++) if (b < 0xa1 || b > 0xdf) expect(() => decodeCp932(Uint8Array.of(0x41, b))).toThrow(NotJisX0201);
    expect(() => encodeCp932('ﾔﾏﾀﾞ 太郎')).toThrow(/"太" \(U\+592A\) is not JIS X 0201/);
    expect(() => encodeCp932('ヤマダ')).toThrow(NotJisX0201);
  });
});
