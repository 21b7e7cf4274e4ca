/**
 * `npm run bank-file -- [--out file] [--date YYYY-MM-DD] [--crlf] DEPOSIT…` writes a valid 全銀 振込入金通知
 * (`01`, CP932) for chosen deposits, for tests and demos (MONEY-IN §1). Each DEPOSIT is
 * `AMOUNT:REMITTER[:ACCOUNT[:YYYY-MM-DD]]` — the remitter in kana (written half-width), the account a
 * payer's virtual account (GET /units/{id} → virtualAccount) or, when absent, the operator's ordinary
 * account from the config (CONFIG_JSON or --config file). Deposits to one account share its header.
 *
 *   npm run bank-file -- --out /tmp/today.zengin '396000:ｶ)ｱｸﾒ:3000000'
 *   curl -H "authorization: Bearer $(cat .local/api-token)" --data-binary @/tmp/today.zengin http://127.0.0.1:3000/bank-files
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { jstDate, parseLocalDate, type LocalDate } from '#domain/calendar.ts';
import { validConfig } from '#domain/config.ts';
import { toHalfWidthKana } from '#domain/kana.ts';
import { transferFile } from '#use-cases/deposits.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    date: { type: 'string' },
    crlf: { type: 'boolean', default: false },
    config: { type: 'string' },
    inquiry: { type: 'string', default: '1' },
  },
});
function fail(msg: string): never {
  console.error(
    `bank-file: ${msg}\nusage: npm run bank-file -- [--out file] [--date YYYY-MM-DD] [--crlf] [--config config.json] [--inquiry N] AMOUNT:REMITTER[:ACCOUNT[:YYYY-MM-DD]] …`,
  );
  process.exit(2);
}
const config = validConfig(values.config ? JSON.parse(readFileSync(values.config, 'utf8')) : JSON.parse(process.env.CONFIG_JSON ?? '{}'));
const created = values.date ? parseLocalDate(values.date) : jstDate(Date.now() as never);
if (!created) fail('--date must be YYYY-MM-DD');
if (positionals.length === 0) fail('name at least one deposit');
let inquiry = Number(values.inquiry);
const byAccount = new Map<string, { inquiry: number; valueDate: LocalDate; amount: number; remitter: string }[]>();
for (const p of positionals) {
  const [amount, remitter, account = config.bank.accountNumber, day] = p.split(':');
  if (!amount || !/^\d+$/.test(amount) || Number(amount) <= 0) fail(`${p}: AMOUNT must be a positive whole number of yen`);
  if (!remitter) fail(`${p}: REMITTER is required`);
  if (!/^\d{7}$/.test(account)) fail(`${p}: ACCOUNT must be 7 digits`);
  const valueDate = day ? parseLocalDate(day) : created;
  if (!valueDate) fail(`${p}: the date must be YYYY-MM-DD`);
  byAccount.set(account, [
    ...(byAccount.get(account) ?? []),
    { inquiry: inquiry++, valueDate, amount: Number(amount), remitter: toHalfWidthKana(remitter) },
  ]);
}
const bytes = transferFile(
  {
    createdOn: created,
    accounts: [...byAccount].map(([accountNumber, deposits]) => ({
      bankCode: config.bank.code,
      bankName:
        toHalfWidthKana(config.bank.name)
          .replace(/[^\x20-\x7e\uff61-\uff9f]/g, '')
          .slice(0, 15) || 'BANK',
      branchCode: config.bank.branchCode,
      branchName:
        toHalfWidthKana(config.bank.branchName)
          .replace(/[^\x20-\x7e\uff61-\uff9f]/g, '')
          .slice(0, 15) || 'BRANCH',
      accountNumber,
      accountName: config.bank.holderKana,
      deposits,
    })),
  },
  { crlf: values.crlf },
);
if (values.out) {
  writeFileSync(values.out, bytes);
  console.error(`wrote ${values.out}: ${positionals.length} deposit(s), ${bytes.length} bytes`);
} else process.stdout.write(bytes);
