/**
 * The pure domain core: safe to import from Temporal workflow code (deterministic, no I/O, no Node built-ins).
 * Not exported here: `rules-parse.ts` (pulls in the YAML parser; import it directly where rules text is parsed).
 * Reading a rules file from disk is `src/config/rules-file.ts`, at the edge. Workflows that receive an
 * already-decoded rules value validate it with `parseRulesValue`.
 */
export * from './canonical-json';
export * from './diff';
export * from './directory-user';
export * from './duration';
export * from './evaluate';
export * from './failsafes';
export * from './group-refs';
export * from './matcher';
export * from './nesting-graph';
export * from './plan';
export * from './policy';
export * from './role-grants';
export * from './rules-expand';
export * from './rules-schema';
export * from './rules-validate';
export * from './scim-map';
export * from './selector-walk';
