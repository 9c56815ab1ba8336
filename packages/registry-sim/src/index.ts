/**
 * @wangzheng/registry-sim — a simulated national population registry: synthetic people,
 * their documents and chips (SM2 issuer PKI), face templates and guardianships, behind the
 * same authenticated HTTP contract a real registry adapter would implement.
 */
export { createRegistryServer, DEFAULT_POPULATION, DEFAULT_REGISTRY_PORT, type RegistryServer, type RegistryServerOptions } from './http/server.ts';
export { RegistryService, type RegistryServiceOptions, type Sample } from './service.ts';
export { generatePopulation, PopulationModel, DEFAULT_AS_OF, MAX_POPULATION, type PopulationOptions, type SyntheticDocument, type SyntheticPerson } from './population/generate.ts';
export { loadPopulation, loadPopulationParallel, populationSize, type LoadProgress, type LoadResult } from './population/load.ts';
export { openDb, type Db } from './store/db.ts';
export { IssuerPki, certifySigner, trustAnchorOf, authorities } from './pki/issuers.ts';
export { faceTemplate, capture, DEFAULT_FACE_THRESHOLD } from './face/template.ts';
