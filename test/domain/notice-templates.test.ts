import { describe, expect, it } from 'vitest';
import { date } from '#domain/calendar.ts';
import { noticeId, type Notice, type NoticeType, type Role } from '#domain/effects.ts';
import { escapeHtml, formatJapaneseDate, noticeHeaders, renderNotice } from '#domain/notice-templates.ts';

const ctx = { serviceName: 'ココナワーク', operatorName: 'NTTテクノクロス株式会社' };

function notice(type: NoticeType, data: Notice['data'], over: Partial<Notice> = {}): Notice {
  const base = { unitId: 'acme', type, date: date('2024-02-01'), role: 'account_manager' as Role, ...over };
  return {
    kind: 'notice',
    id: noticeId(base),
    to: { name: '山田 太郎', email: 'yamada@example.co.jp' },
    data,
    ...base,
  };
}

const userNames = ['acme-user01', 'acme-user02', 'acme-user03', 'acme-user04', 'acme-user05'];
const application = { contractorName: '株式会社サンプル', plan: 'ココナワーク', accounts: 5 };
const accepted = notice('application_accepted', { ...application, startDate: '2024-02-15', userNames });

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
    const lines = mail.text.split('\n').filter((l) => l.includes('パスワード'));
    expect(lines).toEqual(['安全のため、各アカウントの初期パスワードは本メールには記載しておりません。']);
    expect(mail.html.match(/パスワード/g)).toHaveLength(1);
    expect(mail.text).toContain('認証付きAPIから一度に限り取得いただけます');
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
    const m = renderNotice(
      notice('application_deferred', { ...application, reason: '設備増強中のため', expectedOn: '2024-03-01' }),
      ctx,
    );
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
    const n = notice('invoice_issued', { total: 792000 }, { lineId: 'acme-add1', date: date('2024-03-01') });
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
    const h = noticeHeaders(notice('outage_threshold_reached', {}, { unitId: null, role: 'operator' }));
    expect(h).not.toHaveProperty('X-Kokona-Line');
    expect(h['X-Kokona-Unit']).toBe('');
    expect(h['X-Kokona-Role']).toBe('operator');
  });

  it('refuses values that are not printable ASCII (no header injection)', () => {
    expect(() => noticeHeaders(notice('renewed', {}, { unitId: 'acme\r\nBcc: x@example.com' }))).toThrow(/ASCII/);
    expect(() => noticeHeaders(notice('renewed', {}, { unitId: '顧客' }))).toThrow(/ASCII/);
  });
});

describe('every notice type', () => {
  it.each(ALL_TYPES)('%s renders a subject, text and HTML addressed to the recipient', (type) => {
    const m = renderNotice(notice(type, { contractorName: '株式会社サンプル' }), ctx);
    expect(m.subject).toMatch(/^【ココナワーク】.+（契約番号 acme）$/);
    expect(m.text).toContain('山田 太郎 様');
    expect(m.text).toContain('契約番号：acme');
    expect(m.text).toContain('NTTテクノクロス株式会社');
    expect(m.html).toContain('山田 太郎 様');
    expect(m.html).toContain('<html lang="ja">');
    for (const s of sentences(m.text)) expect(s).toMatch(POLITE);
  });

  it('subjects differ by type', () => {
    const subjects = ALL_TYPES.map((t) => renderNotice(notice(t, {}), ctx).subject);
    expect(new Set(subjects).size).toBe(ALL_TYPES.length);
  });

  it('an operator notice has no contract number and no customer greeting', () => {
    const m = renderNotice(
      notice('outage_threshold_reached', { outage: 'o1', knownAt: '2025-05-01T00:00:00Z', hours: 120 }, { unitId: null, role: 'operator' }),
      ctx,
    );
    expect(m.subject).toBe('【ココナワーク】障害継続時間が損害賠償の基準に達しました');
    expect(m.text).not.toContain('契約番号');
    expect(m.text).not.toContain('ご利用いただき');
    expect(m.text).toContain('  knownAt：2025年5月1日 9時00分');
  });

  it('the agent is thanked for the sale and the contractor name is not put above its name', () => {
    const m = renderNotice(notice('suspension_warning', { contractorName: '株式会社サンプル' }, { role: 'agent' }), ctx);
    expect(m.text.startsWith('山田 太郎 様\n')).toBe(true);
    expect(m.text).toContain('販売にご協力いただき');
    expect(m.text).toContain('  契約者：株式会社サンプル');
  });
});

describe('generic data formatting', () => {
  const m = renderNotice(
    notice('invoice_issued', {
      issueDate: '2024-03-01',
      dueDate: '2024-04-30',
      taxableSubtotal: 720000,
      tax: 72000,
      total: 792000,
      paid: false,
      lines: [{ line: 'acme', from: '2024-03-01', to: '2025-02-28', months: 12, amount: 720000 }],
      userNames: ['u1', 'u2'],
    }),
    ctx,
  );

  it('dates in Japanese, yen with commas and 円, booleans in words', () => {
    expect(m.text).toContain('  issueDate：2024年3月1日');
    expect(m.text).toContain('  dueDate：2024年4月30日');
    expect(m.text).toContain('  taxableSubtotal：720,000円');
    expect(m.text).toContain('  tax：72,000円');
    expect(m.text).toContain('  total：792,000円');
    expect(m.text).toContain('  paid：いいえ');
  });

  it('arrays become numbered lists / HTML tables with a column per key', () => {
    expect(m.text).toContain('■ lines');
    expect(m.text).toContain('  1. acme ／ 2024年3月1日 ／ 2025年2月28日 ／ 12 ／ 720,000円');
    expect(m.text).toContain('■ ユーザ名');
    expect(m.text).toContain('  2. u2');
    expect(m.html).toContain('<th scope="col">amount</th>');
    expect(m.html).toContain('<td>720,000円</td>');
  });
});
