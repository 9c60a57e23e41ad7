import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Child-process tests (SIGKILL, SIGTERM) run the compiled server exactly as `npm start` does: build it once. */
export default function setup(): void {
  const serverDir = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(process.execPath, [fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url)), '-p', serverDir], {
    stdio: 'inherit',
  });
}
