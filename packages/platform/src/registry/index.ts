/** The population registry, platform side: interface, HTTP client, passive authentication. */
export { assertDocumentUsable, type Registry } from './registry.ts';
export { createRegistryClient, RegistryHttpClient, type RegistryClientOptions } from './http-client.ts';
export { createPlatformPassiveAuth, loadTrustAnchors } from './passive-auth.ts';
