/**
 * Resizing an image by its handle [UP7]: the width the handle asks for, by pointer or by key. Only the width
 * is stored (the picture's height follows it), so every size keeps the image's aspect ratio.
 */
import { MAX_IMAGE_WIDTH, MIN_IMAGE_WIDTH } from '@tandem/common/schema';

/** The widths the handle may set, in CSS pixels. */
export interface WidthBounds {
  min: number;
  max: number;
}

/** Arrow keys move by this many pixels; with Shift, or PageUp/PageDown, by the large step. */
export const RESIZE_STEP = 10;
export const RESIZE_STEP_LARGE = 50;

const clamp = (n: number, b: WidthBounds) => Math.min(b.max, Math.max(b.min, Math.round(n)));

/**
 * From the smallest stored width to the column's width: wider than the column would only be shown at the
 * column's width anyway. A column not laid out (width 0) allows up to the schema's maximum.
 */
export function resizeBounds(columnWidth: number): WidthBounds {
  const max = columnWidth > 0 ? Math.min(MAX_IMAGE_WIDTH, Math.floor(columnWidth)) : MAX_IMAGE_WIDTH;
  return { min: MIN_IMAGE_WIDTH, max: Math.max(MIN_IMAGE_WIDTH, max) };
}

/** The width after dragging the handle (on the image's right edge) `dx` pixels from where it started. */
export function draggedWidth(startWidth: number, dx: number, bounds: WidthBounds): number {
  return clamp(startWidth + dx, bounds);
}

/**
 * The width a key on the focused handle asks for, or null when the key is not one of the handle's:
 * Right/Up grow, Left/Down shrink (by the large step with Shift), PageUp/PageDown by the large step,
 * Home the smallest, End the largest — the keys of a slider.
 */
export function keyedWidth(current: number, key: string, shiftKey: boolean, bounds: WidthBounds): number | null {
  const step = shiftKey ? RESIZE_STEP_LARGE : RESIZE_STEP;
  switch (key) {
    case 'ArrowRight':
    case 'ArrowUp':
      return clamp(current + step, bounds);
    case 'ArrowLeft':
    case 'ArrowDown':
      return clamp(current - step, bounds);
    case 'PageUp':
      return clamp(current + RESIZE_STEP_LARGE, bounds);
    case 'PageDown':
      return clamp(current - RESIZE_STEP_LARGE, bounds);
    case 'Home':
      return bounds.min;
    case 'End':
      return bounds.max;
    default:
      return null;
  }
}
