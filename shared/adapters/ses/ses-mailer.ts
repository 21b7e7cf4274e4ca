import { SendRawEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { buildMime } from './mime.ts';
import type { Mail, Mailer } from '#use-cases/ports.ts';

/**
 * The MIME message of a mail: multipart/alternative (text/plain, then text/html), UTF-8
 * bodies, non-ASCII header values (the Japanese subject, display names) as RFC 2047 encoded
 * words, and `mail.headers` (the X6 notice headers) as they are; with attachments (the invoice
 * PDF) multipart/mixed around it. Headers with an empty value are left out (./mime.ts).
 */
export async function buildRawMessage(mail: Mail): Promise<Buffer> {
  return buildMime(mail);
}

/** Mailer port over SES `SendRawEmail` (raw, so the custom headers travel with the message). */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESClient,
    private readonly opts: { readonly configurationSet?: string } = {},
  ) {}

  /** `raw`: the exact bytes sent (archived as the invoice's .eml, MONEY-IN A1). */
  async send(mail: Mail): Promise<{ messageId: string; raw: Uint8Array }> {
    const raw = await buildRawMessage(mail);
    const out = await this.client.send(
      new SendRawEmailCommand({
        RawMessage: { Data: raw },
        ConfigurationSetName: this.opts.configurationSet,
      }),
    );
    if (!out.MessageId) throw new Error('SES accepted the message but returned no MessageId');
    return { messageId: out.MessageId, raw: new Uint8Array(raw) };
  }
}
