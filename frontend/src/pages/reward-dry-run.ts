// Dry run on the reward configuration form: scores the typed completions against one sample with the
// saved configuration and shows each function's score and what it parsed.
import './common';

interface FunctionScore {
  function: string;
  weight: number;
  score: number;
  routedTo: string | null;
  parse: Record<string, unknown> | null;
  error: string | null;
}
interface CompletionScore { total: number; functions: FunctionScore[] }
interface Problem { detail?: string; errors?: { index: number; field: string; message: string }[] }

const section = document.getElementById('dry-run');
const value = (id: string) => (document.getElementById(id) as HTMLInputElement).value;

function cell(row: HTMLTableRowElement, text: string, className = ''): void {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
}

function render(completions: string[], scores: CompletionScore[]): HTMLElement {
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  ['#', 'completion', 'function', 'weight', 'score', 'parse / error'].forEach((h) => {
    const th = document.createElement('th');
    th.textContent = h;
    head.appendChild(th);
  });
  const body = table.createTBody();
  scores.forEach((s, i) => {
    s.functions.forEach((f, j) => {
      const row = body.insertRow();
      cell(row, j === 0 ? String(i + 1) : '');
      cell(row, j === 0 ? completions[i] : '', 'muted');
      cell(row, f.function + (f.routedTo ? ` → ${f.routedTo}` : ''));
      cell(row, String(f.weight));
      cell(row, f.score.toFixed(4));
      const parse = f.parse ? Object.fromEntries(Object.entries(f.parse).filter(([, v]) => v !== null)) : {};
      cell(row, f.error ?? JSON.stringify(parse), f.error ? 'problem' : '');
    });
    const total = body.insertRow();
    cell(total, '');
    cell(total, '');
    cell(total, 'total');
    cell(total, '');
    cell(total, s.total.toFixed(4));
    cell(total, '');
  });
  return table;
}

async function run(): Promise<void> {
  if (!section) return;
  const out = document.getElementById('dry-run-result')!;
  const completions = value('dry-completions').split('\n').filter((l) => l.trim() !== '');
  const sample = {
    question: '',
    solution: value('dry-solution'),
    images: [{
      width: Number(value('dry-width')), height: Number(value('dry-height')),
      gridH: Number(value('dry-grid-h')), gridW: Number(value('dry-grid-w')),
    }],
  };
  const response = await fetch(section.dataset.url!, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', [section.dataset.csrfHeader!]: section.dataset.csrf! },
    body: JSON.stringify({ completions, samples: [sample] }),
  });
  out.replaceChildren();
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as Problem;
    const list = document.createElement('ul');
    list.className = 'problem';
    (problem.errors ?? [{ index: -1, field: '', message: problem.detail ?? response.statusText }]).forEach((e) => {
      const li = document.createElement('li');
      li.textContent = `${e.index >= 0 ? `#${e.index + 1} ` : ''}${e.field ? e.field + ': ' : ''}${e.message}`;
      list.appendChild(li);
    });
    out.appendChild(list);
    return;
  }
  const batch = (await response.json()) as { completions: CompletionScore[] };
  out.appendChild(render(completions, batch.completions));
}

document.getElementById('dry-run-button')?.addEventListener('click', () => { void run(); });
