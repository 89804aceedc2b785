/**
 * `npm run test:e2e`: a real n8n 2.x, installed once into a cache outside the
 * repository, gets this package from the tarball `npm pack` makes, as a
 * community package; the workflows in test/e2e/workflows/ are imported with
 * their credentials and run with `n8n execute` against the sandbox, and their
 * outputs and the sandbox's log are checked. Meanwhile a second n8n (its own
 * user folder, so two processes never share one SQLite file) runs as a server
 * with the trigger's workflow published; the editor checks use that server.
 */
import { spawn } from 'child_process';
import type { ChildProcess } from 'child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import { join } from 'path';
import { isDeepStrictEqual } from 'util';

import { ZohoSandbox } from '../../sandbox/server';
import { OWNER, SCREENSHOTS, ownerEnvironment, runEditorChecks, startN8nServer } from './editor';
import type { N8nServer } from './editor';
import {
	N8N_BIN,
	ROOT,
	ensureN8n,
	ensureNode24,
	n8nEnvironment,
	sh,
	step,
} from '../../harness/installedN8n';
import {
	N8nRest,
	SHIFT_WORKFLOW,
	TRIGGER_WORKFLOW,
	observeShiftedListing,
	observeTrigger,
} from './trigger';
import type { ShiftFacts, TriggerFacts } from './trigger';
import { oauth2Credentials, selfClientCredentials } from '../../harness/credentials';

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
				Array<{
					data?: {
						main: Array<
							Array<{ json: Record<string, unknown>; error?: unknown; pairedItem?: unknown }>
						>;
					};
				}>
			>;
		};
	};
	status: string;
}

/** Everything n8n printed or answered, to search for secrets at the end. */
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
	// n8n 2.41.1's `n8n execute` dies of SIGSEGV on its way out about half the time after a short
	// workflow, with or without this package (seen here on a workflow of Manual Trigger, Set, Split
	// Out and No Operation): its expression isolate is torn down as the process exits. The run data
	// is printed and stored before that; only a crash before it is a failure.
	if (ended === 'SIGSEGV' && /\n}\s*$/.test(stdout) && stdout.includes('"finished": true')) {
		console.log(
			`  (n8n execute of ${id} crashed with SIGSEGV after printing its complete run data)`,
		);
	} else if (ended) {
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

async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await new Promise((resolve) => setTimeout(resolve, 100));
}

function outputOf(runData: RunData, node: string) {
	return runData.data.resultData.runData[node]?.at(-1)?.data?.main?.[0] ?? [];
}

function check(condition: boolean, message: string): void {
	if (!condition) throw new Error(`Check failed: ${message}`);
	console.log(`  ✓ ${message}`);
}

/** The same credentials in both user folders: the package's two types, against five sandboxes. */
function credentialsFor(
	sandboxes: {
		main: ZohoSandbox;
		bulk: ZohoSandbox;
		trigger: ZohoSandbox;
		shift: ZohoSandbox;
		sync: ZohoSandbox;
		failedRun: ZohoSandbox;
		readOnly: ZohoSandbox;
	},
	oauthRefreshToken: string,
	readOnlyRefreshToken: string,
) {
	const { main, bulk, trigger, shift, sync, failedRun, readOnly } = sandboxes;
	return [
		{
			id: 'e2eSelfClient',
			name: 'Zoho sandbox (Self Client)',
			type: 'zohoInvoiceApi',
			data: selfClientCredentials(main),
		},
		{
			id: 'e2eOAuth2',
			name: 'Zoho sandbox (OAuth2)',
			type: 'zohoInvoiceOAuth2Api',
			data: oauth2Credentials(main, {
				access_token: main.issueAccessToken(),
				refresh_token: oauthRefreshToken,
				token_type: 'Bearer',
			}),
		},
		{
			id: 'e2eOAuth2Connect',
			name: 'Zoho sandbox (OAuth2, to connect)',
			type: 'zohoInvoiceOAuth2Api',
			data: oauth2Credentials(main),
		},
		{
			id: 'e2eBulkSelfClient',
			name: 'Zoho bulk sandbox (Self Client)',
			type: 'zohoInvoiceApi',
			data: selfClientCredentials(bulk),
		},
		{
			id: 'e2eTriggerSelfClient',
			name: 'Zoho trigger sandbox (Self Client)',
			type: 'zohoInvoiceApi',
			data: selfClientCredentials(trigger),
		},
		{
			id: 'e2eTriggerShiftSelfClient',
			name: 'Zoho shifting trigger sandbox (Self Client)',
			type: 'zohoInvoiceApi',
			data: selfClientCredentials(shift),
		},
		{
			id: 'e2eSyncSelfClient',
			name: 'Zoho sync sandbox (Self Client)',
			type: 'zohoInvoiceApi',
			data: selfClientCredentials(sync),
		},
		{
			id: 'e2eFailedRunSelfClient',
			name: 'Zoho failed-run sandbox (Self Client)',
			type: 'zohoInvoiceApi',
			data: selfClientCredentials(failedRun),
		},
		{
			id: 'e2eReadOnlySelfClient',
			name: 'Zoho read-only sandbox (Self Client, READ only)',
			type: 'zohoInvoiceApi',
			data: selfClientCredentials(readOnly, { refreshToken: readOnlyRefreshToken }),
		},
	];
}

