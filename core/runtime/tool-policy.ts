/**
 * Per-agent tool policies: each tool is `auto` (the agent calls it), `ask` (the exact call waits
 * for a person's approval, like an external draft) or `never` (not offered). An agent's stored
 * policy wins; otherwise built-in tools are `auto` and MCP tools take their default from their
 * annotations (read-only: auto; anything that may write: ask). `finish_task` is always `auto`:
 * a run must be able to end.
 */
import type { ToolPolicy } from '../vocabulary';
import type { ToolOutcome, ToolSet } from './run-loop';

export function policyFor(
  policies: Record<string, ToolPolicy>,
  toolName: string,
  defaultPolicy: ToolPolicy = 'auto',
): ToolPolicy {
  if (toolName === 'finish_task') return 'auto';
  return policies[toolName] ?? defaultPolicy;
}

/**
 * The tools as the model sees them: `never` ones removed, `ask` ones replaced by a request for
 * approval of the exact call (`requestApproval`), the rest unchanged.
 */
export function applyToolPolicies(
  tools: ToolSet,
  policyOf: (toolName: string) => ToolPolicy,
  requestApproval: (toolName: string, input: unknown) => Promise<ToolOutcome>,
): ToolSet {
  const out: ToolSet = {};
  for (const [name, tool] of Object.entries(tools)) {
    const policy = policyOf(name);
    if (policy === 'never') continue;
    out[name] =
      policy === 'ask'
        ? {
            definition: {
              ...tool.definition,
              description: `${tool.definition.description} (A human approves each call before it runs; your task waits for the decision.)`,
            },
            schema: tool.schema,
            run: (input) => requestApproval(name, input),
          }
        : tool;
  }
  return out;
}
