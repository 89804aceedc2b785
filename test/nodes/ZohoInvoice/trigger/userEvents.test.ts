import { configureRateLimits } from '../../../../nodes/ZohoInvoice/shared/rateLimits';
import { CONFIRMATIONS_PER_POLL } from '../../../../nodes/ZohoInvoice/trigger/userEvents';
import { selfClientCredentials } from '../../../../harness/credentials';
import { runNode } from '../../../../harness/engine';
import { PollingTrigger } from '../../../../harness/poll';
import { useSandbox } from '../../../helpers/sandbox';
import { ZohoSandbox } from '../../../../sandbox/server';
import type { ReceivedRequest } from '../../../../sandbox/server';
import { ALL_EVENTS } from '../../../helpers/events';

/**
 * The trigger reports only what happened: a departure only once Zoho
 * confirms it, and nothing from a listing that was not complete. Zoho pages
 * a list sorted by name anew for every request (the sandbox does too), so a
 * user removed or renamed between two page requests pushes another user out
 * of one listing.
 */

const USERS_PATH = '/invoice/v3/users';

/** Seed user number `index` (0 is the token owner); the sandbox numbers ids from 982000000554041. */
const idOf = (index: number) => String(982000000554041n + BigInt(index));

function requestLine(request: ReceivedRequest): string {
	return request.path === USERS_PATH
		? `GET users page ${request.query.page}`
		: `${request.method} ${request.path.replace('/invoice/v3', '')}`;
}

const onPage = (page: number) => (request: ReceivedRequest) =>
	request.path === USERS_PATH && request.query.page === String(page);

/** Zoho's real answer for a page of the listing, to hand back changed. */
function realPage(sandbox: ZohoSandbox, page: number): Record<string, unknown> {
	return sandbox.users.list({ page: String(page), per_page: '200', filter_by: 'Status.All' })
		.body as Record<string, unknown>;
}

const eventsOf = (events: Array<Record<string, unknown>>) =>
	events.map((event) => [event.event, (event.user as { user_id: string }).user_id]);

