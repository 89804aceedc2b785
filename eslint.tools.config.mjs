import tseslint from 'typescript-eslint';

/**
 * The lint for the tools (tests, sandbox, scripts): TypeScript's recommended rules. n8n's rules
 * (no `process`, no file system, no `console`) are for the code that ships, which eslint.config.mjs
 * lints: it is node-cli's own, unchanged, as `n8n-node lint` requires in strict mode. A folder of
 * tools gets these rules from a one-line eslint.config.mjs of its own (see test/eslint.config.mjs),
 * which ESLint finds with the flag `npm run lint` sets (unstable_config_lookup_from_file, the
 * default from ESLint 10).
 */
export default tseslint.config({
	files: ['**/*.ts'],
	extends: [tseslint.configs.recommended],
	// Several configs in one run: typescript-eslint needs to be told where tsconfig.json is.
	languageOptions: { parserOptions: { tsconfigRootDir: import.meta.dirname } },
});
