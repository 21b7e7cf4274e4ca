import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SESClient } from '@aws-sdk/client-ses';
import { makeSesClient } from '#adapters/ses/client.ts';
import { buildRawMessage, SesMailer } from '#adapters/ses/ses-mailer.ts';
import { buildMime, encodeAddress, encodeWords } from '#adapters/ses/mime.ts';
import { date } from '#domain/calendar.ts';
import { noticeId, type Notice } from '#domain/effects.ts';
import { noticeHeaders, renderNotice } from '#notices/render.ts';
import type { Mail } from '#use-cases/ports.ts';
import { MailSinkClient, parseMailHeaders, startMailSink, type MailSink } from '#local/mail-sink.ts';
import { inProcessFetch, inProcessHandler } from '#local/in-process-http.ts';

const ctx = { serviceName: 'ココナワーク', operatorName: 'NTTテクノクロス株式会社' };
const FROM = 'noreply@kokona-work.example';

function acceptedNotice(unitId: string): Notice {
  const base = { unitId, type: 'application_accepted' as const, date: date('2024-02-01'), role: 'account_manager' as const };
  return {
    kind: 'notice',
    id: noticeId(base),
    ...base,
    lineId: unitId,
    to: { name: '山田 太郎', email: 'yamada@example.co.jp' },
    data: {
      contractorName: '株式会社サンプル',
      plan: 'ココナワーク',
      accounts: 5,
      startDate: date('2024-02-15'),
      userNames: ['u01', 'u02', 'u03', 'u04', 'u05'].map((u) => `${unitId}-${u}`),
      userNamesTotal: 5,
    },
  };
}

function mailOf(n: Notice): Mail {
  return { from: `ココナワーク <${FROM}>`, to: `${n.to.name} <${n.to.email}>`, ...renderNotice(n, ctx), headers: noticeHeaders(n) };
}

describe('buildRawMessage', () => {
  it('is multipart/alternative UTF-8 with an encoded subject and the notice headers as given', async () => {
    const n = acceptedNotice('acme');
    const raw = (await buildRawMessage(mailOf(n))).toString('utf8');
    const [head = ''] = raw.split('\r\n\r\n', 1);
    expect(head).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(head).toMatch(/^Subject: =\?UTF-8\?B\?/m);
    expect(head).toContain('X-Kokona-Notice: application_accepted');
    expect(head).toContain(`X-Kokona-Unit: acme`);
    expect([...head].every((c) => c.charCodeAt(0) < 0x80)).toBe(true); // 7-bit headers
    expect(raw).toContain('Content-Type: text/plain; charset=utf-8');
    expect(raw).toContain('Content-Type: text/html; charset=utf-8');
  });
});

