import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

import { ZohoInvoiceTrigger } from '../../../nodes/ZohoInvoice/ZohoInvoiceTrigger.node';
import { PollingTrigger } from '../../../harness/poll';
import { useSandbox } from '../../helpers/sandbox';
import { AUTHENTICATIONS, expectedAuthorization } from '../../helpers/wire';
import { ALL_EVENTS } from '../../helpers/events';

const { description } = new ZohoInvoiceTrigger();

describe('Zoho Invoice Trigger description', () => {
	test('is a polling trigger with no inputs, not a tool, taking both credentials', () => {
		expect(description).toMatchObject({
			name: 'zohoInvoiceTrigger',
			displayName: 'Zoho Invoice Trigger',
			polling: true,
			inputs: [],
		});
		expect(description.usableAsTool).toBeUndefined();
		expect(description.credentials?.map((credential) => credential.name)).toEqual([
			'zohoInvoiceOAuth2Api',
			'zohoInvoiceApi',
		]);
		const events = description.properties.find((property) => property.name === 'events');
		expect(events).toMatchObject({ type: 'multiOptions', required: true });
		expect(
			(events?.options as Array<{ value: string }>).map((option) => option.value).sort(),
		).toEqual([...ALL_EVENTS].sort());
	});

	test('has the icons and a codex file like the action node', () => {
		const directory = join(__dirname, '../../../nodes/ZohoInvoice');
		const icon = description.icon as { light: string; dark: string };
		for (const file of [icon.light, icon.dark])
			expect(existsSync(join(directory, file.replace('file:', '')))).toBe(true);
		const codex = JSON.parse(readFileSync(join(directory, 'ZohoInvoiceTrigger.node.json'), 'utf8'));
		expect(codex.node).toBe('n8n-nodes-zoho-invoice.zohoInvoiceTrigger');
		expect(codex.categories).toEqual(['Finance & Accounting']);
	});
});

