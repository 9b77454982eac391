// Dataset page gallery: pages through samples, draws each sample's first image on a canvas with its ground-truth
// boxes (REC: one box; OVD: labelled boxes) and shows question and solution as text only (T3.9).
// When a page is drawn, #gallery gets data-state="ready" and data-boxes-drawn="<n>".
import { colorFor, drawBoxes, type Box, type LabelledBox } from '../lib/boxes';
import { byId, el } from '../lib/dom';

interface ImageRef { path: string; sha256: string; width: number; height: number }
interface Sample {
  id: number; file: string; line: number; key: string | null; question: string; solution: string;
  taskType: string; accuRewardMethod: string | null; images: ImageRef[];
  boxes: { box: Box; label: string | null }[];
}
interface SamplePage { page: number; size: number; total: number; items: Sample[] }

const gallery = byId<HTMLElement>('gallery');
const count = byId<HTMLElement>('sample-count');
const pageSize = 12;
let page = 0;
let total = 0;

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error(`cannot load ${url}`));
    image.src = url;
  });
}

function card(sample: Sample, pending: Promise<number>[]): HTMLElement {
  const box = el('div', 'card sample');
  box.dataset.sampleId = String(sample.id);
  box.append(el('p', 'muted', `${sample.file}:${sample.line} · ${sample.taskType}` +
      (sample.accuRewardMethod ? ` · ${sample.accuRewardMethod}` : '')));
  sample.images.forEach((ref, index) => {
    const canvas = el('canvas');
    canvas.title = ref.path;
    box.append(canvas);
    const boxes: LabelledBox[] = index === 0
      ? sample.boxes.map((b) => ({ box: b.box, label: b.label ?? undefined, color: colorFor(b.label ?? undefined) }))
      : [];
    pending.push(loadImage(gallery.dataset.imagesUrl + ref.sha256).then((image) => drawBoxes(canvas, image, boxes)));
  });
  box.append(el('p', 'question', sample.question));
  box.append(el('pre', 'solution', sample.solution));
  return box;
}

async function load(): Promise<void> {
  gallery.dataset.state = 'loading';
  const params = new URLSearchParams({ page: String(page), size: String(pageSize) });
  const task = byId<HTMLSelectElement>('task').value;
  const q = byId<HTMLInputElement>('q').value.trim();
  if (task) params.set('task', task);
  if (q) params.set('q', q);
  const response = await fetch(`${gallery.dataset.samplesUrl}?${params}`, { headers: { Accept: 'application/json' } });
  if (!response.ok) {
    count.textContent = `Cannot load samples (HTTP ${response.status})`;
    gallery.dataset.state = 'error';
    return;
  }
  const body = (await response.json()) as SamplePage;
  total = body.total;
  const pending: Promise<number>[] = [];
  gallery.replaceChildren(...body.items.map((sample) => card(sample, pending)));
  const first = total === 0 ? 0 : page * pageSize + 1;
  count.textContent = `${first}–${page * pageSize + body.items.length} of ${total}`;
  const drawn = await Promise.allSettled(pending);
  gallery.dataset.boxesDrawn = String(drawn.reduce((n, r) => n + (r.status === 'fulfilled' ? r.value : 0), 0));
  gallery.dataset.state = 'ready';
}

byId<HTMLFormElement>('sample-filter').addEventListener('submit', (event) => {
  event.preventDefault();
  page = 0;
  void load();
});
byId('prev').addEventListener('click', () => {
  if (page > 0) {
    page--;
    void load();
  }
});
byId('next').addEventListener('click', () => {
  if ((page + 1) * pageSize < total) {
    page++;
    void load();
  }
});
void load();
