/** The suggested fix for a diagnosis: server snippets for every supported stack and the client-side alternatives. */
import type { Diagnosis, Exchange } from '../model.ts';
import { type ClientFix, clientFixes } from './client.ts';
import { requirementsFor } from './requirements.ts';
import { type ServerFix, STACK_IDS, STACKS } from './stacks.ts';

export type { ClientFix } from './client.ts';
export { type DetectedStack, detectStack } from './detect-stack.ts';
export { type Requirements, requirementsFor } from './requirements.ts';
export {
  type ExpressCorsOptions,
  expressCorsOptions,
  type ServerFix,
  type SnippetLanguage,
  STACK_IDS,
  STACKS,
  type StackId,
} from './stacks.ts';

export interface FixSet {
  readonly server: readonly ServerFix[];
  readonly client: readonly ClientFix[];
}

export function suggestFixes(exchange: Exchange, diagnosis: Diagnosis): FixSet {
  if (diagnosis.result !== 'fail') return { server: [], client: [] };
  const requirements = requirementsFor(exchange, diagnosis);
  return {
    server: STACK_IDS.map((id) => STACKS[id].generate(requirements)),
    client: clientFixes(requirements, exchange.request.initiator),
  };
}
