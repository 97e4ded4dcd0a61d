// Memory as the server process itself sees it, after a full GC (the node runs --expose-gc).

export interface MemorySample {
  rss: number;
  heapUsed: number;
}

export function measureMemoryAfterGc(): MemorySample {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('start this process with --expose-gc to measure memory');
  // Two passes: the first can leave weak references and finalizers for the second.
  collect();
  collect();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed };
}
