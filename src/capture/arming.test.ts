/** Arming: reasons per tab, survival through JSON (a worker restart), development origins. */
import { describe, expect, test } from 'vitest';
import { Arming, isDevelopmentOrigin } from './arming.ts';

describe('Arming', () => {
  test('a tab is armed while any of its reasons holds', () => {
    const a = new Arming();
    expect(a.isArmed(1)).toBe(false);
    expect(a.arm(1, 'panel')).toBe(true);
    expect(a.arm(1, 'panel')).toBe(false);
    a.arm(1, 'dev-origin');
    a.disarm(1, 'panel');
    expect(a.armedTabs()).toEqual([1]);
    a.disarm(1, 'dev-origin');
    expect(a.armedTabs()).toEqual([]);
  });
  test('everywhere arms every tab', () => {
    const a = new Arming();
    a.setEverywhere(true);
    expect(a.isArmed(99)).toBe(true);
  });
  test('survives JSON (a worker restart), and ignores what it does not know', () => {
    const a = new Arming();
    a.arm(2, 'dev-origin');
    a.arm(1, 'panel');
    const b = new Arming(JSON.parse(JSON.stringify(a)));
    expect(b.armedTabs()).toEqual([1, 2]);
    expect(b.reasons(1)).toEqual(['panel']);
    expect(new Arming({ everywhere: false, tabs: { x: ['panel'], 5: ['bogus' as never] } }).armedTabs()).toEqual([]);
  });
});

test.each([
  ['http://localhost:3000/', true],
  ['http://127.0.0.1:8080/app', true],
  ['http://[::1]:5173/', true],
  ['http://app.localhost/', true],
  ['https://shop.test/', true],
  ['http://printer.local/', true],
  ['http://10.1.2.3/', true],
  ['http://192.168.1.20:8000/', true],
  ['http://172.20.0.5/', true],
  ['file:///home/me/index.html', true],
  ['https://www.example.com/', false],
  ['https://app.example.com:8443/', false],
  ['http://172.32.0.1/', false],
  ['chrome://extensions/', false],
  ['not a url', false],
])('isDevelopmentOrigin(%s) is %s', (url, dev) => {
  expect(isDevelopmentOrigin(url)).toBe(dev);
});
