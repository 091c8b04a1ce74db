import { describe, expect, it } from 'vitest';
import { SimulatedModel } from './simulated-model';
import type { ModelMessage, ModelRequest, ToolDefinition } from './types';

const tool = (name: string, required: string[] = []): ToolDefinition => ({
  name,
  description: name,
  input_schema: { type: 'object', properties: { query: { type: 'string' } }, required },
});
const tools = [
  tool('update_progress'),
  tool('finish_task'),
  tool('tracker__search_issues', ['query']),
  tool('tracker__create_issue'),
];

function model(description: string, decidedToolCalls: string[] = []) {
  return new SimulatedModel({
    agentName: 'Sable',
    taskTitle: 'Triage',
    description,
    attempt: 1,
    teammates: [],
    dependencyResults: [],
    canDelegate: false,
    decidedToolCalls,
  });
}

const request = (messages: ModelMessage[]): ModelRequest => ({
  system: '',
  messages,
  tools,
  maxTokens: 1000,
  signal: new AbortController().signal,
});

describe('the simulated model and MCP tools', () => {
  it('calls the MCP tools the task names, in order, with the JSON written after each name', async () => {
    const sim = model('tracker__search_issues {"query": "caching"}, then tracker__create_issue {"title": "B"}');
    const messages: ModelMessage[] = [{ role: 'user', content: 'task' }];
    const first = await sim.createMessage(request(messages));
    messages.push({ role: 'assistant', content: first.content });
    messages.push({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'toolu_sim_0_update_progress', content: 'ok' }],
    });
    const second = await sim.createMessage(request(messages));
    const call = second.content.find((b) => b.type === 'tool_use');
    expect(call).toMatchObject({ name: 'tracker__search_issues', input: { query: 'caching' } });
    messages.push({ role: 'assistant', content: second.content });
    messages.push({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'toolu_sim_1_tracker__search_issues', content: 'Found 2 issues' }],
    });
    const third = await sim.createMessage(request(messages));
    expect(third.content.find((b) => b.type === 'tool_use')).toMatchObject({
      name: 'tracker__create_issue',
      input: { title: 'B' },
    });
  });

  it('does not call a tool whose earlier call a person decided, and tools it was not offered', async () => {
    const sim = model('tracker__create_issue {"title": "B"} and github__merge', ['tracker__create_issue']);
    const messages: ModelMessage[] = [
      { role: 'user', content: 'task' },
      { role: 'assistant', content: [{ type: 'text', text: 'plan' }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_sim_0_update_progress', content: 'ok' }] },
    ];
    const response = await sim.createMessage(request(messages));
    const names = response.content.flatMap((b) => (b.type === 'tool_use' ? [b.name] : []));
    expect(names).not.toContain('tracker__create_issue');
    expect(names).not.toContain('github__merge');
  });
});

describe('the simulated model and external drafts', () => {
  const withDraft = [...tools, tool('draft_external')];
  const secondTurn = async (sim: SimulatedModel) => {
    const messages: ModelMessage[] = [{ role: 'user', content: 'task' }];
    const first = await sim.createMessage({ ...request(messages), tools: withDraft });
    messages.push({ role: 'assistant', content: first.content });
    messages.push({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'toolu_sim_0_update_progress', content: 'ok' }],
    });
    const second = await sim.createMessage({ ...request(messages), tools: withDraft });
    return second.content.find((b) => b.type === 'tool_use');
  };

  it('drafts the email a task asks for, to the address it names, for a person to approve', async () => {
    const call = await secondTurn(model('Email jane@customer.example that the release ships Friday.'));
    expect(call).toMatchObject({ name: 'draft_external', input: { channel: 'email', to: 'jane@customer.example' } });
  });

  it('drafts nothing once a person decided the draft, or when the task only mentions an address', async () => {
    const decided = await secondTurn(
      model('Email jane@customer.example that the release ships Friday.', ['draft_external']),
    );
    expect(decided).toMatchObject({ name: 'update_progress' });
    const mention = await secondTurn(model('Look into the bug jane@customer.example reported.'));
    expect(mention).toMatchObject({ name: 'update_progress' });
  });
});
