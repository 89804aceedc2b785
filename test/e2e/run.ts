/**
 * `npm run test:e2e`: a real n8n 2.x, installed once into a cache outside the
 * repository, gets this package from the tarball `npm pack` makes, as a
 * community package; the workflows in test/e2e/workflows/ are imported with
 * their credentials and run with `n8n execute` against the sandbox, and their
 * outputs and the sandbox's log are checked; then the editor checks run
 * against `n8n start` on the same user folder.
 */
import { spawn } from 'child_process';
import type { ChildProcess } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import { join } from 'path';
import { isDeepStrictEqual } from 'util';

import { ZohoSandbox } from '../sandbox/server';
import { SCREENSHOTS, ownerEnvironment, runEditorChecks, startN8nServer } from './editor';
import { N8N_BIN, ROOT, ensureN8n, ensureNode24, n8nEnvironment, sh, step } from './n8n';
import { oauth2Credentials, selfClientCredentials } from '../helpers/credentials';

/** The package as a user's n8n gets it: `npm pack`, installed into <user folder>/.n8n/nodes. */
async function installPackage(userFolder: string): Promise<void> {
	step('Building and packing this package');
	await sh('npm', ['run', 'build']);
	const packDirectory = join(userFolder, 'pack');
	mkdirSync(packDirectory);
	await sh('npm', ['pack', '--pack-destination', packDirectory]);
	const [tarball] = readdirSync(packDirectory).filter((file) => file.endsWith('.tgz'));
	const nodesDirectory = join(userFolder, '.n8n/nodes');
	mkdirSync(nodesDirectory, { recursive: true });
	writeFileSync(join(nodesDirectory, 'package.json'), '{"name":"installed-nodes","private":true}');
	await sh(
		'npm',
		['install', '--legacy-peer-deps', '--ignore-scripts', join(packDirectory, tarball)],
		{ cwd: nodesDirectory },
	);
}

interface RunData {
	data: {
		resultData: {
			error?: { message: string };
			runData: Record<
				string,
				Array<{ data?: { main: Array<Array<{ json: Record<string, unknown>; error?: unknown }>> } }>
			>;
		};
	};
	status: string;
}

/** Everything n8n printed (the runs and the server), to search for secrets at the end. */
const printed: string[] = [];
/** Every access token the sandboxes saw, kept before a log is cleared. */
const tokensSeen = new Set<string>();
/** How long each part took, for the summary at the end. */
const timings: Array<[string, number]> = [];
const suiteStart = Date.now();

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function phase(title: string): void {
	step(`${title}   [${seconds(Date.now() - suiteStart)}]`);
}

async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
	const start = Date.now();
	try {
		return await work();
	} finally {
		timings.push([name, Date.now() - start]);
	}
}

function keepTokens(sandbox: ZohoSandbox): void {
	for (const request of sandbox.apiRequests()) {
		const token = String(request.headers.authorization ?? '').split(' ')[1];
		if (token) tokensSeen.add(token);
	}
}

function clearLog(sandbox: ZohoSandbox): void {
	keepTokens(sandbox);
	sandbox.clearLog();
}

/** `n8n execute` runs still going, each in its own process group: stopped if the suite ends early. */
const running = new Set<ChildProcess>();

function stopGroup(child: ChildProcess): void {
	try {
		process.kill(-child.pid!, 'SIGKILL');
	} catch {
		// Already gone.
	}
}

/**
 * `n8n execute`. It has no time limit of its own (EXECUTIONS_TIMEOUT is off by
 * default, and set off here): only ours, which stops its whole process group.
 */
async function executeWorkflow(
	env: NodeJS.ProcessEnv,
	id: string,
	timeoutMs = 120_000,
): Promise<RunData> {
	const args = ['execute', `--id=${id}`, '--rawOutput'];
	const child = spawn(N8N_BIN, args, { env, cwd: ROOT, detached: true });
	running.add(child);
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const timer = setTimeout(() => stopGroup(child), timeoutMs);
	const ended = await new Promise<string>((resolve) =>
		child.on('close', (code, signal) => resolve(code === 0 ? '' : String(code ?? signal))),
	);
	clearTimeout(timer);
	running.delete(child);
	printed.push(stdout, stderr);
	if (ended) {
		throw new Error(
			`n8n ${args.join(' ')} ended with ${ended}:\n${stderr.slice(-3000)}\n${stdout.slice(-2000)}`,
		);
	}
	// The run data is printed with two-space indents: its only unindented braces are its first and last.
	// A log line n8n prints around it (seen under load) is left out.
	const start = stdout.indexOf('\n{');
	const end = stdout.indexOf('\n}', start);
	if (start < 0 || end < 0)
		throw new Error(`n8n printed no run data for ${id}:\n${stdout.slice(-2000)}`);
	try {
		return JSON.parse(stdout.slice(start, end + 2)) as RunData;
	} catch (error) {
		throw new Error(
			`n8n's run data for ${id} is not JSON (${(error as Error).message}):\n${stdout.slice(start, start + 300)}\n…\n${stdout.slice(-1500)}`,
		);
	}
}

