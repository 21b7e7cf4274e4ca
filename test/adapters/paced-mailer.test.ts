import { describe, expect, it } from 'vitest';
import { PacedMailer } from '#adapters/ses/paced-mailer.ts';
import type { Mail, Mailer } from '#use-cases/ports.ts';

const mail: Mail = { from: 'a@x', to: 'b@y', subject: 's', text: 't', html: 'h', headers: {} };

function recording() {
  const sentAt: number[] = [];
  const inner: Mailer = { send: async () => (sentAt.push(performance.now()), { messageId: `m${sentAt.length}` }) };
  return { inner, sentAt };
}

describe('PacedMailer (SES send rate, config mail.sendRatePerSecond)', () => {
  it('spaces sends 1/rate apart even when they are all started at once', async () => {
    const { inner, sentAt } = recording();
    const mailer = new PacedMailer(inner, 100); // 10 ms apart
    await Promise.all(Array.from({ length: 20 }, () => mailer.send(mail)));
    expect(sentAt).toHaveLength(20);
    const sorted = [...sentAt].sort((a, b) => a - b);
    // 20 sends at 100/s span 190 ms (unpaced they would take ~0); a few ms of slack for timer granularity.
    expect(sorted.at(-1)! - sorted[0]!).toBeGreaterThanOrEqual(180);
  });

  it('does not wait when the rate is unlimited', async () => {
    const { inner, sentAt } = recording();
    const mailer = new PacedMailer(inner, Infinity);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 50 }, () => mailer.send(mail)));
    expect(sentAt).toHaveLength(50);
    expect(performance.now() - t0).toBeLessThan(100);
  });
});
