/**
 * The usage page's charts (recharts): agent-minutes used so far this period, day by day, with
 * the plan's limit as a line, and agent-minutes per agent. Fixed initial dimensions let the
 * server render the SVG; the browser then sizes it to its container. Each chart and series has a
 * fixed `id`: recharts would otherwise number them from a counter that keeps counting across the
 * server's renders, so the browser's ids (from 1 on every load) would not match. Tick intervals
 * are fixed numbers for the same reason: by default recharts picks ticks by measuring their text,
 * which the browser can do and the server cannot. Without animation, the first render in the
 * browser draws what the server drew.
 */
import {
  Bar,
  BarChart,
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { roundTicks } from '../lib/axis-ticks';

const INITIAL = { width: 720, height: 260 };

export interface DayPoint {
  date: string;
  /** Agent-minutes used that day. */
  minutes: number;
  /** Agent-minutes used this period up to and including that day. */
  cumulative: number;
}

export function CumulativeUsageChart({ days, limit }: { days: DayPoint[]; limit: number | null }) {
  // Round ticks a little above the limit or the usage, whichever is higher (the limit line stays inside).
  const ticks = roundTicks(Math.max(limit ?? 0, ...days.map((d) => d.cumulative)) * 1.05, 5);
  return (
    <figure data-testid="usage-chart-period" aria-label="Agent-minutes used this period, by day">
      <ResponsiveContainer width="100%" height={INITIAL.height} initialDimension={INITIAL}>
        <LineChart id="usage-period" data={days} margin={{ top: 12, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--color-line)" />
          <XAxis
            dataKey="date"
            tickFormatter={(d: string) => d.slice(8)}
            interval={Math.max(0, Math.ceil(days.length / 16) - 1)}
            fontSize={12}
          />
          <YAxis domain={[0, ticks.at(-1)!]} ticks={ticks} interval={0} fontSize={12} width={56} />
          <Tooltip formatter={(value) => [`${Number(value).toLocaleString('en-US')} min`, 'Used so far']} />
          <Line
            id="usage-period-line"
            isAnimationActive={false}
            type="monotone"
            dataKey="cumulative"
            stroke="var(--color-brand-600)"
            strokeWidth={2}
            dot={false}
          />
          {limit !== null ? (
            <ReferenceLine
              y={limit}
              stroke="var(--color-red-500, #ef4444)"
              strokeDasharray="6 4"
              label={{
                value: `Plan limit: ${limit.toLocaleString('en-US')} min`,
                position: 'insideTopLeft',
                fontSize: 12,
              }}
            />
          ) : null}
        </LineChart>
      </ResponsiveContainer>
      {/* The chart's numbers for screen readers, which get only tick labels from the SVG. */}
      <figcaption className="sr-only">
        {`${(days.at(-1)?.cumulative ?? 0).toLocaleString('en-US')} agent-minutes used so far this period`}
        {limit !== null ? ` of ${limit.toLocaleString('en-US')} in the plan.` : '.'}
      </figcaption>
      <table className="sr-only">
        <caption>Agent-minutes by day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Used that day</th>
            <th scope="col">Used so far</th>
          </tr>
        </thead>
        <tbody>
          {days.map((day) => (
            <tr key={day.date}>
              <th scope="row">{day.date}</th>
              <td>{day.minutes.toLocaleString('en-US')}</td>
              <td>{day.cumulative.toLocaleString('en-US')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

export function AgentUsageChart({ agents }: { agents: Array<{ name: string; minutes: number }> }) {
  return (
    <figure data-testid="usage-chart-agents" aria-label="Agent-minutes per agent this period">
      <ResponsiveContainer width="100%" height={INITIAL.height} initialDimension={INITIAL}>
        <BarChart id="usage-agents" data={agents} margin={{ top: 12, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--color-line)" />
          <XAxis dataKey="name" interval={0} fontSize={12} />
          <YAxis interval={0} fontSize={12} width={56} />
          <Tooltip formatter={(value) => [`${Number(value).toLocaleString('en-US')} min`, 'Agent-minutes']} />
          <Bar
            id="usage-agents-bar"
            isAnimationActive={false}
            dataKey="minutes"
            fill="var(--color-brand-600)"
            radius={[4, 4, 0, 0]}
          />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
