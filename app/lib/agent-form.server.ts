/**
 * The agent forms (new agent, configuration) turned into the inputs `POST /v1/agents` and
 * `PATCH /v1/agents/:agent` take, validated by the core schemas.
 */
import { AgentInput, AgentPatch } from '../../core/agents';
import { optionalText, parseForm, text } from './forms.server';

function desk(form: FormData): { x: number; y: number } | undefined {
  const x = optionalText(form, 'desk_x');
  const y = optionalText(form, 'desk_y');
  if (x === undefined && y === undefined) return undefined;
  return { x: Number(x ?? 0), y: Number(y ?? 0) };
}

/** The fields both forms share; blanks mean "not given" (or "none" for model and manager). */
function common(form: FormData) {
  const model = optionalText(form, 'model');
  return {
    name: text(form, 'name'),
    role: text(form, 'role'),
    ...(optionalText(form, 'department') ? { department: text(form, 'department') } : {}),
    ...(optionalText(form, 'level') ? { level: text(form, 'level') } : {}),
    personality: text(form, 'personality'),
    ...(optionalText(form, 'avatar_color') ? { avatar_color: text(form, 'avatar_color') } : {}),
    ...(desk(form) ? { desk: desk(form) } : {}),
    model: model ?? null,
    manager: optionalText(form, 'manager') ?? null,
  };
}

export function parseNewAgent(form: FormData, intent: string) {
  return parseForm(
    AgentInput,
    { ...common(form), ...(optionalText(form, 'slug') ? { slug: text(form, 'slug').trim().toLowerCase() } : {}) },
    intent,
  );
}

export function parseAgentConfig(form: FormData, intent: string) {
  return parseForm(
    AgentPatch,
    { ...common(form), tool_permissions: form.getAll('tool_permissions').map(String) },
    intent,
  );
}
