/**
 * The queue-mode run's scenarios (test/e2e/queue.ts): what each gives the
 * sandbox and how many webhook calls it makes at once, then what it checks in
 * the executions' records, the workers' logs and the sandbox's log, and the
 * figures it measures.
 */
import { writeFileSync } from 'fs';
import { join } from 'path';

import { step } from '../../harness/installedN8n';
import type { SandboxOptions, ZohoSandbox } from '../../sandbox/server';
import { interruption, waitUntil } from './queue-services';
import { WEBHOOK_PATH, WORKFLOW_ID, importCredential, printedByN8n } from './queue-stack';
import type { Stack } from './queue-stack';

/** What the sandbox is given: its users and Zoho's limits it enforces. */
type ScenarioSandbox = SandboxOptions;

interface Scenario {
	/** For selecting it: `npm run test:e2e:queue -- <name>`. */
	name: string;
	title: string;
	sandbox: ScenarioSandbox;
	/** Webhook calls made at once. */
	calls: number;
	/** Access tokens each worker may fetch: one per token lifetime the run spans. */
	tokensPerWorker: number;
	/** Arms the fresh sandbox before the calls (faults, expiries). */
	arm?: (sandbox: ZohoSandbox) => void;
	/** Extra checks of this scenario, given its figures. */
	checks?: (figures: Figures) => Check[];
	/** Why it fails today; such a failure is reported without failing a full run. */
	knownFailure?: string;
	timeoutMs: number;
}

/** The workflow's Get Many returns 5 users and Get Each fetches each: 6 API requests per execution. */
const API_REQUESTS_PER_EXECUTION = 6;
/** At Zoho's limits, two workers that each pace themselves must find their shares: targets. */
export const MAX_REFUSED_SHARE = 0.2;
export const MAX_FLOOR_RATIO = 1.2;
const NO_RATE_LIMIT = { perWindow: Infinity, simultaneous: Infinity };

const SCENARIOS: Scenario[] = [
	{
		name: 'basic',
		title: '40 webhook calls at once, spread over two workers (no Zoho limits)',
		sandbox: { users: 30, limits: NO_RATE_LIMIT },
		calls: 40,
		tokensPerWorker: 1,
		checks: (figures) => [
			[
				figures.apiRequests === figures.executions.total * API_REQUESTS_PER_EXECUTION,
				`Zoho saw ${API_REQUESTS_PER_EXECUTION} API requests per execution (${figures.apiRequests})`,
			],
			[
				figures.webhookAnswers.usersInEach,
				'every webhook call was answered with the 5 users fetched one by one',
			],
		],
		timeoutMs: 3 * 60_000,
	},
	{
		name: 'limits',
		title: "Zoho's limits enforced: 100 requests a rolling minute, 10 at a time (paid plan)",
		sandbox: { users: 30, limits: { perWindow: 100, simultaneous: 10, windowMs: 60_000 } },
		calls: 40,
		tokensPerWorker: 1,
		checks: (figures) => {
			const needed = figures.executions.total * API_REQUESTS_PER_EXECUTION;
			const floor = figures.floorSeconds ?? Infinity;
			return [
				[
					figures.status429 <= MAX_REFUSED_SHARE * needed,
					`the workers found their shares of Zoho's minute: ${figures.status429} refused calls for ${needed} (at most ${MAX_REFUSED_SHARE * 100}%)`,
				],
				[
					figures.wallSeconds <= MAX_FLOOR_RATIO * floor,
					`done within ${MAX_FLOOR_RATIO}× the true floor: ${figures.wallSeconds} s for ${floor} s (${(figures.wallSeconds / floor).toFixed(2)} ×)`,
				],
			];
		},
		// The floor for 240 requests at 100 a rolling minute is just over 2 minutes.
		timeoutMs: 8 * 60_000,
	},
	{
		name: 'expiry',
		title: 'every access token expires mid-run (after 120 of the 240 API requests)',
		sandbox: { users: 30, limits: NO_RATE_LIMIT },
		calls: 40,
		// One token before the expiry, one after, per worker.
		tokensPerWorker: 2,
		arm: (sandbox) =>
			sandbox.injectFault({ expireTokens: true, match: () => sandbox.apiRequests().length > 120 }),
		checks: (figures) => [
			[
				figures.status401 > 0,
				`the expiry bit: Zoho answered 401 to ${figures.status401} requests made with a dead token`,
			],
		],
		timeoutMs: 3 * 60_000,
	},
];

