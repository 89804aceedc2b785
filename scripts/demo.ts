/**
 * `npm run demo`: what the package does, run through n8n's own engine
 * (n8n-core) as n8n runs the nodes in a workflow: who is there, onboarding,
 * Create or Update over a few people, the trigger seeing one change, and a
 * Sync dry run, each step followed by the requests Zoho received for it.
 *
 * With no settings it runs against the local Zoho sandbox. With ZOHO_* settings
 * (see the README) it runs against a real Zoho organization: read-only, unless
 * ZOHO_DEMO_WRITE=1 and ZOHO_DEMO_EMAIL name a person to add, change and
 * deactivate (nobody else is changed); its Sync is a dry run either way.
 */
// First: keeps n8n-core's key file in a temporary folder, not in ~/.n8n.
import '../harness/setup';

import diagnosticsChannel from 'diagnostics_channel';
import type { ClientRequest } from 'http';
import type { IDataObject, INodeParameters, INodePropertyOptions } from 'n8n-workflow';

import { CredentialStore, selfClientCredentials } from '../harness/credentials';
import { runNode } from '../harness/engine';
import { PollingTrigger, triggerType } from '../harness/poll';
import { ZohoSandbox } from '../sandbox/server';

/** A row of an HR export. */
type Person = { name: string; email: string; role?: string };

/** Where the demo runs, and how it sees the requests Zoho gets. */
export interface DemoZoho {
	credentials: CredentialStore;
	/** How the requests are known, for the printout. */
	seen: string;
	/** Every request so far, as "METHOD /path?query" (the API's path without its /invoice/v3 prefix). */
	requests(): string[];
}

/** What the demo may change: the sandbox, or a real organization with ZOHO_DEMO_WRITE=1. */
export interface DemoWrites {
	/** The person onboarded, changed and offboarded. */
	email: string;
	/** Others Create or Update creates: only where no invitation reaches a real person. */
	newcomers: Person[];
}

export interface DemoStep {
	title: string;
	output: IDataObject[];
	requests: string[];
}

export interface DemoPart {
	title: string;
	steps: DemoStep[];
}

type Print = (text: string) => void;

export const SANDBOX_WRITES: DemoWrites = {
	email: 'ada@example.com',
	newcomers: [{ name: 'Grace Hopper', email: 'grace@example.com', role: 'staff' }],
};

const API_PREFIX = '/invoice/v3';
const JOINER: Person = { name: 'Joan Clarke', email: 'joiner@example.com', role: 'staff' };

/** A request as Zoho's reference writes it; the query only for the API (a token request's is nobody's business). */
function requestLine(method: string, pathWithQuery: string): string {
	const [path, query] = pathWithQuery.split('?');
	if (!path.startsWith(API_PREFIX)) return `${method} ${path}`;
	const params = new URLSearchParams(query ?? '').toString();
	return `${method} ${path.slice(API_PREFIX.length)}${params ? `?${params}` : ''}`;
}

export function sandboxZoho(sandbox: ZohoSandbox): DemoZoho {
	return {
		credentials: new CredentialStore({ zohoInvoiceApi: selfClientCredentials(sandbox) }),
		seen: 'Zoho received',
		requests: () =>
			sandbox.log.map((request) =>
				requestLine(
					request.method,
					`${request.path}?${new URLSearchParams(request.query).toString()}`,
				),
			),
	};
}

/**
 * A real Zoho's log is out of reach: the requests are watched leaving this
 * process instead, through Node's diagnostics channel for HTTP clients (every
 * request n8n-core sends passes through Node's http module).
 */
export function watchedZoho(credentials: CredentialStore): DemoZoho & { stop(): void } {
	const sent: string[] = [];
	const watch = (message: unknown) => {
		const { request } = message as { request: ClientRequest };
		sent.push(requestLine(request.method, request.path));
	};
	diagnosticsChannel.subscribe('http.client.request.start', watch);
	return {
		credentials,
		seen: 'Sent to Zoho',
		requests: () => [...sent],
		stop: () => diagnosticsChannel.unsubscribe('http.client.request.start', watch),
	};
}

