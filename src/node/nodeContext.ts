import type { FileStore } from './files/fileStore.js';
import type { Pipeline } from './pipeline/pipeline.js';
import type { Db } from './store/queries.js';
import type { ProgramLimits } from './pipeline/programLimits.js';
import type { NodeLimits } from './nodeLimits.js';

/** What every route needs: the store, the files and the pipeline. */
export interface NodeContext {
  db: Db;
  /** Committed state on a read-only connection of its own (store/openStore storeReader): what GETs read. */
  reads: Db;
  files: FileStore;
  pipeline: Pipeline;
  maxFileBytes: number;
  /** The most one PROGRAM may declare (the pipeline and dry-run both check it). */
  programLimits: ProgramLimits;
  /** Largest upload without a signed STORE sent ahead of it (add_file without metadata, add_json). */
  maxUnauthenticatedUploadBytes: number;
  /** Largest body of POST /api/v0/messages, refused with 413 before it is buffered. */
  maxMessageBodyBytes: number;
  limits: NodeLimits;
}
