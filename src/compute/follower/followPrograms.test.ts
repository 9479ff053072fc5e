import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { OFF_CONTRACT_HEADER } from '../../protocol/testing/contractCheck.js';
import type { NodeApi } from '../api/nodeApi.js';
import type { ProgramView } from '../api/programView.js';
import type { Artifacts } from '../supervisor/artifacts.js';
import type { ProgramLogs } from '../supervisor/programLogs.js';
import { Supervisor, type ProgramEvent } from '../supervisor/supervisor.js';
import { followPrograms } from './followPrograms.js';

const ID = 'a'.repeat(64);
const view = (edition: number, status: ProgramView['status'] = 'live'): ProgramView => ({
  id: ID,
  owner: '',
  status,
  edition,
  currentHash: edition === 0 ? ID : `${edition}`.padStart(64, 'b'),
  encoding: 'zip',
  entrypoint: 'main:app',
  memoryMiB: 128,
  vcpus: 1,
  seconds: 30,
  internet: false,
  persistent: false,
  variables: {},
  volumes: [],
  resolved: [],
});

describe('followPrograms', () => {
  it('reconnects after the stream drops, calls onReconnect once per reconnect, and keeps delivering events', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    // What this test is about: the follower's own parsing of a frame outside the contract.
    wss.on('headers', (headers) => headers.push(`${OFF_CONTRACT_HEADER}: 1`));
    let connections = 0;
    wss.on('connection', (socket) => {
      connections++;
      if (connections === 1) socket.terminate();
      else {
        // A frame the contract does not describe is dropped; the next, in the node's shape, is delivered.
        socket.send(JSON.stringify({ kind: 'program-amended', program_id: ID }));
        socket.send(
          JSON.stringify({ kind: 'program-updated', program_id: ID, edition: 1, current_hash: ID, status: 'live' }),
        );
      }
    });
    const events: ProgramEvent[] = [];
    let reconnects = 0;
    let gotEvent!: () => void;
    const eventSeen = new Promise<void>((r) => (gotEvent = r));
    const f = followPrograms(
      `http://127.0.0.1:${(wss.address() as AddressInfo).port}`,
      (e) => {
        events.push(e);
        gotEvent();
      },
      () => reconnects++,
    );
    try {
      await f.connected;
      await eventSeen;
      assert.equal(reconnects, 1);
      assert.deepEqual(
        events.map((e) => [e.kind, e.program_id, e.edition]),
        [['program-updated', ID, 1]],
      );
    } finally {
      f.close();
      await new Promise((r) => wss.close(r));
    }
  });
});

describe('Supervisor.resync', () => {
  it('drops cached views so that the next lookup asks the node again (events missed while disconnected)', async () => {
    let answer: ProgramView | null = view(0);
    let asked = 0;
    const api = {
      program: async () => {
        asked++;
        return answer;
      },
      programs: async () => [],
    } as unknown as NodeApi;
    const sup = new Supervisor(api, {} as Artifacts, { add() {} } as unknown as ProgramLogs, '/nonexistent');
    assert.equal((await sup.view(ID))?.edition, 0);
    assert.equal((await sup.view(ID))?.edition, 0);
    assert.equal(asked, 1, 'cached');
    // Forgotten while the stream was down: without a resync the stale view would keep routing.
    answer = view(1, 'forgotten');
    await sup.resync();
    assert.equal(sup.cachedView(ID), undefined);
    assert.equal(await sup.view(ID), null);
    assert.equal(asked, 2);
  });
});
