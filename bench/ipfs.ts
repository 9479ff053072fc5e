// IPFS uploads: what computing kubo's CID while the bytes stream in costs. The same 20 MiB files go to
// /api/v0/storage/add_file (sha256 only) and /api/v0/ipfs/add_file (sha256 + UnixFS CID), alternating, on one
// node; also the CID alone (no HTTP, no disk) and the node's peak RSS, to show the upload is not buffered.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createNode } from '../src/node/createNode.js';
import { cidOf } from '../src/node/ipfs/unixfsCid.js';
import { percentile, writeResult } from './writeResult.js';

const MiB = 1024 * 1024;
const SIZE = 20 * MiB;
const RUNS = 6;

const home = mkdtempSync(join(tmpdir(), 'aleph-bench-ipfs-'));
const node = await createNode({
  home,
  port: 0,
  signatureWorkers: 0,
  limits: { anonymousUploadBytesPerMinute: 100 * SIZE * RUNS },
});
const upload = async (path: string, bytes: Buffer): Promise<number> => {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), 'file');
  const t = performance.now();
  const r = await fetch(`${node.url}${path}`, { method: 'POST', body: form });
  await r.json();
  if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
  return performance.now() - t;
};

const storageMs: number[] = [];
const ipfsMs: number[] = [];
const cidMs: number[] = [];
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 5);
try {
  for (let i = 0; i < RUNS; i++) {
    const a = randomBytes(SIZE);
    const b = randomBytes(SIZE);
    storageMs.push(await upload('/api/v0/storage/add_file', a));
    ipfsMs.push(await upload('/api/v0/ipfs/add_file', b));
    const t = performance.now();
    await cidOf([a]);
    cidMs.push(performance.now() - t);
  }
} finally {
  clearInterval(sampler);
  await node.close();
  rmSync(home, { recursive: true, force: true });
}
const med = (xs: number[]) =>
  percentile(
    [...xs].sort((x, y) => x - y),
    50,
  );
const mbps = (ms: number) => Math.round((SIZE / MiB / (ms / 1000)) * 10) / 10;
writeResult('ipfs', {
  file_mib: SIZE / MiB,
  runs: RUNS,
  storage_add_file: { median_ms: Math.round(med(storageMs)), mib_per_s: mbps(med(storageMs)) },
  ipfs_add_file: { median_ms: Math.round(med(ipfsMs)), mib_per_s: mbps(med(ipfsMs)) },
  cid_only: { median_ms: Math.round(med(cidMs)), mib_per_s: mbps(med(cidMs)) },
  peak_rss_mib: Math.round(peakRss / MiB),
  note: 'client and node in one process: peak RSS includes the two 20 MiB test buffers of each run',
});
