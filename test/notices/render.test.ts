import { describe, expect, it } from 'vitest';
import { date } from '#domain/calendar.ts';
import { DEFAULT_CONFIG } from '#domain/config.ts';
import { invoiceIssuedNotice } from '#domain/billing.ts';
import { changeContact } from '#domain/contracts.ts';
import { dunningStep } from '#domain/dunning.ts';
import { noticeId, type Notice, type NoticeType, type OutboxItem, type Role } from '#domain/effects.ts';
import { buildInvoice, feesDue, type Invoice, type InvoiceLine } from '#domain/invoices.ts';
import { reminders } from '#domain/lifecycle.ts';
import type { Yen } from '#domain/money.ts';
import { decodeNotice, MalformedNoticeError } from '#domain/notice-decode.ts';
import { escapeHtml, formatJapaneseDate, formatJapaneseDateTime } from '#notices/format.ts';
import { displayWidth } from '#notices/layout.ts';
import { noticeHeaders, renderNotice } from '#notices/render.ts';
import type { Line, Unit } from '#domain/unit.ts';

const config = DEFAULT_CONFIG;
const d = date;

const ctx = { serviceName: 'ココナワーク', operatorName: 'NTTテクノクロス株式会社' };

/**
 * A notice of `type` with `data` as stored (dates as text, the shapes written before the data was typed
 * accepted too), read through the storage boundary's decoder like every stored notice.
 */
function notice(type: NoticeType, data: Record<string, unknown>, over: Partial<Omit<Notice, 'data'>> = {}): Notice {
  const base = { unitId: 'acme', type, date: date('2024-02-01'), role: 'account_manager' as Role, ...over };
  return decodeNotice({ kind: 'notice', id: noticeId(base), to: { name: '山田 太郎', email: 'yamada@example.co.jp' }, data, ...base });
}

const unitBase = { contractorName: '株式会社サンプル', plan: 'ココナワーク' };
const sampleInvoice = buildInvoice(
  unitFixture(),
  'fees',
  date('2024-03-01'),
  feesDue(unitFixture(), date('2024-03-01'), DEFAULT_CONFIG),
  DEFAULT_CONFIG,
);

/** Complete data of every notice type (what the rules compute), for the tests of every template. */
const SAMPLE: Record<NoticeType, Record<string, unknown>> = {
  application_accepted: { ...unitBase, accounts: 5, startDate: '2024-02-15', userNames: [], userNamesTotal: 5 },
  application_rejected: { ...unitBase, accounts: 5, reason: '技術上著しく困難なため' },
  application_deferred: { ...unitBase, accounts: 5, reason: '設備増強中のため', expectedOn: '2024-03-01' },
  contact_changed: { ...unitBase, previous: '山田 太郎', current: '佐藤 花子', changedOn: '2024-02-01' },
  renewal_reminder: {
    ...unitBase,
    accounts: 10,
    termEnd: '2025-02-28',
    deadline: '2025-01-31',
    renewedTerm: { from: '2025-03-01', to: '2026-02-28' },
    renewalFee: 720000,
  },
  renewed: { ...unitBase, accounts: 10, termFrom: '2025-03-01', termTo: '2026-02-28', annualFee: 720000, nextDeadline: '2026-01-31' },
  cancellation_accepted: { ...unitBase, endDate: '2025-02-28', target: { kind: 'unit', accounts: 10 } },
  data_retrieval_reminder: { ...unitBase, endDate: '2025-02-28', reason: 'cancellation', target: { kind: 'unit', accounts: 10 } },
  invoice_issued: { ...unitBase, invoice: sampleInvoice, sourceIssueDates: {} },
  payment_overdue: {
    ...unitBase,
    invoice: sampleInvoice.id,
    issueDate: '2024-03-01',
    dueDate: '2024-04-30',
    total: 792000,
    balance: 792000,
    lateInterest: false,
    interestFreeUntil: '2024-05-10',
  },
  suspension_warning: {
    ...unitBase,
    invoices: [{ id: sampleInvoice.id, issueDate: '2024-03-01', lateInterest: false }],
    suspensionOn: '2024-05-30',
  },
  suspended: { ...unitBase, accounts: 10, suspendedOn: '2024-05-30', terminationOn: '2024-06-29' },
  service_resumed: { ...unitBase, accounts: 10, resumedOn: '2024-06-03' },
  termination_notice: { ...unitBase, accounts: 10, terminationOn: '2024-06-29' },
  terminated: { ...unitBase, accounts: 10, terminatedOn: '2024-06-29' },
  outage_threshold_reached: {
    outage: 'o1',
    knownAt: '2025-05-01T09:00:00+09:00',
    hours: 120,
    cause: 'operator_fault',
    scope: 'all',
    description: '認証基盤の障害',
  },
  compensation_statement: {
    ...unitBase,
    outage: 'o1',
    knownAt: '2025-05-01T09:00:00+09:00',
    endedAt: '2025-05-06T10:30:00+09:00',
    hours: 121.5,
    days: 5,
    annualFee: 720000,
    amount: 9863,
    record: 'o1.acme.1',
  },
  maintenance_notice: {
    ...unitBase,
    maintenance: 'm1',
    startsAt: '2025-06-01T01:00:00+09:00',
    endsAt: '2025-06-01T05:00:00+09:00',
    description: 'サーバ設備の定期保守',
  },
  notice_bounced: {
    noticeId: 'N#acme#renewed#2025-03-01#account_manager',
    noticeType: 'renewed',
    noticeUnit: 'acme',
    noticeDate: '2025-03-01',
    recipient: 'yamada@example.co.jp',
    bounceSubType: 'General',
    diagnostic: null,
    bouncedAt: '2025-03-01T00:10:00Z',
  },
  deposit_cancelled: { deposit: 'd1', valueDate: '2024-04-01', inquiry: '000123', remitter: 'ｻﾝﾌﾟﾙ', amount: 792000, payments: [] },
  account_kit: { kitUrl: 'https://backoffice.example/kit/TOKEN', kitExpiresOn: '2024-02-29', accounts: 5 },
  desktop_job_failed: { job: 'D#acme#acme#create#2024-02-15', action: 'create', code: 'X', message: 'failed' },
};

/** A notice of `type` with its sample data, `data` overriding some of it. */
const sample = (type: NoticeType, data: Record<string, unknown> = {}, over: Partial<Omit<Notice, 'data'>> = {}) =>
  notice(type, { ...SAMPLE[type], ...data }, over);