describe('A departure is reported only once Zoho confirms it', () => {
	const fixture = useSandbox({ users: 450 });

	test('a user deleted while a poll pages the list: the user pushed out of sight is kept, the deleted one reported once, in the poll that confirms it', async () => {
		const { sandbox, credentials } = fixture;
		const trigger = new PollingTrigger(credentials, ALL_EVENTS);
		await trigger.poll();
		sandbox.clearLog();
		// Between page 1 and page 2, user 5 (on page 1) is deleted: page 2 starts one user later.
		sandbox.injectFault({
			match: onPage(2),
			act: (zoho) => zoho.users.change(idOf(5), { status: 'deleted' }),
		});
		expect(await trigger.poll()).toBeNull();
		expect(sandbox.apiRequests().map(requestLine)).toEqual([
			'GET users page 1',
			'GET users page 2',
			'GET users page 3',
			// User 200 was not listed: Zoho is asked, and still has them.
			`GET /users/${idOf(200)}`,
		]);

		sandbox.clearLog();
		expect(eventsOf(await trigger.events())).toEqual([['userDeleted', idOf(5)]]);
		expect(sandbox.apiRequests().map(requestLine)).toEqual([
			'GET users page 1',
			'GET users page 2',
			'GET users page 3',
			`GET /users/${idOf(5)}`,
		]);

		sandbox.clearLog();
		expect(await trigger.poll()).toBeNull();
		expect(sandbox.apiRequests()).toHaveLength(3);
	});

	test('a user renamed while a poll pages the list is no deletion: one userDetailsChanged, the next poll', async () => {
		const { sandbox, credentials } = fixture;
		const trigger = new PollingTrigger(credentials, ALL_EVENTS);
		await trigger.poll();
		// Renamed between page 1 and page 2: sorted by name, user 5 moves to the end of the list.
		sandbox.injectFault({
			match: onPage(2),
			act: (zoho) => zoho.users.change(idOf(5), { name: 'Zed Renamed' }),
		});
		expect(await trigger.poll()).toBeNull();
		const events = await trigger.events();
		expect(events).toEqual([
			expect.objectContaining({
				event: 'userDetailsChanged',
				user: expect.objectContaining({ user_id: idOf(5), name: 'Zed Renamed' }),
				previous: { name: 'User 00005' },
			}),
		]);
		expect(await trigger.poll()).toBeNull();
	});

	test('the baseline of a list of several pages joins two listings: a user it missed while the list shifted is not "added" later', async () => {
		const { sandbox, credentials } = fixture;
		const trigger = new PollingTrigger(credentials, ALL_EVENTS);
		// The first listing misses user 200 (user 5 deleted between its page 1 and page 2).
		sandbox.injectFault({
			match: onPage(2),
			act: (zoho) => zoho.users.change(idOf(5), { status: 'deleted' }),
		});
		expect(await trigger.poll()).toBeNull();
		expect(sandbox.apiRequests().map(requestLine)).toEqual([
			'GET users page 1',
			'GET users page 2',
			'GET users page 3',
			'GET users page 1',
			'GET users page 2',
			'GET users page 3',
		]);
		// User 5 was in the first listing and has gone since: that is a real departure.
		expect(eventsOf(await trigger.events())).toEqual([['userDeleted', idOf(5)]]);
		expect(await trigger.poll()).toBeNull();
	});

	test('a poll with no departure sends nothing beyond the listing', async () => {
		const { sandbox, credentials } = fixture;
		const trigger = new PollingTrigger(credentials, ALL_EVENTS);
		await trigger.poll();
		sandbox.users.change(idOf(7), { user_role: 'admin' });
		sandbox.addUser({ name: 'Ada', email: 'ada@example.com' });
		sandbox.clearLog();
		expect((await trigger.events()).map((event) => event.event).sort()).toEqual([
			'userAdded',
			'userRoleChanged',
		]);
		expect(sandbox.apiRequests().map(requestLine)).toEqual([
			'GET users page 1',
			'GET users page 2',
			'GET users page 3',
		]);
	});

	test.each([
		[
			'an HTTP 500',
			{ status: 500, body: JSON.stringify({ code: 1000, message: 'Internal error' }) },
		],
		['a dropped connection', { drop: true }],
		[
			'a 429 beyond the wait bound',
			{
				status: 429,
				body: JSON.stringify({ code: 44, message: 'Too many requests per minute' }),
				times: 50,
			},
		],
	])(
		'a confirmation that fails (%s) fails the poll before the snapshot is touched; the next poll reports it once',
		async (_name, fault) => {
			const { sandbox, credentials } = fixture;
			configureRateLimits({
				windowMs: 100,
				maxRefusingMs: 200,
				firstPauseMs: 20,
				probeIntervalMs: 10,
			});
			try {
				const trigger = new PollingTrigger(credentials, ALL_EVENTS);
				await trigger.poll();
				const before = JSON.stringify(trigger.staticData);
				sandbox.users.change(idOf(9), { status: 'deleted' });
				sandbox.injectFault({ ...fault, match: (request) => request.path.endsWith(idOf(9)) });
				await expect(trigger.poll()).rejects.toThrow();
				expect(JSON.stringify(trigger.staticData)).toBe(before);
				sandbox.clearFaults();
				// After Zoho refused everything, the organization's next call waits for the probe interval.
				await new Promise((resolve) => setTimeout(resolve, 50));
				expect(eventsOf(await trigger.events())).toEqual([['userDeleted', idOf(9)]]);
				expect(await trigger.poll()).toBeNull();
			} finally {
				configureRateLimits();
			}
		},
	);
});

describe('Only Zoho itself confirms a departure', () => {
	const fixture = useSandbox({ users: 5 });

	test.each([
		["a gateway's 404 in JSON", 404, { code: 404, message: 'Not Found' }],
		[
			'a 404 with another code and no word of the user',
			404,
			{ code: 1, message: 'Resource unavailable' },
		],
		['Zoho\'s "Invalid URL Passed"', 404, { code: 5, message: 'Invalid URL Passed' }],
	])('%s is no proof: the poll fails and reports nobody', async (_name, status, body) => {
		const { sandbox, credentials } = fixture;
		const trigger = new PollingTrigger(credentials, ALL_EVENTS);
		await trigger.poll();
		const before = JSON.stringify(trigger.staticData);
		const listing = realPage(sandbox, 1);
		sandbox.injectFault({
			status: 200,
			body: JSON.stringify({
				...listing,
				users: (listing.users as Array<{ user_id: string }>).filter(
					(user) => user.user_id !== idOf(2),
				),
			}),
			match: onPage(1),
		});
		sandbox.injectFault({
			status,
			body: JSON.stringify(body),
			match: (request) => request.path.endsWith(idOf(2)),
		});
		await expect(trigger.poll()).rejects.toThrow();
		expect(JSON.stringify(trigger.staticData)).toBe(before);
		expect(await trigger.poll()).toBeNull();
	});

	test('an answer about another user (a cache or proxy) is no proof: the poll fails and reports nobody', async () => {
		const { sandbox, credentials } = fixture;
		const trigger = new PollingTrigger(credentials, ALL_EVENTS);
		await trigger.poll();
		const before = JSON.stringify(trigger.staticData);
		sandbox.users.change(idOf(2), { status: 'deleted' });
		const other = sandbox.users.get(idOf(3)).body as { user: Record<string, unknown> };
		sandbox.injectFault({
			status: 200,
			body: JSON.stringify({
				code: 0,
				message: 'success',
				user: { ...other.user, status: 'deleted' },
			}),
			match: (request) => request.path.endsWith(idOf(2)),
		});
		await expect(trigger.poll()).rejects.toThrow(
			`Zoho answered the question about user ${idOf(2)} with user ${idOf(3)}`,
		);
		expect(JSON.stringify(trigger.staticData)).toBe(before);
		expect(eventsOf(await trigger.events())).toEqual([['userDeleted', idOf(2)]]);
	});
});

