import { MemoryAuditSink } from '../../src/audit/memory-sink';
import { describeAuditSinkContract } from './audit-sink-contract';

describeAuditSinkContract('in-memory', {
  crossProcess: false,
  createLog: async () => {
    // Both "instances" are the same object: the memory sink is one process's log by definition.
    const sink = new MemoryAuditSink();
    const at = (seq: number): number => sink.entries.findIndex((e) => e.seq === seq);
    return {
      open: async () => sink,
      modify: async (seq, field, value) => {
        sink.entries[at(seq)] = { ...sink.entries[at(seq)], [field]: value };
      },
      remove: async (seq) => {
        sink.entries.splice(at(seq), 1);
      },
      swap: async (a, b) => {
        const [i, j] = [at(a), at(b)];
        [sink.entries[i], sink.entries[j]] = [sink.entries[j], sink.entries[i]];
      },
    };
  },
});