const userNames = ['acme-user01', 'acme-user02', 'acme-user03', 'acme-user04', 'acme-user05'];
const application = { contractorName: '株式会社サンプル', plan: 'ココナワーク', accounts: 5 };
const accepted = notice('application_accepted', {
  ...application,
  startDate: '2024-02-15',
  userNames,
  kitUrl: 'https://backoffice.example/kit/TOKEN',
  kitExpiresOn: '2024-02-29',
});

const ALL_TYPES: NoticeType[] = [
  'application_accepted',
  'application_rejected',
  'application_deferred',
  'contact_changed',
  'renewal_reminder',
  'renewed',
  'cancellation_accepted',
  'data_retrieval_reminder',
  'invoice_issued',
  'payment_overdue',
  'suspension_warning',
  'suspended',
  'service_resumed',
  'termination_notice',
  'terminated',
  'outage_threshold_reached',
  'compensation_statement',
  'maintenance_notice',
];

/** Sentences of the prose end in the polite forms (です・ます). */
function sentences(text: string): string[] {
  return text.split('\n').filter((l) => l.endsWith('。'));
}
const POLITE = /(ます|ました|ません|です|でした|ください)。$/;

describe('formatJapaneseDate', () => {
  it.each([
    ['2024-02-15', '2024年2月15日'],
    ['2025-12-01', '2025年12月1日'],
    ['2024-02-29', '2024年2月29日'],
  ])('%s → %s', (d, ja) => expect(formatJapaneseDate(date(d))).toBe(ja));
});

