/**
 * Helpers for governance tests: governed code archives, deployments, upgrades through every event kind
 * (replacement, STORE amend) and approvals, all as signed messages to a real node (heights: manualClock.ts).
 */
import { zipSync } from 'fflate';
import type { LocalAlephAccount } from '../../client/accounts/account.js';
import { buildAggregate } from '../../client/messages/buildAggregate.js';
import { buildPost } from '../../client/messages/buildPost.js';
import {
  buildProgram,
  buildProgramReplacement,
  type BuildProgramParameters,
} from '../../client/messages/buildProgram.js';
import { buildStore } from '../../client/messages/buildStore.js';
import { getJson, postMessage, sign, storeFile, uploadWithStore, type Answer } from './nodeHarness.js';

/** A deterministic zip of `files` (path -> text), as the CLI uploads a program directory. */
export function codeZip(files: Record<string, string>): Uint8Array {
  const entries: Record<string, [Uint8Array, { mtime: Date }]> = {};
  for (const path of Object.keys(files).sort())
    entries[path] = [new TextEncoder().encode(files[path]), { mtime: new Date(1980, 0, 1) }];
  return zipSync(entries);
}

/** A governed program's files: program.toml with `toml`, and a main.py. */
export function governedFiles(
  toml: string,
  main = 'async def app(scope, receive, send): pass\n',
  extra: Record<string, string> = {},
): Record<string, string> {
  return { 'program.toml': toml, 'main.py': main, ...extra };
}

export interface Deployed {
  id: string;
  /** STORE hash of the code (the ref the program follows). */
  code: string;
  runtime: string;
  answer: Answer;
}

/** Deploys `files` as a program of `account`; returns the answer even when refused (`id` is the message hash). */
export async function deployCode(
  url: string,
  account: LocalAlephAccount,
  files: Record<string, string>,
  extra: Partial<BuildProgramParameters> = {},
): Promise<Deployed> {
  const code = await storeFile(url, account, codeZip(files));
  const runtime = extra.runtime ?? (await storeFile(url, account, Buffer.from(`runtime ${Math.random()}`)));
  const msg = await sign(
    account,
    buildProgram({
      sender: account.address,
      codeRef: code,
      entrypoint: 'main:app',
      runtime,
      updatable: true,
      ...extra,
    }),
  );
  return { id: msg.item_hash, code, runtime, answer: await postMessage(url, msg) };
}

/** Publishes new code as a STORE amend of `codeRef` (what `aleph program upgrade` does). */
export async function amendCode(
  url: string,
  account: LocalAlephAccount,
  codeRef: string,
  files: Record<string, string>,
): Promise<Answer & { hash: string }> {
  return amendFile(url, account, codeRef, codeZip(files));
}

/** Publishes `bytes` as a STORE amend of `ref`. */
export async function amendFile(
  url: string,
  account: LocalAlephAccount,
  ref: string,
  bytes: Uint8Array,
): Promise<Answer & { hash: string }> {
  const msg = await sign(account, buildStore({ sender: account.address, file: bytes, ref }));
  return { ...(await uploadWithStore(url, bytes, msg)), hash: msg.item_hash };
}

/** Replaces program `id` with its content in force edited by `edit` (what `aleph message amend` does). */
export async function replaceWith(
  url: string,
  account: LocalAlephAccount,
  id: string,
  edit: (c: Record<string, any>) => Record<string, any> = (c) => c,
): Promise<Answer & { hash: string }> {
  const current = (await getJson(url, `/api/v0/programs/${id}`)).body.content as Record<string, any>;
  const { replaces: _r, time: _t, ...base } = structuredClone(current);
  const msg = await sign(
    account,
    buildProgramReplacement({
      sender: account.address,
      programId: id,
      content: edit({ ...base, address: account.address }),
    }),
  );
  return { ...(await postMessage(url, msg)), hash: msg.item_hash };
}

/** Signs an approval of `checksum` as edition `edition` of program `id` (`aleph program approve`). */
export async function approve(
  url: string,
  account: LocalAlephAccount,
  id: string,
  checksum: string,
  edition: number,
): Promise<Answer> {
  return postMessage(
    url,
    await sign(
      account,
      buildPost({
        sender: account.address,
        type: 'program-upgrade-approval',
        ref: id,
        content: { program_id: id, checksum, edition },
      }),
    ),
  );
}

/** Writes `{key: value}` into `account`'s AGGREGATE `aggregateKey` (a DAO's vote result). */
export async function setAggregate(
  url: string,
  account: LocalAlephAccount,
  aggregateKey: string,
  content: Record<string, unknown>,
): Promise<Answer> {
  return postMessage(url, await sign(account, buildAggregate({ sender: account.address, key: aggregateKey, content })));
}

/** The program as the API shows it, and its history. */
export async function programState(url: string, id: string): Promise<{ view: any; history: any }> {
  return {
    view: (await getJson(url, `/api/v0/programs/${id}`)).body,
    history: (await getJson(url, `/api/v0/programs/${id}/history`)).body,
  };
}
