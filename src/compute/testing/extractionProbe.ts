import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { manyEntriesZip, zipBomb } from '../../protocol/testing/zipArchives.js';
import { extractCode } from '../archive/extractCode.js';
import { unpackRuntime } from '../runtime/unpackRuntime.js';

/** GETs `/api/v0/height` one after another until `work` settles (at most `max`), returning each latency in ms. */
export async function probeDuring(url: string, work: Promise<unknown>, max = 2000): Promise<number[]> {
  let done = false;
  const settle = () => {
    done = true;
  };
  void work.then(settle, settle);
  const lat: number[] = [];
  while (!done && lat.length < max) {
    const t0 = performance.now();
    const r = await fetch(`${url}/api/v0/height`);
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`probe GET answered ${r.status}`);
    lat.push(performance.now() - t0);
    // Paced, so the probe measures the node rather than adding load to a shared 2-core machine.
    await new Promise((r) => setTimeout(r, 5));
  }
  return lat;
}

export const p99 = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))] ?? NaN;

export interface ExtractionProbe {
  /** How each archive ended: 'extracted' or the error code. */
  outcomes: Record<string, string>;
  during: number[];
  idle: number[];
}

/**
 * Two 510 KB → 500 MiB zip bombs (honest and lying headers) and a 65,000-entry zip extracted at once, while a
 * node in this process answers GETs: the extraction must never take the event loop the node's API runs on.
 */
export async function probeExtraction(
  nodeUrl: string,
  dir: string,
  opts: { tarRuntime?: boolean } = {},
): Promise<ExtractionProbe> {
  // A runtime tar of 65,000 entries (and a 600 MiB one refused by its headers), built by Python's tarfile.
  const tars = opts.tarRuntime ? [manyEntriesTar(dir, 65_000), zerosTar(dir, 600)] : [];
  const archives = { honest: zipBomb(500), liar: zipBomb(500, { lie: true }), many: manyEntriesZip(65_000) };
  // The same probe with nothing extracting (after a warm-up): on a shared machine most of the p99 is the machine.
  await probeDuring(nodeUrl, new Promise(() => {}), 20);
  const idle = await probeDuring(nodeUrl, new Promise(() => {}), 300);
  const outcomes: Record<string, string> = {};
  const work = Promise.all(
    Object.entries(archives).map(async ([name, bytes]) => {
      const file = join(dir, `${name}.zip`);
      writeFileSync(file, bytes);
      outcomes[name] = await extractCode(file, 'zip', join(dir, name)).then(
        () => 'extracted',
        (e: { code: string }) => e.code,
      );
    }),
  );
  const runtimes = Promise.all(
    tars.map(async ([name, file]) => {
      outcomes[name] = await unpackRuntime(file, join(dir, 'runtimes')).then(
        () => 'extracted',
        (e: { code: string }) => e.code,
      );
    }),
  );
  const during = await probeDuring(nodeUrl, Promise.all([work, runtimes]));
  await runtimes;
  await work;
  return { outcomes, during, idle };
}

function pythonTar(file: string, body: string): void {
  const script = `import tarfile, io, sys\nt = tarfile.open(sys.argv[1], 'w:gz')\n${body}\nt.close()`;
  execFileSync('python3', ['-c', script, file]);
}

function manyEntriesTar(dir: string, n: number): [string, string] {
  const file = join(dir, 'many-runtime.tar.gz');
  pythonTar(
    file,
    `for i in range(${n}):\n  i_ = tarfile.TarInfo(f'f/{i}'); i_.size = 1; t.addfile(i_, io.BytesIO(b'x'))`,
  );
  return ['many_tar', file];
}

function zerosTar(dir: string, mib: number): [string, string] {
  const file = join(dir, 'zeros-runtime.tar.gz');
  pythonTar(
    file,
    `i_ = tarfile.TarInfo('big'); i_.size = ${mib} << 20\n` +
      `class Z(io.RawIOBase):\n  def readable(self): return True\n  def readinto(self, b):\n    b[:] = bytes(len(b)); return len(b)\n` +
      `t.addfile(i_, io.BufferedReader(Z()))`,
  );
  return ['zeros_tar', file];
}
