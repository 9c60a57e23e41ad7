import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Child-process tests (SIGKILL, SIGTERM) run the compiled server exactly as `npm start` does: build it once,
 * after `@tandem/common`, whose compiled output the server imports at run time.
 */
export default function setup(): void {
  const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));
  for (const project of ['../../../common', '../..']) {
    execFileSync(process.execPath, [tsc, '-p', fileURLToPath(new URL(project, import.meta.url))], { stdio: 'inherit' });
  }
}
