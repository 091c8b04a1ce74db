/**
 * Reports the page's uncaught errors and unhandled rejections to our own endpoint
 * (`POST /client-errors`), which forwards them to error monitoring: a few hundred bytes instead of
 * a browser SDK, and no third-party origin in the CSP (docs/decisions/017). At most a few reports
 * per page load, each message once.
 */
const MAX_REPORTS = 5;

export function reportBrowserErrors(): void {
  const seen = new Set<string>();
  const send = (error: unknown, fallback: string) => {
    const message = error instanceof Error ? error.message : String(error ?? fallback);
    if (seen.size >= MAX_REPORTS || seen.has(message)) return;
    seen.add(message);
    const body = JSON.stringify({
      message: message.slice(0, 1_000) || fallback,
      ...(error instanceof Error ? { name: error.name.slice(0, 100), stack: error.stack?.slice(0, 8_000) } : {}),
      url: window.location.pathname,
    });
    navigator.sendBeacon?.('/client-errors', new Blob([body], { type: 'application/json' }));
  };
  window.addEventListener('error', (event) => send(event.error ?? event.message, 'Script error'));
  window.addEventListener('unhandledrejection', (event) => send(event.reason, 'Unhandled rejection'));
}
