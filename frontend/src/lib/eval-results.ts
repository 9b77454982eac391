// Run page evaluation results: one row per evaluated sample of the chosen evaluation (the latest by default;
// an eval run has one, a training run one per eval_steps), a page at a time, optionally only the correct or the
// wrong ones. Each row draws the sample's image with the prediction (red) and the ground truth (green), and shows
// the completion as text (never HTML), the IoU (REC) and whether it counted as correct.
import { drawBoxes, type Box, type LabelledBox } from './boxes';
import { PREDICTED, TRUTH } from './rollout-gallery';

interface ResultBox { box: Box; label?: string | null }

interface Result {
  step: number; idx: number; sampleId: string; taskType: string; prediction: string; imageUrl: string | null;
  predictedBoxes: ResultBox[]; truthBoxes: ResultBox[]; iou: number | null; correct: boolean;
}

interface Page { steps: number[]; step: number | null; page: number; pageSize: number; total: number; items: Result[] }

export class EvalResults {
  private page = 0;

  private reloadTimer: number | undefined;

  private loading = 0;

  constructor(
    private readonly url: string,
    private readonly step: HTMLSelectElement,
    private readonly filter: HTMLSelectElement,
    private readonly body: HTMLTableSectionElement,
    private readonly info: HTMLElement,
    private readonly prev: HTMLButtonElement,
    private readonly next: HTMLButtonElement,
  ) {
    step.addEventListener('change', () => { this.page = 0; void this.load(); });
    filter.addEventListener('change', () => { this.page = 0; void this.load(); });
    prev.addEventListener('click', () => { this.page = Math.max(0, this.page - 1); void this.load(); });
    next.addEventListener('click', () => { this.page += 1; void this.load(); });
  }

  /** Metrics arrived: reload once the burst is over when they include an evaluation's. */
  onMetrics(names: string[]): void {
    if (!names.some((n) => n.startsWith('eval/'))) return;
    window.clearTimeout(this.reloadTimer);
    this.reloadTimer = window.setTimeout(() => void this.load(), 300);
  }

  async load(): Promise<void> {
    const query = new URLSearchParams({ page: String(this.page) });
    if (this.step.value !== 'latest') query.set('step', this.step.value);
    if (this.filter.value !== 'all') query.set('correct', this.filter.value);
    const ticket = ++this.loading;
    const response = await fetch(`${this.url}?${query}`, { headers: { Accept: 'application/json' } });
    if (ticket !== this.loading) return; // a later choice won
    if (!response.ok) {
      this.info.textContent = `Could not load the evaluation results (HTTP ${response.status}).`;
      return;
    }
    const page = (await response.json()) as Page;
    this.offerSteps(page.steps);
    this.body.replaceChildren(...page.items.map(row));
    const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
    this.prev.disabled = page.page <= 0;
    this.next.disabled = page.page + 1 >= pages;
    this.info.textContent = page.step == null ? 'No evaluation yet.'
      : `step ${page.step} · ${page.total} result${page.total === 1 ? '' : 's'} · page ${page.page + 1} / ${pages}`;
  }

  private offerSteps(steps: number[]): void {
    for (const s of steps) {
      const value = String(s);
      if (Array.from(this.step.options).some((o) => o.value === value)) continue;
      const after = Array.from(this.step.options).find((o) => o.value !== 'latest' && Number(o.value) < s);
      this.step.add(new Option(`step ${s}`, value), after ?? null);
    }
  }
}

function row(r: Result): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.className = r.correct ? 'eval-correct' : 'eval-wrong';
  tr.dataset.idx = String(r.idx);
  const cell = (...content: (string | Node)[]) => {
    const td = document.createElement('td');
    td.append(...content);
    tr.append(td);
    return td;
  };
  const canvas = document.createElement('canvas');
  canvas.className = 'eval-image';
  if (r.imageUrl) {
    const image = new Image();
    image.onload = () => {
      const boxes: LabelledBox[] = [
        ...r.truthBoxes.map((b) => ({ box: b.box, label: b.label ?? undefined, color: TRUTH })),
        ...r.predictedBoxes.map((b) => ({ box: b.box, label: b.label ?? undefined, color: PREDICTED })),
      ];
      drawBoxes(canvas, image, boxes);
      canvas.dataset.drawn = 'boxes';
    };
    image.onerror = () => { canvas.dataset.drawn = 'error'; };
    image.src = r.imageUrl;
    cell(canvas);
  } else {
    cell('—');
  }
  const id = document.createElement('code');
  id.textContent = r.sampleId;
  cell(id, ` (${r.taskType})`);
  const prediction = document.createElement('pre');
  prediction.className = 'completion';
  prediction.textContent = r.prediction; // literally: a completion may well contain markup
  cell(prediction);
  cell(r.iou == null ? '—' : r.iou.toFixed(3));
  cell(r.correct ? '✓' : '✗').className = r.correct ? 'ok' : 'error';
  return tr;
}
