/**
 * Mail delivery evidence end to end through the embedded stack, no mocks: the local mail sink reports
 * a Delivery or (for an address told to bounce) a hard Bounce for every mail, like SES's event
 * publishing; the ses-events handler records it on the notice found by X-Kokona-Notice-Id; the API shows
 * it; the operator gets notice_bounced once; a resend after the contact change reaches the new address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acmeApplication, apiCall, testStack, type TestStack } from '../support.ts';

const ACCEPTED = 'N#acme#application_accepted#2024-02-01#account_manager';
const path = (id: string) => `/notices/${encodeURIComponent(id)}`;

describe('SES delivery events on notices (Art 6-4, 39)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await testStack('2024-02-01');
  });
  afterAll(async () => stack?.stop());

  it('records the delivery, then a hard bounce: the notice shows bounced, the operator is mailed once, a resend after a contact change is delivered', async () => {
    await stack.mail.bounce('yamada@acme.example');
    expect((await apiCall(stack, 'POST', '/applications', acmeApplication())).status).toBe(201);
    expect((await apiCall(stack, 'POST', '/applications/acme/accept', { startDate: '2024-02-15' })).status).toBe(200);

    const bounced = await apiCall(stack, 'GET', path(ACCEPTED));
    expect(bounced.status).toBe(200);
    expect(bounced.body).toMatchObject({
      id: ACCEPTED,
      type: 'application_accepted',
      unitId: 'acme',
      to: 'yamada@acme.example',
      state: 'done',
      delivery: { status: 'bounced', events: [{ type: 'bounce', bounceType: 'Permanent', bounceSubType: 'General' }] },
    });
    expect(bounced.body.sentAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(bounced.body.messageId).toBeTruthy();

    // The operator is told once, in Japanese, with the notice id.
    const operatorMails = async () => (await stack.mail.list()).filter((m) => m.headers['x-kokona-notice'] === 'notice_bounced');
    let alerts = await operatorMails();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.to).toEqual([stack.config.mail.operatorAddress]);
    expect(alerts[0]!.subject).toContain('配信できませんでした');
    expect(alerts[0]!.text).toContain(ACCEPTED);
    expect(alerts[0]!.text).toContain('yamada@acme.example');

    // SES delivers events at least once: the same bounce again changes nothing and mails no one.
    const sesBounce = (await stack.mail.list()).find((m) => m.headers['x-kokona-notice-id'] === ACCEPTED)!;
    await stack.queues.mailEvents.send([
      {
        source: 'aws.ses',
        'detail-type': 'Email Bounced',
        detail: {
          eventType: 'Bounce',
          mail: {
            messageId: sesBounce.messageId,
            timestamp: bounced.body.delivery.events[0].at,
            destination: ['yamada@acme.example'],
            headers: [{ name: 'X-Kokona-Notice-Id', value: ACCEPTED }],
          },
          bounce: {
            bounceType: 'Permanent',
            bounceSubType: 'General',
            timestamp: bounced.body.delivery.events[0].at,
            bouncedRecipients: [{ emailAddress: 'yamada@acme.example' }],
          },
        },
      },
    ]);
    await stack.drain();
    alerts = await operatorMails();
    expect(alerts).toHaveLength(1);
    expect((await apiCall(stack, 'GET', path(ACCEPTED))).body.delivery.events).toHaveLength(1);

    // The operator mail itself was delivered (and is a notice with evidence of its own).
    const alertId = alerts[0]!.headers['x-kokona-notice-id']!;
    expect((await apiCall(stack, 'GET', path(alertId))).body).toMatchObject({
      type: 'notice_bounced',
      role: 'operator',
      delivery: { status: 'delivered' },
    });

    // A resend to the same (bounced) address is refused; after the contact change it goes to the new one.
    const refused = await apiCall(stack, 'POST', `${path(ACCEPTED)}/resend`);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { reason: 'address_bounced' } });

    expect((await apiCall(stack, 'PATCH', '/units/acme/contact', { name: '佐藤 花子', email: 'sato@acme.example' })).status).toBe(200);
    const resent = await apiCall(stack, 'POST', `${path(ACCEPTED)}/resend`);
    expect(resent.status).toBe(201);
    expect(resent.body).toMatchObject({ type: 'application_accepted', to: 'sato@acme.example', resendOf: ACCEPTED });
    const again = await apiCall(stack, 'GET', path(resent.body.id));
    expect(again.body).toMatchObject({ state: 'done', delivery: { status: 'delivered', events: [{ type: 'delivery' }] } });
    const toSato = (await stack.mail.list()).filter(
      (m) => m.to.includes('sato@acme.example') && m.headers['x-kokona-notice'] === 'application_accepted',
    );
    expect(toSato).toHaveLength(1);
    // The contact change was notified to the previous (bounced) address too: a second notice_bounced, about that notice.
    expect((await operatorMails()).map((m) => m.text.includes('contact_changed'))).toEqual([false, true]);
    expect(toSato[0]!.headers['x-kokona-notice-id']).toBe(resent.body.id);

    // The same resend again is the same notice, not a second mail.
    expect((await apiCall(stack, 'POST', `${path(ACCEPTED)}/resend`)).body.id).toBe(resent.body.id);
    expect(
      (await stack.mail.list()).filter(
        (m) => m.to.includes('sato@acme.example') && m.headers['x-kokona-notice'] === 'application_accepted',
      ),
    ).toHaveLength(1);

    // Metrics the functions publish (CloudWatch `Kokona` on AWS; counted in memory here).
    // Two distinct bounces (the acceptance, and the contact-change notice to the previous, bounced address).
    expect(stack.telemetry.counts.NoticesBounced).toBe(2);
    expect(stack.telemetry.counts.NoticesDelivered).toBeGreaterThanOrEqual(2);
  }, 180_000);

  it('answers NOT_FOUND for an unknown notice and refuses a malformed id', async () => {
    expect((await apiCall(stack, 'GET', path('N#nobody#renewed#2024-01-01#account_manager'))).status).toBe(404);
    expect((await apiCall(stack, 'GET', '/notices/abc')).status).toBe(404);
  });
});
