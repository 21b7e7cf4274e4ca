import { describe, expect, it } from 'vitest';
import { project, QUOTAS } from '../../scripts/projection.ts';

const measured = { readUnits: 2, writeUnits: 6, lifecycleRequests: 4, mails: 1, sqsMessages: 2, workspacesCalls: 0 };
const deployed = { lifecycleConcurrency: 20, lifecycleBatch: 10, provisionerConcurrency: 2, mailRatePerSecond: 14 };

describe('the April-1st projection', () => {
  it('takes the slowest stage: SES at 14 mails/s for one mail per due unit', () => {
    const p = project(25_000, measured, deployed);
    expect(p.bottleneck.name).toBe('SES sending rate');
    expect(p.seconds).toBeCloseTo(25_000 / 14, 6);
    expect(p.bottleneck.setting).toMatch(/sendRatePerSecond/);
  });

  it('moves the bottleneck when the setting moves: a raised SES rate leaves the lifecycle workers', () => {
    const p = project(25_000, measured, { ...deployed, mailRatePerSecond: 1_000 });
    // 20 workers × 1000 / (4 × 10 ms) = 500 units/s < 1000 mails/s and < 4000/6 WRU
    expect(p.bottleneck.name).toBe('lifecycle workers');
    expect(p.seconds).toBeCloseTo(25_000 / 500, 6);
    const more = project(25_000, measured, { ...deployed, mailRatePerSecond: 1_000, lifecycleConcurrency: 200 });
    expect(more.bottleneck.name).toBe('DynamoDB writes');
    expect(more.seconds).toBeCloseTo(25_000 / (QUOTAS.dynamoWriteUnitsPerSecond / 6), 6);
  });

  it('counts WorkSpaces calls only when there are some, and never lets SQS be the limit', () => {
    expect(project(10, measured, deployed).stages.map((s) => s.name)).not.toContain('WorkSpaces API');
    const ws = project(10, { ...measured, workspacesCalls: 2 }, deployed);
    expect(ws.stages.find((s) => s.name === 'WorkSpaces API')?.unitsPerSecond).toBe(2);
    expect(ws.stages.find((s) => s.name === 'SQS')?.unitsPerSecond).toBe(Infinity);
  });

  it('counts the mailers rendering invoice PDFs: next after SES once its quota is raised, moved by the mailer concurrency', () => {
    const withPdfs = { ...measured, invoiceMails: 0.8, pdfRenderMs: 100 };
    // 2 mailers × 1000 / (0.8 × 100 ms) = 25 units/s > 14 mails/s: SES stays the limit at the default quota.
    const p = project(25_000, withPdfs, { ...deployed, mailerConcurrency: 2 });
    expect(p.stages.find((s) => s.name === 'mailers (invoice PDFs)')?.unitsPerSecond).toBeCloseTo(25, 6);
    expect(p.bottleneck.name).toBe('SES sending rate');
    const raised = project(25_000, withPdfs, { ...deployed, mailerConcurrency: 2, mailRatePerSecond: 100 });
    expect(raised.bottleneck.name).toBe('mailers (invoice PDFs)');
    expect(raised.seconds).toBeCloseTo(25_000 / 25, 6);
    expect(raised.bottleneck.setting).toMatch(/MAILER_CONCURRENCY/);
    const more = project(25_000, withPdfs, { ...deployed, mailerConcurrency: 8, mailRatePerSecond: 100 });
    expect(more.bottleneck.name).toBe('SES sending rate');
    // Without a measured render cost there is no such stage.
    expect(project(10, measured, { ...deployed, mailerConcurrency: 2 }).stages.map((s) => s.name)).not.toContain('mailers (invoice PDFs)');
  });
});
