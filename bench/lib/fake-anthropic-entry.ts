/**
 * Bench-only entry for the fake Anthropic server (tests/fakes/anthropic-server.ts), run with
 * `npx tsx bench/lib/fake-anthropic-entry.ts <port>` by bench/lib/model-proxy.mjs. Prints one
 * line `FAKE_ANTHROPIC_URL=<url>` when listening; stops on SIGTERM/SIGINT.
 */
import { startFakeAnthropic } from '../../tests/fakes/anthropic-server';

const port = Number(process.argv[2] ?? 0);
const fake = await startFakeAnthropic(port);
console.log(`FAKE_ANTHROPIC_URL=${fake.url}`);
const stop = () => {
  void fake.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
