import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

import { ZohoInvoiceTrigger } from '../../../nodes/ZohoInvoice/ZohoInvoiceTrigger.node';
import { PollingTrigger } from '../../helpers/poll';
import { useSandbox } from '../../helpers/sandbox';
import { AUTHENTICATIONS, expectedAuthorization } from '../../helpers/wire';

const ALL_EVENTS = [
	'userAdded',
	'userActivated',
	'userDeactivated',
	'userRoleChanged',
	'userDetailsChanged',
	'userDeleted',
];
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
				user: expect.objectContaining({ user_id: '982000000554043', status: 'active' }),
				previous: { status: 'inactive' },
			},
		]);

		sandbox.users.change('982000000554042', { status: 'inactive' }); // user1 was active
		expect(await trigger.events()).toEqual([
			{
				event: 'userDeactivated',
				user: expect.objectContaining({ user_id: '982000000554042' }),
				previous: { status: 'active' },
			},
		]);

		sandbox.users.change('982000000554042', { user_role: 'admin' });
		expect(await trigger.events()).toEqual([
			{
				event: 'userRoleChanged',
				user: expect.objectContaining({ user_role: 'admin' }),
				previous: { user_role: 'staff' },
			},
		]);

		sandbox.users.change('982000000554042', { name: 'User One', email: 'one@zylker.org' });
		expect(await trigger.events()).toEqual([
			{
				event: 'userDetailsChanged',
				user: expect.objectContaining({ name: 'User One', email: 'one@zylker.org' }),
				previous: { name: 'User 00001', email: 'user1@zylker.org' },
			},
		]);

		sandbox.users.change('982000000554044', { status: 'deleted' }); // gone from the list
		expect(await trigger.events()).toEqual([
			{
				event: 'userDeleted',
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

	test('"Fetch Test Event" returns samples from the current list and leaves the snapshot alone', async () => {
		const { sandbox, credentials } = fixture;
		const trigger = new PollingTrigger(credentials, ['userAdded', 'userRoleChanged']);
		const sample = await trigger.poll('manual');
		expect(sample?.[0].map((item) => item.json.event)).toEqual(['userAdded', 'userRoleChanged']);
		expect(sample?.[0][0].json.user).toMatchObject({ user_id: '982000000554041' });
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
