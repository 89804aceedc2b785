import { CredentialStore, selfClientCredentials } from '../../harness/credentials';
import type { ReceivedRequest, ZohoSandbox } from '../../sandbox/server';
import {
	SANDBOX_WRITES,
	realZohoFromEnvironment,
	runDemo,
	sandboxZoho,
	watchedZoho,
} from '../../scripts/demo';
import type { DemoPart } from '../../scripts/demo';
import { useSandbox } from '../helpers/sandbox';

/**
 * `npm run demo`: each part's requests as the sandbox received them. The sandbox's seed users:
 * 0 is the credential's own user (David Sujin, admin, active); user N is userN@zylker.org,
 * active, active, inactive, invited in turn (1 active, 2 inactive, 3 invited, 4 active).
 */

const quiet = () => undefined;

/** Method and path as Zoho's reference writes them, without the API prefix or the query. */
const line = (request: ReceivedRequest) =>
	`${request.method} ${request.path.replace('/invoice/v3', '')}`;
const withoutQuery = (request: string) => request.split('?')[0];

function partTitled(parts: DemoPart[], title: string): DemoPart {
	const part = parts.find((candidate) => candidate.title.startsWith(title));
	if (!part) throw new Error(`no part titled ${title}: ${parts.map((p) => p.title).join(', ')}`);
	return part;
}

const idOf = (sandbox: ZohoSandbox, email: string) =>
	sandbox.listUsers().find((user) => user.email === email)?.user_id;

describe('npm run demo, against the sandbox', () => {
	const fixture = useSandbox({ users: 5 });

	test('Create or Update: one listing, the newcomer created, the changed person updated, nothing for the one who matches', async () => {
		const { sandbox } = fixture;
		const parts = await runDemo(sandboxZoho(sandbox), SANDBOX_WRITES, quiet);
		const [step] = partTitled(parts, 'Create or Update').steps;
		const ada = idOf(sandbox, 'ada@example.com');
		// The listing first; then the create and the update go out together, in either order.
		const [listing, ...changes] = step.requests.map(withoutQuery);
		expect(listing).toBe('GET /users');
		expect(changes.sort()).toEqual(['POST /users', `PUT /users/${ada}`]);
		expect(step.output.map((json) => [json.email, json.action])).toEqual([
			['ada@example.com', 'updated'],
			['grace@example.com', 'created'],
			['david@zylker.org', 'unchanged'],
		]);
		const creates = sandbox.apiRequests().filter((request) => line(request) === 'POST /users');
		expect(creates.map((request) => request.json)).toContainEqual({
			name: 'Grace Hopper',
			email: 'grace@example.com',
			user_role: 'staff',
		});
	});

	test('the trigger: a baseline poll, the one change, then a poll that emits that change alone', async () => {
		const { sandbox } = fixture;
		const parts = await runDemo(sandboxZoho(sandbox), SANDBOX_WRITES, quiet);
		const [baseline, change, poll] = partTitled(parts, 'The trigger').steps;
		const ada = idOf(sandbox, 'ada@example.com');
		expect(baseline.output).toEqual([]);
		expect(baseline.requests.map(withoutQuery)).toEqual(['GET /users']);
		// By Email: the user is found in one listing, then marked inactive.
		expect(change.requests.map(withoutQuery)).toEqual([
			'GET /users',
			`POST /users/${ada}/inactive`,
		]);
		expect(poll.requests.map(withoutQuery)).toEqual(['GET /users']);
		expect(poll.output).toEqual([
			expect.objectContaining({
				event: 'userDeactivated',
				user: expect.objectContaining({ email: 'ada@example.com', status: 'inactive' }),
			}),
		]);
	});

	test('the Sync dry run sends only its listing and plans the joiner, the mover and the leaver', async () => {
		const { sandbox } = fixture;
		const parts = await runDemo(sandboxZoho(sandbox), SANDBOX_WRITES, quiet);
		const sync = partTitled(parts, 'Sync').steps.at(-1)!;
		expect(sync.requests.map(withoutQuery)).toEqual(['GET /users']);
		expect(sync.output.every((json) => json.dryRun === true)).toBe(true);
		const actions = sync.output.map((json) => json.action);
		expect(actions).toEqual(expect.arrayContaining(['created', 'updated', 'deactivated']));
		expect(sync.output.filter((json) => json.action === 'created')).toEqual([
			expect.objectContaining({ email: 'joiner@example.com' }),
		]);
	});

	test('every request Zoho received is printed, under the step that sent it', async () => {
		const { sandbox } = fixture;
		const printed: string[] = [];
		const parts = await runDemo(sandboxZoho(sandbox), SANDBOX_WRITES, (text) => printed.push(text));
		const steps = parts.flatMap((part) => part.steps);
		expect(steps.flatMap((step) => step.requests).map(withoutQuery)).toEqual(sandbox.log.map(line));
		const text = printed.join('\n');
		for (const step of steps) {
			const shown = text.slice(text.indexOf(step.title));
			for (const request of step.requests) expect(shown).toContain(request);
		}
	});
});

