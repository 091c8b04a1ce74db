#!/usr/bin/env node
/**
 * Operator commands: `npm run ops -- <command> [options]`. Each command lives in its own module
 * under scripts/ops/ and exports `run(args)` and a one-line `summary`.
 */
const COMMANDS = {
  funnel: () => import('./ops/funnel.mjs'),
  'set-plan': () => import('./ops/set-plan.mjs'),
};

const [name, ...args] = process.argv.slice(2);
if (!name || !(name in COMMANDS)) {
  console.log('Usage: npm run ops -- <command> [options]\n');
  for (const [command, load] of Object.entries(COMMANDS))
    console.log(`  ${command.padEnd(10)} ${(await load()).summary}`);
  process.exit(name ? 1 : 0);
}
await (await COMMANDS[name]()).run(args);
