import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AlephError } from '../../errors.js';
import { byteBudget, invalidArchive, tooLarge, type ExtractLimits } from './archiveErrors.js';
import { copyCodeDir } from './copyCodeDir.js';
import { extractSquashfs } from './extractSquashfs.js';
import { extractTar } from './extractTar.js';
import { extractZip } from './extractZip.js';
import { handOver } from './runExtractor.js';
import { partialDirFor } from './sweepPartials.js';
import { verifyTree } from './verifyTree.js';

export type ArchiveKind = 'plain' | 'zip' | 'squashfs' | 'tar';

export interface ExtractJob {
  file: string;
  kind: ArchiveKind;
  destDir: string;
  limits: ExtractLimits;
  /** 'replace': destDir must be absent or empty (code); 'keep': content-addressed, a finished twin wins (runtimes). */
  ifExists: 'replace' | 'keep';
}

/**
 * Extracts one archive into `destDir` through a staging directory beside it (`*.partial-<pid>-…`), renamed into
 * place only once the whole tree passed its checks and always removed otherwise, so a refused or crashed
 * extraction never leaves a half tree where a reader looks. Runs in the extraction worker.
 */
export async function extractArchive(job: ExtractJob): Promise<void> {
  const { file, kind, destDir, limits } = job;
  if (!existsSync(file)) throw invalidArchive(`archive ${file} does not exist`);
  if (job.ifExists === 'keep' && existsSync(destDir)) return;
  if (existsSync(destDir) && readdirSync(destDir).length > 0) {
    throw new AlephError('ARCHIVE_DEST_NOT_EMPTY', `${destDir} is not empty`, {
      hint: 'extract each code version into its own directory',
    });
  }
  mkdirSync(dirname(destDir), { recursive: true });
  const stage = partialDirFor(destDir);
  mkdirSync(stage, { mode: 0o700 });
  const root = join(stage, 'root');
  try {
    const archiveBytes = statSync(file).size;
    // Bigger than the cap itself cannot be honest content under it (compressing does not grow data), and the
    // zip extractor reads the file whole: refuse before reading it.
    if (kind !== 'plain' && archiveBytes > limits.maxBytes) throw tooLarge('bytes', limits.maxBytes, archiveBytes);
    const budget = byteBudget(limits, archiveBytes);
    if (kind === 'squashfs') {
      handOver(stage);
      await extractSquashfs(file, stage, 'root', limits, budget, archiveBytes);
      verifyTree(root, limits, budget, archiveBytes);
    } else if (kind === 'tar') {
      mkdirSync(root);
      handOver(root);
      await extractTar(file, root, limits, budget, archiveBytes);
      verifyTree(root, limits, budget, archiveBytes);
    } else if (kind === 'zip') {
      mkdirSync(root);
      extractZip(file, root, limits);
    } else if (kind === 'plain') {
      mkdirSync(root);
      copyCodeDir(file, root, limits);
      verifyTree(root, limits, limits.maxBytes, archiveBytes);
    } else {
      throw invalidArchive(`unknown archive kind '${String(kind)}'`);
    }
    if (job.ifExists === 'keep' && existsSync(destDir)) return;
    rmSync(destDir, { recursive: true, force: true });
    renameSync(root, destDir);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
