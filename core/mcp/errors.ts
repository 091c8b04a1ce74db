/** A failed MCP request, with a sentence for the trace; the tool call fails, never the run. */
export class McpCallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'McpCallError';
  }
}