describe('npm run demo, against a real Zoho (here the sandbox in its place)', () => {
	const fixture = useSandbox({ users: 5 });
	const watched: Array<{ stop(): void }> = [];
	afterEach(() => watched.splice(0).forEach((zoho) => zoho.stop()));

	function zohoOf(sandbox: ZohoSandbox) {
		const zoho = watchedZoho(
			new CredentialStore({ zohoInvoiceApi: selfClientCredentials(sandbox) }),
		);
		watched.push(zoho);
		return zoho;
	}

	test('without ZOHO_DEMO_WRITE=1 it only reads, and lists the requests as Zoho received them', async () => {
		const { sandbox } = fixture;
		const before = sandbox.listUsers();
		const zoho = zohoOf(sandbox);
		const parts = await runDemo(zoho, undefined, quiet);
		expect(sandbox.apiRequests().filter((request) => request.method !== 'GET')).toEqual([]);
		expect(sandbox.listUsers()).toEqual(before);
		expect(parts.map((part) => part.title)).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^The trigger/),
				expect.stringMatching(/^Sync/),
			]),
		);
		expect(zoho.requests().map(withoutQuery)).toEqual(sandbox.log.map(line));
	});

	test('with ZOHO_DEMO_WRITE=1 it changes only the person named, and its Sync is a dry run', async () => {
		const { sandbox } = fixture;
		const email = 'new.person@example.com';
		const others = () => sandbox.listUsers().filter((user) => user.email !== email);
		const before = others();
		const zoho = zohoOf(sandbox);
		const parts = await runDemo(zoho, { email, newcomers: [] }, quiet);
		const person = idOf(sandbox, email);
		expect(person).toBeDefined();
		const changes = sandbox.apiRequests().filter((request) => request.method !== 'GET');
		expect(changes.length).toBeGreaterThan(0);
		const aimedAtPerson = (request: ReceivedRequest) =>
			line(request) === 'POST /users'
				? (request.json as { email: string }).email === email
				: line(request).startsWith(`${request.method} /users/${person}`);
		expect(changes.filter((request) => !aimedAtPerson(request)).map(line)).toEqual([]);
		expect(others()).toEqual(before);
		const sync = partTitled(parts, 'Sync').steps.at(-1)!;
		expect(sync.output.every((json) => json.dryRun === true)).toBe(true);
		expect(sync.requests.map(withoutQuery)).toEqual(['GET /users']);
		expect(zoho.requests().map(withoutQuery)).toEqual(sandbox.log.map(line));
	});
});

describe('npm run demo, its settings', () => {
	const settings = {
		ZOHO_REGION: 'eu',
		ZOHO_ORGANIZATION_ID: '10234695',
		ZOHO_CLIENT_ID: '1000.CLIENT',
		ZOHO_CLIENT_SECRET: 'secret',
		ZOHO_REFRESH_TOKEN: '1000.refresh.token',
	};

	test('no ZOHO_ settings: the sandbox', () => {
		expect(realZohoFromEnvironment({})).toBeUndefined();
	});

	test('writes only with ZOHO_DEMO_WRITE=1 exactly, and then to ZOHO_DEMO_EMAIL alone', () => {
		for (const write of [undefined, '', '0', 'true', 'yes'])
			expect(
				realZohoFromEnvironment({ ...settings, ZOHO_DEMO_WRITE: write, ZOHO_DEMO_EMAIL: 'a@b.co' })
					?.writes,
			).toBeUndefined();
		expect(
			realZohoFromEnvironment({ ...settings, ZOHO_DEMO_WRITE: '1', ZOHO_DEMO_EMAIL: 'a@b.co' })
				?.writes,
		).toEqual({ email: 'a@b.co', newcomers: [] });
		expect(() => realZohoFromEnvironment({ ...settings, ZOHO_DEMO_WRITE: '1' })).toThrow(
			/ZOHO_DEMO_EMAIL/,
		);
	});

	test('names the settings missing', () => {
		expect(() =>
			realZohoFromEnvironment({ ZOHO_ORGANIZATION_ID: '10234695', ZOHO_CLIENT_ID: '1000.X' }),
		).toThrow(
			'To run against Zoho, also set ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN (see the README).',
		);
	});
});
