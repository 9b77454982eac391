// REC demo page: one expression → one box, drawn with the thinking text beside it.
import { setupDemo, type DemoResult } from './demo-common';
import type { Box } from '../lib/boxes';

interface RecResult extends DemoResult {
  box: Box | null;
  rawBox: Box | null;
}

const expression = document.getElementById('expression') as HTMLInputElement;

setupDemo<RecResult>(
  (data, sample) => {
    if (sample) {
      if (!expression.value) expression.value = sample.dataset.expression ?? '';
      return null;
    }
    if (!expression.value.trim()) return 'Type an expression: the object to find, e.g. "the red circle".';
    data.append('expression', expression.value.trim());
    return null;
  },
  (result) => {
    if (!result.box) {
      return { boxes: [], summary: 'The answer holds no [x1, y1, x2, y2] box, so nothing is drawn.' };
    }
    const [x1, y1, x2, y2] = result.box.map((v) => Math.round(v));
    return {
      boxes: [{ box: result.box, label: expression.value.trim() }],
      summary: `Box [${x1}, ${y1}, ${x2}, ${y2}] in image pixels (the model wrote [${result.rawBox?.join(', ')}] in its ${result.image.inputWidth}×${result.image.inputHeight} input).`,
    };
  },
);
