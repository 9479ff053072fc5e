import type http from 'node:http';
import { join } from 'node:path';
import { AlephError } from '../../errors.js';
import type { NodeApi } from '../api/nodeApi.js';
import { versionKey, type ProgramView } from '../api/programView.js';
import type { Artifacts } from './artifacts.js';
import { Capacity, needOf } from './capacity.js';
import { Instance, instanceSpec } from './instance.js';
import { startSandbox } from '../sandbox/startSandbox.js';
import type { SandboxPool } from '../pool/sandboxPool.js';
import { ProgramUids } from '../sandbox/programUids.js';
import type { PidLimits } from '../sandbox/resourceLimits.js';

/** What the operator decides for every sandbox: each program's host uid, and the pid limits. */
export interface SandboxSettings {
  uids: ProgramUids;
  pids?: PidLimits;
  /** Pre-started sandboxes that first requests take (compute/pool); none: every start is cold. */
  pool?: SandboxPool;
}
import type { ProgramLogs } from './programLogs.js';
import { editionPin, notServing, RolloutRouting, type RolloutAbort } from '../rollout/rolloutRouting.js';
import type { ComputeRollout } from '../../protocol/api/rolloutSchemas.js';
import type { ServingReport } from './servingReports.js';
import { TrafficCounts } from './trafficCounts.js';
import { within } from '../within.js';

interface ProgramState {
  view: ProgramView;
  /** The instance that new requests go to; swapped atomically on upgrade. */
  instance: Instance | null;
  starting: Promise<Instance> | null;
  idleTimer: NodeJS.Timeout | null;
  /** Upgrades of one program run one after another, in event order. */
  queue: Promise<void>;
  /** The last serving report sent for it (`serving/failed` editions), so a failing start is reported once. */
  reported: string | null;
  /** During a rollout (DESIGN §9): the split, and the previous edition's instance kept beside `instance`. */
  rollout: RolloutRouting | null;
  previous: Instance | null;
  /** What `previous` runs, kept to start it again (an idle stop, a crash, or a restart after an abort). */
  previousView: ProgramView | null;
  previousStarting: Promise<Instance> | null;
  /** Every instance of the program whose sandbox has not exited yet, routed to or not (a swap's draining old one). */
  running: Set<Instance>;
}

/** A program change announced by the core node (`/api/ws0/programs`). */
export interface ProgramEvent {
  kind: string;
  program_id: string;
  edition?: number | null;
  status?: string | null;
}

/**
 * Owns every program's instances: starts ephemeral ones on demand and persistent ones at once, stops idle ones,
 * and upgrades running ones without dropping a request (start new, wait until it answers, swap, drain old).
 */
export class Supervisor {
  private readonly states = new Map<string, ProgramState>();
  /** Any version hash (and the id itself) → program id, so `/vm/{hash}` costs no node round trip once seen. */
  private readonly ids = new Map<string, string>();
  private closed = false;
  /** Whether the fleet places a program on this node (compute/fleet): only then is a persistent one kept running. */
  placedHere: (programId: string) => boolean = () => true;

  /** Every program's requests and failures per second, for `GET /control/machine/{id}/traffic`. */
  readonly traffic = new TrafficCounts();

  constructor(
    private readonly api: NodeApi,
    private readonly artifacts: Artifacts,
    private readonly logs: ProgramLogs,
    private readonly runDir: string,
    readonly capacity = new Capacity({ memoryMiB: Infinity, vcpus: Infinity, diskMiB: Infinity }),
    private readonly sandbox: SandboxSettings = { uids: new ProgramUids(join(runDir, 'uids.json')) },
    /** Tells the core node what is served after an upgrade (issue 7, "serving truth"). */
    private readonly reporter?: { report(r: ServingReport): unknown; abort?(a: RolloutAbort): unknown },
  ) {}

  /**
   * The cached view without a round trip: the view, null if known to be forgotten, undefined if not cached
   * (then ask {@link view}). The router's warm path.
   */
  cachedView(idOrHash: string): ProgramView | null | undefined {
    const id = this.ids.get(idOrHash);
    const known = id === undefined ? undefined : this.states.get(id);
    if (!known) return undefined;
    return known.view.status === 'live' ? known.view : null;
  }

