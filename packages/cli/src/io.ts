/** Where a command writes: its output and its messages (a terminal, or a test's buffers). */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}
