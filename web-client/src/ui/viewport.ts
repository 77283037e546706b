import { layoutFor, type Layout } from './layout';

function typing(): boolean {
  const el = document.activeElement;
  return el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement;
}

/**
 * Keeps `<html data-layout>` and the visual viewport's size and offset (`--vv-height`,
 * `--vv-top`) current, so that a phone's page fits above the on-screen keyboard: the keyboard
 * shrinks the visual viewport, not the layout viewport, on iOS and on Chrome for Android.
 */
export function bindViewport(onChange?: (layout: Layout) => void): void {
  const root = document.documentElement;
  let layout: Layout | undefined;
  const update = () => {
    const vv = window.visualViewport;
    const next = layoutFor({ width: window.innerWidth, height: window.innerHeight, typing: typing(), previous: layout });
    root.style.setProperty('--vv-height', `${Math.round(vv?.height ?? window.innerHeight)}px`);
    root.style.setProperty('--vv-top', `${Math.round(vv?.offsetTop ?? 0)}px`);
    if (next !== layout) {
      layout = next;
      root.dataset.layout = next;
      onChange?.(next);
    }
  };
  update();
  window.addEventListener('resize', update);
  window.addEventListener('orientationchange', update);
  window.visualViewport?.addEventListener('resize', update);
  window.visualViewport?.addEventListener('scroll', update);
  document.addEventListener('focusin', update);
  document.addEventListener('focusout', () => setTimeout(update, 100));
}
