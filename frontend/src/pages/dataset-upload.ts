// Upload page: sends the jsonl files and their images with XHR (transfer progress from the browser), polls the
// server's validation progress for the same upload id, then opens the dataset or shows the report.
import { byId, csrfToken, renderReport, type Issue } from '../lib/dom';

const form = byId<HTMLFormElement>('upload-form');
const addButton = byId<HTMLButtonElement>('add-jsonl');
const transferBar = byId<HTMLProgressElement>('transfer-bar');
const transferText = byId<HTMLElement>('transfer-text');
const validationBar = byId<HTMLProgressElement>('validation-bar');
const validationText = byId<HTMLElement>('validation-text');
const problem = byId<HTMLElement>('problem');

function groups(): HTMLFieldSetElement[] {
  return Array.from(form.querySelectorAll<HTMLFieldSetElement>('fieldset.jsonl-group'));
}

addButton.addEventListener('click', () => {
  const all = groups();
  const copy = all[0].cloneNode(true) as HTMLFieldSetElement;
  copy.dataset.index = String(all.length);
  copy.querySelector('legend')!.textContent = `jsonl file #${all.length + 1}`;
  copy.querySelectorAll('input').forEach((input) => (input.value = ''));
  all[all.length - 1].after(copy);
});

/** A folder pick gives "picked/sub/x.png"; jsonl paths are relative to the picked folder. */
function relativeToPickedFolder(file: File): string {
  const path = file.webkitRelativePath || file.name;
  const slash = path.indexOf('/');
  return slash >= 0 ? path.substring(slash + 1) : path;
}

function formData(uploadId: string): FormData {
  const data = new FormData();
  data.append('name', byId<HTMLInputElement>('name').value);
  data.append('mode', byId<HTMLSelectElement>('mode').value);
  const maxInvalid = byId<HTMLInputElement>('max-invalid').value.trim();
  if (maxInvalid) data.append('max_invalid', maxInvalid);
  data.append('upload_id', uploadId);
  groups().forEach((group, i) => {
    const input = (cls: string) => group.querySelector<HTMLInputElement>(`.${cls}`)!;
    const jsonl = input('jsonl').files?.[0];
    if (jsonl) data.append('jsonl', jsonl, jsonl.name);
    for (const file of Array.from(input('images').files ?? [])) data.append(`images[${i}]`, file, file.name);
    for (const file of Array.from(input('image-folder').files ?? [])) {
      data.append(`images[${i}]`, file, relativeToPickedFolder(file));
    }
    const archive = input('archive').files?.[0];
    if (archive) data.append(`archive[${i}]`, archive, archive.name);
    const folder = input('folder').value.trim();
    if (folder) data.append(`folder[${i}]`, folder);
  });
  return data;
}

function showProblem(body: { title?: string; detail?: string; report?: Issue[] }): void {
  problem.hidden = false;
  byId('problem-title').textContent = body.title ?? 'Upload failed';
  byId('problem-detail').textContent = body.detail ?? '';
  renderReport(byId<HTMLTableElement>('problem-report').tBodies[0], body.report ?? []);
  form.dataset.state = 'rejected';
}

function pollValidation(uploadId: string): () => void {
  const url = form.dataset.progressUrl + encodeURIComponent(uploadId);
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' } });
      if (response.ok) {
        const p = (await response.json()) as { phase: string; done: number; total: number };
        validationBar.value = p.total > 0 ? p.done / p.total : 0;
        validationText.textContent = `${p.phase}: ${p.done} / ${p.total}`;
      }
    } catch {
      // the next tick tries again
    }
    if (!stopped) setTimeout(tick, 300);
  };
  validationText.textContent = 'waiting for the server…';
  void tick();
  return () => (stopped = true);
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const uploadId = crypto.randomUUID();
  byId('progress').hidden = false;
  problem.hidden = true;
  form.dataset.state = 'uploading';
  const xhr = new XMLHttpRequest();
  let stopPolling = () => {};
  xhr.open('POST', form.action);
  const token = csrfToken(form);
  if (token) xhr.setRequestHeader('X-CSRF-TOKEN', token);
  xhr.setRequestHeader('Accept', 'application/json');
  xhr.upload.onprogress = (e) => {
    if (!e.lengthComputable) return;
    transferBar.value = e.loaded / e.total;
    transferText.textContent = `${(e.loaded / 1048576).toFixed(1)} / ${(e.total / 1048576).toFixed(1)} MiB`;
  };
  xhr.upload.onload = () => {
    transferBar.value = 1;
    stopPolling = pollValidation(uploadId);
  };
  xhr.onload = () => {
    stopPolling();
    validationBar.value = 1;
    let body: { id?: number; title?: string; detail?: string; report?: Issue[] } = {};
    try {
      body = JSON.parse(xhr.responseText);
    } catch {
      body = { title: `HTTP ${xhr.status}` };
    }
    if ((xhr.status === 200 || xhr.status === 201) && body.id !== undefined) {
      validationText.textContent = 'stored';
      form.dataset.state = 'done';
      window.location.assign(form.dataset.datasetUrl + String(body.id));
    } else {
      validationText.textContent = 'rejected';
      showProblem(body);
    }
  };
  xhr.onerror = () => {
    stopPolling();
    showProblem({ title: 'Network error', detail: 'The upload did not reach the server.' });
  };
  xhr.send(formData(uploadId));
});