describe('escapeHtml', () => {
  it('escapes the five significant characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });
});

describe('application_accepted (Art 6, 7: サービス提供開始通知書)', () => {
  const mail = renderNotice(accepted, ctx);

  it('subject names the notice and the contract number', () => {
    expect(mail.subject).toBe('【ココナワーク】サービス提供開始通知書（契約番号 acme）');
  });

  it('is addressed to the recipient and names the contract, plan, accounts and start date', () => {
    for (const body of [mail.text, mail.html]) {
      expect(body).toContain('山田 太郎 様');
      expect(body).toContain('株式会社サンプル');
      expect(body).toContain('契約番号');
      expect(body).toContain('acme');
      expect(body).toContain('2024年2月15日');
      expect(body).toContain('ココナワーク');
      expect(body).toContain('NTTテクノクロス株式会社');
    }
    expect(mail.text).toContain('  提供開始日：2024年2月15日');
    expect(mail.text).toContain('  アカウント数：5');
    expect(mail.text).toContain('  ご契約プラン：ココナワーク');
  });

  it('lists every user name of the kit, in text and in an HTML table', () => {
    for (const [i, u] of userNames.entries()) {
      expect(mail.text).toContain(`  ${i + 1}. ${u}`);
      expect(mail.html).toContain(`<td>${u}</td>`);
    }
  });

  it('contains no password: the word appears only in the sentence saying it is not included', () => {
    for (const body of [mail.text, mail.html]) {
      expect(body.toLowerCase()).not.toContain('password');
      expect(body).not.toMatch(/パスワード\s*[：:]/);
    }
    // W3: the mail says the passwords are not in it, and how the one-time kit link works.
    expect(mail.text).toContain('各アカウントの初期パスワードは、安全のため本メールには記載しておりません。');
    expect(mail.text).toContain('一度に限り取得いただけます：https://backoffice.example/kit/TOKEN');
    expect(mail.text).toContain('リンクの有効期限は2024年2月29日です');
  });

  it('is written in the polite style', () => {
    expect(sentences(mail.text).length).toBeGreaterThan(3);
    for (const s of sentences(mail.text)) expect(s).toMatch(POLITE);
  });

  it('omits the kit table when no user names are given', () => {
    const m = renderNotice(notice('application_accepted', { ...application, startDate: '2024-02-15' }), ctx);
    expect(m.text).not.toContain('本サービス利用キット');
    expect(m.html).not.toContain('本サービス利用キット');
  });
});

describe('application_rejected / application_deferred (Art 6-2, 6-3)', () => {
  it('a refusal gives its reason', () => {
    const m = renderNotice(notice('application_rejected', { ...application, reason: '技術上著しく困難なため' }), ctx);
    expect(m.subject).toBe('【ココナワーク】ご契約お申し込み不承諾のお知らせ（契約番号 acme）');
    expect(m.text).toContain('  不承諾の理由：技術上著しく困難なため');
    expect(m.text).toContain('このたびは「ココナワーク」をお申し込みいただき');
    for (const s of sentences(m.text)) expect(s).toMatch(POLITE);
  });

  it('a deferral gives its reason and the expected acceptance date', () => {
    const m = renderNotice(notice('application_deferred', { ...application, reason: '設備増強中のため', expectedOn: '2024-03-01' }), ctx);
    expect(m.subject).toBe('【ココナワーク】ご契約お申し込み承諾延期のお知らせ（契約番号 acme）');
    expect(m.text).toContain('  延期の理由：設備増強中のため');
    expect(m.text).toContain('  承諾予定日：2024年3月1日');
    expect(m.html).toContain('<td>2024年3月1日</td>');
    for (const s of sentences(m.text)) expect(s).toMatch(POLITE);
  });
});

describe('HTML', () => {
  const hostile = '<script>alert("x")</script>&Co';
  const m = renderNotice(
    notice('application_accepted', { ...application, contractorName: hostile, startDate: '2024-02-15', userNames: ['<b>u1</b>'] }),
    { ...ctx, operatorName: 'A&B <株式会社>' },
  );

  it('escapes every interpolated value', () => {
    expect(m.html).not.toContain('<script>');
    expect(m.html).not.toContain('<b>');
    expect(m.html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;&#38;Co');
    expect(m.html).toContain('A&#38;B &#60;株式会社&#62;');
    expect(m.text).toContain(hostile); // plain text is not HTML
  });

  it('is a small well-formed Japanese document with tables', () => {
    expect(m.html.startsWith('<!DOCTYPE html>\n<html lang="ja">\n<head>\n<meta charset="utf-8">')).toBe(true);
    expect(m.html.trimEnd().endsWith('</body>\n</html>')).toBe(true);
    for (const tag of ['html', 'head', 'body', 'table', 'tr', 'p', 'h2', 'title']) {
      const opened = m.html.match(new RegExp(`<${tag}[ >]`, 'g'))?.length ?? 0;
      const closed = m.html.match(new RegExp(`</${tag}>`, 'g'))?.length ?? 0;
      expect({ tag, opened }).toEqual({ tag, opened: closed });
    }
    expect(m.html.match(/<table /g)).toHaveLength(2);
  });
});

describe('noticeHeaders (X6)', () => {
  it('names type, unit, line, date, role and id in ASCII', () => {
    const n = sample('invoice_issued', {}, { lineId: 'acme-add1', date: date('2024-03-01') });
    const h = noticeHeaders(n);
    expect(h).toEqual({
      'X-Kokona-Notice': 'invoice_issued',
      'X-Kokona-Unit': 'acme',
      'X-Kokona-Line': 'acme-add1',
      'X-Kokona-Date': '2024-03-01',
      'X-Kokona-Role': 'account_manager',
      'X-Kokona-Notice-Id': n.id,
    });
    for (const v of Object.values(h)) expect(v).toMatch(/^[\x20-\x7e]*$/);
  });

  it('has no line header without a line, and an empty unit for operator notices', () => {
    const h = noticeHeaders(sample('outage_threshold_reached', {}, { unitId: null, role: 'operator' }));
    expect(h).not.toHaveProperty('X-Kokona-Line');
    expect(h['X-Kokona-Unit']).toBe('');
    expect(h['X-Kokona-Role']).toBe('operator');
  });

  it('refuses values that are not printable ASCII (no header injection)', () => {
    expect(() => noticeHeaders(sample('renewed', {}, { unitId: 'acme\r\nBcc: x@example.com' }))).toThrow(/ASCII/);
    expect(() => noticeHeaders(sample('renewed', {}, { unitId: '顧客' }))).toThrow(/ASCII/);
  });
});

describe('every notice type', () => {
  it.each(ALL_TYPES)('%s renders a subject, text and HTML addressed to the recipient', (type) => {
    const m = renderNotice(sample(type), ctx);
    expect(m.subject).toMatch(/^【ココナワーク】.+（契約番号 acme）$/);
    expect(m.text).toContain('山田 太郎 様');
    expect(m.text).toContain('契約番号：acme');
    expect(m.text).toContain('NTTテクノクロス株式会社');
    expect(m.html).toContain('山田 太郎 様');
    expect(m.html).toContain('<html lang="ja">');
    for (const s of sentences(m.text)) expect(s).toMatch(POLITE);
  });

  it('subjects differ by type', () => {
    const subjects = ALL_TYPES.map((t) => renderNotice(sample(t), ctx).subject);
    expect(new Set(subjects).size).toBe(ALL_TYPES.length);
  });

  it('an operator notice has no contract number and no customer greeting', () => {
    const m = renderNotice(
      sample('outage_threshold_reached', { outage: 'o1', knownAt: '2025-05-01T00:00:00Z', hours: 120 }, { unitId: null, role: 'operator' }),
      ctx,
    );
    expect(m.subject).toBe('【ココナワーク】障害継続時間が損害賠償の基準に達しました');
    expect(m.text).not.toContain('契約番号');
    expect(m.text).not.toContain('ご利用いただき');
    expect(m.text).toContain('  検知日時：2025年5月1日 9時00分');
  });

  it('the agent is thanked for the sale and the contractor name is not put above its name', () => {
    const m = renderNotice(sample('suspension_warning', {}, { role: 'agent' }), ctx);
    expect(m.text.startsWith('山田 太郎 様\n')).toBe(true);
    expect(m.text).toContain('販売にご協力いただき');
    expect(m.text).toContain('  契約者：株式会社サンプル');
  });
});

describe('stored notices (the storage boundary)', () => {
  it('data that does not have the shape of its type is refused with a clear error, never rendered', () => {
    expect(() => notice('invoice_issued', { ...unitBase, total: 792000 })).toThrow(MalformedNoticeError);
    expect(() => notice('invoice_issued', { ...unitBase, total: 792000 })).toThrow(/invoice_issued: data.invoice is not a record/);
    expect(() => notice('renewed', {})).toThrow(/renewed: data.contractorName is not a string/);
  });

  it('notices stored before the data was typed are upgraded: the fields the rule computes now are derived once, at the boundary', () => {
    const legacy = notice('renewal_reminder', { ...unitBase, accounts: 10, termEnd: '2025-02-28', renewalFee: 720000 });
    expect(legacy.type === 'renewal_reminder' && legacy.data).toMatchObject({
      deadline: '2025-01-31',
      renewedTerm: { from: '2025-03-01', to: '2026-02-28' },
    });
    const warning = notice('suspension_warning', { ...unitBase, invoices: ['acme.2024-06-15.late_interest'], suspensionOn: '2024-05-30' });
    expect(warning.type === 'suspension_warning' && warning.data.invoices).toEqual([
      { id: 'acme.2024-06-15.late_interest', issueDate: '2024-06-15', lateInterest: true },
    ]);
    const line = notice('cancellation_accepted', { ...unitBase, endDate: '2024-12-31', line: 'acme-add1', accounts: 3 });
    expect(line.type === 'cancellation_accepted' && line.data.target).toEqual({ kind: 'line', line: 'acme-add1', accounts: 3 });
  });
});

// ---------------------------------------------------------------------------------------------
// The templates of every notice type, with the data the domain puts in them

/** RULES §12 example 1: kokona, 10 accounts, started 2024-02-15, first term to 2025-02-28. */
function basicLine(over: Partial<Line> = {}): Line {
  return {
    id: 'acme',
    kind: 'basic',
    accounts: 10,
    startDate: d('2024-02-15'),
    started: true,
    termStart: d('2024-02-15'),
    termEnd: d('2025-02-28'),
    firstTermEnd: d('2025-02-28'),
    endedOn: null,
    cancellation: null,
    userNames: [],
    ...over,
  };
}

function unitFixture(over: Partial<Unit> = {}): Unit {
  return {
    id: 'acme',
    plan: 'kokona',
    accounts: 10,
    contractor: {
      kind: 'corporation',
      name: '株式会社アクメ',
      corporateNumber: '8700110005901',
      accountManager: { name: '山田 太郎', email: 'yamada@acme.example' },
      agent: null,
    },
    status: 'active',
    history: [{ date: d('2024-02-15'), status: 'active' }],
    receivedOn: d('2024-01-25'),
    receivedSeq: 1,
    application: { status: 'accepted', decidedOn: d('2024-02-01') },
    startDate: d('2024-02-15'),
    lines: [basicLine()],
    cancellation: null,
    endedOn: null,
    invoices: [],
    suspendedOn: null,
    processedThrough: d('2024-03-01'),
    desktops: {},
    version: 3,
    ...over,
  };
}

const notices = (items: readonly OutboxItem[]) => items.filter((i): i is Notice => i.kind === 'notice');

/** A unit notice with the base data `unitNotice` adds (contractorName, plan display name, accounts). */
function unitData(type: NoticeType, data: Record<string, unknown>, over: Partial<Omit<Notice, 'data'>> = {}): Notice {
  return notice(type, { contractorName: '株式会社アクメ', plan: 'ココナワーク', accounts: 10, ...data }, { unitId: 'acme', ...over });
}

/**
 * Words in Latin letters a Japanese business mail uses as they are: "PDF" (the invoice mail says
 * 請求書のPDFを添付しております — there is no Japanese word for the file format, MONEY-IN V1).
 */
const LATIN_TERMS = ['PDF'];

/** Letters and digits of ASCII outside the ids that may appear (contract numbers, invoice ids, the registration number …). */
function englishOutside(text: string, ids: readonly string[]): string[] {
  let rest = text.split(ctx.operatorName).join(''); // the operator's legal name (NTT…)
  for (const id of [...ids].sort((a, b) => b.length - a.length)) rest = rest.split(id).join('');
  for (const term of LATIN_TERMS) rest = rest.split(term).join('');
  return rest.match(/[A-Za-z]{2,}/g) ?? [];
}

/** Checks every rendered mail shares: non-empty text and HTML, polite prose, no holes, no password, no English. */
function expectWellFormed(m: ReturnType<typeof renderNotice>, ids: readonly string[] = ['acme']) {
  expect(m.subject.length).toBeGreaterThan(0);
  expect(m.text.trim().length).toBeGreaterThan(0);
  expect(m.html).toContain('<table ');
  for (const body of [m.subject, m.text, m.html]) {
    expect(body).not.toMatch(/undefined|NaN|\[object|null/);
    expect(body.toLowerCase()).not.toContain('password');
    expect(body).not.toContain('パスワード');
  }
  expect(englishOutside(m.subject, ids)).toEqual([]);
  expect(englishOutside(m.text, ids)).toEqual([]);
  for (const s of sentences(m.text)) expect(s).toMatch(POLITE);
}

/** The lines of a text section `■ caption` up to the blank line. */
function section(text: string, caption: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(`■ ${caption}`);
  expect(start, `section ${caption}`).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end);
}

describe('formatJapaneseDateTime', () => {
  it.each([
    ['2025-05-01T00:00:00Z', '2025年5月1日 9時00分'],
    ['2025-05-01T09:00:00+09:00', '2025年5月1日 9時00分'],
    ['2025-05-06T10:30', '2025年5月6日 10時30分'],
    ['2024-12-31T15:05:00Z', '2025年1月1日 0時05分'],
  ])('%s → %s (Japan time)', (s, ja) => expect(formatJapaneseDateTime(s)).toBe(ja));

  it('null for anything that is not an instant', () => {
    expect(formatJapaneseDateTime('2025-05-01')).toBeNull();
    expect(formatJapaneseDateTime(undefined)).toBeNull();
  });
});

describe('invoice_issued (Art 28–31: 適格請求書)', () => {
  const unit = unitFixture();
  const inv = buildInvoice(unit, 'fees', d('2024-03-01'), feesDue(unit, d('2024-03-01'), config), config);
  const n = invoiceIssuedNotice({ ...unit, invoices: [inv] }, inv, d('2024-03-01'), config);
  const m = renderNotice(n, ctx);
  const ids = ['acme', inv.id, 'T8700110005901'];

  it('is built from the real invoice of RULES §12 example 1', () => {
    expect(inv).toMatchObject({ taxableSubtotal: 720000, tax: 72000, nonTaxable: 0, total: 792000, dueDate: '2024-04-30' });
    expect(n.type === 'invoice_issued' && n.data.invoice).toBe(inv);
  });

  it('subject and lead name the qualified invoice', () => {
    expect(m.subject).toBe('【ココナワーク】ご請求書（適格請求書）発行のお知らせ（契約番号 acme）');
    expect(m.text).toContain('適格請求書として発行しております');
    expect(m.text).toContain('約款第30条');
  });

  it('names the issuer with its registration number, the recipient and attention, the dates and the total', () => {
    for (const body of [m.text, m.html]) {
      expect(body).toContain('NTTテクノクロス株式会社');
      expect(body).toContain('T8700110005901');
      expect(body).toContain('東京都港区港南二丁目16番4号');
      expect(body).toContain('株式会社アクメ 御中');
      expect(body).toContain('山田 太郎 様');
      expect(body).toContain('2024年3月1日');
      expect(body).toContain('2024年4月30日');
      expect(body).toContain('792,000円');
    }
    expect(m.text).toContain('  登録番号：T8700110005901');
    expect(m.text).toContain('  宛名：株式会社アクメ 御中');
    expect(m.text).toContain('  ご担当者：山田 太郎 様');
    expect(m.text).toContain('  発行日：2024年3月1日');
    expect(m.text).toContain('  お支払期日：2024年4月30日');
    expect(m.text).toContain(`  請求書番号：${inv.id}`);
    expect(m.text).toContain('  契約番号：acme');
  });

  it('lists the lines as an aligned plain-text table: period, description, accounts × months, unit price, amount, tax class', () => {
    const rows = section(m.text, 'ご請求明細');
    expect(rows).toHaveLength(3); // header, rule, one line
    const [header, rule, line] = rows as [string, string, string];
    for (const col of ['項番', '期間', '内容', '数量', '単価', '金額', '税区分']) expect(header).toContain(col);
    expect(rule).toMatch(/^ {2}-+( +-+)+$/);
    expect(line).toContain('2024年3月1日～2025年2月28日');
    expect(line).toContain('ココナワーク 基本契約 初回契約期間利用料');
    expect(line).toContain('10アカウント×12か月');
    expect(line).toContain('6,000円');
    expect(line).toContain('720,000円');
    expect(line).toMatch(/10%$/);
    // The amount column is right-aligned under its header.
    const headerEnd = displayWidth(header.slice(0, header.indexOf('金額') + 2));
    const amountEnd = displayWidth(line.slice(0, line.indexOf('720,000円') + '720,000円'.length));
    expect(amountEnd).toBe(headerEnd);
  });

  it('gives the amount per tax rate, the tax at that rate and the total, right-aligned', () => {
    const rows = section(m.text, '税率ごとに区分した合計額');
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^ {2}10%対象（税抜） +720,000円$/);
    expect(rows[1]).toMatch(/^ {2}消費税（10%） +72,000円$/);
    expect(rows[2]).toMatch(/^ {2}合計 +792,000円$/);
    expect(new Set(rows.map(displayWidth)).size).toBe(1);
    expect(m.text).not.toContain('非課税');
  });

  it('asks for payment by the due date, the transfer fee being the customer’s, and names late interest', () => {
    expect(m.text).toContain('お支払期日（2024年4月30日）までに');
    expect(m.text).toContain('約款第28条第3項により、振込手数料はお客様のご負担となります。');
    expect(m.text).toContain('約款第31条');
    expect(m.text).toContain('年14.5%');
  });

  it('the HTML is a real table with right-aligned amounts', () => {
    expect(m.html).toContain('<th scope="col">期間</th><th scope="col">内容</th><th scope="col">数量</th>');
    expect(m.html).toContain('<td style="text-align:right">720,000円</td>');
    expect(m.html).toContain('<th scope="row" style="text-align:left">10%対象（税抜）</th><td style="text-align:right">720,000円</td>');
    expect(m.html).toContain('<th scope="row" style="text-align:left">消費税（10%）</th><td style="text-align:right">72,000円</td>');
    expect(m.html).toContain('<th scope="row" style="text-align:left">合計</th><td style="text-align:right">792,000円</td>');
    // ご請求内容, お振込先 (MONEY-IN B3), 発行者, ご請求明細, 税率ごとに区分した合計額
    expect(m.html.match(/<table /g)).toHaveLength(5);
    expect(m.html.match(/<\/table>/g)).toHaveLength(5);
  });

  it('names the account to pay to (MONEY-IN B3) and says the PDF is attached', () => {
    expect(section(m.text, 'お振込先')).toEqual([
      '  金融機関：みずほ銀行（0001）',
      '  支店：東京営業部（100）',
      expect.stringMatching(/^ {2}口座種別：/),
      '  口座番号：1234567',
      '  口座名義：ｴﾇﾃｲﾃｲﾃｸﾉｸﾛｽ(ｶ',
    ]);
    expect(m.text).toContain('上記のお振込先へお振り込みください');
    expect(m.text).toContain('請求書のPDFを添付しております。');
  });

  it('is well formed, polite and free of English outside ids', () => expectWellFormed(m, ids));

  it('RULES §12 example 3: a renewal and an additional first term on one invoice, tax computed once', () => {
    const u = unitFixture({
      lines: [
        basicLine({ termStart: d('2025-03-01'), termEnd: d('2026-02-28') }),
        basicLine({
          id: 'acme-add1',
          kind: 'additional',
          accounts: 2,
          startDate: d('2025-02-03'),
          termStart: d('2025-02-03'),
          termEnd: d('2026-02-28'),
          firstTermEnd: d('2026-02-28'),
        }),
      ],
    });
    const two = buildInvoice(u, 'fees', d('2025-03-01'), feesDue(u, d('2025-03-01'), config), config);
    const t = renderNotice(invoiceIssuedNotice(u, two, d('2025-03-01'), config), ctx);
    const rows = section(t.text, 'ご請求明細');
    expect(rows).toHaveLength(4);
    expect(rows[2]).toContain('更新後契約期間利用料');
    expect(rows[2]).toContain('2025年3月1日～2026年2月28日');
    expect(rows[3]).toContain('追加契約 初回契約期間利用料');
    expect(rows[3]).toContain('2アカウント×12か月');
    expect(rows[3]).toContain('144,000円');
    expect(t.text).toMatch(/^ {2}10%対象（税抜） +864,000円$/m);
    expect(t.text).toMatch(/^ {2}消費税（10%） +86,400円$/m);
    expect(t.text).toMatch(/^ {2}合計 +950,400円$/m);
    expectWellFormed(t, ['acme', two.id, 'T8700110005901']);
  });

  it('an agent sale: addressed to the agent for the contractor’s contract (Art 29)', () => {
    const u = unitFixture({ contractor: { ...unit.contractor, agent: { name: '株式会社代理店', email: 'agent@agency.example' } } });
    const a = buildInvoice(u, 'fees', d('2024-03-01'), feesDue(u, d('2024-03-01'), config), config);
    const n2 = invoiceIssuedNotice(u, a, d('2024-03-01'), config);
    expect(n2.role).toBe('agent');
    const t = renderNotice(n2, ctx);
    expect(t.text.startsWith('株式会社代理店 様\n')).toBe(true);
    expect(t.text).toContain('  宛名：株式会社代理店 御中');
    expect(t.text).toContain('  対象のご契約：株式会社アクメ ご契約分');
    expect(t.text).toContain('販売にご協力いただき');
    expectWellFormed(t, ['acme', a.id, 'T8700110005901']);
  });

  it('a late-interest invoice says 延滞利息, is outside consumption tax and marks its line 非課税', () => {
    const line: InvoiceLine = {
      line: 'acme',
      type: 'late_interest',
      from: d('2024-05-01'),
      to: d('2024-06-14'),
      months: null,
      accounts: null,
      unitPrice: null,
      amount: 14158 as Yen,
      taxable: false,
      description: '延滞利息（請求書 2024-03-01/fees、年14.5%）',
      invoice: inv.id,
    };
    const li = buildInvoice(unit, 'late_interest', d('2024-06-15'), [line], config);
    const t = renderNotice(invoiceIssuedNotice(unit, li, d('2024-06-15'), config), ctx);
    expect(t.subject).toBe('【ココナワーク】延滞利息のご請求書発行のお知らせ（契約番号 acme）');
    expect(t.text).toContain('約款第31条');
    expect(t.text).toContain('年14.5%');
    expect(t.text).toContain('消費税の課税対象外');
    const rows = section(t.text, 'ご請求明細');
    expect(rows[2]).toContain('2024年5月1日～2024年6月14日');
    expect(rows[2]).toContain('延滞利息（2024年3月1日発行のご請求書分、年14.5%）');
    expect(rows[2]).toContain('45日');
    expect(rows[2]).toContain('14,158円');
    expect(rows[2]).toMatch(/非課税$/);
    expect(section(t.text, '税率ごとに区分した合計額')).toEqual([
      expect.stringMatching(/^ {2}非課税（延滞利息） +14,158円$/),
      expect.stringMatching(/^ {2}合計 +14,158円$/),
    ]);
    expect(t.text).not.toContain('10%対象');
    expect(t.text).toContain('振込手数料はお客様のご負担');
    expectWellFormed(t, ['acme', li.id, 'T8700110005901']);
  });

  it('escapes the invoice’s values in HTML', () => {
    const hostile = unitFixture({ contractor: { ...unit.contractor, name: 'A&B <商事>' } });
    const h = buildInvoice(hostile, 'fees', d('2024-03-01'), feesDue(hostile, d('2024-03-01'), config), config);
    const t = renderNotice(invoiceIssuedNotice(hostile, h, d('2024-03-01'), config), ctx);
    expect(t.html).not.toContain('<商事>');
    expect(t.html).toContain('A&#38;B &#60;商事&#62; 御中');
    expect(t.text).toContain('A&B <商事> 御中');
  });
});

describe('renewal_reminder / renewed (Art 14, 18)', () => {
  it('the real reminder of RULES §12 example 1: term end, deadline, days left and the renewal fee', () => {
    const [n] = notices(reminders(unitFixture(), d('2025-01-01'), config));
    expect(n?.type).toBe('renewal_reminder');
    const m = renderNotice(n!, ctx);
    expect(m.subject).toBe('【ココナワーク】契約更新のご案内（契約番号 acme）');
    expect(m.text).toContain('ご契約の契約期間は2025年2月28日に満了いたします。');
    expect(m.text).toContain('解約申込期限（2025年1月31日）までに');
    expect(m.text).toContain('  解約申込期限：2025年1月31日（あと30日）');
    expect(m.text).toContain('  契約期間満了日：2025年2月28日');
    expect(m.text).toContain('  更新後の契約期間：2025年3月1日～2026年2月28日');
    expect(m.text).toContain('  更新後の年間使用料（税抜）：720,000円');
    expect(m.text).toContain('約款第14条');
    expect(m.text).toContain('約款第18条');
    expect(m.html).toContain('<td>2025年1月31日（あと30日）</td>');
    expectWellFormed(m);
  });

  it('renewed: the renewed term, its annual fee and the next deadline', () => {
    const m = renderNotice(
      unitData('renewed', { termFrom: '2025-03-01', termTo: '2026-02-28', annualFee: 720000 }, { date: d('2025-03-01') }),
      ctx,
    );
    expect(m.text).toContain('約款第14条');
    expect(m.text).toContain('  更新後の契約期間：2025年3月1日～2026年2月28日');
    expect(m.text).toContain('  年間使用料（税抜）：720,000円');
    expect(m.text).toContain('  次回の解約申込期限：2026年1月31日');
    expect(m.text).toContain('約款第28条第2項');
    expectWellFormed(m);
  });
});

describe('cancellation_accepted / data_retrieval_reminder (Art 18, 45-7)', () => {
  it('a unit cancellation names the end date and the no-refund rule', () => {
    const m = renderNotice(unitData('cancellation_accepted', { endDate: '2025-02-28' }, { date: d('2025-01-31') }), ctx);
    expect(m.subject).toBe('【ココナワーク】解約お申し込み受付のお知らせ（契約番号 acme）');
    expect(m.text).toContain('約款第18条');
    expect(m.text).toContain('ご契約は2025年2月28日をもって終了し');
    expect(m.text).toContain('  サービス提供終了日：2025年2月28日');
    expect(m.text).toContain('  解約の対象：ご契約全体（基本契約および追加契約）');
    expect(m.text).toContain('約款第45条第7項');
    expectWellFormed(m);
  });

  it('a line cancellation names the additional contract and its accounts', () => {
    const m = renderNotice(
      unitData('cancellation_accepted', { endDate: '2024-12-31', line: 'acme-add1', accounts: 3 }, { lineId: 'acme-add1' }),
      ctx,
    );
    expect(m.text).toContain('追加契約 acme-add1（3アカウント）の解約のお申し込み');
    expect(m.text).toContain('  解約の対象：追加契約 acme-add1（3アカウント）');
    expect(m.text).toContain('その他のご契約は、引き続きご利用いただけます。');
    expect(m.text).not.toContain('アカウント数：');
    expectWellFormed(m, ['acme-add1', 'acme']);
  });

  it('the data-retrieval reminder names the end date, the days left and Art 45-7', () => {
    const m = renderNotice(unitData('data_retrieval_reminder', { endDate: '2025-02-28' }, { date: d('2025-02-21') }), ctx);
    expect(m.subject).toBe('【ココナワーク】データ回収のお願い（契約番号 acme）');
    expect(m.text).toContain('サービス提供終了日（2025年2月28日）');
    expect(m.text).toContain('  サービス提供終了日まで：あと7日');
    expect(m.text).toContain('約款第45条第7項');
    expectWellFormed(m);
  });

  it('a line’s reminder names the line; a termination’s says the contract will be terminated for non-payment', () => {
    const line = renderNotice(
      unitData('data_retrieval_reminder', { endDate: '2024-12-31', line: 'acme-add1', accounts: 3 }, { date: d('2024-12-01') }),
      ctx,
    );
    expect(line.text).toContain('追加契約 acme-add1（3アカウント）のサービス提供終了日（2024年12月31日）');
    expectWellFormed(line, ['acme-add1', 'acme']);
    const term = renderNotice(
      unitData('data_retrieval_reminder', { endDate: '2024-06-29', reason: 'termination' }, { date: d('2024-06-22') }),
      ctx,
    );
    expect(term.text).toContain('約款第24条に基づき2024年6月29日付けで解除される予定です');
    expect(term.text).toContain('  契約解除予定日：2024年6月29日');
    expect(term.text).toContain('利用停止中');
    expect(term.text).not.toContain('termination');
    expectWellFormed(term);
  });
});

describe('アカウント数 after an addition', () => {
  it('a notice shows the accounts in service: the basic contract and every started additional contract (unit.accounts stays the application’s)', () => {
    const added: Line = { ...basicLine({ id: 'acme-add1', kind: 'additional', accounts: 3, startDate: d('2024-07-10') }) };
    const unit = unitFixture({ lines: [basicLine(), added] });
    expect(unit.accounts).toBe(10);
    const [n] = notices(reminders(unit, d('2025-01-01'), config));
    expect(n?.type === 'renewal_reminder' && n.data.accounts).toBe(13);
    expect(renderNotice(n!, ctx).text).toContain('  アカウント数：13');
    // Not yet started: not counted.
    const pending = unitFixture({ lines: [basicLine(), { ...added, started: false }] });
    expect(renderNotice(notices(reminders(pending, d('2025-01-01'), config))[0]!, ctx).text).toContain('  アカウント数：10');
  });
});

describe('contact_changed (Art 17, M3)', () => {
  const unit = unitFixture();
  const change = changeContact(unit, { name: '佐藤 花子', email: 'sato@acme.example' }, d('2025-01-10'), config);
  const [toPrevious, toCurrent] = notices(change.outbox).map((n) => [n, renderNotice(n, ctx)] as const);

  it('one mail to the previous and one to the new account manager, both naming the change', () => {
    expect(toPrevious![0].role).toBe('previous_account_manager');
    expect(toCurrent![0].role).toBe('account_manager');
    for (const [, m] of [toPrevious!, toCurrent!]) {
      expect(m.subject).toBe('【ココナワーク】アカウント管理者変更のお知らせ（契約番号 acme）');
      expect(m.text).toContain('約款第17条');
      expect(m.text).toContain('2025年1月10日付けで');
      expect(m.text).toContain('  変更前のアカウント管理者：山田 太郎 様');
      expect(m.text).toContain('  変更後のアカウント管理者：佐藤 花子 様');
      expectWellFormed(m);
    }
    expect(toPrevious![1].text).toContain('株式会社アクメ\n山田 太郎 様\n');
    expect(toPrevious![1].text).toContain('変更後のアカウント管理者様宛てにお送りいたします');
    expect(toCurrent![1].text).toContain('株式会社アクメ\n佐藤 花子 様\n');
    expect(toCurrent![1].text).toContain('本メールの宛先にお送りいたします');
  });
});

describe('dunning (Art 23, 24, 31) and resumption', () => {
  const unit = unitFixture();
  const inv: Invoice = buildInvoice(unit, 'fees', d('2024-03-01'), feesDue(unit, d('2024-03-01'), config), config);

  it('payment_overdue from the real dunning step: invoice, dates, amounts and the interest-free date', () => {
    const step = dunningStep({ ...unit, invoices: [inv] }, d('2024-05-01'), config);
    const [n] = notices(step.outbox);
    expect(n?.type).toBe('payment_overdue');
    const m = renderNotice(n!, ctx);
    expect(m.subject).toBe('【ココナワーク】お支払期日経過のお知らせ（契約番号 acme）');
    expect(m.text).toContain('2024年3月1日発行のご請求書につきまして、お支払期日（2024年4月30日）を過ぎております');
    expect(m.text).toContain(`  請求書番号：${inv.id}`);
    expect(m.text).toContain('  ご請求金額：792,000円');
    expect(m.text).toContain('  未払い残高：792,000円');
    expect(m.text).not.toContain('ご入金済みの額');
    expect(m.text).toContain('2024年5月10日までにお支払いいただいた場合、延滞利息はかかりません');
    expect(m.text).toContain('約款第31条');
    expect(m.text).toContain('年14.5%');
    expect(m.text).toContain('約款第23条');
    expectWellFormed(m, ['acme', inv.id]);
  });

  it('payment_overdue after a partial payment shows what was paid', () => {
    const m = renderNotice(
      unitData('payment_overdue', { invoice: inv.id, issueDate: '2024-03-01', dueDate: '2024-04-30', total: 792000, balance: 500000 }),
      ctx,
    );
    expect(m.text).toContain('  ご入金済みの額：292,000円');
    expect(m.text).toContain('未払い残高500,000円を至急お支払いくださいますよう');
  });

  it('payment_overdue of a late-interest invoice does not threaten interest on interest', () => {
    const m = renderNotice(
      unitData('payment_overdue', {
        invoice: 'acme.2024-06-15.late_interest',
        issueDate: '2024-06-15',
        dueDate: '2024-07-31',
        total: 14158,
        balance: 14158,
      }),
      ctx,
    );
    expect(m.text).toContain('延滞利息のご請求書');
    expect(m.text).not.toContain('年14.5%');
    expectWellFormed(m, ['acme', 'acme.2024-06-15.late_interest']);
  });

  it('suspension_warning names the invoices and the suspension date', () => {
    const m = renderNotice(
      unitData('suspension_warning', { invoices: [inv.id], suspensionOn: '2024-05-30' }, { date: d('2024-05-20') }),
      ctx,
    );
    expect(m.subject).toBe('【ココナワーク】サービス利用停止のご予告（契約番号 acme）');
    expect(m.text).toContain('約款第23条に基づき、2024年5月30日より本サービスの利用を停止させていただきます');
    expect(m.text).toContain(`  対象のご請求書：2024年3月1日発行のご請求書（請求書番号 ${inv.id}）`);
    expect(m.text).toContain('  利用停止予定日：2024年5月30日');
    expectWellFormed(m, ['acme', inv.id]);
  });

  it('suspended names the suspension and the termination date', () => {
    const m = renderNotice(
      unitData('suspended', { suspendedOn: '2024-05-30', terminationOn: '2024-06-29' }, { date: d('2024-05-30') }),
      ctx,
    );
    expect(m.text).toContain('約款第23条に基づき、2024年5月30日より本サービスの利用を停止いたしました');
    expect(m.text).toContain('2024年6月29日までにお支払いが確認できない場合、約款第24条に基づき');
    expect(m.text).toContain('  利用停止日：2024年5月30日');
    expect(m.text).toContain('  契約解除予定日：2024年6月29日');
    expectWellFormed(m);
  });

  it('service_resumed names the resumption date', () => {
    const m = renderNotice(unitData('service_resumed', { resumedOn: '2024-06-03' }, { date: d('2024-06-03') }), ctx);
    expect(m.subject).toBe('【ココナワーク】サービス利用再開のお知らせ（契約番号 acme）');
    expect(m.text).toContain('2024年6月3日より本サービスの利用を再開いたしました');
    expect(m.text).toContain('  利用再開日：2024年6月3日');
    expectWellFormed(m);
  });

  it('termination_notice and terminated name the date and Art 24', () => {
    const notice1 = renderNotice(
      unitData('termination_notice', { terminationOn: '2024-06-29' }, { date: d('2024-06-19'), role: 'agent' }),
      ctx,
    );
    expect(notice1.text).toContain('約款第24条に基づき、2024年6月29日付けで本サービス契約を解除させていただきます');
    expect(notice1.text).toContain('  契約解除予定日：2024年6月29日');
    expect(notice1.text).toContain('販売にご協力いただき');
    expectWellFormed(notice1);
    const done = renderNotice(unitData('terminated', { terminatedOn: '2024-06-29' }, { date: d('2024-06-29') }), ctx);
    expect(done.subject).toBe('【ココナワーク】契約解除のお知らせ（契約番号 acme）');
    expect(done.text).toContain('約款第24条に基づき、2024年6月29日付けで本サービス契約を解除いたしました');
    expect(done.text).toContain('  契約解除日：2024年6月29日');
    expect(done.text).toContain('払い戻しはございません');
    expectWellFormed(done);
  });
});

describe('outages and maintenance (Art 34, 35)', () => {
  it('outage_threshold_reached: to the operator, with the outage, its start in Japan time, hours, cause and scope', () => {
    const m = renderNotice(
      notice(
        'outage_threshold_reached',
        { outage: 'o1', knownAt: '2025-05-01T00:00:00Z', hours: 120, cause: 'operator_fault', scope: 'all', description: '認証基盤の障害' },
        {
          unitId: null,
          role: 'operator',
          to: { name: 'ココナワーク運用担当', email: 'operator@kokona-work.example' },
          refs: { outage: 'o1' },
        },
      ),
      ctx,
    );
    expect(m.text).toContain('  障害番号：o1');
    expect(m.text).toContain('  検知日時：2025年5月1日 9時00分');
    expect(m.text).toContain('  継続時間：120時間');
    expect(m.text).toContain('  原因：当社の責めに帰すべき事由');
    expect(m.text).toContain('  影響範囲：すべてのご契約');
    expect(m.text).toContain('  障害内容：認証基盤の障害');
    expect(m.text).toContain('約款第35条第1項');
    expect(m.text).not.toContain('契約番号');
    expectWellFormed(m, ['o1']);
  });

  it('outage scopes by plan or units', () => {
    const plan = renderNotice(
      sample('outage_threshold_reached', { outage: 'o2', scope: { plan: 'kokona' } }, { unitId: null, role: 'operator' }),
      ctx,
    );
    expect(plan.text).toContain('  影響範囲：プラン「kokona」のご契約');
    const units = renderNotice(
      sample('outage_threshold_reached', { scope: { units: ['acme', 'beta'] }, hours: 121.5 }, { unitId: null, role: 'operator' }),
      ctx,
    );
    expect(units.text).toContain('  影響範囲：指定のご契約（acme、beta）');
    expect(units.text).toContain('  継続時間：121時間30分');
    expect(units.text).not.toMatch(/undefined|NaN/);
  });

  it('compensation_statement (RULES §12 example 5): the outage period, hours, days, annual fee and amount', () => {
    const m = renderNotice(
      unitData(
        'compensation_statement',
        {
          outage: 'o1',
          knownAt: '2025-05-01T09:00:00+09:00',
          endedAt: '2025-05-06T10:30:00+09:00',
          hours: 121.5,
          days: 5,
          annualFee: 720000,
          amount: 9863,
          record: 'o1.acme.1',
        },
        { date: d('2025-05-06'), refs: { outage: 'o1' } },
      ),
      ctx,
    );
    expect(m.subject).toBe('【ココナワーク】損害賠償額のお知らせ（契約番号 acme）');
    expect(m.text).toContain('2025年5月1日 9時00分から2025年5月6日 10時30分まで');
    expect(m.text).toContain('お詫び申し上げます');
    expect(m.text).toContain('約款第35条');
    expect(m.text).toContain('  継続時間：121時間30分');
    expect(m.text).toContain('  賠償の対象日数：5日');
    expect(m.text).toContain('  年間使用料（税抜）：720,000円');
    expect(m.text).toContain('  算定方法：720,000円 × 5日 ÷ 365日（1円未満切り捨て）');
    expect(m.text).toContain('  損害賠償額：9,863円');
    expect(m.text).toContain('  賠償の管理番号：o1.acme.1');
    expect(m.html).toContain('<td>9,863円</td>');
    expectWellFormed(m, ['o1.acme.1', 'acme', 'o1']);
  });

  it('maintenance_notice: the window in Japan time, the date not repeated within a day', () => {
    const m = renderNotice(
      unitData('maintenance_notice', {
        maintenance: 'm1',
        startsAt: '2025-06-01T01:00:00+09:00',
        endsAt: '2025-06-01T05:00:00+09:00',
        description: 'サーバ設備の定期保守',
      }),
      ctx,
    );
    expect(m.subject).toBe('【ココナワーク】メンテナンス実施のお知らせ（契約番号 acme）');
    expect(m.text).toContain('  作業日時：2025年6月1日 1時00分～5時00分');
    expect(m.text).toContain('  作業内容：サーバ設備の定期保守');
    expect(m.text).toContain('  メンテナンス番号：m1');
    expect(m.text).toContain('約款第34条');
    expectWellFormed(m, ['acme', 'm1']);
    const overnight = renderNotice(
      unitData('maintenance_notice', { maintenance: 'm2', startsAt: '2025-06-01T13:00:00Z', endsAt: '2025-06-01T17:00:00Z' }),
      ctx,
    );
    expect(overnight.text).toContain('  作業日時：2025年6月1日 22時00分～2025年6月2日 2時00分');
  });
});

describe('every template', () => {
  it.each(Object.keys(SAMPLE) as NoticeType[])('%s renders its data with no holes in the text', (type) => {
    const m = renderNotice(
      sample(
        type,
        {},
        type === 'outage_threshold_reached' || type === 'notice_bounced' || type === 'deposit_cancelled' || type === 'desktop_job_failed'
          ? { role: 'operator' }
          : {},
      ),
      ctx,
    );
    for (const body of [m.subject, m.text, m.html]) expect(body).not.toMatch(/undefined|NaN|\[object|（）/);
    for (const s of sentences(m.text)) expect(s).toMatch(POLITE);
  });

  it.each(ALL_TYPES)('%s escapes the data in HTML', (type) => {
    const hostile = '<img src=x onerror="alert(1)">&';
    const m = renderNotice(
      sample(type, {
        contractorName: hostile,
        plan: hostile,
        previous: hostile,
        current: hostile,
        description: hostile,
        userNames: [hostile],
        reason: hostile,
      }),
      ctx,
    );
    expect(m.html).not.toContain('<img');
    expect(m.html).toContain('&#60;img src=x onerror=&#34;alert(1)&#34;&#62;&#38;');
    expect(m.text).toContain(hostile);
  });
});
