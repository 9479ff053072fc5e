import { EventEmitter } from 'node:events';
import { type AlephError, isAlephError } from '../../errors.js';
import {
  DEFAULT_PARSE_LIMITS,
  isAnyItemHash,
  parseContent,
  parseEnvelope,
  type MessageEnvelope,
  type ParseLimits,
  type ValidMessage,
} from '../../protocol/index.js';
import type { NodeEvent } from '../apply/applyContext.js';
import type { FileStore } from '../files/fileStore.js';
import { fileOfCid } from '../ipfs/cidIndex.js';
import { prefetchCodeManifest } from '../governance/prefetchManifest.js';
import type { ReaderStatements } from '../store/hotStatements.js';
import { storeStatements } from '../store/openStore.js';
import { getMessageRow, type Db } from '../store/queries.js';
import { ApplyQueue } from './applyQueue.js';
import type { BlockClock } from './blockClock.js';
import { assertWithinProgramLimits, DEFAULT_PROGRAM_LIMITS, type ProgramLimits } from './programLimits.js';
import { InFlight } from './inFlight.js';
import {
  DEFAULT_REJECTED_CONTENT_CHARS,
  hashConflict,
  recordPending,
  recordRejection,
  sameEnvelope,
} from './recordMessage.js';
import type { SignatureVerifier } from './signatureVerifier.js';
import { contentOf } from '../apply/contentOf.js';

/** `verdicts` false: no program recorded anything about the message, so there are no program_verdicts to read. */
export type SubmitResult =
  | { status: 'processed'; item_hash: string; height: number | null; verdicts: boolean }
  | { status: 'pending'; item_hash: string; waiting_for: string };

/** pyaleph's max_unauthenticated_upload_file_size: anonymous uploads, and so the content files they can carry. */
export const DEFAULT_UNAUTHENTICATED_UPLOAD_BYTES = 25 * 1024 * 1024;

export interface PipelineOptions {
  /** How much of a refused message's envelope and details the store keeps (characters per field). */
  maxRejectedContentChars?: number;
  /** Largest content file of a `storage` message: it is read whole and parsed on the main thread. */
  maxContentFileBytes?: number;
  /** The most one PROGRAM may declare (a network setting). */
  programLimits?: ProgramLimits;
  /** Depth and clock-skew bounds on message content. */
  parseLimits?: ParseLimits;
}

/** Emits 'message' (hash, height) after each commit and 'event' (NodeEvent) for program changes. */
export class NodeBus extends EventEmitter {}

/**
 * validate -> authorize -> apply. Validation (schema, hash, signature, content) happens concurrently;
 * authorization and application happen in the single ordered writer, so every node processes the same
 * messages in the same order to the same state.
 */
export class Pipeline {
  readonly bus = new NodeBus();
  private readonly applier: ApplyQueue;
  private readonly reader: ReaderStatements;
  private readonly inFlight = new InFlight<SubmitResult>();
  private readonly maxRejectedChars: number;
  private readonly maxContentFileBytes: number;
  private readonly programLimits: ProgramLimits;
  private readonly parseLimits: ParseLimits;

  constructor(
    private readonly db: Db,
    private readonly files: FileStore,
    private readonly verifier: SignatureVerifier,
    readonly blocks: BlockClock,
    opts: PipelineOptions = {},
  ) {
    this.programLimits = opts.programLimits ?? DEFAULT_PROGRAM_LIMITS;
    this.parseLimits = opts.parseLimits ?? DEFAULT_PARSE_LIMITS;
    this.maxRejectedChars = opts.maxRejectedContentChars ?? DEFAULT_REJECTED_CONTENT_CHARS;
    this.maxContentFileBytes = opts.maxContentFileBytes ?? DEFAULT_UNAUTHENTICATED_UPLOAD_BYTES;
    this.reader = storeStatements(db).reader;
    this.applier = new ApplyQueue(
      db,
      files,
      blocks,
      (applied, events) => {
        for (const a of applied) this.bus.emit('message', a.msg.envelope.item_hash, a.height);
        for (const e of events) this.bus.emit('event', e satisfies NodeEvent);
      },
      this.maxRejectedChars,
    );
  }

