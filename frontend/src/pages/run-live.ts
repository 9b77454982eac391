// Run page: one EventSource on /runs/{id}/events (session cookie). Replays every event from the start, then
// follows live: metric batches feed the charts and the progress bar, rollout announcements the gallery, state
// changes the badge, checkpoints the checkpoint table ("open in demo" once registered), and everything goes to the
// event log; state changes reload the attempt history. The browser reconnects by itself with Last-Event-ID; we close the source at a terminal state so it
// does not reconnect forever.
import './common';
import { RunCharts } from '../lib/run-charts';
import { RunProgress } from '../lib/run-progress';
import { RolloutGallery } from '../lib/rollout-gallery';
import { RunAttempts } from '../lib/run-attempts';
import { EvalResults } from '../lib/eval-results';

interface Envelope<P> { seq: number; type: string; attempt: number; createdAt: string; payload: P }
interface StatePayload { from: string | null; to: string; reason?: string | null; worker?: string }
interface MetricsPayload { step: number; totalSteps?: number; values: Record<string, number> }
interface LogPayload { lines: string[] }
interface CheckpointPayload { step: number; path: string; modelId?: number | null }
interface RolloutsPayload { step: number; count: number }
interface AlarmPayload { step: number; kind?: string; title?: string; message: string }

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const MAX_LOG_LINES = 2000;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const root = $('run');
const log = $('event-log');
const badge = $('run-state');
const charts = new RunCharts($('chart-groups'), document.getElementById('charts-empty'));
const total = root.dataset.totalSteps ? Number(root.dataset.totalSteps) : null;
const progress = new RunProgress($<HTMLProgressElement>('run-progress'), $('run-step'), $('run-eta'),
  Number(root.dataset.currentStep ?? '0'), total);
const attempts = new RunAttempts(root.dataset.attemptsUrl!, $<HTMLTableElement>('attempts'));
const gallery = new RolloutGallery(root.dataset.rolloutsUrl!, $<HTMLSelectElement>('rollout-step'), $('gallery'),
  $('gallery-info'));
const evalResults = new EvalResults(root.dataset.evalResultsUrl!, $<HTMLSelectElement>('eval-step'),
  $<HTMLSelectElement>('eval-filter'), $<HTMLTableElement>('eval-results').tBodies[0], $('eval-info'),
  $<HTMLButtonElement>('eval-prev'), $<HTMLButtonElement>('eval-next'));

function on<P>(source: EventSource, type: string, handle: (event: Envelope<P>) => void): void {
  source.addEventListener(type, (e) => handle(JSON.parse((e as MessageEvent).data) as Envelope<P>));
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
  if (TERMINAL.has(state)) progress.end(state === 'SUCCEEDED');
}

/** Adds or replaces the table row of a checkpoint (a later attempt may rewrite a step). */
function showCheckpoint(event: Envelope<CheckpointPayload>): void {
  const table = $<HTMLTableElement>('checkpoints');
  table.hidden = false;
  document.getElementById('checkpoints-empty')?.remove();
  const p = event.payload;
  const row = document.createElement('tr');
  row.dataset.step = String(p.step);
  const cell = (content: string | Node) => {
    const td = document.createElement('td');
    td.append(content);
    row.append(td);
  };
  cell(String(p.step));
  cell(String(event.attempt));
  const code = document.createElement('code');
  code.textContent = p.path;
  cell(code);
  if (p.modelId != null) {
    const link = document.createElement('a');
    link.className = 'open-demo';
    link.href = `${root.dataset.demoUrl}?modelId=${p.modelId}`;
    link.textContent = 'open in demo';
    cell(link);
  } else {
    cell('—');
  }
  const body = table.tBodies[0];
  const old = body.querySelector(`tr[data-step="${p.step}"]`);
  if (old) {
    old.replaceWith(row);
  } else {
    const after = Array.from(body.rows).find((r) => Number(r.dataset.step) > p.step);
    body.insertBefore(row, after ?? null);
  }
}

function connect(): void {
  const source = new EventSource(root.dataset.eventsUrl!);
  on<StatePayload>(source, 'state', (event) => {
    const p = event.payload;
    setState(p.to, p.reason);
    appendLog(event.createdAt, `${p.from ?? '—'} → ${p.to}${p.reason ? ` (${p.reason})` : ''}${event.attempt ? ` · attempt ${event.attempt}` : ''}`);
    if (event.attempt) $('run-attempt').textContent = String(event.attempt);
    // claims, lost leases, retries and the end each open or close an attempt
    if (p.from !== null) attempts.refreshSoon();
    if (TERMINAL.has(p.to)) source.close();
  });
  on<MetricsPayload>(source, 'metrics', (event) => {
    const p = event.payload;
    Object.entries(p.values).forEach(([name, value]) => charts.add(name, p.step, value));
    progress.onMetrics(p.step, event.createdAt, event.attempt, p.totalSteps);
    evalResults.onMetrics(Object.keys(p.values));
  });
  on<AlarmPayload>(source, 'alarm', (event) => {
    const p = event.payload;
    appendLog(event.createdAt, `⚠ ALARM at step ${p.step}: ${p.message}`);
    showAlarm(p);
  });
  on<RolloutsPayload>(source, 'rollouts', (event) => gallery.onRecorded(event.payload.step));
  on<LogPayload>(source, 'log', (event) => event.payload.lines.forEach((l) => appendLog(event.createdAt, l)));
  on<CheckpointPayload>(source, 'checkpoint', (event) => {
    showCheckpoint(event);
    appendLog(event.createdAt, `checkpoint at step ${event.payload.step}: ${event.payload.path}`);
  });
}

connect();
void gallery.load();
void evalResults.load();

/** One banner per kind of alarm (reward hacking, truncation, …), each alarm of that kind a line in it. */
function showAlarm(p: AlarmPayload): void {
  const alarms = document.getElementById('run-alarms');
  if (!alarms) return;
  const kind = p.kind ?? 'reward_hacking';
  let banner = alarms.querySelector<HTMLElement>(`[data-alarm-kind="${CSS.escape(kind)}"]`);
  if (!banner) {
    banner = document.createElement('div');
    banner.className = 'card alarms';
    banner.dataset.alarmKind = kind;
    const title = document.createElement('strong');
    title.textContent = p.title ?? 'Reward-hacking alarm (training reward rising while the held-out metric falls)';
    banner.append(title);
    alarms.append(banner);
  }
  const line = document.createElement('p');
  line.className = 'alarm';
  line.textContent = `⚠ step ${p.step}: ${p.message}`;
  banner.append(line);
  alarms.hidden = false;
}
