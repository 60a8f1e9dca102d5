// Entry of the `vigil` command (built to out/main/cli.js; in development
// `node --import tsx electron/cli/vigil.ts`).
import { runCli } from './run-cli.js';

const stopSignal = (): Promise<string> =>
  new Promise((resolve) => {
    const on = (sig: NodeJS.Signals): void => {
      // A second signal while backends are stopping means "now".
      process.once(sig, () => process.exit(130));
      resolve(sig);
    };
    process.once('SIGINT', on);
    process.once('SIGTERM', on);
  });

runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, stopSignal }).then(
  // Exit only after stdout drained: a piped `oom-scan` output must not be cut.
  (code) => void process.stdout.write('', () => process.exit(code)),
  (e: Error) => {
    process.stderr.write(`vigil: ${e.message}\n`);
    process.exit(1);
  },
);
