import { searchUsers } from '../../../../harness/listSearch';
import { useSandbox } from '../../../helpers/sandbox';
import { AUTHENTICATIONS } from '../../../helpers/wire';

describe("The User field's list (From List)", () => {
	const fixture = useSandbox({ users: 5 });

	test.each(AUTHENTICATIONS)(
		'shows users as "Name (email)" with their ids (%s)',
		async (authentication) => {
			const { sandbox, credentials } = fixture;
			const result = await searchUsers(credentials, authentication);
			expect(result.results[0]).toEqual({
				name: 'David Sujin (david@zylker.org)',
				value: '982000000554041',
			});
			expect(result.results).toHaveLength(5);
			expect(result.paginationToken).toBeUndefined();
			expect(sandbox.apiRequests()[0].headers['x-com-zoho-invoice-organizationid']).toBe(
				sandbox.organizationId,
			);
		},
	);

	test('pages through more than 200 users, 200 at a time', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.seedUsers(450);
		const seen: string[] = [];
		let token: string | undefined;
		do {
			const page = await searchUsers(credentials, 'selfClient', undefined, token);
			seen.push(...page.results.map((result) => String(result.value)));
			token = page.paginationToken;
		} while (token);
		expect(new Set(seen).size).toBe(450);
		expect(sandbox.apiRequests().map((request) => request.query)).toEqual([
			{ page: '1', per_page: '200' },
			{ page: '2', per_page: '200' },
			{ page: '3', per_page: '200' },
		]);
	});

	test('filters by name or email as the user types', async () => {
		const { credentials } = fixture;
		const result = await searchUsers(credentials, 'selfClient', 'USER2@');
		expect(result.results).toEqual([
			{ name: 'User 00002 (user2@zylker.org)', value: '982000000554043' },
		]);
	});
});
