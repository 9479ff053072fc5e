/**
 * Defaults shared by the SDK and the CLI. Values that mirror aleph-client say so; the rest are ours.
 */

/**
 * Node API used when neither `--api-url` nor `ALEPH_API_URL` is given (the devnet's default port).
 * @example
 * const apiUrl = process.env.ALEPH_API_URL ?? DEFAULT_API_URL;
 */
export const DEFAULT_API_URL = 'http://127.0.0.1:4024';

/**
 * Compute node serving `/vm/{id}`, logs and runtime reports (the devnet's default port).
 * @example
 * const url = `${DEFAULT_COMPUTE_URL}/vm/${programId}`;
 */
export const DEFAULT_COMPUTE_URL = 'http://127.0.0.1:4020';

/**
 * aleph-client's default channel (`settings.DEFAULT_CHANNEL`).
 * @example
 * buildPost({ sender, type: 'note', content: {}, channel: DEFAULT_CHANNEL });
 */
export const DEFAULT_CHANNEL = 'ALEPH-CLOUDSOLUTIONS';

/**
 * aleph's official runtime (`settings.DEFAULT_RUNTIME_ID`), also the seed reference's `--runtime` default.
 * @example
 * buildProgram({ sender, codeRef, entrypoint: 'main:app', runtime: DEFAULT_RUNTIME_ID });
 */
export const DEFAULT_RUNTIME_ID = '63f07193e6ee9d207b7d1fcf8286f9aee34e6f12f101d2ec77c1229f92964696';

/**
 * Resource defaults for a PROGRAM. aleph-client derives vcpus/memory from a compute-unit tier (2 GiB for
 * tier 1); we use the @aleph-sdk/message defaults (1 vCPU, 128 MiB) because a devnet runs many programs
 * on one machine, and the reference's 30 s `--timeout-seconds`.
 * @example
 * const memory = opts.memory ?? DEFAULT_PROGRAM_RESOURCES.memory;
 */
export const DEFAULT_PROGRAM_RESOURCES = { vcpus: 1, memory: 128, seconds: 30 } as const;

/**
 * Where aleph-client keeps the Ethereum key, relative to `$HOME`.
 * @example
 * const file = join(homedir(), DEFAULT_KEY_FILE_RELATIVE);
 */
export const DEFAULT_KEY_FILE_RELATIVE = '.aleph-im/private-keys/ethereum.key';

/**
 * POST type used to approve an upgrade checksum for programs governed by `@multisig` (DESIGN §4).
 * @example
 * buildPost({ sender, type: UPGRADE_APPROVAL_POST_TYPE, ref: programId, content: { program_id: programId, checksum } });
 */
export const UPGRADE_APPROVAL_POST_TYPE = 'program-upgrade-approval';

/**
 * POST type the owner (or a delegate) sends to cancel time-locked (`@timelock`) upgrades before they take
 * effect: content `{program_id, message_hash?}`; without `message_hash`, every pending upgrade of the program.
 * @example
 * buildPost({ sender, type: UPGRADE_CANCEL_POST_TYPE, ref: programId, content: { program_id: programId } });
 */
export const UPGRADE_CANCEL_POST_TYPE = 'program-upgrade-cancel';
