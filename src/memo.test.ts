import { describe, expect, it } from 'vitest';
import { memoized } from './memo.ts';

describe('memoized', () => {
  it('computes a string once while it is remembered, and again once the memory was dropped', () => {
    const calls: string[] = [];
    const upper = memoized((s: string) => {
      calls.push(s);
      return s.toUpperCase();
    }, 2);
    expect([upper('a'), upper('a'), upper('b'), upper('a')]).toEqual(['A', 'A', 'B', 'A']);
    expect(calls).toEqual(['a', 'b']);
    // A third distinct string drops the memory whole: 'a' is computed again.
    expect([upper('c'), upper('a')]).toEqual(['C', 'A']);
    expect(calls).toEqual(['a', 'b', 'c', 'a']);
  });

  it('does not remember long strings', () => {
    let calls = 0;
    const length = memoized((s: string) => {
      calls += 1;
      return s.length;
    });
    const long = 'x'.repeat(5000);
    expect([length(long), length(long)]).toEqual([5000, 5000]);
    expect(calls).toBe(2);
  });
});
