// Memory plan on the new-run form: as the user types, posts the form's fields to the plan endpoint and shows the
// estimated peak memory against what a worker has, what takes it, and the cheapest change when it does not fit.
import './common';
import { byId, el } from '../lib/dom';

interface Part { name: string; size: string; detail: string }
interface Suggestion { change: string; required: string }
interface Plan {
  fits: boolean;
  summary: string;
  phase: string;
  trainableParameters: number;
  parameters: number;
  parts: Part[];
  suggestion: Suggestion | null;
}
interface Problem { detail?: string; errors?: { field: string; message: string }[] }

const section = document.getElementById('memory-plan');
const form = section?.closest('form') ?? document.querySelector<HTMLFormElement>('form#run-form');
let pending: number | undefined;
let latest = 0;

function csrfHeaders(): Record<string, string> {
  const token = document.querySelector<HTMLMetaElement>('meta[name="_csrf"]')?.content;
  const header = document.querySelector<HTMLMetaElement>('meta[name="_csrf_header"]')?.content;
  return token && header ? { [header]: token } : {};
}

function render(plan: Plan): HTMLElement[] {
  const summary = el('p', plan.fits ? 'ok' : 'problem', (plan.fits ? 'Fits: ' : 'Does not fit: ') + plan.summary);
  summary.id = 'memory-plan-summary';
  const details = el('details');
  details.append(el('summary', 'muted', `What takes it: peak during ${plan.phase}; `
    + `${plan.trainableParameters.toLocaleString()} of ${plan.parameters.toLocaleString()} parameters trained`));
  const table = el('table');
  table.id = 'memory-plan-parts';
  for (const part of plan.parts) {
    const row = table.insertRow();
    row.append(el('td', undefined, part.name), el('td', undefined, part.size), el('td', 'muted', part.detail));
  }
  details.append(table);
  return [summary, details];
}

function renderProblem(problem: Problem, status: number): HTMLElement[] {
  const lines = problem.errors?.map((e) => `${e.field}: ${e.message}`) ?? [problem.detail ?? `HTTP ${status}`];
  const summary = el('p', 'muted', 'No estimate yet: ' + lines.join('; '));
  summary.id = 'memory-plan-summary';
  return [summary];
}

async function update(): Promise<void> {
  if (!section || !form) return;
  const ticket = ++latest;
  const fields = new URLSearchParams();
  new FormData(form).forEach((value, name) => {
    if (typeof value === 'string' && name !== '_csrf') fields.append(name, value);
  });
  const response = await fetch(section.dataset.url!, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', ...csrfHeaders() },
    body: fields,
  });
  const body = await response.json().catch(() => ({}));
  if (ticket !== latest) return; // an answer to an older draft
  const out = byId('memory-plan-result');
  out.replaceChildren(...(response.ok ? render(body as Plan) : renderProblem(body as Problem, response.status)));
  section.dataset.state = response.ok ? ((body as Plan).fits ? 'fits' : 'too-big') : 'incomplete';
}

function schedule(): void {
  window.clearTimeout(pending);
  pending = window.setTimeout(() => { void update(); }, 250);
}

form?.addEventListener('input', schedule);
form?.addEventListener('change', schedule);
if (section) void update();