  /** The program's current view (cached until the node announces a change); null if unknown or forgotten. */
  async view(idOrHash: string): Promise<ProgramView | null> {
    const cached = this.cachedView(idOrHash);
    if (cached !== undefined) return cached;
    const view = await this.api.program(idOrHash);
    if (!view) return null;
    this.ids.set(idOrHash, view.id);
    this.remember(view);
    return view.status === 'live' ? view : null;
  }

  private remember(view: ProgramView): ProgramState {
    this.ids.set(view.id, view.id);
    this.ids.set(view.currentHash, view.id);
    let s = this.states.get(view.id);
    if (!s)
      this.states.set(
        view.id,
        (s = {
          view,
          instance: null,
          starting: null,
          idleTimer: null,
          queue: Promise.resolve(),
          reported: null,
          rollout: null,
          previous: null,
          previousView: null,
          previousStarting: null,
          running: new Set(),
        }),
      );
    else s.view = view;
    return s;
  }

  /**
   * Which edition serves this request while the program rolls out: 'previous' or 'candidate' (throws
   * COMPUTE_EDITION_NOT_SERVING for a pin to neither); null when no rollout runs here (a pin to any edition but the
   * one in force is refused then).
   */
  pick(view: ProgramView, headers: http.IncomingHttpHeaders): 'candidate' | 'previous' | null {
    const r = this.states.get(view.id)?.rollout;
    if (r) return r.choose(headers);
    // With no rollout only the edition in force serves (after an abort: never the aborted one).
    const pin = editionPin(headers);
    if (pin !== undefined && pin !== String(view.edition)) throw notServing(view.id, pin, [view.edition]);
    return null;
  }

  /** Counts an answer; of a rolled-out edition, toward its budget too: over it, the split goes back at once and the abort is signed. */
  outcome(inst: Instance, failed: boolean): void {
    this.traffic.record(inst.view.id, failed);
    const s = this.states.get(inst.view.id);
    const abort = s?.rollout?.record(inst.view.edition, failed);
    if (s && abort) this.abortLocally(s, abort);
  }

  private abortLocally(s: ProgramState, a: RolloutAbort): void {
    this.logs.add(
      s.view.id,
      a.edition,
      'system',
      `rollout aborted: ${a.reason}; every request goes back to the previous edition`,
    );
    void this.reporter?.abort?.(a);
  }

  /** The previous edition's instance during a rollout, started again if it stopped; null when there is none. */
  private previousOf(
    s: ProgramState,
    pick: 'candidate' | 'previous' | null | undefined,
  ): ProgramState['previous'] | undefined {
    if (!s.rollout || (pick !== 'previous' && !s.rollout.aborted)) return undefined;
    return s.previous;
  }

  /**
   * A view naming an edition whose rollout was aborted, with nothing of the rollout kept here (this node restarted,
   * or first saw the program then): the previous edition serves, fetched from the core node; the aborted one never.
   */
  private async restoreAborted(s: ProgramState): Promise<void> {
    const plan = s.view.rollout;
    if (s.rollout || plan?.status !== 'aborted' || plan.edition !== s.view.edition || plan.previous_edition === null)
      return;
    const prev = await this.api.edition(s.view.id, plan.previous_edition, s.view.owner);
    if (!prev || s.rollout || s.view.edition !== plan.edition) return;
    const r = new RolloutRouting(plan, plan.edition, plan.previous_edition);
    r.aborted = true;
    s.rollout = r;
    s.previousView = prev;
  }

  private async acquirePrevious(s: ProgramState): Promise<Instance> {
    for (;;) {
      const inst = s.previous;
      if (inst?.alive) {
        inst.enter();
        return inst;
      }
      const view = inst?.view ?? s.previousView;
      if (!view) throw notFound(s.view.id);
      s.previousStarting ??= this.start(s, view).finally(() => {
        s.previousStarting = null;
      });
      const started = await s.previousStarting;
      if (this.closed) return started;
      s.previous = started;
    }
  }