async function importInto(env: NodeJS.ProcessEnv, credentialsFile: string): Promise<void> {
	await sh(N8N_BIN, ['import:credentials', `--input=${credentialsFile}`], { env });
	await sh(N8N_BIN, ['import:workflow', '--separate', `--input=${join(__dirname, 'workflows')}`], {
		env,
	});
}

/** Workflows started by a webhook in the server: what a run leaves going is seen only in a process that lives on. */
const FAILED_RUN_WORKFLOW = 'e2eFailedRun';
const READ_ONLY_WORKFLOW = 'e2eReadOnlyToken';

/**
 * The server's user folder: the same credentials and workflows, the trigger's
 * and the webhooks' workflows published (n8n 2.x "publishes" what 1.x
 * "activated": the CLI's publish:workflow, read when the server starts), then
 * `n8n start`.
 */
async function startServer(
	serverEnv: NodeJS.ProcessEnv,
	credentialsFile: string,
): Promise<{ server: N8nServer; startedAt: number }> {
	await importInto(serverEnv, credentialsFile);
	for (const id of [TRIGGER_WORKFLOW, SHIFT_WORKFLOW, FAILED_RUN_WORKFLOW, READ_ONLY_WORKFLOW]) {
		const published = await sh(N8N_BIN, ['publish:workflow', `--id=${id}`], { env: serverEnv });
		printed.push(published.stdout, published.stderr);
	}
	const startedAt = Date.now();
	const server = await startN8nServer(serverEnv, printed);
	timings.push(['n8n start, until the editor is served', Date.now() - startedAt]);
	return { server, startedAt };
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

/** One Create or Update node, three people, one run. */
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
	// The items run at once, so the POST and the PUT may reach Zoho in either order.
	check(
		isDeepStrictEqual(
			sent.filter((request) => !request.startsWith('GET ')).sort(),
			['POST /invoice/v3/users', `PUT /invoice/v3/users/${user4?.user_id}`].sort(),
		) &&
			sent.length === listing.length + 2 &&
			sent.slice(0, listing.length).every((request) => request.startsWith('GET ')),
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

/** Create or Update with Retry On Fail, its POST answered HTTP 500 once: n8n's retry is a run of its own. */
async function retryOnFail(env: NodeJS.ProcessEnv, sandbox: ZohoSandbox): Promise<void> {
	phase('Retry On Fail: Create or Update whose POST fails once with HTTP 500 (Self Client)');
	clearLog(sandbox);
	sandbox.injectFault({
		status: 500,
		body: JSON.stringify({ code: 1000, message: 'Internal Error' }),
		match: (request) => request.method === 'POST',
	});
	const retried = await executeWorkflow(env, 'e2eRetryOnFail');
	const [outcome] = outputOf(retried, 'Create or Update').map((item) => item.json);
	const sent = sandbox
		.apiRequests()
		.map((request) => `${request.method} ${request.query.page ?? ''} ${request.answeredWith}`);
	console.log(`  Zoho received: ${sent.join(', ')}`);
	check(retried.status === 'success', 'the run succeeded');
	check(outcome?.action === 'created', 'the second try created the person');
	check(
		isDeepStrictEqual(sent, [
			'GET 1 200',
			'GET 2 200',
			'GET 3 200',
			'POST  500',
			'GET 1 200',
			'GET 2 200',
			'GET 3 200',
			'POST  201',
		]),
		'each try listed the users again (450: pages 1 to 3), then sent one POST',
	);
	check(
		sandbox.listUsers().filter((user) => user.email === 'katherine@example.com').length === 1,
		'Zoho has her once',
	);
}

/** A published workflow's webhook, once n8n has registered it (see queue.ts: after the editor is up). */
async function webhookReady(serverUrl: string, path: string): Promise<string> {
	const url = `${serverUrl}/webhook/${path}`;
	const deadline = Date.now() + 60_000;
	for (;;) {
		const response = await fetch(url, {
			method: 'OPTIONS',
			headers: { Origin: serverUrl, 'Access-Control-Request-Method': 'POST' },
			signal: AbortSignal.timeout(5_000),
		}).catch(() => undefined);
		if (response?.status === 204) return url;
		if (Date.now() > deadline) throw new Error(`n8n did not register the webhook ${path}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/**
 * The workflow's executions once `count` of them are over. While n8n prepares 250 items it may not
 * answer for seconds on a busy machine: a call that fails then is made again.
 */
async function finishedExecutions(rest: N8nRest, workflowId: string, count: number) {
	const deadline = Date.now() + 120_000;
	for (;;) {
		const found = (await rest.executions(workflowId).catch(() => [])).filter(
			(execution) => !['new', 'running'].includes(execution.status),
		);
		if (found.length >= count) return found;
		if (Date.now() > deadline)
			throw new Error(`Waited 120 s for ${count} executions of ${workflowId}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/**
 * 250 rows through Create, the 250th naming a node that did not run, in the
 * running n8n, with Retry On Fail: n8n fails the node at once on each try,
 * and what the node had started must not go on creating users. Retry On Fail
 * keeps the execution alive for the 5 s between the tries, as a longer
 * workflow would: without it n8n 2.41 ends the execution at once, and what the
 * node left going never reached Zoho, with or without the node's own stop
 * (measured); with it and without that stop, 100 users were created within
 * seconds (measured: Zoho's 100 a minute).
 */
async function failedRun(serverUrl: string, rest: N8nRest, sandbox: ZohoSandbox): Promise<void> {
	phase(
		"Create over 250 rows, row 250's expression naming a node that did not run, Retry On Fail (a webhook in the server)",
	);
	const url = await webhookReady(serverUrl, 'e2e-failed-run');
	const answer = await fetch(url, { method: 'POST' });
	printed.push(await answer.text());
	check(answer.ok, 'the webhook started the execution');
	const [execution] = await finishedExecutions(rest, FAILED_RUN_WORKFLOW, 1);
	const endedAt = Date.now();
	const { data } = await rest.execution(execution.id);
	check(
		execution.status === 'error' &&
			data.resultData.error?.message === "Referenced node doesn't exist",
		`the execution failed on row 250's expression (${execution.status}: ${data.resultData.error?.message})`,
	);
	// Ten calls at a time, each 200 ms at Zoho: 249 rows left going would reach Zoho within seconds.
	await new Promise((resolve) => setTimeout(resolve, 5_000));
	const posts = sandbox.apiRequests().filter((request) => request.method === 'POST');
	console.log(
		`  Zoho received ${posts.length} POST /users in all, ${seconds(Date.now() - endedAt)} after the execution was seen to end; ${sandbox.listUsers().length - 5} users created`,
	);
	check(
		posts.length <= 20,
		'at most the calls already at Zoho when each of the two tries failed (10 at a time), not 249',
	);
}

/**
 * A Self Client granted reading only, in the running n8n (its token cache
 * lives as long as the process): 12 one-item runs, then 150 items, each item
 * Mark Inactive with On Error → Continue.
 */
async function readOnlyToken(
	serverUrl: string,
	rest: N8nRest,
	sandbox: ZohoSandbox,
): Promise<void> {
	phase(
		'A Self Client granted reading only: 12 one-item runs, then one of 150 items (a webhook in the server)',
	);
	const url = await webhookReady(serverUrl, 'e2e-read-only-token');
	const run = async (items: number) => {
		const answer = await fetch(`${url}?items=${items}`, { method: 'POST' });
		const text = await answer.text();
		printed.push(text);
		return JSON.parse(text) as Array<{ error?: string }>;
	};
	const small: Array<Array<{ error?: string }>> = [];
	for (let index = 0; index < 12; index++) small.push(await run(1));
	const large = await run(150);
	const refused = (items: Array<{ error?: string }>, count: number) =>
		items.length === count &&
		items.every((item) => item.error === 'You are not authorized to perform this operation');
	check(
		small.every((items) => refused(items, 1)) && refused(large, 150),
		"every item of the 13 runs has Zoho's refusal as its error",
	);
	const executions = await finishedExecutions(rest, READ_ONLY_WORKFLOW, 13);
	const latest = executions.reduce((a, b) => (Number(a.id) > Number(b.id) ? a : b));
	const { data } = await rest.execution(latest.id);
	const items = (data.resultData.runData['Mark Inactive']?.at(-1)?.data?.main?.[0] ?? []) as Array<{
		error?: { description?: string };
	}>;
	check(
		items.length === 150 &&
			items.every((item) =>
				/^Mark Inactive needs the scope ZohoInvoice\.settings\.CREATE.*new grant code with scope ZohoInvoice\.settings\.ALL/.test(
					item.error?.description ?? '',
				),
			),
		'each of the 150 errors names ZohoInvoice.settings.CREATE and how to grant it',
	);
	console.log(
		`  Zoho saw ${sandbox.tokenRequests().length} token requests and ${sandbox.apiRequests().length} API requests for 162 items in 13 runs`,
	);
	check(sandbox.tokenRequests().length <= 2, 'at most 2 token requests in all');
	check(sandbox.listUsers()[1].status === 'active', 'the user is still active');
}

/**
 * 150 items through default node settings against Zoho's
 * real limits. Started in the background (it mostly waits for Zoho's
 * minute); its checks come after the editor's.
 */
function startBulk(env: NodeJS.ProcessEnv): { done: Promise<{ run: RunData; wallMs: number }> } {
	const start = Date.now();
	const done = executeWorkflow(env, 'e2eBulk', 240_000).then((run) => ({
		run,
		wallMs: Date.now() - start,
	}));
	done.catch(() => undefined);
	return { done };
}

async function checkBulk(
	bulkSandbox: ZohoSandbox,
	done: Promise<{ run: RunData; wallMs: number }>,
): Promise<void> {
	phase("150 items at Zoho's real limits (10 at a time, 100 a minute), default settings");
	const { run: bulk, wallMs: bulkWall } = await done;
	timings.push(["150 items at Zoho's real limits (new part, beside the editor)", bulkWall]);
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

async function checkTrigger(
	trigger: Promise<TriggerFacts>,
	rest: N8nRest,
	triggerSandbox: ZohoSandbox,
	startedAt: number,
): Promise<void> {
	phase("Zoho Invoice Trigger: published, polled every minute, read back through n8n's REST API");
	const facts = await trigger;
	timings.push([
		'trigger: n8n start to the execution read back (new part)',
		facts.readAt - startedAt,
	]);
	console.log(
		`  baseline listing ${seconds(facts.baselineAt - startedAt)} after n8n start began (n8n polls once when it activates the workflow); ` +
			`the sandbox changed ${seconds(facts.changedAt - facts.baselineAt)} after it; the next poll ${seconds(facts.nextPollAt - facts.changedAt)} after the change; executions read with ` +
			'POST /rest/login, GET /rest/executions?filter={"workflowId":…}, GET /rest/executions/:id',
	);
	check(facts.executions.length === 1, 'exactly one execution of the trigger workflow');
	check(facts.status === 'success' && facts.mode === 'trigger', 'a trigger execution, successful');
	const events = facts.events.map((item) => item.json);
	const eventOf = (name: string) => events.find((event) => event.event === name);
	const userIdOf = (event?: Record<string, unknown>) =>
		(event?.user as { user_id?: string })?.user_id;
	check(
		events.length === 3 &&
			isDeepStrictEqual(events.map((event) => event.event).sort(), [
				'userAdded',
				'userDeactivated',
				'userRoleChanged',
			]),
		'exactly three events: userAdded, userDeactivated, userRoleChanged',
	);
	check(
		userIdOf(eventOf('userAdded')) === facts.expected.added &&
			eventOf('userAdded')?.previous === undefined,
		'userAdded names the new user (an id beyond 2^53, exact)',
	);
	check(
		userIdOf(eventOf('userDeactivated')) === facts.expected.deactivated &&
			isDeepStrictEqual(eventOf('userDeactivated')?.previous, { status: 'active' }),
		'userDeactivated names the user, previous status active',
	);
	check(
		userIdOf(eventOf('userRoleChanged')) === facts.expected.roleChanged &&
			isDeepStrictEqual(eventOf('userRoleChanged')?.previous, {
				user_role: facts.expected.roleBefore,
			}),
		'userRoleChanged names the user, with the role before',
	);
	check(facts.received.length === 3, 'the next node received the three items');
	check(
		facts.listingPages.every((page) => page === '1') && facts.otherRequests.length === 0,
		`one request per poll (${facts.listingPages.length} polls so far), nothing else`,
	);
	const atTheEnd = await rest.executions(TRIGGER_WORKFLOW);
	const polls = triggerSandbox.apiRequests().length;
	check(
		atTheEnd.length === 1,
		`still exactly one execution at the end of the suite, after ${polls} polls`,
	);
}

async function checkShiftedListing(
	shifted: Promise<ShiftFacts>,
	rest: N8nRest,
	startedAt: number,
): Promise<void> {
	phase(
		'Zoho Invoice Trigger over 450 users: a user deleted between two page requests of one poll',
	);
	const facts = await shifted;
	timings.push([
		'trigger, a list that shifts: n8n start to the execution read back',
		facts.readAt - startedAt,
	]);
	console.log(
		`  polls after the baseline: ${facts.polls.map((poll) => poll.join(', ')).join(' | ')}`,
	);
	const [shiftPoll, confirmPoll] = facts.polls;
	check(
		isDeepStrictEqual(shiftPoll, ['page 1', 'page 2', 'page 3', `GET /users/${facts.hidden}`]),
		'the poll that missed a user asked Zoho about them (one Get), heard they are there, and reported nothing',
	);
	check(
		isDeepStrictEqual(confirmPoll, ['page 1', 'page 2', 'page 3', `GET /users/${facts.deleted}`]),
		'the next poll confirmed the deletion with one Get',
	);
	const events = facts.events.map((item) => item.json);
	check(
		facts.executions.length === 1 &&
			events.length === 1 &&
			events[0].event === 'userDeleted' &&
			(events[0].user as { user_id?: string }).user_id === facts.deleted,
		'exactly one execution, one userDeleted event, for the deleted user',
	);
	const later = facts.polls.slice(2);
	check(
		later.length > 0 &&
			later.every((poll) => isDeepStrictEqual(poll, ['page 1', 'page 2', 'page 3'])),
		`the ${later.length} poll(s) after it listed only, and started no execution`,
	);
	const atTheEnd = await rest.executions(SHIFT_WORKFLOW);
	check(
		atTheEnd.length === 1,
		'no event for anyone else: still one execution at the end of the suite',
	);
}

/** Who the sync sandbox's 30 users are: all active but 28 and 29, already inactive. */
function prepareSyncSandbox(sandbox: ZohoSandbox): void {
	sandbox
		.listUsers()
		.forEach((user, index) =>
			sandbox.users.change(user.user_id, { status: index >= 28 ? 'inactive' : 'active' }),
		);
}

/**
 * Sync from an HR list: 25 people (users 1-23, three of them renamed, and two
 * new) against 30 users. Not in the list: the credential's own user (kept),
 * users 24-27 (leavers) and 28-29 (already inactive, cost nothing).
 */
async function syncFromHrList(env: NodeJS.ProcessEnv, sandbox: ZohoSandbox): Promise<void> {
	phase(
		'Sync: 25 people from an HR list against 30 users, an empty export, a dry run, then for real',
	);
	const idOf = (index: number) => sandbox.listUsers()[index].user_id;
	const actions = (json: Array<Record<string, unknown>>) => {
		const count: Record<string, number> = {};
		for (const item of json) count[String(item.action)] = (count[String(item.action)] ?? 0) + 1;
		return count;
	};
	const expectedActions = { unchanged: 20, updated: 3, created: 2, deactivated: 4, kept: 1 };
	const requestLines = () =>
		sandbox
			.apiRequests()
			.map((request) => `${request.method} ${request.path.replace(/^.*\/v3/, '')}`);

	clearLog(sandbox);
	const empty = await executeWorkflow(env, 'e2eSyncEmpty');
	check(
		empty.status === 'success' &&
			outputOf(empty, 'Sync').length === 0 &&
			sandbox.apiRequests().length === 0,
		'an empty export: n8n does not run the node without items; nothing sent, nobody removed',
	);

	clearLog(sandbox);
	const dry = await executeWorkflow(env, 'e2eSyncDryRun');
	const planned = outputOf(dry, 'Sync').map((item) => item.json);
	check(dry.status === 'success', 'the dry run succeeded');
	check(isDeepStrictEqual(requestLines(), ['GET /users']), 'the dry run sent only the listing');
	check(
		isDeepStrictEqual(actions(planned), expectedActions) &&
			planned.every((json) => json.dryRun === true),
		'the dry run output the whole plan, each item marked dryRun: 20 unchanged, 3 updated, 2 created, 4 deactivated, 1 kept',
	);

	clearLog(sandbox);
	const real = await executeWorkflow(env, 'e2eSync');
	const output = outputOf(real, 'Sync');
	const done = output.map((item) => item.json);
	check(real.status === 'success', 'the sync succeeded');
	const expectedRequests = [
		'GET /users',
		'POST /users',
		'POST /users',
		...[1, 2, 3].map((index) => `PUT /users/${idOf(index)}`),
		...[24, 25, 26, 27].map((index) => `POST /users/${idOf(index)}/inactive`),
	].sort();
	console.log(`  Zoho received: ${requestLines().join(', ')}`);
	check(
		isDeepStrictEqual(requestLines().sort(), expectedRequests),
		'exactly 10 requests: 1 listing, 3 PUT, 2 POST, 4 mark inactive',
	);
	check(isDeepStrictEqual(actions(done), expectedActions), 'the same items as the dry run planned');
	const kept = done.find((json) => json.action === 'kept');
	check(
		kept?.user_id === idOf(0) &&
			kept?.reason === 'The user the credential acts as is never removed',
		"the credential's own user was kept, saying why",
	);
	check(
		output
			.slice(0, 25)
			.every((item, index) => (item.pairedItem as { item: number })?.item === index) &&
			output.slice(25).every((item) => (item.pairedItem as { item: number })?.item === 24),
		'each person paired with their input item; the removals with the last one',
	);
	const statuses = sandbox.listUsers().map((user) => user.status);
	check(
		[24, 25, 26, 27, 28, 29].every((index) => statuses[index] === 'inactive') &&
			statuses.slice(0, 24).every((status) => status === 'active'),
		'in Zoho afterwards: the four leavers inactive, everyone else as they were',
	);
}

async function main(): Promise<void> {
	await ensureNode24();
	await ensureN8n();
	const userFolder = mkdtempSync(join(os.tmpdir(), 'n8n-zoho-e2e-'));
	const serverFolder = mkdtempSync(join(os.tmpdir(), 'n8n-zoho-e2e-server-'));
	const sandbox = await ZohoSandbox.start({ users: 450 });
	// Zoho's real numbers, on an instance of its own so the rest of the suite is not paced by them.
	const bulkSandbox = await ZohoSandbox.start({
		users: 200,
		limits: { simultaneous: 10, perWindow: 100, windowMs: 60_000 },
		latencyMs: 200,
	});
	const triggerSandbox = await ZohoSandbox.start({ users: 6 });
	const shiftSandbox = await ZohoSandbox.start({ users: 450 });
	const syncSandbox = await ZohoSandbox.start({ users: 30 });
	prepareSyncSandbox(syncSandbox);
	// Zoho's real limits again, for what a failed run would leave going.
	const failedRunSandbox = await ZohoSandbox.start({
		users: 5,
		limits: { simultaneous: 10, perWindow: 100, windowMs: 60_000 },
		latencyMs: 200,
	});
	const readOnlySandbox = await ZohoSandbox.start({ users: 5 });
	const readOnlyRefreshToken = readOnlySandbox.grantRefreshToken(
		readOnlySandbox.selfClient.clientId,
		['ZohoInvoice.settings.READ'],
	);
	const sandboxes = [
		sandbox,
		bulkSandbox,
		triggerSandbox,
		shiftSandbox,
		syncSandbox,
		failedRunSandbox,
		readOnlySandbox,
	];
	let serving: Promise<{ server: N8nServer; startedAt: number }> | undefined;
	try {
		await timed('build, pack, install', () => installPackage(userFolder));
		cpSync(join(userFolder, '.n8n/nodes'), join(serverFolder, '.n8n/nodes'), { recursive: true });

		phase(
			'Importing credentials and workflows; publishing the trigger and starting n8n as a server',
		);
		const oauthRefreshToken = sandbox.grantRefreshToken(sandbox.oauthClient.clientId, [
			'ZohoInvoice.settings.ALL',
		]);
		const credentialsFile = join(userFolder, 'credentials.json');
		writeFileSync(
			credentialsFile,
			JSON.stringify(
				credentialsFor(
					{
						main: sandbox,
						bulk: bulkSandbox,
						trigger: triggerSandbox,
						shift: shiftSandbox,
						sync: syncSandbox,
						failedRun: failedRunSandbox,
						readOnly: readOnlySandbox,
					},
					oauthRefreshToken,
					readOnlyRefreshToken,
				),
			),
		);
		const owner = await ownerEnvironment();
		const env = { ...(await n8nEnvironment(userFolder)), ...owner, EXECUTIONS_TIMEOUT: '-1' };
		const serverEnv = { ...(await n8nEnvironment(serverFolder)), ...owner };
		// Two user folders, so `n8n execute` and `n8n start` never share one SQLite file.
		serving = startServer(serverEnv, credentialsFile);
		serving.catch(() => undefined);
		// The trigger's part runs in the background from now: the server's first poll is its baseline.
		const rest = new N8nRest(`http://localhost:${serverEnv.N8N_PORT}`, OWNER, printed);
		const trigger = observeTrigger(triggerSandbox, rest);
		trigger.catch(() => undefined);
		const shifted = observeShiftedListing(shiftSandbox, rest);
		shifted.catch(() => undefined);
		await timed('imports (headless folder)', () => importInto(env, credentialsFile));

		await timed('Get Many over 450 users', () => listAllPages(env, sandbox));
		await timed('onboarding', () => onboarding(env, sandbox));
		await timed('Continue On Fail', () => continueOnFail(env, sandbox));
		await timed('Create or Update (new part)', () => createOrUpdate(env, sandbox));
		await timed('Sync (new part)', () => syncFromHrList(env, syncSandbox));
		await timed('Retry On Fail (new part)', () => retryOnFail(env, sandbox));

		const { server, startedAt } = await serving;
		rmSync(credentialsFile);

		phase(
			"150 items at Zoho's real limits: started in the background, while the editor is checked",
		);
		const started = startBulk(env);
		// Its n8n's start is the costly part: the editor waits until it is over (Zoho's first request).
		await Promise.race([
			until(() => bulkSandbox.apiRequests().length > 0),
			started.done.catch(() => undefined),
		]);
		await timed('editor', () => runEditorChecks(server.url, sandbox, check));
		await checkBulk(bulkSandbox, started.done);
		const serverRest = new N8nRest(server.url, OWNER, printed);
		await serverRest.signIn();
		await timed('a failed run in the server (new part)', () =>
			failedRun(server.url, serverRest, failedRunSandbox),
		);
		await timed('a token granted reading only (new part)', () =>
			readOnlyToken(server.url, serverRest, readOnlySandbox),
		);
		await checkTrigger(trigger, rest, triggerSandbox, startedAt);
		await checkShiftedListing(shifted, rest, startedAt);

		phase('No secret in anything n8n printed');
		const secrets = [
			...sandboxes.flatMap((each) => [
				each.selfClient.clientSecret,
				each.selfClient.refreshToken,
				each.oauthClient.clientSecret,
			]),
			oauthRefreshToken,
			readOnlyRefreshToken,
		];
		sandboxes.forEach(keepTokens);
		// n8n's server output comes in chunks: search it whole, so a secret split between two is found.
		const allPrinted = printed.join('');
		check(
			[...secrets, ...tokensSeen].every((secret) => !allPrinted.includes(secret)),
			`no client secret, refresh token or access token (${tokensSeen.size} tokens; n8n's output of every run, the server and its REST answers)`,
		);
		console.log('\nTimings:');
		for (const [name, ms] of timings) console.log(`  ${name.padEnd(62)} ${seconds(ms)}`);
		console.log(
			`\nEnd-to-end: all checks passed in ${seconds(Date.now() - suiteStart)}. Screenshots in ${SCREENSHOTS}`,
		);
	} finally {
		// Whatever failed: no n8n, run or sandbox outlives the suite.
		running.forEach(stopGroup);
		await serving?.then(
			({ server }) => server.stop(),
			() => undefined,
		);
		await Promise.all(sandboxes.map((each) => each.stop()));
		rmSync(userFolder, { recursive: true, force: true });
		rmSync(serverFolder, { recursive: true, force: true });
	}
}

main().then(
	() => process.exit(0),
	(error: Error) => {
		console.error(`\n✗ ${error.message}`);
		process.exit(1);
	},
);
