import { parentPort } from 'node:worker_threads';
import { isAlephError } from '../../errors.js';
import { verifySignature, type MessageEnvelope } from '../../protocol/index.js';

type Job = Pick<MessageEnvelope, 'chain' | 'sender' | 'type' | 'item_hash' | 'signature'>;

parentPort?.on('message', (batch: Array<[number, Job]>) => {
  const out = batch.map(([id, job]) => {
    try {
      verifySignature(job);
      return [id, null] as const;
    } catch (e) {
      const err = isAlephError(e) ? e : null;
      return [
        id,
        { code: err?.code ?? 'MESSAGE_INVALID_SIGNATURE', message: (e as Error).message, details: err?.details ?? {} },
      ] as const;
    }
  });
  parentPort?.postMessage(out);
});
