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
