/** What the CLI prints: results on stdout, problems one per line on stderr, and a progress line on a TTY. */

export interface Output {
  /** A result line (stdout). */
  result(line: string): void;
  /** A problem or a note (stderr), one line. */
  problem(line: string): void;
  /** `what: done/total` rewritten in place on stderr when it is a terminal; nothing otherwise. */
  progress(what: string, done: number, total: number | null): void;
  /** Ends a progress line, if one is showing. */
  endProgress(): void;
}

export function consoleOutput(stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): Output {
  let showing = false;
  let lastDraw = 0;
  const clear = () => {
    if (showing) stderr.write('\r\x1b[K');
    showing = false;
  };
  return {
    result(line) {
      clear();
      stdout.write(`${line}\n`);
    },
    problem(line) {
      clear();
      stderr.write(`${line}\n`);
    },
    progress(what, done, total) {
      if (!stderr.isTTY) return;
      const now = Date.now();
      // At most ~20 redraws a second: a terminal is slower than a fast backup.
      if (now - lastDraw < 50 && done !== total) return;
      lastDraw = now;
      const share = total ? ` ${Math.floor((done / total) * 100)}%` : '';
      stderr.write(`\r\x1b[K${what}: ${done}${total === null ? '' : `/${total}`}${share}`);
      showing = true;
    },
    endProgress() {
      clear();
    },
  };
}
