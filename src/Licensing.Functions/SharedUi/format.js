// How the console shows the API's values: Timestamps {seconds, nanos}, modes, states.

export const MODES = ['Signed file', 'Node-locked', 'Floating'];

export function modeName(mode) {
  return MODES[mode] ?? String(mode);
}

/** A Timestamp as a Date (null stays null). */
export function toDate(timestamp) {
  if (timestamp === null || timestamp === undefined) return null;
  if (typeof timestamp === 'string') return new Date(timestamp);
  return new Date(timestamp.seconds * 1000 + Math.floor((timestamp.nanos ?? 0) / 1e6));
}

/** "2026-11-27 14:05 UTC": one zone for everyone reading the same screen. */
export function dateTime(timestamp) {
  const date = toDate(timestamp);
  if (!date) return '—';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function day(timestamp) {
  const date = toDate(timestamp);
  return date ? date.toISOString().slice(0, 10) : '—';
}

/** A date input's value (yyyy-mm-dd) as the end of that UTC day, or null when empty. */
export function endOfDay(value) {
  return value ? `${value}T23:59:59Z` : null;
}

export function duration(value) {
  if (!value) return '—';
  const seconds = value.seconds;
  if (seconds % 86400 === 0) return `${seconds / 86400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** What a license is now: revoked and suspended first, then expired, else active. */
export function licenseStatus(license, now = new Date()) {
  if (license.revoked) return 'Revoked';
  if (license.suspended) return 'Suspended';
  const expires = toDate(license.expireAt);
  if (expires && expires <= now) return 'Expired';
  return 'Active';
}
