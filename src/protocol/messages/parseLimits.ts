/**
 * Bounds on what a node accepts from a sender, as settings (NodeOptions) with these defaults. They apply to
 * every message however it arrives (POST /messages, an upload's metadata, a retried pending message).
 */
export interface ParseLimits {
  /** Deepest JSON nesting accepted in a body or a message's content. */
  maxJsonDepth: number;
  /** How far ahead of the node's clock a signed `time` may be (clock skew), in seconds. */
  maxFutureSeconds: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxJsonDepth: 64, maxFutureSeconds: 300 };

/**
 * The deepest JSON the node ever walks recursively (formatting stored content, a setting's upper bound):
 * far below what overflows V8's stack in JSON.stringify (a few thousand levels).
 */
export const MAX_JSON_DEPTH_CEILING = 512;
