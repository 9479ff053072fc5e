import { formatListedMessage } from '../routes/formatMessage.js';
import type { MessagesTable } from '../store/tables.js';

/**
 * The websocket frame of one processed message, built once for every subscriber, in pyaleph's shape (the
 * listing's `message_to_dict`: aleph-message's fields and `size`, no `reception_time`). The content is spliced
 * in as the exact JSON text that was stored (it was parsed when the message arrived), so no untrusted content is
 * ever parsed again or serialized recursively here: content nested thousands of levels cannot overflow the stack.
 */
export function messageFrame(r: MessagesTable): string {
  const { content: _none, ...envelope } = formatListedMessage({ ...r, content: null });
  const head = JSON.stringify(envelope);
  const content = r.status === 'forgotten' || r.content == null ? 'null' : r.content;
  return `${head.slice(0, -1)},"content":${content}}`;
}
