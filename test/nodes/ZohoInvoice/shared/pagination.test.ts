import { MAX_PAGES } from '../../../../nodes/ZohoInvoice/shared/pagination';
import { configureRateLimits } from '../../../../nodes/ZohoInvoice/shared/rateLimits';
import { runNode } from '../../../../harness/engine';
import { useSandbox } from '../../../helpers/sandbox';
import type { ZohoSandbox } from '../../../../sandbox/server';

/**
 * Paging Zoho's lists (shared/pagination.ts) when something between n8n and Zoho ignores the
 * `page` parameter and keeps saying more pages follow.
 */

type NodeError = Error & { description?: string };

const USERS_PATH = '/invoice/v3/users';

const listedUser = (id: number) => ({
	user_id: String(982000000600000 + id),
	name: `Listed ${id}`,
	email: `listed${id}@zylker.org`,
	status: 'active',
});

/** A full page by Zoho's own count (its per_page), saying more follow. */
const page = (users: object[]) =>
	JSON.stringify({
		code: 0,
		message: 'success',
		users,
		page_context: { page: 1, per_page: users.length, has_more_page: true },
	});

const getAllUsers = { resource: 'user', operation: 'getAll', returnAll: true };
const getByEmail = {
	resource: 'user',
	operation: 'get',
	userId: { __rl: true, mode: 'email', value: 'listed1@zylker.org' },
};

async function failure(promise: Promise<unknown>): Promise<NodeError> {
	return await promise.then(
		() => {
			throw new Error('expected the run to fail');
		},
		(error: NodeError) => error,
	);
}

/** A proxy that answers every listing with the same page, saying more follow. */
function ignorePageParameter(sandbox: ZohoSandbox) {
	sandbox.injectFault({
		status: 200,
		body: page([listedUser(1), listedUser(2)]),
		times: 50,
		match: (request) => request.path === USERS_PATH,
	});
}

/** A proxy that answers every listing with a new page, saying more follow: a list without end. */
function neverEndingList(sandbox: ZohoSandbox, pages: number) {
	for (let index = 0; index < pages; index++) {
		sandbox.injectFault({
			status: 200,
			body: page([listedUser(index)]),
			match: (request) => request.path === USERS_PATH,
		});
	}
}

describe('A list that never ends', () => {
	const fixture = useSandbox();

	beforeAll(() => configureRateLimits({ windowMs: 20 }));
	afterAll(() => configureRateLimits());

	test('Return All stops at the first page that repeats the one before, saying why', async () => {
		const { sandbox, credentials } = fixture;
		ignorePageParameter(sandbox);
		const error = await failure(runNode({ credentials, parameters: getAllUsers }));
		expect(error.message).toBe('Zoho sent page 2 with the same records as page 1');
		expect(error.description).toMatch(/ignoring the page parameter/);
		expect(sandbox.apiRequests().map((request) => request.query.page)).toEqual(['1', '2']);
	});

	test('the By Email lookup stops there too, and acts on nobody', async () => {
		const { sandbox, credentials } = fixture;
		ignorePageParameter(sandbox);
		const error = await failure(runNode({ credentials, parameters: getByEmail }));
		expect(error.message).toBe('Zoho sent page 2 with the same records as page 1');
		expect(
			sandbox.apiRequests().map((request) => `${request.path}?page=${request.query.page}`),
		).toEqual([`${USERS_PATH}?page=1`, `${USERS_PATH}?page=2`]);
	});

	// One list operation is enough here (each request through n8n's engine costs a few ms): the
	// By Email lookup pages with the same collectPages, and its repeat test above shows it stops.
	test(`Return All stops after ${MAX_PAGES} pages of new records that never end, saying why`, async () => {
		const { sandbox, credentials } = fixture;
		neverEndingList(sandbox, MAX_PAGES + 1);
		const error = await failure(runNode({ credentials, parameters: getAllUsers }));
		expect(error.message).toBe(`Zoho kept saying more pages follow after ${MAX_PAGES} pages`);
		expect(error.description).toMatch(/more than any organization holds/);
		expect(sandbox.apiRequests()).toHaveLength(MAX_PAGES);
	});
});

describe('Only a complete list counts for the operations that compare against the whole organization', () => {
	const fixture = useSandbox({ users: 450 });

	beforeAll(() => configureRateLimits({ windowMs: 20 }));
	afterAll(() => configureRateLimits());

	/** Page 2 cut to 150 users while it still says more follow: users 351-400 would be missed. */
	function shortPage2(sandbox: ZohoSandbox) {
		const real = sandbox.users.list({ page: '2', per_page: '200', filter_by: 'Status.All' })
			.body as { users: unknown[] };
		sandbox.injectFault({
			status: 200,
			body: JSON.stringify({ ...real, users: real.users.slice(0, 150) }),
			match: (request) => request.path === USERS_PATH && request.query.page === '2',
		});
	}

	const MESSAGE =
		"Zoho's page 2 held 150 of the 200 records a page holds and said more pages follow";

	test('Get Many with Return All fails, naming what Zoho sent', async () => {
		const { sandbox, credentials } = fixture;
		shortPage2(sandbox);
		const error = await failure(runNode({ credentials, parameters: getAllUsers }));
		expect(error.message).toBe(MESSAGE);
		expect(error.description).toMatch(/Nothing was done with the list/);
	});

	test('By Email does not conclude "no such user" from it, and acts on nobody', async () => {
		const { sandbox, credentials } = fixture;
		shortPage2(sandbox);
		const user = sandbox.listUsers()[380];
		const error = await failure(
			runNode({
				credentials,
				parameters: {
					...getByEmail,
					operation: 'markInactive',
					userId: { ...getByEmail.userId, value: user.email },
				},
			}),
		);
		expect(error.message).toBe(MESSAGE);
		expect(sandbox.apiRequests().map((request) => request.method)).toEqual(['GET', 'GET']);
	});

	test('Create or Update does not create a second user for an address it did not see', async () => {
		const { sandbox, credentials } = fixture;
		shortPage2(sandbox);
		const user = sandbox.listUsers()[380];
		const error = await failure(
			runNode({
				credentials,
				items: [{ email: user.email, name: user.name }],
				parameters: {
					resource: 'user',
					operation: 'upsert',
					email: '={{ $json.email }}',
					name: '={{ $json.name }}',
				},
			}),
		);
		expect(error.message).toBe(MESSAGE);
		expect(sandbox.apiRequests().map((request) => request.method)).toEqual(['GET', 'GET']);
	});
});
