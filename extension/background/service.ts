/**
 * The service worker's logic: every decision the worker makes, given its platform (storage, badge, tabs, detailed
 * capture) as a parameter so that all of it is unit-tested with fakes (service.test.ts). The entry file (index.ts)
 * only registers listeners and hands events here.
 *
 * Where failures and their details come from (docs/capture.md):
 * - the browser's error event (webRequest.onErrorOccurred, always on, the one listener that costs little): a
 *   failure exists, on which tab; it makes the row and counts it on the badge;
 * - DevTools' network log, while DevTools is open on the tab (the devtools page, DEVTOOLS_PORT): the headers, the
 *   preflight and the redirects, joined with the error's row by tab, method and URL;
 * - the extension's own detailed capture (webRequest with extraHeaders), only on tabs where the user asked for it:
 *   the panel opened as a page, or a site the user turned it on for; never while DevTools is open on the tab;
 * - the page relay: how the page asked (credentials mode), for its own frame's failed calls.
 */

import type { ErrorEvent, Exchange, PageHint, RequestEvent } from '../../src/index.ts';
import {
  type Captured,
  DetailOrigins,
  ExchangeTracker,
  type FailureRecord,
  type KeyValueStore,
  keptUrl,
  originOf,
  type PageSender,
  parseHint,
  STORED_KEY,
  sameRequestUrl,
  TabLog,
  type TabSummary,
  toRecord,
} from '../../src/index.ts';
import {
  type CaptureState,
  type Commands,
  DETAILS_WANTED_MS,
  DEVTOOLS_PORT,
  type DevtoolsMessage,
  dispatch,
  type Handlers,
  type LoggedItem,
  PANEL_PORT,
  type PanelMessage,
  type WorkerToDevtools,
} from '../protocol.ts';
import { Badge } from './badge.ts';
import { PanelHub } from './panels.ts';
import { isExtensionPage, type PortLike, type SenderLike } from './ports.ts';

/** What the worker needs of the browser. The real one is built in index.ts; tests pass fakes. */
export interface WorkerPlatform {
  /** chrome.storage.session: the tab logs, the arming, the last activity. */
  readonly session: KeyValueStore;
  /** chrome.storage.local: the user's settings (sites with always-on detailed capture). */
  readonly settings: KeyValueStore;
  /** chrome-extension://<id>: what the extension's own pages have as origin. */
  readonly extensionOrigin: string;
  now(): number;
  setBadge(tabId: number, text: string): void;
  /** The open tabs and their top-level URLs. */
  openTabs(): Promise<{ id: number; url: string }[]>;
  /** The tabs showing a document (any frame) of this origin: where a shared or service worker's failures are listed. */
  tabsShowingOrigin(origin: string): Promise<number[]>;
  /**
   * Asks page relays for the reports they hold (they send them only when asked): the given frames of the tab, or all
   * its frames. Resolves once they answered (or after a bound).
   */
  requestReports(tabId: number, frames?: readonly FrameRef[]): Promise<void>;
  /** The extension's own detailed capture (extraHeaders listeners), filtered to these tabs. */
  readonly detailCapture: { apply(tabs: readonly number[]): void; watching(tabId: number): boolean };
  /**
   * A browser's own capture, where the default one (error events, DevTools' log, arming) does not apply: it sees
   * every tab's details and takes the pages' reports; its records come in through onRecord. Firefox's:
   * firefox-capture.ts.
   */
  readonly ownCapture?: OwnCapture;
}

/** One document in one frame of a tab. */
export interface FrameRef {
  readonly frameId: number;
  readonly documentId: string | null;
}

/** A browser's own capture (WorkerPlatform.ownCapture). */
export interface OwnCapture {
  /** A page relay's report of one of its frame's calls, attributed to the sender the browser names. */
  report(from: PageSender, report: PageHint, now: number): void;
}

const ARMED_KEY = 'armed';
/** When the worker last handled a request event (written at most once a second). */
const ACTIVITY_KEY = 'activity';
/**
 * The blind spot of a restart while it is open ({ since, until }, see tracker.openBlindSpot). A worker stopped in
 * its own blind spot may not have stored every failure it took from the pages' reports; its successor then takes
 * them from the same start, not from that worker's own activity (which began after those failures ended).
 */