  /** Like {@link acquire} when the program's instance is already running (no promise); null otherwise. */
  tryAcquire(view: ProgramView, pick?: 'candidate' | 'previous' | null): Instance | null {
    const s = this.states.get(view.id);
    const prev = s ? this.previousOf(s, pick) : undefined;
    if (prev !== undefined) {
      if (!prev?.alive) return null;
      prev.enter();
      return prev;
    }
    const inst = s?.instance;
    if (!s || !inst?.alive || s.view.status !== 'live') return null;
    inst.enter();
    if (s.idleTimer) {
      clearTimeout(s.idleTimer);
      s.idleTimer = null;
    }
    return inst;
  }

  /** An instance of the program's current version with this request counted in flight; call `release` after. */
  async acquire(view: ProgramView, pick?: 'candidate' | 'previous' | null): Promise<Instance> {
    const s = this.states.get(view.id) ?? this.remember(view);
    await this.restoreAborted(s);
    if (this.previousOf(s, pick) !== undefined && s.view.status === 'live') return this.acquirePrevious(s);
    for (;;) {
      if (s.view.status !== 'live') throw notFound(view.id);
      const inst = s.instance;
      if (inst?.alive) {
        inst.enter();
        if (s.idleTimer) {
          clearTimeout(s.idleTimer);
          s.idleTimer = null;
        }
        return inst;
      }
      s.instance = null;
      // Concurrent first requests share one start.
      s.starting ??= this.firstStart(s, s.view).finally(() => {
        s.starting = null;
      });
      const started = await s.starting;
      if (!s.instance && started.alive && !this.closed) s.instance = started;
    }
  }

  release(inst: Instance): void {
    inst.leave();
    const s = this.states.get(inst.view.id);
    if (!s || s.instance !== inst || inst.inflight > 0 || inst.view.persistent) return;
    if (s.idleTimer) clearTimeout(s.idleTimer);
    // The seed writes --timeout-seconds into resources.seconds; it is the idle timeout as well (at least 1 s).
    s.idleTimer = setTimeout(() => {
      s.idleTimer = null;
      if (s.instance !== inst || inst.inflight > 0) return;
      s.instance = null;
      this.logs.add(inst.view.id, inst.view.edition, 'system', `idle for ${inst.view.seconds} s: stopping`);
      void inst.stop();
    }, Math.max(1, inst.view.seconds) * 1000);
    s.idleTimer.unref();
  }

  private async start(s: ProgramState, view: ProgramView): Promise<Instance> {
    // Refused before anything is fetched or mounted when the node has no room (503, not an overcommit).
    const release = this.capacity.reserve(view.id, needOf(view));
    const prepared = await this.artifacts.prepare(view).catch((e: unknown) => {
      release();
      throw e;
    });
    const spec = instanceSpec(view, prepared, this.runDir, this.logs, {
      hostUid: this.sandbox.uids.uidFor(view.id),
      pids: this.sandbox.pids,
    });
    let served = (): void => {};
    const firstServed = new Promise<void>((r) => {
      served = r;
    });
    const pooled = await this.sandbox.pool?.assign(spec, firstServed).catch(() => null);
    const inst = new Instance(view, prepared, pooled ?? startSandbox(spec), served);
    s.running.add(inst);
    void inst.handle.exited.then(() => {
      s.running.delete(inst);
      release();
      this.onExit(s, inst);
    });
    await inst.handle.ready;
    return inst;
  }

  /**
   * A start with nothing else serving the program (its first, or after it stopped): when it fails, nothing serves
   * it, and the core node's view says so (`serving: none; edition N failed to start: …`) until a start succeeds.
   * A node with no room (COMPUTE_CAPACITY_EXCEEDED) is not the edition failing: not reported.
   */
  private async firstStart(s: ProgramState, view: ProgramView): Promise<Instance> {
    try {
      const inst = await this.start(s, view);
      if (s.reported !== null)
        this.reportOnce(s, { program_id: view.id, serving_edition: view.edition, failed_edition: null });
      return inst;
    } catch (e) {
      if ((e as AlephError).code !== 'COMPUTE_CAPACITY_EXCEEDED' && !this.closed) {
        this.reportOnce(s, {
          program_id: view.id,
          serving_edition: null,
          failed_edition: view.edition,
          reason: (e as Error).message,
        });
      }
      throw e;
    }
  }

