// Shared by the REC and OVD demo pages: image choice (upload or sample), the request with progress and readable
// errors, and drawing the result on the canvas.
import './common';
import { drawBoxes, type LabelledBox } from '../lib/boxes';

/** What both demo endpoints answer. */
export interface DemoResult {
  completion: string;
  thinking: string | null;
  answer: string | null;
  image: { width: number; height: number; inputWidth: number; inputHeight: number };
  promptTokens: number;
  generatedTokens: number;
  timing: { queueMs: number; loadMs: number; preprocessMs: number; generateMs: number };
  cacheHit: boolean;
}

/** RFC 9457 problem details as the server sends them. */
interface Problem {
  title?: string;
  detail?: string;
  field?: string;
  retryAfterSeconds?: number;
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/**
 * Wires the page: `fields` adds the task's own inputs to the request, `render` turns the answer into boxes and a
 * one-line summary.
 */
export function setupDemo<R extends DemoResult>(
  fields: (data: FormData, sample: HTMLElement | null) => string | null,
  render: (result: R) => { boxes: LabelledBox[]; summary: string },
): void {
  const form = $<HTMLFormElement>('demo-form');
  const fileInput = $<HTMLInputElement>('image');
  const canvas = $<HTMLCanvasElement>('canvas');
  const runButton = $<HTMLButtonElement>('run');
  const progress = $<HTMLDivElement>('progress');
  const progressText = $<HTMLSpanElement>('progress-text');
  const error = $<HTMLParagraphElement>('error');
  let image: Blob | null = null;
  let imageName = 'image.png';
  let shown: HTMLImageElement | null = null;
  let lastSample: HTMLElement | null = null;

  const showError = (message: string) => {
    error.textContent = message;
    error.hidden = false;
  };

  const show = async (blob: Blob, name: string) => {
    image = blob;
    imageName = name;
    const element = new Image();
    element.src = URL.createObjectURL(blob);
    try {
      await element.decode();
    } catch {
      image = null;
      showError(`${name} is not an image this browser can show.`);
      return;
    }
    shown = element;
    drawBoxes(canvas, element, []);
    canvas.dataset.drawn = 'image';
  };

  fileInput.addEventListener('change', () => {
    error.hidden = true;
    const file = fileInput.files?.[0];
    const maxBytes = Number(fileInput.dataset.maxBytes ?? '0');
    if (!file) return;
    if (maxBytes > 0 && file.size > maxBytes) {
      showError(`${file.name} has ${file.size} bytes; the limit is ${maxBytes}.`);
      return;
    }
    lastSample = null;
    void show(file, file.name);
  });

  document.querySelectorAll<HTMLButtonElement>('button.sample').forEach((button) => {
    button.addEventListener('click', async () => {
      error.hidden = true;
      const response = await fetch(button.dataset.src ?? '');
      if (!response.ok) {
        showError(`Could not load the sample image (HTTP ${response.status}).`);
        return;
      }
      lastSample = button;
      fileInput.value = '';
      await show(await response.blob(), button.textContent?.trim() || 'sample.png');
      fields(new FormData(), button); // let the page prefill its text field from the sample
    });
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    const data = new FormData();
    const model = $<HTMLSelectElement>('model').value;
    if (!model) return showError('Choose a model first (register one on the Models page).');
    if (!image) return showError('Choose an image: upload one or pick a sample.');
    data.append('modelId', model);
    data.append('image', image, imageName);
    data.append('max_new_tokens', $<HTMLInputElement>('max-new-tokens').value);
    data.append('temperature', $<HTMLInputElement>('temperature').value);
    data.append('rescale', String($<HTMLInputElement>('rescale').checked));
    const missing = fields(data, null);
    if (missing) return showError(missing);

    const started = performance.now();
    progress.hidden = false;
    runButton.disabled = true;
    const tick = window.setInterval(() => {
      const seconds = Math.round((performance.now() - started) / 1000);
      progressText.textContent = `Waiting for the model… ${seconds} s (the first request also starts the inference worker and loads the model)`;
    }, 500);
    try {
      const response = await fetch(form.dataset.endpoint ?? '', { method: 'POST', body: data, headers: csrfHeaders() });
      const body = await response.json().catch(() => null);
      if (!response.ok) {
        showError(describe(response, body as Problem | null));
        return;
      }
      const result = body as R;
      const { boxes, summary } = render(result);
      if (shown) {
        drawBoxes(canvas, shown, boxes);
        canvas.dataset.drawn = 'result';
      }
      $<HTMLParagraphElement>('box-summary').textContent = summary;
      $<HTMLPreElement>('thinking').textContent = result.thinking ?? '(no <think> block)';
      $<HTMLPreElement>('answer').textContent = result.answer ?? '(no <answer> block)';
      $<HTMLPreElement>('completion').textContent = result.completion;
      const t = result.timing;
      $<HTMLParagraphElement>('timing').textContent =
        `${result.generatedTokens} tokens generated after a ${result.promptTokens}-token prompt; ` +
        `model ${result.cacheHit ? 'already loaded' : `loaded in ${t.loadMs} ms`}, ` +
        `queued ${t.queueMs} ms, image ${t.preprocessMs} ms, generation ${t.generateMs} ms. ` +
        `The model saw the image at ${result.image.inputWidth}×${result.image.inputHeight}.`;
    } catch (e) {
      showError(`The request failed: ${(e as Error).message}`);
    } finally {
      window.clearInterval(tick);
      progress.hidden = true;
      runButton.disabled = false;
    }
  });

  if (lastSample === null && fileInput.files?.length) fileInput.dispatchEvent(new Event('change'));
}

function csrfHeaders(): Record<string, string> {
  const token = document.querySelector<HTMLMetaElement>('meta[name="_csrf"]')?.content;
  const header = document.querySelector<HTMLMetaElement>('meta[name="_csrf_header"]')?.content;
  return token && header ? { [header]: token } : {};
}

function describe(response: Response, problem: Problem | null): string {
  if (response.status === 429) {
    const wait = response.headers.get('Retry-After') ?? String(problem?.retryAfterSeconds ?? '');
    return `The model is busy with other requests. Try again in ${wait} s.`;
  }
  if (response.status === 401 || response.status === 403) {
    return 'Your session has expired: reload the page and log in again.';
  }
  if (problem?.detail) {
    return `${problem.title ?? `HTTP ${response.status}`}: ${problem.detail}`;
  }
  return `The server answered HTTP ${response.status}.`;
}
