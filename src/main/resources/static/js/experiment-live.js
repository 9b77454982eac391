// The experiment page's live table: polls the page's JSON twin and fills the runs' cells until every run has ended.
(function () {
  const main = document.getElementById('experiment');
  if (!main || main.dataset.settled === 'true') {
    return;
  }
  const fixed = (v) => (v === null || v === undefined ? '—' : Number(v).toFixed(3));
  const text = (v) => (v === null || v === undefined ? '—' : String(v));
  async function refresh() {
    const response = await fetch(main.dataset.dataUrl, { headers: { Accept: 'application/json' } });
    if (!response.ok) {
      return false;
    }
    const view = await response.json();
    let runsChanged = false;
    for (const arm of view.arms) {
      const row = document.getElementById('arm-' + arm.arm);
      if (!row) {
        continue;
      }
      const cell = (name) => row.querySelector('[data-field="' + name + '"]');
      if (arm.runId !== null && !cell('runId').querySelector('a')) {
        runsChanged = true;
      }
      cell('state').textContent = arm.state + (arm.note ? ' — ' + arm.note : '');
      cell('step').textContent = arm.currentStep === null ? '—'
        : arm.currentStep + (arm.totalSteps !== null ? ' / ' + arm.totalSteps : '');
      cell('evaluatedStep').textContent = text(arm.evaluatedStep);
      for (const f of ['inDomainAccuracy', 'inDomainMeanIou', 'outOfDomainAccuracy', 'outOfDomainMeanIou']) {
        cell(f).textContent = fixed(arm[f]);
      }
    }
    document.getElementById('experiment-state').textContent = view.state;
    // a run appeared (links, compare page) or the preparation ended: reload once for the server-rendered parts
    if (runsChanged || (view.state !== 'PREPARING' && main.querySelector('#experiment-state').className.includes('PREPARING'))) {
      window.location.reload();
      return false;
    }
    const ended = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'ABANDONED', 'NOT_STARTED'];
    return !(view.state !== 'PREPARING' && view.arms.every((a) => ended.includes(a.state)));
  }
  async function loop() {
    let again = true;
    try {
      again = await refresh();
    } catch (e) {
      again = true;
    }
    if (again) {
      setTimeout(loop, 5000);
    }
  }
  setTimeout(loop, 5000);
})();
