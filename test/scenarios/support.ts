/** Shared helpers of the scenario suites: loading scenario/expected pairs and the current stage. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, inject } from 'vitest';
import { simulate } from '#local/simulator.ts';
import type { Stage } from './compare.ts';

/**
 * What the system implements (SIMULATION.md: a test of an earlier stage compares only what that stage
 * covers). Every stage has landed, so results are judged whole, exactly as compare-result.py does;
 * `SCENARIO_STAGES=lifecycle` judges less.
 */
export const CURRENT_STAGE: ReadonlySet<Stage> = new Set<Stage>(
  (process.env.SCENARIO_STAGES ?? 'lifecycle,billing,outages')
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is Stage => s === 'lifecycle' || s === 'billing' || s === 'outages'),
);

export interface ScenarioPair {
  readonly name: string;
  readonly scenarioFile: string;
  readonly expectedFile: string;
  readonly scenario: unknown;
  readonly expected: unknown;
}

export const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

/** Every `NAME.json` of `dir` that has a `NAME.expected.json` next to it, by name. */
export function scenarioPairs(dir: string): ScenarioPair[] {
  const files = readdirSync(dir);
  return files
    .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json') && !f.endsWith('.cases.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .filter((name) => files.includes(`${name}.expected.json`))
    .sort()
    .map((name) => {
      const scenarioFile = join(dir, `${name}.json`);
      const expectedFile = join(dir, `${name}.expected.json`);
      return { name, scenarioFile, expectedFile, scenario: readJson(scenarioFile), expected: readJson(expectedFile) };
    });
}

/** Days simulated by a scenario (from..to inclusive), for the per-test timeout. */
export function scenarioDays(scenario: unknown): number {
  const s = scenario as { from?: string; to?: string };
  if (!s.from || !s.to) return 0;
  return Math.round((Date.parse(`${s.to}T00:00:00Z`) - Date.parse(`${s.from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** A generous timeout for a simulation of `days` days on both stores (≈ 35 ms a day on DynamoDB Local measured, ×5 for slow machines). */
export const timeoutFor = (days: number) => 60_000 + days * 200;

/**
 * The scenario on both stores — the memory adapter (the simulator's default) and DynamoDB Local (what
 * `npm start` runs) — asserting that the two Results are identical, field for field. Returns the Result.
 */
export async function simulateOnBothStores(scenario: unknown): Promise<unknown> {
  // One after the other: the local SES sink's store is one per process, shared by both stacks.
  const memory = await simulate(scenario, { store: 'memory' });
  const dynamodb = await simulate(scenario, { store: 'dynamodb', dynamoEndpoint: inject('dynamoEndpoint') });
  expect(memory, 'the memory store and DynamoDB Local give the same Result').toEqual(dynamodb);
  return memory;
}
