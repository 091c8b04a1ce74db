import { constraints, type JsonSchema, mergeAllOf, type OpenApiDocument, resolveSchema, typeLabel } from './openapi';
import { Code, InlineText } from './Prose';

/** Request fields are marked "required"; response fields that may be absent are marked "optional". */
type Mode = 'request' | 'response';

interface Context {
  doc: OpenApiDocument;
  mode: Mode;
  /** Component names on the way here: a schema that contains itself is shown once, then named. */
  ancestors: string[];
}

const MAX_DEPTH = 6;

/** Object-like after resolving: has properties, or is built from allOf parts. */
function asObject(ctx: Context, schema: JsonSchema): JsonSchema | null {
  const { schema: resolved } = resolveSchema(ctx.doc, schema);
  if (resolved.allOf) return mergeAllOf(ctx.doc, resolved);
  if (resolved.properties && Object.keys(resolved.properties).length > 0) return resolved;
  return null;
}

/** What a field nests: its own properties, or its array items' properties. */
function nestedOf(ctx: Context, schema: JsonSchema): { schema: JsonSchema; name: string | null } | null {
  const { schema: resolved, name } = resolveSchema(ctx.doc, schema);
  const own = asObject(ctx, resolved);
  if (own) return { schema: own, name };
  if (resolved.items) {
    const item = resolveSchema(ctx.doc, resolved.items);
    const itemObject = asObject(ctx, item.schema);
    if (itemObject) return { schema: itemObject, name: item.name };
  }
  const variant = (resolved.anyOf ?? resolved.oneOf)?.find((v) => asObject(ctx, v));
  if (variant) return { schema: asObject(ctx, variant) as JsonSchema, name: resolveSchema(ctx.doc, variant).name };
  return null;
}

function Facts({ schema }: { schema: JsonSchema }) {
  const facts = constraints(schema);
  const hasDefault = schema.default !== undefined && !(Array.isArray(schema.default) && schema.default.length === 0);
  const values = schema.enum ?? (schema.const !== undefined ? [schema.const] : null);
  if (!facts.length && !hasDefault && schema.example === undefined && !values) return null;
  return (
    <div className="mt-1.5 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-ink-faint">
      {values ? (
        <span className="flex flex-wrap items-center gap-1">
          <span>{values.length === 1 ? 'Value' : 'One of'}</span>
          {values.map((value) => (
            <code
              key={String(value)}
              className="rounded bg-page-alt px-1.5 py-px font-mono text-[11px] text-ink-muted ring-1 ring-line ring-inset"
            >
              {typeof value === 'string' ? value : JSON.stringify(value)}
            </code>
          ))}
        </span>
      ) : null}
      {facts.map((fact) => (
        <span key={fact}>{fact}</span>
      ))}
      {hasDefault ? (
        <span>
          Default <code className="font-mono text-ink-muted">{JSON.stringify(schema.default)}</code>
        </span>
      ) : null}
      {schema.example !== undefined ? (
        <span className="min-w-0 break-all">
          Example <code className="font-mono text-ink-muted">{JSON.stringify(schema.example)}</code>
        </span>
      ) : null}
    </div>
  );
}

function Field({
  ctx,
  name,
  schema,
  required,
  depth,
}: {
  ctx: Context;
  name: string;
  schema: JsonSchema;
  required: boolean;
  depth: number;
}) {
  const { schema: resolved, name: refName } = resolveSchema(ctx.doc, schema);
  const nested = nestedOf(ctx, schema);
  const recursive = nested?.name ? ctx.ancestors.includes(nested.name) : false;
  const childCtx = nested?.name ? { ...ctx, ancestors: [...ctx.ancestors, nested.name] } : ctx;
  const description = schema.description ?? resolved.description;
  const nestedCount = nested ? Object.keys(nested.schema.properties ?? {}).length : 0;
  return (
    <li className="py-3">
      <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
        <code className="font-mono text-[13px] font-semibold break-all text-ink">{name}</code>
        <span className="font-mono text-xs break-all text-ink-faint">{typeLabel(ctx.doc, schema)}</span>
        {ctx.mode === 'request' && required ? (
          <span className="text-xs font-medium text-amber-700 dark:text-amber-400">required</span>
        ) : null}
        {ctx.mode === 'response' && !required ? <span className="text-xs text-ink-faint">optional</span> : null}
        {resolved.deprecated ? (
          <span className="text-xs font-medium text-red-700 dark:text-red-400">deprecated</span>
        ) : null}
      </div>
      {description ? (
        <p className="mt-1 text-sm leading-6 text-ink-muted">
          <InlineText text={description} />
        </p>
      ) : null}
      <Facts schema={resolved} />
      {nested && !recursive && depth < MAX_DEPTH ? (
        depth < 2 ? (
          <div className="mt-2 border-l-2 border-line pl-3 sm:pl-4">
            <Properties ctx={childCtx} schema={nested.schema} depth={depth + 1} />
          </div>
        ) : (
          <details className="mt-2 rounded-lg border border-line">
            <summary className="rounded-lg px-3 py-1.5 text-xs font-medium text-ink-muted hover:text-ink">
              Show {nestedCount} {nestedCount === 1 ? 'field' : 'fields'}
              {refName ? ` of ${refName}` : ''}
            </summary>
            <div className="border-t border-line px-3">
              <Properties ctx={childCtx} schema={nested.schema} depth={depth + 1} />
            </div>
          </details>
        )
      ) : null}
    </li>
  );
}

function Properties({ ctx, schema, depth }: { ctx: Context; schema: JsonSchema; depth: number }) {
  const properties = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const extra = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : null;
  return (
    <ul className="divide-y divide-line">
      {properties.map(([name, property]) => (
        <Field key={name} ctx={ctx} name={name} schema={property} required={required.has(name)} depth={depth} />
      ))}
      {extra ? (
        <Field
          ctx={ctx}
          name="{key}"
          schema={{ ...extra, description: extra.description ?? 'Any other key, with a value of this type.' }}
          required={false}
          depth={depth}
        />
      ) : null}
    </ul>
  );
}

/**
 * A JSON schema as a readable tree: one row per field (name, type, required, description,
 * allowed values and limits), nested objects indented, `$ref`s resolved to components.schemas
 * and named, self-referencing schemas cut at the repeat.
 */
export function SchemaView({ doc, schema, mode }: { doc: OpenApiDocument; schema: JsonSchema; mode: Mode }) {
  const { schema: resolved, name } = resolveSchema(doc, schema);
  const ctx: Context = { doc, mode, ancestors: name ? [name] : [] };
  const object = asObject(ctx, resolved);
  const nested = object ? { schema: object, name } : nestedOf(ctx, resolved);
  const isArray = !object && resolved.items !== undefined;
  return (
    <div className="text-sm">
      <p className="flex flex-wrap items-baseline gap-x-2 text-xs text-ink-faint">
        <span className="font-mono">
          {isArray ? `${typeLabel(doc, schema)}` : name ? <Code>{name}</Code> : typeLabel(doc, schema)}
        </span>
        {isArray && nested?.name ? <span>an array of {nested.name} objects</span> : null}
      </p>
      {resolved.description ? (
        <p className="mt-1 text-sm leading-6 text-ink-muted">
          <InlineText text={resolved.description} />
        </p>
      ) : null}
      {nested ? (
        <Properties
          ctx={
            nested.name && !ctx.ancestors.includes(nested.name)
              ? { ...ctx, ancestors: [...ctx.ancestors, nested.name] }
              : ctx
          }
          schema={nested.schema}
          depth={0}
        />
      ) : (
        <Facts schema={resolved} />
      )}
    </div>
  );
}
