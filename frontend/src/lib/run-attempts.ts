// Run page attempt history: reloaded from the page's JSON twin of /api/runs/{id}/attempts whenever a state event
// says an attempt began or ended (claims, lost leases, retries, the end of the run).

interface Attempt { attempt: number; workerId: string; startedAt: string; endedAt: string | null; outcome: string | null; reason: string | null }

export class RunAttempts {
  private timer: number | undefined;

  constructor(private readonly url: string, private readonly table: HTMLTableElement) {}

  /** Reloads soon: the replay on open sends many state events at once. */
  refreshSoon(): void {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.refresh(), 300);
  }

  async refresh(): Promise<void> {
    const response = await fetch(this.url, { headers: { Accept: 'application/json' } });
    if (!response.ok) return;
    const attempts = (await response.json()) as Attempt[];
    if (attempts.length === 0) return;
    document.getElementById('attempts-empty')?.remove();
    this.table.hidden = false;
    this.table.tBodies[0].replaceChildren(...attempts.map(row));
  }
}

function row(a: Attempt): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.dataset.attempt = String(a.attempt);
  const cell = (content: string | Node) => {
    const td = document.createElement('td');
    td.append(content);
    tr.append(td);
  };
  cell(String(a.attempt));
  const worker = document.createElement('code');
  worker.textContent = a.workerId;
  cell(worker);
  cell(formatTime(a.startedAt));
  cell(a.endedAt ? formatTime(a.endedAt) : 'running');
  const outcome = document.createElement('span');
  outcome.textContent = a.outcome ?? '';
  const reason = document.createElement('span');
  reason.className = 'muted';
  reason.textContent = a.reason ? ` ${a.reason}` : '';
  const td = document.createElement('td');
  td.append(outcome, reason);
  tr.append(td);
  return tr;
}

function formatTime(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