  async submit(putative: unknown): Promise<SubmitResult> {
    const receptionTime = Date.now() / 1000;
    let envelope: MessageEnvelope;
    try {
      envelope = parseEnvelope(putative, { limits: this.parseLimits, now: receptionTime });
    } catch (e) {
      // Record the refusal when the message names itself, so GET /messages/{hash} tells the sender why.
      const hash = (putative as { item_hash?: unknown } | null)?.item_hash;
      if (isAlephError(e) && isAnyItemHash(hash))
        await this.rejectLoose(putative as Record<string, unknown>, e, receptionTime);
      throw e;
    }
    // Copies of a message in flight share the first one's outcome (see InFlight).
    return this.inFlight.run(envelope, () => this.process(envelope, receptionTime));
  }

  private async process(envelope: MessageEnvelope, receptionTime: number): Promise<SubmitResult> {
    // Committed state only (the reader never sees the writer's open transaction).
    const status = this.reader.messageStatus(envelope.item_hash);
    // Every path below checks the signature first. Where the lookup is a round trip (PostgreSQL), the check starts
    // now, off the main thread, rather than after it: measured +10-20 % ingest there. (SQLite answers at once.)
    const early = status instanceof Promise ? this.verifier.verify(envelope) : null;
    early?.catch(() => undefined); // awaited on each path below
    const verified = () => early ?? this.verifier.verify(envelope);
    const existing = await status;
    if (existing && (existing.status === 'processed' || existing.status === 'forgotten')) {
      // A copy of a known message is answered 'processed' only if its own signature holds and it is the stored
      // sender's: a re-sent envelope with a swapped sender or signature is refused without touching the stored one.
      // The same content signed by another key has the same item_hash: that sender did not publish it.
      await verified();
      const row = await getMessageRow(this.db, envelope.item_hash);
      if (
        row &&
        (row.sender.toLowerCase() !== envelope.sender.toLowerCase() ||
          row.type !== envelope.type ||
          row.chain !== envelope.chain)
      )
        throw hashConflict(envelope.item_hash, 'processed');
      return { status: 'processed', item_hash: envelope.item_hash, height: existing.height, verdicts: true };
    }
    try {
      await verified();
      // The first verified envelope to wait under a hash keeps it: another one is refused, not swapped in.
      if (existing?.status === 'pending') {
        const row = await getMessageRow(this.db, envelope.item_hash);
        if (row?.status === 'pending' && !sameEnvelope(row, envelope)) throw hashConflict(envelope.item_hash);
      }
      let itemContent = envelope.item_content ?? null;
      if (envelope.item_type !== 'inline') {
        const contentFile = await this.heldFile(envelope.item_type, envelope.item_hash);
        if (!contentFile) return await this.pend(envelope, envelope.item_hash, receptionTime);
        itemContent = await this.files.readText(contentFile, this.maxContentFileBytes);
      }
      const msg: ValidMessage = parseContent(envelope, itemContent as string, {
        limits: this.parseLimits,
        now: receptionTime,
      });
      assertWithinProgramLimits(msg, this.programLimits);
      const storeFile = envelope.type === 'STORE' ? contentOf(msg, 'STORE') : null;
      if (
        (storeFile?.item_type === 'storage' || storeFile?.item_type === 'ipfs') &&
        isAnyItemHash(storeFile.item_hash) &&
        !(await this.heldFile(storeFile.item_type, storeFile.item_hash))
      ) {
        return await this.pend(envelope, storeFile.item_hash, receptionTime);
      }
      // Bounded program.toml reads happen here, concurrently, not inside the one ordered writer.
      await prefetchCodeManifest(this.db, this.files, msg);
      const { height, verdicts } = await this.applier.enqueue(msg, receptionTime);
      return { status: 'processed', item_hash: envelope.item_hash, height, verdicts };
    } catch (e) {
      // Apply-time rejections are recorded inside the writer's transaction; validation ones here.
      if (isAlephError(e) && e.code !== 'INTERNAL_ERROR' && e.code !== 'MESSAGE_HASH_CONFLICT') {
        const row = await getMessageRow(this.db, envelope.item_hash);
        if (!row || row.status === 'pending')
          await recordRejection(this.db, envelope, e, receptionTime, this.maxRejectedChars);
      }
      throw e;
    }
  }

