// "Seats in use": the hourly peak of the last 30 days as a step line, with the license's limit drawn across.
// Inline SVG built here: no library, no style attributes (classes only, for the CSP).
import { h, s } from './dom.js';
import { toDate } from './format.js';

const WIDTH = 720;
const HEIGHT = 220;
const PAD = { left: 40, right: 12, top: 14, bottom: 28 };
const HOUR = 3600000;

export function usageChart(usage, limit) {
  const points = usage.items
    .map((item) => ({ at: toDate(item.hour), peak: item.peakSeats ?? 0 }))
    .filter((p) => p.at && p.at >= usage.from && p.at <= usage.to)
    .sort((a, b) => a.at - b.at);
  const peak = points.reduce((max, p) => Math.max(max, p.peak), 0);
  const top = Math.max(limit, peak, 1) * 1.15;
  const x = (at) => PAD.left + ((at - usage.from) / (usage.to - usage.from)) * (WIDTH - PAD.left - PAD.right);
  const y = (seats) => HEIGHT - PAD.bottom - (seats / top) * (HEIGHT - PAD.top - PAD.bottom);

  const summary = points.length === 0
    ? `No seats were taken in the last 30 days. The limit is ${limit}.`
    : `Peak of ${peak} seats in use in the last 30 days; the limit is ${limit}.`;

  const svg = s('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'chart', role: 'img', 'aria-label': summary },
    s('title', {}, summary),
    axes(x, y, usage, top),
    s('line', { class: 'limit', x1: PAD.left, x2: WIDTH - PAD.right, y1: y(limit), y2: y(limit) }),
    s('text', { class: 'limit-label', x: WIDTH - PAD.right - 4, y: y(limit) - 5, 'text-anchor': 'end' }, `limit ${limit}`),
    points.length ? s('path', { class: 'usage', d: stepPath(points, x, y) }) : null);
  return h('figure', { class: 'chart-box' }, svg, h('figcaption', {}, summary, ' Hourly peak, UTC.'));
}

/** A step line: each hour's peak held until the next hour; hours with no record are zero. */
function stepPath(points, x, y) {
  const parts = [];
  let previousEnd = null;
  for (const p of points) {
    const start = p.at.getTime();
    if (previousEnd !== null && start > previousEnd) parts.push(`L${x(previousEnd)},${y(0)}`, `L${x(start)},${y(0)}`);
    parts.push(`${parts.length ? 'L' : 'M'}${x(start)},${y(p.peak)}`, `L${x(start + HOUR)},${y(p.peak)}`);
    previousEnd = start + HOUR;
  }
  return parts.join(' ');
}

function axes(x, y, usage, top) {
  const group = s('g', { class: 'axes', 'aria-hidden': 'true' });
  const step = Math.max(1, Math.ceil(top / 4));
  for (let seats = 0; seats <= top; seats += step) {
    group.append(
      s('line', { class: 'grid-line', x1: PAD.left, x2: WIDTH - PAD.right, y1: y(seats), y2: y(seats) }),
      s('text', { x: PAD.left - 6, y: y(seats) + 4, 'text-anchor': 'end' }, String(seats)));
  }
  for (let days = 30; days >= 0; days -= 7) {
    const at = new Date(usage.to.getTime() - days * 86400000);
    group.append(s('text', { x: x(at), y: HEIGHT - 8, 'text-anchor': 'middle' }, at.toISOString().slice(5, 10)));
  }
  return group;
}
