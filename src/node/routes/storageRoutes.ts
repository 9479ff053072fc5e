import type { FastifyInstance } from 'fastify';
import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import { AlephError, isAlephError } from '../../errors.js';
import { isMessageRejection } from './errorStatus.js';
import { isCid, parseContent, parseEnvelope, type MessageEnvelope } from '../../protocol/index.js';
import { fileTooLarge, type StagedFile } from '../files/fileStore.js';
import { commitUpload, removeIfUnused } from '../files/uploadGc.js';
import { UploadBudget } from '../files/uploadBudget.js';
import type { NodeContext } from '../nodeContext.js';
import { messageVerdicts } from '../programs/historyView.js';
import { fileOfCid } from '../ipfs/cidIndex.js';

export interface Metadata {
  message?: unknown;
  sync?: boolean;
}

export function parseMetadata(part: MultipartValue): Metadata {
  if (part.valueTruncated)
    throw new AlephError('UPLOAD_FIELD_TOO_LARGE', 'the metadata field is too long', {
      details: { field: 'metadata' },
    });
  try {
    // @fastify/multipart already parses a field sent as application/json.
    const v: unknown = typeof part.value === 'object' ? part.value : JSON.parse(String(part.value));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Metadata;
  } catch {
    // answered below
  }
  throw new AlephError('MESSAGE_MALFORMED_JSON', 'the metadata field is not a JSON object', {
    details: { field: 'metadata' },
  });
}

/** The file hash a STORE envelope declares in its inline content (undefined when it has none). */
export function declaredFile(envelope: MessageEnvelope): string | undefined {
  if (envelope.type !== 'STORE' || !envelope.item_content) return undefined;
  return (parseContent(envelope, envelope.item_content).content as { item_hash?: string }).item_hash;
}

/**
 * aleph's storage endpoints. add_file takes the bytes and, optionally, the signed STORE for them in a
 * `metadata` field: the bytes must hash to the STORE's item_hash, or nothing is kept. Without a signed
 * STORE sent ahead of the file, an upload is anonymous: capped at maxUnauthenticatedUploadBytes (as
 * pyaleph does) and collected after the grace period unless a STORE comes to name it. Bytes are staged
 * and enter the store only once accepted, so an oversized, cut-off or refused upload leaves nothing.
 */