  private reportOnce(s: ProgramState, r: ServingReport): void {
    const key = `${r.serving_edition}/${r.failed_edition ?? null}`;
    if (s.reported === key) return;
    s.reported = key;
    this.reporter?.report(r);
  }

  private onExit(s: ProgramState, inst: Instance): void {
    if (s.instance !== inst) return;
    s.instance = null;
    // A persistent program is kept running: restart it (after a pause, so a crash loop does not spin).
    if (inst.view.persistent && !this.closed && s.view.status === 'live')
      setTimeout(() => this.ensureRunning(s), 1000).unref();
  }

  private ensureRunning(s: ProgramState): void {
    if (this.closed || s.instance?.alive || s.starting || !this.placedHere(s.view.id)) return;
    this.acquire(s.view).then(
      (i) => this.release(i),
      (e: Error) => this.logs.add(s.view.id, s.view.edition, 'system', `could not start: ${e.message}`),
    );
  }

  /** Starts every persistent program the node knows, without waiting for a request. */
  async startPersistent(): Promise<void> {
    for (const v of await this.api.programs())
      if (v.persistent && v.status === 'live') this.ensureRunning(this.remember(v));
  }

  /**
   * After the fleet's live set changed: persistent programs placed elsewhere now stop here (after their in-flight
   * requests), and those placed here now start.
   */
  rebalance(): Promise<void> {
    const stops: Array<Promise<void>> = [];
    for (const [id, s] of this.states)
      if (s.view.persistent && s.instance && !this.placedHere(id)) {
        this.logs.add(id, s.view.edition, 'system', 'placed on another compute node: stopping here');
        stops.push(this.stop(id));
      }
    return Promise.all([...stops, this.startPersistent().catch(() => {})]).then(() => {});
  }

  /**
   * After the event stream reconnects: events sent while it was down are lost, so nothing cached can be trusted.
   * Views of programs not running are dropped (the next request asks the node again); running or starting ones
   * are re-checked against the node in their upgrade queue (upgraded, or drained if forgotten meanwhile); and
   * persistent programs that appeared meanwhile are started.
   */
  resync(): Promise<void> {
    const checks: Array<Promise<void>> = [];
    for (const [id, s] of this.states) {
      if (!s.instance && !s.starting) {
        this.states.delete(id);
        if (s.idleTimer) clearTimeout(s.idleTimer);
        continue;
      }
      checks.push(this.onEvent({ kind: 'resync', program_id: id }));
    }
    // Drop hash → id entries of dropped programs (hashes of kept ones stay valid: a version hash names one program).
    for (const [ref, id] of this.ids) if (!this.states.has(id)) this.ids.delete(ref);
    checks.push(this.startPersistent().catch(() => {}));
    return Promise.all(checks).then(() => {});
  }

  /** Handles one event of `/api/ws0/programs`. */
  onEvent(e: ProgramEvent): Promise<void> {
    const s = this.states.get(e.program_id);
    if (!s) {
      // Not seen yet: nothing cached, unless it is persistent (a new persistent program must start at once).
      return this.api.program(e.program_id).then(
        (v) => {
          if (v?.persistent && v.status === 'live') this.ensureRunning(this.remember(v));
          else if (v?.status !== 'live') return this.dropVolumes(e.program_id, null);
        },
        () => {},
      );
    }
    s.queue = s.queue
      .then(() => this.upgrade(s, e))
      .catch((err: Error) => this.logs.add(s.view.id, s.view.edition, 'system', `upgrade failed: ${err.message}`));
    return s.queue;
  }

