import type { FastifyInstance } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { Readable } from 'node:stream';
import { AlephError } from '../../errors.js';
import {
  isCid,
  parseEnvelope,
  type IpfsAddFileAnswer,
  type IpfsAddJsonAnswer,
  type MessageEnvelope,
} from '../../protocol/index.js';
import { fileTooLarge, type StagedFile } from '../files/fileStore.js';
import { commitUpload, removeIfUnused } from '../files/uploadGc.js';
import type { UploadBudget } from '../files/uploadBudget.js';
import { fileOfCid, recordCid, stageWithCid } from '../ipfs/cidIndex.js';
import type { NodeContext } from '../nodeContext.js';
import { isMessageRejection } from './errorStatus.js';
import { declaredFile, parseMetadata, verifiedStore, type Metadata } from './storageRoutes.js';

/**
 * The node's embedded IPFS, as pyaleph exposes kubo: `add_file` (optionally with the signed STORE, item_type
 * ipfs, whose item_hash must be the CID of the bytes), `add_json`, and reads by CID at `/ipfs/{cid}` (and
 * `/api/v0/storage/raw/{cid}`, in storageRoutes). The bytes are kept once, under their sha256, like any upload;
 * the CID is computed as kubo's `ipfs add` would, while they stream in. Caps, the anonymous budget and the
 * grace period are the storage upload's.
 */
export function ipfsRoutes(app: FastifyInstance, node: NodeContext, budget: UploadBudget): void {
  const anonymousHint = `uploads over ${node.maxUnauthenticatedUploadBytes} bytes need a signed STORE (item_type "ipfs") in the "metadata" field, sent before the file`;

  /** Puts staged bytes in the store under both names; answers whether the store did not have them. */
  async function keep(staged: StagedFile, cid: string): Promise<boolean> {
    const isNew = await commitUpload(node.db, node.files, staged);
    await recordCid(node.db, { cid, file_hash: staged.hash, size: staged.size });
    return isNew;
  }

  app.post('/api/v0/ipfs/add_file', async (req, reply) => {
    let metadata: Metadata | null = null;
    let signed: MessageEnvelope | null = null;
    let upload: { staged: StagedFile; cid: string; name: string } | null = null;
    let committed = false;
    try {
      for await (const part of req.parts()) {
        if (part.fieldname === 'file') {
          if (upload) throw new AlephError('UPLOAD_INVALID', 'one file per upload', { details: { field: 'file' } });
          if (!signed && !metadata) budget.check(req.ip);
          const max = signed ? node.maxFileBytes : node.maxUnauthenticatedUploadBytes;
          const hint = signed ? undefined : anonymousHint;
          let source: Readable;
          if (part.type === 'file') source = (part as MultipartFile).file;
          else if (part.valueTruncated) throw fileTooLarge(max, hint);
          else source = Readable.from([Buffer.from(String(part.value), 'utf8')]);
          const name = part.type === 'file' ? part.filename || 'file' : 'file';
          upload = { ...(await stageWithCid(node.files, source, max, hint)), name };
        } else if (part.fieldname === 'metadata') {
          if (metadata)
            throw new AlephError('UPLOAD_INVALID', 'one metadata field per upload', { details: { field: 'metadata' } });
          if (part.type === 'file')
            throw new AlephError('UPLOAD_INVALID', 'metadata is a field, not a file', {
              details: { field: 'metadata' },
            });
          metadata = parseMetadata(part);
          // Checked before the file is read, so a large file is only taken from a verified signer.
          if (!upload && metadata.message !== undefined) signed = await verifiedStore(node, metadata.message);
        }
      }
      if (!upload)
        throw new AlephError('UPLOAD_INVALID', 'no file in the upload (multipart field "file")', {
          details: { field: 'file' },
        });
      const { staged, cid, name } = upload;
      const answer: IpfsAddFileAnswer = { status: 'success', hash: cid, name, size: staged.size };
      if (metadata?.message === undefined) {
        budget.charge(req.ip, staged.size);
        await keep(staged, cid);
        committed = true;
        await node.pipeline.retryWaitingFor(cid);
        return answer;
      }
      const envelope = signed ?? parseEnvelope(metadata.message);
      const declared = declaredFile(envelope);
      if (declared !== cid) {
        const err = new AlephError(
          'IPFS_CID_MISMATCH',
          'the uploaded bytes do not have the CID the STORE message declares',
          {
            hint: 'the STORE content needs item_type "ipfs" and item_hash the CID `ipfs add` gives the file (CIDv0, 256 KiB chunks)',
            details: { declared: declared ?? null, actual: cid },
          },
        );
        await node.pipeline.rejectUnparsed(metadata.message, err);
        throw err;
      }
      const isNew = await keep(staged, cid);
      committed = true;
      let r: Awaited<ReturnType<typeof node.pipeline.submit>>;
      try {
        r = await node.pipeline.submit(metadata.message);
      } catch (e) {
        // A refused STORE keeps none of the bytes it brought.
        if (isNew && isMessageRejection(e)) await removeIfUnused(node.db, node.files, staged.hash);
        throw e;
      }
      await node.pipeline.retryWaitingFor(cid);
      return reply.code(r.status === 'pending' ? 202 : 200).send(answer);
    } finally {
      if (upload && !committed) await node.files.discard(upload.staged);
    }
  });

  // Kept as sent, never parsed here (as storage/add_json): a message that names the CID parses it, under its caps.
  void app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: node.maxUnauthenticatedUploadBytes },
      (_req, body, done) => done(null, body),
    );
    scope.post('/api/v0/ipfs/add_json', async (req): Promise<IpfsAddJsonAnswer> => {
      budget.check(req.ip);
      const { staged, cid } = await stageWithCid(
        node.files,
        Readable.from([req.body as Buffer]),
        node.maxUnauthenticatedUploadBytes,
        anonymousHint,
      );
      budget.charge(req.ip, staged.size);
      try {
        await keep(staged, cid);
      } catch (e) {
        await node.files.discard(staged);
        throw e;
      }
      await node.pipeline.retryWaitingFor(cid);
      return { status: 'success', hash: cid };
    });
  });

  // kubo's path gateway, for files: the bytes of /ipfs/{cid}. Directories are not stored here, so no sub-paths.
  app.get('/ipfs/:cid', async (req, reply) => {
    const { cid } = req.params as { cid: string };
    if (!isCid(cid))
      throw new AlephError('IPFS_CID_INVALID', `not an IPFS CID: ${cid}`, {
        hint: 'a CIDv0 (Qm…) or a base32 CIDv1 (b…)',
        details: { cid },
      });
    const file = await fileOfCid(node.reads, cid);
    if (!file || !(await node.files.has(file.file_hash)))
      throw new AlephError('FILE_NOT_FOUND', `no file ${cid} on this node`, { details: { hash: cid } });
    return reply
      .type('application/octet-stream')
      .header('content-length', file.size)
      .header('x-ipfs-path', `/ipfs/${cid}`)
      .header('etag', `"${cid}"`)
      .header('cache-control', 'public, max-age=29030400, immutable')
      .send(node.files.read(file.file_hash));
  });
}
