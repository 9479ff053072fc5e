import { z } from 'zod';

/**
 * `GET /about` (and `/`) of a compute node: what it is, the core node it follows, and (in a fleet) its own
 * address and the live compute nodes it places programs over, as it last heard them.
 */
export const computeAboutSchema = z.object({
  name: z.string(),
  api_url: z.string(),
  address: z.string().optional(),
  fleet: z.array(z.object({ address: z.string(), url: z.string(), name: z.string() })).optional(),
});
export type ComputeAbout = z.infer<typeof computeAboutSchema>;

/** `GET /about/runtime/{ref}`: what the runtime's interpreters say of themselves, asked inside a sandbox. */
export const runtimeAboutSchema = z.object({
  ref: z.string(),
  store: z.string(),
  file_hash: z.string(),
  kind: z.string(),
  distribution: z.string().nullable(),
  python: z.string().nullable(),
  node: z.string().nullable(),
  packages: z.record(z.string(), z.string()),
  shell: z.boolean(),
  versions: z.record(z.string(), z.string()),
});
export type RuntimeAbout = z.infer<typeof runtimeAboutSchema>;

/**
 * One line of `GET /control/machine/{id}/logs`: aleph-vm's record (`operate_logs_json`, views/operator.py), which
 * aleph's CLI prints, with the edition that wrote it. `file` is stdout, stderr or system (the compute node's own
 * notes: started, stopped, killed).
 */
export const programLogRecordSchema = z.object({
  SYSLOG_IDENTIFIER: z.string(),
  MESSAGE: z.string(),
  file: z.enum(['stdout', 'stderr', 'system']),
  __REALTIME_TIMESTAMP: z.string(),
  edition: z.number().int().nonnegative(),
});
export type ProgramLogRecord = z.infer<typeof programLogRecordSchema>;

/** `GET /control/machine/{id}/logs`: the last lines of a program's stdout and stderr, oldest first. */
export const programLogsSchema = z.array(programLogRecordSchema);

/**
 * `GET /control/machine/{id}/traffic` of a compute node: the requests it answered for the program and how many
 * failed (5xx, crash, timeout, a start that failed), per second over its last `window_s` seconds, oldest first,
 * the last entry being the second of `time` (the compute node's clock). Public, and open to other origins (CORS):
 * the web console sums the answers of every live compute node.
 */
export const computeTrafficSchema = z.object({
  program_id: z.string(),
  node: z.string(),
  time: z.number(),
  window_s: z.number().int().positive().max(3600),
  requests: z.array(z.number().int().nonnegative()).max(3600),
  errors: z.array(z.number().int().nonnegative()).max(3600),
});
export type ComputeTraffic = z.infer<typeof computeTrafficSchema>;
