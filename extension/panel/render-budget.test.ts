import { expect, test } from 'vitest';
import { RenderBudget } from './render-budget.ts';

test('a few renders in a row run at once, then ten a second; after a pause, at once again', () => {
  let now = 0;
  const budget = new RenderBudget(5, 10, () => now);
  for (let i = 0; i < 5; i++) {
    expect(budget.wait()).toBe(0);
    budget.spend();
  }
  expect(budget.wait()).toBeCloseTo(100);
  now += 100;
  expect(budget.wait()).toBe(0);
  budget.spend();
  expect(budget.wait()).toBeCloseTo(100);
  now += 60_000;
  for (let i = 0; i < 5; i++) {
    expect(budget.wait()).toBe(0);
    budget.spend();
  }
  expect(budget.wait()).toBeGreaterThan(0);
});

test('a failure with its details a moment later (two renders every quarter second) never waits', () => {
  let now = 0;
  const budget = new RenderBudget(5, 10, () => now);
  for (let i = 0; i < 100; i++) {
    expect(budget.wait()).toBe(0);
    budget.spend();
    now += i % 2 === 0 ? 50 : 200;
  }
});

test('after a render that applied a burst of messages, the next waits a third of a second; a small one does not', () => {
  let now = 0;
  const budget = new RenderBudget(5, 10, () => now, { messages: 20, rate: 3 });
  budget.spend(3);
  expect(budget.wait()).toBe(0);
  budget.spend(40);
  expect(budget.wait()).toBeCloseTo(1000 / 3);
  now += 200;
  expect(budget.wait()).toBeCloseTo(1000 / 3 - 200);
  now += 200;
  expect(budget.wait()).toBe(0);
  // The burst is over: renders of a few messages go at once again.
  budget.spend(2);
  expect(budget.wait()).toBe(0);
});
