// What a reader checks on a chart, measured in the browser on what was drawn (issue 15): the title (and its
// notes) inside the chart's box, a title on every axis (a quantitative one naming its unit is checked by the
// caller), and series hidden under another. A line A is hidden under a later-drawn line B when at least 95% of
// points sampled along A lie within 1.5 px of B and A is not drawn wider than B (a wider A shows as a band
// around B). A point series is hidden when each of its points lies within 1.5 px of a later-drawn point of
// another series at least as large. Kept as page code in a string: the project's TypeScript has no DOM library.

export interface ChartCheck {
  chart: string;
  title: string;
  titleLines: number;
  /** How far the title or subtitle reaches beyond the chart's box, in px (<= 0: inside). */
  titleOverflowPx: number;
  axes: { title: string; discrete: boolean }[];
  /** Each hidden series, as `A under B`. */
  hidden: string[];
  /** The chart's notes (its subtitle lines, joined). */
  notes: string;
}

/** 1.5 px: half a 2 px stroke plus a pixel of anti-aliasing, closer than a reader can tell two lines apart. */
const NEAR_PX = 1.5;
/** Share of A's samples that must lie on B for A to count as hidden. */
const COVERED = 0.95;

export const CHART_CHECKS = `(() => {
  const NEAR = ${NEAR_PX}, COVERED = ${COVERED}, SAMPLES = 120;
  const screen = (el, p) => { const m = el.getScreenCTM(); return { x: m.a * p.x + m.c * p.y + m.e, y: m.b * p.x + m.d * p.y + m.f }; };
  const samples = (el, n) => {
    const len = el.getTotalLength(); const out = [];
    for (let i = 0; i <= n; i++) out.push(screen(el, el.getPointAtLength((len * i) / n)));
    return out;
  };
  const segDist = (p, a, b) => {
    const dx = b.x - a.x, dy = b.y - a.y, l = dx * dx + dy * dy;
    const t = l === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / l));
    return Math.hypot(p.x - a.x - t * dx, p.y - a.y - t * dy);
  };
  const onLine = (p, line) => { for (let i = 1; i < line.length; i++) if (segDist(p, line[i - 1], line[i]) <= NEAR) return true; return line.length === 1 && Math.hypot(p.x - line[0].x, p.y - line[0].y) <= NEAR; };
  const width = (el) => parseFloat(el.getAttribute('stroke-width') || '1') * el.getScreenCTM().a;
  const colour = (el) => el.getAttribute('stroke') || el.getAttribute('fill') || '';
  return [...document.querySelectorAll('svg.chart')].map((svg) => {
    const box = svg.getBoundingClientRect();
    const titles = [...svg.querySelectorAll('.role-title-text text, .role-title-subtitle text')];
    let over = -Infinity;
    for (const t of titles) { const b = t.getBoundingClientRect(); over = Math.max(over, box.left - b.left, b.right - box.right, box.top - b.top); }
    const axes = [...svg.querySelectorAll('g.role-axis[aria-roledescription="axis"]')].map((g) => ({
      title: [...g.querySelectorAll('.role-axis-title text')].map((t) => t.textContent).join(' '),
      // vega's axis label says 'for a discrete scale' on band and point scales.
      discrete: /for a discrete scale/.test(g.getAttribute('aria-label') || ''),
    }));
    const hidden = [];
    const lines = [...svg.querySelectorAll('.mark-line.role-mark > path')].filter((p) => p.getTotalLength() > 0);
    const pts = lines.map((p) => samples(p, SAMPLES));
    const dense = lines.map((p) => samples(p, 600));
    for (let a = 0; a < lines.length; a++)
      for (let b = a + 1; b < lines.length; b++) {
        if (width(lines[a]) > width(lines[b]) + 1) continue;
        const on = pts[a].filter((p) => onLine(p, dense[b])).length;
        if (on >= COVERED * pts[a].length) hidden.push(colour(lines[a]) + ' line under ' + colour(lines[b]));
      }
    const dots = [...svg.querySelectorAll('.mark-symbol.role-mark > path')].map((el, i) => {
      const r = el.getBoundingClientRect();
      return { i, c: colour(el), x: r.left + r.width / 2, y: r.top + r.height / 2, w: r.width };
    });
    const series = [...new Set(dots.map((d) => d.c))];
    for (const c of series) {
      const mine = dots.filter((d) => d.c === c);
      const under = mine.every((d) => dots.some((e) => e.c !== c && e.i > d.i && e.w >= d.w && Math.hypot(e.x - d.x, e.y - d.y) <= NEAR));
      if (mine.length > 0 && under) hidden.push(c + ' points under another series');
    }
    return {
      chart: svg.getAttribute('data-chart'),
      title: [...svg.querySelectorAll('.role-title-text text')].map((t) => t.textContent).join(' '),
      titleLines: svg.querySelectorAll('.role-title-text tspan, .role-title-text text').length,
      titleOverflowPx: titles.length ? over : 0,
      axes,
      hidden,
      notes: [...svg.querySelectorAll('.role-title-subtitle text')].map((t) => t.textContent).join(' '),
    };
  });
})()`;
