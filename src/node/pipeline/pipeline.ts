import { EventEmitter } from 'node:events';
import { AlephError, isAlephError } from '../../errors.js';
import { DEFAULT_PARSE_LIMITS, isItemHash, parseContent, parseEnvelope, type MessageEnvelope, type ParseLimits, type ValidMessage } from '../../protocol/index.js';
import type { NodeEvent } from '../apply/applyContext.js';
import type { FileStore } from '../files/fileStore.js';
import type { ReaderStatements } from '../store/hotStatements.js';
import { storeStatements } from '../store/openStore.js';
import { getMessageRow, type Db } from '../store/queries.js';
import { ApplyQueue } from './applyQueue.js';
import { recordPending, recordRejection } from './recordMessage.js';
import type { SignatureVerifier } from './signatureVerifier.js';

/** `verdicts` false: no program recorded anything about the message, so there are no program_verdicts to read. */
export type SubmitResult = { status: 'processed'; item_hash: string; height: number | null; verdicts: boolean } | { status: 'pending'; item_hash: string; waiting_for: string };

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

  constructor(private readonly db: Db, private readonly files: FileStore, private readonly verifier: SignatureVerifier, private readonly limits: ParseLimits = DEFAULT_PARSE_LIMITS) {
    this.reader = storeStatements(db).reader;
    this.applier = new ApplyQueue(db, files, (applied, events) => {
      for (const a of applied) this.bus.emit('message', a.msg.envelope.item_hash, a.height);
      for (const e of events) this.bus.emit('event', e satisfies NodeEvent);
    });
  }

  async submit(putative: unknown): Promise<SubmitResult> {
    const receptionTime = Date.now() / 1000;
    let envelope: MessageEnvelope;
    try {
      envelope = parseEnvelope(putative, { limits: this.limits, now: receptionTime });
    } catch (e) {
      // Record the refusal when the message names itself, so GET /messages/{hash} tells the sender why.
      const hash = (putative as { item_hash?: unknown } | null)?.item_hash;
      if (isAlephError(e) && isItemHash(hash)) await this.rejectLoose(putative as Record<string, unknown>, e, receptionTime);
      throw e;
    }
    // Committed state only (the reader never sees the writer's open transaction).
    const existing = this.reader.messageStatus(envelope.item_hash);
    if (existing && (existing.status === 'processed' || existing.status === 'forgotten')) {
      return { status: 'processed', item_hash: envelope.item_hash, height: existing.height, verdicts: true };
    }
    try {
      await this.verifier.verify(envelope);
      let itemContent = envelope.item_content ?? null;
      if (envelope.item_type !== 'inline') {
        if (!(await this.files.has(envelope.item_hash))) return await this.pend(envelope, envelope.item_hash, receptionTime);
        itemContent = await this.files.readText(envelope.item_hash);
      }
      const msg: ValidMessage = parseContent(envelope, itemContent as string, { limits: this.limits, now: receptionTime });
      const storeFile = envelope.type === 'STORE' ? (msg.content as { item_type?: string; item_hash?: string }) : null;
      if (storeFile?.item_type === 'storage' && isItemHash(storeFile.item_hash) && !(await this.files.has(storeFile.item_hash))) {
        return await this.pend(envelope, storeFile.item_hash, receptionTime);
      }
      const { height, verdicts } = await this.applier.enqueue(msg, receptionTime);
      return { status: 'processed', item_hash: envelope.item_hash, height, verdicts };
    } catch (e) {
      // Apply-time rejections are recorded inside the writer's transaction; validation ones here.
      if (isAlephError(e) && e.code !== 'INTERNAL_ERROR') {
        const row = await getMessageRow(this.db, envelope.item_hash);
        if (!row || row.status === 'pending') await recordRejection(this.db, envelope, e, receptionTime);
      }
      throw e;
    }
  }

  /** Re-runs messages that waited for a file once it has arrived. */
  async retryWaitingFor(fileHash: string): Promise<void> {
    const rows = await this.db.selectFrom('messages').selectAll().where('status', '=', 'pending').where('waiting_for', '=', fileHash).orderBy('reception_time').execute();
    for (const r of rows) {
      const envelope: MessageEnvelope = {
        chain: r.chain, sender: r.sender, type: r.type as MessageEnvelope['type'], channel: r.channel, time: r.time,
        item_type: r.item_type as MessageEnvelope['item_type'], item_content: r.item_content, item_hash: r.item_hash, signature: r.signature,
      };
      if (envelope.item_content == null) delete envelope.item_content;
      await this.submit(envelope).catch(() => undefined);
    }
  }

  private async pend(envelope: MessageEnvelope, waitingFor: string, receptionTime: number): Promise<SubmitResult> {
    await recordPending(this.db, envelope, waitingFor, receptionTime);
    return { status: 'pending', item_hash: envelope.item_hash, waiting_for: waitingFor };
  }

  /** Records a refusal decided outside the pipeline (an upload whose bytes do not match its STORE). */
  async rejectUnparsed(putative: unknown, err: AlephError): Promise<void> {
    const hash = (putative as { item_hash?: unknown } | null)?.item_hash;
    if (isItemHash(hash)) await this.rejectLoose(putative as Record<string, unknown>, err, Date.now() / 1000);
  }

  private async rejectLoose(raw: Record<string, unknown>, err: AlephError, receptionTime: number): Promise<void> {
    const str = (v: unknown, d = '') => (typeof v === 'string' ? v : d);
    const envelope = {
      chain: str(raw.chain, '?'), sender: str(raw.sender, '?'), type: str(raw.type, '?') as MessageEnvelope['type'],
      channel: typeof raw.channel === 'string' ? raw.channel : null, time: typeof raw.time === 'number' ? raw.time : 0,
      item_type: str(raw.item_type, 'inline') as MessageEnvelope['item_type'], item_content: typeof raw.item_content === 'string' ? raw.item_content : null,
      item_hash: raw.item_hash as string, signature: str(raw.signature),
    };
    const row = await getMessageRow(this.db, envelope.item_hash);
    if (!row || row.status === 'pending' || row.status === 'rejected') await recordRejection(this.db, envelope, err, receptionTime);
  }
}
