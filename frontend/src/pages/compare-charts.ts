// Comparison page: fetches /compare/data (session cookie; /api would want a bearer token) and draws one
// Chart.js line chart per metric with one line per run, so SFT and GRPO (or in-domain and out-of-domain
// evaluations) can be read off the same axes. Names come from the server as data and only ever reach the
// page through textContent and the canvas.
import './common';
import {
  Chart, LineController, LineElement, PointElement, LinearScale, Tooltip, Legend,
} from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Legend);

interface Point { step: number; value: number }
interface ComparedRun { id: number; name: string; curves: Record<string, Point[]> }
interface Comparison { runs: ComparedRun[]; metrics: string[] }

// distinguishable on white and for the common colour-vision deficiencies (Okabe–Ito)
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442',
  '#882255', '#44AA99'];

const section = document.getElementById('comparison');
const chartsBox = document.getElementById('charts');
const empty = document.getElementById('charts-empty');

function chart(metric: string, runs: ComparedRun[]): void {
  const card = document.createElement('div');
  card.className = 'card';
  card.dataset.metric = metric;
  const title = document.createElement('h3');
  title.textContent = metric;
  const canvas = document.createElement('canvas');
  card.append(title, canvas);
  chartsBox!.appendChild(card);
  new Chart(canvas, {
    type: 'line',
    data: {
      datasets: runs.map((run, i) => ({
        label: run.name,
        data: (run.curves[metric] ?? []).map((p) => ({ x: p.step, y: p.value })),
        borderColor: COLOURS[i % COLOURS.length],
        backgroundColor: COLOURS[i % COLOURS.length],
        // a one-point curve (a final evaluation) would be invisible without its point
        pointRadius: (run.curves[metric]?.length ?? 0) === 1 ? 3 : 0,
        borderWidth: 1.5,
      })),
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      interaction: { mode: 'nearest', intersect: false },
      plugins: { legend: { display: true, position: 'bottom', labels: { boxWidth: 12 } } },
      scales: { x: { type: 'linear', title: { display: true, text: 'step' } }, y: { type: 'linear' } },
    },
  });
}

async function load(url: string): Promise<void> {
  const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
  if (!response.ok) {
    empty!.textContent = `The curves could not be loaded (HTTP ${response.status}).`;
    return;
  }
  const comparison = (await response.json()) as Comparison;
  const drawn = comparison.metrics.filter((m) => comparison.runs.some((r) => (r.curves[m]?.length ?? 0) > 0));
  if (drawn.length === 0) {
    empty!.textContent = 'No metric reported yet.';
    return;
  }
  empty!.remove();
  drawn.forEach((metric) => chart(metric, comparison.runs));
}

if (section && chartsBox && empty) {
  load(section.dataset.dataUrl!).catch((e: unknown) => {
    empty.textContent = `The curves could not be loaded: ${String(e)}`;
  });
}
