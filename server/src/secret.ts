import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const SECRET_FILE = 'secret';

/**
 * The key that signs share-link tokens: `SECRET` when configured, else one generated on first start and
 * kept in DATA_DIR (mode 0600) so links survive restarts.
 */
export async function resolveSecret(configured: string | undefined, dataDir: string): Promise<Uint8Array> {
  if (configured) return new TextEncoder().encode(configured);
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, SECRET_FILE);
  try {
    return new TextEncoder().encode((await readFile(path, 'utf8')).trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const generated = randomBytes(32).toString('base64url');
  try {
    // 'wx': if another process created it meanwhile, keep theirs.
    await writeFile(path, generated + '\n', { mode: 0o600, flag: 'wx' });
    return new TextEncoder().encode(generated);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return new TextEncoder().encode((await readFile(path, 'utf8')).trim());
  }
}