// ---- Figures --------------------------------------------------------------------

type Check = [ok: boolean, message: string];

export interface Figures {
	scenario: string;
	title: string;
	outcome: 'passed' | 'failed' | 'known failure' | 'passed (marked known failure)';
	sandbox: ScenarioSandbox;
	executions: { total: number; byStatus: Record<string, number> };
	executionsPerWorker: Record<string, number>;
	webhookAnswers: { byStatus: Record<string, number>; usersInEach: boolean };
	apiRequests: number;
	tokenRequests: number;
	status429: number;
	status401: number;
	wallSeconds: number;
	/**
	 * Least time Zoho's rolling window allows for the API requests this scenario needs: 100 may
	 * start at once, the next 100 a window later, so 240 can all be sent just over 2 windows in.
	 */
	floorSeconds?: number;
	checks: Array<{ ok: boolean; message: string }>;
}

// ---- One scenario ---------------------------------------------------------------

interface Answer {
	at: number;
	method: string;
	path: string;
	/** The access token the request carried (kept in memory only). */
	token: string;
	status: number;
}

/** The API requests as the sandbox answered them, with the token each carried (kept in memory only). */
function answersOf(sandbox: ZohoSandbox): Answer[] {
	return sandbox.apiRequests().map((request) => ({
		at: request.answeredAt ?? request.receivedAt,
		method: request.method,
		path: request.path,
		token: String(request.headers.authorization ?? '').split(' ')[1] ?? '',
		status: request.answeredWith ?? 0,
	}));
}

/**
 * The scenario's API requests, one JSON line each, into the logs folder: the token a request
 * carried is named by the order the sandbox issued it in (#1, #2, ...), never written out.
 */
function writeRequestLog(
	file: string,
	sandbox: ZohoSandbox,
	answers: Answer[],
	started: number,
): void {
	const issued = sandbox.accounts.issuedAccessTokens();
	const lines = answers.map((answer) => {
		const index = issued.indexOf(answer.token);
		return JSON.stringify({
			ms: answer.at - started,
			method: answer.method,
			path: answer.path,
			token: index < 0 ? '?' : `#${index + 1}`,
			status: answer.status,
		});
	});
	writeFileSync(file, `${lines.join('\n')}\n`);
}

/** What must never appear in n8n's output: the Self Client's secrets and every access token the sandbox issued. */
export function secretsOf(sandbox: ZohoSandbox): string[] {
	const used = sandbox
		.apiRequests()
		.map((request) => String(request.headers.authorization ?? '').split(' ')[1] ?? '');
	return [
		sandbox.selfClient.clientSecret,
		sandbox.selfClient.refreshToken,
		...sandbox.accounts.issuedAccessTokens(),
		...used,
	].filter((secret) => secret.length > 8);
}

const FINISHED = ['success', 'error', 'crashed', 'canceled'];

