// Benchmark report: the progress line, and the SVG chart of advantage over ws per workload
// (hand-written SVG, log scale, no dependencies).

/** A progress line on stderr: rewritten in place on a TTY, one line per step otherwise. */
export class Progress {
  readonly #startedAt = performance.now();
  readonly #tty = process.stderr.isTTY === true;
  #done = 0;
  constructor(readonly total: number) {}

  /** Counts a step and shows its label. */
  step(label: string): void {
    this.#done++;
    this.show(label);
  }

  /** Shows a label without counting a step (e.g. progress inside a step). */
  show(label: string): void {
    const seconds = ((performance.now() - this.#startedAt) / 1000).toFixed(0);
    const text = `[${this.#done}/${this.total}] ${seconds}s ${label}`;
    if (this.#tty) process.stderr.write(`\r\x1b[K${text}`);
    else process.stderr.write(`${text}\n`);
  }

  /** Ends the line on a TTY. */
  end(): void {
    if (this.#tty) process.stderr.write('\r\x1b[K');
  }
}

/** One bar: its series and value (advantage over ws: ×, higher favours wsflow). */
export interface Bar {
  series: string;
  value: number;
}

/** A group of bars for one workload, with an optional target (same unit). */
export interface BarGroup {
  section: string;
  /** A second, smaller line under the section name (e.g. how its ratio is taken). */
  note?: string;
  label: string;
  bars: Bar[];
  target?: number;
}

export const SERIES_COLORS: Record<string, string> = {
  wsflow: '#1d4ed8',
  'wsflow-stream': '#60a5fa',
  'wsflow-sink': '#93c5fd',
  uws: '#f59e0b',
  'wsflow socket': '#0d9488',
  'tcp ceiling': '#9ca3af',
  'single hub': '#7c3aed',
};

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Renders grouped bars on a log₂ scale around 1× (ws), with target ticks, as an SVG document. */
export function renderSvg(title: string, subtitle: string, groups: readonly BarGroup[]): string {
  const barWidth = 14;
  const minGroupWidth = 64;
  const groupGap = 18;
  const sectionGap = 30;
  const left = 60;
  const top = 90;
  const plotHeight = 360;
  const minLog = -3;
  const maxLog = 5; // 1/8× .. 32×
  const y = (value: number) => {
    const log = Math.min(maxLog, Math.max(minLog, Math.log2(value > 0 ? value : 2 ** minLog)));
    return top + ((maxLog - log) / (maxLog - minLog)) * plotHeight;
  };
  const parts: string[] = [];
  let x = left + 10;
  let section = '';
  let note = '';
  let sectionStart = x;
  const sectionLabels: string[] = [];
  const closeSection = () => {
    if (section === '') return;
    const middle = (sectionStart + x - groupGap) / 2;
    sectionLabels.push(
      `<text x="${middle}" y="${top + plotHeight + 62}" text-anchor="middle" font-weight="bold">${escape(section)}</text>`,
      `<text x="${middle}" y="${top + plotHeight + 76}" text-anchor="middle" font-size="10" fill="#4b5563">${escape(note)}</text>`,
      `<line x1="${sectionStart}" x2="${x - groupGap}" y1="${top + plotHeight + 46}" y2="${top + plotHeight + 46}" stroke="#374151"/>`,
    );
  };
  for (const group of groups) {
    if (group.section !== section) {
      closeSection();
      if (section !== '') x += sectionGap;
      section = group.section;
      note = group.note ?? '';
      sectionStart = x;
    }
    const width = Math.max(minGroupWidth, group.bars.length * barWidth);
    const barsStart = x + (width - group.bars.length * barWidth) / 2;
    for (const [i, bar] of group.bars.entries()) {
      const bx = barsStart + i * barWidth;
      if (!Number.isFinite(bar.value) || bar.value <= 0) {
        parts.push(
          `<text x="${bx + (barWidth - 2) / 2}" y="${y(1) - 3}" font-size="9" text-anchor="middle">n/a</text>`,
        );
        continue;
      }
      const y1 = y(1);
      const yv = y(bar.value);
      const color = SERIES_COLORS[bar.series] ?? '#1d4ed8';
      parts.push(
        `<rect x="${bx}" y="${Math.min(y1, yv)}" width="${barWidth - 2}" height="${Math.max(1, Math.abs(yv - y1))}" fill="${color}"><title>${escape(`${group.section} ${group.label} ${bar.series}: ${bar.value.toFixed(2)}x`)}</title></rect>`,
        `<text x="${bx + (barWidth - 2) / 2}" y="${bar.value >= 1 ? Math.max(top + 8, yv - 3) : Math.min(top + plotHeight - 2, yv + 10)}" font-size="9" text-anchor="middle">${bar.value.toFixed(1)}</text>`,
      );
    }
    if (group.target !== undefined) {
      const ty = y(group.target);
      parts.push(
        `<line x1="${x - 3}" x2="${x + width + 1}" y1="${ty}" y2="${ty}" stroke="#dc2626" stroke-width="2" stroke-dasharray="4 2"/>`,
      );
    }
    parts.push(
      `<text x="${x + width / 2}" y="${top + plotHeight + 16}" font-size="10" text-anchor="middle">${escape(group.label)}</text>`,
    );
    x += width + groupGap;
  }
  closeSection();
  const width = x + 20;
  const grid: string[] = [];
  for (let log = minLog; log <= maxLog; log++) {
    const gy = y(2 ** log);
    const label = log >= 0 ? `${2 ** log}x` : `1/${2 ** -log}x`;
    grid.push(
      `<line x1="${left}" x2="${width - 10}" y1="${gy}" y2="${gy}" stroke="${log === 0 ? '#111827' : '#e5e7eb'}" stroke-width="${log === 0 ? 1.5 : 1}"/>`,
      `<text x="${left - 6}" y="${gy + 4}" font-size="11" text-anchor="end">${label}</text>`,
    );
  }
  const legendSeries = [...new Set(groups.flatMap((g) => g.bars.map((b) => b.series)))];
  const legend = legendSeries.map((series, i) => {
    const lx = left + i * 150;
    return (
      `<rect x="${lx}" y="56" width="12" height="12" fill="${SERIES_COLORS[series] ?? '#1d4ed8'}"/>` +
      `<text x="${lx + 18}" y="66">${escape(series)}</text>`
    );
  });
  legend.push(
    `<line x1="${left + legendSeries.length * 150}" x2="${left + legendSeries.length * 150 + 20}" y1="62" y2="62" stroke="#dc2626" stroke-width="2" stroke-dasharray="4 2"/>` +
      `<text x="${left + legendSeries.length * 150 + 26}" y="66">target</text>`,
  );
  const height = top + plotHeight + 90;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="24" font-size="16" font-weight="bold">${escape(title)}</text>`,
    `<text x="${left}" y="44" fill="#4b5563">${escape(subtitle)}</text>`,
    ...legend,
    ...grid,
    ...parts,
    ...sectionLabels,
    '</svg>',
    '',
  ].join('\n');
}
