/** One hostile request of a fuzz run, as a generator made it. */
export type FuzzCase =
  | { gen: string; kind: 'post'; body: string | Buffer }
  | { gen: string; kind: 'get'; path: string }
  | { gen: string; kind: 'ws'; path: string; frames: (string | Buffer)[] };

/** What came back, per generator. */
export interface GeneratorCounts {
  sent: number;
  /** 200/202 to a POST. */
  accepted: number;
  /** Accepted although not signed by the authority it claims (judged independently of the node). */
  forgeries: number;
  /** 4xx: refusals and request errors. */
  refused: number;
  server_errors: number;
  /** No HTTP answer: connection reset, timeout. */
  transport_errors: number;
}

export const emptyCounts = (): GeneratorCounts => ({
  sent: 0,
  accepted: 0,
  forgeries: 0,
  refused: 0,
  server_errors: 0,
  transport_errors: 0,
});
