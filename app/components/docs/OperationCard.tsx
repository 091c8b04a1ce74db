import { Fragment } from 'react';
import { CodeBlock } from './CodeBlock';
import { Chevron, MethodBadge } from './MethodBadge';
import {
  constraints,
  curlExample,
  groupResponses,
  type OpenApiDocument,
  type Operation,
  type Parameter,
  typeLabel,
} from './openapi';
import { AnchorLink, InlineText } from './Prose';
import { SchemaView } from './SchemaView';

/** `/v1/tasks/{id}` with the `{id}` part in the accent colour. */
export function PathText({ path, className = '' }: { path: string; className?: string }) {
  return (
    <code className={`font-mono break-all ${className}`}>
      {path.split(/(\{[^}]+\})/g).map((part, index) =>
        part.startsWith('{') ? (
          <span key={index} className="text-accent-ink">
            {part}
          </span>
        ) : (
          <Fragment key={index}>{part}</Fragment>
        ),
      )}
    </code>
  );
}

function SubHeading({ children }: { children: string }) {
  return <h4 className="mt-8 text-xs font-semibold tracking-wide text-ink-faint uppercase">{children}</h4>;
}

function ParameterRow({ doc, parameter }: { doc: OpenApiDocument; parameter: Parameter }) {
  const schema = parameter.schema ?? {};
  const facts = constraints(schema);
  return (
    <li className="py-3">
      <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
        <code className="font-mono text-[13px] font-semibold break-all text-ink">{parameter.name}</code>
        <span className="font-mono text-xs text-ink-faint">{typeLabel(doc, schema)}</span>
        <span className="rounded bg-page-alt px-1.5 py-px text-[11px] text-ink-muted ring-1 ring-line ring-inset">
          {parameter.in}
        </span>
        {parameter.required ? (
          <span className="text-xs font-medium text-amber-700 dark:text-amber-400">required</span>
        ) : null}
      </div>
      {(parameter.description ?? schema.description) ? (
        <p className="mt-1 text-sm leading-6 text-ink-muted">
          <InlineText text={(parameter.description ?? schema.description) as string} />
        </p>
      ) : null}
      {schema.enum || facts.length || schema.default !== undefined || schema.example !== undefined ? (
        <div className="mt-1.5 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-ink-faint">
          {schema.enum ? (
            <span className="flex flex-wrap items-center gap-1">
              One of
              {schema.enum.map((value) => (
                <code
                  key={String(value)}
                  className="rounded bg-page-alt px-1.5 py-px font-mono text-[11px] text-ink-muted ring-1 ring-line ring-inset"
                >
                  {String(value)}
                </code>
              ))}
            </span>
          ) : null}
          {facts.map((fact) => (
            <span key={fact}>{fact}</span>
          ))}
          {schema.default !== undefined ? (
            <span>
              Default <code className="font-mono text-ink-muted">{JSON.stringify(schema.default)}</code>
            </span>
          ) : null}
          {schema.example !== undefined ? (
            <span>
              Example <code className="font-mono text-ink-muted">{JSON.stringify(schema.example)}</code>
            </span>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

const statusTone = (status: string) =>
  status.startsWith('2')
    ? 'bg-emerald-50 text-emerald-800 ring-emerald-600/25 dark:bg-emerald-950 dark:text-emerald-300'
    : status.startsWith('5')
      ? 'bg-red-50 text-red-800 ring-red-600/25 dark:bg-red-950 dark:text-red-300'
      : 'bg-amber-50 text-amber-800 ring-amber-600/25 dark:bg-amber-950 dark:text-amber-300';

function Responses({ doc, operation }: { doc: OpenApiDocument; operation: Operation }) {
  const groups = groupResponses(operation);
  // The first success with a body starts open; the rest are a click away.
  const opened = groups.find(
    ({ statuses, response }) => statuses[0]?.startsWith('2') && Object.keys(response.content ?? {}).length > 0,
  );
  return (
    <ul className="mt-3 space-y-2">
      {groups.map((group) => {
        const { statuses, response } = group;
        const content = Object.entries(response.content ?? {});
        const schemaName = content.map(([, media]) => (media.schema ? typeLabel(doc, media.schema) : '')).find(Boolean);
        const header = (
          <>
            <span className="flex flex-wrap gap-1">
              {statuses.map((status) => (
                <span
                  key={status}
                  className={`rounded-md px-1.5 py-px font-mono text-xs font-semibold ring-1 ring-inset ${statusTone(status)}`}
                >
                  {status}
                </span>
              ))}
            </span>
            <span className="min-w-0 flex-1 text-sm text-ink">
              <InlineText text={response.description ?? ''} />
            </span>
            {schemaName ? <span className="font-mono text-xs text-ink-faint">{schemaName}</span> : null}
          </>
        );
        if (content.length === 0) {
          return (
            <li
              key={statuses.join()}
              className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-line px-3 py-2"
            >
              {header}
              <span className="text-xs text-ink-faint">No body</span>
            </li>
          );
        }
        return (
          <li key={statuses.join()}>
            <details open={group === opened} className="group rounded-lg border border-line">
              <summary className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg px-3 py-2 hover:bg-page-alt">
                {header}
                <Chevron />
              </summary>
              <div className="border-t border-line px-3 py-3">
                {content.map(([type, media]) => (
                  <div key={type}>
                    <p className="text-xs text-ink-faint">
                      <code className="font-mono">{type}</code>
                    </p>
                    {media.schema ? (
                      <div className="mt-2">
                        <SchemaView doc={doc} schema={media.schema} mode="response" />
                      </div>
                    ) : null}
                  </div>
                ))}
              </div>
            </details>
          </li>
        );
      })}
    </ul>
  );
}

/** One operation: method and path, summary, description, parameters, body, responses and a curl example. */
export function OperationCard({
  doc,
  operation,
  baseUrl,
}: {
  doc: OpenApiDocument;
  operation: Operation;
  baseUrl: string;
}) {
  const titleId = `${operation.anchor}-title`;
  const body = operation.requestBody;
  const bodyContent = Object.entries(body?.content ?? {});
  return (
    <article
      id={operation.anchor}
      aria-labelledby={titleId}
      className="scroll-mt-24 border-t border-line py-10 first:border-t-0 sm:scroll-mt-40"
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <MethodBadge method={operation.method} />
        <PathText path={operation.path} className="text-[15px] font-medium text-ink" />
        {!operation.authenticated ? (
          <span className="rounded-full bg-page-alt px-2 py-0.5 text-xs text-ink-muted ring-1 ring-line ring-inset">
            No key needed
          </span>
        ) : null}
        {operation.deprecated ? (
          <span className="rounded-full bg-red-50 px-2 py-0.5 text-xs text-red-800 ring-1 ring-red-600/20 ring-inset dark:bg-red-950 dark:text-red-300">
            Deprecated
          </span>
        ) : null}
      </div>
      <h3 id={titleId} className="group mt-3 text-xl font-semibold tracking-tight text-balance text-ink">
        {operation.summary || `${operation.method.toUpperCase()} ${operation.path}`}
        <AnchorLink id={operation.anchor} />
      </h3>
      {operation.description ? (
        <p className="mt-3 text-[15px] leading-7 text-ink-muted">
          <InlineText text={operation.description} />
        </p>
      ) : null}

      {operation.parameters.length > 0 ? (
        <>
          <SubHeading>Parameters</SubHeading>
          <ul className="mt-1 divide-y divide-line">
            {operation.parameters.map((parameter) => (
              <ParameterRow key={`${parameter.in}:${parameter.name}`} doc={doc} parameter={parameter} />
            ))}
          </ul>
        </>
      ) : null}

      {body && bodyContent.length > 0 ? (
        <>
          <SubHeading>Request body</SubHeading>
          {body.description ? (
            <p className="mt-2 text-sm text-ink-muted">
              <InlineText text={body.description} />
            </p>
          ) : null}
          {bodyContent.map(([type, media]) => (
            <div key={type} className="mt-2">
              <p className="text-xs text-ink-faint">
                <code className="font-mono">{type}</code>
                {body.required ? ' · required' : ' · optional'}
              </p>
              {media.schema ? (
                <div className="mt-1">
                  <SchemaView doc={doc} schema={media.schema} mode="request" />
                </div>
              ) : null}
            </div>
          ))}
        </>
      ) : null}

      <SubHeading>Responses</SubHeading>
      <Responses doc={doc} operation={operation} />

      <SubHeading>Example request</SubHeading>
      <CodeBlock code={curlExample(doc, operation, baseUrl)} language="sh" title="curl" className="mt-3" />
    </article>
  );
}