describe('A listing that drops many users does not spend the quota on them', () => {
	const fixture = useSandbox({
		users: 450,
		limits: { perWindow: Infinity, simultaneous: Infinity },
	});
	beforeAll(() => configureRateLimits({ windowMs: 50, callsPerWindow: 10_000 }));
	afterAll(() => configureRateLimits());

	test(`at most ${CONFIRMATIONS_PER_POLL} confirmations a poll; the other departures are confirmed at the next polls, each reported once`, async () => {
		const { sandbox, credentials } = fixture;
		const trigger = new PollingTrigger(credentials, ['userDeleted']);
		await trigger.poll();
		const leavers = sandbox.listUsers().slice(100, 250);
		for (const user of leavers) sandbox.users.change(user.user_id, { status: 'deleted' });
		const confirmations = () =>
			sandbox.apiRequests().filter((request) => request.path !== USERS_PATH).length;
		sandbox.clearLog();
		const first = await trigger.events();
		expect([first.length, confirmations()]).toEqual([
			CONFIRMATIONS_PER_POLL,
			CONFIRMATIONS_PER_POLL,
		]);
		sandbox.clearLog();
		const second = await trigger.events();
		expect([second.length, confirmations()]).toEqual([50, 50]);
		const reported = [...first, ...second].map(
			(event) => (event.user as { user_id: string }).user_id,
		);
		expect(new Set(reported).size).toBe(150);
		expect(reported.sort()).toEqual(leavers.map((user) => user.user_id).sort());
		expect(await trigger.poll()).toBeNull();
	});
});

describe('Zoho has the user listed as deleted, or never had them alive', () => {
	const fixture = useSandbox({ users: 5, deletedUsers: 'listed' });

	test('a user listed as deleted is reported once, after Zoho confirms it; no more requests after that', async () => {
		const { sandbox, credentials } = fixture;
		const trigger = new PollingTrigger(credentials, ALL_EVENTS);
		await trigger.poll();
		sandbox.users.change(idOf(2), { status: 'deleted' });
		sandbox.clearLog();
		expect(await trigger.events()).toEqual([
			{
				event: 'userDeleted',
				sample: false,
				user: expect.objectContaining({ user_id: idOf(2), status: 'deleted' }),
				previous: { status: 'inactive' },
			},
		]);
		expect(sandbox.apiRequests().map(requestLine)).toEqual([
			'GET users page 1',
			`GET /users/${idOf(2)}`,
		]);
		sandbox.clearLog();
		expect(await trigger.poll()).toBeNull();
		expect(sandbox.apiRequests().map(requestLine)).toEqual(['GET users page 1']);
	});

	test('a user the listing calls deleted but Zoho still has is not reported', async () => {
		const { sandbox, credentials } = fixture;
		const trigger = new PollingTrigger(credentials, ALL_EVENTS);
		await trigger.poll();
		const listing = realPage(sandbox, 1);
		const users = (listing.users as Array<Record<string, unknown>>).map((user) =>
			user.user_id === idOf(1) ? { ...user, status: 'deleted' } : user,
		);
		sandbox.injectFault({
			status: 200,
			body: JSON.stringify({ ...listing, users }),
			match: onPage(1),
		});
		expect(await trigger.poll()).toBeNull();
		expect(await trigger.poll()).toBeNull();
	});

	test('a user first seen already deleted (added and removed between two polls) is no userAdded', async () => {
		const { sandbox, credentials } = fixture;
		const trigger = new PollingTrigger(credentials, ALL_EVENTS);
		await trigger.poll();
		const passing = sandbox.addUser({ name: 'Passing', email: 'passing@example.com' });
		sandbox.users.change(passing.user_id, { status: 'deleted' });
		expect(await trigger.poll()).toBeNull();
		sandbox.clearLog();
		expect(await trigger.poll()).toBeNull();
		expect(sandbox.apiRequests()).toHaveLength(1);
	});
});

