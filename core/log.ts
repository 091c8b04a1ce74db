/**
 * Structured JSON logs (one object per line, read by Workers Logs). Fields whose names look
 * secret are redacted, so a careless `log.info('x', { env })` cannot leak a key.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_FIELD = /(password|secret|token|authorization|cookie|api[_-]?key|encryption)/i;

let threshold: LogLevel = 'info';

export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

/**
 * Paths whose last segment is a secret (single-use tokens mailed or handed to a person): the
 * segment becomes `[redacted]` wherever a URL is recorded (request logs, error monitoring).
 */
const SECRET_PATH = /^((?:\/api)?\/(?:reset-password|verify-email|invitations)\/)[^/?#]+/;

/** A URL or path without its query string and with secret path segments redacted. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://relative.invalid');
  } catch {
    return '[redacted]';
  }
  const path = parsed.pathname.replace(SECRET_PATH, '$1[redacted]');
  return parsed.origin === 'http://relative.invalid' ? path : `${parsed.origin}${path}`;
}

/** The same redaction as every log line: fields whose names look secret become `[redacted]`. */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 4) return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = SECRET_FIELD.test(key) ? '[redacted]' : redact(inner, depth + 1);
  }
  return out;
}

function write(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
  if (LEVELS[level] < LEVELS[threshold]) return;
  const line = JSON.stringify({ level, msg, time: new Date().toISOString(), ...(redact(fields ?? {}) as object) });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write('debug', msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write('info', msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write('warn', msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write('error', msg, fields),
};
