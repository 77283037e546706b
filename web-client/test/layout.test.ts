import { describe, expect, it } from 'vitest';
import { layoutFor } from '../src/ui/layout';

describe('layoutFor', () => {
  it('gives a portrait phone the phone layout', () => {
    expect(layoutFor({ width: 390, height: 844 })).toBe('phone');
    expect(layoutFor({ width: 600, height: 900 })).toBe('phone');
  });

  it('gives a phone turned sideways the full-screen video', () => {
    expect(layoutFor({ width: 844, height: 390 })).toBe('landscape');
  });

  it('keeps two columns on a desktop and one column on a tablet', () => {
    expect(layoutFor({ width: 1280, height: 800 })).toBe('desktop');
    expect(layoutFor({ width: 768, height: 1024 })).toBe('desktop');
    expect(layoutFor({ width: 601, height: 900 })).toBe('desktop');
  });

  it('stays a phone while the keyboard takes the height away', () => {
    expect(layoutFor({ width: 390, height: 300, typing: true, previous: 'phone' })).toBe('phone');
    expect(layoutFor({ width: 390, height: 300, typing: false, previous: 'phone' })).toBe('landscape');
  });
});