describe('Only a complete listing counts', () => {
	const fixture = useSandbox({ users: 450 });

	/** Page 2 answered with its users changed by `reshape`, and whether the poll must fail. */
	async function pollWithPage2(
		sandbox: ZohoSandbox,
		trigger: PollingTrigger,
		reshape: (page: Record<string, unknown>) => Record<string, unknown>,
	) {
		sandbox.injectFault({
			status: 200,
			body: JSON.stringify(reshape(realPage(sandbox, 2))),
			match: onPage(2),
		});
		return await trigger.poll();
	}

	test.each([
		[
			'an empty page that says more follow',
			(page: Record<string, unknown>) => ({ ...page, users: [] }),
			"Zoho's page 2 held 0 of the 200 records a page holds and said more pages follow",
		],
		[
			'fewer users than a page holds, saying more follow',
			(page: Record<string, unknown>) => ({
				...page,
				users: (page.users as unknown[]).slice(0, 150),
			}),
			"Zoho's page 2 held 150 of the 200 records a page holds and said more pages follow",
		],
		[
			'a short page without page_context',
			(page: Record<string, unknown>) => ({
				code: 0,
				message: 'success',
				users: (page.users as unknown[]).slice(0, 150),
			}),
			"Zoho's page 2 held 150 of the 200 records a page holds and did not say whether more pages follow",
		],
		[
			'a page repeating the one before',
			() => realPage(fixture.sandbox, 1),
			'Zoho sent page 2 with the same records as page 1',
		],
	])(
		'%s is an error naming what Zoho sent, never the end of the list: nobody is reported deleted',
		async (_name, reshape, message) => {
			const { sandbox, credentials } = fixture;
			const trigger = new PollingTrigger(credentials, ALL_EVENTS);
			await trigger.poll();
			const before = JSON.stringify(trigger.staticData);
			sandbox.clearLog();
			await expect(pollWithPage2(sandbox, trigger, reshape)).rejects.toThrow(message);
			expect(JSON.stringify(trigger.staticData)).toBe(before);
			expect(sandbox.apiRequests().map(requestLine)).toEqual([
				'GET users page 1',
				'GET users page 2',
			]);
			expect(await trigger.poll()).toBeNull();
		},
	);

	test('a full page without page_context is followed by the next page, which decides: a complete list, no events', async () => {
		const { sandbox, credentials } = fixture;
		const trigger = new PollingTrigger(credentials, ALL_EVENTS);
		await trigger.poll();
		sandbox.clearLog();
		expect(
			await pollWithPage2(sandbox, trigger, (page) => ({
				code: 0,
				message: 'success',
				users: page.users,
			})),
		).toBeNull();
		expect(sandbox.apiRequests().map(requestLine)).toEqual([
			'GET users page 1',
			'GET users page 2',
			'GET users page 3',
		]);
	});
});

describe('The snapshot belongs to one organization', () => {
	const fixture = useSandbox({ users: 5 });

	test('pointing the credential at another organization takes a new baseline: no one "deleted", no one "added"', async () => {
		const { sandbox, credentials } = fixture;
		const other = await ZohoSandbox.start({ users: 7, organizationId: '20000001' });
		try {
			const trigger = new PollingTrigger(credentials, ALL_EVENTS);
			await trigger.poll();
			sandbox.addUser({ name: 'Ada', email: 'ada@example.com' });
			credentials.set('zohoInvoiceApi', selfClientCredentials(other));
			expect(await trigger.poll()).toBeNull();
			expect(other.apiRequests().filter((request) => request.path.startsWith('/users/'))).toEqual(
				[],
			);
			const added = other.addUser({ name: 'Bea', email: 'bea@example.com' });
			expect(eventsOf(await trigger.events())).toEqual([['userAdded', added.user_id]]);
		} finally {
			await other.stop();
		}
	});

	test.each([
		[
			'another organization ID at the same address',
			(stored: Record<string, unknown>) => ({
				...stored,
				organization: String(stored.organization).replace(/\n\d+$/, '\n99999'),
			}),
		],
		[
			'a snapshot from before the organization was stored',
			(stored: Record<string, unknown>) => {
				const older: Record<string, unknown> = { ...stored, version: 1 };
				delete older.organization;
				return older;
			},
		],
	])('%s means a new baseline and no events', async (_name, rewrite) => {
		const { sandbox, credentials } = fixture;
		const trigger = new PollingTrigger(credentials, ALL_EVENTS);
		await trigger.poll();
		trigger.staticData.users = rewrite(
			trigger.staticData.users as Record<string, unknown>,
		) as never;
		sandbox.users.change(idOf(1), { status: 'deleted' });
		sandbox.addUser({ name: 'Ada', email: 'ada@example.com' });
		sandbox.clearLog();
		expect(await trigger.poll()).toBeNull();
		expect(sandbox.apiRequests().map(requestLine)).toEqual(['GET users page 1']);
		expect(await trigger.poll()).toBeNull();
	});
});

