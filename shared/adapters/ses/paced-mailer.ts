import type { Mail, Mailer } from '#use-cases/ports.ts';

/**
 * Keeps sends within a rate (config `mail.sendRatePerSecond`, SES's sending quota): each send waits for
 * its slot, 1/rate seconds after the previous one, however many deliveries run at once in this process.
 * On AWS the mailer's concurrency is capped, so the rate is divided among its instances.
 */
export class PacedMailer implements Mailer {
  private next = 0;

  constructor(
    private readonly inner: Mailer,
    private readonly ratePerSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async send(mail: Mail): Promise<{ messageId: string; raw?: Uint8Array }> {
    if (Number.isFinite(this.ratePerSecond) && this.ratePerSecond > 0) {
      const slot = Math.max(this.now(), this.next);
      this.next = slot + 1000 / this.ratePerSecond;
      const wait = slot - this.now();
      if (wait > 0) await this.sleep(wait);
    }
    return this.inner.send(mail);
  }
}
