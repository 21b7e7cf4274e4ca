/**
 * The April-1st projection for AWS: how long the peak day's work takes there, what limits it, and the
 * setting that moves the limit — a formula over the calls the local run COUNTED per due unit, the
 * concurrency the stacks configure and the services' documented quotas (each cited where it is used).
 * The peak day runs as a pipeline (daily run → lifecycle queue → workers → mail / desktop queues →
 * mailer / provisioner), every stage at once, so the day takes as long as its slowest stage:
 *   time = dueUnits / min(stage rate in due units per second).
 * Quotas that are account defaults (raisable on request) are printed as inputs so a raised one can be
 * put in (--quota-* flags of the bench are not needed: edit QUOTAS or pass `quotas`).
 */

/** What the local run counted on the peak day, per due unit. */
export interface MeasuredPerDue {
  /** Read request units (DynamoDB Local's ConsumedCapacity of every read, strongly consistent). */
  readonly readUnits: number;
  /** Write request units (ConsumedCapacity of every write; a transaction item costs 2). */
  readonly writeUnits: number;
  /** DynamoDB round trips of the lifecycle work (one after the other in a worker): reads + writes − the mail deliveries' 3 each. */
  readonly lifecycleRequests: number;
  /** Notices sent (SES SendRawEmail). */
  readonly mails: number;
  /** SQS messages sent (lifecycle + mail + desktop queues). */
  readonly sqsMessages: number;
  /** WorkSpaces API calls answered by the emulator. */
  readonly workspacesCalls: number;
  /** Invoice mails per due unit: each carries the invoice's PDF, rendered by the mailer (MONEY-IN V2). */
  readonly invoiceMails?: number;
  /** CPU milliseconds to render one invoice PDF, measured locally (one core; a Lambda at the mailer's memory size is assumed no faster). */
  readonly pdfRenderMs?: number;
}

/** The deployed configuration (infra/cdk/stacks/jobs-stack.ts, config). */
export interface Deployed {
  /** Lifecycle worker: event-source maxConcurrency × batchSize. */
  readonly lifecycleConcurrency: number;
  readonly lifecycleBatch: number;
  /** Provisioner: event-source maxConcurrency (one message at a time). */
  readonly provisionerConcurrency: number;
  /** config mail.sendRatePerSecond: what the mailers pace themselves to (the account's SES quota). */
  readonly mailRatePerSecond: number;
  /** jobs-stack MAILER_CONCURRENCY: mailer instances at most (each renders its invoice PDFs itself). */
  readonly mailerConcurrency?: number;
}

/** Documented service quotas and stated latency assumptions. */
export interface Quotas {
  /**
   * DynamoDB on-demand: "a new on-demand table will be able to sustain up to 4,000 writes per second
   * and 12,000 reads per second" and then instantly up to double its previous peak (Amazon DynamoDB
   * Developer Guide, "On-demand capacity mode — Initial throughput and scaling properties"); a warm
   * throughput (TableV2 `warmThroughput`) set before the peak raises it at once.
   */
  readonly dynamoWriteUnitsPerSecond: number;
  readonly dynamoReadUnitsPerSecond: number;
  /** Per partition: 1,000 write units/s and 3,000 read units/s (Developer Guide, "warm throughput scenarios"). Agenda shards spread one date over this many partitions. */
  readonly partitionWriteUnitsPerSecond: number;
  readonly agendaShards: number;
  /** DynamoDB single-item round trip seen from Lambda in-region: "single-digit millisecond" (same guide); 10 ms assumed. */
  readonly dynamoLatencyMs: number;
  /** Lambda: 1,000 concurrent executions per account and Region by default (Lambda Developer Guide, "Lambda quotas"). */
  readonly lambdaAccountConcurrency: number;
  /**
   * SQS standard queues: "a nearly unlimited number of transactions per second per API action"
   * (Amazon SQS Developer Guide, "Amazon SQS standard queues"): never the bottleneck here; listed so
   * the message count per due unit is visible.
   */
  readonly sqsStandardTps: number;
  /** WorkSpaces API calls are throttled per account without a published fixed rate; one call assumed to take 500 ms. */
  readonly workspacesCallMs: number;
}

export const QUOTAS: Quotas = {
  dynamoWriteUnitsPerSecond: 4_000,
  dynamoReadUnitsPerSecond: 12_000,
  partitionWriteUnitsPerSecond: 1_000,
  agendaShards: 16,
  dynamoLatencyMs: 10,
  lambdaAccountConcurrency: 1_000,
  sqsStandardTps: Number.POSITIVE_INFINITY,
  workspacesCallMs: 500,
};