function outputOf(runData: RunData, node: string) {
	return runData.data.resultData.runData[node]?.at(-1)?.data?.main?.[0] ?? [];
}

function check(condition: boolean, message: string): void {
	if (!condition) throw new Error(`Check failed: ${message}`);
	console.log(`  ✓ ${message}`);
}

/** The package's two credential types against the sandbox, and a Self Client for the bulk run's. */
function credentialsFor(sandbox: ZohoSandbox, bulkSandbox: ZohoSandbox, oauthRefreshToken: string) {
	return [
		{
			id: 'e2eSelfClient',
			name: 'Zoho sandbox (Self Client)',
			type: 'zohoInvoiceApi',
			data: selfClientCredentials(sandbox),
		},
		{
			id: 'e2eOAuth2',
			name: 'Zoho sandbox (OAuth2)',
			type: 'zohoInvoiceOAuth2Api',
			data: oauth2Credentials(sandbox, {
				access_token: sandbox.issueAccessToken(),
				refresh_token: oauthRefreshToken,
				token_type: 'Bearer',
			}),
		},
		{
			id: 'e2eOAuth2Connect',
			name: 'Zoho sandbox (OAuth2, to connect)',
			type: 'zohoInvoiceOAuth2Api',
			data: oauth2Credentials(sandbox),
		},
		{
			id: 'e2eBulkSelfClient',
			name: 'Zoho bulk sandbox (Self Client)',
			type: 'zohoInvoiceApi',
			data: selfClientCredentials(bulkSandbox),
		},
	];
}

async function importInto(env: NodeJS.ProcessEnv, credentialsFile: string): Promise<void> {
	await sh(N8N_BIN, ['import:credentials', `--input=${credentialsFile}`], { env });
	await sh(N8N_BIN, ['import:workflow', '--separate', `--input=${join(__dirname, 'workflows')}`], {
		env,
	});
}

async function listAllPages(env: NodeJS.ProcessEnv, sandbox: ZohoSandbox): Promise<void> {
	phase('Get Many, Return All over 450 users (Self Client)');
	clearLog(sandbox);
	const list = await executeWorkflow(env, 'e2eListAllPages');
	check(list.status === 'success', 'the run succeeded');
	check(outputOf(list, 'Zoho Invoice').length === 450, '450 users out, one item each');
	check(sandbox.apiRequests().length === 3, 'three requests of 200 (Zoho saw 3)');
	check(sandbox.tokenRequests().length === 1, 'one token refresh');
}

async function onboarding(env: NodeJS.ProcessEnv, sandbox: ZohoSandbox): Promise<void> {
	phase('Onboarding and offboarding by email (OAuth2)');
	clearLog(sandbox);
	const onboarding = await executeWorkflow(env, 'e2eOnboarding');
	check(
		onboarding.status === 'success',
		`the run succeeded${onboarding.data.resultData.error ? `: ${onboarding.data.resultData.error.message}` : ''}`,
	);
	const created = sandbox.listUsers().find((user) => user.email === 'grace@example.com');
	check(
		created !== undefined && created.status === 'deleted',
		'Grace was created, and deleted at the end',
	);
	check(created?.user_role === 'admin', 'the role-only update made her admin');
	check(
		outputOf(onboarding, 'Find By Email')[0]?.json.user_id === created?.user_id,
		'found by email',
	);
	const update = sandbox.apiRequests().find((request) => request.method === 'PUT');
	check(
		isDeepStrictEqual(update?.json, {
			name: 'Grace Hopper',
			email: 'grace@example.com',
			user_role: 'admin',
		}),
		'the update kept her name and email',
	);
	check(
		sandbox
			.apiRequests()
			.every((request) => String(request.headers.authorization).startsWith('Bearer ')),
		'OAuth2 signed every request with Bearer',
	);
	check(
		sandbox
			.apiRequests()
			.every(
				(request) =>
					request.headers['x-com-zoho-invoice-organizationid'] === sandbox.organizationId,
			),
		'every request named the organization',
	);
}

