import type { LogEvent } from './dedup';
import { streamLabel } from './ecsStreams';

/** The message alone, for a tail of one stream (a build's log). */
export function formatMessage(e: LogEvent): string {
  return e.message.replace(/\r?\n$/, '');
}

/** `abc12345 worker | message`: which task and container said it, then what it said. */
export function formatLine(e: LogEvent): string {
  return `${streamLabel(e.stream)} | ${formatMessage(e)}`;
}

/** Notices about the tail itself start with `---`, so the grammar can set them apart. */
export function formatNotice(text: string, at: Date): string {
  return `--- ${at.toISOString().slice(11, 19)} ${text}`;
}
