/** A box in absolute pixels of the original image: [x1, y1, x2, y2]. */
export type Box = [number, number, number, number];

export interface LabelledBox {
  box: Box;
  label?: string;
  color?: string;
}

const PALETTE = ['#00c853', '#2962ff', '#ff6d00', '#d500f9', '#00b8d4', '#ffd600', '#c51162', '#64dd17'];

/** A stable colour per label, so the same class is drawn the same way on every image. */
export function colorFor(label: string | undefined): string {
  if (!label) return PALETTE[0];
  let hash = 0;
  for (let i = 0; i < label.length; i++) hash = (hash * 31 + label.charCodeAt(i)) | 0;
  return PALETTE[Math.abs(hash) % PALETTE.length];
}

/**
 * Draws boxes over an image on a canvas sized to the image's natural size, so the
 * coordinates in the dataset (original-image pixels) need no conversion. Labels are
 * drawn with fillText, never as HTML. Returns how many boxes were drawn.
 */
export function drawBoxes(canvas: HTMLCanvasElement, image: HTMLImageElement, boxes: LabelledBox[]): number {
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const ctx = canvas.getContext('2d');
  if (!ctx) return 0;
  ctx.drawImage(image, 0, 0);
  const lineWidth = Math.max(2, Math.round(Math.min(canvas.width, canvas.height) / 150));
  ctx.lineWidth = lineWidth;
  ctx.font = `${Math.max(12, lineWidth * 6)}px sans-serif`;
  for (const { box, label, color } of boxes) {
    const [x1, y1, x2, y2] = box;
    ctx.strokeStyle = color ?? '#00c853';
    ctx.strokeRect(x1, y1, x2 - x1, y2 - y1);
    if (label) {
      const textWidth = ctx.measureText(label).width;
      ctx.fillStyle = color ?? '#00c853';
      ctx.fillRect(x1, Math.max(0, y1 - lineWidth * 7), textWidth + 6, lineWidth * 7);
      ctx.fillStyle = '#fff';
      ctx.fillText(label, x1 + 3, Math.max(lineWidth * 6, y1 - lineWidth));
    }
  }
  return boxes.length;
}
