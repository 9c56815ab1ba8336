/** Identity documents: the eight legal types, number formats, chip data and passive authentication. */
export * from './document-types.ts';
export * from './gb11643.ts';
export * from './numbers.ts';
export * from './chip.ts';
export * from './passive-auth.ts';
