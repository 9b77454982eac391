// Run page progress: step / total on a progress bar, and an ETA from the timestamps of the current attempt's
// metric events (seconds per step over the last steps, times the steps left).

const WINDOW = 20;

export class RunProgress {
  private step: number;

  private total: number | null;

  private attempt = 0;

  // (step, time) of the current attempt's metric events, oldest first, at most WINDOW + 1
  private marks: { step: number; at: number }[] = [];

  private finished = false;

  constructor(
    private readonly bar: HTMLProgressElement,
    private readonly label: HTMLElement,
    private readonly eta: HTMLElement,
    step: number,
    total: number | null,
  ) {
    this.step = step;
    this.total = total;
    this.render();
  }

  onMetrics(step: number, createdAt: string, attempt: number, total?: number | null): void {
    if (total != null) this.total = total;
    if (attempt !== this.attempt) {
      // a new attempt restarts the clock: the lost one's pace says nothing about this one
      this.attempt = attempt;
      this.marks = [];
    }
    const at = Date.parse(createdAt);
    const last = this.marks[this.marks.length - 1];
    if (!last || step > last.step) {
      this.marks.push({ step, at });
      if (this.marks.length > WINDOW + 1) this.marks.shift();
    }
    this.step = step;
    this.render();
  }

  /** A terminal state: no ETA any more. */
  end(succeeded: boolean): void {
    this.finished = true;
    if (succeeded && this.total) this.step = Math.max(this.step, this.total);
    this.render();
  }

  /** Seconds left, or null while there is no pace (fewer than two steps) or no total. */
  secondsLeft(): number | null {
    if (this.total == null || this.marks.length < 2) return null;
    const first = this.marks[0];
    const last = this.marks[this.marks.length - 1];
    const perStep = (last.at - first.at) / 1000 / (last.step - first.step);
    return Math.max(0, (this.total - last.step) * perStep);
  }

  private render(): void {
    const total = this.total;
    this.bar.max = total && total > 0 ? total : 1;
    this.bar.value = total && total > 0 ? Math.min(this.step, total) : 0;
    this.label.textContent = `step ${this.step}${total != null ? ` / ${total}` : ''}`;
    const left = this.finished ? null : this.secondsLeft();
    this.eta.textContent = left == null ? '' : ` · ETA ${formatDuration(left)}`;
    this.eta.dataset.seconds = left == null ? '' : String(Math.round(left));
  }
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}
