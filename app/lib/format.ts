/**
 * Dates and user agents as the dashboard shows them. Formatting is done by hand in UTC so
 * the server's render and the browser's hydration produce the same text.
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (value: number) => String(value).padStart(2, '0');

/** "May 4, 2026" */
export function formatDate(ms: number | null | undefined): string {
  if (ms == null) return '—';
  const date = new Date(ms);
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}`;
}

/** "May 4, 2026, 14:03 UTC" */
export function formatDateTime(ms: number | null | undefined): string {
  if (ms == null) return '—';
  const date = new Date(ms);
  return `${formatDate(ms)}, ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

/** ISO 8601 for `<time dateTime>`. */
export function isoDateTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** "Chrome on macOS" from a user-agent string; good enough to recognise one's own devices. */
export function describeUserAgent(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /OPR\//.test(userAgent)
      ? 'Opera'
      : /Firefox\//.test(userAgent)
        ? 'Firefox'
        : /HeadlessChrome\//.test(userAgent)
          ? 'Headless Chrome'
          : /Chrom(e|ium)\//.test(userAgent)
            ? 'Chrome'
            : /Safari\//.test(userAgent)
              ? 'Safari'
              : /curl\//.test(userAgent)
                ? 'curl'
                : null;
  const os = /iPhone|iPad|iPod/.test(userAgent)
    ? 'iOS'
    : /Android/.test(userAgent)
      ? 'Android'
      : /Mac OS X|Macintosh/.test(userAgent)
        ? 'macOS'
        : /Windows/.test(userAgent)
          ? 'Windows'
          : /CrOS/.test(userAgent)
            ? 'ChromeOS'
            : /Linux/.test(userAgent)
              ? 'Linux'
              : null;
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? userAgent.slice(0, 60);
}

/** "Owner" from "owner". */
export function titleCase(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1).replace(/_/g, ' ');
}

/** "an admin", "a viewer". */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}

/**
 * "just now", "4 min ago", "in 2 h", "yesterday", else the date. Relative to `now` from the
 * loader, so the server's render and the browser's hydration agree.
 */
export function relativeTime(ms: number | null | undefined, now: number): string {
  if (ms == null) return '—';
  const diff = ms - now;
  const abs = Math.abs(diff);
  const future = diff > 0;
  const say = (amount: number, unit: string) => (future ? `in ${amount} ${unit}` : `${amount} ${unit} ago`);
  if (abs < 45_000) return future ? 'in a moment' : 'just now';
  if (abs < 3_600_000) return say(Math.max(1, Math.round(abs / 60_000)), 'min');
  if (abs < 86_400_000) return say(Math.round(abs / 3_600_000), 'h');
  if (abs < 2 * 86_400_000) return future ? 'tomorrow' : 'yesterday';
  if (abs < 7 * 86_400_000) return say(Math.round(abs / 86_400_000), 'days');
  return formatDate(ms);
}

/** "850 ms", "1.4 s", "2 min 5 s", "1 h 3 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || ms < 0) return '—';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

/** "12,345" (fixed locale, so server and browser print the same). */
export function formatNumber(value: number): string {
  return value.toLocaleString('en-US');
}

/** ISO string (or null) to epoch ms (or null). */
export function toMs(iso: string | null | undefined): number | null {
  return iso ? Date.parse(iso) : null;
}
