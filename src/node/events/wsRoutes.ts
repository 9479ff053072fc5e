import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { NodeEvent } from '../apply/applyContext.js';
import type { ProgramEventFrame } from '../../protocol/api/index.js';
import type { NodeContext } from '../nodeContext.js';
import { fairTurn } from '../fairTurn.js';
import { historyHashes, QueryGate, sendHistory } from './historyStream.js';
import { matches } from './matchFilters.js';
import { FanOutQueue } from './fanOutQueue.js';
import { FrameCache } from './frameCache.js';
import {
  closeWith,
  CLOSE_POLICY,
  CLOSE_TRY_LATER,
  defaultWsLimits,
  SubscriberCounts,
  SubscriberRegistry,
  type WsLimits,
} from './subscribers.js';
import { parseWsQuery, type Filters } from './wsQuery.js';

/** Bytes of frames written to sockets per turn of the event loop during a fan-out. */
const FAN_OUT_SLICE_BYTES = 1024 * 1024;

interface MessageSubscriber {
  filters: Filters;
  /** Live frames held while the history is being sent (null once live); they count against the buffer cap. */
  backlog: { hash: string; frame: Buffer }[] | null;
  backlogBytes: number;
}

/**
 * aleph's websocket stream of processed messages, with its filters and `history` (that many past messages
 * first); and ours, /api/ws0/programs, announcing each program whose resolved version changed. Every
 * subscriber is bounded (count per IP and in total, unsent bytes, history size and time); the fan-out
 * serializes each message once and never lets one message or one socket throw out of the event loop.
 */
export function wsRoutes(app: FastifyInstance, node: NodeContext, limits: WsLimits = defaultWsLimits): void {
  const counts = new SubscriberCounts();
  const messages = new SubscriberRegistry<MessageSubscriber>(limits, counts);
  const programs = new SubscriberRegistry<null>(limits, counts);
  const historyGate = new QueryGate(limits.historyQueries);
  const frames = new FrameCache();

  // One message fanned out at a time, in processing order, each in slices of sockets with a turn of the event
  // loop between: writing 100 KB to 1,000 sockets is ~100 MB of copies, which in one go held every other request
  // for most of a second. The queue is bounded (limits.maxFanOutBacklog): past it, subscribers are closed.
  const toFanOut = new FanOutQueue(limits.maxFanOutBacklog, fanOutMessage, (waiting) => {
    for (const ws of messages.sockets.keys())
      closeWith(
        ws,
        CLOSE_TRY_LATER,
        'WS_FAN_OUT_BEHIND',
        `the node fell ${waiting} messages behind its subscribers; reconnect with history to catch up`,
      );
  });
  node.pipeline.bus.on('message', (hash: string) => {
    if (messages.sockets.size === 0) return;
    toFanOut.push(hash);
  });
  node.pipeline.bus.on('event', (e: NodeEvent) => {
    if (programs.sockets.size === 0) return;
    fanOutProgram(e).catch(() => {});
  });

  async function fanOutMessage(hash: string): Promise<void> {
    const row = await node.reads.selectFrom('messages').selectAll().where('item_hash', '=', hash).executeTakeFirst();
    // pyaleph streams processed messages only (one forgotten meanwhile has no content to show).
    if (row?.status !== 'processed') return;
    let frame: Buffer | undefined;
    let slice = 0;
    for (const [ws, sub] of [...messages.sockets]) {
      if (!matches(sub.filters, row)) continue;
      // Encoded once: a 100 KB message to 1,000 subscribers is one encoding, not a thousand.
      frame ??= frames.frameOf(row);
      const bytes = frame.length;
      if (slice >= FAN_OUT_SLICE_BYTES) {
        await fairTurn();
        slice = 0;
      }
      // Closed (or gone) while waiting for the turn: nothing to send.
      if (!messages.sockets.has(ws)) continue;
      slice += bytes;
      if (sub.backlog) hold(ws, sub, hash, frame, bytes);
      else messages.send(ws, frame, bytes);
    }
  }

  function hold(ws: WebSocket, sub: MessageSubscriber, hash: string, frame: Buffer, bytes: number): void {
    sub.backlogBytes += bytes;
    if (sub.backlogBytes > limits.maxBufferedBytes) {
      sub.backlog = [];
      closeWith(
        ws,
        CLOSE_POLICY,
        'WS_SLOW_SUBSCRIBER',
        `more than ${limits.maxBufferedBytes} bytes unread while sending history`,
      );
      return;
    }
    sub.backlog!.push({ hash, frame });
  }

  async function fanOutProgram(e: NodeEvent): Promise<void> {
    const p = await node.reads.selectFrom('programs').selectAll().where('id', '=', e.programId).executeTakeFirst();
    const event: ProgramEventFrame = {
      kind: e.kind,
      program_id: e.programId,
      edition: p?.edition ?? null,
      current_hash: p?.current_hash ?? null,
      status: p?.status ?? null,
    };
    const frame = JSON.stringify(event);
    for (const ws of programs.sockets.keys()) programs.send(ws, frame);
  }

  app.get('/api/ws0/messages', { websocket: true }, async (socket, req) => {
    const q = parseWsQuery(req.query);
    if (!q.ok) return closeWith(socket, CLOSE_POLICY, 'WS_QUERY_INVALID', `${q.field} ${q.reason}`);
    const sub: MessageSubscriber = { filters: q.filters, backlog: q.history > 0 ? [] : null, backlogBytes: 0 };
    if (!messages.add(socket, req.ip, sub) || q.history === 0) return;
    try {
      const open = () => socket.readyState === socket.OPEN;
      const sent = await sendHistory(
        node.reads,
        historyGate,
        frames,
        socket,
        await historyHashes(node.reads, historyGate, q.filters, q.history, limits, open),
        limits,
      );
      const backlog = sub.backlog ?? [];
      sub.backlog = null;
      if (!sent) return;
      for (const b of backlog) if (!sent.has(b.hash)) messages.send(socket, b.frame);
    } catch {
      socket.terminate();
    }
  });

  app.get('/api/ws0/programs', { websocket: true }, (socket, req) => {
    programs.add(socket, req.ip, null);
  });
}