describe('Zoho Invoice Trigger', () => {
	const fixture = useSandbox({ users: 5 });

	test.each(AUTHENTICATIONS)(
		'the first poll takes the baseline and emits nothing; one listing per poll (%s)',
		async (authentication) => {
			const { sandbox, credentials } = fixture;
			const trigger = new PollingTrigger(credentials, ALL_EVENTS, authentication);
			expect(await trigger.poll()).toBeNull();
			expect(await trigger.poll()).toBeNull();
			const listings = sandbox.apiRequests();
			expect(
				listings.map((request) => `${request.method} ${request.path} ${request.query.filter_by}`),
			).toEqual(['GET /invoice/v3/users Status.All', 'GET /invoice/v3/users Status.All']);
			expect(listings[0].headers.authorization).toBe(
				expectedAuthorization(credentials, authentication),
			);
			expect(listings[0].headers['x-com-zoho-invoice-organizationid']).toBe(sandbox.organizationId);
		},
	);

	test('each event from a change in Zoho, with the user as Zoho lists them and what was before', async () => {
		const { sandbox, credentials } = fixture;
		const trigger = new PollingTrigger(credentials, ALL_EVENTS);
		await trigger.poll();

		const added = sandbox.addUser({ name: 'Ada', email: 'ada@example.com', status: 'invited' });
		expect(await trigger.events()).toEqual([
			{
				event: 'userAdded',
				sample: false,
				user: expect.objectContaining({
					user_id: added.user_id,
					email: 'ada@example.com',
					status: 'invited',
				}),
			},
		]);

		sandbox.users.change('982000000554043', { status: 'active' }); // user2 was inactive
		expect(await trigger.events()).toEqual([
			{
				event: 'userActivated',
				sample: false,
				user: expect.objectContaining({ user_id: '982000000554043', status: 'active' }),
				previous: { status: 'inactive' },
			},
		]);

		sandbox.users.change('982000000554042', { status: 'inactive' }); // user1 was active
		expect(await trigger.events()).toEqual([
			{
				event: 'userDeactivated',
				sample: false,
				user: expect.objectContaining({ user_id: '982000000554042' }),
				previous: { status: 'active' },
			},
		]);

		sandbox.users.change('982000000554042', { user_role: 'admin' });
		expect(await trigger.events()).toEqual([
			{
				event: 'userRoleChanged',
				sample: false,
				user: expect.objectContaining({ user_role: 'admin' }),
				previous: { user_role: 'staff' },
			},
		]);

		sandbox.users.change('982000000554042', { name: 'User One', email: 'one@zylker.org' });
		expect(await trigger.events()).toEqual([
			{
				event: 'userDetailsChanged',
				sample: false,
				user: expect.objectContaining({ name: 'User One', email: 'one@zylker.org' }),
				previous: { name: 'User 00001', email: 'user1@zylker.org' },
			},
		]);

		sandbox.users.change('982000000554044', { status: 'deleted' }); // gone from the list
		expect(await trigger.events()).toEqual([
			{
				event: 'userDeleted',
				sample: false,
				user: expect.objectContaining({ user_id: '982000000554044', email: 'user3@zylker.org' }),
				previous: { status: 'invited' },
			},
		]);
		expect(await trigger.poll()).toBeNull();
	});

	test('several events in one poll, only those chosen', async () => {
		const { sandbox, credentials } = fixture;
		const trigger = new PollingTrigger(credentials, ['userAdded', 'userDeactivated']);
		await trigger.poll();
		sandbox.addUser({ name: 'Ada', email: 'ada@example.com' });
		sandbox.addUser({ name: 'Bob', email: 'bob@example.com' });
		sandbox.users.change('982000000554042', { status: 'inactive', user_role: 'admin' });
		const events = await trigger.events();
		expect(events.map((event) => event.event).sort()).toEqual([
			'userAdded',
			'userAdded',
			'userDeactivated',
		]);
	});

	test.each([
		[
			'a 401 that a new token does not cure',
			{
				status: 401,
				body: JSON.stringify({
					code: 57,
					message: 'You are not authorized to perform this operation',
				}),
				times: 2,
			},
		],
		['a 500', { status: 500, body: JSON.stringify({ code: 1000, message: 'Internal error' }) }],
		['an HTML page', { status: 200, body: '<html>maintenance</html>', contentType: 'text/html' }],
	])(
		'%s: the poll fails, no event is invented, the snapshot is untouched',
		async (_name, fault) => {
			const { sandbox, credentials } = fixture;
			const trigger = new PollingTrigger(credentials, ALL_EVENTS);
			await trigger.poll();
			const before = JSON.stringify(trigger.staticData);
			sandbox.users.change('982000000554042', { user_role: 'admin' });
			sandbox.injectFault(fault);
			await expect(trigger.poll()).rejects.toThrow();
			expect(JSON.stringify(trigger.staticData)).toBe(before);
			// Once Zoho answers again, the change is reported, once.
			expect((await trigger.events()).map((event) => event.event)).toEqual(['userRoleChanged']);
		},
	);

	test('a listing that fails midway reports nobody deleted and keeps the snapshot', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.seedUsers(450);
		const trigger = new PollingTrigger(credentials, ALL_EVENTS);
		await trigger.poll();
		const before = JSON.stringify(trigger.staticData);
		sandbox.injectFault({
			status: 500,
			body: JSON.stringify({ code: 1000, message: 'Internal error' }),
			match: (request) => request.query.page === '3',
		});
		await expect(trigger.poll()).rejects.toThrow('Internal error');
		expect(JSON.stringify(trigger.staticData)).toBe(before);
		expect(await trigger.poll()).toBeNull();
	});

	test('"Fetch Test Event" returns samples of the chosen events and leaves the snapshot alone', async () => {
		const { sandbox, credentials } = fixture;
		const trigger = new PollingTrigger(credentials, ['userAdded', 'userRoleChanged']);
		const sample = await trigger.poll('manual');
		expect(sample?.[0].map((item) => item.json.event)).toEqual(['userAdded', 'userRoleChanged']);
		expect(trigger.staticData).toEqual({});
		// The baseline is still to be taken by the first scheduled poll.
		sandbox.addUser({ name: 'Ada', email: 'ada@example.com' });
		expect(await trigger.poll()).toBeNull();
	});

	test('no events chosen is an error naming the field, before any request', async () => {
		const { sandbox, credentials } = fixture;
		await expect(new PollingTrigger(credentials, []).poll()).rejects.toThrow(
			'Events: pick at least one event',
		);
		expect(sandbox.apiRequests()).toHaveLength(0);
	});
});

