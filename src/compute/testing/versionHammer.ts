/** What a hammer saw: answers, failures (with the first few reasons) and answers from version 2. */
export interface HammerCounts {
  ok: number;
  failed: number;
  v2: number;
  errors: string[];
}

/**
 * Keeps one loop per `call` asking a program for its `{version}` until `stop()`, counting every answer that is not a
 * 200 (or that throws) as a failure: what a live upgrade must leave at zero.
 *
 * @example
 * const h = hammerVersions([() => fetch(url), () => fetch(url)]);
 * await upgrade(); const seen = await h.stop(); // seen.failed === 0
 */
export function hammerVersions(calls: Array<() => Promise<Response>>): {
  counts: HammerCounts;
  stop: () => Promise<HammerCounts>;
} {
  const counts: HammerCounts = { ok: 0, failed: 0, v2: 0, errors: [] };
  let stopped = false;
  const loop = async (call: () => Promise<Response>) => {
    while (!stopped) {
      try {
        const r = await call();
        const body = (await r.json()) as { version?: number };
        if (r.status !== 200) {
          counts.failed++;
          counts.errors.push(JSON.stringify(body));
        } else {
          counts.ok++;
          if (body.version === 2) counts.v2++;
        }
      } catch (e) {
        counts.failed++;
        counts.errors.push(String(e));
      }
    }
  };
  const loops = calls.map(loop);
  return {
    counts,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
      return counts;
    },
  };
}
