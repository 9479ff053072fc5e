/**
 * `p`'s value, or `undefined` once `ms` have passed without it; a rejection of `p` within the time rejects.
 * The timer is cleared as soon as either settles, so a fast answer leaves nothing holding the event loop.
 * For the compute node's bounded waits: a sandbox's last output, its exit reason, a drain, a start-up sweep.
 */
export function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
