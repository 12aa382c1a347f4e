/** The `cors-lens` executable: main() on this process's arguments and streams. Built to build/cors-lens.js. */
import { main } from './main.ts';

const color = process.stdout.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb';

main(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), color }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // A bug, not bad input: say so on one line and exit 2 like any other failure to decide.
    process.stderr.write(`cors-lens: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
