/**
 * A record as the panel and the share formats read it: a FailureRecord, or a record of a passing request with
 * warnings (kind 'warning'), which the capture may add. Warnings are shown apart and never counted as failures.
 */
import type { FailureRecord } from '../capture/records.ts';

export type RecordKind = FailureRecord['kind'] | 'warning';

export type LogRecord = Omit<FailureRecord, 'kind'> & { readonly kind: RecordKind };

/** Whether a record counts as a CORS failure (the badge's count). Look-alikes and warnings never do. */
export function isCorsFailure(record: LogRecord): boolean {
  return record.kind === 'cors';
}
