/**
 * Type helpers for the domain `types.ts` files: a new row or a patch is derived from the record
 * it becomes, so a column's type and its documentation are written once, on the record.
 */

/** `T` with the properties `K` made optional (the store fills a default); `readonly` and doc comments are kept. */
export type Optional<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;
