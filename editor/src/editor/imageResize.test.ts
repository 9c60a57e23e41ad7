import { MAX_IMAGE_WIDTH, MIN_IMAGE_WIDTH } from '@tandem/common/schema';
import { describe, expect, it } from 'vitest';
import { draggedWidth, keyedWidth, RESIZE_STEP, RESIZE_STEP_LARGE, resizeBounds } from './imageResize';

const bounds = resizeBounds(700);

describe('[UP7] image resize widths', () => {
  it('bounds run from the smallest stored width to the column (the schema maximum when not laid out)', () => {
    expect(bounds).toEqual({ min: MIN_IMAGE_WIDTH, max: 700 });
    expect(resizeBounds(640.7)).toEqual({ min: MIN_IMAGE_WIDTH, max: 640 });
    expect(resizeBounds(0)).toEqual({ min: MIN_IMAGE_WIDTH, max: MAX_IMAGE_WIDTH });
    expect(resizeBounds(9000).max).toBe(MAX_IMAGE_WIDTH);
    expect(resizeBounds(4)).toEqual({ min: MIN_IMAGE_WIDTH, max: MIN_IMAGE_WIDTH });
  });

  it('a drag adds its distance to the starting width, in whole pixels, within the bounds', () => {
    expect(draggedWidth(320, 80, bounds)).toBe(400);
    expect(draggedWidth(320, -100.4, bounds)).toBe(220);
    expect(draggedWidth(320, 1000, bounds)).toBe(700);
    expect(draggedWidth(320, -1000, bounds)).toBe(MIN_IMAGE_WIDTH);
  });

  it('keys act as on a slider: arrows step (Shift for a large step), PageUp/PageDown, Home and End', () => {
    expect(keyedWidth(300, 'ArrowRight', false, bounds)).toBe(300 + RESIZE_STEP);
    expect(keyedWidth(300, 'ArrowUp', false, bounds)).toBe(300 + RESIZE_STEP);
    expect(keyedWidth(300, 'ArrowLeft', false, bounds)).toBe(300 - RESIZE_STEP);
    expect(keyedWidth(300, 'ArrowDown', true, bounds)).toBe(300 - RESIZE_STEP_LARGE);
    expect(keyedWidth(300, 'PageUp', false, bounds)).toBe(300 + RESIZE_STEP_LARGE);
    expect(keyedWidth(300, 'PageDown', false, bounds)).toBe(300 - RESIZE_STEP_LARGE);
    expect(keyedWidth(300, 'Home', false, bounds)).toBe(MIN_IMAGE_WIDTH);
    expect(keyedWidth(300, 'End', false, bounds)).toBe(700);
    expect(keyedWidth(695, 'ArrowRight', true, bounds)).toBe(700);
    expect(keyedWidth(20, 'ArrowLeft', false, bounds)).toBe(MIN_IMAGE_WIDTH);
    expect(keyedWidth(300, 'a', false, bounds)).toBeNull();
    expect(keyedWidth(300, 'Enter', false, bounds)).toBeNull();
  });
});
