import { runNode } from '../../../../helpers/engine';
import { useSandbox } from '../../../../helpers/sandbox';

const byEmail = (value: string) => ({ __rl: true, mode: 'email', value });

describe('The User field', () => {
	const fixture = useSandbox({ users: 5 });

	describe('By Email', () => {
		test('finds the user and acts on their id', async () => {
			const { sandbox, credentials } = fixture;
			const [output] = await runNode({
				credentials,
				parameters: {
					resource: 'user',
					operation: 'markInactive',
					userId: byEmail('User3@Zylker.org'),
				},
			});
			expect(output.json).toEqual({
				message: 'The user has been marked as inactive.',
				user_id: '982000000554044',
			});
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
				runNode({
					credentials,
					parameters: {
						resource: 'user',
						operation: 'delete',
						userId: byEmail('nobody@zylker.org'),
					},
				}),
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
			expect(error.message).toBe(
				'2 users in this organization have the email address user1@zylker.org',
			);
			expect(error.description).toContain(twin.user_id);
			expect(sandbox.apiRequests().every((request) => request.method === 'GET')).toBe(true);
		});

		test('refuses an address that is not one before sending anything', async () => {
			const { sandbox, credentials } = fixture;
			await expect(
				runNode({
					credentials,
					parameters: { resource: 'user', operation: 'get', userId: byEmail('not an email') },
				}),
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
			const listings = sandbox
				.apiRequests()
				.filter((request) => request.path === '/invoice/v3/users');
			expect(listings).toHaveLength(1);
		});
	});
});
