/**
 * Which watch-page layout a viewport gets. Pure: the DOM side is `viewport.ts`.
 * - `phone`: portrait and at most 600 px wide: player on top, chat filling the rest, the input
 *   and the like/gift buttons pinned at the bottom, gifts in a bottom sheet.
 * - `landscape`: a phone turned sideways (at most 500 px high): the video fills the screen with
 *   its danmaku, and a compact input over it.
 * - `desktop`: today's two columns (one column between 600 and 900 px).
 */
export type Layout = 'phone' | 'landscape' | 'desktop';

export const PHONE_MAX_WIDTH = 600;
export const LANDSCAPE_MAX_HEIGHT = 500;
/** How long the phone's player controls stay after a tap. */
export const CONTROLS_SHOWN_MS = 3000;

export interface ViewportFacts {
  width: number;
  height: number;
  /** A text field has the focus: an on-screen keyboard may be taking height away. */
  typing?: boolean;
  previous?: Layout;
}

export function layoutFor({ width, height, typing = false, previous }: ViewportFacts): Layout {
  // an opening keyboard shrinks the height of a portrait phone: that is not a turn to landscape
  if (typing && previous === 'phone' && width <= PHONE_MAX_WIDTH) return 'phone';
  if (width <= PHONE_MAX_WIDTH && height >= width) return 'phone';
  if (height <= LANDSCAPE_MAX_HEIGHT && width > height) return 'landscape';
  return 'desktop';
}
