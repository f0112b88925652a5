/** Sizes of every workload (flags, with defaults in ../lib/options.ts) and what a workload run returns. */

export interface Sizes {
  /** A/B: pairs of users online. */
  pairs: number;
  /** A: messages each user sends. */
  messages: number;
  /** A/C/E: messages in flight per sender. */
  window: number;
  /** Message text size, bytes. */
  size: number;
  /** B: messages per second in total, and for how long. */
  rate: number;
  seconds: number;
  /** C: messages waiting for the offline user. */
  offline: number;
  /** D: idle logged-in connections, and logins in flight while opening them. */
  connections: number;
  loginConcurrency: number;
  /** E: messages in the conversation, and the page size. */
  history: number;
  page: number;
  /** Generator worker processes for A and B. */
  workers: number;
}

/** One workload on one system: its figures for the table and results file, and anything that went wrong. */
export interface Outcome {
  figures: Record<string, number | boolean>;
  /** Loss, errors, disorder: any entry fails the run. */
  problems: string[];
  /** When the measured traffic ran, on the machine's monotonic clock (ms), to cut a CPU profile to it. */
  window?: { fromMs: number; toMs: number };
}
