/**
 * Round ticks from 0 to at least `max`: about `count` steps of 1, 2, 2.5 or 5 × a power of ten,
 * so an axis reads 0, 300, 600, 900, 1,200 rather than ending on the odd number its data does.
 */
export function roundTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough)!;
  const ticks: number[] = [];
  for (let tick = 0; tick < max + step; tick += step) ticks.push(Number(tick.toPrecision(12)));
  return ticks.at(-1)! >= max ? ticks : [...ticks, ticks.at(-1)! + step];
}
