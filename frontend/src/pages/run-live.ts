// Run page: one EventSource on /runs/{id}/events (session cookie). Replays every event from the start,
// then follows live: metric batches feed one Chart.js line chart per metric, state changes update the
// badge, log lines and checkpoints go to the event log. The browser reconnects by itself with
// Last-Event-ID; we close the source ourselves at a terminal state so it does not reconnect forever.
import './common';
import {
  Chart, LineController, LineElement, PointElement, LinearScale, Tooltip, Legend,
} from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Legend);

interface Envelope<P> { seq: number; type: string; attempt: number; createdAt: string; payload: P }
interface StatePayload { from: string | null; to: string; reason?: string | null; worker?: string }
interface MetricsPayload { step: number; values: Record<string, number> }
interface LogPayload { lines: string[] }
interface CheckpointPayload { step: number; path: string }

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const MAX_LOG_LINES = 2000;

// the metrics most worth a glance come first; anything else follows in arrival order
const PREFERRED = ['reward', 'reward_std', 'loss', 'kl', 'learning_rate', 'grad_norm', 'completions/mean_length',
  'clip_ratio/region_mean', 'frac_reward_zero_std'];

const root = document.getElementById('run')!;
const chartsBox = document.getElementById('charts')!;
const log = document.getElementById('event-log')!;
const badge = document.getElementById('run-state')!;
const charts = new Map<string, Chart<'line', { x: number; y: number }[]>>();
let pendingRedraw = false;

function chartFor(name: string): Chart<'line', { x: number; y: number }[]> {
  let chart = charts.get(name);
  if (chart) return chart;
  document.getElementById('charts-empty')?.remove();
  const card = document.createElement('div');
  card.className = 'card';
  card.dataset.metric = name;
  const title = document.createElement('h3');
  title.textContent = name;
  const canvas = document.createElement('canvas');
  card.append(title, canvas);
  const rank = PREFERRED.indexOf(name);
  const before = rank < 0 ? null : Array.from(chartsBox.children).find((c) => {
    const r = PREFERRED.indexOf((c as HTMLElement).dataset.metric ?? '');
    return r < 0 || r > rank;
  });
  chartsBox.insertBefore(card, before ?? null);
  chart = new Chart(canvas, {
    type: 'line',
    data: { datasets: [{ label: name, data: [], borderColor: '#2b5fd9', pointRadius: 0, borderWidth: 1.5 }] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      plugins: { legend: { display: false } },
      scales: { x: { type: 'linear', title: { display: true, text: 'step' } }, y: { type: 'linear' } },
    },
  });
  charts.set(name, chart);
  return chart;
}

function addPoint(name: string, step: number, value: number): void {
  const data = chartFor(name).data.datasets[0].data;
  // a resumed attempt rewrites steps after its checkpoint: replace, never duplicate
  const last = data.length - 1;
  if (last >= 0 && data[last].x >= step) {
    const at = data.findIndex((p) => p.x >= step);
    data.splice(at, data.length - at);
  }
  data.push({ x: step, y: value });
}

function redrawSoon(): void {
  if (pendingRedraw) return;
  pendingRedraw = true;
  requestAnimationFrame(() => {
    pendingRedraw = false;
    charts.forEach((c) => c.update('none'));
  });
}

function appendLog(when: string, text: string): void {
  const line = document.createElement('div');
  line.textContent = `${new Date(when).toLocaleTimeString()}  ${text}`;
  log.appendChild(line);
  while (log.childElementCount > MAX_LOG_LINES) log.firstElementChild?.remove();
  log.scrollTop = log.scrollHeight;
}

function setState(state: string, reason?: string | null): void {
  badge.textContent = state;
  badge.className = `badge state-${state}`;
  root.dataset.state = state;
  const reasonBox = document.getElementById('run-reason');
  if (reasonBox) reasonBox.textContent = reason ?? '';
  if (TERMINAL.has(state) || state === 'CANCELLING') document.getElementById('cancel-form')?.remove();
}

function connect(): void {
  const source = new EventSource(root.dataset.eventsUrl!);
  source.addEventListener('state', (e) => {
    const event = JSON.parse((e as MessageEvent).data) as Envelope<StatePayload>;
    const p = event.payload;
    setState(p.to, p.reason);
    appendLog(event.createdAt, `${p.from ?? '—'} → ${p.to}${p.reason ? ` (${p.reason})` : ''}${event.attempt ? ` · attempt ${event.attempt}` : ''}`);
    if (TERMINAL.has(p.to)) source.close();
  });
  source.addEventListener('metrics', (e) => {
    const event = JSON.parse((e as MessageEvent).data) as Envelope<MetricsPayload>;
    Object.entries(event.payload.values).forEach(([name, value]) => addPoint(name, event.payload.step, value));
    const step = document.getElementById('run-step');
    if (step) step.textContent = `step ${event.payload.step}`;
    redrawSoon();
  });
  source.addEventListener('log', (e) => {
    const event = JSON.parse((e as MessageEvent).data) as Envelope<LogPayload>;
    event.payload.lines.forEach((l) => appendLog(event.createdAt, l));
  });
  source.addEventListener('checkpoint', (e) => {
    const event = JSON.parse((e as MessageEvent).data) as Envelope<CheckpointPayload>;
    appendLog(event.createdAt, `checkpoint at step ${event.payload.step}: ${event.payload.path}`);
  });
}

connect();
