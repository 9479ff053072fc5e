import type { FileStore } from './files/fileStore.js';
import type { Pipeline } from './pipeline/pipeline.js';
import type { Db } from './store/queries.js';
import type { NodeLimits } from './nodeLimits.js';

/** What every route needs: the store, the files and the pipeline. */
export interface NodeContext {
  db: Db;
  files: FileStore;
  pipeline: Pipeline;
  maxFileBytes: number;
  limits: NodeLimits;
}
