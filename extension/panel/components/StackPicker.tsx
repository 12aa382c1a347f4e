/**
 * The server stack of the fix: a compact select that remembers the choice, and, when the response names another
 * stack (Server, X-Powered-By, Via), a one-click proposal saying which header told.
 */
import type { DetectedStack } from '../../../src/index.ts';
import { STACK_IDS, STACKS, type StackId } from '../../../src/index.ts';
import { Text } from './Text.tsx';

export function StackPicker({
  stack,
  detected,
  onStack,
}: {
  stack: StackId;
  detected: DetectedStack | null;
  onStack: (s: StackId) => void;
}) {
  return (
    <div class="stack-row">
      <label>
        Server stack{' '}
        <select data-testid="stack-picker" value={stack} onChange={(e) => onStack((e.target as HTMLSelectElement).value as StackId)}>
          {STACK_IDS.map((id) => (
            <option key={id} value={id}>
              {STACKS[id].label}
            </option>
          ))}
        </select>
      </label>
      {detected && detected.stack !== stack && (
        <button type="button" class="link" data-testid="stack-proposal" onClick={() => onStack(detected.stack)}>
          The response says {detected.header}: <Text value={detected.value} />, show {STACKS[detected.stack].label}
        </button>
      )}
    </div>
  );
}
