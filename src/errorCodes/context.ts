/**
 * The `details` of a code that carries nothing beyond the message and hint. (The node adds `message` and
 * `hint` to every body it sends; those are not part of the context.)
 */
export type NoContext = { readonly [key: string]: never };

/**
 * The `details` of a code whose context is open by nature: a policy rule's own facts, or what a node sent that
 * this version does not know. Read its fields with a check (`typeof d.rule === 'string'`).
 */
export type OpenContext = { readonly [key: string]: unknown };