export async function runScenario(
	scenario: Scenario,
	stack: Stack,
	sandbox: ZohoSandbox,
	runDirectory: string,
	index: number,
): Promise<Figures> {
	step(`Scenario "${scenario.name}": ${scenario.title}`);
	// The first scenario's credential was imported before n8n started.
	if (index > 0) await importCredential(stack, runDirectory, sandbox);
	const [[lastIdBefore]] = await stack.postgres.query(
		'SELECT COALESCE(MAX(id), 0) FROM execution_entity',
	);
	scenario.arm?.(sandbox);

	const started = Date.now();
	let answeredAt: number | undefined;
	// Node's fetch waits at most 300 s for an answer's headers (undici's headersTimeout): an execution
	// paced beyond that shows as "no answer" here, while its record still tells how it ended.
	const answers = Promise.all(
		Array.from({ length: scenario.calls }, (_, call) =>
			fetch(`${stack.mainUrl}/webhook/${WEBHOOK_PATH}`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify({ call }),
				signal: AbortSignal.any([AbortSignal.timeout(scenario.timeoutMs), interruption.signal]),
			}).then(
				async (response) => ({ status: String(response.status), body: await response.text() }),
				(error: Error) => ({
					status: error.name === 'TimeoutError' ? 'timeout' : 'no answer',
					body: error.message,
				}),
			),
		),
	).then((result) => {
		answeredAt = Date.now();
		return result;
	});
	let rows: string[][] = [];
	let finishedAt: number | undefined;
	const allFinished = async () => {
		rows = await stack.postgres.query(
			`SELECT id, status FROM execution_entity WHERE "workflowId" = '${WORKFLOW_ID}' AND id > ${Number(lastIdBefore)} ORDER BY id`,
		);
		if (rows.length >= scenario.calls && rows.every(([, status]) => FINISHED.includes(status)))
			finishedAt ??= Date.now();
		return finishedAt !== undefined;
	};
	// Every call answered and still executions missing a while later (404s, say): no more are coming.
	const settled = async () =>
		(await allFinished()) || (answeredAt !== undefined && Date.now() - answeredAt > 15_000);
	await waitUntil(`${scenario.calls} executions to finish`, settled, scenario.timeoutMs).catch(
		() => undefined,
	);
	const webhookAnswers = await answers;
	webhookBodies.push(...webhookAnswers.map((answer) => answer.body));
	const finished = finishedAt !== undefined;
	const wallSeconds = ((finishedAt ?? answeredAt ?? Date.now()) - started) / 1000;
	const answered = answersOf(sandbox);
	writeRequestLog(
		join(runDirectory, 'logs', `${index + 1}-${scenario.name}-requests.jsonl`),
		sandbox,
		answered,
		started,
	);

	// The workers log "Worker finished execution N (job M)" a moment after the record is saved.
	const ranBy = new Map<string, string>();
	const readWorkerLogs = () => {
		for (const worker of stack.workers) {
			for (const [, id] of worker.output().matchAll(/Worker finished execution (\d+)/g))
				ranBy.set(id, worker.name);
		}
		return rows.every(([id]) => ranBy.has(id));
	};
	await waitUntil('the workers to log every execution', readWorkerLogs, 10_000).catch(
		() => undefined,
	);

	const byStatus: Record<string, number> = {};
	for (const [, status] of rows) byStatus[status] = (byStatus[status] ?? 0) + 1;
	const executionsPerWorker: Record<string, number> = Object.fromEntries(
		stack.workers.map((worker) => [worker.name, 0]),
	);
	for (const [id] of rows) {
		const worker = ranBy.get(id) ?? 'unknown';
		executionsPerWorker[worker] = (executionsPerWorker[worker] ?? 0) + 1;
	}
	const answersByStatus: Record<string, number> = {};
	for (const { status } of webhookAnswers)
		answersByStatus[status] = (answersByStatus[status] ?? 0) + 1;
	const usersInEach = webhookAnswers.every(({ status, body }) => {
		if (status !== '200') return false;
		try {
			const users = JSON.parse(body) as Array<{ user_id?: string; email_ids?: unknown }>;
			return (
				Array.isArray(users) &&
				users.length === 5 &&
				users.every((user) => typeof user.user_id === 'string' && Array.isArray(user.email_ids))
			);
		} catch {
			return false;
		}
	});

	const rate = scenario.sandbox.limits?.perWindow ?? 100;
	const windowSeconds = (scenario.sandbox.limits?.windowMs ?? 60_000) / 1000;
	const figures: Figures = {
		scenario: scenario.name,
		title: scenario.title,
		outcome: 'passed',
		sandbox: scenario.sandbox,
		executions: { total: rows.length, byStatus },
		executionsPerWorker,
		webhookAnswers: { byStatus: answersByStatus, usersInEach },
		apiRequests: sandbox.apiRequests().length,
		tokenRequests: sandbox.tokenRequests().length,
		status429: answered.filter((answer) => answer.status === 429).length,
		status401: answered.filter((answer) => answer.status === 401).length,
		wallSeconds: Math.round(wallSeconds * 10) / 10,
		floorSeconds: Number.isFinite(rate)
			? (Math.ceil((scenario.calls * API_REQUESTS_PER_EXECUTION) / rate) - 1) * windowSeconds
			: undefined,
		checks: [],
	};

	const tokenBudget = scenario.tokensPerWorker * stack.workers.length;
	const leaked = secretsOf(sandbox).filter((secret) =>
		everythingN8nPrinted(stack).includes(secret),
	).length;
	const checks: Check[] = [
		[
			finished && rows.length === scenario.calls,
			`${scenario.calls} executions recorded and finished (${rows.length} seen${finished ? '' : ', timed out'})`,
		],
		[
			byStatus.success === scenario.calls,
			`all ${scenario.calls} executions succeeded (${JSON.stringify(byStatus)})`,
		],
		[
			stack.workers.every((worker) => executionsPerWorker[worker.name] > 0) &&
				!executionsPerWorker.unknown,
			`both workers ran some (${JSON.stringify(executionsPerWorker)})`,
		],
		[
			answersByStatus['200'] === scenario.calls,
			`every webhook call was answered 200 (${JSON.stringify(answersByStatus)})`,
		],
		[
			figures.tokenRequests <= tokenBudget,
			`at most ${scenario.tokensPerWorker} token request(s) per worker (${figures.tokenRequests} for ${stack.workers.length} workers)`,
		],
		[
			leaked === 0,
			`no client secret, refresh token or access token in anything n8n printed or answered${leaked ? ` (${leaked} found)` : ''}`,
		],
		...(scenario.checks?.(figures) ?? []),
	];
	figures.checks = checks.map(([ok, message]) => ({ ok, message }));
	for (const [ok, message] of checks) console.log(`  ${ok ? '✓' : '✗'} ${message}`);
	console.log(
		`  figures: ${rows.length} executions, per worker ${JSON.stringify(executionsPerWorker)}, ${figures.apiRequests} API requests, ` +
			`${figures.tokenRequests} token requests, ${figures.status429} × 429, ${figures.status401} × 401, ` +
			`wall ${figures.wallSeconds} s${figures.floorSeconds !== undefined ? ` (floor ${figures.floorSeconds} s: ${(figures.wallSeconds / figures.floorSeconds).toFixed(2)} × floor)` : ''}`,
	);
	return figures;
}

