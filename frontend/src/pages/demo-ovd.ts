// OVD demo page: comma-separated labels → every detection drawn with its label, one colour per label.
import { setupDemo, type DemoResult } from './demo-common';
import type { Box } from '../lib/boxes';

interface OvdResult extends DemoResult {
  labels: string[];
  detections: { label: string; box: Box; rawBox: Box }[];
  problems: string[];
}

const COLOURS = ['#00c853', '#2962ff', '#d50000', '#ff6d00', '#aa00ff', '#00b8d4', '#c51162', '#64dd17'];
const labels = document.getElementById('labels') as HTMLInputElement;

setupDemo<OvdResult>(
  (data, sample) => {
    if (sample) {
      if (!labels.value) labels.value = sample.dataset.labels ?? '';
      return null;
    }
    const list = labels.value.split(',').map((l) => l.trim()).filter((l) => l.length > 0);
    if (list.length === 0) return 'List the objects to detect, separated by commas, e.g. "circle, square".';
    data.append('labels', list.join(', '));
    return null;
  },
  (result) => {
    const colourOf = (label: string) => {
      const i = result.labels.findIndex((l) => l.toLowerCase() === label.toLowerCase());
      return COLOURS[(i < 0 ? result.labels.length : i) % COLOURS.length];
    };
    const boxes = result.detections.map((d) => ({ box: d.box, label: d.label, color: colourOf(d.label) }));
    let summary = `${boxes.length} detection${boxes.length === 1 ? '' : 's'}.`;
    if (result.answer?.trim() === 'None') summary = 'The model answered None: nothing detected.';
    if (result.problems.length > 0) summary += ` Unreadable parts of the answer: ${result.problems.join('; ')}`;
    return { boxes, summary };
  },
);
