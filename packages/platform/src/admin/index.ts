/** The operators' side: roles, and identity disclosure to the law-enforcement liaison. */
export { DEVELOPMENT_ROLES, OPERATOR_ROLES, parseRoleMap, type OperatorRole, type RoleMap } from './roles.ts';
export { DISCLOSURE_TTL_MS, Disclosures, type DisclosedIdentity, type DisclosureDeps, type DisclosureSubject, type DisclosureView } from './disclosures.ts';
export { disclosureSchemas, registerDisclosureRoutes } from './disclosure-routes.ts';
