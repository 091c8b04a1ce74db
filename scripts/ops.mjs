#!/usr/bin/env node
/**
 * `npm run ops -- <command> …`: operator commands. Each lives in scripts/ops/<command>.mjs.
 *
 *   set-plan <org-slug> <plan> [--agents N] [--minutes N] [--remote]   an org's plan and limits (audited)
 */
const COMMANDS = {
  'set-plan': async (args) => (await import('./ops/set-plan.mjs')).setPlan(args),
};

const [command, ...args] = process.argv.slice(2);
const run = COMMANDS[command];
if (!run) {
  console.error(`Usage: npm run ops -- <${Object.keys(COMMANDS).join('|')}> …`);
  process.exit(1);
}
await run(args);
