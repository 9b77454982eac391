// Run page rollout gallery: one card per rollout of the chosen step (the latest by default, following new
// steps live). Each card draws the prompt's first image with the predicted boxes (red) and the ground truth
// (green), and shows the completion exactly as generated (text, never HTML), each reward and the advantage.
import { drawBoxes, type Box, type LabelledBox } from './boxes';

export const PREDICTED = '#e53935';
export const TRUTH = '#00c853';

interface RolloutBox { box: Box; label?: string | null }

interface Sample {
  step: number; idx: number; attempt: number; prompt: string; images: string[]; imageUrls: string[];
  completion: string; rewards: Record<string, number>; reward: number; advantage: number;
  predictedBoxes: RolloutBox[]; truthBoxes: RolloutBox[];
}

interface Page { steps: number[]; step: number | null; samples: Sample[] }

const LATEST = 'latest';

export class RolloutGallery {
  private reloadTimer: number | undefined;

  private loading = 0;

  constructor(
    private readonly url: string,
    private readonly select: HTMLSelectElement,
    private readonly box: HTMLElement,
    private readonly info: HTMLElement,
  ) {
    select.addEventListener('change', () => void this.load());
  }

  /** A step's sample was recorded: offer it, and show it when following the latest step. */
  onRecorded(step: number): void {
    this.offer(step);
    if (this.select.value === LATEST) {
      // the event stream replays every step on open: fetch once after the burst, not per event
      window.clearTimeout(this.reloadTimer);
      this.reloadTimer = window.setTimeout(() => void this.load(), 250);
    }
  }

  async load(): Promise<void> {
    const chosen = this.select.value;
    const ticket = ++this.loading;
    const response = await fetch(chosen === LATEST ? this.url : `${this.url}?step=${encodeURIComponent(chosen)}`, {
      headers: { Accept: 'application/json' },
    });
    if (ticket !== this.loading) return; // a later choice won
    if (!response.ok) {
      this.info.textContent = `Could not load the rollouts (HTTP ${response.status}).`;
      return;
    }
    const page = (await response.json()) as Page;
    page.steps.forEach((s) => this.offer(s));
    this.render(page);
  }

  private offer(step: number): void {
    const value = String(step);
    if (Array.from(this.select.options).some((o) => o.value === value)) return;
    const option = new Option(`step ${step}`, value);
    // newest first, after "latest"
    const after = Array.from(this.select.options).find((o) => o.value !== LATEST && Number(o.value) < step);
    this.select.add(option, after ?? null);
  }

  private render(page: Page): void {
    this.box.replaceChildren(...page.samples.map((s) => card(s)));
    this.box.dataset.step = page.step == null ? '' : String(page.step);
    this.info.textContent = page.step == null ? 'No rollout sample yet: they appear after the first GRPO step.'
      : `step ${page.step} · ${page.samples.length} rollout${page.samples.length === 1 ? '' : 's'}`;
  }
}

function card(s: Sample): HTMLElement {
  const card = document.createElement('article');
  card.className = 'card rollout';
  card.dataset.idx = String(s.idx);

  const canvas = document.createElement('canvas');
  canvas.className = 'rollout-image';
  canvas.dataset.drawn = '';
  if (s.imageUrls.length > 0) {
    const image = new Image();
    image.onload = () => {
      const boxes: LabelledBox[] = [
        ...s.truthBoxes.map((b) => ({ box: b.box, label: b.label ?? undefined, color: TRUTH })),
        ...s.predictedBoxes.map((b) => ({ box: b.box, label: b.label ?? undefined, color: PREDICTED })),
      ];
      drawBoxes(canvas, image, boxes);
      canvas.dataset.drawn = 'boxes';
      canvas.dataset.predicted = String(s.predictedBoxes.length);
      canvas.dataset.truth = String(s.truthBoxes.length);
    };
    image.onerror = () => { canvas.dataset.drawn = 'error'; };
    image.src = s.imageUrls[0];
    card.append(canvas);
  }
  const legend = document.createElement('p');
  legend.className = 'muted legend';
  legend.innerHTML = '<span class="swatch predicted"></span> predicted <span class="swatch truth"></span> ground truth';
  if (s.imageUrls.length > 1) legend.append(` · ${s.imageUrls.length} images, the first shown`);
  if (s.imageUrls.length > 0) card.append(legend);

  const scores = document.createElement('dl');
  scores.className = 'scores';
  const row = (name: string, value: number, cls?: string) => {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.textContent = value.toFixed(3);
    if (cls) dd.className = cls;
    scores.append(dt, dd);
  };
  row('reward', s.reward, 'total');
  Object.entries(s.rewards).forEach(([fn, v]) => row(fn, v));
  row('advantage', s.advantage, s.advantage >= 0 ? 'ok' : 'error');
  card.append(scores);

  const prompt = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = 'prompt';
  const promptText = document.createElement('pre');
  promptText.className = 'prompt';
  promptText.textContent = s.prompt;
  prompt.append(summary, promptText);

  const completion = document.createElement('pre');
  completion.className = 'completion';
  completion.textContent = s.completion; // literally: a completion may well contain markup
  card.append(completion, prompt);
  return card;
}