describe('Fetch Test Event acts on nobody', () => {
	const fixture = useSandbox({ users: 5 });

	test('samples of every event for a made-up user, marked sample, shaped like real events; one small listing; the snapshot untouched', async () => {
		const { sandbox, credentials } = fixture;
		const trigger = new PollingTrigger(credentials, ALL_EVENTS);
		const output = await trigger.poll('manual');
		const samples = output?.[0].map((item) => item.json) ?? [];
		expect(samples.map((sample) => sample.event)).toEqual(ALL_EVENTS);
		const listed = (realPage(sandbox, 1).users as Array<Record<string, unknown>>)[0];
		for (const sample of samples) {
			expect(sample.sample).toBe(true);
			const user = sample.user as Record<string, unknown>;
			expect(Object.keys(user).sort()).toEqual(Object.keys(listed).sort());
			expect(user.email).toMatch(/@example\.com$/);
			expect(user.name).toMatch(/sample/i);
			expect(sandbox.listUsers().map((zohoUser) => zohoUser.user_id)).not.toContain(user.user_id);
		}
		expect(sandbox.apiRequests().map((request) => request.query)).toEqual([
			{ filter_by: 'Status.All', page: '1', per_page: '1' },
		]);
		expect(trigger.staticData).toEqual({});

		// A real event has the same keys, with sample false.
		await trigger.poll();
		sandbox.addUser({ name: 'Ada', email: 'ada@example.com' });
		const [real] = await trigger.events();
		expect(real.sample).toBe(false);
		expect(Object.keys(real).sort()).toEqual(Object.keys(samples[0]).sort());
	});

	test("the sample user's id, given to the action node By ID, is refused before anything is sent", async () => {
		const { sandbox, credentials } = fixture;
		const [sample] = (await new PollingTrigger(credentials, ['userDeleted']).poll('manual'))![0];
		sandbox.clearLog();
		await expect(
			runNode({
				credentials,
				items: [sample.json],
				parameters: {
					resource: 'user',
					operation: 'markInactive',
					userId: { __rl: true, mode: 'id', value: '={{ $json.user.user_id }}' },
				},
			}),
		).rejects.toThrow('User: "0" is not a Zoho user ID');
		expect(sandbox.apiRequests()).toHaveLength(0);
	});

	test('a broken credential shows its error', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 403,
			body: JSON.stringify({
				code: 6041,
				message: 'This user is not associated with the CompanyID/CompanyName.',
			}),
		});
		await expect(new PollingTrigger(credentials, ALL_EVENTS).poll('manual')).rejects.toThrow(
			'This user is not associated',
		);
	});
});

describe('At scale', () => {
	// Zoho's limits are not what this measures: without them the 150 calls take seconds, not minutes.
	const fixture = useSandbox({
		users: 10_000,
		limits: { perWindow: Infinity, simultaneous: Infinity },
	});
	beforeAll(() => configureRateLimits({ windowMs: 50, callsPerWindow: 1_000 }));
	afterAll(() => configureRateLimits());

	test('10,000 users with 3 departures: 50 listing requests and 3 confirmations', async () => {
		const { sandbox, credentials } = fixture;
		const trigger = new PollingTrigger(credentials, ['userDeleted']);
		await trigger.poll();
		for (const index of [10, 5_000, 9_999])
			sandbox.users.change(idOf(index), { status: 'deleted' });
		sandbox.clearLog();
		expect(eventsOf(await trigger.events()).sort()).toEqual(
			[idOf(10), idOf(5_000), idOf(9_999)].map((id) => ['userDeleted', id]).sort(),
		);
		const requests = sandbox.apiRequests();
		expect(requests.filter((request) => request.path === USERS_PATH)).toHaveLength(50);
		expect(
			requests
				.filter((request) => request.path !== USERS_PATH)
				.map(requestLine)
				.sort(),
		).toEqual([idOf(10), idOf(5_000), idOf(9_999)].map((id) => `GET /users/${id}`).sort());
	}, 60_000);
});
