import { configureRateLimits } from '../../../../nodes/ZohoInvoice/shared/rateLimits';
import { PollingTrigger } from '../../../../harness/poll';
import { ALL_EVENTS } from '../../../helpers/events';
import { useSandbox } from '../../../helpers/sandbox';
import type { ReceivedRequest, ZohoSandbox } from '../../../../sandbox/server';

/**
 * The baseline joins two listings when the list took several pages, since a
 * list that shifts between two page requests can hide a user. Zoho says in
 * page_context how many users a page holds; the node asks for 200, and
 * something between n8n and Zoho (or Zoho itself) may apply fewer.
 */

const USERS_PATH = '/invoice/v3/users';
const idOf = (index: number) => String(982000000554041n + BigInt(index));
const onPage = (page: number) => (request: ReceivedRequest) =>
	request.path === USERS_PATH && request.query.page === String(page);

/** Page `page` of the listing as Zoho would answer it 100 users a page, as it stands now. */
const pageOf100 = (sandbox: ZohoSandbox, page: number) =>
	JSON.stringify(
		sandbox.users.list({ page: String(page), per_page: '100', filter_by: 'Status.All' }).body,
	);

beforeEach(() => configureRateLimits({ windowMs: 100 }));
afterAll(() => configureRateLimits());

describe('The baseline of a list Zoho pages 100 at a time', () => {
	const fixture = useSandbox({ users: 150 });

	test('joins two listings: a user it missed while the list shifted is not "added" later', async () => {
		const { sandbox, credentials } = fixture;
		const trigger = new PollingTrigger(credentials, ALL_EVENTS);
		// User 5 (on page 1) is deleted between the baseline's page 1 and page 2: page 2 starts
		// one user later and user 100 is in neither page.
		const pageOne = pageOf100(sandbox, 1);
		sandbox.users.change(idOf(5), { status: 'deleted' });
		const pageTwo = pageOf100(sandbox, 2);
		sandbox.users.change(idOf(5), { status: 'active' });
		sandbox.injectFault({ match: onPage(1), body: pageOne, contentType: 'application/json' });
		sandbox.injectFault({
			match: onPage(2),
			body: pageTwo,
			contentType: 'application/json',
			act: (zoho) => zoho.users.change(idOf(5), { status: 'deleted' }),
		});
		expect(await trigger.poll()).toBeNull();
		// User 5 was in the baseline and has gone since: that is a real departure; user 100 was there all along.
		expect(
			(await trigger.events()).map((event) => [
				event.event,
				(event.user as { user_id: string }).user_id,
			]),
		).toEqual([['userDeleted', idOf(5)]]);
	});
});
