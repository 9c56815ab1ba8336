/** The operators' side: authentication and roles, the RP approval queue, and identity disclosure to the law-enforcement liaison. */
export { ADMIN_REALM, AdminAuthenticator, type AdminActor } from './auth.ts';
export { registerRpAdminRoutes } from './rp-routes.ts';
export { DEVELOPMENT_ROLES, OPERATOR_ROLES, parseRoleMap, type OperatorRole, type RoleMap } from './roles.ts';
export { DISCLOSURE_TTL_MS, Disclosures, type DisclosedIdentity, type DisclosureDeps, type DisclosureSubject, type DisclosureView } from './disclosures.ts';
export { disclosureSchemas, registerDisclosureRoutes } from './disclosure-routes.ts';