/** A real Zoho from ZOHO_* settings, or undefined when none is set (the sandbox then). */
export function realZohoFromEnvironment(
	env: NodeJS.ProcessEnv,
): { credentials: CredentialStore; writes?: DemoWrites } | undefined {
	const {
		ZOHO_REGION,
		ZOHO_ORGANIZATION_ID,
		ZOHO_CLIENT_ID,
		ZOHO_CLIENT_SECRET,
		ZOHO_REFRESH_TOKEN,
	} = env;
	if (!ZOHO_ORGANIZATION_ID && !ZOHO_CLIENT_ID && !ZOHO_REFRESH_TOKEN) return undefined;
	const missing = Object.entries({
		ZOHO_ORGANIZATION_ID,
		ZOHO_CLIENT_ID,
		ZOHO_CLIENT_SECRET,
		ZOHO_REFRESH_TOKEN,
	})
		.filter(([, value]) => !value)
		.map(([name]) => name);
	if (missing.length)
		throw new Error(`To run against Zoho, also set ${missing.join(', ')} (see the README).`);
	const write = env.ZOHO_DEMO_WRITE === '1';
	if (write && !env.ZOHO_DEMO_EMAIL)
		throw new Error('ZOHO_DEMO_WRITE=1 needs ZOHO_DEMO_EMAIL: the address of the person to add.');
	const credentials = new CredentialStore({
		zohoInvoiceApi: {
			region: ZOHO_REGION ?? 'com',
			organizationId: ZOHO_ORGANIZATION_ID!,
			clientId: ZOHO_CLIENT_ID!,
			clientSecret: ZOHO_CLIENT_SECRET!,
			refreshToken: ZOHO_REFRESH_TOKEN!,
			accessToken: '',
		},
	});
	return write
		? { credentials, writes: { email: env.ZOHO_DEMO_EMAIL!, newcomers: [] } }
		: { credentials };
}

const byEmail = (email: string) => ({ __rl: true, mode: 'email', value: email });

/** One person per input item, their fields read by expressions, as from an HR export. */
const fromItems = {
	email: '={{ $json.email }}',
	name: '={{ $json.name }}',
	additionalFields: { userRole: '={{ $json.role }}' },
};

const personOf = (user: IDataObject): Person => ({
	name: String(user.name),
	email: String(user.email),
	role: String(user.user_role),
});

/** What a user record is shown with: who they are, their role and status. */
const USER_FIELDS = ['user_id', 'name', 'email', 'email_ids', 'user_role', 'status'];

function brief(json: IDataObject): IDataObject {
	if (typeof json.user === 'object' && json.user !== null)
		return { ...json, user: brief(json.user as IDataObject) };
	if (json.user_id === undefined || json.user_role === undefined) return json;
	return Object.fromEntries(Object.entries(json).filter(([key]) => USER_FIELDS.includes(key)));
}

function show(output: IDataObject[]): string {
	const shown = output.slice(0, 6).map((json) => JSON.stringify(brief(json)));
	if (output.length > 6) shown.push(`… and ${output.length - 6} more`);
	return shown.map((line) => `       ${line}`).join('\n');
}

class Demo {
	readonly parts: DemoPart[] = [];

	constructor(
		private readonly zoho: DemoZoho,
		private readonly print: Print,
	) {}

	part(title: string): void {
		this.print(`\n${title}`);
		this.parts.push({ title, steps: [] });
	}

	/** Runs one step, then prints its output and the requests Zoho got for it. */
	async step(title: string, work: () => Promise<IDataObject[]>): Promise<IDataObject[]> {
		const part = this.parts.at(-1)!;
		this.print(`  ${part.steps.length + 1}. ${title}`);
		const before = this.zoho.requests().length;
		const output = await work();
		const requests = this.zoho.requests().slice(before);
		part.steps.push({ title, output, requests });
		this.print(`     → ${output.length} item${output.length === 1 ? '' : 's'}`);
		if (output.length) this.print(show(output));
		this.print(
			requests.length
				? `     ${this.zoho.seen}:\n${requests.map((line) => `       ${line}`).join('\n')}`
				: `     ${this.zoho.seen}: nothing`,
		);
		return output;
	}

	async node(parameters: INodeParameters, items?: IDataObject[]): Promise<IDataObject[]> {
		const output = await runNode({
			credentials: this.zoho.credentials,
			authentication: 'selfClient',
			parameters,
			items,
		});
		return output.map((item) => item.json);
	}
}

const TRIGGER_EVENTS = (
	triggerType.description.properties.find((property) => property.name === 'events')
		?.options as INodePropertyOptions[]
).map((option) => String(option.value));

/**
 * The parts of the demo, in order. Without `writes` it only reads (a real
 * organization without ZOHO_DEMO_WRITE=1); with them it changes only the
 * person they name and their newcomers. Sync is a dry run in every case.
 */
