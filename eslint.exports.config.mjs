import { config } from '@n8n/node-cli/eslint';
import tseslint from 'typescript-eslint';

/**
 * Exports nothing imports, and modules importing each other in a circle, are errors in the code
 * that ships (`npm run lint` runs this after `n8n-node lint`): what only its own file uses stays
 * unexported, and imports go one way.
 * The rule is eslint-plugin-import-x's no-unused-modules, taken from node-cli's config, which
 * registers the plugin. It reads the whole project, so an export the tests import counts as used.
 * It lists the project's files with ESLint's older file walker, which needs an .eslintrc file to
 * exist (.eslintrc.cjs, empty; import-js/eslint-plugin-import#3079).
 */
const importX = config.find((block) => block.plugins?.['import-x']).plugins['import-x'];

export default tseslint.config({
	files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
	plugins: { 'import-x': importX },
	languageOptions: { parser: tseslint.parser },
	settings: {
		'import-x/extensions': ['.ts'],
		'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts'] })],
	},
	rules: {
		'import-x/no-unused-modules': [
			'error',
			{
				unusedExports: true,
				// What n8n loads through package.json's "n8n" section.
				ignoreExports: ['nodes/**/*.node.ts', 'credentials/*.credentials.ts'],
			},
		],
		// One direction between modules: a reader follows a request down, never back up.
		'import-x/no-cycle': 'error',
	},
});
