import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { buildAggregate } from '../../client/messages/buildAggregate.js';
import { buildPost } from '../../client/messages/buildPost.js';
import type { SignedMessage } from '../../client/messages/types.js';
import { isAlephError } from '../../errors.js';
import { parseContent, parseEnvelope, type ValidMessage } from '../../protocol/index.js';
import { newAccount, sign, type Harness, useTestNode } from '../testing/nodeHarness.js';
import { testPgServer } from '../testing/testStore.js';
import { type Applied, ApplyQueue } from './applyQueue.js';

const valid = (m: SignedMessage): ValidMessage => {
  const envelope = parseEnvelope(m);
  return parseContent(envelope, envelope.item_content!);
};

/** What the writer answered one message: its height, or the code of its refusal. */
type Outcome = { height: number } | { code: string };

/**
 * Every message enqueued in one synchronous turn, so the writer takes them all into one batch (its
 * transaction opens only after this turn), on a writer of its own over the test node's store.
 */
async function oneBatch(h: Harness, messages: Array<SignedMessage | ValidMessage>): Promise<Outcome[]> {
  const queue = new ApplyQueue(h.node.db, h.node.files, h.node.pipeline.blocks, () => undefined);
  try {
    const settled = messages.map((m) => queue.enqueue('envelope' in m ? m : valid(m), Date.now() / 1000));
    return await Promise.all(
      settled.map((p) =>
        p.then(
          (a: Applied) => ({ height: a.height }),
          (e: unknown) => ({ code: isAlephError(e) ? e.code : String(e) }),
        ),
      ),
    );
  } finally {
    queue.stop();
  }
}

/** The writer's look at the next due upgrade when it goes idle (its timer): not part of a batch. */
const ARM = /^select min\("?effective_height"?\)/;

/**
 * What `run` had pg send, through a spy on pg's own client (the library, not ours): each text is one round trip.
 * Arrival-time reads of the harness (none here: the writers are driven directly) would show up too.
 */
async function roundTrips<T>(
  run: () => Promise<T>,
  onSend: (text: string) => void = () => {},
): Promise<{ result: T; sent: string[] }> {
  const sent: string[] = [];
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...a: unknown[]) {
    if (typeof a[0] === 'string') {
      sent.push(a[0]);
      onSend(a[0]);
    }
    return (query as (...x: unknown[]) => unknown).apply(this, a);
  } as typeof query;
  try {
    return { result: await run(), sent };
  } finally {
    pg.Client.prototype.query = query;
  }
}

/**
 * Outcomes of messages enqueued on `queue`: `first` at once, `joining` as soon as the batch's start is sent (its
 * answer needs a round trip, so they are queued before the batch looks again: they join it after its first turn).
 */
function firstAndJoining(
  queue: ApplyQueue,
  first: ValidMessage[],
  joining: ValidMessage[],
  started: Promise<void>,
): Promise<Outcome[]> {
  const outcome = (p: Promise<Applied>) =>
    p.then(
      (a): Outcome => ({ height: a.height }),
      (e: unknown): Outcome => ({ code: isAlephError(e) ? e.code : String(e) }),
    );
  const early = first.map((m) => outcome(queue.enqueue(m, Date.now() / 1000)));
  const late = started.then(() => joining.map((m) => outcome(queue.enqueue(m, Date.now() / 1000))));
  return late.then((l) => Promise.all([...early, ...l]));
}

/** A promise settled when pg is asked to send the order lock (a batch's start), and the spy hook that settles it. */
function whenStarted(): { started: Promise<void>; onSend(text: string): void } {
  let resolve = () => {};
  const started = new Promise<void>((r) => {
    resolve = r;
  });
  return { started, onSend: (t) => t.includes('pg_advisory_xact_lock') && resolve() };
}

const storeHeight = async (h: Harness) =>
  Number(
    (await h.node.db.selectFrom('meta').select('value').where('key', '=', 'height').executeTakeFirstOrThrow()).value,
  );