async function continueOnFail(env: NodeJS.ProcessEnv, sandbox: ZohoSandbox): Promise<void> {
	phase('Get Current User, then Continue On Fail (Self Client)');
	clearLog(sandbox);
	const continued = await executeWorkflow(env, 'e2eContinueOnFail');
	const items = outputOf(continued, 'Get Each');
	check(continued.status === 'success', 'the run succeeded');
	check(items.length === 3, 'three items out of three');
	check(
		items[1]?.json.error === 'User does not exist.',
		'the missing user failed alone, its error in $json.error',
	);
	check(
		items[0]?.json.user_id === '982000000554041' && items[2]?.json.user_id === '982000000554042',
		'the others went on',
	);
}

/** Issue "user directory / upsert": one Create or Update node, three people, one run. */
async function createOrUpdate(env: NodeJS.ProcessEnv, sandbox: ZohoSandbox): Promise<void> {
	phase('Create or Update: a new person, a changed one and an unchanged one in one run');
	clearLog(sandbox);
	const upsert = await executeWorkflow(env, 'e2eUpsert');
	check(upsert.status === 'success', 'the run succeeded');
	const outcomes = outputOf(upsert, 'Create or Update').map((item) => item.json);
	check(outcomes.length === 3, 'three items out of three');
	check(
		outcomes[0]?.action === 'created' && outcomes[0]?.email === 'ada@example.com',
		'the new person was created',
	);
	const user4 = sandbox.listUsers().find((user) => user.email === 'user4@zylker.org');
	check(
		outcomes[1]?.action === 'updated' &&
			outcomes[1]?.user_id === user4?.user_id &&
			isDeepStrictEqual(outcomes[1]?.changes, { user_role: { from: 'staff', to: 'admin' } }),
		'the existing user given another role (their address in capitals) was updated, with changes',
	);
	check(
		outcomes[2]?.action === 'unchanged' && outcomes[2]?.user_id === '982000000554046',
		'the user who already matched is unchanged',
	);
	const sent = sandbox.apiRequests().map((request) => `${request.method} ${request.path}`);
	const listing = sandbox
		.apiRequests()
		.filter((request) => request.method === 'GET')
		.map((request) => request.query.page ?? '1');
	console.log(`  Zoho received: ${sent.join(', ')}`);
	check(
		isDeepStrictEqual(listing.sort(), ['1', '2', '3']),
		'one listing of the users for the whole run (450 users: pages 1, 2 and 3, each once)',
	);
	check(
		isDeepStrictEqual(
			sent.filter((request) => !request.startsWith('GET ')),
			['POST /invoice/v3/users', `PUT /invoice/v3/users/${user4?.user_id}`],
		) && sent.length === listing.length + 2,
		'then one POST /users and one PUT, nothing else',
	);
	const put = sandbox.apiRequests().find((request) => request.method === 'PUT');
	check(
		isDeepStrictEqual(put?.json, {
			name: 'User 00004',
			email: 'user4@zylker.org',
			user_role: 'admin',
		}),
		'the PUT kept the address as Zoho has it',
	);
	check(
		sandbox
			.listUsers()
			.some((user) => user.email === 'ada@example.com' && user.status === 'invited') &&
			user4?.user_role === 'admin',
		'Zoho has Ada (invited) and the new role',
	);
}

/**
 * Issue "bulk runs": 150 items through default node settings against Zoho's
 * real limits, on a sandbox of its own.
 */
