/** A round avatar with the agent's initial on its colour. */
export function AgentAvatar({ name, color, size = 'md' }: { name: string; color: string; size?: 'sm' | 'md' | 'lg' }) {
  const sizes = { sm: 'size-8 text-sm', md: 'size-11 text-base', lg: 'size-14 text-xl' };
  return (
    <span
      aria-hidden="true"
      className={`inline-flex shrink-0 items-center justify-center rounded-full font-semibold text-white shadow-sm ring-4 ring-card ${sizes[size]}`}
      style={{ backgroundColor: color }}
    >
      {name.charAt(0).toUpperCase()}
    </span>
  );
}