export function storageRoutes(
  app: FastifyInstance,
  node: NodeContext,
  budget = new UploadBudget(node.limits.anonymousUploadBytesPerMinute),
): void {
  const anonymousHint = `uploads over ${node.maxUnauthenticatedUploadBytes} bytes need a signed STORE in the "metadata" field, sent before the file`;

  app.post('/api/v0/storage/add_file', async (req, reply) => {
    let metadata: Metadata | null = null;
    let signed: MessageEnvelope | null = null;
    let staged: StagedFile | null = null;
    let committed = false;
    try {
      for await (const part of req.parts()) {
        if (part.type === 'file' || part.fieldname === 'file') {
          if (staged) throw new AlephError('UPLOAD_INVALID', 'one file per upload', {});
          // Anonymous so far (no STORE ahead of the file): refused while this client's budget is spent.
          if (!signed && !metadata) budget.check(req.ip);
          const max = signed ? node.maxFileBytes : node.maxUnauthenticatedUploadBytes;
          const hint = signed ? undefined : anonymousHint;
          if (part.type === 'file') staged = await node.files.stage((part as MultipartFile).file, max, hint);
          else if (part.valueTruncated) throw fileTooLarge(max, hint);
          // @aleph-sdk/client appends a Buffer to FormData, which sends it as a text field, not a file part.
          else staged = await node.files.stageBytes(Buffer.from(String(part.value), 'utf8'), max, hint);
        } else if (part.fieldname === 'metadata') {
          if (metadata) throw new AlephError('UPLOAD_INVALID', 'one metadata field per upload', {});
          metadata = parseMetadata(part);
          // Checked before the file is read, so a large file is only taken from a verified signer.
          if (!staged && metadata.message !== undefined) signed = await verifiedStore(node, metadata.message);
        }
      }
      if (!staged) throw new AlephError('UPLOAD_INVALID', 'no file in the upload (multipart field "file")', {});
      if (metadata?.message !== undefined) {
        const envelope = signed ?? parseEnvelope(metadata.message);
        const declared = declaredFile(envelope);
        if (declared !== staged.hash) {
          const err = new AlephError(
            'STORE_HASH_MISMATCH',
            'the uploaded bytes do not hash to the item_hash of the STORE message',
            {
              hint: 'item_hash in the STORE content must be the sha256 of the file bytes',
              details: { declared: declared ?? null, actual: staged.hash },
            },
          );
          await node.pipeline.rejectUnparsed(metadata.message, err);
          throw err;
        }
        const isNew = await commitUpload(node.db, node.files, staged);
        committed = true;
        let r: Awaited<ReturnType<typeof node.pipeline.submit>>;
        try {
          r = await node.pipeline.submit(metadata.message);
        } catch (e) {
          // A refused STORE keeps none of the bytes it brought.
          if (isNew && isMessageRejection(e)) await removeIfUnused(node.db, node.files, staged.hash);
          throw e;
        }
        await node.pipeline.retryWaitingFor(staged.hash);
        // A STORE amend is accepted on its own; each program using the file decides whether to adopt it.
        const program_verdicts =
          r.status === 'processed' && r.verdicts ? await messageVerdicts(node.db, r.item_hash) : [];
        return reply.code(r.status === 'pending' ? 202 : 200).send({
          status: 'success',
          hash: staged.hash,
          message_status: r.status,
          ...(program_verdicts.length ? { program_verdicts } : {}),
        });
      }
      budget.charge(req.ip, staged.size);
      await commitUpload(node.db, node.files, staged);
      committed = true;
      await node.pipeline.retryWaitingFor(staged.hash);
      return { status: 'success', hash: staged.hash };
    } finally {
      if (staged && !committed) await node.files.discard(staged);
    }
  });

  // The SDKs store large message content as JSON files before sending a `storage` message for it. The body
  // is kept as sent, never parsed here: a message that names it parses it, under the content caps.
  void app.register(async (scope) => {
    // The node-wide parser (depth-checked JSON) is replaced in this scope only: this body is never parsed here.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: node.maxUnauthenticatedUploadBytes },
      (_req, body, done) => done(null, body),
    );
    scope.post('/api/v0/storage/add_json', async (req) => {
      budget.check(req.ip);
      const staged = await node.files.stageBytes(req.body as Buffer, node.maxUnauthenticatedUploadBytes, anonymousHint);
      budget.charge(req.ip, staged.size);
      await commitUpload(node.db, node.files, staged);
      await node.pipeline.retryWaitingFor(staged.hash);
      return { status: 'success', hash: staged.hash };
    });
  });

  app.get('/api/v0/storage/raw/:hash', async (req, reply) => {
    const { hash } = req.params as { hash: string };
    let fileHash = hash;
    // A CID names the file kubo would give it (uploaded through /api/v0/ipfs).
    if (isCid(hash)) fileHash = (await fileOfCid(node.reads, hash))?.file_hash ?? hash;
    const store = await node.reads
      .selectFrom('stores')
      .select('file_hash')
      .where('item_hash', '=', hash)
      .executeTakeFirst();
    if (store) fileHash = store.file_hash;
    if (!/^[0-9a-f]{64}$/.test(fileHash) || !(await node.files.has(fileHash))) {
      throw new AlephError('FILE_NOT_FOUND', `no file ${hash}`, { details: { hash } });
    }
    return reply.type('application/octet-stream').send(node.files.read(fileHash));
  });
}

/**
 * The STORE in an upload's metadata, its signature verified: what entitles the upload to the larger cap.
 * Null when the metadata is not a STORE declaring a file (the upload is then refused once the bytes are in).
 */
export async function verifiedStore(node: NodeContext, putative: unknown): Promise<MessageEnvelope | null> {
  const envelope = parseEnvelope(putative);
  try {
    if (declaredFile(envelope) === undefined) return null;
    await node.pipeline.verifySignature(envelope);
  } catch (e) {
    if (isAlephError(e)) await node.pipeline.rejectUnparsed(putative, e);
    throw e;
  }
  return envelope;
}