describe('Zoho Invoice Trigger against damaged state and odd listings', () => {
	const fixture = useSandbox({ users: 5 });

	test.each([
		[
			'states cut short',
			(stored: Record<string, unknown>) => ({
				...stored,
				states: (stored.states as number[]).slice(1),
			}),
		],
		['names as text', (stored: Record<string, unknown>) => ({ ...stored, names: 'abc' })],
		['emails emptied', (stored: Record<string, unknown>) => ({ ...stored, emails: [] })],
		['roles null', (stored: Record<string, unknown>) => ({ ...stored, roles: null })],
		[
			'ids with garbage',
			(stored: Record<string, unknown>) => ({ ...stored, ids: `${String(stored.ids)},-x` }),
		],
		[
			'states out of range',
			(stored: Record<string, unknown>) => ({
				...stored,
				states: (stored.states as number[]).map(() => 999),
			}),
		],
		['an older version', (stored: Record<string, unknown>) => ({ ...stored, version: 0 })],
	])(
		'a damaged snapshot (%s) is not trusted: a new baseline, no invented events, and the next poll works',
		async (_name, damage) => {
			const { credentials } = fixture;
			const trigger = new PollingTrigger(credentials, ALL_EVENTS);
			await trigger.poll();
			trigger.staticData.users = damage(
				trigger.staticData.users as Record<string, unknown>,
			) as never;
			expect(await trigger.poll()).toBeNull();
			expect(await trigger.poll()).toBeNull();
		},
	);

	test('a user listed on two pages (the list shifted while paged) is one user: one event', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.seedUsers(250);
		const trigger = new PollingTrigger(credentials, ALL_EVENTS);
		await trigger.poll();
		const added = sandbox.addUser({ name: 'Ada', email: 'ada@example.com' });
		// Page 2 repeats the last user of page 1 and the new user shows on both pages.
		const page = (number: number) => {
			const users = sandbox.listUsers().filter((user) => user.status !== 'deleted');
			const slice = number === 1 ? [...users.slice(0, 199), added] : users.slice(199);
			return JSON.stringify({
				code: 0,
				message: 'success',
				users: slice,
				page_context: { page: number, has_more_page: number === 1 },
			});
		};
		sandbox.injectFault({
			status: 200,
			body: page(1),
			match: (request) => request.query.page === '1',
		});
		sandbox.injectFault({
			status: 200,
			body: page(2),
			match: (request) => request.query.page === '2',
		});
		const events = await trigger.events();
		expect(
			events.map((event) => [event.event, (event.user as { user_id: string }).user_id]),
		).toEqual([['userAdded', added.user_id]]);
	});

	test('an id with a leading zero is refused as one the node cannot name exactly: the poll fails, nothing is invented', async () => {
		const { sandbox, credentials } = fixture;
		const trigger = new PollingTrigger(credentials, ALL_EVENTS);
		await trigger.poll();
		const before = JSON.stringify(trigger.staticData);
		const users = sandbox
			.listUsers()
			.map((user, index) => (index === 1 ? { ...user, user_id: `0${user.user_id}` } : user));
		sandbox.injectFault({
			status: 200,
			body: JSON.stringify({
				code: 0,
				message: 'success',
				users,
				page_context: { page: 1, has_more_page: false },
			}),
		});
		await expect(trigger.poll()).rejects.toThrow('Zoho listed a user without a usable user_id');
		expect(JSON.stringify(trigger.staticData)).toBe(before);
	});
});
