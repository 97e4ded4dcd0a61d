import { MemoryStore } from '../../server/store/memory.ts';
import { describeStoreContract } from './storeContract.ts';

describeStoreContract('MemoryStore', () => new MemoryStore());
