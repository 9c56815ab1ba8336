/** The platform ↔ registry adapter contract: wire schemas, request authentication, face templates. */
export * from './schemas.ts';
export * from './http-auth.ts';
export { cosineSimilarity } from './face-template.ts';
