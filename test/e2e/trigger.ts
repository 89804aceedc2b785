/**
 * The trigger in a published workflow, as a user runs it: `n8n start` (a real
 * server) polls the trigger's own sandbox every minute. The first listing
 * (n8n polls once when it activates the workflow) takes the baseline; the
 * sandbox then changes as someone would in Zoho's web app, and the next poll
 * must start exactly one execution with exactly those changes. Executions are
 * read from n8n's REST API, signed in as the owner, as the editor reads them.
 */
import { join } from 'path';

import type { ZohoSandbox } from '../../sandbox/server';
import { N8N_DIR } from '../../harness/installedN8n';

export const TRIGGER_WORKFLOW = 'e2eTrigger';
const TRIGGER_NODE = 'Zoho Invoice Trigger';
const NEXT_NODE = 'Received';

interface ExecutionSummary {
	id: string;
	status: string;
	mode: string;
	workflowId: string;
}

type Item = { json: Record<string, unknown> };
interface RunData {
	resultData: {
		error?: { message: string };
		runData: Record<string, Array<{ data?: { main: Item[][] } }>>;
	};
}

/** n8n's REST API as the editor uses it: the owner's session cookie and a browser id. */
export class N8nRest {
	private cookie = '';

	constructor(
		private readonly url: string,
		private readonly owner: { email: string; password: string },
		/** Every body n8n answered with, searched for secrets at the end. */
		private readonly output: string[],
	) {}

	private async call(path: string, init: RequestInit = {}): Promise<unknown> {
		const response = await fetch(`${this.url}${path}`, {
			...init,
			headers: {
				'content-type': 'application/json',
				'browser-id': 'e2e',
				...(this.cookie ? { cookie: this.cookie } : {}),
			},
		});
		const text = await response.text();
		this.output.push(text);
		if (!response.ok) throw new Error(`n8n answered ${path} with ${response.status}: ${text}`);
		if (path === '/rest/login')
			this.cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
		return JSON.parse(text);
	}

	async signIn(): Promise<void> {
		await this.call('/rest/login', {
			method: 'POST',
			body: JSON.stringify({
				emailOrLdapLoginId: this.owner.email,
				password: this.owner.password,
			}),
		});
	}

	async executions(workflowId: string): Promise<ExecutionSummary[]> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const answer = (await this.call(`/rest/executions?filter=${filter}`)) as {
			data: { results: ExecutionSummary[] };
		};
		return answer.data.results;
	}

	/** One execution with its run data (n8n keeps and sends it in the `flatted` format). */
	async execution(id: string): Promise<{ status: string; mode: string; data: RunData }> {
		const answer = (await this.call(`/rest/executions/${id}`)) as {
			data: { status: string; mode: string; data: string };
		};
		// n8n's own copy of flatted, from the n8n install: not a dependency of this package.
		const { parse } = (await import(join(N8N_DIR, 'node_modules/flatted'))) as {
			parse: (text: string) => unknown;
		};
		return { ...answer.data, data: parse(answer.data.data) as RunData };
	}
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(
	what: string,
	timeoutMs: number,
	probe: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const found = await probe();
		if (found !== undefined) return found;
		if (Date.now() > deadline) throw new Error(`Waited ${timeoutMs / 1000} s for ${what}`);
		await wait(100);
	}
}

export interface TriggerFacts {
	/** When the baseline listing came, when the sandbox changed, when the next poll came (Date.now()). */
	baselineAt: number;
	changedAt: number;
	nextPollAt: number;
	/** When the execution had been read back from n8n. */
	readAt: number;
	/** Listings the trigger's sandbox received up to the execution, and which pages they asked for. */
	listingPages: string[];
	otherRequests: string[];
	executions: ExecutionSummary[];
	status: string;
	mode: string;
	events: Item[];
	received: Item[];
	expected: { added: string; deactivated: string; roleChanged: string; roleBefore: string };
}

/**
 * Runs in the background while the rest of the suite goes on: waits for the
 * baseline listing, changes the sandbox at once, waits for the first listing
 * that started after the change, then for the execution it caused.
 */