const BLIND_KEY = 'blindSpot';
const SETTINGS_KEY = 'detailOrigins';
/** The browser stops an idle worker after 30 s without events; a worker stopped sooner was stopped mid-traffic. */
const IDLE_STOP_MS = 30_000;
/** How much earlier than the event reached the worker a page may stamp the failure it reports. */
const ACTIVITY_MARGIN_MS = 500;
/**
 * How long before its last activity a stopped worker may have added records it had not stored yet (TabLog's
 * STORED_KEY says since when it had not), at most: a record write waits a gap and may take a while under load.
 */
const UNSTORED_MAX_MS = 5000;
/** How long an exchange from DevTools waits for the error event of its request before it makes the row itself. */
const HOLD_MS = 1500;
/** How far apart (ms) a row and DevTools' exchange of the same request may start. */
const JOIN_WINDOW_MS = 60_000;
/** Most exchanges from DevTools waiting per tab. */
const MAX_HELD = 200;
/** While a panel shows a tab, how often its failures' frames are asked for the page's reports at most. */
const REPORTS_PULL_MS = 200;
/**
 * After a failure without details on a tab DevTools is open on, its devtools page is asked to read DevTools' log for
 * DETAILS_WANTED_MS (it reads it only while asked, or while the CORS panel is shown: network-log.ts); asked again at
 * most every WANTED_REPEAT_MS while failures go on. Each ask also makes the page read the log at once, instead of
 * after the longer wait between reads that found nothing: a failure now and then gets its details within a second.
 */
const WANTED_REPEAT_MS = 1_000;

interface Held {
  readonly item: LoggedItem;
  readonly timer: ReturnType<typeof setTimeout>;
}

export class LensService {
  readonly log: TabLog;
  private readonly tracker: ExchangeTracker;
  private readonly startedAt: number;
  private readonly badge: Badge;
  private readonly panels: PanelHub;
  private readonly detailOrigins = new DetailOrigins();
  /** Tabs DevTools is open on (their devtools page's ports). */
  private readonly devtools = new Map<number, Set<PortLike>>();
  /** The top-level origin of each tab. */
  private readonly tabOrigins = new Map<number, string>();
  /** The tabs whose detailed capture is on, as last applied. */
  private armed: number[] = [];
  /** When each tab's devtools pages were last asked to read DevTools' log (wantDetails). */
  private readonly wantedAt = new Map<number, number>();
  private readonly held = new Map<number, Held[]>();
  /** Rows an exchange from DevTools was joined with, until the joined record is in the log (identical requests). */
  private readonly joining = new Set<string>();
  /** The page's report of how it asked, for a row whose DevTools details are being stored, by record id. */
  private readonly amendAfterJoin = new Map<string, Captured>();
  /** Page reports seen lately (a relay may send one twice when the worker answered late). */
  private readonly seenReports = new Set<string>();
  private activityWritten = 0;
  /** Frames to ask for their reports soon, per tab (a panel shows failures they have not described yet). */
  private readonly reportsWanted = new Map<number, Map<string, FrameRef>>();
  private reportsTimer: ReturnType<typeof setTimeout> | null = null;
  /** Resolves once the stored state is read back and applied. */
  readonly ready: Promise<void>;
  readonly handlers: Handlers<SenderLike>;

