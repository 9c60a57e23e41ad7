import { describeDocStoreContract } from '../contract.js';
import { pgHarness } from './helpers.js';

describeDocStoreContract('pg store', () => pgHarness());
describeDocStoreContract('pg store (2 ms group commit, 2 connections)', () => pgHarness({ groupCommitMs: 2, pool: { max: 2 } }));