export async function observeTrigger(sandbox: ZohoSandbox, rest: N8nRest): Promise<TriggerFacts> {
	const listings = () =>
		sandbox
			.apiRequests()
			.filter((request) => request.method === 'GET' && request.path.endsWith('/users'));
	// From before the server is started: its imports, publishing and start come first.
	const baseline = await until('the baseline listing', 240_000, () =>
		listings().find((request) => request.answeredAt !== undefined),
	);
	const changedAt = Date.now();
	const [, toDeactivate, toPromote] = sandbox.listUsers();
	const added = sandbox.addUser({ name: 'Trigger Newcomer', email: 'newcomer@zylker.org' });
	sandbox.users.change(toDeactivate.user_id, { status: 'inactive' });
	const roleBefore = toPromote.user_role;
	sandbox.users.change(toPromote.user_id, {
		user_role: roleBefore === 'admin' ? 'staff' : 'admin',
	});

	const nextPoll = await until('the poll after the change', 75_000, () =>
		listings().find(
			(request) => request.receivedAt > changedAt && request.answeredAt !== undefined,
		),
	);
	await rest.signIn();
	const over = (execution: ExecutionSummary) => !['new', 'running'].includes(execution.status);
	const executions = await until('the execution of that poll', 30_000, async () => {
		const found = await rest.executions(TRIGGER_WORKFLOW);
		return found.some(over) ? found : undefined;
	});
	const finished = executions.find(over)!;
	const { status, mode, data } = await rest.execution(finished.id);
	const output = (node: string) => data.resultData.runData[node]?.at(-1)?.data?.main?.[0] ?? [];
	return {
		baselineAt: baseline.receivedAt,
		changedAt,
		nextPollAt: nextPoll.receivedAt,
		readAt: Date.now(),
		listingPages: listings().map((request) => request.query.page ?? '1'),
		otherRequests: sandbox
			.apiRequests()
			.filter((request) => !listings().includes(request))
			.map((request) => `${request.method} ${request.path}`),
		executions,
		status,
		mode,
		events: output(TRIGGER_NODE),
		received: output(NEXT_NODE),
		expected: {
			added: added.user_id,
			deactivated: toDeactivate.user_id,
			roleChanged: toPromote.user_id,
			roleBefore,
		},
	};
}

export const SHIFT_WORKFLOW = 'e2eTriggerShift';

export interface ShiftFacts {
	/** The user deleted between two page requests of one poll, and the one that pushed out of sight. */
	deleted: string;
	hidden: string;
	/** Each poll's requests after the baseline: listing pages and confirmations. */
	polls: string[][];
	executions: ExecutionSummary[];
	events: Item[];
	readAt: number;
}

/**
 * A list of 450 users that shifts while a poll pages it: when the poll after
 * the baseline asks for page 2, a user of page 1 is deleted, so page 2 starts
 * one user later and one user is in neither page. That poll must ask Zoho
 * about the missing user, hear they are still there, and report nothing; the
 * next poll must report the deleted user, once.
 */
export async function observeShiftedListing(
	sandbox: ZohoSandbox,
	rest: N8nRest,
): Promise<ShiftFacts> {
	const pages = () => sandbox.apiRequests().filter((request) => request.path.endsWith('/users'));
	// The baseline of a list of several pages is two listings: six pages.
	await until('the baseline listings', 240_000, () =>
		pages().filter((request) => request.answeredAt !== undefined).length >= 6 ? true : undefined,
	);
	const baselineDone = sandbox.log.length;
	const sorted = sandbox
		.listUsers()
		.filter((user) => user.status !== 'deleted')
		.sort((a, b) => a.name.localeCompare(b.name, 'en'));
	const deleted = sorted[5].user_id;
	const hidden = sorted[200].user_id;
	sandbox.injectFault({
		match: (request) => request.path.endsWith('/users') && request.query.page === '2',
		act: (zoho) => zoho.users.change(deleted, { status: 'deleted' }),
	});
	await rest.signIn();
	const executions = await until('the execution that reports the deletion', 180_000, async () => {
		const found = await rest.executions(SHIFT_WORKFLOW);
		return found.some((execution) => !['new', 'running'].includes(execution.status))
			? found
			: undefined;
	});
	const { data } = await rest.execution(executions[0].id);
	const events = data.resultData.runData['Zoho Invoice Trigger']?.at(-1)?.data?.main?.[0] ?? [];
	const pollsSoFar = () => {
		const polls: string[][] = [];
		for (const request of sandbox.log.slice(baselineDone)) {
			if (request.path.endsWith('/users') && request.query.page === '1') polls.push([]);
			polls
				.at(-1)
				?.push(
					request.path.endsWith('/users')
						? `page ${request.query.page}`
						: `${request.method} ${request.path.replace(/^.*\/invoice\/v3/, '')}`,
				);
		}
		return polls;
	};
	// One more poll after the one that reported, to see that it reports nothing more.
	await until('the poll after the one that reported', 90_000, () =>
		(pollsSoFar()[2]?.length ?? 0) >= 3 &&
		sandbox.log.every((request) => request.answeredAt !== undefined)
			? true
			: undefined,
	);
	const afterwards = await rest.executions(SHIFT_WORKFLOW);
	return {
		deleted,
		hidden,
		polls: pollsSoFar(),
		executions: afterwards,
		events,
		readAt: Date.now(),
	};
}
