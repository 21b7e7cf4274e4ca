/**
 * `npm run bench:money`: import speed of a 10,000-deposit 全銀 file (deposits/s) through POST /bank-files
 * on the embedded stack (DynamoDB Local), and the invoice PDF's size and render time.
 * The deposits arrive at the operator's ordinary account under names no payer has (each one: the B2
 * duplicate check, the B3 name lookup, the conditional write), plus 100 at a payer's virtual account
 * that pay its invoice partly (the payment path through the unit).
 */
import { date, jstInstant } from '#domain/calendar.ts';
import { buildInvoice } from '#domain/invoices.ts';
import { ManualClock } from '#runtime/clock.ts';
import { transferFile } from '#use-cases/deposits.ts';
import { apiEvent } from '#local/http-server.ts';
import { startEmbeddedStack } from '#local/stack.ts';
import { PdfKitInvoiceDocuments } from '#adapters/pdf/invoice-pdf.ts';
import type { Context } from 'aws-lambda';

const N = Number(process.env.BENCH_DEPOSITS ?? 10_000);
const ctx = { functionName: 'api', awsRequestId: 'bench', getRemainingTimeInMillis: () => 900_000 } as unknown as Context;
const clock = new ManualClock(jstInstant(date('2024-06-10'), 10));
const stack = await startEmbeddedStack({
  clock,
  tableName: 'bench-money',
  apiToken: 't',
  provisionDelayMs: 0,
  retryDelayMs: 0,
  mailRatePerSecond: Infinity,
});
try {
  const kana = 'ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉ';
  const name = (i: number) => `ﾌﾒｲ${[...String(i)].map((d) => kana[Number(d)]).join('')}`;
  const bytes = transferFile({
    createdOn: date('2024-06-10'),
    accounts: [
      {
        bankCode: stack.config.bank.code,
        bankName: 'X',
        branchCode: stack.config.bank.branchCode,
        branchName: 'Y',
        accountNumber: stack.config.bank.accountNumber,
        accountName: 'Z',
        deposits: Array.from({ length: N }, (_, i) => ({
          inquiry: i + 1,
          valueDate: date('2024-06-10'),
          amount: 1000 + i,
          remitter: name(i),
        })),
      },
    ],
  });
  const t0 = performance.now();
  const res = await stack.api(
    apiEvent({ method: 'POST', url: '/bank-files', headers: { authorization: 'Bearer t' }, body: Buffer.from(bytes) }),
    ctx,
  );
  const s = (performance.now() - t0) / 1000;
  const body = JSON.parse(res.body ?? '{}') as { counts?: Record<string, number> };
  console.log(
    `import: ${N} deposits (${bytes.length} bytes) in ${s.toFixed(1)} s = ${(N / s).toFixed(0)} deposits/s; status ${res.statusCode}; counts ${JSON.stringify(body.counts)}`,
  );

  const docs = new PdfKitInvoiceDocuments();
  const unit = {
    id: 'bench',
    plan: 'kokona',
    contractor: {
      kind: 'corporation',
      name: '株式会社ベンチマーク',
      corporateNumber: '8700110005901',
      accountManager: { name: '山田 太郎', email: 'a@example.jp' },
      agent: null,
    },
    virtualAccount: '3000000',
  } as never;
  const inv = buildInvoice(
    unit,
    'fees',
    date('2024-05-01'),
    [
      {
        line: 'bench',
        type: 'first_term',
        from: date('2024-05-01'),
        to: date('2025-03-31'),
        months: 11,
        accounts: 5,
        unitPrice: 6000 as never,
        amount: 330000 as never,
        taxable: true,
        description: 'ココナワーク 基本契約 初回契約期間利用料（5アカウント × 11か月）',
      },
    ],
    stack.config,
  );
  let t = performance.now();
  const first = await docs.pdf(inv);
  const cold = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < 10; i++) await docs.pdf(inv);
  console.log(
    `pdf: ${first.length} bytes; first render (font load) ${cold.toFixed(0)} ms, then ${((performance.now() - t) / 10).toFixed(0)} ms per invoice`,
  );
} finally {
  await stack.stop();
}