  private async upgrade(s: ProgramState, e: ProgramEvent): Promise<void> {
    const view = e.kind === 'program-forgotten' ? null : await this.api.program(s.view.id);
    if (view?.status !== 'live') {
      s.view = { ...s.view, status: 'forgotten' };
      const old = s.instance;
      const prev = s.previous;
      s.instance = null;
      s.previous = null;
      s.previousView = null;
      s.rollout = null;
      if (prev) void prev.drain();
      if (old) await old.drain();
      if (s.starting)
        await s.starting.then(
          (i) => i.stop(),
          () => {},
        );
      await this.dropVolumes(s.view.id, view ?? undefined);
      return;
    }
    if (s.starting) await s.starting.catch(() => {});
    this.remember(view);
    this.syncRollout(s, view);
    // An abort recorded while this node ran the aborted edition alone: stop it; the next request starts the previous.
    if (!s.rollout && view.rollout?.status === 'aborted' && s.instance?.view.edition === view.rollout.edition) {
      const bad = s.instance;
      s.instance = null;
      if (bad) await bad.drain();
      if (view.persistent) this.ensureRunning(s);
      return;
    }
    const old = s.instance;
    if (!old?.alive) {
      await this.dropVolumes(view.id, view);
      if (view.persistent) this.ensureRunning(s);
      return;
    }
    if (versionKey(old.view) === versionKey(view)) return;
    this.logs.add(view.id, view.edition, 'system', `edition ${view.edition}: starting ${view.currentHash}`);
    let next: Instance;
    try {
      next = await this.start(s, view);
    } catch (e) {
      // The previous edition keeps serving; the program's view on the core node says so.
      this.reportOnce(s, {
        program_id: view.id,
        serving_edition: old.view.edition,
        failed_edition: view.edition,
        reason: (e as Error).message,
      });
      throw e;
    }
    if (this.closed) {
      await next.stop();
      return;
    }
    // The swap: from here new requests reach `next`; the old one finishes what it has and stops — unless the new
    // edition rolls out, when the old one keeps its share (and its volumes) until the rollout ends.
    s.instance = next;
    if (s.idleTimer) {
      clearTimeout(s.idleTimer);
      s.idleTimer = null;
    }
    const plan = view.rollout;
    if (plan?.status === 'active' && plan.edition === view.edition && old.view.edition < view.edition) {
      s.previous = old;
      s.previousView = old.view;
      s.rollout = new RolloutRouting(plan, view.edition, old.view.edition);
      this.logs.add(
        view.id,
        view.edition,
        'system',
        `rollout: edition ${view.edition} serves ${s.rollout.percent()} %, edition ${old.view.edition} the rest`,
      );
    } else void old.drain().then(() => this.dropVolumes(view.id, s.view));
    this.reportOnce(s, { program_id: view.id, serving_edition: view.edition, failed_edition: null });
    if (next.inflight === 0) {
      next.enter();
      this.release(next);
    }
  }

  /**
   * Follows the node's view of the running rollout: an abort (here or by the owner) drains the candidate and leaves
   * the previous edition serving everything; a promotion drains the previous one; a newer edition ends the rollout,
   * the swap then starting from whichever edition served (the previous one after an abort).
   */
  private syncRollout(s: ProgramState, view: ProgramView): void {
    const r = s.rollout;
    if (!r) return;
    const plan = view.rollout;
    // A node that records the abort puts the previous edition back in force (its view names it, not the candidate).
    if (view.status === 'live' && plan?.edition === r.candidate) r.update(plan);
    if (view.status === 'live' && view.edition === r.candidate && plan?.edition === r.candidate) {
      if (plan.status === 'active') return;
      if (plan.status === 'aborted') {
        const cand = s.instance;
        if (cand && cand.view.edition === r.candidate) {
          s.instance = null;
          void cand.drain();
        }
        return;
      }
    }
    const prev = s.previous;
    s.rollout = null;
    s.previous = null;
    s.previousView = null;
    if (r.aborted && prev?.alive) {
      const cand = s.instance;
      s.instance = prev;
      if (cand && cand !== prev) void cand.drain();
    } else if (prev) void prev.drain();
  }