  constructor(private readonly platform: WorkerPlatform) {
    this.startedAt = platform.now();
    this.tracker = new ExchangeTracker({ startedAt: this.startedAt });
    this.log = new TabLog(platform.session, { delay: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) });
    this.badge = new Badge((tabId, text) => platform.setBadge(tabId, text));
    this.panels = new PanelHub(() => this.applyArming());
    this.log.onChange((change) => {
      this.panels.publish(change);
      if (change.type === 'record') this.wantReports(change.record);
      if (change.type === 'removed') this.badge.forget(change.tabId);
      else this.badge.show(change.summary);
    });
    this.handlers = this.commandHandlers();
    this.ready = this.restore();
  }

  private async restore(): Promise<void> {
    const stored = await this.platform.session
      .get([ARMED_KEY, ACTIVITY_KEY, BLIND_KEY, STORED_KEY])
      .catch(() => ({}) as Record<string, unknown>);
    // Stopped within 30 s of its last event: stopped mid-traffic, and the events handed to it while it stopped were
    // lost; the pages' failure reports fill them in for a while.
    const lastActivity = stored[ACTIVITY_KEY];
    if (typeof lastActivity === 'number' && this.startedAt - lastActivity < IDLE_STOP_MS) {
      // From the predecessor's last activity, or from its last record write if that came earlier: the records it
      // added since may not be stored. The margin: a failure's report may be stamped a little before its event
      // reached the worker.
      const storedAt = stored[STORED_KEY];
      const unstoredSince =
        typeof storedAt === 'number' ? Math.max(Math.min(storedAt, lastActivity), lastActivity - UNSTORED_MAX_MS) : lastActivity;
      let since = unstoredSince - ACTIVITY_MARGIN_MS;
      const inherited = stored[BLIND_KEY] as { since?: unknown; until?: unknown } | undefined;
      if (typeof inherited?.since === 'number' && typeof inherited.until === 'number' && this.startedAt <= inherited.until)
        since = Math.min(since, inherited.since);
      const now = this.platform.now();
      const before = this.tracker.blindSpot(now);
      this.tracker.openBlindSpot(now, since);
      this.storeBlindSpot(before, now);
    }
    // Detailed capture resumes at once where it was on; the panels and devtools pages reconnect by themselves.
    const armed = stored[ARMED_KEY];
    if (Array.isArray(armed)) this.platform.detailCapture.apply(armed.filter((t): t is number => Number.isInteger(t)));
    const settings = await this.platform.settings.get([SETTINGS_KEY]).catch(() => ({}) as Record<string, unknown>);
    this.detailOrigins.load(settings[SETTINGS_KEY]);
    const tabs = await this.platform.openTabs().catch(() => []);
    for (const tab of tabs) this.tabOrigins.set(tab.id, originOf(tab.url));
    if (this.tracker.blindSpotOpen(this.platform.now())) this.askEveryTab();
    this.applyArming();
    await this.log.ready;
    // Drop the logs of tabs that closed while the worker was stopped, and repaint the badges. A tab the list missed
    // because it opened meanwhile has navigated since (tabOrigins has it): it is open.
    for (const summary of this.log.summaries()) {
      if (this.tabOrigins.has(summary.tabId)) this.badge.show(summary);
      else void this.log.remove(summary.tabId);
    }
  }

  // ---- Capture state --------------------------------------------------------------------------------------------

  /** How much is captured on a tab now (see CaptureState). */
  captureState(tabId: number): CaptureState {
    if (this.platform.ownCapture) return 'detailed';
    if ((this.devtools.get(tabId)?.size ?? 0) > 0) return 'devtools';
    return this.armed.includes(tabId) ? 'detailed' : 'counting';
  }

  /**
   * Brings detailed capture in line with what is wanted: on the tabs with a panel open as a page or on a site the
   * user turned it on for, unless DevTools is open on the tab (its network log has the details for free).
   */
  private applyArming(): void {
    const wanted = new Set(this.panels.pageTabs());
    for (const [tabId, origin] of this.tabOrigins) if (this.detailOrigins.has(origin)) wanted.add(tabId);
    const armed = [...wanted].filter((t) => (this.devtools.get(t)?.size ?? 0) === 0).sort((a, b) => a - b);
    if (armed.join() !== this.armed.join()) {
      this.armed = armed;
      this.platform.detailCapture.apply(armed);
      void this.platform.session.set({ [ARMED_KEY]: armed }).catch(() => undefined);
    }
    // Open panels say how much is captured on their tab: tell them when that changed (the hub knows what they were told).
    for (const tabId of this.panels.tabs()) this.panels.capture(tabId, this.captureState(tabId));
  }

  // ---- Browser events -----------------------------------------------------------------------------------------------

  /** webRequest.onErrorOccurred, adapted (web-request.ts). */
  onError(event: ErrorEvent): void {
    void this.ready.then(() => this.observe({ ...event, watched: this.platform.detailCapture.watching(event.tabId) }));
  }

  /** onSendHeaders / onHeadersReceived of the detailed capture, adapted. */
  onDetailEvent(event: RequestEvent): void {
    this.observe(event);
  }

  /** A record of the browser's own capture (ownCapture); a worker's request is listed on the tabs of its origin. */
  onRecord(record: FailureRecord): void {
    void this.ready.then(async () => {
      if (record.tabId >= 0) {
        this.add(record);
        return;
      }
      const tabIds = await this.platform.tabsShowingOrigin(record.exchange.request.origin);
      for (const tabId of tabIds) this.add({ ...record, tabId, frameId: -1, documentId: null });
    });
  }

  private observe(event: RequestEvent): void {
    const before = this.tracker.blindSpot(event.timeStamp);
    this.recordCapture(this.tracker.handle(event));
    // A request of the stopped predecessor showed up: the pages hold reports of what its stop lost.
    if (this.storeBlindSpot(before, event.timeStamp) && !before) this.askEveryTab();
    const now = this.platform.now();
    if (now - this.activityWritten >= 1000) {
      this.activityWritten = now;
      void this.platform.session.set({ [ACTIVITY_KEY]: now }).catch(() => undefined);
    }
  }

  /** webNavigation.onCommitted; `at` is its timeStamp (when the browser committed the document). */
  onNavigation(tabId: number, frameId: number, documentId: string | null, url: string, at: number): void {
    if (frameId !== 0) return;
    this.tabOrigins.set(tabId, originOf(url));
    void this.log.navigate(tabId, documentId, keptUrl(url), at);
    this.applyArming();
  }

  onTabRemoved(tabId: number): void {
    void this.log.remove(tabId);
    this.tabOrigins.delete(tabId);
    this.held.delete(tabId);
    this.wantedAt.delete(tabId);
    this.applyArming();
  }

  // ---- Records ------------------------------------------------------------------------------------------------------

  private recordCapture(captured: Captured | null): void {
    if (!captured) return;
    if (captured.phase === 'completed') {
      // The request went out after all (its preflight passed): take back what the preflight's response recorded.
      if (captured.tabId >= 0) void this.log.retract(captured.tabId, captured.recordId);
      return;
    }
    // Already recorded when its response arrived, and the error event tells nothing new: keep the handler short.
    if (captured.settled && this.log.has(captured.tabId, captured.recordId)) return;
    if (captured.tabId < 0) {
      // A shared or service worker's request: shown on every tab of the worker's origin, never on another site's.
      void this.platform.tabsShowingOrigin(captured.exchange.request.origin).then((tabIds) => {
        for (const tabId of tabIds) this.recordCapture({ ...captured, tabId, frameId: -1, documentId: null });
      });
      return;
    }
    if (captured.amended && this.joining.has(captured.recordId)) {
      // DevTools' details for this row are being stored: the page's word is applied to them once they are.
      this.amendAfterJoin.set(captured.recordId, captured);
      return;
    }
    const stored = this.log.record(captured.tabId, captured.recordId);
    // The page's word on a row that is gone (cleared, a new page, taken back, dropped): it must not bring it back.
    if (captured.amended && !stored) return;
    if (captured.amended && stored?.source === 'devtools') {
      // The page told how it asked, after DevTools' details came: judge those details again with it.
      this.add(this.withCredentials(stored, captured.exchange.request.credentials));
      return;
    }
    const record = toRecord(captured);
    // The page's word shows the answer passes (an event stream it closed itself, judged again with how it asked): the
    // error was not a CORS refusal, and the row goes.
    if (!record && captured.amended && stored) {
      void this.log.retract(captured.tabId, captured.recordId);
      return;
    }
    this.add(record);
  }

  /**
   * Adds a record to the log. A row without details first takes an exchange from DevTools that is waiting for it
   * (it came before the error), also one that came while the row was being added.
   */
  private add(record: FailureRecord | null): void {
    if (!record) return;
    const held = record.uncaptured ? this.takeHeld(record) : null;
    if (held) {
      this.add(this.joined(record, held));
      return;
    }
    // While DevTools is open on the tab its details follow within a moment and replace the row: it is written to the
    // store only if they do not (tab-log's DEFERRED_WRITE_MS), not twice. Not a shared or service worker's request
    // (frame -1): DevTools' log of the tab has no details for it, and nothing would send it again after a restart.
    const defer = record.uncaptured && record.frameId >= 0 && this.captureState(record.tabId) === 'devtools';
    if (defer) this.wantDetails(record.tabId);
    void this.log.add(record, { defer }).then(() => {
      this.joining.delete(record.id);
      const amended = this.amendAfterJoin.get(record.id);
      if (amended) {
        this.amendAfterJoin.delete(record.id);
        this.recordCapture(amended);
      }
      const late = record.uncaptured ? this.takeHeld(record) : null;
      if (late) this.add(this.joined(record, late));
    });
  }

  /** Asks the tab's devtools pages to read DevTools' log for a while: a failure there waits for its details. */
  private wantDetails(tabId: number): void {
    const now = this.platform.now();
    if (now - (this.wantedAt.get(tabId) ?? Number.NEGATIVE_INFINITY) < WANTED_REPEAT_MS) return;
    this.wantedAt.set(tabId, now);
    const wanted: WorkerToDevtools = { type: 'wanted', forMs: DETAILS_WANTED_MS };
    for (const port of this.devtools.get(tabId) ?? []) {
      try {
        port.postMessage(wanted);
      } catch {
        // Disconnected: its onDisconnect forgets it.
      }
    }
  }

  /** A stored record judged again with the credentials mode the page stated. */
  private withCredentials(record: FailureRecord, credentials: Exchange['request']['credentials']): FailureRecord | null {
    if (credentials.source !== 'page') return null;
    const exchange = { ...record.exchange, request: { ...record.exchange.request, credentials } };
    // Still made from the same DevTools exchange: a worker that gets that exchange again must know it is taken.
    return toRecord({ ...capturedOf(record, exchange), source: 'devtools', ...(record.detailsId ? { detailsId: record.detailsId } : {}) });
  }

  /** A row without details joined with DevTools' exchange of the same request. */
  private joined(row: FailureRecord, item: LoggedItem): FailureRecord | null {
    this.joining.add(row.id);
    const stated = row.exchange.request;
    const logged = item.exchange.request;
    const exchange: Exchange = {
      ...item.exchange,
      request: {
        ...logged,
        // The error event knows the requesting origin even when no Origin header was sent; the page knows the mode.
        origin: logged.origin === 'null' ? stated.origin : logged.origin,
        credentials: stated.credentials.source === 'page' ? stated.credentials : logged.credentials,
        initiator: stated.credentials.source === 'page' ? stated.initiator : logged.initiator,
      },
      error: item.exchange.error ?? row.exchange.error,
    };
    const record = toRecord({ ...capturedOf(row, exchange), source: 'devtools', detailsId: item.id });
    // Passed by the headers DevTools saw: the error was not a CORS refusal; the row goes.
    if (!record) {
      this.joining.delete(row.id);
      this.amendAfterJoin.delete(row.id);
      void this.log.retract(row.tabId, row.id);
    }
    return record;
  }

  // ---- DevTools' network log -------------------------------------------------------------------------------------

  private async onLogged(tabId: number, items: readonly LoggedItem[]): Promise<void> {
    await this.ready;
    await this.log.ready;
    for (const item of items) {
      if (this.log.hasDetails(tabId, item.id) || this.isHeld(tabId, item.id)) continue;
      // A request that passed: a warning row when its answer proves a dangerous setup (toRecord decides).
      if (item.exchange.error === null) {
        this.add(this.fromLog(tabId, item));
        continue;
      }
      const row = this.log.findUndetailed(tabId, item.method, item.url, item.started, JOIN_WINDOW_MS, this.joining);
      if (row) this.add(this.joined(row, item));
      else this.hold(tabId, item);
    }
  }

  private isHeld(tabId: number, id: string): boolean {
    return (this.held.get(tabId) ?? []).some((h) => h.item.id === id);
  }

  /** Waits for the error event of the request; if it never comes (lost in a restart), the exchange makes the row. */
  private hold(tabId: number, item: LoggedItem): void {
    const list = this.held.get(tabId) ?? [];
    const timer = setTimeout(() => {
      const waiting = this.held.get(tabId);
      const at = waiting?.findIndex((h) => h.item.id === item.id) ?? -1;
      if (!waiting || at < 0) return;
      waiting.splice(at, 1);
      const row = this.log.findUndetailed(tabId, item.method, item.url, item.started, JOIN_WINDOW_MS, this.joining);
      this.add(row ? this.joined(row, item) : this.fromLog(tabId, item));
    }, HOLD_MS);
    list.push({ item, timer });
    if (list.length > MAX_HELD) {
      const dropped = list.shift();
      if (dropped) clearTimeout(dropped.timer);
    }
    this.held.set(tabId, list);
  }

  /** The exchange from DevTools waiting for this row without details, if one is: same tab, method and (last) URL. */
  private takeHeld(row: FailureRecord): LoggedItem | null {
    const { method } = row.exchange.request;
    const url = row.exchange.hops.at(-1)?.url ?? row.exchange.request.url;
    const list = this.held.get(row.tabId);
    const at =
      list?.findIndex(
        (h) => h.item.method === method && sameRequestUrl(h.item.url, url) && Math.abs(h.item.started - row.time) < JOIN_WINDOW_MS,
      ) ?? -1;
    if (!list || at < 0) return null;
    const [held] = list.splice(at, 1);
    if (!held) return null;
    clearTimeout(held.timer);
    return held.item;
  }

  /** A row made from DevTools' exchange alone: the browser's error event for it was lost (a worker restart). */
  private fromLog(tabId: number, item: LoggedItem): FailureRecord | null {
    const summary = this.log.summary(tabId);
    const exchange =
      item.exchange.request.origin === 'null' && summary.pageUrl
        ? { ...item.exchange, request: { ...item.exchange.request, origin: originOf(summary.pageUrl) } }
        : item.exchange;
    const record = toRecord({
      phase: 'error',
      recordId: `dt:${item.id}`,
      requestId: `dt:${item.id}`,
      tabId,
      frameId: 0,
      documentId: null,
      type: RESOURCE_TYPES[item.resourceType] ?? 'other',
      time: item.started,
      exchange,
      amended: false,
      settled: false,
      watched: true,
      source: 'devtools',
      detailsId: item.id,
    });
    return record;
  }

  // ---- Page reports -----------------------------------------------------------------------------------------------

  /**
   * What a page relay reported of its frame's failed calls. The sender's tab, frame and document come from the
   * browser, not from the page: a report can only describe its own frame's calls. A report refines a failure the
   * browser reported; it makes a row of its own only in the blind spot after a restart (tracker.pageFailure).
   */
  private async onReports(payload: unknown, sender: SenderLike): Promise<void> {
    const { documentId, origin } = sender;
    const tabId = sender.tab?.id;
    if (!Array.isArray(payload) || !documentId || tabId === undefined || isExtensionPage(sender, this.platform.extensionOrigin)) return;
    const from: PageSender = { tabId, frameId: sender.frameId ?? 0, documentId, origin: origin ?? 'null' };
    await this.ready;
    let stoodIn = false;
    for (const item of payload.slice(0, 200)) {
      const parsed = parseHint(item);
      if (!parsed) continue;
      const report: PageHint = { ...parsed, url: keptUrl(parsed.url) };
      const key = `${documentId} ${report.startedAt ?? ''} ${report.method} ${report.url} ${report.outcome ?? ''}`;
      if (this.seenReports.has(key)) continue;
      this.seenReports.add(key);
      if (this.seenReports.size > 1000) this.seenReports.delete(this.seenReports.values().next().value as string);
      if (this.platform.ownCapture) {
        this.platform.ownCapture.report(from, report, this.platform.now());
        continue;
      }
      if (report.outcome === 'failed' && (await this.pageFailure(from, report))) {
        stoodIn = true;
        continue;
      }
      this.recordCapture(this.tracker.hint(from, report, this.platform.now()));
    }
    // The relay forgets what the worker received: a row made from a report alone is stored before it is received.
    // A worker stopped before then leaves the report unanswered, and the relay sends it again to its successor.
    if (stoodIn) await this.log.flush();
  }

  /** A failed call in a restart's blind spot, recorded from the page's report. Returns whether it was. */
  private async pageFailure(from: PageSender, report: PageHint): Promise<boolean> {
    const captured = this.tracker.pageFailure(from, report, this.platform.now());
    if (!captured) return false;
    if (await this.log.hasRequest(from.tabId, from.documentId, report.method, report.url)) return true;
    this.recordCapture(captured);
    return true;
  }

  /** Stores the restart's blind spot (BLIND_KEY) if it is not `before` any more. Returns whether it stored it. */
  private storeBlindSpot(before: ReturnType<ExchangeTracker['blindSpot']>, now: number): boolean {
    const after = this.tracker.blindSpot(now);
    if (!after || (before && before.since === after.since && before.until === after.until)) return false;
    void this.platform.session.set({ [BLIND_KEY]: after }).catch(() => undefined);
    return true;
  }

  /** Asks every tab's relays for their reports: a restart's blind spot is open (tracker.pageFailure). */
  private askEveryTab(): void {
    if (this.platform.ownCapture) return;
    for (const tabId of this.tabOrigins.keys()) void this.platform.requestReports(tabId);
  }

  /**
   * A record shown in an open panel without the page's word on how it asked: its frame is asked for its reports
   * (batched, at most every REPORTS_PULL_MS). Where no panel shows the tab, nothing is asked: the reports wait in the
   * page until a panel opens (onPanelPort) or a snapshot is taken.
   */
  private wantReports(record: FailureRecord): void {
    if (this.platform.ownCapture || record.kind !== 'cors' || record.exchange.request.credentials.source === 'page') return;
    if (record.tabId < 0 || !this.panels.tabs().has(record.tabId)) return;
    const frames = this.reportsWanted.get(record.tabId) ?? new Map<string, FrameRef>();
    frames.set(`${record.frameId} ${record.documentId}`, { frameId: record.frameId, documentId: record.documentId });
    this.reportsWanted.set(record.tabId, frames);
    this.reportsTimer ??= setTimeout(() => {
      this.reportsTimer = null;
      const wanted = [...this.reportsWanted];
      this.reportsWanted.clear();
      for (const [tabId, frames] of wanted) void this.platform.requestReports(tabId, [...frames.values()]);
    }, REPORTS_PULL_MS);
  }

  // ---- Ports and commands -------------------------------------------------------------------------------------------

  onConnect(port: PortLike): void {
    // Only the extension's own pages may watch a tab's log or speak for DevTools; a content script's port is closed.
    if (!isExtensionPage(port.sender, this.platform.extensionOrigin)) {
      port.disconnect();
      return;
    }
    if (port.name === PANEL_PORT) this.onPanelPort(port);
    else if (port.name === DEVTOOLS_PORT) this.onDevtoolsPort(port);
    else port.disconnect();
  }

  private onPanelPort(port: PortLike): void {
    port.onMessage.addListener(async (message: unknown) => {
      const m = message as PanelMessage;
      if (m?.type !== 'subscribe' || !Number.isInteger(m.tabId)) return;
      await this.ready;
      await this.log.ready;
      // A panel opened as a page arms its tab; it is then told the new state like every open panel.
      this.panels.subscribe(port, m.tabId, m.asPage === true, this.log.snapshotNow(m.tabId), this.captureState(m.tabId));
      // What the page said of its failures while nobody looked: applied to the rows as it comes.
      if (!this.platform.ownCapture) void this.platform.requestReports(m.tabId);
    });
    port.onDisconnect.addListener(() => this.panels.unsubscribe(port));
  }

  private onDevtoolsPort(port: PortLike): void {
    let tabId: number | null = null;
    port.onMessage.addListener((message: unknown) => {
      const m = message as DevtoolsMessage;
      if (m?.type === 'inspect' && Number.isInteger(m.tabId) && tabId === null) {
        tabId = m.tabId;
        const set = this.devtools.get(tabId) ?? new Set();
        set.add(port);
        this.devtools.set(tabId, set);
        // A new devtools page reads nothing yet: the next failure asks it, however recently the tab's others were.
        this.wantedAt.delete(tabId);
        if (set.size === 1) this.applyArming();
      } else if (m?.type === 'logged' && tabId !== null && Array.isArray(m.items) && !this.platform.ownCapture) {
        // (A browser's own capture sees every detail already: DevTools' log would only list its requests twice.)
        void this.onLogged(tabId, m.items.slice(0, 500));
      }
    });
    port.onDisconnect.addListener(() => {
      if (tabId === null) return;
      const set = this.devtools.get(tabId);
      set?.delete(port);
      if (set?.size === 0) {
        this.devtools.delete(tabId);
        this.applyArming();
      }
    });
  }

  /** Handles one-shot messages; undefined for anything that is not a command. */
  onMessage(message: unknown, sender: SenderLike): Promise<unknown> | undefined {
    return dispatch(this.handlers, message, sender);
  }

  private commandHandlers(): Handlers<SenderLike> {
    const fromExtension = <K extends keyof Commands>(
      handler: (payload: Commands[K]['payload']) => Promise<Commands[K]['reply']>,
    ): ((payload: Commands[K]['payload'], sender: SenderLike) => Promise<Commands[K]['reply']>) => {
      return (payload, sender) => {
        if (!isExtensionPage(sender, this.platform.extensionOrigin))
          return Promise.reject(new Error('CORS Lens: not allowed from this sender'));
        return handler(payload);
      };
    };
    return {
      reports: async (payload, sender) => {
        await this.onReports(payload, sender);
        return { received: true };
      },
      snapshot: fromExtension<'snapshot'>(async ({ tabId }) => {
        await this.ready;
        // With the page's word on how it asked, for the failures it described.
        if (!this.platform.ownCapture) await this.platform.requestReports(tabId);
        await this.log.ready;
        return { ...(await this.log.snapshot(tabId)), capture: this.captureState(tabId) };
      }),
      clear: fromExtension<'clear'>(async ({ tabId }) => {
        await this.log.clear(tabId, this.platform.now());
        return undefined;
      }),
      preserve: fromExtension<'preserve'>(async ({ tabId, preserve }) => {
        await this.log.setPreserve(tabId, preserve === true);
        return undefined;
      }),
      detailOrigin: fromExtension<'detailOrigin'>(async ({ origin, on }) => {
        await this.ready;
        if (this.detailOrigins.set(origin, on === true)) {
          await this.platform.settings.set({ [SETTINGS_KEY]: this.detailOrigins.toJSON() }).catch(() => undefined);
          this.applyArming();
        }
        return { origins: this.detailOrigins.toJSON() };
      }),
      settings: fromExtension<'settings'>(async () => {
        await this.ready;
        return { origins: this.detailOrigins.toJSON() };
      }),
      ready: async () => {
        await Promise.all([this.log.ready, this.ready]);
        return { ready: true, tabs: this.log.summaries().length };
      },
    };
  }

  /** The summary of a tab's log (for tests and the demo). */
  summary(tabId: number): TabSummary {
    return this.log.summary(tabId);
  }
}

/** webRequest resource types for DevTools' `_resourceType`. */
const RESOURCE_TYPES: Record<string, string> = {
  fetch: 'xmlhttprequest',
  xhr: 'xmlhttprequest',
  eventsource: 'xmlhttprequest',
  script: 'script',
  stylesheet: 'stylesheet',
  image: 'image',
  font: 'font',
  media: 'media',
};

/** A stored record as a capture again, with another exchange, to be judged anew. */
function capturedOf(record: FailureRecord, exchange: Exchange): Captured {
  return {
    phase: 'error',
    recordId: record.id,
    requestId: record.id,
    tabId: record.tabId,
    frameId: record.frameId,
    documentId: record.documentId,
    type: record.type,
    time: record.time,
    exchange,
    amended: false,
    settled: false,
    watched: true,
    ...(record.pageReported ? { pageReported: true as const } : {}),
  };
}
