// Step 9 of a test-run: what the messages did — dead letters, the outage's circuit, the --invalid values, the kind's effect.
import type { Kafka } from 'kafkajs';
import type { BrokerConnection } from './connect-broker.js';
import { readDeadLetters } from './dead-letters.js';
import type { KindServices } from './kind-services.js';
import { type OutageWindow, outageChecks } from './outage-window.js';
import { INVALID_KEY_PREFIX } from './produce-samples.js';
import type { RunContext } from './run-plan.js';
import type { SchemaValues } from './schema-values.js';
import type { Check, TestRunResult } from './summary.js';
import { topicCount } from './topics.js';

/** Exactly the invalid values are dead-lettered, each with the schema reason the kernel's model gives. */
async function invalidCheck(
  kafka: Kafka,
  dlqTopic: string,
  typed: SchemaValues,
  result: TestRunResult,
): Promise<Check> {
  const letters = await readDeadLetters(kafka, dlqTopic, result.messages.deadLettered, 15_000);
  const expected = new Map(typed.invalid.map(({ reason }, i) => [`${INVALID_KEY_PREFIX}${i}`, reason]));
  const right = letters.filter((letter) => expected.get(letter.key) === letter.schemaFailure);
  result.messages.invalid = { produced: typed.invalid.length, deadLettered: right.length };
  const exact = right.length === expected.size && letters.length === expected.size;
  return {
    name: 'exactly the invalid values were dead-lettered, with their schema reason',
    ok: exact,
    detail: `${right.length} of ${expected.size} invalid with the right dlq.schema.failure; ${letters.length} in the DLQ`,
  };
}

/** `outage`: the --outage window, awaited before anything is counted. */
export async function checkEffects(
  { options, plan, result }: RunContext,
  { kafka, admin }: BrokerConnection,
  services: KindServices,
  typed: SchemaValues | undefined,
  outage: OutageWindow | undefined,
): Promise<void> {
  const { checks } = result;
  if (outage) await outage.over;
  result.messages.deadLettered = await topicCount(admin, plan.dlqTopic);
  if (result.outage) checks.push(...outageChecks(result.outage, result.messages.deadLettered));
  if (typed && options.invalid > 0) checks.push(await invalidCheck(kafka, plan.dlqTopic, typed, result));
  result.effect.expected = result.messages.processed - result.messages.deadLettered;
  const effect = await services.countEffect(admin);
  result.effect.count = effect ?? null;
  if (effect !== undefined)
    checks.push({
      name: services.effectLabel,
      ok: effect >= result.effect.expected,
      detail: `${effect} of ${result.effect.expected} expected`,
    });
}
