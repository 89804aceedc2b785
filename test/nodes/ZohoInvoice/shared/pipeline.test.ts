import { runNode, runWorkflow } from '../../../helpers/engine';
import { useSandbox } from '../../../helpers/sandbox';
import { selfClientCredentials } from '../../../helpers/credentials';

const getUser = (value: string) => ({
	resource: 'user',
	operation: 'get',
	userId: { __rl: true, mode: 'id', value },
});

type NodeError = Error & { description?: string; httpCode?: string | null };

async function failure(promise: Promise<unknown>): Promise<NodeError> {
	return (await promise.then(
		() => {
			throw new Error('expected the run to fail');
		},
		(error: NodeError) => error,
	)) as NodeError;
}

describe('Every request: errors a person can act on, nothing lost', () => {
	const fixture = useSandbox({ users: 5 });

	test('403 names the organization id', async () => {
		const { sandbox, credentials } = fixture;
		credentials.set('zohoInvoiceApi', selfClientCredentials(sandbox, { organizationId: '42' }));
		const error = await failure(runNode({ credentials, parameters: getUser('982000000554041') }));
		expect(error.httpCode).toBe('403');
		expect(error.message).toBe('This user is not associated with the CompanyID/CompanyName.');
		expect(error.description).toMatch(/Organization ID/);
	});

	test("with Wait Out Rate Limits off, a 429 fails at once, naming Zoho's limits and the option", async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 429,
			body: JSON.stringify({ code: 44, message: 'Too many requests' }),
		});
		const error = await failure(
			runNode({
				credentials,
				parameters: { ...getUser('982000000554041'), requestOptions: { waitOutRateLimits: false } },
			}),
		);
		expect(error.httpCode).toBe('429');
		expect(error.description).toMatch(/100 API calls a minute/);
		expect(error.description).toMatch(/Wait Out Rate Limits/);
		expect(sandbox.apiRequests()).toHaveLength(1);
	});

	test('401 that a fresh token does not cure names the region and scopes', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 401,
			body: JSON.stringify({
				code: 57,
				message: 'You are not authorized to perform this operation',
			}),
			times: 2,
		});
		const error = await failure(runNode({ credentials, parameters: getUser('982000000554041') }));
		expect(error.httpCode).toBe('401');
		expect(error.description).toMatch(/Region/);
		expect(error.description).toMatch(/scopes/);
	});

	test("an HTML error page says the answer did not come from Zoho's API", async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 502,
			body: '<html><body>Bad gateway</body></html>',
			contentType: 'text/html',
		});
		const error = await failure(runNode({ credentials, parameters: getUser('982000000554041') }));
		expect(error.message).toMatch(/answered HTTP 502 with something other than Zoho's JSON/);
		expect(error.message).toContain(new URL(sandbox.url).host);
	});

	test('Continue On Fail: every item has an output, failures carry their error, each paired with its input', async () => {
		const { credentials } = fixture;
		const ids = ['982000000554041', '1', '982000000554042', 'not-a-number', '982000000554043'];
		const output = await runNode({
			credentials,
			continueOnFail: true,
			items: ids.map((id) => ({ id })),
			parameters: getUser('={{ $json.id }}'),
		});
		expect(output).toHaveLength(5);
		expect(output.map((item) => (item.error ? 'error' : item.json.user_id))).toEqual([
			'982000000554041',
			'error',
			'982000000554042',
			'error',
			'982000000554043',
		]);
		expect(output[1].error?.message).toBe('User does not exist.');
		expect(output[3].error?.message).toMatch(/not a Zoho user ID/);
	});
});

describe("n8n's Retry On Fail", () => {
	const fixture = useSandbox({ users: 5 });

	test('with Wait Out Rate Limits off, a 429 is retried by n8n after the wait, and the run completes', async () => {
		const { sandbox, credentials } = fixture;
		sandbox.injectFault({
			status: 429,
			body: JSON.stringify({ code: 44, message: 'Too many requests' }),
		});
		const started = Date.now();
		const { items, error } = await runWorkflow({
			credentials,
			parameters: { ...getUser('982000000554041'), requestOptions: { waitOutRateLimits: false } },
			settings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 1000 },
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.user_id)).toEqual(['982000000554041']);
		expect(sandbox.apiRequests()).toHaveLength(2);
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
	});
});