  /** Stops the writer's block timer (queued messages still drain). */
  close(): void {
    this.applier.stop();
  }

  /** The sha256 of the file `hash` names for this engine (a CID for ipfs), if it is here: see holdFile. */
  private async heldFile(itemType: string, hash: string): Promise<string | null> {
    const fileHash = itemType === 'ipfs' ? (await fileOfCid(this.db, hash))?.file_hash : hash;
    return fileHash && (await this.holdFile(fileHash)) ? fileHash : null;
  }

  /**
   * Whether the file a message needs is here, restarting its grace period if so: the collector must not
   * delete it between this check and the commit that makes the message name it.
   */
  private holdFile(hash: string): Promise<boolean> {
    return this.files.exclusive(hash, async () => {
      if (!(await this.files.has(hash))) return false;
      await this.db
        .updateTable('files')
        .set({ created: Date.now() / 1000 })
        .where('hash', '=', hash)
        .execute();
      return true;
    });
  }

  /** Re-runs messages that waited for a file once it has arrived. */
  async retryWaitingFor(fileHash: string): Promise<void> {
    const rows = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('status', '=', 'pending')
      .where('waiting_for', '=', fileHash)
      .orderBy('reception_time')
      .execute();
    for (const r of rows) {
      const envelope: MessageEnvelope = {
        chain: r.chain,
        sender: r.sender,
        type: r.type as MessageEnvelope['type'],
        channel: r.channel,
        time: r.time,
        item_type: r.item_type as MessageEnvelope['item_type'],
        item_content: r.item_content,
        item_hash: r.item_hash,
        signature: r.signature,
      };
      if (envelope.item_content == null) delete envelope.item_content;
      await this.submit(envelope).catch(() => undefined);
    }
  }

  private async pend(envelope: MessageEnvelope, waitingFor: string, receptionTime: number): Promise<SubmitResult> {
    await recordPending(this.db, envelope, waitingFor, receptionTime);
    return { status: 'pending', item_hash: envelope.item_hash, waiting_for: waitingFor };
  }

  /** Checks a message's signature as submit would, for a route that must know the signer before reading more. */
  verifySignature(envelope: MessageEnvelope): Promise<void> {
    return this.verifier.verify(envelope);
  }

  /** Records a refusal decided outside the pipeline (an upload whose bytes do not match its STORE). */
  async rejectUnparsed(putative: unknown, err: AlephError): Promise<void> {
    const hash = (putative as { item_hash?: unknown } | null)?.item_hash;
    if (isAnyItemHash(hash)) await this.rejectLoose(putative as Record<string, unknown>, err, Date.now() / 1000);
  }

  private async rejectLoose(raw: Record<string, unknown>, err: AlephError, receptionTime: number): Promise<void> {
    const str = (v: unknown, d = '') => (typeof v === 'string' ? v : d);
    const envelope = {
      chain: str(raw.chain, '?'),
      sender: str(raw.sender, '?'),
      type: str(raw.type, '?') as MessageEnvelope['type'],
      channel: typeof raw.channel === 'string' ? raw.channel : null,
      time: typeof raw.time === 'number' ? raw.time : 0,
      item_type: str(raw.item_type, 'inline') as MessageEnvelope['item_type'],
      item_content: typeof raw.item_content === 'string' ? raw.item_content : null,
      item_hash: raw.item_hash as string,
      signature: str(raw.signature),
    };
    const row = await getMessageRow(this.db, envelope.item_hash);
    if (!row || row.status === 'pending' || row.status === 'rejected')
      await recordRejection(this.db, envelope, err, receptionTime, this.maxRejectedChars);
  }
}
