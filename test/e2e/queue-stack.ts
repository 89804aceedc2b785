/**
 * The queue-mode run's n8n (test/e2e/queue.ts): PostgreSQL and Redis
 * (queue-services.ts), this package packed and installed into one user folder
 * per n8n process, the credentials and workflows imported and published, two
 * `n8n worker` processes, then the main process once the workers are ready.
 */
import { randomBytes } from 'crypto';
import { appendFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';

import { selfClientCredentials } from '../../harness/credentials';
import { N8N_BIN, n8nEnvironment, sh, step } from '../../harness/installedN8n';
import type { ZohoSandbox } from '../../sandbox/server';
import { ownerEnvironment } from './editor';
import { startPostgres, startRedis, time, uniqueFreePort, waitUntil } from './queue-services';
import type { Postgres, Processes, Redis, Started } from './queue-services';

const WORKFLOW_DIRECTORY = join(__dirname, 'workflows-queue');
export const WORKFLOW_ID = 'e2eQueueUsers';
export const WEBHOOK_PATH = 'zoho-queue-users';
const CREDENTIAL = {
	id: 'e2eQueueSelfClient',
	name: 'Zoho sandbox (Self Client, queue mode)',
	type: 'zohoInvoiceApi',
};
/** The trigger polls its own sandbox for the whole run, through its own credential. */
const TRIGGER_WORKFLOW_ID = 'e2eQueueTrigger';
const TRIGGER_CREDENTIAL = {
	id: 'e2eQueueTriggerSelfClient',
	name: 'Zoho sandbox (Self Client, trigger)',
	type: 'zohoInvoiceApi',
};
export const WORKER_NAMES = ['zoho-worker-1', 'zoho-worker-2'];

export interface Stack {
	postgres: Postgres;
	redis: Redis;
	main: Started;
	mainUrl: string;
	workers: Started[];
	/** The environment the CLI commands (imports) run in: main's. */
	cliEnvironment: NodeJS.ProcessEnv;
}

/** What every n8n CLI command printed (imports), for the secrets check; also in logs/n8n-cli.log. */
const cliOutput: string[] = [];

async function n8nCli(env: NodeJS.ProcessEnv, args: string[], logDirectory: string): Promise<void> {
	const { stdout, stderr } = await sh(N8N_BIN, args, { env, timeoutMs: 180_000 });
	cliOutput.push(stdout, stderr);
	appendFileSync(
		join(logDirectory, 'n8n-cli.log'),
		`$ n8n ${args.join(' ')}\n${stdout}${stderr}\n`,
	);
}

/** The package as a user's n8n gets it (see installPackage in run.ts), once per n8n process folder. */
async function installPackage(runDirectory: string, userFolders: string[]): Promise<void> {
	step('Building and packing this package');
	await sh('npm', ['run', 'build']);
	const packDirectory = join(runDirectory, 'pack');
	mkdirSync(packDirectory);
	await sh('npm', ['pack', '--pack-destination', packDirectory]);
	const [tarball] = readdirSync(packDirectory).filter((file) => file.endsWith('.tgz'));
	step(`Installing ${tarball} into ${userFolders.length} n8n user folders`);
	await Promise.all(
		userFolders.map(async (userFolder) => {
			const nodesDirectory = join(userFolder, '.n8n/nodes');
			mkdirSync(nodesDirectory, { recursive: true });
			writeFileSync(
				join(nodesDirectory, 'package.json'),
				'{"name":"installed-nodes","private":true}',
			);
			await sh(
				'npm',
				[
					'install',
					'--legacy-peer-deps',
					'--ignore-scripts',
					'--no-audit',
					'--no-fund',
					join(packDirectory, tarball),
				],
				{ cwd: nodesDirectory },
			);
		}),
	);
}

export async function importCredential(
	stack: Pick<Stack, 'cliEnvironment'>,
	runDirectory: string,
	sandbox: ZohoSandbox,
	credential: typeof CREDENTIAL = CREDENTIAL,
): Promise<void> {
	const file = join(runDirectory, 'credentials.json');
	writeFileSync(file, JSON.stringify([{ ...credential, data: selfClientCredentials(sandbox) }]));
	try {
		await n8nCli(
			stack.cliEnvironment,
			['import:credentials', `--input=${file}`],
			join(runDirectory, 'logs'),
		);
	} finally {
		rmSync(file, { force: true });
	}
}

async function httpOk(url: string): Promise<boolean> {
	return fetch(url, { signal: AbortSignal.timeout(5_000) }).then(
		(response) => response.ok,
		() => false,
	);
}

/**
 * n8n 2.41 publishes workflows through its publication service (N8N_USE_WORKFLOW_PUBLICATION_SERVICE,
 * on by default), after "Editor is now accessible" is printed: a call made then was answered 404
 * "not registered" (measured). A CORS preflight asks without starting an execution: n8n answers it
 * 204 with the path's methods once the webhook is there (n8n/dist/webhooks/webhook-request-handler.js).
 */
async function webhookRegistered(mainUrl: string): Promise<boolean> {
	const response = await fetch(`${mainUrl}/webhook/${WEBHOOK_PATH}`, {
		method: 'OPTIONS',
		headers: { Origin: mainUrl, 'Access-Control-Request-Method': 'POST' },
		signal: AbortSignal.timeout(5_000),
	}).catch(() => undefined);
	return (
		response?.status === 204 &&
		String(response.headers.get('access-control-allow-methods')).includes('POST')
	);
}

/** The ports an n8n process listens on (its HTTP server or a worker's health server, its task broker), drawn just before it starts. */
async function ports(): Promise<NodeJS.ProcessEnv> {
	return {
		N8N_PORT: String(await uniqueFreePort()),
		N8N_RUNNERS_BROKER_PORT: String(await uniqueFreePort()),
	};
}

/** An `n8n worker` under its own host name, its health endpoint (which says when it is ready) on loopback. */
async function startWorker(
	processes: Processes,
	name: string,
	environment: NodeJS.ProcessEnv,
): Promise<Started> {
	const own = await ports();
	const healthPort = own.N8N_PORT;
	const env = {
		...environment,
		...own,
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		QUEUE_HEALTH_CHECK_PORT: healthPort,
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
	};
	// In a container n8n names a process "<type>-<host name>" (InstanceSettings.hostId in n8n-core,
	// when /.dockerenv exists), so two workers on one host share a name and n8n's cluster check
	// warns "Detected multiple instances sharing the same hostId": give each its own UTS namespace.
	const worker = processes.start(
		name,
		'unshare',
		['--uts', 'sh', '-c', 'hostname "$0" && exec "$@"', name, N8N_BIN, 'worker'],
		{ env },
	);
	await waitUntil(
		`${name} to be ready`,
		() => httpOk(`http://127.0.0.1:${healthPort}/healthz/readiness`),
		120_000,
		worker,
	);
	return worker;
}

export async function startStack(
	processes: Processes,
	runDirectory: string,
	firstSandbox: ZohoSandbox,
	triggerSandbox: ZohoSandbox,
): Promise<Stack> {
	step('Starting PostgreSQL and Redis');
	const [postgres, redis] = await time('postgres and redis up', async () =>
		Promise.all([
			startPostgres(processes, join(runDirectory, 'postgres')),
			startRedis(processes, join(runDirectory, 'redis')),
		]),
	);
	console.log(`  PostgreSQL on 127.0.0.1:${postgres.port}, Redis on 127.0.0.1:${redis.port}`);

	const folders = {
		main: join(runDirectory, 'n8n-main'),
		workers: WORKER_NAMES.map((name) => join(runDirectory, `n8n-${name}`)),
	};
	// One user folder per process: n8n keeps per-process files there (crash.journal, written at start and
	// removed at a clean exit: n8n/dist/crash-journal.js), which processes sharing a folder would trample.
	await time('build, pack, install into 3 folders', async () =>
		installPackage(runDirectory, [folders.main, ...folders.workers]),
	);

	const shared: NodeJS.ProcessEnv = {
		...(await ownerEnvironment()),
		EXECUTIONS_MODE: 'queue',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
		// "Worker finished execution N" is an info line: it says which worker ran what.
		N8N_LOG_LEVEL: 'info',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		// No internet here: n8n 2.41's MCP registry module fetches api.n8n.io at start (its log said so).
		N8N_DISABLED_MODULES: 'mcp-registry',
	};
	const cliEnvironment: NodeJS.ProcessEnv = { ...(await n8nEnvironment(folders.main)), ...shared };

	step('Importing the credential and the workflow (published)');
	await time('import credential (creates the schema)', async () =>
		importCredential({ cliEnvironment }, runDirectory, firstSandbox),
	);
	await importCredential({ cliEnvironment }, runDirectory, triggerSandbox, TRIGGER_CREDENTIAL);
	// n8n 2.41 imports every workflow unpublished. Its `import:workflow --activeState=fromJson` (queue mode
	// only) should publish those marked "active", but on a fresh database it logs "User attempted to
	// activate a workflow without permissions" and leaves it off (measured), so: `publish:workflow`,
	// which marks the current version published in the database for the main process to load at start.
	await time('import and publish the workflow', async () => {
		await n8nCli(
			cliEnvironment,
			['import:workflow', '--separate', `--input=${WORKFLOW_DIRECTORY}`],
			join(runDirectory, 'logs'),
		);
		await n8nCli(
			cliEnvironment,
			['publish:workflow', `--id=${WORKFLOW_ID}`],
			join(runDirectory, 'logs'),
		);
		await n8nCli(
			cliEnvironment,
			['publish:workflow', `--id=${TRIGGER_WORKFLOW_ID}`],
			join(runDirectory, 'logs'),
		);
	});

	step('Starting two n8n workers, then the main process');
	const workers = await time('two workers ready', async () =>
		Promise.all(
			WORKER_NAMES.map(async (name, index) =>
				startWorker(processes, name, {
					...(await n8nEnvironment(folders.workers[index])),
					...shared,
				}),
			),
		),
	);
	// Started after the workers, so that its cluster check at start (it runs when the main process
	// becomes leader, then every 3 minutes: n8n/dist/modules/instance-registry) sees all three.
	const mainEnvironment: NodeJS.ProcessEnv = {
		...cliEnvironment,
		...(await ports()),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
	};
	const main = processes.start('n8n-main', N8N_BIN, ['start'], { env: mainEnvironment });
	const mainUrl = `http://127.0.0.1:${mainEnvironment.N8N_PORT}`;
	await time('main ready', async () => {
		await waitUntil(
			'the main process to be ready',
			() => httpOk(`${mainUrl}/healthz/readiness`),
			120_000,
			main,
		);
		await waitUntil(
			'the webhook to be registered',
			() => webhookRegistered(mainUrl),
			120_000,
			main,
		);
	});
	return { postgres, redis, main, mainUrl, workers, cliEnvironment };
}

/** Each process's host id, as n8n's instance registry in Redis holds them. */
export async function registeredHostIds(redis: Redis): Promise<string[]> {
	const keys = (await redis.command('--scan', '--pattern', 'n8n:{instance:}*')).filter(
		(key) => !key.endsWith('members') && !key.endsWith('state'),
	);
	const hostIds: string[] = [];
	for (const key of keys) {
		const [json] = await redis.command('GET', key);
		try {
			hostIds.push(String((JSON.parse(json) as { hostId: string }).hostId));
		} catch {
			// Not a registration.
		}
	}
	return hostIds.sort();
}

/** What the n8n CLI commands and the n8n processes printed so far, for the secrets check. */
export function printedByN8n(stack: Pick<Stack, 'main' | 'workers'>): string[] {
	return [...cliOutput, stack.main.output(), ...stack.workers.map((worker) => worker.output())];
}