  /**
   * Deletes persistent-volume images the program no longer has: all of them when it is forgotten, those `view`
   * does not declare after an accepted edition took over. `null` asks the core node first (a program this node has
   * not seen, or at start); `undefined` means the node announced it forgotten. An unreachable node deletes nothing.
   */
  private async dropVolumes(programId: string, view: ProgramView | null | undefined): Promise<void> {
    try {
      const v = view === null ? await this.api.program(programId) : view;
      const keep = new Set(
        v?.status === 'live' ? v.volumes.flatMap((x) => (x.kind === 'persistent' ? [x.name] : [])) : [],
      );
      const dropped = await this.artifacts.persistent.drop(programId, keep);
      if (dropped.length)
        this.logs.add(
          programId,
          v?.edition ?? 0,
          'system',
          `deleted persistent volume${dropped.length > 1 ? 's' : ''} ${dropped.join(', ')}: ${v?.status === 'live' ? `edition ${v.edition} no longer declares them` : 'the program is forgotten'}`,
        );
    } catch (e) {
      this.logs.add(
        programId,
        view?.edition ?? 0,
        'system',
        `could not delete the program's unused volumes: ${(e as Error).message}`,
      );
    }
  }

  /**
   * At start: deletes the volume images of programs the core node no longer has, or volumes they dropped. Waits at
   * most `waitMs` (a slow core node must not hold the compute node's start; the sweep then goes on behind it).
   */
  async sweepVolumes(waitMs = 5000): Promise<void> {
    const sweep = (async () => {
      for (const id of this.artifacts.persistent.programsWithImages())
        if (!this.closed && !this.states.get(id)?.instance) await this.dropVolumes(id, null);
    })();
    await within(sweep, waitMs);
  }

  /** What this node counted for the program's running rollout (`GET /control/machine/{id}/rollout`). */
  rolloutCounts(programId: string): ComputeRollout {
    const r = this.states.get(programId)?.rollout;
    return {
      program_id: programId,
      rollout: r
        ? {
            candidate: r.candidate,
            previous: r.previous,
            percent: r.percent(),
            aborted: r.aborted,
            editions: r.stats(),
          }
        : null,
    };
  }

  /** The pre-started sandboxes first requests take, if this node has them (benchmarks read and resize it). */
  get pool(): SandboxPool | undefined {
    return this.sandbox.pool;
  }

  /** The instance now serving the program, if any (benchmarks compare it with the routed path). */
  serving(programId: string): Instance | null {
    const i = this.states.get(programId)?.instance;
    return i?.alive ? i : null;
  }

  /**
   * Stops the program's instance now, after its in-flight requests, and resolves once every instance of it that was
   * told to go has exited (an old edition still draining after a swap included: what it held of the node's capacity
   * is free then). The next request starts it again.
   */
  async stop(programId: string): Promise<void> {
    const s = this.states.get(programId);
    if (!s) return;
    const inst = s.instance;
    s.instance = null;
    if (s.idleTimer) {
      clearTimeout(s.idleTimer);
      s.idleTimer = null;
    }
    const leaving = [...s.running].filter((i) => i.retiring).map((i) => i.handle.exited);
    await Promise.all([inst?.drain(), ...leaving]);
  }

  async close(): Promise<void> {
    this.closed = true;
    const all: Array<Promise<void>> = [];
    for (const s of this.states.values()) {
      if (s.idleTimer) clearTimeout(s.idleTimer);
      if (s.instance) all.push(s.instance.stop());
      if (s.previous) all.push(s.previous.stop());
      if (s.starting)
        all.push(
          s.starting.then(
            (i) => i.stop(),
            () => {},
          ),
        );
      s.instance = null;
    }
    await Promise.all(all);
  }

  static runDir(home: string): string {
    return join(home, 'run');
  }
}

export function notFound(idOrHash: string): AlephError {
  return new AlephError('COMPUTE_PROGRAM_NOT_FOUND', `no live program with id or version hash ${idOrHash}`, {
    hint: 'it may have been forgotten',
  });
}
