// What every e2e script shares: `--name value` arguments, the lines the Java side reads
// (`RESULT {json}`, `AWAIT …`, `DONE`, `FAIL …`) and its answers on stdin.
import { createInterface } from 'node:readline';
export const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
  return pairs;
}, []));
export const base = (args.base ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
export const stream = args.stream ?? 'demo';
export const say = (line) => process.stdout.write(`${line}\n`);
export const result = (obj) => say(`RESULT ${JSON.stringify(obj)}`);

/**
 * The Java side's answers on stdin, a line per `AWAIT <what>`: `ask(what)` says it and resolves with the
 * answer; `close()` lets go of stdin, so that the script can end.
 */
export function answers() {
  const input = createInterface({ input: process.stdin });
  const lines = [];
  const waiting = [];
  input.on('line', (line) => (waiting.length ? waiting.shift()(line.trim()) : lines.push(line.trim())));
  return {
    ask(what) {
      say(`AWAIT ${what}`);
      return lines.length ? Promise.resolve(lines.shift()) : new Promise((resolveLine) => waiting.push(resolveLine));
    },
    close() { input.close(); },
  };
}
