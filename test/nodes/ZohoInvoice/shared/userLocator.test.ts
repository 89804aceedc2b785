import { runNode, searchUsers } from '../../../helpers/n8n';
import { useSandbox } from '../../../helpers/sandbox';
import { AUTHENTICATIONS } from '../../../helpers/wire';

const byEmail = (value: string) => ({ __rl: true, mode: 'email', value });

describe('The User field', () => {
	const fixture = useSandbox({ users: 5 });

	describe('From List', () => {
		test.each(AUTHENTICATIONS)('shows users as "Name (email)" with their ids (%s)', async (authentication) => {
			const { sandbox, credentials } = fixture;
			const result = await searchUsers(credentials, authentication);
			expect(result.results[0]).toEqual({ name: 'David Sujin (david@zylker.org)', value: '982000000554041' });
			expect(result.results).toHaveLength(5);
			expect(result.paginationToken).toBeUndefined();
			expect(sandbox.apiRequests()[0].headers['x-com-zoho-invoice-organizationid']).toBe(sandbox.organizationId);
		});

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
			expect(result.results).toEqual([{ name: 'User 00002 (user2@zylker.org)', value: '982000000554043' }]);
		});
	});

	describe('By Email', () => {
		test('finds the user and acts on their id', async () => {
			const { sandbox, credentials } = fixture;
			const [output] = await runNode({
				credentials,
				parameters: { resource: 'user', operation: 'markInactive', userId: byEmail('User3@Zylker.org') },
			});
			expect(output.json).toEqual({ message: 'The user has been marked as inactive.', user_id: '982000000554044' });
			expect(sandbox.apiRequests().map((request) => `${request.method} ${request.path}`)).toEqual([
				'GET /invoice/v3/users',
				'POST /invoice/v3/users/982000000554044/inactive',
			]);
		});

		test('looks through every page of users', async () => {
			const { sandbox, credentials } = fixture;
			sandbox.seedUsers(450);
			const [output] = await runNode({
				credentials,
				parameters: { resource: 'user', operation: 'get', userId: byEmail('user420@zylker.org') },
			});
			expect(output.json.name).toBe('User 00420');
		});

		test('says so when no user has the address, and changes nothing', async () => {
			const { sandbox, credentials } = fixture;
			await expect(
				runNode({ credentials, parameters: { resource: 'user', operation: 'delete', userId: byEmail('nobody@zylker.org') } }),
			).rejects.toThrow('No user in this organization has the email address nobody@zylker.org');
			expect(sandbox.apiRequests().every((request) => request.method === 'GET')).toBe(true);
		});

		test('says so when two users have the address, naming their ids, and changes nothing', async () => {
			const { sandbox, credentials } = fixture;
			const twin = sandbox.addUser({ name: 'Twin', email: 'user1@zylker.org' });
			const error = (await runNode({
				credentials,
				parameters: { resource: 'user', operation: 'delete', userId: byEmail('user1@zylker.org') },
			}).catch((caught) => caught)) as Error & { description: string };
			expect(error.message).toBe('2 users in this organization have the email address user1@zylker.org');
			expect(error.description).toContain(twin.user_id);
			expect(sandbox.apiRequests().every((request) => request.method === 'GET')).toBe(true);
		});

		test('refuses an address that is not one before sending anything', async () => {
			const { sandbox, credentials } = fixture;
			await expect(
				runNode({ credentials, parameters: { resource: 'user', operation: 'get', userId: byEmail('not an email') } }),
			).rejects.toThrow('User: "not an email" is not an email address');
			expect(sandbox.apiRequests()).toHaveLength(0);
		});

		test('lists the users once per run, however many items and addresses it names', async () => {
			const { sandbox, credentials } = fixture;
			const emails = ['user1@zylker.org', 'user2@zylker.org'];
			const items = Array.from({ length: 20 }, (_, index) => ({ email: emails[index % 2] }));
			const output = await runNode({
				credentials,
				items,
				parameters: { resource: 'user', operation: 'get', userId: byEmail('={{ $json.email }}') },
			});
			expect(output.map((item) => item.json.email_ids)).toEqual(
				items.map(({ email }) => [{ email, is_selected: true }]),
			);
			const listings = sandbox.apiRequests().filter((request) => request.path === '/invoice/v3/users');
			expect(listings).toHaveLength(1);
		});
	});
});
