import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('has the contract defaults', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.HOST).toBe('0.0.0.0');
    expect(c.DATA_DIR).toBe('./data');
    expect(c.PUBLIC_URL).toBe('http://localhost:3000');
    expect(c.LOG_LEVEL).toBe('info');
    expect(c.SECRET).toBeUndefined();
  });

  it('[UP9] per-document upload quota: 500 MiB and 1000 images unless set', () => {
    expect(loadConfig({})).toMatchObject({ UPLOAD_DOC_MAX_BYTES: 500 * 1024 * 1024, UPLOAD_DOC_MAX_FILES: 1000 });
    expect(loadConfig({ UPLOAD_DOC_MAX_BYTES: '2048', UPLOAD_DOC_MAX_FILES: '5' })).toMatchObject({ UPLOAD_DOC_MAX_BYTES: 2048, UPLOAD_DOC_MAX_FILES: 5 });
  });

  it('PUBLIC_URL follows PORT, flags override the environment', () => {
    expect(loadConfig({ PORT: '4000' }).PUBLIC_URL).toBe('http://localhost:4000');
    expect(loadConfig({ PORT: '4000' }, ['--port', '5000']).PORT).toBe(5000);
    expect(loadConfig({}, ['--DATA_DIR=/tmp/x']).DATA_DIR).toBe('/tmp/x');
    expect(loadConfig({ PUBLIC_URL: 'https://docs.example.org/' }).PUBLIC_URL).toBe('https://docs.example.org');
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT: /],
    [{ PORT: '70000' }, /^PORT: /],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: /],
    [{ SECRET: 'short' }, /^SECRET: /],
    [{ PUBLIC_URL: 'ftp://x' }, /^PUBLIC_URL: /],
    [{ MAX_MESSAGE_BYTES: '-1' }, /^MAX_MESSAGE_BYTES: /],
    [{ DATABASE_URL: 'mysql://db/x' }, /^DATABASE_URL: /],
    [{ REDIS_URL: 'http://cache:6379' }, /^REDIS_URL: /],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /^TRUST_PROXY: /],
    [{ TRUST_PROXY: 'my-proxy.local' }, /^TRUST_PROXY: /],
    [{ METRICS_TOKEN: 'short' }, /^METRICS_TOKEN: /],
    [{ HISTORY: 'maybe' }, /^HISTORY: /],
    [{ UPLOAD_DOC_MAX_FILES: '0' }, /^UPLOAD_DOC_MAX_FILES: /],
    [{ UPLOAD_DOC_MAX_BYTES: '1.5' }, /^UPLOAD_DOC_MAX_BYTES: /],
    // Instances relaying to each other must share one store.
    [{ REDIS_URL: 'redis://127.0.0.1:6379' }, /^REDIS_URL: needs DATABASE_URL/],
  ])('an invalid value stops start-up with one line naming the variable: %o', (env, pattern) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as Error).message).toMatch(pattern);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});

describe('settings from files (Docker and Kubernetes secrets)', () => {
  it('reads SECRET_FILE and DATABASE_URL_FILE, dropping one trailing newline; refuses both forms or a missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-config-'));
    try {
      const secret = join(dir, 'secret');
      writeFileSync(secret, `${'s'.repeat(40)}\n`);
      const db = join(dir, 'db');
      writeFileSync(db, 'postgres://u:p@db:5432/tandem');
      const config = loadConfig({ SECRET_FILE: secret, DATABASE_URL_FILE: db });
      expect(config.SECRET).toBe('s'.repeat(40));
      expect(config.DATABASE_URL).toBe('postgres://u:p@db:5432/tandem');
      expect(() => loadConfig({ SECRET_FILE: secret, SECRET: 'x'.repeat(40) })).toThrow(/^SECRET_FILE: /);
      expect(() => loadConfig({ SECRET_FILE: join(dir, 'missing') })).toThrow(/^SECRET_FILE: cannot read .*ENOENT/);
      // What the file holds is validated like the variable itself.
      writeFileSync(secret, 'short');
      expect(() => loadConfig({ SECRET_FILE: secret })).toThrow(/^SECRET: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