describe('buildMime (the MIME builder that replaced nodemailer)', () => {
  const long = '【ココナワーク】料金改定のお知らせ（契約番号 acme-0001、回線 acme-0001-x、2025年4月1日改定分）🙇';

  it('folds a long Japanese subject into encoded words of ≤ 75 characters that decode back exactly', () => {
    const raw = buildMime({
      from: 'ココナワーク <noreply@kokona-work.example>',
      to: 'a@example.jp',
      subject: long,
      text: 't',
      html: '<p>h</p>',
    }).toString('ascii');
    const head = raw.split('\r\n\r\n', 1)[0]!;
    for (const line of head.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    for (const w of encodeWords(long)) expect(w.length).toBeLessThanOrEqual(75);
    expect(parseMailHeaders(raw).subject).toBe(long);
    expect(parseMailHeaders(raw).from).toBe('ココナワーク <noreply@kokona-work.example>');
  });

  it('quotes an ASCII display name with specials and leaves a bare address alone', () => {
    expect(encodeAddress('Yamada, Taro <t@example.jp>')).toBe('"Yamada, Taro" <t@example.jp>');
    expect(encodeAddress('t@example.jp')).toBe('t@example.jp');
  });

  it('carries the bodies as base64 lines of ≤ 76 characters that decode to the UTF-8 text', () => {
    const text = 'ご契約ありがとうございます。\n'.repeat(20);
    const raw = buildMime({ from: 'a@example.jp', to: 'b@example.jp', subject: 's', text, html: '<p>本文</p>' }, 'B').toString('ascii');
    const plain = raw.split('--B\r\n')[1]!.split('\r\n\r\n')[1]!;
    for (const line of plain.trim().split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(Buffer.from(plain.replace(/\r\n/g, ''), 'base64').toString('utf8')).toBe(text);
    expect(raw.endsWith('--B--\r\n')).toBe(true);
  });

  it('refuses a header name that would break the message', () => {
    expect(() =>
      buildMime({ from: 'a@example.jp', to: 'b@example.jp', subject: 's', text: '', html: '', headers: { 'X-Bad\r\nBcc': 'x' } }),
    ).toThrow(/header name/);
  });
});

describe('parseMailHeaders', () => {
  it('lower-cases names, unfolds lines and decodes B and Q encoded words', () => {
    const eml = [
      'Subject: =?UTF-8?B?44K144O844OT44K5?=',
      ' =?UTF-8?B?5o+Q5L6b6ZaL5aeL?= (acme)',
      'X-Kokona-Notice-ID:',
      '\tN#acme#renewed#2025-03-01#account_manager',
      'Comments: =?ISO-8859-1?Q?caf=E9_au_lait?=',
      'Received: a',
      'Received: b',
      '',
      'Not-A-Header: body',
    ].join('\r\n');
    expect(parseMailHeaders(eml)).toEqual({
      subject: 'サービス提供開始 (acme)',
      'x-kokona-notice-id': 'N#acme#renewed#2025-03-01#account_manager',
      comments: 'café au lait',
      received: 'a, b',
    });
  });

  it('decodes a character split across two encoded words', () => {
    // 通知 = E9 80 9A E7 9F A5, split after the fourth byte
    expect(parseMailHeaders('Subject: =?UTF-8?Q?=E9=80=9A=E7?= =?UTF-8?Q?=9F=A5?=\r\n\r\n').subject).toBe('通知');
  });
});

describe('SesMailer → local SES sink (aws-ses-v2-local)', () => {
  let sink: MailSink;
  let client: SESClient;
  let mailer: SesMailer;
  let inbox: MailSinkClient;

  beforeAll(async () => {
    sink = await startMailSink({ port: 0 });
    client = makeSesClient({ endpoint: sink.url, region: 'ap-northeast-1' });
    mailer = new SesMailer(client, { configurationSet: 'kokona-local' });
    inbox = new MailSinkClient(sink.url);
  });

  afterAll(async () => {
    client?.destroy();
    await sink?.close();
  });

  beforeEach(async () => {
    await inbox.clear();
  });

  it('delivers a Japanese notice with its subject, bodies and X-Kokona-* headers', async () => {
    const n = acceptedNotice('acme');
    const mail = mailOf(n);
    const { messageId } = await mailer.send(mail);

    const [got, ...rest] = await inbox.list();
    expect(rest).toEqual([]);
    expect(got?.messageId).toBe(messageId);
    expect(got?.subject).toBe('【ココナワーク】サービス提供開始通知書（契約番号 acme）');
    expect(got?.headers['subject']).toBe(mail.subject);
    expect(got?.from).toBe(FROM);
    expect(got?.to).toEqual(['yamada@example.co.jp']);
    expect(got?.headers).toMatchObject({
      'x-kokona-notice': 'application_accepted',
      'x-kokona-unit': 'acme',
      'x-kokona-line': 'acme',
      'x-kokona-date': '2024-02-01',
      'x-kokona-role': 'account_manager',
      'x-kokona-notice-id': n.id,
    });
    expect(got?.text).toBe(mail.text);
    expect(got?.html).toContain('<td>acme-u05</td>');
    expect(got?.html).toContain('2024年2月15日');
    expect(got?.at).toBeGreaterThan(Date.now() - 60_000);
  });

  it('two sends give two mails, in order', async () => {
    const a = await mailer.send(mailOf(acceptedNotice('unit-a')));
    const b = await mailer.send(mailOf(acceptedNotice('unit-b')));
    const mails = await inbox.list();
    expect(mails.map((m) => m.messageId)).toEqual([a.messageId, b.messageId]);
    expect(mails.map((m) => m.headers['x-kokona-unit'])).toEqual(['unit-a', 'unit-b']);
    expect(a.messageId).not.toBe(b.messageId);
  });

  it('an operator notice arrives without X-Kokona-Unit (an empty header is not sent)', async () => {
    const base = { unitId: null, type: 'outage_threshold_reached' as const, date: date('2025-05-06'), role: 'operator' as const };
    const n: Notice = {
      kind: 'notice',
      id: noticeId({ ...base, discriminator: 'o1' }),
      ...base,
      to: { name: '運用担当', email: 'operator@kokona-work.example' },
      data: { outage: 'o1', knownAt: '2025-05-01T09:00:00+09:00', hours: 120, cause: 'operator_fault', scope: 'all', description: '' },
    };
    await mailer.send(mailOf(n));
    const [got] = await inbox.list();
    expect(got?.headers).not.toHaveProperty('x-kokona-unit');
    expect(got?.headers).toMatchObject({
      'x-kokona-notice': 'outage_threshold_reached',
      'x-kokona-role': 'operator',
      'x-kokona-notice-id': n.id,
    });
  });

  it('clear empties the store', async () => {
    await mailer.send(mailOf(acceptedNotice('acme')));
    await inbox.clear();
    expect(await inbox.list()).toEqual([]);
  });
});

describe("the test clock's sink: no aws-ses-v2-local behind it, reached in process", () => {
  let sink: MailSink;
  let client: SESClient;
  let inbox: MailSinkClient;

  beforeAll(async () => {
    sink = await startMailSink({ port: 0, upstream: false });
    client = makeSesClient({ endpoint: sink.url, region: 'ap-northeast-1', requestHandler: inProcessHandler(sink.respond) });
    inbox = new MailSinkClient(sink.url, inProcessFetch(sink.respond));
  });
  afterAll(async () => {
    client?.destroy();
    await sink?.close();
  });
  beforeEach(async () => {
    await inbox.clear();
  });

  it('accepts SendRawEmail with an SES answer and lists each mail with the headers it was sent with', async () => {
    const n = acceptedNotice('acme');
    const mail = mailOf(n);
    const { messageId } = await new SesMailer(client).send(mail);
    expect(messageId).toMatch(/^ses-\d{9}$/);
    const [got, ...rest] = await inbox.list();
    expect(rest).toEqual([]);
    expect(got).toMatchObject({ messageId, from: FROM, to: ['yamada@example.co.jp'], subject: mail.subject });
    expect(got?.headers).toMatchObject({ 'x-kokona-notice': 'application_accepted', 'x-kokona-unit': 'acme', 'x-kokona-notice-id': n.id });
    // The same answers over its HTTP listener.
    const overHttp = await new MailSinkClient(sink.url).list();
    expect(overHttp.map((m) => [m.messageId, m.headers])).toEqual([[messageId, got!.headers]]);
  });

  it('refuses, as aws-ses-v2-local does, a message without a From header or Source, and anything but SendRawEmail; nothing is kept', async () => {
    const raw = Buffer.from('To: a@example.com\r\nSubject: x\r\n\r\nbody').toString('base64');
    const post = (form: Record<string, string>) =>
      sink.respond({
        method: 'POST',
        url: '/',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.from(new URLSearchParams(form).toString()),
      });
    expect((await post({ Action: 'SendRawEmail', 'RawMessage.Data': raw })).status).toBe(400);
    expect((await post({ Action: 'SendEmail', Source: 'a@example.com' })).status).toBe(400);
    expect((await post({ Action: 'SendRawEmail' })).status).toBe(400);
    expect(await inbox.list()).toEqual([]);
    const unknown = await sink.respond({
      method: 'GET',
      url: '/get-emlContent?messageId=ses-000000000',
      headers: {},
      body: Buffer.alloc(0),
    });
    expect(unknown.status).toBe(404);
  });
});
