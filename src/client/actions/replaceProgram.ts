import { buildProgramReplacement } from '../messages/buildProgram.js';
import { requireAccount, type ClientConfig } from '../transport/clientConfig.js';
import { assertUpdatable, getCurrentProgram } from './currentProgram.js';
import { publishMessage, type PublishMessageReturnType } from './publishMessage.js';

/**
 * Parameters of {@link replaceProgram}.
 * @example
 * await replaceProgram(config, { hash: id, edit: (c) => ({ ...c, variables: { MODE: 'prod' } }) });
 */
export interface ReplaceProgramParameters {
  /** Program id, or the hash of any of its replacements. */
  hash: string;
  /** Returns the new content from the content in force (a copy: mutate freely). */
  edit: (content: Record<string, unknown>) => Record<string, unknown>;
  /** Skip the early allow_amend check (the node still enforces it). */
  force?: boolean;
}

/**
 * Publishes a PROGRAM that replaces a program (`replaces: <id>`), starting from the content in force.
 * The program keeps its id and URL (DESIGN §3); its policy decides whether the upgrade is accepted: when it
 * is, `program_verdicts` carries the new edition; when it is not, the node rejects the message and this
 * throws the policy's AlephError (`details.rule`, `details.program_id`).
 * @example
 * await replaceProgram(config, { hash: id, edit: (c) => ({ ...c, resources: { ...(c.resources as object), vcpus: 4 } }) });
 */
export async function replaceProgram(
  config: ClientConfig,
  params: ReplaceProgramParameters,
): Promise<PublishMessageReturnType & { id: string }> {
  const account = requireAccount(config);
  const { id, current } = await getCurrentProgram(config, { hash: params.hash });
  if (!params.force) assertUpdatable(current, id);
  const { replaces: _r, time: _t, ...base } = structuredClone(current.content);
  const content = params.edit(base);
  const unsigned = buildProgramReplacement({
    sender: account.address,
    programId: id,
    content,
    channel: current.channel ?? config.channel,
  });
  return { id, ...(await publishMessage(config, { message: unsigned })) };
}

/**
 * Flips `on.persistent` of a program (`aleph program persist|unpersist`) by replacing it; a governed
 * program's policy judges it like any other upgrade (see {@link replaceProgram}).
 * @example
 * const { program_verdicts } = await setProgramPersistence(config, { hash: id, persistent: true });
 * console.log(program_verdicts[0]?.edition);
 */
export async function setProgramPersistence(
  config: ClientConfig,
  params: { hash: string; persistent: boolean },
): Promise<PublishMessageReturnType & { id: string }> {
  return replaceProgram(config, {
    hash: params.hash,
    edit: (c) => ({ ...c, on: { ...(c.on as Record<string, unknown>), persistent: params.persistent } }),
  });
}
