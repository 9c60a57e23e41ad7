import { createMemoryStore, createMemoryStoreData } from '../../src/storage/memory-store.js';
import { describeDocStoreContract } from './contract.js';

describeDocStoreContract('memory store', async () => {
  const data = createMemoryStoreData();
  let current = createMemoryStore(data);
  return {
    get store() {
      return current;
    },
    async reopen() {
      await current.close();
      current = createMemoryStore(data);
      return current;
    },
    async cleanup() {
      await current.close();
    },
  };
});
