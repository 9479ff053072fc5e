import { z } from 'zod';
import { isCid } from '../messages/hashFormats.js';

const cid = z.string().refine(isCid, 'expected an IPFS CID');

/**
 * `POST /api/v0/ipfs/add_file`, exactly pyaleph's (`web/controllers/ipfs.py`): the CID, the part's filename
 * ("file" when it has none) and the size in bytes. With a signed STORE in `metadata`, 200 means it was
 * processed and 202 that it is pending, as pyaleph's broadcast status maps them.
 */
export const ipfsAddFileAnswerSchema = z.strictObject({
  status: z.literal('success'),
  hash: cid,
  name: z.string(),
  size: z.number().int().nonnegative(),
});
export type IpfsAddFileAnswer = z.infer<typeof ipfsAddFileAnswerSchema>;

/** `POST /api/v0/ipfs/add_json`, pyaleph's `add_ipfs_json_controller`: the CID of the body as sent. */
export const ipfsAddJsonAnswerSchema = z.strictObject({ status: z.literal('success'), hash: cid });
export type IpfsAddJsonAnswer = z.infer<typeof ipfsAddJsonAnswerSchema>;
