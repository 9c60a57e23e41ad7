/**
 * Several real Tandem instances (`node dist/main.js`, as `npm start` runs it) sharing one PostgreSQL
 * database and one redis-server, both started by the tests on free loopback ports.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnServer, stopChild, type ChildServer } from '../integration/support.js';
import { adminQuery, sharedPostgresUrl } from '../storage/pg/helpers.js';
import { startRedis, type TestRedis } from '../support/redis.js';

export interface TestCluster {
  redis: TestRedis;
  databaseUrl: string;
  instances: ChildServer[];
  /** Starts one more instance on the same database and Redis. */
  addInstance(): Promise<ChildServer>;
  cleanup(): Promise<void>;
}

export async function startCluster(count: number, env: Record<string, string> = {}): Promise<TestCluster> {
  const adminUrl = await sharedPostgresUrl();
  const database = `cluster_${randomBytes(5).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${database}`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  const redis = await startRedis();
  const secret = randomBytes(32).toString('hex');
  const dirs: string[] = [];
  const instances: ChildServer[] = [];
  const addInstance = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tandem-instance-'));
    dirs.push(dir);
    const instance = await spawnServer(dir, {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      SECRET: secret,
      LOG_LEVEL: 'warn',
      ...env,
    });
    instances.push(instance);
    return instance;
  };
  // One at a time: the first creates the schema, the others find it.
  for (let i = 0; i < count; i++) await addInstance();
  return {
    redis,
    databaseUrl,
    instances,
    addInstance,
    async cleanup() {
      await Promise.all(instances.map((instance) => stopChild(instance)));
      await redis.cleanup();
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    },
  };
}