async function bulkRun(env: NodeJS.ProcessEnv, bulkSandbox: ZohoSandbox): Promise<void> {
	phase("150 items at Zoho's real limits (10 at a time, 100 a minute), default settings");
	const start = Date.now();
	const bulk = await executeWorkflow(env, 'e2eBulk', 240_000);
	const bulkWall = Date.now() - start;
	const bulkRequests = bulkSandbox.apiRequests();
	const arrivals = bulkRequests.map((request) => request.receivedAt).sort((a, b) => a - b);
	const zohoSpan =
		Math.max(...bulkRequests.map((request) => request.answeredAt ?? request.receivedAt)) -
		arrivals[0];
	const got = outputOf(bulk, 'Get Each');
	const listed = outputOf(bulk, 'List 150');
	console.log(
		`  wall time ${seconds(bulkWall)} (n8n execute, start to end); Zoho saw ${bulkRequests.length} requests over ${seconds(zohoSpan)}; ` +
			`429s: ${bulkSandbox.limits.refusals()}; peak simultaneous: ${bulkSandbox.stats.peakInProgress}`,
	);
	console.log(
		`  the first 100 calls came within ${seconds(arrivals[99] - arrivals[0])}; the 101st ${seconds(arrivals[100] - arrivals[0])} after the first (Zoho's window: 60 s)`,
	);
	check(bulk.status === 'success', 'the run succeeded');
	check(
		got.length === 150 &&
			listed.length === 150 &&
			got.every(
				(item, index) =>
					item.error === undefined && item.json.user_id === listed[index]?.json.user_id,
			),
		'all 150 items succeeded, each with the user its item named',
	);
	check(
		bulkRequests.filter((request) => /\/users\/\d+$/.test(request.path)).length === 150,
		'150 Get requests reached Zoho, one per item',
	);
	check(bulkSandbox.limits.refusals() === 0, 'no 429 from Zoho (one n8n process paces itself)');
	check(bulkSandbox.stats.peakInProgress <= 10, 'never more than 10 calls at once');
	check(
		arrivals[100] - arrivals[0] >= 60_000,
		"the 101st call waited for Zoho's minute to pass (paced, not refused)",
	);
}

async function main(): Promise<void> {
	await ensureNode24();
	await ensureN8n();
	const userFolder = mkdtempSync(join(os.tmpdir(), 'n8n-zoho-e2e-'));
	const sandbox = await ZohoSandbox.start({ users: 450 });
	// Zoho's real numbers, on an instance of its own so the rest of the suite is not paced by them.
	const bulkSandbox = await ZohoSandbox.start({
		users: 200,
		limits: { simultaneous: 10, perWindow: 100, windowMs: 60_000 },
		latencyMs: 200,
	});
	const sandboxes = [sandbox, bulkSandbox];
	try {
		await timed('build, pack, install', () => installPackage(userFolder));

		phase('Importing credentials and workflows');
		const oauthRefreshToken = sandbox.grantRefreshToken(sandbox.oauthClient.clientId, [
			'ZohoInvoice.settings.ALL',
		]);
		const credentialsFile = join(userFolder, 'credentials.json');
		writeFileSync(
			credentialsFile,
			JSON.stringify(credentialsFor(sandbox, bulkSandbox, oauthRefreshToken)),
		);
		const env = {
			...(await n8nEnvironment(userFolder)),
			...(await ownerEnvironment()),
			EXECUTIONS_TIMEOUT: '-1',
		};
		await timed('imports', () => importInto(env, credentialsFile));
		rmSync(credentialsFile);

		await timed('Get Many over 450 users', () => listAllPages(env, sandbox));
		await timed('onboarding', () => onboarding(env, sandbox));
		await timed('Continue On Fail', () => continueOnFail(env, sandbox));
		await timed('Create or Update (new part)', () => createOrUpdate(env, sandbox));
		await timed('150 items at the real limits (new part)', () => bulkRun(env, bulkSandbox));

		const serverStart = Date.now();
		const server = await startN8nServer(env, printed);
		timings.push(['n8n start, until the editor is served', Date.now() - serverStart]);
		try {
			await timed('editor', () => runEditorChecks(server.url, sandbox, check));
		} finally {
			await server.stop();
		}

		phase('No secret in anything n8n printed');
		const secrets = [
			...sandboxes.flatMap((each) => [
				each.selfClient.clientSecret,
				each.selfClient.refreshToken,
				each.oauthClient.clientSecret,
			]),
			oauthRefreshToken,
		];
		sandboxes.forEach(keepTokens);
		// n8n's server output comes in chunks: search it whole, so a secret split between two is found.
		const allPrinted = printed.join('');
		check(
			[...secrets, ...tokensSeen].every((secret) => !allPrinted.includes(secret)),
			`no client secret, refresh token or access token (${tokensSeen.size} tokens; n8n's output of every run and the server)`,
		);
		console.log('\nTimings:');
		for (const [name, ms] of timings) console.log(`  ${name.padEnd(58)} ${seconds(ms)}`);
		console.log(
			`\nEnd-to-end: all checks passed in ${seconds(Date.now() - suiteStart)}. Screenshots in ${SCREENSHOTS}`,
		);
	} finally {
		// Whatever failed: no n8n run or sandbox outlives the suite.
		running.forEach(stopGroup);
		await Promise.all(sandboxes.map((each) => each.stop()));
		rmSync(userFolder, { recursive: true, force: true });
	}
}

main().then(
	() => process.exit(0),
	(error: Error) => {
		console.error(`\n✗ ${error.message}`);
		process.exit(1);
	},
);
