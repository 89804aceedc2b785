/** Each project runs the whole suite against one n8n line, through that line's own engine. */
const base = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }] },
	setupFiles: ['<rootDir>/harness/setup.ts'],
};

module.exports = {
	testTimeout: 30_000,
	// Each test file loads n8n-core afresh and jest keeps some of it: a worker that has grown this
	// much is replaced between files instead of running out of memory late in the run.
	workerIdleMemoryLimit: '1GB',
	// n8n-core 1.x starts an SSH-connection cleanup interval it never unrefs (n8n's CLI stops it
	// at shutdown); without this jest would wait on it forever after the last test.
	forceExit: true,
	projects: [
		{
			...base,
			displayName: 'n8n 2.x',
			globals: { N8N_LINE: 2 },
			// The sandbox's own tests (beside it) do not involve n8n: they run once, here.
			roots: ['<rootDir>/test', '<rootDir>/sandbox'],
		},
		{
			...base,
			displayName: 'n8n 1.x',
			globals: { N8N_LINE: 1 },
			// The node imports n8n-workflow as a peer: in n8n 1.x that is 1.x's copy.
			moduleNameMapper: {
				'^n8n-core$': '<rootDir>/node_modules/n8n-core-v1',
				'^n8n-workflow$': '<rootDir>/node_modules/n8n-workflow-v1',
			},
		},
	],
};
