import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { z } from 'zod';
import { AlephError } from '../../errors.js';
import { messageWithStatusSchema } from '../../protocol/api/messageSchemas.js';
import { parseAnswer } from '../../protocol/api/parseAnswer.js';
import { parseProgramView, type ProgramView } from './programView.js';

/** The listing's envelope; each program is parsed on its own (see {@link NodeApi.programs}). */
const programListEnvelope = z.object({ programs: z.array(z.unknown()) });

const HASH = /^[0-9a-f]{64}$/;

function unreachable(apiUrl: string, path: string, e: unknown): AlephError {
  return new AlephError(
    'NODE_UNREACHABLE',
    `the core node at ${apiUrl} did not answer ${path}: ${(e as Error).message}`,
    { details: { url: `${apiUrl}${path}`, reason: (e as Error).message }, cause: e },
  );
}

/**
 * The compute node's only view of the network: the core node's HTTP API (DESIGN §1, compute never imports node/).
 * Files are cached on disk by hash, so a code or runtime is downloaded once however often programs restart.
 */
export class NodeApi {
  private readonly downloads = new Map<string, Promise<string>>();

  constructor(
    readonly apiUrl: string,
    private readonly filesDir: string,
  ) {}

  private async get(path: string): Promise<Response> {
    try {
      return await fetch(new URL(path, this.apiUrl));
    } catch (e) {
      throw unreachable(this.apiUrl, path, e);
    }
  }

  /** A program by id or any version hash; null when the node does not know it. */
  async program(idOrHash: string): Promise<ProgramView | null> {
    const res = await this.get(`/api/v0/programs/${encodeURIComponent(idOrHash)}`);
    if (res.status === 404) return null;
    if (!res.ok) throw unreachable(this.apiUrl, `/api/v0/programs/${idOrHash}`, new Error(`HTTP ${res.status}`));
    return parseProgramView(await res.json());
  }

  async programs(): Promise<ProgramView[]> {
    const res = await this.get('/api/v0/programs');
    if (!res.ok) throw unreachable(this.apiUrl, '/api/v0/programs', new Error(`HTTP ${res.status}`));
    const body = parseAnswer(programListEnvelope, await res.json(), res.url);
    // One unusable program (e.g. stored before the node checked volume names) must not keep the others from starting.
    return body.programs.flatMap((p) => {
      try {
        return [parseProgramView(p)];
      } catch {
        return [];
      }
    });
  }

  /**
   * Edition `n` of a program as a view the supervisor can start (`GET …/editions/{n}`): after an aborted rollout
   * the previous edition serves although the view names the aborted one. Null when the node has no such edition.
   */
  async edition(programId: string, n: number, owner: string): Promise<ProgramView | null> {
    const path = `/api/v0/programs/${encodeURIComponent(programId)}/editions/${n}`;
    const res = await this.get(path);
    if (res.status === 404) return null;
    if (!res.ok) throw unreachable(this.apiUrl, path, new Error(`HTTP ${res.status}`));
    const e = (await res.json()) as { message_hash?: unknown; content?: unknown; resolved?: unknown };
    return parseProgramView({
      id: programId,
      owner,
      status: 'live',
      edition: n,
      current_hash: e.message_hash,
      content: e.content,
      resolved: e.resolved,
    });
  }

  /** The content of a STORE message (`item_hash` is its file hash); null if the node has no such message. */
  async storeFileHash(messageHash: string): Promise<string | null> {
    const res = await this.get(`/api/v0/messages/${encodeURIComponent(messageHash)}`);
    if (!res.ok) return null;
    const body = parseAnswer(messageWithStatusSchema, await res.json(), res.url);
    return body.status === 'processed' && body.message.type === 'STORE' ? body.message.content.item_hash : null;
  }

  /** Downloads `GET /api/v0/storage/raw/{hash}` into the file cache (once) and returns its path. */
  file(hash: string): Promise<string> {
    if (!HASH.test(hash))
      return Promise.reject(new AlephError('COMPUTE_REF_UNRESOLVED', `'${hash}' is not a file hash`, {}));
    const path = join(this.filesDir, hash);
    if (existsSync(path)) return Promise.resolve(path);
    let p = this.downloads.get(hash);
    if (!p) {
      p = this.download(hash, path).finally(() => this.downloads.delete(hash));
      this.downloads.set(hash, p);
    }
    return p;
  }

  private async download(hash: string, path: string): Promise<string> {
    const res = await this.get(`/api/v0/storage/raw/${hash}`);
    if (!res.ok || !res.body) {
      throw new AlephError('COMPUTE_FILE_MISSING', `the node has no file ${hash} (HTTP ${res.status})`, {
        details: { hash },
      });
    }
    mkdirSync(this.filesDir, { recursive: true });
    const tmp = `${path}.part-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      await pipeline(Readable.fromWeb(res.body as WebReadableStream), createWriteStream(tmp));
      renameSync(tmp, path);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw unreachable(this.apiUrl, `/api/v0/storage/raw/${hash}`, e);
    }
    return path;
  }
}
