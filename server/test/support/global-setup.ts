import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Child-process tests (SIGKILL, SIGTERM) run the compiled server exactly as `npm start` does: build it once,
 * after `@tandem/common`, whose compiled output the server imports at run time, and bundle it as `npm run build`
 * does — otherwise the tests would leave tsc's unbundled `dist/main.js` behind, and the next `npm start` or bench
 * would run that instead of the bundle [O4].
 */
export default function setup(): void {
  const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));
  for (const project of ['../../../common', '../..']) {
    execFileSync(process.execPath, [tsc, '-p', fileURLToPath(new URL(project, import.meta.url))], { stdio: 'inherit' });
  }
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/bundle.mjs', import.meta.url))], { stdio: 'inherit' });
}
