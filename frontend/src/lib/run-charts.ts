// Run page charts: one Chart.js line chart per metric, grouped in sections by what the metric measures (mostly
// its name prefix: `rewards/<fn>/mean`, `completions/…`, `clip_ratio/…`, `time/…`). Any metric that appears gets
// a chart; unknown prefixes get their own section, names without one land in "Other".
import {
  Chart, LineController, LineElement, PointElement, LinearScale, Tooltip, Legend,
} from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Legend);

type Point = { x: number; y: number };

interface Group { key: string; title: string; matches: (name: string) => boolean }

// the sections in page order; the first whose test passes takes the metric
const GROUPS: Group[] = [
  { key: 'reward', title: 'Reward', matches: (n) => ['reward', 'reward_std', 'frac_reward_zero_std'].includes(n) },
  { key: 'rewards', title: 'Reward functions', matches: (n) => n.startsWith('rewards/') },
  { key: 'loss', title: 'Loss, KL and gradients', matches: (n) => ['loss', 'kl', 'kl_mean', 'grad_norm', 'grad_norm_before_clip'].includes(n) },
  { key: 'completions', title: 'Completions', matches: (n) => n.startsWith('completions/') || n === 'num_tokens' },
  { key: 'clip_ratio', title: 'Clipping', matches: (n) => n === 'clip_ratio' || n.startsWith('clip_ratio/') },
  { key: 'schedule', title: 'Schedule', matches: (n) => n === 'learning_rate' || n === 'epoch' },
  { key: 'time', title: 'Timing', matches: (n) => n.startsWith('time/') || n === 'step_time' },
];

// inside a section, these come first (in this order); the rest follow in arrival order
const PREFERRED = ['reward', 'reward_std', 'frac_reward_zero_std', 'loss', 'kl', 'grad_norm', 'completions/mean_length',
  'clip_ratio/region_mean', 'learning_rate'];

/** The section a metric belongs to: a known group, else its prefix before the first '/', else "other". */
export function groupOf(name: string): { key: string; title: string } {
  const known = GROUPS.find((g) => g.matches(name));
  if (known) return known;
  const slash = name.indexOf('/');
  return slash > 0 ? { key: name.slice(0, slash), title: name.slice(0, slash) } : { key: 'other', title: 'Other' };
}

/** Axis labels: learning rates read 1.00e-6, not 0.000001 or 1.00000000E-6. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e5 ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

export class RunCharts {
  private readonly charts = new Map<string, Chart<'line', Point[]>>();

  private pendingRedraw = false;

  constructor(private readonly box: HTMLElement, private readonly empty: HTMLElement | null) {}

  /** Adds one value; a step at or before the last one (a resumed attempt rewriting) replaces the tail. */
  add(name: string, step: number, value: number): void {
    const data = this.chartFor(name).data.datasets[0].data;
    const last = data.length - 1;
    if (last >= 0 && data[last].x >= step) {
      const at = data.findIndex((p) => p.x >= step);
      data.splice(at, data.length - at);
    }
    data.push({ x: step, y: value });
    this.redrawSoon();
  }

  private redrawSoon(): void {
    if (this.pendingRedraw) return;
    this.pendingRedraw = true;
    requestAnimationFrame(() => {
      this.pendingRedraw = false;
      this.charts.forEach((c) => c.update('none'));
    });
  }

  private section(name: string): HTMLElement {
    const group = groupOf(name);
    let section = this.box.querySelector<HTMLElement>(`section[data-group="${CSS.escape(group.key)}"]`);
    if (section) return section.querySelector<HTMLElement>('.charts')!;
    this.empty?.remove();
    section = document.createElement('section');
    section.className = 'chart-group';
    section.dataset.group = group.key;
    const title = document.createElement('h3');
    title.textContent = group.title;
    const grid = document.createElement('div');
    grid.className = 'charts';
    section.append(title, grid);
    const rank = GROUPS.findIndex((g) => g.key === group.key);
    const before = Array.from(this.box.children).find((c) => {
      const r = GROUPS.findIndex((g) => g.key === (c as HTMLElement).dataset.group);
      return rank >= 0 && (r < 0 || r > rank);
    });
    this.box.insertBefore(section, before ?? null);
    return grid;
  }

  private chartFor(name: string): Chart<'line', Point[]> {
    let chart = this.charts.get(name);
    if (chart) return chart;
    const grid = this.section(name);
    const card = document.createElement('div');
    card.className = 'card chart';
    card.dataset.metric = name;
    const title = document.createElement('h4');
    title.textContent = name;
    const holder = document.createElement('div');
    holder.className = 'chart-canvas';
    const canvas = document.createElement('canvas');
    holder.append(canvas);
    card.append(title, holder);
    const rank = PREFERRED.indexOf(name);
    const before = rank < 0 ? null : Array.from(grid.children).find((c) => {
      const r = PREFERRED.indexOf((c as HTMLElement).dataset.metric ?? '');
      return r < 0 || r > rank;
    });
    grid.insertBefore(card, before ?? null);
    chart = new Chart(canvas, {
      type: 'line',
      data: {
        datasets: [{
          label: name,
          data: [],
          borderColor: '#2b5fd9',
          backgroundColor: '#2b5fd9',
          // a lone point would be invisible without a marker
          pointRadius: (ctx) => (ctx.dataset.data.length <= 1 ? 3 : 0),
          borderWidth: 1.5,
        }],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        plugins: { legend: { display: false } },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'step' }, ticks: { precision: 0 } },
          y: { type: 'linear', ticks: { callback: (v) => formatTick(Number(v)) } },
        },
      },
    });
    this.charts.set(name, chart);
    return chart;
  }
}
