/** Reconnect delay: `baseMs` doubling per failed attempt, capped at `maxMs` (0.5 s → 5 s by default). */
export function backoffDelay(attempt: number, baseMs = 500, maxMs = 5000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
}
