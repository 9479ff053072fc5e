import type { FastifyInstance } from 'fastify';
import { AlephError } from '../../errors.js';
import { parseContent, parseEnvelope } from '../../protocol/index.js';
import type { NodeContext } from '../nodeContext.js';
import { messageVerdicts } from '../programs/historyView.js';

async function registerFile(node: NodeContext, hash: string, size: number): Promise<void> {
  await node.db.insertInto('files').values({ hash, size, created: Date.now() / 1000 }).onConflict((oc) => oc.column('hash').doNothing()).execute();
}

/**
 * aleph's storage endpoints. add_file takes the bytes and, optionally, the signed STORE for them in a
 * `metadata` field: the bytes must hash to the STORE's item_hash, or nothing is kept.
 */
export function storageRoutes(app: FastifyInstance, node: NodeContext): void {
  app.post('/api/v0/storage/add_file', async (req, reply) => {
    let metadata = null as { message?: unknown; sync?: boolean } | null;
    let stored = null as { hash: string; size: number } | null;
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (stored) throw new AlephError('UPLOAD_INVALID', 'one file per upload', { status: 400 });
        stored = await node.files.put(part.file, node.maxFileBytes);
        if (part.file.truncated) throw new AlephError('FILE_TOO_LARGE', `file is over the ${node.maxFileBytes} byte limit`, { status: 413 });
      } else if (part.fieldname === 'file') {
        // @aleph-sdk/client appends a Buffer to FormData, which sends it as a text field, not a file part.
        if (stored) throw new AlephError('UPLOAD_INVALID', 'one file per upload', { status: 400 });
        stored = await node.files.putBytes(Buffer.from(String(part.value), 'utf8'));
      } else if (part.fieldname === 'metadata') {
        try {
          // @fastify/multipart already parses a field sent as application/json.
          metadata = (typeof part.value === 'object' ? part.value : JSON.parse(String(part.value))) as typeof metadata;
        } catch {
          throw new AlephError('MESSAGE_MALFORMED_JSON', 'the metadata field is not valid JSON', { details: { field: 'metadata' } });
        }
      }
    }
    if (!stored) throw new AlephError('UPLOAD_INVALID', 'no file in the upload (multipart field "file")', { status: 400 });
    if (metadata?.message) {
      const envelope = parseEnvelope(metadata.message);
      const declared = envelope.item_content ? (parseContent(envelope, envelope.item_content).content as { item_hash?: string }).item_hash : undefined;
      if (envelope.type !== 'STORE' || declared !== stored.hash) {
        const alreadyKnown = await node.db.selectFrom('files').select('hash').where('hash', '=', stored.hash).executeTakeFirst();
        if (!alreadyKnown) await node.files.remove(stored.hash);
        const err = new AlephError('STORE_HASH_MISMATCH', 'the uploaded bytes do not hash to the item_hash of the STORE message', {
          hint: 'item_hash in the STORE content must be the sha256 of the file bytes',
          details: { declared: declared ?? null, actual: stored.hash },
        });
        await node.pipeline.rejectUnparsed(metadata.message, err);
        throw err;
      }
      await registerFile(node, stored.hash, stored.size);
      const r = await node.pipeline.submit(metadata.message);
      await node.pipeline.retryWaitingFor(stored.hash);
      // A STORE amend is accepted on its own; each program using the file decides whether to adopt it.
      const program_verdicts = r.status === 'processed' && r.verdicts ? await messageVerdicts(node.db, r.item_hash) : [];
      return reply.code(r.status === 'pending' ? 202 : 200).send({ status: 'success', hash: stored.hash, message_status: r.status, ...(program_verdicts.length ? { program_verdicts } : {}) });
    }
    await registerFile(node, stored.hash, stored.size);
    await node.pipeline.retryWaitingFor(stored.hash);
    return { status: 'success', hash: stored.hash };
  });

  // The SDKs store large message content as JSON files before sending a `storage` message for it.
  app.post('/api/v0/storage/add_json', async (req) => {
    const text = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    const stored = await node.files.putBytes(text);
    await registerFile(node, stored.hash, stored.size);
    await node.pipeline.retryWaitingFor(stored.hash);
    return { status: 'success', hash: stored.hash };
  });

  app.get('/api/v0/storage/raw/:hash', async (req, reply) => {
    const { hash } = req.params as { hash: string };
    let fileHash = hash;
    const store = await node.db.selectFrom('stores').select('file_hash').where('item_hash', '=', hash).executeTakeFirst();
    if (store) fileHash = store.file_hash;
    if (!/^[0-9a-f]{64}$/.test(fileHash) || !(await node.files.has(fileHash))) {
      return reply.code(404).send({ error_code: 'FILE_NOT_FOUND', details: { message: `no file ${hash}`, hash } });
    }
    return reply.type('application/octet-stream').send(node.files.read(fileHash));
  });
}
