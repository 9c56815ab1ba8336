/** Times on the wire: epoch milliseconds in the store, ISO 8601 strings in every `/v1/me` answer. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
