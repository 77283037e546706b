// What every e2e script shares: `--name value` arguments and the lines the Java side reads
// (`RESULT {json}`, `AWAIT …`, `DONE`, `FAIL …`).
export const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
  return pairs;
}, []));
export const base = (args.base ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
export const stream = args.stream ?? 'demo';
export const say = (line) => process.stdout.write(`${line}\n`);
export const result = (obj) => say(`RESULT ${JSON.stringify(obj)}`);
