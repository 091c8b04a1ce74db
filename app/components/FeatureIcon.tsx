/** Line icons for the feature grid, drawn on a 24-unit grid. */
const PATHS = {
  office: ['M3 12h4l3-8 4 16 3-8h4'],
  key: ['M14.5 9.5a4.5 4.5 0 1 1-1.3-3.2', 'M13.2 10.8L20 4', 'M17 7l2 2', 'M15 9l1.5 1.5', 'M7 17.5a2 2 0 1 0 0-.01'],
  delegation: ['M4 4h6v6H4z', 'M14 14h6v6h-6z', 'M10 7h4a3 3 0 0 1 3 3v4'],
  approval: ['M12 3l7 3v6c0 4.5-3 7.5-7 9-4-1.5-7-4.5-7-9V6z', 'M9 12l2 2 4-4'],
  schedule: ['M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z', 'M12 7v5l3 2'],
  meter: ['M3 20h18', 'M6 16v-4', 'M10.5 16V8', 'M15 16v-6', 'M19.5 16V5'],
  cloud: ['M7 19a4.5 4.5 0 0 1-.6-8.96A6 6 0 0 1 18 9.5a4.75 4.75 0 0 1-.5 9.5z', 'M12 12v4', 'M10 14l2-2 2 2'],
} as const;

export type FeatureIconName = keyof typeof PATHS;

export function FeatureIcon({ name }: { name: FeatureIconName }) {
  return (
    <span className="inline-flex size-10 items-center justify-center rounded-xl bg-accent-soft text-accent-ink ring-1 ring-brand-500/15 ring-inset">
      <svg
        viewBox="0 0 24 24"
        className="size-5"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.75"
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden="true"
      >
        {PATHS[name].map((d) => (
          <path key={d} d={d} />
        ))}
      </svg>
    </span>
  );
}
