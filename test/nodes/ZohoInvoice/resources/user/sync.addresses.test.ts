import { configureRateLimits } from '../../../../../nodes/ZohoInvoice/shared/rateLimits';
import { runNode } from '../../../../../harness/engine';
import { useSandbox } from '../../../../helpers/sandbox';
import { changesSent, jsonOf } from '../../../../helpers/syncRun';

/**
 * One address can be written in Unicode more than one way: "josé" with é as
 * one character (what most systems store) or as e followed by a combining
 * accent (what a file saved on a Mac often holds), and full-width letters
 * pasted from East Asian input methods. The seed users are as in
 * sync.test.ts: 0 the credential's own user, 1, 4 and 5 active, 2 inactive,
 * 3 invited.
 */

const sync = (extra: Record<string, unknown> = {}) => ({
	resource: 'user',
	operation: 'sync',
	email: '={{ $json.email }}',
	name: '={{ $json.name }}',
	...extra,
});

const asListed = (index: number) =>
	index === 0
		? { email: 'david@zylker.org', name: 'David Sujin' }
		: { email: `user${index}@zylker.org`, name: `User ${String(index).padStart(5, '0')}` };

const COMPOSED = 'jos\u00e9@zylker.org';
const DECOMPOSED = 'jose\u0301@zylker.org';

beforeEach(() => configureRateLimits({ windowMs: 100 }));
afterAll(() => configureRateLimits());

describe('User → Sync reads an address the same however Unicode writes it', () => {
	const fixture = useSandbox({ users: 6 });

	test('a person whose address comes decomposed is the Zoho user with it composed: not created again, not removed', async () => {
		const { sandbox, credentials } = fixture;
		const jose = sandbox.addUser({ name: 'José Ruiz', email: COMPOSED, status: 'active' });
		const items = [0, 1, 3, 4, 5].map(asListed);
		items.push({ email: DECOMPOSED, name: 'José Ruiz' });
		const output = await runNode({ credentials, items, parameters: sync() });
		expect(jsonOf(output).at(-1)).toEqual({
			action: 'unchanged',
			email: DECOMPOSED,
			user_id: jose.user_id,
		});
		expect(changesSent(sandbox)).toEqual([]);
	});

	test('a person whose domain comes in Unicode is the Zoho user whose domain Zoho holds in ASCII (punycode)', async () => {
		const { sandbox, credentials } = fixture;
		const anna = sandbox.addUser({
			name: 'Anna Weber',
			email: 'anna@xn--mnchen-3ya.de',
			status: 'active',
		});
		const items = [0, 1, 3, 4, 5].map(asListed);
		items.push({ email: 'anna@münchen.de', name: 'Anna Weber' });
		const output = await runNode({ credentials, items, parameters: sync() });
		expect(jsonOf(output).at(-1)).toEqual({
			action: 'unchanged',
			email: 'anna@münchen.de',
			user_id: anna.user_id,
		});
		expect(changesSent(sandbox)).toEqual([]);
	});

	test('the same person twice, once composed and once decomposed, is a repeated address: nobody is removed', async () => {
		const { sandbox, credentials } = fixture;
		// User 5 is a leaver, and user 2 (inactive) costs nothing.
		const items = [0, 1, 3, 4].map(asListed);
		items.push({ email: COMPOSED, name: 'José Ruiz' }, { email: DECOMPOSED, name: 'José Ruiz' });
		const output = await runNode({ credentials, continueOnFail: true, items, parameters: sync() });
		expect(output.filter((item) => item.error).map((item) => item.error?.message)).toEqual([
			`Email: ${COMPOSED} appears in items 4, 5`,
			`Email: ${COMPOSED} appears in items 4, 5`,
		]);
		expect(jsonOf(output).find((json) => json.email === 'user5@zylker.org')).toMatchObject({
			action: 'kept',
		});
		expect(changesSent(sandbox)).toEqual([]);
	});

	test('Keep Emails written with full-width letters still protects the user', async () => {
		const { sandbox, credentials } = fixture;
		const output = await runNode({
			credentials,
			items: [0, 1, 2, 3, 4].map(asListed),
			parameters: sync({ options: { keepEmails: '\uff55ser5@zylker.org', dryRun: true } }),
		});
		expect(jsonOf(output).at(-1)).toMatchObject({
			action: 'kept',
			email: 'user5@zylker.org',
			reason: 'Listed in Keep Emails',
		});
		expect(changesSent(sandbox)).toEqual([]);
	});
});

describe('User → Sync reads a name the same however Unicode writes it', () => {
	const fixture = useSandbox({ users: 6 });

	test('a name that differs only in how Unicode writes é is unchanged: no update is sent', async () => {
		const { sandbox, credentials } = fixture;
		const jose = sandbox.addUser({ name: 'Jos\u00e9 Ruiz', email: 'jose@zylker.org' });
		const items = [0, 1, 3, 4, 5].map(asListed);
		items.push({ email: 'jose@zylker.org', name: 'Jose\u0301 Ruiz' });
		const output = await runNode({ credentials, items, parameters: sync() });
		expect(jsonOf(output).at(-1)).toEqual({
			action: 'unchanged',
			email: 'jose@zylker.org',
			user_id: jose.user_id,
		});
		expect(changesSent(sandbox)).toEqual([]);
	});
});