export interface Stage {
  readonly name: string;
  /** Due units per second this stage can take. */
  readonly unitsPerSecond: number;
  /** The formula with its numbers. */
  readonly formula: string;
  /** What to change to move it. */
  readonly setting: string;
}

export interface Projection {
  readonly dueUnits: number;
  readonly stages: readonly Stage[];
  readonly bottleneck: Stage;
  readonly seconds: number;
}

const r = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

export function project(dueUnits: number, m: MeasuredPerDue, d: Deployed, q: Quotas = QUOTAS): Projection {
  const stages: Stage[] = [];
  // Lifecycle workers: each handles its batch one unit after the other, each unit its DynamoDB round trips in sequence.
  const perUnitMs = Math.max(1, m.lifecycleRequests) * q.dynamoLatencyMs;
  const workers = Math.min(d.lifecycleConcurrency, q.lambdaAccountConcurrency);
  stages.push({
    name: 'lifecycle workers',
    unitsPerSecond: (workers * 1000) / perUnitMs,
    formula: `${workers} workers × 1000 / (${r(m.lifecycleRequests)} DynamoDB round trips × ${q.dynamoLatencyMs} ms)`,
    setting: 'jobs-stack lifecycle queue maxConcurrency (consumeWith(lifecycleWorker, { maxConcurrency }))',
  });
  if (m.writeUnits > 0)
    stages.push({
      name: 'DynamoDB writes',
      unitsPerSecond: q.dynamoWriteUnitsPerSecond / m.writeUnits,
      formula: `${q.dynamoWriteUnitsPerSecond} WRU/s (new on-demand table) / ${r(m.writeUnits)} WRU per due unit`,
      setting: "the table's warm throughput (TableV2 warmThroughput.writeUnitsPerSecond) before April 1st",
    });
  if (m.readUnits > 0)
    stages.push({
      name: 'DynamoDB reads',
      unitsPerSecond: q.dynamoReadUnitsPerSecond / m.readUnits,
      formula: `${q.dynamoReadUnitsPerSecond} RRU/s (new on-demand table) / ${r(m.readUnits)} RRU per due unit`,
      setting: "the table's warm throughput (warmThroughput.readUnitsPerSecond)",
    });
  // The day's wake-ups are written over the agenda shards: one date's partition each.
  stages.push({
    name: 'agenda partitions',
    unitsPerSecond: q.agendaShards * q.partitionWriteUnitsPerSecond,
    formula: `${q.agendaShards} shards × ${q.partitionWriteUnitsPerSecond} WRU/s per partition (1 wake-up write per due unit at most)`,
    setting: 'agenda shard count (storeAdapters agendaShards)',
  });
  if (m.mails > 0)
    stages.push({
      name: 'SES sending rate',
      unitsPerSecond: d.mailRatePerSecond / m.mails,
      formula: `${d.mailRatePerSecond} mails/s (config mail.sendRatePerSecond = the account's SES quota) / ${r(m.mails)} mails per due unit`,
      setting: 'an SES sending-quota increase, then config mail.sendRatePerSecond',
    });
  if ((m.invoiceMails ?? 0) > 0 && (m.pdfRenderMs ?? 0) > 0 && (d.mailerConcurrency ?? 0) > 0)
    stages.push({
      name: 'mailers (invoice PDFs)',
      unitsPerSecond: (d.mailerConcurrency! * 1000) / (m.invoiceMails! * m.pdfRenderMs!),
      formula: `${d.mailerConcurrency} mailers × 1000 / (${r(m.invoiceMails!)} invoice mails per due unit × ${r(m.pdfRenderMs!, 0)} ms to render its PDF)`,
      setting: 'jobs-stack MAILER_CONCURRENCY (each instance paces itself at mail.sendRatePerSecond / MAILER_CONCURRENCY)',
    });
  if (m.workspacesCalls > 0)
    stages.push({
      name: 'WorkSpaces API',
      unitsPerSecond: (d.provisionerConcurrency * 1000) / (m.workspacesCalls * q.workspacesCallMs),
      formula: `${d.provisionerConcurrency} provisioners × 1000 / (${r(m.workspacesCalls)} calls × ${q.workspacesCallMs} ms)`,
      setting: 'jobs-stack desktop queue maxConcurrency (within the WorkSpaces API throttle)',
    });
  stages.push({
    name: 'SQS',
    unitsPerSecond: q.sqsStandardTps,
    formula: `standard queues: nearly unlimited TPS (${r(m.sqsMessages)} messages per due unit, sent in batches of 10)`,
    setting: '—',
  });
  const bottleneck = stages.reduce((a, b) => (b.unitsPerSecond < a.unitsPerSecond ? b : a));
  return { dueUnits, stages, bottleneck, seconds: dueUnits / bottleneck.unitsPerSecond };
}