/** What n8n answered to the webhook calls, for the secrets check too. */
const webhookBodies: string[] = [];

/** Everything n8n printed or answered so far, where no secret may appear. */
export function everythingN8nPrinted(stack: Pick<Stack, 'main' | 'workers'>): string {
	return [...printedByN8n(stack), ...webhookBodies].join('\n');
}

/**
 * In queue mode pollers run on the main process only: the trigger, published for the whole run
 * and polling every minute, must list its sandbox's users once a minute, not once per process.
 */
export function checkTriggerPolls(
	sandbox: ZohoSandbox,
	ranForMs: number,
): { ok: boolean; message: string } {
	const listings = sandbox
		.apiRequests()
		.filter(
			(request) => request.path.endsWith('/users') && request.query.filter_by === 'Status.All',
		);
	const gaps = listings
		.slice(1)
		.map((request, index) => request.receivedAt - listings[index].receivedAt);
	const minutes = Math.floor(ranForMs / 60_000);
	// n8n polls once when it publishes the workflow (to check it works; measured 4 to 13 s before the
	// first tick), then on every minute's tick. Several processes polling would each list at every
	// tick, seconds apart at most: after the first listing, no two may be closer than half a minute.
	const ok =
		gaps.slice(1).every((gap) => gap >= 30_000) &&
		listings.length >= minutes - 1 &&
		listings.length <= minutes + 2;
	const message = `${listings.length} listing(s) in ${Math.round(ranForMs / 1000)} s of the main process, ${gaps.length ? `gaps ${gaps.map((gap) => `${Math.round(gap / 1000)} s`).join(', ')}` : 'no gaps'}: ${ok ? 'one per poll, by the main process alone' : 'NOT one per poll'}`;
	console.log(`  ${ok ? '✓' : '✗'} trigger: ${message}`);
	return { ok, message };
}

// ---- Choosing scenarios --------------------------------------------------------

export function selectedScenarios(): { scenarios: Scenario[]; chosen: boolean } {
	const names = [...process.argv.slice(2), ...(process.env.QUEUE_SCENARIOS ?? '').split(',')]
		.map((name) => name.trim())
		.filter(Boolean);
	if (names.length === 0) return { scenarios: SCENARIOS, chosen: false };
	const unknown = names.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name));
	if (unknown.length)
		throw new Error(
			`Unknown scenario(s) ${unknown.join(', ')}; there are: ${SCENARIOS.map((scenario) => scenario.name).join(', ')}`,
		);
	// In the order given, repeats included (`-- expiry expiry expiry` runs it three times on one stack).
	return {
		scenarios: names.map((name) => SCENARIOS.find((scenario) => scenario.name === name)!),
		chosen: true,
	};
}