const row = (h: Harness, hash: string) =>
  h.node.db
    .selectFrom('messages')
    .select(['status', 'height', 'error_code'])
    .where('item_hash', '=', hash)
    .executeTakeFirstOrThrow();

describe('messages that write only their own row share a savepoint and one write, with the one-by-one verdicts', () => {
  const alice = newAccount();
  const bob = newAccount();
  const h = useTestNode();

  it('a refusal in the group stays alone; a security change between groups is seen by the next; an amend sees its original of the same batch', async () => {
    const post = (sender: typeof alice, n: number) =>
      sign(sender, buildPost({ sender: sender.address, address: alice.address, type: 'note', content: { n } }));
    const p1 = await post(alice, 1);
    const refused = await post(bob, 2);
    const p3 = await post(alice, 3);
    const grant = await sign(
      alice,
      buildAggregate({
        sender: alice.address,
        key: 'security',
        content: { authorizations: [{ address: bob.address, types: ['POST'] }] },
      }),
    );
    const delegated = await post(bob, 4);
    const amend = await sign(
      alice,
      buildPost({ sender: alice.address, type: 'amend', ref: p1.item_hash, content: { n: 1.5 } }),
    );
    const p5 = await post(alice, 5);
    const start = await storeHeight(h);
    const outcomes = await oneBatch(h, [p1, refused, p3, grant, delegated, amend, p5]);
    assert.deepEqual(outcomes, [
      { height: start + 1 },
      { code: 'NOT_AUTHORIZED' },
      { height: start + 2 },
      { height: start + 3 },
      // Bob's rights read afresh after the AGGREGATE, not from the group before it.
      { height: start + 4 },
      { height: start + 5 },
      { height: start + 6 },
    ]);
    assert.equal(await storeHeight(h), start + 6);
    assert.deepEqual(await row(h, p1.item_hash), { status: 'processed', height: start + 1, error_code: null });
    assert.deepEqual(await row(h, p5.item_hash), { status: 'processed', height: start + 6, error_code: null });
    assert.deepEqual(await row(h, refused.item_hash), {
      status: 'rejected',
      height: null,
      error_code: 'NOT_AUTHORIZED',
    });
  });

  it('a message the store cannot write is refused alone: its group is replayed one by one, the others keep their heights', async () => {
    // PostgreSQL refuses a NUL in text, SQLite stores it: a NUL put into the channel after parsing (which refuses
    // it at the boundary) stands for any write the store refuses. The group's one write fails and aborts the
    // transaction up to the group's savepoint.
    const post = (n: number) => sign(alice, buildPost({ sender: alice.address, type: 'note', content: { n } }));
    const before = await post(10);
    const unauthorized = await sign(
      bob,
      buildPost({ sender: bob.address, address: newAccount().address, type: 'note', content: {} }),
    );
    const parsed = valid(await post(11));
    const broken = { ...parsed, envelope: { ...parsed.envelope, channel: 'nul\u0000channel' } };
    const afterIt = await post(12);
    const start = await storeHeight(h);
    const outcomes = await oneBatch(h, [before, unauthorized, broken, afterIt]);
    const onPg = testPgServer() !== undefined;
    assert.deepEqual(outcomes, [
      { height: start + 1 },
      { code: 'NOT_AUTHORIZED' },
      onPg ? { code: 'INTERNAL_ERROR' } : { height: start + 2 },
      { height: start + (onPg ? 2 : 3) },
    ]);
    assert.equal(await storeHeight(h), start + (onPg ? 2 : 3));
    assert.deepEqual(await row(h, afterIt.item_hash), {
      status: 'processed',
      height: start + (onPg ? 2 : 3),
      error_code: null,
    });
    // The refusal recorded in the abandoned group was recorded again by the replay, once.
    assert.deepEqual(await row(h, unauthorized.item_hash), {
      status: 'rejected',
      height: null,
      error_code: 'NOT_AUTHORIZED',
    });
  });

  it('on PostgreSQL a batch of plain messages is two round trips: begin + order lock + start, then the rows with the end and the commit', {
    skip: !testPgServer() && 'ALEPH_TEST_PG not set',
  }, async () => {
    const posts = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => sign(alice, buildPost({ sender: alice.address, type: 'note', content: { n } }))),
    );
    const start = await storeHeight(h);
    const { result: outcomes, sent } = await roundTrips(() => oneBatch(h, posts));
    assert.deepEqual(
      outcomes,
      posts.map((_, i) => ({ height: start + i + 1 })),
    );
    const writer = sent.filter((t) => !ARM.test(t));
    assert.equal(writer.length, 2, writer.map((t) => t.slice(0, 80)).join('\n'));
    assert.match(writer[0]!, /^begin; select pg_advisory_xact_lock\(/);
    assert.match(writer[1]!, /^savepoint apply_message; release savepoint apply_message; insert into messages /);
    assert.match(writer[1]!, /; commit$/);
    assert.equal(await storeHeight(h), start + 5);
  });

  it('on PostgreSQL messages that join a batch after its first turn cost no round trip of their own', {
    skip: !testPgServer() && 'ALEPH_TEST_PG not set',
  }, async () => {
    const posts = await Promise.all(
      [1, 2, 3, 4, 5].map(async (n) =>
        valid(await sign(alice, buildPost({ sender: alice.address, type: 'note', content: { joined: n } }))),
      ),
    );
    const start = await storeHeight(h);
    const queue = new ApplyQueue(h.node.db, h.node.files, h.node.pipeline.blocks, () => undefined);
    try {
      await queue.catchUp(); // idle: the messages below open a batch of their own
      const { started, onSend } = whenStarted();
      const { result, sent } = await roundTrips(
        () => firstAndJoining(queue, posts.slice(0, 2), posts.slice(2), started),
        onSend,
      );
      assert.deepEqual(
        result,
        posts.map((_, i) => ({ height: start + i + 1 })),
      );
      const writer = sent.filter((t) => !ARM.test(t));
      assert.equal(writer.length, 2, writer.map((t) => t.slice(0, 80)).join('\n'));
      // The joiners' check rides on the end, before its writes.
      assert.match(writer[1]!, /^savepoint apply_message; release savepoint apply_message; do E'begin if exists/);
      assert.match(writer[1]!, /; commit$/);
    } finally {
      queue.stop();
    }
  });

  it('on PostgreSQL a joining message another node had applied makes the end refuse to commit; the batch runs again and answers its height', {
    skip: !testPgServer() && 'ALEPH_TEST_PG not set',
  }, async () => {
    const [elsewhere, mine, also] = await Promise.all(
      [1, 2, 3].map(async (n) =>
        valid(await sign(alice, buildPost({ sender: alice.address, type: 'note', content: { raced: n } }))),
      ),
    );
    const start = await storeHeight(h);
    // Another writer on the same store (as another core node is) applies one first.
    const other = new ApplyQueue(h.node.db, h.node.files, h.node.pipeline.blocks, () => undefined);
    const queue = new ApplyQueue(h.node.db, h.node.files, h.node.pipeline.blocks, () => undefined);
    try {
      assert.equal((await other.enqueue(elsewhere!, Date.now() / 1000)).height, start + 1);
      await queue.catchUp(); // idle: the messages below open a batch of their own
      const { started, onSend } = whenStarted();
      const { result, sent } = await roundTrips(
        () => firstAndJoining(queue, [mine!], [elsewhere!, also!], started),
        onSend,
      );
      // Decided once: the other writer's height, and the rest after it, as if it had been known from the start.
      assert.deepEqual(result, [{ height: start + 2 }, { height: start + 1 }, { height: start + 3 }]);
      assert.ok(sent.some((t) => t.includes('STORE_APPLIED_ELSEWHERE')));
      assert.equal(await storeHeight(h), start + 3);
      assert.deepEqual(await row(h, elsewhere!.envelope.item_hash), {
        status: 'processed',
        height: start + 1,
        error_code: null,
      });
      assert.deepEqual(await row(h, also!.envelope.item_hash), {
        status: 'processed',
        height: start + 3,
        error_code: null,
      });
    } finally {
      other.stop();
      queue.stop();
    }
  });
});
