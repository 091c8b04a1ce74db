/**
 * The tasks a demo sandbox starts with (core/demo.ts) are given in the visitor's name but are
 * not the visitor's own: the checklist does not count them, and the feed credits Generic Corp.
 * No imports: the browser's activity feed uses it too.
 */
export const STARTER_TASK_METADATA = { demo_starter: true } as const;

export function isStarterTask(metadata: Record<string, unknown> | null | undefined): boolean {
  return metadata?.demo_starter === true;
}
