/**
 * Money in end to end on the embedded stack (MONEY-IN B1–B7, V1–V4, A1–A2): the invoice is issued and
 * mailed with its PDF (archived write-once with the .eml), the payer's deposit arrives in a bank file
 * generated for it, the import pays the invoice exactly as the same amount paid through the API on the
 * same date does (interest, late-interest invoice, resumption mail), a re-import pays nothing twice, and
 * the bank's cancellation voids it all again (B5).
 *
 *   bank  kokona 5, start 2024-02-15, invoice 2024-03-01 (396,000, due 04-30), suspended 05-30,
 *         paid by a deposit to its virtual account on 06-10 → resumed, late interest 6,292.
 *   api   the same, paid through POST /invoices/{id}/payments on 06-10.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { date, type LocalDate } from '#domain/calendar.ts';
import { withCheckDigit } from '#domain/corporate-number.ts';
import { formatYenJa } from '#notices/format.ts';
import { LocalArchive } from '#adapters/archive/local-archive.ts';
import { transferFile } from '#use-cases/deposits.ts';
import { apiEvent } from '#local/http-server.ts';
import { acmeApplication, apiCall, dailyRun, testStack, TOKEN, type TestStack } from '../support.ts';

type Body = Record<string, any>;
const ctx = { functionName: 'api', awsRequestId: 'test', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

function applicant(ref: string, n: number, nameKana?: string) {
  const base = acmeApplication().contractor;
  return acmeApplication({
    ref,
    accounts: 5,
    contractor: {
      ...base,
      name: `株式会社${ref}`,
      corporateNumber: withCheckDigit(String(871_000_000_000 + n)),
      ...(nameKana ? { nameKana } : {}),
      accountManager: { name: `担当 ${ref}`, email: `${ref}@example.jp` },
    },
  });
}

async function raw(stack: TestStack, method: string, url: string, body?: Uint8Array) {
  const res = await stack.api(
    apiEvent({
      method,
      url,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/octet-stream' },
      body: body ? Buffer.from(body) : undefined,
    }),
    ctx,
  );
  await stack.drain();
  return {
    status: res.statusCode ?? 500,
    headers: (res.headers ?? {}) as Record<string, string>,
    bytes: res.isBase64Encoded ? Buffer.from(res.body ?? '', 'base64') : Buffer.from(res.body ?? ''),
    json: () => JSON.parse(res.body || '{}') as Body,
  };
}

const bankFile = (
  stack: TestStack,
  account: string,
  deposits: { inquiry: number; valueDate: string; amount: number; remitter: string; cancels?: boolean }[],
) =>
  transferFile({
    createdOn: date(deposits[0]!.valueDate),
    accounts: [
      {
        bankCode: stack.config.bank.code,
        bankName: 'ﾐｽﾞﾎ',
        branchCode: stack.config.bank.branchCode,
        branchName: 'ﾄｳｷﾖｳ',
        accountNumber: account,
        accountName: stack.config.bank.holderKana,
        deposits: deposits.map((d) => ({ ...d, valueDate: d.valueDate as LocalDate })),
      },
    ],
  });

async function mails(stack: TestStack, unit: string): Promise<string[]> {
  return (await stack.mail.list())
    .map((m) => m.headers)
    .filter((h) => h['x-kokona-unit'] === unit)
    .map((h) => `${h['x-kokona-date']} ${h['x-kokona-notice']}`)
    .sort();
}

const sameFigures = (inv: Body) => ({
  paidOn: inv.paidOn,
  interest: inv.interest,
  balance: inv.balance,
  status: inv.status,
  total: inv.total,
});

describe('money in: invoice → bank file → import → paid (MONEY-IN)', () => {
  let stack: TestStack;
  let account: string;
  let imported: Body;
  const tmp = mkdtempSync(join(tmpdir(), 'money-in-'));

  beforeAll(async () => {
    stack = await testStack('2024-02-01');
    for (const [ref, n, kana] of [
      ['bank', 1, 'カブシキガイシャ バンク'],
      ['api', 2, undefined],
    ] as const) {
      expect((await apiCall(stack, 'POST', '/applications', applicant(ref, n, kana))).status).toBe(201);
      expect((await apiCall(stack, 'POST', `/applications/${ref}/accept`, { startDate: '2024-02-15' })).status).toBe(200);
    }
    for (const d of ['2024-02-15', '2024-03-01', '2024-05-01', '2024-05-20', '2024-05-30', '2024-06-10']) await dailyRun(stack, d);
    account = (await apiCall(stack, 'GET', '/units/bank')).body.virtualAccount;
    imported = (
      await raw(
        stack,
        'POST',
        '/bank-files',
        bankFile(stack, account, [{ inquiry: 101, valueDate: '2024-06-10', amount: 396_000, remitter: 'ｶ)ﾊﾞﾝｸ' }]),
      )
    ).json();
    expect(
      (
        await apiCall(
          stack,
          'POST',
          '/invoices/api.2024-03-01.fees/payments',
          { amount: 396_000, paidOn: '2024-06-10' },
          { 'idempotency-key': 'money-in-api-1' },
        )
      ).status,
    ).toBe(201);
  }, 600_000);
  afterAll(async () => {
    await stack?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('gives every payer its own virtual account from the configured range at acceptance', async () => {
    const other = (await apiCall(stack, 'GET', '/units/api')).body.virtualAccount;
    expect([account, other].sort()).toEqual(['3000000', '3000001']);
  });

  it('answers the import with counts and each outcome (B7), and pays the invoice like the API does', async () => {
    expect(imported.counts).toMatchObject({
      deposits: 1,
      matched: 1,
      partial: 0,
      unmatched: 0,
      credit: 0,
      duplicates: 0,
      cancellations: 0,
    });
    expect(imported.deposits[0]).toMatchObject({
      result: 'recorded',
      status: 'matched',
      payer: 'corp:' + withCheckDigit('871000000001'),
      payments: [{ invoiceId: 'bank.2024-03-01.fees', amount: 396_000 }],
    });
    const bank = (await apiCall(stack, 'GET', '/invoices/bank.2024-03-01.fees')).body;
    const api = (await apiCall(stack, 'GET', '/invoices/api.2024-03-01.fees')).body;
    expect(sameFigures(bank)).toEqual(sameFigures(api));
    expect(sameFigures(bank)).toEqual({ paidOn: '2024-06-10', interest: 6292, balance: 0, status: 'paid', total: 396_000 });
    expect(bank.payments[0]).toMatchObject({ amount: 396_000, paidOn: '2024-06-10', deposit: imported.deposits[0].deposit });
    const late = (await apiCall(stack, 'GET', '/invoices/bank.2024-06-10.late_interest')).body;
    expect(late.total).toBe((await apiCall(stack, 'GET', '/invoices/api.2024-06-10.late_interest')).body.total);
    // The same notices, resumption included, for both ways of paying.
    const strip = (xs: string[]) => xs.join('\n');
    expect(strip(await mails(stack, 'bank'))).toBe(strip(await mails(stack, 'api')));
    expect(await mails(stack, 'bank')).toEqual(expect.arrayContaining(['2024-06-10 service_resumed', '2024-06-10 invoice_issued']));
    expect((await apiCall(stack, 'GET', '/units/bank')).body.status).toBe('active');
  });

  it('records each deposit once: the same file again is a duplicate and pays nothing (B2)', async () => {
    const again = (
      await raw(
        stack,
        'POST',
        '/bank-files',
        bankFile(stack, account, [{ inquiry: 101, valueDate: '2024-06-10', amount: 396_000, remitter: 'ｶ)ﾊﾞﾝｸ' }]),
      )
    ).json();
    expect(again.counts).toMatchObject({ deposits: 1, duplicates: 1, matched: 0 });
    const bank = (await apiCall(stack, 'GET', '/invoices/bank.2024-03-01.fees')).body;
    expect(bank.payments).toHaveLength(1);
    expect((await apiCall(stack, 'GET', '/deposits?status=matched')).body.items.map((d: Body) => d.id)).toEqual([
      imported.deposits[0].deposit,
    ]);
  });

  it('refuses a malformed file whole with its record number and records nothing (B1)', async () => {
    const good = bankFile(stack, '1234567', [
      { inquiry: 201, valueDate: '2024-06-10', amount: 1000, remitter: 'ﾌﾒｲ' },
      { inquiry: 202, valueDate: '2024-06-10', amount: 2000, remitter: 'ﾌﾒｲ' },
    ]);
    const bad = Uint8Array.from(good);
    bad.set(Buffer.from('000004'), 601); // trailer 振込合計件数 4 instead of 2
    const r = await raw(stack, 'POST', '/bank-files', bad);
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ code: 'BANK_FILE_INVALID', details: { record: 4 } });
    expect((await apiCall(stack, 'GET', '/deposits?status=unmatched')).body.items).toEqual([]);
    expect((await raw(stack, 'POST', '/bank-files', new Uint8Array(0))).status).toBe(400);
  });

  it("renders the PDF: every V1 item, the mail's figures, embedded Japanese subset, deterministic bytes (V1–V3)", async () => {
    const a = await raw(stack, 'GET', '/invoices/bank.2024-03-01.fees/pdf');
    const b = await raw(stack, 'GET', '/invoices/bank.2024-03-01.fees/pdf');
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('application/pdf');
    expect(a.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(Buffer.compare(a.bytes, b.bytes)).toBe(0);
    const file = join(tmp, 'bank.pdf');
    writeFileSync(file, a.bytes);
    const fonts = execFileSync('pdffonts', [file]).toString();
    expect(fonts).toMatch(/[A-Z]{6}\+NotoSansJP-Regular\s+CID TrueType\s+Identity-H\s+yes yes yes/);
    const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
    const inv = (await apiCall(stack, 'GET', '/invoices/bank.2024-03-01.fees')).body;
    for (const item of [
      '請求書（適格請求書）',
      'bank.2024-03-01.fees',
      '2024年3月1日',
      '株式会社bank 御中',
      '2024年4月30日',
      'お振込先',
      '普通',
      account,
      stack.config.bank.holderKana,
      '振込手数料は貴社ご負担',
      stack.config.issuer.registrationNumber,
      stack.config.issuer.name,
      '10%対象',
      '消費税（10%）',
      '合計',
      '初回契約期間',
    ])
      expect(text, item).toContain(item);
    // The figures equal the mail's.
    const mail = (await stack.mail.list()).find(
      (m) => m.headers['x-kokona-invoice'] === '2024-03-01/fees' && m.headers['x-kokona-unit'] === 'bank',
    )!;
    for (const yen of [inv.total, inv.taxableSubtotal, inv.tax].map(formatYenJa)) {
      expect(text).toContain(yen);
      expect(mail.text).toContain(yen);
    }
    expect(mail.text).toContain(account); // 振込先 on the mail too
    // Rendered pages, not just bytes: pdftoppm draws it and the page is not blank.
    execFileSync('pdftoppm', ['-png', '-r', '40', '-f', '1', '-l', '1', file, join(tmp, 'page')]);
    const png = execFileSync('pdftoppm', ['-r', '20', '-gray', '-f', '1', '-l', '1', file]);
    const pixels = png.subarray(png.length - 165 * 233);
    expect(pixels.filter((p) => p < 128).length).toBeGreaterThan(200);
  });

  it('attaches the PDF to the invoice mail and archives both write-once with their hashes (V4, A1), searchable (A2)', async () => {
    const hits = (await apiCall(stack, 'GET', '/archive?from=2024-03-01&to=2024-03-01&counterparty=bank')).body;
    expect(hits.items.map((h: Body) => h.key).sort()).toEqual(['bank.2024-03-01.fees.eml', 'bank.2024-03-01.fees.pdf']);
    const pdf = await raw(stack, 'GET', '/archive/bank.2024-03-01.fees.pdf');
    expect(Buffer.compare(pdf.bytes, (await raw(stack, 'GET', '/invoices/bank.2024-03-01.fees/pdf')).bytes)).toBe(0);
    const eml = (await raw(stack, 'GET', '/archive/bank.2024-03-01.fees.eml')).bytes.toString('utf8');
    expect(eml).toMatch(/Content-Type: application\/pdf/i);
    const part = /Content-Type: application\/pdf[\s\S]*?\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)/i.exec(eml)![1]!;
    expect(Buffer.compare(Buffer.from(part.replace(/\s+/g, ''), 'base64'), pdf.bytes)).toBe(0);
    // The archived .eml is the message the sink received.
    const mail = (await stack.mail.list()).find(
      (m) => m.headers['x-kokona-invoice'] === '2024-03-01/fees' && m.headers['x-kokona-unit'] === 'bank',
    )!;
    const sent = (await (await fetch(`${stack.urls.ses}/get-emlContent?messageId=${mail.messageId}`)).json()) as {
      body: { data: number[] };
    };
    expect(Buffer.from(sent.body.data).toString('utf8')).toBe(eml);
    // Search combinations (AND): amount range, date range, counterparty, none.
    const keys = async (q: string) =>
      (await apiCall(stack, 'GET', `/archive?${q}`)).body.items
        .map((h: Body) => h.key)
        .filter((k: string) => k.endsWith('.pdf'))
        .sort();
    expect(await keys('min=396000&max=396000&from=2024-03-01&to=2024-03-31')).toEqual([
      'api.2024-03-01.fees.pdf',
      'bank.2024-03-01.fees.pdf',
    ]);
    expect(await keys('max=10000')).toEqual(['api.2024-06-10.late_interest.pdf', 'bank.2024-06-10.late_interest.pdf']);
    expect(await keys('counterparty=株式会社api&from=2024-06-01')).toEqual(['api.2024-06-10.late_interest.pdf']);
    expect(await keys('counterparty=nobody')).toEqual([]);
    const page = (await apiCall(stack, 'GET', '/archive?limit=3')).body;
    expect(page.items).toHaveLength(3);
    const rest = (await apiCall(stack, 'GET', `/archive?limit=200&next=${page.next}`)).body;
    expect(rest.items).toHaveLength(5);
    expect(rest.next).toBeNull();
    expect((await apiCall(stack, 'GET', '/archive?min=10&max=5')).status).toBe(400);
  });

  it('refuses a second write of the same key (A1)', async () => {
    const dir = join(tmp, 'archive');
    const a = new LocalArchive(dir);
    const doc = {
      key: 'u.2024-01-01.fees.pdf',
      invoiceId: 'u.2024-01-01.fees',
      kind: 'pdf' as const,
      contentType: 'application/pdf',
      date: date('2024-01-01'),
      amount: 1,
      counterparty: 'x',
    };
    expect((await a.put(doc, Buffer.from('one'))).sha256).toMatch(/^[0-9a-f]{64}$/);
    await expect(a.put(doc, Buffer.from('two'))).rejects.toMatchObject({ code: 'ARCHIVE_WRITE_ONCE' });
    expect(Buffer.from((await a.read(doc.key))!.body).toString()).toBe('one');
    expect((await new LocalArchive(dir).search({}, { limit: 10 })).items).toHaveLength(1);
  });

  it('a bank cancellation voids the payments: invoice unpaid again, late-interest invoice void, operator told, audited (B5)', async () => {
    const r = (
      await raw(
        stack,
        'POST',
        '/bank-files',
        bankFile(stack, account, [{ inquiry: 101, valueDate: '2024-06-10', amount: 396_000, remitter: 'ｶ)ﾊﾞﾝｸ', cancels: true }]),
      )
    ).json();
    expect(r.counts).toMatchObject({ cancellations: 1 });
    expect(r.deposits[0]).toMatchObject({ result: 'cancelled', status: 'cancelled', deposit: imported.deposits[0].deposit });
    const inv = (await apiCall(stack, 'GET', '/invoices/bank.2024-03-01.fees')).body;
    expect(sameFigures(inv)).toMatchObject({ paidOn: null, interest: 0, balance: 396_000, status: 'overdue' });
    expect(inv.payments[0]).toMatchObject({ amount: 396_000, voidedOn: '2024-06-10' });
    const late = (await apiCall(stack, 'GET', '/invoices/bank.2024-06-10.late_interest')).body;
    expect(late).toMatchObject({ voidedOn: '2024-06-10', balance: 0 });
    const ops = (await stack.mail.list()).filter((m) => m.headers['x-kokona-notice'] === 'deposit_cancelled');
    expect(ops.map((m) => m.to)).toEqual([[stack.config.mail.operatorAddress]]);
    // The same cancellation again changes nothing.
    const again = (
      await raw(
        stack,
        'POST',
        '/bank-files',
        bankFile(stack, account, [{ inquiry: 101, valueDate: '2024-06-10', amount: 396_000, remitter: 'ｶ)ﾊﾞﾝｸ', cancels: true }]),
      )
    ).json();
    expect(again.counts).toMatchObject({ cancellations: 0, duplicates: 1 });
    expect((await apiCall(stack, 'GET', '/deposits?status=cancelled')).body.items).toHaveLength(1);
  });

  it('by hand (B6): an unmatched deposit matched to a unit teaches its name to the next import', async () => {
    const early = await raw(
      stack,
      'POST',
      '/bank-files',
      bankFile(stack, '1234567', [{ inquiry: 301, valueDate: '2024-06-12', amount: 100_000, remitter: 'ﾔﾏﾄ ﾄﾚｰﾃﾞｲﾝｸﾞ' }]),
    );
    expect(early.json()).toMatchObject({
      code: 'BANK_FILE_INVALID',
      details: { record: 2, reason: '勘定日 2024-06-12 is after today (2024-06-10)' },
    });
    stack.setToday('2024-06-13');
    const first = (
      await raw(
        stack,
        'POST',
        '/bank-files',
        bankFile(stack, '1234567', [{ inquiry: 301, valueDate: '2024-06-12', amount: 100_000, remitter: 'ﾔﾏﾄ ﾄﾚｰﾃﾞｲﾝｸﾞ' }]),
      )
    ).json();
    expect(first.deposits[0].status).toBe('unmatched');
    const id = first.deposits[0].deposit;
    expect((await apiCall(stack, 'GET', '/deposits?status=unmatched')).body.items.map((d: Body) => d.id)).toEqual([id]);
    const refused = await apiCall(stack, 'POST', `/deposits/${id}/match`, { unit: 'bank', invoices: ['bank.2024-06-10.late_interest'] });
    expect(refused).toMatchObject({ status: 422, body: { code: 'VALIDATION_FAILED' } }); // void: nothing to pay
    expect((await apiCall(stack, 'POST', `/deposits/${id}/match`, { unit: 'nobody', invoices: ['bank.2024-03-01.fees'] })).status).toBe(
      404,
    );
    const m = await apiCall(stack, 'POST', `/deposits/${id}/match`, { unit: 'bank', invoices: ['bank.2024-03-01.fees'] });
    expect(m.body).toMatchObject({ id });
    expect(m.body).toMatchObject({
      status: 'partial',
      matchedBy: 'operator',
      payments: [{ invoiceId: 'bank.2024-03-01.fees', amount: 100_000 }],
    });
    const next = (
      await raw(
        stack,
        'POST',
        '/bank-files',
        bankFile(stack, '1234567', [{ inquiry: 302, valueDate: '2024-06-13', amount: 296_000, remitter: 'ﾔﾏﾄﾄﾚｰﾃﾞｲﾝｸﾞ' }]),
      )
    ).json();
    expect(next.deposits[0]).toMatchObject({ status: 'matched', payer: 'corp:' + withCheckDigit('871000000001') });
    expect((await apiCall(stack, 'GET', '/invoices/bank.2024-03-01.fees')).body).toMatchObject({ balance: 0, paidOn: '2024-06-13' });
  });
});
