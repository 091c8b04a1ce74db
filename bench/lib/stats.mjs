/** Small statistics and formatting helpers shared by the benchmarks. */

/**
 * The q-th percentile (0..100) with linear interpolation between the closest ranks.
 * @param {number[]} values
 * @param {number} q
 */
export function percentile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (Math.min(Math.max(q, 0), 100) / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

/** @param {number[]} values */
export function median(values) {
  return percentile(values, 50);
}

/**
 * a / b, NaN when b is 0.
 * @param {number} a
 * @param {number} b
 */
export function ratio(a, b) {
  return b === 0 ? Number.NaN : a / b;
}

/**
 * "0.42×"
 * @param {number} value
 */
export function formatRatio(value) {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}

/**
 * Fixed decimals, or "n/a".
 * @param {number} value
 * @param {number} [digits]
 */
export function formatNumber(value, digits = 1) {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/**
 * A plain text table, first column left-aligned, the rest right-aligned.
 * @param {string[]} header
 * @param {string[][]} rows
 */
export function formatTable(header, rows) {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => String(row[i] ?? '').length)));
  const line = (cells) =>
    cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
