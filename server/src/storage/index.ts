/** The storage layer's public surface. */
export * from './doc-store.js';
export { createFileStore, type FileStoreOptions, type StoreLogger, type StoreIo, type CompactionStep, type CompactionHooks } from './file-store.js';
export { createMemoryStore, createMemoryStoreData, type MemoryStoreData } from './memory-store.js';
export { createPgStore, AppendQueueFullError, type PgStoreOptions, type PgDocStore } from './pg-store.js';
