/**
 * The sites where the user turned on always-on detailed capture. Seeing why the browser blocked a request needs
 * webRequest listeners with extraHeaders, and measured on this machine (bench/, README "Performance") any such listener
 * makes every request of the whole browser slower, whatever its filter. So by default CORS Lens only counts failures
 * (one cheap listener) and takes the details from DevTools' own network log while DevTools is open on the tab; a user
 * who wants details on a site even with DevTools closed turns it on for that site, knowing the cost (the panel says
 * it next to the switch).
 */
import { originOf } from '../origin.ts';

/** Most sites remembered: a setting, not a log. */
const MAX_ORIGINS = 100;

export class DetailOrigins {
  private readonly origins = new Set<string>();

  /** Reads the stored setting back; anything that is not a list of http(s) origins is ignored. */
  load(value: unknown): void {
    this.origins.clear();
    if (!Array.isArray(value)) return;
    for (const v of value.slice(0, MAX_ORIGINS)) if (isWebOrigin(v)) this.origins.add(v);
  }

  has(origin: string): boolean {
    return this.origins.has(origin);
  }

  /** Turns a site on or off. Returns whether anything changed; an invalid origin changes nothing. */
  set(origin: string, on: boolean): boolean {
    if (!isWebOrigin(origin) || this.origins.has(origin) === on) return false;
    if (on && this.origins.size >= MAX_ORIGINS) return false;
    if (on) this.origins.add(origin);
    else this.origins.delete(origin);
    return true;
  }

  toJSON(): string[] {
    return [...this.origins].sort();
  }
}

/** Whether a value is a serialized http(s) origin: scheme://host[:port], nothing more. */
function isWebOrigin(value: unknown): value is string {
  return typeof value === 'string' && /^https?:\/\//.test(value) && originOf(value) === value;
}
