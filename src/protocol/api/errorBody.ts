import { z } from 'zod';

/**
 * `{error_code, details}`: every error answer of the core node and the compute node. `details.message` is the
 * sentence, `details.hint` the one-line fix, the rest the code's context (src/errorCodes/). A refused message
 * also carries `message_status: 'rejected'`; a request error never does.
 */
export const errorBodySchema = z.object({
  error_code: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected an error code (UPPER_SNAKE_CASE)'),
  details: z.looseObject({ message: z.string(), hint: z.string().optional() }),
  message_status: z.literal('rejected').optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