export async function runDemo(
	zoho: DemoZoho,
	writes: DemoWrites | undefined,
	print: Print = console.log,
): Promise<DemoPart[]> {
	const demo = new Demo(zoho, print);

	demo.part('Who is there');
	const [current] = await demo.step('Who am I', async () =>
		demo.node({ resource: 'user', operation: 'getCurrent' }),
	);
	const listed = await demo.step('List the users', async () =>
		demo.node({ resource: 'user', operation: 'getAll', returnAll: true }),
	);
	// Zoho's Get gives addresses as email_ids; its list gives each user's one email.
	const me = listed.find((user) => user.user_id === current.user_id) ?? current;

	if (writes) {
		const { email } = writes;
		demo.part(`Onboarding ${email}`);
		await demo.step(`Create ${email} as Staff`, async () =>
			demo.node({
				resource: 'user',
				operation: 'create',
				name: 'Ada Lovelace',
				email,
				additionalFields: { userRole: 'staff' },
			}),
		);
		await demo.step('Find them by email', async () =>
			demo.node({ resource: 'user', operation: 'get', userId: byEmail(email) }),
		);
		await demo.step('Change only their role, to Admin', async () =>
			demo.node({
				resource: 'user',
				operation: 'update',
				userId: byEmail(email),
				updateFields: { userRole: 'admin' },
			}),
		);

		const people = [{ name: 'Ada King', email, role: 'admin' }, ...writes.newcomers, personOf(me)];
		demo.part(
			`Create or Update over ${people.length} people: ${['one renamed', ...writes.newcomers.map(() => 'one new'), 'one as Zoho has them'].join(', ')}`,
		);
		await demo.step(people.map((person) => person.email).join(', '), async () =>
			demo.node({ resource: 'user', operation: 'upsert', ...fromItems }, people),
		);
	}

	demo.part(
		writes
			? 'The trigger sees the offboarding: one poll, one change, another poll'
			: 'The trigger: one poll, then another (nothing changes in between: read-only)',
	);
	const trigger = new PollingTrigger(zoho.credentials, TRIGGER_EVENTS);
	await demo.step('Poll: the first takes what Zoho has as its baseline', async () =>
		trigger.events(),
	);
	if (writes) {
		await demo.step(`Offboard: mark ${writes.email} inactive`, async () =>
			demo.node({ resource: 'user', operation: 'markInactive', userId: byEmail(writes.email) }),
		);
	}
	await demo.step('Poll: what changed since the last one', async () => trigger.events());

	demo.part('Sync with an HR list, as a dry run: what it would do, nothing sent but the listing');
	const users = await demo.step('List the users, to write the HR list from', async () =>
		demo.node({ resource: 'user', operation: 'getAll', returnAll: true }),
	);
	const staying = users
		.filter((user) => user.status === 'active' || user.status === 'invited')
		.map(personOf);
	// The HR list: everyone as Zoho has them, but one has left, another has a new role, one joins.
	const others = staying.filter((person) => person.email !== me.email);
	const leaver = others.at(-1);
	const mover = others.length > 1 ? others[0] : undefined;
	const moved = mover && { ...mover, role: mover.role === 'staff' ? 'admin' : 'staff' };
	const list = [
		...staying
			.filter((person) => person !== leaver)
			.map((person) => (person === mover ? moved! : person)),
		JOINER,
	];
	const story = [
		`${JOINER.email} joins`,
		moved && `${moved.email} moves to ${moved.role}`,
		leaver && `${leaver.email} has left`,
	].filter(Boolean);
	await demo.step(`Sync dry run: ${story.join(', ')}`, async () =>
		demo.node(
			{ resource: 'user', operation: 'sync', ...fromItems, options: { dryRun: true } },
			list,
		),
	);
	return demo.parts;
}

async function main(): Promise<void> {
	const real = realZohoFromEnvironment(process.env);
	if (real) {
		console.log(
			`Running against Zoho (region ${process.env.ZOHO_REGION ?? 'com'}), ${real.writes ? `WRITING to ${real.writes.email} only` : 'read-only'}.`,
		);
		const zoho = watchedZoho(real.credentials);
		await runDemo(zoho, real.writes);
		zoho.stop();
		return;
	}

	const sandbox = await ZohoSandbox.start({ users: 5 });
	try {
		console.log(
			`No Zoho settings given: running against the local Zoho Invoice sandbox at ${sandbox.url}.`,
		);
		await runDemo(sandboxZoho(sandbox), SANDBOX_WRITES);
		console.log(
			`\nZoho received ${sandbox.apiRequests().length} API requests and ${sandbox.tokenRequests().length} token request in all.`,
		);
	} finally {
		await sandbox.stop();
	}
}

if (require.main === module) {
	main().then(
		() => process.exit(0),
		(error: Error & { description?: string }) => {
			console.error(
				`\nFailed: ${error.message}${error.description ? `\n${error.description}` : ''}`,
			);
			process.exit(1);
		},
	);
}
